"""The rebuild: versioned indices behind an alias, checkpoints across runs, zero downtime; the CLI."""

from __future__ import annotations

import threading
import time

import pytest

from chalicelib import cli
from chalicelib.core.store import db
from chalicelib.search import engine, handlers, keys, rebuild, service
from chalicelib.search.settings import load
from tests.catalog_fixtures import build_catalog
from tests.search.conftest import alias, make


@pytest.fixture
def catalog(client, engine_url, built_once):
    def build() -> dict:
        ids = build_catalog()
        ids["products"] = [make(ids, sku=f"P{n}", en={"title": f"Heat {name}"}, published=n != 3)
                           for n, name in enumerate(("Wave", "Storm", "Front", "Hidden"))]
        return ids

    # The tables only (the products' events wait in the outbox): written once per worker, then restored
    # (built_once). The engine is this test's own empty clone, as before.
    return built_once("search rebuild catalog", build)


class Context:
    """A Lambda context with `left_ms` of time left (a rebuild stops below its safety margin)."""

    def __init__(self, left_ms: int):
        self.left_ms = left_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.left_ms


def indices(raw) -> dict[str, dict]:
    return raw.indices.get_alias(index=f"{alias()}-*")


def test_rebuild_swaps_the_alias_keeps_the_previous_index_and_deletes_older_ones(catalog, raw):
    first = rebuild.rebuild()
    assert first.status == "done" and first.indexed == 4  # the unpublished product is indexed, never found
    assert first.index.startswith(f"{alias()}-") and indices(raw) == {first.index: {"aliases": {alias(): {}}}}
    settings = raw.indices.get_settings(index=first.index)[first.index]["settings"]["index"]
    assert settings["number_of_replicas"] == "1" and settings.get("refresh_interval") != "-1"  # restored
    assert raw.count(index=alias())["count"] == 4
    second = rebuild.rebuild()
    assert indices(raw) == {first.index: {"aliases": {}}, second.index: {"aliases": {alias(): {}}}}
    third = rebuild.rebuild()
    assert third.deleted == [first.index]
    assert indices(raw) == {second.index: {"aliases": {}}, third.index: {"aliases": {alias(): {}}}}
    assert rebuild.rollback() == second.index
    assert raw.indices.get_alias(name=alias()) == {second.index: {"aliases": {alias(): {}}}}
    assert db.get("main", keys.rebuild_state(alias())) is None


def test_a_rebuild_pauses_at_its_checkpoint_and_the_timer_resumes_it(catalog, raw, search_env, client, monkeypatch):
    before = rebuild.rebuild().index
    search_env.setenv("SEARCH_REBUILD_PAGE", "1")
    paused = rebuild.rebuild(Context(left_ms=1_000))  # below the margin: one page, then stop
    assert paused.status == "paused" and paused.indexed == 1
    state = db.get("main", keys.rebuild_state(alias()))
    assert int(state["after"]) == catalog["products"][0] and int(state["lease_until"]) == 0
    assert raw.indices.get_alias(name=alias()) == {before: {"aliases": {alias(): {}}}}  # untouched meanwhile
    assert raw.count(index=paused.index)["count"] == 1
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                            resources=[])
    monkeypatch.setattr(rebuild, "FINISH_ALLOWANCE_MS", 0)  # chalice's test context leaves 3 s, not 15 min
    result = client.lambda_.invoke(handlers.MAINTENANCE_HANDLER, event).payload
    assert result == {"pending_done": 0, "status": "done", "index": paused.index, "indexed": 4}
    assert raw.indices.get_alias(name=alias()) == {paused.index: {"aliases": {alias(): {}}}}
    assert db.get("main", keys.rebuild_state(alias())) is None


def test_a_run_holding_the_lease_is_not_disturbed_and_a_dead_one_is_taken_over(catalog, search_env):
    search_env.setenv("SEARCH_REBUILD_PAGE", "1")
    paused = rebuild.rebuild(Context(left_ms=1_000))
    db.update("main", keys.rebuild_state(alias()), set_fields={"lease_until": int(time.time()) + 60})
    assert rebuild.rebuild().status == "busy"  # another run holds it
    assert not rebuild.in_progress_and_free(load())
    db.update("main", keys.rebuild_state(alias()), set_fields={"lease_until": int(time.time()) - 1})
    assert rebuild.in_progress_and_free(load())  # that run died: its lease ran out
    done = rebuild.rebuild()
    assert done.status == "done" and done.index == paused.index and done.indexed == 4


def test_a_short_count_abandons_the_new_index_and_leaves_the_alias(catalog, raw, monkeypatch):
    before = rebuild.rebuild().index
    monkeypatch.setattr(engine, "count", lambda settings, name: 1)
    with pytest.raises(rebuild.RebuildError, match="holds 1 documents, 4 were loaded"):
        rebuild.rebuild()
    assert indices(raw) == {before: {"aliases": {alias(): {}}}}
    assert db.get("main", keys.rebuild_state(alias())) is None


def test_searches_never_fail_or_come_back_empty_while_rebuilds_swap_the_alias(catalog, search_env):
    rebuild.rebuild()
    search_env.setenv("SEARCH_REBUILD_PAGE", "1")
    stop = threading.Event()
    outcomes: list = []

    def search_continuously() -> None:
        while not stop.is_set():
            try:
                outcomes.append(service.matching_ids("en", "heat", 10))
            except Exception as error:  # noqa: BLE001 - recorded, asserted below
                outcomes.append(error)

    searcher = threading.Thread(target=search_continuously)
    searcher.start()
    try:
        for _ in range(3):
            assert rebuild.rebuild().status == "done"
    finally:
        stop.set()
        searcher.join()
    expected = (sorted(catalog["products"][:3]), service.ENGINE)
    assert len(outcomes) > 10
    assert [o for o in outcomes if not isinstance(o, tuple) or (sorted(o[0]), o[1]) != expected] == []


def test_search_index_cli(catalog, capsys, monkeypatch, search_env):
    assert cli.main(["search-index", "--create"]) == 0
    assert "(created, empty)" in capsys.readouterr().out
    assert cli.main(["search-index", "--create"]) == 0
    assert "(exists)" in capsys.readouterr().out
    assert cli.main(["search-index", "--populate"]) == 0
    assert "indexed 4 products" in capsys.readouterr().out
    assert cli.main(["search-index", "--rebuild"]) == 0
    assert "rebuilt" in capsys.readouterr().out
    assert cli.main(["search-index", "--status"]) == 0
    assert '"rebuild": null' in capsys.readouterr().out
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    assert cli.main(["search-index", "--delete"]) == 1
    assert cli.main(["search-index", "--delete", "-f"]) == 0
    assert engine.versioned_indices(load()) == []
    search_env.setenv("USE_ELASTIC", "0")
    assert cli.main(["search-index", "--rebuild"]) == 2
    assert "switched off" in capsys.readouterr().err


def test_the_nightly_schedule_runs_a_rebuild(catalog, client, monkeypatch):
    monkeypatch.setattr(rebuild, "FINISH_ALLOWANCE_MS", 0)  # chalice's test context leaves 3 s, not 15 min
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                            resources=[])
    result = client.lambda_.invoke(handlers.REBUILD_HANDLER, event).payload
    assert result["status"] == "done" and result["indexed"] == 4
