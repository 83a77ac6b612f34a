"""Currencies, price lists, countries and VAT groups, through the localization and price-list services.

All of them are keyed by natural codes except VAT groups, whose ids come from the service's counter: a
dump VAT group is matched to an existing group of the same (country, name, rate), else created, and
`import_vat_groups` answers the mapping from the dump's ids to this shop's (product types, and later
payment and shipping methods, refer to VAT groups by id; on an empty shop the ids come out the same
when the dump's are 1..n).

What exists (a live item with the same code or key) is left as it is. The dump's default price list is
created first, so it becomes the shop's default (moving the default when the shop had another one).
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.catalog.pricelists import service as pricelists
from chalicelib.core.http.errors import ApiError
from chalicelib.core.settings import get_settings
from chalicelib.importer.source import Dump, Report
from chalicelib.importer.sqldump import flag
from chalicelib.localization import service


def import_currencies(dump: Dump, report: Report) -> None:
    for row in dump.live("country_currency", report, "currencies"):
        code = str(row["code"]).upper()
        if service.get_currency(code) is not None:
            report.add("currencies", "existing")
            continue
        try:
            service.create_currency({"code": code, "symbol": row.get("symbol") or code,
                                     "symbol_position": row.get("symbol_position") or "AFTER"})
            report.add("currencies", "created")
        except ApiError as error:
            report.add("currencies", "failed")
            report.log(f"  currency {code}: {error.body}")


def import_price_lists(dump: Dump, report: Report) -> None:
    # The dump's default first: the first price list created becomes the default whatever it says.
    rows = sorted(dump.live("product_pricelist", report, "price_lists"),
                  key=lambda r: (not flag(r.get("is_default")), str(r["code"])))
    for row in rows:
        code = str(row["code"])
        if pricelists.get_price_list(code) is not None:
            report.add("price_lists", "existing")
            continue
        try:
            pricelists.create_price_list({"code": code, "currency": str(row["currency_id"]).upper(),
                                          "is_default": flag(row.get("is_default")),
                                          "rounding": flag(row.get("rounding"))})
            report.add("price_lists", "created")
        except ApiError as error:  # e.g. a soft-deleted price list holds the code
            report.add("price_lists", "failed")
            report.log(f"  price list {code}: {error.body}")


def import_countries(dump: Dump, report: Report) -> None:
    settings = get_settings()
    for row in dump.live("country_country", report, "countries"):
        code = str(row["code"]).upper()
        if service.get_country(code) is not None:
            report.add("countries", "existing")
            continue
        locale = (row.get("locale") or "").lower()
        if locale not in settings.languages:
            report.log(f"  country {code}: locale {locale!r} is not a shop language; using "
                       f"{settings.default_language!r}")
            locale = settings.default_language
        price_list = row.get("default_price_list_id")
        if price_list and pricelists.get_price_list(price_list) is None:
            report.log(f"  country {code}: default price list {price_list!r} does not exist; left empty")
            price_list = None
        try:
            service.create_country({"code": code, "name": row.get("name") or code, "locale": locale,
                                    "default_price_list": price_list})
            report.add("countries", "created")
        except ApiError as error:
            report.add("countries", "failed")
            report.log(f"  country {code}: {error.body}")


def _vat_key(country: str, name: str, rate) -> tuple[str, str, Decimal]:
    return country.upper(), name, Decimal(str(rate)).quantize(Decimal("0.01"))


def import_vat_groups(dump: Dump, report: Report) -> dict[int, int]:
    """Create the missing VAT groups; answers {dump id: this shop's id} for every live dump group."""
    existing = {_vat_key(g["country"], g["name"], g["rate"]): int(g["id"]) for g in service.list_vat_groups()}
    mapping: dict[int, int] = {}
    for row in sorted(dump.live("country_vatgroup", report, "vat_groups"), key=lambda r: int(r["id"])):
        key = _vat_key(str(row["country_id"]), row.get("name") or "", row["rate"])
        if key in existing:
            mapping[int(row["id"])] = existing[key]
            report.add("vat_groups", "existing")
            continue
        try:
            created = service.create_vat_group({"name": key[1], "rate": key[2], "country": key[0],
                                                "is_default": flag(row.get("is_default"))})
        except ApiError as error:  # its country was not imported
            report.add("vat_groups", "failed")
            report.log(f"  VAT group {row['id']} ({key[1]}, {key[0]}): {error.body}")
            continue
        existing[key] = int(created["id"])
        mapping[int(row["id"])] = int(created["id"])
        report.add("vat_groups", "created")
    renumbered = {old: new for old, new in mapping.items() if old != new}
    if renumbered:
        report.log("  VAT group ids differ from the dump's (dump -> here): "
                   + ", ".join(f"{old} -> {new}" for old, new in sorted(renumbered.items())))
    return mapping


def import_all(dump: Dump, report: Report) -> dict[int, int]:
    """Currencies, price lists, countries, VAT groups (in this order); answers the VAT group id mapping."""
    import_currencies(dump, report)
    import_price_lists(dump, report)
    import_countries(dump, report)
    return import_vat_groups(dump, report)
