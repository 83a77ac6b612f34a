"""Shipping and payment method items in the `main` table: all of them in one shared partition.

A shop has a handful of methods and a row per method and country (a few hundred items at most, far
below a Query page of 1 MB), and every read needs several kinds at once: the storefront's K32 needs the
shipping rows, their payment rows and both kinds of methods; a cart choosing a method needs the row and
its method. So they share the partition METHODS (core/store/entities.Collection with `partition`) and
one strongly consistent Query reads everything a request needs:

* PK "METHODS", SK "SHIPPINGMETHOD#<zero-padded id>": {id, translations: {lang: {title, description}},
  image (media key `shipping_method/<id>.<ext>`, or None), image_version (int, bumped by each upload:
  the URL carries it so that caches never serve a replaced image), version (optimistic concurrency),
  create_at, update_at}
* PK "METHODS", SK "PAYMENTMETHOD#<zero-padded id>": the same for payment methods (`payment_method/...`)
* PK "METHODS", SK "SHIPPINGCOUNTRY#<zero-padded id>": a shipping method in one country
  {id, shipping_method (method id), country, vat_group (id), currency, price (Decimal, net),
  is_active, payment_methods (PAYMENTCOUNTRY ids), create_at, update_at}
* PK "METHODS", SK "PAYMENTCOUNTRY#<zero-padded id>": a payment method in one country
  {id, payment_method, country, vat_group, currency, price, is_active, api_request (key of the payment
  config, or None for an offline method), create_at, update_at}

Soft-deleted items keep their key with `safe_deleted: true` (contract A.6). The SHIPPING / PAYMENT sort
key prefixes let a read that needs one kind only Query that half of the partition. Integer ids come from
the counters `shippingmethod`, `paymentmethod`, `shippingcountry` and `paymentcountry`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.core.store import db, versioned
from chalicelib.core.store.entities import Collection

PARTITION = "METHODS"

# The storefront's cart reads it per method choice: served from the container's copy while unchanged
# (core/store/versioned.py); the dashboard and checkout read it strongly consistent (`read`).
versioned.register(PARTITION)


@dataclass(frozen=True)
class Kind:
    """What differs between shipping and payment methods."""

    name: str  # "shipping" | "payment"
    methods: Collection
    rows: Collection
    method_field: str  # the row's reference to its method, as the contract names it
    image_area: str  # media key prefix

    @property
    def prefix(self) -> str:
        """The sort-key prefix shared by this kind's methods and rows."""
        return self.name.upper()


SHIPPING = Kind("shipping", Collection("SHIPPINGMETHOD", partition=PARTITION),
                Collection("SHIPPINGCOUNTRY", partition=PARTITION), "shipping_method", "shipping_method")
PAYMENT = Kind("payment", Collection("PAYMENTMETHOD", partition=PARTITION),
               Collection("PAYMENTCOUNTRY", partition=PARTITION), "payment_method", "payment_method")
KINDS = {"shipping": SHIPPING, "payment": PAYMENT}


def kind_of(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown method kind {name!r}; use 'shipping' or 'payment'") from None


@dataclass
class Snapshot:
    """The live items of the partition (or of one kind's half), by kind and id."""

    methods: dict[str, dict[int, dict]] = field(default_factory=lambda: {"shipping": {}, "payment": {}})
    rows: dict[str, dict[int, dict]] = field(default_factory=lambda: {"shipping": {}, "payment": {}})

    def method_of(self, kind: Kind, row: dict) -> dict | None:
        """The live method a row belongs to (None when the method was deleted)."""
        return self.methods[kind.name].get(int(row[kind.method_field]))

    def live_row(self, kind: Kind, row_id: int) -> dict | None:
        """A live row whose method is live too: a row of a deleted method is gone with it."""
        row = self.rows[kind.name].get(row_id)
        return row if row is not None and self.method_of(kind, row) is not None else None


def read(kind: Kind | None = None, *, cached: bool = False) -> Snapshot:
    """One consistent Query: the whole partition, or only one kind's methods and rows. `cached`: the
    container's copy of the whole partition instead (no call while its version is unchanged; another
    container's change is seen within versioned.CHECK_SECONDS), for storefront reads whose choice a
    later consistent read checks again (checkout)."""
    snapshot = Snapshot()
    prefix = kind.prefix if kind else None
    found = (versioned.read(PARTITION) if cached
             else db.query("main", partition=("PK", PARTITION), sort_prefix=prefix, consistent=True))
    for item in found:
        for each in KINDS.values():
            if each.methods.owns(item):
                snapshot.methods[each.name][int(item["id"])] = item
            elif each.rows.owns(item):
                snapshot.rows[each.name][int(item["id"])] = item
    return snapshot


_LIVE = "attribute_exists(PK) AND (attribute_not_exists(safe_deleted) OR safe_deleted = :false)"


def new_method_id(kind: Kind) -> int:
    """The next id of a kind's methods (counter `shippingmethod` / `paymentmethod`)."""
    return db.next_id(kind.methods.kind.lower())


def get_method(kind: Kind, method_id: int) -> dict | None:
    """One method item, strongly consistent (soft-deleted ones included)."""
    return db.get("main", kind.methods.key(method_id), consistent=True)


def save_method(kind: Kind, method_id: int, fields: dict, seen_version) -> dict:
    """Set fields on a live method still at the version read (`seen_version`, None for an item written
    before versions); answers the item as written. ConditionFailed when it changed or was deleted."""
    values: dict = {":false": False}
    if seen_version is None:
        condition = f"{_LIVE} AND attribute_not_exists(#v)"
    else:
        condition = f"{_LIVE} AND #v = :seen"
        values[":seen"] = seen_version
    return db.update("main", kind.methods.key(method_id), set_fields=fields, condition=condition,
                     names={"#v": "version"}, values=values)
