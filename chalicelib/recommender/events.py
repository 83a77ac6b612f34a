"""What the core tells the recommender: shopper behaviour (RS1), training requests (RS4) and its config
(RS5). Each is an event in the outbox, delivered by the notification flow's RECOMMENDERAPI action
(`store_objects` / `store_object`, config/notifications.json) with its retries and delivery log, so
no request waits on the recommender or fails because of it.

Shopper events are frequent and worth nothing without a consumer: while no action of their trigger can
run (no RS configured and no webhook on it), they are a logged no-op instead of an outbox write.
"""

from __future__ import annotations

import logging

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core import event_names
from chalicelib.notifications import config, senders
from chalicelib.recommender import store
from chalicelib.recommender.schemas import EVENT_MODEL_CLASSES

logger = logging.getLogger("ecoseller.recommender")

TRAINER_TRIGGER = event_names.RECOMMENDER_TRAINER_QUEUE_ITEM_SAVE
CONFIG_TRIGGER = event_names.RECOMMENDER_CONFIG_SAVE


def inactive_reason(trigger: str) -> str | None:
    """Why no action of `trigger` can run here, or None when at least one can."""
    try:
        actions = config.actions_for(trigger)
    except config.ConfigError:
        return None  # record the event: the dispatcher reports the config problem, and it waits in the outbox
    if not actions:
        return f"no action configured for {trigger}"
    reasons = [senders.not_configured(action) for action in actions]
    return None if not all(reasons) else "; ".join(dict.fromkeys(reasons))


def storefront_items(event: str, items: list[dict], user_id: str | None) -> list[dict]:
    """The objects the RS stores: the storefront's items with the caller and the RS model class set (the
    caller's own values for these two keys are replaced: a shopper cannot speak for another)."""
    return [{**item, "user_id": user_id, "_model_class": EVENT_MODEL_CLASSES[event]} for item in items]


def record_storefront_event(event: str, items: list[dict], user_id: str | None) -> bool:
    """Queue shopper events for the RS; True when they were recorded. Never raises for a storage fault:
    losing a page-view event is better than failing the shopper's page."""
    if not items:
        return False
    reason = inactive_reason(event)
    if reason:
        logger.info("recommender event %s (%d items) not recorded: %s", event, len(items), reason)
        return False
    try:
        store.queue_event(event, storefront_items(event, items, user_id))
    except (ClientError, BotoCoreError) as error:
        logger.warning("recommender event %s (%d items) lost: %s: %s", event, len(items), type(error).__name__,
                       error)
        return False
    return True


def schedule_training(model_name: str) -> dict:
    """RS4: queue a training of one model (the RS's trainer reads TrainerQueueItems)."""
    payload = {"_model_class": "TrainerQueueItem", "model_name": model_name}
    store.queue_event(TRAINER_TRIGGER, payload)
    return payload


def save_config(data: dict) -> dict:
    """RS5: send the RS its new configuration."""
    payload = {**data, "_model_class": "Config"}
    store.queue_event(CONFIG_TRIGGER, payload)
    return payload
