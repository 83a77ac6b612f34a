"""`config/payments.json` (or the file `PAYMENT_CONFIG_PATH` names): the payment methods a payment method
country can bind through its `api_request`.

    {"BANKTRANSFER_CZK": {"implementation": "chalicelib.payments.modules.BankTransfer.BankTransfer",
                          "kwargs": {"iban": "CZ...", "bic": "...", "beneficiary": "..."}}}

`implementation` is `package.module.Class` (importable), or `path/to/file.py:Class`, a file loaded by its
path, relative to the config file's folder: a merchant's method can live next to the config, outside
`chalicelib/`. The original's paths `api.payments.modules.<Module>.<Class>` are aliases of the built-in
modules, so existing ecoseller configs load unchanged. String kwargs may reference environment variables
as `${NAME}` (required) or `${NAME:-default}` (secrets do not belong in the file). Keys starting with `_`
are comments. Test modules (TestGateway) are not loaded on the `prod` stage.

Without `PAYMENT_CONFIG_PATH` and without the default file there are no payment methods (a warning is
logged). The file is validated as a whole once per process (the app validates it at import, so a bad file fails
the deployment, not the first order) and again when it changes: each key must name an importable,
concrete subclass of `PayBySquareMethod` or `OnlinePaymentMethod` whose `validate_kwargs` accepts the
kwargs. `ConfigError` names the key and the problem. Check a file with
`python -m chalicelib.payments.config [path]`.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import json
import logging
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.core.config_files import config_path as _config_path
from chalicelib.payments.base import PAYMENT_TYPES, BasePaymentMethod, KwargsError
from chalicelib.payments.qr import QrError

FILENAME = "payments.json"
ENV_VAR = "PAYMENT_CONFIG_PATH"
MAX_KEY_LENGTH = 42  # api_request is a 42-character field in the dashboard (contract K7)
_KEY = re.compile(rf"[A-Za-z0-9_.-]{{1,{MAX_KEY_LENGTH}}}")  # the key is also a URL path segment
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^${}]*))?\}")  # ${NAME} or ${NAME:-default}
# The original's module paths and the built-in modules that replace them.
ALIASES = {"api.payments.modules.": "chalicelib.payments.modules."}
ENTRY_KEYS = {"implementation", "kwargs"}

logger = logging.getLogger("ecoseller.payments")


class ConfigError(RuntimeError):
    """The payments config is unusable; the message names the file, the key and the problem."""


@dataclass(frozen=True)
class MethodSpec:
    """One validated config entry."""

    key: str
    implementation: str
    cls: type
    kwargs: dict = field(hash=False)

    @property
    def payment_type(self) -> str:
        return self.cls.payment_type


@dataclass
class _Loaded:
    stamp: tuple
    env: dict[str, str | None]
    methods: dict[str, MethodSpec]


_lock = threading.Lock()
_cache: _Loaded | None = None


def config_path() -> Path:
    return _config_path(FILENAME, ENV_VAR)


def load() -> dict[str, MethodSpec]:
    """The validated config, {key: MethodSpec}; reloaded when the file (or a referenced variable) changes."""
    global _cache
    path = config_path()
    stamp = _stamp(path)
    cached = _cache
    if cached and cached.stamp == stamp and all(os.environ.get(k) == v for k, v in cached.env.items()):
        return cached.methods
    with _lock:
        env: dict[str, str | None] = {}
        if stamp[1] is None and not stamp[3]:
            # No file where the default would be (a package built without config/): no payment methods.
            # A file named explicitly must exist (validate_config fails on it).
            logger.warning("payments: %s does not exist; no payment method is configured", path)
            methods: dict[str, MethodSpec] = {}
        else:
            methods = _without_test_modules(validate_config(path, env_used=env), stamp[4])
        _cache = _Loaded(stamp, env, methods)
    return methods


def _without_test_modules(methods: dict[str, MethodSpec], stage: str) -> dict[str, MethodSpec]:
    """Test modules (a hosted page that marks an order paid for anyone with its link) never load on the
    prod stage: an order bound to one gets no payment data, and its callbacks and pages are 404s."""
    if stage != "prod":
        return methods
    dropped = [key for key, spec in methods.items() if getattr(spec.cls, "hosted_test_page", False)]
    for key in dropped:
        logger.error("payments: %s (%s) is a test module; it is not loaded on the prod stage", key,
                     methods[key].implementation)
    return {key: spec for key, spec in methods.items() if key not in dropped}


def _stamp(path: Path) -> tuple:
    from chalicelib.core.settings import get_settings

    explicit = bool(os.environ.get(ENV_VAR, "").strip())
    stage = get_settings().stage
    try:
        info = path.stat()
    except OSError:
        return (str(path), None, None, explicit, stage)
    return (str(path), info.st_mtime_ns, info.st_size, explicit, stage)


def get(key: str | None) -> MethodSpec | None:
    if not isinstance(key, str) or not key:
        return None
    return load().get(key)


def is_known_key(key: str) -> bool:
    """Whether `key` (a payment method country's `api_request`) names an entry of the config."""
    return get(key) is not None


def create(key: str, order: dict, *, api_base_url: str | None = None,
           payment: dict | None = None) -> BasePaymentMethod:
    """The method of config key `key` bound to `order` (KeyError for an unknown key)."""
    spec = get(key)
    if spec is None:
        raise KeyError(key)
    method = spec.cls(order, **dict(spec.kwargs))
    method.key = key
    method.api_base_url = api_base_url
    method.payment = payment
    return method


# --- validation --------------------------------------------------------------------------------------

def validate_config(path: str | os.PathLike, *, env_used: dict | None = None) -> dict[str, MethodSpec]:
    """Load and validate one file; ConfigError naming the file, the key and the problem."""
    source = f"{ENV_VAR} ({path})"
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{source}: the file does not exist") from None
    except ValueError as error:
        raise ConfigError(f"{source}: not valid JSON: {error}") from None
    return validate(data, base_dir=Path(path).resolve().parent, source=source, env_used=env_used)


def validate(data, *, base_dir: Path, source: str = "payments config",
             env_used: dict | None = None) -> dict[str, MethodSpec]:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the config must be an object of key -> {{implementation, kwargs}}")
    env_used = {} if env_used is None else env_used
    methods: dict[str, MethodSpec] = {}
    for key, entry in data.items():
        if key.startswith("_"):
            continue
        try:
            methods[key] = _validate_entry(key, entry, base_dir, env_used)
        except ConfigError as error:
            raise ConfigError(f"{source}: {key}: {error}") from None
    return methods


def _validate_entry(key: str, entry, base_dir: Path, env_used: dict) -> MethodSpec:
    if not _KEY.fullmatch(key):
        raise ConfigError(f"a key is 1-{MAX_KEY_LENGTH} letters, digits, '_', '.' or '-'")
    if not isinstance(entry, dict):
        raise ConfigError('the value must be an object {"implementation": ..., "kwargs": {...}}')
    unknown = sorted(name for name in entry if name not in ENTRY_KEYS and not name.startswith("_"))
    if unknown:
        raise ConfigError(f"unknown entry key(s) {', '.join(unknown)} (allowed: implementation, kwargs)")
    implementation = entry.get("implementation")
    if not isinstance(implementation, str) or not implementation.strip():
        raise ConfigError('"implementation" is required: "package.module.Class" or "file.py:Class"')
    kwargs = entry.get("kwargs", {})
    if kwargs is None:
        kwargs = {}
    if not isinstance(kwargs, dict):
        raise ConfigError('"kwargs" must be an object')
    cls = resolve_class(implementation.strip(), base_dir)
    if not (inspect.isclass(cls) and issubclass(cls, BasePaymentMethod)):
        raise ConfigError(f"{implementation} is not a BasePaymentMethod")
    if cls.payment_type not in PAYMENT_TYPES:
        raise ConfigError(f"{implementation} must derive from PayBySquareMethod or OnlinePaymentMethod")
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(cls.__abstractmethods__))
        raise ConfigError(f"{implementation} is abstract (implement {missing})")
    expanded = {name: _expand(name, value, env_used) for name, value in kwargs.items()}
    try:
        normalized = cls.validate_kwargs(expanded)
    except (KwargsError, QrError, ValueError, TypeError) as error:
        raise ConfigError(str(error)) from None
    if not isinstance(normalized, dict):
        raise ConfigError(f"{implementation}.validate_kwargs must return the kwargs (a dict)")
    return MethodSpec(key=key, implementation=implementation.strip(), cls=cls, kwargs=normalized)


