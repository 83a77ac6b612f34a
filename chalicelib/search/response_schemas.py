"""JSON Schemas (draft 2020-12) of what the search routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import INTEGER, NUMBER, STRING, array, nullable, obj

SCHEMAS = {
    "SearchResultList": array(
        obj(
            id=INTEGER,
            title=STRING,
            meta_title=STRING,
            meta_description=STRING,
            slug=STRING,
            primary_image=nullable({"type": "object"}),
            variant_prices=array(
                obj(
                    without_vat=NUMBER,
                    incl_vat=NUMBER,
                    without_vat_formatted=STRING,
                    incl_vat_formatted=STRING,
                    discount=nullable(NUMBER),
                    sku=STRING,
                )
            ),
        )
    ),
}
