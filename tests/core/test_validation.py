from decimal import Decimal

import pytest

from chalicelib.core.http.errors import ValidationError
from chalicelib.core.http.validation import (
    Boolean,
    Choice,
    Date,
    DecimalField,
    Email,
    Integer,
    ListOf,
    MapOf,
    Nested,
    Schema,
    String,
)

SCHEMA = Schema(
    name=String(max_length=5),
    count=Integer(min_value=0, required=False),
    price=DecimalField(required=False),
    flag=Boolean(default=False),
    position=Choice(["BEFORE", "AFTER"], required=False),
    born=Date(required=False, allow_null=True),
    mail=Email(required=False),
    tags=ListOf(String(), required=False),
    translations=MapOf(Nested(Schema(title=String())), required=False),
)


def errors(data):
    with pytest.raises(ValidationError) as caught:
        SCHEMA.validate(data)
    return caught.value.body


def test_valid_data_is_converted():
    data = SCHEMA.validate({"name": " ab ", "count": "3", "price": "12.50", "flag": "true", "position": "AFTER",
                            "born": "2000-01-31", "mail": "A@EXAMPLE.COM", "tags": ["x"],
                            "translations": {"en": {"title": "T"}}, "unknown": 1})
    assert data == {"name": "ab", "count": 3, "price": Decimal("12.50"), "flag": True, "position": "AFTER",
                    "born": "2000-01-31", "mail": "A@example.com", "tags": ["x"],
                    "translations": {"en": {"title": "T"}}}


def test_defaults_and_missing():
    assert SCHEMA.validate({"name": "a"}) == {"name": "a", "flag": False}
    assert errors({}) == {"name": ["This field is required."]}


@pytest.mark.parametrize(
    ("data", "field"),
    [({"name": "toolong"}, "name"), ({"name": None}, "name"), ({"name": ""}, "name"), ({"name": ["a"]}, "name"),
     ({"name": "a", "count": True}, "count"), ({"name": "a", "count": "1.5"}, "count"),
     ({"name": "a", "count": -1}, "count"), ({"name": "a", "price": "abc"}, "price"),
     ({"name": "a", "price": "1.234"}, "price"), ({"name": "a", "price": "NaN"}, "price"),
     ({"name": "a", "flag": "maybe"}, "flag"), ({"name": "a", "position": "MIDDLE"}, "position"),
     ({"name": "a", "born": "31.1.2000"}, "born"), ({"name": "a", "mail": "nope"}, "mail"),
     ({"name": "a", "tags": "x"}, "tags"), ({"name": "a", "translations": {"en": {}}}, "translations")],
)
def test_bad_field_is_named(data, field):
    assert field in errors(data)


def test_nested_errors_keep_path():
    assert errors({"name": "a", "translations": {"cs": {"title": 5.5j}}}) == {
        "translations": {"cs": {"title": ["Not a valid string."]}}}
    assert errors({"name": "a", "tags": ["ok", None]}) == {"tags": {"1": ["This field may not be null."]}}


def test_partial_validation_skips_missing():
    assert SCHEMA.validate({"count": 2}, partial=True) == {"count": 2}
