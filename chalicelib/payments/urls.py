"""The public URLs payments need: this API's root (for gateway pages and callbacks) and the storefront's
order page (where a payer returns to).

The API root is not known ahead: API Gateway stages and custom domains decide it. Routes compute it from
the request with `api_base_url(req)` and pass it on (`service.payment_block(order, api_base_url(req))`).
"""

from __future__ import annotations

from urllib.parse import quote


def api_base_url(req) -> str:
    """This API's public root for a `chalicelib.core.http.routing.Req`: the request URL without the
    route's own path ("https://abc.execute-api.eu-central-1.amazonaws.com/api" behind a stage,
    "http://localhost:8000" locally)."""
    actual = ((req.raw.context or {}).get("path") or req.raw.path or "/").rstrip("/")
    # The route template ("/order/storefront/{token}") has as many segments as the path it matched.
    depth = len([part for part in (req.raw.path or "").split("/") if part])
    segments = actual.split("/")
    prefix = "/".join(segments[: len(segments) - depth]) if depth else actual
    return req.origin() + prefix.rstrip("/")


def storefront_order_url(order_token: str) -> str:
    """The storefront's "order completed" page, which shows the payment block."""
    from chalicelib.notifications.emails.builders import storefront_url

    return f"{storefront_url()}/order/{quote(order_token, safe='')}/completed"
