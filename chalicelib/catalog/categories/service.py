"""Categories: the dashboard's CRUD and tree (contract C1-C5), the storefront's tree and detail (C6, C7),
and the tree helpers the storefront's product pages use.

A category is one item in the CATALOG partition holding its `parent` id, `published` flag and
`translations` ({lang: {title, meta_title, meta_description, description, description_editorjs, slug}};
Editor.js data is kept as JSON text). Storefront reads take the whole catalog with one Query
(`catalog_snapshot()`) and build the tree in memory.

Tree rules:
* Children are ordered by id.
* Deletes are soft and do not cascade. A category whose parent is deleted becomes a root: it shows at
  the top of both trees, its breadcrumbs start with it, and the dashboard detail shows `parent: null`.
  (Its stored `parent` is kept; moving it anywhere, or to the top, is an ordinary PUT.)
* The storefront shows a category only when it and every ancestor are published (`is_visible`).
* A category cannot be moved under itself or one of its descendants, nor nest deeper than MAX_DEPTH
  levels. A move re-checks, in its transaction, that the new parent's ancestor chain is as it was read,
  so two concurrent moves cannot make a cycle.

Functions for other packages (they take `categories` as the snapshot's category items or a built Tree):
* `build_tree(categories) -> Tree`
* `breadcrumbs(category_id, categories, language) -> [{id, title, slug}]` (root first)
* `descendant_ids(category_id, categories, published_only=True) -> [int]` (the category, then descendants)
* `is_visible(category_id, categories) -> bool`
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.catalog.reference.store import CATEGORIES, catalog_snapshot
from chalicelib.catalog.taxonomy.schemas import CATEGORY_FIELDS, CATEGORY_REQUIRED
from chalicelib.catalog.taxonomy.service import create, invalid_pk, ordered_languages, update, with_retries
from chalicelib.catalog.taxonomy.store import get_live, live_check, new_id
from chalicelib.core.event_names import CATEGORY_DELETE, CATEGORY_SAVE, CATEGORY_UPDATE
from chalicelib.core.events import outbox_put
from chalicelib.core.http.errors import NotFound, ValidationError
from chalicelib.core.http.i18n import flatten
from chalicelib.core.http.validation import REQUIRED
from chalicelib.core.settings import get_settings
from chalicelib.core.store.write import Check, Put

MAX_DEPTH = 32  # levels; keeps trees renderable (and breadcrumbs short)
MAX_TEXT_BYTES = 100_000  # a category's texts over all languages; storefront reads load every category
_MAX_CHAIN_CHECKS = 95


# --- the tree ------------------------------------------------------------------------------------------

@dataclass
class Tree:
    """Live categories by id, each one's effective parent (None for a root) and children (by id)."""

    nodes: dict[int, dict] = field(default_factory=dict)
    parent: dict[int, int | None] = field(default_factory=dict)
    children: dict[int | None, list[int]] = field(default_factory=dict)

    def roots(self) -> list[int]:
        return self.children.get(None, [])

    def ancestors(self, category_id: int) -> list[int] | None:
        """Ancestor ids, nearest first; None when the chain loops (data written around the checks)."""
        chain: list[int] = []
        current = self.parent.get(category_id)
        while current is not None:
            if current == category_id or len(chain) > len(self.nodes):
                return None
            chain.append(current)
            current = self.parent.get(current)
        return chain

    def descendants(self, category_id: int, *, published_only: bool = False) -> list[int]:
        """Descendant ids in pre-order (children by id), without the category itself."""
        found: list[int] = []
        seen = {category_id}
        stack = list(reversed(self.kids(category_id, published_only)))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            found.append(current)
            stack.extend(reversed(self.kids(current, published_only)))
        return found

    def kids(self, category_id: int, published_only: bool = False) -> list[int]:
        """Direct children by id (only published ones with `published_only`)."""
        kids = self.children.get(category_id, [])
        return [k for k in kids if self.nodes[k].get("published")] if published_only else kids

    def height(self, category_id: int) -> int:
        """Levels below the category (0 for a leaf)."""
        own = len(self.ancestors(category_id) or [])
        return max((len(self.ancestors(d) or []) - own for d in self.descendants(category_id)), default=0)


def build_tree(categories: Iterable[dict]) -> Tree:
    """The tree of the live categories among `categories` (e.g. `catalog_snapshot()["CATEGORY"]`)."""
    tree = Tree()
    for item in categories:
        if not item.get("safe_deleted"):
            tree.nodes[int(item["id"])] = item
    for category_id in sorted(tree.nodes):
        stored = tree.nodes[category_id].get("parent")
        parent = int(stored) if stored is not None and int(stored) in tree.nodes else None
        tree.parent[category_id] = parent
        tree.children.setdefault(parent, []).append(category_id)
    return tree


def _as_tree(categories: Tree | Iterable[dict]) -> Tree:
    return categories if isinstance(categories, Tree) else build_tree(categories)


