"""How products look on the dashboard (contract P7-P11 shapes) and their media (P30-P33)."""

from __future__ import annotations

import uuid

from chalicelib.catalog.products import service as products
from chalicelib.catalog.products import store
from chalicelib.catalog.reference.store import catalog_snapshot
from chalicelib.catalog.taxonomy.service import Taxonomy
from chalicelib.core import media
from chalicelib.core.http import i18n, pagination
from chalicelib.core.http.errors import ApiError, NotFound, ValidationError
from chalicelib.core.money import decimal_str


def media_json(entry: dict, product_id: int, origin: str) -> dict:
    return {"id": int(entry["id"]), "media": media.absolute_url(origin, entry["key"]), "type": entry["type"],
            "alt": entry.get("alt"), "product_id": int(product_id), "sort_order": entry.get("sort_order")}


def sorted_media(product: dict) -> list[dict]:
    return sorted(product.get("media", []), key=lambda m: (m.get("sort_order") is None, m.get("sort_order"), m["id"]))


def primary_image(product: dict) -> dict | None:
    """The IMAGE media with the lowest sort order (contract 10.6)."""
    for entry in sorted_media(product):
        if entry["type"] == "IMAGE":
            return entry
    return None


def _number(value):
    return None if value is None else float(value)


def variant_json(variant: dict) -> dict:
    return {
        "sku": variant["sku"],
        "ean": variant.get("ean"),
        "weight": None if variant.get("weight") is None else decimal_str(variant["weight"]),
        "recommendation_weight": _number(variant.get("recommendation_weight")),
        "stock_quantity": int(variant.get("stock_quantity", 0)),
        "price": [{"id": int(p["id"]), "price": decimal_str(p["price"]),
                   "discount": None if p.get("discount") is None else decimal_str(p["discount"]),
                   "price_list": p["price_list"]} for p in variant.get("price", [])],
        "attributes": [int(a) for a in variant.get("attributes", [])],
    }


def _type_json(type_id, snapshot: dict | None) -> dict | None:
    if type_id is None:
        return None
    taxonomy = Taxonomy(snapshot or catalog_snapshot())
    item = taxonomy.product_types.get(int(type_id))
    return taxonomy.product_type(item) if item else None


def dashboard_detail(product: dict, origin: str, *, id_as_string: bool = True, snapshot: dict | None = None) -> dict:
    translations = {lang: {field: row.get(field, "") for field in products.TRANSLATION_FIELDS}
                    for lang, row in (product.get("translations") or {}).items()}
    return {
        "id": str(product["id"]) if id_as_string else int(product["id"]),
        "published": bool(product.get("published")),
        "translations": translations,
        "category": product.get("category"),
        "product_variants": [variant_json(v) for v in product.get("variants", [])],
        "update_at": product.get("update_at"),
        "create_at": product.get("create_at"),
        "media": [media_json(m, product["id"], origin) for m in sorted_media(product)],
        "type": _type_json(product.get("type_id"), snapshot),
    }


def dashboard_list_item(product: dict, language: str, origin: str) -> dict:
    texts = i18n.flatten(product.get("translations"), language, ("title", "slug"))
    image = primary_image(product)
    return {
        "id": int(product["id"]),
        "title": texts["title"],
        "slug": texts["slug"],
        "primary_image": media_json(image, product["id"], origin) if image else None,
        "published": bool(product.get("published")),
        "create_at": product.get("create_at"),
        "update_at": product.get("update_at"),
    }


def dashboard_page(query: dict, language: str, origin: str, base_url: str) -> dict:
    """P7: ids from the keys-only index, then only the page's products by key."""
    ids = products.product_ids()
    page, limit, start, stop = pagination.page_slice(len(ids), query, pagination.DASHBOARD)
    page_ids = ids[start:stop]
    results = [dashboard_list_item(p, language, origin) for p in products.get_many(page_ids)]
    return pagination.envelope(results, count=len(ids), page=page, limit=limit, base_url=base_url, query=query)


def variant_detail(sku: str) -> dict:
    found = products.find_variant(sku)
    if found is None:
        raise ApiError({"error": "Product variant does not exist"}, 404)
    return variant_json(found[1])


# --- media ----------------------------------------------------------------------------------------

def _media_owner(media_id) -> int:
    try:
        owner = store.media_owner(int(media_id))
    except (TypeError, ValueError):
        owner = None
    if owner is None:
        raise NotFound()
    return owner


def find_media(media_id) -> tuple[dict, dict]:
    product = products.get_product(_media_owner(media_id))
    for entry in (product or {}).get("media", []):
        if int(entry["id"]) == int(media_id):
            return product, entry
    raise NotFound()


def _decode(value: str) -> tuple[bytes, str]:
    try:
        return media.decode_base64_image(value)
    except ValueError as error:
        raise ValidationError.field("media", str(error)) from None


