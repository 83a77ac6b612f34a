"""Helpers for the backup tests: switching stages (table prefixes), a populated shop, table dumps."""

from __future__ import annotations

import json
from decimal import Decimal

from chalicelib.core.settings import get_settings, reload_settings
from chalicelib.core.store import db
from chalicelib.core.store.tables import TABLES

# One item of every DynamoDB type, with values that a float or a text encoding would not keep.
TYPED_ITEM = {
    "PK": "BACKUPTEST#types", "SK": "ITEM",
    "GSI1PK": "BACKUPTEST#LIST", "GSI1SK": "0001",
    "text": "Příliš žluťoučký kůň\nsecond line \"quoted\" \\ tab\t end 🎬",
    "integer": Decimal("12345678901234567890123456789012345678"),
    "money": Decimal("0.10"),
    "tiny": Decimal("-1.5E-120"),
    "binary": bytes(range(256)),
    "binary_with_newline": b"\x00\n\xff",
    "empty_text": "", "empty_bytes": b"",
    "strings": {"b", "a", "č"},
    "numbers": {Decimal("3.14"), Decimal("-2"), Decimal("1E+10")},
    "binaries": {b"\x01\x02", b"\x00", b"\xff\n"},
    "flag": True, "off": False, "nothing": None,
    "nested": {"list": [Decimal("1.10"), "x", None, {"deep": [b"\x07", {"k"}, True]}], "empty": {}, "none": []},
    "ttl": 4102444800,
}


def use_prefix(monkeypatch, prefix: str) -> None:
    """Point this process at another stage's tables (same emulated account)."""
    monkeypatch.setenv("TABLE_PREFIX", prefix)
    reload_settings()
    db.reset_clients()
    assert get_settings().table_prefix == prefix


def dump(logical: str) -> list[dict]:
    """Every item of a table, as plain Python values (sets as sets), in key order."""
    items = []
    for page in db.client().get_paginator("scan").paginate(TableName=db.table(logical), ConsistentRead=True):
        items += [db.deserialize(raw) for raw in page["Items"]]
    return sorted(items, key=lambda item: (item["PK"], item.get("SK", "")))


def dump_all() -> dict[str, list[dict]]:
    return {logical: dump(logical) for logical in TABLES}


def table_names() -> list[str]:
    return db.client().list_tables()["TableNames"]


def create_bucket(name: str) -> None:
    db.aws_client("s3").create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})


def read_manifest(folder) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def write_manifest(folder, manifest: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest))