def _id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_visible(category_id: Any, categories: Tree | Iterable[dict]) -> bool:
    """True when the category is live and published, and so is every ancestor."""
    tree = _as_tree(categories)
    category_id = _id(category_id)
    if category_id not in tree.nodes or not tree.nodes[category_id].get("published"):
        return False
    chain = tree.ancestors(category_id)
    return chain is not None and all(tree.nodes[a].get("published") for a in chain)


def descendant_ids(category_id: Any, categories: Tree | Iterable[dict], published_only: bool = True) -> list[int]:
    """The category itself and its descendants (only published ones, and only through published
    categories, by default); [] when the category is not live."""
    tree = _as_tree(categories)
    category_id = _id(category_id)
    if category_id not in tree.nodes:
        return []
    return [category_id, *tree.descendants(category_id, published_only=published_only)]


def _texts(item: dict, language: str, fields: Iterable[str]) -> dict:
    return flatten(item.get("translations"), language, fields, get_settings().default_language)


def breadcrumbs(category_id: Any, categories: Tree | Iterable[dict], language: str) -> list[dict]:
    """`[{id, title, slug}]` from the root down to the category itself; [] when it is not live."""
    tree = _as_tree(categories)
    category_id = _id(category_id)
    if category_id not in tree.nodes:
        return []
    chain = tree.ancestors(category_id) or []
    return [{"id": cid, **_texts(tree.nodes[cid], language, ("title", "slug"))}
            for cid in [*reversed(chain), category_id]]


# --- rendering -----------------------------------------------------------------------------------------

def _editorjs(stored: Any) -> Any:
    """Editor.js data from its stored JSON text (a map written by other means is taken as it is)."""
    if isinstance(stored, str):
        return json.loads(stored) if stored else None
    return stored


def _node(tree: Tree, category_id: int, language: str, *, dashboard: bool, seen: frozenset = frozenset()) -> dict:
    item = tree.nodes[category_id]
    seen = seen | {category_id}
    kids = [k for k in tree.kids(category_id, not dashboard) if k not in seen]
    node = {"id": category_id, **_texts(item, language, ("title", "meta_title", "slug")),
            "children": [_node(tree, k, language, dashboard=dashboard, seen=seen) for k in kids]}
    if dashboard:
        node.update(published=bool(item.get("published")), create_at=item.get("create_at"),
                    update_at=item.get("update_at"))
    return node


def render_detail(item: dict, parent: int | None) -> dict:
    """C3: every language's texts; `parent` is the live parent's id or null."""
    rows = item.get("translations") or {}
    translations = {}
    for lang in ordered_languages(rows):
        row = rows[lang]
        translations[lang] = {name: (_editorjs(row.get(name)) if name == "description_editorjs"
                                     else row.get(name, None if name == "description" else ""))
                              for name in CATEGORY_FIELDS}
    return {"id": int(item["id"]), "published": bool(item.get("published")), "translations": translations,
            "update_at": item.get("update_at"), "create_at": item.get("create_at"), "parent": parent}


# --- dashboard (C1-C5) ---------------------------------------------------------------------------------

def _dashboard_tree() -> Tree:
    return build_tree(CATEGORIES.list())


def dashboard_tree(language: str) -> list[dict]:
    """C1: every root with all its children, recursively (published or not)."""
    tree = _dashboard_tree()
    return [_node(tree, root, language, dashboard=True) for root in tree.roots()]


def get_category(category_id: Any) -> dict:
    """C3."""
    tree = _dashboard_tree()
    category_id = _id(category_id)
    if category_id not in tree.nodes:
        raise NotFound()
    return render_detail(tree.nodes[category_id], tree.parent[category_id])


