"""What backup and restore refuse, and how restore recovers from DynamoDB leaving items unprocessed."""

from __future__ import annotations

import hashlib

import pytest

from chalicelib import cli
from chalicelib.backup import restore as restore_module
from chalicelib.core.store import db
from tests.backup.shop import TYPED_ITEM, create_bucket, dump, read_manifest, table_names, use_prefix, write_manifest
from tests.helpers import make_user


@pytest.fixture
def export(aws, built_once, tmp_path, capsys):
    """A small shop's export in a folder (the source stage is `test`)."""

    def build() -> None:
        for number in range(30):
            make_user(f"user{number}@example.com", "pw")
        db.put("main", TYPED_ITEM)

    # The shop is written once per worker, then restored (built_once); each test exports it to its own folder.
    built_once("backup shop of 30 users", build)
    folder = tmp_path / "export"
    assert cli.main(["backup", str(folder)]) == 0
    capsys.readouterr()
    return folder


def _rehash(folder) -> None:
    """Make the manifest agree with a changed file (so that only the other checks can catch it)."""
    data = read_manifest(folder)
    raw = (folder / "main.jsonl").read_bytes()
    data["tables"]["main"]["sha256"] = hashlib.sha256(raw).hexdigest()
    data["tables"]["main"]["bytes"] = len(raw)
    write_manifest(folder, data)


def _change_a_value(folder):
    path = folder / "main.jsonl"
    path.write_bytes(path.read_bytes().replace(b"user7@example.com", b"user8@example.com", 1))


def _truncate(folder):
    path = folder / "main.jsonl"
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) - 40])


def _cut_mid_file(folder):
    path = folder / "main.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[5] = lines[5][:20]
    path.write_bytes(b"\n".join(lines))
    _rehash(folder)


def _drop_a_line(folder):
    path = folder / "main.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[1:]))


def _remove_file(folder):
    (folder / "main.jsonl").unlink()


def _remove_manifest(folder):
    (folder / "manifest.json").unlink()


def _garble_manifest(folder):
    (folder / "manifest.json").write_text('{"format": "ecoseller-dynamodb-export", "tables": {')


def _future_version(folder):
    data = read_manifest(folder)
    data["format_version"] = 2
    write_manifest(folder, data)


def _item_without_key(folder):
    path = folder / "main.jsonl"
    path.write_bytes(path.read_bytes() + b'{"SK":{"S":"X"},"name":{"S":"no PK"}}\n')
    data = read_manifest(folder)
    data["tables"]["main"]["items"] += 1
    write_manifest(folder, data)
    _rehash(folder)


def _bad_number(folder):
    path = folder / "main.jsonl"
    path.write_bytes(path.read_bytes() + b'{"PK":{"S":"X"},"SK":{"S":"Y"},"price":{"N":"12,50"}}\n')
    data = read_manifest(folder)
    data["tables"]["main"]["items"] += 1
    write_manifest(folder, data)
    _rehash(folder)


def _other_key_schema(folder):
    data = read_manifest(folder)
    data["tables"]["main"]["key_schema"] = [{"AttributeName": "id", "KeyType": "HASH"}]
    write_manifest(folder, data)


def _unknown_table(folder):
    data = read_manifest(folder)
    data["tables"]["carts"] = dict(data["tables"]["main"], file="carts.jsonl")
    write_manifest(folder, data)


CORRUPTIONS = {
    "checksum mismatch": (_change_a_value, "SHA-256"),
    "truncated last line": (_truncate, "ends in the middle of an item (truncated)"),
    "line cut mid-file": (_cut_mid_file, "line 6: not a complete JSON item"),
    "count mismatch": (_drop_a_line, "the manifest says"),
    "missing file": (_remove_file, "main.jsonl is missing"),
    "missing manifest": (_remove_manifest, "manifest.json is missing"),
    "manifest not JSON": (_garble_manifest, "manifest.json is not valid JSON"),
    "wrong format version": (_future_version, "format version 2 is not supported"),
    "item without its key": (_item_without_key, "the key attribute PK is missing"),
    "number that is not one": (_bad_number, "price: '12,50' is not a number"),
    "other key schema": (_other_key_schema, "key schema"),
    "table this version lacks": (_unknown_table, "'carts' is not a table of this version"),
}


