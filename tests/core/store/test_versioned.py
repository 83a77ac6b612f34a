"""Reference partitions read once per container (issue 14, core/store/versioned.py): a dashboard change to
a category, a price list or a VAT group is on the storefront at the next read in the process that made it,
and in every other container within CHECK_SECONDS; a read that finds the version changed re-reads."""

from __future__ import annotations

from chalicelib.core.store import db, versioned
from chalicelib.core.store.write import Put
from tests.catalog_fixtures import build_catalog, product_payload
from tests.helpers import body, call
from tests.shop_fixtures import admin_headers, build_shop


def titles(client) -> list[str]:
    return [c["title"] for c in body(call(client, "GET", "/category/storefront/"))]


def other_container_writes(partition: str, key: dict, fields: dict) -> None:
    """What another container's dashboard write does: the item and the version, around this process."""
    names = {f"#f{i}": name for i, name in enumerate(fields)}
    values = {f":v{i}": value for i, value in enumerate(fields.values())}
    db.client().transact_write_items(TransactItems=[
        {"Update": {"TableName": db.table("main"), "Key": db.serialize(key),
                    "UpdateExpression": "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields))),
                    "ExpressionAttributeNames": names, "ExpressionAttributeValues": db.serialize(values)}},
        {"Update": {"TableName": db.table("main"), "Key": db.serialize({"PK": partition, "SK": "~VERSION"}),
                    "UpdateExpression": "ADD version :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}},
    ])


def test_a_dashboard_change_to_a_category_is_on_the_storefront_at_the_next_read(client, clock):
    ids = build_catalog()
    assert titles(client) == ["Movies"]
    response = call(client, "PUT", f"/category/dashboard/{ids['movies']}/",
                    {"translations": {"en": {"title": "Films", "slug": "films"}}, "published": True},
                    admin_headers())
    assert response.status_code == 200, response.body
    assert titles(client) == ["Films"]  # same container: no wait at all


def test_another_containers_change_is_seen_within_check_seconds(client, clock):
    ids = build_catalog()
    assert titles(client) == ["Movies"]
    from chalicelib.catalog.reference.store import CATEGORIES

    key = CATEGORIES.key(ids["movies"])
    assert db.get("main", key, consistent=True) is not None, "the category's key in the CATALOG partition"
    other_container_writes("CATALOG", key, {"translations": {"en": {"title": "Films", "slug": "films"}}})
    assert titles(client) == ["Movies"]  # this container's copy, checked less than CHECK_SECONDS ago
    clock[0] += versioned.CHECK_SECONDS
    assert titles(client) == ["Films"]  # the version moved: re-read


def test_price_list_and_vat_changes_reach_the_storefront_price(client, clock):
    ids = build_shop(client)
    path = f"/product/storefront/{ids['heat']}?country=CZ&pricelist=CZK_retail"

    def price() -> str:
        variants = body(call(client, "GET", path))["product_variants"]
        return next(v["price"] for v in variants if v["sku"] == "HEAT-EN")

    before = price()
    vat = call(client, "PUT", f"/country/vat-group/{ids['vat_cz']}/",
               {"name": "Standard", "rate": "10", "country": "CZ", "is_default": True}, admin_headers())
    assert vat.status_code == 200, vat.body
    after_vat = price()
    assert after_vat != before  # 21 % -> 10 % at the next read
    rounding = call(client, "PUT", "/product/dashboard/pricelist/CZK_retail/",
                    {"code": "CZK_retail", "currency": "CZK", "is_default": True, "rounding": True}, admin_headers())
    assert rounding.status_code == 200, rounding.body
    assert price() != after_vat  # now rounded to whole crowns


def test_a_warm_read_costs_no_call_and_a_check_one(client, clock):
    ids = build_catalog()
    created = call(client, "POST", "/product/dashboard/detail/", product_payload(ids), admin_headers())
    product = body(created)["id"]
    path = f"/product/storefront/{product}?country=CZ&pricelist=CZK_retail"
    assert call(client, "GET", path).status_code in (200, 404)
    operations: list[str] = []

    def count(event_name, **_kwargs):
        operations.append(event_name.rsplit(".", 1)[-1])

    db.client().meta.events.register("before-call.dynamodb", count)
    try:
        call(client, "GET", path)
        warm = list(operations)
        operations.clear()
        clock[0] += versioned.CHECK_SECONDS
        call(client, "GET", path)
        checked = list(operations)
    finally:
        db.client().meta.events.unregister("before-call.dynamodb", count)
    assert warm == ["GetItem"]  # the product alone
    assert sorted(checked) == ["GetItem", "GetItem", "GetItem"]  # the product and one check per partition


def test_a_full_transaction_still_moves_the_version(client, clock):
    """A transaction of 100 items has no room for the version: it moves right after, as for one write."""
    build_catalog()
    assert titles(client) == ["Movies"]
    version = db.get("main", {"PK": "CATALOG", "SK": "~VERSION"}, consistent=True)["version"]
    operations = [Put({"PK": "CATALOG", "SK": f"NOTE#{n:03d}"}) for n in range(100)]
    db.transact(operations)
    assert db.get("main", {"PK": "CATALOG", "SK": "~VERSION"}, consistent=True)["version"] == version + 1
    db.transact(operations[:3])
    assert db.get("main", {"PK": "CATALOG", "SK": "~VERSION"}, consistent=True)["version"] == version + 2
