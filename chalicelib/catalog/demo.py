"""Demo catalog for the local shop, generated here (no data files): price lists and a few dozen movies
with language/resolution variants, a runtime each, prices in CZK and EUR, stock, and a generated poster.

Every variant has a value of every attribute type its product type allows (language, resolution,
runtime): the storefront's category page filters by all of them at once, and a type without values on
the variants used to make every filtered page answer no products. `complete_attributes()` gives a shop
loaded before runtimes existed its runtimes.

Runs after the localization and taxonomy demos; idempotent (skips when products already exist).
"""

from __future__ import annotations

import random
import struct
import zlib
from decimal import Decimal

from chalicelib.catalog.pricelists import service as pricelists
from chalicelib.catalog.products import service as products
from chalicelib.catalog.products import views as product_views
from chalicelib.catalog.products.schemas import PRODUCT
from chalicelib.catalog.reference.store import CATEGORIES, catalog_snapshot
from chalicelib.catalog.taxonomy import service as attributes

PRICE_LISTS = [
    {"code": "CZK", "currency": "CZK", "is_default": True, "rounding": False},
    {"code": "EUR", "currency": "EUR", "is_default": False, "rounding": True},
]
TITLES = {
    "action": ["Heat Wave", "Night Runner", "Iron Harbor", "Last Convoy", "Red Signal", "Steel Rain",
               "Border Line", "Final Strike"],
    "comedy": ["Lazy Sunday", "The Wrong Wedding", "Cat Sitters", "Office Ghosts", "Uncle Bob Returns",
               "Pizza Party", "Holiday Mixup", "Two Left Feet"],
    "drama": ["Quiet Rooms", "Letters Home", "The Long Winter", "Paper Boats"],
}
LANGUAGE_VALUES = ("en", "cs", "de")
RESOLUTIONS = ("HD", "4K")
RUNTIMES = ("90", "120", "150")  # minutes; one per movie, on all its variants


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-colored PNG, written with the standard library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


def load_price_lists() -> None:
    for spec in PRICE_LISTS:
        if pricelists.get_price_list(spec["code"]) is None:
            pricelists.create_price_list(spec)


def load_products(with_images: bool = True) -> int:
    if products.product_ids():
        return 0
    snapshot = catalog_snapshot()
    category_by_slug = {((c.get("translations") or {}).get("en") or {}).get("slug"): int(c["id"])
                        for c in snapshot[CATEGORIES.kind]}
    taxonomy = attributes.Taxonomy(snapshot)
    movie_type = next((int(t["id"]) for t in taxonomy.product_types.values() if t.get("name") == "Movie"), None)
    value_ids = {(taxonomy.types[int(v["type"])]["type_name"], v["value"]): int(v_id)
                 for v_id, v in taxonomy.values.items()}
    rng = random.Random(7)  # the same demo catalog on every machine
    created = 0
    for category_slug, titles in TITLES.items():
        for title in titles:
            base = Decimal(rng.choice([99, 149, 199, 249, 299]))
            variants = []
            code = "".join(word[0] for word in title.split()).upper() + f"{created + 1:02d}"
            runtime = RUNTIMES[created % len(RUNTIMES)]
            for language in LANGUAGE_VALUES[: rng.randint(1, 3)]:
                for resolution in RESOLUTIONS:
                    surcharge = Decimal(50) if resolution == "4K" else Decimal(0)
                    wanted = (("language", language), ("resolution", resolution), ("runtime", runtime))
                    attribute_ids = [value_ids[k] for k in wanted if k in value_ids]
                    variants.append({
                        "sku": f"{code}-{language.upper()}-{resolution}",
                        "ean": f"{8590000000000 + created * 10 + len(variants)}",
                        "weight": "0.10",
                        "stock_quantity": rng.choice([0, 3, 10, 25, 100]),
                        "attributes": attribute_ids,
                        "price": [
                            {"price_list": "CZK", "price": str(base + surcharge),
                             "discount": rng.choice([None, None, None, "10", "25"])},
                            {"price_list": "EUR", "price": str(((base + surcharge) / 25).quantize(Decimal("0.01")))},
                        ],
                    })
            payload = PRODUCT.validate({
                "published": True,
                "category": category_by_slug.get(category_slug),
                "type_id": movie_type,
                "translations": {
                    "en": {"title": title, "slug": _slug(title), "meta_title": title,
                           "short_description": f"{title}: a {category_slug} movie.",
                           "description": f"{title} is one of the demo shop's {category_slug} movies."},
                    "cs": {"title": f"{title} (CZ)", "slug": _slug(title) + "-cz", "meta_title": title,
                           "short_description": f"{title}: film.", "description": f"{title} je ukázkový film."},
                },
                "product_variants": variants,
            })
            product = products.create_product(payload)
            if with_images:
                color = (rng.randrange(40, 220), rng.randrange(40, 220), rng.randrange(40, 220))
                import base64

                poster = base64.b64encode(_png(60, 90, color)).decode()
                product_views.add_media({"media": poster, "product_id": int(product["id"]), "type": "IMAGE",
                                         "alt": f"{title} poster"}, "")
            created += 1
    return created


def complete_attributes() -> int:
    """Give every variant missing a value of an attribute type its product type allows the demo's value
    for it (the product's runtime, by product id); answers how many products changed."""
    snapshot = catalog_snapshot()
    taxonomy = attributes.Taxonomy(snapshot)
    values_by_type: dict[int, list[int]] = {}
    for value_id, value in sorted(taxonomy.values.items()):
        values_by_type.setdefault(int(value["type"]), []).append(int(value_id))
    changed = 0
    for product in products.get_many(products.product_ids()):
        product_type = taxonomy.product_types.get(int(product["type_id"])) if product.get("type_id") else None
        if product_type is None:
            continue
        allowed = [t for t in taxonomy.allowed_ids(product_type) if values_by_type.get(t)]
        sent, missing_any = [], False
        for variant in product.get("variants", []):
            ids = [int(a) for a in variant.get("attributes", [])]
            have = {int(taxonomy.values[a]["type"]) for a in ids if a in taxonomy.values}
            for type_id in allowed:
                if type_id not in have:
                    choices = values_by_type[type_id]
                    ids.append(choices[int(product["id"]) % len(choices)])
                    missing_any = True
            sent.append({"sku": variant["sku"], "attributes": ids,
                         "stock_quantity": int(variant.get("stock_quantity") or 0)})
        if missing_any:
            products.replace_product(product["id"], PRODUCT.validate({"published": bool(product.get("published")),
                                                                       "product_variants": sent}))
            changed += 1
    return changed


def load_demo(with_images: bool = True) -> dict[str, int]:
    load_price_lists()
    return {"products": load_products(with_images), "completed": complete_attributes()}
