"""Live updates: dashboard changes reach the index through the outbox stream's search consumer."""

from __future__ import annotations

import pytest

from chalicelib.core.store import db
from chalicelib.search import handlers, keys, rebuild
from tests.catalog_fixtures import build_catalog, product_payload
from tests.helpers import auth, body, call, make_user
from tests.search.conftest import alias

PERMISSIONS = ("product_add_permission", "product_change_permission", "baseattribute_change_permission",
               "category_change_permission")


@pytest.fixture
def dashboard(client, engine_url, stream, built_once):
    from chalicelib.localization import service as localization

    def build() -> dict:
        ids = build_catalog()
        # A country with VAT: the storefront lists only what it can price (issue 17).
        localization.create_country({"code": "CZ", "name": "Czechia", "locale": "cs",
                                     "default_price_list": "CZK_retail"})
        localization.create_vat_group({"name": "Standard", "rate": "21", "country": "CZ", "is_default": True})
        make_user("editor@example.com", "pw", staff=True, permissions=PERMISSIONS)
        created = call(client, "POST", "/product/dashboard/detail/", product_payload(ids, "RH", "Red Horse"),
                       headers=auth("editor@example.com"))
        assert created.status_code == 201, created.body
        ids["product"] = body(created)["id"]
        return ids

    # The tables (and their stream) are written once per worker, then restored (built_once); the index is
    # not part of that state: each test rebuilds it in its own engine, as before.
    ids = built_once("search live dashboard", build)
    ids["headers"] = auth("editor@example.com")
    assert rebuild.rebuild().status == "done"
    stream.skip()  # the set-up is in the rebuilt index already
    return ids


def found(client, language: str, query: str) -> list[int]:
    response = call(client, "GET", f"/search/storefront/product/{language}/{query}")
    assert response.status_code == 200 and response.headers["X-Search-Backend"] == "opensearch", response.body
    return [item["id"] for item in body(response)]


def put_product(client, ids, **changes):
    payload = {**product_payload(ids, "RH", changes.pop("title", "Red Horse")), **changes}
    response = call(client, "PUT", f"/product/dashboard/detail/{ids['product']}/", payload, headers=ids["headers"])
    assert response.status_code == 200, response.body


def test_a_product_edit_is_searchable_after_the_stream_batch(client, dashboard, stream):
    assert found(client, "en", "horse") == [dashboard["product"]]
    put_product(client, dashboard, title="Blue Lagoon")
    assert found(client, "en", "lagoon") == []  # not before the consumer ran
    assert stream.pump() == {"batchItemFailures": []}
    assert found(client, "en", "lagoon") == [dashboard["product"]]
    assert found(client, "cs", "lagoon") == [dashboard["product"]]  # "Blue Lagoon CZ"
    assert found(client, "en", "horse") == []


def test_unpublish_and_delete_take_the_product_out(client, dashboard, stream, raw):
    put_product(client, dashboard, published=False)
    stream.pump()
    assert found(client, "en", "horse") == []
    put_product(client, dashboard, published=True)
    stream.pump()
    assert found(client, "en", "horse") == [dashboard["product"]]
    response = call(client, "DELETE", f"/product/dashboard/detail/{dashboard['product']}/",
                    headers=dashboard["headers"])
    assert response.status_code == 204
    stream.pump()
    assert found(client, "en", "horse") == []
    document = raw.get(index=alias(), id=str(dashboard["product"]))
    assert document["_source"]["deleted"] is True and document["_version"] == 4  # the deleted item's version


def test_renaming_an_attribute_value_reindexes_the_products_using_it(client, dashboard, stream):
    assert found(client, "cs", "cestina") == [dashboard["product"]]  # its CS variant's language value
    response = call(client, "PUT", f"/product/dashboard/attribute/{dashboard['czech']}/",
                    {"translations": {"cs": {"name": "Čeština s titulky"}}}, headers=dashboard["headers"])
    assert response.status_code == 200, response.body
    assert found(client, "cs", "titulky") == []
    stream.pump()
    assert found(client, "cs", "titulky") == [dashboard["product"]]


def test_a_change_touching_too_many_products_is_left_to_the_maintenance_timer(client, dashboard, stream,
                                                                             monkeypatch):
    from chalicelib.search import live

    monkeypatch.setattr(live, "MOST_PER_BATCH", 0)
    call(client, "PUT", f"/product/dashboard/attribute/{dashboard['czech']}/",
         {"translations": {"cs": {"name": "Čeština s titulky"}}}, headers=dashboard["headers"])
    assert stream.pump() == {"batchItemFailures": []}
    assert [i["SK"] for i in db.query("main", partition=("PK", keys.PENDING_PARTITION))] == [
        f"ATTRIBUTE#{dashboard['czech']}"]
    assert live.drain_pending() == 1
    assert found(client, "cs", "titulky") == [dashboard["product"]]


def test_an_older_state_never_overwrites_a_newer_one(client, dashboard, stream, raw):
    put_product(client, dashboard, title="Blue Lagoon")
    records = stream.records()
    put_product(client, dashboard, title="Green Mile")
    newer = stream.records()
    client.lambda_.invoke(handlers.OUTBOX_HANDLER, {"Records": newer})
    client.lambda_.invoke(handlers.OUTBOX_HANDLER, {"Records": records})  # redelivered late: reads today's state
    assert found(client, "en", "green") == [dashboard["product"]]
    assert raw.get(index=alias(), id=str(dashboard["product"]))["_version"] == 3


def test_engine_down_records_pending_work_and_the_timer_catches_up(client, dashboard, stream, engine_url,
                                                                     search_env):
    search_env.setenv("OPENSEARCH_URL", "http://127.0.0.1:9")  # nothing listens there
    put_product(client, dashboard, title="Blue Lagoon")
    assert stream.pump() == {"batchItemFailures": []}  # acknowledged: the stream is not blocked
    pending = list(db.query("main", partition=("PK", keys.PENDING_PARTITION)))
    assert [item["SK"] for item in pending] == [f"PRODUCT#{dashboard['product']}"]
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                            resources=[])
    result = client.lambda_.invoke(handlers.MAINTENANCE_HANDLER, event).payload
    assert result["pending_done"] == 0 and "unreachable" in result["engine"]  # still down: kept for later
    assert len(list(db.query("main", partition=("PK", keys.PENDING_PARTITION)))) == 1
    search_env.setenv("OPENSEARCH_URL", engine_url)
    result = client.lambda_.invoke(handlers.MAINTENANCE_HANDLER, event).payload
    assert result == {"pending_done": 1}
    assert list(db.query("main", partition=("PK", keys.PENDING_PARTITION))) == []
    assert found(client, "en", "lagoon") == [dashboard["product"]]


def test_switched_off_the_consumer_does_nothing(client, dashboard, stream, search_env):
    search_env.setenv("USE_ELASTIC", "0")
    put_product(client, dashboard, title="Blue Lagoon")
    assert stream.pump() == {"batchItemFailures": []}
    assert list(db.query("main", partition=("PK", keys.PENDING_PARTITION))) == []
    search_env.delenv("USE_ELASTIC")
    assert found(client, "en", "horse") == [dashboard["product"]]  # untouched until a rebuild
