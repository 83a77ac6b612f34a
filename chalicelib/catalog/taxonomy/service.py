"""Attribute types, their values (base attributes) and product types (contract P2-P6, P20-P29).

All three live in the CATALOG partition (reference/store.py): dashboard lists and details read them with one
consistent Query (`catalog_snapshot()`), as the storefront does.

Rules beyond the original:
* A base attribute's `type` must be a live attribute type; for INTEGER/DECIMAL types its `value` must be
  that kind of number. A type cannot become numeric while one of its values is not a number.
* A product type's `allowed_attribute_types_ids` must be live attribute types; its `vat_groups` must be
  existing VAT groups (localization), at most one per country (the VAT lookup takes the first anyway).
* Every create, update and soft delete records its event (ATTRIBUTETYPE_*, ATTRIBUTE_*, PRODUCTTYPE_*,
  contract 6) in the same transaction; writes that depend on another entity re-check it in that
  transaction and are retried from a fresh read when it changed meanwhile.
* Deletes are soft and do not cascade: the values of a deleted attribute type disappear with it (reads
  hide them, detail answers 404), and a deleted attribute type drops out of the product types allowing it.

Functions for other packages (dashboard product shapes, storefront product pages, C10 filters):
* `Taxonomy(snapshot)`: live `types`, `values` (of live types), `values_of[type_id]`, `product_types`,
  and `product_type(item)` rendering the dashboard ProductType shape
* `attribute_lookup(snapshot) -> {base_attribute_id: {...}}`
* `render_storefront_attribute(entry, language) -> dict` (P1 `attributes[]` item)
* `category_attribute_filters(snapshot, product_type_ids, language) -> {"textual": [...], "numeric": [...]}` (C10)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.catalog.reference.store import ATTRIBUTE_TYPES, BASE_ATTRIBUTES, PRODUCT_TYPES, catalog_snapshot
from chalicelib.catalog.taxonomy import schemas
from chalicelib.catalog.taxonomy.store import get_live, live_check, new_id
from chalicelib.core import event_names
from chalicelib.core.events import outbox_put
from chalicelib.core.http.errors import Conflict, NotFound, ValidationError
from chalicelib.core.http.validation import changed_fields
from chalicelib.core.settings import get_settings
from chalicelib.core.store import versioned
from chalicelib.core.store.entities import Collection, now_iso
from chalicelib.core.store.write import Check, ConditionFailed, Put, Stale, Write, retrying
from chalicelib.localization import service as localization

ATTEMPTS = 3
CONFLICT = "It was changed by someone else at the same time; reload and try again."
_MAX_CHECKS = 95  # TransactWriteItems takes 100 operations: the write, its event and these checks


# --- shared helpers (categories/service.py uses them too) -----------------------------------------------------

def with_retries(attempt: Callable[[], Any]) -> Any:
    """Run read-validate-write `attempt` again on fresh data when its write found the world changed (it
    raised `Stale`); 409 after the last attempt."""
    try:
        return retrying(attempt, attempts=ATTEMPTS)
    except Stale:
        raise Conflict(CONFLICT) from None


def create(collection: Collection, entity_id: int, fields: dict, operations: list[Write]) -> dict:
    """Create with `operations` (event, checks) in one transaction; Stale when a check failed."""
    try:
        return collection.create(fields, entity_id, extra_operations=operations)
    except ConditionFailed:
        raise Stale() from None


def update(collection: Collection, entity_id: int, fields: dict, operations: list[Write],
           current: dict | None = None) -> dict:
    """Write `fields` with `operations`; with `current`, a write that changes nothing is skipped."""
    if current is not None and not changed_fields(current, fields):
        return current  # the dashboard saved what it read: no new update_at, no event
    item = collection.update(entity_id, fields, extra_operations=operations)
    if item is None:  # deleted meanwhile, or a check failed: the next attempt reads again
        raise Stale()
    return item


def invalid_pk(value: Any) -> str:
    return f'Invalid pk "{value}" - object does not exist.'


def ordered_languages(translations: dict) -> list[str]:
    order = list(get_settings().languages)
    return [lang for lang in order if lang in translations] + sorted(set(translations) - set(order))


def merge_rows(existing: dict | None, sent: dict, fields: Iterable[str]) -> dict:
    """Stored translations with the languages sent updated; fields not sent keep their value.

    On update, a language new to the item whose values are all empty is not added: the dashboard's attribute grid
    sends every shop language (`name: ""`, or null for a numeric type) and saving what it read must
    change nothing (a missing row falls back to the default language; an empty one would not)."""
    rows = {lang: dict(row) for lang, row in (existing or {}).items()}
    for lang, changes in sent.items():
        if existing is not None and lang not in rows and all(value in (None, "") for value in changes.values()):
            continue
        row = rows.get(lang) or {name: None for name in fields}
        rows[lang] = {**row, **changes}
    return rows


def pick(names: dict, language: str) -> str:
    """One language's text of `{lang: text}` with the contract's fallback (A.7): the requested language
    when it has a row, else the default language's; null becomes ""."""
    if language in names:
        text = names[language]
    else:
        text = names.get(get_settings().default_language)
    return "" if text is None else text


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


