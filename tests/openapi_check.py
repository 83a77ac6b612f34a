"""Responses checked against the OpenAPI document: the status is one the operation documents, a JSON body
matches the documented schema (draft 2020-12, `$ref`s into `components` resolved), and a non-JSON answer
has the documented media type.

`check_response(method, path, status, body)` checks one response; `checked(client)` wraps a
`chalice.test.Client` so that every response any test receives through `client.http` is checked.
A request no operation matches (an unknown path, an undeclared method) is Chalice's own answer and is
not checked. With OPENAPI_RECORD=<file> set, responses are appended there as JSON lines instead of checked.
"""

from __future__ import annotations

import functools
import json
import os
import re
from urllib.parse import quote, urlsplit

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:ecoseller:openapi"


@functools.lru_cache(maxsize=1)
def document() -> dict:
    import app  # noqa: F401 - registers every route in ROUTES
    from chalicelib.core.http import openapi

    return openapi.document()


@functools.lru_cache(maxsize=1)
def _registry() -> Registry:
    resource = Resource.from_contents(document(), default_specification=DRAFT202012)
    return Registry().with_resource(DOCUMENT_URI, resource)


@functools.lru_cache(maxsize=1)
def _templates() -> list[tuple[re.Pattern, str]]:
    """Path templates as patterns, literal ones before those with parameters (as API Gateway matches)."""
    entries = []
    for template in document()["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        entries.append((template.count("{"), re.compile(f"^{pattern}$"), template))
    entries.sort(key=lambda entry: entry[0])
    return [(pattern, template) for _count, pattern, template in entries]


def operation_for(method: str, path: str) -> tuple[str, dict] | tuple[None, None]:
    """The documented (template, operation) answering `method path`; a template is accepted as is."""
    paths = document()["paths"]
    path = urlsplit(path).path
    if path != "/":
        path = path.rstrip("/")
    if path in paths:
        operation = paths[path].get(method.lower())
        return (path, operation) if operation else (None, None)
    for pattern, template in _templates():
        if pattern.match(path) and method.lower() in paths[template]:
            return template, paths[template][method.lower()]
    return None, None


def _pointer(*parts: str) -> str:
    return "/".join(quote(part.replace("~", "~0").replace("/", "~1"), safe="~") for part in parts)


@functools.lru_cache(maxsize=512)
def _validator(template: str, method: str, status: str) -> Draft202012Validator:
    ref = f"{DOCUMENT_URI}#/" + _pointer("paths", template, method, "responses", status, "content",
                                        "application/json", "schema")
    return Draft202012Validator({"$ref": ref}, registry=_registry())


def check_response(method: str, path: str, status: int, body, content_type: str | None = None) -> None:
    """Raise AssertionError when the response contradicts the document.

    `body` is the decoded JSON (or the raw bytes/str of a non-JSON answer); `content_type` the response's
    Content-Type header, when known.
    """
    template, operation = operation_for(method, path)
    if operation is None:
        return
    where = f"{method.upper()} {template} answered {status}"
    responses = operation["responses"]
    assert str(status) in responses, f"{where}: status not documented (documented: {sorted(responses)})"
    documented = responses[str(status)]
    content = documented.get("content") or {}
    if not content:
        assert body in (None, b"", ""), f"{where}: documented without a body, but one came: {body!r:.200}"
        return
    if content_type is not None:
        assert content_type.split(";")[0].strip() in content, \
            f"{where}: Content-Type {content_type!r}, documented {sorted(content)}"
    if "application/json" not in content:
        return
    if isinstance(body, bytes | str):
        body = json.loads(body) if body else None
    errors = sorted(_validator(template, method.lower(), str(status)).iter_errors(body), key=lambda e: e.path)
    if errors:
        details = "\n".join(f"  at {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message:.300}"
                            for error in errors[:10])
        raise AssertionError(f"{where}: body does not match the documented schema:\n{details}")


def _record(method: str, path: str, response) -> None:
    template, operation = operation_for(method, path)
    name = os.environ["OPENAPI_RECORD"] + "." + os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(name, "a", encoding="utf-8") as out:
        content_type = response.headers.get("Content-Type", "")
        payload = None
        if content_type.startswith("application/json") and response.body:
            try:
                payload = json.loads(response.body)
            except ValueError:
                payload = "<invalid json>"
        out.write(json.dumps({"method": method.upper(), "path": path, "template": template,
                              "status": response.status_code, "content_type": content_type,
                              "body": payload, "size": len(response.body or b"")}) + "\n")


def checked(client):
    """Wrap `client.http` so every response is checked against the document; returns the client."""
    http = client.http
    request = http.request

    @functools.wraps(request)
    def checking_request(method, path, headers=None, body=b""):
        response = request(method, path, headers=headers, body=body)
        if os.environ.get("OPENAPI_RECORD"):
            _record(method, path, response)  # gathering what the tests see: nothing is checked
            return response
        if method.upper() in ("HEAD", "OPTIONS"):
            return response
        content_type = (response.headers or {}).get("Content-Type") or (response.headers or {}).get("content-type")
        check_response(method, path, response.status_code, response.body, content_type if response.body else None)
        return response

    http.request = checking_request
    return client
