"""End to end with real processes: the admin command line, then ``serve`` over HTTP."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ApiPaths
from fieldcrm.protocol.positional import row_states
from sync_server.db import alembic_config
from tests.helpers.server_cli import run_cli, serve
from tests.helpers.server_env import Client, customer_fields

pytestmark = pytest.mark.slow

GOOD_CSV = """number,name,street,postal_code,city,phone,email,status,segment,visit_cadence_days
K-1,Bäckerei Schulz GmbH,Hauptstraße 1,20095,Hamburg,+49 40 1234,info@schulz.example,active,A,30
K-2,Autohaus Novák KG,Am Hafen 3,24103,Kiel,,,prospect,B,
K-3,"Weingut Müller, Inh. Eva Müller",Lindenweg 8,23552,Lübeck,,,active,,60
"""
BAD_CSV = """number,name,city,email,status,visit_cadence_days
K-10,Gasthof Weber,Bremen,,active,30
K-11,,Bremen,,active,30
K-12,Optik Klein,Bremen,not-an-email,active,30
K-13,Hotel Wolf,Bremen,,sleeping,often
"""


def _ok(result: object) -> str:
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    return str(result.stdout)  # type: ignore[attr-defined]


def _http_client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)}, timeout=30)


def test_end_to_end_cli_and_serve(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'server.db'}"
    head = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    assert f"schema {head}" in _ok(run_cli("init", "--db", db))
    _ok(run_cli("territory", "add", "North", "--area", "Central", "--db", db))
    _ok(
        run_cli(
            "user",
            "add",
            "anna",
            "--role",
            "rep",
            "--territory",
            "North",
            "--password-stdin",
            "--db",
            db,
            stdin="the rep's secret pw\n",
        )
    )
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    out = _ok(run_cli("import", "customers", str(good), "--territory", "North", "--db", db))
    assert "3 new" in out
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    refused = run_cli("import", "customers", str(bad), "--territory", "North", "--db", db)
    assert refused.returncode == 1
    assert "Nothing was imported" in refused.stderr
    for expected in (
        "line 3: name",
        "line 4: email",
        "line 5: status",
        "line 5: visit_cadence_days",
    ):
        assert expected in refused.stderr, refused.stderr
    assert "line 2" not in refused.stderr
    # A missing password or an unknown territory is refused with a message.
    no_pw = run_cli("user", "add", "ben", "--role", "rep", "--territory", "North", "--db", db)
    assert no_pw.returncode == 1 and "--password-stdin" in no_pw.stderr
    nowhere = run_cli(
        "user",
        "add",
        "ben",
        "--role",
        "rep",
        "--territory",
        "Mars",
        "--password-stdin",
        "--db",
        db,
        stdin="long enough pw\n",
    )
    assert nowhere.returncode == 1 and "Mars" in nowhere.stderr

    log = tmp_path / "server.log"
    with serve(db, log) as base, _http_client(base) as http:
        login = http.post(
            ApiPaths.LOGIN,
            json={"username": "anna", "password": "the rep's secret pw", "device_id": "laptop-1"},
        )
        assert login.status_code == 200, login.text
        tokens = login.json()
        assert tokens["user"]["role"] == "rep"
        pull = http.get(
            ApiPaths.PULL, headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
        assert pull.status_code == 200
        rows = row_states(pull.json()["tables"])
        customers = {r["fields"]["number"] for r in rows if r["entity"] == "customer"}
        assert customers == {"K-1", "K-2", "K-3"}, "nothing of the bad file was imported"
        assert http.get(ApiPaths.PULL).status_code == 401
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"]
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("logger") == "fieldcrm.server.request"]
    assert requests and all("request_id" in line for line in requests)
    assert "the rep's secret pw" not in log.read_text()
    assert tokens["access_token"] not in log.read_text()


@pytest.mark.postgres
def test_two_servers_on_one_postgres_converge(pg_url: str, tmp_path: Path) -> None:
    _ok(run_cli("init", "--db", pg_url))
    _ok(run_cli("territory", "add", "North", "--area", "Central", "--db", pg_url))
    for name, role, where in (
        ("anna", "rep", ("--territory", "North")),
        ("maria", "manager", ("--area", "Central")),
    ):
        _ok(
            run_cli(
                "user",
                "add",
                name,
                "--role",
                role,
                *where,
                "--password-stdin",
                "--db",
                pg_url,
                stdin="a good password\n",
            )
        )
    with (
        serve(pg_url, tmp_path / "a.log") as base_a,
        serve(pg_url, tmp_path / "b.log") as base_b,
        _http_client(base_a) as http_a,
        _http_client(base_b) as http_b,
    ):
        servers = (http_a, http_b)

        def login(name: str) -> Client:
            r = http_a.post(
                ApiPaths.LOGIN,
                json={"username": name, "password": "a good password", "device_id": f"{name}-dev"},
            )
            assert r.status_code == 200, r.text
            body = r.json()
            return Client(
                http_a,
                f"{name}-dev",
                body["access_token"],
                body["refresh_token"],
                body["user"]["id"],
            )

        clients = [login("anna"), login("maria")]
        created: list[str] = []
        errors: list[BaseException] = []

        def work(client: Client, offset: int) -> None:
            try:
                for i in range(30):
                    client.http = servers[(i + offset) % 2]  # alternate between servers
                    row_id = uuid7()
                    (result,) = client.push(
                        client.entry(
                            "customer", "create", row_id, customer_fields(f"{client.device_id} {i}")
                        )
                    )
                    assert result["status"] == "applied"
                    created.append(row_id)
                    client.sync()
                    if i % 5 == 4:  # edit something the other user made
                        other = sorted(client.ids("customer"))[0]
                        row = client.rows[("customer", other)]
                        client.push(
                            client.entry(
                                "customer",
                                "update",
                                other,
                                {"city": f"City {client.device_id} {i}"},
                                base_stamps=row["stamps"],
                            )
                        )
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(c, n)) for n, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        for _ in range(2):  # every client syncs twice with no new edits
            for n, client in enumerate(clients):
                client.http = servers[n]
                client.sync()
        anna, maria = clients
        assert anna.ids("customer") == maria.ids("customer") == set(created)
        assert len(created) == 60
        for key in anna.rows:
            if key[0] == "customer":
                assert anna.rows[key]["fields"] == maria.rows[key]["fields"]


@pytest.mark.parametrize(("level", "logged"), [("info", True), ("warning", False)])
def test_serve_writes_the_request_log_at_the_level_asked_for(
    tmp_path: Path, level: str, logged: bool
) -> None:
    """``serve --log-level warning`` leaves the request lines out (each worker used to
    set up its logging at the info level whatever the operator asked for)."""
    db = f"sqlite:///{tmp_path / 'server.db'}"
    _ok(run_cli("init", "--db", db))
    log = tmp_path / "server.log"
    with serve(db, log, log_level=level) as base, _http_client(base) as http:
        assert http.get(ApiPaths.VERSION).status_code == 200
        assert http.get(ApiPaths.ME).status_code == 401
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("logger") == "fieldcrm.server.request"]
    assert bool(requests) is logged, lines
    if logged:
        assert {line["path"] for line in requests} >= {ApiPaths.VERSION, ApiPaths.ME}
