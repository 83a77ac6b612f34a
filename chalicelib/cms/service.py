"""CMS behaviour: pages (PageCMS / PageFrontend), page categories and their types (contract 1.9).

Dashboard reads and writes use the `translations` map; the storefront reads flattened texts in the
request's language (A.7). Deletes are soft; a deleted category or type disappears from the references
(`categories`, `type`) of whatever still points at it, and storefront reads never show deleted or
unpublished pages.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from chalicelib.cms import schemas, store
from chalicelib.cms.schemas import PAGE_CMS, PAGE_FRONTEND
from chalicelib.core import media
from chalicelib.core.http.errors import ApiError, Conflict, NotFound, ValidationError
from chalicelib.core.http.i18n import flatten
from chalicelib.core.http.validation import KEEP
from chalicelib.core.settings import get_settings
from chalicelib.core.store.write import Stale, retrying

logger = logging.getLogger("ecoseller.cms")

PAGE_NOT_FOUND = {"message": "page not found"}
TYPE_TAKEN = "page category type with this identifier already exists."
CONFLICT = "It was changed by someone else at the same time; reload and try again."
ATTEMPTS = 3
T = TypeVar("T")
# The content item holds every language's Editor.js JSON; DynamoDB items stop at 400 KB.
MAX_CONTENT_BYTES = 350_000

CMS_FIELDS = ("slug", "title", "content")
HEAD_FIELDS = {PAGE_CMS: ("slug", "title"), PAGE_FRONTEND: ("title",)}
ROW_FIELDS = {PAGE_CMS: CMS_FIELDS, PAGE_FRONTEND: ("title",)}


# --- rendering -----------------------------------------------------------------------------------

def _languages_first(translations: dict) -> list[str]:
    order = list(get_settings().languages)
    return [lang for lang in order if lang in translations] + sorted(set(translations) - set(order))


def _full_rows(head: dict, content: dict) -> dict:
    """The page's translations with the Editor.js content decoded back into each row."""
    fields = ROW_FIELDS[head["resourcetype"]]
    rows = {}
    for lang, row in (head.get("translations") or {}).items():
        full = {name: row.get(name, "") for name in fields if name != "content"}
        if "content" in fields:
            text = content.get(lang)
            full["content"] = json.loads(text) if text else None
        rows[lang] = full
    return rows


def _ordered(rows: dict) -> dict:
    return {lang: rows[lang] for lang in _languages_first(rows)}


def _ids(values: Iterable, live: set[int]) -> list[int]:
    return [int(v) for v in values or [] if int(v) in live]


def render_page(head: dict, content: dict, live_categories: set[int], *, resourcetype: bool) -> dict:
    """A page as the dashboard sees it (M1/M2 with `resourcetype`, M3/M4 without)."""
    kind = head["resourcetype"]
    out: dict = {"id": int(head["id"]), "translations": _ordered(_full_rows(head, content))}
    if kind == PAGE_FRONTEND:
        out["frontend_path"] = head.get("frontend_path", "")
    out["published"] = bool(head.get("published"))
    out["categories"] = _ids(head.get("categories"), live_categories)
    if resourcetype:
        out["resourcetype"] = kind
    return out


def render_category(category: dict, live_types: set[int], origin: str) -> dict:
    rows = {lang: {"title": row.get("title", "")} for lang, row in (category.get("translations") or {}).items()}
    return {"id": int(category["id"]), "translations": _ordered(rows), "published": bool(category.get("published")),
            "code": category.get("code"), "type": _ids(category.get("type"), live_types),
            "image": _image_url(category, origin)}


def _image_url(category: dict, origin: str) -> str | None:
    key = category.get("image")
    return media.absolute_url(origin, key) if key else None


def render_type(type_item: dict) -> dict:
    return {"id": int(type_item["id"]), "identifier": type_item["identifier"]}


# --- shared helpers ------------------------------------------------------------------------------

def _check_references(field: str, ids: list[int], collection) -> list[int]:
    ids = list(dict.fromkeys(ids))
    live = store.live_ids(collection, ids)
    missing = [i for i in ids if i not in live]
    if missing:
        raise ValidationError({field: [f'Invalid pk "{i}" - object does not exist.' for i in missing]})
    return ids


def _live_category_ids() -> set[int]:
    return {int(c["id"]) for c in store.list_categories()}


