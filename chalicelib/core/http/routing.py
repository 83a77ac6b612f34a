"""Routes: a thin layer over Chalice blueprints that every feature package uses.

Each route declares who may call it (`access`), optionally the schema of its body, and gets a `Req`
with the parsed body, query, language and (lazily) the caller. The layer

* verifies a JWT whenever one is sent (a bad token is a 401 on every route except login/refresh);
* checks the declared access before the handler runs (401 anonymous, 403 without the right);
* turns invalid JSON or a wrong field type into a 400 naming the field, never a 500;
* renders `ApiError`s with the contract's bodies, and any other exception as a JSON 500;
* records every route in `ROUTES`, which the route-sweep test and the API docs read.

Trailing slashes are optional on every path: API Gateway (and Chalice's local server) match
`/x/` to the route `/x`.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from chalice import Blueprint, Response

from chalicelib.core import observability
from chalicelib.core.auth import tokens
from chalicelib.core.auth.access import Access, Principal, check
from chalicelib.core.http import i18n, multipart
from chalicelib.core.http.errors import ApiError, NotAuthenticated, NotFound, invalid_token_error
from chalicelib.core.http.jsonutil import dumps
from chalicelib.core.http.validation import Schema
from chalicelib.core.settings import get_settings

logger = logging.getLogger("ecoseller.http")

JSON_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain"]

# Resolves verified access-token claims to the caller (set by the users package at app start-up).
# It answers None for an unknown user and raises ApiError for one who may not use the token.
PrincipalLoader = Callable[[dict], "Principal | None"]
_principal_loader: PrincipalLoader | None = None


def set_principal_loader(loader: PrincipalLoader) -> None:
    global _principal_loader
    _principal_loader = loader


USER_NOT_FOUND = {"detail": "User not found", "code": "user_not_found"}


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    access: Access
    name: str
    module: str
    summary: str = ""
    body: Schema | None = None
    # The body a handler validates itself (with rules of its own: partial on PATCH, a choice of schemas): the
    # API document shows it, the router does not check it. A write with neither `body` nor `reads` takes none.
    reads: Schema | dict | None = None
    reads_optional: bool = False  # the body may be left out (POST /cart/storefront: no body is an empty cart)
    query: Schema | None = None  # the query parameters the handler validates (documented)
    authenticate: bool = True
    tags: tuple[str, ...] = ()
    # What a success answers, for the API docs: its status, and the JSON Schema of its body (a dict, or
    # the name of a shared schema in some package's response_schemas.SCHEMAS), or its media type(s) when
    # it is not JSON. No response (and JSON): no body, as with 204.
    status: int = 200
    response: dict | str | None = None
    media_type: str | tuple[str, ...] = "application/json"
    # Error statuses the handler itself can answer beyond those the docs infer from access, path and body.
    errors: tuple[int, ...] = ()
    # The package named in the route's operationId (`put_cart_dashboard_update_quantity`); "" for the
    # package of `module`. Routes that moved to another package keep the operationId their clients know.
    operation_package: str = ""


ROUTES: list[RouteSpec] = []


@dataclass
class Req:
    """What a handler gets: the request, parsed, plus the caller resolved on first use."""

    raw: Any  # chalice.app.Request
    spec: RouteSpec
    claims: dict | None = None
    data: dict = field(default_factory=dict)
    _principal: Principal | None = None
    _principal_loaded: bool = False

    @property
    def headers(self) -> dict:
        return self.raw.headers or {}

    @property
    def query(self) -> dict[str, str]:
        return dict(self.raw.query_params or {})

    @property
    def language(self) -> str:
        settings = get_settings()
        return i18n.request_language(self.headers.get("accept-language"), settings.languages,
                                     settings.default_language)

    @property
    def user(self) -> Principal | None:
        """The authenticated caller, or None for an anonymous request."""
        if not self._principal_loaded:
            self._principal_loaded = True
            if self.claims is not None:
                if _principal_loader is None:
                    raise RuntimeError("no principal loader registered")
                principal = _principal_loader(self.claims)
                if principal is None:
                    raise ApiError(USER_NOT_FOUND, 401)
                self._principal = principal
        return self._principal

    def require_user(self) -> Principal:
        user = self.user
        if user is None:
            raise NotAuthenticated()
        return user

    @property
    def client_ip(self) -> str:
        """The caller's address as API Gateway saw it.

        X-Forwarded-For is not trusted: its first entries are whatever the client sent. Behind a CDN,
        set TRUSTED_PROXY_HOPS to the number of proxies that append to it.
        """
        hops = get_settings().trusted_proxy_hops
        forwarded = [part.strip() for part in self.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if hops and len(forwarded) >= hops:
            return forwarded[-hops]
        identity = (self.raw.context or {}).get("identity") or {}
        return identity.get("sourceIp") or "unknown"

    def base_url(self) -> str:
        """The absolute URL of this request without its query (for paging links and media URLs)."""
        return self.origin() + ((self.raw.context or {}).get("path") or self.raw.path)

    def origin(self) -> str:
        host = self.headers.get("host", "localhost")
        proto = self.headers.get("x-forwarded-proto") or ("http" if _is_local(host) else "https")
        return f"{proto}://{host}"

    def json_body(self) -> Any:
        return parse_body(self.raw)


def _is_local(host: str) -> bool:
    return host.split(":")[0] in ("localhost", "127.0.0.1", "[::1]")


# Loopback hosts: off API Gateway, the only Host header trusted for the API root (payments/urls.py explains).
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
_url_logger = logging.getLogger("chalicelib.payments.urls")  # the logger this warning always had


def api_base_url(req) -> str | None:
    """This API's public root for a `chalicelib.core.http.routing.Req`, without a trailing slash
    ("https://abc.execute-api.eu-central-1.amazonaws.com/api" behind a stage, "http://localhost:8000"
    locally), or None when no trustworthy root is known (payments/urls.py says why)."""
    configured = get_settings().public_api_url
    if configured:
        return configured
    context = req.raw.context or {}
    actual = (context.get("path") or req.raw.path or "/").rstrip("/")
    # The route template ("/order/storefront/{token}") has as many segments as the path it matched.
    depth = len([part for part in (req.raw.path or "").split("/") if part])
    segments = actual.split("/")
    prefix = "/".join(segments[: len(segments) - depth]) if depth else actual
    if context.get("domainName"):
        return f"https://{context['domainName']}" + prefix.rstrip("/")
    host = (req.headers.get("host") or "localhost").strip()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if name.lower() not in LOOPBACK:
        _url_logger.warning("no public API URL: set PUBLIC_API_URL (the Host %r is not trusted for payment URLs)", host)
        return None
    return f"http://{host}" + prefix.rstrip("/")


# Deeper JSON than any request of the contract needs (Editor.js content nests about 6 levels) is refused
# before it reaches code that recurses over it; json.loads itself overflows the stack near 1,000 levels.
MAX_JSON_DEPTH = 64


def parse_body(raw_request) -> Any:
    """The request body as JSON (or a form), 400 with DRF's ParseError body when it is not valid: not UTF-8,
    not JSON, or nested deeper than MAX_JSON_DEPTH."""
    body = raw_request.raw_body or b""
    if not body.strip():
        return {}
    content_type = (raw_request.headers or {}).get("content-type", "application/json")
    if multipart.is_multipart(content_type):
        try:
            return multipart.form_fields(body if isinstance(body, bytes) else body.encode(), content_type)
        except ValueError as error:
            raise ApiError({"detail": f"Multipart form parse error - {error}"}, 400) from None
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError as error:
        # Replacing bad bytes would store a different value than the client sent ("\xff@x" -> "\ufffd@x").
        raise ApiError({"detail": f"JSON parse error - the body is not valid UTF-8 (byte {error.start})"},
                       400) from None
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
    too_deep = ApiError({"detail": f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels"}, 400)
    try:
        value = json.loads(text)
    except RecursionError:
        raise too_deep from None
    except ValueError as error:
        raise ApiError({"detail": f"JSON parse error - {error}"}, 400) from None
    if _depth_over(value, MAX_JSON_DEPTH):
        raise too_deep
    return value


def _depth_over(value: Any, limit: int) -> bool:
    """Whether `value` nests more than `limit` arrays or objects deep (iteratively: no recursion limit)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def json_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    if body is None:
        return Response(body="", status_code=status, headers=dict(headers or {}))
    return Response(body=dumps(body), status_code=status,
                    headers={"Content-Type": "application/json", **(headers or {})})


