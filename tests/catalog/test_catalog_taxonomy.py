"""Attribute types (P20-P24), attribute values (P25-P29), product types (P2-P6) and categories (C1-C7).

Each test names the contract rows it covers. Writes are checked for their event in the outbox (written in
the same transaction), and rejected writes for leaving both tables untouched.
"""

from __future__ import annotations

import json

import pytest

from chalicelib.catalog.categories import service as categories
from chalicelib.catalog.reference.store import ATTRIBUTE_TYPES, CATEGORIES, catalog_snapshot
from chalicelib.catalog.taxonomy import demo as taxonomy_demo
from chalicelib.catalog.taxonomy import service as attributes
from chalicelib.core.store import db
from chalicelib.localization import service as localization
from tests.helpers import auth, body, call, make_user, table_items

ATTRIBUTE_TYPE_KEYS = ["id", "type_name", "unit", "base_attributes", "value_type", "translations"]
PRODUCT_TYPE_KEYS = ["id", "name", "allowed_attribute_types", "allowed_attribute_types_ids", "vat_groups",
                     "create_at", "update_at"]
CATEGORY_DETAIL_KEYS = ["id", "published", "translations", "update_at", "create_at", "parent"]
CATEGORY_ROW_KEYS = ["title", "meta_title", "meta_description", "description", "description_editorjs", "slug"]
DASHBOARD_NODE_KEYS = ["id", "title", "meta_title", "slug", "children", "published", "create_at", "update_at"]
STOREFRONT_NODE_KEYS = ["id", "title", "meta_title", "slug", "children"]
STOREFRONT_DETAIL_KEYS = STOREFRONT_NODE_KEYS + ["description_editorjs", "meta_description", "breadcrumbs"]

PERMISSIONS = tuple(f"{model}_{kind}_permission" for model in ("attributetype", "baseattribute", "producttype",
                                                               "category") for kind in ("add", "change"))


# --- helpers -------------------------------------------------------------------------------------------

def events(event_type: str | None = None) -> list[dict]:
    """Outbox events (payload decoded from its JSON text), oldest first."""
    found = sorted(table_items("outbox"), key=lambda e: e["created_at"])
    return [{**e, "payload": json.loads(e["payload"]) if isinstance(e["payload"], str) else e["payload"]}
            for e in found if event_type is None or e["type"] == event_type]


def catalog_items() -> list[dict]:
    return [i for i in table_items("main") if i["PK"] == "CATALOG"]


def assert_nothing_written(before_main: list[dict], before_outbox: list[dict]) -> None:
    assert [i for i in table_items("main") if i["PK"] != "COUNTER"] == [i for i in before_main if i["PK"] != "COUNTER"]
    assert table_items("outbox") == before_outbox


def _make_editor() -> None:
    make_user("editor@example.com", "pw", staff=True, permissions=PERMISSIONS)


@pytest.fixture
def editor(client, built_once):
    """Staff with exactly the taxonomy permissions (not an admin)."""
    built_once("taxonomy editor", _make_editor)  # written once per worker, then restored
    return auth("editor@example.com")


def post(client, path, payload, headers, status=201):
    response = call(client, "POST", path, payload, headers=headers)
    assert response.status_code == status, response.body
    return body(response)


def attribute_type(client, headers, **fields):
    payload = {"type_name": "color", "unit": "", "value_type": "TEXT",
               "translations": {"en": {"name": "Color"}, "cs": {"name": "Barva"}}, **fields}
    return post(client, "/product/dashboard/attribute/type/", payload, headers)


def value(client, headers, type_id, raw, names=None):
    payload = {"type": type_id, "value": raw, "translations": {k: {"name": v} for k, v in (names or {}).items()}}
    return post(client, "/product/dashboard/attribute/", payload, headers)


def category(client, headers, title, *, parent=None, published=True, cs=None, **row):
    translations = {"en": {"title": title, "slug": title.lower(), **row}}
    if cs:
        translations["cs"] = {"title": cs, "slug": cs.lower()}
    return post(client, "/category/dashboard/", {"published": published, "parent": parent,
                                                  "translations": translations}, headers)


# --- attribute types (P20-P24) -------------------------------------------------------------------------

def test_P21_create_P20_list_P22_detail_attribute_type(client, editor):
    created = attribute_type(client, editor)
    assert list(created) == ATTRIBUTE_TYPE_KEYS
    assert created == {"id": 1, "type_name": "color", "unit": "", "base_attributes": [], "value_type": "TEXT",
                       "translations": {"en": {"name": "Color"}, "cs": {"name": "Barva"}}}
    red = value(client, editor, 1, "red", {"en": "Red", "cs": "Červená"})
    expected = {**created, "base_attributes": [red]}
    listed = call(client, "GET", "/product/dashboard/attribute/type/", headers=editor)
    assert listed.status_code == 200 and body(listed) == [expected]
    detail = call(client, "GET", "/product/dashboard/attribute/type/1", headers=editor)
    assert detail.status_code == 200 and body(detail) == expected

    saved = events("ATTRIBUTETYPE_SAVE")
    assert len(saved) == 1
    assert saved[0]["payload"] == {"_model_class": "AttributeType", "id": 1, "type": "CATEGORICAL",
                                   "type_name": "color", "unit": ""}


