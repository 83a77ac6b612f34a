"""Field types several payloads share."""

from __future__ import annotations

from typing import Annotated

from chalicelib.events.shape import note

# A field with a default is an optional key; its type is what the key holds when present.
MODEL = note(description="the recommender's model class for this object")
Timestamp = Annotated[str | None, note(format="date-time", description="ISO 8601")]
