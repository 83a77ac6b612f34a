"""CMS routes (contract 1.9: M1-M12, E1, E2) and the `/media/...` redirects.

Access: dashboard reads are STAFF; creating pages, page categories and types needs
`page_add_permission`, changing or deleting them `page_change_permission`; Editor.js uploads need
`page_change_permission` or `product_change_permission` (Editor.js edits CMS pages and product
descriptions). Storefront reads (M8, M12) and media redirects are public. Admins pass every check.
"""


from chalicelib.cms import schemas
from chalicelib.cms.schemas import PAGE_CMS, PAGE_FRONTEND
from chalicelib.core import media
from chalicelib.core.auth.access import PUBLIC, STAFF, any_permission, permission
from chalicelib.core.http.routing import JSON_TYPES, Req, Routes, empty, json_response
from chalicelib.core.lazy import lazy_module

# Imported when a CMS route first runs.
editorjs = lazy_module("chalicelib.cms.editorjs")
service = lazy_module("chalicelib.cms.service")

routes = Routes(__name__, tag="cms")

ADD = permission("page_add_permission")
CHANGE = permission("page_change_permission")
UPLOAD = any_permission("page_change_permission", "product_change_permission")
UPLOAD_TYPES = ["multipart/form-data", *JSON_TYPES]
WRITE = ["PUT", "PATCH"]


# --- pages (M1-M4) -------------------------------------------------------------------------------

@routes.route("/cms", ["GET"], access=STAFF, summary="Every page, PageCMS and PageFrontend (M1).",
              response="CmsPageList")
def list_pages(req: Req):
    return service.list_pages()


@routes.route("/cms", ["POST"], access=ADD, reads=schemas.PAGE_CREATE_DOCUMENT,
              summary="Create a page; `resourcetype` is PageCMS or PageFrontend (M2).",
              status=201, response="CmsPage")
def create_page(req: Req):
    return json_response(service.create_page(req.json_body()), 201)


@routes.route("/cms/page/cms/{id}", ["GET"], access=STAFF, summary="A CMS page (M3).", response="CmsContentPage")
def get_cms_page(req: Req, id: str):
    return service.get_page(PAGE_CMS, id)


@routes.route("/cms/page/cms/{id}", WRITE, access=CHANGE, body=schemas.PAGE_CMS_UPDATE,
              summary="Update a CMS page; only the fields and languages sent change (M3).",
              response="CmsContentPage", errors=(409,))
def update_cms_page(req: Req, id: str):
    return service.update_page(PAGE_CMS, id, req.data)


@routes.route("/cms/page/cms/{id}", ["DELETE"], access=CHANGE, summary="Soft-delete a CMS page (M3).", status=204)
def delete_cms_page(req: Req, id: str):
    service.delete_page(PAGE_CMS, id)
    return empty(204)


@routes.route("/cms/page/frontend/{id}", ["GET"], access=STAFF, summary="A storefront-rendered page (M4).",
              response="CmsFrontendPage")
def get_frontend_page(req: Req, id: str):
    return service.get_page(PAGE_FRONTEND, id)


@routes.route("/cms/page/frontend/{id}", WRITE, access=CHANGE, body=schemas.PAGE_FRONTEND_UPDATE,
              summary="Update a storefront-rendered page (M4).", response="CmsFrontendPage")
def update_frontend_page(req: Req, id: str):
    return service.update_page(PAGE_FRONTEND, id, req.data)


@routes.route("/cms/page/frontend/{id}", ["DELETE"], access=CHANGE,
              summary="Soft-delete a storefront-rendered page (M4).", status=204)
def delete_frontend_page(req: Req, id: str):
    service.delete_page(PAGE_FRONTEND, id)
    return empty(204)


# --- page category types (M5-M7) ----------------------------------------------------------------

@routes.route("/cms/category/type", ["GET"], access=STAFF, summary="Page category types (M5).",
              response="CmsCategoryTypeList")
def list_types(req: Req):
    return service.list_types()


@routes.route("/cms/category/type", ["POST"], access=ADD, body=schemas.TYPE_CREATE,
              summary="Create a page category type; identifiers are unique (M5).",
              status=201, response="CmsCategoryType")
def create_type(req: Req):
    return json_response(service.create_type(req.data["identifier"]), 201)


@routes.route("/cms/category/type/{id}", ["GET"], access=STAFF, summary="A page category type (M6).",
              response="CmsCategoryType")
def get_type(req: Req, id: str):
    return service.get_type(id)


@routes.route("/cms/category/type/{id}", WRITE, access=CHANGE, body=schemas.TYPE_UPDATE,
              summary="Rename a page category type (M6).", response="CmsCategoryType")
def update_type(req: Req, id: str):
    return service.update_type(id, req.data)


