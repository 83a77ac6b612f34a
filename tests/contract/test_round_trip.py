"""Every dashboard "Save" sends back what its page read (issue 17): for each resource with a read and a
write, read every item as the dashboard does (contract section 2.1), write the body it builds from that
read, and check the write is accepted and a second read answers exactly what the first did.

The items come from three shops: one built through the API with every optional field set, the demo
data `make run` loads, and a shop imported from an ecoseller dump (tests/importer/minidump.py). The
bodies follow the dashboard's source (src/dashboard): most editors send the fetched object itself;
the grids send the row (the list item plus `id`/`isNew`), the country-row editors, VAT groups, users
and media a few picked fields.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chalicelib.core.settings import get_settings
from chalicelib.core.store import db
from tests.catalog_fixtures import PNG, product_payload
from tests.helpers import body, call
from tests.shop_fixtures import add_methods, admin_headers, build_shop

Failures = list[str]


def media_bucket() -> None:
    db.aws_client("s3").create_bucket(Bucket=get_settings().media_bucket,
                                      CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})


class RoundTrip:
    """Reads, writes back and reads again; collects every difference so one run names them all."""

    def __init__(self, client, headers: dict):
        self.client, self.headers = client, headers
        self.failures: Failures = []
        self.checked: dict[str, int] = {}

    def get(self, path: str):
        response = call(self.client, "GET", path, headers=self.headers)
        assert response.status_code == 200, (path, response.status_code, response.body)
        return body(response)

    def check(self, resource: str, read_path: str, write_path: str, build: Callable[[dict], dict],
              method: str = "PUT", reads: tuple[str, ...] = ()) -> None:
        """`reads`: other pages that show the item (a list), which must not change either."""
        paths = (read_path, *reads)
        responses = [call(self.client, "GET", path, headers=self.headers) for path in paths]
        unreadable = [f"{path} -> {r.status_code}" for path, r in zip(paths, responses, strict=True)
                      if r.status_code != 200]
        if unreadable:
            self.failures.append(f"{resource}: cannot read {', '.join(unreadable)}")
            return
        before = [body(r) for r in responses]
        response = call(self.client, method, write_path, build(before[0]), headers=self.headers)
        self.checked[resource] = self.checked.get(resource, 0) + 1
        if not 200 <= response.status_code < 300:
            self.failures.append(f"{resource}: {method} {write_path} -> {response.status_code} {response.body!r}")
            return
        for path, first in zip(paths, before, strict=True):
            second = self.get(path)
            if second != first:
                changes = "\n".join(f"  {where}: {a!r} -> {b!r}" for where, a, b in differences(first, second))
                self.failures.append(f"{resource}: {path} changed after {method} {write_path}:\n{changes}")


def differences(a, b, where: str = "") -> list[tuple[str, object, object]]:
    """Where two JSON values differ: (path, before, after) for each differing leaf."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for key in dict.fromkeys([*a, *b])
                for d in differences(a.get(key, "<absent>"), b.get(key, "<absent>"), f"{where}/{key}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for index, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{where}/{index}")]
    return [] if a == b else [(where or "/", a, b)]


def same(read: dict) -> dict:
    return read


def grid_row(key: str) -> Callable[[dict], dict]:
    """A MUI grid row: the list item with the grid's own `id` (the code) and `isNew`."""
    return lambda read: {**read, "id": read[key], "isNew": False}


