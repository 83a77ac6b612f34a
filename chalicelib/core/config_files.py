"""Where the JSON configuration files (payments, notifications, roles) are read from.

An environment variable names the file; otherwise `config/<name>` of the project, or the copy that
`make package` bundles into `chalicelib/bundled_config/` (Lambda ships only app.py and chalicelib/).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_CANDIDATES = (PROJECT_ROOT / "config", PROJECT_ROOT / "chalicelib" / "bundled_config")


def config_path(filename: str, env_var: str) -> Path:
    explicit = os.environ.get(env_var, "").strip()
    if explicit:
        return Path(explicit)
    for folder in _CANDIDATES:
        candidate = folder / filename
        if candidate.exists():
            return candidate
    return _CANDIDATES[0] / filename


def load_json(filename: str, env_var: str) -> dict:
    path = config_path(filename, env_var)
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise RuntimeError(f"{env_var}: configuration file {path} does not exist") from None
    except ValueError as error:
        raise RuntimeError(f"{env_var}: {path} is not valid JSON: {error}") from None
