"""Editor.js image uploads (contract E1, E2) into the media bucket under `editorjs/`.

E1 takes a multipart `file`; E2 downloads a URL itself. Either way the bytes must be a png, jpg, gif or
svg image (detected from the bytes) of at most 5 MiB, and the answer is the relative
`/media/editorjs/<unix_ts>_<random>.<ext>`.

The download (E2) is guarded against server-side request forgery by core/http/safe_fetch.py (public
addresses only, checked on every redirect, a 2 s connect timeout, 10 s for the whole download, 5 MiB).
EDITORJS_ALLOW_PRIVATE_URLS=1 lifts the address check (tests only).
"""

from __future__ import annotations

from chalicelib.core import media
from chalicelib.core.http import multipart, safe_fetch
from chalicelib.core.http.errors import ApiError, BadRequest
from chalicelib.core.settings import env_bool

MAX_BYTES = media.MAX_IMAGE_BYTES
MULTIPART_OVERHEAD = 64 * 1024

URL_NOT_PROVIDED = "URL not provided"
NOT_AN_IMAGE = f"The file is not a supported image; upload a {media.ALLOWED_TYPES_TEXT} image."
TOO_LARGE = f"The file is too large (at most {media.size_text(MAX_BYTES)})."

class TooLarge(ApiError):
    def __init__(self):
        super().__init__({"error": TOO_LARGE}, 413)


# --- storing -------------------------------------------------------------------------------------

def save_image(data: bytes) -> str:
    """Store an uploaded image; answers its relative URL (`/media/editorjs/...`)."""
    if len(data) > MAX_BYTES:
        raise TooLarge()
    ext = media.detect_image_type(data)
    if ext is None:
        raise BadRequest(NOT_AN_IMAGE)
    key = f"editorjs/{media.unique_name(ext)}"
    media.store(key, data, media.content_type(ext))
    return media.public_path(key)


# --- multipart (E1, and E2's form) ---------------------------------------------------------------

def parse_multipart(body: bytes, content_type: str) -> dict:
    try:
        return multipart.parse_multipart(body, content_type)
    except ValueError as error:
        raise BadRequest(str(error)) from None


def upload_file(body: bytes, content_type: str) -> str:
    """E1: the multipart field `file`."""
    if not multipart.is_multipart(content_type):
        raise BadRequest('Send the image as multipart/form-data in the field "file".')
    if len(body) > MAX_BYTES + MULTIPART_OVERHEAD:
        raise TooLarge()
    part = parse_multipart(body, content_type).get("file")
    if part is None:
        raise BadRequest('No file provided (multipart field "file").')
    data = part.get_payload(decode=True) or b""
    if not data:
        raise BadRequest("The file is empty.")
    return save_image(data)


def url_from_request(body: bytes, content_type: str, parsed) -> str:
    """E2's `url`, from a multipart form (what the dashboard sends), a urlencoded form or JSON
    (`parsed()` answers the body parsed as JSON or urlencoded form)."""
    if multipart.is_multipart(content_type):
        part = parse_multipart(body, content_type).get("url")
        value = part.get_payload(decode=True).decode("utf-8", errors="replace") if part is not None else None
    else:
        data = parsed()
        value = data.get("url") if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(URL_NOT_PROVIDED)
    return value.strip()


def upload_from_url(url: str) -> str:
    """E2: download the URL (guarded) and store it like an upload."""
    try:
        data = safe_fetch.fetch(url, max_bytes=MAX_BYTES, accept="image/*",
                                allow_private=env_bool("EDITORJS_ALLOW_PRIVATE_URLS", False))
    except safe_fetch.Refused as error:
        raise BadRequest(f"URL refused: {error}") from None
    except safe_fetch.TooLarge:
        raise TooLarge() from None
    except safe_fetch.FetchFailed as error:
        raise BadRequest(f"Could not download the image: {error}.") from None
    return save_image(data)
