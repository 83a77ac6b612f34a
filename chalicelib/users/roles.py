"""Default roles (manager groups), loaded from `config/roles.json` (or ROLES_CONFIG_PATH) by `migrate`."""

from __future__ import annotations

from chalicelib.core.config_files import load_json
from chalicelib.users import store


def default_groups() -> list[dict]:
    config = load_json("roles.json", "ROLES_CONFIG_PATH")
    groups = config.get("groups")
    if not isinstance(groups, list):
        raise RuntimeError("ROLES_CONFIG_PATH: 'groups' must be a list")
    for index, group in enumerate(groups):
        if not isinstance(group, dict) or not isinstance(group.get("name"), str):
            raise RuntimeError(f"ROLES_CONFIG_PATH: groups[{index}] needs a 'name'")
        if not all(isinstance(p, str) for p in group.get("permissions", [])):
            raise RuntimeError(f"ROLES_CONFIG_PATH: group {group['name']}: permissions must be names")
    return groups


def create_default_groups() -> None:
    """Create the configured groups that do not exist yet; existing ones are left as staff edited them."""
    for group in default_groups():
        if store.get_group(group["name"]) is None:
            store.put_group(group["name"], group.get("description", ""), group.get("permissions", []))