@routes.route("/cms/category/type/{id}", ["DELETE"], access=CHANGE,
              summary="Soft-delete a page category type; its identifier becomes free again (M6).", status=204)
def delete_type(req: Req, id: str):
    service.delete_type(id)
    return empty(204)


@routes.route("/cms/category/type/{id}/pages", ["GET"], access=STAFF,
              summary="Pages in the categories of a type, dashboard shape (M7).", response="CmsPageList")
def type_pages(req: Req, id: str):
    type_item = service.get_type(id)
    return service.list_pages(type_id=type_item["id"])


# --- page categories (M9-M11) -------------------------------------------------------------------

@routes.route("/cms/category", ["GET"], access=STAFF, summary="Page categories (M9).", response="CmsCategoryList")
def list_categories(req: Req):
    return service.list_categories(req.origin())


@routes.route("/cms/category", ["POST"], access=ADD, body=schemas.CATEGORY_CREATE,
              summary="Create a page category; `image` is base64 or a data URI (M9).",
              status=201, response="CmsCategory")
def create_category(req: Req):
    return json_response(service.create_category(req.data, req.origin()), 201)


@routes.route("/cms/category/{id}", ["GET"], access=STAFF, summary="A page category (M10).", response="CmsCategory")
def get_category(req: Req, id: str):
    return service.get_category(id, req.origin())


@routes.route("/cms/category/{id}", WRITE, access=CHANGE, body=schemas.CATEGORY_UPDATE,
              summary="Update a page category (M10).", response="CmsCategory")
def update_category(req: Req, id: str):
    return service.update_category(id, req.data, req.origin())


@routes.route("/cms/category/{id}", ["DELETE"], access=CHANGE, summary="Soft-delete a page category (M10).", status=204)
def delete_category(req: Req, id: str):
    service.delete_category(id)
    return empty(204)


@routes.route("/cms/category/{id}/pages", ["GET"], access=STAFF,
              summary="Pages of a category, dashboard shape (M11).", response="CmsPageList")
def category_pages(req: Req, id: str):
    category = service.get_category(id, req.origin())
    return service.list_pages(category_id=category["id"])


# --- storefront (M8, M12) ------------------------------------------------------------------------

@routes.route("/cms/storefront/category/type/{identifier}/pages", ["GET"], access=PUBLIC,
              summary="Published page categories of a type (HEADER, FOOTER) with their published pages (M8).",
              response="StorefrontCmsCategoryList")
def storefront_type_pages(req: Req, identifier: str):
    return service.storefront_type_pages(identifier, req.language, req.origin())


@routes.route("/cms/storefront/page/cms/{locale}/{slug}", ["GET"], access=PUBLIC,
              summary="A published CMS page by its slug in `locale`; texts in Accept-Language (M12).",
              response="StorefrontCmsPage")
def storefront_page(req: Req, locale: str, slug: str):
    return service.storefront_page(locale, slug, req.language)


# --- Editor.js uploads (E1, E2) ------------------------------------------------------------------

def _content_type(req: Req) -> str:
    return req.headers.get("content-type", "")


@routes.route("/editorjs/upload/image", ["POST"], access=UPLOAD, content_types=UPLOAD_TYPES,
              reads=schemas.UPLOAD_IMAGE_DOCUMENT,
              summary="Upload an image for Editor.js: multipart field `file` (E1).",
              status=201, response="EditorjsUpload", errors=(413,))
def editorjs_upload_image(req: Req):
    path = editorjs.upload_file(req.raw.raw_body or b"", _content_type(req))
    return json_response({"file": path}, 201)


@routes.route("/editorjs/upload/url", ["POST"], access=UPLOAD, content_types=UPLOAD_TYPES,
              reads=schemas.UPLOAD_URL_DOCUMENT,
              summary="Fetch an image by URL for Editor.js: `url` as form field or JSON (E2).",
              status=201, response="EditorjsUpload", errors=(413,))
def editorjs_upload_url(req: Req):
    url = editorjs.url_from_request(req.raw.raw_body or b"", _content_type(req), req.json_body)
    return json_response({"file": editorjs.upload_from_url(url)}, 201)


# --- media (S3 behind a redirect; Chalice has no greedy paths, hence one route per depth) --------

@routes.route("/media/editorjs/{name}", ["GET"], access=PUBLIC, summary="An Editor.js image (redirect).", status=302)
def media_editorjs(req: Req, name: str):
    return media.redirect(f"editorjs/{name}")


@routes.route("/media/cms/category/{name}", ["GET"], access=PUBLIC, summary="A page category image (redirect).",
              status=302)
def media_cms_category(req: Req, name: str):
    return media.redirect(f"cms/category/{name}")