UPLOAD_PREFIX = "uploads/product_media"
UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # through the presigned upload; API Gateway stops a body at 10 MB
UPLOAD_SECONDS = 900


def _require_product(product_id) -> None:
    if products.get_product(product_id) is None:
        raise ValidationError.field("product_id", f'Invalid pk "{product_id}" - object does not exist.')


def upload_slot(product_id: int) -> dict:
    """A presigned S3 POST for one large image: the browser uploads straight to the bucket, then
    registers the file with P30 (`upload_key`). The bucket enforces the size limit and the key."""
    _require_product(product_id)
    key = f"{UPLOAD_PREFIX}/{product_id}/{uuid.uuid4().hex}"
    post = media.presigned_post(key, UPLOAD_MAX_BYTES, UPLOAD_SECONDS)
    return {"upload_key": key, "url": post["url"], "fields": post["fields"], "expires_in": UPLOAD_SECONDS,
            "max_bytes": UPLOAD_MAX_BYTES}


def _from_upload(upload_key: str, product_id: int) -> tuple[str, str]:
    """Check an uploaded file (its own product's area, an image by its bytes) and move it in place."""
    if not upload_key.startswith(f"{UPLOAD_PREFIX}/{product_id}/") or ".." in upload_key:
        raise ValidationError.field("upload_key", "This upload does not belong to this product.")
    head = media.read_head(upload_key, 64 * 1024)
    if head is None:
        raise ValidationError.field("upload_key", "Nothing was uploaded under this key (or it expired).")
    ext = media.detect_image_type(head)
    if ext is None:
        media.delete(upload_key)
        raise ValidationError.field("upload_key", f"Unsupported image type; upload a {media.ALLOWED_TYPES_TEXT} image.")
    key = f"product_media/{product_id}/image/{uuid.uuid4().hex}.{ext}"
    media.move(upload_key, key, media.content_type(ext))
    return key, ext


def add_media(data: dict, origin: str) -> dict:
    """P30: store the image (sent inline, or uploaded before), then add it with the next sort order."""
    product_id = data["product_id"]
    if data.get("media"):
        content, ext = _decode(data["media"])
        _require_product(product_id)
        key = f"product_media/{product_id}/image/{uuid.uuid4().hex}.{ext}"
        media.store(key, content, media.content_type(ext))
    elif data.get("upload_key"):
        _require_product(product_id)
        key, ext = _from_upload(data["upload_key"], product_id)
    else:
        raise ValidationError.field("media", "Send the image (base64 or a data URI) or an upload_key.")
    media_id = store.new_media_id()

    def change(product: dict):
        orders = [m.get("sort_order") or 0 for m in product.get("media", [])]
        entry = {"id": media_id, "key": key, "type": data["type"], "alt": data.get("alt"),
                 "sort_order": max(orders, default=-1) + 1}
        return [*product.get("media", []), entry], [store.media_claim(media_id, product_id)]

    product = products.update_media(product_id, change)
    entry = next(m for m in product["media"] if m["id"] == media_id)
    return media_json(entry, product_id, origin)


def update_media(media_id, data: dict, origin: str) -> dict:
    """P32: sort order, alt text, type, or a new image file."""
    product, _entry = find_media(media_id)
    replacement = None
    # A URL (what P31 answered, sent back as read) leaves the file as it is, as ImageUpload does.
    if data.get("media") and not data["media"].strip().startswith(("http://", "https://", "/media/")):
        content, ext = _decode(data["media"])
        replacement = f"product_media/{product['id']}/image/{uuid.uuid4().hex}.{ext}"
        media.store(replacement, content, media.content_type(ext))
    if "product_id" in data and int(data["product_id"]) != int(product["id"]):
        raise ValidationError.field("product_id", "A media file cannot move to another product.")

    def change(current: dict):
        updated = []
        for entry in current.get("media", []):
            if int(entry["id"]) == int(media_id):
                # A null sort_order keeps the place: every media file has one (the model's column is not null).
                sent = {k: data[k] for k in ("sort_order", "alt", "type") if k in data}
                if sent.get("sort_order", 0) is None:
                    del sent["sort_order"]
                entry = {**entry, **sent}
                if replacement:
                    entry["key"] = replacement
            updated.append(entry)
        return updated, []

    product = products.update_media(product["id"], change)
    entry = next(m for m in product["media"] if int(m["id"]) == int(media_id))
    return media_json(entry, product["id"], origin)


def delete_media(media_id) -> None:
    """P33: the media leaves the product (the file stays, as in the original)."""
    product, _entry = find_media(media_id)

    def change(current: dict):
        remaining = [m for m in current.get("media", []) if int(m["id"]) != int(media_id)]
        return remaining, [store.media_release(int(media_id))]

    products.update_media(product["id"], change)
