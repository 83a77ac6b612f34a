"""User administration from the dashboard (U7-U14) and the rules that stop privilege escalation.

* Only an admin may grant or take `is_admin`, or touch an admin account (edit, password, delete).
* Nobody acts on another user (edit, password, delete, sessions, roles) who holds a right they lack.
* Nobody changes their own `is_admin`, `is_staff`, `is_active` or groups, nor deletes themselves.
* A non-admin may only hand out permissions they hold themselves (through groups or group edits).
"""

from __future__ import annotations

from chalicelib.core.auth.access import Principal
from chalicelib.core.http.errors import ApiError, NotFound, PermissionDenied
from chalicelib.users import service, store

PRIVILEGE_FIELDS = ("is_admin", "is_staff", "is_active")
PROFILE_FIELDS = ("first_name", "last_name", "birth_date")


def get_user_or_404(email: str) -> dict:
    user = store.get_user(email)
    if user is None:
        raise NotFound()
    return user


def guard_target(actor: Principal, target: dict) -> None:
    """403 unless the actor holds every right the target holds: a user manager who could set the
    password of an editor with rights it lacks could log in as them and use those rights."""
    if actor.is_admin or target.get("email") == actor.email:
        return
    if target.get("is_admin"):
        raise PermissionDenied()
    lacking = store.held_permissions(target) - set(actor.permissions)
    if lacking:
        raise ApiError({"error": "You cannot act on a user who holds rights you lack: "
                                 + ", ".join(sorted(lacking)) + "."}, 403)


def update_user(actor: Principal, email: str, fields: dict) -> dict:
    target = get_user_or_404(email)
    guard_target(actor, target)
    changes = {k: v for k, v in fields.items() if k in PROFILE_FIELDS + PRIVILEGE_FIELDS}
    privilege_changes = {k: v for k, v in changes.items() if k in PRIVILEGE_FIELDS and v != target.get(k)}
    if privilege_changes and email == actor.email:
        raise ApiError({"error": "You cannot change your own privileges."}, 403)
    if "is_admin" in privilege_changes and not actor.is_admin:
        raise PermissionDenied()
    if not changes:
        return target
    return store.update_user(email, changes)


def delete_user(actor: Principal, email: str) -> None:
    target = get_user_or_404(email)
    if email == actor.email:
        raise ApiError({"error": "You cannot delete your own account."}, 403)
    guard_target(actor, target)
    store.delete_user(email)


def set_password(actor: Principal, email: str, new_password: str) -> None:
    """An administrator sets someone's password; their existing sessions end with it."""
    target = store.get_user(email)
    if target is None:
        raise ApiError({"error": "User does not exist"}, 400)
    guard_target(actor, target)
    store.update_user(email, {"password": service.hash_password(new_password)})
    if email != actor.email:
        service.logout_everywhere(email)


def logout_user_everywhere(actor: Principal, email: str) -> None:
    guard_target(actor, get_user_or_404(email))
    service.logout_everywhere(email)


def may_grant(actor: Principal, permission_names: set[str]) -> bool:
    return actor.is_admin or permission_names <= set(actor.permissions)