# --- rendering (dashboard shapes) ---------------------------------------------------------------------

def _name_rows(item: dict) -> dict:
    rows = item.get("translations") or {}
    return {lang: {"name": rows[lang].get("name")} for lang in ordered_languages(rows)}


def render_base_attribute(item: dict) -> dict:
    return {"id": int(item["id"]), "value": item.get("value"), "type": int(item["type"]),
            "translations": _name_rows(item)}


def render_attribute_type(item: dict, values: Iterable[dict]) -> dict:
    return {"id": int(item["id"]), "type_name": item.get("type_name"), "unit": item.get("unit"),
            "base_attributes": [render_base_attribute(v) for v in values],
            "value_type": item.get("value_type", schemas.TEXT), "translations": _name_rows(item)}


class Taxonomy:
    """Live attribute types, their live values and product types of one snapshot, indexed by id."""

    def __init__(self, snapshot: dict[str, list[dict]]):
        self.types = {int(t["id"]): t for t in snapshot.get(ATTRIBUTE_TYPES.kind, [])}
        self.values: dict[int, dict] = {}
        self.values_of: dict[int, list[dict]] = defaultdict(list)
        for value in snapshot.get(BASE_ATTRIBUTES.kind, []):
            type_id = int(value["type"])
            if type_id in self.types:  # values of a deleted type are gone with it
                self.values[int(value["id"])] = value
                self.values_of[type_id].append(value)
        self.product_types = {int(p["id"]): p for p in snapshot.get(PRODUCT_TYPES.kind, [])}

    @classmethod
    def read(cls) -> Taxonomy:
        return cls(catalog_snapshot())

    def attribute_type(self, type_id: int) -> dict:
        return render_attribute_type(self.types[type_id], self.values_of.get(type_id, []))

    def allowed_ids(self, product_type: dict) -> list[int]:
        return [int(i) for i in product_type.get("allowed_attribute_types_ids") or [] if int(i) in self.types]

    def product_type(self, item: dict) -> dict:
        allowed = self.allowed_ids(item)
        return {"id": int(item["id"]), "name": item.get("name"),
                "allowed_attribute_types": [self.attribute_type(i) for i in allowed],
                "allowed_attribute_types_ids": allowed,
                "vat_groups": [int(i) for i in item.get("vat_groups") or []],
                "create_at": item.get("create_at"), "update_at": item.get("update_at")}


# --- value checks --------------------------------------------------------------------------------------

