"""Live updates: the outbox stream's second consumer keeps product documents current between rebuilds.

It reads the same outbox records as the notification flow but on its own (no notifications.json, no
queue): a change is in the index about a second after its transaction, well within a minute.

What an event changes:

| events                                 | documents reindexed                                     |
|----------------------------------------|---------------------------------------------------------|
| PRODUCT_SAVE/UPDATE/DELETE             | that product (a deleted one becomes a tombstone)        |
| PRODUCTVARIANT_*, PRICE_* on their own | the product owning the SKU (with a product event in the |
|                                        | same outbox item they are covered by it)                |
| ATTRIBUTE_UPDATE/DELETE                | every product using the attribute value (its name is in |
|                                        | `attribute_list`)                                       |
| ATTRIBUTETYPE_UPDATE/DELETE            | every product using a value of the type                 |
| CATEGORY_UPDATE/DELETE                 | every product of the category                           |

Products are read with strongly consistent reads (the stream can be faster than an eventually
consistent read) and written with their version as external version, to the alias's index and, while
a rebuild runs, to the new index too.

If the engine cannot be reached, the work is recorded as pending items in DynamoDB (keys.py) and the
batch is acknowledged: the stream is not blocked and nothing is lost; the maintenance timer retries the
pending work every few minutes. With search switched off the consumer does nothing (a rebuild after
switching it back on catches up).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from chalicelib.catalog.products import service as catalog_products
from chalicelib.core import batch, event_names
from chalicelib.core.settings import get_settings
from chalicelib.events import store as outbox
from chalicelib.search import documents, engine, rebuild, source, store
from chalicelib.search.settings import SearchSettings, load

logger = logging.getLogger("ecoseller.search")

MOST_PER_BATCH = 2000  # products a stream batch reindexes itself (a few seconds); more are deferred


@dataclass
class Work:
    products: set[int] = field(default_factory=set)
    attributes: set[int] = field(default_factory=set)
    attribute_types: set[int] = field(default_factory=set)
    categories: set[int] = field(default_factory=set)
    skus: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.products or self.attributes or self.attribute_types or self.categories or self.skus)

    def pending(self) -> list[tuple[str, int]]:
        """The work as pending entries (kind, id) for the maintenance timer (search/keys.py)."""
        return [(kind, entity_id) for kind, ids in self.by_kind().items() for entity_id in ids]

    def by_kind(self) -> dict[str, set[int]]:
        return {"PRODUCT": self.products, "ATTRIBUTE": self.attributes, "ATTRTYPE": self.attribute_types,
                "CATEGORY": self.categories}


_PRODUCT_CHANGES = frozenset(event_names.PRODUCT_EVENTS.values())
_VARIANT_OR_PRICE_CHANGES = frozenset([*event_names.PRODUCTVARIANT_EVENTS.values(), *event_names.PRICE_EVENTS.values()])
# event -> the Work field of its ids. Only changes and removals: a new attribute value or category is on no
# product yet.
_REFERENCE_CHANGES = {family[kind]: target
                      for target, family in (("attributes", event_names.ATTRIBUTE_EVENTS),
                                             ("attribute_types", event_names.ATTRIBUTETYPE_EVENTS),
                                             ("categories", event_names.CATEGORY_EVENTS))
                      for kind in ("UPDATE", "DELETE")}


def _events(record: dict) -> list[tuple[str, dict]]:
    """(type, payload) of the events an outbox stream record carries (none for removals: TTL expiry)."""
    return [(event["type"], json.loads(event["payload"] or "{}")) for event in outbox.outbox_events(record)]


def collect(records: list[dict]) -> Work:
    work = Work()
    for record in records:
        try:
            events = _events(record)
        except (KeyError, TypeError, ValueError) as error:  # a malformed record must not block the shard
            logger.warning("search_outbox_record_skipped %s: %s", type(error).__name__, error)
            continue
        has_product_event = any(kind in _PRODUCT_CHANGES for kind, _ in events)
        for kind, payload in events:  # PRODUCT_DETAIL_ENTER and the other events fall through
            if kind in _PRODUCT_CHANGES:
                work.products.add(int(payload["id"]))
            elif kind in _VARIANT_OR_PRICE_CHANGES:
                sku = payload.get("sku") or payload.get("product_variant_sku")
                if sku and not has_product_event:  # else the product's event covers it
                    work.skus.add(str(sku))
            elif kind in _REFERENCE_CHANGES:
                getattr(work, _REFERENCE_CHANGES[kind]).add(int(payload["id"]))
    return work


# --- applying work --------------------------------------------------------------------------------

def write_targets(settings: SearchSettings) -> list[str]:
    """The index the alias points at, plus the one a rebuild is loading (it must not miss changes made
    meanwhile). Concrete names: writing to a missing alias would create an index of that name.

    The state is read before the alias: a rebuild moves the alias before it deletes its state, so one of
    the two reads sees the new index."""
    state = rebuild.read_state(settings)
    targets = engine.alias_targets(settings)
    if state is not None and state.get("index") and state["index"] not in targets:
        targets.append(state["index"])
    return targets


def reindex(settings: SearchSettings, product_ids: set[int], targets: list[str]) -> int:
    """Write the current document (or tombstone) of each product to every target; answers how many."""
    if not product_ids:
        return 0
    items = source.product_items(sorted(product_ids))
    lookup = source.attribute_lookup()
    core = get_settings()
    pairs = []
    for product_id, item in items.items():
        version = int(item.get("version") or 1)
        if item.get("safe_deleted"):
            pairs.append((documents.tombstone(product_id), version))
        else:
            pairs.append((documents.document(item, lookup, core.languages, core.default_language), version))
    for target in targets:
        accepted, superseded, rejected = engine.bulk(
            settings, (engine.index_action(target, doc, version) for doc, version in pairs))
        for problem in rejected:
            logger.warning("search_document_rejected index=%s %s", target, problem)
    return len(pairs)


class TooMuchForNow(Exception):
    """A change touches more products than a stream batch should reindex (its function has 30 s)."""


def apply(settings: SearchSettings, work: Work, *, most: int | None = None) -> int:
    """Reindex what `work` touches; with `most`, refuse (TooMuchForNow) above that many products."""
    targets = write_targets(settings)
    if not targets:
        return 0  # no index yet: the first rebuild will include every change
    product_ids = set(work.products)
    for sku in work.skus:
        found = catalog_products.find_variant(sku)
        if found is not None:
            product_ids.add(int(found[0]["id"]))
    for field_name, values in (("attribute_ids", work.attributes), ("attribute_type_ids", work.attribute_types),
                               ("category", work.categories)):
        product_ids |= engine.product_ids_where(settings, targets, field_name, values)
    if most is not None and len(product_ids) > most:
        raise TooMuchForNow(f"{len(product_ids)} products")
    return reindex(settings, product_ids, targets)


def _record_pending(work: Work) -> None:
    found = [catalog_products.find_variant(sku) for sku in work.skus]  # resolved now, while the SKU exists
    for kind, entity_id in work.pending() + [("PRODUCT", int(f[0]["id"])) for f in found if f is not None]:
        store.record_pending(kind, entity_id)


# --- handlers' entry points -----------------------------------------------------------------------

def on_records(records: list[dict]) -> dict:
    """The stream consumer: partial batch response (all or nothing: pending work is recorded instead)."""
    settings = load()
    if not settings.enabled:
        return batch.response([])
    work = collect(records)
    if not work:
        return batch.response([])
    try:
        count = apply(settings, work, most=MOST_PER_BATCH)
        logger.info("search_live_update documents=%s", count)
    except (engine.EngineError, TooMuchForNow) as error:
        # Engine down, or e.g. a renamed attribute used by half the catalog: the maintenance function
        # (15 minutes) does it within 5 minutes.
        logger.warning("search_live_update_deferred %s", error)
        try:
            _record_pending(work)
        except Exception:  # noqa: BLE001 - then the stream must retry the batch
            logger.exception("search_pending_not_recorded")
            return batch.stream_response(records, 0)
    return batch.response([])


def drain_pending(settings: SearchSettings | None = None) -> int:
    """Retry the recorded work; answers how many pending items were done (0 while the engine is down)."""
    settings = settings or load()
    if not settings.enabled:
        return 0
    entries = store.pending_work()
    if not entries:
        return 0
    work = Work()
    for kind, entity_id, _entry in entries:
        work.by_kind()[kind].add(entity_id)
    apply(settings, work)
    for _kind, _entity_id, entry in entries:
        store.forget_pending(entry)
    return len(entries)
