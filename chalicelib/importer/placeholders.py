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
from functools import cache

from botocore.exceptions import ClientError

from chalicelib.core import media
from chalicelib.importer.source import Report

SIZE = 480
FRAME = 40
HUES = 12


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _rgb(hue: float, lightness: float, saturation: float) -> bytes:
    return bytes(round(channel * 255) for channel in colorsys.hls_to_rgb(hue, lightness, saturation))


@cache
def png(shade: int) -> bytes:
    """The placeholder of one of the HUES shades (an 8-bit RGB PNG, SIZE x SIZE)."""
    hue = (shade % HUES) / HUES
    inner, frame = _rgb(hue, 0.78, 0.45), _rgb(hue, 0.9, 0.35)
    edge_row = b"\x00" + frame * SIZE
    middle_row = b"\x00" + frame * FRAME + inner * (SIZE - 2 * FRAME) + frame * FRAME
    raw = edge_row * FRAME + middle_row * (SIZE - 2 * FRAME) + edge_row * FRAME
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b""))


class Placeholders:
    """Writes placeholders for missing media objects, counting them under `entity` in the report."""

    def __init__(self, report: Report):
        self.report = report
        self.bucket_missing = False

    def ensure(self, entity: str, key: str, shade: int) -> None:
        """A placeholder under `key` unless an object is there; counted `<entity>.placeholder_written`
        or `<entity>.file_present`. Without a media bucket nothing is written (logged once)."""
        if self.bucket_missing:
            self.report.add(entity, "file_missing")
            return
        try:
            if media.exists(key):
                self.report.add(entity, "file_present")
                return
            media.store(key, png(shade), media.content_type("png"))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("NoSuchBucket", "404"):
                raise
            self.bucket_missing = True
            self.report.add(entity, "file_missing")
            self.report.log(f"  the media bucket does not exist: no placeholder images written ({error})")
            return
        self.report.add(entity, "placeholder_written")
