"""Request bodies of the cart routes (contract K22-K31)."""

from chalicelib.core.http.validation import Integer, Schema, String
from chalicelib.localization.schemas import BILLING_INFO, SHIPPING_INFO

MAX_QUANTITY = 1000

ADD_ITEM = Schema(
    "CartItemAdd",
    sku=String(max_length=255),
    quantity=Integer(min_value=1, max_value=MAX_QUANTITY),
    # The product id saves a lookup by SKU; the storefront always sends it.
    product=Integer(required=False, allow_null=True),
    pricelist=String(required=False, allow_null=True, max_length=255),
    country=String(required=False, allow_null=True, max_length=2),
)

UPDATE_QUANTITY = Schema(
    "CartItemQuantity",
    sku=String(max_length=255),
    quantity=Integer(min_value=1, max_value=MAX_QUANTITY),
)

INFO_SCHEMAS = {"billing_info": BILLING_INFO, "shipping_info": SHIPPING_INFO}

# K22: no body or `{}` makes an empty cart, a line's body makes the cart with that line.
NEW_CART = {"oneOf": [{"type": "object", "maxProperties": 0}, ADD_ITEM.json_schema()]}
