"""The whole shop on this machine (`make run`): no AWS account, nothing left running afterwards.

* moto's server emulates DynamoDB, SQS, S3, SES, EventBridge and Secrets Manager on loopback;
* osmem-server is the local OpenSearch-compatible search engine;
* tables are migrated, the saved state under `.data/` is restored and its journal replayed (or demo
  data loaded on the first start: the project's own, or with DEMO=ecoseller the original ecoseller's
  demo dump through the importer), the search index is built from it (the engine keeps nothing across
  restarts), and a superuser is created;
* the Lambda event handlers (SQS consumers, stream consumers, schedules) run from local pollers
  through the same handler functions Lambda calls;
* the API is served by Chalice's local server on http://127.0.0.1:8000 (PORT to change it), and the
  stack's own status (event sources, journal, snapshot, table sizes) on http://127.0.0.1:8001/status
  (STATUS_PORT; never part of the deployed app);
* every accepted write is journaled before it is answered (journal.py), so a crash loses nothing; a
  snapshot compacts the journal every minute and on shutdown; Ctrl-C or SIGTERM stops everything
  within seconds, also when started in the background (where the shell ignores SIGINT).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LOCAL_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "eu-central-1",
    # moto 5.2 with botocore 1.44 answers DynamoDB Streams with 404 without this.
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


def log(message: str) -> None:
    print(f"[local] {message}", flush=True)


def stage_environment(stage: str) -> dict[str, str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    values = dict(config.get("environment_variables", {}))
    values.update(config.get("stages", {}).get(stage, {}).get("environment_variables", {}))
    return {name: str(value) for name, value in values.items()}


def signing_key(data_dir: Path) -> str:
    """A random key kept in .data/, so tokens stay valid across restarts of the local shop."""
    path = data_dir / "jwt-signing-key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(key)
    path.chmod(0o600)
    return key


def configure_environment(data_dir: Path) -> None:
    for name, value in stage_environment("dev").items():
        if value != "":
            os.environ.setdefault(name, value)
    for name, value in LOCAL_AWS_ENV.items():
        os.environ.setdefault(name, value)
    if not os.environ.get("JWT_SIGNING_KEY"):
        os.environ["JWT_SIGNING_KEY"] = signing_key(data_dir)
    os.environ.pop("JWT_SECRET_ARN", None)
    os.environ.pop("AWS_PROFILE", None)


def stream_tables() -> dict[str, str]:
    """Which table's stream feeds each stream handler, as each feature declares it."""
    from chalicelib.notifications import handlers as notification_handlers
    from chalicelib.search import handlers as search_handlers

    return {**notification_handlers.stream_tables(), **search_handlers.stream_tables()}


DEFAULT_DEMO_DUMP = ROOT.parent / "shared" / "reference" / "ecoseller-demo-data" / "mock_data.sql"
# The project's demo parts the ecoseller dump stands in for (infra/local/demo.py's marker names them).
ECOSELLER_DUMP_PARTS = ("load_localization", "load_catalog", "load_cms")
LAG_SUMMARY_INTERVAL = 60.0
# Beside demo.py's marker (which it rewrites with its own fields): this shop's demo is the ecoseller dump.
ECOSELLER_MARKER = {"PK": "DEMO", "SK": "ECOSELLER"}


def _iso(moment: float | None) -> str | None:
    return None if moment is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