def walk_catalog(rt: RoundTrip) -> None:
    page = rt.get("/product/dashboard/?limit=150")
    for item in page["results"][:25]:
        path = f"/product/dashboard/detail/{item['id']}/"
        detail = rt.get(path)
        skus = [v["sku"] for v in detail["product_variants"]]
        rt.check("product", path, path, same, reads=tuple(f"/product/dashboard/variant/{s}/" for s in skus))
        for entry in detail["media"]:
            media_path = f"/product/dashboard/media/{entry['id']}/"
            # ProductMediaEditor sends {id, sort_order}; a generic client sends the whole read back.
            rt.check("product media (dashboard)", media_path, media_path,
                     lambda read: {"id": read["id"], "sort_order": read["sort_order"]}, reads=(path,))
            rt.check("product media (as read)", media_path, media_path, same, reads=(path,))

    def category_ids(nodes: list[dict]) -> list[int]:
        return [i for node in nodes for i in (node["id"], *category_ids(node["children"]))]

    tree_path = "/category/dashboard/"
    for category_id in category_ids(rt.get(tree_path)):
        path = f"/category/dashboard/{category_id}/"
        rt.check("category", path, path, same, reads=(tree_path,))

    languages = [language["code"] for language in rt.get("/country/languages/")]
    for listed in rt.get("/product/dashboard/attribute/type/"):
        path = f"/product/dashboard/attribute/type/{listed['id']}/"
        rt.check("attribute type", path, path, same, reads=("/product/dashboard/attribute/type/",))
        detail = rt.get(path)
        for value in detail["base_attributes"]:
            value_path = f"/product/dashboard/attribute/{value['id']}/"
            rt.check("base attribute", value_path, value_path,
                     _base_attribute_row(detail["value_type"], languages), reads=(path,))
    for listed in rt.get("/product/dashboard/type/"):
        path = f"/product/dashboard/type/{listed['id']}/"
        rt.check("product type", path, path, same, reads=("/product/dashboard/type/",))
    for listed in rt.get("/product/dashboard/pricelist/"):
        path = f"/product/dashboard/pricelist/{listed['code']}/"
        rt.check("price list", path, path, grid_row("code"), reads=("/product/dashboard/pricelist/",))


def _base_attribute_row(value_type: str, languages: list[str]) -> Callable[[dict], dict]:
    """BaseAttributeGrid: the row with `$NAME_<lang>` columns, its translations rebuilt from them (every
    shop language; `name: null` for a non-TEXT type)."""

    def build(read: dict) -> dict:
        names = {f"$NAME_{lang}": (row or {}).get("name") or "" for lang, row in read["translations"].items()}
        if value_type == "TEXT":
            translations = {lang: {"name": names.get(f"$NAME_{lang}") or ""} for lang in languages}
        else:
            translations = {lang: {"name": None} for lang in languages}
        return {**read, "isNew": False, "valid": True, **(names if value_type == "TEXT" else {}),
                "translations": translations}

    return build


def walk_localization(rt: RoundTrip) -> None:
    for listed in rt.get("/country/"):
        path = f"/country/{listed['code']}/"
        rt.check("country", path, path, grid_row("code"), reads=("/country/",))
    for listed in rt.get("/country/currency/"):
        path = f"/country/currency/{listed['code']}/"
        rt.check("currency", path, f"/country/currency/{listed['code']}", grid_row("code"),
                 reads=("/country/currency/",))
    for listed in rt.get("/country/vat-group/"):
        path = f"/country/vat-group/{listed['id']}/"
        rt.check("VAT group", path, path,
                 lambda read: {key: read[key] for key in ("name", "rate", "country", "is_default")},
                 reads=("/country/vat-group/",))


COUNTRY_ROW_FIELDS = {"shipping": ("country", "vat_group", "currency", "price", "is_active", "payment_methods"),
                      "payment": ("country", "vat_group", "currency", "price", "is_active", "api_request")}


def _country_row(kind: str, method_id: int, row_id: int) -> Callable[[list], dict]:
    def build(rows: list) -> dict:
        row = next(r for r in rows if r["id"] == row_id)
        return {f"{kind}_method": method_id, **{k: row[k] for k in COUNTRY_ROW_FIELDS[kind]}}

    return build


def walk_methods(rt: RoundTrip) -> None:
    for kind in ("shipping", "payment"):
        base = f"/cart/dashboard/{kind}/method/"
        for listed in rt.get(base):
            path = f"{base}{listed['id']}/"
            # The method page sends its state without `image` (ImageUploader saves that on its own).
            rt.check(f"{kind} method", path, path,
                     lambda read: {k: v for k, v in read.items() if k != "image"}, reads=(base,))
            rt.check(f"{kind} method (with its image URL)", path, path, same, reads=(base,))
            rows_path = f"{path}country/"
            for row in rt.get(rows_path):
                # The editor's grid rows are K18's list items; K21 gets the method's id and these fields.
                row_path = f"{base}country/{row['id']}/"
                rt.check(f"{kind} method country row", rows_path, row_path,
                         _country_row(kind, listed["id"], row["id"]), reads=(row_path,))


