"""Merge properties (Hypothesis) of the server: order independence, nothing lost, delete wins."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldcrm.domain.hlc import format_stamp
from tests.helpers.server_env import Client, ServerEnv, customer_fields

FIELDS = ("city", "phone", "street")
DEVICES = ("dev-a", "dev-b", "dev-c", "dev-d")
PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

edit = st.fixed_dictionaries(
    {
        "fields": st.dictionaries(
            st.sampled_from(FIELDS), st.sampled_from(["A", "B", "C", "D"]), min_size=1
        ),
        "ms": st.integers(min_value=1_000_000_000_000, max_value=1_000_000_000_050),
    }
)
# One edit per device: a device's own edits are sequential, these are all concurrent.
edits = st.lists(edit, min_size=2, max_size=4).map(
    lambda es: [dict(e, device=DEVICES[i]) for i, e in enumerate(es)]
)


@pytest.fixture
def devices(sqlite_env: ServerEnv) -> dict[str, Client]:
    sqlite_env.setup_area()
    return {device: sqlite_env.session("anna", device) for device in DEVICES}


def _new_row(client: Client) -> tuple[str, dict[str, str]]:
    row_id, result = client.create("customer", customer_fields())
    assert result["status"] == "applied"
    client.sync()
    return row_id, client.rows[("customer", row_id)]["stamps"]


def _apply(
    devices: dict[str, Client],
    row_id: str,
    base: dict[str, str],
    order: list[dict[str, Any]],
    delete_device: str | None = None,
) -> None:
    for e in order:
        client = devices[e["device"]]
        stamp = format_stamp(e["ms"], 0, e["device"])
        if e.get("delete"):
            entry = client.entry("customer", "delete", row_id, base_stamps=base, stamp=stamp)
        else:
            entry = client.entry(
                "customer", "update", row_id, e["fields"], base_stamps=base, stamp=stamp
            )
        (result,) = client.push(entry)
        assert result["status"] != "rejected", result


def _state(client: Client, row_id: str) -> tuple[Any, list[Any]]:
    page = client.pull_page(cursor="0", limit=10000)
    row = next(r for r in page.rows if r.id == row_id)
    conflicts = [c for c in page.conflicts if c.row_id == row_id]
    return row, conflicts


@PROPERTY_SETTINGS
@given(edits=edits, data=st.data())
def test_merge_any_order_same_result_and_nothing_lost(
    devices: dict[str, Client], edits: list[dict[str, Any]], data: st.DataObject
) -> None:
    anna = devices["dev-a"]
    order_b = data.draw(st.permutations(edits))
    results = []
    for order in (edits, order_b):
        row_id, base = _new_row(anna)
        _apply(devices, row_id, base, list(order))
        results.append(_state(anna, row_id))
    (row_a, conflicts_a), (row_b, conflicts_b) = results
    assert {f: row_a.fields[f] for f in FIELDS} == {f: row_b.fields[f] for f in FIELDS}
    for field in FIELDS:
        touching = [e for e in edits if field in e["fields"]]
        if not touching:
            assert row_a.fields[field] == customer_fields().get(field)
            continue
        winner = max(touching, key=lambda e: format_stamp(e["ms"], 0, e["device"]))
        assert row_a.fields[field] == winner["fields"][field]
        for conflicts in (conflicts_a, conflicts_b):
            kept = {c.losing_value for c in conflicts if c.field == field}
            for e in touching:
                if e["fields"][field] != winner["fields"][field]:
                    assert e["fields"][field] in kept, "a losing value was not kept"


@PROPERTY_SETTINGS
@given(edits=edits, delete_at=st.integers(min_value=0, max_value=4), data=st.data())
def test_merge_delete_wins_over_concurrent_edits(
    devices: dict[str, Client], edits: list[dict[str, Any]], delete_at: int, data: st.DataObject
) -> None:
    anna = devices["dev-a"]
    deleter = {"device": edits[0]["device"], "ms": 1_000_000_000_000, "delete": True}
    others = edits[1:]
    order = [*others[:delete_at], deleter, *others[delete_at:]]
    for permutation in (order, data.draw(st.permutations(order))):
        row_id, base = _new_row(anna)
        _apply(devices, row_id, base, list(permutation))
        row, conflicts = _state(anna, row_id)
        assert row.deleted, "a delete wins over every concurrent edit"
        kept: set[tuple[str, Any]] = set()
        for c in conflicts:
            if c.kind == "delete":
                kept.update((k, v) for k, v in c.losing_value.items())
            else:
                kept.add((c.field, c.losing_value))
                kept.add((c.field, c.winning_value))
        for e in others:
            for field, value in e["fields"].items():
                assert (field, value) in kept, "an edit that lost to a delete must be kept"


def test_merge_edits_of_different_fields_all_survive(devices: dict[str, Client]) -> None:
    anna = devices["dev-a"]
    row_id, base = _new_row(anna)
    for device, field, value in zip(DEVICES, FIELDS, "XYZ", strict=False):
        client = devices[device]
        (result,) = client.push(
            client.entry("customer", "update", row_id, {field: value}, base_stamps=base)
        )
        assert result["status"] == "applied"
    row, conflicts = _state(anna, row_id)
    assert [row.fields[f] for f in FIELDS] == ["X", "Y", "Z"] and conflicts == []
