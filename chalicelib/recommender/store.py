"""The recommender's table access: the events it queues in the outbox (delivered to the RS by the
notification flow) and the catalog's SKU claims it maps the RS's variants to products with."""

from __future__ import annotations

from chalicelib.core import events as outbox
from chalicelib.core.store import claims, db


def queue_event(trigger: str, payload: dict) -> None:
    """One event in the outbox, on its own (no other write goes with it)."""
    db.put("outbox", outbox.event_item(trigger, payload))


def sku_owners(skus: list[str]) -> dict[str, int]:
    """{sku: product id} of the SKUs a product holds the claim of (BatchGetItem, 100 a call)."""
    return {sku: owner for (_kind, sku), owner in claims.owners(("SKU", sku) for sku in skus).items()}
