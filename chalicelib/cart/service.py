"""Storefront carts (contract K22-K37): what each operation reads, checks and writes.

Every change is a read-modify-write of the one cart item, conditional on its version, retried on a
concurrent change; so a change is whole or absent, never half-written. An address or a method choice
is a single conditional UpdateItem instead (it needs nothing from the cart that a condition cannot
check); what the condition refuses takes the read-modify-write path, from the cart the refusal handed
back. Costs on a warm container (pricing, catalog reference and methods are the container's copies,
core/store/versioned.py), in DynamoDB calls: a new cart with its line 2 (the product, the write), add to
cart 2 (cart and product in one BatchGetItem, the write), an address or a method 1, a quantity 2 (cart
and product in one BatchGetItem when this container knows the SKU's product, else 3), cart read 1.

Differences from the original, on purpose:
* a bad add-to-cart body creates no cart (the original leaves an orphan);
* changing the country or price list re-prices every line in the new one (the original crashes);
* adding a SKU again or changing its quantity re-prices that line, and checkout refuses an order whose
  prices changed since the cart showed them (re-pricing the cart): the original charged a line's first
  price for the cart's 30 days;
* a quantity beyond the stock is refused with a message naming what is left;
* a payment method must belong to the cart's country and be offered with the chosen shipping method;
* an ordered cart can no longer be changed from the storefront.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TypeVar

from chalicelib.cart import lines, store
from chalicelib.cart.schemas import ADD_ITEM, INFO_SCHEMAS, UPDATE_QUANTITY
from chalicelib.catalog import pricing
from chalicelib.catalog.products import service as catalog_products
from chalicelib.catalog.reference.store import catalog_snapshot
from chalicelib.core.http.errors import ApiError, Conflict, ValidationError
from chalicelib.core.settings import get_settings
from chalicelib.core.store.entities import now_iso
from chalicelib.core.store.write import Stale, Update, retrying
from chalicelib.localization import service as localization

CART_MISSING = {"error": "Cart does not exist"}
VARIANT_MISSING = {"error": "Product variant does not exist"}
ORDERED = {"error": "This cart has already been ordered; start a new cart."}
MAX_LINES = 30  # a checkout touches every line's product in one transaction (100 items at most)
ATTEMPTS = 4
T = TypeVar("T")


class Missing(ApiError):
    """404 with an empty body, as K26/K28/K33-K37 answer."""

    def __init__(self):
        super().__init__(None, 404)


# --- reading ---------------------------------------------------------------------------------------

def get_or_404(token: str, body=CART_MISSING) -> dict:
    cart = store.get_cart(token)
    if cart is None:
        raise ApiError(body, 404)
    return cart


def _editable(cart: dict) -> dict:
    if cart.get("order_token"):
        raise ApiError(ORDERED, 400)
    return cart


_UNREAD = object()


def _mutate(token: str, change: Callable[[dict], object], *, missing=CART_MISSING, editable=True, first=_UNREAD):
    """Apply `change` to a fresh copy of the cart and write it; again on a concurrent change. `first`: the
    cart as the caller already read it (None: there is none), used by the first attempt instead of a read."""

    def attempt():
        nonlocal first
        if first is _UNREAD:
            cart = get_or_404(token, missing)
        elif first is None:
            raise ApiError(missing, 404)
        else:
            cart = first
        first = _UNREAD  # another attempt reads the cart again
        if editable:
            _editable(cart)
        before = copy.deepcopy(cart)
        result = change(cart)
        if cart == before:
            return result  # nothing changes (e.g. the dashboard saving the address it read): no write
        cart["update_at"] = now_iso()
        store.save(cart)
        return result

    return _retrying(attempt)


def _retrying(attempt: Callable[[], T]) -> T:
    """Run a read-modify-write of a cart again on a fresh read when another write changed the cart
    meanwhile (store.CartChanged); 409 after the last attempt."""
    try:
        return retrying(attempt, attempts=ATTEMPTS, again=lambda error: isinstance(error, store.CartChanged))
    except Stale:
        raise Conflict("The cart changed meanwhile; try again.") from None


# --- pricing context -------------------------------------------------------------------------------

def _language_of(context: pricing.Pricing) -> str:
    return _language_for(context.country)


def _language_for(country: dict | None) -> str:
    """The language of a cart in this country: its locale when the shop has it, else the default."""
    settings = get_settings()
    locale = (country or {}).get("locale") or ""
    return locale if locale in settings.languages else settings.default_language


def _country_item(country_code: str) -> dict | None:
    """The live country of this code, from the container's copy of PRICING (None when unknown)."""
    from chalicelib.catalog.reference.store import pricing_items
    from chalicelib.localization.service import PricingPlace

    country = PricingPlace(pricing_items(), country_code).country
    return country if country and country.get("code") == country_code else None


