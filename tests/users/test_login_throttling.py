"""Login throttling: 429 with Retry-After after repeated failures, reset on success."""

from __future__ import annotations

import time

from chalicelib.users import throttle
from tests.helpers import body, call, make_user


def _login(client, email, password):
    return call(client, "POST", "/user/login", {"email": email, "password": password})


def test_delays_double_and_cap():
    assert [throttle.account_delay(n) for n in range(7)] == [0, 0, 0, 1, 2, 4, 8]
    assert throttle.account_delay(40) == 3600
    assert [throttle.address_delay(n) for n in (9, 10, 19, 20, 30)] == [0, 2, 2, 4, 8]
    assert throttle.address_delay(10_000) == 3600


def test_repeated_failures_answer_429_with_retry_after_then_success_resets(client, monkeypatch):
    make_user("u@example.com", "right")
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for _ in range(3):
        assert _login(client, "u@example.com", "wrong").status_code == 400
    blocked = _login(client, "u@example.com", "right")  # even the right password waits
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "1"
    assert body(blocked)["retry_after"] == 1
    clock[0] += 1.5
    assert _login(client, "u@example.com", "wrong").status_code == 400  # 4th failure: wait 2 s
    blocked = _login(client, "u@example.com", "right")
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "2"
    clock[0] += 2.1
    assert _login(client, "u@example.com", "right").status_code == 200
    # The success reset the counter: three more failures are free again.
    for _ in range(3):
        assert _login(client, "u@example.com", "wrong").status_code == 400


def test_many_accounts_from_one_address_are_throttled(client, monkeypatch):
    clock = [2_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for index in range(10):
        assert _login(client, f"guess{index}@example.com", "pw").status_code == 400
    blocked = _login(client, "another@example.com", "pw")
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "2"


def test_counters_expire(client, monkeypatch):
    make_user("u@example.com", "right")
    clock = [3_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for _ in range(8):
        clock[0] += 100  # longer than any wait so far: every attempt is let through and fails
        assert _login(client, "u@example.com", "wrong").status_code == 400
    assert _login(client, "u@example.com", "right").status_code == 429  # 8 failures: 32 s
    clock[0] += throttle.EXPIRY_SECONDS + 1
    assert _login(client, "u@example.com", "right").status_code == 200


def test_parallel_wrong_logins_are_counted_before_the_password_is_checked(client, monkeypatch):
    """Issue #16 item 4: the counter was read before the slow hash and written after it, so 30 parallel
    wrong logins all had their password checked (30 x 400, no 429). Each attempt is counted first now."""
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.core.auth import passwords

    make_user("u@example.com", "right")
    checked = []
    real_check = passwords.check_password

    def slow_check(password, encoded):  # the hash takes long enough that every request is in flight
        checked.append(password)
        time.sleep(0.3)
        return real_check(password, encoded)

    monkeypatch.setattr(passwords, "check_password", slow_check)
    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = sorted(pool.map(lambda _: _login(client, "u@example.com", "wrong").status_code, range(30)))
    assert statuses == [400] * throttle.ACCOUNT_FREE_FAILURES + [429] * (30 - throttle.ACCOUNT_FREE_FAILURES)
    assert len(checked) == throttle.ACCOUNT_FREE_FAILURES
    # The refused attempts were taken back: the wait is the one three failures earn, not thirty.
    blocked = _login(client, "u@example.com", "right")
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "1"


def test_a_success_is_not_counted_against_the_address(client, monkeypatch):
    make_user("u@example.com", "right")
    clock = [4_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for _ in range(20):
        assert _login(client, "u@example.com", "right").status_code == 200
    for index in range(9):
        assert _login(client, f"guess{index}@example.com", "pw").status_code == 400
    assert _login(client, "u@example.com", "right").status_code == 200  # 9 failures: still free
