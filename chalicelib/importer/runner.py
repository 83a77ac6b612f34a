"""`run(path)`: load an original ecoseller PostgreSQL dump into this shop.

Order: read the dump (one streaming pass); check the catalog's and the methods' ids against the table
(nothing is written when another item holds one of the dump's ids, unless `skip_conflicts`); then
currencies, price lists, countries, VAT groups; categories, attribute types, base attributes, product
types; users; CMS; shipping and payment methods; products (the bulk of the writes); orders (they need
the products and methods); reviews (they need the orders). Then the report: counts per entity and
outcome, and the dump's tables that were not imported, with why.

Idempotent: every entity is looked up by its key before it is written (ids for the catalog, codes for
localization, e-mails for users, identifiers/codes/slugs/paths for the CMS) and only what is missing is
created, with conditional writes; catalog items carry the dump's `create_at`, which tells this import's
items (left as they are, even if edited since) from other items that happen to hold the same id
(conflicts). Counters are only ever raised. A second run therefore writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chalicelib.catalog.reference.store import BASE_ATTRIBUTES, CATEGORIES, PRICE_LISTS, PRODUCT_TYPES
from chalicelib.importer import cms, localization, methods, orders, products, reviews, taxonomy, users
from chalicelib.importer.source import MAPPED_TABLES, Dump, Report
from chalicelib.importer.sqldump import flag

# Tables of the original that are not imported, and why (first matching prefix wins).
NOT_IMPORTED = (
    ("auth_", "Django's groups and permissions: users are mapped onto this shop's groups by name"),
    ("roles_", "the original's roles: this shop's roles are its own (config/roles.json)"),
    ("user_", "permissions and roles of users: this shop's roles are its own"),
    ("token_blacklist_", "login tokens: users log in again"),
    ("authtoken_", "login tokens: users log in again"),
    ("django_", "framework bookkeeping"),
    ("product_productvariantmedia", "per-variant media: this shop keeps media per product"),
    ("product_extattributetype", "extension attributes: not part of this shop's catalog"),
    ("product_extensionattribute", "extension attributes: not part of this shop's catalog"),
    ("product_baseattribute_ext_attributes", "extension attributes: not part of this shop's catalog"),
)


class ImportConflict(Exception):
    """The shop already holds other items under the dump's catalog ids; nothing was written."""

    def __init__(self, found: dict[str, list]):
        self.found = found
        lines = [f"{entity}: {len(ids)} ({', '.join(map(str, ids[:10]))}{', ...' if len(ids) > 10 else ''})"
                 for entity, ids in sorted(found.items())]
        super().__init__(
            "The shop already has other catalog items under the dump's ids, so importing would mix them up. "
            "Nothing was written.\n  " + "\n  ".join(lines) + "\nImport into a shop without a catalog (locally: "
            "`make clean-data`, then start the stack with `python -m infra.local.stack --no-demo`), or skip "
            "those items (skip_conflicts=True): the dump's rows referring to them then point at the shop's items.")


def _reason(table: str) -> str:
    for prefix, reason in NOT_IMPORTED:
        if table.startswith(prefix):
            return reason
    return "not mapped by the importer"


@dataclass
class Found:
    """What the table holds under the dump's keys (read once, before anything is written)."""

    catalog_items: dict[str, dict]
    products: products.Existing
    method_items: dict[str, dict]


def _preflight(dump: Dump) -> tuple[Found, dict[str, list]]:
    """The table's items under the dump's catalog and method keys, and the conflicts among them
    (writes nothing)."""
    scratch = Report(lambda _line: None)
    plan = taxonomy.plan_taxonomy(dump, scratch, {})
    codes = {str(r["code"]) for r in dump.live("product_pricelist")}
    product_plan = products.plan_products(
        dump, scratch, category_ids=plan.ids(CATEGORIES), product_type_ids=plan.ids(PRODUCT_TYPES),
        attribute_ids=plan.ids(BASE_ATTRIBUTES), price_lists=codes)
    catalog_items = taxonomy.existing_items()
    found = products.existing(product_plan)
    method_items = methods.existing_items()
    conflicts = {**taxonomy.conflicts(plan, catalog_items), **products.conflicts(product_plan, found),
                 **methods.conflicts(methods.plan_methods(dump, scratch, None), method_items)}
    return Found(catalog_items, found, method_items), conflicts


