"""The payment block of the storefront's order page (O10) and status changes, on moto: pay() once and
reused, status() at most every 30 seconds, events in the outbox exactly when the status changes."""

from __future__ import annotations

import copy
import json
import sys

import pytest

from chalicelib.core.http.errors import Conflict
from chalicelib.payments import config, service, store
from chalicelib.payments.base import PaymentStatus
from tests.payments.support import make_order, outbox_events, stored_order

API = "https://api.shop.example/api"

COUNTING_METHOD = '''
from chalicelib.payments.base import OnlinePaymentMethod, PaymentError

CALLS = {"pay": 0, "status": 0}
STATE = {"status": "PENDING", "fail": False}


class Counting(OnlinePaymentMethod):
    """A gateway whose state lives elsewhere (remote_status), counting how often it is asked."""

    def pay(self):
        CALLS["pay"] += 1
        if STATE["fail"]:
            raise PaymentError("gateway down")
        return {"payment_url": f"https://gw.example/{self.reference}?call={CALLS['pay']}",
                "payment_id": "GW-" + self.reference, "extra": 1.5}

    def status(self):
        CALLS["status"] += 1
        return STATE["status"]
'''


@pytest.fixture
def counting(aws, payments_config, tmp_path):
    (tmp_path / "counting.py").write_text(COUNTING_METHOD, encoding="utf-8")
    payments_config({"GW": {"implementation": "counting.py:Counting"},
                     "BANKTRANSFER_CZK": {"implementation": "chalicelib.payments.modules.BankTransfer.BankTransfer",
                                          "kwargs": {"iban": "CZ6508000000192000145399", "currency": "CZK"}}})
    return sys.modules[config.get("GW").cls.__module__]


def test_offline_method_has_no_payment_block(aws):
    for api_request in (None, "", "  "):
        order = make_order(api_request=api_request)
        assert service.payment_block(order, API) is None
        assert stored_order(order["token"])["version"] == 1  # nothing written


def test_bank_transfer_pays_once_and_reuses_the_stored_result(aws, clock):
    order = make_order(number=1042, total="1234.50")
    block = service.payment_block(order, API)
    assert block["status"] == "PENDING"
    data = block["data"]
    assert data["payment_type"] == "PayBySquareMethod" and data["payment_id"] == "1042"
    assert data["payment_data"]["amount"] == "1234.50" and data["payment_data"]["variable_symbol"] == "1042"

    item = stored_order(order["token"])
    assert item["payment_id"] == "1042" and item["version"] == 2
    record = item["payment"]
    assert {k: record[k] for k in ("status", "method", "payment_type", "payment_id")} == {
        "status": "PENDING", "method": "BANKTRANSFER_CZK", "payment_type": "PayBySquareMethod", "payment_id": "1042"}
    assert json.loads(record["data"])["qr_code"] == data["qr_code"]
    assert [h["status"] for h in record["history"]] == ["PENDING"]
    assert store.find_order_token("BANKTRANSFER_CZK", "1042") == order["token"]
    assert order["payment"] == record  # the caller's dict is updated in place

    clock.advance(3600)
    again = service.payment_block(item, API)
    assert again == block
    assert stored_order(order["token"])["version"] == 2  # read from the record, nothing written
    assert outbox_events() == []  # starting a payment is not a status change


