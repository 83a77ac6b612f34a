"""Event names are checked when an event is written (issue 15, typed events): the outbox refuses a name outside
core/event_names.py, so a misspelt event fails the write that emits it instead of being dropped at dispatch."""

from __future__ import annotations

import pytest

from chalicelib.core import event_names, events


def test_an_unknown_event_name_is_refused_when_it_is_written():
    with pytest.raises(events.UnknownEvent, match="ORDER_SAVED"):
        events.outbox_put("ORDER_SAVED", {"token": "t"})


def test_a_batch_with_one_unknown_name_is_refused_whole():
    with pytest.raises(events.UnknownEvent, match="PRICE_SAVED"):
        events.outbox_put_batch([("PRODUCT_SAVE", {"id": 1}), ("PRICE_SAVED", {"id": 2})])


def test_every_shop_event_can_be_written():
    for name in sorted(event_names.TRIGGERS):
        assert events.outbox_put(name, {}).item["type"] == name
    batch = events.outbox_put_batch([("PRODUCT_SAVE", {"id": 1}), ("PRICE_SAVE", {"id": 2})])
    assert [e["type"] for e in batch.item["events"]] == ["PRODUCT_SAVE", "PRICE_SAVE"]


def test_the_notification_triggers_are_the_event_names():
    from chalicelib.notifications import triggers

    assert triggers.TRIGGERS is event_names.TRIGGERS