def test_P21_defaults_and_numeric_event_type(client, editor):
    created = post(client, "/product/dashboard/attribute/type", {"type_name": "runtime", "value_type": "INTEGER"},
                   editor)
    assert created == {"id": 1, "type_name": "runtime", "unit": None, "base_attributes": [],
                       "value_type": "INTEGER", "translations": {}}
    assert events("ATTRIBUTETYPE_SAVE")[0]["payload"]["type"] == "NUMERICAL"
    plain = post(client, "/product/dashboard/attribute/type", {}, editor)
    assert plain["value_type"] == "TEXT" and plain["type_name"] is None


@pytest.mark.parametrize("payload, field", [
    ({"type_name": "x", "value_type": "COLOR"}, "value_type"),
    ({"type_name": "x", "value_type": None}, "value_type"),
    ({"type_name": "x", "translations": {"de": {"name": "Farbe"}}}, "translations"),
    ({"type_name": "x", "translations": {"en": "Color"}}, "translations"),
    ({"type_name": "x", "translations": ["en"]}, "translations"),
    ({"type_name": "x" * 201}, "type_name"),
])
def test_P21_bad_input_is_400_naming_the_field_and_writes_nothing(client, editor, payload, field):
    before_main, before_outbox = table_items("main"), table_items("outbox")
    response = call(client, "POST", "/product/dashboard/attribute/type/", payload, headers=editor)
    assert response.status_code == 400 and field in body(response), response.body
    assert_nothing_written(before_main, before_outbox)


def test_P21_unknown_language_names_the_language(client, editor):
    response = call(client, "POST", "/product/dashboard/attribute/type/",
                    {"type_name": "x", "translations": {"en": {"name": "A"}, "de": {"name": "B"}}}, headers=editor)
    assert response.status_code == 400 and list(body(response)["translations"]) == ["de"]


def test_P23_put_changes_only_what_is_sent(client, editor):
    attribute_type(client, editor)
    response = call(client, "PUT", "/product/dashboard/attribute/type/1/",
                    {"unit": "RGB", "translations": {"cs": {"name": "Barvička"}}}, headers=editor)
    assert response.status_code == 200
    assert body(response) == {"id": 1, "type_name": "color", "unit": "RGB", "base_attributes": [],
                              "value_type": "TEXT",
                              "translations": {"en": {"name": "Color"}, "cs": {"name": "Barvička"}}}
    assert body(call(client, "GET", "/product/dashboard/attribute/type/1", headers=editor)) == body(response)
    updated = events("ATTRIBUTETYPE_UPDATE")
    assert len(updated) == 1 and updated[0]["payload"]["unit"] == "RGB"
    assert call(client, "PUT", "/product/dashboard/attribute/type/9", {}, headers=editor).status_code == 404


def test_P23_type_cannot_become_numeric_while_a_value_is_text(client, editor):
    attribute_type(client, editor)
    value(client, editor, 1, "red")
    before_main, before_outbox = table_items("main"), table_items("outbox")
    response = call(client, "PUT", "/product/dashboard/attribute/type/1", {"value_type": "DECIMAL"}, headers=editor)
    assert response.status_code == 400 and "value_type" in body(response)
    assert_nothing_written(before_main, before_outbox)


def test_P24_delete_is_soft_and_takes_the_values_along(client, editor):
    attribute_type(client, editor)
    value(client, editor, 1, "red")
    response = call(client, "DELETE", "/product/dashboard/attribute/type/1/", headers=editor)
    assert response.status_code == 204 and response.body in (b"", "")
    assert call(client, "GET", "/product/dashboard/attribute/type/1", headers=editor).status_code == 404
    assert body(call(client, "GET", "/product/dashboard/attribute/type", headers=editor)) == []
    assert call(client, "GET", "/product/dashboard/attribute/1", headers=editor).status_code == 404
    assert body(call(client, "GET", "/product/dashboard/attribute", headers=editor)) == []
    stored = [i for i in catalog_items() if i["SK"].startswith("ATTRTYPE#")]
    assert stored[0]["safe_deleted"] is True  # kept in the table
    assert [e["payload"]["id"] for e in events("ATTRIBUTETYPE_DELETE")] == [1]
    assert call(client, "DELETE", "/product/dashboard/attribute/type/1", headers=editor).status_code == 404
    # a value cannot be added to a deleted type
    response = call(client, "POST", "/product/dashboard/attribute/", {"type": 1, "value": "blue"}, headers=editor)
    assert response.status_code == 400 and "type" in body(response)


# --- base attributes (P25-P29) -------------------------------------------------------------------------

def test_P26_create_P27_detail_P25_list_base_attribute(client, editor):
    attribute_type(client, editor)
    created = value(client, editor, 1, "red", {"en": "Red", "cs": "Červená"})
    assert list(created) == ["id", "value", "type", "translations"]
    assert created == {"id": 1, "value": "red", "type": 1,
                       "translations": {"en": {"name": "Red"}, "cs": {"name": "Červená"}}}
    detail = call(client, "GET", "/product/dashboard/attribute/1/", headers=editor)
    assert detail.status_code == 200 and body(detail) == created
    assert body(call(client, "GET", "/product/dashboard/attribute/", headers=editor)) == [created]
    saved = events("ATTRIBUTE_SAVE")
    assert len(saved) == 1
    assert saved[0]["payload"] == {"_model_class": "Attribute", "id": 1, "type": 1, "raw_value": "red",
                                   "order": None, "ext_attributes": [], "deleted": False}


