"""Everything that talks to the search engine; the only module that imports opensearch-py.

The import happens inside the functions (it costs ~0.3 s and every Lambda imports app.py). One client
per process and settings is kept, so a warm Lambda reuses its connections. In AWS the endpoint is an
Amazon OpenSearch Service domain or an OpenSearch Serverless collection and every request is
SigV4-signed with the function's credentials (botocore, refreshed as they rotate); locally it is a
plain URL.

Any failure (unreachable, timeout, HTTP error, index missing) surfaces as `EngineError`, so callers have
one thing to catch. After a failure the storefront skips the engine for `SEARCH_RETRY_AFTER` seconds
(`trip`), so a dead engine costs one timeout per Lambda per period instead of one per request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator

from chalicelib.search import documents
from chalicelib.search.settings import SearchSettings

logger = logging.getLogger("ecoseller.search")

MAX_CHUNK_BYTES = 10 * 1024 * 1024  # the bulk request limit of the smallest OpenSearch Service instances
CHUNK_DOCS = 500
_lock = threading.Lock()
_clients: dict[tuple, object] = {}
_down_until = 0.0


class EngineError(Exception):
    """The engine could not answer: unreachable, timed out, refused the request, or the index is missing."""


def _build_client(settings: SearchSettings, timeout: float):
    from opensearchpy import OpenSearch

    options: dict = {"hosts": [settings.url], "timeout": timeout, "max_retries": 0, "retry_on_timeout": False,
                     "http_compress": True}
    if settings.sigv4:
        import boto3

        # The signer for opensearch-py's default urllib3 transport (AWSV4SignerAuth is the one for requests).
        from opensearchpy import Urllib3AWSV4SignerAuth

        credentials = boto3.session.Session().get_credentials()
        if credentials is None:
            raise EngineError("no AWS credentials to sign OpenSearch requests with")
        options["http_auth"] = Urllib3AWSV4SignerAuth(credentials, settings.aws_region, settings.aws_service)
    return OpenSearch(**options)


def client(settings: SearchSettings, timeout: float | None = None):
    """The process's client for these settings (`timeout` seconds per request; the query timeout by default)."""
    timeout = settings.timeout if timeout is None else timeout
    key = (settings.url, settings.sigv4, settings.aws_service, settings.aws_region, timeout)
    found = _clients.get(key)
    if found is None:
        with _lock:
            found = _clients.get(key)
            if found is None:
                found = _clients[key] = _build_client(settings, timeout)
    return found


def reset() -> None:
    """Forget clients and the failure window (tests, or after the endpoint changed)."""
    global _down_until
    with _lock:
        _clients.clear()
        _down_until = 0.0


def available() -> bool:
    return time.monotonic() >= _down_until


def trip(settings: SearchSettings) -> None:
    global _down_until
    _down_until = time.monotonic() + settings.retry_after


def _call(what: str, operation):
    """Run one engine call, turning whatever it raises into EngineError."""
    try:
        return operation()
    except EngineError:
        raise
    except Exception as error:  # noqa: BLE001 - transport, HTTP, urllib3 and signing errors alike
        raise EngineError(f"{what}: {type(error).__name__}: {error}") from error


# --- the storefront query -------------------------------------------------------------------------

def query_body(language: str, text: str, size: int, timeout: float) -> dict:
    """The original's multi_match (id^10, title^5, short_description^3, attribute_list^2), over prefixes,
    whole words (ranked higher) and one- or two-letter typos (ranked lower), published products only."""
    def fields(suffix: str) -> list[str]:
        return [f"{name}.{language}{suffix}^{documents.BOOSTS[name]}" for name in documents.TEXT_FIELDS]

    return {
        "size": size,
        "_source": ["product_id"],
        "track_total_hits": False,
        "timeout": f"{max(1, int(timeout * 1000))}ms",
        "query": {"bool": {
            "filter": [{"term": {"published": True}}],
            "should": [
                {"multi_match": {"query": text, "fields": [f"id^{documents.BOOSTS['id']}", *fields("")]}},
                {"multi_match": {"query": text, "fields": fields(".words"), "boost": 2}},
                {"multi_match": {"query": text, "fields": fields(""), "fuzziness": "AUTO", "prefix_length": 0,
                                 "max_expansions": 50, "boost": 0.5}},
            ],
            "minimum_should_match": 1,
        }},
        "sort": [{"_score": {"order": "desc"}}, {"product_id": {"order": "asc"}}],
    }


def search_ids(settings: SearchSettings, language: str, text: str, size: int) -> list[int]:
    """Product ids of the best matches, best first."""
    body = query_body(language, text, size, settings.timeout)
    response = _call("search", lambda: client(settings).search(index=settings.alias, body=body))
    if response.get("timed_out"):
        raise EngineError("search timed out inside the engine")
    return [int(hit["_source"]["product_id"]) for hit in response["hits"]["hits"]]


# --- documents ------------------------------------------------------------------------------------