def empty(status: int = 204) -> Response:
    return json_response(None, status)


def _authenticate(req: Req) -> None:
    header = req.headers.get("authorization")
    if not header:
        return
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() not in ("jwt", "bearer"):
        return  # another scheme (Basic, ...) is not ours: the caller stays anonymous, as in DRF
    try:
        req.claims = tokens.decode(token.strip(), "access")
    except tokens.TokenError:
        raise invalid_token_error() from None


def _dispatch(spec: RouteSpec, handler: Callable, raw_request, params: dict) -> Response:
    # API Gateway's request id; Chalice's local server and test client have none, so one is made up.
    observability.bind_request_id((raw_request.context or {}).get("requestId") or uuid.uuid4().hex)
    req = Req(raw=raw_request, spec=spec)
    try:
        if spec.authenticate:
            _authenticate(req)
        if spec.access.kind != "public":
            check(spec.access, req.user)
        if spec.body is not None:
            req.data = spec.body.validate(req.json_body())
        path_params = {k: unquote(v) for k, v in params.items()}
        if any(ch.isdigit() and not ch.isascii() for value in path_params.values() for ch in value):
            # int("١") is 1: /product/storefront/١ answered product 1. Ids and codes are ASCII.
            raise NotFound()
        result = handler(req, **path_params)
    except ApiError as error:
        return json_response(error.body, error.status, error.headers)
    except Exception as error:  # noqa: BLE001 - the contract never answers an HTML page or a stack trace
        if _item_too_large(error):
            # Every field has its own limit, but the item (a product with all its languages, variants and
            # prices) may still pass DynamoDB's 400 KB: 400 naming the body's largest field.
            logger.warning("%s %s: the item would pass DynamoDB's 400 KB", spec.method, spec.path)
            return json_response(_too_large_body(req), 400)
        logger.exception("unhandled error in %s %s", spec.method, spec.path)
        return json_response({"detail": "Internal server error."}, 500)
    if isinstance(result, Response):
        return result
    return json_response(result)


