"""A JSON Schema (draft 2020-12) of the payload of every notification trigger, served with the API docs
(`/api/events/schemas.json`, and as the OpenAPI document's `webhooks`). The payload is what an HTTP action
receives as its JSON body and what a RECOMMENDERAPI action sends to the recommender.

The keys are the original's (contract section 6), as this rebuild emits them:

* catalog events (products, variants, prices, product types, attribute types and values, categories)
  are built in chalicelib/catalog/ (`products.product_payload`, `variant_payload`, `price_payload`,
  `attributes._*_event`, `categories._event`); their schemas are exact (`additionalProperties: false`)
  and a test holds the real payloads to them;
* order, review-request, complaint and payment events are documented from the contract and the e-mail
  builders (emails/builders.py); they are open (`additionalProperties: true`): what the e-mails and
  the recommender read is listed, more may come;
* the shopper events (RS1) are a list of the storefront's items with `user_id` and `_model_class`
  added (chalicelib/recommender/events.py); RECOMMENDER_* carry what RS4/RS5 send.

`*_DELETE` payloads of models with a `deleted` flag carry `deleted: true`, the others `false`.
"""

from __future__ import annotations

import copy
import functools

from chalicelib.notifications.triggers import TRIGGERS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = "urn:ecoseller:notification-payload:"

# --- building blocks ----------------------------------------------------------------------------------

INTEGER = {"type": "integer"}
NUMBER_OR_NULL = {"type": ["number", "null"]}
STRING = {"type": "string"}
STRING_OR_NULL = {"type": ["string", "null"]}
INTEGER_OR_NULL = {"type": ["integer", "null"]}
BOOLEAN = {"type": "boolean"}
TIMESTAMP = {"type": ["string", "null"], "format": "date-time", "description": "ISO 8601"}
DECIMAL_STRING = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "exact decimal, e.g. \"181.50\""}
ID_LIST = {"type": "array", "items": INTEGER}
ORDER_STATUS = {"enum": ["PENDING", "PROCESSING", "SHIPPED", "CANCELLED"]}
PAYMENT_STATUS = {"enum": ["PENDING", "PAID", "FAILED", "CANCELLED"]}
COMPLAINT_STATUS = {"enum": ["CREATED", "APPROVED", "DECLINED"]}
COMPLAINT_TYPE = {"enum": ["RETURN", "WARRANTY_CLAIM"]}


def _closed(properties: dict, required: list[str] | None = None) -> dict:
    """An object with exactly these keys (all required unless listed otherwise)."""
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required, "additionalProperties": False}


def _open(properties: dict, required: list[str] | None = None, description: str = "") -> dict:
    """An object with at least the required keys; the listed ones typed, others allowed."""
    schema = {"type": "object", "properties": properties, "required": required or [], "additionalProperties": True}
    if description:
        schema["description"] = description
    return schema


def _model(name: str) -> dict:
    return {"const": name, "description": "the recommender's model class for this object"}


def _deleted(suffix: str) -> dict:
    return {"const": suffix == "DELETE"}


# --- catalog (exact) -----------------------------------------------------------------------------------

PRODUCT_TRANSLATION = _closed({
    "id": {"type": ["integer", "null"]},
    "language_code": STRING,
    **{name: STRING_OR_NULL for name in ("title", "meta_title", "description", "meta_description",
                                          "short_description", "slug")},
})


def product(suffix: str) -> dict:
    return _closed({
        "_model_class": _model("Product"),
        "id": INTEGER,
        "published": BOOLEAN,
        "type": {**INTEGER_OR_NULL, "description": "product type id (the recommender also gets it as type_id)"},
        "category_id": INTEGER_OR_NULL,
        "product_translations": {"type": "array", "items": PRODUCT_TRANSLATION},
        "product_variants": {"type": "array", "items": STRING, "description": "the variants' SKUs"},
        "update_at": TIMESTAMP,
        "create_at": TIMESTAMP,
        "deleted": _deleted(suffix),
    })


def variant(suffix: str) -> dict:
    return _closed({
        "_model_class": _model("ProductVariant"),
        "sku": STRING,
        "ean": STRING_OR_NULL,
        "weight": NUMBER_OR_NULL,
        "stock_quantity": INTEGER,
        "recommendation_weight": NUMBER_OR_NULL,
        "update_at": TIMESTAMP,
        "create_at": TIMESTAMP,
        "attributes": {**ID_LIST, "description": "base attribute ids"},
        "deleted": _deleted(suffix),
    })


def price(suffix: str) -> dict:
    return _closed({
        "_model_class": _model("ProductPrice"),
        "id": INTEGER,
        "price_list_code": STRING,
        "product_variant_sku": STRING,
        "price": {**NUMBER_OR_NULL, "description": "net price before discount, as a number"},
        "update_at": TIMESTAMP,
        "create_at": TIMESTAMP,
        "deleted": _deleted(suffix),
    })


