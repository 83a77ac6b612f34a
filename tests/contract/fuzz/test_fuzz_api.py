"""Schemathesis fuzzes every operation of /api/openapi.json on the running local stack over real HTTP.

* As a dedicated admin (its `Authorization: JWT` token kept alive), so dashboard operations get past 401/403
  and their real code runs; then a smaller pass with no token, where every protected operation must answer 401.
* A bounded number of generated requests per operation, deterministic (derandomized, fixed seed), no shrinking
  and no example database, so the run is repeatable and takes about two minutes on two cores.
* No answer may be a 5xx (`not_a_server_error`), and every answer must match the document: a documented status
  (`status_code_conformance`) and a body of the documented schema (`response_schema_conformance`; an empty body is
  judged as tests/openapi_check.py judges it). FUZZ_CONFORMANCE=0 turns the conformance checks off, leaving the
  5xx check alone.
* The last test checks that each pass called every operation of the document.
"""

from __future__ import annotations

import os
import re
import time

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import openapi_check
from tests.contract.fuzz.conftest import real_values_for

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
SEED = 9  # issue #9
# Requests per operation and pass, measured against the ~3 minute budget on a 2-core runner (see the report test).
WITH_TOKEN_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
ANONYMOUS_EXAMPLES = 3
CONFORMANCE = os.environ.get("FUZZ_CONFORMANCE", "1") != "0"
# FUZZ_COVERAGE=1 adds schemathesis's coverage phase (boundary and wrong-type values of every field, hundreds of
# requests per operation): a much longer run, for a developer's machine rather than CI.
COVERAGE = os.environ.get("FUZZ_COVERAGE") == "1"

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
        # Coverage also sends methods an operation lacks, but not TRACE: chalice's local server answers that
        # itself with a 501 page (API Gateway answers it with a 403), so it would test chalice, not the shop.
        "phases": {"coverage": {"enabled": COVERAGE,
                                "unexpected-methods": ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"]}},
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


def body_conformance(ctx, response, case):
    """`response_schema_conformance`, except for an empty body: many errors of the original have none (contract
    "404 (empty)"), which the document says with a response without `content` or, where the same status may also
    carry JSON, a schema that admits null. Schemathesis would parse the empty body as JSON and fail; the HTTP tests'
    checker reads it as no body (null), and so does this one."""
    if response.content:
        return response_schema_conformance(ctx, response, case)
    method, path = case.operation.method.upper(), case.operation.path
    return openapi_check.check_response(method, path, response.status_code, None)


# A request valid by the document may still name something the shop does not have or refuses for its data (an
# order token, a user, a group, the id of a category, a language the shop is not in, an image's bytes, a URL that
# cannot be fetched, credentials that do not match, an e-mail already registered, a trigger's action the
# configuration lacks): the document describes shapes, not the shop's data. The contract answers those with a
# 400 (O8, O10, O11, U2, U3, the role routes, DRF's "Invalid pk" and unique checks), so a 400 whose every message
# says so answers valid data as it should. Any other 400 to valid data fails the run.
SHOP_DATA_REFUSAL = re.compile(
    r"does not exist|is not a shop language|is not a language of this shop|User is not authenticated"
    r"|Invalid base64 data|Unsupported image type|The image is empty|Invalid data URI|URL refused"
    r"|Could not download the image|not a supported image|Check provided credentials|Wrong password"
    r"|already exists|has \d+ action\(s\)|Unknown group"
    # A body that contradicts its path (a method id other than the path's): JSON Schema cannot relate the two.
    r"|Does not match the method in the path"
    # A payment row's api_request names a key of config/payments.json; a VAT group belongs to one country
    # (JSON Schema cannot say which keys the configuration has, nor relate two fields' records).
    r"|is not a key of the payment configuration|VAT group \d+ is for \w*, not"
    # JSON Schema cannot bound the decimal places of a binary number (the document says them in words).
    r"|decimal places")


def _messages(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _messages(item)]
    if isinstance(value, list):
        return [text for item in value for text in _messages(item)]
    return []


# U5: a refresh token that is not one of ours is the original's 400 with no body.
EMPTY_400_FOR_UNKNOWN = {"POST /user/logout"}


def valid_data_accepted(ctx, response, case):
    """`positive_data_acceptance`, except for a 400 that only says the request names what the shop lacks."""
    if response.status_code == 400 and not response.content and case.operation.label in EMPTY_400_FOR_UNKNOWN:
        return None
    if response.status_code == 400:
        try:
            messages = _messages(response.json())
        except ValueError:
            messages = []
        if messages and all(SHOP_DATA_REFUSAL.search(text) for text in messages):
            return None
    return positive_data_acceptance(ctx, response, case)


def _checks():
    checks = [not_a_server_error]
    if CONFORMANCE:
        checks += [body_conformance, status_code_conformance, negative_data_rejection, valid_data_accepted]
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
    tally.record(run, case.operation.label, status)  # "METHOD /path", also when a case sends another method
    tally.seconds.setdefault(run + ":start", time.monotonic())
    tally.seconds[run + ":end"] = time.monotonic()


def test_the_stack_serves_the_fuzzed_document(fuzz_stack):
    status, served = fuzz_stack.request("GET", "/api/openapi.json")
    assert status == 200
    served_operations = {f"{method.upper()} {path}" for path, item in served["paths"].items() for method in item
                         if method in METHODS}
    assert served_operations == OPERATIONS
    assert len(OPERATIONS) > 200


def _use_real_values(case, data, pool) -> None:
    """Half of the time, a path parameter gets a real value of the shop instead of a generated one (drawn through
    Hypothesis, so the run stays deterministic)."""
    for name in list(case.path_parameters or {}):
        candidates = real_values_for(name, pool)
        if candidates and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(candidates), label=name)


@authenticated.parametrize()
@authenticated.given(data=st.data())
def test_every_operation_as_admin_answers_without_server_error(case, data, fuzz_stack, fuzz_admin, shop_values,
                                                              call_tally):
    _use_real_values(case, data, shop_values)
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
    if not case.operation.definition.raw.get("x-access", "public").startswith("public"):
        assert response.status_code == 401, f"{case.operation.label} answered {response.status_code} to no token"


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
