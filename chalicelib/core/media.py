"""Media files (contract 10.6): image type detection, base64 / data-URI decoding, storage in S3, URLs.

Every feature that accepts an image (CMS category images, Editor.js uploads, product media, payment
and shipping method images) goes through here:

* `decode_base64_image(value)` turns a JSON image string (plain base64 or a data URI) into
  `(bytes, ext)`; it raises ValueError with a message fit for a 400 body.
* `detect_image_type(data)` names the type from the bytes themselves: png, jpg, gif or svg, else None.
  The name a client gives a file, or the type it declares, is never trusted.
* `store(key, data, content_type)` puts the object into the media bucket (settings.media_bucket).
* `public_path(key)` is `/media/<key>`, the relative URL the contract returns for Editor.js uploads and
  cart items; `absolute_url(origin, key)` is the absolute one serializers return elsewhere.
* `location(key)` is where `GET /media/<key>` redirects: `MEDIA_BASE_URL/<key>` when that is set (a
  CloudFront domain in front of the bucket), else a presigned S3 GET URL valid for 5 minutes; None when
  the object does not exist.

Keys are `<area>/<name>`, e.g. `editorjs/1700000000_3f9a1c2b.png` or `cms/category/<name>.png`;
`unique_name(ext)` makes a collision-free name.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import time

from botocore.exceptions import ClientError

from chalicelib.core.aws import aws_client
from chalicelib.core.settings import get_settings

MAX_IMAGE_BYTES = 5 * 1024 * 1024  # 5 MiB, for every image upload
PRESIGNED_SECONDS = 300

CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml"}
ALLOWED_TYPES_TEXT = "png, jpg, gif or svg"

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_GIFS = (b"GIF87a", b"GIF89a")

# Before the root element of an SVG document there may be an XML declaration, processing instructions,
# comments, a DOCTYPE and whitespace; then the root must be <svg> (optionally namespace-prefixed).
_SVG_PROLOG_ITEM = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^<>\[]|\[.*?\])*>", re.S | re.I)
_SVG_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]")
_SVG_SNIFF_BYTES = 64 * 1024

_DATA_URI = re.compile(r"^data:(?P<type>[^;,]*)(?P<params>(?:;[^;,]*)*),$", re.I)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def detect_image_type(data: bytes) -> str | None:
    """The image type of `data` (its file extension: png, jpg, gif, svg), or None for anything else."""
    if not data:
        return None
    if data.startswith(_PNG):
        return "png"
    if data.startswith(_JPEG):
        return "jpg"
    if data.startswith(_GIFS):
        return "gif"
    if _looks_like_svg(data[:_SVG_SNIFF_BYTES]):
        return "svg"
    return None


def _looks_like_svg(head: bytes) -> bool:
    text = _decode_text(head)
    if text is None:
        return False
    position = 0
    while True:
        match = _SVG_PROLOG_ITEM.match(text, position)
        if not match or match.end() == position:
            break
        position = match.end()
    return _SVG_ROOT.match(text, position) is not None


def _decode_text(head: bytes) -> str | None:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, errors="ignore")
    if b"\x00" in head:
        return None
    # A cut in the middle of a multi-byte character at the end of the sniffed window is not an error.
    return head.decode("utf-8", errors="ignore")


def decode_base64_image(value: str, *, max_bytes: int = MAX_IMAGE_BYTES) -> tuple[bytes, str]:
    """`(bytes, ext)` of an image sent as plain base64 or as a data URI (`data:image/png;base64,...`).

    Raises ValueError with a client-facing message when the value is not base64, is empty, is larger
    than `max_bytes` or is not one of the accepted image types.
    """
    if not isinstance(value, str):
        raise ValueError("Expected an image as a base64 string or a data URI.")
    text = value.strip()
    if text[:5].lower() == "data:":
        header, comma, payload = text.partition(",")
        match = _DATA_URI.match(header + comma)
        if not match or not comma:
            raise ValueError("Invalid data URI.")
        if "base64" not in [p.strip().lower() for p in match.group("params").split(";")]:
            raise ValueError("The data URI must be base64-encoded (data:<type>;base64,...).")
        text = payload
    compact = re.sub(r"\s+", "", text)
    if not compact:
        raise ValueError("The image is empty.")
    if len(compact) * 3 // 4 > max_bytes + 3:
        raise ValueError(f"The image is too large (at most {size_text(max_bytes)}).")
    data = _b64decode(compact)
    if not data:
        raise ValueError("The image is empty.")
    if len(data) > max_bytes:
        raise ValueError(f"The image is too large (at most {size_text(max_bytes)}).")
    ext = detect_image_type(data)
    if ext is None:
        raise ValueError(f"Unsupported image type; upload a {ALLOWED_TYPES_TEXT} image.")
    return data, ext


def size_text(size: int) -> str:
    """5242880 -> "5 MiB", 1000 -> "1000 bytes"."""
    mib = 1024 * 1024
    return f"{size // mib} MiB" if size >= mib and size % mib == 0 else f"{size} bytes"


def _b64decode(compact: str) -> bytes:
    padded = compact + "=" * (-len(compact) % 4)
    try:
        if "-" in padded or "_" in padded:
            return base64.b64decode(padded, altchars=b"-_", validate=True)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("Invalid base64 data.") from None


def content_type(ext: str) -> str:
    return CONTENT_TYPES.get(ext, "application/octet-stream")


def unique_name(ext: str) -> str:
    """`<unix_ts>_<8 hex>.<ext>`: the contract's `<unix_ts>.<ext>` shape, without collisions."""
    return f"{int(time.time())}_{secrets.token_hex(4)}.{ext}"


