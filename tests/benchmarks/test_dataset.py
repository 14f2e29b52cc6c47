"""The benchmark dataset: deterministic, valid by the domain's rules, consistent references."""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from benchmarks import dataset
from benchmarks.dataset import ENTITY_ORDER, SIZES, Scale, iter_all, iter_rows
from fieldcrm.domain.entities import ENTITIES
from fieldcrm.domain.hlc import parse_stamp
from fieldcrm.domain.validation import validate_record
from fieldcrm.store import Store
from fieldcrm.store.search import search_customers

TINY = SIZES["tiny"]


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entity, row in iter_all(TINY):
        found[entity].append(row)
    return dict(found)


def test_counts(rows: dict[str, list[dict[str, Any]]]) -> None:
    assert {e: len(r) for e, r in rows.items()} == {e: TINY.count(e) for e in ENTITY_ORDER}
    standard = SIZES["standard"]
    assert [standard.count(e) for e in ENTITY_ORDER] == [
        12,
        23,
        100_000,
        250_000,
        1_000_000,
        500_000,
        100_000,
    ]
    roles = Counter(u["role"] for u in rows["user"])
    assert roles == {"rep": 20, "manager": 2, "admin": 1}
    assert sum(1 for t in rows["territory"] if t["parent_id"]) == 10


def test_same_seed_same_rows_other_seed_other_rows(rows: dict[str, list[dict[str, Any]]]) -> None:
    again = list(iter_rows("visit", TINY))
    assert again == rows["visit"]
    other = list(iter_rows("visit", TINY, seed=7))
    assert [r["id"] for r in other] != [r["id"] for r in again]


def test_a_row_does_not_depend_on_the_size_of_later_entities() -> None:
    bigger = Scale("x", TINY.customers, TINY.contacts, TINY.visits * 2, 10, 10)
    assert list(iter_rows("customer", bigger)) == list(iter_rows("customer", TINY))


def test_every_row_is_valid_for_the_domain(rows: dict[str, list[dict[str, Any]]]) -> None:
    for entity, entity_rows in rows.items():
        fields = set(ENTITIES[entity].field_names)
        for row in entity_rows:
            assert set(row) == fields | {"id"}, entity
            values = {k: v for k, v in row.items() if k != "id"}
            assert validate_record(entity, values) == values, (entity, row["id"])


def test_ids_are_uuid7_unique_and_in_creation_order(
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    all_ids = [r["id"] for e in ENTITY_ORDER for r in rows[e]]
    assert len(set(all_ids)) == len(all_ids)
    assert all_ids == sorted(all_ids)
    for text in all_ids:
        assert uuid.UUID(text).version == 7
        assert uuid.UUID(text).variant == uuid.RFC_4122


def test_references_resolve_within_one_customer(rows: dict[str, list[dict[str, Any]]]) -> None:
    by_id = {r["id"]: (e, r) for e, entity_rows in rows.items() for r in entity_rows}

    def ref(row_id: str | None, entity: str) -> dict[str, Any] | None:
        if row_id is None:
            return None
        found_entity, found = by_id[row_id]
        assert found_entity == entity
        return found

    for customer in rows["customer"]:
        owner = ref(customer["owner_id"], "user")
        assert owner is not None and owner["role"] == "rep"
        assert owner["territory_id"] == customer["territory_id"]
    for visit in rows["visit"]:
        its_customer = ref(visit["customer_id"], "customer")
        assert its_customer is not None and visit["rep_id"] == its_customer["owner_id"]
        for attendee in visit["attendee_ids"]:
            contact = ref(attendee, "contact")
            assert contact is not None and contact["customer_id"] == visit["customer_id"]
    for note in rows["note"]:
        for field, entity in (("contact_id", "contact"), ("visit_id", "visit")):
            target = ref(note[field], entity)
            assert target is None or target["customer_id"] == note["customer_id"]
    for followup in rows["followup"]:
        its_visit = ref(followup["visit_id"], "visit")
        assert its_visit is None or its_visit["customer_id"] == followup["customer_id"]


def test_values_look_like_a_sales_area(rows: dict[str, list[dict[str, Any]]]) -> None:
    visits = rows["visit"]
    statuses = Counter(v["status"] for v in visits)
    assert statuses["done"] > statuses["cancelled"] > 0 and statuses["planned"] > 0
    done = [v for v in visits if v["status"] == "done"]
    assert all(v["check_in_at"] and v["check_out_at"] > v["check_in_at"] for v in done)
    assert all(v["report"] and 40 <= len(v["report"]) <= 1000 for v in done)
    starts = sorted(v["planned_start"] for v in visits)
    assert starts[0] < "2024-08-01" and starts[-1] > "2026-06-30"  # two years and a bit ahead
    assert {c["segment"] for c in rows["customer"]} >= {"A", "B", "C"}
    assert len({c["city"] for c in rows["customer"]}) > 10
    assert len({c["name"] for c in rows["customer"]}) > 0.9 * len(rows["customer"])


def test_stamps_json_names_every_field() -> None:
    stamps = json.loads(dataset.stamps_json("visit", 3))
    assert set(stamps) == set(ENTITIES["visit"].field_names)
    ms, counter, device = parse_stamp(stamps["report"])
    assert (ms, counter, device) == (dataset.created_ms("visit", 3), 0, dataset.DATASET_DEVICE)


def test_written_client_store(tmp_path: Path, rows: dict[str, list[dict[str, Any]]]) -> None:
    path = tmp_path / "area.db"
    written = dataset.write_client_store(path, TINY)
    assert written == {e: TINY.count(e) for e in ENTITY_ORDER}
    store = Store(path)
    try:
        assert {e: n for e, n in store.counts().items() if e in written} == written
        assert store.pending_count() == 0
        visit = rows["visit"][7]
        stored = store.get("visit", visit["id"])
        assert stored is not None
        assert {k: stored[k] for k in visit} == visit
        assert stored["stamps"] == json.loads(dataset.stamps_json("visit", 7))
        customer = rows["customer"][3]
        assert customer["id"] in search_customers(store, customer["number"])
        # The store works on top of the dataset: a local edit is tracked as usual.
        store.update("customer", customer["id"], {"name": "Umbenannt GmbH"})
        [entry] = store.outbox_entries()
        assert entry["base_stamps"] == {"name": dataset.row_stamp("customer", 3)}
    finally:
        store.close()
    with pytest.raises(FileExistsError):
        dataset.write_client_store(path, TINY)


def test_jsonl_and_cli(tmp_path: Path) -> None:
    out = tmp_path / "area.jsonl"
    assert dataset.main(["--size", "tiny", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(TINY.count(e) for e in ENTITY_ORDER)
    first = json.loads(lines[0])
    assert first["entity"] == "territory" and first["row"]["name"] == "Nord"


def test_cached_client_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dataset, "DATA_DIR", tmp_path / "data")
    first = dataset.cached_client_db("tiny")
    made = first.stat().st_mtime_ns
    assert dataset.cached_client_db("tiny") == first
    assert first.stat().st_mtime_ns == made  # not rebuilt
    copy = dataset.copy_client_db("tiny", tmp_path / "mine.db")
    store = Store(copy)
    try:
        assert store.counts()["visit"] == TINY.visits
    finally:
        store.close()
