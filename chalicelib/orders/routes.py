"""Routes of the orders feature (stub: filled in by its issue)."""

from chalicelib.core.http.routing import Routes

routes = Routes(__name__, tag="orders")
