"""Demo order history for `make run`: shipped orders by the demo shopper, with reviews.

The storefront's product page shows reviews and a rating, and a review needs a SHIPPED order that holds
the variant. So the demo places orders the way a shopper does (cart, addresses, Czech Post and bank
transfer in CZ, checkout) and ships them through the orders service, then reviews what was bought
through the reviews service: the same checks and events as in a live shop, and stock is taken as for
any order. Idempotent: skipped when the shopper has orders already.
"""

from __future__ import annotations

from chalicelib.cart import service as carts
from chalicelib.catalog.products import service as products
from chalicelib.methods.store import read
from chalicelib.orders import checkout
from chalicelib.orders import service as orders
from chalicelib.reviews import service as reviews

SHOPPER = "customer@example.com"
ADDRESS = {"first_name": "Jana", "surname": "Nováková", "street": "Dlouhá 12", "city": "Praha",
           "postal_code": "11000", "country": "CZ"}
SHIPPING_INFO = {**ADDRESS, "email": SHOPPER, "phone": "+420777123456", "additional_info": ""}
BILLING_INFO = {**ADDRESS, "company_name": "", "company_id": "", "vat_number": ""}
# (products by position in the catalog, the ratings they get: 0..100, stars x 20, and the comments)
ORDERS = [
    ((0, 1), (100, 80), ("Great film, the 4K picture is sharp.", "Good, a bit long in the middle.")),
    ((0, 2), (60, 100), ("Fine for a rainy evening.", "We watched it twice!")),
]


def _cz_rows() -> tuple[int | None, int | None]:
    """(Czech Post row in CZ, bank transfer row in CZ offered with it), or Nones."""
    snap = read()
    bank = next((int(r["id"]) for r in snap.rows["payment"].values()
                 if r.get("country") == "CZ" and r.get("api_request") == "BANKTRANSFER_CZK"), None)
    for row in snap.rows["shipping"].values():
        if row.get("country") == "CZ" and bank in [int(p) for p in row.get("payment_methods") or []]:
            return int(row["id"]), bank
    return None, bank


def _in_stock(product: dict) -> dict | None:
    return next((v for v in product.get("variants", []) if int(v.get("stock_quantity") or 0) > 0), None)


def load_orders() -> dict[str, int]:
    created = {"orders": 0, "reviews": 0}
    if orders.user_orders(SHOPPER):
        return created
    shipping_row, payment_row = _cz_rows()
    catalog = [p for p in products.get_many(products.product_ids()[:12]) if p.get("published") and _in_stock(p)]
    if shipping_row is None or payment_row is None or len(catalog) < 3:
        return created
    for positions, ratings, comments in ORDERS:
        bought = [(catalog[i], _in_stock(catalog[i])) for i in positions]
        token = carts.create_cart({"sku": bought[0][1]["sku"], "product": int(bought[0][0]["id"]), "quantity": 1,
                                   "country": "CZ"}, SHOPPER)  # the country's own price list
        for product, variant in bought[1:]:
            carts.add_item(token, {"sku": variant["sku"], "product": int(product["id"]), "quantity": 1,
                                   "country": "CZ"}, SHOPPER)  # the country's own price list
        carts.set_info(token, "shipping_info", SHIPPING_INFO)
        carts.set_info(token, "billing_info", BILLING_INFO)
        carts.set_shipping_method(token, shipping_row)
        carts.set_payment_method(token, payment_row)
        order_token, _status = checkout.place_order({"cart_token": token, "agreed_to_terms": True})
        orders.set_status(order_token, {"status": "SHIPPED"})
        created["orders"] += 1
        for (product, variant), rating, comment in zip(bought, ratings, comments, strict=True):
            reviews.create_review({"order": order_token, "product_id": int(product["id"]),
                                   "product_variant_sku": variant["sku"], "rating": rating, "comment": comment})
            created["reviews"] += 1
    return created
