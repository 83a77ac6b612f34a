"""Shared fixtures: an isolated emulated AWS (moto) per test, the migrated tables (migrated once per worker and
restored for each test), an HTTP client, and users with given rights."""

from __future__ import annotations

import copy
import json
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

import chalicelib.events  # noqa: E402, F401 - every payload type registered: each event a test writes is checked


def _share_botocore_data() -> None:
    """Each test starts with new boto3 clients (`db.reset_clients`), and each client's new botocore session
    parsed botocore's JSON data files again (endpoints, the service model: ~0.5 s a client, most of a test's
    time). Those files do not change while the suite runs: every session of this process reads them through
    one loader (botocore caches what a loader has read). The clients themselves are still new per test."""
    import functools

    import botocore.loaders
    import botocore.session

    botocore.session.create_loader = functools.lru_cache(maxsize=None)(botocore.loaders.create_loader)


_share_botocore_data()


@pytest.fixture(autouse=True)
def _fresh_settings():
    from chalicelib.core.settings import reload_settings
    from chalicelib.core.store import db

    reload_settings()
    db.reset_clients()
    yield
    reload_settings()
    db.reset_clients()


@pytest.fixture(scope="session")
def _migrated_moto() -> dict:
    """moto's state right after `migrate`, built once per worker for each set of inputs the migrations read
    (table names, region, migrations, default groups), so that a test restores it instead of migrating."""
    return {}


def _migration_inputs() -> tuple:
    from chalicelib.core.store import db
    from chalicelib.core.store.tables import TABLES
    from chalicelib.migrations import MIGRATIONS
    from chalicelib.users.roles import default_groups

    return (os.environ.get("AWS_DEFAULT_REGION"), os.environ.get("MOTO_ACCOUNT_ID"),
            tuple(db.table(logical) for logical in TABLES), tuple(MIGRATIONS),
            json.dumps(default_groups(), sort_keys=True))


def _moto_backends() -> list[tuple]:
    """(backend dict, account, region, backend) for every moto backend in use."""
    from moto.core.base_backend import BackendDict

    return [(service, account, region, backend) for service in list(BackendDict._instances)
            for account, regions in list(service.items()) for region, backend in list(regions.items())]


def _saved(backends: list[tuple]) -> list[tuple]:
    """A copy of the backends to restore later. moto lists every S3 object and upload it creates (copies
    included) and disposes of them all, emptying their bodies, when a `mock_aws` context ends: the saved
    copies are taken off those lists, or the next restore would bring back objects with empty bodies.
    (The copies made from them at each restore are listed, and disposed of as moto's own are.)"""
    from moto.s3.models import FakeKey, FakeMultipart

    listed = {model: len(model.instances_tracked) for model in (FakeKey, FakeMultipart)}
    copies = _copied(backends)
    for model, count in listed.items():
        _SAVED_S3_OBJECTS.extend(model.instances_tracked[count:])
        del model.instances_tracked[count:]
    return copies


_SAVED_S3_OBJECTS: list = []  # disposed of when the session ends (moto warns about S3 objects left open)


def pytest_sessionfinish(session, exitstatus):
    for saved in _SAVED_S3_OBJECTS:
        saved.dispose()
    _SAVED_S3_OBJECTS.clear()


def _copied(backends: list[tuple]) -> list[tuple]:
    """The same places, each backend deep-copied (one copy, so backends that share objects still share them)."""
    copies = copy.deepcopy([backend for *_place, backend in backends])
    return [(*place, backend_copy) for (*place, _backend), backend_copy in zip(backends, copies, strict=True)]


def _copy_key_store(store, memo):
    """deepcopy of moto S3's key store (a dict of key -> [versions] whose __setitem__ appends a version):
    copy's default rebuilds a dict subclass through __setitem__, which nested each version list in another
    list, so a restored bucket's objects read back empty."""
    copied = type(store)()
    memo[id(store)] = copied
    for key, versions in dict.items(store):
        dict.__setitem__(copied, key, copy.deepcopy(versions, memo))
    return copied


