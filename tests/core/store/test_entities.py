import pytest

from chalicelib.core.store import db, keys
from chalicelib.core.store.entities import Collection, public
from chalicelib.core.store.write import Put


def test_collection_lifecycle(aws):
    groups = Collection("VATGROUP")
    first = groups.create({"name": "Standard", "rate": 21})
    second = groups.create({"name": "Reduced", "rate": 12})
    assert (first["id"], second["id"]) == (1, 2)
    assert public(groups.get("1")) == {"id": 1, "name": "Standard", "rate": 21, "create_at": first["create_at"],
                                       "update_at": first["update_at"]}
    assert groups.get("x") is None and groups.get(99) is None
    for index in range(3, 13):
        groups.create({"name": f"G{index}", "rate": index})
    assert [g["id"] for g in groups.list()] == list(range(1, 13))  # numeric order, not "1, 10, 11, 2"
    assert groups.update(2, {"rate": 10})["rate"] == 10
    assert groups.soft_delete(2) is True
    assert groups.get(2) is None and groups.get(2, include_deleted=True)["safe_deleted"] is True
    assert 2 not in [g["id"] for g in groups.list()]
    assert groups.update(2, {"rate": 5}) is None
    assert groups.soft_delete(2) is False
    assert groups.hard_delete(1) is True and groups.hard_delete(1) is False


def test_natural_ids_and_uniqueness_claims(aws):
    countries = Collection("COUNTRY", numeric_ids=False, id_field="code")
    countries.create({"name": "Czechia"}, "CZ")
    with pytest.raises(db.ConditionFailed):
        countries.create({"name": "Again"}, "CZ")
    types = Collection("PAGECATTYPE")
    claim = Put({**keys.unique("PAGECATTYPE", "HEADER"), "owner": 1}, condition="attribute_not_exists(PK)")
    types.create({"identifier": "HEADER"}, extra_operations=[claim])
    with pytest.raises(db.ConditionFailed):
        types.create({"identifier": "HEADER"}, extra_operations=[claim])
    assert [t["identifier"] for t in types.list()] == ["HEADER"]


def test_shared_partition_collections_read_together(aws):
    from chalicelib.core.store import versioned

    versioned.register("PRICING")  # as localization/store.py does
    countries = Collection("COUNTRY", numeric_ids=False, id_field="code", partition="PRICING")
    groups = Collection("VATGROUP", partition="PRICING")
    countries.create({"name": "Czechia"}, "CZ")
    countries.create({"name": "Austria"}, "AT")
    first = groups.create({"name": "Standard", "country": "CZ"})
    groups.create({"name": "Reduced", "country": "CZ"})
    assert [c["code"] for c in countries.list()] == ["AT", "CZ"]
    assert [g["id"] for g in groups.list()] == [first["id"], first["id"] + 1]
    assert groups.soft_delete(first["id"]) and [g["name"] for g in groups.list()] == ["Reduced"]
    everything = list(db.query("main", partition=("PK", "PRICING"), consistent=True))
    # The partition also holds its version (core/store/versioned.py), bumped by each of these writes.
    assert {item["SK"].split("#")[0] for item in everything} == {"COUNTRY", "VATGROUP", "~VERSION"}
    assert next(item for item in everything if item["SK"] == "~VERSION")["version"] == 5
    assert {item["SK"].split("#")[0] for item in versioned.read("PRICING")} == {"COUNTRY", "VATGROUP"}
    assert sum(1 for item in everything if countries.owns(item)) == 2
    assert countries.update("CZ", {"name": "Czech Republic"})["name"] == "Czech Republic"
    assert countries.get("CZ")["name"] == "Czech Republic" and countries.get("XX") is None


def test_writes_with_events_are_one_transaction(aws):
    from chalicelib.core import events

    # A collection with the shop's own event names and payloads (the outbox refuses any other).
    def category(deleted=False):
        return {"_model_class": "Category", "id": 1, "parent_id": None, "deleted": deleted}

    groups = Collection("VATGROUP", partition="PRICING")
    group = groups.create({"name": "Standard"}, extra_operations=[events.outbox_put("CATEGORY_SAVE", category())])
    updated = groups.update(group["id"], {"name": "Std"},
                            extra_operations=[events.outbox_put("CATEGORY_UPDATE", category())])
    assert updated["name"] == "Std"
    assert groups.soft_delete(group["id"], extra_operations=[events.outbox_put("CATEGORY_DELETE", category(True))])
    # A write that fails records no event.
    changed = events.outbox_put("CATEGORY_UPDATE", category())
    assert groups.update(group["id"], {"name": "x"}, extra_operations=[changed]) is None
    assert groups.soft_delete(group["id"], extra_operations=[events.outbox_put("CATEGORY_DELETE", category(True))]) \
        is False
    recorded = db.client().scan(TableName=db.table("outbox"))["Items"]
    assert sorted(db.deserialize(i)["type"] for i in recorded) == [
        "CATEGORY_DELETE", "CATEGORY_SAVE", "CATEGORY_UPDATE"]
