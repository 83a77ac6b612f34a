"""`config/notifications.json` (or `NOTIFICATIONS_CONFIG_PATH`): which actions run for which trigger.

The documented shape, `{TRIGGER: [{"type": ..., "method": ..., "url": ...}, ...]}`, with a few optional
keys per action:

* HTTP: `method` (any HTTP method `requests` supports), `url`, optional `headers` (`{name: value}`),
  optional `secret_env` (the environment variable holding this endpoint's signing secrets; default
  `WEBHOOK_SECRETS`), optional `delay_seconds`.
* EMAIL: `method` is a template method (see `emails.METHODS`); optional `delay_seconds` (the shipped
  config delays `send_review_request` by 7 days, as the original did).
* RECOMMENDERAPI: `method` is `store_object` or `store_objects`.

`url` and header values may reference environment variables as `${NAME}`; an action whose variable is
unset or empty is a logged no-op (the shipped config points its webhooks at `${WEBHOOK_BASE_URL}`, so a
fresh shop never calls out to the internet). Keys starting with `_` are comments.

The file is loaded and validated when the dispatcher first needs it, and again whenever it changes;
`validate_config(path)` raises `ConfigError` naming the entry (`PRODUCT_SAVE[1]`) and the problem.
`python -m chalicelib.notifications.config [path]` checks a file from the command line.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from pathlib import Path

from chalicelib.core.config_files import config_path
from chalicelib.notifications.triggers import TRIGGERS

FILENAME = "notifications.json"
ENV_VAR = "NOTIFICATIONS_CONFIG_PATH"

ACTION_TYPES = ("HTTP", "EMAIL", "RECOMMENDERAPI")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
RECOMMENDER_METHODS = ("store_object", "store_objects")
ALLOWED_KEYS = {
    "HTTP": {"type", "method", "url", "headers", "secret_env", "delay_seconds"},
    "EMAIL": {"type", "method", "delay_seconds"},
    "RECOMMENDERAPI": {"type", "method", "delay_seconds"},
}
MAX_DELAY_SECONDS = 90 * 24 * 3600
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ConfigError(RuntimeError):
    """The notifications config is unusable; the message names the file, the entry and the problem."""


def email_methods() -> tuple[str, ...]:
    from chalicelib.notifications.emails import METHODS

    return tuple(METHODS)


def _fail(where: str, problem: str) -> None:
    raise ConfigError(f"{where}: {problem}")


def _check_variables(text: str, where: str) -> None:
    stripped = _VARIABLE.sub("", text)
    if "${" in stripped:
        _fail(where, f"malformed ${{NAME}} reference in {text!r}")


def _validate_action(trigger: str, index: int, entry, emails: tuple[str, ...]) -> dict:
    where = f"{trigger}[{index}]"
    if not isinstance(entry, dict):
        _fail(where, "an action must be an object with at least \"type\" and \"method\"")
    kind = entry.get("type")
    if kind not in ACTION_TYPES:
        _fail(where, f"unknown type {kind!r} (known: {', '.join(ACTION_TYPES)})")
    unknown = sorted(set(entry) - ALLOWED_KEYS[kind])
    if unknown:
        _fail(where, f"{kind} action has unknown key(s) {', '.join(unknown)} "
                     f"(allowed: {', '.join(sorted(ALLOWED_KEYS[kind]))})")
    method = entry.get("method")
    if not isinstance(method, str) or not method:
        _fail(where, f"{kind} action needs \"method\"")
    action: dict = {"type": kind, "method": method}
    if kind == "HTTP":
        if method.upper() not in HTTP_METHODS:
            _fail(where, f"HTTP method {method!r} is not one of {', '.join(HTTP_METHODS)}")
        action["method"] = method.upper()
        url = entry.get("url")
        if not isinstance(url, str) or not url.strip():
            _fail(where, "HTTP action needs \"url\"")
        _check_variables(url, where)
        literal = _VARIABLE.sub("x", url)
        if not _VARIABLE.match(url) and not re.match(r"https?://[^/\s]+", literal):
            _fail(where, f"url {url!r} must start with http:// or https:// (or with a ${{NAME}} reference)")
        action["url"] = url.strip()
        headers = entry.get("headers", {})
        if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                    for k, v in headers.items()):
            _fail(where, "\"headers\" must be an object of string values")
        for value in headers.values():
            _check_variables(value, where)
        if headers:
            action["headers"] = dict(headers)
        if "secret_env" in entry:
            secret_env = entry["secret_env"]
            if not isinstance(secret_env, str) or not _ENV_NAME.fullmatch(secret_env):
                _fail(where, "\"secret_env\" must name an environment variable")
            action["secret_env"] = secret_env
    elif kind == "EMAIL":
        if method not in emails:
            _fail(where, f"unknown EMAIL template method {method!r} (known: {', '.join(emails)})")
    elif method not in RECOMMENDER_METHODS:
        _fail(where, f"unknown RECOMMENDERAPI method {method!r} (known: {', '.join(RECOMMENDER_METHODS)})")
    if "delay_seconds" in entry:
        delay = entry["delay_seconds"]
        if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= MAX_DELAY_SECONDS:
            _fail(where, f"\"delay_seconds\" must be an integer between 0 and {MAX_DELAY_SECONDS}")
        if delay:
            action["delay_seconds"] = delay
    return action


def validate(data, source: str = "notifications config") -> dict[str, list[dict]]:
    """The config as `{trigger: [normalized action, ...]}`; raises ConfigError on the first problem."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the config must be an object of trigger -> list of actions")
    emails = email_methods()
    result: dict[str, list[dict]] = {}
    try:
        for trigger, entries in data.items():
            if trigger.startswith("_"):
                continue
            if trigger not in TRIGGERS:
                _fail(trigger, "unknown trigger (see chalicelib/notifications/triggers.py)")
            if not isinstance(entries, list):
                _fail(trigger, "the value must be a list of actions")
            result[trigger] = [_validate_action(trigger, i, entry, emails) for i, entry in enumerate(entries)]
    except ConfigError as error:
        raise ConfigError(f"{source}: {error}") from None
    return result


