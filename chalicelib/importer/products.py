"""Products with their variants, prices, attributes and media, with the dump's ids.

Each product becomes the aggregate item `catalog.products.create_product` writes (same fields, the
dump's ids and timestamps), and gets what `products._save(None, item)` writes with it: the SKU claims
and its entry in the category listing (`listing.entry_for`), plus the media-id claims
`product_views.add_media` writes. A test checks these against what `_save` writes, so the two cannot
drift apart.

`_save` itself is not called: it is one TransactWriteItems per product that always records events,
and thousands of those are slow (moto copies the whole table for every transaction: minutes for the
demo dump) where BatchWriteItem and one listing write per category take seconds. See `write` for how
this stays complete and idempotent without the transaction.

Events: none by default. Thousands of PRODUCT_SAVE / PRODUCTVARIANT_SAVE / PRICE_SAVE events would
make the notification flow call every webhook and the recommender once per product for what is a
migration, not a shop change; the search index is rebuilt from the table instead. With
`emit_events=True` each new product records its usual BATCH outbox item (`products.change_events`).

Media rows are imported as rows: the entry keeps the dump's `media` path as its S3 key
(`product_media/<id>/image/<name>.jpg`). The files are not in a SQL dump: a generated placeholder is
written under each key that has no object yet (placeholders.py), so the products show images that
load; the original's files can be copied over them under the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.catalog.listing import service as listing
from chalicelib.catalog.products import service as catalog_products
from chalicelib.catalog.products import store as catalog_store
from chalicelib.core import events
from chalicelib.core.store import keys
from chalicelib.importer import store
from chalicelib.importer.placeholders import Placeholders
from chalicelib.importer.source import Dump, Report, as_int, json_value
from chalicelib.importer.sqldump import flag
from chalicelib.importer.taxonomy import EPOCH, stamps


@dataclass
class ProductPlan:
    items: list[dict] = field(default_factory=list)
    # Counters are raised past the dump's highest ids, deleted rows' too: an id the original used is
    # never handed out again (old links and references keep meaning what they meant, or nothing).
    max_ids: dict[str, int] = field(default_factory=dict)


def _translation(name: str, value: object) -> object:
    return json_value(value) if name == "description_editorjs" else value


def _prices(dump: Dump, report: Report, price_lists: set[str]) -> dict[str, list[dict]]:
    by_sku: dict[str, dict[str, dict]] = {}
    for row in sorted(dump.live("product_productprice", report, "prices"), key=lambda r: int(r["id"])):
        code = row.get("price_list_id")
        if code not in price_lists:
            report.add("prices", "skipped_price_list_missing")
            continue
        if row.get("price") is None:
            report.add("prices", "skipped_no_amount")
            continue
        lists = by_sku.setdefault(row["product_variant_id"], {})
        if code in lists:  # one price per price list, as the aggregate keeps them
            report.add("prices", "skipped_duplicate")
            continue
        created, updated = stamps(row)
        lists[code] = {"id": int(row["id"]), "price_list": code, "price": row["price"],
                       "discount": row.get("discount"), "create_at": created, "update_at": updated}
    return {sku: sorted(lists.values(), key=lambda p: p["id"]) for sku, lists in by_sku.items()}


def _variant(row: dict, prices: list[dict], attribute_ids: list[int]) -> dict:
    created, updated = stamps(row)
    return {"sku": row["sku"], "price": prices, "attributes": attribute_ids, "create_at": created,
            "ean": row.get("ean"), "weight": row.get("weight"),
            "stock_quantity": int(row.get("stock_quantity") or 0),
            "recommendation_weight": row.get("recommendation_weight"), "update_at": updated}


def plan_products(dump: Dump, report: Report, *, category_ids: set[int], product_type_ids: set[int],
                  attribute_ids: set[int], price_lists: set[str]) -> ProductPlan:
    """The product aggregates of the dump's live products; references to what was not imported
    (deleted in the original) are left out and counted."""
    rows = sorted(dump.live("product_product", report, "products"), key=lambda r: int(r["id"]))
    live_products = {int(r["id"]) for r in rows}
    variants = {v["sku"]: v for v in dump.live("product_productvariant", report, "variants")}
    texts = dump.translations("product_product_translation", catalog_products.TRANSLATION_FIELDS, report,
                              _translation)
    prices = _prices(dump, report, price_lists)

    attributes: dict[str, list[int]] = {}
    for row in sorted(dump.rows("product_productvariant_attributes"), key=lambda r: int(r["id"])):
        if int(row["baseattribute_id"]) in attribute_ids:
            attributes.setdefault(row["productvariant_id"], []).append(int(row["baseattribute_id"]))
        else:
            report.add("variant_attributes", "skipped_attribute_deleted")

    skus_of: dict[int, list[str]] = {}
    owner: dict[str, int] = {}
    for row in sorted(dump.rows("product_product_product_variants"), key=lambda r: int(r["id"])):
        product_id, sku = int(row["product_id"]), row["productvariant_id"]
        if product_id not in live_products or sku not in variants:
            continue  # the product or the variant was deleted in the original
        if sku in owner:
            if owner[sku] != product_id:
                report.add("variants", "skipped_linked_twice")
                report.log(f"  variant {sku}: linked to products {owner[sku]} and {product_id}; kept in the first")
            continue
        owner[sku] = product_id
        skus_of.setdefault(product_id, []).append(sku)
    report.add("variants", "skipped_no_live_product", len(set(variants) - set(owner)))
    report.add("prices", "skipped_variant_not_imported", sum(len(p) for sku, p in prices.items() if sku not in owner))

    media: dict[int, list[dict]] = {}
    for row in dump.live("product_productmedia", report, "media"):
        product_id = as_int(row.get("product_id"))
        if product_id not in live_products:
            report.add("media", "skipped_product_deleted")
            continue
        if not row.get("media"):
            report.add("media", "skipped_no_file")
            continue
        media.setdefault(product_id, []).append({
            "id": int(row["id"]), "key": row["media"], "type": row.get("type") or "IMAGE", "alt": row.get("alt"),
            "sort_order": as_int(row.get("sort_order"))})

    plan = ProductPlan(max_ids={
        counter: max((int(r["id"]) for r in dump.rows(table)), default=0)
        for counter, table in (("product", "product_product"), ("productprice", "product_productprice"),
                               ("productmedia", "product_productmedia"))})
    for row in rows:
        product_id = int(row["id"])
        category = as_int(row.get("category_id"))
        if category is not None and category not in category_ids:
            report.add("products", "category_deleted")
            category = None
        type_id = as_int(row.get("type_id"))
        if type_id is not None and type_id not in product_type_ids:
            report.add("products", "product_type_deleted")
            type_id = None
        created, updated = stamps(row)
        entries = sorted(media.get(product_id, []),
                         key=lambda m: (m["sort_order"] is None, m["sort_order"] or 0, m["id"]))
        plan.items.append(catalog_store.new_product_item(product_id, {
            "id": product_id,
            "published": flag(row.get("published")),
            "category": category,
            "type_id": type_id,
            "translations": {lang: {name: row_texts.get(name, "") for name in catalog_products.TRANSLATION_FIELDS}
                             for lang, row_texts in texts.get(row["id"], {}).items()},
            "variants": [_variant(variants[sku], prices.get(sku, []), list(dict.fromkeys(attributes.get(sku, []))))
                         for sku in skus_of.get(product_id, [])],
            "media": entries,
            "version": 1,
            "create_at": created or EPOCH,
            "update_at": updated,
        }))
    return plan


# --- checking against the table ------------------------------------------------------------------------

HEAD_FIELDS = ("id", "create_at")  # all the checks need (moto's projection costs grow with every field)


@dataclass
class Existing:
    products: dict[int, dict]  # product id -> the stored product's HEAD_FIELDS (deleted products too)
    sku_owners: dict[str, int]  # SKU -> product id holding its claim (only for unconfirmed products)
    media_owners: dict[int, int]  # media id -> product id holding its claim (only for unconfirmed products)
    listings: dict = field(default_factory=dict)  # category -> (entries, version) of the plan's categories
    confirmed: set[int] = field(default_factory=set)  # written by an earlier run, complete: nothing to check


def existing(plan: ProductPlan) -> Existing:
    """What the table already holds under the plan's keys.

    A product whose entry in its category listing is exactly the one this import writes for it is this
    import's own and complete (a run writes claims, then products, then listings): nothing of it is
    read. The others (normally all on a first run, none on a re-run) are looked up: the product's id and
    `create_at` (BatchGetItem, 100 keys a call), its SKU and media-id claims."""
    listings = store.listings({p.get("category") for p in plan.items})
    confirmed = {int(p["id"]) for p in plan.items
                 if listings[p.get("category")][0].get(int(p["id"])) == listing.entry_for(p)}
    unconfirmed = [p for p in plan.items if int(p["id"]) not in confirmed]
    found = store.products([int(p["id"]) for p in unconfirmed], HEAD_FIELDS)
    sku_claims = store.claim_owners([("SKU", v["sku"]) for p in unconfirmed for v in p["variants"]])
    media_claims = store.claim_owners([("PRODUCTMEDIA", int(m["id"])) for p in unconfirmed for m in p["media"]])
    heads = {int(item["id"]): item for item in found}
    heads.update({int(p["id"]): {"id": int(p["id"]), "create_at": p["create_at"]} for p in plan.items
                  if int(p["id"]) in confirmed})
    return Existing(
        products=heads,
        sku_owners={sku: owner for (_kind, sku), owner in sku_claims.items()},
        media_owners={media_id: owner for (_kind, media_id), owner in media_claims.items()},
        listings=listings,
        confirmed=confirmed,
    )


def _ours(item: dict, current: dict | None) -> bool:
    return current is not None and current.get("create_at") == item["create_at"]


def conflicts(plan: ProductPlan, found: Existing) -> dict[str, list]:
    """Products whose id, variants whose SKU and media whose id another item of the table holds."""
    result: dict[str, list] = {}
    for item in plan.items:
        product_id = int(item["id"])
        current = found.products.get(product_id)
        if current is not None and not _ours(item, current):
            result.setdefault("products", []).append(product_id)
            continue
        for variant in item["variants"]:
            holder = found.sku_owners.get(variant["sku"])
            if holder is not None and holder != product_id:
                result.setdefault("variants", []).append(variant["sku"])
        for entry in item["media"]:
            holder = found.media_owners.get(int(entry["id"]))
            if holder is not None and holder != product_id:
                result.setdefault("media", []).append(int(entry["id"]))
    return result


# --- writing -------------------------------------------------------------------------------------------

Claim = tuple[str, object, int]  # (kind, value, product id): "SKU" / sku, or "PRODUCTMEDIA" / media id


def _claims(item: dict) -> list[Claim]:
    product_id = int(item["id"])
    return ([("SKU", v["sku"], product_id) for v in item.get("variants", [])]
            + [("PRODUCTMEDIA", int(m["id"]), product_id) for m in item.get("media", [])])


def _claim_item(claim: Claim) -> dict:
    kind, value, product_id = claim
    return {**keys.unique(kind, value), "owner": product_id}


def claim_items(item: dict) -> list[dict]:
    """The SKU claims and media-id claims of a product (what `_save` and `add_media` write for it)."""
    return [_claim_item(claim) for claim in _claims(item)]


def _without_conflicts(item: dict, found: Existing, report: Report) -> dict:
    """The product without the variants and media whose SKU / id another product holds (skip mode)."""
    product_id = int(item["id"])
    variants = [v for v in item["variants"] if found.sku_owners.get(v["sku"], product_id) == product_id]
    media = [m for m in item["media"] if found.media_owners.get(int(m["id"]), product_id) == product_id]
    report.add("variants", "conflict_skipped", len(item["variants"]) - len(variants))
    report.add("media", "conflict_skipped", len(item["media"]) - len(media))
    return {**item, "variants": variants, "media": media}


def _owners(found: Existing, kind: str) -> dict:
    return found.sku_owners if kind == "SKU" else found.media_owners


def _missing_claims(products: list[dict], found: Existing) -> list[Claim]:
    """Claims of these products that nobody holds yet (one held by another product is a conflict)."""
    return [claim for product in products for claim in _claims(product)
            if _owners(found, claim[0]).get(claim[1]) is None]


def _learn_claims(found: Existing, claims: list[Claim]) -> None:
    """Read the holders of these claims into `found` (claims not looked up before)."""
    for (kind, value), owner in store.claim_owners([(kind, value) for kind, value, _owner in claims]).items():
        _owners(found, kind)[value] = owner


def _stored(product: dict) -> dict:
    """A product as read back, with its references as ints again (DynamoDB answers numbers as Decimal)."""
    return {**product, **{name: int(product[name]) for name in ("id", "category", "type_id")
                          if product.get(name) is not None}}


def write(plan: ProductPlan, found: Existing, report: Report, *, emit_events: bool) -> None:
    """Write the products that are missing, with their claims and listing entries.

    BatchWriteItem instead of one transaction per product (what `_save` does): a catalog is thousands of
    products, and the import is an operator's offline step whose checks ran before (runner.py). The
    writes go claims first, then products, then listings, then events; a re-run completes whatever an
    interrupted run left out (claims or listing entries missing for this import's live products, checked
    against the stored product), so the end state is `_save`'s whatever happens, and a run with nothing
    missing writes nothing."""
    created: list[dict] = []
    present: list[dict] = []  # plan items of this import's products already in the table (an earlier run)
    for item in plan.items:
        current = found.products.get(int(item["id"]))
        if current is None:
            created.append(_without_conflicts(item, found, report))
        elif _ours(item, current):
            report.add("products", "existing")
            report.add("variants", "existing", len(item["variants"]))
            if int(item["id"]) not in found.confirmed:
                present.append(item)
        else:
            report.add("products", "conflict_kept")

    listings = dict(found.listings) or store.listings({p.get("category") for p in plan.items})
    listed = {product_id for entries, _version in listings.values() for product_id in entries}
    # An earlier run's product missing from its listing or claims: interrupted, moved or deleted since.
    # The stored product tells (it is read whole only for these, normally none).
    suspicious = [p for p in present if int(p["id"]) not in listed or _missing_claims([p], found)]
    repairs = [_stored(p) for p in store.products([int(p["id"]) for p in suspicious])
               if not p.get("safe_deleted")] if suspicious else []
    unread = {p.get("category") for p in repairs} - set(listings)
    if unread:
        listings.update(store.listings(unread))
    _learn_claims(found, _missing_claims(repairs, found))  # SKUs added since: their claims


    new_claims = _missing_claims(created, found)
    repaired = _missing_claims(repairs, found)  # from the stored product: its variants may have changed since
    store.put_items([_claim_item(claim) for claim in new_claims + repaired])
    # Before the products: a run interrupted after them would see them complete and write no images.
    Placeholders(report).ensure_all("media", [(entry["key"], int(product["id"])) for product in created
                                              for entry in product["media"]])
    store.put_items(created)
    written = 0
    for category_id, (entries, version) in listings.items():
        missing = {int(p["id"]): listing.entry_for(p) for p in [*created, *repairs]
                   if p.get("category") == category_id and int(p["id"]) not in entries}
        if not missing:
            continue
        if store.write_listing(category_id, {**entries, **missing}, version):
            written += 1
        else:
            report.add("listings", "failed")
            report.log(f"  the listing of category {category_id} changed while importing; run the import again "
                       f"to add the products missing from it")
    report.add("listings", "written", written)
    if emit_events:
        store.record_events([events.outbox_put_batch(catalog_products.change_events(None, p)) for p in created])

    report.add("products", "created", len(created))
    report.add("variants", "created", sum(len(p["variants"]) for p in created))
    report.add("prices", "created", sum(len(v["price"]) for p in created for v in p["variants"]))
    report.add("media", "created", sum(len(p["media"]) for p in created))
    report.add("claims", "repaired", len(repaired))
    report.add("listings", "repaired_entries", sum(1 for p in repairs if int(p["id"]) not in
                                                   listings[p.get("category")][0]))
    for counter, highest in plan.max_ids.items():
        if highest:
            store.raise_counter(counter, highest)
