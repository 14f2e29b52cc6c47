"""A bulletin with a PDF through real processes: the server and every laptop are separate processes
(``fieldcrm`` commands); the network is cut by stopping the server; "two days later" is the
wall clock of the server and the laptops moved ahead with libfaketime."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sync_server import admin
from sync_server.db import make_engine, write_transaction
from tests.helpers.faketime import clock_ahead, faketime_library
from tests.helpers.realserver import PASSWORD, RealServer, fieldcrm

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        faketime_library() is None, reason="libfaketime missing (Debian package faketime)"
    ),
]

TWO_DAYS = clock_ahead("+2d")


def _run(profile: Path, *args: str, env: dict[str, str] | None = None, ok: bool = True) -> str:
    result = fieldcrm(profile, *args, timeout=120, **(env or {}))
    if ok:
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _login(profile: Path, server: RealServer, user: str) -> None:
    result = fieldcrm(
        profile, "login", "--server", server.url, "--user", user, stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr


def _json(profile: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return json.loads(_run(profile, *args, "--json", env=env))


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def pdf(path: Path, size: int) -> Path:
    head = b"%PDF-1.4\n% price list\n"
    path.write_bytes(head + b"0" * (size - len(head) - 6) + b"\n%%EOF")
    return path


def test_a_bulletin_is_confirmed_offline_and_read_two_days_later(tmp_path: Path) -> None:
    server = RealServer(tmp_path / "server")
    server.setup_area()  # North and South in Area 1: anna, ben (North), sven (South)
    engine = make_engine(server.db_url)
    with write_transaction(engine) as conn:
        admin.add_territory(conn, "Coast", "Area 2")
        admin.add_user(conn, "mia", "manager", PASSWORD, area="Area 1")
        admin.add_user(conn, "nina", "rep", PASSWORD, territory="North")
        admin.add_user(conn, "carl", "rep", PASSWORD, territory="Coast")
    engine.dispose()
    server.start()
    profiles = {name: tmp_path / name for name in ("mia", "anna", "ben", "nina", "sven", "carl")}
    try:
        for name in ("mia", "anna", "nina", "sven", "carl"):
            _login(profiles[name], server, name)
            _run(profiles[name], "sync", "--quiet")
        mia, anna, ben = profiles["mia"], profiles["anna"], profiles["ben"]

        # Bad input is refused before anything is written or sent.
        refused = fieldcrm(mia, "bulletin", "post", "--title", " ", "--body", "x")
        assert refused.returncode == 2 and "title" in refused.stderr
        refused = fieldcrm(
            mia, "bulletin", "post", "--title", "T", "--body", "x", "--territory", "Coast"
        )
        assert refused.returncode == 2 and "no territory 'Coast' in your area" in refused.stderr
        refused = fieldcrm(anna, "bulletin", "post", "--title", "T", "--body", "x")
        assert refused.returncode == 2
        assert "Only a manager or an administrator can post" in refused.stderr
        price_list = pdf(tmp_path / "preisliste.pdf", 3 * 1_048_576)
        refused = fieldcrm(
            mia,
            *("bulletin", "post", "--title", "T", "--body", "x", "--attach", str(price_list)),
            FIELDCRM_MAX_FILE_MB="2",
        )
        assert refused.returncode == 2 and "files of at most 2 MB" in refused.stderr
        refused = fieldcrm(
            mia, "bulletin", "post", "--title", "T", "--body", "x", "--attach", "missing.pdf"
        )
        assert refused.returncode == 2 and "Cannot read missing.pdf" in refused.stderr
        assert _json(mia, "status")["pending"] == 0

        posted = _run(
            mia,
            "bulletin",
            "post",
            "--title",
            "New price list",
            "--body",
            "Prices change on **1 January**.",
            "--territory",
            "North",
            "--confirm-by",
            "2027-01-10",
            "--attach",
            str(price_list),
        )
        assert "Posted bulletin" in posted and "with 1 document(s)" in posted
        _run(mia, "sync", "--quiet")
        [bulletin] = _json(mia, "bulletin", "list")
        bulletin_id = bulletin["id"]

        # Rep A syncs (her laptop downloads no file by size: a bulletin's come all the
        # same), then reads the bulletin and its PDF and confirms with the network cut.
        _run(anna, "sync", "--quiet", env={"FIELDCRM_AUTO_DOWNLOAD_MB": "0"})
        [unread] = _json(anna, "bulletin", "list", "--unread")
        assert unread["id"] == bulletin_id and unread["confirm_by"] == "2027-01-10"
        server.stop()
        out = _run(anna, "bulletin", "read", bulletin_id[:13], "--confirm")
        assert "Prices change on **1 January**." in out and "Confirmed at" in out
        assert "Document: preisliste.pdf (3145728 bytes, available offline)" in out
        [document] = _json(anna, "bulletin", "show", bulletin_id)["documents"]
        assert document["state"] == "here"
        got = tmp_path / "read-offline.pdf"
        _run(anna, "attachment", "get", document["id"], "--output", str(got))
        assert got.read_bytes() == price_list.read_bytes()
        assert _json(anna, "bulletin", "list", "--unread") == []
        offline = fieldcrm(anna, "sync", "--quiet")
        assert offline.returncode == 4  # server unreachable: the receipt waits
        assert _json(anna, "status")["pending"] == 1

        # Two days later: the server, rep B and the manager live two days ahead.
        server.start(**TWO_DAYS)
        _run(anna, "sync", "--quiet")
        _login(ben, server, "ben")
        _run(ben, "sync", "--quiet", env=TWO_DAYS)
        _run(ben, "bulletin", "read", bulletin_id, env=TWO_DAYS)
        _run(ben, "sync", "--quiet", env=TWO_DAYS)
        for name in ("sven", "carl"):  # nina's laptop stays off since the first day
            _run(profiles[name], "sync", "--quiet", env=TWO_DAYS)

        _run(mia, "sync", "--quiet", env=TWO_DAYS)
        shown = _json(mia, "bulletin", "show", bulletin_id, env=TWO_DAYS)
        receipts = {r["name"]: r for r in shown["receipts"]}
        assert set(receipts) == {"anna", "ben", "nina"}
        assert receipts["anna"]["confirmed_at"] and receipts["anna"]["read_at"]
        assert receipts["ben"]["read_at"] and receipts["ben"]["confirmed_at"] is None
        gap = _time(receipts["ben"]["read_at"]) - _time(receipts["anna"]["confirmed_at"])
        assert 47 * 3600 < gap.total_seconds() < 49 * 3600
        assert receipts["nina"]["read_at"] is None and receipts["nina"]["last_sync_at"]
        text = _run(mia, "bulletin", "show", bulletin_id, env=TWO_DAYS)
        assert f"anna (North): confirmed {receipts['anna']['confirmed_at']}" in text
        assert f"ben (North): read {receipts['ben']['read_at']}, not confirmed" in text
        assert "nina (North): not seen yet — last sync 2 days ago" in text

        # The other territory's rep and the other area's rep have nothing of it.
        for name in ("sven", "carl"):
            assert _json(profiles[name], "bulletin", "list") == []
            counts = _json(profiles[name], "status")["counts"]
            assert counts["bulletin"] == counts["bulletin_receipt"] == counts["comment"] == 0
            assert counts["attachment"] == 0
        # Rep A sees her own receipt, never rep B's.
        _run(anna, "sync", "--quiet")
        assert _json(anna, "status")["counts"]["bulletin_receipt"] == 1
        assert _json(anna, "bulletin", "show", bulletin_id)["receipts"] is None
    finally:
        server.stop()
