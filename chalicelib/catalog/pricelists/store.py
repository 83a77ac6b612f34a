"""Where the default price list is named: a pointer item in the PRICING partition (the price lists
themselves are reference.PRICE_LISTS items of the same partition).

Changing the default writes the pointer conditioned on the code it had, together with the old and new
default price lists, so two concurrent changes can never leave two defaults (or none).
"""

from __future__ import annotations

from chalicelib.catalog.reference.store import PRICE_LISTS, PRICING
from chalicelib.core.store import db
from chalicelib.core.store.write import Put, Update

DEFAULT_POINTER = {"PK": PRICING, "SK": "DEFAULT#PRICELIST"}  # attribute `code`: the default price list's


def default_code() -> str | None:
    """The default price list's code, read consistently (None before the first price list)."""
    pointer = db.get("main", DEFAULT_POINTER, consistent=True)
    return pointer.get("code") if pointer else None


def default_code_among(items: list[dict]) -> str | None:
    """The default price list's code from the PRICING partition's items (reference.pricing_items())."""
    return next((i.get("code") for i in items if i["SK"] == DEFAULT_POINTER["SK"]), None)


def default_moves(new_code: str, old_code: str | None) -> list[Put | Update]:
    """The writes that make `new_code` the default instead of `old_code` (None: there was none): the
    pointer, conditioned on still naming `old_code`, and the old default's flag turned off."""
    condition = "attribute_not_exists(code)" if old_code is None else "code = :old"
    writes: list[Put | Update] = [Put({**DEFAULT_POINTER, "code": new_code}, condition=condition,
                                      values=None if old_code is None else {":old": old_code})]
    if old_code is not None and old_code != new_code:
        writes.append(Update.fields(PRICE_LISTS.key(old_code), set_fields={"is_default": False},
                                    condition="attribute_exists(PK)"))
    return writes