def product_type(suffix: str) -> dict:
    return _closed({
        "_model_class": _model("ProductType"),
        "id": INTEGER,
        "name": STRING_OR_NULL,
        "attribute_types": {**ID_LIST, "description": "allowed attribute type ids"},
        "products": {**ID_LIST, "description": "always empty: product events carry their type"},
        "update_at": TIMESTAMP,
        "create_at": TIMESTAMP,
        "deleted": _deleted(suffix),
    })


def attribute_type(_suffix: str) -> dict:
    return _closed({
        "_model_class": _model("AttributeType"),
        "id": INTEGER,
        "type": {"enum": ["CATEGORICAL", "NUMERICAL"]},
        "type_name": STRING_OR_NULL,
        "unit": STRING_OR_NULL,
    })


def attribute(suffix: str) -> dict:
    return _closed({
        "_model_class": _model("Attribute"),
        "id": INTEGER,
        "type": {**INTEGER, "description": "attribute type id"},
        "raw_value": STRING_OR_NULL,
        "order": INTEGER_OR_NULL,
        "ext_attributes": ID_LIST,
        "deleted": _deleted(suffix),
    })


def category(suffix: str) -> dict:
    return _closed({
        "_model_class": _model("Category"),
        "id": INTEGER,
        "parent_id": INTEGER_OR_NULL,
        "deleted": _deleted(suffix),
    })


# --- orders, complaints, payments (open: documented from the contract) ------------------------------

ADDRESS = {"type": ["object", "null"], "additionalProperties": True, "properties": {
    "first_name": STRING_OR_NULL, "surname": STRING_OR_NULL, "street": STRING_OR_NULL, "city": STRING_OR_NULL,
    "postal_code": STRING_OR_NULL, "country": {"type": ["string", "object", "null"]}, "email": STRING_OR_NULL,
    "phone": STRING_OR_NULL, "company_name": STRING_OR_NULL, "company_id": STRING_OR_NULL,
    "vat_number": STRING_OR_NULL}}

CART_ITEM = _open({
    "id": INTEGER, "product_variant_sku": STRING, "product_variant_name": STRING_OR_NULL, "product_id": INTEGER,
    "product_title": STRING_OR_NULL, "quantity": INTEGER, "unit_price_incl_vat_formatted": STRING_OR_NULL,
    "total_price_incl_vat_formatted": STRING_OR_NULL,
    "complaints": {"type": "array", "items": _open({"id": INTEGER, "type": COMPLAINT_TYPE,
                                                     "status": COMPLAINT_STATUS})},
}, ["product_variant_sku", "quantity"])

CART = _open({
    "token": STRING, "cart_items": {"type": "array", "items": CART_ITEM},
    "billing_info": ADDRESS, "shipping_info": ADDRESS,
    "country": {"type": ["string", "object", "null"], "description": "country code (or the country)"},
    "pricelist": STRING_OR_NULL, "language": STRING_OR_NULL,
    "shipping_method_country": {"type": ["object", "null"]}, "payment_method_country": {"type": ["object", "null"]},
    "total_items_price_incl_vat_formatted": STRING_OR_NULL, "total_price_incl_vat_formatted": STRING_OR_NULL,
}, description="the cart as ordered (contract K23), with its addresses, methods and country")

ORDER_DETAIL = _open({
    "token": {**STRING, "format": "uuid"},
    "number": {**INTEGER, "description": "the order number (bank-transfer reference)"},
    "cart": CART,
    "safe_deleted": BOOLEAN,
    "create_at": TIMESTAMP,
    "status": ORDER_STATUS,
    "marketing_flag": BOOLEAN,
    "agreed_to_terms": BOOLEAN,
    "payment_id": STRING_OR_NULL,
    "customer_email": STRING_OR_NULL,
    "language": STRING_OR_NULL,
    "totals": {"type": "object", "additionalProperties": DECIMAL_STRING,
               "description": "exact sums: items_without_vat, items_incl_vat, shipping_incl_vat, "
                              "payment_incl_vat, total_without_vat, total_incl_vat"},
}, ["token"], "OrderDetail (contract O5) plus number, customer_email, language and totals")

_ORDER_COMMON = {
    "token": {**STRING, "format": "uuid", "description": "the order token"},
    "order": ORDER_DETAIL,
    "customer_email": {**STRING_OR_NULL, "description": "the e-mails' recipient"},
    "language": {**STRING_OR_NULL, "description": "the e-mails' language (the order country's locale)"},
}


