"""JSON Schemas (draft 2020-12) of what the reviews routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, INTEGER, NUMBER, STRING, array, obj, ref

# What anyone may read of a review (R2); the dashboard's Review adds the order token, a secret of the shopper
# who wrote it (it opens their order, address and complaint form).
PUBLIC_FIELDS = dict(
    token=STRING,
    safe_deleted=BOOLEAN,
    create_at=STRING,
    rating=INTEGER,
    comment=STRING,
    country=STRING,
    product_variant=STRING,
    product=INTEGER,
)

SCHEMAS = {
    "Review": obj(**PUBLIC_FIELDS, order=STRING),
    "ReviewList": array(ref("Review")),
    "PublicReview": obj(**PUBLIC_FIELDS),
    "PublicReviewList": array(ref("PublicReview")),
    "ProductRating": obj(
        {
            "average_rating": NUMBER,
            "total_reviews": INTEGER,
            "1": INTEGER,
            "2": INTEGER,
            "3": INTEGER,
            "4": INTEGER,
            "5": INTEGER,
        }
    ),
}
