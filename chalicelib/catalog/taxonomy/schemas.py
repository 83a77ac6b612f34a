"""Request bodies of the catalog taxonomy routes: attribute types and values, product types, categories.

Dashboard style translations (contract A.7): `{lang: {field: value}}`, only for the shop's languages;
on write only the languages sent change. Create schemas fill defaults; update schemas (PUT) have none,
so a field that is not sent keeps its value (as DRF's update does for optional fields).
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.http.validation import (
    Boolean,
    Choice,
    EditorJs,
    Integer,
    ListOf,
    Schema,
    Slug,
    String,
    Translations,
)

TEXT, INTEGER, DECIMAL = "TEXT", "INTEGER", "DECIMAL"
VALUE_TYPES = (TEXT, INTEGER, DECIMAL)
NUMERIC_TYPES = (INTEGER, DECIMAL)

# Translated fields of a category (contract 3.1) in the order the dashboard reads them (C3).
CATEGORY_FIELDS = ("title", "meta_title", "meta_description", "description", "description_editorjs", "slug")
CATEGORY_REQUIRED = ("title", "slug")  # a language a category does not have yet needs these







class RawValue(String):
    """A base attribute's raw value; JSON numbers are accepted and kept as their text ("120")."""

    def convert(self, value: Any) -> str:
        if isinstance(value, float):
            value = int(value) if value.is_integer() else repr(value)
        return super().convert(value)

    def json_schema(self) -> dict:
        # A number's text is at most 24 characters (repr of a float), well inside max_length.
        return {"anyOf": [self.string_schema(), {"type": "number"}]}


def _ids(**kw) -> ListOf:
    return ListOf(Integer(min_value=1), **kw)


def _text(max_length: int | None = None, **kw) -> String:
    return String(max_length=max_length, allow_blank=True, allow_null=True, **kw)


# --- attribute types (P20-P24) and base attributes (P25-P29) ----------------------------------------

NAME_ROW = Schema("NameTranslation", name=_text(200, required=False))

ATTRIBUTE_TYPE_CREATE = Schema("AttributeTypeCreate",
                               type_name=_text(200, default=None),
                               unit=_text(200, default=None),
                               value_type=Choice(VALUE_TYPES, default=TEXT),
                               translations=Translations(NAME_ROW, default=dict))
ATTRIBUTE_TYPE_UPDATE = Schema("AttributeTypeUpdate",
                               type_name=_text(200, required=False),
                               unit=_text(200, required=False),
                               value_type=Choice(VALUE_TYPES, required=False),
                               translations=Translations(NAME_ROW, required=False))

BASE_ATTRIBUTE_CREATE = Schema("BaseAttributeCreate",
                               type=Integer(min_value=1),
                               value=RawValue(max_length=200, allow_null=True, default=None),
                               translations=Translations(NAME_ROW, default=dict))
BASE_ATTRIBUTE_UPDATE = Schema("BaseAttributeUpdate",
                               type=Integer(min_value=1, required=False),
                               value=RawValue(max_length=200, allow_null=True, required=False),
                               translations=Translations(NAME_ROW, required=False))

# --- product types (P2-P6) ----------------------------------------------------------------------------

PRODUCT_TYPE_CREATE = Schema("ProductTypeCreate",
                             name=_text(200, default=None),
                             allowed_attribute_types_ids=_ids(default=list),
                             vat_groups=_ids(default=list))
PRODUCT_TYPE_UPDATE = Schema("ProductTypeUpdate",
                             name=_text(200, required=False),
                             allowed_attribute_types_ids=_ids(required=False),
                             vat_groups=_ids(required=False))

# --- categories (C2, C4) ------------------------------------------------------------------------------

CATEGORY_ROW = Schema("CategoryTranslation",
                      title=String(max_length=200, required=False),
                      meta_title=String(max_length=200, allow_blank=True, required=False),
                      meta_description=String(allow_blank=True, required=False),
                      description=String(allow_blank=True, allow_null=True, trim=False, required=False),
                      description_editorjs=EditorJs(allow_null=True, required=False),
                      slug=Slug(max_length=200, required=False))

CATEGORY_CREATE = Schema("CategoryCreate",
                         published=Boolean(default=False),
                         parent=Integer(min_value=1, allow_null=True, default=None),
                         translations=Translations(CATEGORY_ROW, allow_empty=False))
CATEGORY_UPDATE = Schema("CategoryUpdate",
                         published=Boolean(required=False),
                         parent=Integer(min_value=1, allow_null=True, required=False),
                         translations=Translations(CATEGORY_ROW))
