"""`importer.run` on a small hand-written dump (tests/importer/minidump.py): what lands where, through
the storefront and dashboard endpoints; idempotency; conflicts; the item shapes the services write."""

from __future__ import annotations

import pytest

from chalicelib.catalog.categories import service as categories
from chalicelib.catalog.listing import service as listing
from chalicelib.catalog.listing import store as listing_store
from chalicelib.catalog.products import service as products
from chalicelib.catalog.products.schemas import PRODUCT
from chalicelib.catalog.reference.store import ATTRIBUTE_TYPES, BASE_ATTRIBUTES, CATEGORIES, PRODUCT_TYPES
from chalicelib.catalog.taxonomy import service as attributes
from chalicelib.cms import service as cms
from chalicelib.core.store import db, keys
from chalicelib.core.store.write import Put
from chalicelib.importer import ImportConflict, run
from chalicelib.importer import products as importer_products
from chalicelib.importer.source import Dump, Report
from chalicelib.users import store as users
from tests.helpers import auth, body, call, make_user
from tests.importer import minidump


@pytest.fixture
def dump_path(tmp_path):
    path = tmp_path / "mini.sql"
    path.write_text(minidump.sql(), encoding="utf-8")
    return path


def quiet(_line: str) -> None:
    pass


def test_counts_per_entity_and_what_is_skipped(aws, dump_path):
    lines: list[str] = []
    counts = run(dump_path, log=lines.append)
    expected = {
        "currencies.created": 2, "currencies.skipped_deleted": 1,
        "price_lists.created": 2, "price_lists.skipped_deleted": 1,
        "countries.created": 3, "vat_groups.created": 3,
        "categories.created": 4, "categories.skipped_deleted": 1,
        "category_category_translation.dropped_language": 1,
        "attribute_types.created": 2, "attribute_types.skipped_deleted": 1,
        "base_attributes.created": 3, "base_attributes.skipped_deleted": 1,
        "base_attributes.skipped_type_deleted": 1,
        "product_types.created": 1,
        "products.created": 3, "products.skipped_deleted": 1, "products.category_deleted": 1,
        "variants.created": 3, "variants.skipped_linked_twice": 1, "variants.skipped_no_live_product": 2,
        "variant_attributes.skipped_attribute_deleted": 1,
        "prices.created": 4, "prices.skipped_price_list_missing": 1, "prices.skipped_variant_not_imported": 1,
        "media.created": 2, "media.skipped_deleted": 1,
        "listings.written": 3,
        "users.created": 2, "user_groups.mapped": 1, "user_groups.skipped_unknown_group": 1,
        "cms_types.created": 1, "cms_categories.created": 1, "cms_pages.created": 2,
        "shipping_methods.created": 2, "payment_methods.created": 2, "payment_methods.skipped_deleted": 1,
        "cart_paymentmethod_translation.dropped_language": 1,
        "shipping_rows.created": 4, "shipping_rows.skipped_deleted": 1,
        "shipping_rows.payment_links_of_another_country": 1, "shipping_rows.vat_group_of_another_country": 1,
        "payment_rows.created": 5, "payment_rows.skipped_deleted": 1, "payment_rows.skipped_reference_missing": 2,
        "payment_rows.api_request_unknown": 1, "payment_rows.vat_group_of_another_country": 1,
        "orders.created": 2, "orders.skipped_no_cart": 1, "order_lines.created": 3, "complaints.created": 1,
        "carts.skipped_not_ordered": 1,
        "reviews.created": 2, "reviews.skipped_deleted": 1, "reviews.skipped_no_order_or_variant": 1,
        "reviews.skipped_product_not_imported": 1, "reviews.skipped_rating_out_of_range": 1,
        "reviews.skipped_second_review_of_order_and_variant": 1,
    }
    assert {k: v for k, v in counts.items() if k in expected} == expected
    assert not [k for k in counts if k.endswith((".failed", ".conflict_kept"))], counts
    assert not [k for k in counts if k.startswith("not_imported.") and k.split(".")[1].startswith(
        ("cart_", "order_", "review_", "country_"))], counts
    text = "\n".join(lines)
    assert "api_request 'BANKTRANSFER_PLN' is not a key of the payment configuration" in text
    assert "payment row 3 (DE): VAT group 1 is for CZ" in text
    assert "VAT group ids differ from the dump's (dump -> here): 5 -> 3" in text
    assert "group 'Ghost' does not exist here" in text


