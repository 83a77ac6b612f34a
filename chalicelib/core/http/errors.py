"""Errors a route raises; each renders to the body and status the contract (section A.5) prescribes."""

from __future__ import annotations

from typing import Any

PERMISSION_DENIED_BODY = "User doesnt have permission"
NOT_AUTHENTICATED_BODY = {"detail": "Authentication credentials were not provided."}


class ApiError(Exception):
    """An error with a ready response: `body` is JSON-encoded (None means an empty body)."""

    status = 400

    def __init__(self, body: Any = None, status: int | None = None, headers: dict | None = None):
        super().__init__(body)
        self.body = body
        if status is not None:
            self.status = status
        self.headers = headers or {}


class ValidationError(ApiError):
    """DRF-style validation error: `{"field": ["message", ...]}` with status 400."""

    def __init__(self, errors: dict[str, Any] | str):
        if isinstance(errors, str):
            errors = {"non_field_errors": [errors]}
        super().__init__(errors, 400)

    @classmethod
    def field(cls, name: str, message: str) -> ValidationError:
        return cls({name: [message]})


class BadRequest(ApiError):
    """Hand-written 400 with `{"error": text}` (or an empty body when text is None)."""

    def __init__(self, text: str | None = None):
        super().__init__({"error": text} if text is not None else None, 400)


class NotFound(ApiError):
    def __init__(self, body: Any = None):
        super().__init__({"detail": "Not found."} if body is None else body, 404)


class PermissionDenied(ApiError):
    def __init__(self, body: Any = PERMISSION_DENIED_BODY):
        super().__init__(body, 403)


class NotAuthenticated(ApiError):
    def __init__(self, body: Any = None):
        super().__init__(NOT_AUTHENTICATED_BODY if body is None else body, 401)


class Conflict(ApiError):
    def __init__(self, text: str):
        super().__init__({"error": text}, 409)


class TooManyRequests(ApiError):
    def __init__(self, retry_after: int, text: str = "Too many requests, try again later."):
        super().__init__({"detail": text, "retry_after": retry_after}, 429, {"Retry-After": str(retry_after)})


def invalid_token_error(token_class: str = "AccessToken", token_type: str = "access") -> ApiError:
    """simplejwt's body for a bad token, served on every endpoint that authenticates."""
    return ApiError(
        {
            "detail": "Given token not valid for any token type",
            "code": "token_not_valid",
            "messages": [
                {"token_class": token_class, "token_type": token_type, "message": "Token is invalid or expired"}
            ],
        },
        401,
    )
