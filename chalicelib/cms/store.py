"""CMS items in the `main` table.

* PAGE (keys.entity, listed through GSI1 `PAGE#LIST`): the page head, i.e. `resourcetype`, `published`,
  `ordering`, `recommended`, `categories` (ids), `frontend_path` (PageFrontend) and `translations`
  `{lang: {"title"[, "slug"]}}`. Without the Editor.js content, so that the storefront's header/footer
  lists (read on every storefront page) stay small.
* page content (`PK=PAGE#<id>`, `SK=CONTENT`, PageCMS only): `content: {lang: <Editor.js JSON text or
  None>}`. Kept as JSON text: Editor.js data may hold floats, which DynamoDB numbers would not round-trip.
  A Query on `PK=PAGE#<id>` reads head and content in one call.
* slug pointer (`PK=PAGESLUG#<lang>#<lower-cased slug>`, `SK=PAGE#<zero-padded id>`, attribute
  `page_id`): one per language with a slug of a live PageCMS, written in the same transaction as the
  page; the storefront finds a page by slug with one Query instead of reading every page.
  Slugs are not unique (as in the original), so a pointer partition may hold several pages.
* PAGECATEGORY (keys.entity, GSI1 `PAGECATEGORY#LIST`): `published`, `code`, `ordering`, `type` (ids),
  `translations` `{lang: {"title"}}`, `image` (media key or None).
* PAGECATTYPE (keys.entity, GSI1 `PAGECATTYPE#LIST`): `identifier`, unique through a claim item
  `keys.unique("PAGECATTYPE", identifier)` whose `owner` is the type id; the claim is written, moved
  (rename) and released (delete) in the same transaction as the type.

Every item written here carries `version`, incremented by each replace; replaces are conditional on the
version read (optimistic concurrency), so two editors cannot silently overwrite each other's changes
or leave slug pointers and claims out of step with the items.
"""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.core.store import db, keys, write
from chalicelib.core.store.entities import Collection, now_iso
from chalicelib.core.store.write import Delete, Put, Write

PAGE = "PAGE"
PAGECATEGORY = "PAGECATEGORY"
PAGECATTYPE = "PAGECATTYPE"

PAGES = Collection(PAGE)
CATEGORIES = Collection(PAGECATEGORY)
TYPES = Collection(PAGECATTYPE)

_LIVE = "(attribute_not_exists(safe_deleted) OR safe_deleted = :false)"


class Stale(write.Stale):
    """The item changed (or was deleted) since it was read (a write.Stale: write.retrying runs the
    read-modify-write again)."""


class Duplicate(Exception):
    """A uniqueness claim is held by another item."""


def _int_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def content_key(page_id: int) -> dict:
    return {"PK": f"{PAGE}#{page_id}", "SK": "CONTENT"}


def slug_key(language: str, slug: str, page_id: int) -> dict:
    return {"PK": f"PAGESLUG#{language}#{slug.lower()}", "SK": f"{PAGE}#{page_id:012d}"}


def type_claim(identifier: str) -> dict:
    return keys.unique(PAGECATTYPE, identifier)


def _replace_condition(seen_version) -> tuple[str, dict, dict]:
    names = {"#v": "version"}
    values: dict = {":false": False}
    if seen_version is None:
        return f"attribute_exists(PK) AND attribute_not_exists(#v) AND {_LIVE}", names, values
    values[":seen"] = seen_version
    return f"#v = :seen AND {_LIVE}", names, values


def _replace(item: dict, seen_version) -> Put:
    """Write `item` over the live item still at the version read (`seen_version`, None for an item
    written before versions)."""
    condition, names, values = _replace_condition(seen_version)
    return Put(item, condition=condition, names=names, values=values)


def _next_version(item: dict) -> dict:
    return {**item, "version": int(item.get("version") or 0) + 1, "update_at": now_iso()}


def _transact(operations: list[Write]) -> list[str] | None:
    """Run a transaction; None on success, else the per-operation cancellation reasons."""
    try:
        db.transact(operations)
        return None
    except db.TransactionFailed as failure:
        return failure.reasons


# --- pages ---------------------------------------------------------------------------------------

def get_page(page_id, *, with_content: bool = False) -> tuple[dict | None, dict]:
    """A live page head and (when asked) its content map `{lang: json text}`; (None, {}) when missing."""
    pid = _int_id(page_id)
    if pid is None:
        return None, {}
    if not with_content:
        return PAGES.get(pid), {}
    head, content = None, {}
    for item in db.query("main", partition=("PK", f"{PAGE}#{pid}")):
        if item["SK"] == PAGE:
            head = item
        elif item["SK"] == "CONTENT":
            content = item.get("content") or {}
    if head is None or head.get("safe_deleted"):
        return None, {}
    return head, content


def list_pages() -> list[dict]:
    return PAGES.list()


def contents_of(page_ids: Iterable[int]) -> dict[int, dict]:
    """The content maps of several pages, in one BatchGetItem round."""
    ids = list(page_ids)
    if not ids:
        return {}
    found = db.batch_get("main", [content_key(pid) for pid in ids])
    return {int(item["PK"].split("#", 1)[1]): item.get("content") or {} for item in found}


