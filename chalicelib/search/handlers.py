"""Lambda handlers of the search feature (stub: filled in by the search issue)."""


def register(app) -> None:
    """Attach the search index's scheduled rebuild and live-update consumer to the Chalice app."""