def walk_cms(rt: RoundTrip) -> None:
    for listed in rt.get("/cms/"):
        kind = "cms" if listed["resourcetype"] == "PageCMS" else "frontend"
        path = f"/cms/page/{kind}/{listed['id']}/"
        rt.check(f"CMS page ({listed['resourcetype']})", path, path, same, reads=("/cms/",))
    for listed in rt.get("/cms/category/"):
        path = f"/cms/category/{listed['id']}/"
        rt.check("CMS category", path, path, same, reads=("/cms/category/",))
    for listed in rt.get("/cms/category/type/"):
        # PageCategoryTypeList: the grid row, PUT without a trailing slash as the dashboard sends it.
        rt.check("CMS category type", f"/cms/category/type/{listed['id']}", f"/cms/category/type/{listed['id']}",
                 lambda read: {**read, "isNew": False}, reads=("/cms/category/type/",))


def walk_users(rt: RoundTrip) -> None:
    for listed in rt.get("/user/users/?limit=150")["results"]:
        email = listed["email"]
        path = f"/user/users/{email}"
        groups_path = f"/roles/user-groups/{email}"

        def edit_user_body(read: dict, email=email, groups_path=groups_path) -> dict:
            # edit-user/[id].tsx: these fields (names "" when missing) and the names of the user's groups.
            return {"email": read["email"], "first_name": read.get("first_name") or "",
                    "last_name": read.get("last_name") or "", "is_admin": read["is_admin"],
                    "is_staff": read["is_staff"], "roles": [g["name"] for g in rt.get(groups_path)]}

        rt.check("user", path, path, edit_user_body, reads=(groups_path,))
        rt.check("user groups", groups_path, groups_path, lambda read: {"roles": [g["name"] for g in read]},
                 reads=(path,))
    for listed in rt.get("/roles/groups"):
        path = f"/roles/groups/{listed['name']}"
        rt.check("group", path, path, same, reads=("/roles/groups",))


def walk_orders(rt: RoundTrip) -> None:
    for listed in rt.get("/order/dashboard/"):
        path = f"/order/dashboard/{listed['token']}/"
        order = rt.get(path)
        rt.check("order status", path, path, lambda read: {"status": read["status"]}, reads=("/order/dashboard/",))
        cart = order["cart"]["token"]
        for info in ("billing-info", "shipping-info"):
            info_path = f"/cart/dashboard/{cart}/{info}/"
            rt.check(f"order cart {info}", info_path, info_path, same, reads=(path,))


WALKS = (walk_catalog, walk_localization, walk_methods, walk_cms, walk_users, walk_orders)


def round_trip_everything(client, headers: dict) -> RoundTrip:
    rt = RoundTrip(client, headers)
    for walk in WALKS:
        walk(rt)
    return rt


# --- the shops ---------------------------------------------------------------------------------------

EDITORJS = {"time": 1688931984622, "blocks": [{"id": "D48CBYJh-n", "type": "paragraph",
                                               "data": {"text": "A <b>cowboy</b> doll", "level": 2.5}}],
            "version": "2.26.5"}


def _created(response, status: int = 201) -> dict:
    assert response.status_code == status, response.body
    return body(response)


