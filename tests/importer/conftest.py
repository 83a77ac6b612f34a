"""Fixtures of the importer tests: a recorder of the DynamoDB calls made (botocore event hooks)."""

from __future__ import annotations

import pytest

from chalicelib.core.store import db

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


class Calls:
    def __init__(self):
        self.names: list[str] = []

    def __call__(self, **kwargs):
        self.names.append(kwargs["event_name"].rsplit(".", 1)[-1])

    @property
    def writes(self) -> list[str]:
        return [name for name in self.names if name in WRITES]


@pytest.fixture
def calls(aws):
    """The names of the DynamoDB operations called while the test runs (`.writes`: only writes)."""
    recorder = Calls()
    events = db.client().meta.events
    events.register("before-call.dynamodb", recorder)
    yield recorder
    events.unregister("before-call.dynamodb", recorder)
