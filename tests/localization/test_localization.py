"""`country/...` routes (contract table 1.8, rows L1-L25): countries, currencies, VAT groups, languages
and the shopper's address book. Each test names the contract rows it covers."""

from __future__ import annotations

import pytest

from chalicelib.core.store import db
from tests.helpers import auth, body, call, make_user, table_items

CZ = {"code": "CZ", "name": "Czechia", "locale": "cs", "default_price_list": "CZK"}
COUNTRY_KEYS = ["code", "name", "locale", "default_price_list", "update_at", "create_at"]


@pytest.fixture
def shopper(client):
    make_user("shopper@example.com", "pw")
    return auth("shopper@example.com")


def create_country(client, headers, **fields):
    response = call(client, "POST", "/country/", {**CZ, **fields}, headers=headers)
    assert response.status_code == 201, response.body
    return body(response)


def create_vat(client, headers, **fields):
    payload = {"name": "Standard", "rate": "21", "country": "CZ", "is_default": False, **fields}
    response = call(client, "POST", "/country/vat-group/", payload, headers=headers)
    assert response.status_code == 201, response.body
    return body(response)


def defaults_of(client, headers, country: str) -> list[int]:
    groups = body(call(client, "GET", "/country/vat-group/", headers=headers))
    return [g["id"] for g in groups if g["country"] == country and g["is_default"]]


# --- countries -------------------------------------------------------------------------------------

def test_L6_create_country_and_L5_L1_L3_read_it(client, admin, staff):
    created = create_country(client, admin)
    assert list(created) == COUNTRY_KEYS
    assert {k: created[k] for k in ("code", "name", "locale", "default_price_list")} == CZ
    assert created["create_at"] and created["update_at"]

    listed = call(client, "GET", "/country/", headers=staff)  # L5: dashboard list
    assert listed.status_code == 200 and body(listed) == [created]
    storefront = call(client, "GET", "/country/storefront/")  # L1: public
    assert storefront.status_code == 200 and body(storefront) == [created]
    detail = call(client, "GET", "/country/storefront/CZ/")  # L3: public
    assert detail.status_code == 200 and body(detail) == created
    assert body(call(client, "GET", "/country/CZ", headers=staff)) == created  # L7 GET


@pytest.mark.parametrize("path", ["/country/storefront/XX/", "/country/storefront/XX", "/country/storefront/C1",
                                  "/country/storefront/toolong"])
def test_L3_unknown_country_is_404(client, path):
    response = call(client, "GET", path)
    assert response.status_code == 404 and body(response) == {"detail": "Not found."}


@pytest.mark.parametrize("path", ["/country/storefront", "/country/storefront/", "/country/storefront/cz",
                                  "/country/storefront/CZ/"])
def test_L1_L3_trailing_slash_optional_and_code_case_insensitive(client, admin, path):
    create_country(client, admin)
    response = call(client, "GET", path)
    assert response.status_code == 200
    data = body(response)
    assert (data[0] if isinstance(data, list) else data)["code"] == "CZ"


def test_L1_list_is_ordered_by_code_and_lowercase_code_is_stored_upper(client, admin):
    create_country(client, admin, code="sk", name="Slovakia", default_price_list=None)
    create_country(client, admin)
    assert [c["code"] for c in body(call(client, "GET", "/country/storefront"))] == ["CZ", "SK"]
    assert body(call(client, "GET", "/country/storefront/SK"))["default_price_list"] is None


def test_L1_L3_storefront_still_rejects_a_bad_token(client):
    response = call(client, "GET", "/country/storefront/", headers={"Authorization": "JWT not-a-token"})
    assert response.status_code == 401 and body(response)["code"] == "token_not_valid"


def test_L6_duplicate_code_is_400(client, admin):
    create_country(client, admin)
    before = table_items()
    response = call(client, "POST", "/country/", {**CZ, "name": "Again"}, headers=admin)
    assert response.status_code == 400
    assert body(response) == {"code": ["country with this code already exists."]}
    assert table_items() == before