def api_shop(client) -> dict:
    """A shop built through the dashboard API with every optional field set, and the item shapes a
    merchant also makes: a product whose description is "" and one whose description is null, with no
    category, type or variants; a product with media; a category with no description; an order."""
    from tests.orders.test_orders import ready_cart, submit

    media_bucket()
    ids = build_shop(client)
    headers = admin_headers()
    ids["rows"] = add_methods(client, headers, ids)

    def post(path: str, payload: dict, status: int = 201) -> dict:
        return _created(call(client, "POST", path, payload, headers), status)

    unit_type = post("/product/dashboard/attribute/type/", {
        "type_name": "runtime", "unit": "min", "value_type": "INTEGER",
        "translations": {"en": {"name": "Runtime"}, "cs": {"name": "Stopáž"}}})
    runtime = post("/product/dashboard/attribute/", {"type": unit_type["id"], "value": "120", "order": 2,
                                                     "translations": {"en": {"name": None}}})
    post("/product/dashboard/type/", {"name": "Film", "allowed_attribute_types_ids": [ids["language"],
                                                                                     unit_type["id"]],
                                      "vat_groups": [ids["vat_cz"], ids["vat_sk"]]})
    post("/category/dashboard/", {"published": False, "parent": ids["movies"], "translations": {
        "en": {"title": "Drama", "slug": "drama", "meta_title": "Drama films", "meta_description": "Sad",
               "description": "<p>Sad</p>", "description_editorjs": EDITORJS},
        "cs": {"title": "Drama", "slug": "drama-cz"}}})
    post("/category/dashboard/", {"published": True, "parent": None,
                                  "translations": {"en": {"title": "Bare", "slug": "bare"}}})

    payload = product_payload(ids, "FULL", "Full")
    payload["product_variants"][0]["attributes"] = [ids["english"], runtime["id"]]
    full = post("/product/dashboard/detail/", payload)
    for alt in ("front", None):
        post("/product/dashboard/media/", {"media": PNG, "product_id": full["id"], "type": "IMAGE", "alt": alt})
    for description in ("", None):
        post("/product/dashboard/detail/", {"published": False, "translations": {
            "en": {"title": f"Plain {description!r}", "slug": f"plain-{len(str(description))}",
                   "description": description, "short_description": description,
                   "description_editorjs": description}}})

    footer = post("/cms/category/type/", {"identifier": "FOOTER"})
    info = post("/cms/category/", {"published": True, "code": "info", "type": [footer["id"]],
                                   "translations": {"en": {"title": "Information"}, "cs": {"title": "Informace"}}})
    post("/cms/category/", {"published": False, "type": []})
    post("/cms/", {"resourcetype": "PageCMS", "published": True, "categories": [info["id"]], "translations": {
        "en": {"slug": "terms", "title": "Terms", "content": EDITORJS},
        "cs": {"slug": "podminky", "title": "Podmínky", "content": ""}}})
    post("/cms/", {"resourcetype": "PageCMS", "translations": {"en": {"slug": "empty", "title": "Empty",
                                                                      "content": None}}})
    post("/cms/", {"resourcetype": "PageFrontend", "published": True, "frontend_path": "/contact",
                   "categories": [info["id"]], "translations": {"en": {"title": "Contact"}}})

    post("/roles/groups", {"name": "Support", "description": "Answers customers",
                           "permissions": ["order_change_permission", "cart_change_permission"]})
    post("/user/users/", {"email": "clerk@example.com", "password": "pw"})
    assert call(client, "PUT", "/user/users/clerk@example.com", {"first_name": "Clerk", "last_name": "Kent",
                                                                  "birth_date": "1990-05-01", "is_staff": True},
                headers).status_code == 200
    assert call(client, "PUT", "/roles/user-groups/clerk@example.com", {"roles": ["Support"]},
                headers).status_code == 200

    token = ready_cart(client, ids, quantity=1)
    _created(submit(client, token))
    return headers


def demo_shop(client) -> dict:
    """What `make run` loads (infra/local/demo.py)."""
    from infra.local.demo import load_demo_data

    media_bucket()
    load_demo_data(log=lambda _line: None)
    return admin_headers()


def imported_shop(client, tmp_path) -> dict:
    """A shop imported from an ecoseller dump, as `cli import-ecoseller` writes it."""
    from chalicelib.importer import run
    from tests.importer import minidump

    media_bucket()
    dump = tmp_path / "mini.sql"
    dump.write_text(minidump.sql(), encoding="utf-8")
    run(dump, log=lambda _line: None)
    return admin_headers()


