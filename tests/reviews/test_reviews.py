"""Product reviews (contract 1.5: R1-R6). Each test names the rows it covers.

Orders are storage-level fixtures: items laid out as chalicelib/orders/store.py documents them, put
directly into the table. Products go through the catalog's own service.
"""

from __future__ import annotations

import threading
import uuid

import pytest

from chalicelib.catalog.products import service as products
from chalicelib.catalog.products.schemas import PRODUCT
from chalicelib.core.store import db, write
from chalicelib.orders.store import order_key
from chalicelib.reviews import service, store
from tests.catalog_fixtures import build_catalog, create_cz_and_sk, product_payload
from tests.helpers import AwsCalls, auth, body, call, make_user, table_items

REVIEW_KEYS = ["token", "safe_deleted", "create_at", "rating", "comment", "country", "product_variant", "product",
               "order"]
ZEROS = {"average_rating": 0.0, "total_reviews": 0, "1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


def review_items() -> list[dict]:
    """The items this package writes (reviews, product copies, summaries, claims)."""
    return [item for item in table_items() if item["PK"].startswith(("REVIEW", "UNIQUE#REVIEW#"))]


@pytest.fixture
def shop(client, built_once):
    """Countries CZ and SK, two products (Heat: HEAT-EN, HEAT-CS; Alien: ALIEN-EN, ALIEN-CS)."""
    def build() -> dict:
        ids = build_catalog()
        create_cz_and_sk()
        heat = products.create_product(PRODUCT.validate(product_payload(ids, sku_prefix="HEAT", title="Heat")))
        alien = products.create_product(PRODUCT.validate(product_payload(ids, sku_prefix="ALIEN", title="Alien")))
        return {"heat": int(heat["id"]), "alien": int(alien["id"])}

    return built_once("reviews shop", build)  # written once per worker, then restored


def put_order(lines: list[tuple[int, str]], *, status: str = "SHIPPED", country: str | None = "CZ") -> str:
    """An order item with the given (product id, sku) lines, as checkout would have written it."""
    token = str(uuid.uuid4())
    db.put("main", {
        **order_key(token), "token": token, "status": status, "country": country,
        "create_at": "2024-05-01T10:00:00+00:00", "customer_email": "buyer@example.com",
        "lines": [{"id": index + 1, "product_id": product_id, "sku": sku, "quantity": 1}
                  for index, (product_id, sku) in enumerate(lines)],
    })
    return token


def payload(order: str, product_id: int, sku: str, /, **fields) -> dict:
    return {"order": order, "product_id": product_id, "product_variant_sku": sku, "rating": 80,
            "comment": "nice", "country": "CZ", **fields}


def post_review(client, data: dict):
    return call(client, "POST", "/review/storefront/create/", data)


def review(client, order: str, product_id: int, sku: str, /, **fields) -> None:
    response = post_review(client, payload(order, product_id, sku, **fields))
    assert response.status_code == 201, response.body


@pytest.fixture
def moderator(client):
    make_user("moderator@example.com", "pw", staff=True, permissions=("review_change_permission",))
    return auth("moderator@example.com")


def all_reviews(client, headers) -> list[dict]:
    response = call(client, "GET", "/review/dashboard/", headers=headers)
    assert response.status_code == 200
    return body(response)


def rating(client, product_id: int) -> dict:
    response = call(client, "GET", f"/review/product-rating/{product_id}")
    assert response.status_code == 200
    return body(response)


# --- R1 create ------------------------------------------------------------------------------------

def test_r1_create_is_201_empty_and_r3_r5_show_the_contract_shape(client, shop, staff):
    order = put_order([(shop["heat"], "HEAT-EN")])
    response = post_review(client, payload(order, shop["heat"], "HEAT-EN", comment="Great film"))
    assert response.status_code == 201
    assert response.body in (b"", "")

    (listed,) = all_reviews(client, staff)
    assert list(listed) == REVIEW_KEYS
    assert listed["safe_deleted"] is False
    assert {k: listed[k] for k in ("rating", "comment", "country", "product_variant", "product", "order")} == {
        "rating": 80, "comment": "Great film", "country": "CZ", "product_variant": "HEAT-EN",
        "product": shop["heat"], "order": order}
    assert str(uuid.UUID(listed["token"])) == listed["token"]
    assert listed["create_at"].endswith("+00:00")

    detail = call(client, "GET", f"/review/dashboard/{listed['token']}", headers=staff)  # R3, no slash
    assert detail.status_code == 200
    assert body(detail) == listed


def test_r1_accepts_what_the_storefront_sends(client, shop, staff):
    """Half stars (multiples of 10), 0 for cleared stars, an empty comment, no country cookie (the
    order's country is used), a lower-case country code and an upper-case order token."""
    order = put_order([(shop["heat"], "HEAT-EN"), (shop["heat"], "HEAT-CS"), (shop["alien"], "ALIEN-EN")],
                      country="SK")
    review(client, order, shop["heat"], "HEAT-EN", rating=90, comment="")
    without_country = payload(order, shop["heat"], "HEAT-CS", rating=0)
    del without_country["country"]
    assert post_review(client, without_country).status_code == 201
    review(client, order.upper(), shop["alien"], "ALIEN-EN", rating="70", country="cz", comment=None)

    stored = {r["product_variant"]: r for r in all_reviews(client, staff)}
    assert {sku: (r["rating"], r["country"], r["comment"], r["order"]) for sku, r in stored.items()} == {
        "HEAT-EN": (90, "CZ", "", order), "HEAT-CS": (0, "SK", "nice", order), "ALIEN-EN": (70, "CZ", "", order)}


@pytest.mark.parametrize("value", [-10, 110, 15, 85, 80.5, "eighty", True, None, [], ""])
def test_r1_rating_must_be_an_int_0_to_100_in_steps_of_10(client, shop, value):
    order = put_order([(shop["heat"], "HEAT-EN")])
    before = table_items()
    response = post_review(client, payload(order, shop["heat"], "HEAT-EN", rating=value))
    assert response.status_code == 400
    assert list(body(response)) == ["rating"]
    assert table_items() == before


@pytest.mark.parametrize("field,value", [
    ("order", "not-a-uuid"), ("order", None), ("product_id", "abc"), ("product_id", 0),
    ("product_variant_sku", ""), ("product_variant_sku", "X" * 256), ("country", "CZE"), ("country", "C1"),
    ("country", "XX"), ("comment", "x" * 10_001), ("comment", {"text": "hi"}),
])
def test_r1_bad_input_is_400_naming_the_field(client, shop, field, value):
    order = put_order([(shop["heat"], "HEAT-EN")])
    before = table_items()
    response = post_review(client, payload(order, shop["heat"], "HEAT-EN", **{field: value}))
    assert response.status_code == 400, response.body
    assert list(body(response)) == [field]
    assert table_items() == before


@pytest.mark.parametrize("field", ["order", "product_id", "product_variant_sku", "rating"])
def test_r1_missing_field_is_400_naming_it(client, shop, field):
    order = put_order([(shop["heat"], "HEAT-EN")])
    data = payload(order, shop["heat"], "HEAT-EN")
    del data[field]
    response = post_review(client, data)
    assert response.status_code == 400
    assert body(response) == {field: ["This field is required."]}


def test_r1_no_country_anywhere_is_400(client, shop):
    order = put_order([(shop["heat"], "HEAT-EN")], country=None)
    response = post_review(client, payload(order, shop["heat"], "HEAT-EN", country=None))
    assert response.status_code == 400
    assert body(response) == {"country": ["This field is required."]}


def test_r1_unknown_order_product_or_variant_is_404_empty(client, shop):
    order = put_order([(shop["heat"], "HEAT-EN")])
    before = table_items()
    cases = [
        payload(str(uuid.uuid4()), shop["heat"], "HEAT-EN"),  # no such order
        payload(order, 999, "HEAT-EN"),  # no such product (500 in the original)
        payload(order, shop["heat"], "NOPE-1"),  # no such variant
        payload(order, shop["heat"], "ALIEN-EN"),  # a variant, but of another product
    ]
    for data in cases:
        response = post_review(client, data)
        assert response.status_code == 404, data
        assert response.body in (b"", "")
    assert table_items() == before


def test_r1_deleted_product_is_404(client, shop):
    order = put_order([(shop["heat"], "HEAT-EN")])
    products.delete_product(shop["heat"])
    assert post_review(client, payload(order, shop["heat"], "HEAT-EN")).status_code == 404


@pytest.mark.parametrize("status", ["PENDING", "PROCESSING", "CANCELLED"])
def test_r1_order_not_shipped_is_403_empty(client, shop, status):
    order = put_order([(shop["heat"], "HEAT-EN")], status=status)
    before = table_items()
    response = post_review(client, payload(order, shop["heat"], "HEAT-EN"))
    assert response.status_code == 403
    assert response.body in (b"", "")
    assert table_items() == before


def test_r1_variant_not_bought_in_that_order_is_403_with_a_message(client, shop):
    order = put_order([(shop["heat"], "HEAT-EN")])
    before = table_items()
    for product_id, sku in ((shop["heat"], "HEAT-CS"), (shop["alien"], "ALIEN-EN")):
        response = post_review(client, payload(order, product_id, sku))
        assert response.status_code == 403
        assert body(response) == {"error": service.NOT_A_BUYER}
    assert table_items() == before


def test_r1_one_review_per_variant_and_order(client, shop, staff):
    first = put_order([(shop["heat"], "HEAT-EN"), (shop["heat"], "HEAT-CS")])
    second = put_order([(shop["heat"], "HEAT-EN")])
    review(client, first, shop["heat"], "HEAT-EN")
    again = post_review(client, payload(first, shop["heat"], "HEAT-EN", rating=10, comment="changed my mind"))
    assert again.status_code == 403
    assert again.body in (b"", "")
    review(client, first, shop["heat"], "HEAT-CS")  # another variant of the same order
    review(client, second, shop["heat"], "HEAT-EN")  # the same variant bought again in another order
    assert len(all_reviews(client, staff)) == 3
    assert rating(client, shop["heat"])["total_reviews"] == 3


def test_r1_concurrent_posts_of_one_review_give_exactly_one_201(client, shop, staff):
    order = put_order([(shop["heat"], "HEAT-EN")])
    data = payload(order, shop["heat"], "HEAT-EN")
    start = threading.Barrier(10)
    statuses: list[int] = []

    # Chalice keeps the current request on the app object, shared by the threads; every thread posts
    # the same body, so whichever request a handler picks up, it is this one.
    def post():
        start.wait()
        statuses.append(post_review(client, data).status_code)

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [403] * 9
    assert len(all_reviews(client, staff)) == 1
    assert rating(client, shop["heat"]) == {**ZEROS, "average_rating": 80.0, "total_reviews": 1, "4": 1}


def test_r1_order_leaving_shipped_during_the_request_is_403(client, shop, monkeypatch):
    """The status is checked again inside the write transaction: a cancellation that lands between the
    read and the write wins."""
    order = put_order([(shop["heat"], "HEAT-EN")])
    from chalicelib.orders import store as orders

    read = orders.get_order

    def read_then_cancel(token):
        item = read(token)
        db.update("main", order_key(token), set_fields={"status": "CANCELLED"})
        return item

    monkeypatch.setattr(orders, "get_order", read_then_cancel)
    assert post_review(client, payload(order, shop["heat"], "HEAT-EN")).status_code == 403
    assert review_items() == []


def test_r1_transaction_conflict_is_retried(client, shop, monkeypatch):
    """Two reviews of one product both change its summary; DynamoDB cancels one of two such
    transactions with TransactionConflict, and the create tries again."""
    order = put_order([(shop["heat"], "HEAT-EN")])
    real = db.transact
    attempts = []

    def conflict_once(operations):
        attempts.append(len(operations))
        if len(attempts) == 1:
            raise db.TransactionFailed(["None", "None", "None", "None", "TransactionConflict"])
        return real(operations)

    monkeypatch.setattr(db, "transact", conflict_once)
    assert post_review(client, payload(order, shop["heat"], "HEAT-EN")).status_code == 201
    assert len(attempts) == 2
    assert rating(client, shop["heat"])["total_reviews"] == 1


def test_r1_persistent_conflict_is_409_and_writes_nothing(client, shop, monkeypatch):
    order = put_order([(shop["heat"], "HEAT-EN")])
    before = table_items()
    monkeypatch.setattr(write.time, "sleep", lambda _seconds: None)  # the retry's pause (write.retrying)

    def always_conflict(operations):
        raise db.TransactionFailed(["None"] * len(operations[:-1]) + ["TransactionConflict"])

    monkeypatch.setattr(db, "transact", always_conflict)
    response = post_review(client, payload(order, shop["heat"], "HEAT-EN"))
    assert response.status_code == 409
    assert body(response) == {"error": service.CONFLICT}
    assert table_items() == before


def test_r1_stays_within_its_call_budget(client, shop):
    order = put_order([(shop["heat"], "HEAT-EN")])
    with AwsCalls() as calls:
        review(client, order, shop["heat"], "HEAT-EN")
    made = calls.operations
    # order, product, country, and the one transaction
    assert made == ["GetItem", "GetItem", "GetItem", "TransactWriteItems"]


# --- R2 storefront list ---------------------------------------------------------------------------

def test_r2_reviews_of_a_product_in_a_country_newest_first(client, shop):
    orders = [put_order([(shop["heat"], "HEAT-EN"), (shop["alien"], "ALIEN-EN")]) for _ in range(3)]
    review(client, orders[0], shop["heat"], "HEAT-EN", comment="first")
    review(client, orders[1], shop["heat"], "HEAT-EN", comment="second")
    review(client, orders[2], shop["heat"], "HEAT-EN", comment="slovak", country="SK")
    review(client, orders[0], shop["alien"], "ALIEN-EN", comment="other product")

    response = call(client, "GET", f"/review/storefront/{shop['heat']}/CZ")  # no slash, as the storefront calls it
    assert response.status_code == 200
    listed = body(response)
    assert [r["comment"] for r in listed] == ["second", "first"]
    public_keys = [key for key in REVIEW_KEYS if key != "order"]
    assert all(list(r) == public_keys and r["product"] == shop["heat"] for r in listed)
    # An order token opens the shopper's order page, cart, address and complaint form: never public.
    assert not any(order in response.body.decode() for order in orders)
    assert [r["comment"] for r in body(call(client, "GET", f"/review/storefront/{shop['heat']}/SK/"))] == ["slovak"]
    assert [r["comment"] for r in body(call(client, "GET", f"/review/storefront/{shop['alien']}/CZ/"))] == [
        "other product"]


@pytest.mark.parametrize("path", ["/review/storefront/999/CZ/", "/review/storefront/abc/CZ/",
                                  "/review/storefront/1/AT/", "/review/storefront/1/%23/"])
def test_r2_nothing_to_show_is_an_empty_list(client, shop, path):
    order = put_order([(shop["heat"], "HEAT-EN")])
    review(client, order, shop["heat"], "HEAT-EN")
    response = call(client, "GET", path.replace("/1/", f"/{shop['heat']}/"))
    assert response.status_code == 200
    assert body(response) == []


def test_r2_is_one_query(client, shop):
    order = put_order([(shop["heat"], "HEAT-EN")])
    review(client, order, shop["heat"], "HEAT-EN")
    with AwsCalls() as calls:
        assert len(body(call(client, "GET", f"/review/storefront/{shop['heat']}/CZ/"))) == 1
    made = calls.operations
    assert made == ["Query"]


# --- R3 / R5 dashboard reads ----------------------------------------------------------------------

def test_r5_all_reviews_newest_first(client, shop, staff):
    assert all_reviews(client, staff) == []
    order = put_order([(shop["heat"], "HEAT-EN"), (shop["heat"], "HEAT-CS"), (shop["alien"], "ALIEN-CS")])
    review(client, order, shop["heat"], "HEAT-EN", comment="a")
    review(client, order, shop["alien"], "ALIEN-CS", comment="b", country="SK")
    review(client, order, shop["heat"], "HEAT-CS", comment="c")
    listed = all_reviews(client, staff)
    assert [r["comment"] for r in listed] == ["c", "b", "a"]
    response = call(client, "GET", "/review/dashboard", headers=staff)  # no slash
    assert body(response) == listed


@pytest.mark.parametrize("token", ["0f6b2c1e-8d7a-4a57-9a3e-2f1c5b7d9e01", "not-a-token"])
def test_r3_unknown_review_is_404_empty(client, shop, staff, token):
    response = call(client, "GET", f"/review/dashboard/{token}/", headers=staff)
    assert response.status_code == 404
    assert response.body in (b"", "")


# --- R4 delete ------------------------------------------------------------------------------------

def test_r4_delete_removes_it_everywhere_and_frees_the_variant(client, shop, staff, moderator):
    order = put_order([(shop["heat"], "HEAT-EN")])
    review(client, order, shop["heat"], "HEAT-EN", rating=100)
    token = all_reviews(client, staff)[0]["token"]

    response = call(client, "DELETE", f"/review/dashboard/{token}", headers=moderator)  # no slash
    assert response.status_code == 204
    assert response.body in (b"", "")
    assert call(client, "GET", f"/review/dashboard/{token}/", headers=staff).status_code == 404
    assert all_reviews(client, staff) == []
    assert body(call(client, "GET", f"/review/storefront/{shop['heat']}/CZ/")) == []
    assert rating(client, shop["heat"]) == ZEROS
    again = call(client, "DELETE", f"/review/dashboard/{token}/", headers=moderator)
    assert again.status_code == 404 and again.body in (b"", "")

    # Kept in the table, marked, for the record.
    kept = db.get("main", store.review_key(token))
    assert kept["safe_deleted"] is True and kept["GSI1PK"] == store.DELETED_LIST

    # The buyer may review that variant again (a deleted review does not exist for the API).
    review(client, order, shop["heat"], "HEAT-EN", rating=40)
    assert rating(client, shop["heat"]) == {**ZEROS, "average_rating": 40.0, "total_reviews": 1, "2": 1}


@pytest.mark.parametrize("token", ["0f6b2c1e-8d7a-4a57-9a3e-2f1c5b7d9e01", "nope"])
def test_r4_unknown_review_is_404(client, shop, moderator, token):
    response = call(client, "DELETE", f"/review/dashboard/{token}/", headers=moderator)
    assert response.status_code == 404


def test_r4_concurrent_deletes_count_once(client, shop, staff, moderator):
    order = put_order([(shop["heat"], "HEAT-EN"), (shop["heat"], "HEAT-CS")])
    review(client, order, shop["heat"], "HEAT-EN", rating=100)
    review(client, order, shop["heat"], "HEAT-CS", rating=60)
    token = next(r["token"] for r in all_reviews(client, staff) if r["product_variant"] == "HEAT-EN")
    start = threading.Barrier(6)
    results: list[bool] = []

    def delete():
        start.wait()
        results.append(service.delete_review(token))

    threads = [threading.Thread(target=delete) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    assert rating(client, shop["heat"]) == {**ZEROS, "average_rating": 60.0, "total_reviews": 1, "3": 1}


# --- R6 product rating ----------------------------------------------------------------------------

def test_r6_no_reviews_is_all_zeros(client, shop):
    assert rating(client, shop["heat"]) == ZEROS
    assert rating(client, 999) == ZEROS
    assert body(call(client, "GET", "/review/product-rating/abc")) == ZEROS


def test_r6_contract_example(client, shop):
    order = put_order([(shop["heat"], "HEAT-EN")])
    review(client, order, shop["heat"], "HEAT-EN", rating=80)
    response = call(client, "GET", f"/review/product-rating/{shop['heat']}")  # no slash, as the storefront
    assert response.status_code == 200
    assert body(response) == {"average_rating": 80.0, "total_reviews": 1, "1": 0, "2": 0, "3": 0, "4": 1, "5": 0}
    assert '"average_rating":80.0' in (response.body.decode() if isinstance(response.body, bytes) else response.body)


def test_r6_buckets_and_mean_after_creates_and_deletes(client, shop, staff, moderator):
    ratings = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 100]
    orders = [put_order([(shop["heat"], "HEAT-EN")]) for _ in ratings]
    for order, value in zip(orders, ratings, strict=True):
        review(client, order, shop["heat"], "HEAT-EN", rating=value)
    # 0 (cleared stars) counts in the total and the mean, in no bucket
    assert rating(client, shop["heat"]) == {"average_rating": sum(ratings) / 12, "total_reviews": 12,
                                            "1": 2, "2": 2, "3": 2, "4": 2, "5": 3}
    assert rating(client, shop["alien"]) == ZEROS

    by_rating = {r["rating"]: r["token"] for r in all_reviews(client, staff)}
    for value in (100, 0, 30):
        assert call(client, "DELETE", f"/review/dashboard/{by_rating[value]}/", headers=moderator).status_code == 204
    left = [10, 20, 40, 50, 60, 70, 80, 90, 100]
    assert rating(client, shop["heat"]) == {"average_rating": sum(left) / 9, "total_reviews": 9,
                                            "1": 2, "2": 1, "3": 2, "4": 2, "5": 2}


def test_r6_is_one_get_item(client, shop):
    order = put_order([(shop["heat"], "HEAT-EN")])
    review(client, order, shop["heat"], "HEAT-EN")
    with AwsCalls() as calls:
        assert rating(client, shop["heat"])["total_reviews"] == 1
    made = calls.operations
    assert made == ["GetItem"]


def test_bucket_rules():
    assert [service.bucket(value) for value in range(0, 101, 10)] == [
        None, "1", "1", "2", "2", "3", "3", "4", "4", "5", "5"]
    assert service.bucket(15) == "1" and service.bucket(99) == "5"  # imported in-between values


def test_product_ratings_for_several_products(client, shop):
    order = put_order([(shop["heat"], "HEAT-EN"), (shop["alien"], "ALIEN-EN")])
    review(client, order, shop["heat"], "HEAT-EN", rating=60)
    review(client, order, shop["alien"], "ALIEN-EN", rating=100)
    assert service.product_ratings([shop["heat"], shop["alien"], 999]) == {
        shop["heat"]: {**ZEROS, "average_rating": 60.0, "total_reviews": 1, "3": 1},
        shop["alien"]: {**ZEROS, "average_rating": 100.0, "total_reviews": 1, "5": 1},
        999: ZEROS,
    }


# --- access ---------------------------------------------------------------------------------------

def test_r3_r4_r5_access(client, shop, staff, moderator):
    order = put_order([(shop["heat"], "HEAT-EN")])
    review(client, order, shop["heat"], "HEAT-EN")
    token = all_reviews(client, staff)[0]["token"]
    make_user("shopper@example.com", "pw")
    shopper = auth("shopper@example.com")

    for method, path in (("GET", "/review/dashboard/"), ("GET", f"/review/dashboard/{token}/"),
                         ("DELETE", f"/review/dashboard/{token}/")):
        response = call(client, method, path)
        assert response.status_code == 401
        assert body(response) == {"detail": "Authentication credentials were not provided."}
        response = call(client, method, path, headers=shopper)
        assert response.status_code == 403
        assert body(response) == "User doesnt have permission"
    # staff reads, but deleting needs review_change_permission
    assert call(client, "DELETE", f"/review/dashboard/{token}/", headers=staff).status_code == 403
    assert len(all_reviews(client, staff)) == 1
    make_user("admin@example.com", "pw", admin=True)
    assert call(client, "DELETE", f"/review/dashboard/{token}/", headers=auth("admin@example.com")).status_code == 204


def test_public_routes_take_a_shopper_and_reject_a_bad_token(client, shop):
    order = put_order([(shop["heat"], "HEAT-EN")])
    make_user("shopper@example.com", "pw")
    response = call(client, "POST", "/review/storefront/create/", payload(order, shop["heat"], "HEAT-EN"),
                    headers=auth("shopper@example.com"))
    assert response.status_code == 201
    bad = {"Authorization": "JWT not.a.token"}
    for method, path in (("GET", f"/review/storefront/{shop['heat']}/CZ/"),
                         ("GET", f"/review/product-rating/{shop['heat']}/"),
                         ("POST", "/review/storefront/create/")):
        response = call(client, method, path, {}, headers=bad)
        assert response.status_code == 401
        assert body(response)["code"] == "token_not_valid"
