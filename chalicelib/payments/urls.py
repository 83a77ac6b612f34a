"""The public URLs payments need: this API's root (for gateway pages and callbacks) and the storefront's
order page (where a payer returns to).

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

import logging
from urllib.parse import quote

LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
logger = logging.getLogger(__name__)


def api_base_url(req) -> str | None:
    """This API's public root for a `chalicelib.core.http.routing.Req`, without a trailing slash
    ("https://abc.execute-api.eu-central-1.amazonaws.com/api" behind a stage, "http://localhost:8000"
    locally), or None when no trustworthy root is known (see the module's docstring)."""
    from chalicelib.core.settings import get_settings

    configured = get_settings().public_api_url
    if configured:
        return configured
    context = req.raw.context or {}
    actual = (context.get("path") or req.raw.path or "/").rstrip("/")
    # The route template ("/order/storefront/{token}") has as many segments as the path it matched.
    depth = len([part for part in (req.raw.path or "").split("/") if part])
    segments = actual.split("/")
    prefix = "/".join(segments[: len(segments) - depth]) if depth else actual
    if context.get("domainName"):
        return f"https://{context['domainName']}" + prefix.rstrip("/")
    host = (req.headers.get("host") or "localhost").strip()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if name.lower() not in LOOPBACK:
        logger.warning("no public API URL: set PUBLIC_API_URL (the Host %r is not trusted for payment URLs)", host)
        return None
    return f"http://{host}" + prefix.rstrip("/")


def storefront_order_url(order_token: str) -> str:
    """The storefront's "order completed" page, which shows the payment block."""
    from chalicelib.notifications.emails.builders import storefront_url

    return f"{storefront_url()}/order/{quote(order_token, safe='')}/completed"
