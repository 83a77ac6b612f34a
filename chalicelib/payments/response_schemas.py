"""JSON Schemas (draft 2020-12) of what the payments routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, STRING, array, nullable, obj

SCHEMAS = {
    # payment_summary(): every field but the history is null for an order whose payment never started.
    "OrderPayment": obj(
        status=nullable(STRING),
        method=nullable(STRING),
        payment_type=nullable(STRING),
        payment_id=nullable(STRING),
        amount=nullable(STRING),
        currency=nullable(STRING),
        create_at=nullable(STRING),
        update_at=nullable(STRING),
        checked_at=nullable(STRING),
        history=array(obj(status=STRING, at=STRING, source=STRING)),
    ),
    "PaymentCallbackResult": obj(payment_id=STRING, status=STRING, changed=BOOLEAN),
    "PaymentModuleList": array(obj(key=STRING, implementation=STRING, payment_type=STRING)),
}