@pytest.mark.parametrize(("payload", "field"), [
    ({**CZ, "code": "CZE"}, "code"),
    ({**CZ, "code": "C"}, "code"),
    ({**CZ, "code": "C1"}, "code"),
    ({**CZ, "locale": "de"}, "locale"),  # not a shop language
    ({**CZ, "locale": "ces"}, "locale"),
    ({**CZ, "name": "x" * 201}, "name"),
    ({**CZ, "name": ""}, "name"),
    ({**CZ, "default_price_list": "P" * 51}, "default_price_list"),
    ({"code": "CZ", "name": "Czechia"}, "locale"),
])
def test_L6_bad_input_is_400_naming_the_field_and_writes_nothing(client, admin, payload, field):
    before = table_items()
    response = call(client, "POST", "/country", payload, headers=admin)
    assert response.status_code == 400
    assert list(body(response)) == [field] and isinstance(body(response)[field], list)
    assert table_items() == before


def test_L6_locale_follows_the_configured_shop_languages(client, admin, monkeypatch):
    from chalicelib.core.settings import reload_settings

    monkeypatch.setenv("LANGUAGES", "en,de")
    reload_settings()
    assert call(client, "POST", "/country", CZ, headers=admin).status_code == 400
    assert create_country(client, admin, locale="de")["locale"] == "de"


def test_L6_L7_writes_need_the_country_permissions(client, staff):
    before = table_items()
    assert call(client, "POST", "/country", CZ).status_code == 401
    forbidden = call(client, "POST", "/country", CZ, headers=staff)  # staff alone cannot write
    assert forbidden.status_code == 403 and body(forbidden) == "User doesnt have permission"
    assert table_items() == before

    make_user("adder@example.com", "pw", staff=True, permissions=("country_add_permission",))
    create_country(client, auth("adder@example.com"))
    assert call(client, "PUT", "/country/CZ", {**CZ, "name": "X"}, headers=auth("adder@example.com")).status_code == 403
    assert call(client, "DELETE", "/country/CZ", headers=auth("adder@example.com")).status_code == 403

    make_user("changer@example.com", "pw", staff=True, permissions=("country_change_permission",))
    changer = auth("changer@example.com")
    assert call(client, "POST", "/country", {**CZ, "code": "SK"}, headers=changer).status_code == 403
    assert call(client, "PUT", "/country/CZ", {**CZ, "name": "Czech Republic"}, headers=changer).status_code == 200
    assert call(client, "DELETE", "/country/CZ", headers=changer).status_code == 204


def test_L5_is_public_as_in_the_contract_and_L7_reads_need_staff(client, admin, shopper):
    create_country(client, admin)
    for headers in ({}, shopper):
        listed = call(client, "GET", "/country/", headers=headers)
        assert listed.status_code == 200 and [c["code"] for c in body(listed)] == ["CZ"]
    assert call(client, "GET", "/country/CZ/").status_code == 401
    assert call(client, "GET", "/country/CZ/", headers=shopper).status_code == 403


def test_L7_edit_country_works(client, admin):
    created = create_country(client, admin)
    response = call(client, "PUT", "/country/CZ/",
                    {"code": "CZ", "name": "Czech Republic", "locale": "en", "default_price_list": "EUR"},
                    headers=admin)
    assert response.status_code == 200
    updated = body(response)
    assert (updated["name"], updated["locale"], updated["default_price_list"]) == ("Czech Republic", "en", "EUR")
    assert updated["create_at"] == created["create_at"] and updated["update_at"] >= created["update_at"]
    assert body(call(client, "GET", "/country/storefront/CZ"))["name"] == "Czech Republic"

    # without the code and the price list (kept), then clearing the price list with null
    kept = body(call(client, "PUT", "/country/cz", {"name": "Czechia", "locale": "cs"}, headers=admin))
    assert (kept["name"], kept["default_price_list"]) == ("Czechia", "EUR")
    cleared = body(call(client, "PUT", "/country/CZ", {**CZ, "default_price_list": None}, headers=admin))
    assert cleared["default_price_list"] is None


