"""Routes of the localization package."""

from chalicelib.core.http.routing import Routes

routes = Routes(__name__, tag="localization")
