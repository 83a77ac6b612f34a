"""The export's `manifest.json`: what the export holds, and everything restore checks before writing.

    {
      "format": "ecoseller-dynamodb-export", "format_version": 1,
      "started_at": "<iso>", "finished_at": "<iso>",
      "stage": "prod", "table_prefix": "ecoseller-prod", "region": "eu-central-1",
      "consistency": "<what the copy guarantees, in words>",
      "tables": {
        "<logical name>": {
          "table_name": "<source table>", "file": "<logical>.jsonl",
          "items": <lines in the file>, "bytes": <file size>, "sha256": "<of the file>",
          "items_digest": "<order-independent digest of the lines, codec.TableDigest>",
          "key_schema": [<KeySchema as DescribeTable reports it>],
          "attribute_definitions": [...], "indexes": [{"name", "key_schema", "projection"}],
          "started_at": "<iso>", "finished_at": "<iso>"
        }
      },
      "excluded": {"outbox": "<why>"},
      "aws_backups": {"<logical name>": "<on-demand backup ARN>"}   (only with --aws)
    }

The manifest is written last: a folder or prefix without one is an unfinished export.
"""

from __future__ import annotations

import json
import re

from chalicelib.core.store.tables import TABLES, key_schema

FORMAT = "ecoseller-dynamodb-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

# Tables left out of the export, with the reason recorded in the manifest.
EXCLUDED = {
    "outbox": "transactional outbox: its stream forwards every new item to the notification consumers, so "
              "restoring it would send events again as if they were new. Its events were forwarded when "
              "written; the deliveries they caused, pending retries included, are in the delivery log "
              "(main table), which is exported.",
}

CONSISTENCY = ("per item: each item is read with a strongly consistent parallel Scan, so it is the item's "
               "latest committed state when its page was read; items and tables are read at slightly different "
               "moments, so a change made during the backup may be partly in it. For a point-in-time copy "
               "across tables in AWS use PITR or `backup --aws`, or stop writes while the backup runs.")

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ExportError(Exception):
    """The export cannot be restored as it is (missing, corrupted, of another format); nothing was written."""


def table_file(logical: str) -> str:
    return f"{logical}.jsonl"


def parse(raw: bytes, where: str) -> dict:
    """The manifest's content, checked: the format, and for every table the fields restore relies on and a
    key schema that matches the table of the same name in this version."""
    try:
        manifest = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExportError(f"{where} is not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ExportError(f"{where} is not the manifest of an ecoseller export (format must be {FORMAT!r})")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ExportError(f"{where}: format version {version!r} is not supported (this version reads "
                          f"{FORMAT_VERSION})")
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not tables:
        raise ExportError(f"{where} lists no tables")
    for logical, entry in tables.items():
        _check_entry(logical, entry, where)
    return manifest


def _check_entry(logical: str, entry, where: str) -> None:
    spec = TABLES.get(logical)
    if spec is None:
        raise ExportError(f"{where}: table {logical!r} is not a table of this version (known: {sorted(TABLES)})")
    if logical in EXCLUDED:
        raise ExportError(f"{where}: table {logical!r} is never restored ({EXCLUDED[logical].split(':')[0]})")
    if not isinstance(entry, dict):
        raise ExportError(f"{where}: the entry of table {logical!r} is not an object")
    if entry.get("file") != table_file(logical):
        raise ExportError(f"{where}: table {logical!r} must be in {table_file(logical)!r}")
    items = entry.get("items")
    if not isinstance(items, int) or isinstance(items, bool) or items < 0:
        raise ExportError(f"{where}: table {logical!r}: items must be a count")
    for field in ("sha256", "items_digest"):
        if not isinstance(entry.get(field), str) or not _SHA256.match(entry[field]):
            raise ExportError(f"{where}: table {logical!r}: {field} must be 64 hex digits")
    expected = key_schema(spec.hash_key, spec.range_key)
    if entry.get("key_schema") != expected:
        raise ExportError(f"{where}: table {logical!r} was exported with key schema {entry.get('key_schema')}, "
                          f"this version's is {expected}")