@pytest.mark.parametrize("value_type, raw, ok", [
    ("INTEGER", "120", True), ("INTEGER", 120, True), ("INTEGER", "-3", True), ("INTEGER", "12.5", False),
    ("INTEGER", "abc", False), ("INTEGER", None, False), ("DECIMAL", "12.5", True), ("DECIMAL", 0.75, True),
    ("DECIMAL", "1e3x", False), ("DECIMAL", "NaN", False), ("DECIMAL", "1_000", False),
    ("TEXT", "anything", True), ("TEXT", None, True),
])
def test_P26_numeric_types_need_numbers(client, editor, value_type, raw, ok):
    attribute_type(client, editor, type_name="n", value_type=value_type)
    before_main, before_outbox = table_items("main"), table_items("outbox")
    response = call(client, "POST", "/product/dashboard/attribute/", {"type": 1, "value": raw}, headers=editor)
    if ok:
        assert response.status_code == 201, response.body
        assert body(response)["value"] == (None if raw is None else str(raw))
    else:
        assert response.status_code == 400 and list(body(response)) == ["value"], response.body
        assert_nothing_written(before_main, before_outbox)


@pytest.mark.parametrize("payload, field", [
    ({"type": 7, "value": "red"}, "type"),
    ({"value": "red"}, "type"),
    ({"type": "one", "value": "red"}, "type"),
    ({"type": 1, "value": "red", "translations": {"xx": {"name": "?"}}}, "translations"),
    ({"type": 1, "value": "r" * 201}, "value"),
])
def test_P26_bad_input_is_400_and_writes_nothing(client, editor, payload, field):
    attribute_type(client, editor)
    before_main, before_outbox = table_items("main"), table_items("outbox")
    response = call(client, "POST", "/product/dashboard/attribute/", payload, headers=editor)
    assert response.status_code == 400 and field in body(response), response.body
    assert_nothing_written(before_main, before_outbox)


def test_P28_put_and_P29_delete_base_attribute(client, editor):
    attribute_type(client, editor)
    attribute_type(client, editor, type_name="runtime", value_type="INTEGER")
    value(client, editor, 1, "red", {"en": "Red", "cs": "Červená"})
    response = call(client, "PUT", "/product/dashboard/attribute/1", {"value": "crimson",
                                                                      "translations": {"en": {"name": "Crimson"}}},
                    headers=editor)
    assert response.status_code == 200
    assert body(response) == {"id": 1, "value": "crimson", "type": 1,
                              "translations": {"en": {"name": "Crimson"}, "cs": {"name": "Červená"}}}
    # moving the value to a numeric type needs a numeric value
    before_main, before_outbox = table_items("main"), table_items("outbox")
    moved = call(client, "PUT", "/product/dashboard/attribute/1", {"type": 2}, headers=editor)
    assert moved.status_code == 400 and list(body(moved)) == ["value"]
    assert_nothing_written(before_main, before_outbox)
    moved = call(client, "PUT", "/product/dashboard/attribute/1", {"type": 2, "value": "95"}, headers=editor)
    assert moved.status_code == 200 and body(moved)["type"] == 2 and body(moved)["value"] == "95"
    assert [e["payload"]["raw_value"] for e in events("ATTRIBUTE_UPDATE")] == ["crimson", "95"]

    deleted = call(client, "DELETE", "/product/dashboard/attribute/1/", headers=editor)
    assert deleted.status_code == 204
    assert call(client, "GET", "/product/dashboard/attribute/1", headers=editor).status_code == 404
    assert call(client, "PUT", "/product/dashboard/attribute/1", {"value": "1"}, headers=editor).status_code == 404
    assert call(client, "DELETE", "/product/dashboard/attribute/1", headers=editor).status_code == 404
    assert events("ATTRIBUTE_DELETE")[0]["payload"]["deleted"] is True


# --- product types (P2-P6) -----------------------------------------------------------------------------

def vat_group(country: str, name: str) -> int:
    if localization.get_country(country) is None:
        localization.create_country({"code": country, "name": country, "locale": "en", "default_price_list": None})
    return localization.create_vat_group({"name": name, "rate": "21", "country": country, "is_default": False})["id"]


def test_P3_create_P2_list_P4_detail_product_type(client, editor):
    color = attribute_type(client, editor)
    red = value(client, editor, 1, "red", {"en": "Red"})
    cz, de = vat_group("CZ", "Standard"), vat_group("DE", "Standard")
    created = post(client, "/product/dashboard/type/", {"name": "T-shirt", "allowed_attribute_types_ids": [1],
                                                        "vat_groups": [cz, de]}, editor)
    assert list(created) == PRODUCT_TYPE_KEYS
    assert {k: created[k] for k in PRODUCT_TYPE_KEYS[:5]} == {
        "id": 1, "name": "T-shirt", "allowed_attribute_types": [{**color, "base_attributes": [red]}],
        "allowed_attribute_types_ids": [1], "vat_groups": [cz, de]}
    assert created["create_at"] and created["update_at"]
    listed = call(client, "GET", "/product/dashboard/type/", headers=editor)
    assert listed.status_code == 200 and body(listed) == [created]
    detail = call(client, "GET", "/product/dashboard/type/1/", headers=editor)
    assert detail.status_code == 200 and body(detail) == created
    saved = events("PRODUCTTYPE_SAVE")
    assert len(saved) == 1
    assert set(saved[0]["payload"]) == {"_model_class", "id", "name", "attribute_types", "products", "update_at",
                                        "create_at", "deleted"}
    assert saved[0]["payload"]["attribute_types"] == [1] and saved[0]["payload"]["_model_class"] == "ProductType"


