"""The notification triggers are the shop's event names (core/event_names.py, where the outbox checks them)."""

from chalicelib.core.event_names import EVENT_TYPES, EXTRA_TRIGGERS, TRIGGERS, is_trigger

__all__ = ["EVENT_TYPES", "EXTRA_TRIGGERS", "TRIGGERS", "is_trigger"]
