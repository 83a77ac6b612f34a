"""RS1 (shopper events), RS4 (schedule training) and RS5 (RS config): validated, queued through the outbox
and delivered to the recommender by the notification flow; never a storefront failure."""

from __future__ import annotations

import logging

import pytest
from botocore.exceptions import ClientError

from chalicelib.core.store import db
from tests.helpers import auth, body, call, make_user
from tests.recommender.conftest import deliver_outbox, outbox_events

ENTER = {"session_id": "s-1", "product_id": 1, "product_variant_sku": "F1-EN"}


def post_event(client, event, payload, headers=None):
    return call(client, "POST", f"/recommender/storefront/{event}/", payload, headers=headers)


# --- RS1 ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("event", ["NOPE", "ORDER", "product_detail_enter"])
def test_unknown_event_is_404(client, event):
    response = post_event(client, event, {"data": ENTER})
    assert response.status_code == 404
    assert body(response) == {"message": "Unknown event!"}


def test_without_a_recommender_it_is_a_logged_no_op(client, caplog):
    caplog.set_level(logging.INFO, logger="ecoseller.recommender")
    response = post_event(client, "PRODUCT_DETAIL_ENTER", {"data": ENTER})
    assert response.status_code == 201 and response.body in (b"", "")
    assert outbox_events() == []
    assert "not recorded: recommender not configured (RS_URL is empty)" in caplog.text


def test_disabled_recommender_is_a_no_op_too(client, fake_rs, monkeypatch):
    monkeypatch.setenv("RS_ENABLED", "false")
    assert post_event(client, "PRODUCT_ADD_TO_CART", {"data": ENTER}).status_code == 201
    assert outbox_events() == []


def test_event_is_queued_with_user_and_model_class(client, fake_rs):
    response = post_event(client, "PRODUCT_DETAIL_LEAVE", {"data": {**ENTER, "time_spent": 12.5,
                                                                    "user_id": "someone@else.com",
                                                                    "_model_class": "Order"}})
    assert response.status_code == 201
    [event] = outbox_events()
    assert event["type"] == "PRODUCT_DETAIL_LEAVE"
    # A single object becomes a list of one; the caller cannot choose the user or the model class.
    assert event["payload"] == [{**ENTER, "time_spent": 12.5, "user_id": None, "_model_class": "ProductDetailLeave"}]
    assert fake_rs.requests == []  # the shopper's request never waits on the RS


def test_logged_in_shopper_is_sent_as_email_not_a_crash(client, fake_rs):
    make_user("shopper@example.com", "pw")
    items = [{**ENTER, "position": 0, "recommendation_type": "HOMEPAGE", "model_identifier": "m-1",
              "model_name": "popularity", "extra": {"kept": True}},
             {"session_id": "s-1", "product_id": "2", "product_variant_sku": "F2-EN", "position": 1}]
    response = post_event(client, "RECOMMENDATION_VIEW", {"data": items}, headers=auth("shopper@example.com"))
    assert response.status_code == 201
    [event] = outbox_events()
    assert [i["user_id"] for i in event["payload"]] == ["shopper@example.com"] * 2
    assert event["payload"][0]["extra"] == {"kept": True}  # keys the core does not know pass through
    assert event["payload"][1]["product_id"] == 2  # normalized


def test_events_reach_the_recommender_through_the_notification_flow(client, fake_rs):
    assert post_event(client, "PRODUCT_ADD_TO_CART", {"data": [ENTER]}).status_code == 201
    assert deliver_outbox() == ["SUCCEEDED"]
    assert fake_rs.paths() == ["POST /store_objects"]
    assert fake_rs.requests[0].body == [{**ENTER, "user_id": None, "_model_class": "ProductAddToCart"}]


def test_a_webhook_on_the_trigger_records_events_without_a_recommender(client, monkeypatch, tmp_path):
    path = tmp_path / "notifications.json"
    path.write_text('{"PRODUCT_DETAIL_ENTER": [{"type": "HTTP", "method": "POST", "url": "http://127.0.0.1:9/x"}]}')
    monkeypatch.setenv("NOTIFICATIONS_CONFIG_PATH", str(path))
    assert post_event(client, "PRODUCT_DETAIL_ENTER", {"data": ENTER}).status_code == 201
    assert [e["type"] for e in outbox_events()] == ["PRODUCT_DETAIL_ENTER"]


