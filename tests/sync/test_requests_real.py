"""Requests in the manager's channel through real processes: the server and every laptop
are separate processes (``fieldcrm`` commands). A manager asks a rep twice; the rep declines
one with a reason and accepts and completes the other; the manager sees both answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.store import Store
from sync_server import admin
from sync_server.db import make_engine, write_transaction
from tests.helpers.realserver import PASSWORD, RealServer, fieldcrm

pytestmark = pytest.mark.slow


def _run(profile: Path, *args: str) -> str:
    result = fieldcrm(profile, *args, timeout=120)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def _login(profile: Path, server: RealServer, user: str) -> None:
    result = fieldcrm(
        profile, "login", "--server", server.url, "--user", user, stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr


def _requests(profile: Path) -> dict[str, list[dict[str, Any]]]:
    listed: dict[str, list[dict[str, Any]]] = json.loads(_run(profile, "requests", "--json"))
    return listed


def test_a_declined_request_reaches_the_manager_and_a_done_one_is_done_on_both_sides(
    tmp_path: Path,
) -> None:
    server = RealServer(tmp_path / "server")
    server.setup_area()  # North and South in Area 1: anna, ben (North), sven (South)
    engine = make_engine(server.db_url)
    with write_transaction(engine) as conn:
        admin.add_user(conn, "mia", "manager", PASSWORD, area="Area 1")
    engine.dispose()
    server.start()
    mia, anna, sven = (tmp_path / name for name in ("mia", "anna", "sven"))
    try:
        for profile, name in ((mia, "mia"), (anna, "anna"), (sven, "sven")):
            _login(profile, server, name)
        store = Store(anna / "fieldcrm.db")
        try:
            store.create("customer", {"number": "K-1", "name": "Bäckerei Müller"})
        finally:
            store.close()
        for profile in (anna, mia, sven):
            _run(profile, "sync", "--quiet")

        # Bad input is refused before anything is written.
        refused = fieldcrm(
            mia, "ask", "--customer", "K-1", "--to", "sven", "--title", "x", "--due", "2027-01-08"
        )
        assert refused.returncode == 1 and "cannot see this customer" in refused.stderr
        refused = fieldcrm(
            mia, "ask", "--customer", "K-9", "--to", "anna", "--title", "x", "--due", "2027-01-08"
        )
        assert refused.returncode == 2 and "no customer with number 'K-9'" in refused.stderr

        visit = _run(
            mia,
            "ask",
            *("--customer", "K-1", "--to", "anna", "--title", "Visit Müller about the new prices"),
            *("--due", "2027-01-08"),
        )
        call = _run(
            mia,
            "ask",
            *("--customer", "K-1", "--to", "anna", "--title", "Call Müller's buyer"),
            *("--due", "2027-01-06"),
        )
        visit_id = visit.split(": ")[1].split()[0]
        call_id = call.split(": ")[1].split()[0]
        _run(mia, "sync", "--quiet")

        _run(anna, "sync", "--quiet")
        asked = {r["id"]: r for r in _requests(anna)["asked_of_me"]}
        assert set(asked) == {visit_id, call_id}
        assert asked[visit_id]["requested_by_name"] == "mia"
        refused = fieldcrm(anna, "answer", call_id, "decline")
        assert refused.returncode == 2 and "response_note" in refused.stderr
        _run(anna, "answer", call_id, "decline", "--reason", "The buyer is on leave until March")
        _run(anna, "answer", visit_id, "accept")
        _run(anna, "answer", visit_id, "done")
        _run(anna, "sync", "--quiet")

        _run(mia, "sync", "--quiet")
        answers = {r["id"]: r for r in _requests(mia)["asked_by_me"]}
        assert answers[call_id]["response"] == "declined"
        assert answers[call_id]["response_note"] == "The buyer is on leave until March"
        assert answers[call_id]["responded_at"] and not answers[call_id]["done_at"]
        assert answers[visit_id]["response"] == "accepted" and answers[visit_id]["done_at"]
        text = _run(mia, "requests")
        assert "declined — The buyer is on leave until March" in text
        assert f"{visit_id}  2027-01-08  Visit Müller about the new prices" in text
        mine = {r["id"]: r for r in _requests(anna)["asked_of_me"]}
        assert mine[visit_id]["done_at"] == answers[visit_id]["done_at"]

        # The rep of the other territory has neither request.
        _run(sven, "sync", "--quiet")
        assert _requests(sven) == {"asked_of_me": [], "asked_by_me": []}
        assert json.loads(_run(sven, "status", "--json"))["counts"]["followup"] == 0
    finally:
        server.stop()
