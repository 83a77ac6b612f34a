"""Request bodies of the dashboard product routes (contract P10/P12 write shape, P30/P32 media)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from chalicelib.core.http.validation import (
    Boolean,
    Choice,
    DecimalField,
    EditorJs,
    FieldError,
    Integer,
    ListOf,
    Nested,
    Schema,
    String,
    Translations,
)

# A 5 MiB image (core.media.MAX_IMAGE_BYTES) as base64 in a data URI; larger goes through an upload slot.
MAX_MEDIA_TEXT = 5 * 1024 * 1024 * 4 // 3 + 256

SKU_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
SKU_MESSAGE = "SKU can only contain letters and numbers"


class StoredEditorJs(EditorJs):
    """An Editor.js document kept inside the product item: its numbers become Decimal, since
    DynamoDB stores no floats (responses write them back as numbers)."""

    def convert(self, value: Any) -> dict:
        return json.loads(json.dumps(super().convert(value)), parse_float=Decimal)


class Sku(String):
    def convert(self, value: Any) -> str:
        text = super().convert(value)
        if not SKU_PATTERN.match(text):
            raise FieldError([SKU_MESSAGE])
        return text

    def json_schema(self) -> dict:
        # An integer is taken as its digits (a SKU may be all digits).
        return {"anyOf": [{**self.string_schema(), "pattern": SKU_PATTERN.pattern}, {"type": "integer"}]}


class Price(DecimalField):
    def clean(self, value: Any) -> Decimal:
        if value is None:
            raise FieldError(["Price is required"])
        return super().clean(value)


def _text(max_length: int | None = None, *, allow_null: bool = False) -> String:
    return String(max_length=max_length, allow_blank=True, required=False, allow_null=allow_null, trim=False)


# As the original's columns: only the two descriptions may be null (the dashboard reads null back).
TRANSLATION = Schema(
    "ProductTranslation",
    title=_text(200),
    meta_title=_text(200),
    meta_description=_text(),
    short_description=_text(allow_null=True),
    description=_text(allow_null=True),
    description_editorjs=StoredEditorJs(required=False, allow_null=True),
    slug=_text(200),
)

PRICE = Schema(
    "ProductPrice",
    price_list=String(max_length=50),
    price=Price(max_digits=12, decimal_places=2, min_value=Decimal("0")),
    discount=DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("100"),
                          required=False, allow_null=True),
)

VARIANT = Schema(
    "ProductVariant",
    sku=Sku(max_length=255),
    ean=String(max_length=13, allow_blank=True, required=False, allow_null=True),
    weight=DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True),
    stock_quantity=Integer(min_value=0, default=0),
    recommendation_weight=DecimalField(max_digits=8, decimal_places=4, min_value=Decimal("0"), required=False,
                                       allow_null=True),
    attributes=ListOf(Integer(), required=False),
    price=ListOf(Nested(PRICE), required=False),
)

PRODUCT = Schema(
    "Product",
    published=Boolean(default=True),
    translations=Translations(TRANSLATION, default=dict),
    category=Integer(required=False, allow_null=True),
    type_id=Integer(required=False, allow_null=True),
    product_variants=ListOf(Nested(VARIANT), required=False, allow_null=True),
)

# P10: `{}` (or no body) would make a blank product; the route refuses it ("No data provided").
PRODUCT_CREATE_DOCUMENT = {**PRODUCT.json_schema(), "minProperties": 1}

MEDIA_CREATE = Schema(
    "ProductMediaCreate",
    # The image itself (base64 or a data URI; a file part in a multipart form), or the key of a file
    # uploaded to the presigned URL of `product/dashboard/media/upload/`: one of the two.
    media=String(trim=False, required=False, max_length=MAX_MEDIA_TEXT),
    upload_key=String(max_length=300, required=False),
    product_id=Integer(),
    type=Choice(["IMAGE", "VIDEO"], default="IMAGE"),
    alt=String(max_length=255, allow_blank=True, required=False, allow_null=True),
    sort_order=Integer(required=False, allow_null=True),
)
# P30 needs the image or the key of an uploaded one.
MEDIA_CREATE_DOCUMENT = {**MEDIA_CREATE.json_schema(), "anyOf": [{"required": ["media"]}, {"required": ["upload_key"]}]}

MEDIA_UPDATE = Schema(
    "ProductMediaUpdate",
    product_id=Integer(required=False),
    sort_order=Integer(required=False, allow_null=True),
    alt=String(max_length=255, allow_blank=True, required=False, allow_null=True),
    type=Choice(["IMAGE", "VIDEO"], required=False),
    media=String(trim=False, required=False, allow_null=True, max_length=MAX_MEDIA_TEXT),
)

UPLOAD_REQUEST = Schema(
    "ProductMediaUploadRequest",
    product_id=Integer(),
)
