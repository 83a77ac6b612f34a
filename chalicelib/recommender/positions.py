"""`sort_by=recommended` for category pages: the RS's position of each product of a category.

Kept apart from the recommendations (it imports no catalog module). The catalog's storefront, below the
recommender in the package layers, does not import it: app.py wires `rank` in as the category ranker
(core/providers.py).
"""

from __future__ import annotations

import logging

from chalicelib.recommender import client

logger = logging.getLogger("ecoseller.recommender")


def product_positions(category_id, session_id: str | None, user_id: str | None) -> dict[int, int] | None:
    """`{product_id: position}` (lower first) from `POST {RS_URL}/predict/product_positions`, or None when
    no RS is configured or it did not answer in time (the caller keeps its default order then).

    `user_id` is the shopper's e-mail (the JWT's user id), or None for an anonymous shopper.
    """
    if not client.is_configured():
        return None
    try:
        category = int(category_id)
    except (TypeError, ValueError):
        return None
    body = {"recommendation_type": "CATEGORY_LIST", "category_id": category, "session_id": session_id,
            "user_id": user_id}
    try:
        answer = client.predict_product_positions(body)
    except client.RecommenderError:
        return None
    if not isinstance(answer, dict):
        logger.warning("recommender product positions: expected an object, got %s", type(answer).__name__)
        return None
    positions: dict[int, int] = {}
    for key, value in answer.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        try:
            positions[int(key)] = int(value)
        except (TypeError, ValueError):
            continue
    return positions


def ranked(ids: list[int], positions: dict[int, int] | None) -> list[int]:
    """`ids` in the RS's order: by position, products without one last in their given order; `ids`
    unchanged when there are no positions (no RS, or it failed)."""
    if not positions:
        return list(ids)
    return sorted(ids, key=lambda product_id: (product_id not in positions, positions.get(product_id, 0)))


def rank(category_id, ids: list[int], session_id: str | None, user_id: str | None) -> list[int]:
    """The category ranker (core/providers.py CATEGORY_RANKER): `ids` in the RS's order for this shopper,
    unchanged when no RS is configured or it does not answer in time."""
    return ranked(ids, product_positions(category_id, session_id, user_id))
