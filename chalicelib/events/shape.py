"""Payload types: a dataclass per event payload, and what is made from one.

* `payload(exact=...)` declares a payload (or a part of one) as a keyword-only dataclass. Exact: exactly
  these keys; open: at least the required ones (fields without a default), others allowed.
* `json_schema(tp)`: its JSON Schema (draft 2020-12), from the type hints: str, int, bool, float,
  Decimal (an exact decimal as a string), None in a union, Literal (const or enum), list, tuple (fixed
  items), dict, a nested payload; `Annotated[..., note(...)]` adds keywords (description, format, ...).
* `problems(tp, value)`: what in a payload breaks its type: a missing required key, an unknown key of
  an exact object, a fixed value not kept (the outbox refuses such a payload when it is written).
* `read(tp, value)`: a payload as its dataclass (nested ones too), for the code that consumes it; keys
  not declared are left out, missing optional ones take their default, values are not converted.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

DECIMAL_STRING = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "exact decimal, e.g. \"181.50\""}
_PLAIN = {str: "string", int: "integer", bool: "boolean", float: "number", dict: "object", type(None): "null"}


@dataclasses.dataclass(frozen=True)
class Note:
    """JSON Schema keywords a field's type adds to its schema."""
    keywords: dict


def note(**keywords) -> Note:
    return Note(keywords)


@dataclasses.dataclass(frozen=True)
class Shape:
    exact: bool
    description: str | None = None


def payload(*, exact: bool, description: str | None = None):
    """Declare a payload type (a keyword-only dataclass; its fields in the schema's order)."""
    def declare(cls):
        cls = dataclasses.dataclass(kw_only=True)(cls)
        cls.__shape__ = Shape(exact, description)
        return cls
    return declare


def is_payload(tp) -> bool:
    return isinstance(tp, type) and hasattr(tp, "__shape__")


@functools.cache
def _fields(cls) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type, required) of a payload type's fields, in order."""
    hints = typing.get_type_hints(cls, include_extras=True)
    return tuple((f.name, hints[f.name], f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
                 for f in dataclasses.fields(cls))


def _unwrap(tp) -> tuple[Any, list[Note]]:
    if typing.get_origin(tp) is Annotated:
        return tp.__origin__, [n for n in tp.__metadata__ if isinstance(n, Note)]
    return tp, []


def _members(tp) -> tuple:
    return typing.get_args(tp) if typing.get_origin(tp) in (Union, types.UnionType) else ()


# --- the JSON Schema ----------------------------------------------------------------------------------

def json_schema(tp, *, fixed: dict | None = None) -> dict:
    """The JSON Schema of a type; `fixed` pins fields of a payload type to one value (`const`)."""
    base, notes = _unwrap(tp)
    schema = _schema_of(base)
    if fixed:
        schema["properties"].update({name: {"const": value} for name, value in fixed.items()})
    for found in notes:
        schema.update(found.keywords)
    return schema


def _schema_of(tp) -> dict:
    if tp in _PLAIN:
        return {"type": _PLAIN[tp]}
    if tp is Decimal:
        return dict(DECIMAL_STRING)
    if is_payload(tp):
        shape = tp.__shape__
        schema: dict = {"type": "object",
                        "properties": {name: json_schema(hint) for name, hint, _ in _fields(tp)},
                        "required": [name for name, _, required in _fields(tp) if required],
                        "additionalProperties": not shape.exact}
        if shape.description:
            schema["description"] = shape.description
        return schema
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Literal:
        return {"const": args[0]} if len(args) == 1 else {"enum": list(args)}
    if origin is list:
        return {"type": "array", "items": json_schema(args[0])}
    if origin is tuple:
        return {"type": "array", "prefixItems": [json_schema(a) for a in args], "items": False}
    if origin is dict:
        return {"type": "object", "additionalProperties": json_schema(args[1])}
    if _members(tp):
        return _union(_members(tp))
    raise TypeError(f"no JSON Schema for {tp!r}")


def _union(members: tuple) -> dict:
    """One schema with a list of types when every member is typed and at most one says more (["string",
    "null"], an object or null); anyOf otherwise (an enum or an exact decimal, or null)."""
    schemas = [json_schema(m) for m in members]
    typed = all(isinstance(s.get("type"), str) for s in schemas) and Decimal not in members
    detailed = [s for s in schemas if set(s) != {"type"}]
    if not typed or len(detailed) > 1:
        return {"anyOf": schemas}
    merged = dict(detailed[0]) if detailed else {}
    merged["type"] = [s["type"] for s in schemas]
    return merged


# --- checking a payload --------------------------------------------------------------------------------

def problems(tp, value, *, fixed: dict | None = None, path: str = "$") -> list[str]:
    """What in `value` breaks type `tp`: missing required keys, unknown keys of exact objects, `fixed`
    values not kept (types of plain values are the schema's business, not checked here)."""
    tp, _notes = _unwrap(tp)
    if is_payload(tp):
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        fields = _fields(tp)
        found = [f"{path}: missing {name!r}" for name, _, required in fields if required and name not in value]
        if tp.__shape__.exact:
            declared = {name for name, _, _ in fields}
            found += [f"{path}: unknown {name!r}" for name in value if name not in declared]
        found += [f"{path}.{name}: is {value.get(name)!r}, not {wanted!r}" for name, wanted in (fixed or {}).items()
                  if value.get(name) != wanted]
        for name, hint, _ in fields:
            if name in value:
                found += problems(hint, value[name], path=f"{path}.{name}")
        return found
    if typing.get_origin(tp) is list and isinstance(value, list):
        return [p for index, item in enumerate(value) for p in problems(typing.get_args(tp)[0], item,
                                                                      path=f"{path}[{index}]")]
    nested = [m for m in _members(tp) if is_payload(_unwrap(m)[0])]
    if nested and isinstance(value, dict):
        return problems(nested[0], value, path=path)
    return []


# --- reading a payload -----------------------------------------------------------------------------------

def read(tp, value):
    """`value` (decoded JSON) as type `tp`: payload types become their dataclass (from a non-object: an
    empty one), lists their items' types; anything else is kept as it is."""
    tp, _notes = _unwrap(tp)
    if is_payload(tp):
        source = value if isinstance(value, dict) else {}
        return tp(**{name: read(hint, source[name]) for name, hint, _ in _fields(tp) if name in source},
                  **{name: None for name, _, required in _fields(tp) if required and name not in source})
    if typing.get_origin(tp) is list:
        return [read(typing.get_args(tp)[0], item) for item in value] if isinstance(value, list) else []
    nested = [m for m in _members(tp) if is_payload(_unwrap(m)[0])]
    if nested and isinstance(value, dict):
        return read(nested[0], value)
    return value
