"""Helpers for HTTP tests: users with given rights, their tokens, and JSON requests."""

from __future__ import annotations

import json

from chalicelib.core.auth import tokens
from chalicelib.core.store import db, keys
from chalicelib.users import service, store


def make_user(email: str = "user@example.com", password: str = "secret-pass", *, staff: bool = False,
              admin: bool = False, permissions: tuple[str, ...] = (), groups: tuple[str, ...] = ()) -> dict:
    service.register(email, password, is_staff=staff, is_admin=admin)
    if permissions or groups:
        db.update("main", keys.user(email), set_fields={"user_permissions": list(permissions),
                                                         "groups": list(groups)})
    return store.get_user(email)


def token_for(email: str, dashboard_user: bool = False) -> str:
    _refresh, access = tokens.issue_pair(email, dashboard_user)
    return access


def auth(email: str, scheme: str = "JWT") -> dict:
    return {"Authorization": f"{scheme} {token_for(email)}"}


def call(client, method: str, path: str, body=None, headers: dict | None = None, raw: str | None = None):
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
    return client.http.request(method, path, headers=all_headers, body=payload)


def body(response):
    return json.loads(response.body) if response.body else None


class AwsCalls:
    """Counts the DynamoDB API calls made inside a `with` block (`.operations` lists their names)."""

    def __init__(self):
        self.operations: list[str] = []

    def _count(self, event_name, **_kwargs):
        self.operations.append(event_name.rsplit(".", 1)[-1])

    def __enter__(self):
        db.client().meta.events.register("before-call.dynamodb", self._count)
        return self

    def __exit__(self, *exc):
        db.client().meta.events.unregister("before-call.dynamodb", self._count)

    def __len__(self):
        return len(self.operations)