def parse_number(value: Any, value_type: str) -> Decimal | None:
    """The number a raw value holds for an INTEGER/DECIMAL type, or None when it holds none."""
    if value is None:
        return None
    text = str(value).strip()
    if "_" in text:  # Decimal reads "1_000"; a shopper-facing value should not
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if value_type == schemas.INTEGER and not text.lstrip("+-").isdigit():
        return None
    return number


def _check_value(value: str | None, value_type: str) -> str | None:
    if value_type in schemas.NUMERIC_TYPES and parse_number(value, value_type) is None:
        kind = "an integer" if value_type == schemas.INTEGER else "a decimal number"
        raise ValidationError.field("value", f"The attribute type is {value_type}: the value must be {kind}"
                                             f" (got {value!r}).")
    return value


# --- attribute types (P20-P24) -------------------------------------------------------------------------

def _attribute_type_event(name: str, item: dict) -> Put:
    """`name`: ATTRIBUTETYPE_SAVE / _UPDATE / _DELETE."""
    numeric = item.get("value_type") in schemas.NUMERIC_TYPES
    return outbox_put(name, {
        "_model_class": "AttributeType", "id": int(item["id"]), "type": "NUMERICAL" if numeric else "CATEGORICAL",
        "type_name": item.get("type_name"), "unit": item.get("unit")})


def list_attribute_types() -> list[dict]:
    taxonomy = Taxonomy.read()
    return [taxonomy.attribute_type(i) for i in taxonomy.types]


def get_attribute_type(type_id) -> dict:
    taxonomy = Taxonomy.read()
    type_id = _int_or_none(type_id)
    if type_id not in taxonomy.types:
        raise NotFound()
    return taxonomy.attribute_type(type_id)


def create_attribute_type(data: dict) -> dict:
    type_id = new_id(ATTRIBUTE_TYPES)
    fields = {"type_name": data["type_name"], "unit": data["unit"], "value_type": data["value_type"],
              "translations": merge_rows(None, data["translations"], ("name",))}
    event = _attribute_type_event(event_names.ATTRIBUTETYPE_SAVE, {"id": type_id, **fields})
    item = ATTRIBUTE_TYPES.create(fields, type_id, extra_operations=[event])
    return render_attribute_type(item, [])


def update_attribute_type(type_id, data: dict) -> dict:
    def attempt() -> dict:
        taxonomy = Taxonomy.read()
        tid = _int_or_none(type_id)
        current = taxonomy.types.get(tid)
        if current is None:
            raise NotFound()
        fields = {name: data[name] for name in ("type_name", "unit", "value_type") if name in data}
        if "translations" in data:
            fields["translations"] = merge_rows(current.get("translations"), data["translations"], ("name",))
        values = taxonomy.values_of.get(tid, [])
        value_type = fields.get("value_type", current.get("value_type", schemas.TEXT))
        if value_type in schemas.NUMERIC_TYPES and value_type != current.get("value_type"):
            bad = [v for v in values if parse_number(v.get("value"), value_type) is None]
            if bad:
                listed = ", ".join(f"{v.get('value')!r} (id {int(v['id'])})" for v in bad[:5])
                raise ValidationError.field("value_type", f"Cannot make the type {value_type}: these values are "
                                                          f"not such numbers: {listed}.")
        event = _attribute_type_event(event_names.ATTRIBUTETYPE_UPDATE, {**current, **fields})
        item = update(ATTRIBUTE_TYPES, tid, fields, [event], current)
        return render_attribute_type(item, values)

    return with_retries(attempt)


def delete_attribute_type(type_id) -> None:
    current = get_live(ATTRIBUTE_TYPES, type_id)
    if current is None or not ATTRIBUTE_TYPES.soft_delete(
            int(current["id"]), extra_operations=[_attribute_type_event(event_names.ATTRIBUTETYPE_DELETE, current)]):
        raise NotFound()


# --- base attributes (P25-P29) -------------------------------------------------------------------------

