"""A guarded HTTP GET for URLs a client names (server-side request forgery): only http and https; every
address the host resolves to must be public (no private, loopback, link-local, shared, multicast or reserved
ranges, also when embedded in IPv6), checked again on every redirect and pinned for the connection, so a DNS
answer cannot change between the check and the connect; at most 3 redirects, no proxies, a connect timeout, a
deadline for the whole download and a size limit.

Raises `Refused` for a URL that may not be fetched, `TooLarge` past the size limit, and `FetchFailed` (with
what went wrong: "HTTP 404", "timed out", ...) for a download that failed. Used by the Editor.js URL upload
(cms/editorjs.py, contract E2).
"""

from __future__ import annotations

import ipaddress
import socket
import time

CONNECT_TIMEOUT = 2.0
TOTAL_TIMEOUT = 10.0
MAX_REDIRECTS = 3
MAX_URL_LENGTH = 2048

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """The URL may not be fetched (scheme, credentials, or an address that is not public)."""


class TooLarge(Exception):
    """The body is larger than the limit."""


class FetchFailed(Exception):
    """The download failed; the message says how ("HTTP 404", "timed out", ...)."""


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


def fetch(url: str, *, max_bytes: int, allow_private: bool = False, connect_timeout: float = CONNECT_TIMEOUT,
          total_timeout: float = TOTAL_TIMEOUT, accept: str = "*/*") -> bytes:
    """The body of a GET on `url`, within the limits above (see the module's docstring for what it raises)."""
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

    class Guarded:
        """Connects through `guarded_connection` and remembers the socket (for the deadline)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = guarded_connection

        def connect(self):
            super().connect()
            opened.append(self.sock)

    class GuardedHTTPConnection(Guarded, http.client.HTTPConnection):
        pass

    class GuardedHTTPSConnection(Guarded, http.client.HTTPSConnection):
        pass

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
    request = urllib.request.Request(url, headers={"User-Agent": "ecoseller/1.0", "Accept": accept})
    try:
        with opener.open(request, timeout=connect_timeout) as response:
            if response.status != 200:
                raise FetchFailed(f"HTTP {response.status}")
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
        raise FetchFailed(f"HTTP {error.code}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise FetchFailed("timed out") from None
        raise FetchFailed(str(error.reason)) from None
    except TimeoutError:
        raise FetchFailed("timed out") from None
    except (http.client.HTTPException, OSError, ValueError) as error:
        raise FetchFailed(type(error).__name__) from None
    finally:
        for sock in opened:
            try:
                sock.close()
            except OSError:
                pass
