"""Where reviews live in the `main` table (this package's part of the key schema).

* review (`PK = "REVIEW#<token>"`, `SK = "REVIEW"`): the review as written, which never changes after
  creation: `token`, `create_at` (ISO 8601 UTC, microseconds), `rating` (int 0..100), `comment`,
  `country` (code), `product` (int id), `product_variant` (SKU), `order` (order token).
  GSI1: `"REVIEWS"` / `"<create_at>#<token>"`, so the dashboard list (R5) is one Query, newest first.
  A delete is soft (the contract's `safe_deleted`): the item stays, marked, and moves to GSI1 `"REVIEWS#DELETED"`.
* product copy (`PK = "REVIEWS#PRODUCT#<id>"`, `SK = "REVIEW#<country>#<create_at>#<token>"`): the same
  attributes again, so the storefront list of one product in one country (R2) is one Query on the key
  prefix, newest first. Reviews are immutable, so the copy cannot drift; it is written and removed in
  the same transaction as the review.
* rating summary (`PK = "REVIEWS#PRODUCT#<id>"`, `SK = "SUMMARY"`): `total`, `rating_sum` and the star
  buckets `b1`..`b5` (rules in service.bucket), changed with ADD in the same transaction as each review
  create and delete, so the product rating (R6) is one GetItem.
* claim `keys.unique("REVIEW", "<order token>#<sku>")`, `owner` = review token: one live review per
  (variant, order), held by a conditional put in the create transaction and released by the delete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from chalicelib.core.store import db, keys
from chalicelib.core.store.write import Check, Delete, Put, TransactionFailed, Update, Write

REVIEW = "REVIEW"
REVIEWS_LIST = "REVIEWS"
DELETED_LIST = "REVIEWS#DELETED"
SUMMARY = "SUMMARY"
BUCKETS = ("1", "2", "3", "4", "5")

# Attributes of a review (what the copy duplicates); everything else on the items is bookkeeping.
FIELDS = ("token", "create_at", "rating", "comment", "country", "product", "product_variant", "order")


class Failed(TransactionFailed):
    """The create or delete transaction was cancelled; `reasons` has one code per write. A
    TransactionFailed, so `write.retrying` can run the write again."""


def now_iso() -> str:
    """A creation time that sorts as text: always with microseconds (isoformat drops them when 0)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def review_key(token: str) -> dict:
    return {"PK": f"{REVIEW}#{token}", "SK": REVIEW}


def product_partition(product_id: int) -> str:
    return f"REVIEWS#PRODUCT#{int(product_id)}"


def copy_key(review: dict) -> dict:
    return {"PK": product_partition(review["product"]),
            "SK": f"{REVIEW}#{review['country']}#{review['create_at']}#{review['token']}"}


def summary_key(product_id: int) -> dict:
    return {"PK": product_partition(product_id), "SK": SUMMARY}


def claim_key(order: str, sku: str) -> dict:
    return keys.unique(REVIEW, f"{order}#{sku}")


def _fields(review: dict) -> dict:
    return {name: review[name] for name in FIELDS}


def _summary_update(product_id: int, rating: int, bucket: str | None, sign: int) -> Update:
    """ADD to the product's summary: one review more (sign 1) or one less (sign -1)."""
    amounts = {"total": sign, "rating_sum": sign * rating}
    if bucket is not None:
        amounts[f"b{bucket}"] = sign
    return Update.add(summary_key(product_id), amounts)


def _transact(writes: list[Write]) -> None:
    try:
        db.transact(writes)
    except TransactionFailed as failure:
        raise Failed(failure.reasons) from None


# Positions of the create transaction's operations, to tell which condition failed.
CREATE_CLAIM = 0
CREATE_ORDER_CHECK = 1


def create(review: dict, bucket: str | None, order_check: Check) -> None:
    """Write a new review, its product copy, its claim and the summary change in one transaction.

    `order_check` (the orders package's condition on the reviewed order) is checked in the same
    transaction, so the order's state at the moment of the write is what counts. Raises `Failed` (see
    CREATE_CLAIM, CREATE_ORDER_CHECK for which reason is which).
    """
    fields = _fields(review)
    _transact([
        Put({**claim_key(review["order"], review["product_variant"]), "owner": review["token"]},
            condition="attribute_not_exists(PK)"),
        order_check,
        Put({**review_key(review["token"]), **fields, "GSI1PK": REVIEWS_LIST,
             "GSI1SK": f"{review['create_at']}#{review['token']}"}, condition="attribute_not_exists(PK)"),
        Put({**copy_key(review), **fields}),
        _summary_update(review["product"], review["rating"], bucket, 1),
    ])


def soft_delete(review: dict, bucket: str | None) -> None:
    """Mark a live review deleted, drop its copy and claim, and take it out of the summary, at once.

    Conditional on the review still being live, so two concurrent deletes change the summary once.
    """
    _transact([
        Update(review_key(review["token"]), "SET #d = :true, #l = :deleted",
               condition="attribute_exists(PK) AND (attribute_not_exists(#d) OR #d = :false)",
               names={"#d": "safe_deleted", "#l": "GSI1PK"},
               values={":true": True, ":false": False, ":deleted": DELETED_LIST}),
        Delete(copy_key(review)),
        Delete(claim_key(review["order"], review["product_variant"])),
        _summary_update(review["product"], review["rating"], bucket, -1),
    ])


def get(token: str) -> dict | None:
    """A live review (strongly consistent), or None."""
    item = db.get("main", review_key(token), consistent=True)
    if item is None or item.get("safe_deleted"):
        return None
    return _fields(item)


def of_product(product_id: int, country: str) -> list[dict]:
    """Live reviews of a product in a country, newest first (one Query)."""
    return [_fields(item) for item in db.query("main", partition=("PK", product_partition(product_id)),
                                               sort_prefix=f"{REVIEW}#{country}#", forward=False)]


def iterate_all() -> Iterator[dict]:
    """Every live review, newest first (GSI1)."""
    for item in db.query("main", partition=("GSI1PK", REVIEWS_LIST), index="GSI1", forward=False):
        yield _fields(item)


def summary(product_id: int) -> dict | None:
    return db.get("main", summary_key(product_id))


def summaries(product_ids: list[int]) -> dict[int, dict]:
    """Summaries of several products by id (BatchGetItem); products without reviews are absent."""
    found = db.batch_get("main", [summary_key(product_id) for product_id in product_ids])
    return {int(item["PK"].rsplit("#", 1)[1]): item for item in found}
