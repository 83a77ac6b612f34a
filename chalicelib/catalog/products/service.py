"""Products: one aggregate item each (translations, variants with prices and attributes, media).

Every write is one TransactWriteItems: the product (conditioned on its `version`), the SKU claims that
keep SKUs unique across products, the category listing(s) it appears in, and one outbox item with
its events (PRODUCT_*, PRODUCTVARIANT_*, PRICE_*). A concurrent change makes the transaction fail and
the write is retried on fresh data, so nothing is half-written and no update is lost.
PUT semantics follow contract 10.2.
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.catalog.listing import service as listing
from chalicelib.catalog.products import store
from chalicelib.catalog.reference.store import (
    CATEGORIES,
    PRICE_LISTS,
    PRODUCT_TYPES,
    catalog_snapshot,
)
from chalicelib.catalog.taxonomy.service import Taxonomy
from chalicelib.core import events
from chalicelib.core.event_names import PRICE_EVENTS, PRODUCT_EVENTS, PRODUCTVARIANT_EVENTS, Crud
from chalicelib.core.http.errors import ApiError, Conflict, NotFound, ValidationError
from chalicelib.core.store.entities import now_iso
from chalicelib.core.store.write import Stale, TransactionFailed, retrying

TRANSLATION_FIELDS = ("title", "meta_title", "meta_description", "short_description", "description",
                      "description_editorjs", "slug")
SKU_TAKEN = "product variant with this sku already exists."


# --- reads ----------------------------------------------------------------------------------------

def get_product(product_id) -> dict | None:
    try:
        product_id = int(product_id)
    except (TypeError, ValueError):
        return None
    item = store.read(product_id)
    if item is None or item.get("safe_deleted"):
        return None
    return item


def get_or_404(product_id) -> dict:
    item = get_product(product_id)
    if item is None:
        raise NotFound()
    return item


def product_ids() -> list[int]:
    """Every live product id in id order (keys-only index: cheap even for a large catalog)."""
    return store.listed_ids()


def get_many(ids: list[int], *, consistent: bool = False) -> list[dict]:
    """Products by id in the given order, skipping missing or deleted ones (one BatchGetItem per 100)."""
    found = {int(item["id"]): item for item in store.read_many(ids, consistent=consistent)
             if not item.get("safe_deleted")}
    return [found[i] for i in ids if i in found]


def get_recent(ids: list[int]) -> list[dict]:
    """`get_many` from what this container read in the last second (core/store/recent.py), read-only: the
    products of a storefront page, public and eventually consistent anyway (a popular page's first product
    would otherwise take every request's read)."""
    found = {int(item["id"]): item for item in store.read_recent(ids) if not item.get("safe_deleted")}
    return [found[i] for i in ids if i in found]


def find_variant(sku: str) -> tuple[dict, dict] | None:
    """(product, variant) of a SKU, or None."""
    owner = store.sku_owner(sku)
    if owner is None:
        return None
    product = get_product(owner)
    if product is None:
        return None
    for variant in product.get("variants", []):
        if variant["sku"] == sku:
            return product, variant
    return None


# --- validation against the catalog -------------------------------------------------------------

def _check_references(data: dict) -> None:
    """Category, type, attributes and price lists must exist; 400 naming the field otherwise."""
    snapshot = catalog_snapshot()
    category_ids = {int(c["id"]) for c in snapshot[CATEGORIES.kind]}
    type_ids = {int(t["id"]) for t in snapshot[PRODUCT_TYPES.kind]}
    attribute_ids = set(Taxonomy(snapshot).values)  # values of a deleted attribute type are gone with it
    errors: dict = {}
    if data.get("category") is not None and data["category"] not in category_ids:
        errors["category"] = [f'Invalid pk "{data["category"]}" - object does not exist.']
    if data.get("type_id") is not None and data["type_id"] not in type_ids:
        errors["type_id"] = [f'Invalid pk "{data["type_id"]}" - object does not exist.']
    variants = data.get("product_variants") or []
    price_lists = {p["code"] for p in PRICE_LISTS.list()} if variants else set()
    variant_errors: list[dict] = []
    seen: set[str] = set()
    for variant in variants:
        problems: dict = {}
        if variant["sku"] in seen:
            problems["sku"] = ["This SKU appears twice in the request."]
        seen.add(variant["sku"])
        unknown = [a for a in variant.get("attributes") or [] if a not in attribute_ids]
        if unknown:
            problems["attributes"] = [f'Invalid pk "{unknown[0]}" - object does not exist.']
        price_problems = [
            {"price_list": [f'Invalid pk "{p["price_list"]}" - object does not exist.']}
            if p["price_list"] not in price_lists else {} for p in variant.get("price") or []]
        if any(price_problems):
            problems["price"] = price_problems
        variant_errors.append(problems)
    if any(variant_errors):
        errors["product_variants"] = variant_errors
    if errors:
        raise ValidationError(errors)


# --- building the aggregate -----------------------------------------------------------------------

def _merge_translations(current: dict, sent: dict) -> dict:
    """Only the languages sent are created or updated (the others are kept)."""
    merged = {lang: dict(row) for lang, row in (current or {}).items()}
    for lang, row in (sent or {}).items():
        target = merged.setdefault(lang, {field: "" for field in TRANSLATION_FIELDS})
        target.update({k: v for k, v in row.items() if k in TRANSLATION_FIELDS})
    return merged


def _merge_prices(current: list[dict], sent: list[dict] | None, stamp: str) -> list[dict]:
    """Upsert per price list; lists not mentioned are kept; an empty list removes every price. A new price
    has no id yet (`_number_new_prices` gives them all theirs in one call)."""
    if sent is None:
        return current
    if not sent:
        return []
    by_list = {p["price_list"]: dict(p) for p in current}
    for price in sent:
        existing = by_list.get(price["price_list"])
        if existing is None:
            by_list[price["price_list"]] = {"id": None, "price_list": price["price_list"],
                                            "price": price["price"], "discount": price.get("discount"),
                                            "create_at": stamp, "update_at": stamp}
        elif existing["price"] != price["price"] or existing.get("discount") != price.get("discount"):
            existing.update(price=price["price"], discount=price.get("discount"), update_at=stamp)
    return list(by_list.values())


def _number_new_prices(variants: list[dict]) -> None:
    """The new prices' ids, reserved in one counter update, in the order the prices were sent (variant by
    variant); then each variant's prices in id order."""
    new = [price for variant in variants for price in variant["price"] if price["id"] is None]
    for price, price_id in zip(new, store.new_price_ids(len(new)), strict=True):
        price["id"] = price_id
    for variant in variants:
        variant["price"].sort(key=lambda p: p["id"])


def _build_variants(current: list[dict], sent: list[dict] | None, stamp: str) -> list[dict]:
    """Upsert by SKU; variants missing from `sent` are dropped (10.2: absent or empty clears them)."""
    existing = {v["sku"]: v for v in current}
    result = []
    for data in sent or []:
        variant = dict(existing.get(data["sku"]) or {"sku": data["sku"], "price": [], "attributes": [],
                                                      "create_at": stamp})
        for field in ("ean", "weight", "stock_quantity", "recommendation_weight"):
            if field in data and variant.get(field) != data[field]:  # (null sent for a field never set: no change)
                variant[field] = data[field]
        variant.setdefault("stock_quantity", 0)
        if "attributes" in data:
            variant["attributes"] = list(dict.fromkeys(data["attributes"]))
        variant["price"] = _merge_prices(variant.get("price", []), data.get("price"), stamp)
        result.append(variant)
    _number_new_prices(result)
    for variant in result:
        if variant != existing.get(variant["sku"]):
            variant["update_at"] = stamp
    return result


# --- events (contract section 6 payloads) --------------------------------------------------------

def _number(value) -> float | None:
    return None if value is None else float(value)


def product_payload(product: dict, deleted: bool = False) -> dict:
    return {
        "_model_class": "Product",
        "id": int(product["id"]),
        "published": bool(product.get("published")),
        "type": product.get("type_id"),
        "category_id": product.get("category"),
        "product_translations": [
            {"id": None, "language_code": lang, **{f: (row or {}).get(f) for f in TRANSLATION_FIELDS
                                                   if f != "description_editorjs"}}
            for lang, row in sorted((product.get("translations") or {}).items())],
        "product_variants": [v["sku"] for v in product.get("variants", [])],
        "update_at": product.get("update_at"),
        "create_at": product.get("create_at"),
        "deleted": deleted,
    }


def variant_payload(variant: dict, deleted: bool = False) -> dict:
    return {
        "_model_class": "ProductVariant",
        "sku": variant["sku"],
        "ean": variant.get("ean"),
        "weight": _number(variant.get("weight")),
        "stock_quantity": int(variant.get("stock_quantity", 0)),
        "recommendation_weight": _number(variant.get("recommendation_weight")),
        "update_at": variant.get("update_at"),
        "create_at": variant.get("create_at"),
        "attributes": [int(a) for a in variant.get("attributes", [])],
        "deleted": deleted,
    }


def price_payload(price: dict, sku: str, deleted: bool = False) -> dict:
    return {
        "_model_class": "ProductPrice",
        "id": int(price["id"]),
        "price_list_code": price["price_list"],
        "product_variant_sku": sku,
        "price": _number(price["price"]),
        "update_at": price.get("update_at"),
        "create_at": price.get("create_at"),
        "deleted": deleted,
    }


def _change(before, after) -> Crud | None:
    if before is None and after is not None:
        return "SAVE"
    if before is not None and after is None:
        return "DELETE"
    return "UPDATE" if before != after else None


def change_events(old: dict | None, new: dict | None) -> list[tuple[str, dict]]:
    """The events of a product change: the product, then each changed variant, then each changed price."""
    found: list[tuple[str, dict]] = []
    change: Crud = "DELETE" if new is None else ("SAVE" if old is None else "UPDATE")
    found.append((PRODUCT_EVENTS[change], product_payload(new or old, deleted=new is None)))
    old_variants = {v["sku"]: v for v in (old or {}).get("variants", [])}
    new_variants = {v["sku"]: v for v in (new or {}).get("variants", [])}
    for sku in list(dict.fromkeys([*old_variants, *new_variants])):
        before, after = old_variants.get(sku), new_variants.get(sku)
        kind = _change(before, after)
        if kind:
            found.append((PRODUCTVARIANT_EVENTS[kind], variant_payload(after or before, deleted=after is None)))
        old_prices = {p["id"]: p for p in (before or {}).get("price", [])}
        new_prices = {p["id"]: p for p in (after or {}).get("price", [])}
        for price_id in list(dict.fromkeys([*old_prices, *new_prices])):
            price_before, price_after = old_prices.get(price_id), new_prices.get(price_id)
            kind = _change(price_before, price_after)
            if kind:
                found.append((PRICE_EVENTS[kind],
                              price_payload(price_after or price_before, sku, deleted=price_after is None)))
    return found


# --- writes ---------------------------------------------------------------------------------------

def _taken_skus(product_id: int, old: dict | None, new: dict) -> list[str]:
    old_skus = {v["sku"] for v in (old or {}).get("variants", [])}
    wanted = [v["sku"] for v in new.get("variants", []) if v["sku"] not in old_skus]
    return store.skus_of_others(product_id, wanted)


def _raise_sku_taken(new: dict, taken: list[str]) -> None:
    raise ValidationError({"product_variants": [
        {"sku": [SKU_TAKEN]} if v["sku"] in taken else {} for v in new.get("variants", [])]})


def _save(old: dict | None, new: dict | None) -> None:
    """Write a product change with its claims, listings and events in one transaction."""
    try:
        store.save_product(old, new, [*listing.changes_for(old, new),
                                      events.outbox_put_batch(change_events(old, new))])
    except store.TooManyWrites:
        raise ValidationError.field("product_variants", "Too many variants added or removed at once; "
                                                        "save the product in smaller steps.") from None


def _attempt(write) -> dict:
    """Run a read-modify-write, again on fresh data when a concurrent change got there first."""
    try:
        return retrying(write, again=lambda failure: isinstance(failure, TransactionFailed))
    except Stale:
        raise Conflict("The product changed meanwhile; try again.") from None


def create_product(data: dict) -> dict:
    _check_references(data)
    stamp = now_iso()
    product_id = store.new_product_id()
    new = store.new_product_item(product_id, {
        "id": product_id,
        "published": data["published"],
        "category": data.get("category"),
        "type_id": data.get("type_id"),
        "translations": _merge_translations({}, data.get("translations")),
        "variants": _build_variants([], data.get("product_variants"), stamp),
        "media": [],
        "version": 1,
        "create_at": stamp,
        "update_at": stamp,
    })

    def write() -> dict:
        taken = _taken_skus(product_id, None, new)
        if taken:
            _raise_sku_taken(new, taken)
        _save(None, new)
        return new

    return _attempt(write)


def replace_product(product_id, data: dict) -> dict:
    """PUT: scalar fields and the languages sent are updated; variants are upserted by SKU (10.2)."""
    _check_references(data)

    def write() -> dict:
        old = get_or_404(product_id)
        stamp = now_iso()
        new = dict(old)
        new.update(
            published=data["published"],
            translations=_merge_translations(old.get("translations"), data.get("translations")),
            variants=_build_variants(old.get("variants", []), data.get("product_variants"), stamp),
            version=int(old["version"]) + 1,
            update_at=stamp,
        )
        for field in ("category", "type_id"):
            if field in data:
                new[field] = data[field]
        if _same_content(old, new):
            return old  # the dashboard saved what it read: nothing to write, no events
        taken = _taken_skus(int(old["id"]), old, new)
        if taken:
            _raise_sku_taken(new, taken)
        _save(old, new)
        return new

    return _attempt(write)


def _same_content(old: dict, new: dict) -> bool:
    bookkeeping = ("version", "update_at")
    return ({k: v for k, v in old.items() if k not in bookkeeping}
            == {k: v for k, v in new.items() if k not in bookkeeping})


def delete_product(product_id) -> None:
    """Soft delete: the product is hidden everywhere and its SKUs are free again."""

    def write() -> dict:
        old = get_or_404(product_id)
        gone = store.unlisted({**old, "safe_deleted": True, "version": int(old["version"]) + 1,
                               "update_at": now_iso()})
        store.save_product(old, gone, [*listing.changes_for(old, None),
                                       events.outbox_put_batch(change_events(old, None))], deleted=True)
        return gone

    _attempt(write)


def update_media(product_id, change) -> dict:
    """Apply `change(product) -> (new media list, extra writes)` to a product's media, atomically."""

    def write() -> dict:
        old = get_product(product_id)
        if old is None:
            raise ValidationError.field("product_id", f'Invalid pk "{product_id}" - object does not exist.')
        media, extra = change(old)
        if media == old.get("media", []) and not extra:
            return old  # nothing changes (e.g. the sort order the dashboard read, sent back)
        new = {**old, "media": media, "version": int(old["version"]) + 1, "update_at": now_iso()}
        store.save_product(old, new, extra)
        return new

    return _attempt(write)


def decimal_or_none(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def require_product(product_id) -> dict:
    product = get_product(product_id)
    if product is None:
        raise ApiError({"error": "Product does not exist"}, 404)
    return product