def test_pay_runs_once_and_status_is_throttled_to_30_seconds(counting, clock):
    order = make_order(api_request="GW", number=5)
    first = service.payment_block(order, API)
    assert first == {"status": "PENDING", "data": {"payment_url": "https://gw.example/5?call=1",
                                                   "payment_id": "GW-5", "extra": 1.5,
                                                   "payment_type": "OnlinePaymentMethod"}}
    assert counting.CALLS == {"pay": 1, "status": 0}

    def read():
        return service.payment_block(stored_order(order["token"]), API)

    clock.advance(29)
    assert read() == first
    assert counting.CALLS == {"pay": 1, "status": 0}
    clock.advance(2)  # 31 s after pay(): due
    assert read() == first
    assert counting.CALLS == {"pay": 1, "status": 1}
    clock.advance(20)  # 20 s after that check: not due
    assert read() == first
    assert counting.CALLS == {"pay": 1, "status": 1}
    assert outbox_events() == []

    counting.STATE["status"] = "PAID"
    clock.advance(10)
    assert read() == {"status": "PAID"}
    assert counting.CALLS == {"pay": 1, "status": 2}
    clock.advance(3600)
    assert read() == {"status": "PAID"}
    assert counting.CALLS == {"pay": 1, "status": 2}  # PAID is final: nothing is asked any more

    events = outbox_events()
    assert [e["type"] for e in events] == ["PAYMENT_STATUS_CHANGED", "ORDER_FULLY_PAID"]
    assert events[0]["payload"] == {"order": order["token"], "payment_id": "GW-5", "status": "PAID",
                                    "previous_status": "PENDING", "method": "GW", "amount": "1234.50",
                                    "currency": "CZK"}
    history = stored_order(order["token"])["payment"]["history"]
    assert [(h["status"], h["source"]) for h in history] == [("PENDING", "pay"), ("PAID", "status")]


def test_two_first_reads_racing_store_one_result(counting, clock):
    order = make_order(api_request="GW", number=6)
    loaded_twice = copy.deepcopy(order)
    first = service.payment_block(order, API)
    second = service.payment_block(loaded_twice, API)  # read the order before the first stored
    assert counting.CALLS["pay"] == 2  # both asked the gateway...
    assert second == first  # ...but both answer with the one stored result
    assert first["data"]["payment_url"].endswith("call=1")
    assert loaded_twice["payment"] == stored_order(order["token"])["payment"]


def test_a_failing_gateway_leaves_the_order_page_working_and_retries(counting, clock):
    counting.STATE["fail"] = True
    order = make_order(api_request="GW")
    assert service.payment_block(order, API) == {"status": "PENDING", "data": None}
    assert stored_order(order["token"])["payment"] is None
    counting.STATE["fail"] = False
    assert service.payment_block(stored_order(order["token"]), API)["data"]["payment_id"] == "GW-1042"


def test_an_unconfigured_key_gives_an_empty_block(aws):
    order = make_order(api_request="NOT_IN_CONFIG")
    assert service.payment_block(order, API) == {"status": "PENDING", "data": None}
    assert stored_order(order["token"])["payment"] is None


def test_failed_keeps_the_payment_data_cancelled_shows_nothing_to_pay(aws, clock):
    order = make_order()
    pending = service.payment_block(order, API)
    service.change_status(order, PaymentStatus.FAILED, source="callback")
    failed = service.payment_block(stored_order(order["token"]), API)
    assert failed == {**pending, "status": "FAILED"}
    service.change_status(order, PaymentStatus.CANCELLED, source="dashboard")
    assert service.payment_block(stored_order(order["token"]), API) == {"status": "CANCELLED"}
    assert [e["payload"]["status"] for e in outbox_events("PAYMENT_STATUS_CHANGED")] == ["FAILED", "CANCELLED"]
    assert outbox_events("ORDER_FULLY_PAID") == []


def test_status_changes_are_idempotent_and_final_states_stick(aws, clock):
    order = make_order()
    service.payment_block(order, API)
    record, changed = service.change_status(order, PaymentStatus.PAID, source="callback")
    assert changed and record["status"] == "PAID"
    _record, changed = service.change_status(order, PaymentStatus.PAID, source="callback")
    assert not changed
    assert len(outbox_events("ORDER_FULLY_PAID")) == 1
    with pytest.raises(Conflict):
        service.change_status(order, PaymentStatus.FAILED, source="callback")
    record, changed = service.change_status(order, PaymentStatus.PENDING, source="dashboard", allow_final_change=True)
    assert changed and stored_order(order["token"])["payment"]["status"] == "PENDING"


