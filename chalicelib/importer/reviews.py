"""Reviews with their tokens and times, written through `reviews.store.create`: the review, its product
copy, its (order, variant) claim and its product's rating summary in one transaction, exactly as the
storefront's R1 writes them. A re-run finds the token and writes nothing.

Kept from the dump: token, creation time, rating, comment, country, product, variant, order. Left out
(counted): reviews of products that were not imported, reviews without an order (this shop's reviews
are from buyers, one per order and variant: the claim needs the order), a second live review of the
same (order, variant), and ratings outside 0..100 (the original's default is -1, "not rated"). The
order need not be SHIPPED here (it was when the review was written); it must exist when it was
imported, else the product is checked instead.
"""

from __future__ import annotations

import datetime as dt

from chalicelib.catalog.products import service as catalog_products
from chalicelib.core.store import keys
from chalicelib.importer import store as importer_store
from chalicelib.importer.source import Dump, Report, as_int, timestamp
from chalicelib.orders.store import order_key
from chalicelib.reviews import service as review_rules
from chalicelib.reviews import store


def _time(value: object) -> str | None:
    """The dump's time as the reviews store writes it (ISO 8601 UTC, always with microseconds)."""
    stamp = timestamp(value)
    if stamp is None:
        return None
    return dt.datetime.fromisoformat(stamp).isoformat(timespec="microseconds")


def _skip(report: Report, reason: str) -> None:
    report.add("reviews", f"skipped_{reason}")


def import_reviews(dump: Dump, report: Report, imported_orders: set[str]) -> None:
    rows = sorted(dump.live("review_review", report, "reviews"), key=lambda r: (str(r.get("create_at")), r["token"]))
    if not rows:
        return
    product_ids = {as_int(r.get("product_id")) for r in rows} - {None}
    products = {int(p["id"]): p for p in catalog_products.get_many(sorted(product_ids))}
    claimed: set[tuple[str, str]] = set()
    for row in rows:
        token = str(row["token"]).lower()
        if store.get(token) is not None:
            report.add("reviews", "existing")
            continue
        product = products.get(as_int(row.get("product_id")))
        order = str(row.get("order_id") or "").lower() or None
        rating = as_int(row.get("rating"))
        sku = row.get("product_variant_id")
        if product is None:
            _skip(report, "product_not_imported")
            continue
        if order is None or not sku:
            _skip(report, "no_order_or_variant")
            continue
        if rating is None or not 0 <= rating <= 100:
            _skip(report, "rating_out_of_range")
            continue
        if (order, sku) in claimed or importer_store.review_claimed(order, sku):
            _skip(report, "second_review_of_order_and_variant")  # checked first: a re-run writes nothing
            continue
        review = {"token": token, "create_at": _time(row.get("create_at")), "rating": rating,
                  "comment": row.get("comment") or "", "country": (row.get("country") or "").upper() or None,
                  "product": int(product["id"]), "product_variant": sku, "order": order}
        check_key = order_key(order) if order in imported_orders else keys.product(int(product["id"]))
        try:
            store.create(review, review_rules.bucket(rating), importer_store.exists_check(check_key))
        except store.Failed as failure:
            if failure.reasons[store.CREATE_CLAIM] == review_rules.CONDITION_FAILED:
                _skip(report, "second_review_of_order_and_variant")
            else:
                report.add("reviews", "failed")
                report.log(f"  review {token}: {', '.join(failure.reasons)}")
            continue
        claimed.add((order, sku))
        report.add("reviews", "created")
