"""The admin command line in-process (the real-process run is in test_end_to_end), the demo
seed and the server's migration history."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fieldcrm.domain.validation import validate_record
from fieldcrm.protocol import ApiPaths
from sync_server import cli
from sync_server.db import make_engine
from sync_server.tables import metadata
from tests.helpers.server_env import ServerEnv


def _cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_migrations_match_the_tables(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == [], "a table change needs a migration"


def test_cli_user_lifecycle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    monkeypatch.setenv("FIELDCRM_DATABASE_URL", db)
    code, _, err = _cli(capsys, monkeypatch, "territory", "add", "North")
    assert code == 1 and "init" in err, "a database without schema is refused with advice"
    assert _cli(capsys, monkeypatch, "init")[0] == 0
    assert _cli(capsys, monkeypatch, "territory", "add", "North", "--area", "Central")[0] == 0
    code, _, err = _cli(capsys, monkeypatch, "territory", "add", "North")
    assert code == 1 and "exists" in err
    code, _, err = _cli(
        capsys,
        monkeypatch,
        "user",
        "add",
        "anna",
        "--role",
        "rep",
        "--territory",
        "North",
        "--password-stdin",
        stdin="short\n",
    )
    assert code == 1 and "12 characters" in err
    code, out, _ = _cli(
        capsys,
        monkeypatch,
        "user",
        "add",
        "anna",
        "--role",
        "rep",
        "--territory",
        "North",
        "--password-stdin",
        stdin="first password\n",
    )
    assert code == 0 and "anna" in out
    env = ServerEnv(db)
    try:

        def login(password: str, device: str = "laptop") -> int:
            return env.http.post(
                ApiPaths.LOGIN, json={"username": "anna", "password": password, "device_id": device}
            ).status_code

        assert login("first password") == 200
        assert (
            _cli(
                capsys,
                monkeypatch,
                "user",
                "reset-password",
                "anna",
                "--password-stdin",
                stdin="second password\n",
            )[0]
            == 0
        )
        assert login("first password") == 401 and login("second password") == 200
        assert _cli(capsys, monkeypatch, "device", "revoke", "laptop")[0] == 0
        assert login("second password") == 403
        assert _cli(capsys, monkeypatch, "device", "revoke", "nope")[0] == 1
        assert _cli(capsys, monkeypatch, "user", "disable", "anna")[0] == 0
        assert login("second password", "phone") == 403
    finally:
        env.close()


def test_cli_import_skip_invalid_and_reimport_moves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    monkeypatch.setenv("FIELDCRM_DATABASE_URL", db)
    _cli(capsys, monkeypatch, "init")
    _cli(capsys, monkeypatch, "territory", "add", "North", "--area", "Central")
    _cli(capsys, monkeypatch, "territory", "add", "South", "--area", "Central")
    csv = tmp_path / "c.csv"
    csv.write_text("number,name,city\nK-1,Gasthof Weber,Kiel\nK-2,,Kiel\nK-1,Dup,Kiel\n")
    code, out, _ = _cli(
        capsys,
        monkeypatch,
        "import",
        "customers",
        str(csv),
        "--territory",
        "North",
        "--skip-invalid",
    )
    assert code == 0 and "1 new" in out and "line 3: name" in out and "line 4: number" in out
    env = ServerEnv(db)
    try:
        env.ids.update({"North": "", "South": ""})
        _cli(
            capsys,
            monkeypatch,
            "user",
            "add",
            "nora",
            "--role",
            "rep",
            "--territory",
            "North",
            "--password-stdin",
            stdin="a good password\n",
        )
        _cli(
            capsys,
            monkeypatch,
            "user",
            "add",
            "sam",
            "--role",
            "rep",
            "--territory",
            "South",
            "--password-stdin",
            stdin="a good password\n",
        )
        nora, sam = env.session("nora"), env.session("sam")
        nora.sync()
        sam.sync()
        assert len(nora.ids("customer")) == 1 and not sam.ids("customer")
        csv.write_text("number,name,city\nK-1,Gasthof Weber,Kiel\n")
        code, out, _ = _cli(
            capsys, monkeypatch, "import", "customers", str(csv), "--territory", "South"
        )
        assert code == 0 and "0 updated" in out
        assert "Moved here from another territory or owner: 1" in out and "to South" in out
        pages = nora.sync()
        assert pages[-1].evictions and not nora.ids("customer")
        sam.sync()
        assert len(sam.ids("customer")) == 1
    finally:
        env.close()


def test_demo_seed_is_valid_and_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("FIELDCRM_DATABASE_URL", db)
    _cli(capsys, monkeypatch, "init")
    code, out, _ = _cli(capsys, monkeypatch, "demo")
    assert code == 0 and "anna" in out
    code, out, _ = _cli(capsys, monkeypatch, "demo")
    assert code == 0 and "there already" in out
    env = ServerEnv(db)
    try:
        response = env.http.post(
            ApiPaths.LOGIN,
            json={"username": "anna", "password": "demo", "device_id": "demo-laptop"},
        )
        assert response.status_code == 200
        anna = env.session("anna", "demo-laptop")
        anna.sync()
        customers = anna.ids("customer")
        assert 20 <= len(customers) <= 30
        for (entity, _), row in anna.rows.items():
            validate_record(entity, row["fields"])
        visits = [r["fields"] for (e, _), r in anna.rows.items() if e == "visit"]
        assert {v["status"] for v in visits} >= {"done", "planned"}
        assert {e for e, _ in anna.rows} >= {"contact", "note", "followup", "user", "territory"}
    finally:
        env.close()


def test_demo_refuses_a_database_with_other_users_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'real.db'}"
    monkeypatch.setenv("FIELDCRM_DATABASE_URL", db)
    _cli(capsys, monkeypatch, "init")
    _cli(capsys, monkeypatch, "territory", "add", "Hamburg")
    code, _, _ = _cli(
        capsys,
        monkeypatch,
        "user",
        "add",
        "it-chief",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long and private pass\n",
    )
    assert code == 0
    code, _, err = _cli(capsys, monkeypatch, "demo")
    assert code == 1 and "it-chief" in err and "--force" in err
    env = ServerEnv(db)
    try:
        refused = env.http.post(
            ApiPaths.LOGIN, json={"username": "admin", "password": "demo", "device_id": "x"}
        )
        assert refused.status_code == 401, "no demo administrator was added"
        code, out, _ = _cli(capsys, monkeypatch, "demo", "--force")
        assert code == 0 and "anna" in out
    finally:
        env.close()