def _live_type_ids() -> set[int]:
    return {int(t["id"]) for t in store.list_types()}


def _retrying(attempt: Callable[[], T]) -> T:
    """Run a read-modify-write again on a fresh read when the item changed meanwhile (store.Stale),
    ATTEMPTS times; 409 after the last."""
    try:
        return retrying(attempt, attempts=ATTEMPTS, again=lambda error: isinstance(error, store.Stale))
    except Stale:
        raise Conflict(CONFLICT) from None


# --- pages ---------------------------------------------------------------------------------------

def _merge_rows(head: dict | None, content: dict, kind: str, sent: dict) -> dict:
    """Existing rows updated with the languages and fields sent; new languages start empty."""
    rows = _full_rows(head, content) if head else {}
    for lang, changes in sent.items():
        row = rows.get(lang) or {name: (None if name == "content" else "") for name in ROW_FIELDS[kind]}
        rows[lang] = {**row, **changes}
    return rows


def _split_rows(kind: str, rows: dict) -> tuple[dict, dict | None]:
    """(head translations, content map or None for PageFrontend); 400 when the content is too large."""
    translations = {lang: {name: row.get(name, "") for name in HEAD_FIELDS[kind]} for lang, row in rows.items()}
    if kind != PAGE_CMS:
        return translations, None
    content = {lang: (json.dumps(row["content"], ensure_ascii=False, separators=(",", ":"))
                      if row.get("content") is not None else None) for lang, row in rows.items()}
    size = sum(len(text.encode("utf-8")) for text in content.values() if text)
    if size > MAX_CONTENT_BYTES:
        raise ValidationError({"translations": [f"The page content is too large ({size} bytes of Editor.js data; "
                                                f"at most {MAX_CONTENT_BYTES} bytes over all languages)."]})
    return translations, content


def _slugs(kind: str, translations: dict) -> set[tuple[str, str]]:
    if kind != PAGE_CMS:
        return set()
    return {(lang, row["slug"].lower()) for lang, row in translations.items() if row.get("slug")}


def list_pages(*, category_id: int | None = None, type_id: int | None = None) -> list[dict]:
    """M1 (every live page), M11 (pages of a category) and M7 (pages in categories of a type)."""
    heads = store.list_pages()
    categories = store.list_categories()
    live_categories = {int(c["id"]) for c in categories}
    if category_id is not None:
        heads = [h for h in heads if category_id in _ids(h.get("categories"), live_categories)]
    if type_id is not None:
        of_type = {int(c["id"]) for c in categories if type_id in [int(t) for t in c.get("type") or []]}
        heads = [h for h in heads if of_type & set(_ids(h.get("categories"), live_categories))]
    contents = store.contents_of(int(h["id"]) for h in heads if h["resourcetype"] == PAGE_CMS)
    return [render_page(h, contents.get(int(h["id"]), {}), live_categories, resourcetype=True) for h in heads]


def create_page(body) -> dict:
    """M2: a PageCMS or PageFrontend, by `resourcetype`."""
    if not isinstance(body, dict):
        raise ValidationError("Invalid data. Expected a dictionary.")
    kind = body.get("resourcetype")
    if kind is None:
        raise ValidationError.field("resourcetype", "This field is required.")
    if kind not in schemas.RESOURCETYPES:
        raise ValidationError.field("resourcetype", f'Invalid resourcetype "{kind}"; use one of: '
                                                    f'{", ".join(schemas.RESOURCETYPES)}.')
    data = schemas.PAGE_CREATE[kind].validate(body)
    categories = _check_references("categories", data["categories"], store.CATEGORIES)
    translations, content = _split_rows(kind, _merge_rows(None, {}, kind, data["translations"]))
    fields = {"resourcetype": kind, "published": data["published"], "categories": categories, "ordering": 0,
              "recommended": False, "translations": translations}
    if kind == PAGE_FRONTEND:
        fields["frontend_path"] = data["frontend_path"]
    head = store.create_page(fields, content, _slugs(kind, translations))
    return render_page(head, content or {}, set(categories), resourcetype=True)


def _page_or_404(kind: str, page_id, *, with_content: bool) -> tuple[dict, dict]:
    head, content = store.get_page(page_id, with_content=with_content)
    if head is None or head.get("resourcetype") != kind:
        raise NotFound()
    return head, content


