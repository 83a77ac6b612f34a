"""Package import graph of chalicelib/: prints the package cycles and the function-level cross-package imports.

    .venv/bin/python bench/import_graph.py [--list] [--root DIR]

A package is a direct child of chalicelib (core, catalog, orders, ...); the top-level modules cli.py and
migrations.py count as packages of their own. Every `import`/`from` statement counts, at module level or
inside a function (a lazy import), relative ones resolved; `chalicelib.core.lazy.lazy_module("...")` calls
count as imports too, since they are one. A cycle is a strongly connected component of two packages or more
in the package graph (its size is printed); the function-level count is the number of import statements
inside a function body whose target is another top-level chalicelib package (also given without those
into core/, which never close a cycle since core imports nothing above it). tests/contract/
test_import_layers.py holds the layers; this prints the figures.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "chalicelib"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def top_package(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != PACKAGE or len(parts) < 2:
        return None
    return parts[1]


def _targets(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            if not is_package:
                base = base[:-1]
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        if node.module is None or node.level and not node.module:
            return [f"{prefix}.{alias.name}" for alias in node.names]
        return [prefix]
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name == "lazy_module" and node.args and isinstance(node.args[0], ast.Constant):
            return [str(node.args[0].value)]
    return []


def imports(path: Path):
    """Yield (target module, in_function, line) for every import in the file."""
    module = module_name(path)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(), filename=str(path))

    def walk(node: ast.AST, in_function: bool):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            for target in _targets(child, module, is_package):
                yield target, in_function, child.lineno
            yield from walk(child, inner)

    yield from walk(tree, False)


def graph():
    edges: dict[str, set[str]] = defaultdict(set)
    lazy: list[tuple[str, int, str]] = []
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        source = top_package(module_name(path))
        if source is None:
            continue
        edges.setdefault(source, set())
        for target, in_function, line in imports(path):
            target_package = top_package(target)
            if target_package is None or target_package == source:
                continue
            edges[source].add(target_package)
            if in_function:
                lazy.append((str(path.relative_to(ROOT)), line, target))
    return edges, lazy


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of two nodes or more (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def cyclic_pairs(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a in edges for b in edges[a] if a < b and a in edges.get(b, ()))


def main() -> None:
    global ROOT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list every function-level cross-package import")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project to measure (default: this one)")
    args = parser.parse_args()
    ROOT = args.root.resolve()
    edges, lazy = graph()
    components = cycles(edges)
    pairs = cyclic_pairs(edges)
    print(f"package import cycles (strongly connected components): {len(components)}")
    for component in components:
        print(f"  {' <-> '.join(component)}")
    print(f"packages importing each other (two-package cycles): {len(pairs)}")
    for a, b in pairs:
        print(f"  {a} <-> {b}")
    print(f"function-level cross-package imports: {len(lazy)} "
          f"({sum(1 for _p, _l, target in lazy if top_package(target) != 'core')} not into core)")
    if args.list:
        for path, line, target in lazy:
            print(f"  {path}:{line} {target}")
    print("package dependencies:")
    for source in sorted(edges):
        print(f"  {source} -> {', '.join(sorted(edges[source])) or '-'}")


if __name__ == "__main__":
    main()
