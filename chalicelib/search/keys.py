"""The search feature's items in the `main` table (core/store/keys.py is shared; these kinds are ours).

SEARCH#REBUILD / <alias>
    The rebuild in progress for one alias (none: no rebuild running). Attributes: index (the new
    versioned index being loaded), previous (where the alias pointed when it started), after (the last
    product id loaded: the checkpoint), indexed (documents the engine accepted), rejected (documents it
    refused for another reason than a newer version already there), pages, started_at, updated_at,
    lease_until (epoch seconds; a run holds the lease while it works, renewing it after every page, so
    a crashed run is taken over once its lease has expired) and owner (the run holding it).

SEARCH#PENDING / <KIND>#<id>
    Index work a live update could not do because the engine was unreachable: KIND is PRODUCT (reindex
    one product), ATTRIBUTE, ATTRTYPE or CATEGORY (reindex the products using it). The maintenance
    timer retries them; they expire (ttl) after a week, by when the nightly rebuild has covered them.
"""

from __future__ import annotations


def rebuild_state(alias: str) -> dict:
    return {"PK": "SEARCH#REBUILD", "SK": alias}


PENDING_PARTITION = "SEARCH#PENDING"


def pending(kind: str, entity_id: int) -> dict:
    return {"PK": PENDING_PARTITION, "SK": f"{kind}#{int(entity_id)}"}
