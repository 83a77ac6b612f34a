"""Price lists (contract P15-P19): exactly one default, and re-saving the default works."""

from __future__ import annotations

import pytest

from chalicelib.catalog.pricelists import service as pricelists
from chalicelib.catalog.pricelists.store import DEFAULT_POINTER
from chalicelib.core.http.errors import ApiError
from chalicelib.core.store import db
from tests.helpers import auth, body, call, make_user


@pytest.fixture
def editor(client, built_once):
    from chalicelib.localization import service as localization

    def build() -> None:
        localization.create_currency({"code": "CZK", "symbol": "Kč", "symbol_position": "AFTER"})
        localization.create_currency({"code": "EUR", "symbol": "€", "symbol_position": "BEFORE"})
        make_user("editor@example.com", "pw", staff=True,
                  permissions=("pricelist_add_permission", "pricelist_change_permission"))

    built_once("price list editor and currencies", build)  # written once per worker, then restored
    return auth("editor@example.com")


def create(client, headers, code, currency="CZK", is_default=False, rounding=False):
    return call(client, "POST", "/product/dashboard/pricelist/", {"code": code, "currency": currency,
                                                                  "is_default": is_default, "rounding": rounding},
                headers=headers)


def defaults(client, headers):
    return [p["code"] for p in body(call(client, "GET", "/product/dashboard/pricelist", headers=headers))
            if p["is_default"]]


def test_p16_p15_first_price_list_becomes_default_and_default_moves(client, editor):
    response = create(client, editor, "CZK_retail")
    assert response.status_code == 201
    created = body(response)
    assert set(created) == {"code", "currency", "is_default", "rounding", "update_at", "create_at"}
    assert created["is_default"] is True  # the first one, even though not asked
    assert body(create(client, editor, "EUR_retail", "EUR", rounding=True))["is_default"] is False
    assert defaults(client, editor) == ["CZK_retail"]
    assert body(create(client, editor, "CZK_b2b", is_default=True))["is_default"] is True
    assert defaults(client, editor) == ["CZK_b2b"]
    assert pricelists.default_code() == "CZK_b2b"


def test_p18_resaving_the_default_works_and_switching_default(client, editor):
    create(client, editor, "CZK_retail")
    create(client, editor, "EUR_retail", "EUR")
    resave = call(client, "PUT", "/product/dashboard/pricelist/CZK_retail/",
                  {"code": "CZK_retail", "currency": "CZK", "is_default": True, "rounding": True}, headers=editor)
    assert resave.status_code == 200 and body(resave)["rounding"] is True and body(resave)["is_default"] is True
    switch = call(client, "PUT", "/product/dashboard/pricelist/EUR_retail",
                  {"code": "EUR_retail", "currency": "EUR", "is_default": True, "rounding": False}, headers=editor)
    assert switch.status_code == 200
    assert defaults(client, editor) == ["EUR_retail"]
    unset = call(client, "PUT", "/product/dashboard/pricelist/EUR_retail",
                 {"code": "EUR_retail", "currency": "EUR", "is_default": False, "rounding": False}, headers=editor)
    assert unset.status_code == 400 and "is_default" in body(unset)


def test_p17_p19_read_and_delete(client, editor):
    create(client, editor, "CZK_retail")
    create(client, editor, "EUR_retail", "EUR")
    assert body(call(client, "GET", "/product/dashboard/pricelist/EUR_retail", headers=editor))["currency"] == "EUR"
    assert call(client, "DELETE", "/product/dashboard/pricelist/CZK_retail/", headers=editor).status_code == 400
    assert call(client, "DELETE", "/product/dashboard/pricelist/EUR_retail/", headers=editor).status_code == 204
    assert call(client, "GET", "/product/dashboard/pricelist/EUR_retail", headers=editor).status_code == 404
    assert [p["code"] for p in body(call(client, "GET", "/product/dashboard/pricelist", headers=editor))] == [
        "CZK_retail"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"code": "X", "currency": "USD"}, "currency"), ({"code": "X", "currency": "CZKK"}, "currency"),
     ({"currency": "CZK"}, "code"), ({"code": "X", "currency": "CZK", "rounding": "often"}, "rounding")],
)
def test_bad_input_names_field_and_writes_nothing(client, editor, payload, field):
    response = call(client, "POST", "/product/dashboard/pricelist", payload, headers=editor)
    assert response.status_code == 400 and field in body(response)
    assert body(call(client, "GET", "/product/dashboard/pricelist", headers=editor)) == []


def test_duplicate_code(client, editor):
    create(client, editor, "CZK_retail")
    response = create(client, editor, "CZK_retail")
    assert response.status_code == 400 and body(response) == {"code": ["price list with this code already exists."]}


def test_resolve_falls_back_to_default(client, editor):
    create(client, editor, "CZK_retail")
    assert pricelists.resolve("nope")["code"] == "CZK_retail"
    assert pricelists.resolve(None)["code"] == "CZK_retail"
    db.delete("main", DEFAULT_POINTER)
    with pytest.raises(ApiError):
        pricelists.resolve(None)
