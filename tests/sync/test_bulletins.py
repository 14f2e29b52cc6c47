"""Bulletins through the real server app in-process: who receives a bulletin, its receipts
and its questions; who may post; corrections and deletes reach every laptop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldcrm.app import bulletins
from fieldcrm.app.bulletins import BulletinRefused
from fieldcrm.domain.validation import ValidationError
from fieldcrm.store.replica import rejected_changes
from tests.helpers.sync_harness import InProcessServer, Laptop, migrated_server_db


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    srv = InProcessServer(migrated_server_db(tmp_path))
    srv.territory("North", area="Area 1")
    srv.territory("South", area="Area 1")
    srv.territory("Coast", area="Area 2")
    srv.user("anna", "rep", territory="North")
    srv.user("ben", "rep", territory="North")
    srv.user("sven", "rep", territory="South")
    srv.user("carl", "rep", territory="Coast")
    srv.user("mia", "manager", area="Area 1")
    srv.user("max", "manager", area="Area 1")
    srv.user("zoe", "manager", area="Area 2")
    yield srv
    srv.close()


@pytest.fixture
def laptops(tmp_path: Path, server: InProcessServer) -> Iterator[dict[str, Laptop]]:
    made: dict[str, Laptop] = {}

    class Laptops(dict[str, Laptop]):
        def __missing__(self, name: str) -> Laptop:
            lap = Laptop(tmp_path / name, server, name)
            assert lap.sync().ok
            made[name] = lap
            return lap

    yield Laptops()
    for lap in made.values():
        lap.close()


def rows(lap: Laptop, entity: str) -> dict[str, dict[str, object]]:
    return {row_id: data for (e, row_id), data in lap.view().items() if e == entity}


def test_a_bulletin_to_one_territory_reaches_its_reps_and_the_area_managers_only(
    server: InProcessServer, laptops: dict[str, Laptop]
) -> None:
    mia = laptops["mia"]
    posted = bulletins.post(
        mia.store,
        mia.user_id,
        "New price list",
        "Prices change on **1 January**.",
        territory_ids=[server.ids["North"]],
        confirm_by="2027-01-10",
    )
    assert mia.sync().ok and mia.status_rejected() == 0
    bulletin_id = posted.id
    assert bulletin_id is not None
    for name in ("anna", "ben", "max"):
        assert laptops[name].sync().ok
        assert bulletin_id in rows(laptops[name], "bulletin"), name
    for name in ("sven", "carl", "zoe"):
        assert laptops[name].sync().ok
        assert rows(laptops[name], "bulletin") == {}, name
    # Every laptop holds exactly what the server lets its user see.
    for name, lap in laptops.items():
        assert lap.view() == server.view_of(name), name


def test_receipts_reach_the_author_and_managers_but_no_other_rep(
    server: InProcessServer, laptops: dict[str, Laptop]
) -> None:
    mia = laptops["mia"]
    bulletin_id = bulletins.post(
        mia.store, mia.user_id, "Visit plan", "Text", confirm_by="2027-01-10"
    ).id
    assert bulletin_id is not None and mia.sync().ok
    anna, sven = laptops["anna"], laptops["sven"]
    view = bulletins.open_bulletin(anna.store, bulletin_id, anna.user_id)
    assert view is not None and view["receipts"] is None  # a rep sees nobody's receipts
    bulletins.confirm(anna.store, bulletin_id, anna.user_id)
    assert anna.sync().ok and anna.status_rejected() == 0
    assert sven.sync().ok
    assert rows(sven, "bulletin_receipt") == {}
    assert bulletin_id in rows(sven, "bulletin")  # the whole area was addressed
    for name in ("mia", "max"):
        lap = laptops[name]
        assert lap.sync().ok
        seen = bulletins.open_bulletin(lap.store, bulletin_id, lap.user_id)
        assert seen is not None and seen["receipts"] is not None
        by_name = {r["name"]: r for r in seen["receipts"]}
        assert set(by_name) == {"anna", "ben", "sven"}
        assert by_name["anna"]["confirmed_at"] and by_name["anna"]["read_at"]
        assert by_name["ben"]["read_at"] is None
        assert by_name["ben"]["last_sync_at"] is None  # ben's laptop never synced
        assert by_name["sven"]["read_at"] is None and by_name["sven"]["last_sync_at"]
    assert rows(laptops["zoe"], "bulletin_receipt") == {}
    assert rows(laptops["zoe"], "bulletin") == {}


def test_questions_and_answers_are_seen_by_everyone_addressed(
    server: InProcessServer, laptops: dict[str, Laptop]
) -> None:
    mia, anna, ben, sven = (laptops[n] for n in ("mia", "anna", "ben", "sven"))
    bulletin_id = bulletins.post(
        mia.store, mia.user_id, "Fair", "Booth 4", territory_ids=[server.ids["North"]]
    ).id
    assert bulletin_id is not None and mia.sync().ok
    assert anna.sync().ok
    bulletins.ask(anna.store, bulletin_id, anna.user_id, "Which day do we set up?")
    assert anna.sync().ok and anna.status_rejected() == 0
    assert mia.sync().ok
    bulletins.ask(mia.store, bulletin_id, mia.user_id, "Monday, 8 o'clock.")
    assert mia.sync().ok and mia.status_rejected() == 0
    assert ben.sync().ok and sven.sync().ok
    view = bulletins.open_bulletin(ben.store, bulletin_id, ben.user_id)
    assert view is not None
    assert [i.text for i in view["thread"]] == ["Which day do we set up?", "Monday, 8 o'clock."]
    assert rows(sven, "comment") == {}


def test_a_rep_cannot_post_and_a_manager_only_to_her_area(
    server: InProcessServer, laptops: dict[str, Laptop]
) -> None:
    anna, mia = laptops["anna"], laptops["mia"]
    with pytest.raises(BulletinRefused) as refused:
        bulletins.post(anna.store, anna.user_id, "Hello", "x")
    assert refused.value.code == "bulletin_managers_only"
    assert anna.store.pending_count() == 0
    with pytest.raises(ValidationError) as empty:
        bulletins.post(mia.store, mia.user_id, "   ", "x")
    assert "title" in str(empty.value)
    # A territory of another area is not on mia's laptop: refused before anything is written.
    with pytest.raises(BulletinRefused) as outside:
        bulletins.post(mia.store, mia.user_id, "Hi", territory_ids=[server.ids["Coast"]])
    assert outside.value.code == "bulletin_audience_outside"
    assert mia.store.pending_count() == 0

    # A laptop that writes one anyway (an old or altered client) is refused by the server.
    anna.store.create("bulletin", {"title": "From a rep", "posted_at": "2026-12-03T08:00:00Z"})
    assert anna.sync().ok
    with anna.store.read() as conn:
        assert [r["code"] for r in rejected_changes(conn)] == ["bulletin_managers_only"]
    # A territory of another area slipped into mia's laptop (an altered store): the server
    # refuses the bulletin all the same.
    with mia.store.write() as uow:
        uow.connection.execute(
            sa.text("INSERT INTO territory (id, name, stamps, deleted) VALUES (:i, 'C', '{}', 0)"),
            {"i": server.ids["Coast"]},
        )
    mia.store.create(
        "bulletin",
        {
            "title": "Across",
            "territory_ids": [server.ids["Coast"]],
            "posted_at": "2026-12-03T08:00:00Z",
        },
    )
    assert mia.sync().ok
    with mia.store.read() as conn:
        assert [r["code"] for r in rejected_changes(conn)] == ["bulletin_audience_outside"]
    assert laptops["carl"].sync().ok and rows(laptops["carl"], "bulletin") == {}


def test_correcting_and_deleting_a_bulletin_reaches_every_laptop(
    server: InProcessServer, laptops: dict[str, Laptop]
) -> None:
    mia, anna, sven = laptops["mia"], laptops["anna"], laptops["sven"]
    bulletin_id = bulletins.post(
        mia.store, mia.user_id, "Price list", "Old", territory_ids=[server.ids["North"]]
    ).id
    assert bulletin_id is not None and mia.sync().ok
    assert anna.sync().ok
    bulletins.ask(anna.store, bulletin_id, anna.user_id, "Is it final?")
    assert anna.sync().ok
    bulletins.correct(mia.store, mia.user_id, bulletin_id, {"body": "New"})
    assert mia.sync().ok and anna.sync().ok
    assert rows(anna, "bulletin")[bulletin_id]["body"] == "New"
    # Addressed to South too now: sven receives it and its thread.
    bulletins.correct(
        mia.store,
        mia.user_id,
        bulletin_id,
        {"territory_ids": [server.ids["North"], server.ids["South"]]},
    )
    assert mia.sync().ok and sven.sync().ok and anna.sync().ok
    assert bulletin_id in rows(sven, "bulletin") and len(rows(sven, "comment")) == 1
    # Only South: anna loses it and its thread.
    bulletins.correct(mia.store, mia.user_id, bulletin_id, {"territory_ids": [server.ids["South"]]})
    assert mia.sync().ok and anna.sync().ok and sven.sync().ok
    assert rows(anna, "bulletin") == {} and rows(anna, "comment") == {}
    bulletins.delete(mia.store, mia.user_id, bulletin_id)
    assert mia.sync().ok and sven.sync().ok
    assert rows(sven, "bulletin") == {} and rows(sven, "comment") == {}
    assert bulletins.bulletin_list(sven.store, sven.user_id) == []
    for name, lap in laptops.items():
        assert lap.sync().ok
        assert lap.view() == server.view_of(name), name


def test_a_bulletin_to_chosen_reps_reaches_them_only(
    server: InProcessServer, laptops: dict[str, Laptop]
) -> None:
    mia = laptops["mia"]
    ids = server.ids
    bulletin_id = bulletins.post(
        mia.store, mia.user_id, "For you two", rep_ids=[ids["anna"], ids["sven"]]
    ).id
    single_id = bulletins.post(mia.store, mia.user_id, "Only ben", rep_ids=[ids["ben"]]).id
    assert mia.sync().ok and mia.status_rejected() == 0
    expected = {
        "anna": {bulletin_id},
        "sven": {bulletin_id},
        "ben": {single_id},
        "max": {bulletin_id, single_id},
        "carl": set(),
    }
    for name, wanted in expected.items():
        lap = laptops[name]
        assert lap.sync().ok
        assert set(rows(lap, "bulletin")) == wanted, name
        assert lap.view() == server.view_of(name), name
    anna = laptops["anna"]
    assert [b["title"] for b in bulletins.bulletin_list(anna.store, anna.user_id)] == [
        "For you two"
    ]
    assert bulletins.unread_count(anna.store, anna.user_id) == 1
    bulletins.open_bulletin(anna.store, bulletin_id or "", anna.user_id)
    assert bulletins.unread_count(anna.store, anna.user_id) == 0