def order_saved() -> dict:
    return _open({
        **_ORDER_COMMON,
        "session_id": {**STRING_OR_NULL, "description": "the shopper's recommender session"},
        "_model_class": _model("Order"),
        "product_variants": {"type": "array", "description": "[[sku, quantity], ...] (the original's key)",
                             "items": {"type": "array", "prefixItems": [STRING, INTEGER], "items": False}},
    }, ["token", "order"])


def order_status_changed() -> dict:
    return _open({**_ORDER_COMMON, "previous_status": {"anyOf": [ORDER_STATUS, {"type": "null"}]}},
                 ["token", "order"])


def review_send() -> dict:
    return _open(dict(_ORDER_COMMON), ["token"])


def complaint_event() -> dict:
    return _open({
        "complaint": _open({
            "id": INTEGER, "type": COMPLAINT_TYPE, "status": COMPLAINT_STATUS, "description": STRING_OR_NULL,
            "create_at": TIMESTAMP, "cart_item": {"type": ["integer", "object"]}, "order": STRING,
            "product_variant_sku": STRING_OR_NULL, "product_variant_name": STRING_OR_NULL,
            "product_title": STRING_OR_NULL, "customer_email": STRING_OR_NULL,
        }, ["id", "type", "status"]),
        "complaint_id": {**INTEGER, "description": "the original's key"},
        "order_token": STRING,
        "order": {"type": ["object", "string"], "description": "the order (token, customer_email, language, ...)"},
        "customer_email": STRING_OR_NULL,
        "language": STRING_OR_NULL,
        "previous_status": {"anyOf": [COMPLAINT_STATUS, {"type": "null"}], "description": "on an update"},
    }, ["complaint", "order_token"])


def payment_event() -> dict:
    return _open({
        "order": {**STRING, "description": "the order token"},
        "payment_id": STRING_OR_NULL,
        "status": PAYMENT_STATUS,
        "previous_status": {"anyOf": [PAYMENT_STATUS, {"type": "null"}]},
        "method": STRING_OR_NULL,
        "amount": {"anyOf": [DECIMAL_STRING, {"type": "null"}], "description": "the order total incl. VAT"},
        "currency": STRING_OR_NULL,
    }, ["order", "status"])


# --- the recommender's own events --------------------------------------------------------------------------

def shopper_events(model_class: str, extra: dict | None = None) -> dict:
    item = _open({
        "_model_class": _model(model_class),
        "user_id": {**STRING_OR_NULL, "description": "the logged-in shopper's e-mail, or null"},
        "session_id": STRING_OR_NULL,
        "product_id": INTEGER_OR_NULL,
        "product_variant_sku": STRING_OR_NULL,
        "recommendation_type": STRING_OR_NULL,
        "model_identifier": STRING_OR_NULL,
        "model_name": STRING_OR_NULL,
        "position": INTEGER_OR_NULL,
        **(extra or {}),
    }, ["_model_class", "user_id"])
    return {"type": "array", "items": item, "minItems": 1, "maxItems": 100,
            "description": "the storefront's events (POST recommender/storefront/<EVENT>/), sent to the "
                           "recommender's store_objects"}


def rs_config() -> dict:
    cascade = {"type": ["array", "null"], "items": STRING}
    return _open({
        "_model_class": _model("Config"),
        "retrievalSize": INTEGER, "orderingSize": INTEGER,
        "models_disabled": {"type": "object", "additionalProperties": BOOLEAN},
        **{name: cascade for name in ("homepageRetrievalCascade", "homepageScoringCascade",
                                      "categoryListRetrievalCascade", "categoryListScoringCascade",
                                      "productDetailRetrievalCascade", "productDetailScoringCascade",
                                      "cartRetrievalCascade", "cartScoringCascade")},
        "easeConfig": {"type": "object"}, "gru4recConfig": {"type": "object"},
    }, ["_model_class"], "the recommender's configuration as the dashboard sends it (camelCase)")


def trainer_item() -> dict:
    return _closed({"_model_class": _model("TrainerQueueItem"), "model_name": STRING})


# --- per trigger -------------------------------------------------------------------------------------------

_CATALOG = {
    "PRODUCT": (product, "a product saved, changed or deleted in the dashboard (or by an import)"),
    "PRODUCTVARIANT": (variant, "a variant created, changed (also its stock, by a checkout) or removed"),
    "PRICE": (price, "a variant's price in one price list created, changed or removed"),
    "PRODUCTTYPE": (product_type, "a product type created, changed or deleted"),
    "ATTRIBUTETYPE": (attribute_type, "an attribute type created, changed or deleted"),
    "ATTRIBUTE": (attribute, "a base attribute (attribute value) created, changed or deleted"),
    "CATEGORY": (category, "a category created, changed or deleted"),
}

