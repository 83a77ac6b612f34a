"""Price lists (contract P15-P19): each has one currency; exactly one is the default.

The default is guarded by a pointer item in the PRICING partition: changing the default updates the
old default, the new one and the pointer in one transaction conditioned on the pointer's previous
value, so two concurrent changes can never leave two defaults (or none).
"""

from __future__ import annotations

from chalicelib.catalog.pricelists.store import default_code, default_moves
from chalicelib.catalog.reference.store import PRICE_LISTS
from chalicelib.core.http.errors import ApiError, BadRequest, Conflict, NotFound, ValidationError
from chalicelib.core.http.validation import changed_fields
from chalicelib.core.store.entities import public
from chalicelib.core.store.write import ConditionFailed

PRICE_LIST_EXISTS = "price list with this code already exists."
FIELDS = ("code", "currency", "is_default", "rounding", "update_at", "create_at")


def render(item: dict) -> dict:
    data = public(item)
    return {name: data.get(name) for name in FIELDS}


def list_price_lists() -> list[dict]:
    return [render(item) for item in PRICE_LISTS.list()]


def get_price_list(code: str) -> dict | None:
    return PRICE_LISTS.get(code)


def get_or_404(code: str) -> dict:
    item = get_price_list(code)
    if item is None:
        raise NotFound()
    return item


def _check_currency(code: str) -> None:
    from chalicelib.localization import service as localization

    if localization.get_currency(code) is None:
        raise ValidationError.field("currency", f'Invalid currency "{code}" - object does not exist.')


def create_price_list(data: dict) -> dict:
    _check_currency(data["currency"])
    old_default = default_code()
    # The first price list is the default, whatever was asked: the shop always has exactly one.
    becomes_default = data["is_default"] or old_default is None
    fields = {"currency": data["currency"], "is_default": becomes_default, "rounding": data["rounding"]}
    extra = default_moves(data["code"], old_default) if becomes_default else []
    try:
        item = PRICE_LISTS.create(fields, data["code"], extra_operations=extra or None)
    except ConditionFailed:
        if PRICE_LISTS.get(data["code"], include_deleted=True) is not None:
            raise ValidationError.field("code", PRICE_LIST_EXISTS) from None
        raise Conflict("The default price list changed meanwhile; try again.") from None
    return render(item)


def update_price_list(code: str, data: dict) -> dict:
    current = get_or_404(code)
    if data.get("code", code) != code:
        raise ValidationError.field("code", "The code cannot be changed; create a new price list instead.")
    _check_currency(data["currency"])
    fields = {"currency": data["currency"], "rounding": data["rounding"]}
    extra: list = []
    if data["is_default"] and not current.get("is_default"):
        old_default = default_code()
        fields["is_default"] = True
        extra = default_moves(code, old_default)
    elif not data["is_default"] and current.get("is_default"):
        raise ValidationError.field("is_default", "Make another price list the default instead; "
                                                  "there must always be one.")
    if not extra and not changed_fields(current, fields):
        return render(current)  # saved as read: nothing to write
    item = PRICE_LISTS.update(code, fields, extra_operations=extra or None)
    if item is None:
        raise Conflict("The price list or the default changed meanwhile; try again.")
    return render(item)


def delete_price_list(code: str) -> None:
    current = get_or_404(code)
    if current.get("is_default"):
        raise BadRequest("The default price list cannot be deleted; make another one the default first.")
    if not PRICE_LISTS.soft_delete(code):
        raise NotFound()


def resolve(code: str | None) -> dict:
    """The price list a storefront request means: the given code if it exists, else the default."""
    if code:
        item = get_price_list(code)
        if item is not None:
            return item
    fallback = default_code()
    item = get_price_list(fallback) if fallback else None
    if item is None:
        raise ApiError({"error": "The shop has no price list yet."}, 400)
    return item