def test_L7_edit_rejects_bad_input_and_code_changes(client, admin):
    create_country(client, admin)
    before = table_items()
    for payload, field in (({**CZ, "code": "SK"}, "code"), ({**CZ, "locale": "xx"}, "locale"),
                           ({"locale": "cs"}, "name")):
        response = call(client, "PUT", "/country/CZ", payload, headers=admin)
        assert response.status_code == 400 and field in body(response)
    assert table_items() == before
    missing = call(client, "PUT", "/country/SK", {**CZ, "code": "SK"}, headers=admin)
    assert missing.status_code == 404 and body(missing) == {"detail": "Not found."}


def test_L7_delete_country_works_and_code_can_be_reused(client, admin, staff):
    create_country(client, admin)
    response = call(client, "DELETE", "/country/CZ/", headers=admin)
    assert response.status_code == 204 and response.body in (b"", None, "")
    assert call(client, "GET", "/country/storefront/CZ").status_code == 404
    assert call(client, "GET", "/country/CZ", headers=staff).status_code == 404
    assert body(call(client, "GET", "/country/storefront")) == []
    assert call(client, "DELETE", "/country/CZ/", headers=admin).status_code == 404
    assert call(client, "PUT", "/country/CZ/", CZ, headers=admin).status_code == 404
    kept = db.get("main", {"PK": "PRICING", "SK": "COUNTRY#CZ"})
    assert kept["safe_deleted"] is True  # soft delete: the item stays

    again = create_country(client, admin, name="Czechia again")
    assert again["name"] == "Czechia again"
    assert [c["code"] for c in body(call(client, "GET", "/country/storefront"))] == ["CZ"]


def test_L4_storefront_country_writes_are_not_offered(client, admin):
    created = create_country(client, admin)
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        for path in ("/country/storefront/CZ/", "/country/storefront/"):
            response = call(client, method, path, {**CZ, "name": "Hacked"}, headers=admin)
            assert response.status_code in (403, 405), (method, path, response.status_code)
    assert body(call(client, "GET", "/country/storefront/CZ")) == created


# --- languages -------------------------------------------------------------------------------------

def test_L11_languages(client, staff, shopper):
    response = call(client, "GET", "/country/languages/", headers=staff)
    assert response.status_code == 200
    assert body(response) == [{"code": "en", "default": True}, {"code": "cs", "default": False}]
    assert call(client, "GET", "/country/languages").status_code == 401
    assert call(client, "GET", "/country/languages", headers=shopper).status_code == 403


# --- currencies ------------------------------------------------------------------------------------

def test_L12_L13_currency_lifecycle(client, admin, staff):
    response = call(client, "POST", "/country/currency/", {"code": "czk", "symbol": "Kč"}, headers=admin)
    assert response.status_code == 201
    created = body(response)
    assert {k: created[k] for k in ("code", "symbol", "symbol_position")} == \
        {"code": "CZK", "symbol": "Kč", "symbol_position": "AFTER"}
    assert created["create_at"] and created["update_at"]
    euro = body(call(client, "POST", "/country/currency", {"code": "EUR", "symbol": "€", "symbol_position": "BEFORE"},
                     headers=admin))
    assert euro["symbol_position"] == "BEFORE"

    listed = call(client, "GET", "/country/currency/", headers=staff)
    assert listed.status_code == 200 and [c["code"] for c in body(listed)] == ["CZK", "EUR"]
    assert body(call(client, "GET", "/country/currency/EUR", headers=staff)) == euro

    updated = call(client, "PUT", "/country/currency/EUR/",
                   {"code": "EUR", "symbol": "EUR", "symbol_position": "AFTER"}, headers=admin)
    assert updated.status_code == 200
    assert (body(updated)["symbol"], body(updated)["symbol_position"]) == ("EUR", "AFTER")
    kept = body(call(client, "PUT", "/country/currency/EUR/", {"symbol": "€"}, headers=admin))
    assert (kept["symbol"], kept["symbol_position"]) == ("€", "AFTER")

    assert call(client, "DELETE", "/country/currency/EUR/", headers=admin).status_code == 204
    assert call(client, "GET", "/country/currency/EUR", headers=staff).status_code == 404
    assert [c["code"] for c in body(call(client, "GET", "/country/currency", headers=staff))] == ["CZK"]
    assert call(client, "PUT", "/country/currency/EUR/", {"symbol": "€"}, headers=admin).status_code == 404
    assert call(client, "DELETE", "/country/currency/EUR/", headers=admin).status_code == 404


