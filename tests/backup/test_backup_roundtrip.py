"""A populated shop, backed up to a folder and to S3, restored into fresh tables: every item comes back."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from chalicelib import cli
from chalicelib.backup import manifest
from chalicelib.core.store import db
from chalicelib.core.store.tables import TABLES, key_schema
from tests.backup.shop import TYPED_ITEM, create_bucket, dump, dump_all, read_manifest, table_names, use_prefix
from tests.catalog_fixtures import build_catalog, product_payload
from tests.helpers import auth, body, call, make_user


def demo_taxonomy_ids() -> dict:
    """The ids `product_payload` needs, from the demo taxonomy."""
    from chalicelib.catalog.reference.store import CATEGORIES, catalog_snapshot
    from chalicelib.catalog.taxonomy import service as attributes

    snapshot = catalog_snapshot()
    taxonomy = attributes.Taxonomy(snapshot)
    values = {(taxonomy.types[int(v["type"])]["type_name"], v["value"]): int(value_id)
              for value_id, v in taxonomy.values.items()}
    return {"action": next(int(c["id"]) for c in snapshot[CATEGORIES.kind]
                           if c["translations"]["en"]["slug"] == "action"),
            "movie_type": next(int(t["id"]) for t in taxonomy.product_types.values() if t["name"] == "Movie"),
            "english": values[("language", "en")], "czech": values[("language", "cs")]}


def populate_demo_shop(client, monkeypatch) -> int:
    """The local shop's demo data (accounts, localization, taxonomy, products with posters, CMS), plus
    what the HTTP API writes (a product, a registration, a login) and an item of every DynamoDB type.
    Answers the id of the product created over HTTP."""
    from chalicelib.catalog import demo as catalog_demo
    from chalicelib.core.settings import get_settings
    from infra.local import demo

    create_bucket(get_settings().media_bucket)
    # Two of the demo's twenty movies (one in a hidden category): the same kinds of items, in a fraction
    # of the time moto takes for twenty.
    monkeypatch.setattr(catalog_demo, "TITLES", {"action": ["Heat Wave"], "drama": ["Quiet Rooms"]})
    assert demo.load_demo_data(log=lambda _line: None)
    make_user("admin@example.com", "admin-pass", staff=True, admin=True)
    payload = json.loads(json.dumps(product_payload(demo_taxonomy_ids(), sku_prefix="HTTP"))
                         .replace('"CZK_retail"', '"CZK"').replace('"EUR_retail"', '"EUR"'))
    created = call(client, "POST", "/product/dashboard/detail/", payload, headers=auth("admin@example.com"))
    assert created.status_code == 201, created.body
    assert call(client, "POST", "/user/register", {"email": "new@example.com", "password": "n3w-pass!"}
                ).status_code in (200, 201)
    assert call(client, "POST", "/user/login", {"email": "new@example.com", "password": "n3w-pass!"}
                ).status_code == 200
    db.put("main", TYPED_ITEM)
    return body(created)["id"]


def test_folder_backup_restores_every_table_item_by_item(client, tmp_path, monkeypatch, capsys):
    product_id = populate_demo_shop(client, monkeypatch)
    served = body(call(client, "GET", f"/product/storefront/{product_id}"))
    source = dump_all()
    assert len(source["main"]) > 60 and source["outbox"], "the shop is populated and has recorded events"

    assert cli.main(["backup", str(tmp_path / "export"), "--segments", "3"]) == 0
    folder = tmp_path / "export"
    data = read_manifest(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["main.jsonl", "manifest.json"]
    assert data["format"] == manifest.FORMAT and data["format_version"] == 1
    assert (data["stage"], data["table_prefix"]) == ("test", "test")
    assert "outbox" in data["excluded"] and "outbox" not in data["tables"]
    entry = data["tables"]["main"]
    raw = (folder / "main.jsonl").read_bytes()
    assert entry["items"] == len(source["main"]) == raw.count(b"\n")
    assert entry["sha256"] == hashlib.sha256(raw).hexdigest() and entry["bytes"] == len(raw)
    assert entry["key_schema"] == key_schema("PK", "SK") and entry["table_name"] == "test-main"
    assert {index["name"] for index in entry["indexes"]} == {"GSI1", "GSI2"}
    typed = next(json.loads(line) for line in raw.splitlines() if b"BACKUPTEST#types" in line)
    # DynamoDB JSON: numbers as decimal text, binaries as base64, sets tagged (and sorted), maps nested.
    assert isinstance(typed["money"]["N"], str) and Decimal(typed["money"]["N"]) == Decimal("0.10")
    assert typed["integer"] == {"N": "12345678901234567890123456789012345678"}
    assert typed["binary_with_newline"] == {"B": "AAr/"}
    assert typed["strings"] == {"SS": ["a", "b", "č"]}
    assert typed["nested"]["M"]["list"]["L"][3]["M"]["deep"]["L"][1] == {"SS": ["k"]}

    use_prefix(monkeypatch, "restored")
    assert "restored-main" not in table_names()
    assert cli.main(["restore", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"restored-main: {len(source['main'])} items restored and verified" in out

    restored = dump_all()
    assert restored["main"] == source["main"]  # every item, every attribute, every type
    assert restored["outbox"] == []  # nothing re-fires: the outbox is not restored
    typed_back = next(item for item in restored["main"] if item["PK"] == "BACKUPTEST#types")
    assert typed_back == TYPED_ITEM

    # The restored stage is a working shop: its users log in, its products are served.
    login = call(client, "POST", "/user/login", {"email": "customer@example.com", "password": "customer"})
    assert login.status_code == 200 and body(login)["access"]
    assert body(call(client, "GET", f"/product/storefront/{product_id}")) == served


def test_s3_backup_with_on_demand_backups_restores_identically(client, monkeypatch, capsys):
    ids = build_catalog()
    make_user("admin@example.com", "admin-pass", staff=True, admin=True)
    response = call(client, "POST", "/product/dashboard/detail/", product_payload(ids),
                    headers=auth("admin@example.com"))
    assert response.status_code == 201, response.body
    db.put("main", TYPED_ITEM)
    source = dump_all()
    create_bucket("shop-backups")
    capsys.readouterr()

    assert cli.main(["backup", "s3://shop-backups/nightly/2024-05-01", "--aws"]) == 0
    out = capsys.readouterr().out
    s3 = db.aws_client("s3")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="shop-backups")["Contents"])
    assert keys == ["nightly/2024-05-01/main.jsonl", "nightly/2024-05-01/manifest.json"]
    data = json.loads(s3.get_object(Bucket="shop-backups", Key=keys[1])["Body"].read())
    assert data["tables"]["main"]["items"] == len(source["main"])
    # --aws: one on-demand backup per table, ARNs printed and recorded.
    for logical in TABLES:
        backups = db.client().list_backups(TableName=db.table(logical))["BackupSummaries"]
        assert [b["BackupArn"] for b in backups] == [data["aws_backups"][logical]]
        assert data["aws_backups"][logical] in out
        assert db.client().describe_backup(BackupArn=data["aws_backups"][logical])[
            "BackupDescription"]["BackupDetails"]["BackupStatus"] == "AVAILABLE"

    use_prefix(monkeypatch, "froms3")
    assert cli.main(["restore", "s3://shop-backups/nightly/2024-05-01/"]) == 0
    assert dump("main") == source["main"]
    assert dump("outbox") == []


def test_aws_only_backup_needs_no_destination(aws, capsys):
    assert cli.main(["backup", "--aws"]) == 0
    out = capsys.readouterr().out
    for logical in TABLES:
        (summary,) = db.client().list_backups(TableName=db.table(logical))["BackupSummaries"]
        assert summary["BackupArn"] in out and summary["BackupName"].startswith(db.table(logical) + "-")


def test_items_whose_ttl_passed_are_not_restored(aws, tmp_path, monkeypatch, capsys):
    """DynamoDB deletes them on its own schedule; restoring them would only make the check racy."""
    db.put("main", {"PK": "BACKUPTEST#expired", "SK": "ITEM", "ttl": 1_000_000_000})
    db.put("main", {"PK": "BACKUPTEST#live", "SK": "ITEM", "ttl": db.ttl_in(3600)})
    db.put("main", {"PK": "BACKUPTEST#not-a-ttl", "SK": "ITEM", "ttl": "yesterday"})
    source = dump("main")
    assert cli.main(["backup", str(tmp_path / "e")]) == 0
    assert read_manifest(tmp_path / "e")["tables"]["main"]["items"] == len(source)  # the export keeps all
    use_prefix(monkeypatch, "restored")
    assert cli.main(["restore", str(tmp_path / "e")]) == 0
    out = capsys.readouterr().out
    assert f"restored-main: {len(source) - 1} items restored and verified" in out
    assert "1 expired by TTL left out" in out
    assert dump("main") == [item for item in source if item["PK"] != "BACKUPTEST#expired"]
