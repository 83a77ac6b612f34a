"""The local stack's moto server, made cheap per request. Emulator plumbing only: no answer changes.

Profiled (py-spy) under bench/local_stack.py's checkouts, after moto_fast, two costs were paid on every
DynamoDB call the app makes:

1. A new TCP connection per call. moto's server is werkzeug's, which sends `Connection: close` with
   every answer (Python's http.server cannot drain a request body the application left unread, so
   werkzeug gives up keep-alive), and botocore connects again every time (connect, getaddrinfo, a new
   server thread: ~11 % of the busy samples). Here the handler reads each request's body itself (by
   its Content-Length) before the application runs, so nothing is left unread, and then keeps the
   connection open; a chunked request or a chunked answer still closes it, as werkzeug does. After an
   answer werkzeug drains whatever the client sent next (it assumes the connection closes); for a
   drained request that would swallow the next request, so its selector reports nothing to drain.
   And TCP_NODELAY, or Nagle's algorithm delays each kept connection's answers by ~40 ms.
2. `moto.backends.list_of_moto_modules()` lists moto's package folder (a listdir and an isdir per
   entry, ~160 entries) to route each request to its service; the folder never changes while the
   process runs, so it is read once.
"""

from __future__ import annotations

import functools
import io
import socket
import threading

_TUNED = "_ecoseller_tuned"
_request = threading.local()  # .reusable: the request being answered on this thread was read whole


class _Selectors:
    """What werkzeug.serving sees as `selectors`: its post-answer drain finds nothing to read after a
    request that was read whole (the bytes waiting are the next request)."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def DefaultSelector(self):  # noqa: N802 - the name werkzeug calls
        if getattr(_request, "reusable", False):
            return _NothingToDrain()
        return self._real.DefaultSelector()


class _NothingToDrain:
    def register(self, *args, **kwargs):
        pass

    def select(self, timeout=None):
        return []

    def close(self):
        pass


def tune() -> None:
    """Idempotent; call before the ThreadedMotoServer starts."""
    from moto import backends
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    if not getattr(MotoRequestHandler, _TUNED, False):
        import werkzeug.serving

        werkzeug.serving.selectors = _Selectors(werkzeug.serving.selectors)
        MotoRequestHandler.protocol_version = "HTTP/1.1"
        MotoRequestHandler.make_environ = _drained(MotoRequestHandler.make_environ)
        MotoRequestHandler.send_header = _keep_alive(MotoRequestHandler.send_header)
        MotoRequestHandler.setup = _no_delay(MotoRequestHandler.setup)
        setattr(MotoRequestHandler, _TUNED, True)
    if not hasattr(backends.list_of_moto_modules, "cache_info"):
        listed = backends.list_of_moto_modules

        @functools.lru_cache(maxsize=1)
        def modules() -> tuple[str, ...]:
            return tuple(listed())

        backends.list_of_moto_modules = modules


def _no_delay(setup):
    """TCP_NODELAY: werkzeug writes an answer's headers and body in separate sends, and on a kept
    connection Nagle's algorithm holds the body back until the client's delayed ACK (~40 ms a call)."""

    @functools.wraps(setup)
    def wrapper(self):
        setup(self)
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass  # not a TCP socket

    return wrapper


def _drained(make_environ):
    @functools.wraps(make_environ)
    def wrapper(self):
        environ = make_environ(self)
        self._ecoseller_reusable = _request.reusable = False
        length = self.headers.get("Content-Length")
        if "chunked" not in (self.headers.get("Transfer-Encoding") or "").lower() and (length or "0").isdigit():
            environ["wsgi.input"] = io.BytesIO(self.rfile.read(int(length or 0)))
            self._ecoseller_reusable = _request.reusable = self.request_version == "HTTP/1.1"
        return environ

    return wrapper


def _keep_alive(send_header):
    @functools.wraps(send_header)
    def wrapper(self, keyword: str, value: str) -> None:
        if (keyword.lower() == "connection" and value.lower() == "close"
                and getattr(self, "_ecoseller_reusable", False)):
            return  # the body was read whole: the connection can serve the next request
        send_header(self, keyword, value)

    return wrapper