@pytest.mark.parametrize(("payload", "error"), [
    ({}, {"data": ["This field is required."]}),
    ([ENTER], {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    ({"data": "x"}, {"data": ["Expected an event object or a list of them."]}),
    ({"data": None}, {"data": ["Expected an event object or a list of them."]}),
    ({"data": [ENTER, 5]}, {"data": {"1": ["Expected an event object."]}}),
    ({"data": {**ENTER, "product_id": "abc"}}, {"data": {"product_id": ["A valid integer is required."]}}),
    ({"data": [ENTER, {**ENTER, "time_spent": "long"}]},
     {"data": {"1": {"time_spent": ["A valid number is required."]}}}),
    ({"data": [ENTER] * 101}, {"data": ["Send at most 100 events at once."]}),
])
def test_bad_bodies_are_400_naming_the_field_and_record_nothing(client, fake_rs, payload, error):
    response = post_event(client, "PRODUCT_DETAIL_ENTER", payload)
    assert response.status_code == 400
    assert body(response) == error
    assert outbox_events() == []


def test_invalid_json_is_400(client, fake_rs):
    response = call(client, "POST", "/recommender/storefront/PRODUCT_DETAIL_ENTER/", raw="{nope")
    assert response.status_code == 400 and "JSON parse error" in body(response)["detail"]


def test_an_empty_list_records_nothing(client, fake_rs):
    assert post_event(client, "PRODUCT_DETAIL_ENTER", {"data": []}).status_code == 201
    assert outbox_events() == []


def test_a_storage_fault_does_not_fail_the_storefront(client, fake_rs, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                          "PutItem")

    monkeypatch.setattr(db, "put", broken)
    assert post_event(client, "PRODUCT_DETAIL_ENTER", {"data": ENTER}).status_code == 201
    assert "lost: ClientError" in caplog.text


# --- RS4 / RS5 -----------------------------------------------------------------------------------------

TRAINING = "/recommender/dashboard/recommender-system/schedule-training"
CONFIG = "/recommender/dashboard/recommender-system/config/"


@pytest.fixture
def manager(client):
    make_user("rs@example.com", "pw", staff=True, permissions=("notification_change_permission",))
    return auth("rs@example.com")


def test_dashboard_writes_need_the_permission(client):
    make_user("staff@example.com", "pw", staff=True, permissions=("product_change_permission",))
    for method, path in (("POST", TRAINING), ("PUT", CONFIG)):
        assert call(client, method, path, {"model_name": "ease"}).status_code == 401
        forbidden = call(client, method, path, {"model_name": "ease"}, headers=auth("staff@example.com"))
        assert forbidden.status_code == 403 and body(forbidden) == "User doesnt have permission"
    assert outbox_events() == []


def test_schedule_training_queues_a_trainer_item(client, manager, fake_rs):
    response = call(client, "POST", TRAINING + "/", {"model_name": "gru4rec"}, headers=manager)
    assert response.status_code == 200 and body(response) == {}
    [event] = outbox_events()
    assert event["type"] == "RECOMMENDER_TRAINER_QUEUE_ITEM_SAVE"
    assert event["payload"] == {"_model_class": "TrainerQueueItem", "model_name": "gru4rec"}
    assert deliver_outbox() == ["SUCCEEDED"]
    assert fake_rs.paths() == ["POST /store_object"]
    assert fake_rs.requests[0].body == {"_model_class": "TrainerQueueItem", "model_name": "gru4rec"}


@pytest.mark.parametrize(("payload", "error"), [
    ({}, {"model_name": ["This field is required."]}),
    ({"model_name": ""}, {"model_name": ["This field may not be blank."]}),
    ({"model_name": ["ease"]}, {"model_name": ["Not a valid string."]}),
])
def test_schedule_training_bad_input(client, manager, payload, error):
    response = call(client, "POST", TRAINING, payload, headers=manager)
    assert response.status_code == 400 and body(response) == error
    assert outbox_events() == []


def test_config_is_sent_with_its_model_class(client, manager, fake_rs):
    rs_config = {"retrievalSize": 1000, "orderingSize": "50", "models_disabled": {"ease": True},
                 "homepageRetrievalCascade": ["popularity", "dummy"], "easeConfig": {"l2Options": [0.1, 1]},
                 "gru4recConfig": {"numEpochsOptions": [3]}, "somethingNew": 1}
    response = call(client, "PUT", CONFIG, rs_config, headers=manager)
    assert response.status_code == 200 and body(response) == {}
    [event] = outbox_events()
    assert event["type"] == "RECOMMENDER_CONFIG_SAVE"
    assert event["payload"] == {**rs_config, "orderingSize": 50, "_model_class": "Config"}
    assert deliver_outbox() == ["SUCCEEDED"]
    assert fake_rs.requests[0].path == "/store_object" and fake_rs.requests[0].body["_model_class"] == "Config"


@pytest.mark.parametrize(("payload", "field"), [
    ({"retrievalSize": "many"}, "retrievalSize"),
    ({"orderingSize": 0}, "orderingSize"),
    ({"models_disabled": {"ease": "maybe"}}, "models_disabled"),
    ({"cartScoringCascade": "ease"}, "cartScoringCascade"),
    ({"easeConfig": [1]}, "easeConfig"),
])
def test_config_bad_input_names_the_field(client, manager, payload, field):
    response = call(client, "PUT", CONFIG, payload, headers=manager)
    assert response.status_code == 400 and list(body(response)) == [field]
    assert outbox_events() == []


def test_config_must_be_an_object(client, manager):
    response = call(client, "PUT", CONFIG, [1, 2], headers=manager)
    assert response.status_code == 400 and "non_field_errors" in body(response)
