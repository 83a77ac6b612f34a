"""Roles (manager groups): the defaults `migrate` creates from `config/roles.json` (or ROLES_CONFIG_PATH),
and their management from the dashboard."""

from __future__ import annotations

from chalicelib.core.auth.access import Principal
from chalicelib.core.config_files import load_json
from chalicelib.core.http.errors import ApiError, ValidationError
from chalicelib.core.store.write import ConditionFailed, TransactionFailed
from chalicelib.users import admin, permissions, store


def default_groups() -> list[dict]:
    config = load_json("roles.json", "ROLES_CONFIG_PATH")
    groups = config.get("groups")
    if not isinstance(groups, list):
        raise RuntimeError("ROLES_CONFIG_PATH: 'groups' must be a list")
    for index, group in enumerate(groups):
        if not isinstance(group, dict) or not isinstance(group.get("name"), str):
            raise RuntimeError(f"ROLES_CONFIG_PATH: groups[{index}] needs a 'name'")
        names = group.get("permissions", [])
        if not all(isinstance(p, str) for p in names):
            raise RuntimeError(f"ROLES_CONFIG_PATH: group {group['name']}: permissions must be names")
        unknown = [p for p in names if not permissions.is_known(p)]
        if unknown:
            raise RuntimeError(f"ROLES_CONFIG_PATH: group {group['name']}: unknown permissions {unknown}")
    return groups


def create_default_groups() -> None:
    """Create the configured groups that do not exist yet; existing ones are left as staff edited them."""
    for group in default_groups():
        if store.get_group(group["name"]) is None:
            store.put_group(group["name"], group.get("description", ""), group.get("permissions", []))


# --- groups (roles) and their members, for the dashboard (contract G1-G11) ----------------------

GROUP_EXISTS = "Group already exists"


def render_group(group: dict) -> dict:
    described = [permissions.describe(name) for name in group.get("permissions", [])]
    return {"name": group["name"], "description": group.get("description", ""),
            "permissions": [p for p in described if p is not None]}


def list_groups() -> list[dict]:
    return [render_group(g) for g in store.list_groups()]


def group_or_400(name: str) -> dict:
    group = store.get_group(name)
    if group is None:
        raise ApiError({"error": f"Group {name} does not exist"}, 400)
    return group


def validate_permission_names(names: list[str]) -> list[str]:
    unknown = [name for name in names if not permissions.is_known(name)]
    if unknown:
        raise ValidationError.field("permissions", f"Unknown permission: {', '.join(unknown)}.")
    return sorted(set(names))


def _check_grant(actor: Principal, added: set[str]) -> None:
    if not admin.may_grant(actor, added):
        raise ApiError({"error": "You can only grant permissions you hold yourself."}, 403)


def create_group(actor: Principal, name: str, description: str, permission_names: list[str]) -> None:
    names = validate_permission_names(permission_names)
    _check_grant(actor, set(names))
    try:
        store.create_group(name, description, names)
    except ConditionFailed:
        raise ApiError(GROUP_EXISTS, 400) from None


def _members(name: str) -> list[dict]:
    return [u for u in store.list_users() if name in (u.get("groups") or [])]


def update_group(actor: Principal, current_name: str, new_name: str, description: str,
                 permission_names: list[str]) -> None:
    """Replace a group's description and permissions; a new name renames it (members follow)."""
    group = group_or_400(current_name)
    names = validate_permission_names(permission_names)
    _check_grant(actor, set(names) - set(group.get("permissions", [])))
    if new_name == current_name:
        store.put_group(current_name, description, names)
        return
    if store.get_group(new_name) is not None:
        raise ApiError(GROUP_EXISTS, 400)
    try:
        store.rename_group(current_name, new_name, description, names)
    except TransactionFailed:
        raise ApiError(GROUP_EXISTS, 400) from None
    for user in _members(current_name):
        renamed = [new_name if g == current_name else g for g in user["groups"]]
        store.update_user(user["email"], {"groups": renamed})


def delete_group(name: str) -> None:
    group_or_400(name)
    store.delete_group(name)
    for user in _members(name):
        store.update_user(user["email"], {"groups": [g for g in user["groups"] if g != name]})


def user_groups(email: str) -> list[dict]:
    user = store.get_user(email)
    if user is None:
        raise ApiError({"error": "User does not exist"}, 400)
    names = list(user.get("groups") or [])
    found = {g["name"]: g for g in store.get_groups(names)}
    return [render_group(found[n]) for n in names if n in found]


def set_user_groups(actor: Principal, email: str, group_names: list[str]) -> None:
    """Replace a user's groups; unknown group names are refused and nothing changes."""
    user = store.get_user(email)
    if user is None:
        raise ApiError({"error": "User does not exist"}, 400)
    if email == actor.email and not actor.is_admin:
        raise ApiError({"error": "You cannot change your own roles."}, 403)
    admin.guard_target(actor, user)
    wanted = list(dict.fromkeys(group_names))
    found = {g["name"]: g for g in store.get_groups(wanted)}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise ValidationError.field("roles", f"Unknown group: {', '.join(missing)}.")
    current = set(user.get("groups") or [])
    added = {p for n in wanted if n not in current for p in found[n].get("permissions", [])}
    _check_grant(actor, added)
    store.update_user(email, {"groups": wanted})


def user_permissions(email: str) -> list[dict]:
    user = store.get_user(email)
    if user is None:
        raise ApiError({"error": "User does not exist"}, 400)
    names = store.held_permissions(user)
    return [p for p in (permissions.describe(n) for n in sorted(names)) if p is not None]
