"""Shipping and payment methods with their per-country rows, with the dump's ids.

Carts and orders refer to method-country rows by id (the storefront sends them in URLs), and shipping
rows list the payment rows offered with them, so ids are kept. The methods service allocates ids from
counters and takes none, so the items are written here in the shape `Kind.methods.create` /
`Kind.rows.create` write (store.py documents the fields; a test compares them with service-made items),
with the dump's timestamps, and the counters are raised past the dump's highest ids afterwards.

What the dump holds and this shop keeps differently:

* `api_request` must name a key of config/payments.json here (the service refuses others). A value that
  is a key (or one in other letter case) is kept; any other is imported as null (an offline method)
  and logged per row, so the operator can add the key to the config and set it in the dashboard.
* A row's VAT group is mapped onto this shop's id (localization.py); a row whose VAT group is not for
  its own country is kept as it is, and logged: this shop does not offer a row it cannot price in its
  country (the original would price it at the other country's rate).
* A shipping row offers only payment rows of its own country here (the service refuses the others):
  links to another country's row are left out and counted.
* Method images are not in a SQL dump: the key is kept and a placeholder is written (placeholders.py).

An item already under the same id is this import's own when its `create_at` is the dump row's (left
as it is, even if edited since), else a conflict (runner.py stops before writing anything).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.importer import store
from chalicelib.importer.placeholders import Placeholders
from chalicelib.importer.source import Dump, Report, as_int
from chalicelib.importer.sqldump import flag
from chalicelib.importer.taxonomy import reference_item, stamps
from chalicelib.localization import service as localization
from chalicelib.methods.store import KINDS, PARTITION, Kind
from chalicelib.payments import config as payments_config

TABLES = {"shipping": ("cart_shippingmethod", "cart_shippingmethod_translation", "cart_shippingmethodcountry"),
          "payment": ("cart_paymentmethod", "cart_paymentmethod_translation", "cart_paymentmethodcountry")}
LINKS = "cart_shippingmethodcountry_payment_methods"


@dataclass
class Planned:
    kind: Kind
    entity: str  # shipping_methods, payment_rows, ...
    item: dict
    image: str | None = None  # a method's media key (a placeholder is written for it)


@dataclass
class MethodsPlan:
    items: list[Planned] = field(default_factory=list)
    max_ids: dict[str, int] = field(default_factory=dict)  # counter -> the dump's highest id


def _api_request(row: dict, report: Report) -> str | None:
    value = (row.get("api_request") or "").strip()
    if not value:
        return None
    if payments_config.is_known_key(value):
        return value
    known = {key.upper(): key for key in payments_config.load()}
    if value.upper() in known:
        return known[value.upper()]
    report.add("payment_rows", "api_request_unknown")
    report.log(f"  payment row {row['id']} ({row.get('country_id')}): api_request {value!r} is not a key of the "
               "payment configuration (config/payments.json); imported without one (an offline method). Add the "
               "key to the configuration and set it on the row in the dashboard.")
    return None


def _check_vat_group(entity: str, row: dict, group: int, groups: dict[int, dict], report: Report) -> None:
    owner = (groups.get(group) or {}).get("country")
    if owner != row.get("country_id"):
        report.add(entity, "vat_group_of_another_country")
        report.log(f"  {entity[:-1].replace('_', ' ')} {row['id']} ({row.get('country_id')}): VAT group {group} "
                   f"is for {owner}; imported as it is, not offered until its VAT group is one of "
                   f"{row.get('country_id')}'s")


@dataclass
class Shop:
    """What rows refer to, as this shop has it (localization is imported before the methods)."""

    countries: set[str]
    currencies: set[str]
    vat_groups: dict[int, dict]

    @classmethod
    def read(cls) -> Shop:
        return cls({c["code"] for c in localization.list_countries()},
                   {c["code"] for c in localization.list_currencies()},
                   {int(g["id"]): g for g in localization.list_vat_groups()})


def _problem(row: dict, method: int | None, group: int | None, methods: set[int], shop: Shop) -> str | None:
    if method not in methods:
        return "its method was not imported"
    if row.get("country_id") not in shop.countries:
        return "its country was not imported"
    if row.get("currency_id") not in shop.currencies:
        return "its currency was not imported"
    return "its VAT group was not imported" if group is None else None


def _rows(dump: Dump, kind: Kind, report: Report, vat_group_ids: dict[int, int] | None, methods: set[int],
          links: dict[int, list[int]], payment_countries: dict[int, str], shop: Shop | None) -> list[Planned]:
    entity = f"{kind.name}_rows"
    planned = []
    for row in sorted(dump.live(TABLES[kind.name][2], report, entity), key=lambda r: int(r["id"])):
        method = as_int(row.get(f"{kind.name}_method_id"))
        dump_group = as_int(row.get("vat_group_id"))
        group = dump_group if vat_group_ids is None else vat_group_ids.get(dump_group)
        if shop is not None:
            problem = _problem(row, method, group, methods, shop)
            if problem:
                report.add(entity, "skipped_reference_missing")
                report.log(f"  {kind.name} row {row['id']}: {problem}; skipped")
                continue
            _check_vat_group(entity, row, group, shop.vat_groups, report)
        fields = {kind.method_field: method, "country": row["country_id"], "vat_group": group,
                  "currency": row["currency_id"], "price": row.get("price") or 0,
                  "is_active": flag(row.get("is_active") if row.get("is_active") is not None else True)}
        if kind.name == "payment":
            fields["api_request"] = _api_request(row, report)
        else:
            offered = [p for p in links.get(int(row["id"]), []) if p in payment_countries]
            same_country = [p for p in offered if payment_countries[p] == row["country_id"]]
            report.add(entity, "payment_links_of_another_country", len(offered) - len(same_country))
            fields["payment_methods"] = same_country
        planned.append(Planned(kind, entity, reference_item(kind.rows, int(row["id"]), fields, *stamps(row))))
    return planned


def _methods(dump: Dump, kind: Kind, report: Report) -> list[Planned]:
    entity = f"{kind.name}_methods"
    table, translation_table, _rows_table = TABLES[kind.name]
    texts = dump.translations(translation_table, ("title", "description"), report)
    planned = []
    for row in sorted(dump.live(table, report, entity), key=lambda r: int(r["id"])):
        image = (row.get("image") or "").strip() or None
        fields = {"translations": {lang: {"title": t.get("title") or "", "description": t.get("description")}
                                   for lang, t in texts.get(row["id"], {}).items()},
                  "image": image, "image_version": 1 if image else 0, "version": 1}
        planned.append(Planned(kind, entity, reference_item(kind.methods, int(row["id"]), fields, *stamps(row)),
                               image))
    return planned


def plan_methods(dump: Dump, report: Report, vat_group_ids: dict[int, int] | None) -> MethodsPlan:
    """The methods and rows of the dump, in the order they are written (payment rows before the
    shipping rows that offer them). With `vat_group_ids` None (the conflict check, before localization
    is imported) every row is planned with the dump's references as they are."""
    shop = None if vat_group_ids is None else Shop.read()
    shipping, payment = KINDS["shipping"], KINDS["payment"]
    plan = MethodsPlan(max_ids={
        counter: max((int(r["id"]) for r in dump.rows(table)), default=0)
        for counter, table in (("shippingmethod", "cart_shippingmethod"), ("paymentmethod", "cart_paymentmethod"),
                               ("shippingcountry", "cart_shippingmethodcountry"),
                               ("paymentcountry", "cart_paymentmethodcountry"))})
    plan.items += _methods(dump, shipping, report) + _methods(dump, payment, report)
    method_ids = {kind: {int(p.item["id"]) for p in plan.items if p.entity == f"{kind}_methods"}
                  for kind in KINDS}
    links: dict[int, list[int]] = {}
    for row in sorted(dump.rows(LINKS), key=lambda r: int(r["id"])):
        links.setdefault(int(row["shippingmethodcountry_id"]), []).append(int(row["paymentmethodcountry_id"]))
    payment_rows = _rows(dump, payment, report, vat_group_ids, method_ids["payment"], {}, {}, shop)
    countries = {int(p.item["id"]): p.item["country"] for p in payment_rows}
    plan.items += payment_rows + _rows(dump, shipping, report, vat_group_ids, method_ids["shipping"],
                                       {k: list(dict.fromkeys(v)) for k, v in links.items()}, countries, shop)
    return plan


