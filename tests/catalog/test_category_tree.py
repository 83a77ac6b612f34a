"""The category tree helpers (no AWS): roots, visibility, descendants, breadcrumbs, and data that loops."""

from __future__ import annotations

from chalicelib.catalog.categories import service as categories


def cat(category_id, parent=None, published=True, deleted=False, title=None, cs=None):
    translations = {"en": {"title": title or f"c{category_id}", "slug": f"c{category_id}"}}
    if cs:
        translations["cs"] = {"title": cs, "slug": cs.lower()}
    item = {"id": category_id, "parent": parent, "published": published, "translations": translations,
            "create_at": "t", "update_at": "t"}
    if deleted:
        item["safe_deleted"] = True
    return item


ITEMS = [
    cat(1), cat(2, 1, cs="Dva"), cat(3, 1, published=False), cat(4, 3), cat(5, 2), cat(6, deleted=True),
    cat(7, 6), cat(8, 7, published=False), cat(9, 2),
]


def test_build_tree_roots_and_children_by_id():
    tree = categories.build_tree(reversed(ITEMS))
    assert tree.roots() == [1, 7]  # 7's parent is deleted: it is a root
    assert tree.children[1] == [2, 3] and tree.children[2] == [5, 9]
    assert 6 not in tree.nodes and tree.parent[7] is None


def test_is_visible_needs_every_ancestor_published():
    assert categories.is_visible(5, ITEMS)
    assert not categories.is_visible(3, ITEMS)
    assert not categories.is_visible(4, ITEMS)  # published, under an unpublished category
    assert categories.is_visible(7, ITEMS)
    assert not categories.is_visible(6, ITEMS) and not categories.is_visible("x", ITEMS)


def test_descendant_ids():
    assert categories.descendant_ids(1, ITEMS) == [1, 2, 5, 9]
    assert categories.descendant_ids(1, ITEMS, published_only=False) == [1, 2, 5, 9, 3, 4]
    assert categories.descendant_ids(7, ITEMS) == [7]
    assert categories.descendant_ids(6, ITEMS) == []


def test_breadcrumbs_root_first_in_the_language():
    tree = categories.build_tree(ITEMS)
    assert categories.breadcrumbs(5, tree, "cs") == [{"id": 1, "title": "c1", "slug": "c1"},
                                                    {"id": 2, "title": "Dva", "slug": "dva"},
                                                    {"id": 5, "title": "c5", "slug": "c5"}]
    assert categories.breadcrumbs(8, tree, "en") == [{"id": 7, "title": "c7", "slug": "c7"},
                                                    {"id": 8, "title": "c8", "slug": "c8"}]
    assert categories.breadcrumbs(6, tree, "en") == []


def test_a_loop_in_stored_data_neither_hangs_nor_shows():
    looped = [cat(1), cat(2, 3), cat(3, 2), cat(4, 3)]
    tree = categories.build_tree(looped)
    assert tree.roots() == [1]
    assert tree.ancestors(2) is None
    assert not categories.is_visible(4, looped)
    assert categories.descendant_ids(2, looped, published_only=False) == [2, 3, 4]
    snapshot = {"CATEGORY": looped}
    assert [n["id"] for n in categories.storefront_tree("en", snapshot)] == [1]
    assert categories.storefront_detail(2, "en", snapshot) is None


def test_storefront_detail_from_a_snapshot():
    detail = categories.storefront_detail(2, "en", {"CATEGORY": ITEMS})
    assert detail["breadcrumbs"] == [{"id": 1, "title": "c1", "slug": "c1"}, {"id": 2, "title": "c2", "slug": "c2"}]
    assert [c["id"] for c in detail["children"]] == [5, 9]
    assert detail["description_editorjs"] == "" and detail["meta_description"] == ""
