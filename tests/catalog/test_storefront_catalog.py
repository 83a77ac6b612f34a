"""Storefront catalog (contract P1, C8-C10): prices, VAT, discounts, filters, sorting and call budgets."""

from __future__ import annotations

import pytest

from chalicelib.catalog.products import service as products
from chalicelib.core.settings import get_settings
from chalicelib.core.store import db
from tests.catalog_fixtures import PNG, build_catalog, create_cz_and_sk, product_payload
from tests.helpers import AwsCalls, body, call


@pytest.fixture
def shop(client, built_once):
    from chalicelib.localization import service as localization

    def build() -> dict:
        ids = build_catalog()
        create_cz_and_sk()
        localization.create_country({"code": "AT", "name": "Austria", "locale": "en",
                                     "default_price_list": "EUR_retail"})
        localization.create_vat_group({"name": "Standard", "rate": "21", "country": "CZ", "is_default": True})
        localization.create_vat_group({"name": "Reduced", "rate": "12", "country": "CZ", "is_default": False})
        localization.create_vat_group({"name": "SK", "rate": "20", "country": "SK", "is_default": False})
        db.aws_client("s3").create_bucket(Bucket=get_settings().media_bucket,
                                          CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        first = products.create_product(_validated(product_payload(ids)))
        ids["heat"] = int(first["id"])
        return ids

    return built_once("storefront catalog shop", build)  # written once per worker, then restored


def _validated(payload: dict) -> dict:
    from chalicelib.catalog.products.schemas import PRODUCT

    return PRODUCT.validate(payload)


def test_p1_detail_prices_vat_discount_and_attributes(client, shop):
    response = call(client, "GET", f"/product/storefront/{shop['heat']}?country=CZ&pricelist=CZK_retail",
                    headers={"Accept-Language": "cs"})
    assert response.status_code == 200
    detail = body(response)
    assert detail["title"] == "Heat CZ" and detail["slug"] == "heat-cz"
    assert detail["meta_description"] == ""  # the cs row exists, so no per-field fallback
    assert detail["breadcrumbs"] == [{"id": shop["movies"], "title": "Filmy", "slug": "filmy"},
                                     {"id": shop["action"], "title": "Action", "slug": "action"}]
    english, czech = detail["product_variants"]
    assert english["price"] == {"without_vat": "150 Kč", "incl_vat": "181.50 Kč", "vat": 21.0,
                                "discount": {"percentage": 25.0, "without_vat": "112.50 Kč",
                                             "incl_vat": "136.13 Kč"}}
    assert czech["price"] == {"without_vat": "100 Kč", "incl_vat": "121 Kč", "vat": 21.0, "discount": None}
    assert english["attributes"] == [{"id": shop["english"], "order": None, "value": "en", "name": "Angličtina",
                                      "type": {"id": shop["language"], "type_name": "language", "name": "Jazyk",
                                               "unit": "", "is_numeric": False}}]
    assert english["stock_quantity"] == 10 and czech["stock_quantity"] == 0


def test_p1_rounding_price_list_and_fallbacks(client, shop):
    detail = body(call(client, "GET", f"/product/storefront/{shop['heat']}?country=SK&pricelist=EUR_retail"))
    english, czech = detail["product_variants"]
    assert english["price"] == {"without_vat": "€ 5", "incl_vat": "€ 6", "vat": 20.0, "discount": None}
    assert czech["price"] is None  # no price in this list: null, not a 500
    # A country without VAT groups: prices are null rather than a 500.
    assert body(call(client, "GET", f"/product/storefront/{shop['heat']}?country=AT"))["product_variants"][0][
        "price"] is None
    # Unknown price list -> the default; unknown country -> the first country by code (AT: no VAT).
    fallback = body(call(client, "GET", f"/product/storefront/{shop['heat']}/?pricelist=NOPE&country=CZ"))
    assert fallback["product_variants"][1]["price"]["without_vat"] == "100 Kč"


def test_p1_missing_unpublished_and_deleted_are_404(client, shop):
    assert body(call(client, "GET", "/product/storefront/999")) == {"error": "Product does not exist"}
    hidden = products.create_product(_validated(product_payload(shop, sku_prefix="HID", published=False)))
    assert call(client, "GET", f"/product/storefront/{hidden['id']}").status_code == 404
    products.delete_product(shop["heat"])
    assert call(client, "GET", f"/product/storefront/{shop['heat']}").status_code == 404
    assert call(client, "GET", "/product/storefront/abc").status_code == 404


def _page(client, category, query="", body_json=None, language="en"):
    path = f"/category/storefront/{category}/products/?country=CZ&pricelist=CZK_retail{query}"
    if body_json is None:
        return call(client, "GET", path, headers={"Accept-Language": language})
    return call(client, "POST", path, body_json, headers={"Accept-Language": language})


def test_c8_category_page_includes_descendants_with_list_prices(client, shop):
    products.create_product(_validated({**product_payload(shop, sku_prefix="TOP", title="Alien"),
                                        "category": shop["movies"]}))
    response = _page(client, shop["movies"])
    assert response.status_code == 200
    data = body(response)
    assert data["count"] == 2 and data["total_pages"] == 1 and data["links"] == {"next": None, "previous": None}
    heat = next(item for item in data["results"] if item["id"] == shop["heat"])
    assert set(heat) == {"id", "title", "meta_title", "meta_description", "slug", "primary_image", "variant_prices"}
    # Numbers unrounded as the original gives them (150 - 25 % + 21 % VAT); the strings round half up.
    assert heat["variant_prices"][0] == {"without_vat": 112.5, "incl_vat": 136.125,
                                         "without_vat_formatted": "112.50 Kč", "incl_vat_formatted": "136.13 Kč",
                                         "discount": 25.0, "sku": "MOV-EN"}
    # The action subcategory alone holds Heat only.
    assert [r["id"] for r in body(_page(client, shop["action"]))["results"]] == [shop["heat"]]
    missing = _page(client, 999)
    assert missing.status_code == 404 and missing.body in (b"", "")


def test_c8_paging_and_variant_without_price_is_200(client, shop):
    for index in range(5):
        payload = product_payload(shop, sku_prefix=f"P{index}", title=f"Film {index}")
        payload["product_variants"][0]["price"] = [{"price_list": "EUR_retail", "price": "3"}]
        products.create_product(_validated(payload))
    data = body(_page(client, shop["action"], "&limit=2&page=3"))
    assert data["count"] == 6 and data["total_pages"] == 3 and len(data["results"]) == 2
    assert data["links"]["next"] is None and "page=2" in data["links"]["previous"]
    assert all(len(item["variant_prices"]) == 1 for item in data["results"])  # the unpriced variant is left out


def test_c9_filters_or_within_and_across_types(client, shop):
    only_czech = product_payload(shop, sku_prefix="CZO", title="Pelisky")
    only_czech["product_variants"] = [only_czech["product_variants"][1]]
    products.create_product(_validated(only_czech))
    def ids_for(values):
        filters = {"textual": [{"id": shop["language"], "selected_values_ids": values}], "numeric": []}
        return sorted(r["id"] for r in body(_page(client, shop["movies"], body_json={"filters": filters}))["results"])
    assert ids_for([shop["english"]]) == [shop["heat"]]
    assert ids_for([shop["czech"]]) == [shop["heat"], shop["heat"] + 1]
    assert ids_for([shop["english"], shop["czech"]]) == [shop["heat"], shop["heat"] + 1]
    assert ids_for([]) == [shop["heat"], shop["heat"] + 1]


def test_c9_every_value_of_a_type_selected_is_no_constraint(client, shop):
    """The storefront sends each numeric filter left at "from -"/"to -" as all of its type's values:
    a product without a value of that type stays listed then; one value selected filters it out."""
    bare = product_payload(shop, sku_prefix="BAR", title="Bare")
    for variant in bare["product_variants"]:
        variant["attributes"] = []
    bare_id = products.create_product(_validated(bare))["id"]

    def ids_for(values):
        filters = {"textual": [], "numeric": [{"id": shop["language"], "selected_values_ids": values}]}
        return sorted(r["id"] for r in body(_page(client, shop["movies"], body_json={"filters": filters}))["results"])

    assert ids_for([shop["english"], shop["czech"]]) == [shop["heat"], bare_id]
    assert ids_for([shop["czech"]]) == [shop["heat"]]


def test_list_prices_round_half_up_in_the_strings_only(client, shop):
    """An exact half: 3.75 EUR + 20 % VAT = 4.50, shown "€ 5" by a rounding price list (half up, what a
    merchant expects; the original's round() gave "€ 4"), and 4.5 as the number."""
    half = product_payload(shop, sku_prefix="HLF", title="Half")
    half["product_variants"] = [{**half["product_variants"][0],
                                 "price": [{"price_list": "EUR_retail", "price": "3.75"}]}]
    half_id = products.create_product(_validated(half))["id"]
    listed = body(call(client, "GET", f"/category/storefront/{shop['action']}/products/?country=SK"
                                      "&pricelist=EUR_retail"))["results"]
    price = next(item for item in listed if item["id"] == half_id)["variant_prices"][0]
    assert price["incl_vat"] == 4.5 and price["incl_vat_formatted"] == "€ 5"
    assert price["without_vat"] == 3.75 and price["without_vat_formatted"] == "€ 4"


def test_c9_sorting_and_bad_body(client, shop):
    cheap = product_payload(shop, sku_prefix="CHP", title="Aardvark")
    cheap["product_variants"][0]["price"][0] = {"price_list": "CZK_retail", "price": "10"}
    products.create_product(_validated(cheap))
    by_price = body(_page(client, shop["movies"], body_json={"sort_by": "price", "order": "asc"}))["results"]
    assert [r["title"] for r in by_price] == ["Aardvark", "Heat"]
    by_title_desc = body(_page(client, shop["movies"], body_json={"sort_by": "title", "order": "desc"}))["results"]
    assert [r["title"] for r in by_title_desc] == ["Heat", "Aardvark"]
    recommended = _page(client, shop["movies"], body_json={"sort_by": "recommended"})
    assert recommended.status_code == 200  # no recommender answering: the default order
    bad = _page(client, shop["movies"], body_json={"sort_by": "popularity"})
    assert bad.status_code == 400 and "sort_by" in body(bad)


def test_c10_category_attributes(client, shop):
    data = body(call(client, "GET", f"/category/storefront/{shop['movies']}/attributes/",
                     headers={"Accept-Language": "cs"}))
    assert data == {"textual": [{"id": shop["language"], "name": "Jazyk", "unit": "", "possible_values": [
        {"id": shop["english"], "value": "Angličtina"}, {"id": shop["czech"], "value": "Čeština"}]}], "numeric": []}


def test_primary_image_in_lists(client, shop):
    from chalicelib.catalog.products import views as product_views

    product_views.add_media({"media": PNG, "product_id": shop["heat"], "type": "IMAGE", "alt": "poster"},
                            "http://localhost")
    item = body(_page(client, shop["action"]))["results"][0]
    assert item["primary_image"]["alt"] == "poster" and item["primary_image"]["media"].startswith("http")


@pytest.fixture
def count_calls():
    """The DynamoDB calls (`.operations`), the most in flight at once and the serial round trips
    (tests.helpers.AwsCalls); `.reset()` between requests."""
    with AwsCalls() as calls:
        yield calls


def test_storefront_reads_stay_within_call_budgets(client, shop, count_calls, warm_container):
    """Issue 14, on a warm container (reference data is the container's copy, core/store/versioned.py):
    a category page 2 calls, a product detail 1, the category tree 1 at most (0 while unchanged)."""
    for index in range(30):
        products.create_product(_validated(product_payload(shop, sku_prefix=f"B{index}", title=f"B {index}")))
    _page(client, shop["movies"])  # warm-up
    count_calls.reset()
    assert _page(client, shop["movies"], "&page=1").status_code == 200
    assert len(count_calls) <= 2, count_calls.operations
    count_calls.reset()
    assert call(client, "GET", f"/product/storefront/{shop['heat']}?country=CZ").status_code == 200
    assert len(count_calls) <= 1, count_calls.operations
    count_calls.reset()
    call(client, "GET", "/category/storefront/")
    assert len(count_calls) <= 1, count_calls.operations
    assert "Scan" not in count_calls.operations


def test_an_attribute_type_without_a_unit_answers_null_as_the_original(client, shop):
    """Issue 17: `attributes[].type.unit` (P1) and the filters' `unit` (C10) are null for a type created
    with no unit (the original's nullable CharField), and keep the unit a type has."""
    from chalicelib.catalog.reference.store import ATTRIBUTE_TYPES, BASE_ATTRIBUTES, PRODUCT_TYPES

    year = ATTRIBUTE_TYPES.create({"type_name": "YEAR", "unit": None, "value_type": "INTEGER",
                                   "translations": {"en": {"name": "Year"}}})
    runtime = ATTRIBUTE_TYPES.create({"type_name": "LENGTH", "unit": "min", "value_type": "INTEGER",
                                      "translations": {"en": {"name": "Length"}}})
    values = [BASE_ATTRIBUTES.create({"type": t["id"], "value": v, "order": None, "translations": {}})
              for t, v in ((year, "1995"), (runtime, "170"))]
    PRODUCT_TYPES.update(shop["movie_type"], {"allowed_attribute_types_ids": [shop["language"], year["id"],
                                                                              runtime["id"]]})
    payload = product_payload(shop, "YEAR", "Casino")
    payload["product_variants"][0]["attributes"] = [shop["english"], *(v["id"] for v in values)]
    product = products.create_product(_validated(payload))
    detail = body(call(client, "GET", f"/product/storefront/{product['id']}?country=CZ&pricelist=CZK_retail"))
    units = {a["type"]["type_name"]: a["type"]["unit"] for a in detail["product_variants"][0]["attributes"]}
    assert units == {"language": "", "YEAR": None, "LENGTH": "min"}
    filters = body(call(client, "GET", f"/category/storefront/{shop['movies']}/attributes/"))
    assert {f["name"]: f["unit"] for f in filters["numeric"]} == {"Year": None, "Length": "min"}
