"""Operator commands `backup` and `restore`, added to `python -m chalicelib.cli`.

    backup DEST [--aws] [--segments N]    export every table to a folder or s3://bucket/prefix
    backup --aws                          only DynamoDB on-demand backups (ARNs printed)
    restore SRC [--workers N]             check an export, then load it into this stage's empty tables

Exit codes: 0 done; 2 nothing was done because the input is unusable (a corrupted or missing export, a
destination that already holds one, a bad argument); 1 refused or failed otherwise (a target table is not
empty, AWS errors, the restored tables did not verify).
"""

from __future__ import annotations

import argparse
import sys

from botocore.exceptions import BotoCoreError, ClientError


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def cmd_backup(args: argparse.Namespace) -> int:
    from chalicelib.backup import locations
    from chalicelib.backup.export import BackupRefused, backup

    if args.dest is None and not args.aws:
        print("backup: give a destination (folder or s3://bucket/prefix), --aws, or both", file=sys.stderr)
        return 2
    try:
        location = locations.parse(args.dest) if args.dest is not None else None
        backup(location, segments=args.segments, aws=args.aws)
    except (ValueError, BackupRefused) as error:
        print(f"backup: {error}", file=sys.stderr)
        return 2
    except (ClientError, BotoCoreError, OSError) as error:
        print(f"backup failed: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from chalicelib.backup import locations
    from chalicelib.backup.manifest import ExportError
    from chalicelib.backup.restore import RestoreFailed, TargetNotEmpty, restore

    try:
        restore(locations.parse(args.src), workers=args.workers, segments=args.segments)
    except (ValueError, ExportError) as error:
        print(f"restore refused, nothing was written: {error}", file=sys.stderr)
        return 2
    except TargetNotEmpty as error:
        print(f"restore refused, nothing was written: {error}", file=sys.stderr)
        return 1
    except (RestoreFailed, ClientError, BotoCoreError, OSError) as error:
        print(f"restore failed, the tables hold part of the export (delete them and restore again): {error}",
              file=sys.stderr)
        return 1
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add this feature's subcommands; each sets `func(args) -> int`."""
    from chalicelib.backup.export import DEFAULT_SEGMENTS
    from chalicelib.backup.restore import DEFAULT_WORKERS

    backup = commands.add_parser(
        "backup", help="export every table (JSON lines + manifest) to a folder or s3://bucket/prefix",
        description="Export every table but the outbox as DynamoDB JSON lines with a manifest (counts, "
                    "SHA-256, key schemas). Each item is read strongly consistent; the copy is not a "
                    "point-in-time snapshot across items and tables (use PITR or --aws for that in AWS).")
    backup.add_argument("dest", nargs="?", help="a local folder or s3://bucket/prefix without an export in it")
    backup.add_argument("--aws", action="store_true", help="also take a DynamoDB on-demand backup of every table")
    backup.add_argument("--segments", type=_positive, default=DEFAULT_SEGMENTS,
                        help=f"parallel Scan segments per table (default {DEFAULT_SEGMENTS})")
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser(
        "restore", help="load an export into this stage's empty tables, verified",
        description="Check the export (manifest, counts, checksums) before writing anything, create the "
                    "tables, refuse any that holds items, load, verify counts and digests, apply data "
                    "migrations. The outbox is not restored, so no event is sent again.")
    restore.add_argument("src", help="a local folder or s3://bucket/prefix holding an export")
    restore.add_argument("--workers", type=_positive, default=DEFAULT_WORKERS,
                         help=f"BatchWriteItem calls in parallel (default {DEFAULT_WORKERS})")
    restore.add_argument("--segments", type=_positive, default=DEFAULT_SEGMENTS,
                         help=f"parallel Scan segments of the final check (default {DEFAULT_SEGMENTS})")
    restore.set_defaults(func=cmd_restore)