def run(path: str | Path, log: Callable[[str], None] = print, *, emit_events: bool = False,
        skip_conflicts: bool = False) -> dict[str, int]:
    """Import the dump at `path`; answers {"<entity>.<outcome>": count} (e.g. "products.created").

    Raises ImportConflict (before writing anything) when other items hold the dump's catalog ids,
    unless `skip_conflicts`. `emit_events` records the usual domain events for every imported catalog
    item (by default none: see products.py)."""
    started = time.monotonic()
    report = Report(log)
    log(f"Reading {path}")
    dump = Dump.load(path)
    log(f"  {sum(dump.row_counts.values())} rows in {len(dump.row_counts)} tables "
        f"({time.monotonic() - started:.1f} s)")

    existing, conflicts = _preflight(dump)
    catalog_items, found = existing.catalog_items, existing.products
    if conflicts:
        if not skip_conflicts:
            raise ImportConflict(conflicts)
        for entity, ids in sorted(conflicts.items()):
            log(f"  {entity} left as they are (other items hold these ids): {', '.join(map(str, ids[:20]))}"
                f"{' ...' if len(ids) > 20 else ''}")

    log("Localization")
    vat_group_ids = localization.import_all(dump, report)
    for entity in ("currencies", "price_lists", "countries", "vat_groups"):
        report.summary(entity)

    log("Catalog taxonomy")
    plan = taxonomy.plan_taxonomy(dump, report, vat_group_ids)
    taxonomy.write(plan, catalog_items, report, emit_events)
    for entity in ("categories", "attribute_types", "base_attributes", "product_types"):
        report.summary(entity)

    log("Users")
    users.import_users(dump, report)
    users.import_addresses(dump, report)
    for entity in ("users", "user_groups", "billing_addresses", "shipping_addresses"):
        report.summary(entity)

    log("CMS")
    cms.import_cms(dump, report)
    for entity in ("cms_types", "cms_categories", "cms_pages"):
        report.summary(entity)

    log("Shipping and payment methods")
    methods.write(methods.plan_methods(dump, report, vat_group_ids), existing.method_items, report)
    for entity in ("shipping_methods", "payment_methods", "shipping_rows", "payment_rows"):
        report.summary(entity)

    log("Products")
    product_plan = products.plan_products(
        dump, report, category_ids=plan.ids(CATEGORIES) | _existing_ids(catalog_items, CATEGORIES),
        product_type_ids=plan.ids(PRODUCT_TYPES) | _existing_ids(catalog_items, PRODUCT_TYPES),
        attribute_ids=plan.ids(BASE_ATTRIBUTES) | _existing_ids(catalog_items, BASE_ATTRIBUTES),
        price_lists={p["code"] for p in PRICE_LISTS.list()})
    written_at = time.monotonic()
    products.write(product_plan, found, report, emit_events=emit_events)
    for entity in ("products", "variants", "prices", "media", "variant_attributes"):
        report.summary(entity)
    log(f"  ({time.monotonic() - written_at:.1f} s)")
    placeholders = sum(report.get(e, "placeholder_written") for e in ("media", "shipping_methods", "payment_methods"))
    if placeholders:
        log(f"  Media files are not in a SQL dump: {placeholders} generated placeholder images were written "
            "under the dump's keys (product_media/<product id>/image/..., shipping_method/..., payment_method/...); "
            "copy the original's files over them, under the same keys, to show the real images.")

    log("Orders")
    order_tokens = orders.import_orders(dump, report)
    for entity in ("orders", "order_lines", "carts"):
        report.summary(entity)

    log("Reviews")
    reviews.import_reviews(dump, report, order_tokens)
    report.summary("reviews")

    dropped = {k: n for k, n in report.counts.items() if k.endswith(".dropped_language")}
    if dropped:
        log("Translations in languages this shop does not have (set LANGUAGES to keep them): "
            + ", ".join(f"{k.split('.')[0]} {n}" for k, n in sorted(dropped.items())))

    not_imported = {table: n for table, n in dump.row_counts.items() if table not in MAPPED_TABLES}
    if not_imported:
        log("Not imported:")
        for table, n in sorted(not_imported.items()):
            report.add("not_imported", table, n)
            log(f"  {table}: {n} rows ({_reason(table)})")
    if report.get("products", "created") and not emit_events:
        log("No events were recorded for the imported catalog: rebuild the search index now.")
    log(f"Done in {time.monotonic() - started:.1f} s.")
    return dict(sorted(report.counts.items()))


def _existing_ids(items: dict[str, dict], collection) -> set[int]:
    """Ids of live items of a catalog collection already in the table (the dump's rows may refer to them)."""
    return {int(i["id"]) for sk, i in items.items()
            if sk.startswith(f"{collection.kind}#") and not flag(i.get("safe_deleted") or False)}

