"""Fixtures for search: one local engine (osmem-server) per test session, a fresh clone of it per test,
a small bilingual catalog, and a harness that feeds the outbox stream to the live-update consumer."""

from __future__ import annotations

import pytest

from chalicelib.catalog.products import service as products
from chalicelib.catalog.products.schemas import PRODUCT
from chalicelib.core.settings import get_settings
from chalicelib.core.store import db
from chalicelib.search import engine, fallback, handlers
from infra.local.events import stream_record
from tests.catalog_fixtures import build_catalog

SEARCH_ENV = ("USE_ELASTIC", "USE_OPENSEARCH", "OPENSEARCH_ENDPOINT", "OPENSEARCH_URL", "SEARCH_INDEX_PREFIX",
              "SEARCH_TIMEOUT", "SEARCH_RETRY_AFTER", "SEARCH_REBUILD_PAGE", "SEARCH_REBUILD_SCHEDULE",
              "SEARCH_AWS_SERVICE", "SEARCH_AWS_REGION")


@pytest.fixture(scope="session")
def osmem_server():
    """Overrides the osmem plugin's fixture: no Japanese analysis (faster start, not needed)."""
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=False)
    yield server
    server.close()


@pytest.fixture
def search_env(monkeypatch):
    """No engine configured, nothing cached."""
    for name in SEARCH_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SEARCH_FALLBACK_CACHE_SECONDS", "0")
    engine.reset()
    fallback.reset()
    yield monkeypatch
    engine.reset()
    fallback.reset()


@pytest.fixture
def engine_url(search_env, osmem_clone) -> str:
    """An empty engine of its own for this test (a clone of the session's server)."""
    search_env.setenv("OPENSEARCH_URL", osmem_clone.url)
    return osmem_clone.url


@pytest.fixture
def raw(engine_url):
    """opensearch-py talking to this test's engine directly."""
    from opensearchpy import OpenSearch

    return OpenSearch(hosts=[engine_url], timeout=10)


def alias() -> str:
    from chalicelib.search.settings import load

    return load().alias


def make(ids: dict, *, sku: str, en: dict, cs: dict | None = None, published: bool = True,
         attributes: tuple = ()) -> int:
    """A product through the catalog service (its outbox event included); answers its id."""
    translations = {"en": {"slug": sku.lower(), **en}}
    if cs is not None:
        translations["cs"] = {"slug": f"{sku.lower()}-cs", **cs}
    payload = PRODUCT.validate({
        "published": published, "translations": translations, "category": ids["action"], "type_id": ids["movie_type"],
        "product_variants": [{"sku": sku, "stock_quantity": 1, "attributes": list(attributes),
                              "price": [{"price_list": "CZK_retail", "price": "100"},
                                        {"price_list": "EUR_retail", "price": "4.20"}]}]})
    return int(products.create_product(payload)["id"])


def build_shop() -> dict:
    """A catalog with products in English and Czech (with diacritics); answers their ids by nickname."""
    from chalicelib.localization import service as localization

    ids = build_catalog()
    localization.create_country({"code": "CZ", "name": "Czechia", "locale": "cs", "default_price_list": "CZK_retail"})
    localization.create_vat_group({"name": "Standard", "rate": "21", "country": "CZ", "is_default": True})
    db.aws_client("s3").create_bucket(Bucket=get_settings().media_bucket,
                                      CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    ids["horse"] = make(ids, sku="HORSE", en={"title": "Red Horse", "short_description": "A <b>horse</b> story"},
                        cs={"title": "Červený kůň", "short_description": "Příběh koně"}, attributes=(ids["czech"],))
    ids["heat"] = make(ids, sku="HEAT", en={"title": "Heat", "short_description": "Bank robbers in Los Angeles"},
                       cs={"title": "Nástraha", "short_description": "Bankovní lupiči"}, attributes=(ids["english"],))
    ids["wave"] = make(ids, sku="WAVE", en={"title": "Heat Wave", "short_description": "A summer in the city"})
    ids["manual"] = make(ids, sku="MANUAL", en={"title": "Projector manual",
                                                "short_description": "How to keep the lamp from overheating"})
    ids["hidden"] = make(ids, sku="HIDDEN", en={"title": "Hidden Heat", "short_description": "Not out yet"},
                         published=False)
    return ids


@pytest.fixture
def shop(client) -> dict:
    return build_shop()


@pytest.fixture(scope="module")
def indexed_shop(osmem_server):
    """(client, ids) of a shop built and indexed once for a module of read-only tests (products are
    slow to create in moto)."""
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib.core.settings import reload_settings
    from chalicelib.core.store.migrate import migrate
    from chalicelib.migrations import MIGRATIONS
    from chalicelib.search import rebuild

    clone = osmem_server.clone()
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        for name in SEARCH_ENV:
            patch.delenv(name, raising=False)
        patch.setenv("OPENSEARCH_URL", clone.url)
        patch.setenv("SEARCH_FALLBACK_CACHE_SECONDS", "0")
        reload_settings()
        db.reset_clients()
        engine.reset()
        fallback.reset()
        migrate(MIGRATIONS, log=lambda _line: None)
        from tests.openapi_check import checked

        with Client(app, stage_name="test") as client:
            checked(client)
            ids = build_shop()
            assert rebuild.rebuild().status == "done"
            yield client, ids
    clone.close()
    engine.reset()
    fallback.reset()


class StreamHarness:
    """Reads the outbox table's stream (moto) and invokes the live-update consumer with the new records,
    as Lambda would."""

    def __init__(self, client):
        self.client = client
        self._checkpoints: dict[str, str] = {}

    def records(self) -> list[dict]:
        streams = db.aws_client("dynamodbstreams")
        arn = db.client().describe_table(TableName=db.table("outbox"))["Table"]["LatestStreamArn"]
        found = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            checkpoint = self._checkpoints.get(shard["ShardId"])
            kwargs = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": checkpoint} if checkpoint
                      else {"ShardIteratorType": "TRIM_HORIZON"})
            iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], **kwargs)["ShardIterator"]
            records = streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
            found += [stream_record(r, arn) for r in records]
            if records:
                self._checkpoints[shard["ShardId"]] = records[-1]["dynamodb"]["SequenceNumber"]
        return found

    def skip(self) -> None:
        """Forget what is in the stream so far (e.g. the catalog set-up, already in a rebuilt index)."""
        self.records()

    def pump(self) -> dict | None:
        records = self.records()
        if not records:
            return None
        return self.client.lambda_.invoke(handlers.OUTBOX_HANDLER, {"Records": records}).payload


@pytest.fixture
def stream(client) -> StreamHarness:
    return StreamHarness(client)
