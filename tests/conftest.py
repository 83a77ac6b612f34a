"""Shared fixtures: an isolated emulated AWS (moto) per test, the migrated tables, and an HTTP client."""

from __future__ import annotations

import os

import pytest

# Set before any project module reads settings or creates a boto3 client.
TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "TABLE_PREFIX": "test",
    "STAGE": "test",
    "JWT_SIGNING_KEY": "test-signing-key-not-for-production-0123456789",
    # Hashing cost is a deployment setting; tests keep it low to stay fast (the format is unchanged).
    "PASSWORD_HASH_ITERATIONS": "1000",
    # config/payments.json reads the test gateway's callback secret from here (none is committed).
    "TEST_GATEWAY_SECRET": "test-gateway-secret-0123456789abcdef",
}
for _name, _value in TEST_ENV.items():
    os.environ[_name] = _value
for _name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "JWT_SECRET_ARN"):
    os.environ.pop(_name, None)

# moto must serialize requests as DynamoDB does, or concurrent-checkout tests see impossible races.
from infra.local import moto_serial  # noqa: E402

moto_serial.install()


@pytest.fixture(autouse=True)
def _fresh_settings():
    from chalicelib.core.settings import reload_settings
    from chalicelib.core.store import db

    reload_settings()
    db.reset_clients()
    yield
    reload_settings()
    db.reset_clients()


@pytest.fixture
def aws():
    """An empty emulated AWS account with the project's tables migrated."""
    from moto import mock_aws

    from chalicelib.core.store.migrate import migrate
    from chalicelib.migrations import MIGRATIONS

    with mock_aws():
        migrate(MIGRATIONS, log=lambda _line: None)
        yield


@pytest.fixture
def client(aws):
    from chalice.test import Client

    from app import app

    # A stage that .chalice/config.json does not define: only its shared values reach the environment.
    from tests.openapi_check import checked

    with Client(app, stage_name="test") as test_client:
        # The client puts .chalice/config.json's shared values (e.g. the production hashing cost) into the
        # environment; the test environment wins, and settings read after this point must see it.
        os.environ.update(TEST_ENV)
        from chalicelib.core.settings import reload_settings

        reload_settings()
        yield checked(test_client)


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: starts the local stack (make run) and talks to it over HTTP")


@pytest.fixture(scope="session")
def shop_stack(tmp_path_factory):
    """One running local stack (`make run`) shared by the tests that only need a shop to talk to (fuzzing,
    the docs in a browser). Mark them `@pytest.mark.xdist_group("stack")`: `make test` distributes by group,
    so they land on one worker and the stack starts once. Tests that stop and restart a stack start their own."""
    from tests.e2e.stack import Stack, free_port

    stack = Stack(tmp_path_factory.mktemp("shop-stack"), free_port())
    yield stack
    stack.stop()


@pytest.fixture
def clock():
    """The clock of the container's reference copies and recent reads (core/store/versioned.py), moved by the
    test: `clock[0] += versioned.CHECK_SECONDS` is the next check."""
    from chalicelib.core.store import versioned

    now = [5000.0]
    versioned.set_clock(lambda: now[0])
    yield now
    versioned.set_clock(None)


@pytest.fixture
def warm_container():
    """A warm container's call counts however slow the machine: the reference copies
    (core/store/versioned.py) are not checked against their version items while the test runs, as within
    one REFERENCE_CHECK_SECONDS of a busy container (the clock those checks read stands still)."""
    import time

    from chalicelib.core.store import versioned

    now = time.monotonic()
    versioned.set_clock(lambda: now)
    yield
    versioned.set_clock(None)