@pytest.mark.parametrize(("payload", "field"), [
    ({"code": "CZK", "symbol": "Kč", "symbol_position": "LEFT"}, "symbol_position"),
    ({"code": "CZK", "symbol": "Kč", "symbol_position": "before"}, "symbol_position"),
    ({"code": "CZ", "symbol": "Kč"}, "code"),
    ({"code": "CZKK", "symbol": "Kč"}, "code"),
    ({"code": "CZK", "symbol": "Kčsk"}, "symbol"),
    ({"code": "CZK"}, "symbol"),
])
def test_L12_bad_currency_is_400_naming_the_field_and_writes_nothing(client, admin, payload, field):
    before = table_items()
    response = call(client, "POST", "/country/currency", payload, headers=admin)
    assert response.status_code == 400 and list(body(response)) == [field]
    assert table_items() == before


def test_L12_L13_duplicate_bad_update_and_access(client, admin, staff, shopper):
    call(client, "POST", "/country/currency", {"code": "CZK", "symbol": "Kč"}, headers=admin)
    before = table_items()
    duplicate = call(client, "POST", "/country/currency", {"code": "CZK", "symbol": "K"}, headers=admin)
    assert duplicate.status_code == 400 and body(duplicate) == {"code": ["currency with this code already exists."]}
    bad = call(client, "PUT", "/country/currency/CZK", {"symbol": "Kč", "symbol_position": "MIDDLE"}, headers=admin)
    assert bad.status_code == 400 and list(body(bad)) == ["symbol_position"]
    assert call(client, "POST", "/country/currency", {"code": "EUR", "symbol": "€"}, headers=staff).status_code == 403
    assert call(client, "PUT", "/country/currency/CZK", {"symbol": "X"}, headers=staff).status_code == 403
    assert call(client, "DELETE", "/country/currency/CZK", headers=staff).status_code == 403
    assert call(client, "GET", "/country/currency", headers=shopper).status_code == 403
    assert call(client, "GET", "/country/currency").status_code == 401
    assert table_items() == before

    make_user("money@example.com", "pw", staff=True,
              permissions=("currency_add_permission", "currency_change_permission"))
    money = auth("money@example.com")
    assert call(client, "POST", "/country/currency", {"code": "EUR", "symbol": "€"}, headers=money).status_code == 201
    assert call(client, "PUT", "/country/currency/EUR", {"symbol": "E"}, headers=money).status_code == 200
    assert call(client, "DELETE", "/country/currency/EUR", headers=money).status_code == 204


# --- VAT groups ------------------------------------------------------------------------------------

