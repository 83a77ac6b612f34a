"""What the fuzzer needs: the running local stack, a dedicated admin account to fuzz as, its token (kept working
whatever the fuzzed calls do to it), and a tally of which operations were really called."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

import pytest

from tests.e2e.stack import Stack

# schemathesis expands each test into one sub-test per operation inside a single pytest item, and its state
# (the call tally, the stack) lives in that process: under xdist the passes land on different workers and the
# run falls apart. `make test` runs this folder in its own pytest process after the distributed suite; the
# distributed run leaves it out.
collect_ignore_glob = ["test_*.py"] if os.environ.get("PYTEST_XDIST_WORKER") else []

BOSS = ("boss@example.com", "boss-password")  # the stack's own superuser (tests/e2e/stack.py)
FUZZER = ("fuzz-admin@example.com", "fuzz-admin-password")


def get(stack: Stack, path: str, token: str | None = None, timeout: float = 60) -> tuple[int, object]:
    """GET with a timeout for a loaded runner (two cores shared with the rest of the suite); (0, None) when
    there is no usable answer (timed out, refused, or an error page that is not JSON)."""
    try:
        return stack.request("GET", path, token=token, timeout=timeout)
    except (OSError, ValueError):
        return 0, None


class TokenKeeper:
    """The fuzzing admin's access token. Fuzzed calls may end its sessions (POST /user/logout-all,
    /user/users/{email}/logout-all); `renew()` logs in again so the next calls still reach the real code."""

    def __init__(self, stack: Stack, email: str, password: str):
        self.stack, self.email, self.password = stack, email, password
        self._lock = threading.Lock()
        self.renewals = 0
        self.token = stack.login(email, password)

    @property
    def header(self) -> str:
        return f"JWT {self.token}"

    def alive(self) -> bool:
        status, answer = get(self.stack, "/user/detail", self.token)
        return status == 200 and answer.get("email") == self.email

    def renew(self) -> None:
        with self._lock:
            if self.alive():
                return
            self.token = self._login()
            self.renewals += 1

    def _login(self) -> str:
        """Log in, waiting out the login throttle: it counts failures per client address, and the fuzzed
        POST /user/login calls (random credentials, all from this address) may have tripped it."""
        for _attempt in range(6):
            status, answer = self.stack.request("POST", "/user/login", {
                "email": self.email, "password": self.password, "dashboard_login": True})
            if status != 429:
                assert status == 200, answer
                return answer["access"]
            time.sleep(min(int(answer.get("retry_after", 1)), 30) + 0.5)
        raise AssertionError(f"the login throttle kept refusing {self.email}")


class CallTally:
    """How many requests each operation (`"GET /path"`) received, per pass, and how long each pass took."""

    def __init__(self):
        self.calls: dict[str, Counter] = {}
        self.seconds: dict[str, float] = {}
        self.statuses: dict[str, Counter] = {}

    def record(self, run: str, label: str, status: int) -> None:
        self.calls.setdefault(run, Counter())[label] += 1
        self.statuses.setdefault(run, Counter())[status // 100 * 100] += 1


@pytest.fixture(scope="session")
def fuzz_stack(request):
    """The stack under test: FUZZ_STACK_URL names one already running (for example `make run` with
    FUZZ_ADMIN_EMAIL/FUZZ_ADMIN_PASSWORD set to its superuser), otherwise the shared e2e stack starts."""
    url = os.environ.get("FUZZ_STACK_URL")
    if not url:
        return request.getfixturevalue("shop_stack")
    stack = object.__new__(Stack)  # request() and login() only need the URL
    stack.url = url.rstrip("/")
    return stack


@pytest.fixture(scope="session")
def fuzz_admin(fuzz_stack) -> TokenKeeper:
    """A dedicated admin, created through the API by the stack's superuser: the fuzzer acts as it, never as the
    superuser other tests of the shared stack may log in as."""
    boss_email = os.environ.get("FUZZ_ADMIN_EMAIL", BOSS[0])
    boss = fuzz_stack.login(boss_email, os.environ.get("FUZZ_ADMIN_PASSWORD", BOSS[1]))
    email, password = FUZZER
    status, answer = fuzz_stack.request("POST", "/user/users", {"email": email, "password": password}, token=boss)
    assert status in (201, 400), answer  # 400: it exists from an earlier run against the same stack
    status, answer = fuzz_stack.request("PUT", f"/user/users/{email}",
                                        {"is_admin": True, "is_staff": True, "is_active": True}, token=boss)
    assert status == 200, answer
    fuzz_stack.request("PUT", f"/user/password/{email}", {"new_password": password}, token=boss)
    keeper = TokenKeeper(fuzz_stack, email, password)
    keeper.protected = {email, boss_email}
    return keeper


@pytest.fixture(scope="session")
def call_tally() -> CallTally:
    return CallTally()


# Dashboard lists whose items name the shop's real entities (ids, codes, SKUs, slugs, e-mails).
HARVESTED_LISTS = (
    "/product/dashboard", "/product/dashboard/type", "/product/dashboard/attribute",
    "/product/dashboard/attribute/type", "/product/dashboard/pricelist", "/category/dashboard", "/country",
    "/country/currency", "/country/vat-group", "/country/languages", "/cart/dashboard/payment/method",
    "/cart/dashboard/shipping/method", "/cms", "/cms/category", "/cms/category/type", "/order/dashboard",
    "/review/dashboard", "/roles/groups", "/user/users", "/notifications/dashboard/deliveries",
)


def _harvest(value, pool: dict[str, set[str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, bool) or item is None:
                continue
            if isinstance(item, int | str) and len(str(item)) <= 64:
                pool.setdefault(key, set()).add(str(item))
            else:
                _harvest(item, pool)
    elif isinstance(value, list):
        for item in value:
            _harvest(item, pool)


@pytest.fixture(scope="session")
def shop_values(fuzz_stack, fuzz_admin) -> dict[str, list[str]]:
    """Real values by JSON key, read from the dashboard's lists before fuzzing: random ids mostly meet a 404,
    real ones reach the code behind it (an update of an existing product, a cart line of a real SKU)."""
    pool: dict[str, set[str]] = {}
    for path in HARVESTED_LISTS:
        status, answer = get(fuzz_stack, path, fuzz_admin.token)
        if status == 200:
            _harvest(answer, pool)
    status, cart = fuzz_stack.request("POST", "/cart/storefront", {})
    if status in (200, 201) and isinstance(cart, dict):
        _harvest(cart, pool)
    return {key: sorted(values) for key, values in pool.items()}


def real_values_for(parameter: str, pool: dict[str, list[str]]) -> list[str]:
    """Candidates for a path parameter: values of the same key, plus ids for `*_id`, codes for countries."""
    keys = [parameter]
    if parameter == "id" or parameter.endswith("_id"):
        keys.append("id")
    if parameter in ("code", "country", "country_code", "language", "locale"):
        keys += ["code", "country", "locale"]
    return sorted({value for key in keys for value in pool.get(key, [])})
