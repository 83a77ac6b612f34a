"""The whole shop on this machine (`make run`): no AWS account, nothing left running afterwards.

* moto's server emulates DynamoDB, SQS, S3, SES, EventBridge and Secrets Manager on loopback;
* osmem-server is the local OpenSearch-compatible search engine;
* tables are migrated, the saved state under `.data/` is restored (or demo data loaded on the first
  start), the search index is built from it (the engine keeps nothing across restarts), and a
  superuser is created;
* the Lambda event handlers (SQS consumers, stream consumers, schedules) run from local pollers
  through the same handler functions Lambda calls;
* the API is served by Chalice's local server on http://127.0.0.1:8000 (PORT to change it);
* state is saved to `.data/` every minute and on shutdown; Ctrl-C (or SIGTERM) stops everything.
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


class LocalStack:
    def __init__(self, host: str, port: int, data_dir: Path, demo: bool, snapshot_interval: float):
        self.host = host
        self.port = port
        self.data_dir = data_dir
        self.demo = demo
        self.snapshot_interval = snapshot_interval
        self.moto = None
        self.osmem = None
        self.driver = None
        self.server = None
        self._stop = threading.Event()
        self._snapshot_thread: threading.Thread | None = None
        self._snapshot_lock = threading.Lock()

    # --- start ---------------------------------------------------------------------------------

    def start_aws(self) -> None:
        from moto.server import ThreadedMotoServer

        from infra.local import moto_serial

        moto_serial.install()  # requests one at a time, as DynamoDB serializes writes (no oversold stock)

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-call access log is noise here

        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=int(os.environ.get("MOTO_PORT", "0")))
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
        log(f"emulated AWS (moto) on http://{host}:{port}")

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
        from infra.local import demo, snapshot

        reload_settings()
        db.reset_clients()
        ensure_tables(log=lambda line: None)
        self.prepare_notifications()
        db.aws_client("s3").create_bucket(
            Bucket=get_settings().media_bucket,
            CreateBucketConfiguration={"LocationConstraint": os.environ["AWS_DEFAULT_REGION"]})
        restored = snapshot.restore_tables(self.data_dir)
        if restored:
            files = snapshot.restore_bucket(self.data_dir, get_settings().media_bucket)
            log(f"restored saved state from {self.data_dir}: {restored}, {files} media files")
        apply_data_migrations(MIGRATIONS, log=log)
        if self.demo:
            demo.load_demo_data(log=log)
        self.prepare_search()

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
        def loop() -> None:
            while not self._stop.wait(self.snapshot_interval):
                self.save()

        self._snapshot_thread = threading.Thread(target=loop, name="snapshots", daemon=True)
        self._snapshot_thread.start()

    def save(self) -> None:
        from chalicelib.core.settings import get_settings
        from infra.local import snapshot

        with self._snapshot_lock:
            try:
                snapshot.save_tables(self.data_dir)
                snapshot.save_bucket(self.data_dir, get_settings().media_bucket)
            except Exception as error:  # noqa: BLE001 - a failed periodic save must not stop the shop
                log(f"saving state failed: {error}")

    def serve(self) -> None:
        from chalice.config import Config
        from chalice.local import create_local_server

        from app import app

        self.start_events(app)
        self.start_snapshots()
        config = Config(
            chalice_stage="dev",
            user_provided_params={"chalice_app": app, "project_dir": str(ROOT)},
            config_from_disk=json.loads((ROOT / ".chalice" / "config.json").read_text()),
            default_params={"api_gateway_stage": "api", "autogen_policy": True},
        )
        self.server = create_local_server(app, config, self.host, self.port)
        log(f"ecoseller is up: http://{self.host}:{self.port}  (Ctrl-C stops everything)")
        self.server.serve_forever()

    # --- stop ----------------------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()
        if self.server is not None:
            self.server.server.server_close()
        if self.driver is not None:
            self.driver.stop()
        if self.moto is not None:
            self.save()
            log(f"state saved to {self.data_dir}")
            self.moto.stop()
        if self.osmem is not None:
            self.osmem.close()
        log("stopped")


def _raise_interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the whole shop locally.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR", str(ROOT / ".data")))
    parser.add_argument("--no-demo", action="store_true", help="start without demo data")
    parser.add_argument("--snapshot-interval", type=float, default=float(os.environ.get("SNAPSHOT_INTERVAL", "60")))
    args = parser.parse_args(argv)

    data_dir = Path(args.data_dir).resolve()
    configure_environment(data_dir)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    stack = LocalStack(args.host, args.port, data_dir, not args.no_demo, args.snapshot_interval)
    started = time.monotonic()
    try:
        stack.start_aws()
        stack.start_search()
        stack.prepare_data()
        stack.ensure_superuser()
        log(f"ready in {time.monotonic() - started:.1f} s; data kept in {data_dir}")
        stack.serve()
    except KeyboardInterrupt:
        log("stopping")
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the final save short
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
