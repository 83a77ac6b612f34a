"""The package layers of chalicelib/ hold: no package imports one above it or a sibling, so there is no cycle.

The layers are listed in import_layers.ini (core < localization < catalog < methods < cart < orders <
payments, reviews, recommender, search; notifications, users and cms on core only; the operator tools on
top). import-linter checks every import statement, at module level or inside a function (a lazy import
is still a dependency). Two things it cannot see are checked here: a `lazy_module("chalicelib...")` call
(core/lazy.py: an import by name), and a package cycle, reported as such (with those calls counted).
What a lower package needs from a higher one is wired in by app.py (chalicelib/core/providers.py).
"""

from __future__ import annotations

import ast
import configparser
import subprocess
import sys
from pathlib import Path

from bench import import_graph  # the package graph's cycle finder, shared with the figures it prints

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("import_layers.ini")


def _layers() -> dict[str, int]:
    """{package: its layer, 0 the lowest}."""
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    lines = [line.strip() for line in parser["importlinter:contract:layers"]["layers"].splitlines() if line.strip()]
    return {name.strip(): rank for rank, line in enumerate(reversed(lines)) for name in line.split("|")}


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "chalicelib" and len(parts) > 1 else None


def _lazy_imports() -> list[tuple[str, int, str, str]]:
    """(file, line, importing package, imported module) for every lazy_module("chalicelib...") call."""
    found = []
    for path in sorted((ROOT / "chalicelib").rglob("*.py")):
        source = path.relative_to(ROOT).parts[1].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            target = node.args[0].value
            if name == "lazy_module" and isinstance(target, str) and _package(target):
                found.append((str(path.relative_to(ROOT)), node.lineno, source, target))
    return found


def test_no_import_goes_up_the_layers():
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--config", str(CONFIG),
                             "--no-cache", "--no-logo"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_package_has_a_layer():
    layers = _layers()
    packages = {path.name.removesuffix(".py") for path in (ROOT / "chalicelib").iterdir()
                if (path.is_dir() and (path / "__init__.py").exists()) or (path.suffix == ".py"
                                                                            and path.name != "__init__.py")}
    assert packages - set(layers) == set(), "place the new package in tests/contract/import_layers.ini"


def test_no_lazy_module_goes_up_the_layers():
    layers = _layers()
    wrong = [f"{path}:{line} {source} -> {target}" for path, line, source, target in _lazy_imports()
             if _package(target) != source and layers[_package(target)] >= layers[source]]
    assert wrong == [], "lazy_module() of a package at or above the caller's layer:\n" + "\n".join(wrong)


def test_no_package_cycle():
    import grimp

    graph = grimp.build_graph("chalicelib", cache_dir=None)
    packages = sorted({_package(module) for module in graph.modules if _package(module)})
    for package in packages:
        if graph.find_children(f"chalicelib.{package}"):
            graph.squash_module(f"chalicelib.{package}")
    edges: dict[str, set[str]] = {package: set() for package in packages}
    for package in packages:
        for imported in graph.find_modules_directly_imported_by(f"chalicelib.{package}"):
            if _package(imported) not in (None, package):
                edges[package].add(_package(imported))
    for _path, _line, source, target in _lazy_imports():
        if _package(target) != source:
            edges[source].add(_package(target))
    cycles = import_graph.cycles(edges)
    assert cycles == [], "package import cycles: " + "; ".join(" <-> ".join(cycle) for cycle in cycles)
