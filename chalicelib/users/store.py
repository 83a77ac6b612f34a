"""User, group, revoked-token and login-failure items in the `main` table (keys in core/store/keys.py).

Users and groups are listed through GSI1 (USERS / GROUPS). Conditional writes raise
core/store/write's ConditionFailed / TransactionFailed, as documented per function.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from chalicelib.core.store import db, keys
from chalicelib.core.store.entities import now_iso
from chalicelib.core.store.write import ConditionFailed, Delete, Put

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


def delete_user(email: str) -> None:
    db.delete("main", keys.user(email))


def list_users() -> Iterator[dict]:
    """Every user, in e-mail order."""
    return db.query("main", partition=("GSI1PK", keys.USERS_LIST), index="GSI1")


def end_sessions(email: str, *, set_fields: dict) -> None:
    """Move the user's token generation on (every token issued so far stops working) and set fields
    with it; ConditionFailed when there is no such user."""
    db.increment("main", keys.user(email), "token_generation", set_fields=set_fields,
                 condition="attribute_exists(PK)")


def held_permissions(user: dict) -> set[str]:
    """Every permission a user holds: their own and their groups' (one BatchGetItem when they have groups)."""
    return set(user.get("user_permissions") or []) | group_permissions(list(user.get("groups") or []))


def group_permissions(group_names: list[str]) -> set[str]:
    """The union of the permissions of the named groups, in one BatchGetItem call."""
    return {name for group in get_groups(group_names) for name in group.get("permissions", [])}


def get_groups(names: list[str]) -> list[dict]:
    """The existing groups among the names, in one BatchGetItem (none for no names)."""
    return db.batch_get("main", [keys.group(name) for name in names]) if names else []


def list_groups() -> Iterator[dict]:
    """Every group, in name order."""
    return db.query("main", partition=("GSI1PK", keys.GROUPS_LIST), index="GSI1")


def group_item(name: str, description: str, permissions: list[str]) -> dict:
    return {**keys.group(name), "GSI1PK": keys.GROUPS_LIST, "GSI1SK": name, "name": name,
            "description": description, "permissions": sorted(set(permissions))}


def put_group(name: str, description: str, permissions: list[str]) -> None:
    db.put("main", group_item(name, description, permissions))


def create_group(name: str, description: str, permissions: list[str]) -> None:
    """Insert a new group; ConditionFailed when the name is taken."""
    db.put_new("main", group_item(name, description, permissions))


def rename_group(current_name: str, new_name: str, description: str, permissions: list[str]) -> None:
    """Write the group under its new name and delete the old item, in one transaction; TransactionFailed
    when the new name was taken meanwhile. Members are not changed here."""
    db.transact([Put(group_item(new_name, description, permissions), condition="attribute_not_exists(PK)"),
                 Delete(keys.group(current_name))])


def delete_group(name: str) -> None:
    db.delete("main", keys.group(name))


def get_group(name: str) -> dict | None:
    return db.get("main", keys.group(name))


def revoke_token(jti: str, expires_at: int) -> None:
    db.put("main", {**keys.revoked_token(jti), "ttl": int(expires_at)})


def is_revoked(jti: str) -> bool:
    return db.get("main", keys.revoked_token(jti), consistent=True) is not None


def public_user(item: dict) -> dict:
    """The user as the contract shows it (U1)."""
    return {name: item.get(name) for name in USER_FIELDS}


# --- login-failure counters (users/throttle.py) -------------------------------------------------

def login_failure_scopes(ip: str, email: str) -> tuple[str, str]:
    """The scopes of a login attempt's two failure counters: client address with e-mail, and client
    address alone (keys.login_failures)."""
    return f"ACCOUNT#{ip}#{email.lower()}", f"ADDRESS#{ip}"


def count_login_attempt(scope: str, stamp: Decimal, now: int, expires_at: int) -> dict | None:
    """ADD 1 to a scope's counter and stamp the attempt's time; answers the counter's values before it
    ({} for a new counter), or None when the counter had expired (TTL deletion lags by hours) and was
    started again from this attempt."""
    key = keys.login_failures(scope)
    fields = {"last_failure": stamp, "ttl": expires_at}
    try:
        return db.increment("main", key, "count", set_fields=fields, condition="attribute_not_exists(#t) OR #t >= :now",
                            names={"#t": "ttl"}, values={":now": now}, returns="UPDATED_OLD")
    except ConditionFailed:
        db.put("main", {**key, "count": 1, **fields})
        return None


def uncount_last_login_attempt(scope: str, mine: Decimal, previous: Decimal) -> bool:
    """Take one attempt off the counter and put its time back to `previous`, if the last attempt counted
    is still the one stamped `mine`; False (nothing written) when another came since."""
    try:
        db.increment("main", keys.login_failures(scope), "count", -1, set_fields={"last_failure": previous},
                     condition="last_failure = :mine", values={":mine": mine})
        return True
    except ConditionFailed:
        return False


def uncount_login_attempt(scope: str) -> None:
    """Take one attempt off the counter, its time left as it is (nothing when it was reset meanwhile)."""
    try:
        db.increment("main", keys.login_failures(scope), "count", -1, condition="attribute_exists(#c)",
                     names={"#c": "count"})
    except ConditionFailed:
        pass


def reset_login_failures(scope: str) -> None:
    db.delete("main", keys.login_failures(scope))