@pytest.mark.parametrize("payload, field", [
    ({"name": "T", "allowed_attribute_types_ids": [1, 5]}, "allowed_attribute_types_ids"),
    ({"name": "T", "allowed_attribute_types_ids": "1"}, "allowed_attribute_types_ids"),
    ({"name": "T", "allowed_attribute_types_ids": ["x"]}, "allowed_attribute_types_ids"),
    ({"name": "T", "vat_groups": [99]}, "vat_groups"),
    ({"name": "T" * 201}, "name"),
])
def test_P3_bad_input_is_400_naming_the_field_and_writes_nothing(client, editor, payload, field):
    attribute_type(client, editor)
    before_main, before_outbox = table_items("main"), table_items("outbox")
    response = call(client, "POST", "/product/dashboard/type/", payload, headers=editor)
    assert response.status_code == 400 and field in body(response), response.body
    assert_nothing_written(before_main, before_outbox)


def test_P3_at_most_one_vat_group_per_country(client, editor):
    standard, reduced = vat_group("CZ", "Standard"), vat_group("CZ", "Reduced")
    response = call(client, "POST", "/product/dashboard/type/", {"name": "T", "vat_groups": [standard, reduced]},
                    headers=editor)
    assert response.status_code == 400 and "vat_groups" in body(response)
    assert body(call(client, "GET", "/product/dashboard/type/", headers=editor)) == []


def test_P5_put_P6_delete_product_type(client, editor):
    attribute_type(client, editor)
    attribute_type(client, editor, type_name="size")
    post(client, "/product/dashboard/type/", {"name": "T", "allowed_attribute_types_ids": [1]}, editor)
    response = call(client, "PUT", "/product/dashboard/type/1", {"allowed_attribute_types_ids": [2, 1, 2]},
                    headers=editor)
    assert response.status_code == 200
    assert body(response)["name"] == "T" and body(response)["allowed_attribute_types_ids"] == [2, 1]
    assert [t["id"] for t in body(response)["allowed_attribute_types"]] == [2, 1]
    assert events("PRODUCTTYPE_UPDATE")[0]["payload"]["attribute_types"] == [2, 1]
    bad = call(client, "PUT", "/product/dashboard/type/1", {"allowed_attribute_types_ids": [3]}, headers=editor)
    assert bad.status_code == 400 and "allowed_attribute_types_ids" in body(bad)
    # a deleted attribute type drops out of the product types allowing it
    call(client, "DELETE", "/product/dashboard/attribute/type/2", headers=editor)
    assert body(call(client, "GET", "/product/dashboard/type/1", headers=editor))["allowed_attribute_types_ids"] == [1]

    assert call(client, "DELETE", "/product/dashboard/type/1/", headers=editor).status_code == 204
    assert call(client, "GET", "/product/dashboard/type/1", headers=editor).status_code == 404
    assert call(client, "PUT", "/product/dashboard/type/1", {"name": "x"}, headers=editor).status_code == 404
    assert call(client, "DELETE", "/product/dashboard/type/1", headers=editor).status_code == 404
    deleted = events("PRODUCTTYPE_DELETE")
    assert len(deleted) == 1 and deleted[0]["payload"]["deleted"] is True


# --- access --------------------------------------------------------------------------------------------

WRITES = [
    ("POST", "/product/dashboard/type/", "producttype_add_permission"),
    ("PUT", "/product/dashboard/type/1/", "producttype_change_permission"),
    ("DELETE", "/product/dashboard/type/1/", "producttype_change_permission"),
    ("POST", "/product/dashboard/attribute/type/", "attributetype_add_permission"),
    ("PUT", "/product/dashboard/attribute/type/1/", "attributetype_change_permission"),
    ("DELETE", "/product/dashboard/attribute/type/1/", "attributetype_change_permission"),
    ("POST", "/product/dashboard/attribute/", "baseattribute_add_permission"),
    ("PUT", "/product/dashboard/attribute/1/", "baseattribute_change_permission"),
    ("DELETE", "/product/dashboard/attribute/1/", "baseattribute_change_permission"),
    ("POST", "/category/dashboard/", "category_add_permission"),
    ("PUT", "/category/dashboard/1/", "category_change_permission"),
    ("DELETE", "/category/dashboard/1/", "category_change_permission"),
]
READS = ["/product/dashboard/type/", "/product/dashboard/type/1/", "/product/dashboard/attribute/type/",
         "/product/dashboard/attribute/type/1/", "/product/dashboard/attribute/", "/product/dashboard/attribute/1/",
         "/category/dashboard/", "/category/dashboard/1/"]


@pytest.mark.parametrize("method, path, needed", WRITES, ids=lambda v: v if isinstance(v, str) else None)
def test_writes_are_401_anonymous_and_403_without_the_permission(client, admin, method, path, needed):
    attribute_type(client, admin)
    value(client, admin, 1, "red")
    post(client, "/product/dashboard/type/", {"name": "T"}, admin)
    category(client, admin, "Movies")
    payload = {"name": "X", "type": 1, "value": "x", "translations": {"en": {"title": "X", "slug": "x"}}}
    make_user("clerk@example.com", "pw", staff=True, permissions=tuple(p for p in PERMISSIONS if p != needed))
    make_user("holder@example.com", "pw", staff=True, permissions=(needed,))
    before_main, before_outbox = table_items("main"), table_items("outbox")
    anonymous = call(client, method, path, payload)
    assert anonymous.status_code == 401
    assert body(anonymous) == {"detail": "Authentication credentials were not provided."}
    denied = call(client, method, path, payload, headers=auth("clerk@example.com"))
    assert denied.status_code == 403 and body(denied) == "User doesnt have permission"
    assert_nothing_written(before_main, before_outbox)
    allowed = call(client, method, path, payload, headers=auth("holder@example.com"))
    assert allowed.status_code in (200, 201, 204), allowed.body


