"""The storage door's write unit: typed writes for one transaction, and one bounded optimistic retry.

A package's store module builds its writes as `Put`, `Update`, `Delete` and `Check` values (an outbox
event is the `Put` that `core/events.outbox_put` builds) and hands them to `db.transact`, which writes
them all or none. A read-modify-write that must not overwrite a concurrent change runs through
`retrying`: its attempt reads, decides and writes with a condition on what it read; when the condition
fails the attempt runs again on fresh data, a bounded number of times.

Expressions keep DynamoDB's syntax: `names` (#placeholders) and `values` (:placeholders, plain Python
values, serialized by db) go with the `condition` or update `expression` that uses them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

MAIN = "main"  # the logical name of the main table (core/store/tables.py); the outbox is "outbox"
ATTEMPTS = 5  # tries of one read-modify-write before it answers a conflict


class ConditionFailed(Exception):
    """A conditional write found the item in another state than required."""


class TransactionFailed(Exception):
    """DynamoDB cancelled a transaction; `reasons` has one code per write, in order ("None" for a write
    that was fine, "ConditionalCheckFailed", "TransactionConflict", ...)."""

    def __init__(self, reasons: list[str]):
        super().__init__(", ".join(reasons))
        self.reasons = reasons


class Stale(Exception):
    """Every attempt of a read-modify-write found the data changed under it (`retrying`)."""


@dataclass(frozen=True)
class _Write:
    condition: str | None = field(default=None, kw_only=True)
    names: dict | None = field(default=None, kw_only=True)
    values: dict | None = field(default=None, kw_only=True)
    table: str = field(default=MAIN, kw_only=True)


@dataclass(frozen=True)
class Put(_Write):
    """Write a whole item (creating or replacing it)."""
    item: dict


@dataclass(frozen=True)
class Update(_Write):
    """Change some attributes of one item with an update expression (`fields` builds SET/REMOVE ones)."""
    key: dict
    expression: str

    @classmethod
    def fields(cls, key: dict, *, set_fields: dict | None = None, remove: Iterable[str] = (),
               condition: str | None = None, names: dict | None = None, values: dict | None = None,
               table: str = MAIN) -> Update:
        """SET the given fields and REMOVE others (placeholders #s0.., #r0.. are added to `names`)."""
        names = dict(names or {})
        values = dict(values or {})
        expression = set_remove_expression(set_fields, remove, names, values)
        return cls(key, expression, condition=condition, names=names, values=values, table=table)

    @classmethod
    def add(cls, key: dict, amounts: dict, *, condition: str | None = None, names: dict | None = None,
            values: dict | None = None, table: str = MAIN) -> Update:
        """ADD each number of `amounts` to its attribute (a missing attribute counts as 0)."""
        names = dict(names or {})
        values = dict(values or {})
        clauses = []
        for index, (name, amount) in enumerate(amounts.items()):
            names[f"#a{index}"] = name
            values[f":a{index}"] = amount
            clauses.append(f"#a{index} :a{index}")
        return cls(key, "ADD " + ", ".join(clauses), condition=condition, names=names, values=values,
                   table=table)


@dataclass(frozen=True)
class Delete(_Write):
    """Delete one item."""
    key: dict


@dataclass(frozen=True)
class Check(_Write):
    """Require `condition` of an item the transaction does not otherwise write."""
    key: dict


Write = Put | Update | Delete | Check


def set_remove_expression(set_fields: dict | None, remove: Iterable[str], names: dict, values: dict) -> str:
    """`SET #s0 = :s0, ... REMOVE #r0, ...`, filling `names` and `values`."""
    clauses = []
    for index, (name, value) in enumerate((set_fields or {}).items()):
        names[f"#s{index}"] = name
        values[f":s{index}"] = value
        clauses.append(f"#s{index} = :s{index}")
    expression = "SET " + ", ".join(clauses) if clauses else ""
    removals = []
    for index, name in enumerate(remove):
        names[f"#r{index}"] = name
        removals.append(f"#r{index}")
    if removals:
        expression += (" " if expression else "") + "REMOVE " + ", ".join(removals)
    return expression


def ttl_in(seconds: int) -> int:
    """A `ttl` attribute value: epoch seconds, `seconds` from now (DynamoDB deletes the item after)."""
    return int(time.time()) + int(seconds)


def key_of(write: Write) -> dict:
    """The key (or, for a Put, the whole item) a write addresses."""
    return write.item if isinstance(write, Put) else write.key


T = TypeVar("T")


def retrying(attempt: Callable[[], T], *, attempts: int = ATTEMPTS,
             again: Callable[[Exception], bool] | None = None) -> T:
    """Run a read-modify-write `attempt` until it succeeds, at most `attempts` times.

    An attempt that raises `Stale`, `ConditionFailed` or `TransactionFailed` found the world changed
    since it read; it runs again on fresh data after a short, growing pause. `again(error)`, when given,
    narrows which of those failures are worth another attempt (others propagate at once). After the
    last attempt the failure propagates as `Stale`, which routes answer as a 409."""
    for number in range(attempts):
        try:
            return attempt()
        except (Stale, ConditionFailed, TransactionFailed) as error:
            if again is not None and not again(error):
                raise
            if number == attempts - 1:
                raise Stale(str(error)) from error
            time.sleep(0.005 * (number + 1))  # lets the concurrent writer finish; short: a request waits
    raise AssertionError("unreachable")