def validate_config(path: str | os.PathLike) -> dict[str, list[dict]]:
    """Load and validate one file; raises ConfigError naming the file, the entry and the problem."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{ENV_VAR}: configuration file {path} does not exist") from None
    except ValueError as error:
        raise ConfigError(f"{ENV_VAR}: {path} is not valid JSON: {error}") from None
    return validate(data, str(path))


# --- the config in use ----------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict = {"key": None, "config": None}


def current_path() -> Path:
    return config_path(FILENAME, ENV_VAR)


def get_config() -> dict[str, list[dict]]:
    """The validated config in use (re-read when the path or the file's modification time changes)."""
    path = current_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    key = (str(path), stamp)
    if _cache["key"] == key:
        return _cache["config"]
    with _lock:
        if _cache["key"] != key:
            config = validate_config(path)
            _cache["config"], _cache["key"] = config, key
    return _cache["config"]


def actions_for(trigger: str) -> list[dict]:
    return get_config().get(trigger, [])


def reset() -> None:
    with _lock:
        _cache["key"], _cache["config"] = None, None


# --- ${NAME} references -----------------------------------------------------------------------------

def expand(text: str) -> tuple[str | None, str | None]:
    """`text` with ${NAME} references replaced from the environment: (value, None), or (None, NAME) when
    a referenced variable is unset or empty."""
    missing: list[str] = []

    def replace(match: re.Match) -> str:
        value = os.environ.get(match.group(1), "").strip()
        if not value:
            missing.append(match.group(1))
        return value

    value = _VARIABLE.sub(replace, text)
    return (None, missing[0]) if missing else (value, None)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else current_path()
    try:
        config = validate_config(path)
    except ConfigError as error:
        print(f"invalid: {error}", file=sys.stderr)
        return 1
    actions = sum(len(entries) for entries in config.values())
    print(f"{path}: valid, {len(config)} triggers, {actions} actions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
