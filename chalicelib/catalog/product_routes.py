"""Catalog routes: product routes."""

from chalicelib.core.http.routing import Routes

routes = Routes(__name__, tag="catalog")
