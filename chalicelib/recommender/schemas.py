"""Request shapes of the recommender routes (contract 1.12 and section 8), with DRF-shaped 400s.

Event items and the RS config are passed through to the recommender with their other keys kept (the
storefront adds the `rs_info` of a recommendation to its events; the RS config has nested model
settings): only the keys listed here are checked and normalized.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from chalicelib.core import event_names
from chalicelib.core.http.errors import ValidationError
from chalicelib.core.http.validation import (
    Boolean,
    Choice,
    Field,
    FieldError,
    Integer,
    ListOf,
    MapOf,
    Schema,
    String,
)

EVENT_MODEL_CLASSES = {
    event_names.PRODUCT_DETAIL_ENTER: "ProductDetailEnter",
    event_names.PRODUCT_DETAIL_LEAVE: "ProductDetailLeave",
    event_names.PRODUCT_ADD_TO_CART: "ProductAddToCart",
    event_names.RECOMMENDATION_VIEW: "RecommendationView",
}
SITUATIONS = ("PRODUCT_DETAIL", "CART", "HOMEPAGE", "CATEGORY_LIST")
DASHBOARD_PAGES = ("configuration", "performance", "training")

MAX_EVENT_ITEMS = 100
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
MAX_SKUS = 200


class Number(Field):
    """A JSON number (not a boolean), kept as sent: a duration, not money."""

    def __init__(self, *, min_value: float | None = None, **kw):
        super().__init__(**kw)
        self.min_value = min_value

    def convert(self, value: Any) -> int | float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FieldError(["A valid number is required."])
        if self.min_value is not None and value < self.min_value:
            raise FieldError([f"Ensure this value is greater than or equal to {self.min_value}."])
        return value

    def json_schema(self) -> dict:
        return {"type": "number"}


class AnyObject(Field):
    def convert(self, value: Any) -> dict:
        if not isinstance(value, dict):
            raise FieldError([f'Expected a dictionary of items but got type "{type(value).__name__}".'])
        return value

    def json_schema(self) -> dict:
        return {"type": "object"}


def _optional_text(max_length: int = 255) -> String:
    return String(required=False, allow_null=True, max_length=max_length)


# The keys the RS reads from an event (section 8); any other key is passed through unchecked.
EVENT_ITEM = Schema(
    "RecommenderEvent",
    session_id=_optional_text(200),
    product_id=Integer(required=False, allow_null=True, min_value=1),
    product_variant_sku=_optional_text(),
    recommendation_type=_optional_text(50),
    model_identifier=_optional_text(),
    model_name=_optional_text(),
    position=Integer(required=False, allow_null=True, min_value=0),
    time_spent=Number(required=False, allow_null=True, min_value=0),
)

# RS1's body: one event or a list of them under `data` (documented; `event_items` checks it).
EVENT_BODY = {"type": "object", "required": ["data"], "properties": {"data": {"oneOf": [
    EVENT_ITEM.json_schema(partial=True),
    {"type": "array", "items": EVENT_ITEM.json_schema(partial=True), "maxItems": MAX_EVENT_ITEMS}]}}}


def event_items(body: Any) -> list[dict]:
    """The items of `{"data": {...} | [{...}, ...]}`, checked; 400 naming the field otherwise."""
    if not isinstance(body, dict):
        kind = "list" if isinstance(body, list) else type(body).__name__
        raise ValidationError({"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]})
    if "data" not in body:
        raise ValidationError.field("data", "This field is required.")
    data = body["data"]
    single = isinstance(data, dict)
    items = [data] if single else data
    if not isinstance(items, list):
        raise ValidationError.field("data", "Expected an event object or a list of them.")
    if len(items) > MAX_EVENT_ITEMS:
        raise ValidationError.field("data", f"Send at most {MAX_EVENT_ITEMS} events at once.")
    cleaned, errors = [], {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors[str(index)] = ["Expected an event object."]
            continue
        try:
            cleaned.append({**item, **EVENT_ITEM.validate(item, partial=True)})
        except ValidationError as error:
            errors[str(index)] = error.body
    if errors:
        raise ValidationError({"data": errors["0"] if single else errors})
    return cleaned


# --- RS2 --------------------------------------------------------------------------------------------

RECOMMENDATION_QUERY = Schema(
    "RecommendationQuery",
    limit=Integer(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT),
    session_id=String(required=False, allow_blank=True, max_length=200),
    country=String(required=False, allow_blank=True, max_length=50),
    pricelist=String(required=False, allow_blank=True, max_length=200),
    product_id=Integer(required=False, min_value=1),
    category_id=Integer(required=False, min_value=1),
    variants=String(required=False, allow_blank=True, max_length=20_000),
    variants_in_cart=String(required=False, allow_blank=True, max_length=20_000),
)


@dataclass
class RecommendationQuery:
    """RS2's query: what the core uses, plus every parameter as the RS gets it (`forwarded`)."""

    situation: str
    limit: int = DEFAULT_LIMIT
    session_id: str | None = None
    country: str | None = None
    pricelist: str | None = None
    product_id: int | None = None
    category_id: int | None = None
    variants: list[str] = field(default_factory=list)
    variants_in_cart: list[str] = field(default_factory=list)
    forwarded: dict = field(default_factory=dict)


