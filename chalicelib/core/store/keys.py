"""The key schema of the `main` table: one function per entity, with what its keys mean.

Every item has PK and SK. Items that must be listed carry GSI1PK (the kind of thing) and GSI1SK (its
order within the list), so a list page is a Query on GSI1, never a Scan. Items that expire carry `ttl`
(epoch seconds). Aggregates (an order with its lines, a product with its variants) are one item where
they fit in 400 KB.
"""

from __future__ import annotations


def user(email: str) -> dict:
    """A user account, keyed by e-mail (the contract's user id). GSI1: USERS / email."""
    return {"PK": f"USER#{email}", "SK": "PROFILE"}


USERS_LIST = "USERS"


def group(name: str) -> dict:
    """A role (manager group) with its permission names. GSI1: GROUPS / name."""
    return {"PK": f"GROUP#{name}", "SK": "GROUP"}


GROUPS_LIST = "GROUPS"


def revoked_token(jti: str) -> dict:
    """A blacklisted refresh token (logout); expires (ttl) when the token would have."""
    return {"PK": f"TOKEN#{jti}", "SK": "REVOKED"}


def counter(name: str) -> dict:
    """An atomic integer-id counter: attribute `value` is the last id handed out."""
    return {"PK": "COUNTER", "SK": name}


def migration(migration_id: str) -> dict:
    """A data migration that has been applied (written once, conditionally)."""
    return {"PK": "MIGRATION", "SK": migration_id}