def _apply_context(cart: dict, context: pricing.Pricing) -> None:
    cart["country"] = (context.country or {}).get("code")
    cart["pricelist"] = context.price_list["code"]
    cart["currency"] = {k: context.currency.get(k) for k in ("code", "symbol", "symbol_position")}
    cart["rounding"] = context.rounding
    cart["language"] = _language_of(context)


def _context_changes(cart: dict, context: pricing.Pricing) -> bool:
    return (cart.get("pricelist") != context.price_list["code"]
            or cart.get("country") != (context.country or {}).get("code"))


def _reprice(cart: dict, context: pricing.Pricing, snapshot: dict, known: dict[int, dict]) -> None:
    """Every line priced again in the new country and price list; methods of another country dropped."""
    missing = [int(line["product_id"]) for line in cart.get("lines", []) if int(line["product_id"]) not in known]
    known.update({int(p["id"]): p for p in catalog_products.get_many(missing)})
    language = _language_of(context)
    repriced = []
    for line in cart.get("lines", []):
        product = known.get(int(line["product_id"]))
        variant = lines.find_variant(product, line["sku"]) if product else None
        if variant is None:
            continue  # the product is gone: the line goes with it
        repriced.append({**line, **lines.price_line(product, variant, context, snapshot, language)})
    cart["lines"] = repriced
    new_country = (context.country or {}).get("code")
    for name in ("shipping_method_country", "payment_method_country"):
        method = cart.get(name)
        if method and (method.get("country") not in (None, new_country)
                       or method.get("currency") not in (None, context.currency.get("code"))):
            cart.pop(name)


# --- K22 / K24: add ---------------------------------------------------------------------------------

def _available(variant: dict) -> int:
    return int(variant.get("stock_quantity") or 0)


def _check_stock(variant: dict, quantity: int) -> None:
    available = _available(variant)
    if quantity > available:
        raise ValidationError.field("quantity", f"Only {available} pieces of {variant['sku']} are in stock."
                                    if available > 0 else f"{variant['sku']} is out of stock.")


def _add_line(cart: dict, item: dict, product: dict | None) -> int:
    """Add or increment the line; answers the status (201 new line, 200 incremented)."""
    if product is None or not product.get("published"):
        raise ApiError(VARIANT_MISSING, 404)
    _learn(product)
    variant = lines.find_variant(product, item["sku"])
    if variant is None:
        raise ApiError(VARIANT_MISSING, 404)
    country = item.get("country") or cart.get("country")
    # A new country without a price list takes the country's own, not the cart's (another currency).
    same_country = not item.get("country") or localization.normalize_code(item["country"], 2) == cart.get("country")
    price_list = item.get("pricelist") or (cart.get("pricelist") if same_country else None)
    context = pricing.load_for_cart(country, price_list)
    snapshot = catalog_snapshot()
    if cart.get("lines") and _context_changes(cart, context):
        _reprice(cart, context, snapshot, {int(product["id"]): product})
    _apply_context(cart, context)
    current = next((line for line in cart.setdefault("lines", []) if line["sku"] == item["sku"]), None)
    if current is not None:
        # Every change re-prices the line it changes (the original kept the first price for ever): the
        # cart shows what the order will charge.
        _check_stock(variant, int(current["quantity"]) + item["quantity"])
        current.update(lines.price_line(product, variant, context, snapshot, cart["language"]))
        current["quantity"] = int(current["quantity"]) + item["quantity"]
        return 200
    if len(cart["lines"]) >= MAX_LINES:
        raise ValidationError.field("sku", f"A cart holds at most {MAX_LINES} different products.")
    priced = lines.price_line(product, variant, context, snapshot, cart["language"])
    _check_stock(variant, item["quantity"])
    line_id = int(cart.get("next_line_id", 1))
    cart["next_line_id"] = line_id + 1
    cart["lines"].append({"id": line_id, "quantity": item["quantity"], **priced})
    return 201


