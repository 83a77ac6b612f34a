"""Operator commands: `python -m chalicelib.cli <command>` (or `make cli ARGS="..."`).

    migrate                      create/update tables and apply data migrations (idempotent)
    createsuperuser              create an admin user (flags for scripts, prompts otherwise)
    import-ecoseller DUMP.sql    load an original ecoseller PostgreSQL dump (catalog, localization,
                                 price lists, users with their password hashes, CMS); idempotent

`--stage NAME` loads that stage's environment variables from `.chalice/config.json` first (values
already in the environment win), so `--stage prod` with AWS credentials works on the real tables.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from chalicelib.core import providers

ROOT = Path(__file__).resolve().parents[1]
# Features that add their own commands (each module has `add_commands(subparsers)`).
PLUGINS = ("chalicelib.search.cli", "chalicelib.backup.cli")


def load_stage_environment(stage: str) -> None:
    config_file = ROOT / ".chalice" / "config.json"
    if not config_file.exists():
        return
    config = json.loads(config_file.read_text())
    if stage not in config.get("stages", {}):
        raise SystemExit(f"unknown stage {stage!r}; .chalice/config.json has {sorted(config.get('stages', {}))}")
    values = dict(config.get("environment_variables", {}))
    values.update(config["stages"][stage].get("environment_variables", {}))
    for name, value in values.items():
        os.environ.setdefault(name, str(value))
    from chalicelib.core.settings import reload_settings

    reload_settings()


def cmd_migrate(args: argparse.Namespace) -> int:
    from chalicelib.core.store.migrate import migrate
    from chalicelib.migrations import MIGRATIONS

    migrate(MIGRATIONS)
    return 0


def cmd_createsuperuser(args: argparse.Namespace) -> int:
    from chalicelib.core.http.validation import Email, FieldError
    from chalicelib.users.service import ensure_superuser

    email = args.email or os.environ.get("ADMIN_EMAIL")
    password = args.password or os.environ.get("ADMIN_PASSWORD")
    if args.noinput:
        if not email or not password:
            print("createsuperuser --noinput needs --email and --password (or ADMIN_EMAIL/ADMIN_PASSWORD)",
                  file=sys.stderr)
            return 2
    else:
        email = email or input("Email: ").strip()
        while not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                print("Passwords do not match.", file=sys.stderr)
                password = None
    try:
        email = Email(max_length=40).clean(email)
    except FieldError as error:
        print(f"email: {' '.join(error.detail)}", file=sys.stderr)
        return 2
    if ensure_superuser(email, password):
        print(f"Superuser {email} created.")
    else:
        print(f"User {email} already exists; nothing changed.")
    return 0


def cmd_import_ecoseller(args: argparse.Namespace) -> int:
    from chalicelib.importer import DumpError, ImportConflict, run

    try:
        run(args.dump, emit_events=args.emit_events, skip_conflicts=args.skip_conflicts)
    except ImportConflict as error:  # nothing was written
        print(error, file=sys.stderr)
        return 1
    except (OSError, DumpError) as error:  # DumpError names the line
        print(f"import-ecoseller: {error}", file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", help="load this stage's environment from .chalice/config.json")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create/update tables, apply data migrations").set_defaults(func=cmd_migrate)
    superuser = commands.add_parser("createsuperuser", help="create an admin user")
    superuser.add_argument("--email")
    superuser.add_argument("--password")
    superuser.add_argument("--noinput", "--no-input", action="store_true", help="never prompt")
    superuser.set_defaults(func=cmd_createsuperuser)
    importer = commands.add_parser("import-ecoseller", help="load an original ecoseller PostgreSQL dump")
    importer.add_argument("dump", help="path of the .sql dump (INSERT or COPY statements)")
    importer.add_argument("--emit-events", action="store_true",
                          help="record PRODUCT_SAVE etc. events for what is imported (off: it is a migration)")
    importer.add_argument("--skip-conflicts", action="store_true",
                          help="leave items whose ids are already taken by other data instead of stopping")
    importer.set_defaults(func=cmd_import_ecoseller)
    import importlib

    for plugin in PLUGINS:
        importlib.import_module(plugin).add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # The operator commands write events (the importer does): their payloads are checked as the app's are.
    providers.provide(providers.EVENT_PAYLOADS, "chalicelib.events")
    if args.stage:
        load_stage_environment(args.stage)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
