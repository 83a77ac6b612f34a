"""Operator commands of this feature, added to `python -m chalicelib.cli` (stub)."""

from __future__ import annotations

import argparse


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add this feature's subcommands; each sets `func(args) -> int`."""
