"""Who may call a route (contract A.3), declared on every route and checked before the handler runs.

* PUBLIC: anyone (a token, when sent, is still verified).
* AUTHENTICATED: a valid access token.
* STAFF: an authenticated user with `is_staff` or `is_admin`.
* permission("x"): an admin, or a user holding permission x directly or through one of its groups.
* any_permission("x", "y"): an admin, or a user holding at least one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from chalicelib.core.http.errors import NotAuthenticated, PermissionDenied


@dataclass(frozen=True)
class Access:
    kind: str  # public | authenticated | staff | permission
    permissions: tuple[str, ...] = ()  # for kind "permission": any one of them grants access

    @property
    def permission(self) -> str | None:
        return self.permissions[0] if self.permissions else None

    def describe(self) -> str:
        return "permission " + " or ".join(self.permissions) if self.permissions else self.kind


PUBLIC = Access("public")
AUTHENTICATED = Access("authenticated")
STAFF = Access("staff")


def permission(name: str) -> Access:
    return Access("permission", (name,))


def any_permission(*names: str) -> Access:
    return Access("permission", tuple(names))


@dataclass
class Principal:
    """The authenticated caller. Permissions are resolved only when a route asks for them."""

    email: str
    is_admin: bool = False
    is_staff: bool = False
    is_active: bool = True
    item: dict = field(default_factory=dict)
    _permission_loader: Callable[[Principal], frozenset[str]] | None = None
    _permissions: frozenset[str] | None = None

    @property
    def permissions(self) -> frozenset[str]:
        if self._permissions is None:
            loader = self._permission_loader
            self._permissions = loader(self) if loader else frozenset()
        return self._permissions

    def has_permission(self, name: str) -> bool:
        return self.is_admin or name in self.permissions


def check(access: Access, principal: Principal | None) -> None:
    """Raise 401 for anonymous callers of protected routes, 403 for callers lacking the right."""
    if access.kind == "public":
        return
    if principal is None:
        raise NotAuthenticated()
    if access.kind == "authenticated":
        return
    if access.kind == "staff":
        if not (principal.is_staff or principal.is_admin):
            raise PermissionDenied()
        return
    if access.kind == "permission":
        if not any(principal.has_permission(name) for name in access.permissions):
            raise PermissionDenied()
        return
    raise ValueError(f"unknown access kind {access.kind!r}")