def test_L8_L9_L10_vat_group_lifecycle(client, admin, staff):
    create_country(client, admin)
    created = create_vat(client, admin, rate=21, is_default=True)
    assert created == {"id": created["id"], "name": "Standard", "rate": "21.00", "is_default": True, "country": "CZ"}
    reduced = create_vat(client, admin, name="Reduced", rate="12.5")
    assert reduced["rate"] == "12.50" and reduced["is_default"] is False

    listed = call(client, "GET", "/country/vat-group/", headers=staff)
    assert listed.status_code == 200 and body(listed) == [created, reduced]
    assert body(call(client, "GET", f"/country/vat-group/{reduced['id']}", headers=staff)) == reduced

    response = call(client, "PUT", f"/country/vat-group/{reduced['id']}/",
                    {"name": "Reduced rate", "rate": 10, "country": "CZ", "is_default": False}, headers=admin)
    assert response.status_code == 200
    assert body(response) == {**reduced, "name": "Reduced rate", "rate": "10.00"}
    assert body(call(client, "GET", f"/country/vat-group/{reduced['id']}", headers=staff))["rate"] == "10.00"

    assert call(client, "DELETE", f"/country/vat-group/{reduced['id']}/", headers=admin).status_code == 204
    assert call(client, "GET", f"/country/vat-group/{reduced['id']}", headers=staff).status_code == 404
    assert [g["id"] for g in body(call(client, "GET", "/country/vat-group", headers=staff))] == [created["id"]]
    assert call(client, "DELETE", f"/country/vat-group/{reduced['id']}/", headers=admin).status_code == 404
    assert call(client, "GET", "/country/vat-group/abc", headers=staff).status_code == 404
    assert call(client, "PUT", "/country/vat-group/999", {"name": "x", "rate": 1, "country": "CZ"},
                headers=admin).status_code == 404


@pytest.mark.parametrize(("changes", "field"), [
    ({"country": "XX"}, "country"),  # unknown country
    ({"country": "CZE"}, "country"),
    ({"rate": 150}, "rate"),
    ({"rate": "-1"}, "rate"),
    ({"rate": "12.345"}, "rate"),
    ({"rate": "abc"}, "rate"),
    ({"name": "n" * 201}, "name"),
    ({"is_default": "maybe"}, "is_default"),
])
def test_L9_bad_vat_group_is_400_naming_the_field_and_writes_nothing(client, admin, changes, field):
    create_country(client, admin)
    before = table_items()
    payload = {"name": "Standard", "rate": "21", "country": "CZ", "is_default": True, **changes}
    response = call(client, "POST", "/country/vat-group", payload, headers=admin)
    assert response.status_code == 400 and list(body(response)) == [field]
    assert table_items() == before


def test_L10_bad_vat_group_update_writes_nothing(client, admin):
    create_country(client, admin)
    group = create_vat(client, admin, is_default=True)
    before = table_items()
    for changes, field in (({"country": "XX"}, "country"), ({"rate": 150}, "rate")):
        payload = {"name": "Standard", "rate": "21", "country": "CZ", **changes}
        response = call(client, "PUT", f"/country/vat-group/{group['id']}", payload, headers=admin)
        assert response.status_code == 400 and list(body(response)) == [field]
    assert table_items() == before


def test_L9_L10_a_new_default_replaces_the_previous_one(client, admin, staff):
    create_country(client, admin)
    create_country(client, admin, code="SK", name="Slovakia")
    first = create_vat(client, admin, is_default=True)
    slovak = create_vat(client, admin, country="SK", rate=20, is_default=True)
    second = create_vat(client, admin, name="Reduced", rate=12, is_default=True)  # L9 with is_default
    assert defaults_of(client, staff, "CZ") == [second["id"]]
    assert defaults_of(client, staff, "SK") == [slovak["id"]]  # other countries untouched

    update = {"name": "Standard", "rate": "21", "country": "CZ", "is_default": True}
    response = call(client, "PUT", f"/country/vat-group/{first['id']}", update, headers=admin)  # L10
    assert response.status_code == 200 and body(response)["is_default"] is True
    assert defaults_of(client, staff, "CZ") == [first["id"]]
    assert body(call(client, "GET", f"/country/vat-group/{second['id']}", headers=staff))["is_default"] is False

    # an edit that does not mention is_default keeps it
    call(client, "PUT", f"/country/vat-group/{first['id']}", {"name": "Std", "rate": 21, "country": "CZ"},
         headers=admin)
    assert defaults_of(client, staff, "CZ") == [first["id"]]
    # un-defaulting leaves the country without a default
    call(client, "PUT", f"/country/vat-group/{first['id']}", {**update, "is_default": False}, headers=admin)
    assert defaults_of(client, staff, "CZ") == []
    # moving the default group to another country makes it that country's default
    call(client, "PUT", f"/country/vat-group/{second['id']}", {**update, "is_default": True}, headers=admin)
    call(client, "PUT", f"/country/vat-group/{second['id']}", {**update, "country": "SK"}, headers=admin)
    assert defaults_of(client, staff, "CZ") == [] and defaults_of(client, staff, "SK") == [second["id"]]
    # deleting the default leaves none
    call(client, "DELETE", f"/country/vat-group/{second['id']}", headers=admin)
    assert defaults_of(client, staff, "SK") == []