def test_a_change_decided_on_a_stale_read_is_decided_again(aws, clock):
    order = make_order()
    service.payment_block(order, API)
    stale = copy.deepcopy(order)
    service.change_status(order, PaymentStatus.PAID, source="callback")
    # The stale copy still says PENDING: the conditional write fails, the order is read again, and
    # PAID -> PAID is no change: no second event.
    _record, changed = service.change_status(stale, PaymentStatus.PAID, source="gateway")
    assert not changed
    assert len(outbox_events("PAYMENT_STATUS_CHANGED")) == 1
    assert stale["payment"]["status"] == "PAID"


def test_marked_paid_before_the_payer_opened_the_page(aws, clock):
    """The dashboard can record a payment on an order whose payment never started; pay() later keeps it."""
    order = make_order()
    service.change_status(order, PaymentStatus.FAILED, source="dashboard")
    item = stored_order(order["token"])
    assert item["payment"]["status"] == "FAILED" and item["payment"]["method"] == "BANKTRANSFER_CZK"
    block = service.payment_block(item, API)
    assert block["status"] == "FAILED" and block["data"]["payment_id"] == "1042"
    record = stored_order(order["token"])["payment"]
    assert record["status"] == "FAILED" and [h["source"] for h in record["history"]] == ["dashboard"]
    assert record["payment_id"] == "1042"
    assert stored_order(order["token"])["version"] == 3  # each payment write bumps the order's version


def test_payment_summary_for_the_dashboard(aws, clock):
    order = make_order(total="99.99")
    assert service.payment_summary(order) == {
        "status": None, "method": "BANKTRANSFER_CZK", "payment_type": None, "payment_id": None,
        "amount": "99.99", "currency": "CZK", "create_at": None, "update_at": None, "checked_at": None,
        "history": []}
    service.payment_block(order, API)
    clock.advance(60)
    service.change_status(order, PaymentStatus.PAID, source="dashboard")
    summary = service.payment_summary(stored_order(order["token"]))
    assert summary["status"] == "PAID" and summary["payment_id"] == "1042"
    assert summary["payment_type"] == "PayBySquareMethod"
    assert [(h["status"], h["source"]) for h in summary["history"]] == [("PENDING", "pay"), ("PAID", "dashboard")]
    assert summary["history"][1]["at"] > summary["history"][0]["at"]


def test_a_key_removed_from_the_config_keeps_showing_what_was_started(counting, payments_config):
    order = make_order(api_request="GW")
    started = service.payment_block(order, API)
    payments_config({"OTHER": {"implementation": "chalicelib.payments.modules.TestGateway.TestGateway",
                               "kwargs": {"secret": "s" * 20}}}, name="later.json")
    assert service.payment_block(stored_order(order["token"]), API) == started
    fresh = make_order(api_request="GW", number=9)
    assert service.payment_block(fresh, API) == {"status": "PENDING", "data": None}


def test_the_events_match_the_published_payload_schemas(aws, clock):
    """The webhook consumers' contract (chalicelib/events/schemas.py), checked with jsonschema."""
    import jsonschema

    from chalicelib.events import schemas as payload_schemas

    order = make_order()
    service.change_status(order, PaymentStatus.FAILED, source="dashboard")  # no record yet: previous null
    service.payment_block(stored_order(order["token"]), API)
    service.change_status(stored_order(order["token"]), PaymentStatus.PAID, source="callback")
    events = outbox_events()
    assert [e["type"] for e in events] == ["PAYMENT_STATUS_CHANGED", "PAYMENT_STATUS_CHANGED", "ORDER_FULLY_PAID"]
    assert events[0]["payload"]["previous_status"] is None and events[0]["payload"]["payment_id"] is None
    for event in events:
        jsonschema.validate(event["payload"], payload_schemas.schema_for(event["type"]))
