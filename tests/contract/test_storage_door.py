"""One storage door: only the storage modules talk to DynamoDB and spell keys.

The storage modules are core/store/*, and each package's `store.py` and `keys.py` (or a `store/`
sub-package). Every other module of chalicelib/ reaches the table through its package's store module:
it does not import core/store/db (directly, by `lazy_module`, or through a boto3 DynamoDB client), does
not build a transaction write by hand, and spells no key: no key attribute name ("PK", "GSI1SK", ...)
and no key text such as f"USER#{email}". A key spelled twice is how two modules end up disagreeing
about where an item lives.

Writes are the typed values of core/store/write.py, handed to `db.transact` by a store module; a
hand-built `{"Put": {...}}` dict is refused everywhere, store modules included.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHALICELIB = ROOT / "chalicelib"

KEY_ATTRIBUTES = {"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK"}
KEY_TEXT = re.compile(r"^[A-Z][A-Z0-9_]*#")  # "USER#", "ORDER#" ... the start of a partition or sort key
TRANSACTION_KINDS = {"Put", "Update", "Delete", "ConditionCheck"}
DB_MODULE = "chalicelib.core.store.db"


def is_storage_module(path: Path) -> bool:
    if not path.is_relative_to(CHALICELIB):
        return False  # app.py and the operator scripts
    parts = path.relative_to(CHALICELIB).parts
    return parts[:2] == ("core", "store") or path.name in {"store.py", "keys.py"} or "store" in parts[:-1]


def _packages() -> list[str]:
    return sorted(p.name for p in CHALICELIB.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _imports_db(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom) and node.module:
        return (node.module == "chalicelib.core.store" and any(a.name == "db" for a in node.names)) \
            or node.module == DB_MODULE
    if isinstance(node, ast.Import):
        return any(a.name == DB_MODULE for a in node.names)
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        name = getattr(node.func, "id", getattr(node.func, "attr", None))
        target = node.args[0].value
        return (name == "lazy_module" and target == DB_MODULE) or (name in {"client", "aws_client", "resource"}
                                                                     and target == "dynamodb")
    return False


def _text_parts(node: ast.AST) -> list[str]:
    """The literal text of a string constant, or the literal start of an f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return [str(node.values[0].value)]
    return []


def _used_as_key(node: ast.AST, text: str, parents: dict) -> bool:
    """A key attribute name used as one: a subscript, a .get(), or a dict key. "SK" is also Slovakia's
    country code, so as a dict key it counts only beside "PK"."""
    parent = parents.get(node)
    if isinstance(parent, ast.Subscript):
        return True
    if isinstance(parent, ast.Call) and getattr(parent.func, "attr", "") == "get":
        return True
    if isinstance(parent, ast.Dict) and node in parent.keys:
        return text != "SK" or any(isinstance(k, ast.Constant) and k.value == "PK" for k in parent.keys)
    return isinstance(parent, ast.Compare) and text != "SK"


def _is_docstring(node: ast.AST, parents: dict) -> bool:
    parent = parents.get(node)
    return isinstance(parent, ast.Expr)


def violations(path: Path) -> list[str]:
    """What in this file goes around the storage door, as 'file:line what'."""
    tree = ast.parse(path.read_text(), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    where = path.relative_to(ROOT)
    storage = is_storage_module(path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key in node.keys:
                if isinstance(key, ast.Constant) and key.value in TRANSACTION_KINDS and len(node.keys) == 1:
                    found.append(f"{where}:{node.lineno} builds a {key.value!r} transaction write by hand")
        if storage:
            continue
        if _imports_db(node):
            found.append(f"{where}:{node.lineno} talks to core/store/db outside a storage module")
        if isinstance(node, ast.JoinedStr | ast.Constant) and not _is_docstring(node, parents) \
                and not isinstance(parents.get(node), ast.JoinedStr):
            for text in _text_parts(node):
                if KEY_TEXT.match(text) or (text in KEY_ATTRIBUTES and _used_as_key(node, text, parents)):
                    found.append(f"{where}:{node.lineno} spells the key {text!r} outside a storage module")
    return found


def package_violations(package: str) -> list[str]:
    return [v for path in sorted((CHALICELIB / package).rglob("*.py")) for v in violations(path)]


@pytest.mark.parametrize("package", _packages())
def test_only_storage_modules_talk_to_the_table(package):
    found = package_violations(package)
    assert not found, "\n".join(found)


def test_top_level_modules_use_the_storage_door():
    found = [v for path in sorted(CHALICELIB.glob("*.py")) for v in violations(path)]
    found += [v for path in [ROOT / "app.py"] for v in violations(path)]
    assert not found, "\n".join(found)


def test_the_rule_finds_a_door_left_open(tmp_path, monkeypatch):
    """The checks themselves: each kind of violation in a service module is reported."""
    package = tmp_path / "chalicelib" / "shop"
    package.mkdir(parents=True)
    service = package / "service.py"
    service.write_text(
        "from chalicelib.core.store import db\n"
        "def save(email):\n"
        "    db.transact([{'Put': {'table': 'main', 'item': {'PK': f'USER#{email}'}}}])\n")
    (package / "store.py").write_text("def key(email):\n    return {'PK': f'USER#{email}', 'SK': 'PROFILE'}\n")
    this = sys.modules[__name__]
    monkeypatch.setattr(this, "ROOT", tmp_path)
    monkeypatch.setattr(this, "CHALICELIB", tmp_path / "chalicelib")
    found = violations(service)
    assert any("talks to core/store/db" in v for v in found)
    assert any("'Put' transaction write by hand" in v for v in found)
    assert any("spells the key 'PK'" in v for v in found)
    assert any("spells the key 'USER#'" in v for v in found)
    assert violations(package / "store.py") == []
