"""`python -m chalicelib.cli search-index ...`: the documented `search_index` command, for the alias.

    search-index --rebuild [--restart]   new versioned index from DynamoDB, alias swapped atomically
                                         (continues a rebuild in progress from its checkpoint)
    search-index --create                the alias with an empty index, unless it exists
    search-index --populate              index every product into the alias's index in place
    search-index --delete [-f]           delete the alias's indices (asks unless -f)
    search-index --rollback              point the alias back at the previous index
    search-index --status                where the alias points, the indices, a rebuild in progress
"""

from __future__ import annotations

import argparse
import json
import sys


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add this feature's subcommands; each sets `func(args) -> int`."""
    parser = commands.add_parser("search-index", help="build or manage the storefront search index",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    action = parser.add_mutually_exclusive_group(required=True)
    for name, text in (("rebuild", "build a new index and swap the alias to it"),
                       ("create", "create the alias with an empty index if it does not exist"),
                       ("populate", "index every product into the current index"),
                       ("delete", "delete every index of the alias"),
                       ("rollback", "point the alias back at the previous index"),
                       ("status", "show the alias, its indices and a rebuild in progress")):
        action.add_argument(f"--{name}", action="store_true", help=text)
    parser.add_argument("-f", "--force", action="store_true", help="--delete without asking")
    parser.add_argument("--restart", action="store_true", help="--rebuild: drop a rebuild in progress, start over")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from chalicelib.search import engine, rebuild
    from chalicelib.search.settings import load

    settings = load()
    if not settings.enabled:
        print("search-index: search is switched off (USE_ELASTIC=0) or no engine is configured "
              "(OPENSEARCH_ENDPOINT or OPENSEARCH_URL)", file=sys.stderr)
        return 2
    try:
        if args.rebuild:
            outcome = rebuild.rebuild(restart=args.restart, settings=settings)
            print(outcome.describe())
            return 0 if outcome.status == "done" else 1
        if args.create:
            name, created = rebuild.create(settings)
            print(f"{settings.alias} -> {name}" + (" (created, empty)" if created else " (exists)"))
        elif args.populate:
            print(f"indexed {rebuild.populate(settings)} products into {settings.alias}")
        elif args.delete:
            if not args.force and input(f"Delete every index of {settings.alias}? [y/N] ").strip().lower() != "y":
                print("nothing deleted")
                return 1
            names = rebuild.delete(settings)
            print("deleted " + (", ".join(names) if names else "nothing"))
        elif args.rollback:
            print(f"{settings.alias} -> {rebuild.rollback(settings)}")
        else:
            print(json.dumps(rebuild.status(settings), indent=2, default=str))
    except (engine.EngineError, rebuild.RebuildError) as error:
        print(f"search-index: {error}", file=sys.stderr)
        return 1
    return 0