@pytest.mark.parametrize("path", READS)
def test_reads_need_staff(client, admin, staff, path):
    attribute_type(client, admin)
    value(client, admin, 1, "red")
    post(client, "/product/dashboard/type/", {"name": "T"}, admin)
    category(client, admin, "Movies")
    assert call(client, "GET", path).status_code == 401
    make_user("shopper@example.com", "pw")
    denied = call(client, "GET", path, headers=auth("shopper@example.com"))
    assert denied.status_code == 403 and body(denied) == "User doesnt have permission"
    assert call(client, "GET", path, headers=staff).status_code == 200


@pytest.mark.parametrize("path", ["/product/dashboard/type/1/", "/product/dashboard/attribute/type/1/",
                                  "/product/dashboard/attribute/1/", "/category/dashboard/1/"])
def test_the_originals_open_patch_is_not_offered(client, path):
    assert call(client, "PATCH", path, {"name": "x"}).status_code == 405


# --- categories: dashboard (C1-C5) ---------------------------------------------------------------------

def test_C2_create_C3_detail(client, editor):
    created = post(client, "/category/dashboard/", {
        "published": True,
        "translations": {
            "en": {"title": "Movies", "slug": "movies", "meta_title": "Films", "meta_description": "All films",
                   "description": "<p>x</p>", "description_editorjs": {"time": 1, "blocks": [{"type": "p"}]}},
            "cs": {"title": "Filmy", "slug": "filmy"}}}, editor)
    assert list(created) == CATEGORY_DETAIL_KEYS
    assert list(created["translations"]["en"]) == CATEGORY_ROW_KEYS
    assert {k: created[k] for k in ("id", "published", "parent")} == {"id": 1, "published": True, "parent": None}
    assert created["translations"] == {
        "en": {"title": "Movies", "meta_title": "Films", "meta_description": "All films", "description": "<p>x</p>",
               "description_editorjs": {"time": 1, "blocks": [{"type": "p"}]}, "slug": "movies"},
        "cs": {"title": "Filmy", "meta_title": "", "meta_description": "", "description": None,
               "description_editorjs": None, "slug": "filmy"}}
    detail = call(client, "GET", "/category/dashboard/1/", headers=editor)
    assert detail.status_code == 200 and body(detail) == created
    child = category(client, editor, "Action", parent=1, published=False)
    assert child["parent"] == 1 and child["published"] is False
    assert [e["payload"] for e in events("CATEGORY_SAVE")] == [
        {"_model_class": "Category", "id": 1, "parent_id": None, "deleted": False},
        {"_model_class": "Category", "id": 2, "parent_id": 1, "deleted": False}]
    assert call(client, "GET", "/category/dashboard/3", headers=editor).status_code == 404
    assert call(client, "GET", "/category/dashboard/abc", headers=editor).status_code == 404


@pytest.mark.parametrize("payload, field", [
    ({"published": True}, "translations"),
    ({"translations": {}}, "translations"),
    ({"translations": {"en": {"title": "A"}}}, "translations"),  # a new language needs a slug
    ({"translations": {"en": {"title": "A", "slug": "a b"}}}, "translations"),
    ({"translations": {"en": {"title": "", "slug": "a"}}}, "translations"),
    ({"translations": {"de": {"title": "A", "slug": "a"}}}, "translations"),
    ({"translations": {"en": {"title": "A", "slug": "a", "description_editorjs": "text"}}}, "translations"),
    ({"parent": 42, "translations": {"en": {"title": "A", "slug": "a"}}}, "parent"),
    ({"parent": "x", "translations": {"en": {"title": "A", "slug": "a"}}}, "parent"),
    ({"published": "maybe", "translations": {"en": {"title": "A", "slug": "a"}}}, "published"),
])
def test_C2_bad_input_is_400_naming_the_field_and_writes_nothing(client, editor, payload, field):
    category(client, editor, "Movies")
    before_main, before_outbox = table_items("main"), table_items("outbox")
    response = call(client, "POST", "/category/dashboard/", payload, headers=editor)
    assert response.status_code == 400 and field in body(response), response.body
    assert_nothing_written(before_main, before_outbox)


def test_C2_missing_slug_names_language_and_field(client, editor):
    response = call(client, "POST", "/category/dashboard/", {"translations": {"cs": {"title": "A"}}}, headers=editor)
    assert body(response) == {"translations": {"cs": {"slug": ["This field is required."]}}}


def test_C1_dashboard_tree_has_every_category_flattened_in_the_language(client, editor):
    category(client, editor, "Movies", cs="Filmy")
    category(client, editor, "Series")
    category(client, editor, "Drama", parent=1, published=False, cs="Drama")
    category(client, editor, "Action", parent=1, cs="Akce")
    category(client, editor, "Thriller", parent=3, published=False)
    response = call(client, "GET", "/category/dashboard/", headers={**editor, "Accept-Language": "cs"})
    assert response.status_code == 200
    tree = body(response)
    assert list(tree[0]) == DASHBOARD_NODE_KEYS

    def shape(nodes):
        return [(n["id"], n["title"], n["published"], shape(n["children"])) for n in nodes]

    assert shape(tree) == [(1, "Filmy", True, [(3, "Drama", False, [(5, "Thriller", False, [])]),
                                               (4, "Akce", True, [])]),
                           (2, "Series", True, [])]  # no cs row: the en row is used
    english = body(call(client, "GET", "/category/dashboard/", headers=editor))
    assert english[0]["title"] == "Movies" and english[0]["slug"] == "movies" and english[0]["meta_title"] == ""


