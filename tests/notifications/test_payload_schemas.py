"""The payload schemas: one per trigger, served with the API docs, and the catalog's real payloads (made
through the dashboard API and read back from the outbox) valid against them.

jsonschema is not a dependency: `validate` below implements the part of draft 2020-12 these schemas use
and refuses any other keyword, so a schema cannot silently use something unchecked here.
"""

from __future__ import annotations

import json
import re

import pytest

from chalicelib.catalog.products import service as products
from chalicelib.core.store import db
from chalicelib.events import catalog as catalog_events
from chalicelib.events import schemas as payload_schemas
from chalicelib.notifications.triggers import TRIGGERS
from tests.catalog_fixtures import build_catalog, product_payload
from tests.helpers import body, call

CATALOG = set(catalog_events.TRIGGERS)  # exact payloads: the real ones are held to them

# --- a minimal draft 2020-12 validator --------------------------------------------------------------------

ANNOTATIONS = {"$schema", "$id", "title", "description", "format"}
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is_type(value, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool) or (isinstance(value, float)
                                                                          and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, TYPES[name])


def errors(schema, value, path: str = "$") -> list[str]:
    """Every violation of `schema` by `value`, as "path: problem"."""
    if schema is True:
        return []
    if schema is False:
        return [f"{path}: no value allowed here"]
    unknown = set(schema) - ANNOTATIONS - {"type", "properties", "required", "additionalProperties", "items",
                                           "prefixItems", "enum", "const", "anyOf", "minItems", "maxItems",
                                           "pattern"}
    if unknown:
        raise AssertionError(f"{path}: the test validator does not know {sorted(unknown)}")
    found: list[str] = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, name) for name in names):
            return [f"{path}: {value!r} is not of type {names}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{path}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        found.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if "anyOf" in schema and all(errors(option, value, path) for option in schema["anyOf"]):
        found.append(f"{path}: {value!r} matches none of anyOf")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found += [f"{path}: missing {name!r}" for name in schema.get("required", []) if name not in value]
        for name, item in value.items():
            if name in properties:
                found += errors(properties[name], item, f"{path}.{name}")
            elif "additionalProperties" in schema:
                found += errors(schema["additionalProperties"], item, f"{path}.{name}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
            found.append(f"{path}: {len(value)} items")
        prefix = schema.get("prefixItems", [])
        for index, item in enumerate(value):
            sub = prefix[index] if index < len(prefix) else schema.get("items", True)
            found += errors(sub, item, f"{path}[{index}]")
    return found


def test_the_validator_can_fail():
    schema = payload_schemas.schema_for("CATEGORY_SAVE")
    good = {"_model_class": "Category", "id": 1, "parent_id": None, "deleted": False}
    assert errors(schema, good) == []
    assert errors(schema, {**good, "deleted": True}) == ["$.deleted: True is not False"]
    assert errors(schema, {**good, "id": "1"}) == ["$.id: '1' is not of type ['integer']"]
    assert errors(schema, {**good, "extra": 1}) == ["$.extra: no value allowed here"]
    assert errors(schema, {k: v for k, v in good.items() if k != "id"}) == ["$: missing 'id'"]
    pairs = payload_schemas.schema_for("ORDER_SAVE")["properties"]["product_variants"]
    assert errors(pairs, [["SKU-1", 2]]) == []
    assert errors(pairs, [["SKU-1", 2, 3]]) and errors(pairs, [[2, "SKU-1"]])
    assert errors({"anyOf": [{"type": "null"}, {"enum": ["PAID"]}]}, "LOST")
    with pytest.raises(AssertionError, match="does not know"):
        errors({"oneOf": []}, 1)


# --- the schemas themselves ---------------------------------------------------------------------------------

def test_every_trigger_has_a_2020_12_schema():
    schemas = payload_schemas.all_schemas()
    assert set(schemas) == set(TRIGGERS)
    for trigger, schema in schemas.items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"urn:ecoseller:notification-payload:{trigger}"
        assert schema["description"]
        errors(schema, None)  # walks the keywords: raises on one the validator does not know
    assert payload_schemas.schema_for("NOPE") is None
    # Copies: a caller cannot change what the next one gets.
    schemas["PRODUCT_SAVE"]["type"] = "string"
    assert payload_schemas.schema_for("PRODUCT_SAVE")["type"] == "object"


def test_original_payload_keys_are_kept():
    """The keys the contract (section 6) lists for the original's payloads."""
    def keys(trigger):
        return set(payload_schemas.schema_for(trigger)["properties"])

    assert keys("PRODUCT_UPDATE") == {"_model_class", "id", "published", "type", "category_id",
                                      "product_translations", "product_variants", "update_at", "create_at",
                                      "deleted"}
    assert keys("PRODUCTVARIANT_SAVE") == {"_model_class", "sku", "ean", "weight", "stock_quantity",
                                           "recommendation_weight", "update_at", "create_at", "attributes",
                                           "deleted"}
    assert keys("PRICE_DELETE") == {"_model_class", "id", "price_list_code", "product_variant_sku", "price",
                                    "update_at", "create_at", "deleted"}
    assert keys("PRODUCTTYPE_SAVE") == {"_model_class", "id", "name", "attribute_types", "products", "update_at",
                                        "create_at", "deleted"}
    assert keys("ATTRIBUTETYPE_SAVE") == {"_model_class", "id", "type", "type_name", "unit"}
    assert keys("ATTRIBUTE_SAVE") == {"_model_class", "id", "type", "raw_value", "order", "ext_attributes",
                                      "deleted"}
    assert keys("CATEGORY_DELETE") == {"_model_class", "id", "parent_id", "deleted"}
    assert {"token", "customer_email", "order", "product_variants", "_model_class", "session_id"} <= keys(
        "ORDER_SAVE")
    assert {"token", "order"} <= keys("REVIEW_SEND")
    assert {"complaint_id"} <= keys("ORDER_ITEM_COMPLAINT_CREATED")
    enter = payload_schemas.schema_for("PRODUCT_DETAIL_ENTER")
    assert enter["type"] == "array" and enter["items"]["required"] == ["_model_class", "user_id"]
    assert "time_spent" in payload_schemas.schema_for("PRODUCT_DETAIL_LEAVE")["items"]["properties"]


def test_documented_payloads_of_other_features_validate():
    """Examples written from the contract and the e-mail builders (the order, complaint and payment
    features are checked against these schemas by their own tests)."""
    order = {"token": "7c8f1d0e-0000-4000-8000-000000000001", "number": 7, "status": "PENDING",
             "create_at": "2024-01-02T10:00:00+00:00", "safe_deleted": False, "marketing_flag": True,
             "agreed_to_terms": True, "payment_id": None, "customer_email": "a@b.cz", "language": "cs",
             "cart": {"token": "c-1", "cart_items": [{"id": 1, "product_variant_sku": "SH-2", "quantity": 2,
                                                      "complaints": []}],
                      "shipping_info": {"first_name": "Ann", "email": "a@b.cz", "country": "CZ"},
                      "billing_info": None, "country": "CZ"},
             "totals": {"total_incl_vat": "181.50", "items_incl_vat": "150"}}
    save = {"token": order["token"], "order": order, "customer_email": "a@b.cz", "language": "cs",
            "session_id": "rs-1", "_model_class": "Order", "product_variants": [["SH-2", 2]]}
    assert errors(payload_schemas.schema_for("ORDER_SAVE"), save) == []
    assert errors(payload_schemas.schema_for("ORDER_SAVE"), {**save, "order": {**order, "status": "LOST"}})
    assert errors(payload_schemas.schema_for("REVIEW_SEND"), {"token": order["token"], "order": order}) == []
    assert errors(payload_schemas.schema_for("ORDER_STATUS_CHANGED"),
                  {**save, "previous_status": "PENDING"}) == []
    complaint = {"complaint": {"id": 3, "type": "RETURN", "status": "CREATED", "description": "broken",
                               "cart_item": 1, "order": order["token"]},
                 "complaint_id": 3, "order_token": order["token"], "customer_email": "a@b.cz", "language": "en"}
    assert errors(payload_schemas.schema_for("ORDER_ITEM_COMPLAINT_UPDATED"),
                  {**complaint, "previous_status": "CREATED"}) == []
    payment = {"order": order["token"], "payment_id": "p-1", "status": "PAID", "previous_status": "PENDING",
               "method": "BANK_TRANSFER", "amount": "181.50", "currency": "CZK"}
    assert errors(payload_schemas.schema_for("PAYMENT_STATUS_CHANGED"), payment) == []
    assert errors(payload_schemas.schema_for("ORDER_FULLY_PAID"), {**payment, "amount": 181.5})
    assert errors(payload_schemas.schema_for("RECOMMENDER_TRAINER_QUEUE_ITEM_SAVE"),
                  {"_model_class": "TrainerQueueItem", "model_name": "ease"}) == []


# --- real payloads from the catalog --------------------------------------------------------------------------

def _outbox() -> list[tuple[str, object]]:
    found = []
    for raw in db.client().scan(TableName=db.table("outbox"))["Items"]:
        item = db.deserialize(raw)
        for event in item["events"] if item["type"] == "BATCH" else [item]:
            found.append((event["type"], json.loads(event["payload"])))
    return found


def _ok(response, status=(200, 201, 204)):
    assert response.status_code in status, response.body
    return body(response)


def test_catalog_payloads_made_through_the_api_match_their_schemas(client, admin):
    ids = build_catalog()  # written below the API: its events are checked too
    # Taxonomy through the dashboard API: create, update, delete.
    kind = _ok(call(client, "POST", "/product/dashboard/attribute/type/",
                    {"type_name": "runtime", "unit": "min", "value_type": "INTEGER"}, headers=admin))
    value = _ok(call(client, "POST", "/product/dashboard/attribute/", {"type": kind["id"], "value": "120"},
                     headers=admin))
    _ok(call(client, "PUT", f"/product/dashboard/attribute/{value['id']}", {"value": "95", "order": 2},
             headers=admin))
    _ok(call(client, "PUT", f"/product/dashboard/attribute/type/{kind['id']}", {"unit": "minutes"}, headers=admin))
    ptype = _ok(call(client, "POST", "/product/dashboard/type/", {"name": "Series",
                                                                  "allowed_attribute_types_ids": [kind["id"]]},
                     headers=admin))
    _ok(call(client, "PUT", f"/product/dashboard/type/{ptype['id']}", {"name": "TV series"}, headers=admin))
    child = _ok(call(client, "POST", "/category/dashboard/", {"published": True, "parent": ids["movies"],
                                                              "translations": {"en": {"title": "Drama",
                                                                                      "slug": "drama"}}},
                     headers=admin))
    _ok(call(client, "PUT", f"/category/dashboard/{child['id']}/",
             {"published": False, "parent": ids["action"], "translations": {"en": {"title": "Drama"}}},
             headers=admin))
    # A product: created, changed (a variant dropped, a price changed, one added), deleted.
    payload = product_payload(ids)
    created = _ok(call(client, "POST", "/product/dashboard/detail/", payload, headers=admin))
    payload["product_variants"] = [{**payload["product_variants"][0],
                                    "price": [{"price_list": "CZK_retail", "price": "160", "discount": None}]},
                                   {"sku": "MOV-DE", "stock_quantity": 1, "attributes": [],
                                    "price": [{"price_list": "EUR_retail", "price": "5"}]}]
    _ok(call(client, "PUT", f"/product/dashboard/detail/{created['id']}/", payload, headers=admin))
    _ok(call(client, "DELETE", f"/product/dashboard/detail/{created['id']}/", headers=admin))
    # Deletions of the taxonomy.
    _ok(call(client, "DELETE", f"/category/dashboard/{child['id']}/", headers=admin))
    _ok(call(client, "DELETE", f"/product/dashboard/type/{ptype['id']}", headers=admin))
    _ok(call(client, "DELETE", f"/product/dashboard/attribute/{value['id']}", headers=admin))
    _ok(call(client, "DELETE", f"/product/dashboard/attribute/type/{kind['id']}", headers=admin))
    # A product with every optional field empty, straight through the service.
    bare = products.create_product({"published": False, "translations": {}, "category": None, "type_id": None,
                                    "product_variants": [{"sku": "BARE-1", "ean": None, "weight": None,
                                                          "stock_quantity": 0, "recommendation_weight": None,
                                                          "attributes": [], "price": []}]})
    products.delete_product(bare["id"])

    events = _outbox()
    seen = {trigger for trigger, _payload in events}
    assert CATALOG <= seen, sorted(CATALOG - seen)
    problems = {trigger: errors(payload_schemas.schema_for(trigger), payload)
                for trigger, payload in events if trigger in CATALOG}
    assert {trigger: found for trigger, found in problems.items() if found} == {}


# --- served with the API docs ---------------------------------------------------------------------------------

def test_schemas_are_served(client):
    response = client.http.get("/api/events/schemas.json")
    assert response.status_code == 200
    assert body(response) == payload_schemas.all_schemas()
    one = client.http.get("/api/events/schemas/ORDER_SAVE")
    assert one.status_code == 200 and body(one) == payload_schemas.schema_for("ORDER_SAVE")
    assert body(client.http.get("/api/events/schemas/ORDER_SAVE.json")) == body(one)
    assert client.http.get("/api/events/schemas/NOPE").status_code == 404


def test_openapi_document_lists_the_payloads_as_webhooks(client):
    document = body(client.http.get("/api/openapi.json"))
    webhooks = document["webhooks"]
    assert set(webhooks) == set(TRIGGERS)
    product_save = webhooks["PRODUCT_SAVE"]["post"]
    schema = product_save["requestBody"]["content"]["application/json"]["schema"]
    assert "$id" not in schema and schema["properties"]["_model_class"] == {
        "const": "Product", "description": "the recommender's model class for this object"}
    assert [p["name"] for p in product_save["parameters"]] == ["webhook-id", "webhook-timestamp",
                                                                "webhook-signature"]
    assert body(client.http.get("/swagger.json"))["webhooks"] == webhooks
