"""JSON Schemas of what the catalog's category routes answer, by name (their use: catalog/__init__.py)."""

from __future__ import annotations

from chalicelib.core.http.openapi import (
    BOOLEAN,
    EDITORJS,
    INTEGER,
    STRING,
    array,
    map_of,
    nullable,
    obj,
    ref,
)

BREADCRUMBS = array(obj(id=INTEGER, title=STRING, slug=STRING))  # categories/service.breadcrumbs, root first
CATEGORY_NODE = {"id": INTEGER, "title": STRING, "meta_title": STRING, "slug": STRING}  # a tree node's own fields

SCHEMAS = {
    "DashboardCategoryTree": array(ref("DashboardCategoryNode")),
    "StorefrontCategoryTree": array(ref("StorefrontCategoryNode")),
    "StorefrontCategory": obj(
        CATEGORY_NODE,
        children=array(ref("StorefrontCategoryNode")),
        description_editorjs=EDITORJS,
        meta_description=STRING,
        breadcrumbs=BREADCRUMBS,
    ),
    "Category": obj(
        id=INTEGER,
        published=BOOLEAN,
        translations=map_of(
            obj(
                title=STRING,
                meta_title=STRING,
                meta_description=STRING,
                description=nullable(STRING),
                description_editorjs=EDITORJS,
                slug=STRING,
            )
        ),
        update_at=STRING,
        create_at=STRING,
        parent=nullable(INTEGER),
    ),
    "DashboardCategoryNode": obj(
        CATEGORY_NODE,
        children=array(ref("DashboardCategoryNode")),
        published=BOOLEAN,
        create_at=STRING,
        update_at=STRING,
    ),
    "StorefrontCategoryNode": obj(CATEGORY_NODE, children=array(ref("StorefrontCategoryNode"))),
}