def test_C4_put_updates_sent_languages_and_moves(client, editor):
    category(client, editor, "Movies", cs="Filmy")
    category(client, editor, "Series")
    category(client, editor, "Action", parent=1)
    response = call(client, "PUT", "/category/dashboard/3/", {
        "published": False, "parent": 2, "translations": {"cs": {"title": "Akce", "slug": "akce"},
                                                          "en": {"meta_title": "Action films"}}}, headers=editor)
    assert response.status_code == 200
    updated = body(response)
    assert updated["parent"] == 2 and updated["published"] is False
    assert updated["translations"]["en"]["title"] == "Action"
    assert updated["translations"]["en"]["meta_title"] == "Action films"
    assert updated["translations"]["cs"]["title"] == "Akce"
    assert body(call(client, "GET", "/category/dashboard/3", headers=editor)) == updated
    assert events("CATEGORY_UPDATE")[-1]["payload"] == {"_model_class": "Category", "id": 3, "parent_id": 2,
                                                        "deleted": False}
    # parent not sent: it stays; null moves to the top
    kept = body(call(client, "PUT", "/category/dashboard/3", {"translations": {}}, headers=editor))
    assert kept["parent"] == 2 and kept["published"] is False
    top = body(call(client, "PUT", "/category/dashboard/3", {"parent": None, "translations": {}}, headers=editor))
    assert top["parent"] is None
    assert call(client, "PUT", "/category/dashboard/9", {"translations": {}}, headers=editor).status_code == 404


@pytest.mark.parametrize("moved, parent", [(1, 1), (1, 2), (1, 3), (2, 3), (1, 99)])
def test_C4_a_category_cannot_become_its_own_ancestor(client, editor, moved, parent):
    category(client, editor, "A")
    category(client, editor, "B", parent=1)
    category(client, editor, "C", parent=2)
    before_main, before_outbox = table_items("main"), table_items("outbox")
    response = call(client, "PUT", f"/category/dashboard/{moved}", {"parent": parent, "translations": {}},
                    headers=editor)
    assert response.status_code == 400 and list(body(response)) == ["parent"], response.body
    assert_nothing_written(before_main, before_outbox)


def test_C4_concurrent_moves_cannot_make_a_loop(client, editor, monkeypatch):
    """A moves under B while, between our read and our write, someone moved B under A: the write's
    re-check of B fails, the retry reads the new tree and refuses the move."""
    category(client, editor, "A")
    category(client, editor, "B")
    read_tree = categories._dashboard_tree
    raced = []

    def tree_then_concurrent_move():
        tree = read_tree()
        if not raced:
            raced.append(True)
            CATEGORIES.update(2, {"parent": 1})
        return tree

    monkeypatch.setattr(categories, "_dashboard_tree", tree_then_concurrent_move)
    response = call(client, "PUT", "/category/dashboard/1", {"parent": 2, "translations": {}}, headers=editor)
    assert response.status_code == 400 and list(body(response)) == ["parent"]
    assert CATEGORIES.get(1)["parent"] is None and CATEGORIES.get(2)["parent"] == 1
    assert events("CATEGORY_UPDATE") == []


def test_P26_value_written_while_its_type_turns_numeric_is_rechecked(client, editor, monkeypatch):
    attribute_type(client, editor)
    read_type = attributes._type_for_value
    raced = []

    def type_then_concurrent_change(type_id):
        found = read_type(type_id)
        if not raced:
            raced.append(True)
            ATTRIBUTE_TYPES.update(1, {"value_type": "INTEGER"})
        return found

    monkeypatch.setattr(attributes, "_type_for_value", type_then_concurrent_change)
    response = call(client, "POST", "/product/dashboard/attribute/", {"type": 1, "value": "red"}, headers=editor)
    assert response.status_code == 400 and list(body(response)) == ["value"]
    assert body(call(client, "GET", "/product/dashboard/attribute/", headers=editor)) == []


def test_C2_C4_nesting_is_limited(client, editor):
    parent = None
    for level in range(categories.MAX_DEPTH):
        parent = CATEGORIES.create({"parent": parent, "published": True,
                                    "translations": {"en": {"title": f"L{level}", "slug": f"l{level}"}}})["id"]
    response = call(client, "POST", "/category/dashboard/", {"parent": parent, "translations": {
        "en": {"title": "Too deep", "slug": "deep"}}}, headers=editor)
    assert response.status_code == 400 and "parent" in body(response)
    leaf = category(client, editor, "Leaf", parent=parent - 1)
    top = category(client, editor, "Top")
    moved = call(client, "PUT", f"/category/dashboard/{top['id']}", {"parent": leaf["id"], "translations": {}},
                 headers=editor)
    assert moved.status_code == 400 and "parent" in body(moved)
    assert [n["title"] for n in body(call(client, "GET", "/category/storefront/"))] == ["L0", "Top"]


def test_C4_translations_are_required_on_put(client, editor):
    category(client, editor, "A")
    response = call(client, "PUT", "/category/dashboard/1", {"published": False}, headers=editor)
    assert response.status_code == 400 and "translations" in body(response)


