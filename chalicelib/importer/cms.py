"""CMS page category types, page categories and pages, through the CMS service.

The storefront finds CMS content by natural keys (a type's identifier, a PageCMS slug, a PageFrontend
path), never by id, so these go through `cms.service` with ids the service allocates, and a re-run
recognizes what exists by those keys: a type by identifier, a category by code, a PageCMS by any of
its (language, slug) pairs, a PageFrontend by path. Which kind a page is comes from its polymorphic
content type, as django-polymorphic decides it in the original. Category images are not in a SQL
dump: categories are imported without one (counted).
"""

from __future__ import annotations

from chalicelib.cms import service, store
from chalicelib.cms.schemas import CATEGORY_CREATE, PAGE_CMS, PAGE_FRONTEND
from chalicelib.core.http.errors import ApiError
from chalicelib.importer.source import Dump, Report, json_value
from chalicelib.importer.sqldump import flag


def _types(dump: Dump, report: Report) -> dict[int, int]:
    mapping: dict[int, int] = {}
    for row in sorted(dump.live("cms_pagecategorytype", report, "cms_types"), key=lambda r: int(r["id"])):
        identifier = row["identifier"]
        existing = store.type_id_for(identifier)
        if existing is not None:
            mapping[int(row["id"])] = existing
            report.add("cms_types", "existing")
            continue
        try:
            mapping[int(row["id"])] = int(service.create_type(identifier)["id"])
            report.add("cms_types", "created")
        except ApiError as error:
            report.add("cms_types", "failed")
            report.log(f"  CMS type {identifier!r}: {error.body}")
    return mapping


def _categories(dump: Dump, report: Report, type_ids: dict[int, int]) -> dict[int, int]:
    titles = dump.translations("cms_pagecategory_translation", ("title",), report,
                               lambda _name, value: value or "")
    types: dict[int, list[int]] = {}
    for row in sorted(dump.rows("cms_pagecategory_type"), key=lambda r: int(r["id"])):
        if int(row["pagecategorytype_id"]) in type_ids:
            types.setdefault(int(row["pagecategory_id"]), []).append(type_ids[int(row["pagecategorytype_id"])])
    by_code = {c.get("code"): int(c["id"]) for c in store.list_categories() if c.get("code")}
    mapping: dict[int, int] = {}
    for row in sorted(dump.live("cms_pagecategory", report, "cms_categories"), key=lambda r: int(r["id"])):
        code = row.get("code") or None
        if code is not None and code in by_code:
            mapping[int(row["id"])] = by_code[code]
            report.add("cms_categories", "existing")
            continue
        if row.get("image"):
            report.add("cms_categories", "image_not_in_dump")
        data = CATEGORY_CREATE.validate({"published": flag(row.get("published")), "code": code,
                                         "type": list(dict.fromkeys(types.get(int(row["id"]), []))),
                                         "translations": titles.get(row["id"], {})})
        try:
            created = service.create_category(data, "")
        except ApiError as error:
            report.add("cms_categories", "failed")
            report.log(f"  CMS category {row['id']} ({code}): {error.body}")
            continue
        mapping[int(row["id"])] = int(created["id"])
        if code is not None:
            by_code[code] = int(created["id"])
        report.add("cms_categories", "created")
    return mapping


def _page_kinds(dump: Dump) -> dict[int, str]:
    """Page id -> PageCMS / PageFrontend, from the polymorphic content type (else from the child rows)."""
    models = {int(r["id"]): r.get("model") for r in dump.rows("django_content_type") if r.get("app_label") == "cms"}
    frontend = {int(r["page_ptr_id"]) for r in dump.rows("cms_pagefrontend")}
    kinds = {}
    for row in dump.rows("cms_page"):
        model = models.get(int(row["polymorphic_ctype_id"])) if row.get("polymorphic_ctype_id") else None
        if model == "pagefrontend" or (model is None and int(row["id"]) in frontend):
            kinds[int(row["id"])] = PAGE_FRONTEND
        else:
            kinds[int(row["id"])] = PAGE_CMS
    return kinds


def _identity(translations: dict) -> set[tuple[str, str, str]]:
    """What tells a PageCMS apart: its (language, slug) pairs, or its titles when it has no slug."""
    found = {("slug", lang, (row.get("slug") or "").lower()) for lang, row in translations.items() if row.get("slug")}
    return found or {("title", lang, row.get("title") or "") for lang, row in translations.items()}


def _pages(dump: Dump, report: Report, category_ids: dict[int, int]) -> None:
    kinds = _page_kinds(dump)
    cms_rows = dump.translations("cms_pagecms_translation", ("slug", "title", "content"), report,
                                 lambda name, value: json_value(value) if name == "content" else (value or ""))
    frontend_rows = dump.translations("cms_pagefrontend_translation", ("title",), report,
                                      lambda _name, value: value or "")
    paths = {int(r["page_ptr_id"]): r.get("frontend_path") or "" for r in dump.rows("cms_pagefrontend")}
    page_categories: dict[int, list[int]] = {}
    for row in sorted(dump.rows("cms_page_categories"), key=lambda r: int(r["id"])):
        if int(row["pagecategory_id"]) in category_ids:
            page_categories.setdefault(int(row["page_id"]), []).append(category_ids[int(row["pagecategory_id"])])

    heads = store.list_pages()
    slugs = set().union(*(_identity(h.get("translations") or {}) for h in heads if h["resourcetype"] == PAGE_CMS))
    frontend_paths = {h.get("frontend_path") for h in heads if h["resourcetype"] == PAGE_FRONTEND}

    unreachable = [r for r in dump.rows("cms_pagecms") if kinds.get(int(r["page_ptr_id"])) == PAGE_FRONTEND]
    if unreachable:  # the original loads such a page as a PageFrontend and never shows these rows
        report.add("cms_pages", "pagecms_rows_of_frontend_pages_skipped", len(unreachable))
    for row in sorted(dump.live("cms_page", report, "cms_pages"), key=lambda r: int(r["id"])):
        page_id = int(row["id"])
        kind = kinds[page_id]
        body: dict = {"resourcetype": kind, "published": flag(row.get("published")),
                      "categories": list(dict.fromkeys(page_categories.get(page_id, [])))}
        if kind == PAGE_CMS:
            translations = {lang: {**texts, "content": texts["content"] if isinstance(texts["content"], dict)
                                   else None} for lang, texts in cms_rows.get(row["id"], {}).items()}
            keys = _identity(translations)
            if keys & slugs:
                report.add("cms_pages", "existing")
                continue
        else:
            translations = frontend_rows.get(row["id"], {})
            body["frontend_path"] = paths.get(page_id, "")
            if body["frontend_path"] in frontend_paths:
                report.add("cms_pages", "existing")
                continue
        body["translations"] = translations
        try:
            service.create_page(body)
        except ApiError as error:
            report.add("cms_pages", "failed")
            report.log(f"  CMS page {page_id}: {error.body}")
            continue
        report.add("cms_pages", "created")
        if kind == PAGE_CMS:
            slugs |= keys
        else:
            frontend_paths.add(body["frontend_path"])


def import_cms(dump: Dump, report: Report) -> None:
    type_ids = _types(dump, report)
    category_ids = _categories(dump, report, type_ids)
    _pages(dump, report, category_ids)
