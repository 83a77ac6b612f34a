"""CMS pages, page categories, types and Editor.js uploads (contract 1.9: M1-M12, E1, E2), and the
`/media/...` redirects. Each contract operation is named by its row id in the test name."""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.core.settings import get_settings
from chalicelib.core.store import db
from tests.helpers import auth, body, call, make_user

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) + b"\r\n\r\n--x\r\n\n\r"
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 20
PNG_URI = "data:image/png;base64," + base64.b64encode(PNG).decode()

EDITOR = "editor@example.com"  # staff with page_add and page_change
STAFF = "staff@example.com"  # staff, no CMS rights
CHANGER = "changer@example.com"  # staff with page_change only
SHOPPER = "shopper@example.com"
ADMIN = "admin@example.com"

CONTENT_EN = {"time": 1700000000000, "version": "2.28.2",
              "blocks": [{"id": "a", "type": "paragraph", "data": {"text": "Hello", "ratio": 0.5}}]}
CONTENT_CS = {"time": 1700000000001, "version": "2.28.2",
              "blocks": [{"id": "b", "type": "paragraph", "data": {"text": "Ahoj"}}]}


@pytest.fixture
def shop(client, built_once):
    def build() -> None:
        db.aws_client("s3").create_bucket(Bucket=get_settings().media_bucket,
                                          CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        make_user(EDITOR, "pw", staff=True, permissions=("page_add_permission", "page_change_permission"))
        make_user(STAFF, "pw", staff=True)
        make_user(CHANGER, "pw", staff=True, permissions=("page_change_permission",))
        make_user(SHOPPER, "pw")
        make_user(ADMIN, "pw", admin=True)

    built_once("cms media bucket and users", build)  # written once per worker, then restored
    return client


def as_(email):
    return auth(email)


def bucket_keys() -> list[str]:
    listing = db.aws_client("s3").list_objects_v2(Bucket=get_settings().media_bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def s3_object(key: str) -> dict:
    return db.aws_client("s3").get_object(Bucket=get_settings().media_bucket, Key=key)


def new_type(client, identifier: str) -> int:
    response = call(client, "POST", "/cms/category/type/", {"identifier": identifier}, headers=as_(EDITOR))
    assert response.status_code == 201, response.body
    return body(response)["id"]


def new_category(client, **fields) -> dict:
    payload = {"published": True, "code": "c", "type": [], "translations": {"en": {"title": "Cat"}}, **fields}
    response = call(client, "POST", "/cms/category/", payload, headers=as_(EDITOR))
    assert response.status_code == 201, response.body
    return body(response)


def new_page(client, **fields) -> dict:
    response = call(client, "POST", "/cms/", fields, headers=as_(EDITOR))
    assert response.status_code == 201, response.body
    return body(response)


def cms_page(client, slug_en="terms", *, published=True, categories=(), content=True, **extra) -> dict:
    translations = {"en": {"slug": slug_en, "title": "Terms", "content": CONTENT_EN if content else None},
                    "cs": {"slug": "podminky", "title": "Podmínky", "content": CONTENT_CS if content else None}}
    return new_page(client, resourcetype="PageCMS", published=published, categories=list(categories),
                    translations=extra.pop("translations", translations), **extra)


# --- M5 / M6 / M7: page category types -------------------------------------------------------------

def test_M5_create_and_list_types(shop):
    created = call(shop, "POST", "/cms/category/type/", {"identifier": "FOOTER"}, headers=as_(EDITOR))
    assert created.status_code == 201 and body(created) == {"id": 1, "identifier": "FOOTER"}
    new_type(shop, "HEADER")
    listed = call(shop, "GET", "/cms/category/type/", headers=as_(STAFF))
    assert listed.status_code == 200
    assert body(listed) == [{"id": 1, "identifier": "FOOTER"}, {"id": 2, "identifier": "HEADER"}]


def test_M5_duplicate_identifier_is_400_and_writes_nothing(shop):
    new_type(shop, "FOOTER")
    response = call(shop, "POST", "/cms/category/type/", {"identifier": "FOOTER"}, headers=as_(EDITOR))
    assert response.status_code == 400
    assert body(response) == {"identifier": ["page category type with this identifier already exists."]}
    assert body(call(shop, "GET", "/cms/category/type/", headers=as_(STAFF))) == [{"id": 1, "identifier": "FOOTER"}]


@pytest.mark.parametrize(("payload", "field"), [({}, "identifier"), ({"identifier": ""}, "identifier"),
                                                ({"identifier": "x" * 101}, "identifier"),
                                                ({"identifier": "a/b"}, "identifier")])
def test_M5_bad_identifier_is_400_naming_the_field(shop, payload, field):
    response = call(shop, "POST", "/cms/category/type/", payload, headers=as_(EDITOR))
    assert response.status_code == 400 and field in body(response)
    assert body(call(shop, "GET", "/cms/category/type/", headers=as_(STAFF))) == []


def test_M6_type_detail_without_trailing_slash_as_the_dashboard_calls_it(shop):
    type_id = new_type(shop, "FOOTER")
    got = call(shop, "GET", f"/cms/category/type/{type_id}", headers=as_(STAFF))
    assert got.status_code == 200 and body(got) == {"id": type_id, "identifier": "FOOTER"}
    renamed = call(shop, "PUT", f"/cms/category/type/{type_id}", {"id": type_id, "identifier": "BOTTOM"},
                   headers=as_(CHANGER))
    assert renamed.status_code == 200 and body(renamed) == {"id": type_id, "identifier": "BOTTOM"}
    assert body(call(shop, "GET", f"/cms/category/type/{type_id}/", headers=as_(STAFF)))["identifier"] == "BOTTOM"
    # The old identifier was released by the rename: it can be used again.
    assert new_type(shop, "FOOTER") != type_id
    deleted = call(shop, "DELETE", f"/cms/category/type/{type_id}", headers=as_(CHANGER))
    assert deleted.status_code == 204 and deleted.body in (b"", None)
    assert call(shop, "GET", f"/cms/category/type/{type_id}", headers=as_(STAFF)).status_code == 404
    assert call(shop, "DELETE", f"/cms/category/type/{type_id}", headers=as_(CHANGER)).status_code == 404
    # Deleting released the identifier too.
    new_type(shop, "BOTTOM")


def test_M6_rename_to_a_taken_identifier_is_400_and_changes_nothing(shop):
    footer = new_type(shop, "FOOTER")
    new_type(shop, "HEADER")
    response = call(shop, "PUT", f"/cms/category/type/{footer}", {"identifier": "HEADER"}, headers=as_(EDITOR))
    assert response.status_code == 400
    assert body(response) == {"identifier": ["page category type with this identifier already exists."]}
    assert body(call(shop, "GET", "/cms/category/type", headers=as_(STAFF))) == [
        {"id": 1, "identifier": "FOOTER"}, {"id": 2, "identifier": "HEADER"}]
    # FOOTER is still claimed by the type: creating it again fails.
    assert call(shop, "POST", "/cms/category/type", {"identifier": "FOOTER"}, headers=as_(EDITOR)).status_code == 400


def test_M6_the_rename_transaction_itself_refuses_a_taken_identifier(shop):
    from chalicelib.cms import store

    footer = store.create_type("FOOTER")
    store.create_type("HEADER")
    with pytest.raises(store.Duplicate):
        store.replace_type(footer, "HEADER")  # past the service's pre-check, as in a race
    assert store.type_id_for("FOOTER") == footer["id"] and store.get_type(footer["id"])["identifier"] == "FOOTER"
    with pytest.raises(store.Duplicate):
        store.create_type("HEADER")


def test_M6_unknown_or_non_numeric_id_is_404(shop):
    for path in ("/cms/category/type/99", "/cms/category/type/abc"):
        assert call(shop, "GET", path, headers=as_(STAFF)).status_code == 404
        assert call(shop, "PUT", path, {"identifier": "X"}, headers=as_(EDITOR)).status_code == 404
        assert call(shop, "DELETE", path, headers=as_(EDITOR)).status_code == 404


def test_M7_pages_in_the_categories_of_a_type(shop):
    footer = new_type(shop, "FOOTER")
    header = new_type(shop, "HEADER")
    in_footer = new_category(shop, type=[footer])["id"]
    in_header = new_category(shop, type=[header])["id"]
    first = cms_page(shop, "a", categories=[in_footer])
    cms_page(shop, "b", categories=[in_header])
    draft = cms_page(shop, "c", categories=[in_footer], published=False)
    response = call(shop, "GET", f"/cms/category/type/{footer}/pages/", headers=as_(STAFF))
    assert response.status_code == 200
    assert [p["id"] for p in body(response)] == [first["id"], draft["id"]]  # the dashboard sees drafts
    assert body(response)[0] == first
    assert call(shop, "GET", "/cms/category/type/99/pages", headers=as_(STAFF)).status_code == 404


# --- M9 / M10 / M11: page categories ---------------------------------------------------------------

def test_M9_create_and_list_categories(shop):
    footer = new_type(shop, "FOOTER")
    payload = {"published": True, "code": "info", "type": [footer],
               "translations": {"en": {"title": "Information"}, "cs": {"title": "Informace"}}}
    created = call(shop, "POST", "/cms/category/", payload, headers=as_(EDITOR))
    assert created.status_code == 201
    expected = {"id": 1, "translations": {"en": {"title": "Information"}, "cs": {"title": "Informace"}},
                "published": True, "code": "info", "type": [footer], "image": None}
    assert body(created) == expected
    listed = call(shop, "GET", "/cms/category/", headers=as_(STAFF))
    assert listed.status_code == 200 and body(listed) == [expected]


def test_M9_the_dashboards_empty_create(shop):
    # The dashboard creates a category with `{"type": []}` and fills it in afterwards.
    created = call(shop, "POST", "/cms/category/", {"type": []}, headers=as_(EDITOR))
    assert created.status_code == 201
    assert body(created) == {"id": 1, "translations": {}, "published": False, "code": None, "type": [], "image": None}


@pytest.mark.parametrize(("payload", "error"), [
    ({"type": [42]}, {"type": ['Invalid pk "42" - object does not exist.']}),
    ({"type": "x"}, {"type": ['Expected a list of items but got type "str".']}),
    ({"code": "x" * 21}, {"code": ["Ensure this field has no more than 20 characters."]}),
    ({"translations": {"de": {"title": "Info"}}},
     {"translations": {"de": ['"de" is not a language of this shop; use one of: en, cs.']}}),
    ({"translations": {"en": {"title": "x" * 251}}},
     {"translations": {"en": {"title": ["Ensure this field has no more than 250 characters."]}}}),
    ({"translations": []}, {"translations": ['Expected a dictionary of languages but got type "list".']}),
    ({"published": "maybe"}, {"published": ["Must be a valid boolean."]}),
])
def test_M9_bad_input_is_400_naming_the_field_and_writes_nothing(shop, payload, error):
    response = call(shop, "POST", "/cms/category/", payload, headers=as_(EDITOR))
    assert response.status_code == 400 and body(response) == error
    assert body(call(shop, "GET", "/cms/category/", headers=as_(STAFF))) == []
    assert bucket_keys() == []


def test_M10_category_detail_update_and_soft_delete(shop):
    footer = new_type(shop, "FOOTER")
    header = new_type(shop, "HEADER")
    category = new_category(shop, code="info", type=[footer],
                            translations={"en": {"title": "Information"}, "cs": {"title": "Informace"}})
    path = f"/cms/category/{category['id']}/"
    got = call(shop, "GET", path, headers=as_(STAFF))
    assert got.status_code == 200 and body(got) == category
    # Only the languages and fields sent change.
    updated = call(shop, "PUT", path, {"type": [footer, header], "translations": {"cs": {"title": "Info"}}},
                   headers=as_(CHANGER))
    assert updated.status_code == 200
    assert body(updated) == {**category, "type": [footer, header],
                             "translations": {"en": {"title": "Information"}, "cs": {"title": "Info"}}}
    assert body(call(shop, "GET", path, headers=as_(STAFF))) == body(updated)
    patched = call(shop, "PATCH", path, {"published": False}, headers=as_(CHANGER))
    assert patched.status_code == 200 and body(patched)["published"] is False
    # A deleted type disappears from the category's references.
    assert call(shop, "DELETE", f"/cms/category/type/{header}", headers=as_(CHANGER)).status_code == 204
    assert body(call(shop, "GET", path, headers=as_(STAFF)))["type"] == [footer]
    assert body(call(shop, "GET", "/cms/category", headers=as_(STAFF)))[0]["type"] == [footer]
    deleted = call(shop, "DELETE", path, headers=as_(CHANGER))
    assert deleted.status_code == 204
    assert call(shop, "GET", path, headers=as_(STAFF)).status_code == 404
    assert call(shop, "PUT", path, {"published": True}, headers=as_(CHANGER)).status_code == 404
    assert body(call(shop, "GET", "/cms/category", headers=as_(STAFF))) == []


def test_M10_bad_update_is_400_and_changes_nothing(shop):
    category = new_category(shop)
    path = f"/cms/category/{category['id']}"
    response = call(shop, "PUT", path, {"published": False, "translations": {"xx": {"title": "?"}}},
                    headers=as_(EDITOR))
    assert response.status_code == 400 and "xx" in body(response)["translations"]
    assert body(call(shop, "GET", path, headers=as_(STAFF))) == category


def test_M9_M10_category_image_from_base64_and_data_uri(shop):
    created = new_category(shop, image=PNG_URI)
    url = created["image"]
    assert url.startswith("http://localhost/media/cms/category/") and url.endswith(".png")
    key = url.split("/media/", 1)[1]
    assert bucket_keys() == [key]
    stored = s3_object(key)
    assert stored["Body"].read() == PNG and stored["ContentType"] == "image/png"
    path = f"/cms/category/{created['id']}"
    # What a read returned, sent back, keeps the image.
    kept = call(shop, "PUT", path, {**created, "code": "new"}, headers=as_(EDITOR))
    assert kept.status_code == 200 and body(kept)["image"] == url and bucket_keys() == [key]
    # Plain base64 replaces it (the old file goes).
    replaced = call(shop, "PUT", path, {"image": base64.b64encode(GIF).decode()}, headers=as_(EDITOR))
    assert replaced.status_code == 200 and body(replaced)["image"].endswith(".gif")
    new_key = body(replaced)["image"].split("/media/", 1)[1]
    assert bucket_keys() == [new_key]
    # The image is served through the API's /media/ redirect.
    served = call(shop, "GET", f"/media/{new_key}")
    assert served.status_code == 302 and new_key in served.headers["Location"]
    # null removes it.
    removed = call(shop, "PUT", path, {"image": None}, headers=as_(EDITOR))
    assert removed.status_code == 200 and body(removed)["image"] is None and bucket_keys() == []


def test_M9_a_url_as_image_on_create_names_no_image(shop):
    created = new_category(shop, image="https://elsewhere.example/logo.png")
    assert created["image"] is None and bucket_keys() == []


def test_M9_a_non_image_is_400_naming_image_and_stores_nothing(shop):
    text = "data:image/png;base64," + base64.b64encode(b"just some text").decode()
    response = call(shop, "POST", "/cms/category/", {"type": [], "image": text}, headers=as_(EDITOR))
    assert response.status_code == 400
    assert body(response) == {"image": ["Unsupported image type; upload a png, jpg, gif or svg image."]}
    assert bucket_keys() == [] and body(call(shop, "GET", "/cms/category", headers=as_(STAFF))) == []


def test_M11_pages_of_a_category(shop):
    first = new_category(shop)["id"]
    second = new_category(shop)["id"]
    page = cms_page(shop, "a", categories=[first, second])
    cms_page(shop, "b", categories=[second])
    response = call(shop, "GET", f"/cms/category/{first}/pages/", headers=as_(STAFF))
    assert response.status_code == 200 and body(response) == [page]
    assert call(shop, "GET", "/cms/category/99/pages", headers=as_(STAFF)).status_code == 404


# --- M1 / M2 / M3 / M4: pages -----------------------------------------------------------------------

def test_M1_M2_create_and_list_both_page_kinds(shop):
    category = new_category(shop)["id"]
    cms = call(shop, "POST", "/cms/", {
        "resourcetype": "PageCMS", "published": True, "categories": [category],
        "translations": {"en": {"slug": "terms", "title": "Terms", "content": CONTENT_EN}}}, headers=as_(EDITOR))
    assert cms.status_code == 201
    expected_cms = {"id": 1, "translations": {"en": {"slug": "terms", "title": "Terms", "content": CONTENT_EN}},
                    "published": True, "categories": [category], "resourcetype": "PageCMS"}
    assert body(cms) == expected_cms
    frontend = call(shop, "POST", "/cms/", {"resourcetype": "PageFrontend", "frontend_path": "/contact",
                                            "translations": {"en": {"title": "Contact"}}}, headers=as_(EDITOR))
    assert frontend.status_code == 201
    expected_frontend = {"id": 2, "translations": {"en": {"title": "Contact"}}, "frontend_path": "/contact",
                         "published": False, "categories": [], "resourcetype": "PageFrontend"}
    assert body(frontend) == expected_frontend
    listed = call(shop, "GET", "/cms/", headers=as_(STAFF))
    assert listed.status_code == 200 and body(listed) == [expected_cms, expected_frontend]
    assert list(body(listed)[1]) == ["id", "translations", "frontend_path", "published", "categories",
                                     "resourcetype"]


def test_M2_minimal_bodies_as_the_dashboard_sends_them(shop):
    cms = call(shop, "POST", "/cms", {"resourcetype": "PageCMS"}, headers=as_(EDITOR))
    assert cms.status_code == 201 and body(cms) == {"id": 1, "translations": {}, "published": False,
                                                    "categories": [], "resourcetype": "PageCMS"}
    frontend = call(shop, "POST", "/cms", {"resourcetype": "PageFrontend", "frontend_path": "/"},
                    headers=as_(EDITOR))
    assert frontend.status_code == 201 and body(frontend)["frontend_path"] == "/"


@pytest.mark.parametrize(("payload", "error"), [
    ({"resourcetype": "PageBlog"}, {"resourcetype": ['Invalid resourcetype "PageBlog"; use one of: PageCMS, '
                                                     'PageFrontend.']}),
    ({}, {"resourcetype": ["This field is required."]}),
    ({"resourcetype": "PageFrontend"}, {"frontend_path": ["This field is required."]}),
    ({"resourcetype": "PageCMS", "categories": [7]}, {"categories": ['Invalid pk "7" - object does not exist.']}),
    ({"resourcetype": "PageCMS", "translations": {"de": {"title": "AGB"}}},
     {"translations": {"de": ['"de" is not a language of this shop; use one of: en, cs.']}}),
    ({"resourcetype": "PageCMS", "translations": {"en": {"slug": "a/b"}}},
     {"translations": {"en": {"slug": ['Enter a valid "slug" consisting of letters, numbers, underscores or '
                                       'hyphens.']}}}),
    ({"resourcetype": "PageCMS", "translations": {"en": {"content": "<p>html</p>"}}},
     {"translations": {"en": {"content": ['Expected an Editor.js JSON object, "" or null.']}}}),
])
def test_M2_bad_input_is_400_naming_the_field_and_writes_nothing(shop, payload, error):
    response = call(shop, "POST", "/cms/", payload, headers=as_(EDITOR))
    assert response.status_code == 400 and body(response) == error
    assert body(call(shop, "GET", "/cms/", headers=as_(STAFF))) == []


def test_M2_too_much_content_is_400(shop):
    huge = {"blocks": [{"type": "paragraph", "data": {"text": "x" * 200_000}}]}
    response = call(shop, "POST", "/cms/", {"resourcetype": "PageCMS", "translations": {
        "en": {"content": huge}, "cs": {"content": huge}}}, headers=as_(EDITOR))
    assert response.status_code == 400 and "too large" in body(response)["translations"][0]
    assert body(call(shop, "GET", "/cms/", headers=as_(STAFF))) == []


def test_M3_cms_page_detail_update_delete(shop):
    category = new_category(shop)["id"]
    page = cms_page(shop, categories=[category])
    path = f"/cms/page/cms/{page['id']}/"
    got = call(shop, "GET", path, headers=as_(STAFF))
    assert got.status_code == 200
    without_type = {k: v for k, v in page.items() if k != "resourcetype"}
    assert body(got) == without_type and "resourcetype" not in body(got)
    # The dashboard sends the whole object back; only the languages sent are touched.
    sent = {**page, "published": False, "translations": {"cs": {"slug": "podminky-2", "title": "Nové",
                                                                "content": CONTENT_EN}}}
    updated = call(shop, "PUT", path, sent, headers=as_(CHANGER))
    assert updated.status_code == 200
    assert body(updated) == {**without_type, "published": False, "translations": {
        "en": page["translations"]["en"], "cs": {"slug": "podminky-2", "title": "Nové", "content": CONTENT_EN}}}
    assert body(call(shop, "GET", path, headers=as_(STAFF))) == body(updated)
    # A field left out of a language row keeps its value.
    retitled = call(shop, "PUT", path, {"translations": {"en": {"title": "T&C"}}}, headers=as_(CHANGER))
    assert body(retitled)["translations"]["en"] == {"slug": "terms", "title": "T&C", "content": CONTENT_EN}
    deleted = call(shop, "DELETE", path, headers=as_(CHANGER))
    assert deleted.status_code == 204
    assert call(shop, "GET", path, headers=as_(STAFF)).status_code == 404
    assert call(shop, "PUT", path, {"published": True}, headers=as_(CHANGER)).status_code == 404
    assert body(call(shop, "GET", "/cms/", headers=as_(STAFF))) == []


def test_M4_frontend_page_detail_update_delete(shop):
    page = new_page(shop, resourcetype="PageFrontend", frontend_path="/contact",
                    translations={"en": {"title": "Contact"}})
    path = f"/cms/page/frontend/{page['id']}"
    got = call(shop, "GET", path, headers=as_(STAFF))
    assert got.status_code == 200 and body(got) == {"id": page["id"], "translations": {"en": {"title": "Contact"}},
                                                    "frontend_path": "/contact", "published": False,
                                                    "categories": []}
    updated = call(shop, "PUT", path, {"published": True, "frontend_path": "/kontakt",
                                       "translations": {"cs": {"title": "Kontakt"}}}, headers=as_(CHANGER))
    assert updated.status_code == 200
    assert body(updated) == {"id": page["id"], "translations": {"en": {"title": "Contact"}, "cs": {"title": "Kontakt"}},
                             "frontend_path": "/kontakt", "published": True, "categories": []}
    bad = call(shop, "PUT", path, {"frontend_path": "", "translations": {"sk": {"title": "x"}}}, headers=as_(CHANGER))
    assert bad.status_code == 400 and set(body(bad)) == {"frontend_path", "translations"}
    assert body(call(shop, "GET", path, headers=as_(STAFF))) == body(updated)
    assert call(shop, "DELETE", path, headers=as_(CHANGER)).status_code == 204
    assert call(shop, "GET", path, headers=as_(STAFF)).status_code == 404


def test_M3_M4_a_page_is_only_found_under_its_own_kind(shop):
    cms = cms_page(shop)
    frontend = new_page(shop, resourcetype="PageFrontend", frontend_path="/")
    assert call(shop, "GET", f"/cms/page/frontend/{cms['id']}", headers=as_(STAFF)).status_code == 404
    assert call(shop, "GET", f"/cms/page/cms/{frontend['id']}", headers=as_(STAFF)).status_code == 404
    assert call(shop, "DELETE", f"/cms/page/cms/{frontend['id']}", headers=as_(EDITOR)).status_code == 404
    assert call(shop, "GET", "/cms/page/cms/abc", headers=as_(STAFF)).status_code == 404


def test_M1_a_deleted_category_disappears_from_page_references(shop):
    keep = new_category(shop)["id"]
    gone = new_category(shop)["id"]
    page = cms_page(shop, categories=[keep, gone])
    assert call(shop, "DELETE", f"/cms/category/{gone}", headers=as_(EDITOR)).status_code == 204
    assert body(call(shop, "GET", "/cms/", headers=as_(STAFF)))[0]["categories"] == [keep]
    assert body(call(shop, "GET", f"/cms/page/cms/{page['id']}", headers=as_(STAFF)))["categories"] == [keep]
    # ... and can no longer be assigned.
    response = call(shop, "PUT", f"/cms/page/cms/{page['id']}", {"categories": [gone]}, headers=as_(EDITOR))
    assert response.status_code == 400 and "categories" in body(response)


# --- M8 / M12: storefront ------------------------------------------------------------------------------

def test_M8_storefront_pages_of_a_type(shop):
    footer = new_type(shop, "FOOTER")
    header = new_type(shop, "HEADER")
    info = new_category(shop, code="info", type=[footer],
                        translations={"en": {"title": "Information"}, "cs": {"title": "Informace"}})["id"]
    new_category(shop, code="draft", type=[footer], published=False)  # unpublished: not shown
    new_category(shop, code="top", type=[header])  # another type: not shown
    terms = cms_page(shop, categories=[info])["id"]
    contact = new_page(shop, resourcetype="PageFrontend", frontend_path="/contact", published=True,
                       categories=[info], translations={"en": {"title": "Contact"}})["id"]  # no cs row: en is used
    cms_page(shop, "secret", categories=[info], published=False)  # unpublished: not shown
    expected_cs = [{"id": info, "title": "Informace", "image": None, "code": "info", "published": True, "page": [
        {"id": terms, "slug": "podminky", "title": "Podmínky", "resourcetype": "PageCMS"},
        {"id": contact, "frontend_path": "/contact", "title": "Contact", "resourcetype": "PageFrontend"},
    ]}]
    response = call(shop, "GET", "/cms/storefront/category/type/FOOTER/pages/", headers={"Accept-Language": "cs"})
    assert response.status_code == 200 and body(response) == expected_cs
    english = body(call(shop, "GET", "/cms/storefront/category/type/FOOTER/pages"))
    assert english[0]["title"] == "Information" and english[0]["page"][0]["slug"] == "terms"
    assert english[0]["page"][0]["title"] == "Terms"
    assert body(call(shop, "GET", "/cms/storefront/category/type/NOPE/pages/")) == []


def test_M8_deleted_things_leave_the_storefront(shop):
    footer = new_type(shop, "FOOTER")
    first = new_category(shop, type=[footer])["id"]
    second = new_category(shop, type=[footer])["id"]
    page = cms_page(shop, categories=[first, second])["id"]
    listed = body(call(shop, "GET", "/cms/storefront/category/type/FOOTER/pages"))
    assert [c["id"] for c in listed] == [first, second] and listed[1]["page"][0]["id"] == page
    call(shop, "DELETE", f"/cms/category/{second}", headers=as_(EDITOR))
    assert [c["id"] for c in body(call(shop, "GET", "/cms/storefront/category/type/FOOTER/pages"))] == [first]
    call(shop, "DELETE", f"/cms/page/cms/{page}", headers=as_(EDITOR))
    assert body(call(shop, "GET", "/cms/storefront/category/type/FOOTER/pages"))[0]["page"] == []
    call(shop, "DELETE", f"/cms/category/type/{footer}", headers=as_(EDITOR))
    assert body(call(shop, "GET", "/cms/storefront/category/type/FOOTER/pages")) == []


def test_M8_category_image_is_an_absolute_url(shop):
    footer = new_type(shop, "FOOTER")
    new_category(shop, type=[footer], image=PNG_URI)
    listed = body(call(shop, "GET", "/cms/storefront/category/type/FOOTER/pages", headers={"Host": "api.shop.test"}))
    assert listed[0]["image"].startswith("https://api.shop.test/media/cms/category/")


def test_M12_storefront_page_by_slug_in_locale_with_texts_in_accept_language(shop):
    page = cms_page(shop)
    response = call(shop, "GET", "/cms/storefront/page/cms/en/terms/")
    assert response.status_code == 200
    assert body(response) == {"id": page["id"], "slug": "terms", "title": "Terms", "content": CONTENT_EN}
    # Found by the cs slug, answered in the Accept-Language language.
    czech = call(shop, "GET", "/cms/storefront/page/cms/cs/podminky", headers={"Accept-Language": "cs-CZ"})
    assert body(czech) == {"id": page["id"], "slug": "podminky", "title": "Podmínky", "content": CONTENT_CS}
    mixed = call(shop, "GET", "/cms/storefront/page/cms/cs/podminky", headers={"Accept-Language": "en"})
    assert body(mixed)["slug"] == "terms"
    # Case-insensitive, in the slug and in the locale.
    assert call(shop, "GET", "/cms/storefront/page/cms/EN/TeRmS").status_code == 200
    # The slug must be the one of the locale's translation.
    missing = call(shop, "GET", "/cms/storefront/page/cms/cs/terms/")
    assert missing.status_code == 404 and body(missing) == {"message": "page not found"}
    assert call(shop, "GET", "/cms/storefront/page/cms/de/terms/").status_code == 404
    assert call(shop, "GET", "/cms/storefront/page/cms/en/nothing/").status_code == 404


def test_M12_content_null_becomes_empty_string_and_missing_language_falls_back_to_en(shop):
    page = new_page(shop, resourcetype="PageCMS", published=True,
                    translations={"en": {"slug": "about", "title": "About"}})
    response = call(shop, "GET", "/cms/storefront/page/cms/en/about", headers={"Accept-Language": "cs"})
    assert body(response) == {"id": page["id"], "slug": "about", "title": "About", "content": ""}


def test_M12_unpublished_deleted_and_renamed_pages_are_not_served(shop):
    draft = cms_page(shop, "draft", published=False)
    assert call(shop, "GET", "/cms/storefront/page/cms/en/draft").status_code == 404
    call(shop, "PUT", f"/cms/page/cms/{draft['id']}", {"published": True}, headers=as_(EDITOR))
    assert call(shop, "GET", "/cms/storefront/page/cms/en/draft").status_code == 200
    call(shop, "PUT", f"/cms/page/cms/{draft['id']}", {"translations": {"en": {"slug": "final"}}},
         headers=as_(EDITOR))
    assert call(shop, "GET", "/cms/storefront/page/cms/en/draft").status_code == 404
    assert call(shop, "GET", "/cms/storefront/page/cms/en/final").status_code == 200
    call(shop, "DELETE", f"/cms/page/cms/{draft['id']}", headers=as_(EDITOR))
    response = call(shop, "GET", "/cms/storefront/page/cms/en/final")
    assert response.status_code == 404 and body(response) == {"message": "page not found"}


def test_M12_slugs_are_not_unique_the_first_live_page_wins(shop):
    first = cms_page(shop, "same")
    second = cms_page(shop, "same")
    assert body(call(shop, "GET", "/cms/storefront/page/cms/en/same"))["id"] == first["id"]
    call(shop, "DELETE", f"/cms/page/cms/{first['id']}", headers=as_(EDITOR))
    assert body(call(shop, "GET", "/cms/storefront/page/cms/en/same"))["id"] == second["id"]


def test_M12_unicode_slugs(shop):
    page = cms_page(shop, translations={"cs": {"slug": "obchodní-podmínky", "title": "Podmínky"}})
    response = call(shop, "GET", "/cms/storefront/page/cms/cs/obchodn%C3%AD-podm%C3%ADnky/")
    assert response.status_code == 200 and body(response)["id"] == page["id"]


def test_storefront_reads_are_public_even_for_shoppers(shop):
    cms_page(shop)
    assert call(shop, "GET", "/cms/storefront/page/cms/en/terms", headers=as_(SHOPPER)).status_code == 200
    assert call(shop, "GET", "/cms/storefront/category/type/FOOTER/pages").status_code == 200


# --- access ------------------------------------------------------------------------------------------

WRITES = [
    ("POST", "/cms/", {"resourcetype": "PageCMS"}, "page_add_permission"),
    ("POST", "/cms/category/", {"type": []}, "page_add_permission"),
    ("POST", "/cms/category/type/", {"identifier": "X"}, "page_add_permission"),
    ("PUT", "/cms/page/cms/1/", {"published": True}, "page_change_permission"),
    ("DELETE", "/cms/page/frontend/1/", None, "page_change_permission"),
    ("PUT", "/cms/category/1/", {"published": True}, "page_change_permission"),
    ("DELETE", "/cms/category/1/", None, "page_change_permission"),
    ("PUT", "/cms/category/type/1", {"identifier": "Y"}, "page_change_permission"),
    ("DELETE", "/cms/category/type/1", None, "page_change_permission"),
]


@pytest.mark.parametrize(("method", "path", "payload", "needed"), WRITES, ids=lambda v: str(v))
def test_every_cms_write_is_guarded(shop, method, path, payload, needed):
    assert call(shop, method, path, payload).status_code == 401
    assert call(shop, method, path, payload, headers=as_(SHOPPER)).status_code == 403
    response = call(shop, method, path, payload, headers=as_(STAFF))
    assert response.status_code == 403 and body(response) == "User doesnt have permission"
    if needed == "page_add_permission":
        assert call(shop, method, path, payload, headers=as_(CHANGER)).status_code == 403
    # Nothing was written by the refused calls.
    assert body(call(shop, "GET", "/cms/", headers=as_(STAFF))) == []
    assert body(call(shop, "GET", "/cms/category/", headers=as_(STAFF))) == []
    assert body(call(shop, "GET", "/cms/category/type/", headers=as_(STAFF))) == []


def test_change_permission_alone_edits_but_does_not_create(shop):
    page = cms_page(shop)
    assert call(shop, "PUT", f"/cms/page/cms/{page['id']}", {"published": False},
                headers=as_(CHANGER)).status_code == 200
    assert call(shop, "POST", "/cms/", {"resourcetype": "PageCMS"}, headers=as_(CHANGER)).status_code == 403


def test_dashboard_reads_need_staff_and_admins_pass_everything(shop):
    for path in ("/cms/", "/cms/category/", "/cms/category/type/"):
        assert call(shop, "GET", path).status_code == 401
        assert call(shop, "GET", path, headers=as_(SHOPPER)).status_code == 403
        assert call(shop, "GET", path, headers=as_(STAFF)).status_code == 200
    assert call(shop, "POST", "/cms/category/type", {"identifier": "A"}, headers=as_(ADMIN)).status_code == 201


def test_concurrent_edit_is_retried_on_a_fresh_read(shop, monkeypatch):
    from chalicelib.cms import store

    page = cms_page(shop)
    real = store.replace_page
    calls = []

    def sometimes_stale(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise store.Stale()
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "replace_page", sometimes_stale)
    response = call(shop, "PUT", f"/cms/page/cms/{page['id']}", {"published": False}, headers=as_(EDITOR))
    assert response.status_code == 200 and len(calls) == 2
    monkeypatch.setattr(store, "replace_page", lambda *a, **k: (_ for _ in ()).throw(store.Stale()))
    conflict = call(shop, "PUT", f"/cms/page/cms/{page['id']}", {"published": True}, headers=as_(EDITOR))
    assert conflict.status_code == 409 and "error" in body(conflict)


def test_a_stale_version_is_refused_by_the_store(shop):
    from chalicelib.cms import store

    page = cms_page(shop)
    head, _content = store.get_page(page["id"])
    store.replace_page(head, {"published": False}, content=None, remove_slugs=set(), add_slugs=set())
    with pytest.raises(store.Stale):
        store.replace_page(head, {"published": True}, content=None, remove_slugs=set(), add_slugs=set())


# --- E1: Editor.js image upload ----------------------------------------------------------------------

BOUNDARY = "----ecosellerTestBoundary7MA4YWxkTrZu0gW"


def multipart(fields: dict[str, tuple[str | None, bytes]]) -> tuple[bytes, dict]:
    chunks = []
    for name, (filename, data) in fields.items():
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        part_type = "Content-Type: application/octet-stream\r\n" if filename else ""
        head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n{part_type}\r\n"
        chunks.append(head.encode() + data + b"\r\n")
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks), {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def post_multipart(client, path, fields, email=EDITOR):
    payload, headers = multipart(fields)
    return client.http.post(path, headers={**headers, **(as_(email) if email else {})}, body=payload)


def test_E1_upload_image_answers_a_relative_media_path(shop):
    response = post_multipart(shop, "/editorjs/upload/image/", {"file": ("photo.png", PNG)})
    assert response.status_code == 201
    path = body(response)["file"]
    name = path.removeprefix("/media/editorjs/")
    stamp, _, rest = name.partition("_")
    assert path.startswith("/media/editorjs/") and stamp.isdigit() and rest.endswith(".png")
    stored = s3_object(f"editorjs/{name}")
    assert stored["Body"].read() == PNG  # byte for byte, CR/LF and all
    assert stored["ContentType"] == "image/png"
    served = shop.http.get(path)
    assert served.status_code == 302
    location = urlsplit(served.headers["Location"])
    assert location.path.endswith(f"/editorjs/{name}")
    assert parse_qs(location.query).get("X-Amz-Expires") == ["300"]


def test_E1_two_uploads_in_the_same_second_do_not_collide(shop):
    first = body(post_multipart(shop, "/editorjs/upload/image", {"file": ("a.png", PNG)}))["file"]
    second = body(post_multipart(shop, "/editorjs/upload/image", {"file": ("a.png", GIF)}))["file"]
    assert first != second and len(bucket_keys()) == 2


def test_E1_the_type_comes_from_the_bytes_not_the_file_name(shop):
    response = post_multipart(shop, "/editorjs/upload/image/", {"file": ("innocent.png", b"<html>no</html>")})
    assert response.status_code == 400
    assert body(response) == {"error": "The file is not a supported image; upload a png, jpg, gif or svg image."}
    assert bucket_keys() == []
    gif = post_multipart(shop, "/editorjs/upload/image/", {"file": ("misnamed.png", GIF)})
    assert body(gif)["file"].endswith(".gif")


def test_E1_missing_file_or_no_multipart_is_400(shop):
    response = post_multipart(shop, "/editorjs/upload/image/", {"other": (None, b"x")})
    assert response.status_code == 400 and "file" in body(response)["error"]
    not_multipart = call(shop, "POST", "/editorjs/upload/image/", {"file": "x"}, headers=as_(EDITOR))
    assert not_multipart.status_code == 400 and "multipart/form-data" in body(not_multipart)["error"]
    assert bucket_keys() == []


def test_E1_size_limit(shop, monkeypatch):
    from chalicelib.cms import editorjs

    monkeypatch.setattr(editorjs, "MAX_BYTES", 1000)
    response = post_multipart(shop, "/editorjs/upload/image/", {"file": ("big.png", PNG + b"\x00" * 2000)})
    assert response.status_code == 413 and "too large" in body(response)["error"]
    assert bucket_keys() == []


def test_E1_E2_need_page_or_product_change_permission(shop):
    assert post_multipart(shop, "/editorjs/upload/image/", {"file": ("a.png", PNG)}, email=None).status_code == 401
    assert post_multipart(shop, "/editorjs/upload/image/", {"file": ("a.png", PNG)}, email=STAFF).status_code == 403
    assert call(shop, "POST", "/editorjs/upload/url/", {"url": "http://x/"}, headers=as_(STAFF)).status_code == 403
    make_user("catalog@example.com", "pw", staff=True, permissions=("product_change_permission",))
    response = post_multipart(shop, "/editorjs/upload/image/", {"file": ("a.png", PNG)}, email="catalog@example.com")
    assert response.status_code == 201
    assert bucket_keys() == [body(response)["file"].removeprefix("/media/")]


# --- E2: Editor.js image by URL ----------------------------------------------------------------------

class _ImageServer:
    """A loopback HTTP server: /image.png, /text, /big, /redirect-to?<url>; it counts requests."""

    def __init__(self):
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(self.path)
                if self.path == "/image.png":
                    self._send(200, PNG, "image/png")
                elif self.path == "/text":
                    self._send(200, b"not an image", "image/png")
                elif self.path == "/big":
                    self._send(200, PNG + b"\x00" * 6 * 1024 * 1024, "image/png")
                elif self.path == "/slow":
                    self.send_response(200)
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    try:
                        for _ in range(50):  # a byte every 0.1 s: each read is quick, the whole is slow
                            self.wfile.write(b"\x00")
                            self.wfile.flush()
                            time.sleep(0.1)
                    except OSError:
                        pass
                elif self.path.startswith("/redirect-to?"):
                    self.send_response(302)
                    self.send_header("Location", self.path.split("?", 1)[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._send(404, b"nope", "text/plain")

            def _send(self, status, data, kind):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def image_server():
    server = _ImageServer()
    yield server
    server.close()


def test_E2_fetches_the_url_and_stores_the_image(shop, image_server, monkeypatch):
    monkeypatch.setenv("EDITORJS_ALLOW_PRIVATE_URLS", "1")
    response = call(shop, "POST", "/editorjs/upload/url/", {"url": f"{image_server.base}/image.png"},
                    headers=as_(EDITOR))
    assert response.status_code == 201
    path = body(response)["file"]
    assert path.startswith("/media/editorjs/") and path.endswith(".png")
    assert s3_object(path.removeprefix("/media/"))["Body"].read() == PNG


def test_E2_accepts_the_dashboards_multipart_form(shop, image_server, monkeypatch):
    monkeypatch.setenv("EDITORJS_ALLOW_PRIVATE_URLS", "1")
    response = post_multipart(shop, "/editorjs/upload/url/", {"url": (None, f"{image_server.base}/image.png".encode())})
    assert response.status_code == 201 and body(response)["file"].endswith(".png")
    form = shop.http.post("/editorjs/upload/url/", body=f"url={image_server.base}/image.png",
                          headers={"content-type": "application/x-www-form-urlencoded", **as_(EDITOR)})
    assert form.status_code == 201


def test_E2_loopback_and_private_addresses_are_refused_by_default(shop, image_server, monkeypatch):
    monkeypatch.delenv("EDITORJS_ALLOW_PRIVATE_URLS", raising=False)
    for url in (f"{image_server.base}/image.png", f"http://localhost:{image_server.httpd.server_address[1]}/image.png",
                "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://10.0.0.1/a.png"):
        response = call(shop, "POST", "/editorjs/upload/url/", {"url": url}, headers=as_(EDITOR))
        assert response.status_code == 400, url
        assert body(response)["error"].startswith("URL refused:"), url
    assert image_server.requests == [] and bucket_keys() == []


def test_E2_every_redirect_hop_is_checked(shop, image_server, monkeypatch):
    from chalicelib.core.http import safe_fetch

    # Pretend 127.0.0.1 were public and 127.0.0.2 private: a redirect there must be refused.
    monkeypatch.setattr(safe_fetch, "address_allowed", lambda ip: str(ip) == "127.0.0.1")
    port = image_server.httpd.server_address[1]
    url = f"{image_server.base}/redirect-to?http://127.0.0.2:{port}/image.png"
    response = call(shop, "POST", "/editorjs/upload/url/", {"url": url}, headers=as_(EDITOR))
    assert response.status_code == 400 and body(response)["error"].startswith("URL refused:")
    assert image_server.requests == [f"/redirect-to?http://127.0.0.2:{port}/image.png"]
    followed = call(shop, "POST", "/editorjs/upload/url/",
                    {"url": f"{image_server.base}/redirect-to?{image_server.base}/image.png"}, headers=as_(EDITOR))
    assert followed.status_code == 201
    to_ftp = call(shop, "POST", "/editorjs/upload/url/", {"url": f"{image_server.base}/redirect-to?ftp://x/a.png"},
                  headers=as_(EDITOR))
    assert to_ftp.status_code == 400 and "only http and https" in body(to_ftp)["error"]


@pytest.mark.parametrize("payload", [{}, {"url": ""}, {"url": "   "}, {"url": None}, {"link": "http://x/"}])
def test_E2_missing_url_is_400(shop, payload):
    response = call(shop, "POST", "/editorjs/upload/url/", payload, headers=as_(EDITOR))
    assert response.status_code == 400 and body(response) == {"error": "URL not provided"}
    assert bucket_keys() == []


def test_E2_missing_url_in_multipart_is_400(shop):
    response = post_multipart(shop, "/editorjs/upload/url/", {"other": (None, b"x")})
    assert response.status_code == 400 and body(response) == {"error": "URL not provided"}


def test_E2_non_image_error_status_big_bodies_and_other_schemes_are_refused(shop, image_server, monkeypatch):
    from chalicelib.cms import editorjs

    monkeypatch.setenv("EDITORJS_ALLOW_PRIVATE_URLS", "1")
    cases = [(f"{image_server.base}/text", 400, "not a supported image"),
             (f"{image_server.base}/missing", 400, "HTTP 404"),
             (f"{image_server.base}/big", 413, "too large"),
             ("ftp://127.0.0.1/a.png", 400, "only http and https"),
             ("file:///etc/passwd", 400, "only http and https"),
             ("not a url", 400, "only http and https")]
    for url, status, text in cases:
        response = call(shop, "POST", "/editorjs/upload/url/", {"url": url}, headers=as_(EDITOR))
        assert response.status_code == status, (url, response.body)
        assert text in body(response)["error"], (url, body(response))
    # The limit holds while streaming too, when the server does not announce a length.
    monkeypatch.setattr(editorjs, "MAX_BYTES", len(PNG) - 1)
    assert editorjs.MAX_BYTES < len(PNG)
    response = call(shop, "POST", "/editorjs/upload/url/", {"url": f"{image_server.base}/image.png"},
                    headers=as_(EDITOR))
    assert response.status_code == 413
    assert bucket_keys() == []


def test_E2_the_whole_download_has_a_deadline(image_server):
    from chalicelib.core.http import safe_fetch

    started = time.monotonic()
    with pytest.raises(safe_fetch.FetchFailed) as raised:
        safe_fetch.fetch(f"{image_server.base}/slow", max_bytes=10**6, allow_private=True, total_timeout=0.5)
    assert "timed out" in str(raised.value)
    assert time.monotonic() - started < 2


def test_E2_a_closed_port_is_a_clean_400(shop, monkeypatch):
    import socket

    monkeypatch.setenv("EDITORJS_ALLOW_PRIVATE_URLS", "1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    response = call(shop, "POST", "/editorjs/upload/url/", {"url": f"http://127.0.0.1:{port}/a.png"},
                    headers=as_(EDITOR))
    assert response.status_code == 400 and body(response)["error"].startswith("Could not download the image")


# --- /media/ redirects ----------------------------------------------------------------------------

def test_media_redirect_404_for_missing_or_unsafe_names(shop):
    for path in ("/media/editorjs/nothing.png", "/media/cms/category/nothing.png", "/media/editorjs/..",
                 "/media/editorjs/%2e%2e"):
        response = shop.http.get(path)
        assert response.status_code == 404 and json.loads(response.body) == {"detail": "Not found."}


def test_media_redirect_to_media_base_url_when_set(shop, monkeypatch):
    path = body(post_multipart(shop, "/editorjs/upload/image/", {"file": ("a.png", PNG)}))["file"]
    monkeypatch.setenv("MEDIA_BASE_URL", "https://cdn.shop.test")
    response = shop.http.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "https://cdn.shop.test/" + path.removeprefix("/media/")


# --- demo data -----------------------------------------------------------------------------------------

def test_demo_data_is_idempotent_and_serves_the_footer(shop):
    from chalicelib.cms.demo import load_demo

    load_demo()
    load_demo()
    types = body(call(shop, "GET", "/cms/category/type/", headers=as_(STAFF)))
    assert sorted(t["identifier"] for t in types) == ["FOOTER", "HEADER"]
    assert len(body(call(shop, "GET", "/cms/", headers=as_(STAFF)))) == 2
    footer = body(call(shop, "GET", "/cms/storefront/category/type/FOOTER/pages/", headers={"Accept-Language": "cs"}))
    assert len(footer) == 1
    # Only PageCMS pages, each with the slug the storefront links (<Link href={page.slug}>).
    assert [(p["resourcetype"], p["title"], p["slug"]) for p in footer[0]["page"]] == [
        ("PageCMS", "Obchodní podmínky", "obchodni-podminky"), ("PageCMS", "Kontakt", "kontakt")]
    terms = body(call(shop, "GET", "/cms/storefront/page/cms/en/terms-and-conditions/"))
    assert terms["title"] == "Terms and conditions" and terms["content"]["blocks"]
    czech = body(call(shop, "GET", "/cms/storefront/page/cms/cs/obchodni-podminky/", headers={"Accept-Language": "cs"}))
    assert czech["title"] == "Obchodní podmínky"
