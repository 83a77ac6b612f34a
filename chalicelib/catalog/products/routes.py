"""`product/dashboard/...` product, variant and media routes (contract P7-P14, P30-P33)."""


from chalicelib.catalog.products import schemas as product_schemas
from chalicelib.core import media
from chalicelib.core.auth.access import PUBLIC, STAFF, permission
from chalicelib.core.http.errors import NotFound, ValidationError
from chalicelib.core.http.routing import Req, Routes, empty, json_response
from chalicelib.core.lazy import lazy_module

# Imported when a product route first runs: they pull in the attributes and the reference data.
product_views = lazy_module("chalicelib.catalog.products.views")
products = lazy_module("chalicelib.catalog.products.service")

# operationIds name the catalog (`get_catalog_...`), as before the catalog had sub-packages.
routes = Routes(__name__, tag="catalog", operation_package="catalog")

PRODUCT_CHANGE = permission("product_change_permission")
MEDIA_CHANGE = permission("productmedia_change_permission")


@routes.route("/product/dashboard", ["GET"], access=STAFF, summary="Products, paginated, in id order (P7).",
              response="DashboardProductPage", errors=(404,))  # 404: an invalid page, as in DRF
def list_products(req: Req):
    return product_views.dashboard_page(req.query, req.language, req.origin(), req.base_url())


@routes.route("/product/dashboard/variant/{sku}", ["GET"], access=STAFF, summary="One variant by SKU (P8).",
              response="ProductVariant")
def get_variant(req: Req, sku: str):
    return product_views.variant_detail(sku)


@routes.route("/product/dashboard/detail", ["GET"], access=STAFF, summary="Every product in detail (P9).",
              response="DashboardProductList")
def all_products(req: Req):
    found = products.get_many(products.product_ids())
    return [product_views.dashboard_detail(p, req.origin()) for p in found]


@routes.route("/product/dashboard/detail", ["POST"], access=permission("product_add_permission"),
              body=product_schemas.PRODUCT, reads=product_schemas.PRODUCT_CREATE_DOCUMENT,
              summary="Create a product with its variants and prices (P10).",
              status=201, response="DashboardProduct")
def create_product(req: Req):
    if not req.json_body():
        # `{}` or no body made a blank product; the dashboard always sends the editor's fields.
        raise ValidationError({"non_field_errors": ["No data provided"]})
    product = products.create_product(req.data)
    return json_response(product_views.dashboard_detail(product, req.origin(), id_as_string=False), 201)


@routes.route("/product/dashboard/detail/{product_id}", ["GET"], access=STAFF, summary="One product (P11).",
              response="DashboardProduct")
def get_product(req: Req, product_id: str):
    return product_views.dashboard_detail(products.get_or_404(product_id), req.origin())


@routes.route("/product/dashboard/detail/{product_id}", ["PUT"], access=PRODUCT_CHANGE,
              body=product_schemas.PRODUCT, summary="Replace a product; variants upserted by SKU (P12, 10.2).",
              response="DashboardProduct", errors=(409,))  # 409: changed by another save meanwhile
def replace_product(req: Req, product_id: str):
    return product_views.dashboard_detail(products.replace_product(product_id, req.data), req.origin())


@routes.route("/product/dashboard/detail/{product_id}", ["DELETE"], access=PRODUCT_CHANGE,
              summary="Delete a product (soft) (P14).", status=204)
def delete_product(req: Req, product_id: str):
    products.delete_product(product_id)
    return empty(204)


MEDIA_ADD = permission("productmedia_add_permission")


@routes.route("/product/dashboard/media", ["POST"], access=MEDIA_ADD, body=product_schemas.MEDIA_CREATE,
              reads=product_schemas.MEDIA_CREATE_DOCUMENT,
              content_types=["application/json", "multipart/form-data", "application/x-www-form-urlencoded"],
              summary="Add an image to a product: base64/data URI, a multipart file, or an upload_key (P30).",
              status=201, response="ProductMedia")
def add_media(req: Req):
    return json_response(product_views.add_media(req.data, req.origin()), 201)


@routes.route("/product/dashboard/media/upload", ["POST"], access=MEDIA_ADD, body=product_schemas.UPLOAD_REQUEST,
              summary="A presigned upload for an image too large for an API request; register it with P30.",
              status=201, response="MediaUploadSlot")
def media_upload_slot(req: Req):
    return json_response(product_views.upload_slot(req.data["product_id"]), 201)


@routes.route("/product/dashboard/media/{media_id}", ["GET"], access=STAFF, summary="One product media (P31).",
              response="ProductMedia")
def get_media(req: Req, media_id: str):
    product, entry = product_views.find_media(media_id)
    return product_views.media_json(entry, product["id"], req.origin())


@routes.route("/product/dashboard/media/{media_id}", ["PUT"], access=MEDIA_CHANGE,
              body=product_schemas.MEDIA_UPDATE, summary="Change a media's order, alt text or file (P32).",
              response="ProductMedia")
def update_media(req: Req, media_id: str):
    return product_views.update_media(media_id, req.data, req.origin())


@routes.route("/product/dashboard/media/{media_id}", ["DELETE"], access=MEDIA_CHANGE,
              summary="Remove a media from its product (P33).", status=204)
def delete_media(req: Req, media_id: str):
    product_views.delete_media(media_id)
    return empty(204)


@routes.route("/media/product_media/{product_id}/image/{name}", ["GET"], access=PUBLIC,
              summary="A product image (redirect to the media store).", status=302)
def product_image(req: Req, product_id: str, name: str):
    if not product_id.isdigit():
        raise NotFound()
    return media.redirect(f"product_media/{product_id}/image/{name}")
