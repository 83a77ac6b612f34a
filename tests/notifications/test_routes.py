"""Dashboard routes of the delivery log: list by status and trigger, detail, redeliver, test event."""

from __future__ import annotations

import pytest

from chalicelib.notifications.routes import CHANGE_PERMISSION
from tests.helpers import auth, body, call, make_user
from tests.notifications.conftest import put_event

HOOKS = {"ORDER_SAVE": [{"type": "HTTP", "method": "POST", "url": "${WEBHOOK_BASE_URL}/order"}],
         "CATEGORY_SAVE": [{"type": "HTTP", "method": "POST", "url": "${WEBHOOK_BASE_URL}/category",
                            "headers": {"Authorization": "Bearer secret"}}]}


@pytest.fixture
def staff(harness):
    make_user("staff@example.com", "pw", staff=True)
    make_user("ops@example.com", "pw", staff=True, permissions=(CHANGE_PERMISSION,))
    return {"read": auth("staff@example.com"), "write": auth("ops@example.com")}


@pytest.fixture
def hooks(harness, receiver, notification_env, monkeypatch):
    notification_env(HOOKS)
    monkeypatch.setenv("WEBHOOK_BASE_URL", receiver.url)
    return receiver


def test_list_by_status_and_trigger_with_detail(harness, hooks, staff):
    hooks.script = [400]
    put_event("ORDER_SAVE", {"token": "a"})
    harness.run()
    put_event("CATEGORY_SAVE", {"id": 1})
    put_event("ORDER_SAVE", {"token": "b"})
    harness.run()

    failed = body(call(harness.client, "GET", "/notifications/dashboard/deliveries", headers=staff["read"]))
    assert [(d["trigger"], d["status"], d["last_status_code"]) for d in failed["results"]] == [
        ("ORDER_SAVE", "FAILED", 400)]
    succeeded = body(call(harness.client, "GET", "/notifications/dashboard/deliveries?status=succeeded",
                          headers=staff["read"]))
    assert sorted(d["trigger"] for d in succeeded["results"]) == ["CATEGORY_SAVE", "ORDER_SAVE"]
    by_trigger = body(call(harness.client, "GET", "/notifications/dashboard/deliveries?trigger=ORDER_SAVE",
                           headers=staff["read"]))
    assert sorted(d["status"] for d in by_trigger["results"]) == ["FAILED", "SUCCEEDED"]
    both = body(call(harness.client, "GET",
                     "/notifications/dashboard/deliveries?trigger=ORDER_SAVE&status=SUCCEEDED",
                     headers=staff["read"]))
    assert [d["status"] for d in both["results"]] == ["SUCCEEDED"] and both["next_cursor"] is None

    delivery_id = failed["results"][0]["id"]
    detail = body(call(harness.client, "GET", f"/notifications/dashboard/deliveries/{delivery_id}",
                       headers=staff["read"]))
    assert detail["payload"] == {"token": "a"}
    assert [(a["attempt"], a["outcome"], a["status_code"]) for a in detail["attempt_log"]] == [(1, "FAILED", 400)]
    category = next(d for d in succeeded["results"] if d["trigger"] == "CATEGORY_SAVE")
    assert category["action"]["headers"] == {"Authorization": "***"}


def test_a_delivery_whose_target_is_down_is_listed_and_shown_as_documented(harness, notification_env, monkeypatch,
                                                                          staff):
    """No attempt has an HTTP status when the target refuses the connection: after the whole retry schedule (the
    harness drives its clock) the list and the detail say null, and every response here is checked against
    the OpenAPI document by the client fixture."""
    notification_env(HOOKS)
    monkeypatch.setenv("WEBHOOK_BASE_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    put_event("ORDER_SAVE", {"token": "down"})
    harness.run()

    listed = body(call(harness.client, "GET", "/notifications/dashboard/deliveries?trigger=ORDER_SAVE",
                       headers=staff["read"]))["results"]
    assert [(d["status"], d["last_status_code"], d["next_attempt_at"]) for d in listed] == [("FAILED", None, None)]
    assert listed[0]["attempts"] >= 8 and listed[0]["last_error"]
    detail = body(call(harness.client, "GET", f"/notifications/dashboard/deliveries/{listed[0]['id']}",
                       headers=staff["read"]))
    assert detail["payload"] == {"token": "down"}
    assert len(detail["attempt_log"]) == listed[0]["attempts"]
    assert not any("status_code" in attempt for attempt in detail["attempt_log"])


def test_pages_follow_the_cursor(harness, hooks, staff):
    for token in "abcde":
        put_event("ORDER_SAVE", {"token": token})
    harness.run()
    seen, cursor = [], None
    for _ in range(5):
        path = "/notifications/dashboard/deliveries?status=SUCCEEDED&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = body(call(harness.client, "GET", path, headers=staff["read"]))
        seen += [d["id"] for d in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 5


def test_redeliver_a_failed_delivery(harness, hooks, staff):
    hooks.script = [400]
    put_event("ORDER_SAVE", {"token": "a"})
    harness.run()
    (delivery,) = harness.deliveries()
    path = f"/notifications/dashboard/deliveries/{delivery['delivery_id']}/redeliver"
    assert call(harness.client, "POST", path, headers=staff["read"]).status_code == 403
    response = call(harness.client, "POST", path, headers=staff["write"])
    assert response.status_code == 202 and body(response)["status"] == "PENDING"
    assert call(harness.client, "POST", path, headers=staff["write"]).status_code == 409  # still in progress
    harness.run()
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "SUCCEEDED" and [e["status_code"] for e in delivery["log"]] == [400, 200]
    assert len(hooks.requests) == 2


def test_send_a_test_event_to_one_action(harness, hooks, staff):
    response = call(harness.client, "POST", "/notifications/dashboard/test",
                    {"trigger": "CATEGORY_SAVE", "action": 0, "payload": {"hello": "world"}}, headers=staff["write"])
    assert response.status_code == 200
    result = body(response)
    assert result["status"] == "SUCCEEDED" and result["test"] is True
    (request,) = hooks.requests
    assert request.path == "/category" and request.json() == {"hello": "world"}
    bad = call(harness.client, "POST", "/notifications/dashboard/test", {"trigger": "CATEGORY_SAVE", "action": 3},
               headers=staff["write"])
    assert bad.status_code == 400 and "action" in body(bad)


def test_unknown_delivery_and_bad_filters(harness, staff):
    assert call(harness.client, "GET", "/notifications/dashboard/deliveries/nope.0",
                headers=staff["read"]).status_code == 404
    assert call(harness.client, "GET", "/notifications/dashboard/deliveries?status=LOST",
                headers=staff["read"]).status_code == 400
    assert call(harness.client, "GET", "/notifications/dashboard/deliveries?cursor=%%%",
                headers=staff["read"]).status_code == 400


def test_config_is_shown_with_masked_headers(harness, hooks, staff):
    shown = body(call(harness.client, "GET", "/notifications/dashboard/config", headers=staff["read"]))
    assert shown["actions"]["CATEGORY_SAVE"][0]["headers"] == {"Authorization": "***"}
    assert "ORDER_FULLY_PAID" in shown["triggers"]
