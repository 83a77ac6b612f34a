"""What the index is built from: product aggregates in DynamoDB, read page by page in id order.

Ids come from the products' keys-only list (GSI2 "PRODUCTS", ordered by zero-padded id), so a page can
start after any product id: that id is the rebuild's checkpoint. The products of a page are then
fetched by key (catalog.products.service.get_many, 100 per BatchGetItem). Only one page is in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterator

from chalicelib.catalog.products import service as products
from chalicelib.catalog.reference.store import catalog_snapshot
from chalicelib.catalog.taxonomy import service as attributes
from chalicelib.search import store


def id_pages(after: int | None, page_size: int) -> Iterator[list[int]]:
    """Live product ids greater than `after`, ascending, in lists of up to `page_size`."""
    page: list[int] = []
    for product_id in store.listed_product_ids(after, page_size):
        page.append(product_id)
        if len(page) == page_size:
            yield page
            page = []
    if page:
        yield page


def product_pages(after: int | None, page_size: int) -> Iterator[tuple[list[int], list[dict]]]:
    """(ids, live products) a page at a time; ids include products deleted since they were listed."""
    for ids in id_pages(after, page_size):
        yield ids, products.get_many(ids)


def product_items(ids: list[int]) -> dict[int, dict]:
    """Product items by id, soft-deleted ones included (a deleted product's tombstone needs its version),
    read strongly consistently: a stream record can arrive before an eventually consistent read would
    see the change that caused it. 100 per BatchGetItem."""
    return store.products_by_id(ids)


def attribute_lookup() -> dict[int, dict]:
    """Every live attribute value with its names and type (one Query of the catalog partition)."""
    return attributes.attribute_lookup(catalog_snapshot())