@pytest.mark.parametrize("corrupt", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_corrupted_export_is_refused_before_anything_is_written(export, corrupt, monkeypatch, capsys):
    damage, message = corrupt
    damage(export)
    use_prefix(monkeypatch, "restored")
    assert cli.main(["restore", str(export)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("restore refused, nothing was written:") and message in error, error
    assert not [name for name in table_names() if name.startswith("restored-")]  # not even a table created


def test_corrupted_export_in_s3_is_refused(export, monkeypatch, capsys):
    create_bucket("backups")
    assert cli.main(["backup", "s3://backups/shop"]) == 0
    s3 = db.aws_client("s3")
    raw = s3.get_object(Bucket="backups", Key="shop/main.jsonl")["Body"].read()
    s3.put_object(Bucket="backups", Key="shop/main.jsonl", Body=raw.replace(b"user1@", b"userX@", 1))
    use_prefix(monkeypatch, "restored")
    assert cli.main(["restore", "s3://backups/shop"]) == 2
    assert "s3://backups/shop/main.jsonl: SHA-256" in capsys.readouterr().err
    assert cli.main(["restore", "s3://backups/elsewhere"]) == 2
    assert "s3://backups/elsewhere/manifest.json is missing" in capsys.readouterr().err
    assert not [name for name in table_names() if name.startswith("restored-")]


def test_restore_refuses_a_table_that_holds_items(export, capsys):
    before = dump("main")
    # The source stage itself is not empty.
    assert cli.main(["restore", str(export)]) == 1
    error = capsys.readouterr().err
    assert "table test-main is not empty" in error and "nothing was written" in error
    assert dump("main") == before


def test_restore_refuses_when_one_item_was_written_in_between(export, monkeypatch, capsys):
    use_prefix(monkeypatch, "restored")
    assert cli.main(["migrate"]) == 0  # migrate writes the default groups: not empty any more
    assert cli.main(["restore", str(export)]) == 1
    assert "table restored-main is not empty" in capsys.readouterr().err


def test_backup_refuses_a_destination_holding_an_export(export, capsys):
    manifest_before = (export / "manifest.json").read_bytes()
    assert cli.main(["backup", str(export)]) == 2
    assert "manifest.json exists: an export is already there" in capsys.readouterr().err
    assert (export / "manifest.json").read_bytes() == manifest_before


def test_backup_refuses_missing_tables_and_arguments(aws, tmp_path, monkeypatch, capsys):
    assert cli.main(["backup"]) == 2
    assert "give a destination" in capsys.readouterr().err
    assert cli.main(["backup", "ftp://host/x"]) == 2
    assert "a local folder or s3://bucket/prefix" in capsys.readouterr().err
    use_prefix(monkeypatch, "nosuchstage")
    assert cli.main(["backup", str(tmp_path / "x")]) == 2
    assert "table nosuchstage-main does not exist" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_backup_to_a_missing_bucket_fails_without_a_manifest(aws, capsys):
    assert cli.main(["backup", "s3://no-such-bucket/x"]) == 1
    assert "NoSuchBucket" in capsys.readouterr().err


def test_unprocessed_items_are_retried(export, monkeypatch, capsys):
    use_prefix(monkeypatch, "restored")
    client = db.client()
    real = client.batch_write_item
    calls = []

    def half_processed(RequestItems):  # noqa: N803 - boto3's parameter name
        (name, requests), = RequestItems.items()
        calls.append(len(requests))
        if len(requests) > 1:  # DynamoDB under pressure: the second half comes back unprocessed
            real(RequestItems={name: requests[: len(requests) // 2]})
            return {"UnprocessedItems": {name: requests[len(requests) // 2:]}}
        return real(RequestItems=RequestItems)

    monkeypatch.setattr(client, "batch_write_item", half_processed)
    monkeypatch.setattr(restore_module.time, "sleep", lambda _seconds: None)
    assert cli.main(["restore", str(export), "--workers", "2"]) == 0
    assert len(calls) > read_manifest(export)["tables"]["main"]["items"] / 25
    monkeypatch.undo()
    use_prefix(monkeypatch, "restored")
    restored = dump("main")
    use_prefix(monkeypatch, "test")
    assert restored == dump("main")


def test_restore_gives_up_on_items_never_processed(export, monkeypatch, capsys):
    use_prefix(monkeypatch, "restored")
    client = db.client()
    monkeypatch.setattr(client, "batch_write_item", lambda RequestItems: {"UnprocessedItems": RequestItems})
    monkeypatch.setattr(restore_module.time, "sleep", lambda _seconds: None)
    assert cli.main(["restore", str(export)]) == 1
    error = capsys.readouterr().err
    assert "restore failed" in error and "still unprocessed after 10 attempts" in error


def test_restore_notices_items_that_did_not_arrive(export, monkeypatch, capsys):
    use_prefix(monkeypatch, "restored")
    client = db.client()
    real = client.batch_write_item

    def lose_the_first_item(RequestItems):  # noqa: N803
        (name, requests), = RequestItems.items()
        lost = [r for r in requests if r["PutRequest"]["Item"]["PK"]["S"] == "BACKUPTEST#types"]
        kept = [r for r in requests if r not in lost]
        return real(RequestItems={name: kept}) if kept else {}

    monkeypatch.setattr(client, "batch_write_item", lose_the_first_item)
    assert cli.main(["restore", str(export)]) == 1
    error = capsys.readouterr().err
    items = read_manifest(export)["tables"]["main"]["items"]
    assert f"restored-main holds {items - 1} items after the restore, the export {items}" in error


def test_restore_applies_migrations_the_export_lacks(aws, tmp_path, monkeypatch, capsys):
    """An export taken before a data migration existed gets it on restore, as `migrate` would."""
    make_user("someone@example.com", "pw")
    db.delete("main", {"PK": "MIGRATION", "SK": "0001_default_groups"})
    assert cli.main(["backup", str(tmp_path / "old")]) == 0
    use_prefix(monkeypatch, "restored")
    assert cli.main(["restore", str(tmp_path / "old")]) == 0
    assert "applied migration 0001_default_groups" in capsys.readouterr().out
    assert db.get("main", {"PK": "MIGRATION", "SK": "0001_default_groups"}) is not None


def test_worker_and_segment_counts_must_be_positive(export, capsys):
    with pytest.raises(SystemExit) as refused:
        cli.main(["restore", str(export), "--workers", "0"])
    assert refused.value.code == 2 and "must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        cli.main(["backup", str(export.parent / "other"), "--segments", "0"])
    assert refused.value.code == 2 and not (export.parent / "other").exists()


def test_a_backup_that_fails_midway_leaves_no_export(aws, tmp_path, monkeypatch, capsys):
    from botocore.exceptions import ClientError

    for number in range(5):
        make_user(f"user{number}@example.com", "pw")
    client = db.client()
    real = client.scan

    def scan_then_fail(**request):
        if request.get("ExclusiveStartKey"):
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "boom"}}, "Scan")
        return real(**dict(request, Limit=2))

    monkeypatch.setattr(client, "scan", scan_then_fail)
    assert cli.main(["backup", str(tmp_path / "x"), "--segments", "2"]) == 1
    assert "backup failed" in capsys.readouterr().err
    assert list((tmp_path / "x").iterdir()) == []  # no table file, no temporary file, no manifest