def _product_for(item: dict) -> dict | None:
    if item.get("product") is not None:
        return catalog_products.get_product(item["product"])
    found = catalog_products.find_variant(item["sku"])
    return found[0] if found else None


def create_cart(body, user_email: str | None) -> str:
    """K22: an empty cart, or one with its first line; nothing is stored when the line is refused."""
    if not isinstance(body, dict):  # no body at all reads as {}; a JSON null, list or string is refused
        raise ValidationError({"non_field_errors": ["Invalid data. Expected a dictionary, but got "
                                                    f"{type(body).__name__}."]})
    item = ADD_ITEM.validate(body) if body else None
    stamp = now_iso()
    cart = {"token": store.new_token(), "create_at": stamp, "update_at": stamp, "user": user_email, "lines": [],
            "next_line_id": 1}
    cart.update(store.cart_key(cart["token"]))
    if item is None:
        context = pricing.load(None, None)
        _apply_context(cart, context)
    else:
        _add_line(cart, item, _product_for(item))
    store.save(cart, new=True)
    return cart["token"]


def add_item(token: str, body, user_email: str | None) -> int:
    """K24: 201 for a new line, 200 when the SKU was already in the cart."""
    item = ADD_ITEM.validate(body)

    def attempt() -> int:
        cart, product = _cart_and_product(token, item)
        _editable(cart)
        status = _add_line(cart, item, product)
        if user_email and not cart.get("user"):
            cart["user"] = user_email
        cart["update_at"] = now_iso()
        store.save(cart)
        return status

    return _retrying(attempt)


def _cart_and_product(token: str, item: dict) -> tuple[dict, dict | None]:
    """The cart and the product, in one BatchGetItem when the body names the product."""
    if not store.valid_token(token):
        raise ApiError(CART_MISSING, 404)
    if item.get("product") is None:
        return get_or_404(token), _product_for(item)
    try:
        product_id = int(item["product"])
    except (TypeError, ValueError):
        raise ValidationError.field("product", "A valid integer is required.") from None
    cart, product = store.get_cart_and_product(token, product_id)
    if cart is None:
        raise ApiError(CART_MISSING, 404)
    return cart, None if product is None or product.get("safe_deleted") else product


# --- K26 / K37: quantity and removal ----------------------------------------------------------------

def _line(cart: dict, sku: str) -> dict:
    line = next((line for line in cart.get("lines", []) if line["sku"] == sku), None)
    if line is None:
        raise Missing()
    return line


# SKU -> product id of the products this container read (a cart line names its product only inside the
# cart): update-quantity reads the cart and that product in one BatchGetItem when the SKU is known here,
# and checks the guess against the line (a wrong or missing guess costs the one GetItem it always cost).
_SKU_PRODUCT: dict[str, int] = {}
_SKU_PRODUCT_MAX = 50_000


def _learn(product: dict) -> None:
    if len(_SKU_PRODUCT) >= _SKU_PRODUCT_MAX:
        _SKU_PRODUCT.clear()
    for variant in product.get("variants", []):
        _SKU_PRODUCT[variant["sku"]] = int(product["id"])


def update_quantity(token: str, body) -> None:
    data = UPDATE_QUANTITY.validate(body)
    first, known = _UNREAD, {}
    guess = _SKU_PRODUCT.get(data["sku"])
    if guess is not None and store.valid_token(token):
        first, known[guess] = store.get_cart_and_product(token, guess, consistent=True)

    def change(cart: dict) -> None:
        line = _line(cart, data["sku"])
        product_id = int(line["product_id"])
        # The first attempt's product when the guess was right; a retry reads it again.
        found = known.pop(product_id) if product_id in known else catalog_products.get_product(product_id)
        if found is not None and found.get("safe_deleted"):
            found = None
        if found is not None:
            _learn(found)
        variant = lines.find_variant(found, data["sku"]) if found and found.get("published") else None
        if variant is not None:
            if data["quantity"] > int(line["quantity"]):
                _check_stock(variant, data["quantity"])
            # The changed line is re-priced (the original kept the price it was added at, contract K26).
            context = pricing.load_for_cart(cart.get("country"), cart.get("pricelist"))
            line.update(lines.price_line(found, variant, context, catalog_snapshot(), cart.get("language") or "en"))
        line["quantity"] = data["quantity"]

    _mutate(token, change, missing=None, first=first)