def _copyable_s3() -> None:
    from moto.s3.utils import _VersionedKeyStore

    _VersionedKeyStore.__deepcopy__ = _copy_key_store


_copyable_s3()


@pytest.fixture
def aws(_migrated_moto):
    """An empty emulated AWS account with the project's tables migrated: moto emptied as `mock_aws` empties
    it, then given a copy of the state the migrations left (migrated once per worker, not once per test)."""
    from moto import mock_aws

    from chalicelib.core.store.migrate import migrate
    from chalicelib.migrations import MIGRATIONS

    with mock_aws():
        inputs = _migration_inputs()
        saved = _migrated_moto.get(inputs)
        if saved is None:
            migrate(MIGRATIONS, log=lambda _line: None)
            _migrated_moto[inputs] = _saved(_moto_backends())
            _migrated_moto[("items", inputs)] = _table_items_count()
        else:
            for service, account, region, backend in _copied(saved):
                service[account][region] = backend
        yield


def _table_items_count() -> int:
    """How many items moto's DynamoDB tables hold, in every account and region."""
    from moto.dynamodb.models import dynamodb_backends

    return sum(len(partition) if table.range_key_attr else 1
               for regions in dynamodb_backends.values() for backend in regions.values()
               for table in backend.tables.values() for partition in table.items.values())


@pytest.fixture(scope="session")
def _built_moto() -> dict:
    """moto's state after a fixture's build, and what the build returned, per build name and migration inputs."""
    return {}


@pytest.fixture
def built_once(aws, _built_moto, _migrated_moto):
    """`built_once(name, build)`: the first test of a worker runs `build()` (a shop written through the API)
    and keeps a copy of moto's state and of its result; the next tests get a copy of that state and result
    instead of writing the same shop again. The build must not depend on the test (same inputs each time).
    After a restore the container's reference copies and recent reads are forgotten: they were read before
    the restore (a new container, as at the start of every test)."""
    from chalicelib.core.store import recent, versioned

    def restore_or_build(name: str, build):
        inputs = _migration_inputs()
        # A restore replaces moto's whole state: whatever a fixture wrote before it would be gone.
        written = _table_items_count() - _migrated_moto[("items", inputs)]
        if written:
            raise RuntimeError(f"built_once({name!r}) ran after {written} item(s) were written to the tables "
                               "(a fixture that writes, e.g. admin, listed before the one that builds): "
                               "list the building fixture first")
        place = (name, inputs)
        saved = _built_moto.get(place)
        if saved is None:
            result = build()
            _built_moto[place] = (_saved(_moto_backends()), copy.deepcopy(result))
            return result
        backends, result = saved
        for service, account, region, backend in _copied(backends):
            service[account][region] = backend
        versioned.forget()
        recent.forget()
        return copy.deepcopy(result)

    return restore_or_build


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


@pytest.fixture
def admin(client):
    """Authorization headers of an administrator (admin@example.com)."""
    from tests.helpers import auth, make_user

    make_user("admin@example.com", "pw", admin=True)
    return auth("admin@example.com")


@pytest.fixture
def staff(client):
    """Authorization headers of a staff member without permissions (staff@example.com)."""
    from tests.helpers import auth, make_user

    make_user("staff@example.com", "pw", staff=True)
    return auth("staff@example.com")


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: starts the local stack (make run) and talks to it over HTTP")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """`--dist loadgroup` keeps the tests of one `xdist_group` on one worker by their node ids ending in
    `@<group>`. pytest-xdist 3.8 adds that suffix by setting `item._nodeid`, which pytest 9 no longer reads
    (a node id is `item._id`): the groups were silently ignored, so e.g. the "stack" tests landed on both
    workers and each started its own shop stack. Same suffix, set where pytest 9 reads it."""
    if not getattr(config.option, "loadgroup", False):  # set on xdist workers when --dist loadgroup
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # a pytest before 9: xdist's own suffix works
        return

    for item in items:
        groups = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                         for mark in item.iter_markers("xdist_group")})
        if groups and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")


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