def test_L10_concurrent_default_change_is_not_lost(client, admin, staff, monkeypatch):
    """Un-defaulting A while B becomes the default meanwhile: B stays the only default (the pointer
    condition fails the stale transaction, which is retried on fresh data)."""
    from chalicelib.localization import service, store

    create_country(client, admin)
    a = create_vat(client, admin, is_default=True)
    b = create_vat(client, admin, name="Other", rate=10)
    real_default_owner = store.default_owner
    raced = []

    def default_owner_with_a_race(country):
        owner = real_default_owner(country)
        if not raced:
            raced.append(True)
            service.update_vat_group(b["id"], {"name": "Other", "rate": 10, "country": "CZ", "is_default": True})
        return owner

    monkeypatch.setattr(store, "default_owner", default_owner_with_a_race)
    response = call(client, "PUT", f"/country/vat-group/{a['id']}",
                    {"name": "Standard", "rate": 21, "country": "CZ", "is_default": False}, headers=admin)
    assert response.status_code == 200 and raced
    assert defaults_of(client, staff, "CZ") == [b["id"]]


def test_L9_concurrent_default_saves_leave_exactly_one_default(client, admin, staff):
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.localization import service

    create_country(client, admin)
    groups = [create_vat(client, admin, name=f"G{i}", rate=i) for i in range(6)]

    def make_default(group):
        service.update_vat_group(group["id"], {"name": group["name"], "rate": group["rate"], "country": "CZ",
                                               "is_default": True})

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(make_default, groups))
    assert len(defaults_of(client, staff, "CZ")) == 1


def test_L8_L9_L10_access(client, admin, staff, shopper):
    create_country(client, admin)
    group = create_vat(client, admin)
    before = table_items()
    payload = {"name": "X", "rate": 1, "country": "CZ"}
    assert call(client, "GET", "/country/vat-group").status_code == 401
    assert call(client, "GET", "/country/vat-group", headers=shopper).status_code == 403
    assert call(client, "POST", "/country/vat-group", payload).status_code == 401
    assert call(client, "POST", "/country/vat-group", payload, headers=staff).status_code == 403
    assert call(client, "PUT", f"/country/vat-group/{group['id']}", payload, headers=staff).status_code == 403
    assert call(client, "DELETE", f"/country/vat-group/{group['id']}", headers=staff).status_code == 403
    assert table_items() == before

    make_user("tax@example.com", "pw", staff=True, permissions=("vatgroup_add_permission",))
    tax = auth("tax@example.com")
    assert call(client, "POST", "/country/vat-group", payload, headers=tax).status_code == 201
    assert call(client, "PUT", f"/country/vat-group/{group['id']}", payload, headers=tax).status_code == 403


# --- VAT lookup for the catalog (contract 10.3) -----------------------------------------------------

def test_vat_rate_for_product_type_group_then_default_then_first(client, admin):
    from decimal import Decimal

    from chalicelib.localization.service import vat_rate_for

    create_country(client, admin)
    create_country(client, admin, code="SK", name="Slovakia")
    create_country(client, admin, code="DE", name="Germany", locale="en")
    cz_reduced = create_vat(client, admin, name="Reduced", rate=12)
    create_vat(client, admin, name="Standard", rate=21, is_default=True)
    sk_first = create_vat(client, admin, country="SK", name="First", rate=10)
    create_vat(client, admin, country="SK", name="Second", rate=20)

    assert vat_rate_for("CZ", [cz_reduced["id"]]) == Decimal("12.00")  # the type's group for CZ
    assert vat_rate_for("cz", [sk_first["id"]]) == Decimal("21.00")  # not CZ's: the default
    assert vat_rate_for("CZ", []) == Decimal("21.00")
    assert vat_rate_for("SK", [cz_reduced["id"], 999]) == Decimal("10.00")  # no default: the first
    assert vat_rate_for("DE", []) is None  # no group at all
    assert vat_rate_for("XX", [1]) is None