def remove_line(token: str, sku: str) -> None:
    def change(cart: dict) -> None:
        line = _line(cart, sku)
        cart["lines"] = [entry for entry in cart["lines"] if entry is not line]

    _mutate(token, change, missing=None)


# --- K28 / K29: addresses ---------------------------------------------------------------------------

def _country_known(code: str) -> bool:
    """A live country, from the container's copy of PRICING (no call while it is unchanged)."""
    from chalicelib.catalog.reference.store import pricing_items
    from chalicelib.localization.store import COUNTRIES

    return any(COUNTRIES.owns(item) and item.get("code") == code and not item.get("safe_deleted")
               for item in pricing_items())


def clean_info(name: str, body, *, cached: bool = False) -> dict:
    """The validated address; `cached`: its country checked against the container's copy of the
    countries (core/store/versioned.py) instead of a GetItem."""
    data = INFO_SCHEMAS[name].validate(body)
    code = localization.normalize_code(data.get("country"), 2)
    known = code is not None and (_country_known(code) if cached else localization.get_country(code) is not None)
    if not known:
        raise ValidationError.field("country", f'Invalid pk "{data.get("country")}" - object does not exist.')
    data["country"] = code
    return data


def set_info(token: str, name: str, body) -> None:
    """One UpdateItem when the cart is there, editable and gets another address; otherwise the careful
    path (from the cart the refused update handed back) answers 404, 400, or writes nothing."""
    info = {"id": 1, **clean_info(name, body, cached=True)}
    written, first = store.update_fields(token, {name: info, "update_at": now_iso()},
                                         condition="attribute_not_exists(#info) OR #info <> :info",
                                         names={"#info": name}, values={":info": info})
    if written:
        return

    def change(cart: dict) -> None:
        cart[name] = info

    _mutate(token, change, missing=None, first=first)


# --- K33-K36: methods -------------------------------------------------------------------------------

def freeze_method(kind: str, row: dict, language: str, origin: str | None = None) -> dict:
    """The method as the cart (and later the order) keeps it: texts, image, prices in cents."""
    from chalicelib.core import money
    from chalicelib.methods import service as methods

    frozen = methods.snapshot(kind, row, language, origin)
    # The customer pays whole cents: the gross price is rounded once, here, like the lines' prices.
    frozen["price_incl_vat"] = money.quantize(frozen["price_incl_vat"])
    frozen["price_without_vat"] = money.quantize(frozen["price_without_vat"])
    return frozen


def _offered_row(kind: str, row_id) -> dict | None:
    """The method row as a shop offers it (active or not), from the container's copy of the METHODS
    partition: a choice made from a copy a second old is checked again, consistently, at checkout."""
    from chalicelib.methods import service as methods

    try:
        row_id = int(row_id)
    except (TypeError, ValueError):
        return None
    return (methods.get_shipping_country if kind == "shipping" else methods.get_payment_country)(row_id, cached=True)


def _usable_row(kind: str, row_id, cart: dict) -> dict:
    row = _offered_row(kind, row_id)
    if row is None:
        raise Missing()
    if not row.get("is_active", True):
        raise ApiError({"error": f"This {kind} method is not available."}, 400)
    country, currency = cart.get("country"), (cart.get("currency") or {}).get("code")
    if country and row.get("country") != country:
        raise ApiError({"error": f"This {kind} method is not offered in {country}."}, 400)
    if currency and row.get("currency") != currency:
        # One currency per cart: a method priced in another would be added to the total unconverted.
        raise ApiError({"error": f"This {kind} method is priced in {row.get('currency')}; the cart is in {currency}."},
                       400)
    return row


# A method choice is one UpdateItem when the cart is where the row is offered (country, currency) and in
# the language that country's carts take; anything else (no such cart, ordered, another country, a
# payment to drop, the same choice again) is refused by the condition and takes the careful path below
# from the cart the refused update handed back, which answers the same errors as before or writes.
_SAME_PLACE = "#country = :country AND #currency.#code = :currency AND #language = :language"


