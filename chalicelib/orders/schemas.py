"""Request bodies of the order routes (contract O4, O6, O7, O9), light enough to import with the routes."""

from chalicelib.core.http.validation import Boolean, Choice, Integer, Schema, String

ORDER_STATUSES = ("PENDING", "PROCESSING", "SHIPPED", "CANCELLED")
COMPLAINT_TYPES = ("RETURN", "WARRANTY_CLAIM")
COMPLAINT_STATUSES = ("CREATED", "APPROVED", "DECLINED")

CHECKOUT = Schema(
    "OrderCreate",
    cart_token=String(max_length=64),
    marketing_flag=Boolean(required=False, default=False),
    agreed_to_terms=Boolean(required=False, default=False),
    session_id=String(required=False, allow_null=True, allow_blank=True, max_length=255),
)


def _checkout_document() -> dict:
    """What a checkout that can succeed sends: the terms agreed to. A missing or false `agreed_to_terms` is the
    contract's own 400 `{"error": "You must agree to the terms"}` (O7), not a field error, so the schema above
    leaves it optional while the document says it is needed."""
    schema = CHECKOUT.json_schema()
    schema["properties"]["agreed_to_terms"] = {"const": True}
    return {**schema, "required": [*schema["required"], "agreed_to_terms"]}


CHECKOUT_DOCUMENT = _checkout_document()

ORDER_STATUS = Schema("OrderStatus", status=Choice(ORDER_STATUSES))

COMPLAINT = Schema(
    "OrderItemComplaint",
    cart_item=Integer(min_value=1),
    order=String(max_length=64),
    description=String(max_length=5000),
    type=Choice(COMPLAINT_TYPES),
)
COMPLAINT_STATUS = Schema("OrderItemComplaintStatus", status=Choice(COMPLAINT_STATUSES))