def test_storefront_serves_the_imported_catalog(client, dump_path):
    run(dump_path, log=quiet)
    tree = body(call(client, "GET", "/category/storefront/", headers={"Accept-Language": "cs"}))
    assert [(node["id"], node["title"]) for node in tree] == [(2, "Zábava"), (4, "Books")]  # 7 unpublished
    assert [child["id"] for child in tree[0]["children"]] == [3]  # 4's parent was deleted: it is a root

    page = body(call(client, "GET", "/category/storefront/2/products?country=CZ&pricelist=CZK_retail"))
    assert page["count"] == 1  # 13 is unpublished, 11 has no category (its category was deleted)
    (item,) = page["results"]
    assert item["id"] == 10 and item["title"] == "Toy Story"
    assert [p["sku"] for p in item["variant_prices"]] == ["10-cs-720p", "10-en-1080p"]
    assert item["variant_prices"][0]["incl_vat_formatted"] == "121 Kč"
    assert item["primary_image"]["media"].endswith("/media/product_media/10/image/10_EMCG3g4.jpg")
    euro = body(call(client, "GET", "/category/storefront/3/products?country=SK&pricelist=EUR_retail"))
    assert euro["results"][0]["variant_prices"] == [
        {"without_vat": 3.6, "incl_vat": 4.32, "without_vat_formatted": "€ 3.60", "incl_vat_formatted": "€ 4.32",
         "discount": 10.0, "sku": "10-cs-720p"}]

    detail = body(call(client, "GET", "/product/storefront/10?country=CZ", headers={"Accept-Language": "en"}))
    assert detail["breadcrumbs"] == [{"id": 2, "title": "Entertainment", "slug": "entertainment"},
                                     {"id": 3, "title": "Movies", "slug": "movies"}]
    assert detail["description_editorjs"]["blocks"][0]["data"]["text"] == "A cowboy"
    cs_variant, en_variant = detail["product_variants"]
    assert cs_variant["price"]["incl_vat"] == "121 Kč" and cs_variant["stock_quantity"] == 23
    assert [a["value"] for a in cs_variant["attributes"]] == ["Adventure", "720"]
    assert [a["value"] for a in en_variant["attributes"]] == ["Adventure", "1080"]  # 60's type was deleted
    assert en_variant["ean"] == "8590000000001" and en_variant["weight"] == "237.00"
    assert [m["alt"] for m in detail["media"]] == ["Toy Story", "Back"]
    assert body(call(client, "GET", "/product/storefront/10?country=SK"))["product_variants"][0]["price"]["vat"] == 20.0
    assert body(call(client, "GET", "/product/storefront/11?country=CZ"))["breadcrumbs"] == []
    assert call(client, "GET", "/product/storefront/12?country=CZ").status_code == 404  # deleted in the dump

    attributes_page = body(call(client, "GET", "/category/storefront/3/attributes"))
    assert [t["id"] for t in attributes_page["textual"]] == [1]
    assert [v["value"] for v in attributes_page["numeric"][0]["possible_values"]] == [720.0, 1080.0]


def test_dashboard_localization_users_and_cms(client, dump_path):
    run(dump_path, log=quiet)
    make_user("staff@example.com", staff=True)
    listed = body(call(client, "GET", "/product/dashboard", headers=auth("staff@example.com")))
    assert listed["count"] == 3 and [p["id"] for p in listed["results"]] == [10, 11, 13]
    assert attributes.get_product_type(3)["vat_groups"] == [1, 3]  # the dump's 5 is this shop's 3
    assert attributes.get_product_type(3)["allowed_attribute_types_ids"] == [1, 3]
    assert categories.get_category(3)["translations"]["en"]["description"] is None
    assert categories.get_category(2)["translations"]["en"]["description_editorjs"]["blocks"][0]["data"] == {
        "text": "It's fun"}

    countries = {c["code"]: c for c in body(call(client, "GET", "/country/storefront"))}
    assert countries["CZ"]["default_price_list"] == "CZK_retail"
    assert countries["DE"]["locale"] == "en" and countries["DE"]["default_price_list"] is None
    price_lists = {p["code"]: p for p in body(call(client, "GET", "/product/dashboard/pricelist",
                                                   headers=auth("staff@example.com")))}
    assert price_lists["CZK_retail"]["is_default"] and not price_lists["EUR_retail"]["is_default"]

    login = call(client, "POST", "/user/login", {"email": "admin@example.com", "password": minidump.ADMIN_PASSWORD,
                                                 "dashboard_login": True})
    assert login.status_code == 200, login.body
    assert call(client, "POST", "/user/login", {"email": "shop@example.com", "password": "wrong"}).status_code == 400
    staff = users.get_user("shop@example.com")
    assert staff["groups"] == ["Editor"] and staff["is_staff"] and not staff["is_admin"]
    assert staff["birth_date"] == "1990-01-02" and staff["password"] == minidump.hashes()[1]

    assert cms.storefront_page("en", "contact", "en")["title"] == "Contact"
    footer = cms.storefront_type_pages("FOOTER", "en", "")
    assert [c["code"] for c in footer] == ["ABOUTUS"]
    assert [(p["resourcetype"], p.get("frontend_path")) for p in footer[0]["page"]] == [
        ("PageCMS", None), ("PageFrontend", "/")]


