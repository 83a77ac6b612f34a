"""JSON Schemas (draft 2020-12) of what the search routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import array, ref

SCHEMAS = {
    "SearchResultList": array(ref("StorefrontProductListItem")),  # search hits are storefront list items
}