# --- storefront address book -----------------------------------------------------------------------

SHIPPING = {"first_name": "Jan", "surname": "Novák", "street": "Hlavní 1", "city": "Praha", "postal_code": "11000",
            "country": "CZ", "email": "jan@example.com", "phone": "+420123456789", "additional_info": "2nd floor"}
BILLING = {"first_name": "Jan", "surname": "Novák", "street": "Hlavní 1", "city": "Praha", "postal_code": "11000",
           "country": "cz", "company_name": "Novák s.r.o.", "company_id": "12345678", "vat_number": "CZ12345678"}


@pytest.mark.parametrize("kind", ["shipping", "billing"])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_L20_L25_address_book_needs_a_login(client, kind, method):
    response = call(client, method, f"/country/storefront/address/{kind}/", SHIPPING)
    assert response.status_code == 401
    assert body(response) == {"detail": "Authentication credentials were not provided."}


def test_L20_L21_L22_shipping_address_lifecycle(client, admin, shopper):
    create_country(client, admin)
    path = "/country/storefront/address/shipping/"
    empty = call(client, "GET", path, headers=shopper)  # L20, none yet
    assert empty.status_code == 200 and body(empty) == {}

    saved = call(client, "PUT", path, SHIPPING, headers=shopper)  # L21, created on first use
    assert saved.status_code == 200
    created = body(saved)
    assert created == {"id": created["id"], **SHIPPING, "user": "shopper@example.com"}
    assert isinstance(created["id"], int)
    assert body(call(client, "GET", path.rstrip("/"), headers=shopper)) == created

    moved = body(call(client, "PUT", path, {**SHIPPING, "city": "Brno", "postal_code": "60200"}, headers=shopper))
    assert moved["id"] == created["id"] and (moved["city"], moved["postal_code"]) == ("Brno", "60200")
    assert moved["phone"] == SHIPPING["phone"]

    deleted = call(client, "DELETE", path, headers=shopper)  # L22
    assert deleted.status_code == 200 and body(deleted) == {}
    assert body(call(client, "GET", path, headers=shopper)) == {}
    assert body(call(client, "DELETE", path, headers=shopper)) == {}  # nothing left: still {}
    renewed = body(call(client, "PUT", path, SHIPPING, headers=shopper))
    assert renewed["id"] != created["id"]


def test_L23_L24_L25_billing_address_lifecycle(client, admin, shopper):
    create_country(client, admin)
    path = "/country/storefront/address/billing"
    assert body(call(client, "GET", path, headers=shopper)) == {}
    saved = call(client, "PUT", path, BILLING, headers=shopper)
    assert saved.status_code == 200
    created = body(saved)
    assert created == {"id": created["id"], **BILLING, "country": "CZ", "user": "shopper@example.com"}
    # optional fields may be null or left out ("" is stored as null)
    minimal = {k: BILLING[k] for k in ("first_name", "surname", "street", "city", "postal_code", "country")}
    updated = body(call(client, "PUT", path, {**minimal, "company_name": None, "vat_number": ""}, headers=shopper))
    assert (updated["company_name"], updated["vat_number"], updated["company_id"]) == (None, None, "12345678")
    assert call(client, "DELETE", path, headers=shopper).status_code == 200
    assert body(call(client, "GET", path, headers=shopper)) == {}


def test_L20_L23_addresses_are_per_user_and_per_kind(client, admin, shopper):
    from chalicelib.localization.service import get_address

    create_country(client, admin)
    make_user("other@example.com", "pw")
    call(client, "PUT", "/country/storefront/address/shipping", SHIPPING, headers=shopper)
    assert body(call(client, "GET", "/country/storefront/address/billing", headers=shopper)) == {}
    assert body(call(client, "GET", "/country/storefront/address/shipping", headers=auth("other@example.com"))) == {}
    assert get_address("shopper@example.com", "shipping")["city"] == "Praha"
    assert get_address("shopper@example.com", "billing") is None
    assert get_address("other@example.com", "shipping") is None


