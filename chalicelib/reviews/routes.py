"""Review routes (contract 1.5: R1-R6).

Access: creating (R1), the storefront list (R2) and the product rating (R6) are public; the dashboard
reads (R3, R5) are STAFF; deleting (R4) needs `review_change_permission`. Admins pass every check.
A trailing slash is optional on every path (the storefront calls R2 and R6 without one).
"""

from chalicelib.core.auth.access import PUBLIC, STAFF, permission
from chalicelib.core.http.errors import ApiError
from chalicelib.core.http.routing import Req, Routes, empty
from chalicelib.core.lazy import lazy_module
from chalicelib.reviews import schemas

# Imported when a review route first runs: the service pulls in the catalog and orders.
service = lazy_module("chalicelib.reviews.service")

routes = Routes(__name__, tag="reviews")

CHANGE = permission("review_change_permission")


@routes.route("/review/storefront/create", ["POST"], access=PUBLIC, body=schemas.REVIEW_CREATE,
              summary="Review a variant of a shipped order; 201 empty. 404 unknown order or variant, "
                      "403 not shipped, not bought in that order, or already reviewed (R1).",
              status=201, errors=(403, 404, 409))
def create_review(req: Req):
    service.create_review(req.data)
    return empty(201)


@routes.route("/review/storefront/{product_id}/{country}", ["GET"], access=PUBLIC,
              summary="Reviews of a product written in a country, newest first, without the order each was "
                      "written for (R2).", response="PublicReviewList")
def product_reviews(req: Req, product_id: str, country: str):
    return service.list_product_reviews(product_id, country)


@routes.route("/review/dashboard", ["GET"], access=STAFF, summary="All reviews, newest first, unpaginated (R5).",
              response="ReviewList")
def list_reviews(req: Req):
    return service.list_reviews()


@routes.route("/review/dashboard/{token}", ["GET"], access=STAFF, summary="A review; 404 empty (R3).",
              response="Review")
def get_review(req: Req, token: str):
    review = service.get_review(token)
    if review is None:
        raise ApiError(None, 404)
    return review


@routes.route("/review/dashboard/{token}", ["DELETE"], access=CHANGE,
              summary="Delete a review; it leaves the product's rating, and the buyer may review again (R4).",
              status=204)
def delete_review(req: Req, token: str):
    if not service.delete_review(token):
        raise ApiError(None, 404)
    return empty(204)


@routes.route("/review/product-rating/{product_id}", ["GET"], access=PUBLIC,
              summary='Average rating, review count and star buckets "1".."5" of a product (R6).',
              response="ProductRating")
def product_rating(req: Req, product_id: str):
    return service.product_rating(product_id)
