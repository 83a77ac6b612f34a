"""JSON Schemas (draft 2020-12) of what the recommender routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import INTEGER, STRING, array, nullable, obj, ref

SCHEMAS = {
    "RecommenderAccepted": {"type": "object", "maxProperties": 0},
    "RecommenderDashboard": nullable(
        {
            "type": "object",
            "additionalProperties": True,
            "description": "The external recommender's dashboard data as it answers it; null when none is configured",
        }
    ),
    # Storefront list items; those the recommender chose (rather than a random fallback) also say why.
    "RecommendedProductList": array(
        {
            "allOf": [
                ref("StorefrontProductListItem"),
                {
                    "type": "object",
                    "properties": {
                        "rs_info": obj(
                            recommendation_type=STRING, model_identifier=STRING, model_name=STRING, position=INTEGER
                        )
                    },
                },
            ]
        }
    ),
}