@pytest.mark.parametrize(("kind", "payload", "fields"), [
    ("shipping", {**SHIPPING, "country": "XX"}, {"country"}),
    ("shipping", {**SHIPPING, "email": "not-an-email"}, {"email"}),
    ("shipping", {**SHIPPING, "postal_code": "1" * 256}, {"postal_code"}),
    ("shipping", {k: v for k, v in SHIPPING.items() if k not in ("first_name", "city")}, {"first_name", "city"}),
    ("shipping", {**SHIPPING, "street": "", "country": "XX"}, {"street", "country"}),
    ("billing", {**BILLING, "surname": None}, {"surname"}),
    ("billing", {}, {"first_name", "surname", "street", "city", "postal_code", "country"}),
])
def test_L21_L24_bad_address_is_400_error_with_field_errors_and_writes_nothing(client, admin, shopper, kind,
                                                                               payload, fields):
    create_country(client, admin)
    before = table_items()
    response = call(client, "PUT", f"/country/storefront/address/{kind}/", payload, headers=shopper)
    assert response.status_code == 400
    errors = body(response)["error"]
    assert set(errors) == fields and all(isinstance(messages, list) for messages in errors.values())
    assert table_items() == before


def test_L21_bad_update_keeps_the_saved_address(client, admin, shopper):
    create_country(client, admin)
    path = "/country/storefront/address/shipping"
    call(client, "PUT", path, SHIPPING, headers=shopper)
    before = table_items()
    response = call(client, "PUT", path, {**SHIPPING, "country": "XX"}, headers=shopper)
    assert response.status_code == 400 and set(body(response)["error"]) == {"country"}
    assert table_items() == before
    assert body(call(client, "GET", path, headers=shopper))["country"] == "CZ"


# --- demo data -------------------------------------------------------------------------------------

def test_demo_data_is_idempotent(client, staff):
    from decimal import Decimal

    from chalicelib.localization.demo import load_demo
    from chalicelib.localization.service import vat_rate_for

    assert load_demo() == {"currencies": 2, "countries": 3, "vat_groups": 4}
    assert load_demo() == {"currencies": 0, "countries": 0, "vat_groups": 0}
    countries = body(call(client, "GET", "/country/storefront"))
    assert [(c["code"], c["default_price_list"]) for c in countries] == [("CZ", "CZK"), ("DE", "EUR"), ("SK", "EUR")]
    currencies = body(call(client, "GET", "/country/currency", headers=staff))
    assert [(c["code"], c["symbol"], c["symbol_position"]) for c in currencies] == \
        [("CZK", "Kč", "AFTER"), ("EUR", "€", "BEFORE")]
    groups = body(call(client, "GET", "/country/vat-group", headers=staff))
    assert sorted((g["country"], g["rate"], g["is_default"]) for g in groups) == [
        ("CZ", "12.00", False), ("CZ", "21.00", True), ("DE", "19.00", True), ("SK", "20.00", True)]
    assert vat_rate_for("SK", []) == Decimal("20.00")


def test_vat_resolver_and_get_vat_groups_for_other_packages(client, admin):
    from decimal import Decimal

    from chalicelib.localization.service import get_vat_groups, vat_resolver

    create_country(client, admin)
    standard = create_vat(client, admin, is_default=True)
    reduced = create_vat(client, admin, name="Reduced", rate=12)
    resolve = vat_resolver("CZ")
    assert resolve([reduced["id"]]) == Decimal("12.00")
    assert resolve([]) == resolve(["x", 999]) == Decimal("21.00")
    assert vat_resolver("XX")([standard["id"]]) is None
    assert get_vat_groups([reduced["id"], standard["id"], 999]) == [standard, reduced]
    assert get_vat_groups([]) == []