def test_ids_are_kept_and_counters_move_past_them(aws, dump_path):
    run(dump_path, log=quiet)
    new_category = categories.create_category({"published": True, "parent": None,
                                               "translations": {"en": {"title": "New", "slug": "new"}}})
    assert new_category["id"] == 10  # past the dump's 9, which was deleted there
    new_value = attributes.create_base_attribute({"type": 1, "value": "Drama", "translations": {}})
    assert new_value["id"] == 62
    product = products.create_product(PRODUCT.validate({"category": 3, "product_variants": [
        {"sku": "NEW-1", "price": [{"price_list": "CZK_retail", "price": "5"}]}]}))
    assert product["id"] == 14 and product["variants"][0]["price"][0]["id"] == 7


def test_a_second_run_writes_nothing(aws, dump_path, calls):
    first = run(dump_path, log=quiet)
    calls.names.clear()
    second = run(dump_path, log=quiet)
    assert calls.writes == []
    assert "Scan" not in calls.names
    assert second["products.existing"] == first["products.created"] == 3
    assert second["variants.existing"] == 3 and second["categories.existing"] == 4
    assert second["users.existing"] == 2 and second["cms_pages.existing"] == 2
    assert second["shipping_methods.existing"] == 2 and second["payment_rows.existing"] == 5
    assert second["shipping_rows.existing"] == 4 and second["orders.existing"] == 2
    assert second["reviews.existing"] == 2
    assert not [k for k in second if k.endswith(".created")], second


def test_an_interrupted_run_is_completed_but_merchant_changes_stay(client, dump_path):
    run(dump_path, log=quiet)
    db.delete("main", keys.unique("SKU", "10-cs-720p"))  # as if the run had stopped half-way
    db.delete("main", keys.category_listing(3))
    products.delete_product(11)  # the merchant deleted one: its SKU is free again
    counts = run(dump_path, log=quiet)
    assert counts["claims.repaired"] == 1 and counts["listings.written"] == 1
    assert db.get("main", keys.unique("SKU", "10-cs-720p"))["owner"] == 10
    assert set(listing_store.read(3)[0]) == {10}
    assert products.get_product(11) is None and db.get("main", keys.unique("SKU", "11-en-720p")) is None
    assert run(dump_path, log=quiet).get("claims.repaired", 0) == 0


def test_conflicting_ids_stop_the_import_before_anything_is_written(aws, dump_path, calls):
    for title in ("One", "Two", "Three"):  # ids 1, 2, 3: the dump's 2 and 3 are taken
        categories.create_category({"published": True, "parent": None,
                                    "translations": {"en": {"title": title, "slug": title.lower()}}})
    calls.names.clear()
    with pytest.raises(ImportConflict) as raised:
        run(dump_path, log=quiet)
    assert raised.value.found == {"categories": [2, 3]}
    assert "categories: 2 (2, 3)" in str(raised.value) and "--no-demo" in str(raised.value)
    assert calls.writes == []

    counts = run(dump_path, log=quiet, skip_conflicts=True)
    assert counts["categories.conflict_kept"] == 2 and counts["categories.created"] == 2
    assert categories.get_category(2)["translations"]["en"]["title"] == "Two"  # left as it was
    assert products.get_product(10)["category"] == 3


