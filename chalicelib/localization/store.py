"""Localization items in the `main` table.

Countries, currencies and VAT groups are small reference data that every storefront price needs, so
they live in the shared PRICING partition with the catalog's price lists (core/store/entities.Collection
with `partition`): one strongly consistent Query reads all of them (catalog/pricing.py does exactly
that, so the item shapes below are shared with it):

* PK "PRICING", SK "COUNTRY#<code>":  {code, name, locale, default_price_list, create_at, update_at}
* PK "PRICING", SK "CURRENCY#<code>": {code, symbol, symbol_position, create_at, update_at}
* PK "PRICING", SK "VATGROUP#<zero-padded id>": {id, name, rate (Decimal, percent), country, ...}
* PK "PRICING", SK "VATDEFAULT#<country>": {owner: the id of the country's default VAT group, country}

Soft-deleted items keep their key with `safe_deleted: true`; a soft-deleted country or currency code
can be created again (the new item replaces the deleted one).

Which VAT group is its country's default is NOT a flag on the groups: it is the VATDEFAULT pointer.
Making a group the default overwrites the pointer in the same transaction as the group's write, so two
concurrent saves can never leave two defaults, and the previous default is "cleared" by construction.

The address book is per user, not reference data: ADDRESS items (PK "ADDRESS#<id>", integer ids),
listed per user under GSI1PK = "ADDRESS#USER#<email>#<kind>". The user's current address of a kind is
named by a claim item `UNIQUE#ADDRESSBOOK#<kind>#<email>` (owner = address id), written in the same
transaction as the address, so two concurrent first saves cannot create two address-book entries.
"""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.core.store import db, keys, versioned
from chalicelib.core.store.entities import Collection, now_iso
from chalicelib.core.store.write import Check, Delete, Put, Update

PRICING = "PRICING"  # shared with the catalog's price lists (catalog/reference/store.py)

versioned.register(PRICING)  # read whole per request: served from the container's copy while unchanged
COUNTRIES = Collection("COUNTRY", numeric_ids=False, id_field="code", partition=PRICING)
CURRENCIES = Collection("CURRENCY", numeric_ids=False, id_field="code", partition=PRICING)
VAT_GROUPS = Collection("VATGROUP", partition=PRICING)
ADDRESSES = Collection("ADDRESS")



def pricing_items() -> list[dict]:
    """Every item of the PRICING partition (countries, currencies, VAT groups and their default pointers,
    price lists), from the container's copy: no call while its version is unchanged."""
    return versioned.read(PRICING)


_LIVE = "attribute_exists(PK) AND (attribute_not_exists(safe_deleted) OR safe_deleted = :false)"


# --- entities keyed by a code (countries, currencies) ------------------------------------------------

def create_coded(collection: Collection, code: str, fields: dict) -> dict:
    """Insert an entity under its code, replacing a soft-deleted one; db.ConditionFailed when it is live."""
    stamp = now_iso()
    item = {**collection.key(code), collection.id_field: code, **fields, "create_at": stamp, "update_at": stamp}
    db.put("main", item, condition="attribute_not_exists(PK) OR safe_deleted = :true", values={":true": True})
    return item


# --- VAT groups and the per-country default pointer --------------------------------------------------

_DEFAULT_PREFIX = "VATDEFAULT#"


def default_key(country: str) -> dict:
    return {"PK": PRICING, "SK": f"{_DEFAULT_PREFIX}{country}"}


def default_pointer_country(item: dict) -> str | None:
    """The country whose default VAT group this item names, when it is such a pointer (else None)."""
    sort_key = item.get("SK", "")
    return sort_key[len(_DEFAULT_PREFIX):] if sort_key.startswith(_DEFAULT_PREFIX) and "owner" in item else None


def default_owner(country: str) -> int | None:
    """The id of the country's default VAT group (strongly consistent read), or None."""
    pointer = db.get("main", default_key(country), consistent=True)
    return int(pointer["owner"]) if pointer and "owner" in pointer else None


def vat_snapshot() -> tuple[list[dict], dict[str, int]]:
    """Every live VAT group (in id order) and {country: default group id}, in one consistent Query
    (VATGROUP# and VATDEFAULT# items share the "VAT" prefix)."""
    groups, owners = [], {}
    for item in db.query("main", partition=("PK", PRICING), sort_prefix="VAT", consistent=True):
        if VAT_GROUPS.owns(item):
            groups.append(item)
        elif (country := default_pointer_country(item)) is not None:
            owners[country] = int(item["owner"])
    return groups, owners


def default_owners(countries: Iterable[str]) -> dict[str, int]:
    """{country: default group id} for the given countries, in one BatchGetItem."""
    wanted = sorted(set(countries))
    if not wanted:
        return {}
    found = db.batch_get("main", [default_key(code) for code in wanted])
    return {country: int(p["owner"]) for p in found if (country := default_pointer_country(p)) is not None}


def get_vat_groups(ids: Iterable[int]) -> list[dict]:
    """The live VAT groups among the given ids, in id order (one BatchGetItem)."""
    wanted = {int(i) for i in ids}
    if not wanted:
        return []
    found = db.batch_get("main", [VAT_GROUPS.key(i) for i in wanted])
    return sorted((g for g in found if not g.get("safe_deleted")), key=lambda g: int(g["id"]))


