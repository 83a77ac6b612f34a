"""JSON Schemas (draft 2020-12) of what the payments routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, STRING, array, obj

SCHEMAS = {
    "OrderPayment": obj(
        status=STRING,
        method=STRING,
        payment_type=STRING,
        payment_id=STRING,
        amount=STRING,
        currency=STRING,
        create_at=STRING,
        update_at=STRING,
        checked_at=STRING,
        history=array(obj(status=STRING, at=STRING, source=STRING)),
    ),
    "PaymentCallbackResult": obj(payment_id=STRING, status=STRING, changed=BOOLEAN),
    "PaymentModuleList": array(obj(key=STRING, implementation=STRING, payment_type=STRING)),
}