_OTHERS = {
    "ORDER_SAVE": (order_saved, "an order placed (POST order/storefront/): webhook, confirmation e-mail, "
                                "recommender"),
    "ORDER_UPDATE": (order_saved, "not emitted (as in the original); the ORDER_SAVE shape"),
    "ORDER_DELETE": (order_saved, "not emitted (as in the original); the ORDER_SAVE shape"),
    "ORDER_STATUS_CHANGED": (order_status_changed, "an order's status changed in the dashboard"),
    "REVIEW_SEND": (review_send, "an order marked SHIPPED: the review request e-mail, 7 days later"),
    "ORDER_ITEM_COMPLAINT_CREATED": (complaint_event, "a complaint (return or warranty claim) created by the "
                                                      "shopper"),
    "ORDER_ITEM_COMPLAINT_UPDATED": (complaint_event, "a complaint's status changed in the dashboard"),
    "PAYMENT_STATUS_CHANGED": (payment_event, "an order's payment changed status (gateway callback or check)"),
    "ORDER_FULLY_PAID": (payment_event, "an order's payment became PAID"),
    "PRODUCT_DETAIL_ENTER": (lambda: shopper_events("ProductDetailEnter"), "a shopper opened a product page"),
    "PRODUCT_DETAIL_LEAVE": (lambda: shopper_events("ProductDetailLeave", {"time_spent": NUMBER_OR_NULL}),
                             "a shopper left a product page"),
    "PRODUCT_ADD_TO_CART": (lambda: shopper_events("ProductAddToCart"), "a shopper added a variant to the cart"),
    "RECOMMENDATION_VIEW": (lambda: shopper_events("RecommendationView"), "a shopper saw a recommendation"),
    "RECOMMENDER_CONFIG_SAVE": (rs_config, "the recommender's configuration saved in the dashboard (RS5)"),
    "RECOMMENDER_TRAINER_QUEUE_ITEM_SAVE": (trainer_item, "a model training scheduled in the dashboard (RS4)"),
}

# Whose payloads are exact (checked against the real builders by a test) and whose are documented only.
EXACT = frozenset(f"{model}_{suffix}" for model in _CATALOG for suffix in ("SAVE", "UPDATE", "DELETE"))


@functools.lru_cache(maxsize=1)
def _all() -> dict[str, dict]:
    schemas: dict[str, dict] = {}
    for model, (build, what) in _CATALOG.items():
        for suffix in ("SAVE", "UPDATE", "DELETE"):
            schemas[f"{model}_{suffix}"] = (build(suffix), f"{what} ({suffix})")
    for trigger, (build, what) in _OTHERS.items():
        schemas[trigger] = (build(), what)
    missing = TRIGGERS - set(schemas)
    if missing:  # a trigger added without a schema is a bug of this module
        raise RuntimeError(f"no payload schema for {', '.join(sorted(missing))}")
    return {trigger: {"$schema": DIALECT, "$id": f"{ID_PREFIX}{trigger}", "title": f"{trigger} payload",
                      "description": what, **body}
            for trigger, (body, what) in sorted(schemas.items())}


def schema_for(trigger: str) -> dict | None:
    """The schema of one trigger's payload (a copy), or None for an unknown trigger."""
    found = _all().get(trigger)
    return copy.deepcopy(found) if found is not None else None


def all_schemas() -> dict[str, dict]:
    """`{trigger: schema}` for every trigger (a copy)."""
    return copy.deepcopy(_all())


_SIGNATURE_HEADERS = [
    {"name": "webhook-id", "in": "header", "required": False, "schema": STRING,
     "description": "the delivery id (the same on every retry): deduplicate on it"},
    {"name": "webhook-timestamp", "in": "header", "required": False, "schema": STRING,
     "description": "seconds since the epoch, when the attempt was signed"},
    {"name": "webhook-signature", "in": "header", "required": False, "schema": STRING,
     "description": "`v1,<base64 HMAC-SHA256 of id.timestamp.body>` (Standard Webhooks), one per secret in "
                    "force, space-separated; sent when the action has a signing secret"},
]


def webhooks() -> dict:
    """The OpenAPI 3.1 `webhooks` object: one POST per trigger with its payload schema as the body (the
    HTTP method is the action's; the shipped config uses POST)."""
    result = {}
    for trigger, schema in all_schemas().items():
        body = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
        result[trigger] = {"post": {
            "summary": f"{trigger}: {schema['description']}",
            "description": "Sent by an HTTP action of this trigger (config/notifications.json). Answer 2xx; "
                           "network errors, 408, 429 and 5xx are retried for hours, other answers are not.",
            "tags": ["notifications"],
            "parameters": copy.deepcopy(_SIGNATURE_HEADERS),
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {"2XX": {"description": "received"}},
        }}
    return result
