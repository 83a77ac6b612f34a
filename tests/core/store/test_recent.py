"""Category listings served from the container's recent reads (issue 14, core/store/recent.py): a hot category's
listing costs each container one read a second, not one per page; the container that saves a product shows it at
once; another container's save shows within CHECK_SECONDS."""

from __future__ import annotations

import pytest

from chalicelib.catalog.listing import store as listing
from chalicelib.catalog.products import service as products
from chalicelib.catalog.products.schemas import PRODUCT
from chalicelib.core.store import db, keys, recent, versioned
from tests.catalog_fixtures import build_catalog, product_payload
from tests.helpers import body, call


@pytest.fixture
def shop(client):
    from chalicelib.localization import service as localization

    ids = build_catalog()
    localization.create_country({"code": "CZ", "name": "Czechia", "locale": "cs", "default_price_list": "CZK_retail"})
    localization.create_vat_group({"name": "Standard", "rate": "21", "country": "CZ", "is_default": True})
    heat = products.create_product(PRODUCT.validate(product_payload(ids, sku_prefix="HEAT", title="Heat")))
    ids["direct"] = int(heat["category"])  # the category whose listing holds Heat (movies lists its subtree)
    return ids


def listed(client, category: int) -> list[str]:
    answer = body(call(client, "GET", f"/category/storefront/{category}/products/?country=CZ&pricelist=CZK_retail"))
    return sorted(item["title"] for item in answer["results"])


@pytest.fixture
def listing_reads(monkeypatch) -> list[str]:
    """The listing keys this process reads from the table (every BatchGetItem goes through db.batch_get)."""
    reads: list[str] = []
    real = db.batch_get

    def spy(logical, key_list, **kw):
        reads.extend(key["PK"] for key in key_list if key["PK"].startswith("LISTING#"))
        return real(logical, key_list, **kw)

    monkeypatch.setattr(db, "batch_get", spy)
    return reads


def test_pages_within_a_second_read_the_listing_once(client, shop, clock, listing_reads):
    assert listed(client, shop["movies"]) == ["Heat"]
    first = len(listing_reads)
    assert first >= 1
    for _ in range(5):
        assert listed(client, shop["movies"]) == ["Heat"]
    assert len(listing_reads) == first
    clock[0] += versioned.CHECK_SECONDS
    assert listed(client, shop["movies"]) == ["Heat"]
    assert len(listing_reads) == 2 * first


def test_a_save_in_this_container_is_listed_at_once(client, shop, clock):
    assert listed(client, shop["movies"]) == ["Heat"]
    products.create_product(PRODUCT.validate(product_payload(shop, sku_prefix="ALIEN", title="Alien")))
    assert listed(client, shop["movies"]) == ["Alien", "Heat"]


def test_another_containers_save_is_listed_within_the_check_interval(client, shop, clock):
    assert listed(client, shop["movies"]) == ["Heat"]
    key = keys.category_listing(shop["direct"])
    entries, version = listing.read(shop["direct"])
    alien = products.create_product(PRODUCT.validate(product_payload(shop, sku_prefix="ALIEN", title="Alien")))
    # Another container's listing write, made around this process's db module: this one still holds its read.
    stored = db.get("main", key, consistent=True)
    recent.forget()  # the save above was this process's own; hold the listing as it was before it
    db.client().put_item(TableName=db.table("main"), Item=db.serialize({**stored, **key,
                                                                         "entries": listing.encode(entries),
                                                                         "version": version}))
    assert listed(client, shop["movies"]) == ["Heat"]
    db.client().put_item(TableName=db.table("main"), Item=db.serialize(stored))
    assert listed(client, shop["movies"]) == ["Heat"]  # within the second: this container's read
    clock[0] += versioned.CHECK_SECONDS
    assert listed(client, shop["movies"]) == ["Alien", "Heat"]
    assert int(alien["id"]) in listing.read(shop["direct"])[0]