class LocalStack:
    def __init__(self, host: str, port: int, data_dir: Path, demo: bool, snapshot_interval: float,
                 status_port: int | None = None, demo_source: str = "project"):
        self.host = host
        self.port = port
        self.status_port = port + 1 if status_port is None else status_port
        self.data_dir = data_dir
        self.demo = demo
        self.demo_source = demo_source
        self.snapshot_interval = snapshot_interval
        self.moto = None
        self.moto_url = ""
        self.osmem = None
        self.driver = None
        self.server = None
        self.status_server = None
        self.journal = None
        self.state: dict = {}
        self.started_at = time.time()
        self.stopping = False
        self._signalled_at: float | None = None
        self._stop = threading.Event()
        self._serving = threading.Event()
        self._snapshot_thread: threading.Thread | None = None
        self._snapshot_lock = threading.Lock()

    # --- start ---------------------------------------------------------------------------------

    def start_aws(self) -> None:
        from moto.server import ThreadedMotoServer

        from infra.local import journal, moto_serial, moto_server

        moto_serial.install()  # requests one at a time, as DynamoDB serializes writes (no oversold stock)
        moto_server.tune()  # keep-alive connections, the service routing read once
        journal.install()  # accepted writes reach .data/ before their answer (inactive until restored)

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-call access log is noise here

        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=int(os.environ.get("MOTO_PORT", "0")))
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        self.moto_url = f"http://{host}:{port}"
        os.environ["AWS_ENDPOINT_URL"] = self.moto_url
        log(f"emulated AWS (moto) on {self.moto_url}")

    def start_search(self) -> None:
        try:
            from osmem_server import OsmemServer

            self.osmem = OsmemServer.start(japanese=False)
        except Exception as error:  # noqa: BLE001 - the shop runs without search, on the fallback
            os.environ["USE_ELASTIC"] = "0"
            log(f"search engine did not start ({error}); USE_ELASTIC=0, search uses the fallback")
            return
        os.environ.setdefault("OPENSEARCH_URL", self.osmem.url)
        log(f"search engine (osmem-server) on {self.osmem.url}")

    def prepare_data(self) -> None:
        from chalicelib.core.settings import get_settings, reload_settings
        from chalicelib.core.store import db
        from chalicelib.core.store.migrate import apply_data_migrations, ensure_tables
        from chalicelib.migrations import MIGRATIONS
        from infra.local import demo

        reload_settings()
        db.reset_clients()
        ensure_tables(log=lambda line: None)
        self.prepare_notifications()
        db.aws_client("s3").create_bucket(
            Bucket=get_settings().media_bucket,
            CreateBucketConfiguration={"LocationConstraint": os.environ["AWS_DEFAULT_REGION"]})
        fresh = self.restore(get_settings().media_bucket)
        apply_data_migrations(MIGRATIONS, log=log)
        if self.demo:
            if self.demo_source == "ecoseller":
                if fresh:
                    self.import_ecoseller_demo()
                elif db.get("main", ECOSELLER_MARKER) is None:
                    log("DEMO=ecoseller imports into an empty shop only; this one has saved state "
                        "(make clean-data, or another DATA_DIR, to start over)")
            demo.load_demo_data(log=log)
        self.prepare_search()

    def restore(self, bucket: str) -> bool:
        """The saved state: the last snapshot, then the journal since it; then recording starts. True when
        there was nothing saved (a first start)."""
        from infra.local import journal, snapshot

        self.state = snapshot.read_state(self.data_dir)
        restored = snapshot.restore_tables(self.data_dir / self.state["snapshot"]) if self.state["snapshot"] else {}
        files = snapshot.restore_bucket(self.data_dir, bucket)
        started = time.monotonic()
        sent, failed = journal.replay(self.data_dir, self.state["generation"], self.moto_url,
                                      os.environ["AWS_ACCESS_KEY_ID"], log)
        if restored or files or sent:
            log(f"restored saved state from {self.data_dir}: {restored}, {files} media files, {sent} journaled "
                f"writes replayed in {time.monotonic() - started:.1f} s" + (f" ({failed} FAILED)" if failed else ""))
        last = max([int(p.stem) for p in journal.journal_files(self.data_dir)] + [self.state["generation"]])
        fsync = os.environ.get("JOURNAL_FSYNC", "0") not in ("", "0", "false")
        self.journal = journal.Journal(self.data_dir, last + 1, fsync=fsync)
        journal.activate(self.journal, [journal.BucketMirror(self.data_dir, bucket, self.account(), fsync=fsync)])
        self.checkpoint()  # what was restored and replayed becomes one snapshot; its journals go
        return not (restored or files or sent)

    @staticmethod
    def account() -> str:
        from moto.core import DEFAULT_ACCOUNT_ID

        return DEFAULT_ACCOUNT_ID

    def import_ecoseller_demo(self) -> None:
        """The original ecoseller's demo dump through the importer (`cli import-ecoseller`), in place of the
        project's catalog, localization and CMS demo; the demo accounts and methods still come from demo.py."""
        from chalicelib.core.store import db
        from chalicelib.importer import DumpError, ImportConflict, run
        from infra.local import demo

        dump = Path(os.environ.get("DEMO_DUMP") or DEFAULT_DEMO_DUMP)
        if not dump.is_file():
            log(f"DEMO=ecoseller: no dump at {dump} (DEMO_DUMP=path names another); "
                "loading the project's own demo data instead")
            return
        started = time.monotonic()
        try:
            report = run(dump, log=lambda line: log(f"import: {line}"))
        except (ImportConflict, DumpError, OSError) as error:
            log(f"DEMO=ecoseller: import of {dump} failed ({error}); loading the project's own demo data")
            return
        replaced = set(ECOSELLER_DUMP_PARTS)
        if any(key.startswith(("shipping_methods.", "payment_methods.")) for key in report):
            replaced.add("load_methods")  # the dump's own methods (an importer that reads them)
        marker = db.get("main", demo.DEMO_MARKER) or {}
        parts = sorted(set(marker.get("parts") or ()) | replaced)
        db.put("main", {**demo.DEMO_MARKER, "loaded": True, "parts": parts})
        db.put("main", {**ECOSELLER_MARKER, "dump": str(dump), "imported_at": _iso(time.time())})
        log(f"ecoseller demo dump imported from {dump} in {time.monotonic() - started:.1f} s")

    def prepare_search(self) -> None:
        """Build the search index from the data just loaded, the way the nightly rebuild does, in the
        background: the shop starts at once and searches answer from the fallback until it is done."""
        if self.osmem is None:
            return

        def build() -> None:
            from chalicelib.search import rebuild

            try:
                # A rebuild left in the saved state was for an engine that is gone: start over.
                outcome = rebuild.rebuild(restart=True)
            except Exception as error:  # noqa: BLE001 - the shop still runs, search answers from the fallback
                log(f"search index not built ({error}); search uses the fallback")
                return
            log(f"search index: {outcome.describe()}")

        threading.Thread(target=build, name="search-index", daemon=True).start()

    def prepare_notifications(self) -> None:
        """The notification queues, and a verified sender in the emulated SES (it refuses others)."""
        from chalicelib.core.queues import ensure_queues
        from chalicelib.core.store import db

        ensure_queues(log=lambda line: None)
        os.environ.setdefault("EMAIL_FROM", "shop@example.com")
        db.aws_client("ses").verify_email_identity(EmailAddress=os.environ["EMAIL_FROM"])

    def ensure_superuser(self) -> tuple[str, str]:
        from chalicelib.users.service import ensure_superuser

        email = os.environ.get("ADMIN_EMAIL", "admin@example.com")
        password = os.environ.get("ADMIN_PASSWORD", "admin")
        created = ensure_superuser(email, password)
        log(f"superuser {email} / {password}" + ("" if created else " (existing account; its password is kept)"))
        return email, password

    def start_events(self, app) -> None:
        from infra.local.events import EventDriver

        self.driver = EventDriver(app, log=lambda line: log(f"events: {line}"), stream_tables=stream_tables())
        self.driver.start()

    def start_snapshots(self) -> None:
        """Every `snapshot_interval` a snapshot when something was written (the journal then starts
        over); every minute a log line naming the event sources that are behind, if any."""
        def loop() -> None:
            next_snapshot = time.monotonic() + self.snapshot_interval
            next_summary = time.monotonic() + LAG_SUMMARY_INTERVAL
            while not self._stop.wait(max(0.1, min(next_snapshot, next_summary) - time.monotonic())):
                now = time.monotonic()
                if now >= next_snapshot:
                    if self.journal is not None and self.journal.entries:
                        self.save()
                    next_snapshot = now + self.snapshot_interval
                if now >= next_summary:
                    self.log_lag()
                    next_summary = now + LAG_SUMMARY_INTERVAL

        self._snapshot_thread = threading.Thread(target=loop, name="snapshots", daemon=True)
        self._snapshot_thread.start()

    def log_lag(self) -> None:
        from infra.local.status import lagging

        summary = lagging(self.event_status())
        if summary:
            log(f"events lagging: {summary}")

    def checkpoint(self) -> None:
        from infra.local import snapshot

        with self._snapshot_lock:
            self.state = snapshot.checkpoint(self.data_dir, self.journal)

    def save(self) -> None:
        try:
            self.checkpoint()
        except Exception as error:  # noqa: BLE001 - a failed periodic save must not stop the shop (the journal holds the writes)
            log(f"saving a snapshot failed: {type(error).__name__}: {error}")

    # --- status --------------------------------------------------------------------------------

    def event_status(self) -> dict | None:
        status = getattr(self.driver, "status", None)
        return status() if callable(status) else None

    def status(self) -> dict:
        from infra.local import snapshot

        if self.journal is not None:
            with self.journal.lock:  # counting walks moto's item dicts: no write may change them meanwhile
                tables = snapshot.table_counts()
        else:
            tables = {}
        saved_at = self.state.get("saved_at")
        return {
            "api": f"http://{self.host}:{self.port}",
            "emulated_aws": self.moto_url,
            "search_engine": self.osmem.url if self.osmem is not None else None,
            "uptime_s": round(time.time() - self.started_at, 1),
            "events": self.event_status(),
            "journal": self.journal.status() if self.journal is not None else None,
            "snapshot": {"generation": self.state.get("generation"), "saved_at": _iso(saved_at),
                         "age_s": None if saved_at is None else round(time.time() - saved_at, 1),
                         "interval_s": self.snapshot_interval, "data_dir": str(self.data_dir),
                         # seconds writes waited while the tables were copied, and writing the files took
                         "copy_s": self.state.get("copy_s"), "write_s": self.state.get("write_s")},
            "tables": tables,
        }

    def start_status(self) -> None:
        from infra.local.status import StatusServer

        try:
            self.status_server = StatusServer(self.status, self.host, self.status_port)
        except OSError as error:
            log(f"status page not served on port {self.status_port} ({error}); STATUS_PORT=... to choose another")
            return
        log(f"stack status: {self.status_server.url}")

    def serve(self) -> None:
        from chalice.config import Config
        from chalice.local import create_local_server

        from app import app

        self.start_events(app)
        self.start_snapshots()
        self.start_status()
        config = Config(
            chalice_stage="dev",
            user_provided_params={"chalice_app": app, "project_dir": str(ROOT)},
            config_from_disk=json.loads((ROOT / ".chalice" / "config.json").read_text()),
            default_params={"api_gateway_stage": "api", "autogen_policy": True},
        )
        from chalice.local import ThreadedHTTPServer

        # socketserver's default listen backlog is 5: a burst of 20 shoppers connecting at once had some
        # connections reset before the server accepted them.
        ThreadedHTTPServer.request_queue_size = 128
        self.server = create_local_server(app, config, self.host, self.port)
        log(f"ecoseller is up: http://{self.host}:{self.port}  (Ctrl-C stops everything)")
        self._serving.set()
        if self.stopping:  # a signal came while the server was being created
            return
        self.server.server.serve_forever(poll_interval=0.2)

    # --- stop ----------------------------------------------------------------------------------

    def request_stop(self, signum: int) -> None:
        """From the signal handler: the first SIGINT/SIGTERM stops the stack (serve_forever returns, then
        stop() saves); a second one while stopping exits at once, losing nothing (the journal has it all)."""
        if self.stopping:
            log(f"{signal.Signals(signum).name} again: exiting now (every accepted write is in the journal)")
            os._exit(1)
        self.stopping = True
        self._signalled_at = time.monotonic()
        log(f"{signal.Signals(signum).name}: stopping")
        if self._serving.is_set() and self.server is not None:
            # shutdown() waits for serve_forever to return, so not on the main thread (which runs it).
            threading.Thread(target=self.server.server.shutdown, name="stop-api", daemon=True).start()
        else:
            raise KeyboardInterrupt  # still starting: unwind main() into stop()

    def stop(self) -> None:
        self.stopping = True
        self._stop.set()
        timings = []
        if self._signalled_at is not None:
            timings.append(f"api loop {time.monotonic() - self._signalled_at:.1f} s")

        def step(name, action) -> None:
            started = time.monotonic()
            try:
                action()
            except Exception as error:  # noqa: BLE001 - the other parts must still stop
                log(f"stopping {name} failed: {type(error).__name__}: {error}")
            timings.append(f"{name} {time.monotonic() - started:.1f} s")

        if self.server is not None:
            step("api", self.server.server.server_close)
        if self.status_server is not None:
            step("status", self.status_server.close)
        if self.driver is not None:
            step("events", lambda: self.driver.stop(timeout=3.0))
        if self.journal is not None:
            step("snapshot", self.checkpoint)
            from infra.local import journal

            journal.activate(None)
            self.journal.close()
            log(f"state saved to {self.data_dir}")
        if self.moto is not None:
            step("moto", self.moto.stop)
        if self.osmem is not None:
            step("search", lambda: self.osmem.close(grace=1.0))
        log("stopped (" + ", ".join(timings) + ")")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the whole shop locally.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--status-port", type=int, default=int(os.environ["STATUS_PORT"])
                        if os.environ.get("STATUS_PORT") else None, help="the stack's status page (default PORT+1)")
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR", str(ROOT / ".data")))
    parser.add_argument("--no-demo", action="store_true", help="start without demo data")
    parser.add_argument("--demo", choices=("project", "ecoseller"), default=os.environ.get("DEMO") or "project",
                        help="demo data of a first start: the project's own, or the ecoseller demo dump (DEMO_DUMP)")
    parser.add_argument("--snapshot-interval", type=float, default=float(os.environ.get("SNAPSHOT_INTERVAL", "60")))
    args = parser.parse_args(argv)

    data_dir = Path(args.data_dir).resolve()
    configure_environment(data_dir)
    stack = LocalStack(args.host, args.port, data_dir, not args.no_demo, args.snapshot_interval,
                       status_port=args.status_port, demo_source=args.demo)

    def on_signal(signum, _frame) -> None:
        stack.request_stop(signum)

    # Explicitly, for both: a background job (`make run &`) inherits SIGINT ignored, and Python then
    # installs no KeyboardInterrupt handler of its own.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    started = time.monotonic()
    try:
        stack.start_aws()
        stack.start_search()
        stack.prepare_data()
        stack.ensure_superuser()
        if stack.journal is not None and stack.journal.entries:
            stack.save()  # the demo data (or an import) as a snapshot, not thousands of journal lines to replay
        log(f"ready in {time.monotonic() - started:.1f} s; data kept in {data_dir}")
        stack.serve()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    code = main()
    # Everything is saved and closed by now. What may still run are the app's own worker threads (the
    # notification delivery pool), which the interpreter would join at exit while they wait on the
    # stopped moto for seconds (13 s measured); nothing of theirs needs to finish.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