def is_safe_name(name: str) -> bool:
    """A single path segment of a media key (no slashes, no `..`, no hidden files)."""
    return bool(_NAME.match(name)) and ".." not in name


def _bucket() -> str:
    return get_settings().media_bucket


def _s3():
    return aws_client("s3")


def store(key: str, data: bytes, content_type: str) -> None:
    """Put an object into the media bucket. Names are unique, so objects may be cached for good."""
    extra = {}
    if content_type == CONTENT_TYPES["svg"]:
        # An SVG can carry script: opened directly it is downloaded, never run; <img> still shows it.
        extra["ContentDisposition"] = "attachment"
    _s3().put_object(Bucket=_bucket(), Key=key, Body=data, ContentType=content_type,
                     CacheControl="public, max-age=31536000, immutable", **extra)


def delete(key: str) -> None:
    _s3().delete_object(Bucket=_bucket(), Key=key)


def exists(key: str) -> bool:
    try:
        _s3().head_object(Bucket=_bucket(), Key=key)
        return True
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound", "403"):
            return False
        raise


def public_path(key: str) -> str:
    """The relative URL of a media object, served by `GET /media/<key>` on the API."""
    return f"/media/{key}"


def _base_url() -> str:
    return os.environ.get("MEDIA_BASE_URL", "").strip().rstrip("/")


def absolute_url(req_origin: str, key: str) -> str:
    """The absolute URL of a media object: on MEDIA_BASE_URL when set, else on the API's own origin."""
    base = _base_url()
    if base:
        return f"{base}/{key}"
    return f"{req_origin.rstrip('/')}{public_path(key)}"


def presigned_url(key: str, seconds: int = PRESIGNED_SECONDS) -> str:
    return _s3().generate_presigned_url("get_object", Params={"Bucket": _bucket(), "Key": key},
                                        ExpiresIn=seconds)


def location(key: str) -> str | None:
    """Where `GET /media/<key>` redirects, or None when there is no such object."""
    if not exists(key):
        return None
    base = _base_url()
    if base:
        return f"{base}/{key}"
    return presigned_url(key)


def presigned_post(key: str, max_bytes: int, seconds: int) -> dict:
    """A presigned S3 POST for exactly `key`, at most `max_bytes` (`{url, fields}`)."""
    return _s3().generate_presigned_post(Bucket=_bucket(), Key=key, ExpiresIn=seconds,
                                         Conditions=[["content-length-range", 1, max_bytes]])


def read_head(key: str, size: int) -> bytes | None:
    """The first `size` bytes of an object (to recognise its type), or None when it does not exist."""
    try:
        return _s3().get_object(Bucket=_bucket(), Key=key, Range=f"bytes=0-{size - 1}")["Body"].read()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound", "403", "AccessDenied"):
            return None
        raise


def move(source: str, target: str, content_type: str) -> None:
    """Copy an object to its final key with the right content type, then drop the original."""
    extra = {"ContentDisposition": "attachment"} if content_type == CONTENT_TYPES["svg"] else {}
    _s3().copy_object(Bucket=_bucket(), Key=target, CopySource={"Bucket": _bucket(), "Key": source},
                      MetadataDirective="REPLACE", ContentType=content_type,
                      CacheControl="public, max-age=31536000, immutable", **extra)
    delete(source)


def redirect(key: str):
    """`GET /media/<key>`: a 302 to where the object is served, or a JSON 404 when there is none.

    Chalice has no greedy path parameters, so each media area has its own fixed-depth route that
    builds the key from its segments and calls this.
    """
    from chalice import Response

    from chalicelib.core.http.errors import NotFound

    found = location(key) if all(is_safe_name(part) for part in key.split("/")) else None
    if found is None:
        raise NotFound()
    return Response(body="", status_code=302, headers={"Location": found, "Cache-Control": "private, max-age=60"})