def _choose_at_once(token: str, kind: str, row: dict | None, origin: str | None, condition: str,
                    names: dict, values: dict):
    """(True, None) when the one UpdateItem chose the method; else (False, the cart as it was, or None
    when there is none); (False, _UNREAD) when the row cannot be chosen anywhere (the careful path says why)."""
    if row is None or not row.get("is_active", True):
        return False, _UNREAD
    language = _language_for(_country_item(row["country"]))
    frozen = freeze_method(kind, row, language, origin)
    name = f"{kind}_method_country"
    return store.update_fields(
        token, {name: frozen, "update_at": now_iso()},
        condition=f"{_SAME_PLACE} AND ({condition}) AND (attribute_not_exists(#chosen) OR #chosen <> :chosen)",
        names={"#country": "country", "#currency": "currency", "#code": "code", "#language": "language",
               "#chosen": name, **names},
        values={":country": row["country"], ":currency": row["currency"], ":language": language, ":chosen": frozen,
                **values})


def _cart_from(token: str, first) -> dict:
    """The cart a refused update handed back (404 when there is none), or read now."""
    if first is _UNREAD:
        return get_or_404(token, None)
    if first is None:
        raise ApiError(None, 404)
    return first


def set_shipping_method(token: str, row_id, origin: str | None = None) -> None:
    row = _offered_row("shipping", row_id)
    offered = {f":offered{index}": int(i) for index, i in enumerate((row or {}).get("payment_methods") or [])}
    if len(offered) > 99:  # DynamoDB's IN takes 100 operands: a chosen payment then takes the careful path
        offered = {}
    keeps_payment = "attribute_not_exists(#payment)" + (f" OR #payment.#id IN ({', '.join(offered)})"
                                                        if offered else "")
    written, first = _choose_at_once(token, "shipping", row, origin, keeps_payment,
                                     {"#payment": "payment_method_country", "#id": "id"}, offered)
    if written:
        return
    cart = _cart_from(token, first)
    row = _usable_row("shipping", row_id, cart)

    def change(cart: dict) -> None:
        cart["shipping_method_country"] = freeze_method("shipping", row, cart.get("language") or "en", origin)
        payment = cart.get("payment_method_country")
        if payment and int(payment["id"]) not in cart["shipping_method_country"]["payment_methods"]:
            cart.pop("payment_method_country")  # no longer offered with the new shipping method

    _mutate(token, change, missing=None, first=cart)


def set_payment_method(token: str, row_id, origin: str | None = None) -> None:
    row = _offered_row("payment", row_id)
    written, first = _choose_at_once(token, "payment", row, origin, "contains(#shipping.#offered, :row)",
                                     {"#shipping": "shipping_method_country", "#offered": "payment_methods"},
                                     {":row": int(row["id"])} if row else {})
    if written:
        return
    cart = _cart_from(token, first)
    row = _usable_row("payment", row_id, cart)
    shipping = cart.get("shipping_method_country")
    if shipping is None:
        raise ApiError({"error": "Choose a shipping method first."}, 400)
    if int(row["id"]) not in [int(i) for i in shipping.get("payment_methods") or []]:
        raise ApiError({"error": "This payment method is not offered with the chosen shipping method."}, 400)

    def change(cart: dict) -> None:
        if (cart.get("shipping_method_country") or {}).get("id") != shipping["id"]:
            raise ApiError({"error": "The shipping method changed meanwhile; choose the payment again."}, 400)
        cart["payment_method_country"] = freeze_method("payment", row, cart.get("language") or "en", origin)

    _mutate(token, change, missing=None, first=cart)


# --- for orders: checkout and the dashboard's edits of an ordered cart ------------------------------
# The orders package reads and writes carts through these, never through cart/store.py's items.

CartChanged = store.CartChanged


def read_cart(token: str) -> dict | None:
    """The cart as stored (a consistent read), or None when there is no such cart."""
    return store.get_cart(token)


def save_cart(cart: dict) -> None:
    """Write back a cart read with `read_cart`; `CartChanged` when someone wrote it since."""
    store.save(cart)


def ordered_operation(cart: dict, order_token: str) -> Update:
    """The transaction write that marks `cart` ordered by `order_token` (checkout writes it with the order)."""
    return store.ordered_write(cart, order_token)
