"""What a lower package calls and a package above it provides (dependency inversion).

The feature packages are layered in a line (tests/contract/test_import_layers.py holds it): a package
imports only the ones below it, and notifications only core. A few calls go the other way: an order's
page shows its payment, which the payments package (above orders) works out; a category page sorted by
recommendation asks the recommender (above the catalog); a payment method names a key of the payment
configuration, which the payments package (above methods) loads; an e-mail names the order's country,
which localization knows. The lower package names the service it needs here, and app.py, which imports
every package, says which module provides it:

    providers.provide(providers.ORDER_PAYMENTS, "chalicelib.payments.service")   # app.py
    providers.provided(providers.ORDER_PAYMENTS).payment_block(order, base_url)  # orders/service.py

A provider is a module name, imported on first use like a route's service (core/lazy.py): wiring it at
app start imports nothing.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.lazy import lazy_module

# What the lower packages ask for, and what the provider module must offer.
ORDER_PAYMENTS = "order payments"  # payment_block(order, base_url), payment_summary(order): orders <- payments
CATEGORY_RANKER = "category ranker"  # rank(category_id, product_ids, session, shopper): catalog <- recommender
PAYMENT_KEYS = "payment keys"  # is_known_key(key), of the payment configuration: methods <- payments
COUNTRIES = "countries"  # get_country(code), for an e-mail's country name: notifications <- localization
EVENT_PAYLOADS = "event payloads"  # the payload types, registering their checks when loaded: core <- events

_PROVIDERS: dict[str, Any] = {}


def provide(name: str, module: str) -> None:
    """`module` (imported when first used) provides the service `name`."""
    _PROVIDERS[name] = lazy_module(module)


def is_provided(name: str) -> bool:
    return name in _PROVIDERS


def provided(name: str) -> Any:
    """The module providing `name`; a LookupError naming it when nothing was wired (app.py wires them)."""
    try:
        return _PROVIDERS[name]
    except KeyError:
        raise LookupError(f"nothing provides the {name!r} service: app.py wires it with providers.provide()") \
            from None
