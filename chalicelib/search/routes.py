"""Routes of the search feature (stub: filled in by its issue)."""

from chalicelib.core.http.routing import Routes

routes = Routes(__name__, tag="search")