def _attribute_event(name: str, item: dict, deleted: bool = False) -> Put:
    """`name`: ATTRIBUTE_SAVE / _UPDATE / _DELETE."""
    return outbox_put(name, {
        "_model_class": "Attribute", "id": int(item["id"]), "type": int(item["type"]),
        "raw_value": item.get("value"), "order": _int(item.get("order")), "ext_attributes": [],
        "deleted": deleted})


def _type_for_value(type_id: int) -> dict:
    type_item = get_live(ATTRIBUTE_TYPES, type_id)
    if type_item is None:
        raise ValidationError.field("type", invalid_pk(type_id))
    return type_item


def _type_unchanged(type_item: dict) -> Check:
    """Re-check, in the write's transaction, that the type is live and still of the value type checked."""
    return live_check(ATTRIBUTE_TYPES, int(type_item["id"]), extra="value_type = :vt",
                      values={":vt": type_item.get("value_type", schemas.TEXT)})


def _live_value(attribute_id) -> dict:
    """A live base attribute of a live type, or 404."""
    item = get_live(BASE_ATTRIBUTES, attribute_id)
    if item is None or get_live(ATTRIBUTE_TYPES, item["type"]) is None:
        raise NotFound()
    return item


def list_base_attributes() -> list[dict]:
    return [render_base_attribute(v) for v in Taxonomy.read().values.values()]


def get_base_attribute(attribute_id) -> dict:
    return render_base_attribute(_live_value(attribute_id))


def create_base_attribute(data: dict) -> dict:
    attribute_id = new_id(BASE_ATTRIBUTES)

    def attempt() -> dict:
        type_item = _type_for_value(data["type"])
        fields = {"type": int(type_item["id"]), "value": _check_value(data["value"], type_item.get("value_type")),
                  "order": None, "translations": merge_rows(None, data["translations"], ("name",))}
        event = _attribute_event(event_names.ATTRIBUTE_SAVE, {"id": attribute_id, **fields})
        return render_base_attribute(create(BASE_ATTRIBUTES, attribute_id, fields,
                                            [event, _type_unchanged(type_item)]))

    return with_retries(attempt)


def update_base_attribute(attribute_id, data: dict) -> dict:
    def attempt() -> dict:
        current = _live_value(attribute_id)
        type_item = _type_for_value(data.get("type", current["type"]))
        value = data["value"] if "value" in data else current.get("value")
        fields = {"type": int(type_item["id"]), "value": _check_value(value, type_item.get("value_type"))}
        if "translations" in data:
            fields["translations"] = merge_rows(current.get("translations"), data["translations"], ("name",))
        event = _attribute_event(event_names.ATTRIBUTE_UPDATE, {**current, **fields})
        return render_base_attribute(update(BASE_ATTRIBUTES, int(current["id"]), fields,
                                            [event, _type_unchanged(type_item)], current))

    return with_retries(attempt)


def delete_base_attribute(attribute_id) -> None:
    current = _live_value(attribute_id)
    event = _attribute_event(event_names.ATTRIBUTE_DELETE, current, deleted=True)
    if not BASE_ATTRIBUTES.soft_delete(int(current["id"]), extra_operations=[event]):
        raise NotFound()


# --- product types (P2-P6) -----------------------------------------------------------------------------

def _product_type_event(name: str, item: dict, deleted: bool = False) -> Put:
    """`name`: PRODUCTTYPE_SAVE / _UPDATE / _DELETE."""
    # `products` is the reverse relation; product events carry their `type`, so consumers can join.
    return outbox_put(name, {
        "_model_class": "ProductType", "id": int(item["id"]), "name": item.get("name"),
        "attribute_types": [int(i) for i in item.get("allowed_attribute_types_ids") or []], "products": [],
        "update_at": item.get("update_at"), "create_at": item.get("create_at"), "deleted": deleted})


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids))