def _sku_list(name: str, text: str | None) -> list[str]:
    skus = list(dict.fromkeys(part.strip() for part in (text or "").split(",") if part.strip()))
    if len(skus) > MAX_SKUS:
        raise ValidationError.field(name, f"Send at most {MAX_SKUS} SKUs.")
    return skus


def _forwarded_value(value: str) -> Any:
    # The original hands the RS query values with all-digit ones as integers.
    return int(value) if value.isdigit() else value


def recommendation_query(situation: str, query: dict[str, str]) -> RecommendationQuery:
    data = RECOMMENDATION_QUERY.validate(query)
    forwarded = {key: _forwarded_value(value) for key, value in query.items()}
    return RecommendationQuery(
        situation=situation,
        limit=data["limit"],
        session_id=data.get("session_id") or None,
        country=data.get("country") or None,
        pricelist=data.get("pricelist") or None,
        product_id=data.get("product_id"),
        category_id=data.get("category_id"),
        variants=_sku_list("variants", data.get("variants")),
        variants_in_cart=_sku_list("variants_in_cart", data.get("variants_in_cart")),
        forwarded=forwarded,
    )


# --- RS3-RS5 ----------------------------------------------------------------------------------------

class IsoDateTime(String):
    """An ISO 8601 date-time as the dashboard sends it (`2023-08-01T00:00:00.000Z`); kept as sent."""

    def convert(self, value: Any) -> str:
        text = super().convert(value)
        try:
            dt.datetime.fromisoformat(text)
        except ValueError:
            raise FieldError(["Enter a valid ISO 8601 date-time, e.g. 2023-08-01T00:00:00.000Z."]) from None
        return text

    def json_schema(self) -> dict:
        return {"type": "string", "format": "date-time"}


DASHBOARD_QUERY = Schema(
    "RecommenderDashboardQuery",
    date_from=IsoDateTime(max_length=64),
    date_to=IsoDateTime(max_length=64),
    page=Choice(DASHBOARD_PAGES),
)

SCHEDULE_TRAINING = Schema("RecommenderScheduleTraining", model_name=String(max_length=100, strict=True))


def _cascade() -> ListOf:
    return ListOf(String(max_length=100), required=False, allow_null=True)


# The RS config (contract section 8, camelCase as the dashboard sends it); other keys pass through.
RS_CONFIG = Schema(
    "RecommenderConfig",
    retrievalSize=Integer(required=False, min_value=1, max_value=100_000),
    orderingSize=Integer(required=False, min_value=1, max_value=10_000),
    models_disabled=MapOf(Boolean(), required=False),
    homepageRetrievalCascade=_cascade(),
    homepageScoringCascade=_cascade(),
    categoryListRetrievalCascade=_cascade(),
    categoryListScoringCascade=_cascade(),
    productDetailRetrievalCascade=_cascade(),
    productDetailScoringCascade=_cascade(),
    cartRetrievalCascade=_cascade(),
    cartScoringCascade=_cascade(),
    easeConfig=AnyObject(required=False),
    gru4recConfig=AnyObject(required=False),
)


def rs_config(body: dict, checked: dict) -> dict:
    """The config as sent, with the checked keys normalized (`checked` is RS_CONFIG's output)."""
    return {**body, **checked}
