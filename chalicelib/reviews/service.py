"""Product reviews (contract 1.5, R1-R6).

Only buyers review: a review names an order and a variant bought in it, the order must be SHIPPED, and
there is at most one live review per (variant, order). R1's answers, in the order they are checked:

* 400 naming the field: bad body (rating: see schemas), or a `country` that is not a live country;
* 404 (empty): the order, the product or the variant within that product does not exist
  (the original answers 500 for a missing product);
* 403 (empty): the order is not SHIPPED;
* 403 `{"error": NOT_A_BUYER}`: the order has no line with that product and variant. A 403, not a 400: the
  body is well formed, the caller just may not review that variant;
* 403 (empty): a live review for (variant, order) exists (also when two arrive at once: the claim item
  in the create transaction lets exactly one through).

Star buckets (R6): see `bucket`. A deleted review leaves the list, the rating and its claim, so the
buyer may review that variant again, as in the original (deleted reviews do not exist for the API).
"""

from __future__ import annotations

import uuid

from chalicelib.catalog.products import service as products
from chalicelib.core.http.errors import ApiError, Conflict, ValidationError
from chalicelib.core.store import write
from chalicelib.localization import service as localization
from chalicelib.orders import store as orders
from chalicelib.reviews import schemas, store

SHIPPED = "SHIPPED"
NOT_A_BUYER = "This variant was not bought in this order: only its buyers can review it."
CONFLICT = "Too many reviews are being written for this product at once; try again."
ATTEMPTS = 4
CONDITION_FAILED = "ConditionalCheckFailed"


def _empty(status: int) -> ApiError:
    return ApiError(None, status)