# Every resource listed in issue 17 must have been round-tripped at least once by the API-built shop.
EVERY_RESOURCE = {
    "product", "product media (dashboard)", "product media (as read)", "category", "attribute type",
    "base attribute", "product type", "price list", "country", "currency", "VAT group",
    "shipping method", "shipping method (with its image URL)", "payment method",
    "payment method (with its image URL)", "shipping method country row", "payment method country row",
    "CMS page (PageCMS)", "CMS page (PageFrontend)", "CMS category", "CMS category type", "user",
    "user groups", "group", "order status", "order cart billing-info", "order cart shipping-info",
}


def _report(rt: RoundTrip) -> str:
    return "\n".join(rt.failures)


def test_every_dashboard_save_of_an_api_built_shop_changes_nothing(client):
    rt = round_trip_everything(client, api_shop(client))
    assert rt.failures == [], _report(rt)
    assert EVERY_RESOURCE <= set(rt.checked), sorted(EVERY_RESOURCE - set(rt.checked))


def test_every_dashboard_save_of_the_demo_shop_changes_nothing(client):
    rt = round_trip_everything(client, demo_shop(client))
    assert rt.failures == [], _report(rt)
    assert {"product", "category", "CMS page (PageCMS)", "shipping method country row"} <= set(rt.checked)


def test_every_dashboard_save_of_an_imported_shop_changes_nothing(client, tmp_path):
    rt = round_trip_everything(client, imported_shop(client, tmp_path))
    # Known gap, in the importer (reported): it writes an imported order without the ordered cart that
    # checkout leaves behind, so the order page's address reads by `cart.token` answer 404.
    missing_cart = [f for f in rt.failures if f.startswith("order cart ") and "cannot read /cart/dashboard/" in f]
    assert [f for f in rt.failures if f not in missing_cart] == [], _report(rt)
    assert {"product", "category", "attribute type", "base attribute", "user"} <= set(rt.checked)


@pytest.mark.parametrize("description", ["", None, EDITORJS])
def test_a_product_read_with_any_editorjs_description_saves_back(client, description):
    """Issue 17 cause 1: the dashboard read `description_editorjs: ""` and its PUT of that body was a 400."""
    media_bucket()
    ids = build_shop(client)
    headers = admin_headers()
    payload = product_payload(ids, "DESC", "Desc")
    payload["translations"]["en"]["description_editorjs"] = description
    product_id = _created(call(client, "POST", "/product/dashboard/detail/", payload, headers))["id"]
    path = f"/product/dashboard/detail/{product_id}/"
    read = body(call(client, "GET", path, headers=headers))
    assert read["translations"]["en"]["description_editorjs"] == description
    read["product_variants"].append({"sku": "DESC-NEW", "stock_quantity": 3,
                                     "price": [{"price_list": "CZK_retail", "price": "99"}]})
    response = call(client, "PUT", path, read, headers)
    assert response.status_code == 200, response.body
    saved = body(call(client, "GET", path, headers=headers))
    assert saved["translations"]["en"]["description_editorjs"] == description
    assert [v["sku"] for v in saved["product_variants"]] == ["DESC-EN", "DESC-CS", "DESC-NEW"]


@pytest.mark.parametrize("bad", ["<p>html</p>", [1, 2], 7, True])
def test_an_editorjs_field_that_is_not_a_document_is_400_naming_it(client, bad):
    ids = build_shop(client)
    headers = admin_headers()
    payload = product_payload(ids, "BAD", "Bad")
    payload["translations"]["en"]["description_editorjs"] = bad
    response = call(client, "POST", "/product/dashboard/detail/", payload, headers)
    assert response.status_code == 400
    assert body(response) == {"translations": {"en": {"description_editorjs": [
        'Expected an Editor.js JSON object, "" or null.']}}}
    category = {"published": True, "parent": None,
                "translations": {"en": {"title": "C", "slug": "c", "description_editorjs": bad}}}
    response = call(client, "POST", "/category/dashboard/", category, headers)
    assert response.status_code == 400 and "description_editorjs" in body(response)["translations"]["en"]
