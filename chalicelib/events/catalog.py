"""The catalog's events (built in chalicelib/catalog/: `products.product_payload`, `variant_payload`,
`price_payload`, `attributes._*_event`, `categories._event`): exact, a test holds the real payloads to
them. `*_DELETE` payloads of models with a `deleted` flag carry `deleted: true`, the others `false`."""

from __future__ import annotations

from typing import Annotated, Literal

from chalicelib.core.event_names import CRUD_EVENTS
from chalicelib.events.common import MODEL, Timestamp
from chalicelib.events.registry import register
from chalicelib.events.shape import note, payload


@payload(exact=True)
class ProductTranslation:
    id: int | None
    language_code: str
    title: str | None
    meta_title: str | None
    description: str | None
    meta_description: str | None
    short_description: str | None
    slug: str | None


@payload(exact=True)
class Product:
    _model_class: Annotated[Literal["Product"], MODEL]
    id: int
    published: bool
    type: Annotated[int | None, note(description="product type id (the recommender also gets it as type_id)")]
    category_id: int | None
    product_translations: list[ProductTranslation]
    product_variants: Annotated[list[str], note(description="the variants' SKUs")]
    update_at: Timestamp
    create_at: Timestamp
    deleted: bool


@payload(exact=True)
class ProductVariant:
    _model_class: Annotated[Literal["ProductVariant"], MODEL]
    sku: str
    ean: str | None
    weight: float | None
    stock_quantity: int
    recommendation_weight: float | None
    update_at: Timestamp
    create_at: Timestamp
    attributes: Annotated[list[int], note(description="base attribute ids")]
    deleted: bool


@payload(exact=True)
class ProductPrice:
    _model_class: Annotated[Literal["ProductPrice"], MODEL]
    id: int
    price_list_code: str
    product_variant_sku: str
    price: Annotated[float | None, note(description="net price before discount, as a number")]
    update_at: Timestamp
    create_at: Timestamp
    deleted: bool


@payload(exact=True)
class ProductType:
    _model_class: Annotated[Literal["ProductType"], MODEL]
    id: int
    name: str | None
    attribute_types: Annotated[list[int], note(description="allowed attribute type ids")]
    products: Annotated[list[int], note(description="always empty: product events carry their type")]
    update_at: Timestamp
    create_at: Timestamp
    deleted: bool


@payload(exact=True)
class AttributeType:
    _model_class: Annotated[Literal["AttributeType"], MODEL]
    id: int
    type: Literal["CATEGORICAL", "NUMERICAL"]
    type_name: str | None
    unit: str | None


@payload(exact=True)
class Attribute:
    _model_class: Annotated[Literal["Attribute"], MODEL]
    id: int
    type: Annotated[int, note(description="attribute type id")]
    raw_value: str | None
    order: int | None
    ext_attributes: list[int]
    deleted: bool


@payload(exact=True)
class Category:
    _model_class: Annotated[Literal["Category"], MODEL]
    id: int
    parent_id: int | None
    deleted: bool


_MODELS = {
    "PRODUCT": (Product, "a product saved, changed or deleted in the dashboard (or by an import)"),
    "PRODUCTVARIANT": (ProductVariant, "a variant created, changed (also its stock, by a checkout) or removed"),
    "PRICE": (ProductPrice, "a variant's price in one price list created, changed or removed"),
    "PRODUCTTYPE": (ProductType, "a product type created, changed or deleted"),
    "ATTRIBUTETYPE": (AttributeType, "an attribute type created, changed or deleted"),
    "ATTRIBUTE": (Attribute, "a base attribute (attribute value) created, changed or deleted"),
    "CATEGORY": (Category, "a category created, changed or deleted"),
}

TRIGGERS = tuple(name for model in _MODELS for name in CRUD_EVENTS[model].values())

for _model, (_type, _what) in _MODELS.items():
    for _kind, _trigger in CRUD_EVENTS[_model].items():
        _fixed = {"deleted": _kind == "DELETE"} if "deleted" in _type.__dataclass_fields__ else None
        register(_trigger, _type, f"{_what} ({_kind})", fixed=_fixed)