def test_C5_delete_is_soft_and_children_become_roots(client, editor):
    category(client, editor, "Movies")
    category(client, editor, "Action", parent=1)
    category(client, editor, "Heist", parent=2)
    response = call(client, "DELETE", "/category/dashboard/1/", headers=editor)
    assert response.status_code == 204 and response.body in (b"", "")
    assert call(client, "GET", "/category/dashboard/1", headers=editor).status_code == 404
    assert call(client, "DELETE", "/category/dashboard/1", headers=editor).status_code == 404
    tree = body(call(client, "GET", "/category/dashboard", headers=editor))
    assert [(n["id"], [c["id"] for c in n["children"]]) for n in tree] == [(2, [3])]
    assert body(call(client, "GET", "/category/dashboard/2", headers=editor))["parent"] is None
    assert [n["id"] for n in body(call(client, "GET", "/category/storefront"))] == [2]
    assert [b["id"] for b in body(call(client, "GET", "/category/storefront/3"))["breadcrumbs"]] == [2, 3]
    assert call(client, "GET", "/category/storefront/1").status_code == 404
    stored = [i for i in catalog_items() if i["SK"] == "CATEGORY#000000000001"]
    assert stored[0]["safe_deleted"] is True
    assert events("CATEGORY_DELETE")[0]["payload"] == {"_model_class": "Category", "id": 1, "parent_id": None,
                                                       "deleted": True}
    # a deleted category is no parent
    response = call(client, "POST", "/category/dashboard/", {"parent": 1, "translations": {
        "en": {"title": "X", "slug": "x"}}}, headers=editor)
    assert response.status_code == 400 and "parent" in body(response)


# --- categories: storefront (C6, C7) -------------------------------------------------------------------

@pytest.fixture
def shop_tree(client, built_once):
    """The editor (as the `editor` fixture) and a tree of categories they wrote."""
    def build() -> None:
        _make_editor()
        editor = auth("editor@example.com")
        category(client, editor, "Movies", cs="Filmy", meta_title="Films")    # 1
        category(client, editor, "Action", parent=1, cs="Akce",                # 2
                 meta_description="Explosions", description_editorjs={"blocks": [{"type": "paragraph"}]})
        category(client, editor, "Drama", parent=1, published=False)           # 3 unpublished
        category(client, editor, "Heist", parent=2)                            # 4
        category(client, editor, "Noir", parent=3)                             # 5 published, under unpublished
        category(client, editor, "Hidden", published=False)                    # 6 unpublished root
        category(client, editor, "Series")                                     # 7

    built_once("taxonomy storefront tree", build)  # written once per worker, then restored
    return auth("editor@example.com")


def test_C6_storefront_tree_has_published_categories_only(client, shop_tree):
    response = call(client, "GET", "/category/storefront/", headers={"Accept-Language": "cs-CZ"})
    assert response.status_code == 200
    tree = body(response)
    assert list(tree[0]) == STOREFRONT_NODE_KEYS
    assert tree == [
        {"id": 1, "title": "Filmy", "meta_title": "", "slug": "filmy", "children": [
            {"id": 2, "title": "Akce", "meta_title": "", "slug": "akce", "children": [
                {"id": 4, "title": "Heist", "meta_title": "", "slug": "heist", "children": []}]}]},
        {"id": 7, "title": "Series", "meta_title": "", "slug": "series", "children": []}]
    english = body(call(client, "GET", "/category/storefront"))
    assert english[0]["title"] == "Movies" and english[0]["meta_title"] == "Films"


def test_C7_storefront_detail(client, shop_tree):
    response = call(client, "GET", "/category/storefront/2/")
    assert response.status_code == 200
    detail = body(response)
    assert list(detail) == STOREFRONT_DETAIL_KEYS
    assert detail == {"id": 2, "title": "Action", "meta_title": "", "slug": "action",
                      "children": [{"id": 4, "title": "Heist", "meta_title": "", "slug": "heist", "children": []}],
                      "description_editorjs": {"blocks": [{"type": "paragraph"}]},
                      "meta_description": "Explosions",
                      "breadcrumbs": [{"id": 1, "title": "Movies", "slug": "movies"},
                                      {"id": 2, "title": "Action", "slug": "action"}]}
    czech = body(call(client, "GET", "/category/storefront/4", headers={"Accept-Language": "cs"}))
    assert czech["breadcrumbs"] == [{"id": 1, "title": "Filmy", "slug": "filmy"},
                                    {"id": 2, "title": "Akce", "slug": "akce"},
                                    {"id": 4, "title": "Heist", "slug": "heist"}]
    assert czech["description_editorjs"] == "" and czech["meta_description"] == ""  # null becomes ""
    root = body(call(client, "GET", "/category/storefront/1"))
    assert [c["id"] for c in root["children"]] == [2]  # the unpublished Drama is left out


@pytest.mark.parametrize("path", ["/category/storefront/3/", "/category/storefront/5", "/category/storefront/6",
                                  "/category/storefront/99", "/category/storefront/abc"])
def test_C7_missing_unpublished_or_hidden_is_404_with_an_empty_body(client, shop_tree, path):
    response = call(client, "GET", path)
    assert response.status_code == 404 and response.body in (b"", "")


def test_C6_C7_cost_no_dynamodb_call_on_a_warm_container_and_one_when_the_catalog_changed(client, shop_tree):
    """Issue 14: the tree comes from the container's copy of the CATALOG partition; a version check
    (one GetItem) once the copy is older than CHECK_SECONDS, and a Query only when the version moved."""
    from chalicelib.core.store import versioned

    operations: list[str] = []
    clock = [1000.0]

    def count(event_name, **_kwargs):
        operations.append(event_name.rsplit(".", 1)[-1])

    def measured(path: str) -> list[str]:
        db.client().meta.events.register("before-call.dynamodb", count)
        try:
            operations.clear()
            assert call(client, "GET", path, headers={"Accept-Language": "cs"}).status_code == 200
        finally:
            db.client().meta.events.unregister("before-call.dynamodb", count)
        return list(operations)

    versioned.set_clock(lambda: clock[0])
    try:
        for path in ("/category/storefront/", "/category/storefront/4/"):
            assert call(client, "GET", path).status_code == 200  # warm-up (clients, caches)
            assert measured(path) == [], path
        clock[0] += versioned.CHECK_SECONDS + 0.1
        assert measured("/category/storefront/") == ["GetItem"]  # unchanged: the copy stays
        clock[0] += versioned.CHECK_SECONDS + 0.1
        db.update("main", {"PK": "CATALOG", "SK": "~VERSION"}, set_fields={"version": 999})  # another container
        assert measured("/category/storefront/") == ["GetItem", "Query"]
    finally:
        versioned.set_clock(None)


