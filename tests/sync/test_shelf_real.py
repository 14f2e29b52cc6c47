"""The area's documents shelf through real processes: the server and every laptop are
separate processes (``fieldcrm`` commands). A new version of a shelf document replaces the
old one on a rep's laptop at the next sync; the old one is no longer offered, its content
leaves the laptop; reps of other areas never receive either."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from sync_server import admin
from sync_server.db import make_engine, write_transaction
from tests.helpers.realserver import PASSWORD, RealServer, fieldcrm

pytestmark = pytest.mark.slow

#: The reps download nothing by the size rule: shelf documents come all the same.
NO_AUTO_DOWNLOAD = {"FIELDCRM_AUTO_DOWNLOAD_MB": "0"}


def pdf(path: Path, text: str, size: int = 300_000) -> Path:
    body = f"%PDF-1.4\n% {text}\n".encode()
    path.write_bytes(body + b"0" * (size - len(body) - 6) + b"\n%%EOF")
    return path


def _run(profile: Path, *args: str, ok: bool = True) -> str:
    result = fieldcrm(profile, *args, timeout=180, **NO_AUTO_DOWNLOAD)
    if ok:
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _login(profile: Path, server: RealServer, user: str) -> None:
    result = fieldcrm(
        profile, "login", "--server", server.url, "--user", user, stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr


def _shelf(profile: Path) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = json.loads(_run(profile, "shelf", "list", "--json"))
    return listed


def _contents(profile: Path) -> set[str]:
    folder = profile / "attachments"
    return {p.name for p in folder.rglob("*") if p.is_file() and p.parent.name != "tmp"}


def test_a_new_version_replaces_the_old_one_on_the_reps_laptop(tmp_path: Path) -> None:
    server = RealServer(tmp_path / "server")
    server.setup_area()  # North and South in Area 1: anna, ben (North), sven (South)
    engine = make_engine(server.db_url)
    with write_transaction(engine) as conn:
        admin.add_territory(conn, "Coast", "Area 2")
        admin.add_user(conn, "mia", "manager", PASSWORD, area="Area 1")
        admin.add_user(conn, "carl", "rep", PASSWORD, territory="Coast")
    engine.dispose()
    server.start()
    mia, anna, sven, carl = (tmp_path / name for name in ("mia", "anna", "sven", "carl"))
    files = tmp_path / "files"
    files.mkdir()
    try:
        for profile, name in ((mia, "mia"), (anna, "anna"), (sven, "sven"), (carl, "carl")):
            _login(profile, server, name)
            _run(profile, "sync", "--quiet")

        # Bad input is refused before anything is written.
        refused = fieldcrm(anna, "shelf", "publish", str(pdf(files / "a.pdf", "rep")))
        assert refused.returncode == 2
        assert "Only a manager of the area or an administrator" in refused.stderr
        big = pdf(files / "big.pdf", "big", size=3 * 1_048_576)
        refused = fieldcrm(mia, "shelf", "publish", str(big), FIELDCRM_MAX_FILE_MB="2")
        assert refused.returncode == 2 and "files of at most 2 MB" in refused.stderr
        refused = fieldcrm(mia, "shelf", "publish", str(files / "a.pdf"), "--title", " ")
        assert refused.returncode == 2 and "title" in refused.stderr
        assert json.loads(_run(mia, "status", "--json"))["pending"] == 0

        first = pdf(files / "preisliste-2026.pdf", "prices 2026")
        out = _run(mia, "shelf", "publish", str(first), "--title", "Price list")
        assert "Published Price list (version 1)" in out
        _run(mia, "sync", "--quiet")
        _run(anna, "sync", "--quiet")
        [document] = _shelf(anna)
        assert (document["title"], document["version"]) == ("Price list", 1)
        assert document["state"] == "here"  # available offline, whatever its size
        first_sha = hashlib.sha256(first.read_bytes()).hexdigest()
        assert first_sha in _contents(anna)

        second = pdf(files / "preisliste-2027.pdf", "prices 2027", size=400_000)
        out = _run(mia, "shelf", "publish", str(second), "--title", "price list")
        assert "(version 2)" in out
        [mine] = _shelf(mia)
        assert mine["version"] == 2 and mine["name"] == "preisliste-2027.pdf"
        _run(mia, "sync", "--quiet")

        # At the rep's next sync: only the new version, its content here, the old gone.
        _run(anna, "sync", "--quiet")
        [document] = _shelf(anna)
        assert (document["title"], document["version"]) == ("Price list", 2)
        assert document["name"] == "preisliste-2027.pdf" and document["state"] == "here"
        second_sha = hashlib.sha256(second.read_bytes()).hexdigest()
        assert second_sha in _contents(anna) and first_sha not in _contents(anna)
        out = _run(anna, "shelf", "get", "Price list", "--output", str(tmp_path / "got.pdf"))
        assert (tmp_path / "got.pdf").read_bytes() == second.read_bytes()
        assert json.loads(_run(anna, "status", "--json"))["counts"]["attachment"] == 1

        # The rep of the other territory of the area has it too; the other area never.
        _run(sven, "sync", "--quiet")
        assert [d["version"] for d in _shelf(sven)] == [2]
        _run(carl, "sync", "--quiet")
        assert _shelf(carl) == []
        assert json.loads(_run(carl, "status", "--json"))["counts"]["attachment"] == 0
        assert _contents(carl) == set()
    finally:
        server.stop()