def _expand(name: str, value, env_used: dict):
    if not isinstance(value, str) or "${" not in value:
        return value
    missing = []

    def substitute(match: re.Match) -> str:
        variable, default = match.group(1), match.group(2)
        env_used[variable] = os.environ.get(variable)
        if not os.environ.get(variable):
            if default is not None:
                return default
            missing.append(variable)
            return ""
        return os.environ[variable]

    result = _VARIABLE.sub(substitute, value)
    if "${" in result:
        raise ConfigError(f"kwarg {name}: malformed ${{NAME}} reference in {value!r}")
    if missing:
        raise ConfigError(f"kwarg {name}: environment variable {', '.join(missing)} is not set")
    return result


def resolve_class(implementation: str, base_dir: Path):
    """The object `implementation` names; ConfigError when it cannot be imported."""
    if ".py:" in implementation or implementation.endswith(".py"):
        return _class_from_file(implementation, base_dir)
    for alias, target in ALIASES.items():
        if implementation.startswith(alias):
            implementation = target + implementation[len(alias):]
    module_name, _, class_name = implementation.rpartition(".")
    if not module_name or not class_name:
        raise ConfigError(f"implementation {implementation!r} must be 'package.module.Class'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ConfigError(f"cannot import module {module_name!r} ({error})") from None
    except Exception as error:  # noqa: BLE001 - any failure of the merchant's module is a config error
        raise ConfigError(f"importing {module_name!r} failed: {type(error).__name__}: {error}") from None
    if not hasattr(module, class_name):
        raise ConfigError(f"module {module_name!r} has no {class_name!r}")
    return getattr(module, class_name)


def _class_from_file(implementation: str, base_dir: Path):
    file_part, _, class_name = implementation.rpartition(":")
    if not file_part or not class_name:
        raise ConfigError(f"implementation {implementation!r} must be 'path/to/file.py:Class'")
    path = Path(file_part)
    path = (path if path.is_absolute() else base_dir / path).resolve()
    if not path.is_file():
        raise ConfigError(f"cannot import {file_part!r}: {path} does not exist")
    # One module per file per process, under a name derived from its path (two files may share a name).
    module_name = f"payment_method_{path.stem}_{hashlib.sha1(str(path).encode()).hexdigest()[:10]}"
    module = sys.modules.get(module_name)
    if module is None or getattr(module, "__payment_mtime__", None) != path.stat().st_mtime_ns:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise ConfigError(f"cannot import {file_part!r}")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as error:  # noqa: BLE001 - any failure of the merchant's file is a config error
            raise ConfigError(f"importing {file_part!r} failed: {type(error).__name__}: {error}") from None
        module.__payment_mtime__ = path.stat().st_mtime_ns
        sys.modules[module_name] = module
    if not hasattr(module, class_name):
        raise ConfigError(f"{file_part!r} has no {class_name!r}")
    return getattr(module, class_name)


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else config_path()
    try:
        methods = validate_config(path)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    for spec in methods.values():
        print(f"{spec.key}: {spec.implementation} ({spec.payment_type})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