def _check_attribute_types(taxonomy: Taxonomy, ids: list[int]) -> list[int]:
    ids = _unique(ids)
    missing = [i for i in ids if i not in taxonomy.types]
    if missing:
        raise ValidationError({"allowed_attribute_types_ids": [invalid_pk(i) for i in missing]})
    return ids


def _check_vat_groups(ids: list[int]) -> list[int]:
    ids = _unique(ids)
    groups = {i: localization.get_vat_group(i) for i in ids}
    missing = [i for i, group in groups.items() if group is None]
    if missing:
        raise ValidationError({"vat_groups": [invalid_pk(i) for i in missing]})
    by_country: dict[str, list[int]] = defaultdict(list)
    for group_id, group in groups.items():
        by_country[group["country"]].append(group_id)
    doubled = {country: found for country, found in by_country.items() if len(found) > 1}
    if doubled:
        raise ValidationError({"vat_groups": [
            f"VAT groups {', '.join(map(str, found))} are all for {country}; a product type has at most one "
            f"VAT group per country." for country, found in sorted(doubled.items())]})
    return ids


def _type_checks(ids: list[int]) -> list[Check]:
    return [live_check(ATTRIBUTE_TYPES, i) for i in ids] if len(ids) <= _MAX_CHECKS else []


def list_product_types() -> list[dict]:
    taxonomy = Taxonomy.read()
    return [taxonomy.product_type(p) for p in taxonomy.product_types.values()]


def get_product_type(product_type_id) -> dict:
    taxonomy = Taxonomy.read()
    item = taxonomy.product_types.get(_int_or_none(product_type_id))
    if item is None:
        raise NotFound()
    return taxonomy.product_type(item)


def create_product_type(data: dict) -> dict:
    vat_groups = _check_vat_groups(data["vat_groups"])
    product_type_id = new_id(PRODUCT_TYPES)

    def attempt() -> dict:
        taxonomy = Taxonomy.read()
        allowed = _check_attribute_types(taxonomy, data["allowed_attribute_types_ids"])
        fields = {"name": data["name"], "allowed_attribute_types_ids": allowed, "vat_groups": vat_groups}
        stamp = now_iso()
        event = _product_type_event(event_names.PRODUCTTYPE_SAVE, {"id": product_type_id, **fields, "create_at": stamp,
                                             "update_at": stamp})
        item = create(PRODUCT_TYPES, product_type_id, fields, [event, *_type_checks(allowed)])
        return taxonomy.product_type(item)

    return with_retries(attempt)


def update_product_type(product_type_id, data: dict) -> dict:
    vat_groups = _check_vat_groups(data["vat_groups"]) if "vat_groups" in data else None

    def attempt() -> dict:
        taxonomy = Taxonomy.read()
        current = taxonomy.product_types.get(_int_or_none(product_type_id))
        if current is None:
            raise NotFound()
        fields: dict = {}
        if "name" in data:
            fields["name"] = data["name"]
        checks: list[Check] = []
        if "allowed_attribute_types_ids" in data:
            fields["allowed_attribute_types_ids"] = _check_attribute_types(taxonomy,
                                                                           data["allowed_attribute_types_ids"])
            checks = _type_checks(fields["allowed_attribute_types_ids"])
        if vat_groups is not None:
            fields["vat_groups"] = vat_groups
        event = _product_type_event(event_names.PRODUCTTYPE_UPDATE, {**current, **fields, "update_at": now_iso()})
        item = update(PRODUCT_TYPES, int(current["id"]), fields, [event, *checks], current)
        return taxonomy.product_type(item)

    return with_retries(attempt)


def delete_product_type(product_type_id) -> None:
    current = get_live(PRODUCT_TYPES, product_type_id)
    if current is None:
        raise NotFound()
    event = _product_type_event(event_names.PRODUCTTYPE_DELETE, {**current, "update_at": now_iso()}, deleted=True)
    if not PRODUCT_TYPES.soft_delete(int(current["id"]), extra_operations=[event]):
        raise NotFound()


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- for the storefront (P1 attributes, C10 filters) ---------------------------------------------------

