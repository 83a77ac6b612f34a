"""Routes of the cms package."""

from chalicelib.core.http.routing import Routes

routes = Routes(__name__, tag="cms")
