"""One item per line: DynamoDB JSON as the low-level client reads and writes it, so every type survives.

A line is the item's attribute map with each value in its type tag (`{"N": "1.50"}` keeps a number as its
decimal text, `{"B": "<base64>"}` a binary, `{"SS": [...]}` a set, `{"M": {...}}` a map, ...), written in a
canonical form: keys sorted, set members sorted, no spaces, UTF-8. The same item therefore always gives
the same line, whichever order a Scan returned its set members in, which is what the table digest relies on.

`TableDigest` identifies a table's contents independently of item order (a parallel Scan writes items in
no fixed order): the sum, modulo 2^256, of the SHA-256 of every line. The manifest keeps it next to the
file's own SHA-256, and restore recomputes it from the restored table to prove the load complete.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from decimal import Decimal, InvalidOperation

_SCALARS = {"S", "N", "B", "BOOL", "NULL"}
_SETS = {"SS", "NS", "BS"}
_TAGS = _SCALARS | _SETS | {"M", "L"}
_MOD = 1 << 256


def _to_json(value: dict) -> dict:
    """A client AttributeValue (bytes for binaries) as JSON-safe DynamoDB JSON, canonical."""
    (tag, inner), = value.items()
    if tag == "B":
        return {"B": base64.b64encode(bytes(inner)).decode("ascii")}
    if tag == "BS":
        return {"BS": sorted(base64.b64encode(bytes(b)).decode("ascii") for b in inner)}
    if tag in ("SS", "NS"):
        return {tag: sorted(inner)}
    if tag == "M":
        return {"M": {k: _to_json(v) for k, v in inner.items()}}
    if tag == "L":
        return {"L": [_to_json(v) for v in inner]}
    return {tag: inner}


def encode_item(item: dict) -> bytes:
    """One export line (without its newline) for an item as the low-level client returned it."""
    canonical = {name: _to_json(value) for name, value in item.items()}
    return json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class BadItem(ValueError):
    """A line that is not a DynamoDB JSON item; the message says where and why."""


def _number(text, where: str) -> str:
    if not isinstance(text, str):
        raise BadItem(f"{where}: a number must be written as a string")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise BadItem(f"{where}: {text!r} is not a number") from None
    if not number.is_finite():
        raise BadItem(f"{where}: {text!r} is not a number")
    return text


def _binary(text, where: str) -> bytes:
    if not isinstance(text, str):
        raise BadItem(f"{where}: a binary must be base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadItem(f"{where}: not valid base64") from None


def _from_json(value, where: str) -> dict:
    """DynamoDB JSON back into a client AttributeValue, checked on the way (a clear error, not a failed
    BatchWriteItem half way through a restore)."""
    if not isinstance(value, dict) or len(value) != 1:
        raise BadItem(f"{where}: expected one type tag such as {{\"S\": ...}}")
    (tag, inner), = value.items()
    if tag not in _TAGS:
        raise BadItem(f"{where}: unknown type tag {tag!r}")
    if tag == "S" and not isinstance(inner, str):
        raise BadItem(f"{where}: S holds a string")
    if tag == "N":
        return {"N": _number(inner, where)}
    if tag == "B":
        return {"B": _binary(inner, where)}
    if tag == "BOOL" and not isinstance(inner, bool):
        raise BadItem(f"{where}: BOOL holds true or false")
    if tag == "NULL" and inner is not True:
        raise BadItem(f"{where}: NULL holds true")
    if tag in _SETS:
        if not isinstance(inner, list) or not inner:
            raise BadItem(f"{where}: {tag} holds a non-empty list")
        if tag == "SS" and not all(isinstance(member, str) for member in inner):
            raise BadItem(f"{where}: SS holds strings")
        if tag == "NS":
            return {"NS": [_number(member, where) for member in inner]}
        if tag == "BS":
            return {"BS": [_binary(member, where) for member in inner]}
    if tag == "M":
        if not isinstance(inner, dict):
            raise BadItem(f"{where}: M holds an object")
        return {"M": {k: _from_json(v, f"{where}.{k}") for k, v in inner.items()}}
    if tag == "L":
        if not isinstance(inner, list):
            raise BadItem(f"{where}: L holds a list")
        return {"L": [_from_json(v, f"{where}[{i}]") for i, v in enumerate(inner)]}
    return {tag: inner}


def decode_item(line: bytes, required: tuple[str, ...] = (), key_attributes: tuple[str, ...] = ()) -> dict:
    """An export line as a client item, ready for a PutRequest. `required` (the table's key) must be
    present; every attribute in `key_attributes` (the table's and its indexes' keys, all strings here)
    must be a non-empty string when present, as DynamoDB would refuse the item otherwise."""
    try:
        data = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadItem("not a complete JSON item (truncated or corrupted)") from None
    if not isinstance(data, dict) or not data:
        raise BadItem("not a JSON object of attributes")
    item = {name: _from_json(value, name) for name, value in data.items()}
    for name in required:
        if name not in item:
            raise BadItem(f"the key attribute {name} is missing")
    for name in key_attributes:
        if name in item and (set(item[name]) != {"S"} or not item[name]["S"]):
            raise BadItem(f"{name}: a key attribute holds a non-empty string")
    return item


class TableDigest:
    """Order-independent digest of a multiset of lines (see the module docstring)."""

    def __init__(self) -> None:
        self._sum = 0

    def add(self, line: bytes) -> None:
        self._sum = (self._sum + int.from_bytes(hashlib.sha256(line).digest(), "big")) % _MOD

    def merge(self, other: TableDigest) -> None:
        self._sum = (self._sum + other._sum) % _MOD

    def without(self, other: TableDigest) -> TableDigest:
        """The digest of these lines minus `other`'s (which must be among them)."""
        result = TableDigest()
        result._sum = (self._sum - other._sum) % _MOD
        return result

    @classmethod
    def from_hex(cls, text: str) -> TableDigest:
        result = cls()
        result._sum = int(text, 16)
        return result

    def hexdigest(self) -> str:
        return f"{self._sum:064x}"
