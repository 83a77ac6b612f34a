"""Export locations: local folders and S3 prefixes, written as streams (multipart for big files)."""

from __future__ import annotations

import os

import pytest

from chalicelib.backup import locations
from chalicelib.core.store import db
from tests.backup.shop import create_bucket


def test_parse_locations():
    assert isinstance(locations.parse("backups/today"), locations.LocalFolder)
    s3 = locations.parse("s3://bucket/shop/2024/")
    assert (s3.bucket, s3.prefix, s3.describe("m.json")) == ("bucket", "shop/2024", "s3://bucket/shop/2024/m.json")
    assert locations.parse("s3://bucket").describe("m.json") == "s3://bucket/m.json"
    for bad in ("s3://", "s3:///x", "https://example.com/x"):
        with pytest.raises(ValueError):
            locations.parse(bad)


def test_lines_know_whether_the_file_was_cut():
    assert list(locations.read_lines([b"ab\ncd", b"\nef\n"])) == [(b"ab", True), (b"cd", True), (b"ef", True)]
    assert list(locations.read_lines([b"ab\nc", b"d"])) == [(b"ab", True), (b"cd", False)]
    assert list(locations.read_lines([])) == []


def test_local_writer_renames_when_complete_and_leaves_nothing_when_aborted(tmp_path):
    folder = locations.LocalFolder(tmp_path)
    writer = folder.writer("a.jsonl")
    writer.write(b"one\n")
    assert not folder.exists("a.jsonl")  # still under its temporary name
    writer.commit()
    assert (tmp_path / "a.jsonl").read_bytes() == b"one\n"
    aborted = folder.writer("b.jsonl")
    aborted.write(b"half")
    aborted.abort()
    assert sorted(os.listdir(tmp_path)) == ["a.jsonl"]
    with pytest.raises(locations.MissingFile):
        list(folder.chunks("b.jsonl"))


def test_s3_writer_streams_big_files_as_multipart_uploads(aws, monkeypatch):
    create_bucket("backups")
    monkeypatch.setattr(locations, "PART_SIZE", 5 * 1024 * 1024)  # S3's smallest part
    prefix = locations.S3Prefix("backups", "x")
    data = os.urandom(11 * 1024 * 1024 + 17)
    writer = prefix.writer("big.jsonl")
    for start in range(0, len(data), 700_000):
        writer.write(data[start:start + 700_000])
        assert len(writer._buffer) < locations.PART_SIZE  # never more than a part in memory
    writer.commit()
    assert len(writer._parts) == 3
    assert b"".join(prefix.chunks("big.jsonl")) == data

    small = prefix.writer("small.jsonl")
    small.write(b"tiny\n")
    small.commit()
    assert b"".join(prefix.chunks("small.jsonl")) == b"tiny\n" and prefix.exists("small.jsonl")


def test_s3_writer_abort_leaves_no_object_and_no_open_upload(aws, monkeypatch):
    create_bucket("backups")
    monkeypatch.setattr(locations, "PART_SIZE", 5 * 1024 * 1024)
    prefix = locations.S3Prefix("backups", "x")
    writer = prefix.writer("big.jsonl")
    writer.write(os.urandom(6 * 1024 * 1024))
    writer.abort()
    s3 = db.aws_client("s3")
    assert not prefix.exists("big.jsonl")
    assert s3.list_multipart_uploads(Bucket="backups").get("Uploads", []) == []
    with pytest.raises(locations.MissingFile):
        list(prefix.chunks("big.jsonl"))
