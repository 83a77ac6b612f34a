"""An OpenAPI 3.1 document built from the route table: every route with its parameters, request body
schema, the access rule it enforces (as security plus a note) and the error responses it can give."""

from __future__ import annotations

import re

from chalicelib.core.http.routing import ROUTES, RouteSpec

_PARAM = re.compile(r"\{([^}]+)\}")

ERROR = {"type": "object", "additionalProperties": True}
ERRORS = {
    "400": {"description": "Bad input: `{field: [messages]}` naming the field, or `{error: text}`",
            "content": {"application/json": {"schema": {"oneOf": [ERROR, {"type": "string"}, {"type": "null"}]}}}},
    "401": {"description": "No, or an invalid, token (simplejwt's body)",
            "content": {"application/json": {"schema": ERROR}}},
    "403": {"description": 'Lacks the right: the JSON string "User doesnt have permission"',
            "content": {"application/json": {"schema": {"oneOf": [{"type": "string"}, ERROR]}}}},
    "404": {"description": "Not found",
            "content": {"application/json": {"schema": {"oneOf": [ERROR, {"type": "null"}]}}}},
    "500": {"description": "Unexpected failure: `{detail}` (never a page or a trace)",
            "content": {"application/json": {"schema": ERROR}}},
}


def _operation(spec: RouteSpec) -> dict:
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
              for name in _PARAM.findall(spec.path)]
    access = spec.access.describe()
    operation: dict = {
        "operationId": f"{spec.method.lower()}_{spec.module.split('.')[-2]}_{spec.name}",
        "summary": spec.summary.splitlines()[0] if spec.summary else spec.name.replace("_", " "),
        "description": f"{spec.summary}\n\nAccess: **{access}**.",
        "tags": list(spec.tags),
        "parameters": params,
        "responses": {"200": {"description": "Success", "content": {"application/json": {"schema": {}}}},
                      "201": {"description": "Created"}, "204": {"description": "No content"}, **ERRORS},
        "x-access": access,
    }
    if spec.access.kind == "public":
        operation["security"] = [{}, {"jwt": []}] if spec.authenticate else [{}]
    else:
        operation["security"] = [{"jwt": []}]
    if spec.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": spec.body.json_schema()}}}
    elif spec.method in ("POST", "PUT", "PATCH"):
        operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": {}}}}
    return operation


def document(server_url: str = "/") -> dict:
    paths: dict = {}
    for spec in sorted(ROUTES, key=lambda s: (s.path, s.method)):
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.1.0",
        "info": {"title": "ecoseller core API", "version": "1.0.0",
                 "description": "The ecoseller backend's HTTP contract, served by the serverless core. A trailing "
                                "slash is optional on every path. Send `Authorization: JWT <access token>` "
                                "(or `Bearer`)."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"securitySchemes": {"jwt": {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "`JWT <access token>` from POST /user/login (`Bearer <token>` works too)"}}},
    }
