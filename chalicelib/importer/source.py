"""The dump as the mapping modules read it, and the report they fill.

`Dump.load(path)` reads the dump once (streaming, sqldump.py), keeping the rows of the tables the
importer maps and counting the rows of every table, so the report can name what was not imported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

from chalicelib.core.settings import get_settings
from chalicelib.importer import sqldump
from chalicelib.importer.sqldump import flag

# Every table a mapping module reads (they ask `Dump.rows(table)` for nothing else).
MAPPED_TABLES = (
    "country_currency", "product_pricelist", "country_country", "country_vatgroup",
    "category_category", "category_category_translation",
    "product_attributetype", "product_attributetype_translation",
    "product_baseattribute", "product_baseattribute_translation",
    "product_producttype", "product_producttype_allowed_attribute_types", "product_producttype_vat_groups",
    "product_product", "product_product_translation", "product_product_product_variants",
    "product_productvariant", "product_productvariant_attributes", "product_productprice",
    "product_productmedia",
    "user_user", "user_user_groups", "auth_group",
    "cms_pagecategorytype", "cms_pagecategory", "cms_pagecategory_translation", "cms_pagecategory_type",
    "cms_page", "cms_page_categories", "cms_pagecms", "cms_pagecms_translation", "cms_pagefrontend",
    "cms_pagefrontend_translation", "django_content_type",
    "cart_shippingmethod", "cart_shippingmethod_translation", "cart_shippingmethodcountry",
    "cart_paymentmethod", "cart_paymentmethod_translation", "cart_paymentmethodcountry",
    "cart_shippingmethodcountry_payment_methods",
    "order_order", "cart_cart", "cart_cartitem", "country_billinginfo", "country_shippinginfo",
    "order_orderitemcomplaint", "review_review",
)


class Dump:
    """The mapped tables' rows and every table's row count."""

    def __init__(self, tables: dict[str, list[dict]], row_counts: dict[str, int]):
        self.tables = tables
        self.row_counts = row_counts

    @classmethod
    def load(cls, source: str | Path | Iterable[str]) -> Dump:
        wanted = set(MAPPED_TABLES)
        tables: dict[str, list[dict]] = {name: [] for name in MAPPED_TABLES}
        counts: Counter = Counter()
        for table, row in sqldump.iter_rows(source):
            counts[table] += 1
            if table in wanted:
                tables[table].append(row)
        return cls(tables, dict(counts))

    def rows(self, table: str) -> list[dict]:
        return self.tables.get(table, [])

    def live(self, table: str, report: Report | None = None, entity: str | None = None) -> list[dict]:
        """Rows not soft-deleted in the original (`safe_deleted = 't'`); the others are counted as skipped."""
        rows = self.rows(table)
        live = [r for r in rows if not flag(r.get("safe_deleted") or False)]
        if report is not None and len(live) < len(rows):
            report.add(entity or table, "skipped_deleted", len(rows) - len(live))
        return live

    def translations(self, table: str, fields: Iterable[str], report: Report,
                     convert: Callable[[str, object], object] | None = None) -> dict[object, dict[str, dict]]:
        """{master_id: {language: {field: value}}} of a translation table, in the shop's languages only
        (rows in other languages are counted as `<table>.dropped_language`: set LANGUAGES to keep them)."""
        languages = set(get_settings().languages)
        fields = tuple(fields)
        found: dict[object, dict[str, dict]] = defaultdict(dict)
        for row in sorted(self.rows(table), key=lambda r: r.get("id") or 0):
            language = (row.get("language_code") or "").lower()
            if language not in languages:
                report.add(table, "dropped_language")
                continue
            found[row["master_id"]][language] = {
                name: (convert(name, row.get(name)) if convert else row.get(name)) for name in fields}
        return found


class Report:
    """Counts per entity and outcome (`categories.created`, `products.existing`, ...), and the log."""

    def __init__(self, log: Callable[[str], None]):
        self.counts: Counter = Counter()
        self.log = log

    def add(self, entity: str, outcome: str, n: int = 1) -> None:
        if n:
            self.counts[f"{entity}.{outcome}"] += n

    def get(self, entity: str, outcome: str) -> int:
        return self.counts.get(f"{entity}.{outcome}", 0)

    def summary(self, entity: str) -> None:
        outcomes = {key.split(".", 1)[1]: n for key, n in sorted(self.counts.items())
                    if key.split(".", 1)[0] == entity}
        if outcomes:
            self.log(f"  {entity}: " + ", ".join(f"{n} {outcome.replace('_', ' ')}" for outcome, n in outcomes.items()))


# --- value helpers -------------------------------------------------------------------------------------

def timestamp(value: object) -> str | None:
    """A dump timestamp ('2023-07-08 13:21:09.29009+00') as this project writes them (ISO 8601, UTC)."""
    if value is None or value == "":
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).isoformat()


def json_value(text: object) -> object:
    """A JSON column's value as data (numbers with decimals as Decimal, which DynamoDB stores); text that
    is not JSON is kept as it is, NULL stays None."""
    if not isinstance(text, str):
        return text
    if not text.strip():
        return text
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError:
        return text


def as_int(value: object) -> int | None:
    if value is None or value == "":
        return None
    return int(value)
