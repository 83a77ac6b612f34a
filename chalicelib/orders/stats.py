"""Order statistics for the dashboard (contract O2, O3), kept as daily counters.

Each checkout adds to its UTC day's item (keys.day_key: `PK = "STATS"`, `SK = "DAY#<yyyy-mm-dd>"`) in the
order's own transaction (`store.day_figures_write`): `orders`, `items` (pieces), `rev#<currency>` (item
totals incl. VAT, shipping and payment excluded, as the original counts revenue), `cnt#<currency>`
(orders in that currency) and `p#<product id>` (pieces of that product). A cancellation subtracts the
same amounts from the order's day; reopening adds them back. So today's stats are one GetItem and the
month's one Query of 30 items, whatever the number of orders.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chalicelib.core.store.write import Update
from chalicelib.orders import store

MONTH_DAYS = 30
TOP_PRODUCTS = 5


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def order_day(order: dict) -> dt.date:
    return dt.date.fromisoformat(order["create_at"][:10])


def counter_operation(order: dict, sign: int = 1, *, new_order: bool = True) -> Update:
    """The Update adding (sign=1) or removing (sign=-1) an order's figures to its day. An edit of an order
    already counted passes the change of its lines (`new_order=False`): the same order, no order more."""
    per_product: dict[int, int] = {}
    for line in order["lines"]:
        per_product[int(line["product_id"])] = per_product.get(int(line["product_id"]), 0) + int(line["quantity"])
    return store.day_figures_write(order_day(order), order["currency"]["code"], orders=sign if new_order else 0,
                                   items=sign * sum(int(line["quantity"]) for line in order["lines"]),
                                   revenue=sign * Decimal(order["totals"]["items_incl_vat"]),
                                   products={product_id: sign * units for product_id, units in per_product.items()})


def _sum_days(items: list[dict]) -> dict:
    total: dict = {"orders": 0, "items": 0, "revenue": {}, "counts": {}, "products": {}}
    for item in items:
        total["orders"] += int(item.get("orders", 0))
        total["items"] += int(item.get("items", 0))
        for name, value in item.items():
            prefix, _, rest = name.partition("#")
            if prefix == "rev":
                total["revenue"][rest] = total["revenue"].get(rest, Decimal(0)) + Decimal(value)
            elif prefix == "cnt":
                total["counts"][rest] = total["counts"].get(rest, 0) + int(value)
            elif prefix == "p" and rest.isdigit():
                total["products"][int(rest)] = total["products"].get(int(rest), 0) + int(value)
    return total


def _plain(value) -> list[dict]:
    return [{"code": "", "symbol": "", "value": value}]


def _money_entries(total: dict, average: bool) -> list[dict]:
    from chalicelib.localization import service as localization

    entries = []
    for code in sorted(total["revenue"]):
        count = total["counts"].get(code, 0)
        amount = total["revenue"][code]
        if count <= 0:
            continue
        value = amount / count if average else amount
        currency = localization.get_currency(code) or {}
        entries.append({"code": code, "symbol": currency.get("symbol", code),
                        "value": float(round(value, 2))})
    return entries or _plain(0)


def _top_products(products: dict[int, int], limit: int) -> list[dict]:
    from chalicelib.catalog.products import service as catalog_products
    from chalicelib.catalog.products.views import primary_image
    from chalicelib.core.settings import get_settings

    best = sorted(((units, -pid) for pid, units in products.items() if units > 0), reverse=True)[:limit]
    ids = [-negative for _, negative in best]
    found = {int(p["id"]): p for p in catalog_products.get_many(ids)}
    language = get_settings().default_language
    result = []
    for product_id in ids:
        product = found.get(product_id)
        if product is None:
            continue
        image = primary_image(product)
        title = ((product.get("translations") or {}).get(language) or {}).get("title") or ""
        result.append({"title": title, "media": f"/media/{image['key']}" if image else None})
    return result


def _stats(total: dict, top: list[dict]) -> dict:
    orders = total["orders"]
    return {
        "orders_count": _plain(orders),
        "revenue": _money_entries(total, average=False),
        "average_order_value": _money_entries(total, average=True),
        "average_items_per_order": _plain(round(total["items"] / orders, 2) if orders else 0.0),
        "top_selling_products": top,
    }


def today_stats() -> dict:
    """O2. `top_selling_products` is `[null]` without sales, else the one best seller (as the original)."""
    item = store.day_figures(today())
    total = _sum_days([item] if item else [])
    top = _top_products(total["products"], 1)
    return {**_stats(total, top or [None]), "daily_orders_count": []}


def month_stats() -> dict:
    """O3: the last 30 days including today; `daily_orders_count` from today backwards."""
    last = today()
    first = last - dt.timedelta(days=MONTH_DAYS - 1)
    by_day = store.figures_by_day(first, last)
    daily = [int(by_day.get(last - dt.timedelta(days=n), {}).get("orders", 0)) for n in range(MONTH_DAYS)]
    total = _sum_days(list(by_day.values()))
    return {**_stats(total, _top_products(total["products"], TOP_PRODUCTS)), "daily_orders_count": daily}