def test_emit_events_records_the_usual_events(aws, dump_path):
    run(dump_path, log=quiet, emit_events=True)
    items = list(db.client().get_paginator("scan").paginate(TableName=db.table("outbox")).search("Items"))
    types = sorted(db.deserialize(i)["type"] for i in items)
    assert types.count("CATEGORY_SAVE") == 4 and types.count("ATTRIBUTETYPE_SAVE") == 2
    assert types.count("ATTRIBUTE_SAVE") == 3 and types.count("PRODUCTTYPE_SAVE") == 1
    assert types.count("BATCH") == 2 and types.count("PRODUCT_SAVE") == 1  # product 13 has no variants


def test_by_default_no_events(aws, dump_path):
    run(dump_path, log=quiet)
    assert db.client().scan(TableName=db.table("outbox"))["Count"] == 0


def test_reference_items_have_the_shape_the_services_write(aws, dump_path):
    run(dump_path, log=quiet)
    made = {
        CATEGORIES: categories.create_category({"published": True, "parent": 2,
                                                "translations": {"en": {"title": "S", "slug": "s"}}})["id"],
        ATTRIBUTE_TYPES: attributes.create_attribute_type({"type_name": "T", "unit": None, "value_type": "TEXT",
                                                           "translations": {"en": {"name": "T"}}})["id"],
        BASE_ATTRIBUTES: attributes.create_base_attribute({"type": 1, "value": "V", "translations": {}})["id"],
        PRODUCT_TYPES: attributes.create_product_type({"name": "P", "allowed_attribute_types_ids": [1],
                                                       "vat_groups": [1]})["id"],
    }
    imported = {CATEGORIES: 3, ATTRIBUTE_TYPES: 1, BASE_ATTRIBUTES: 9, PRODUCT_TYPES: 3}
    for collection, made_id in made.items():
        service_item = db.get("main", collection.key(made_id))
        imported_item = db.get("main", collection.key(imported[collection]))
        assert set(imported_item) == set(service_item), collection.kind
    service_row = db.get("main", CATEGORIES.key(made[CATEGORIES]))["translations"]["en"]
    assert set(db.get("main", CATEGORIES.key(3))["translations"]["en"]) == set(service_row)


def test_product_writes_are_what_save_writes(aws, dump_path, monkeypatch):
    """The importer writes a product's item, claims and listing entry itself (products.py explains why):
    they must stay what `products._save(None, item)` writes (plus add_media's media claims)."""
    report = Report(quiet)
    plan = importer_products.plan_products(Dump.load(dump_path), report, category_ids={2, 3, 4, 7},
                                           product_type_ids={3}, attribute_ids={5, 6, 9},
                                           price_lists={"CZK_retail", "EUR_retail"})
    item = next(p for p in plan.items if p["id"] == 10)
    captured: list[dict] = []
    monkeypatch.setattr(db, "transact", lambda operations: captured.extend(operations))
    products._save(None, item)
    monkeypatch.undo()

    puts = [write for write in captured if isinstance(write, Put)]
    assert len(puts) == len(captured), "_save now writes more than Puts: update importer/products.py"
    outbox = [p for p in puts if p.table == "outbox"]
    listings = [p.item for p in puts if p.table == "main" and p.item["PK"].startswith("LISTING#")]
    others = [p.item for p in puts if p.table == "main" and not p.item["PK"].startswith("LISTING#")]
    assert len(outbox) == 1 and len(listings) == 1
    assert listing_store.decode(listings[0]) == {10: listing.entry_for(item)}
    media_claims = [c for c in importer_products.claim_items(item) if c["PK"].startswith("UNIQUE#PRODUCTMEDIA#")]
    assert sorted(others + media_claims, key=lambda i: i["PK"]) == sorted(
        [item, *importer_products.claim_items(item)], key=lambda i: i["PK"])
    assert {p.table for p in puts} == {"main", "outbox"}


def test_merchant_edits_are_kept_by_a_re_run(aws, dump_path, calls):
    run(dump_path, log=quiet)
    edited = products.replace_product(10, PRODUCT.validate({
        "type_id": 3, "translations": {"en": {"title": "Toy Story (edited)"}},
        "product_variants": [{"sku": "10-cs-720p", "price": [{"price_list": "CZK_retail", "price": "80"}]}]}))
    assert [v["sku"] for v in edited["variants"]] == ["10-cs-720p"]
    calls.names.clear()
    counts = run(dump_path, log=quiet)
    assert calls.writes == [] and counts["products.existing"] == 3
    product = products.get_product(10)
    assert product["translations"]["en"]["title"] == "Toy Story (edited)" and len(product["variants"]) == 1
    assert db.get("main", keys.unique("SKU", "10-en-1080p")) is None  # the variant the merchant removed
