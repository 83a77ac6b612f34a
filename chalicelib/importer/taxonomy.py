"""Categories, attribute types, base attributes and product types, with the dump's ids.

The storefront puts category ids in URLs and the dump's rows refer to each other by id, so ids are
kept. The services allocate ids from counters and take none, so the items are written here in exactly
the shape the services write (`reference_item` mirrors `Collection.create`; the field names are those
of attributes.py / categories.py, a test compares them with service-made items), with the dump's
timestamps, and the counters are raised past the highest id afterwards.

An item already in the table under the same id is left alone: it is this import's own (an earlier run)
when its `create_at` is the dump row's, otherwise it is another item that happens to have the id (a
conflict, see runner.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from chalicelib.catalog.categories import service as categories
from chalicelib.catalog.reference.store import ATTRIBUTE_TYPES, BASE_ATTRIBUTES, CATALOG, CATEGORIES, PRODUCT_TYPES
from chalicelib.catalog.taxonomy import service as attributes
from chalicelib.catalog.taxonomy.schemas import TEXT, VALUE_TYPES
from chalicelib.core.event_names import ATTRIBUTE_SAVE, ATTRIBUTETYPE_SAVE, CATEGORY_SAVE, PRODUCTTYPE_SAVE
from chalicelib.core.store.entities import Collection
from chalicelib.importer import store
from chalicelib.importer.source import Dump, Report, as_int, timestamp
from chalicelib.importer.sqldump import flag

# The timestamps of rows that have none: the original's attribute types and base attributes carry no
# create_at/update_at. A fixed value (not the import's time) keeps them recognizable as this import's.
EPOCH = "1970-01-01T00:00:00+00:00"

ENTITIES = {CATEGORIES.kind: "categories", ATTRIBUTE_TYPES.kind: "attribute_types",
            BASE_ATTRIBUTES.kind: "base_attributes", PRODUCT_TYPES.kind: "product_types"}


def reference_item(collection: Collection, entity_id: int, fields: dict, created: str, updated: str) -> dict:
    """The item `collection.create(fields, entity_id)` writes, with the given timestamps."""
    assert collection.partition, "only shared-partition collections carry no list attributes"
    return {**collection.key(entity_id), collection.id_field: entity_id, **fields,
            "create_at": created, "update_at": updated}


def stamps(row: dict) -> tuple[str, str]:
    created = timestamp(row.get("create_at")) or timestamp(row.get("update_at")) or EPOCH
    return created, timestamp(row.get("update_at")) or created


@dataclass
class Planned:
    collection: Collection
    item: dict
    event: Callable[[dict], dict]

    @property
    def entity(self) -> str:
        return ENTITIES[self.collection.kind]


@dataclass
class TaxonomyPlan:
    """The items to write, in order (categories, attribute types, values, product types)."""

    items: list[Planned] = field(default_factory=list)
    max_ids: dict[str, int] = field(default_factory=dict)  # counter -> the dump's highest id, deleted rows' too

    def ids(self, collection: Collection) -> set[int]:
        return {int(p.item["id"]) for p in self.items if p.collection is collection}


# --- building the items --------------------------------------------------------------------------------

def _editorjs_text(value: object) -> str | None:
    """Category Editor.js data as categories.py stores it: compact JSON text."""
    if value is None or value == "":
        return None
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return str(value)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _category_rows(dump: Dump, report: Report) -> dict:
    def convert(name: str, value: object) -> object:
        if name == "description_editorjs":
            return _editorjs_text(value)
        if name == "description":
            return value
        return "" if value is None else value

    return dump.translations("category_category_translation",
                             ("title", "meta_title", "meta_description", "description", "description_editorjs",
                              "slug"), report, convert)


def _names(dump: Dump, table: str, report: Report) -> dict:
    return dump.translations(table, ("name",), report)


def plan_taxonomy(dump: Dump, report: Report, vat_group_ids: dict[int, int]) -> TaxonomyPlan:
    plan = TaxonomyPlan(max_ids={
        collection.kind.lower(): max((int(r["id"]) for r in dump.rows(table)), default=0)
        for collection, table in ((CATEGORIES, "category_category"), (ATTRIBUTE_TYPES, "product_attributetype"),
                                  (BASE_ATTRIBUTES, "product_baseattribute"), (PRODUCT_TYPES, "product_producttype"))})

    rows = dump.live("category_category", report, "categories")
    live_categories = {int(r["id"]) for r in rows}
    texts = _category_rows(dump, report)
    for row in sorted(rows, key=lambda r: int(r["id"])):
        category_id = int(row["id"])
        parent = as_int(row.get("parent_id"))
        if parent is not None and parent not in live_categories:
            parent = None  # its parent was deleted in the original: a root here, as categories.py shows it
        fields = {"published": flag(row.get("published")), "parent": parent,
                  "translations": texts.get(row["id"], {})}
        item = reference_item(CATEGORIES, category_id, fields, *stamps(row))
        plan.items.append(Planned(CATEGORIES, item, lambda i: categories._event(CATEGORY_SAVE, i["id"], i["parent"])))

    type_names = _names(dump, "product_attributetype_translation", report)
    type_rows = dump.live("product_attributetype", report, "attribute_types")
    live_types = {int(r["id"]) for r in type_rows}
    for row in sorted(type_rows, key=lambda r: int(r["id"])):
        value_type = str(row.get("value_type") or TEXT).upper()
        if value_type not in VALUE_TYPES:
            report.log(f"  attribute type {row['id']}: value type {value_type!r} unknown here; imported as TEXT")
            value_type = TEXT
        fields = {"type_name": row.get("type_name"), "unit": row.get("unit"), "value_type": value_type,
                  "translations": type_names.get(row["id"], {})}
        item = reference_item(ATTRIBUTE_TYPES, int(row["id"]), fields, *stamps(row))
        plan.items.append(Planned(ATTRIBUTE_TYPES, item,
                                  lambda i: attributes._attribute_type_event(ATTRIBUTETYPE_SAVE, i)))

    value_names = _names(dump, "product_baseattribute_translation", report)
    for row in sorted(dump.live("product_baseattribute", report, "base_attributes"), key=lambda r: int(r["id"])):
        type_id = as_int(row.get("type_id"))
        if type_id not in live_types:
            report.add("base_attributes", "skipped_type_deleted")
            continue
        fields = {"type": type_id, "value": row.get("value"), "order": as_int(row.get("order")),
                  "translations": value_names.get(row["id"], {})}
        item = reference_item(BASE_ATTRIBUTES, int(row["id"]), fields, *stamps(row))
        plan.items.append(Planned(BASE_ATTRIBUTES, item, lambda i: attributes._attribute_event(ATTRIBUTE_SAVE, i)))

    allowed: dict[int, list[int]] = {}
    for row in sorted(dump.rows("product_producttype_allowed_attribute_types"), key=lambda r: int(r["id"])):
        type_id = int(row["attributetype_id"])
        if type_id in live_types:
            allowed.setdefault(int(row["producttype_id"]), []).append(type_id)
    vat_groups: dict[int, list[int]] = {}
    for row in sorted(dump.rows("product_producttype_vat_groups"), key=lambda r: int(r["id"])):
        group = vat_group_ids.get(int(row["vatgroup_id"]))
        if group is None:
            report.add("product_types", "vat_group_missing")
            continue
        vat_groups.setdefault(int(row["producttype_id"]), []).append(group)
    for row in sorted(dump.live("product_producttype", report, "product_types"), key=lambda r: int(r["id"])):
        product_type_id = int(row["id"])
        fields = {"name": row.get("name") or "",
                  "allowed_attribute_types_ids": list(dict.fromkeys(allowed.get(product_type_id, []))),
                  "vat_groups": list(dict.fromkeys(vat_groups.get(product_type_id, [])))}
        item = reference_item(PRODUCT_TYPES, product_type_id, fields, *stamps(row))
        plan.items.append(Planned(PRODUCT_TYPES, item, lambda i: attributes._product_type_event(PRODUCTTYPE_SAVE, i)))
    return plan


# --- checking against the table, writing ----------------------------------------------------------------

def existing_items() -> dict[str, dict]:
    """Every item of the CATALOG partition (deleted ones too), by sort key, in one Query."""
    return store.partition_items(CATALOG)


def conflicts(plan: TaxonomyPlan, existing: dict[str, dict]) -> dict[str, list[int]]:
    """{entity: [ids]} of planned items whose id is taken by an item this import did not write."""
    found: dict[str, list[int]] = {}
    for planned in plan.items:
        current = existing.get(store.sort_key(planned.item))
        if current is not None and current.get("create_at") != planned.item["create_at"]:
            found.setdefault(planned.entity, []).append(int(planned.item["id"]))
    return found


def write(plan: TaxonomyPlan, existing: dict[str, dict], report: Report, emit_events: bool) -> None:
    for planned in plan.items:
        current = existing.get(store.sort_key(planned.item))
        if current is not None:
            ours = current.get("create_at") == planned.item["create_at"]
            report.add(planned.entity, "existing" if ours else "conflict_kept")
            continue
        if not store.create_item(planned.item, planned.event(planned.item) if emit_events else None):
            report.add(planned.entity, "conflict_kept")  # written meanwhile by someone else
            continue
        report.add(planned.entity, "created")
    for counter, highest in plan.max_ids.items():  # past the dump's ids, deleted rows' too
        if highest:
            store.raise_counter(counter, highest)
