"""A module imported when it is first used, for cold start.

Every Lambda function imports `app.py`, which imports every feature's routes. A route module needs its
schemas and permissions to declare its routes, but its service (and what the service pulls in: the
catalog, pricing, payment modules, ...) only when one of its routes first runs. So route modules write

    service = lazy_module("chalicelib.cart.service")

instead of `from chalicelib.cart import service`: `service.create_cart(...)` imports the module on that
first call and reads the attribute from it; setting an attribute (a test's monkeypatch) sets it on the
module. `tests/contract/test_lazy_imports.py` pins which modules `import app` leaves out.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for the module `name` and imports it on first attribute access."""

    __slots__ = ("_lazy_name", "_lazy_module")

    def __init__(self, name: str):
        object.__setattr__(self, "_lazy_name", name)
        object.__setattr__(self, "_lazy_module", None)

    def _load(self) -> ModuleType:
        module = object.__getattribute__(self, "_lazy_module")
        if module is None:
            module = importlib.import_module(object.__getattribute__(self, "_lazy_name"))
            object.__setattr__(self, "_lazy_module", module)
        return module

    def __getattr__(self, attr: str) -> Any:  # only called for names the proxy itself does not have
        return getattr(self._load(), attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(self._load(), attr, value)

    def __delattr__(self, attr: str) -> None:
        delattr(self._load(), attr)

    def __dir__(self) -> list[str]:
        return dir(self._load())

    def __repr__(self) -> str:
        name = object.__getattribute__(self, "_lazy_name")
        loaded = object.__getattribute__(self, "_lazy_module") is not None
        return f"<lazy module {name!r}{'' if loaded else ' (not imported yet)'}>"


def lazy_module(name: str) -> Any:
    """The module `name`, imported on first use (typed Any: attribute access is checked at run time)."""
    return LazyModule(name)
