"""``fieldcrm edit / delete / cancel-visit / move-visit / trash / restore / requests /
answer`` on a profile: what each does, and bad input refused with a reason, nothing lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fieldcrm.cli import main
from fieldcrm.profile import database_path
from fieldcrm.sampledata.demo import seed_customers, seed_user
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from tests.helpers.realserver import fieldcrm


@pytest.fixture
def profile(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "profile"
    path.mkdir()
    store = Store(database_path(path))
    user = seed_user(store)
    [customer] = seed_customers(store, user, 1)
    with store.read() as conn:
        contact = conn.scalar(sa.select(t.contact.c.id).where(t.contact.c.customer_id == customer))
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    visit = store.create(
        "visit",
        {
            "customer_id": customer,
            "rep_id": user["id"],
            "planned_start": start,
            "planned_end": start + timedelta(minutes=45),
        },
    )
    store.close()
    return {"path": path, "customer": customer, "contact": contact, "visit": visit}


def _run(
    profile: dict[str, Any], capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    code = main(["--profile", str(profile["path"]), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _row(profile: dict[str, Any], entity: str, row_id: str) -> dict[str, Any] | None:
    store = Store(database_path(profile["path"]))
    try:
        return store.get(entity, row_id, include_deleted=True)
    finally:
        store.close()


def test_edit_delete_trash_restore(
    profile: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    contact = profile["contact"]
    code, out, _ = _run(profile, capsys, "edit", "contact", contact, "job_title=Einkauf", "phone=")
    assert code == 0 and out.strip() == "changed"
    row = _row(profile, "contact", contact)
    assert row is not None and (row["job_title"], row["phone"]) == ("Einkauf", None)

    assert _run(profile, capsys, "delete", "contact", contact)[0] == 0
    code, out, _ = _run(profile, capsys, "trash", "--json")
    [entry] = json.loads(out)
    assert (entry["entity"], entry["id"]) == ("contact", contact)
    assert _run(profile, capsys, "restore", "contact", contact)[0] == 0
    row = _row(profile, "contact", contact)
    assert row is not None and row["deleted"] is False
    assert json.loads(_run(profile, capsys, "trash", "--json")[1]) == []


def test_cancel_and_move_a_visit(
    profile: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    visit = profile["visit"]
    code, out, _ = _run(
        profile, capsys, "move-visit", visit, "--start", "2027-03-01T09:30:00+01:00"
    )
    assert code == 0, out
    row = _row(profile, "visit", visit)
    assert row is not None
    assert (row["planned_start"], row["planned_end"]) == (
        "2027-03-01T08:30:00Z",
        "2027-03-01T09:15:00Z",
    )
    assert _run(profile, capsys, "cancel-visit", visit, "--reason", "Trade fair")[0] == 0
    row = _row(profile, "visit", visit)
    assert row is not None and (row["status"], row["cancel_reason"]) == ("cancelled", "Trade fair")


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("edit", "contact", "{contact}", "email=not-an-address"), 2, "not a valid e-mail"),
        (("edit", "contact", "{contact}", "shoe_size=44"), 2, "shoe_size"),
        (("edit", "contact", "{contact}", "last_name="), 2, "last_name: is required"),
        (("edit", "visit", "{visit}", "planned_start=2027-01-01T08:00:00Z"), 2, "planned_start"),
        (("cancel-visit", "{visit}", "--reason", " "), 2, "cancel_reason: is required"),
        (("move-visit", "{visit}", "--start", "next tuesday"), 2, "planned_start"),
        (("restore", "contact", "{contact}"), 2, "is not deleted"),
        (("delete", "note", "01a23ac9-0000-7000-8000-000000000000"), 1, "unknown_record"),
        (("answer", "01a23ac9-0000-7000-8000-000000000000", "accept"), 1, "unknown_request"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_changes_nothing(
    profile: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    code: int,
    said: str,
) -> None:
    store = Store(database_path(profile["path"]))
    before = store.pending_count()
    store.close()
    filled = [a.format(**profile) for a in args]
    result, _out, err = _run(profile, capsys, *filled)
    assert result == code and said in err, err
    store = Store(database_path(profile["path"]))
    assert store.pending_count() == before
    store.close()


def test_the_commands_run_as_a_process(profile: dict[str, Any]) -> None:
    result = fieldcrm(profile["path"], "cancel-visit", profile["visit"], "--reason", "Ill")
    assert result.returncode == 0, result.stderr
    result = fieldcrm(profile["path"], "cancel-visit", profile["visit"], "--reason", "Ill")
    assert result.returncode == 1 and "visit_not_planned" in result.stderr
