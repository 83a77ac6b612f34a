"""An OpenAPI 3.1 document built from the route table: every route with its parameters, request body
schema, the access rule it enforces (as security plus a note), its one success response (status and the
JSON Schema of its body, or its media type) and the error responses it can give.

Response schemas live with their feature: a route names one (`response="Cart"`) that some package's
`response_schemas.SCHEMAS` defines, and the document carries them all under `components/schemas`.
Those modules are imported here, when the document is built, never at app import (cold start).
"""

from __future__ import annotations

import importlib
import re

from chalicelib.core.http.routing import ROUTES, RouteSpec

_PARAM = re.compile(r"\{([^}]+)\}")
SCHEMA_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
REF = "#/components/schemas/"

ERROR = {"type": "object", "additionalProperties": True}
# Where one status may come with or without a body (an original handler answering some cases empty), its schema
# admits null, which stands for no body: the HTTP tests' and the fuzzer's checkers read an empty body as null.
ERRORS = {
    "400": {"description": "Bad input: `{field: [messages]}` naming the field, or `{error: text}`, or no body",
            "content": {"application/json": {"schema": {"oneOf": [ERROR, {"type": "string"}, {"type": "null"}]}}}},
    "401": {"description": "No, or an invalid, token (simplejwt's body)",
            "content": {"application/json": {"schema": ERROR}}},
    "403": {"description": 'Lacks the right: the JSON string "User doesnt have permission", `{error}`, or no body',
            "content": {"application/json": {"schema": {"oneOf": [{"type": "string"}, ERROR, {"type": "null"}]}}}},
    "404": {"description": "Not found: a JSON object (`{detail}`, `{error}`, ...), or no body",
            "content": {"application/json": {"schema": {"oneOf": [ERROR, {"type": "null"}]}}}},
    "409": {"description": "Conflicts with the current state (a duplicate, a concurrent change)",
            "content": {"application/json": {"schema": {"oneOf": [ERROR, {"type": "string"}]}}}},
    "413": {"description": "The upload is too large",
            "content": {"application/json": {"schema": ERROR}}},
    "415": {"description": "A Content-Type the operation does not read (Chalice's `{Code, Message}`)",
            "content": {"application/json": {"schema": ERROR}}},
    "429": {"description": "Too many attempts: wait `Retry-After` seconds",
            "content": {"application/json": {"schema": ERROR}}},
    "500": {"description": "Unexpected failure: `{detail}` (never a page or a trace)",
            "content": {"application/json": {"schema": ERROR}}},
    "502": {"description": "A service the shop relies on (payment gateway, recommender) failed",
            "content": {"application/json": {"schema": ERROR}}},
    "503": {"description": "A service the shop relies on is not available",
            "content": {"application/json": {"schema": ERROR}}},
}
# Error statuses an operation answers with no body at all, as the original does (contract: "404 (empty)",
# "400 (empty)"); the clients go by the status alone. Documented as a response without `content`, which is
# how OpenAPI says "no body" (a JSON media type would promise a JSON document, and an empty one is not).
EMPTY_ERRORS: dict[str, tuple[int, ...]] = {
    **{f"{method} /cart/{side}/{{token}}/{info}": (404,)  # K28/K29 and their dashboard twins
       for side in ("storefront", "dashboard") for info in ("billing-info", "shipping-info")
       for method in ("GET", "PUT")},
    "DELETE /cart/storefront/{token}/{sku}": (404,),  # K37
    "DELETE /cart/dashboard/{token}/{sku}": (404,),
    "GET /cart/storefront/{token}/payment-method": (404,),  # K33
    "GET /cart/storefront/{token}/shipping-method": (404,),  # K34
    "PUT /cart/storefront/{token}/payment-method/{id}": (404,),  # K35
    "PUT /cart/storefront/{token}/shipping-method/{id}": (404,),  # K36
    "GET /category/storefront/{category_id}": (404,),  # C7
    "GET /category/storefront/{category_id}/products": (404,),  # C8
    "POST /category/storefront/{category_id}/products": (404,),  # C9
    "GET /category/storefront/{category_id}/attributes": (404,),
    "GET /review/dashboard/{token}": (404,),  # R3
    "DELETE /review/dashboard/{token}": (404,),  # R4
    "POST /review/storefront/create": (404,),  # R1 (its 403 is empty or `{error}`: ERRORS' null stands for no body)
}
SUCCESS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No content", 302: "Redirect (see `Location`)"}
NON_JSON = {"text/html": {"type": "string"}, "text/csv": {"type": "string"},
                    "image/png": {"type": "string", "contentMediaType": "image/png"}}


# Building blocks of the features' response schemas (their response_schemas modules).
ANY: dict = {}
STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
# Editor.js output is stored as the dashboard sent it (any JSON object: its blocks and their data vary by tool).
EDITORJS = {"type": ["object", "string", "null"], "description": "Editor.js output data: {time, blocks, version}"}
BOOLEAN = {"type": "boolean"}


def ref(name: str) -> dict:
    return {"$ref": REF + name}


def nullable(schema: dict) -> dict:
    """The schema, or null."""
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    kind = schema["type"]
    return {**schema, "type": [*(kind if isinstance(kind, list) else [kind]), "null"]}


def array(items: dict | None = None) -> dict:
    return {"type": "array", "items": items} if items is not None else {"type": "array"}


