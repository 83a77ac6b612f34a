"""`/api/openapi.json` and Swagger UI at `/api/docs/` (the original's `/swagger.json` and `/swagger/` too),
and the JSON Schemas of the notification payloads: `/api/events/schemas.json` (all triggers),
`/api/events/schemas/<TRIGGER>` (one), and in the OpenAPI document as its `webhooks`."""

from __future__ import annotations

import functools
from pathlib import Path

from chalice import Response

from chalicelib.core.auth.access import PUBLIC
from chalicelib.core.http.errors import NotFound
from chalicelib.core.http.routing import Req, Routes

routes = Routes(__name__, tag="docs")

# Swagger UI 5's files, fetched from the npm registry by `make` (see the Makefile) and packaged with the app.
SWAGGER_UI = Path(__file__).parent / "swagger_ui"
ASSETS = {
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui.css": "text/css",
}

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ecoseller API</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="{base}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{base}/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{url: "{spec}", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"}});
</script></body></html>
"""


@functools.lru_cache(maxsize=8)
def _asset(name: str) -> str:
    try:
        return (SWAGGER_UI / name).read_text(encoding="utf-8")
    except FileNotFoundError:  # a checkout where `make` has not fetched Swagger UI yet
        raise NotFound() from None


def _prefix(req: Req) -> str:
    """The path prefix the API is served under (API Gateway's stage, e.g. `/api`), for links."""
    full = (req.raw.context or {}).get("path") or req.raw.path
    resource = req.raw.path.rstrip("/")
    return full[: len(full.rstrip("/")) - len(resource)] if full.rstrip("/").endswith(resource) else ""


def _document(req: Req) -> dict:
    from chalicelib.core.http import openapi  # reads every package's response schemas: only when asked
    from chalicelib.events import schemas as payload_schemas

    document = openapi.document(_prefix(req) or "/")
    # What the shop sends out: every notification trigger's payload, as OpenAPI 3.1 webhooks.
    document["webhooks"] = payload_schemas.webhooks()
    return document


@routes.route("/api/openapi.json", ["GET"], access=PUBLIC, summary="The OpenAPI 3.1 document of this API.",
              response="OpenApiDocument")
def openapi_document(req: Req):
    return _document(req)


@routes.route("/swagger.json", ["GET"], access=PUBLIC, summary="Alias of /api/openapi.json (the original's path).",
              response="OpenApiDocument")
def swagger_json(req: Req):
    return _document(req)


@routes.route("/api/events/schemas.json", ["GET"], access=PUBLIC,
              summary="The JSON Schema (draft 2020-12) of every notification trigger's payload: {trigger: schema}.",
              response="EventSchemas")
def event_schemas(req: Req):
    from chalicelib.events import schemas as payload_schemas

    return payload_schemas.all_schemas()


@routes.route("/api/events/schemas/{trigger}", ["GET"], access=PUBLIC,
              summary="The JSON Schema (draft 2020-12) of one notification trigger's payload.", response="EventSchema")
def event_schema(req: Req, trigger: str):
    from chalicelib.events import schemas as payload_schemas

    schema = payload_schemas.schema_for(trigger.removesuffix(".json"))
    if schema is None:
        raise NotFound()
    return schema


def _page(req: Req) -> Response:
    prefix = _prefix(req)
    html = PAGE.format(base=f"{prefix}/api/docs", spec=f"{prefix}/api/openapi.json")
    return Response(body=html, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"})


@routes.route("/api/docs", ["GET"], access=PUBLIC, summary="Swagger UI.", media_type="text/html")
def docs_page(req: Req):
    return _page(req)


@routes.route("/swagger", ["GET"], access=PUBLIC, summary="Alias of /api/docs/ (the original's path).",
              media_type="text/html")
def swagger_page(req: Req):
    return _page(req)


@routes.route("/api/docs/{asset}", ["GET"], access=PUBLIC, summary="Swagger UI's assets, shipped with the app.",
              media_type=("application/javascript", "text/css"))
def docs_asset(req: Req, asset: str):
    if asset not in ASSETS:
        raise NotFound()
    return Response(body=_asset(asset), status_code=200,
                    headers={"Content-Type": ASSETS[asset], "Cache-Control": "public, max-age=86400"})
