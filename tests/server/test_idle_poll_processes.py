"""The idle poll between server processes: two servers on one PostgreSQL database keep
each caller's scopes per sequence number in their own memory; a change made meanwhile by
the other server or by the admin command line (a rep moved, a territory moved to another
area) gets every poll the full answer, from either server, as a pull without the tag."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ApiPaths
from tests.helpers.server_cli import run_cli, serve
from tests.helpers.server_env import ServerEnv, customer_fields

pytestmark = pytest.mark.postgres


def _admin(*args: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr


def _poll(base: str, auth: dict[str, str], cursor: str, tag: str | None) -> httpx.Response:
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), **auth}
    if tag is not None:
        headers["If-None-Match"] = tag
    return httpx.get(base + ApiPaths.PULL, params={"cursor": cursor}, headers=headers)


def test_two_servers_and_the_admin_command_line(pg_url: str, tmp_path: Path) -> None:
    env = ServerEnv(pg_url)
    try:
        env.setup_area()
        # The manager of Central; West (another area's territory) holds a customer.
        maria, wim, anna = env.session("maria"), env.session("wim"), env.session("anna")
        wim.create("customer", customer_fields("Westwind KG"))

        maria.sync()
        with serve(pg_url, tmp_path / "a.log") as one, serve(pg_url, tmp_path / "b.log") as two:
            full = _poll(one, maria.auth, maria.cursor, None)
            assert full.status_code == 200
            tag = full.headers["ETag"]
            for base in (one, two):  # both servers know maria's scopes at this number now
                assert _poll(base, maria.auth, maria.cursor, tag).status_code == 304
            steps = (
                # West moves into Central: its rows are in no scope maria had, so only
                # her new scopes tell the poll that something changed.
                lambda: _admin("territory", "set", "West", "--area", "Central", "--db", pg_url),
                lambda: _admin("user", "set", "wim", "--territory", "North", "--db", pg_url),
                lambda: anna.create("customer", customer_fields()),
            )
            for step in steps:
                step()
                for base in (two, one):
                    expected = _poll(base, maria.auth, maria.cursor, None)
                    polled = _poll(base, maria.auth, maria.cursor, tag)
                    assert expected.status_code == 200
                    assert polled.status_code == 200, (step, base)
                    assert polled.headers["ETag"] == expected.headers["ETag"]
                    assert (
                        polled.content.split(b'"team_last_sync"')[0]
                        == expected.content.split(b'"team_last_sync"')[0]
                    )
                maria.sync()  # the laptop takes the page
                tag = _poll(one, maria.auth, maria.cursor, None).headers["ETag"]
                assert _poll(one, maria.auth, maria.cursor, tag).status_code == 304
                assert _poll(two, maria.auth, maria.cursor, tag).status_code == 304
    finally:
        env.close()