def _names(item: dict) -> dict[str, str | None]:
    return {lang: row.get("name") for lang, row in (item.get("translations") or {}).items()}


_last_lookup: tuple = (None, None)  # (snapshot, its lookup): the shared snapshot is one object per version


def attribute_lookup(snapshot: dict[str, list[dict]]) -> dict[int, dict]:
    """Every live base attribute of a live type, by id:
    `{id, value, order, name: {lang: text}, type: {id, type_name, unit, value_type, is_numeric, name: {lang: text}}}`.
    Texts keep every language; `render_storefront_attribute` picks one. Built once per shared snapshot
    (read-only then), for any other snapshot each time."""
    global _last_lookup
    held_snapshot, held_lookup = _last_lookup
    if held_snapshot is snapshot:
        return held_lookup
    lookup = _build_lookup(snapshot)
    if isinstance(snapshot, versioned.FrozenDict):
        lookup = versioned.freeze(lookup)
        _last_lookup = (snapshot, lookup)
    return lookup


def _build_lookup(snapshot: dict[str, list[dict]]) -> dict[int, dict]:
    taxonomy = Taxonomy(snapshot)
    types = {type_id: {"id": type_id, "type_name": t.get("type_name"), "unit": t.get("unit"),
                       "value_type": t.get("value_type", schemas.TEXT),
                       "is_numeric": t.get("value_type") in schemas.NUMERIC_TYPES, "name": _names(t)}
             for type_id, t in taxonomy.types.items()}
    return {value_id: {"id": value_id, "value": v.get("value"), "order": _int(v.get("order")), "name": _names(v),
                       "type": types[int(v["type"])]}
            for value_id, v in taxonomy.values.items()}


def render_storefront_attribute(entry: dict, language: str) -> dict:
    """A storefront attribute (P1 `product_variants[].attributes[]`) from an `attribute_lookup` entry."""
    kind = entry["type"]
    return {"id": entry["id"], "order": entry["order"], "value": entry["value"],
            "name": pick(entry["name"], language),
            "type": {"id": kind["id"], "type_name": kind["type_name"] or "", "name": pick(kind["name"], language),
                     # null when the type has no unit, as the original's CharField answers it
                     "unit": kind["unit"], "is_numeric": kind["is_numeric"]}}


def category_attribute_filters(snapshot: dict[str, list[dict]], product_type_ids: Iterable[int],
                               language: str) -> dict[str, list[dict]]:
    """C10's body: the attribute types allowed by the given product types, each with ALL its values.

    Textual values are the translated names in id order; numeric values are floats, ascending (a stored
    value that is not a number, which validation prevents, is left out)."""
    taxonomy = Taxonomy(snapshot)
    type_ids: set[int] = set()
    for product_type_id in product_type_ids:
        product_type = taxonomy.product_types.get(_int_or_none(product_type_id))
        if product_type is not None:
            type_ids.update(taxonomy.allowed_ids(product_type))
    textual, numeric = [], []
    for type_id in sorted(type_ids):
        type_item = taxonomy.types[type_id]
        value_type = type_item.get("value_type", schemas.TEXT)
        head = {"id": type_id, "name": pick(_names(type_item), language), "unit": type_item.get("unit")}
        values = taxonomy.values_of.get(type_id, [])
        if value_type in schemas.NUMERIC_TYPES:
            parsed = [(parse_number(v.get("value"), value_type), int(v["id"])) for v in values]
            ordered = sorted(p for p in parsed if p[0] is not None)
            possible = [{"id": vid, "value": float(number)} for number, vid in ordered]
            numeric.append({**head, "possible_values": possible})
        else:
            textual.append({**head, "possible_values": [{"id": int(v["id"]), "value": pick(_names(v), language)}
                                                        for v in values]})
    return {"textual": textual, "numeric": numeric}
