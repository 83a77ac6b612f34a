"""Event names and payloads are checked when an event is written (issue 15, typed events): the outbox refuses
a name outside core/event_names.py, and a payload that does not fit its event's type (chalicelib/events/), so a
misspelt event or a forgotten field fails the write that emits it instead of surprising a consumer."""

from __future__ import annotations

import subprocess
import sys
import typing
from decimal import Decimal
from pathlib import Path

import pytest

import chalicelib.events  # noqa: F401 - registers every payload type
from chalicelib.core import event_names, events
from chalicelib.events import shape
from chalicelib.events.registry import TYPES

ROOT = Path(__file__).resolve().parents[2]

_EXAMPLES = {str: "x", int: 1, bool: False, float: 1.5, dict: {}, Decimal: "1.00", type(None): None}


def example(tp):
    """The smallest value of a type: a payload type's required fields only."""
    tp, _notes = shape._unwrap(tp)
    if shape.is_payload(tp):
        return {name: example(hint) for name, hint, required in shape._fields(tp) if required}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        return args[0]
    if origin is list:
        return [example(args[0])]
    if origin is tuple:
        return [example(a) for a in args]
    if origin is dict:
        return {}
    if shape._members(tp):
        return example(shape._members(tp)[0])
    return _EXAMPLES[tp]


def payload_of(trigger: str):
    entry = TYPES[trigger]
    return {**example(entry.payload), **(entry.fixed or {})} if entry.fixed else example(entry.payload)


def test_an_unknown_event_name_is_refused_when_it_is_written():
    with pytest.raises(events.UnknownEvent, match="ORDER_SAVED"):
        events.outbox_put("ORDER_SAVED", {"token": "t"})


def test_a_batch_with_one_unknown_name_is_refused_whole():
    with pytest.raises(events.UnknownEvent, match="PRICE_SAVED"):
        events.outbox_put_batch([("PRODUCT_SAVE", payload_of("PRODUCT_SAVE")), ("PRICE_SAVED", {"id": 2})])


def test_every_shop_event_has_a_payload_type():
    assert event_names.TRIGGERS <= events.registered_payloads()
    assert set(TYPES) == set(event_names.TRIGGERS)


def test_every_shop_event_can_be_written():
    for name in sorted(event_names.TRIGGERS):
        assert events.outbox_put(name, payload_of(name)).item["type"] == name
    batch = events.outbox_put_batch([("PRODUCT_SAVE", payload_of("PRODUCT_SAVE")),
                                     ("PRICE_SAVE", payload_of("PRICE_SAVE"))])
    assert [e["type"] for e in batch.item["events"]] == ["PRODUCT_SAVE", "PRICE_SAVE"]


def test_a_payload_that_does_not_fit_its_type_is_refused():
    category = payload_of("CATEGORY_UPDATE")
    assert category == {"_model_class": "Category", "id": 1, "parent_id": 1, "deleted": False}
    with pytest.raises(events.PayloadMismatch, match=r"CATEGORY_UPDATE payload: \$: missing 'parent_id'"):
        events.outbox_put("CATEGORY_UPDATE", {k: v for k, v in category.items() if k != "parent_id"})
    with pytest.raises(events.PayloadMismatch, match=r"\$: unknown 'colour'"):  # exact: no other keys
        events.outbox_put("CATEGORY_UPDATE", {**category, "colour": "red"})
    with pytest.raises(events.PayloadMismatch, match=r"\$.deleted: is False, not True"):
        events.outbox_put("CATEGORY_DELETE", category)
    with pytest.raises(events.PayloadMismatch, match=r"PRICE_SAVE payload"):  # in a batch too
        events.outbox_put_batch([("PRODUCT_SAVE", payload_of("PRODUCT_SAVE")), ("PRICE_SAVE", {"id": 2})])
    with pytest.raises(events.PayloadMismatch, match=r"\$\[0\]: missing 'user_id'"):
        events.outbox_put("PRODUCT_ADD_TO_CART", [{"_model_class": "ProductAddToCart"}])
    # Open payloads take more keys than their type lists; their nested objects are checked too.
    order = payload_of("ORDER_SAVE")
    assert events.outbox_put("ORDER_SAVE", {**order, "later": 1}).item["type"] == "ORDER_SAVE"
    with pytest.raises(events.PayloadMismatch, match=r"\$.order: missing 'token'"):
        events.outbox_put("ORDER_SAVE", {**order, "order": {}})


def test_the_notification_triggers_are_the_event_names():
    from chalicelib.notifications import triggers

    assert triggers.TRIGGERS is event_names.TRIGGERS


def test_the_app_checks_payloads_without_loading_their_types_at_cold_start():
    """In a fresh process as Lambda runs it: `import app` leaves the payload types out, and the first
    event written loads them (app.py wires them as a provider) and is checked."""
    code = ("import sys, app\n"
            "from chalicelib.core import events\n"
            "print('loaded at import:', 'chalicelib.events' in sys.modules)\n"
            "try:\n"
            "    events.outbox_put('PRODUCT_SAVE', {'nonsense': 1})\n"
            "except events.PayloadMismatch as refused:\n"
            "    print('refused:', refused)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "loaded at import: False" in result.stdout
    assert "refused: PRODUCT_SAVE payload: $: missing '_model_class'" in result.stdout
