"""One running local stack shared by the tests that only need a shop to talk to (fuzzing, the docs in a
browser). Mark them `@pytest.mark.xdist_group("stack")`: `make test` distributes by group, so they land on
one worker and the stack starts once. Tests that stop and restart a stack start their own."""

from __future__ import annotations

import pytest

from tests.e2e.stack import Stack, free_port


@pytest.fixture(scope="session")
def shop_stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("shop-stack"), free_port())
    yield stack
    stack.stop()
