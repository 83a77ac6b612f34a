"""Editor.js image uploads (contract E1, E2) into the media bucket under `editorjs/`.

E1 takes a multipart `file`; E2 downloads a URL itself. Either way the bytes must be a png, jpg, gif or
svg image (detected from the bytes) of at most 5 MiB, and the answer is the relative
`/media/editorjs/<unix_ts>_<random>.<ext>`.

The download (E2) is guarded against server-side request forgery: only http and https; every address
the host resolves to must be public (no private, loopback, link-local, shared, multicast or reserved
ranges, also when embedded in IPv6), checked again on every redirect and pinned for the connection, so
a DNS answer cannot change between the check and the connect; at most 3 redirects, no proxies, a 2 s
connect timeout, 10 s for the whole download, 5 MiB. EDITORJS_ALLOW_PRIVATE_URLS=1 lifts the address
check (tests only).
"""

from __future__ import annotations

import ipaddress
import socket
import time

from chalicelib.core import media
from chalicelib.core.http import multipart
from chalicelib.core.http.errors import ApiError, BadRequest
from chalicelib.core.settings import env_bool

MAX_BYTES = media.MAX_IMAGE_BYTES
MULTIPART_OVERHEAD = 64 * 1024
CONNECT_TIMEOUT = 2.0
TOTAL_TIMEOUT = 10.0
MAX_REDIRECTS = 3
MAX_URL_LENGTH = 2048

URL_NOT_PROVIDED = "URL not provided"
NOT_AN_IMAGE = f"The file is not a supported image; upload a {media.ALLOWED_TYPES_TEXT} image."
TOO_LARGE = f"The file is too large (at most {media.size_text(MAX_BYTES)})."

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class TooLarge(ApiError):
    def __init__(self):
        super().__init__({"error": TOO_LARGE}, 413)


class Refused(Exception):
    """The URL may not be fetched (scheme, credentials, or an address that is not public)."""


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
        data = fetch(url, allow_private=env_bool("EDITORJS_ALLOW_PRIVATE_URLS", False))
    except Refused as error:
        raise BadRequest(f"URL refused: {error}") from None
    return save_image(data)


# --- guarded download ----------------------------------------------------------------------------

def address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Is this an address on the public internet (also looking into IPv4 embedded in IPv6)?"""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip.teredo is not None:
            ip = ip.teredo[1]
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


def check_url(url: str) -> None:
    """Refuse what is never fetched, before any network access."""
    from urllib.parse import urlsplit

    if len(url) > MAX_URL_LENGTH:
        raise Refused("the URL is too long")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise Refused("not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise Refused("only http and https URLs can be fetched")
    if not parts.hostname:
        raise Refused("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise Refused("the URL may not contain credentials")


def fetch(url: str, *, allow_private: bool = False, max_bytes: int = MAX_BYTES,
          connect_timeout: float = CONNECT_TIMEOUT, total_timeout: float = TOTAL_TIMEOUT) -> bytes:
    """The body of a GET on `url`, within the limits above. Raises Refused for a URL that may not be
    fetched, TooLarge, or BadRequest for a download that failed."""
    import http.client
    import ssl
    import urllib.error
    import urllib.request

    check_url(url)
    deadline = time.monotonic() + total_timeout
    opened: list[socket.socket] = []

    def remaining() -> float:
        return deadline - time.monotonic()

    def guarded_connection(address, timeout=None, source_address=None):
        host, port = address
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise Refused(f"cannot resolve host {host}") from None
        if not allow_private:
            for info in infos:
                if not address_allowed(ipaddress.ip_address(info[4][0].split("%")[0])):
                    raise Refused("the host has a private, loopback, link-local or reserved address")
        last_error: OSError = OSError(f"cannot connect to {host}")
        for family, socktype, proto, _name, sockaddr in infos:  # connect to the addresses checked
            sock = socket.socket(family, socktype, proto)
            try:
                sock.settimeout(max(0.05, min(connect_timeout, remaining())))
                sock.connect(sockaddr)
                sock.settimeout(max(0.05, remaining()))
                return sock
            except OSError as error:
                sock.close()
                last_error = error
        raise last_error

    class GuardedHTTPConnection(http.client.HTTPConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = guarded_connection

        def connect(self):
            super().connect()
            opened.append(self.sock)

    class GuardedHTTPSConnection(http.client.HTTPSConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = guarded_connection

        def connect(self):
            super().connect()
            opened.append(self.sock)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(GuardedHTTPConnection, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(GuardedHTTPSConnection, req, context=ssl.create_default_context())

    class RedirectHandler(urllib.request.HTTPRedirectHandler):
        max_redirections = MAX_REDIRECTS

        def redirect_request(self, req, fp, code, msg, headers, newurl):
            check_url(newurl)
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    opener = urllib.request.OpenerDirector()  # no proxies, no file:, ftp: or data: handlers
    for handler in (HTTPHandler(), HTTPSHandler(), RedirectHandler(), urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPErrorProcessor(), urllib.request.UnknownHandler()):
        opener.add_handler(handler)
    request = urllib.request.Request(url, headers={"User-Agent": "ecoseller-editorjs/1.0", "Accept": "image/*"})
    try:
        with opener.open(request, timeout=connect_timeout) as response:
            if response.status != 200:
                raise BadRequest(f"Could not download the image: HTTP {response.status}.")
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise TooLarge()
            chunks, total = [], 0
            while True:
                left = remaining()
                if left <= 0:
                    raise TimeoutError()
                for sock in opened[-1:]:
                    try:
                        sock.settimeout(left)
                    except OSError:
                        pass
                chunk = response.read1(64 * 1024)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise TooLarge()
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as error:
        raise BadRequest(f"Could not download the image: HTTP {error.code}.") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise BadRequest("Could not download the image: timed out.") from None
        raise BadRequest(f"Could not download the image: {error.reason}.") from None
    except TimeoutError:
        raise BadRequest("Could not download the image: timed out.") from None
    except (http.client.HTTPException, OSError, ValueError) as error:
        raise BadRequest(f"Could not download the image: {type(error).__name__}.") from None
    finally:
        for sock in opened:
            try:
                sock.close()
            except OSError:
                pass
