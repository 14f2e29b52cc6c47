"""Hybrid logical clock, UUIDv7 ids and the field-level merge rule."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldcrm.domain import ids
from fieldcrm.domain.hlc import (
    MAX_COUNTER,
    HybridLogicalClock,
    format_stamp,
    parse_stamp,
    stamp_ms,
)
from fieldcrm.domain.ids import new_device_id, uuid7
from fieldcrm.domain.merge import LostValue, merge_fields
from fieldcrm.store import Store
from tests.helpers.world import START_MS, WallClock

DEV_A = "a" * 32
DEV_B = "b" * 32

# ---- hybrid logical clock ---------------------------------------------------------------


def test_stamps_increase_while_the_wall_clock_stands_still() -> None:
    wall = WallClock()
    clock = HybridLogicalClock(DEV_A, wall_ms=wall)
    stamps = [clock.now() for _ in range(5)]
    assert stamps == [format_stamp(START_MS, i, DEV_A) for i in range(5)]
    wall.advance(1)
    assert clock.now() == format_stamp(START_MS + 1, 0, DEV_A)


def test_wall_clock_going_backwards_never_makes_a_smaller_stamp() -> None:
    wall = WallClock()
    clock = HybridLogicalClock(DEV_A, wall_ms=wall)
    first = clock.now()
    wall.advance(-3_600_000)  # the laptop's clock was corrected by an hour
    second = clock.now()
    assert second > first
    assert parse_stamp(second) == (START_MS, 1, DEV_A)
    wall.advance(3_600_000 + 5)
    assert parse_stamp(clock.now()) == (START_MS + 5, 0, DEV_A)


def test_observe_moves_past_a_stamp_from_another_device() -> None:
    wall = WallClock()
    clock = HybridLogicalClock(DEV_A, wall_ms=wall)
    clock.now()
    remote = format_stamp(START_MS + 10_000, 7, DEV_B)
    clock.observe(remote)
    local = clock.now()
    assert local > remote
    assert parse_stamp(local) == (START_MS + 10_000, 8, DEV_A)
    # An older stamp does not move the clock back.
    clock.observe(format_stamp(START_MS - 1, 999, DEV_B))
    assert clock.now() > local


def test_counter_overflow_moves_to_the_next_millisecond() -> None:
    wall = WallClock()
    clock = HybridLogicalClock(
        DEV_A, last=format_stamp(START_MS, MAX_COUNTER - 1, DEV_A), wall_ms=wall
    )
    a = clock.now()
    b = clock.now()
    assert parse_stamp(a) == (START_MS, MAX_COUNTER, DEV_A)
    assert parse_stamp(b) == (START_MS + 1, 0, DEV_A)
    assert a < b


def test_equal_times_are_ordered_by_device_id() -> None:
    a = format_stamp(START_MS, 3, DEV_A)
    b = format_stamp(START_MS, 3, DEV_B)
    assert a < b
    assert max(a, b) == b


@settings(deadline=None)  # a shared machine may stall any single example
@given(
    st.tuples(
        st.integers(0, 10**13 - 1), st.integers(0, MAX_COUNTER), st.sampled_from([DEV_A, DEV_B])
    ),
    st.tuples(
        st.integers(0, 10**13 - 1), st.integers(0, MAX_COUNTER), st.sampled_from([DEV_A, DEV_B])
    ),
)
def test_text_order_of_stamps_is_the_order_of_their_parts(
    x: tuple[int, int, str], y: tuple[int, int, str]
) -> None:
    sx, sy = format_stamp(*x), format_stamp(*y)
    assert (sx < sy) == (x < y)
    assert parse_stamp(sx) == x
    assert stamp_ms(sy) == y[0]


@pytest.mark.parametrize(
    "bad",
    ["", "1:2:x", "178030080000:000000:dev", "1780300800000:00000a:dev", "1780300800000:000000:"],
)
def test_malformed_stamps_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="malformed clock stamp"):
        parse_stamp(bad)


def test_clock_survives_reopening_the_store(tmp_path: Path) -> None:
    wall = WallClock()
    store = Store(tmp_path / "fieldcrm.db", wall_ms=wall)
    for name in ("a", "b", "c"):
        store.create("territory", {"name": name})
    last = store.outbox_entries()[-1]["stamps"]["name"]
    device = store.device_id
    store.close()

    wall.advance(-86_400_000)  # reopened with a clock a day behind
    reopened = Store(tmp_path / "fieldcrm.db", wall_ms=wall)
    try:
        assert reopened.device_id == device
        reopened.create("territory", {"name": "d"})
        after = reopened.outbox_entries()[-1]["stamps"]["name"]
        assert after > last
        assert parse_stamp(after) == (START_MS, 3, device)
    finally:
        reopened.close()


# ---- ids ------------------------------------------------------------------------------------


@pytest.fixture
def fresh_id_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids made with a test's clock must not push the process's later ids into the future."""
    monkeypatch.setattr(ids, "_last_ms", 0)
    monkeypatch.setattr(ids, "_last_rand_a", 0)


