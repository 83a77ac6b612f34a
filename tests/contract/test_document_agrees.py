"""Where schemathesis found the document disagreeing with the answers (issue #16 item 12): fields that
come back null where the document said string, an undocumented 409, and a string field that took an
integer. Each is checked against the document the API serves."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests import openapi_check
from tests.helpers import auth, body, call, make_user


def _admits(schema_name: str, field: str, value) -> bool:
    document = openapi_check.document()
    registry = Registry().with_resource("", Resource.from_contents(document, default_specification=DRAFT202012))
    schema = document["components"]["schemas"][schema_name]["properties"][field]
    return Draft202012Validator(schema, registry=registry).is_valid(value)


@pytest.mark.parametrize(("schema_name", "field"), [
    ("CartDetail", "country"), ("CartDetail", "pricelist"),
    ("CartItem", "product_variant_name"),
    ("OrderPayment", "payment_id"), ("OrderPayment", "status"), ("OrderPayment", "amount"),
])
def test_fields_that_may_be_null_are_documented_so(schema_name, field):
    assert _admits(schema_name, field, None)
    assert _admits(schema_name, field, "text")


def test_a_concurrent_product_save_documents_its_409():
    operation = openapi_check.document()["paths"]["/product/dashboard/detail/{product_id}"]["put"]
    assert "409" in operation["responses"]


def test_schedule_training_takes_a_model_name_string_only(client):
    make_user("rs@example.com", staff=True, permissions=("notification_change_permission",))
    path = "/recommender/dashboard/recommender-system/schedule-training"
    response = call(client, "POST", path, {"model_name": 5}, headers=auth("rs@example.com"))
    assert response.status_code == 400 and body(response) == {"model_name": ["Not a valid string."]}
