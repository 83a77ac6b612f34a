"""Lambda handlers of the search feature (registered on the app by `register`).

* `search_outbox`: the outbox table's stream (its second consumer) -> live.on_records: reindex what
  changed;
* `search_rebuild`: `SEARCH_REBUILD_SCHEDULE` (02:00 UTC nightly) -> rebuild.rebuild: a new index, the
  alias swapped;
* `search_maintenance`: every 5 minutes -> resume a paused or orphaned rebuild, retry the live updates
  the engine missed.

A rebuild longer than one Lambda run pauses at its checkpoint and the maintenance timer resumes it, so
the nightly function needs no more than its timeout (.chalice/config.json gives it 15 minutes). The
stream ARN is only known once the table exists: `OUTBOX_STREAM_ARN` provides it to `chalice deploy`;
otherwise a placeholder is used and the merged template (infra/template.py) points the mapping at the
outbox stream. The placeholder has the shape of a stream ARN of the outbox table, so the local
EventDriver finds the table in it even when it is given only the notification handlers' `stream_tables`.

This module is imported by every Lambda function (app.py), so it imports nothing heavy.
"""

from __future__ import annotations

import logging
import os
import re

from chalice import Rate

from chalicelib.search import settings

OUTBOX_HANDLER = "search_outbox"
REBUILD_HANDLER = "search_rebuild"
MAINTENANCE_HANDLER = "search_maintenance"
OUTBOX_BATCH_SIZE = 100
MAINTENANCE_MINUTES = 5
_SCHEDULE = re.compile(r"(cron|rate)\(.+\)")

logger = logging.getLogger("ecoseller.search")
# Rebuild progress, deferred live updates and fallbacks reach CloudWatch (Lambda's root handler takes INFO
# records from loggers that let them through).
logger.setLevel(logging.INFO)


def on_outbox_records(event):
    from chalicelib.search import live

    return live.on_records([record.to_dict() for record in event])


def on_rebuild(event):
    from chalicelib.search import rebuild

    outcome = rebuild.rebuild(event.context)
    logger.info("search_rebuild %s", outcome.describe())
    return {"status": outcome.status, "index": outcome.index, "indexed": outcome.indexed}


def on_maintenance(event):
    from chalicelib.search import engine, live, rebuild
    from chalicelib.search.settings import load

    current = load()
    if not current.enabled:
        return {"status": "disabled"}
    try:
        result: dict = {"pending_done": live.drain_pending(current)}
        if rebuild.in_progress_and_free(current):
            outcome = rebuild.rebuild(event.context, settings=current)
            logger.info("search_rebuild %s", outcome.describe())
            result.update(status=outcome.status, index=outcome.index, indexed=outcome.indexed)
    except engine.EngineError as error:  # the work stays recorded; the next tick tries again
        logger.warning("search_maintenance engine unreachable: %s", error)
        return {"pending_done": 0, "engine": f"unreachable: {error}"}
    return result


def rebuild_schedule() -> str:
    expression = settings.rebuild_schedule()
    if not _SCHEDULE.fullmatch(expression):
        raise RuntimeError(f"SEARCH_REBUILD_SCHEDULE must be cron(...) or rate(...), got {expression!r}")
    return expression


def outbox_stream_placeholder() -> str:
    from chalicelib.core.settings import get_settings

    return f"arn:aws:dynamodb:::table/{get_settings().table_name('outbox')}/stream/OUTBOX_STREAM_ARN"


def stream_tables() -> dict[str, str]:
    """For the local EventDriver: which table's stream feeds the live-update consumer."""
    from chalicelib.core.settings import get_settings

    return {OUTBOX_HANDLER: get_settings().table_name("outbox")}


def register(app) -> None:
    """Attach the search index's live-update consumer, scheduled rebuild and maintenance timer."""
    app.on_dynamodb_record(stream_arn=os.environ.get("OUTBOX_STREAM_ARN") or outbox_stream_placeholder(),
                           batch_size=OUTBOX_BATCH_SIZE, starting_position="TRIM_HORIZON",
                           name=OUTBOX_HANDLER)(on_outbox_records)
    app.schedule(rebuild_schedule(), name=REBUILD_HANDLER,
                 description="Rebuild the product search index into a new index and swap the alias")(on_rebuild)
    app.schedule(Rate(MAINTENANCE_MINUTES, unit=Rate.MINUTES), name=MAINTENANCE_HANDLER,
                 description="Resume a paused search index rebuild; retry live updates the engine missed")(
        on_maintenance)