def _merge_translations(existing: dict | None, sent: dict) -> dict:
    """Stored rows with the sent languages updated; a language new to the category needs a title and slug."""
    rows = {lang: dict(row) for lang, row in (existing or {}).items()}
    errors: dict = {}
    for lang, changes in sent.items():
        changes = dict(changes)
        if "description_editorjs" in changes:
            data = changes["description_editorjs"]
            changes["description_editorjs"] = (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                                               if data is not None else None)
        if lang not in rows:
            missing = [name for name in CATEGORY_REQUIRED if not changes.get(name)]
            if missing:
                errors[lang] = {name: [REQUIRED] for name in missing}
                continue
            rows[lang] = {"title": "", "meta_title": "", "meta_description": "", "description": None,
                          "description_editorjs": None, "slug": "", **changes}
        else:
            rows[lang] = {**rows[lang], **changes}
    if errors:
        raise ValidationError({"translations": errors})
    size = len(json.dumps(rows, ensure_ascii=False).encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise ValidationError.field("translations", f"The texts are too large ({size} bytes over all languages; "
                                                    f"at most {MAX_TEXT_BYTES}).")
    return rows


def _event(name: str, category_id: int, parent: Any, deleted: bool = False) -> Put:
    """`name`: CATEGORY_SAVE / _UPDATE / _DELETE."""
    return outbox_put(name, {"_model_class": "Category", "id": int(category_id),
                             "parent_id": _id(parent), "deleted": deleted})


def _parent_error(message: str) -> ValidationError:
    return ValidationError.field("parent", message)


def _depth(tree: Tree, category_id: int) -> int:
    """1 for a root."""
    return len(tree.ancestors(category_id) or []) + 1


def _chain_checks(tree: Tree, parent: int) -> list[Check]:
    """The new parent and its ancestors must be live and unchanged when the move is written."""
    chain = [parent, *(tree.ancestors(parent) or [])][:_MAX_CHAIN_CHECKS]
    return [live_check(CATEGORIES, cid, extra="update_at = :seen", values={":seen": tree.nodes[cid]["update_at"]})
            for cid in chain]


def create_category(data: dict) -> dict:
    """C2."""
    rows = _merge_translations(None, data["translations"])
    category_id = new_id(CATEGORIES)

    def attempt() -> dict:
        parent = data["parent"]
        checks: list[Check] = []
        if parent is not None:
            tree = _dashboard_tree()
            if parent not in tree.nodes:
                raise _parent_error(invalid_pk(parent))
            if _depth(tree, parent) + 1 > MAX_DEPTH:
                raise _parent_error(f"Categories nest at most {MAX_DEPTH} levels deep.")
            checks = _chain_checks(tree, parent)
        fields = {"published": data["published"], "parent": parent, "translations": rows}
        item = create(CATEGORIES, category_id, fields, [_event(CATEGORY_SAVE, category_id, parent), *checks])
        return render_detail(item, parent)

    return with_retries(attempt)


def update_category(category_id: Any, data: dict) -> dict:
    """C4: the fields sent change (a move by `parent`); only the languages sent change."""

    def attempt() -> dict:
        tree = _dashboard_tree()
        cid = _id(category_id)
        current = tree.nodes.get(cid)
        if current is None:
            raise NotFound()
        fields: dict = {"translations": _merge_translations(current.get("translations"), data["translations"])}
        if "published" in data:
            fields["published"] = data["published"]
        checks: list[Check] = []
        parent = tree.parent[cid]
        if "parent" in data and data["parent"] != _id(current.get("parent")):
            parent = data["parent"]
            if parent is not None:
                if parent == cid:
                    raise _parent_error("A category cannot be its own parent.")
                if parent not in tree.nodes:
                    raise _parent_error(invalid_pk(parent))
                if cid in (tree.ancestors(parent) or []):
                    raise _parent_error("A category cannot be moved under one of its own subcategories.")
                if _depth(tree, parent) + 1 + tree.height(cid) > MAX_DEPTH:
                    raise _parent_error(f"Categories nest at most {MAX_DEPTH} levels deep.")
                checks = _chain_checks(tree, parent)
            fields["parent"] = parent
        before = render_detail(current, tree.parent[cid])
        if render_detail({**current, **fields}, parent) == before:
            return before  # the dashboard saved what it read: nothing to write, no event
        stored_parent = fields.get("parent", current.get("parent"))
        item = update(CATEGORIES, cid, fields, [_event(CATEGORY_UPDATE, cid, stored_parent), *checks])
        return render_detail(item, parent)

    return with_retries(attempt)


def delete_category(category_id: Any) -> None:
    """C5: soft delete; the children stay and become roots."""
    current = get_live(CATEGORIES, category_id)
    if current is None or not CATEGORIES.soft_delete(
            int(current["id"]), extra_operations=[_event(CATEGORY_DELETE, current["id"], current.get("parent"), True)]):
        raise NotFound()


# --- storefront (C6, C7): one Query each ---------------------------------------------------------------

def storefront_tree(language: str, snapshot: dict | None = None) -> list[dict]:
    """C6: published roots with their published children, recursively."""
    tree = build_tree((catalog_snapshot() if snapshot is None else snapshot)[CATEGORIES.kind])
    return [_node(tree, root, language, dashboard=False) for root in tree.roots()
            if tree.nodes[root].get("published")]


def storefront_detail(category_id: Any, language: str, snapshot: dict | None = None) -> dict | None:
    """C7, or None when the category is missing, unpublished or under an unpublished category."""
    tree = build_tree((catalog_snapshot() if snapshot is None else snapshot)[CATEGORIES.kind])
    cid = _id(category_id)
    if not is_visible(cid, tree):
        return None
    item = tree.nodes[cid]
    texts = _texts(item, language, ("description_editorjs", "meta_description"))
    editorjs = _editorjs(texts["description_editorjs"])
    return {**_node(tree, cid, language, dashboard=False),
            "description_editorjs": "" if editorjs is None else editorjs,
            "meta_description": texts["meta_description"],
            "breadcrumbs": breadcrumbs(cid, tree, language)}
