"""Storefront search route (contract S1); the behaviour is in service.py."""

from chalicelib.core.auth.access import PUBLIC
from chalicelib.core.http.routing import Req, Routes, json_response
from chalicelib.core.http.validation import Integer, Schema, String
from chalicelib.search import service

routes = Routes(__name__, tag="search")

SEARCH_QUERY = Schema(
    "SearchQuery",
    limit=Integer(min_value=1, max_value=service.MAX_LIMIT, default=service.DEFAULT_LIMIT),
    # The storefront sends `country=&pricelist=` before it knows them: blank means the default.
    country=String(required=False, allow_blank=True, max_length=8),
    pricelist=String(required=False, allow_blank=True, max_length=100),
)


@routes.route("/search/storefront/product/{language}/{query}", ["GET"], access=PUBLIC, query=SEARCH_QUERY,
              summary="Published products matching the query in the language, best first (S1); "
                      "?limit= (default 6), ?country=, ?pricelist=. Answers from a DynamoDB fallback when "
                      "the search engine is off or failing (header X-Search-Backend).",
              response="SearchResultList", errors=(400,))
def search_products(req: Req, language: str, query: str):
    params = SEARCH_QUERY.validate(req.query)
    items, backend = service.search(language, query, limit=params["limit"], country=params.get("country") or None,
                                    pricelist=params.get("pricelist") or None, origin=req.origin())
    return json_response(items, headers={"X-Search-Backend": backend})
