"""Index maintenance: the zero-downtime rebuild and the operator's create / populate / delete / rollback.

A rebuild (nightly, or `cli search-index --rebuild`):

1. creates a new index `<alias>-<UTC timestamp>` with no replicas and refresh off, and records the
   rebuild in DynamoDB (keys.rebuild_state) with a lease;
2. streams the products from DynamoDB a page at a time (source.py) and bulk-loads their documents in
   requests of at most 10 MiB; after every page the checkpoint (last product id, counts) is saved and
   the lease renewed. When the Lambda's remaining time runs short the run stops after a page and
   releases the lease; the maintenance timer (every 5 minutes) resumes from the checkpoint, so a catalog
   of any size is rebuilt across as many runs as it takes. A run that crashes keeps its checkpoint and is
   taken over once its lease expires;
3. restores replicas and refresh, refreshes, and checks that the index holds at least every document
   the load sent (live updates may add more, never fewer: deletions are tombstones, documents.py);
4. moves the alias in one atomic `update_aliases` (remove from the old index + add to the new), so a
   search sees either the old or the new index, never a missing or half-filled one;
5. keeps the previous index (`--rollback` points the alias back at it) and deletes older ones.

While a rebuild runs, live updates write to the alias's index and to the new one (live.py reads the
rebuild state), with external versions so neither the load nor a late update can bring back an older
state of a product. If any document is refused or the count check fails, the new index is deleted, the
alias is left alone and the run raises `RebuildError` (the Lambda's error is what alarms see).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from chalicelib.core.settings import get_settings
from chalicelib.search import documents, engine, source, store
from chalicelib.search.settings import SearchSettings, load

logger = logging.getLogger("ecoseller.search")

LEASE_SECONDS = 180  # renewed after every page; a page takes seconds
# A run stops when less time is left than this plus twice its slowest page: room for one more page and
# for finishing (restore settings, refresh, count, swap), whatever the function's timeout.
FINISH_ALLOWANCE_MS = 15_000

Log = Callable[[str], None]


class RebuildError(Exception):
    """The new index could not be completed; the alias still points at the previous one."""


@dataclass
class Source:
    """Where documents come from: pages of (ids, live product aggregates) after a checkpoint, and the
    attribute lookup. The default reads DynamoDB; the benchmark plugs in a generator."""

    pages: Callable[[int | None, int], Iterable[tuple[list[int], list[dict]]]] = source.product_pages
    lookup: Callable[[], dict[int, dict]] = source.attribute_lookup


@dataclass
class Outcome:
    status: str  # done | paused | busy | disabled
    index: str = ""
    indexed: int = 0
    pages: int = 0
    seconds: float = 0.0
    deleted: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.status == "done":
            return (f"rebuilt {self.index}: {self.indexed} documents in {self.seconds:.1f} s; "
                    f"alias moved; deleted {', '.join(self.deleted) or 'nothing'}")
        if self.status == "paused":
            return f"paused {self.index} after {self.indexed} documents (resumes from its checkpoint)"
        if self.status == "busy":
            return "another run holds the rebuild; nothing done"
        return "search is switched off (USE_ELASTIC=0 or no engine configured); nothing done"


def _log(kind: str, **fields) -> None:
    logger.info("%s %s", kind, " ".join(f"{k}={v}" for k, v in fields.items()))


def new_index_name(settings: SearchSettings) -> str:
    return f"{settings.alias}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"


def _languages() -> tuple[tuple[str, ...], str]:
    core = get_settings()
    return core.languages, core.default_language


def documents_of(products: Iterable[dict], lookup: dict[int, dict]) -> Iterable[tuple[dict, int]]:
    languages, default = _languages()
    for product in products:
        yield documents.document(product, lookup, languages, default), int(product.get("version") or 1)


# --- the state item -------------------------------------------------------------------------------

def read_state(settings: SearchSettings) -> dict | None:
    return store.rebuild_state(settings.alias)


def _start(settings: SearchSettings, owner: str) -> dict | None:
    """Record a new rebuild (None if one exists already), then create its index."""
    now = time.time()
    state = store.start_rebuild(settings.alias, {
        "index": new_index_name(settings), "after": None, "indexed": 0, "rejected": 0, "pages": 0,
        "previous": engine.alias_targets(settings), "started_at": dt.datetime.now(dt.UTC).isoformat(), "owner": owner,
        "lease_until": int(now + LEASE_SECONDS)})
    if state is None:
        return None
    try:
        engine.create_index(settings, state["index"], _languages()[0], loading=True)
    except engine.EngineError:
        store.forget_rebuild(settings.alias)
        raise
    _log("search_rebuild_started", index=state["index"], previous=",".join(state["previous"]) or "-")
    return state


def _take_over(settings: SearchSettings, owner: str) -> dict | None:
    """Take the lease of the rebuild in progress if nobody holds it; None if somebody does."""
    now = int(time.time())
    return store.take_over_rebuild(settings.alias, owner, now, now + LEASE_SECONDS)


def _checkpoint(settings: SearchSettings, owner: str, state: dict, *, release: bool = False) -> bool:
    """Save progress; False when the lease was lost meanwhile (another run took over: stop)."""
    lease = 0 if release else int(time.time()) + LEASE_SECONDS
    return store.save_rebuild_progress(settings.alias, owner, {
        "after": state["after"], "indexed": state["indexed"], "rejected": state["rejected"], "pages": state["pages"],
        "lease_until": lease, "updated_at": dt.datetime.now(dt.UTC).isoformat()})


def _abandon(settings: SearchSettings, state: dict, reason: str) -> RebuildError:
    """Delete the unfinished index and the state; the alias is untouched."""
    try:
        engine.delete_indices(settings, [state["index"]])
    finally:
        store.forget_rebuild(settings.alias)
    _log("search_rebuild_abandoned", index=state["index"], reason=reason)
    return RebuildError(f"rebuild of {state['index']} abandoned: {reason}")


# --- the rebuild ----------------------------------------------------------------------------------

def rebuild(context=None, *, restart: bool = False, from_source: Source | None = None,
            settings: SearchSettings | None = None) -> Outcome:
    """Start a rebuild, or continue the one in progress, until done or the Lambda's time runs short.

    `context` is the Lambda context (None: no deadline, e.g. the CLI). `restart` abandons a rebuild in
    progress (even one another run holds) and starts a new one."""
    settings = settings or load()
    if not settings.enabled:
        return Outcome("disabled")
    started = time.monotonic()
    owner = uuid.uuid4().hex
    if restart:
        current = read_state(settings)
        if current is not None:
            engine.delete_indices(settings, [current["index"]])
            store.forget_rebuild(settings.alias)
    state = _take_over(settings, owner) or (_start(settings, owner) if read_state(settings) is None else None)
    if state is None:
        return Outcome("busy")
    state["after"] = None if state.get("after") is None else int(state["after"])
    for name in ("indexed", "rejected", "pages"):
        state[name] = int(state.get(name) or 0)
    if not engine.index_exists(settings, state["index"]):
        raise _abandon(settings, state, "its index disappeared")
    src = from_source or Source()
    slowest_ms = 0.0
    page_started = time.monotonic()
    for ids, products in src.pages(state["after"], settings.page_size):
        lookup = src.lookup()  # per page: a renamed attribute is picked up by the rest of the load
        actions = (engine.index_action(state["index"], doc, version) for doc, version in documents_of(products, lookup))
        accepted, superseded, rejected = engine.bulk(settings, actions)
        for problem in rejected[:3]:
            _log("search_document_rejected", index=state["index"], **problem)
        state["after"] = ids[-1]
        state["indexed"] += accepted + superseded
        state["rejected"] += len(rejected)
        state["pages"] += 1
        slowest_ms = max(slowest_ms, (time.monotonic() - page_started) * 1000)
        out_of_time = (context is not None
                       and context.get_remaining_time_in_millis() < FINISH_ALLOWANCE_MS + 2 * slowest_ms)
        if not _checkpoint(settings, owner, state, release=out_of_time):
            return Outcome("busy", state["index"], state["indexed"], state["pages"], time.monotonic() - started)
        if out_of_time:
            _log("search_rebuild_paused", index=state["index"], after=state["after"], indexed=state["indexed"])
            return Outcome("paused", state["index"], state["indexed"], state["pages"], time.monotonic() - started)
        page_started = time.monotonic()
    return _finish(settings, state, started)


def _finish(settings: SearchSettings, state: dict, started: float) -> Outcome:
    index = state["index"]
    if state["rejected"]:
        raise _abandon(settings, state, f"the engine refused {state['rejected']} documents")
    engine.finish_loading(settings, index)
    held = engine.count(settings, index)
    if held < state["indexed"]:
        raise _abandon(settings, state, f"the index holds {held} documents, {state['indexed']} were loaded")
    current = engine.alias_targets(settings)
    engine.point_alias(settings, index, current)
    keep = {index, *current, *state.get("previous", [])}
    older = [name for name in engine.versioned_indices(settings) if name not in keep]
    deleted = engine.delete_indices(settings, older)
    store.forget_rebuild(settings.alias)
    seconds = time.monotonic() - started
    _log("search_rebuild_done", index=index, documents=held, previous=",".join(current) or "-",
         deleted=",".join(deleted) or "-", seconds=f"{seconds:.1f}")
    return Outcome("done", index, state["indexed"], state["pages"], seconds, deleted)


def in_progress_and_free(settings: SearchSettings) -> bool:
    """A rebuild waits for a run: paused, or its run died (lease expired)."""
    state = read_state(settings)
    return state is not None and int(state.get("lease_until") or 0) < time.time()


# --- operator commands ----------------------------------------------------------------------------

def create(settings: SearchSettings | None = None) -> tuple[str, bool]:
    """Make sure the alias exists: (its index, True if created now as an empty index)."""
    settings = settings or load()
    current = engine.alias_targets(settings)
    if current:
        return current[0], False
    name = new_index_name(settings)
    engine.create_index(settings, name, _languages()[0], loading=False)
    engine.point_alias(settings, name, [])
    return name, True


def populate(settings: SearchSettings | None = None, from_source: Source | None = None) -> int:
    """Index every product into the alias's index in place (no new index, no swap); answers the count."""
    settings = settings or load()
    if not engine.alias_targets(settings):
        raise RebuildError(f"alias {settings.alias} does not exist; run --create or --rebuild first")
    src = from_source or Source()
    total = 0
    for _ids, products in src.pages(None, settings.page_size):
        lookup = src.lookup()
        actions = (engine.index_action(settings.alias, doc, version) for doc, version in documents_of(products, lookup))
        accepted, superseded, rejected = engine.bulk(settings, actions)
        if rejected:
            raise RebuildError(f"the engine refused {len(rejected)} documents, e.g. {rejected[0]}")
        total += accepted + superseded
    engine.finish_loading(settings, settings.alias)
    return total


def delete(settings: SearchSettings | None = None) -> list[str]:
    """Delete every versioned index of the alias (the alias goes with them) and any rebuild state."""
    settings = settings or load()
    names = engine.versioned_indices(settings)
    engine.delete_indices(settings, names)
    store.forget_rebuild(settings.alias)
    return names


def rollback(settings: SearchSettings | None = None) -> str:
    """Point the alias back at the index before the current one (kept by the last rebuild)."""
    settings = settings or load()
    current = engine.alias_targets(settings)
    older = [name for name in engine.versioned_indices(settings) if current and name < min(current)]
    if not older:
        raise RebuildError("there is no previous index to roll back to")
    engine.point_alias(settings, older[-1], current)
    return older[-1]


def status(settings: SearchSettings | None = None) -> dict:
    settings = settings or load()
    state = read_state(settings)
    return {"alias": settings.alias, "points_at": engine.alias_targets(settings),
            "indices": engine.versioned_indices(settings),
            "rebuild": None if state is None else {k: state.get(k) for k in ("index", "after", "indexed", "pages",
                                                                             "started_at", "updated_at")}}