def bucket(rating: int) -> str | None:
    """The star bucket of a 0..100 rating: 10/20 -> "1", 30/40 -> "2", 50/60 -> "3", 70/80 -> "4",
    90/100 -> "5" (the contract's rules). 0 (no stars: the storefront sends it when the shopper clears
    the stars) is in no bucket, but counts in `total_reviews` and `average_rating`, as in the original.
    A value between the steps (only possible in imported data) goes with the step above it: 15 -> "1"."""
    rating = int(rating)
    if rating <= 0:
        return None
    return str(min(5, -(-rating // 20)))


def _canonical_token(token) -> str | None:
    try:
        return str(uuid.UUID(str(token)))
    except ValueError:
        return None


def _int_id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _bought(order: dict, product_id: int, sku: str) -> bool:
    for line in order.get("lines") or []:
        if line.get("sku") == sku and _int_id(line.get("product_id")) == product_id:
            return True
    return False


def _retrying(transaction) -> None:
    """Run a review transaction; retry when DynamoDB cancelled it only for a concurrent transaction on
    the same items (two reviews of one product both change its summary): a failed condition propagates
    as `store.Failed`, and so many conflicts that the last attempt failed too as `write.Stale`."""
    write.retrying(transaction, attempts=ATTEMPTS, again=_conflict_only)


def _conflict_only(error: Exception) -> bool:
    return isinstance(error, store.Failed) and CONDITION_FAILED not in error.reasons


# --- R1 -------------------------------------------------------------------------------------------

def create_review(data: dict) -> dict:
    """Create a review from the storefront body (validated here, so other callers get the same checks);
    answers the Review JSON. Raises ApiError with the statuses described in the module docstring."""
    data = schemas.REVIEW_CREATE.validate(data)
    product_id, sku = data["product_id"], data["product_variant_sku"]
    order = orders.get_order(data["order"])
    if order is None:
        raise _empty(404)
    product = products.get_product(product_id)
    if product is None or not any(variant.get("sku") == sku for variant in product.get("variants") or []):
        raise _empty(404)
    country = data["country"]
    if country is None:
        country = order.get("country")
        if not country:
            raise ValidationError.field("country", "This field is required.")
    elif not localization.country_exists(country):
        raise ValidationError.field("country", f'Invalid pk "{country}" - object does not exist.')
    if order.get("status") != SHIPPED:
        raise _empty(403)
    if not _bought(order, product_id, sku):
        raise ApiError({"error": NOT_A_BUYER}, 403)

    review = {
        "token": str(uuid.uuid4()),
        "create_at": store.now_iso(),
        "rating": data["rating"],
        "comment": data["comment"] or "",
        "country": country,
        "product": product_id,
        "product_variant": sku,
        "order": data["order"],
    }
    # The order's status is checked again inside the transaction: a cancellation racing this write wins.
    shipped = orders.status_check(review["order"], SHIPPED)
    try:
        _retrying(lambda: store.create(review, bucket(review["rating"]), shipped))
    except store.Failed as failure:
        if failure.reasons[store.CREATE_CLAIM] == CONDITION_FAILED:
            raise _empty(403) from None  # a review for (variant, order) exists
        if failure.reasons[store.CREATE_ORDER_CHECK] == CONDITION_FAILED:
            raise _empty(403) from None  # the order left SHIPPED meanwhile
        raise Conflict(CONFLICT) from None
    except write.Stale:
        raise Conflict(CONFLICT) from None
    return schemas.review_json(review)


# --- R2, R3, R5 -----------------------------------------------------------------------------------

def list_product_reviews(product_id, country: str) -> list[dict]:
    """Live reviews of a product written in a country, newest first (empty for unknown ids), without the
    order each was written for (see `schemas.public_review_json`)."""
    product_id = _int_id(product_id)
    code = (country or "").strip().upper()
    if product_id is None or not code or "#" in code:
        return []
    return [schemas.public_review_json(review) for review in store.of_product(product_id, code)]


def get_review(token) -> dict | None:
    """A live review's JSON, or None."""
    token = _canonical_token(token)
    review = store.get(token) if token else None
    return schemas.review_json(review) if review else None


def list_reviews() -> list[dict]:
    """Every live review, newest first."""
    return [schemas.review_json(review) for review in store.iterate_all()]


# --- R4 -------------------------------------------------------------------------------------------

def delete_review(token) -> bool:
    """Soft-delete a review, release its (variant, order) claim and take it out of the product rating;
    False when there is no live review with that token."""
    token = _canonical_token(token)
    review = store.get(token) if token else None
    if review is None:
        return False
    try:
        _retrying(lambda: store.soft_delete(review, bucket(review["rating"])))
    except store.Failed as failure:
        if failure.reasons[0] == CONDITION_FAILED:
            return False  # deleted by a concurrent request
        raise Conflict(CONFLICT) from None
    except write.Stale:
        raise Conflict(CONFLICT) from None
    return True


# --- R6 -------------------------------------------------------------------------------------------

def rating_json(summary: dict | None) -> dict:
    """`{"average_rating", "total_reviews", "1".."5"}` of a summary item; all zeros without reviews."""
    summary = summary or {}
    total = int(summary.get("total", 0))
    if total <= 0:
        return {"average_rating": 0.0, "total_reviews": 0, **{name: 0 for name in store.BUCKETS}}
    return {
        "average_rating": int(summary.get("rating_sum", 0)) / total,  # the mean of the raw 0-100 ratings
        "total_reviews": total,
        **{name: int(summary.get(f"b{name}", 0)) for name in store.BUCKETS},
    }


def product_rating(product_id) -> dict:
    """The rating summary of one product (one GetItem); all zeros for a product without reviews."""
    product_id = _int_id(product_id)
    return rating_json(store.summary(product_id) if product_id else None)


def product_ratings(product_ids: list[int]) -> dict[int, dict]:
    """Rating summaries of several products (one BatchGetItem per 100), for listings and recommenders."""
    ids = [number for number in (_int_id(value) for value in product_ids) if number is not None]
    found = store.summaries(ids) if ids else {}
    return {product_id: rating_json(found.get(product_id)) for product_id in ids}