def create_page(fields: dict, content: dict | None, slugs: set[tuple[str, str]]) -> dict:
    page_id = db.next_id(PAGE.lower())
    extra = []
    if content is not None:
        extra.append(Put({**content_key(page_id), "content": content}))
    extra += [_slug_pointer(lang, slug, page_id) for lang, slug in sorted(slugs)]
    return PAGES.create({**fields, "version": 1}, page_id, extra_operations=extra or None)


def replace_page(head: dict, changes: dict, *, content: dict | None,
                 remove_slugs: set[tuple[str, str]], add_slugs: set[tuple[str, str]]) -> dict:
    """Write a page's new head (and content, when not None) and move its slug pointers; raises Stale."""
    page_id = int(head["id"])
    item = _next_version({**head, **changes})
    operations: list[Write] = [_replace(item, head.get("version"))]
    if content is not None:
        operations.append(Put({**content_key(page_id), "content": content}))
    operations += [Delete(slug_key(lang, slug, page_id)) for lang, slug in sorted(remove_slugs)]
    operations += [_slug_pointer(lang, slug, page_id) for lang, slug in sorted(add_slugs)]
    if _transact(operations) is not None:
        raise Stale()
    return item


def delete_page(head: dict, slugs: set[tuple[str, str]]) -> None:
    """Soft-delete a page and drop its slug pointers; raises Stale when it changed meanwhile."""
    page_id = int(head["id"])
    deleted = {**_next_version(head), "safe_deleted": True, "GSI1PK": f"{PAGE}#DELETED"}
    operations = [_replace(deleted, head.get("version"))]
    operations += [Delete(slug_key(lang, slug, page_id)) for lang, slug in sorted(slugs)]
    if _transact(operations) is not None:
        raise Stale()


def _slug_pointer(language: str, slug: str, page_id: int) -> Put:
    return Put({**slug_key(language, slug, page_id), "page_id": page_id})


def page_ids_for_slug(language: str, slug: str) -> list[int]:
    return [int(item["page_id"]) for item in db.query("main", partition=("PK", slug_key(language, slug, 0)["PK"]))]


# --- page categories -----------------------------------------------------------------------------

def get_category(category_id) -> dict | None:
    return CATEGORIES.get(category_id)


def list_categories() -> list[dict]:
    return CATEGORIES.list()


def create_category(fields: dict) -> dict:
    return CATEGORIES.create({**fields, "version": 1})


def replace_category(category: dict, changes: dict) -> dict:
    item = _next_version({**category, **changes})
    condition, names, values = _replace_condition(category.get("version"))
    try:
        db.put("main", item, condition=condition, names=names, values=values)
    except db.ConditionFailed:
        raise Stale() from None
    return item


def delete_category(category_id) -> bool:
    return CATEGORIES.soft_delete(category_id)


# --- page category types -------------------------------------------------------------------------

def get_type(type_id) -> dict | None:
    return TYPES.get(type_id)


def list_types() -> list[dict]:
    return TYPES.list()


def type_id_for(identifier: str) -> int | None:
    """The id of the live type holding `identifier` (one GetItem on the claim)."""
    claim = db.get("main", type_claim(identifier))
    return int(claim["owner"]) if claim else None


def _claim_put(identifier: str, type_id: int) -> Put:
    return Put({**type_claim(identifier), "owner": type_id}, condition="attribute_not_exists(PK)")


def _claim_release(identifier: str, type_id: int) -> Delete:
    return Delete(type_claim(identifier), condition="attribute_not_exists(PK) OR #o = :owner",
                  names={"#o": "owner"}, values={":owner": type_id})


def create_type(identifier: str) -> dict:
    """Create a type and claim its identifier; raises Duplicate when the identifier is taken."""
    type_id = db.next_id(PAGECATTYPE.lower())
    try:
        return TYPES.create({"identifier": identifier, "version": 1}, type_id,
                            extra_operations=[_claim_put(identifier, type_id)])
    except db.ConditionFailed:
        raise Duplicate() from None


def replace_type(type_item: dict, identifier: str) -> dict:
    """Rename a type, moving its claim; raises Duplicate (identifier taken) or Stale."""
    type_id = int(type_item["id"])
    item = _next_version({**type_item, "identifier": identifier})
    operations: list[Write] = [_replace(item, type_item.get("version"))]
    if identifier != type_item["identifier"]:
        operations += [_claim_release(type_item["identifier"], type_id), _claim_put(identifier, type_id)]
    reasons = _transact(operations)
    if reasons is not None:
        if len(reasons) > 2 and reasons[2] == "ConditionalCheckFailed":
            raise Duplicate()
        raise Stale()
    return item


def delete_type(type_item: dict) -> None:
    """Soft-delete a type and release its identifier for reuse; raises Stale when it changed."""
    deleted = {**_next_version(type_item), "safe_deleted": True, "GSI1PK": f"{PAGECATTYPE}#DELETED"}
    if _transact([_replace(deleted, type_item.get("version")),
                  _claim_release(type_item["identifier"], int(type_item["id"]))]) is not None:
        raise Stale()


# --- references ----------------------------------------------------------------------------------

def live_ids(collection: Collection, ids: Iterable[int]) -> set[int]:
    """Which of the ids name live (not soft-deleted) entities of the collection, in one BatchGetItem."""
    wanted = {int(i) for i in ids}
    if not wanted:
        return set()
    found = db.batch_get("main", [collection.key(i) for i in wanted])
    return {int(item["id"]) for item in found if not item.get("safe_deleted")}
