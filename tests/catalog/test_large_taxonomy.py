"""A taxonomy past one Query page (issue 14): 2,000 attribute values and 500 nested categories, translated
into the shop's four languages at realistic length, make the CATALOG partition ~3.3 MB (2,522 items by
DynamoDB's size rules), so DynamoDB answers its Query in 4 pages of 1 MB (moto pages at the same limit).
Every reader of the partition must follow them: the storefront tree, a category's attribute filters, a
product's attributes, the dashboard lists, and the versioned copy each container keeps
(core/store/versioned.py), which must also not hide a write that commits between two of its pages.

The 1,999 first values and the 500 categories are written in bulk (BatchWriteItem, 25 a call) in exactly
the shape the services write (importer.taxonomy.reference_item, which tests/importer compares with
service-made items), then the partition's version is bumped as the service path would; the attribute
types, the 2,000th value, the product type and the product go through the services and the dashboard API.
The storefront and dashboard reads are checked over HTTP, and the pages of each Query are observed with
botocore hooks (a page that came back with LastEvaluatedKey, then the next one).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pytest

from chalicelib.catalog.pricelists import service as pricelists
from chalicelib.catalog.reference.store import BASE_ATTRIBUTES, CATALOG, CATEGORIES
from chalicelib.catalog.taxonomy import service as attributes
from chalicelib.core.store import db, keys, versioned
from chalicelib.importer.taxonomy import reference_item
from chalicelib.localization import service as localization
from tests.helpers import body, call
from tests.shop_fixtures import admin_headers

# Both tests on one worker, so the 3 MB shop is written once (built_once), not once on each worker.
pytestmark = pytest.mark.xdist_group("large_taxonomy")

TYPES = 20
VALUES = 2000
ROOTS, CHILDREN, GRANDCHILDREN = 10, 7, 6  # 10 + 70 + 420 = 500 categories, three levels
CATEGORY_COUNT = ROOTS * (1 + CHILDREN * (1 + GRANDCHILDREN))
STAMP = "2024-03-01T08:00:00+00:00"

LANGUAGES = ("en", "cs", "de", "sk")  # a shop selling in four languages
MATERIALS = [("Organic cotton jersey", "Organická bavlněná teplákovina", "Bio-Baumwolljersey",
              "Organický bavlnený úplet"),
             ("Merino wool blend", "Směs merino vlny", "Merinowollmischung", "Zmes merino vlny"),
             ("Recycled polyester fleece", "Recyklovaný polyesterový fleece", "Recycelter Polyester-Fleece",
              "Recyklovaný polyesterový flís"),
             ("Linen canvas", "Lněné plátno", "Leinen-Canvas", "Ľanové plátno"),
             ("Bamboo viscose rib", "Bambusová viskóza, žebrování", "Bambusviskose, gerippt",
              "Bambusová viskóza, rebrovanie"),
             ("Brushed twill", "Kartáčovaný kepr", "Gebürsteter Köper", "Kefovaný keper")]
FINISHES = [("brushed inside, pre-shrunk", "počesaná rubová strana, předsrážená", "innen angeraut, vorgewaschen",
             "počesaná rubová strana, predzrazená"),
            ("garment-dyed, enzyme washed", "barveno v kusu, enzymaticky práno", "stückgefärbt, enzymgewaschen",
             "farbené v kuse, enzymaticky prané"),
            ("water-repellent finish (PFC-free)", "vodoodpudivá úprava (bez PFC)",
             "wasserabweisend ausgerüstet (PFC-frei)", "vodoodpudivá úprava (bez PFC)"),
            ("anti-pilling treatment", "úprava proti žmolkování", "Anti-Pilling-Ausrüstung",
             "úprava proti žmolkovaniu")]
COLOURS = [("Midnight blue", "Půlnoční modrá", "Mitternachtsblau", "Polnočná modrá"),
           ("Forest green", "Lesní zelená", "Waldgrün", "Lesná zelená"),
           ("Sand beige", "Písková béžová", "Sandbeige", "Piesková béžová"),
           ("Charcoal grey", "Antracitová šedá", "Anthrazitgrau", "Antracitová sivá"),
           ("Burnt orange", "Pálená oranžová", "Gebranntes Orange", "Pálená oranžová"),
           ("Oat white", "Ovesná bílá", "Haferweiß", "Ovsená biela")]
SHADE = ("shade", "odstín", "Farbton", "odtieň")
DEPARTMENTS = [("Outdoor clothing", "Outdoorové oblečení", "Outdoor-Bekleidung", "Outdoorové oblečenie"),
               ("Home textiles", "Bytový textil", "Heimtextilien", "Bytový textil"),
               ("Kitchen & dining", "Kuchyně a stolování", "Küche & Esszimmer", "Kuchyňa a stolovanie"),
               ("Garden tools", "Zahradní nářadí", "Gartengeräte", "Záhradné náradie"),
               ("Children's books", "Dětské knihy", "Kinderbücher", "Detské knihy"),
               ("Camping gear", "Kempinkové vybavení", "Campingausrüstung", "Kempingové vybavenie"),
               ("Bicycle parts", "Cyklodíly", "Fahrradteile", "Cyklodiely"),
               ("Office supplies", "Kancelářské potřeby", "Bürobedarf", "Kancelárske potreby"),
               ("Pet care", "Péče o zvířata", "Tierpflege", "Starostlivosť o zvieratá"),
               ("Board games", "Deskové hry", "Brettspiele", "Spoločenské hry")]
INTRO = ("Everything for", "Vše pro", "Alles für", "Všetko pre")


def value_names(n: int) -> dict:
    """A realistic attribute value name in every shop language (80-110 characters)."""
    material, finish, colour = (MATERIALS[n % len(MATERIALS)], FINISHES[n % len(FINISHES)],
                                COLOURS[n % len(COLOURS)])
    weight = 140 + (n * 7) % 260
    return {lang: {"name": f"{material[i]} {weight} g/m², {finish[i]} – {colour[i]} ({SHADE[i]} {n:04d})"}
            for i, lang in enumerate(LANGUAGES)}


def category_rows(n: int, depth: int) -> dict:
    """Every translated field of a category, in every shop language, of a length a real shop writes."""
    department = DEPARTMENTS[n % len(DEPARTMENTS)]
    rows = {}
    for i, lang in enumerate(LANGUAGES):
        title = f"{department[i]} {n:03d}"
        paragraph = (f"{INTRO[i]} {title.lower()}: carefully chosen products from small European makers, tested "
                     f"by our team before they reach the shop. Free returns within 30 days, delivery in 2-3 "
                     f"working days, and a real person on the phone when you need advice (level {depth}).")
        editorjs = {"time": 1709280000000, "version": "2.28.2",
                    "blocks": [{"id": f"h{n}", "type": "header", "data": {"text": title, "level": 2}},
                               {"id": f"p{n}", "type": "paragraph", "data": {"text": paragraph}}]}
        rows[lang] = {"title": title, "meta_title": f"{title} | Ecoseller demo shop",
                      "meta_description": paragraph[:155], "description": paragraph,
                      "description_editorjs": json.dumps(editorjs, ensure_ascii=False, separators=(",", ":")),
                      "slug": f"{lang}-{n:03d}-{department[0].lower().replace(' ', '-').replace('&', 'and')}"}
    return rows


# --- DynamoDB item size (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)

def _size(value) -> int:
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, (int, Decimal)):
        digits = len(str(abs(value)).replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if isinstance(value, dict):
        return 3 + sum(len(k.encode("utf-8")) + _size(v) + 1 for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return 3 + sum(_size(v) + 1 for v in value)
    raise TypeError(type(value))


def item_size(item: dict) -> int:
    return sum(len(name.encode("utf-8")) + _size(value) for name, value in item.items())


# --- building -------------------------------------------------------------------------------------------

def bulk_write_reference(items: list[dict]) -> None:
    """BatchWriteItem (25 a call) into the CATALOG partition, then the version bump the services make in
    their transactions, so every container re-reads the partition."""
    db.batch_write("main", items)
    db.increment("main", keys.reference_version(CATALOG), "version")
    versioned.forget([CATALOG])


def build_large_taxonomy(client) -> dict:
    """The shop: CZ with a VAT group and the CZK_retail price list, 20 attribute types (service), a product
    type allowing them all (dashboard API), 2,000 values (1,999 in bulk, the 2,000th through the dashboard
    API), 500 categories (bulk) and a product (dashboard API) in the last category with the 2,000th value."""
    headers = admin_headers()
    localization.create_currency({"code": "CZK", "symbol": "Kč", "symbol_position": "AFTER"})
    pricelists.create_price_list({"code": "CZK_retail", "currency": "CZK", "is_default": True, "rounding": False})
    localization.create_country({"code": "CZ", "name": "Czechia", "locale": "cs", "default_price_list": "CZK_retail"})
    vat = localization.create_vat_group({"name": "Standard", "rate": "21", "country": "CZ", "is_default": True})
    type_ids = [attributes.create_attribute_type({
        "type_name": f"fabric_{t:02d}", "unit": "", "value_type": "TEXT",
        "translations": {"en": {"name": f"Fabric and finish, collection {t:02d}"},
                         "cs": {"name": f"Materiál a úprava, kolekce {t:02d}"}}})["id"] for t in range(TYPES)]
    product_type = call(client, "POST", "/product/dashboard/type/",
                        {"name": "Fabric goods", "allowed_attribute_types_ids": type_ids,
                         "vat_groups": [vat["id"]]}, headers)
    assert product_type.status_code == 201, product_type.body

    per_type = VALUES // TYPES
    items = [reference_item(BASE_ATTRIBUTES, n, {
        "type": type_ids[(n - 1) // per_type], "value": f"fabric-{n:04d}", "order": None,
        "translations": attributes.merge_rows(None, value_names(n), ("name",))}, STAMP, STAMP)
        for n in range(1, VALUES)]
    category_ids, parents, depth = [], {}, {}
    for _root in range(ROOTS):
        root = len(category_ids) + 1
        category_ids.append(root)
        parents[root], depth[root] = None, 1
        for _child in range(CHILDREN):
            child = len(category_ids) + 1
            category_ids.append(child)
            parents[child], depth[child] = root, 2
            for _grandchild in range(GRANDCHILDREN):
                leaf = len(category_ids) + 1
                category_ids.append(leaf)
                parents[leaf], depth[leaf] = child, 3
    items += [reference_item(CATEGORIES, cid, {"published": True, "parent": parents[cid],
                                               "translations": category_rows(cid, depth[cid])}, STAMP, STAMP)
              for cid in category_ids]
    bulk_write_reference(items)
    db.raise_counter_to(BASE_ATTRIBUTES.kind.lower(), VALUES - 1)
    db.raise_counter_to(CATEGORIES.kind.lower(), CATEGORY_COUNT)

    last = call(client, "POST", "/product/dashboard/attribute/",
                {"type": type_ids[-1], "value": f"fabric-{VALUES:04d}", "translations": value_names(VALUES)},
                headers)
    assert last.status_code == 201, last.body
    assert body(last)["id"] == VALUES
    leaf = category_ids[-1]
    product = call(client, "POST", "/product/dashboard/detail/", {
        "published": True, "category": leaf, "type_id": body(product_type)["id"],
        "translations": {"en": {"title": "Trail jacket", "slug": "trail-jacket"},
                         "cs": {"title": "Bunda na stezku", "slug": "bunda-na-stezku"}},
        "product_variants": [{"sku": "TRAIL-1", "stock_quantity": 5, "attributes": [1, VALUES],
                              "price": [{"price_list": "CZK_retail", "price": "1990"}]}]}, headers)
    assert product.status_code == 201, product.body
    stored_last = db.get("main", BASE_ATTRIBUTES.key(VALUES), consistent=True)
    return {"types": type_ids, "categories": category_ids, "parents": parents, "leaf": leaf,
            "product": body(product)["id"], "headers": headers,
            "bytes": sum(item_size(i) for i in [*items, stored_last]),
            # + the 20 types, the product type and the version item
            "items": len(items) + 1 + TYPES + 1 + 1}


class QueryPages:
    """The pages of the DynamoDB Queries made inside a `with` block, as (partition, items, more to come)."""

    def __init__(self):
        self.pages: list[tuple[str, int, bool]] = []
        self._partitions: list[str] = []

    def _request(self, params, **_kwargs):
        self._partitions.append(next(iter(params["ExpressionAttributeValues"].values()))["S"])

    def _response(self, parsed, **_kwargs):
        self.pages.append((self._partitions.pop(0), len(parsed.get("Items", [])), "LastEvaluatedKey" in parsed))

    def __enter__(self):
        events = db.client().meta.events
        events.register("before-parameter-build.dynamodb.Query", self._request)
        events.register("after-call.dynamodb.Query", self._response)
        return self

    def __exit__(self, *exc):
        events = db.client().meta.events
        events.unregister("before-parameter-build.dynamodb.Query", self._request)
        events.unregister("after-call.dynamodb.Query", self._response)

    def of(self, partition: str) -> list[tuple[int, bool]]:
        return [(count, more) for name, count, more in self.pages if name == partition]


def assert_read_whole(pages: list[tuple[int, bool]], items: int) -> None:
    """One read of the CATALOG partition in several pages, followed to its last: every page but the last
    came back with a LastEvaluatedKey, and together they hold every item."""
    assert len(pages) >= 3, pages
    assert [more for _count, more in pages] == [True] * (len(pages) - 1) + [False], pages
    assert sum(count for count, _more in pages) == items, pages


def tree_ids(nodes: list[dict]) -> list[int]:
    found = []
    for node in nodes:
        found.append(node["id"])
        found += tree_ids(node["children"])
    return found


LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024  # a synchronous Lambda's answer; API Gateway's own limit is 10 MB


def get(client, path: str, headers: dict):
    response = call(client, "GET", path, headers=headers)
    assert response.status_code == 200, response.body
    assert len(response.body) < LAMBDA_RESPONSE_BYTES, (path, len(response.body))
    return body(response)


def storefront(client, path: str, language: str = "en"):
    return get(client, path, {"Accept-Language": language})


@pytest.fixture
def shop(client, clock, monkeypatch, built_once):
    from chalicelib.core.settings import reload_settings

    monkeypatch.setenv("LANGUAGES", ",".join(LANGUAGES))
    reload_settings()
    return built_once("large taxonomy", lambda: build_large_taxonomy(client))  # written once per worker


# --- the tests -------------------------------------------------------------------------------------------

def test_every_read_follows_the_pages_of_the_partition(client, shop):
    assert shop["bytes"] > 3 * 10**6, shop["bytes"]  # 3.26 MB of items by DynamoDB's size rules
    versioned.forget()  # a new container
    with QueryPages() as reads:
        tree = storefront(client, "/category/storefront/")
    assert_read_whole(reads.of(CATALOG), shop["items"])  # one Query call per page, each page once

    # C6: all 500, nested as written
    assert sorted(tree_ids(tree)) == shop["categories"]
    assert [node["id"] for node in tree] == [cid for cid in shop["categories"] if shop["parents"][cid] is None]
    assert all(len(root["children"]) == CHILDREN and all(len(c["children"]) == GRANDCHILDREN
                                                        for c in root["children"]) for root in tree)
    # C7 of the last category (on the last page): its texts and the breadcrumbs up to its root
    leaf = storefront(client, f"/category/storefront/{shop['leaf']}/", "de")
    assert leaf["title"] == category_rows(shop["leaf"], 3)["de"]["title"]
    assert leaf["description_editorjs"]["blocks"][1]["type"] == "paragraph"
    child = shop["parents"][shop["leaf"]]
    assert [crumb["id"] for crumb in leaf["breadcrumbs"]] == [shop["parents"][child], child, shop["leaf"]]

    # C10: the product's type allows every attribute type, so the filters list every one of the 2,000 values
    filters = storefront(client, f"/category/storefront/{shop['leaf']}/attributes/", "cs")
    assert [t["id"] for t in filters["textual"]] == shop["types"] and filters["numeric"] == []
    listed = [v for t in filters["textual"] for v in t["possible_values"]]
    assert [v["id"] for v in listed] == list(range(1, VALUES + 1))
    assert listed[0]["value"] == value_names(1)["cs"]["name"]
    assert listed[-1]["value"] == value_names(VALUES)["cs"]["name"]
    root_filters = storefront(client, f"/category/storefront/{tree[-1]['id']}/attributes/")  # the leaf's root
    assert sum(len(t["possible_values"]) for t in root_filters["textual"]) == VALUES

    # P1: the product shows the 2,000th value (and the first), named in the shopper's language
    detail = storefront(client, f"/product/storefront/{shop['product']}?country=CZ&pricelist=CZK_retail", "sk")
    shown = {a["id"]: a for a in detail["product_variants"][0]["attributes"]}
    assert sorted(shown) == [1, VALUES]
    assert shown[VALUES]["name"] == value_names(VALUES)["sk"]["name"]
    assert shown[VALUES]["type"]["id"] == shop["types"][-1]
    assert [crumb["id"] for crumb in detail["breadcrumbs"]][-1] == shop["leaf"]
    # C8: the leaf's product page lists it
    page = storefront(client, f"/category/storefront/{shop['leaf']}/products/?country=CZ&pricelist=CZK_retail")
    assert [p["id"] for p in page["results"]] == [shop["product"]]

    # The dashboard lists (plain arrays in the contract: no paging envelope) answer every value and type
    headers = shop["headers"]
    listed = get(client, "/product/dashboard/attribute/", headers)  # P25
    assert [v["id"] for v in listed] == list(range(1, VALUES + 1))
    assert listed[-1]["translations"] == value_names(VALUES)
    assert listed[VALUES // 2]["translations"] == value_names(VALUES // 2 + 1)
    types = get(client, "/product/dashboard/attribute/type/", headers)  # P20
    assert [t["id"] for t in types] == shop["types"]
    assert [v["id"] for t in types for v in t["base_attributes"]] == list(range(1, VALUES + 1))
    one = get(client, f"/product/dashboard/attribute/type/{shop['types'][-1]}/", headers)
    assert [v["id"] for v in one["base_attributes"]] == list(range(VALUES - VALUES // TYPES + 1, VALUES + 1))
    product_types = get(client, "/product/dashboard/type/", headers)  # P2
    assert sum(len(t["base_attributes"]) for t in product_types[0]["allowed_attribute_types"]) == VALUES
    # C1 Queries the categories alone (~2 MB, so paged too), not the versioned copy
    with QueryPages() as reads:
        dashboard_tree = get(client, "/category/dashboard/", headers)
    pages = reads.of(CATALOG)
    assert len(pages) >= 2 and [more for _count, more in pages] == [True] * (len(pages) - 1) + [False], pages
    assert sorted(tree_ids(dashboard_tree)) == shop["categories"]


def other_container_renames(sort_key: str, text: str) -> None:
    """What another container's dashboard write does: the English name of a value (or title of a category)
    and the version, in one transaction, around this process's db module (its copy is not dropped)."""
    field = "title" if sort_key.startswith(f"{CATEGORIES.kind}#") else "name"
    db.client().transact_write_items(TransactItems=[
        {"Update": {"TableName": db.table("main"), "Key": db.serialize({"PK": CATALOG, "SK": sort_key}),
                    "UpdateExpression": "SET translations.en.#f = :text", "ExpressionAttributeNames": {"#f": field},
                    "ExpressionAttributeValues": {":text": {"S": text}}}},
        {"Update": {"TableName": db.table("main"), "Key": db.serialize(keys.reference_version(CATALOG)),
                    "UpdateExpression": "ADD version :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}},
    ])


def test_edits_reach_the_storefront_even_between_two_pages_of_its_read(client, shop, clock):
    """P28 and C4 on items of the last pages move the version: this container's next storefront read
    re-reads the whole partition, page by page. A read of several pages is no snapshot: another
    container's edit can commit between two of them (injected here, to an item the first page already
    brought, whichever order the read takes). The copy must then keep a version older than that edit, so
    that the next check re-reads; keeping the edit's version with the item as it was before would hide the
    edit for MAX_AGE_SECONDS (5 minutes)."""
    headers = shop["headers"]
    product_path = f"/product/storefront/{shop['product']}?country=CZ&pricelist=CZK_retail"
    storefront(client, product_path)  # this container holds the partition
    version = db.get("main", keys.reference_version(CATALOG), consistent=True)["version"]
    edited = call(client, "PUT", f"/product/dashboard/attribute/{VALUES}/",
                  {"translations": {"cs": {"name": "Půlnoční modrá, nová kolekce"}}}, headers)
    assert edited.status_code == 200, edited.body
    renamed = call(client, "PUT", f"/category/dashboard/{shop['leaf']}/",
                   {"translations": {"en": {"title": "Rain jackets"}}}, headers)
    assert renamed.status_code == 200, renamed.body
    assert db.get("main", keys.reference_version(CATALOG), consistent=True)["version"] == version + 2

    first_page: list[str] = []
    injected: list[str] = []

    def page_read(parsed, **_kwargs):
        if not first_page:
            first_page.extend(item["SK"]["S"] for item in parsed["Items"])

    def between_pages(params, **_kwargs):
        if params.get("ExclusiveStartKey") and not injected:
            dashboard_edited = {CATEGORIES.key(shop["leaf"])["SK"], BASE_ATTRIBUTES.key(VALUES)["SK"]}
            sort_key = next(sk for sk in first_page
                            if sk.startswith(("CATEGORY#", "ATTRVALUE#")) and sk not in dashboard_edited)
            injected.append(sort_key)
            other_container_renames(sort_key, "Reissued")

    events = db.client().meta.events
    events.register("after-call.dynamodb.Query", page_read)
    events.register("before-parameter-build.dynamodb.Query", between_pages)
    try:
        with QueryPages() as reads:
            detail = storefront(client, product_path, "cs")
    finally:
        events.unregister("after-call.dynamodb.Query", page_read)
        events.unregister("before-parameter-build.dynamodb.Query", between_pages)
    assert_read_whole(reads.of(CATALOG), shop["items"])
    assert injected, "the read took one page: it proves nothing"
    shown = {a["id"]: a for a in detail["product_variants"][0]["attributes"]}
    assert shown[VALUES]["name"] == "Půlnoční modrá, nová kolekce"
    assert storefront(client, f"/category/storefront/{shop['leaf']}/")["title"] == "Rain jackets"
    filters = storefront(client, f"/category/storefront/{shop['leaf']}/attributes/", "cs")
    assert filters["textual"][-1]["possible_values"][-1] == {"id": VALUES, "value": "Půlnoční modrá, nová kolekce"}

    clock[0] += versioned.CHECK_SECONDS  # the other container's edit is seen at the next check
    kind, entity_id = injected[0].split("#")
    if kind == CATEGORIES.kind:
        assert storefront(client, f"/category/storefront/{int(entity_id)}/")["title"] == "Reissued"
    else:
        filters = storefront(client, f"/category/storefront/{shop['leaf']}/attributes/")
        values = {v["id"]: v["value"] for t in filters["textual"] for v in t["possible_values"]}
        assert values[int(entity_id)] == "Reissued"
    assert storefront(client, f"/category/storefront/{shop['leaf']}/")["title"] == "Rain jackets"