def existing_items() -> dict[str, dict]:
    """Every item of the METHODS partition (deleted ones too), by sort key, in one Query."""
    return store.partition_items(PARTITION)


def conflicts(plan: MethodsPlan, existing: dict[str, dict]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for planned in plan.items:
        current = existing.get(store.sort_key(planned.item))
        if current is not None and current.get("create_at") != planned.item["create_at"]:
            found.setdefault(planned.entity, []).append(int(planned.item["id"]))
    return found


def write(plan: MethodsPlan, existing: dict[str, dict], report: Report) -> None:
    placeholders = Placeholders(report)
    kept: set[tuple[str, int]] = set()  # methods and payment rows held by other items (skip mode)
    for planned in plan.items:
        item = planned.item
        current = existing.get(store.sort_key(item))
        method_ref = (planned.kind.name, int(item.get(planned.kind.method_field) or 0))
        if current is not None:
            ours = current.get("create_at") == item["create_at"]
            report.add(planned.entity, "existing" if ours else "conflict_kept")
            if not ours:
                kept.add((planned.entity, int(item["id"])))
            continue
        if planned.entity.endswith("_rows") and (f"{method_ref[0]}_methods", method_ref[1]) in kept:
            report.add(planned.entity, "skipped_method_conflict")  # its method id belongs to another method
            continue
        if planned.entity == "shipping_rows":
            item = {**item, "payment_methods": [p for p in item["payment_methods"] if ("payment_rows", p) not in kept]}
        if planned.image:
            placeholders.ensure(planned.entity, planned.image, int(item["id"]))
        if not store.create_item(item):  # written meanwhile by someone else
            report.add(planned.entity, "conflict_kept")
            continue
        report.add(planned.entity, "created")
    for counter, highest in plan.max_ids.items():  # past the dump's ids, deleted rows' too
        if highest:
            store.raise_counter(counter, highest)
