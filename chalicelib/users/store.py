"""User and group items in the `main` table (keys in core/store/keys.py)."""

from __future__ import annotations

from chalicelib.core.store import db, keys
from chalicelib.core.store.entities import now_iso

USER_FIELDS = ("email", "first_name", "last_name", "birth_date", "is_active", "is_admin", "is_staff")


def get_user(email: str, *, consistent: bool = False) -> dict | None:
    return db.get("main", keys.user(email), consistent=consistent)


def create_user(email: str, password_hash: str, *, is_staff: bool = False, is_admin: bool = False,
                first_name: str = "", last_name: str = "") -> dict:
    """Insert a user; raises db.ConditionFailed when the e-mail is taken."""
    item = {
        **keys.user(email),
        "GSI1PK": keys.USERS_LIST,
        "GSI1SK": email,
        "email": email,
        "password": password_hash,
        "first_name": first_name,
        "last_name": last_name,
        "birth_date": None,
        "is_active": True,
        "is_admin": is_admin,
        "is_staff": is_staff,
        "groups": [],
        "user_permissions": [],
        "date_joined": now_iso(),
        "last_login": None,
    }
    db.put_new("main", item)
    return item


def update_user(email: str, fields: dict) -> dict:
    """Update fields of an existing user; raises db.ConditionFailed when there is no such user."""
    return db.update("main", keys.user(email), set_fields=fields, condition="attribute_exists(PK)")


def held_permissions(user: dict) -> set[str]:
    """Every permission a user holds: their own and their groups' (one BatchGetItem when they have groups)."""
    return set(user.get("user_permissions") or []) | group_permissions(list(user.get("groups") or []))


def group_permissions(group_names: list[str]) -> set[str]:
    """The union of the permissions of the named groups, in one BatchGetItem call."""
    if not group_names:
        return set()
    found = db.batch_get("main", [keys.group(name) for name in group_names])
    return {name for group in found for name in group.get("permissions", [])}


def group_item(name: str, description: str, permissions: list[str]) -> dict:
    return {**keys.group(name), "GSI1PK": keys.GROUPS_LIST, "GSI1SK": name, "name": name,
            "description": description, "permissions": sorted(set(permissions))}


def put_group(name: str, description: str, permissions: list[str]) -> None:
    db.put("main", group_item(name, description, permissions))


def get_group(name: str) -> dict | None:
    return db.get("main", keys.group(name))


def revoke_token(jti: str, expires_at: int) -> None:
    db.put("main", {**keys.revoked_token(jti), "ttl": int(expires_at)})


def is_revoked(jti: str) -> bool:
    return db.get("main", keys.revoked_token(jti), consistent=True) is not None


def public_user(item: dict) -> dict:
    """The user as the contract shows it (U1)."""
    return {name: item.get(name) for name in USER_FIELDS}
