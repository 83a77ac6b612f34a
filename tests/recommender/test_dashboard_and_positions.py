"""RS3 (the recommender's dashboard data, passed through) and the category positions used for
`sort_by=recommended`."""

from __future__ import annotations

import pytest

from chalicelib.recommender import client as rs_client
from chalicelib.recommender.positions import product_positions, ranked
from tests.helpers import auth, body, call, make_user

DASHBOARD = "/recommender/dashboard/recommender-system"
DATES = "date_from=2023-08-01T00:00:00.000Z&date_to=2023-08-31T23:59:59.999Z"


def test_dashboard_is_staff_only(client):
    assert call(client, "GET", f"{DASHBOARD}?{DATES}&page=performance").status_code == 401
    make_user("shopper@example.com", "pw")
    response = call(client, "GET", f"{DASHBOARD}?{DATES}&page=performance", headers=auth("shopper@example.com"))
    assert response.status_code == 403 and body(response) == "User doesnt have permission"


def test_dashboard_without_recommender_is_null(client, staff):
    response = call(client, "GET", f"{DASHBOARD}/?{DATES}&page=configuration", headers=staff)
    assert response.status_code == 200
    assert response.body == b"null" and response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(("query", "errors"), [
    ("page=training", {"date_from": ["This field is required."], "date_to": ["This field is required."]}),
    ("date_from=2023-08-01&page=training", {"date_to": ["This field is required."]}),
    (f"{DATES}", {"page": ["This field is required."]}),
    (f"{DATES}&page=secrets", {"page": ['"secrets" is not a valid choice.']}),
    ("date_from=yesterday&date_to=2023-08-31&page=training",
     {"date_from": ["Enter a valid ISO 8601 date-time, e.g. 2023-08-01T00:00:00.000Z."]}),
])
def test_dashboard_missing_or_bad_parameter_is_400_naming_it(client, staff, query, errors):
    response = call(client, "GET", f"{DASHBOARD}?{query}", headers=staff)
    assert response.status_code == 400 and body(response) == errors


def test_dashboard_passes_the_recommender_answer_through(client, staff, fake_rs):
    data = {"models": ["ease", "popularity"], "performance": {"coverage": 0.4}, "info": None}
    fake_rs.answers["/dashboard/performance"] = (200, data)
    response = call(client, "GET", f"{DASHBOARD}?{DATES}&page=performance", headers=staff)
    assert response.status_code == 200 and body(response) == data
    seen = fake_rs.last("/dashboard/performance")
    assert seen.method == "GET"
    assert seen.query == {"date_from": "2023-08-01T00:00:00.000Z", "date_to": "2023-08-31T23:59:59.999Z"}


def test_dashboard_recommender_failure_is_502(client, staff, fake_rs):
    fake_rs.answers["/dashboard/training"] = (500, {"trace": "internal"})
    response = call(client, "GET", f"{DASHBOARD}?{DATES}&page=training", headers=staff)
    assert response.status_code == 502 and body(response) == {"error": "The recommender system did not answer."}


# --- category positions (sort_by=recommended) -----------------------------------------------------------

def test_positions_without_recommender_are_none(aws):
    assert product_positions(3, "s-1", None) is None


def test_positions_from_the_recommender(aws, fake_rs):
    fake_rs.answers["/predict/product_positions"] = (200, {"5": 0, "2": 1, "x": 2, "7": "first", "9": 3.0})
    assert product_positions("3", "s-1", "shopper@example.com") == {5: 0, 2: 1, 9: 3}
    assert fake_rs.last("/predict/product_positions").body == {
        "recommendation_type": "CATEGORY_LIST", "category_id": 3, "session_id": "s-1",
        "user_id": "shopper@example.com"}


@pytest.mark.parametrize("answer", [(503, {}), (200, [1, 2]), (200, b"not json")])
def test_positions_on_failure_are_none(aws, fake_rs, answer):
    fake_rs.answers["/predict/product_positions"] = answer
    assert product_positions(3, None, None) is None


def test_positions_are_not_asked_while_the_recommender_cools_down(aws, fake_rs):
    fake_rs.answers["/predict"] = (500, {})
    with pytest.raises(rs_client.RecommenderError):
        rs_client.predict({"recommendation_type": "HOMEPAGE"})
    assert product_positions(3, None, None) is None
    assert fake_rs.paths() == ["POST /predict"]


def test_positions_for_a_non_numeric_category_are_none(aws, fake_rs):
    assert product_positions("abc", None, None) is None
    assert fake_rs.requests == []


def test_ranked_puts_products_without_a_position_last_in_their_order():
    assert ranked([1, 2, 3, 4, 5], {4: 0, 2: 1, 9: 2}) == [4, 2, 1, 3, 5]
    assert ranked([3, 1, 2], {1: 5, 2: 5}) == [1, 2, 3]  # ties keep the given order
    assert ranked([3, 1, 2], None) == [3, 1, 2] and ranked([3, 1], {}) == [3, 1]


def _category_page(client, shop, order: str | None = None, headers: dict | None = None) -> list[int]:
    path = f"/category/storefront/{shop['movies']}/products/?country=CZ&recommender_session_id=rs-42"
    response = call(client, "POST", path, {"sort_by": "recommended", "order": order}, headers=headers)
    assert response.status_code == 200, body(response)
    return [result["id"] for result in body(response)["results"]]


def test_category_page_sorted_by_the_recommenders_positions(client, shop, fake_rs):
    fake_rs.answers["/predict/product_positions"] = (200, {str(shop["ronin"]): 0, str(shop["heat"]): 1,
                                                           str(shop["fargo"]): 2})
    make_user("shopper@example.com", "pw")
    ranked_page = _category_page(client, shop, headers=auth("shopper@example.com"))
    # Positions first, the products the recommender did not rank after them in the default order.
    assert ranked_page == [shop["ronin"], shop["heat"], shop["fargo"], shop["alien"], shop["drive"]]
    assert fake_rs.last("/predict/product_positions").body == {
        "recommendation_type": "CATEGORY_LIST", "category_id": shop["movies"], "session_id": "rs-42",
        "user_id": "shopper@example.com"}
    assert _category_page(client, shop, order="desc") == list(reversed(ranked_page))
    assert fake_rs.last("/predict/product_positions").body["user_id"] is None  # anonymous


def test_category_page_sorted_by_recommended_without_recommender_keeps_the_default_order(client, shop):
    assert _category_page(client, shop) == sorted(shop[name] for name in ("heat", "alien", "ronin", "drive", "fargo"))