def get_vat_group(group_id: int) -> dict | None:
    """One live VAT group, strongly consistent; None when missing or soft-deleted."""
    item = db.get("main", VAT_GROUPS.key(group_id), consistent=True)
    return item if item and not item.get("safe_deleted") else None


def create_vat_group(fields: dict, *, default_of: str | None) -> dict:
    """Insert a new VAT group (id from the `vatgroup` counter); `default_of`: the country it becomes the
    default of, in the same transaction. Answers the item."""
    group_id = db.next_id(VAT_GROUPS.kind.lower())
    stamp = now_iso()
    item = {**VAT_GROUPS.key(group_id), "id": group_id, **fields, "create_at": stamp, "update_at": stamp}
    db.transact([Put(item, condition="attribute_not_exists(PK)"),
                 _set_default(default_of, group_id) if default_of else None])
    return item


def save_vat_group(group_id: int, fields: dict, *, default_of: str | None, no_longer_default_of: str | None) -> None:
    """Set fields on a live VAT group; in the same transaction make it `default_of` a country and/or take
    the default pointer of `no_longer_default_of` away from it (only while the pointer still names it).
    TransactionFailed when the group or the pointer changed meanwhile."""
    db.transact([
        _update_live(VAT_GROUPS.key(group_id), fields),
        _set_default(default_of, group_id) if default_of else None,
        _clear_default(no_longer_default_of, group_id) if no_longer_default_of else None,
    ])


def soft_delete_vat_group(group_id: int, country: str, *, is_default: bool) -> None:
    """Soft-delete a live VAT group with its default pointer when it is the default (`is_default`, as
    read); else require that it has not become the default meanwhile. TransactionFailed otherwise."""
    pointer = _clear_default(country, group_id) if is_default else _not_default(country, group_id)
    db.transact([_soft_delete(VAT_GROUPS, group_id), pointer])


def _update_live(key: dict, fields: dict) -> Update:
    """Set fields (and update_at) on a live (not soft-deleted) item."""
    return Update.fields(key, set_fields={**fields, "update_at": now_iso()}, condition=_LIVE,
                         values={":false": False})


def _soft_delete(collection: Collection, entity_id) -> Update:
    moved = {} if collection.partition else {"GSI1PK": f"{collection.kind}#DELETED"}
    return _update_live(collection.key(entity_id), {"safe_deleted": True, **moved})


def _set_default(country: str, group_id: int) -> Put:
    return Put({**default_key(country), "owner": group_id, "country": country})


def _clear_default(country: str, group_id: int) -> Delete:
    """Remove the country's default pointer, only while it still names this group."""
    return Delete(default_key(country), condition="#o = :owner", names={"#o": "owner"},
                  values={":owner": group_id})


def _not_default(country: str, group_id: int) -> Check:
    """Fail the transaction if the group became the country's default meanwhile."""
    return Check(default_key(country), condition="attribute_not_exists(#o) OR #o <> :owner",
                 names={"#o": "owner"}, values={":owner": group_id})


# --- address book ------------------------------------------------------------------------------------

def address_list_key(email: str, kind: str) -> str:
    return f"ADDRESS#USER#{email}#{kind}"


def address_claim_key(email: str, kind: str) -> dict:
    return keys.unique(f"ADDRESSBOOK#{kind}", email)


def current_address_id(email: str, kind: str) -> int | None:
    claim = db.get("main", address_claim_key(email, kind), consistent=True)
    return int(claim["owner"]) if claim and "owner" in claim else None


def get_address(address_id: int) -> dict | None:
    """One address item, strongly consistent (read-your-writes after a save); soft-deleted ones included."""
    return db.get("main", ADDRESSES.key(address_id), consistent=True)


def create_address(email: str, kind: str, fields: dict) -> dict:
    """Create the user's address of a kind; db.ConditionFailed when one was created meanwhile."""
    address_id = db.next_id(ADDRESSES.kind.lower())
    claim = Put({**address_claim_key(email, kind), "owner": address_id}, condition="attribute_not_exists(PK)")
    return ADDRESSES.create({"kind": kind, "user": email, **fields}, address_id,
                            list_key=address_list_key(email, kind), extra_operations=[claim])


def delete_address(email: str, kind: str, address_id: int) -> None:
    """Soft-delete the address and release the claim in one transaction (db.TransactionFailed if either
    changed meanwhile)."""
    db.transact([_soft_delete(ADDRESSES, address_id), _release_claim(email, kind, address_id)])


def release_address_claim(email: str, kind: str, address_id: int) -> None:
    """Drop the user's claim of a kind while it still names this address (nothing when it does not)."""
    claim = _release_claim(email, kind, address_id)
    try:
        db.delete("main", claim.key, condition=claim.condition, names=claim.names, values=claim.values)
    except db.ConditionFailed:
        pass


def _release_claim(email: str, kind: str, address_id: int) -> Delete:
    return Delete(address_claim_key(email, kind), condition="#o = :owner", names={"#o": "owner"},
                  values={":owner": address_id})
