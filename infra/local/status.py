"""The local stack's own status, served beside the API (never part of the deployed app).

`StatusServer(report, host, port)` answers `GET /status` with `report()` as JSON: what a developer
wants to see when events seem not to arrive (each event source's lag and last success, the journal,
the last snapshot, the tables' sizes). `lagging(events)` is the one-line summary the stack logs every
minute while some source has records waiting or is stalled.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StatusServer:
    def __init__(self, report: Callable[[], dict], host: str, port: int):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path.split("?")[0].rstrip("/") != "/status":
                    self._answer(404, {"error": "not found; GET /status"})
                    return
                try:
                    self._answer(200, report())
                except Exception as error:  # noqa: BLE001 - a status page must answer, with what failed
                    self._answer(500, {"error": f"{type(error).__name__}: {error}"})

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body, indent=1, default=str).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args) -> None:  # the stack's log is for the shop, not for status polls
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}/status"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="status", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def lagging(events: dict | None) -> str | None:
    """'notify_outbox: 5 waiting (stalled, oldest 42 s), ...' for the sources behind; None when none is."""
    parts = []
    for source in (events or {}).get("sources", []):
        lag = source.get("lag") or 0
        if not lag and not source.get("stalled") and source.get("alive", True):
            continue
        notes = [note for note, on in (("stalled", source.get("stalled")),
                                       ("thread dead", not source.get("alive", True))) if on]
        if source.get("oldest_waiting_age_s") is not None:
            notes.append(f"oldest {source['oldest_waiting_age_s']:.0f} s")
        if source.get("last_error"):
            notes.append(f"last error: {source['last_error']}")
        parts.append(f"{source.get('name')}: {lag} waiting" + (f" ({', '.join(notes)})" if notes else ""))
    return ", ".join(parts) or None
