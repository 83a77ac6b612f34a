"""Lambda handlers of the notification flow (registered on the app by `register`)."""


def register(app) -> None:
    """Attach the stream, queue and schedule handlers to the Chalice app."""
