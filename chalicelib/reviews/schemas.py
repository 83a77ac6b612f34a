"""The review create body (R1) and the Review JSON the contract shows (1.5).

Rating: an integer 0..100 in steps of 10. The storefront sends stars x 20 with half stars, i.e.
10, 20, ..., 100, and 0 when the shopper clears the stars; every other value is a 400 naming `rating`,
so each stored rating falls in exactly one star bucket (0 in none, see service.bucket).
"""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.core.http.validation import FieldError, Integer, Schema, String

RATING_STEP = 10
MAX_COMMENT = 10_000  # characters; a review item stays far below DynamoDB's 400 KB (it is stored twice)


class Rating(Integer):
    def __init__(self, **kw):
        super().__init__(min_value=0, max_value=100, **kw)

    def convert(self, value: Any) -> int:
        number = super().convert(value)
        if number % RATING_STEP:
            raise FieldError([f"Ensure this value is a multiple of {RATING_STEP} (stars x 20, half stars allowed)."])
        return number

    def json_schema(self) -> dict:
        return {"type": "integer", "minimum": 0, "maximum": 100, "multipleOf": RATING_STEP}


class Uuid(String):
    """A UUID in any accepted spelling, answered in the canonical lower-case hyphenated form."""

    def __init__(self, **kw):
        super().__init__(max_length=64, **kw)

    def convert(self, value: Any) -> str:
        text = super().convert(value)
        try:
            return str(uuid.UUID(text))
        except ValueError:
            raise FieldError([f'"{text}" is not a valid UUID.']) from None

    def json_schema(self) -> dict:
        return {"type": "string", "format": "uuid"}


class CountryCode(String):
    """Two ASCII letters, upper-cased; blank answers None. Whether the country exists is the service's check."""

    def __init__(self, **kw):
        super().__init__(max_length=2, allow_blank=True, **kw)

    def convert(self, value: Any) -> str | None:
        text = super().convert(value)
        if text == "":
            return None
        if len(text) != 2 or not (text.isascii() and text.isalpha()):
            raise FieldError(["Enter a code of exactly 2 letters."])
        return text.upper()

    def json_schema(self) -> dict:
        return {"type": "string", "minLength": 2, "maxLength": 2, "pattern": "^[A-Za-z]{2}$"}


# `country` may be left out, null or blank (the storefront sends none when its country cookie is unset):
# the review then takes the order's country.
REVIEW_CREATE = Schema(
    "ReviewCreate",
    order=Uuid(help="token of the order the variant was bought in"),
    product_id=Integer(min_value=1),
    product_variant_sku=String(max_length=255),
    rating=Rating(help="0..100 in steps of 10: stars x 20"),
    comment=String(max_length=MAX_COMMENT, allow_blank=True, allow_null=True, default=""),
    country=CountryCode(allow_null=True, default=None, help="country code; the order's country when left out"),
)


def review_json(review: dict) -> dict:
    """The contract's Review: `product_variant` is the SKU, `product` the id, `order` the order token."""
    return {
        "token": review["token"],
        "safe_deleted": False,
        "create_at": review["create_at"],
        "rating": int(review["rating"]),
        "comment": review["comment"],
        "country": review["country"],
        "product_variant": review["product_variant"],
        "product": int(review["product"]),
        "order": review["order"],
    }


def public_review_json(review: dict) -> dict:
    """A Review as anyone may read it (R2): without `order`. An order token opens the order's page, its
    cart, the customer's e-mail and address and the complaint form, so it is a secret of its shopper; the
    storefront shows the variant, rating, comment and date only."""
    public = review_json(review)
    del public["order"]
    return public
