"""Who holds uniqueness claims (`keys.unique(kind, value)`, attribute `owner`): the catalog's SKU and
product-media claims name the product holding them; readers map values to their owners in one batch."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.core.store import db, keys


def owners(claims: Iterable[tuple[str, object]]) -> dict[tuple[str, object], int]:
    """{(kind, value): owner id} of these claims that exist (BatchGetItem, 100 keys a call; none for none)."""
    wanted = {keys.unique(kind, value)["PK"]: (kind, value) for kind, value in claims}
    if not wanted:
        return {}
    found = db.batch_get("main", [keys.unique(kind, value) for kind, value in wanted.values()])
    return {wanted[claim["PK"]]: int(claim["owner"]) for claim in found
            if claim["PK"] in wanted and claim.get("owner") is not None}
