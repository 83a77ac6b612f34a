"""Images the dump refers to but does not hold: a generated placeholder under the dump's own key.

A SQL dump has the media rows (`product_productmedia.media`, the methods' `image`) but not the files,
which lived in the original's MEDIA_ROOT. So that the imported shop shows images that load, every key
the import writes gets a generated placeholder PNG in the media bucket (through core/media.py) unless
an object is already there (an operator who copied the original's files first keeps them). The real
files can be copied over the placeholders later, under the same keys, at any time.

A placeholder is a flat pastel square with a lighter frame (one of 12 hues, by the owner's id, so
neighbouring products differ): no text, nothing to translate. It is a PNG whatever the key's
extension says (`.jpg` for the demo's products); it is stored with Content-Type image/png, which is
what browsers go by.
"""

from __future__ import annotations

import colorsys
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from botocore.exceptions import ClientError

from chalicelib.core import media
from chalicelib.core.aws import aws_client
from chalicelib.core.settings import get_settings
from chalicelib.importer.source import Report

SIZE = 480
FRAME = 40
HUES = 12


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _rgb(hue: float, lightness: float, saturation: float) -> bytes:
    return bytes(round(channel * 255) for channel in colorsys.hls_to_rgb(hue, lightness, saturation))


def png(shade: int) -> bytes:
    """The placeholder of one of the HUES shades (an 8-bit RGB PNG, SIZE x SIZE); `shade` is any integer
    (an owner's id)."""
    return _png_of_hue(shade % HUES)


@cache  # HUES images, each compressed once (about 4 ms each), whatever the number of owners
def _png_of_hue(hue_index: int) -> bytes:
    hue = hue_index / HUES
    inner, frame = _rgb(hue, 0.78, 0.45), _rgb(hue, 0.9, 0.35)
    edge_row = b"\x00" + frame * SIZE
    middle_row = b"\x00" + frame * FRAME + inner * (SIZE - 2 * FRAME) + frame * FRAME
    raw = edge_row * FRAME + middle_row * (SIZE - 2 * FRAME) + edge_row * FRAME
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b""))


LIST_ABOVE = 50  # more keys than this: list the bucket once instead of a HEAD per key
WORKERS = 8  # S3 requests in flight: each placeholder is a HEAD and maybe a PUT, independent of the others


class Placeholders:
    """Writes placeholders for missing media objects, counting them under `entity` in the report."""

    def __init__(self, report: Report):
        self.report = report
        self.bucket_missing = False

    def _write(self, key: str, shade: int, present: set[str] | None = None) -> str:
        """"file_present" or "placeholder_written"; raises ClientError (a missing bucket, ...)."""
        if (key in present) if present is not None else media.exists(key):
            return "file_present"
        media.store(key, png(shade), media.content_type("png"))
        return "placeholder_written"

    def ensure(self, entity: str, key: str, shade: int) -> None:
        """A placeholder under `key` unless an object is there; counted `<entity>.placeholder_written`
        or `<entity>.file_present`. Without a media bucket nothing is written (logged once)."""
        self.ensure_all(entity, [(key, shade)])

    def ensure_all(self, entity: str, wanted: list[tuple[str, int]]) -> None:
        """`ensure` for each (key, shade), WORKERS at a time (the first alone: it finds a missing bucket)."""
        for index, (key, shade) in enumerate(wanted):
            if self.bucket_missing:
                self.report.add(entity, "file_missing", len(wanted) - index)
                return
            try:
                self.report.add(entity, self._write(key, shade))
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in ("NoSuchBucket", "404"):
                    raise
                self.bucket_missing = True
                self.report.add(entity, "file_missing")
                self.report.log(f"  the media bucket does not exist: no placeholder images written ({error})")
                continue
            rest = wanted[index + 1:]
            present = _listed({k.split("/", 1)[0] + "/" for k, _shade in rest}) if len(rest) > LIST_ABOVE else None
            with ThreadPoolExecutor(WORKERS) as pool:
                for outcome in pool.map(self._write, *zip(*rest, strict=True), [present] * len(rest)):
                    self.report.add(entity, outcome)
            return


def _listed(prefixes: set[str]) -> set[str]:
    """The keys in the media bucket under these prefixes (1,000 a call: cheaper than a HEAD per key).
    core/media.py has no listing; this reads the bucket media.store writes to, as media.exists does."""
    found: set[str] = set()
    paginator = aws_client("s3").get_paginator("list_objects_v2")
    for prefix in sorted(prefixes):
        for page in paginator.paginate(Bucket=get_settings().media_bucket, Prefix=prefix):
            found.update(entry["Key"] for entry in page.get("Contents", []))
    return found