def get_page(kind: str, page_id) -> dict:
    """M3 / M4 GET."""
    head, content = _page_or_404(kind, page_id, with_content=kind == PAGE_CMS)
    live = store.live_ids(store.CATEGORIES, head.get("categories") or [])
    return render_page(head, content, live, resourcetype=False)


def update_page(kind: str, page_id, data: dict) -> dict:
    """M3 / M4 PUT (and PATCH): the fields sent change, the others stay."""
    if "categories" in data:
        data = {**data, "categories": _check_references("categories", data["categories"], store.CATEGORIES)}

    def attempt() -> dict:
        head, content = _page_or_404(kind, page_id, with_content=kind == PAGE_CMS)
        changes = {name: data[name] for name in ("published", "categories", "frontend_path") if name in data}
        new_content = None
        remove_slugs: set = set()
        add_slugs: set = set()
        if "translations" in data:
            rows = _merge_rows(head, content, kind, data["translations"])
            changes["translations"], new_content = _split_rows(kind, rows)
            if not any("content" in row for row in data["translations"].values()):
                new_content = None  # unchanged: do not rewrite it
            old_slugs = _slugs(kind, head.get("translations") or {})
            new_slugs = _slugs(kind, changes["translations"])
            remove_slugs, add_slugs = old_slugs - new_slugs, new_slugs - old_slugs
        head = store.replace_page(head, changes, content=new_content, remove_slugs=remove_slugs, add_slugs=add_slugs)
        final_content = content if new_content is None else new_content
        live = store.live_ids(store.CATEGORIES, head.get("categories") or [])
        return render_page(head, final_content, live, resourcetype=False)

    return _retrying(attempt)


def delete_page(kind: str, page_id) -> None:
    """M3 / M4 DELETE (soft); the page leaves the storefront at once."""
    def attempt() -> None:
        head, _content = _page_or_404(kind, page_id, with_content=False)
        store.delete_page(head, _slugs(kind, head.get("translations") or {}))

    _retrying(attempt)


# --- page category types -------------------------------------------------------------------------

def list_types() -> list[dict]:
    return [render_type(t) for t in store.list_types()]


def create_type(identifier: str) -> dict:
    if store.type_id_for(identifier) is not None:
        raise ValidationError.field("identifier", TYPE_TAKEN)
    try:
        return render_type(store.create_type(identifier))
    except store.Duplicate:
        raise ValidationError.field("identifier", TYPE_TAKEN) from None


def _type_or_404(type_id) -> dict:
    item = store.get_type(type_id)
    if item is None:
        raise NotFound()
    return item


def get_type(type_id) -> dict:
    return render_type(_type_or_404(type_id))


def update_type(type_id, data: dict) -> dict:
    def attempt() -> dict:
        item = _type_or_404(type_id)
        identifier = data.get("identifier", item["identifier"])
        if identifier == item["identifier"]:
            return render_type(item)
        owner = store.type_id_for(identifier)
        if owner is not None and owner != int(item["id"]):
            raise ValidationError.field("identifier", TYPE_TAKEN)
        try:
            return render_type(store.replace_type(item, identifier))
        except store.Duplicate:
            raise ValidationError.field("identifier", TYPE_TAKEN) from None

    return _retrying(attempt)


def delete_type(type_id) -> None:
    _retrying(lambda: store.delete_type(_type_or_404(type_id)))


# --- page categories -----------------------------------------------------------------------------

def list_categories(origin: str) -> list[dict]:
    live_types = _live_type_ids()
    return [render_category(c, live_types, origin) for c in store.list_categories()]


def _store_image(image) -> str:
    data, ext = image
    key = f"cms/category/{media.unique_name(ext)}"
    media.store(key, data, media.content_type(ext))
    return key


def _forget_image(key: str | None) -> None:
    if not key:
        return
    try:
        media.delete(key)
    except Exception:  # noqa: BLE001 - a leftover file is harmless; the write has succeeded
        logger.warning("could not delete media object %s", key, exc_info=True)


def create_category(data: dict, origin: str) -> dict:
    types = _check_references("type", data["type"], store.TYPES)
    translations = {lang: {"title": row.get("title", "")} for lang, row in data["translations"].items()}
    image = data.get("image")
    image_key = _store_image(image) if image not in (None, KEEP) else None  # a URL names no image yet
    try:
        item = store.create_category({"published": data["published"], "code": data["code"], "type": types,
                                      "ordering": 0, "translations": translations, "image": image_key})
    except Exception:
        _forget_image(image_key)
        raise
    return render_category(item, set(types), origin)


