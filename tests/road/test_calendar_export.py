"""``fieldcrm calendar export``: exactly the planned visits of the period, readable by two
independent parsers, local times right across a daylight-saving change, stable UIDs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from fieldcrm.cli import main
from fieldcrm.domain.calendar_feed import visit_uid
from fieldcrm.domain.validation import format_datetime
from fieldcrm.profile import database_path, ensure_profile
from fieldcrm.sampledata.demo import seed_user
from fieldcrm.store import Store

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year: int, month: int, day: int, hour: int, minute: int = 0) -> str:
    return format_datetime(datetime(year, month, day, hour, minute, tzinfo=BERLIN))


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    return ensure_profile(tmp_path / "profile")


def planned(store: Store, cid: str, rep: str, start: str, **extra: object) -> str:
    return store.create(
        "visit",
        {"customer_id": cid, "rep_id": rep, "status": "planned", "planned_start": start, **extra},
    )


def export(profile: Path, out: Path, *extra: str) -> int:
    return main(["calendar", "export", "--profile", str(profile), "--output", str(out), *extra])


def events_by_uid(path: Path) -> dict[str, tuple[datetime, datetime]]:
    """Start and end of each event, by UID, as both parsers read them (they must agree)."""
    text = path.read_text(encoding="utf-8")
    first = {
        str(e["uid"]): (e.decoded("dtstart"), e.decoded("dtend"))
        for e in icalendar.Calendar.from_ical(text).walk("VEVENT")
    }
    cal = vobject.readOne(text)
    second = {
        e.uid.value: (e.dtstart.value, e.dtend.value) for e in getattr(cal, "vevent_list", [])
    }
    assert first.keys() == second.keys()
    for uid, (start, end) in first.items():
        assert second[uid][0] == start and second[uid][1] == end
        assert second[uid][0].utcoffset() == start.utcoffset()
    return first


def test_export_holds_exactly_the_planned_visits_of_the_period(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(database_path(profile))
    other = seed_user(store, "bert", "Bert Berg")["id"]
    rep = seed_user(store)["id"]  # the last one seeded is the signed-in user
    cid = store.create(
        "customer",
        {"name": "Müller & Söhne", "status": "active", "street": "Hauptstr. 1", "city": "Ulm"},
    )
    # Summer time starts in Berlin on Sunday 29 March 2026 (02:00 -> 03:00).
    before = planned(store, cid, rep, berlin(2026, 3, 27, 9), planned_end=berlin(2026, 3, 27, 10))
    after = planned(store, cid, rep, berlin(2026, 3, 30, 9), purpose="Jahresgespräch")
    last_minute = planned(store, cid, rep, berlin(2026, 3, 31, 23, 30))
    planned(store, cid, rep, berlin(2026, 4, 1, 0, 10))  # the day after the period
    planned(store, cid, rep, berlin(2026, 3, 25, 23, 50))  # the day before
    planned(store, cid, other, berlin(2026, 3, 28, 9))  # another rep's
    done = planned(store, cid, rep, berlin(2026, 3, 28, 11))
    store.update("visit", done, {"status": "done"})
    cancelled = planned(store, cid, rep, berlin(2026, 3, 28, 12))
    store.update("visit", cancelled, {"status": "cancelled"})
    deleted = planned(store, cid, rep, berlin(2026, 3, 28, 13))
    store.delete("visit", deleted)
    store.close()

    out = tmp_path / "visits.ics"
    code = export(
        profile, out, "--from", "2026-03-26", "--to", "2026-03-31", "--timezone", "Europe/Berlin"
    )
    assert code == 0
    assert "3 planned visits" in capsys.readouterr().out
    events = events_by_uid(out)
    assert events.keys() == {visit_uid(before), visit_uid(after), visit_uid(last_minute)}
    start, end = events[visit_uid(before)]
    assert (start.hour, start.utcoffset().total_seconds()) == (9, 3600)  # type: ignore[union-attr]
    assert (end - start).total_seconds() == 3600
    start, _ = events[visit_uid(after)]
    assert (start.hour, start.utcoffset().total_seconds()) == (9, 7200)  # type: ignore[union-attr]
    text = out.read_text(encoding="utf-8")
    assert "DTSTART;TZID=Europe/Berlin:20260330T090000" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Berlin" in text
    assert "LOCATION:Hauptstr. 1\\, Ulm" in text and "SUMMARY:Müller & Söhne" in text


def test_a_changed_visit_keeps_its_uid(profile: Path, tmp_path: Path) -> None:
    store = Store(database_path(profile))
    rep = seed_user(store)["id"]
    cid = store.create("customer", {"name": "Kunde", "status": "active"})
    vid = planned(store, cid, rep, berlin(2026, 10, 20, 9))
    store.close()
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    args = ("--from", "2026-10-01", "--to", "2026-10-31", "--timezone", "Europe/Berlin")
    assert export(profile, first, *args) == 0
    store = Store(database_path(profile))
    store.update("visit", vid, {"planned_start": berlin(2026, 10, 26, 14)})  # after DST ends
    store.close()
    assert export(profile, second, *args) == 0
    [(uid_a, (start_a, _))] = events_by_uid(first).items()
    [(uid_b, (start_b, _))] = events_by_uid(second).items()
    assert uid_a == uid_b == visit_uid(vid)
    assert (start_a.hour, start_b.hour) == (9, 14)
    assert start_b.utcoffset().total_seconds() == 3600  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-05-02", "--to", "2026-05-01"), "ends (2026-05-01) before it starts"),
        (("--timezone", "Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    profile: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    message: str,
) -> None:
    store = Store(database_path(profile))
    seed_user(store)
    store.close()
    out = tmp_path / "x.ics"
    assert export(profile, out, *args) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_bad_date_is_a_usage_error(profile: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        export(profile, tmp_path / "x.ics", "--from", "3/4/2026")
    assert exit_info.value.code == 2


def test_a_profile_without_user_says_to_log_in(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(profile, tmp_path / "x.ics") == 3
    assert "fieldcrm login" in capsys.readouterr().err