def obj(required: dict | None = None, *, optional: dict | None = None, **more: dict) -> dict:
    """An object that always has the `required` (and keyword) keys, may have the `optional` ones, and may carry
    keys beyond both (clients must ignore what they do not know)."""
    always = {**(required or {}), **more}
    return {"type": "object", "required": list(always), "properties": {**always, **(optional or {})},
            "additionalProperties": True}


def map_of(values: dict) -> dict:
    """An object keyed by data (language codes, ids), each value of the given schema."""
    return {"type": "object", "additionalProperties": values}


def page_of(item: dict) -> dict:
    """A page envelope of contract A.8 around items of the given schema."""
    return obj(links=obj(next=nullable(STRING), previous=nullable(STRING)), count=INTEGER, total_pages=INTEGER,
               results=array(item))


def components() -> dict:
    """Every feature's shared response schemas, by name (a name defined twice is an error)."""
    schemas: dict = {}
    for package in sorted({spec.module.rsplit(".", 1)[0] for spec in ROUTES}):
        try:
            module = importlib.import_module(f"{package}.response_schemas")
        except ModuleNotFoundError as error:
            if error.name != f"{package}.response_schemas":
                raise
            continue
        for name, schema in module.SCHEMAS.items():
            if name in schemas:
                raise ValueError(f"response schema {name!r} is defined twice ({package})")
            schemas[name] = schema
    return schemas


def _success(spec: RouteSpec) -> dict:
    response: dict = {"description": SUCCESS.get(spec.status, "Success")}
    if spec.status == 302:
        response["headers"] = {"Location": {"schema": {"type": "string"}, "description": "Where the content is"}}
    elif spec.media_type != "application/json":
        kinds = (spec.media_type,) if isinstance(spec.media_type, str) else spec.media_type
        response["content"] = {kind: {"schema": NON_JSON.get(kind, {"type": "string"})} for kind in kinds}
    elif spec.response is not None:
        schema = ref(spec.response) if isinstance(spec.response, str) else spec.response
        response["content"] = {"application/json": {"schema": schema}}
    return response


def _errors(spec: RouteSpec, params: list[str]) -> dict:
    """The error responses this route can give: from its access rule, its path, its input, its own list."""
    codes = {500, *spec.errors}
    if spec.authenticate or spec.access.kind != "public":
        codes.add(401)  # a bad token is a 401 everywhere a token is read
    if spec.access.kind in ("staff", "permission"):
        codes.add(403)
    if params:
        codes.add(404)
    if spec.body is not None or spec.method in ("POST", "PUT", "PATCH"):
        codes.update((400, 415))
    empty = EMPTY_ERRORS.get(f"{spec.method} {spec.path}", ())
    codes.update(empty)
    return {str(code): _no_body(ERRORS[str(code)]) if code in empty else ERRORS[str(code)] for code in sorted(codes)}


def _no_body(response: dict) -> dict:
    return {"description": response["description"] + " (no body)"}


def _operation(spec: RouteSpec) -> dict:
    names = _PARAM.findall(spec.path)
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in names]
    if spec.query is not None:
        params += [{"name": name, "in": "query", "required": field.required, "schema": field.documented()}
                   for name, field in spec.query.fields.items()]
    access = spec.access.describe()
    operation: dict = {
        "operationId": f"{spec.method.lower()}_{spec.operation_package or spec.module.split('.')[-2]}_{spec.name}",
        "summary": spec.summary.splitlines()[0] if spec.summary else spec.name.replace("_", " "),
        "description": f"{spec.summary}\n\nAccess: **{access}**.",
        "tags": list(spec.tags),
        "parameters": params,
        "responses": {str(spec.status): _success(spec), **_errors(spec, names)},
        "x-access": access,
    }
    if spec.access.kind == "public":
        operation["security"] = [{}, {"jwt": []}] if spec.authenticate else [{}]
    else:
        operation["security"] = [{"jwt": []}]
    body = _request_body(spec)
    if body is not None:
        operation["requestBody"] = body
    return operation


def _request_body(spec: RouteSpec) -> dict | None:
    """The body the route takes: the router's schema, or the one its handler validates (all fields optional on
    a PATCH), or none."""
    schema = spec.reads if spec.reads is not None else spec.body
    if schema is None:
        return None
    if isinstance(schema, dict) and "content" in schema:  # media types of their own (a multipart upload)
        return {"required": not spec.reads_optional, **schema}
    if not isinstance(schema, dict):
        schema = schema.json_schema(partial=spec.method == "PATCH" and spec.body is None)
    return {"required": not spec.reads_optional, "content": {"application/json": {"schema": schema}}}


def document(server_url: str = "/") -> dict:
    paths: dict = {}
    for spec in sorted(ROUTES, key=lambda s: (s.path, s.method)):
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": SCHEMA_DIALECT,
        "info": {"title": "ecoseller core API", "version": "1.0.0",
                 "description": "The ecoseller backend's HTTP contract, served by the serverless core. A trailing "
                                "slash is optional on every path. Send `Authorization: JWT <access token>` "
                                "(or `Bearer`). Response objects may carry keys beyond those documented."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": components(), "securitySchemes": {"jwt": {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "`JWT <access token>` from POST /user/login (`Bearer <token>` works too)"}}},
    }
