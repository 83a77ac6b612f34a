"""JSON Schemas (draft 2020-12) of what the catalog's price list routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas` (a name may be referred to from any
package's schemas). Derived from what the code returns (checked on every HTTP test's response by
tests/openapi_check.py); extra keys are always allowed. Imported only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import (
    BOOLEAN,
    STRING,
    array,
    obj,
    ref,
)

SCHEMAS = {
    "PriceList": obj(
        code=STRING, currency=STRING, is_default=BOOLEAN, rounding=BOOLEAN, update_at=STRING, create_at=STRING
    ),
    "PriceListList": array(ref("PriceList")),
}
