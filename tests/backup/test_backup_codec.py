"""The export line format (DynamoDB JSON, canonical) and the order-independent table digest."""

from __future__ import annotations

import json

import pytest

from chalicelib.backup import codec
from chalicelib.core.store import db
from tests.backup.shop import TYPED_ITEM


def test_every_type_survives_a_line():
    raw = db.serialize(TYPED_ITEM)
    line = codec.encode_item(raw)
    assert b"\n" not in line  # one item, one line, whatever its strings hold
    assert db.deserialize(codec.decode_item(line, ("PK", "SK"), ("PK", "SK", "GSI1PK", "GSI1SK"))) == TYPED_ITEM


def test_lines_are_canonical_whatever_order_sets_and_maps_come_in():
    first = {"PK": {"S": "a"}, "tags": {"SS": ["b", "a"]}, "bins": {"BS": [b"\x02", b"\x01"]},
             "m": {"M": {"y": {"N": "1"}, "x": {"NS": ["2", "10"]}}}}
    second = {"m": {"M": {"x": {"NS": ["10", "2"]}, "y": {"N": "1"}}}, "bins": {"BS": [b"\x01", b"\x02"]},
              "tags": {"SS": ["a", "b"]}, "PK": {"S": "a"}}
    assert codec.encode_item(first) == codec.encode_item(second)
    assert json.loads(codec.encode_item(first))["bins"] == {"BS": ["AQ==", "Ag=="]}


def test_numbers_stay_decimal_text():
    line = codec.encode_item({"PK": {"S": "p"}, "price": {"N": "19.90"}, "big": {"N": "1E+125"}})
    assert json.loads(line)["price"] == {"N": "19.90"}
    item = codec.decode_item(line)
    assert item["price"] == {"N": "19.90"} and item["big"] == {"N": "1E+125"}


@pytest.mark.parametrize("line, message", [
    (b'{"PK":{"S":"a"', "not a complete JSON item"),
    (b"\xff\xfe", "not a complete JSON item"),
    (b"[]", "not a JSON object"),
    (b'{"PK":{"S":"a"},"x":"plain"}', "x: expected one type tag"),
    (b'{"PK":{"S":"a"},"x":{"S":"a","N":"1"}}', "x: expected one type tag"),
    (b'{"PK":{"S":"a"},"x":{"Q":"a"}}', "x: unknown type tag 'Q'"),
    (b'{"PK":{"S":"a"},"x":{"N":1.5}}', "x: a number must be written as a string"),
    (b'{"PK":{"S":"a"},"x":{"N":"NaN"}}', "x: 'NaN' is not a number"),
    (b'{"PK":{"S":"a"},"x":{"B":"***"}}', "x: not valid base64"),
    (b'{"PK":{"S":"a"},"x":{"SS":[]}}', "x: SS holds a non-empty list"),
    (b'{"PK":{"S":"a"},"x":{"M":{"y":{"L":[{"BOOL":"yes"}]}}}}', "x.y[0]: BOOL holds true or false"),
    (b'{"PK":{"S":"a"},"x":{"NULL":false}}', "x: NULL holds true"),
    (b'{"SK":{"S":"a"}}', "the key attribute PK is missing"),
    (b'{"PK":{"N":"1"},"SK":{"S":"a"}}', "PK: a key attribute holds a non-empty string"),
    (b'{"PK":{"S":"a"},"SK":{"S":"a"},"GSI1PK":{"S":""}}', "GSI1PK: a key attribute holds a non-empty string"),
])
def test_bad_lines_are_named(line, message):
    with pytest.raises(codec.BadItem) as error:
        codec.decode_item(line, ("PK", "SK"), ("PK", "SK", "GSI1PK"))
    assert message in str(error.value)


def test_digest_ignores_order_but_not_content_or_multiplicity():
    lines = [b"a", b"b", b"c"]

    def digest(values):
        result = codec.TableDigest()
        for value in values:
            result.add(value)
        return result.hexdigest()

    assert digest(lines) == digest(reversed(lines))
    assert digest(lines) != digest([b"a", b"b", b"d"])
    assert digest(lines) != digest(lines + [b"a"])
    assert digest([b"a", b"a"]) != digest([])  # a sum, not an XOR: duplicates do not cancel out
    merged = codec.TableDigest()
    for part in ([b"a"], [b"b", b"c"]):
        page = codec.TableDigest()
        for value in part:
            page.add(value)
        merged.merge(page)
    assert merged.hexdigest() == digest(lines) and len(digest([])) == 64
    without_b = codec.TableDigest.from_hex(digest(lines)).without(codec.TableDigest.from_hex(digest([b"b"])))
    assert without_b.hexdigest() == digest([b"c", b"a"])