class Routes:
    """A feature package's routes; `app.py` registers `routes.blueprint`."""

    def __init__(self, import_name: str, tag: str = "", operation_package: str = ""):
        self.blueprint = Blueprint(import_name)
        self.module = import_name
        self.operation_package = operation_package
        self.tag = tag or import_name.split(".")[-2 if import_name.endswith("routes") else -1]

    def route(self, path: str, methods: tuple[str, ...] | list[str] = ("GET",), *, access: Access,
              body: Schema | None = None, reads: Schema | dict | None = None, reads_optional: bool = False,
              query: Schema | None = None,
              authenticate: bool = True, summary: str = "",
              content_types: list[str] | None = None, status: int = 200, response: dict | str | None = None,
              media_type: str | tuple[str, ...] = "application/json", errors: tuple[int, ...] = ()):
        if path != "/" and path.endswith("/"):
            raise ValueError(f"declare {path!r} without the trailing slash; it is optional for callers")

        def decorator(handler: Callable) -> Callable:
            specs = {}
            for method in methods:
                spec = RouteSpec(path=path, method=method.upper(), access=access, name=handler.__name__,
                                 module=self.module, summary=summary or (handler.__doc__ or "").strip(),
                                 body=body, reads=reads, reads_optional=reads_optional, query=query,
                                 authenticate=authenticate, tags=(self.tag,), status=status,
                                 response=response, media_type=media_type, errors=tuple(errors),
                                 operation_package=self.operation_package)
                ROUTES.append(spec)
                specs[spec.method] = spec

            @functools.wraps(handler)
            def view(**params):
                raw_request = self.blueprint.current_request
                return _dispatch(specs[raw_request.method.upper()], handler, raw_request, params)

            # Chalice answers 415 itself to a Content-Type outside the route's list, even on a GET: a route
            # that reads no body takes any (a stray header is no reason to refuse a read).
            reads_body = any(m.upper() in ("POST", "PUT", "PATCH") for m in methods)
            self.blueprint.route(path, methods=[m.upper() for m in methods],
                                 content_types=content_types or (JSON_TYPES if reads_body else ["*/*"]))(view)
            return handler

        return decorator


TOO_LARGE = "Too large to store: an item holds at most 400 KB. Shorten this field, the largest sent."


def _item_too_large(error: Exception) -> bool:
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return False
    info = response.get("Error") or {}
    return info.get("Code") == "ValidationException" and "size has exceeded" in str(info.get("Message", ""))


def _too_large_body(req: Req) -> dict:
    """`{"a": {"b": [TOO_LARGE]}}` for the body's largest leaf `a.b` (by its JSON size)."""
    try:
        body = req.json_body()
    except ApiError:
        body = None
    best: tuple[int, list] = (-1, [])
    stack: list[tuple[Any, list]] = [(body, [])]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            stack.extend((child, [*path, key]) for key, child in value.items())
        elif isinstance(value, list) and value and isinstance(value[0], (dict, list)):
            stack.extend((child, [*path, index]) for index, child in enumerate(value))
        else:
            size = len(json.dumps(value, default=str))
            if size > best[0]:
                best = (size, path)
    if not best[1]:
        return {"detail": TOO_LARGE}
    nested: Any = [TOO_LARGE]
    for key in reversed(best[1]):
        nested = {str(key): nested}
    return nested
