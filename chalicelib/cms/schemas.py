"""Request bodies of the CMS routes (contract 1.9), in the dashboard's translation style (A.7).

Create schemas fill defaults; update schemas (PUT/PATCH) have none, so a field that is not sent is left
as it is, as DRF's non-partial update does for optional fields.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.core import media
from chalicelib.core.http.validation import (
    NOT_NULL,
    Boolean,
    Field,
    FieldError,
    Integer,
    ListOf,
    Nested,
    Schema,
    String,
)
from chalicelib.core.settings import get_settings

PAGE_CMS = "PageCMS"
PAGE_FRONTEND = "PageFrontend"
RESOURCETYPES = (PAGE_CMS, PAGE_FRONTEND)

KEEP = object()  # an image field that leaves the stored image as it is


class Translations(Field):
    """`{lang: {field: value}}` for the shop's languages only; each row is validated by `row`.

    Every field of a row is optional: on write only the languages and fields sent change.
    """

    def __init__(self, row: Schema, **kw):
        super().__init__(**kw)
        self.row = row

    def convert(self, value: Any) -> dict:
        if not isinstance(value, dict):
            raise FieldError([f'Expected a dictionary of languages but got type "{type(value).__name__}".'])
        languages = get_settings().languages
        out, errors = {}, {}
        for language, row in value.items():
            if language not in languages:
                errors[language] = [f'"{language}" is not a language of this shop; use one of: '
                                    f'{", ".join(languages)}.']
                continue
            if row is None:
                errors[language] = [NOT_NULL]
                continue
            try:
                out[language] = Nested(self.row).convert(row)
            except FieldError as error:
                errors[language] = error.detail
        if errors:
            raise FieldError(errors)
        return out

    def json_schema(self) -> dict:
        return {"type": "object", "description": "translations keyed by language code (see GET country/languages/)",
                "additionalProperties": self.row.json_schema()}


_SLUG = re.compile(r"^[-\w]+$", re.UNICODE)


class Slug(String):
    """A URL path segment: letters (any script), digits, `_` and `-`; blank is allowed (not set yet)."""

    def convert(self, value: Any) -> str:
        text = super().convert(value)
        if text and not _SLUG.match(text):
            raise FieldError(['Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'])
        return text


class EditorJs(Field):
    """Editor.js output (`{"time", "blocks", "version"}`): any JSON object, or null."""

    def convert(self, value: Any) -> dict:
        if not isinstance(value, dict):
            raise FieldError(["Expected an Editor.js JSON object."])
        return value

    def json_schema(self) -> dict:
        return {"type": ["object", "null"], "description": "Editor.js output data"}


class Identifier(String):
    def convert(self, value: Any) -> str:
        text = super().convert(value)
        if "/" in text:
            raise FieldError(["An identifier may not contain '/'."])
        return text


class ImageUpload(Field):
    """An image as base64 or a data URI (decoded here: a bad image is a 400 before anything is written).

    null or "" removes the image; a URL (what a read returned) leaves the stored image as it is.
    Answers `(bytes, ext)`, None or KEEP.
    """

    def clean(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        return self.convert(value)

    def convert(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip().startswith(("http://", "https://", "/media/")):
            return KEEP
        try:
            return media.decode_base64_image(value)
        except ValueError as error:
            raise FieldError([str(error)]) from None

    def json_schema(self) -> dict:
        return {"type": ["string", "null"], "description": "base64 or data URI (png, jpg, gif, svg)"}


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
