"""Countries, currencies, VAT groups, shop languages and the shoppers' address book.

Functions other packages may call (they answer plain JSON-ready dicts, or None when absent):

* `get_country(code)`, `country_exists(code)`, `list_countries()`
* `get_currency(code)`, `list_currencies()`
* `get_vat_group(id)`, `get_vat_groups(ids)`, `vat_groups_of_country(code)`
* `vat_rate_for(country, vat_group_ids)` (contract 10.3), and `vat_resolver(country)`: the same lookup
  for many products at a fixed cost
* `languages()`
* `get_address(email, kind)` with kind "billing" or "shipping"
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from chalicelib.core.http.errors import ApiError, Conflict, NotFound, ValidationError
from chalicelib.core.http.validation import changed_fields
from chalicelib.core.money import quantize
from chalicelib.core.settings import get_settings
from chalicelib.core.store.write import ConditionFailed, Stale, TransactionFailed, retrying
from chalicelib.localization import schemas, store

COUNTRY_EXISTS = "country with this code already exists."
CURRENCY_EXISTS = "currency with this code already exists."
CODE_IMMUTABLE = "The code cannot be changed; create a new {} instead."
CHANGED_CONCURRENTLY = "The data was changed concurrently, please try again."


def _retry(operation: Callable[[], Any], *, again: Callable[[Exception], bool] | None = None) -> Any:
    """Run a read-modify-write again on fresh data when a concurrent write made it fail (write.retrying);
    409 when every attempt did."""
    try:
        return retrying(operation, again=again)
    except Stale:
        raise Conflict(CHANGED_CONCURRENTLY) from None


def _transaction_failed(error: Exception) -> bool:
    return isinstance(error, TransactionFailed)


def _invalid_pk(value: Any) -> str:
    return f'Invalid pk "{value}" - object does not exist.'


def normalize_code(code: Any, length: int) -> str | None:
    """A code from a path or another package, upper-cased; None when it cannot be one ("C1", "CZE")."""
    if not isinstance(code, str):
        return None
    code = code.strip().upper()
    return code if len(code) == length and code.isascii() and code.isalpha() else None


# --- languages (L11) -------------------------------------------------------------------------------

def languages() -> list[dict]:
    settings = get_settings()
    return [{"code": code, "default": code == settings.default_language} for code in settings.languages]


# --- countries (L1-L7) -----------------------------------------------------------------------------

def list_countries() -> list[dict]:
    return [schemas.country_json(item) for item in store.COUNTRIES.iterate()]


def get_country(code: str) -> dict | None:
    code = normalize_code(code, 2)
    item = store.COUNTRIES.get(code) if code else None
    return schemas.country_json(item) if item else None


def country_exists(code: str) -> bool:
    return get_country(code) is not None


def _check_code_unchanged(data: dict, code: str, what: str) -> None:
    if "code" in data and data["code"] != code:
        raise ValidationError.field("code", CODE_IMMUTABLE.format(what))


def create_country(data: dict) -> dict:
    """Create a country from `{code, name, locale, default_price_list?}` (validated here too, so other
    packages and the demo loader can call it directly); 400 naming the field on bad input."""
    data = schemas.COUNTRY_CREATE.validate(data)
    fields = {"name": data["name"], "locale": data["locale"], "default_price_list": data["default_price_list"]}
    try:
        item = store.create_coded(store.COUNTRIES, data["code"], fields)
    except ConditionFailed:
        raise ValidationError.field("code", COUNTRY_EXISTS) from None
    return schemas.country_json(item)


def update_country(code: str, data: dict) -> dict:
    data = schemas.COUNTRY_UPDATE.validate(data)
    code = normalize_code(code, 2)
    current = store.COUNTRIES.get(code) if code else None
    if current is None:
        raise NotFound()
    _check_code_unchanged(data, code, "country")
    fields = {"name": data["name"], "locale": data["locale"]}
    if "default_price_list" in data:
        fields["default_price_list"] = data["default_price_list"] or None
    if not changed_fields(current, fields):
        return schemas.country_json(current)  # saved as read: nothing to write
    item = store.COUNTRIES.update(code, fields)
    if item is None:
        raise NotFound()
    return schemas.country_json(item)


def delete_country(code: str) -> None:
    code = normalize_code(code, 2)
    if code is None or not store.COUNTRIES.soft_delete(code):
        raise NotFound()


def _require_country(code: str, field: str = "country") -> str:
    """The code of a live country, or a 400 naming the field."""
    normalized = normalize_code(code, 2)
    if normalized is None or store.COUNTRIES.get(normalized) is None:
        raise ValidationError.field(field, _invalid_pk(code))
    return normalized


# --- currencies (L12, L13) -------------------------------------------------------------------------

def list_currencies() -> list[dict]:
    return [schemas.currency_json(item) for item in store.CURRENCIES.iterate()]


def get_currency(code: str) -> dict | None:
    code = normalize_code(code, 3)
    item = store.CURRENCIES.get(code) if code else None
    return schemas.currency_json(item) if item else None


def create_currency(data: dict) -> dict:
    """Create a currency from `{code, symbol, symbol_position?}` (validated here too)."""
    data = schemas.CURRENCY_CREATE.validate(data)
    fields = {"symbol": data["symbol"], "symbol_position": data["symbol_position"]}
    try:
        item = store.create_coded(store.CURRENCIES, data["code"], fields)
    except ConditionFailed:
        raise ValidationError.field("code", CURRENCY_EXISTS) from None
    return schemas.currency_json(item)


def update_currency(code: str, data: dict) -> dict:
    data = schemas.CURRENCY_UPDATE.validate(data)
    code = normalize_code(code, 3)
    current = store.CURRENCIES.get(code) if code else None
    if current is None:
        raise NotFound()
    _check_code_unchanged(data, code, "currency")
    fields = {"symbol": data["symbol"]}
    if "symbol_position" in data:
        fields["symbol_position"] = data["symbol_position"]
    if not changed_fields(current, fields):
        return schemas.currency_json(current)  # saved as read: nothing to write
    item = store.CURRENCIES.update(code, fields)
    if item is None:
        raise NotFound()
    return schemas.currency_json(item)


def delete_currency(code: str) -> None:
    code = normalize_code(code, 3)
    if code is None or not store.CURRENCIES.soft_delete(code):
        raise NotFound()


# --- VAT groups (L8-L10) ---------------------------------------------------------------------------

def _vat_json(item: dict, owners: dict[str, int]) -> dict:
    return schemas.vat_group_json(item, owners.get(item.get("country")) == int(item["id"]))


def list_vat_groups() -> list[dict]:
    groups, owners = store.vat_snapshot()
    return [_vat_json(g, owners) for g in groups]


def vat_groups_of_country(code: str) -> list[dict]:
    code = normalize_code(code, 2)
    return [g for g in list_vat_groups() if g["country"] == code] if code else []


def _get_vat_item(group_id) -> dict | None:
    try:
        group_id = int(group_id)
    except (TypeError, ValueError):
        return None
    return store.get_vat_group(group_id)


def get_vat_group(group_id) -> dict | None:
    item = _get_vat_item(group_id)
    if item is None:
        return None
    return schemas.vat_group_json(item, store.default_owner(item["country"]) == int(item["id"]))


def get_vat_groups(group_ids: Iterable[int]) -> list[dict]:
    """The live VAT groups among the given ids, in id order (e.g. to check a product type's groups)."""
    groups = store.get_vat_groups(_int_ids(group_ids))
    owners = store.default_owners(g["country"] for g in groups if g.get("country"))
    return [_vat_json(g, owners) for g in groups]


def _vat_fields(data: dict, country: str) -> dict:
    return {"name": data["name"], "rate": quantize(data["rate"]), "country": country}


def create_vat_group(data: dict) -> dict:
    """Create a group from `{name, rate, country, is_default?}` (validated here too); `is_default: true`
    makes it its country's only default (the pointer moves to it)."""
    data = schemas.VAT_GROUP_CREATE.validate(data)
    country = _require_country(data["country"])
    item = store.create_vat_group(_vat_fields(data, country), default_of=country if data["is_default"] else None)
    return schemas.vat_group_json(item, bool(data["is_default"]))


def update_vat_group(group_id, data: dict) -> dict:
    data = schemas.VAT_GROUP_UPDATE.validate(data)
    country = _require_country(data["country"])

    def attempt() -> dict:
        current = _get_vat_item(group_id)
        if current is None:
            raise NotFound()
        gid, old_country = int(current["id"]), current["country"]
        was_default = store.default_owner(old_country) == gid
        make_default = data.get("is_default", was_default)
        if bool(make_default) == was_default and not changed_fields(current, _vat_fields(data, country)):
            return schemas.vat_group_json(current, was_default)  # saved as read: nothing to write
        moved_away = was_default and (country != old_country or not make_default)
        store.save_vat_group(gid, _vat_fields(data, country), default_of=country if make_default else None,
                             no_longer_default_of=old_country if moved_away else None)
        return schemas.vat_group_json({**current, **_vat_fields(data, country)}, bool(make_default))

    return _retry(attempt, again=_transaction_failed)


def delete_vat_group(group_id) -> None:
    def attempt() -> None:
        current = _get_vat_item(group_id)
        if current is None:
            raise NotFound()
        gid, country = int(current["id"]), current["country"]
        store.soft_delete_vat_group(gid, country, is_default=store.default_owner(country) == gid)

    _retry(attempt, again=_transaction_failed)


def vat_resolver(country_code: str) -> Callable[[Iterable[int]], Decimal | None]:
    """A VAT-rate lookup for one country, for pricing many products in one request: it reads the VAT
    groups and the defaults once (one Query), then answers `resolve(vat_group_ids)` from memory with the
    rule of `vat_rate_for`."""
    country = normalize_code(country_code, 2)
    if country is None:
        return lambda _ids: None
    all_groups, owners = store.vat_snapshot()
    groups = [g for g in all_groups if g.get("country") == country]
    by_id = {int(g["id"]): g for g in groups}
    owner = owners.get(country)
    fallback = by_id.get(owner) if owner is not None else None
    if fallback is None and groups:
        fallback = min(groups, key=lambda g: int(g["id"]))
    fallback_rate = quantize(fallback["rate"]) if fallback else None

    def resolve(vat_group_ids: Iterable[int]) -> Decimal | None:
        own = sorted(i for i in _int_ids(vat_group_ids) if i in by_id)
        return quantize(by_id[own[0]]["rate"]) if own else fallback_rate

    return resolve


def _int_ids(values: Iterable[Any] | None) -> set[int]:
    ids = set()
    for value in values or ():
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            continue
    return ids


def vat_rate_for(country_code: str, vat_group_ids: list[int]) -> Decimal | None:
    """The VAT rate (percent, 2 places) for a product in a country (contract 10.3 / 3.2):

    the product type's VAT group for that country (among `vat_group_ids`, the type's groups), else
    the country's default group, else its first group (lowest id); None when the country has none.
    """
    return vat_resolver(country_code)(vat_group_ids)


# --- address book (L20-L25) ------------------------------------------------------------------------

def _check_kind(kind: str) -> None:
    if kind not in schemas.ADDRESS_KINDS:
        raise ValueError(f"unknown address kind {kind!r}")


def get_address(email: str, kind: str) -> dict | None:
    """The user's saved billing or shipping address (`{id, first_name, ..., country}`), or None."""
    _check_kind(kind)
    address_id = store.current_address_id(email, kind)
    if address_id is None:
        return None
    item = store.get_address(address_id)  # read-your-writes after a PUT
    return schemas.address_json(item) if item and not item.get("safe_deleted") else None


def validate_address(kind: str, body: Any) -> dict:
    """The cleaned address fields; ApiError 400 `{"error": {field: [message]}}` (contract L21) otherwise."""
    _check_kind(kind)
    errors: dict = {}
    data: dict = {}
    try:
        data = schemas.ADDRESS_SCHEMAS[kind].validate(body)
    except ValidationError as error:
        errors = dict(error.body)
    if "country" not in errors and isinstance(body, dict) and "country" in body:
        code = normalize_code(body["country"], 2)
        if code is None or store.COUNTRIES.get(code) is None:
            errors["country"] = [_invalid_pk(body["country"])]
        else:
            data["country"] = code
    if errors:
        raise ApiError({"error": errors}, 400)
    return data


def save_address(email: str, kind: str, body: Any) -> dict:
    """Create the user's address of a kind on first use, else update it; answers the saved address.

    As in DRF's update, optional fields the body leaves out keep their value.
    """
    data = validate_address(kind, body)
    sent = {name: value for name, value in data.items() if name in body}

    def attempt() -> dict:
        address_id = store.current_address_id(email, kind)
        if address_id is None:  # ConditionFailed when created concurrently: the next attempt updates that one
            return schemas.address_json(store.create_address(email, kind, data))
        item = store.ADDRESSES.update(address_id, sent)
        if item is None:
            store.release_address_claim(email, kind, address_id)  # it names an address that is gone: start over
            raise Stale("the address book entry is gone")
        return schemas.address_json(item)

    return _retry(attempt)


def delete_address(email: str, kind: str) -> None:
    """Soft-delete the user's address of a kind (nothing to do when there is none)."""
    _check_kind(kind)

    def attempt() -> None:
        address_id = store.current_address_id(email, kind)
        if address_id is None:
            return
        try:
            store.delete_address(email, kind, address_id)
        except TransactionFailed:
            if store.ADDRESSES.get(address_id) is None:
                store.release_address_claim(email, kind, address_id)
            raise

    _retry(attempt, again=_transaction_failed)


# --- for the storefront's pricing (catalog/pricing.py) ---------------------------------------------

class PricingPlace:
    """The country a storefront request prices for, its VAT groups and default, and the currencies,
    taken from the PRICING partition's items that the caller read in its one Query."""

    def __init__(self, items: Iterable[dict], country_code: str | None):
        countries, self.currencies, self._groups, owners = [], {}, [], {}
        for item in items:
            if store.COUNTRIES.owns(item):
                countries.append(item)
            elif store.CURRENCIES.owns(item):
                self.currencies[item["code"]] = item
            elif store.VAT_GROUPS.owns(item):
                self._groups.append(item)
            elif (pointer_country := store.default_pointer_country(item)) is not None:
                owners[pointer_country] = int(item["owner"])
        countries.sort(key=lambda c: c["code"])
        code = normalize_code(country_code, 2) if country_code else None
        # An unknown or missing country means the first country (by code), as in the original.
        self.country = next((c for c in countries if c["code"] == code), countries[0] if countries else None)
        country = self.country["code"] if self.country else None
        self.vat_groups = sorted((g for g in self._groups if g.get("country") == country), key=lambda g: int(g["id"]))
        self.default_vat_group = owners.get(country) if country else None

    def currency(self, code: str) -> dict:
        return self.currencies.get(code) or {"code": code, "symbol": code, "symbol_position": "AFTER"}

    def vat_rate(self, vat_group_ids: Iterable[int]) -> Decimal | None:
        """Rule 10.3: the product type's group in this country, else the default, else the first."""
        by_id = {int(g["id"]): g for g in self.vat_groups}
        own = sorted(i for i in _int_ids(vat_group_ids) if i in by_id)
        if own:
            return quantize(by_id[own[0]]["rate"])
        chosen = by_id.get(self.default_vat_group) if self.default_vat_group is not None else None
        if chosen is None and self.vat_groups:
            chosen = self.vat_groups[0]
        return quantize(chosen["rate"]) if chosen else None
