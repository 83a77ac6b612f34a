"""The prod stage packaged once per test session (shared by the xdist workers through a file lock):
the real `chalice package --merge-template` of infra/package.py, without requirements.txt (no network;
the template does not depend on the wheels), then the rule checks and cfn-lint."""

from __future__ import annotations

import fcntl
import json
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Packaged:
    template: dict
    folder: Path  # build/<stage>: sam.json, deployment.zip
    problems: list[str]
    lint: list[str]
    timings: dict[str, float]


@pytest.fixture(scope="session")
def packaged(tmp_path_factory, worker_id) -> Packaged:
    from infra.package import package

    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # every worker's basetemp lives in the session's one
        root = root.parent
    target = root / "infra-package"
    summary = target / "summary.json"
    with open(root / "infra-package.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not summary.exists():
            result = package("prod", target / "prod", workdir=target / "app", dependencies=False)
            summary.write_text(json.dumps({"problems": result.problems, "lint": result.lint,
                                           "timings": result.timings}))
    outcome = json.loads(summary.read_text())
    return Packaged(template=json.loads((target / "prod" / "sam.json").read_text()), folder=target / "prod",
                    **outcome)
