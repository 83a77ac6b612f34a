"""Request bodies of the CMS routes (contract 1.9), in the dashboard's translation style (A.7).

Create schemas fill defaults; update schemas (PUT/PATCH) have none, so a field that is not sent is left
as it is, as DRF's non-partial update does for optional fields.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.http.validation import (
    Boolean,
    EditorJs,
    FieldError,
    ImageUpload,
    Integer,
    ListOf,
    Schema,
    Slug,
    String,
    Translations,
)

PAGE_CMS = "PageCMS"
PAGE_FRONTEND = "PageFrontend"
RESOURCETYPES = (PAGE_CMS, PAGE_FRONTEND)








class Identifier(String):
    def convert(self, value: Any) -> str:
        text = super().convert(value)
        if "/" in text:
            raise FieldError(["An identifier may not contain '/'."])
        return text




def _ids(**kw) -> ListOf:
    return ListOf(Integer(min_value=1), **kw)


CMS_ROW = Schema("PageCMSTranslation",
                 slug=Slug(max_length=255, allow_blank=True, required=False),
                 title=String(max_length=250, allow_blank=True, required=False),
                 content=EditorJs(required=False, allow_null=True))
TITLE_ROW = Schema("TitleTranslation", title=String(max_length=250, allow_blank=True, required=False))

PAGE_CMS_CREATE = Schema("PageCMSCreate",
                         published=Boolean(default=False),
                         categories=_ids(default=list),
                         translations=Translations(CMS_ROW, default=dict))
PAGE_FRONTEND_CREATE = Schema("PageFrontendCreate",
                              published=Boolean(default=False),
                              categories=_ids(default=list),
                              frontend_path=String(max_length=250),
                              translations=Translations(TITLE_ROW, default=dict))
PAGE_CMS_UPDATE = Schema("PageCMSUpdate",
                         published=Boolean(required=False),
                         categories=_ids(required=False),
                         translations=Translations(CMS_ROW, required=False))
PAGE_FRONTEND_UPDATE = Schema("PageFrontendUpdate",
                              published=Boolean(required=False),
                              categories=_ids(required=False),
                              frontend_path=String(max_length=250, required=False),
                              translations=Translations(TITLE_ROW, required=False))
PAGE_CREATE = {PAGE_CMS: PAGE_CMS_CREATE, PAGE_FRONTEND: PAGE_FRONTEND_CREATE}
PAGE_UPDATE = {PAGE_CMS: PAGE_CMS_UPDATE, PAGE_FRONTEND: PAGE_FRONTEND_UPDATE}

CATEGORY_CREATE = Schema("PageCategoryCreate",
                         published=Boolean(default=False),
                         code=String(max_length=20, allow_blank=True, allow_null=True, default=None),
                         type=_ids(default=list),
                         translations=Translations(TITLE_ROW, default=dict),
                         image=ImageUpload(default=None, allow_null=True))
CATEGORY_UPDATE = Schema("PageCategoryUpdate",
                         published=Boolean(required=False),
                         code=String(max_length=20, allow_blank=True, allow_null=True, required=False),
                         type=_ids(required=False),
                         translations=Translations(TITLE_ROW, required=False),
                         image=ImageUpload(required=False, allow_null=True))

TYPE_CREATE = Schema("PageCategoryTypeCreate", identifier=Identifier(max_length=100))
TYPE_UPDATE = Schema("PageCategoryTypeUpdate", identifier=Identifier(max_length=100, required=False))


def _page_document(kind: str, schema: Schema) -> dict:
    document = schema.json_schema()
    document["properties"] = {"resourcetype": {"const": kind}, **document["properties"]}
    return {**document, "required": ["resourcetype", *document["required"]]}


# M2 (POST cms/): the page kind named by `resourcetype` picks the schema the service validates.
PAGE_CREATE_DOCUMENT = {"oneOf": [_page_document(kind, schema) for kind, schema in PAGE_CREATE.items()]}
# E1 and E2: an image as the multipart field `file`; a URL to fetch as JSON or a form field `url`.
_URL = {"type": "object", "properties": {"url": {"type": "string", "format": "uri", "maxLength": 2048}},
        "required": ["url"]}
UPLOAD_IMAGE_DOCUMENT = {"content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}}}}
UPLOAD_URL_DOCUMENT = {"content": {"application/json": {"schema": _URL},
                                   "multipart/form-data": {"schema": _URL}}}
