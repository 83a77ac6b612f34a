"""JSON Schemas (draft 2020-12) of what the cms routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, EDITORJS, INTEGER, STRING, array, map_of, nullable, obj, ref

SCHEMAS = {
    "CmsPage": obj(
        id=INTEGER,
        translations=map_of(
            obj(
                title=STRING,
                optional={
                    "slug": STRING,
                    "content": EDITORJS,
                },
            )
        ),
        published=BOOLEAN,
        categories=array(INTEGER),
        resourcetype=STRING,
        optional={"frontend_path": STRING},
    ),
    "CmsPageList": array(ref("CmsPage")),
    "CmsContentPage": obj(
        id=INTEGER,
        translations=map_of(
            obj(
                slug=STRING,
                title=STRING,
                content=EDITORJS,
            )
        ),
        published=BOOLEAN,
        categories=array(INTEGER),
    ),
    "CmsFrontendPage": obj(
        id=INTEGER, translations=map_of(obj(title=STRING)), frontend_path=STRING, published=BOOLEAN, categories=array()
    ),
    "EditorjsUpload": obj(file=STRING),
    "StorefrontCmsPage": obj(
        id=INTEGER,
        slug=STRING,
        title=STRING,
        content=EDITORJS,
    ),
    "StorefrontCmsCategoryList": array(
        obj(
            id=INTEGER,
            title=STRING,
            image=nullable(STRING),
            code=STRING,
            published=BOOLEAN,
            page=array(
                obj(id=INTEGER, title=STRING, resourcetype=STRING, optional={"slug": STRING, "frontend_path": STRING})
            ),
        )
    ),
    "CmsCategoryType": obj(id=INTEGER, identifier=STRING),
    "CmsCategory": obj(
        id=INTEGER,
        translations=map_of(obj(title=STRING)),
        published=BOOLEAN,
        code=nullable(STRING),
        type=array(INTEGER),
        image=nullable(STRING),
    ),
    "CmsCategoryTypeList": array(ref("CmsCategoryType")),
    "CmsCategoryList": array(ref("CmsCategory")),
}
