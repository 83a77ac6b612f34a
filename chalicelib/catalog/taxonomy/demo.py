"""Demo taxonomy for the local shop: attribute types with values, a product type, a small category tree.

`load_demo()` is idempotent: what exists already (live) is left as it is, only what is missing is created
(attribute types by `type_name`, values by raw value within their type, product types by name, categories
by English slug under their parent). It goes through the services, so events are recorded as for any edit.
The product type gets each country's default VAT group when localization's demo data is there.
"""

from __future__ import annotations

from chalicelib.catalog.categories import service as categories
from chalicelib.catalog.reference.store import catalog_snapshot
from chalicelib.catalog.taxonomy import service as attributes
from chalicelib.core.settings import get_settings
from chalicelib.localization import service as localization

ATTRIBUTE_TYPES = [
    {"type_name": "language", "unit": "", "value_type": "TEXT",
     "translations": {"en": {"name": "Language"}, "cs": {"name": "Jazyk"}},
     "values": [("en", {"en": "English", "cs": "Angličtina"}), ("cs", {"en": "Czech", "cs": "Čeština"}),
                ("de", {"en": "German", "cs": "Němčina"})]},
    {"type_name": "resolution", "unit": "", "value_type": "TEXT",
     "translations": {"en": {"name": "Resolution"}, "cs": {"name": "Rozlišení"}},
     "values": [("HD", {"en": "HD", "cs": "HD"}), ("4K", {"en": "4K", "cs": "4K"})]},
    {"type_name": "runtime", "unit": "min", "value_type": "INTEGER",
     "translations": {"en": {"name": "Runtime"}, "cs": {"name": "Délka"}},
     "values": [("90", {}), ("120", {}), ("150", {})]},
]
PRODUCT_TYPES = [{"name": "Movie", "attribute_types": ["language", "resolution", "runtime"]}]
CATEGORIES = [
    # (English slug, parent's English slug, published, {lang: title}, {lang: slug})
    ("movies", None, True, {"en": "Movies", "cs": "Filmy"}, {"en": "movies", "cs": "filmy"}),
    ("action", "movies", True, {"en": "Action", "cs": "Akční"}, {"en": "action", "cs": "akcni"}),
    ("comedy", "movies", True, {"en": "Comedy", "cs": "Komedie"}, {"en": "comedy", "cs": "komedie"}),
    ("drama", "movies", False, {"en": "Drama", "cs": "Drama"}, {"en": "drama", "cs": "drama"}),
]


def _shop_languages(rows: dict) -> dict:
    languages = get_settings().languages
    return {lang: row for lang, row in rows.items() if lang in languages}


def _default_vat_groups() -> list[int]:
    return [g["id"] for g in localization.list_vat_groups() if g["is_default"]]


def load_attribute_types(created: dict) -> dict[str, int]:
    types = {t["type_name"]: t for t in attributes.list_attribute_types()}
    ids = {}
    for spec in ATTRIBUTE_TYPES:
        existing = types.get(spec["type_name"])
        if existing is None:
            existing = attributes.create_attribute_type({
                "type_name": spec["type_name"], "unit": spec["unit"], "value_type": spec["value_type"],
                "translations": _shop_languages(spec["translations"])})
            created["attribute_types"] += 1
        ids[spec["type_name"]] = existing["id"]
        have = {v["value"] for v in existing["base_attributes"]}
        for value, names in spec["values"]:
            if value not in have:
                attributes.create_base_attribute({
                    "type": existing["id"], "value": value,
                    "translations": _shop_languages({lang: {"name": name} for lang, name in names.items()})})
                created["base_attributes"] += 1
    return ids


def load_product_types(created: dict, type_ids: dict[str, int]) -> None:
    existing = {p["name"]: p for p in attributes.list_product_types()}
    vat_groups = _default_vat_groups()
    for spec in PRODUCT_TYPES:
        current = existing.get(spec["name"])
        if current is None:
            allowed = [type_ids[name] for name in spec["attribute_types"]]
            attributes.create_product_type({"name": spec["name"], "vat_groups": vat_groups,
                                            "allowed_attribute_types_ids": allowed})
            created["product_types"] += 1
        elif not current["vat_groups"] and vat_groups:  # localization's demo arrived after ours
            attributes.update_product_type(current["id"], {"vat_groups": vat_groups})


def load_categories(created: dict) -> None:
    tree = categories.build_tree(catalog_snapshot()["CATEGORY"])
    by_place = {}
    for category_id, item in tree.nodes.items():
        slug = ((item.get("translations") or {}).get("en") or {}).get("slug")
        by_place[(slug, tree.parent[category_id])] = category_id
    ids: dict[str, int] = {}
    for slug, parent_slug, published, titles, slugs in CATEGORIES:
        parent = ids.get(parent_slug) if parent_slug else None
        found = by_place.get((slug, parent))
        if found is None:
            rows = _shop_languages({lang: {"title": titles[lang], "slug": slugs[lang], "meta_title": titles[lang]}
                                    for lang in titles})
            found = categories.create_category({"published": published, "parent": parent, "translations": rows})["id"]
            created["categories"] += 1
        ids[slug] = found


def load_demo() -> dict[str, int]:
    """Create the demo taxonomy that is missing; answers what was created."""
    created = {"attribute_types": 0, "base_attributes": 0, "product_types": 0, "categories": 0}
    type_ids = load_attribute_types(created)
    load_product_types(created, type_ids)
    load_categories(created)
    return created


if __name__ == "__main__":  # pragma: no cover - `python -m chalicelib.catalog.taxonomy.demo` against TABLE_PREFIX
    print(load_demo())
