"""The public URLs payments need: this API's root (for gateway pages and callbacks; computed by
`chalicelib.core.http.routing.api_base_url`) and the storefront's order page (where a payer returns to).

Routes compute the API root with `api_base_url(req)` and pass it on (`service.payment_block(order,
api_base_url(req))`). Payment URLs are stored with the payment and sent to gateways, so the root never comes
from a header a client chooses (a `Host: evil.example` once stored `https://evil.example/payments/...` for
every later reader). In order: the stage's `PUBLIC_API_URL`; else the domain API Gateway routed the request
on (its request context) with the stage's path; else, off API Gateway (the local server, tests), the Host
header only when it names this machine (loopback). Otherwise there is no root (None): methods that need
one (gateway pages, callbacks) fail to start and the order page shows no payment data, while a QR bank
transfer, which needs no URL, still works.
"""

from __future__ import annotations

from urllib.parse import quote

# The API root is an HTTP matter the orders package needs too (the order page, O10): it lives in core.
from chalicelib.core.http.routing import LOOPBACK, api_base_url  # noqa: F401 - this module's callers use it


def storefront_order_url(order_token: str) -> str:
    """The storefront's "order completed" page, which shows the payment block."""
    from chalicelib.notifications.emails.builders import storefront_url

    return f"{storefront_url()}/order/{quote(order_token, safe='')}/completed"