def test_uuid7_layout(fresh_id_state: None) -> None:
    text = uuid7(now_ms=START_MS)
    value = uuid.UUID(text)
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert value.int >> 80 == START_MS
    assert str(value) == text


def test_uuid7_sorts_in_creation_order_even_in_bursts() -> None:
    ids = [uuid7() for _ in range(20_000)]  # more than 4096 in one millisecond overflows rand_a
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert [uuid.UUID(i).int for i in ids] == sorted(uuid.UUID(i).int for i in ids)


def test_uuid7_never_goes_back_with_the_clock(fresh_id_state: None) -> None:
    late = uuid7(now_ms=START_MS + 60_000)
    earlier = uuid7(now_ms=START_MS)
    assert earlier > late
    assert uuid.UUID(earlier).int >> 80 == START_MS + 60_000


def test_uuid7_counter_overflow_moves_to_the_next_millisecond(fresh_id_state: None) -> None:
    made = [uuid7(now_ms=START_MS) for _ in range(5000)]
    assert made == sorted(made)
    assert {uuid.UUID(i).int >> 80 for i in made} == {START_MS, START_MS + 1}


def test_device_ids_are_random() -> None:
    ids = {new_device_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == 32 for i in ids)


# ---- merge rule ------------------------------------------------------------------------------

S1 = format_stamp(START_MS, 0, DEV_A)
S2 = format_stamp(START_MS + 1000, 0, DEV_B)
S3 = format_stamp(START_MS + 2000, 0, DEV_A)


def test_field_without_stamp_is_applied() -> None:
    out = merge_fields({}, {}, {"name": "A"}, {"name": S1})
    assert out.values == {"name": "A"}
    assert out.stamps == {"name": S1}
    assert out.applied == ["name"]
    assert out.lost == []


def test_same_edit_again_changes_nothing() -> None:
    out = merge_fields({"name": "A"}, {"name": S1}, {"name": "A"}, {"name": S1})
    assert out.values == {} and out.applied == [] and out.lost == []


def test_sequential_edit_wins_even_with_an_older_clock() -> None:
    out = merge_fields({"name": "A"}, {"name": S2}, {"name": "B"}, {"name": S1}, {"name": S2})
    assert out.values == {"name": "B"}
    assert out.stamps == {"name": S1}
    assert out.lost == []


def test_concurrent_newer_edit_wins_and_the_old_value_is_kept() -> None:
    out = merge_fields({"name": "A"}, {"name": S2}, {"name": "B"}, {"name": S3}, {"name": S1})
    assert out.values == {"name": "B"}
    assert out.lost == [LostValue("name", "B", S3, "A", S2, incoming_lost=False)]


def test_concurrent_older_edit_loses_and_is_kept() -> None:
    out = merge_fields({"name": "A"}, {"name": S3}, {"name": "B"}, {"name": S2}, None)
    assert out.values == {}
    assert out.applied == []
    assert out.lost == [LostValue("name", "A", S3, "B", S2, incoming_lost=True)]


def test_concurrent_edits_to_the_same_value_are_no_conflict() -> None:
    out = merge_fields({"name": "A"}, {"name": S2}, {"name": "A"}, {"name": S3}, {})
    assert out.values == {"name": "A"}
    assert out.lost == []


def test_edits_to_different_fields_both_survive() -> None:
    current = {"name": "A", "city": "X"}
    stamps = {"name": S2, "city": S1}
    out = merge_fields(current, stamps, {"city": "Y"}, {"city": S3}, {"city": S1})
    assert out.values == {"city": "Y"}
    assert current | out.values == {"name": "A", "city": "Y"}
    assert out.lost == []


@settings(deadline=None)  # a shared machine may stall any single example
@given(
    st.tuples(st.integers(0, 50), st.integers(0, 3), st.sampled_from([DEV_A, DEV_B])),
    st.tuples(st.integers(0, 50), st.integers(0, 3), st.sampled_from([DEV_A, DEV_B])),
    st.text(max_size=3),
    st.text(max_size=3),
)
def test_concurrent_edits_converge_in_either_order(
    x: tuple[int, int, str], y: tuple[int, int, str], vx: str, vy: str
) -> None:
    sx, sy = format_stamp(*x), format_stamp(*y)
    # Apply x then y, and y then x, on two replicas that started without the field.
    results = []
    for (v1, s1), (v2, s2) in (((vx, sx), (vy, sy)), ((vy, sy), (vx, sx))):
        first = merge_fields({}, {}, {"f": v1}, {"f": s1})
        values, stamps = dict(first.values), dict(first.stamps)
        second = merge_fields(values, stamps, {"f": v2}, {"f": s2}, None)
        values |= second.values
        stamps |= second.stamps
        results.append((values, stamps))
    assert results[0] == results[1] or sx == sy
    if sx != sy:
        winner = max((sx, vx), (sy, vy))
        assert results[0] == ({"f": winner[1]}, {"f": winner[0]})
