"""Where products live: one aggregate item each, `keys.product(id)`, with its `version`.

A live product also carries the keys of the dashboard's paged list (GSI2, keys only: "PRODUCTS" / the
zero-padded id); a deleted one keeps its item (`safe_deleted`) without them. Uniqueness claims
(`keys.unique`, attribute `owner` = the product id) keep a SKU to one product and find the product of a
media id; they are written in the same transaction as the product.
"""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.core.store import claims, db, keys, recent
from chalicelib.core.store.write import Delete, Put, Write

_LIST_KEYS = ("GSI2PK", "GSI2SK")


class TooManyWrites(Exception):
    """A product change needs more writes than one transaction takes (DynamoDB: 100)."""


# --- items and ids ------------------------------------------------------------------------------------

def new_product_item(product_id: int, fields: dict) -> dict:
    """A new live product's item: its key, its place in the paged list, then `fields`."""
    return {**keys.product(product_id), "GSI2PK": keys.PRODUCTS_LIST,
            "GSI2SK": keys.product_list_sort_key(product_id), **fields}


def unlisted(item: dict) -> dict:
    """The item without its place in the paged list (a deleted product leaves the list)."""
    return {name: value for name, value in item.items() if name not in _LIST_KEYS}


def new_product_id() -> int:
    return db.next_id("product")


def new_price_ids(count: int) -> list[int]:
    return db.next_ids("productprice", count)


def new_media_id() -> int:
    return db.next_id("productmedia")


# --- reads --------------------------------------------------------------------------------------------

def read(product_id: int) -> dict | None:
    """The product's item (deleted or not), eventually consistent."""
    return db.get("main", keys.product(product_id))


def read_many(ids: Iterable[int], *, consistent: bool = False) -> list[dict]:
    """The items of these products that exist (deleted or not), in no order (one BatchGetItem per 100)."""
    return db.batch_get("main", [keys.product(i) for i in ids], consistent=consistent)


def read_recent(ids: Iterable[int]) -> list[dict]:
    """`read_many` from what this container read in the last second (core/store/recent.py): read-only."""
    return [item for item in recent.batch_get([keys.product(i) for i in ids]).values() if item]


def listed_ids() -> list[int]:
    """Every live product id in id order (the keys-only list index: cheap even for a large catalog)."""
    return [int(item["PK"].split("#", 1)[1])
            for item in db.query("main", partition=("GSI2PK", keys.PRODUCTS_LIST), index="GSI2")]


def sku_owner(sku: str) -> int | None:
    """The id of the product whose variant has this SKU (its claim), or None."""
    claim = db.get("main", keys.unique("SKU", sku))
    return None if claim is None else int(claim["owner"])


def skus_of_others(product_id: int, skus: list[str]) -> list[str]:
    """Those of `skus` another product holds, sorted (one BatchGetItem; none for no SKUs)."""
    held = claims.owners(("SKU", sku) for sku in skus)
    return sorted(sku for (_kind, sku), owner in held.items() if owner != product_id)


def media_owner(media_id: int) -> int | None:
    """The id of the product holding this media id (its claim), or None."""
    claim = db.get("main", keys.unique("PRODUCTMEDIA", media_id))
    return None if claim is None else int(claim["owner"])


# --- writes -------------------------------------------------------------------------------------------

def media_claim(media_id: int, product_id: int) -> Put:
    return Put({**keys.unique("PRODUCTMEDIA", media_id), "owner": product_id})


def media_release(media_id: int) -> Delete:
    return Delete(keys.unique("PRODUCTMEDIA", media_id))


def _sku_claims(product_id: int, before: set[str], after: set[str]) -> list[Write]:
    """Claims for the SKUs new to the product (failing if another product holds one), releases for the
    SKUs it no longer has (only its own claims)."""
    writes: list[Write] = [Put({**keys.unique("SKU", sku), "owner": product_id}, condition="attribute_not_exists(PK)")
                           for sku in sorted(after - before)]
    writes += [Delete(keys.unique("SKU", sku), condition="#o = :me", names={"#o": "owner"},
                      values={":me": product_id}) for sku in sorted(before - after)]
    return writes


def _skus(product: dict | None) -> set[str]:
    return {v["sku"] for v in (product or {}).get("variants", [])}


def save_product(old: dict | None, item: dict | None, also: Iterable[Write | None] = (), *,
                 deleted: bool = False) -> None:
    """Write a product change in one transaction: `item` (None: none) provided the product is still as
    `old` was read (its `version`; absent when `old` is None), the SKU claims moving from `old`'s variants
    to `item`'s (to none when `deleted`), and `also` (listings, events, media claims).

    Raises TooManyWrites before writing when that is more than a transaction takes, and
    write.TransactionFailed when the product, a claim or a listing changed meanwhile."""
    product_id = int((item or old)["id"])
    writes: list[Write | None] = []
    if item is not None:
        writes.append(Put(item, condition="attribute_not_exists(PK)") if old is None
                      else Put(item, condition="version = :v", values={":v": old["version"]}))
    writes += _sku_claims(product_id, _skus(old), set() if deleted else _skus(item))
    writes += [w for w in also if w is not None]
    if len(writes) > db.MAX_TRANSACTION_ITEMS:
        raise TooManyWrites(f"{len(writes)} writes")
    db.transact(writes)