# --- functions for the storefront engineer -------------------------------------------------------------

def test_storefront_helpers_over_one_snapshot(client, editor):
    attribute_type(client, editor)                                             # 1 color
    post(client, "/product/dashboard/attribute/type/", {"type_name": "runtime", "unit": "min",
                                                         "value_type": "INTEGER",
                                                         "translations": {"en": {"name": "Runtime"},
                                                                          "cs": {"name": "Délka"}}}, editor)
    attribute_type(client, editor, type_name="weight", value_type="DECIMAL")  # 3
    value(client, editor, 1, "red", {"en": "Red", "cs": "Červená"})            # 1
    value(client, editor, 2, "120")                                           # 2
    value(client, editor, 2, "90")                                            # 3
    value(client, editor, 1, "blue", {"en": "Blue"})                           # 4
    value(client, editor, 3, "0.5")                                           # 5
    post(client, "/product/dashboard/type/", {"name": "Movie", "allowed_attribute_types_ids": [2, 1]}, editor)
    post(client, "/product/dashboard/type/", {"name": "Box", "allowed_attribute_types_ids": [3]}, editor)
    snapshot = catalog_snapshot()

    lookup = attributes.attribute_lookup(snapshot)
    assert set(lookup) == {1, 2, 3, 4, 5}
    assert lookup[1]["name"] == {"en": "Red", "cs": "Červená"} and lookup[1]["type"]["id"] == 1
    assert attributes.render_storefront_attribute(lookup[1], "cs") == {
        "id": 1, "order": None, "value": "red", "name": "Červená",
        "type": {"id": 1, "type_name": "color", "name": "Barva", "unit": "", "is_numeric": False}}
    assert attributes.render_storefront_attribute(lookup[2], "cs")["type"] == {
        "id": 2, "type_name": "runtime", "name": "Délka", "unit": "min", "is_numeric": True}
    assert attributes.render_storefront_attribute(lookup[4], "cs")["name"] == "Blue"  # no cs row: en

    filters = attributes.category_attribute_filters(snapshot, {1}, "cs")
    assert filters == {
        "textual": [{"id": 1, "name": "Barva", "unit": "", "possible_values": [{"id": 1, "value": "Červená"},
                                                                             {"id": 4, "value": "Blue"}]}],
        "numeric": [{"id": 2, "name": "Délka", "unit": "min", "possible_values": [{"id": 3, "value": 90.0},
                                                                                {"id": 2, "value": 120.0}]}]}
    both = attributes.category_attribute_filters(snapshot, [1, 2, 77], "en")
    assert [t["id"] for t in both["numeric"]] == [2, 3]
    assert both["numeric"][1]["possible_values"] == [{"id": 5, "value": 0.5}]
    assert attributes.category_attribute_filters(snapshot, [], "en") == {"textual": [], "numeric": []}

    category(client, editor, "Movies")
    category(client, editor, "Action", parent=1)
    category(client, editor, "Drama", parent=1, published=False)
    category(client, editor, "Noir", parent=3)
    cats = catalog_snapshot()["CATEGORY"]
    assert categories.descendant_ids(1, cats) == [1, 2]
    assert categories.descendant_ids(1, cats, published_only=False) == [1, 2, 3, 4]
    assert categories.descendant_ids(3, cats) == [3, 4]  # the caller checks is_visible(3)
    assert categories.descendant_ids(9, cats) == []
    assert categories.is_visible(2, cats) and not categories.is_visible(4, cats)
    assert categories.breadcrumbs(4, categories.build_tree(cats), "en") == [
        {"id": 1, "title": "Movies", "slug": "movies"}, {"id": 3, "title": "Drama", "slug": "drama"},
        {"id": 4, "title": "Noir", "slug": "noir"}]


# --- demo data -----------------------------------------------------------------------------------------

def test_demo_taxonomy_is_idempotent(client, staff):
    from chalicelib.localization import demo as localization_demo

    localization_demo.load_demo()
    first = taxonomy_demo.load_demo()
    assert first == {"attribute_types": 3, "base_attributes": 8, "product_types": 1, "categories": 4}
    outbox_size = len(table_items("outbox"))
    assert taxonomy_demo.load_demo() == {"attribute_types": 0, "base_attributes": 0, "product_types": 0,
                                         "categories": 0}
    assert len(table_items("outbox")) == outbox_size
    movie = body(call(client, "GET", "/product/dashboard/type/", headers=staff))[0]
    assert movie["name"] == "Movie" and len(movie["allowed_attribute_types"]) == 3
    assert len(movie["vat_groups"]) == 3  # each demo country's default VAT group
    tree = body(call(client, "GET", "/category/storefront/"))
    assert [(n["title"], [c["title"] for c in n["children"]]) for n in tree] == [("Movies", ["Action", "Comedy"])]
