"""The names of the shop's domain events: the original's EventTypes (contract section 6) plus the payment
and order-status events this rebuild adds. The outbox refuses any other name when the event is written
(core/events.py), and notifications.json may map only these (notifications/config.py).

The contract counts "34" EventTypes; the original enum (`api/notifications/conf.py`) has 33 members, all
listed here.
"""

from __future__ import annotations

_CRUD = ("SAVE", "UPDATE", "DELETE")
_MODELS = ("PRODUCT", "PRODUCTVARIANT", "PRODUCTTYPE", "PRICE", "ATTRIBUTETYPE", "ATTRIBUTE", "CATEGORY", "ORDER")

EVENT_TYPES: tuple[str, ...] = (
    *(f"{model}_{kind}" for model in _MODELS for kind in _CRUD),
    "REVIEW_SEND",
    "ORDER_ITEM_COMPLAINT_CREATED",
    "ORDER_ITEM_COMPLAINT_UPDATED",
    "PRODUCT_DETAIL_ENTER",
    "PRODUCT_DETAIL_LEAVE",
    "PRODUCT_ADD_TO_CART",
    "RECOMMENDATION_VIEW",
    "RECOMMENDER_CONFIG_SAVE",
    "RECOMMENDER_TRAINER_QUEUE_ITEM_SAVE",
)

# Added by this rebuild (emitted by the payment and order packages).
EXTRA_TRIGGERS: tuple[str, ...] = ("PAYMENT_STATUS_CHANGED", "ORDER_FULLY_PAID", "ORDER_STATUS_CHANGED")

TRIGGERS: frozenset[str] = frozenset(EVENT_TYPES + EXTRA_TRIGGERS)

assert len(EVENT_TYPES) == 33, len(EVENT_TYPES)


def is_trigger(name: str) -> bool:
    return name in TRIGGERS