def _category_or_404(category_id) -> dict:
    item = store.get_category(category_id)
    if item is None:
        raise NotFound()
    return item


def get_category(category_id, origin: str) -> dict:
    item = _category_or_404(category_id)
    return render_category(item, store.live_ids(store.TYPES, item.get("type") or []), origin)


def update_category(category_id, data: dict, origin: str) -> dict:
    _category_or_404(category_id)
    changes = {name: data[name] for name in ("published", "code") if name in data}
    if "type" in data:
        changes["type"] = _check_references("type", data["type"], store.TYPES)
    image = data.get("image", KEEP)
    new_key = _store_image(image) if image not in (KEEP, None) else None

    def attempt() -> dict:
        item = _category_or_404(category_id)
        these = dict(changes)
        if "translations" in data:
            rows = {lang: dict(row) for lang, row in (item.get("translations") or {}).items()}
            for lang, sent in data["translations"].items():
                rows[lang] = {"title": sent.get("title", (rows.get(lang) or {}).get("title", ""))}
            these["translations"] = rows
        if image is not KEEP:
            these["image"] = new_key
        updated = store.replace_category(item, these)
        if image is not KEEP and item.get("image") != new_key:
            _forget_image(item.get("image"))
        return render_category(updated, store.live_ids(store.TYPES, updated.get("type") or []), origin)

    try:
        return _retrying(attempt)
    except Exception:  # a 409 too: the new image is nobody's
        _forget_image(new_key)
        raise


def delete_category(category_id) -> None:
    if not store.delete_category(category_id):
        raise NotFound()


# --- storefront ----------------------------------------------------------------------------------

def _sort_key(item: dict) -> tuple[int, int]:
    return int(item.get("ordering") or 0), int(item["id"])


def _page_preview(head: dict, language: str) -> dict:
    default = get_settings().default_language
    kind = head["resourcetype"]
    texts = flatten(head.get("translations"), language, HEAD_FIELDS[kind], default)
    if kind == PAGE_CMS:
        return {"id": int(head["id"]), "slug": texts["slug"], "title": texts["title"], "resourcetype": kind}
    return {"id": int(head["id"]), "frontend_path": head.get("frontend_path", ""), "title": texts["title"],
            "resourcetype": kind}


def storefront_type_pages(identifier: str, language: str, origin: str) -> list[dict]:
    """M8: published categories of a type (HEADER, FOOTER, ...) with their published pages."""
    type_id = store.type_id_for(identifier)
    if type_id is None:
        return []
    default = get_settings().default_language
    categories = sorted((c for c in store.list_categories()
                         if c.get("published") and type_id in [int(t) for t in c.get("type") or []]),
                        key=_sort_key)
    if not categories:
        return []
    pages = sorted((p for p in store.list_pages() if p.get("published")), key=_sort_key)
    result = []
    for category in categories:
        category_id = int(category["id"])
        result.append({
            "id": category_id,
            "title": flatten(category.get("translations"), language, ("title",), default)["title"],
            "image": _image_url(category, origin),
            "code": category.get("code"),
            "published": True,
            "page": [_page_preview(p, language) for p in pages
                     if category_id in [int(c) for c in p.get("categories") or []]],
        })
    return result


def storefront_page(locale: str, slug: str, language: str) -> dict:
    """M12: the published PageCMS whose `locale` translation has this slug (case-insensitive);
    texts in the request's language."""
    locale = locale.lower()
    if locale not in get_settings().languages or not slug:
        raise ApiError(PAGE_NOT_FOUND, 404)
    for page_id in store.page_ids_for_slug(locale, slug):
        head, content = store.get_page(page_id, with_content=True)
        if head is None or not head.get("published") or head.get("resourcetype") != PAGE_CMS:
            continue
        row = (head.get("translations") or {}).get(locale) or {}
        if (row.get("slug") or "").lower() != slug.lower():
            continue  # a pointer from an edit that has not been cleaned up
        texts = flatten(_full_rows(head, content), language, CMS_FIELDS, get_settings().default_language)
        return {"id": int(head["id"]), "slug": texts["slug"], "title": texts["title"], "content": texts["content"]}
    raise ApiError(PAGE_NOT_FOUND, 404)
