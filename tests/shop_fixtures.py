"""A shop ready to sell, for cart, checkout and order tests: the test catalog plus countries with VAT,
products with stock, and shipping/payment methods bound per country (written through the services)."""

from __future__ import annotations

from chalicelib.localization import service as localization
from tests.catalog_fixtures import build_catalog, create_cz_and_sk, product_payload
from tests.helpers import body, call

ADMIN = "shop-admin@example.com"


def admin_headers() -> dict:
    from chalicelib.users import store
    from tests.helpers import auth, make_user

    if store.get_user(ADMIN) is None:
        make_user(ADMIN, staff=True, admin=True)
    return auth(ADMIN)


def build_shop(client) -> dict:
    """CZ (CZK_retail, no rounding, 21 % VAT) and SK (EUR_retail, rounding, 20 % VAT); product "Heat"
    (HEAT-EN: 150 CZK -25 % / 4.80 EUR, stock 10; HEAT-CS: 100 CZK, stock 0)."""
    ids = build_catalog()
    create_cz_and_sk()
    ids["vat_cz"] = localization.create_vat_group({"name": "Standard", "rate": "21", "country": "CZ",
                                                   "is_default": True})["id"]
    ids["vat_sk"] = localization.create_vat_group({"name": "Standard", "rate": "20", "country": "SK",
                                                   "is_default": True})["id"]
    response = call(client, "POST", "/product/dashboard/detail/", product_payload(ids, "HEAT", "Heat"), admin_headers())
    assert response.status_code == 201, response.body
    ids["heat"] = body(response)["id"]
    return ids


def add_methods(client, headers: dict, ids: dict) -> dict:
    """Through the dashboard API (K2, K4, K7, K14, K16, K19), per country: "Post" shipping (CZ 100 CZK net,
    SK 4 EUR) offering "Transfer" (CZ 0, SK 0.50 EUR) and "Cash" (CZ 20 CZK); answers the row ids."""

    def method(kind: str, titles: dict) -> int:
        method_id = body(call(client, "POST", f"/cart/dashboard/{kind}/method/", {}, headers))["id"]
        response = call(client, "PUT", f"/cart/dashboard/{kind}/method/{method_id}/",
                        {"translations": {lang: {"title": title, "description": ""} for lang, title in titles.items()}},
                        headers)
        assert response.status_code == 200, response.body
        return method_id

    def row(kind: str, method_id: int, fields: dict) -> int:
        response = call(client, "POST", f"/cart/dashboard/{kind}/method/{method_id}/country/",
                        {f"{kind}_method": method_id, "is_active": True, **fields}, headers)
        assert response.status_code == 201, response.body
        return body(response)["id"]

    post = method("shipping", {"en": "Post", "cs": "Pošta"})
    transfer = method("payment", {"en": "Transfer", "cs": "Převod"})
    cash = method("payment", {"en": "Cash", "cs": "Dobírka"})
    cz = {"country": "CZ", "currency": "CZK", "vat_group": ids["vat_cz"]}
    sk = {"country": "SK", "currency": "EUR", "vat_group": ids["vat_sk"]}
    rows = {"transfer_cz": row("payment", transfer, {**cz, "price": "0", "api_request": None}),
            "cash_cz": row("payment", cash, {**cz, "price": "20", "api_request": None}),
            "transfer_sk": row("payment", transfer, {**sk, "price": "0.50", "api_request": None})}
    rows["post_cz"] = row("shipping", post, {**cz, "price": "100",
                                             "payment_methods": [rows["transfer_cz"], rows["cash_cz"]]})
    rows["post_sk"] = row("shipping", post, {**sk, "price": "4", "payment_methods": [rows["transfer_sk"]]})
    return rows


def shop_with_methods(client, built_once) -> dict:
    """build_shop with add_methods' rows (ids["rows"]), written once per worker, then restored (built_once):
    the test files that need exactly this shop share one snapshot."""

    def build() -> dict:
        ids = build_shop(client)
        ids["rows"] = add_methods(client, admin_headers(), ids)
        return ids

    return built_once("shop with methods", build)