def index_action(index: str, document: dict, version: int) -> dict:
    return {"_op_type": "index", "_index": index, "_id": document["id"], "_version": int(version),
            "_version_type": "external_gte", "_source": document}


def bulk(settings: SearchSettings, actions: Iterable[dict]) -> tuple[int, int, list[dict]]:
    """Send index actions in requests of at most 10 MiB / 500 documents.

    Answers (accepted, superseded, rejected): superseded documents met a newer version of the product
    already indexed (a live update got there first), which is success; rejected ones carry the engine's
    reason. A transport failure raises EngineError (nothing is known about the rest)."""
    from opensearchpy import helpers

    admin = client(settings, settings.bulk_timeout)
    accepted = superseded = 0
    rejected: list[dict] = []

    def run() -> None:
        nonlocal accepted, superseded
        for ok, info in helpers.streaming_bulk(admin, actions, chunk_size=CHUNK_DOCS, max_chunk_bytes=MAX_CHUNK_BYTES,
                                               raise_on_error=False, max_retries=3, initial_backoff=1):
            result = next(iter(info.values()), {})
            if ok:
                accepted += 1
            elif result.get("status") == 409:
                superseded += 1
            else:
                rejected.append({"id": result.get("_id"), "status": result.get("status"),
                                 "error": result.get("error")})

    _call("bulk", run)
    return accepted, superseded, rejected


def product_ids_where(settings: SearchSettings, indices: list[str], field: str, values: Iterable[int]) -> set[int]:
    """Ids of the indexed products whose `field` holds any of `values` (paged with search_after)."""
    values = sorted({int(v) for v in values})
    if not values:
        return set()
    admin = client(settings, settings.bulk_timeout)
    found: set[int] = set()
    body: dict = {"size": 1000, "_source": ["product_id"], "query": {"terms": {field: values}},
                  "sort": [{"product_id": {"order": "asc"}}]}
    while True:
        response = _call("lookup", lambda: admin.search(index=",".join(indices), body=body,
                                                        params={"ignore_unavailable": "true"}))
        hits = response["hits"]["hits"]
        found.update(int(hit["_source"]["product_id"]) for hit in hits)
        if len(hits) < body["size"]:
            return found
        body["search_after"] = hits[-1]["sort"]


# --- indices and the alias ------------------------------------------------------------------------

def create_index(settings: SearchSettings, name: str, languages: Iterable[str], *, loading: bool) -> None:
    body = documents.index_body(languages, loading=loading, serverless=settings.serverless)
    _call("create index", lambda: client(settings, settings.bulk_timeout).indices.create(index=name, body=body))


def index_exists(settings: SearchSettings, name: str) -> bool:
    return bool(_call("exists", lambda: client(settings, settings.bulk_timeout).indices.exists(index=name)))


def alias_targets(settings: SearchSettings) -> list[str]:
    """The indices the alias points at (none before the first build)."""
    admin = client(settings, settings.bulk_timeout)

    def read() -> list[str]:
        from opensearchpy.exceptions import NotFoundError

        try:
            return sorted(admin.indices.get_alias(name=settings.alias))
        except NotFoundError:
            return []

    return _call("read alias", read)


def versioned_indices(settings: SearchSettings) -> list[str]:
    """Every `<alias>-<timestamp>` index, oldest first."""
    admin = client(settings, settings.bulk_timeout)
    found = _call("list indices", lambda: admin.indices.get_alias(index=f"{settings.alias}-*",
                                                                  params={"ignore_unavailable": "true"}))
    prefix = f"{settings.alias}-"
    return sorted(name for name in found if name.startswith(prefix) and name[len(prefix):].isdigit())


def finish_loading(settings: SearchSettings, name: str) -> None:
    """Give a loaded index its replicas and refresh interval back, and make everything searchable."""
    admin = client(settings, settings.bulk_timeout)
    if not settings.serverless:
        body = {"index": {"number_of_replicas": settings.replicas, "refresh_interval": None}}
        _call("restore settings", lambda: admin.indices.put_settings(index=name, body=body))
        _call("refresh", lambda: admin.indices.refresh(index=name))


def count(settings: SearchSettings, name: str) -> int:
    return int(_call("count", lambda: client(settings, settings.bulk_timeout).count(index=name))["count"])


def point_alias(settings: SearchSettings, name: str, current: Iterable[str]) -> None:
    """Move the alias to `name` in one atomic update_aliases call (searches see the old or the new index)."""
    actions = [{"remove": {"index": old, "alias": settings.alias}} for old in current if old != name]
    actions.append({"add": {"index": name, "alias": settings.alias}})
    _call("swap alias", lambda: client(settings, settings.bulk_timeout).indices.update_aliases(
        body={"actions": actions}))


def delete_indices(settings: SearchSettings, names: Iterable[str]) -> list[str]:
    names = list(names)
    admin = client(settings, settings.bulk_timeout)
    for name in names:
        _call("delete index", lambda name=name: admin.indices.delete(index=name, params={"ignore_unavailable": "true"}))
    return names


def chunks(values: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
