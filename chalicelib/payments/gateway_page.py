"""The TestGateway's hosted page: what a tester sees at the `payment_url`, and the page after choosing."""

from __future__ import annotations

from html import escape

from chalicelib.payments.urls import storefront_order_url

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}"
          "button{font-size:1rem;padding:.6rem 1.4rem;margin-right:.6rem;cursor:pointer}"
          ".paid{background:#1b873f;color:#fff;border:0}.failed{background:#b42318;color:#fff;border:0}")


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style>'
            f"</head><body><h1>{escape(title)}</h1>{body}</body></html>")


def _amount(order: dict) -> str:
    totals = order.get("totals") or {}
    amount = totals.get("total_incl_vat")
    currency = (order.get("currency") or {}).get("code") or ""
    return f"{amount:.2f} {currency}" if amount is not None else ""


def choose(order: dict, payment_id: str, status: str) -> str:
    """The page with the Pay / Fail buttons (they POST `result=paid|failed` to the same URL)."""
    body = (f"<p>Order <strong>{escape(str(order.get('number', '')))}</strong>, "
            f"amount <strong>{escape(_amount(order))}</strong>.</p>"
            f"<p>Payment <code>{escape(payment_id)}</code> is {escape(status)}.</p>"
            '<form method="post">'
            '<button class="paid" type="submit" name="result" value="paid">Pay</button>'
            '<button class="failed" type="submit" name="result" value="failed">Fail</button>'
            "</form><p><small>Test gateway: no money moves.</small></p>")
    return _page("Test payment gateway", body)


def done(order: dict, status: str) -> str:
    """The page after a choice, with the link back to the storefront's order page."""
    back = storefront_order_url(str(order["token"]))
    body = (f"<p>The payment is <strong>{escape(status)}</strong>.</p>"
            f'<p><a href="{escape(back)}">Return to the shop</a></p>')
    return _page("Test payment gateway", body)
