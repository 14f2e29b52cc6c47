"""A real in-process sync server for tests, with helpers for users and outbox entries."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi.testclient import TestClient

from fieldcrm.domain.entities import ENTITIES
from fieldcrm.domain.hlc import HybridLogicalClock
from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    ApiPaths,
    PullPage,
    expand_stamps,
)
from sync_server import admin, auth
from sync_server.api import create_app
from sync_server.config import Settings
from sync_server.db import make_engine, write_transaction

PASSWORD = "correct horse battery"


@functools.cache
def password_hash() -> str:
    """Hashed once per test session: argon2id at OWASP strength takes tens of ms."""
    return auth.hash_password(PASSWORD)


class ServerEnv:
    """One database, one app, one HTTP client; ``setup_area`` adds the usual people."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.app = create_app(Settings(database_url=url), engine=self.engine)
        self.http = TestClient(self.app, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)})
        self.ids: dict[str, str] = {}
        self.clients: dict[str, Client] = {}

    def close(self) -> None:
        self.http.close()
        self.engine.dispose()

    def territory(self, name: str, area: str | None = None) -> str:
        with write_transaction(self.engine) as conn:
            self.ids[name] = admin.add_territory(conn, name, area)
            if area:
                self.ids[area] = admin.territory_by_name(conn, area) or ""
        return self.ids[name]

    def user(
        self, name: str, role: str, *, territory: str | None = None, area: str | None = None
    ) -> str:
        with write_transaction(self.engine) as conn:
            self.ids[name] = admin.add_user(
                conn,
                name,
                role,
                PASSWORD,
                territory=territory,
                area=area,
                password_hash=password_hash(),
            )
        return self.ids[name]

    def setup_area(self) -> None:
        """Area 'Central' with North (rep anna) and South (rep ben); maria manages the
        area; West is another area's territory (rep wim); root is admin."""
        self.territory("North", "Central")
        self.territory("South", "Central")
        self.territory("West", "Coast")
        self.user("anna", "rep", territory="North")
        self.user("ben", "rep", territory="South")
        self.user("wim", "rep", territory="West")
        self.user("maria", "manager", area="Central")
        self.user("root", "admin")

    def login(self, username: str, device_id: str | None = None) -> Client:
        """Log in over HTTP (the password check costs tens of milliseconds)."""
        device_id = device_id or f"{username}-laptop"
        response = self.http.post(
            ApiPaths.LOGIN,
            json={"username": username, "password": PASSWORD, "device_id": device_id},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        return Client(
            self.http, device_id, body["access_token"], body["refresh_token"], body["user"]["id"]
        )

    def session(self, username: str, device_id: str | None = None) -> Client:
        """A logged-in device without the password check: the server's own session start
        (``auth.start_session``), for tests that are not about logging in."""
        device_id = device_id or f"{username}-laptop"
        with write_transaction(self.engine) as conn:
            account = admin.account_by_name(conn, username)
            issued = auth.start_session(conn, account.id, device_id)
        return Client(
            self.http, device_id, issued.access_token, issued.refresh_token, issued.user_id
        )


@dataclass
class Client:
    """A simulated device: its own clock and operation numbers, pushing and pulling."""

    http: TestClient | httpx.Client
    device_id: str
    access_token: str
    refresh_token: str
    user_id: str
    op_no: int = 0
    cursor: str = "0"
    clock: HybridLogicalClock = field(init=False)
    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.clock = HybridLogicalClock(self.device_id)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def entry(
        self,
        entity: str,
        op: str,
        row_id: str,
        fields: dict[str, Any] | None = None,
        base_stamps: dict[str, str] | None = None,
        stamp: str | None = None,
    ) -> dict[str, Any]:
        self.op_no += 1
        stamp = stamp or self.clock.now()
        fields = fields or {}
        stamps = {"_deleted": stamp} if op == "delete" else dict.fromkeys(fields, stamp)
        return {
            "device_id": self.device_id,
            "op_no": self.op_no,
            "entity": entity,
            "row_id": row_id,
            "op": op,
            "fields": fields,
            "stamps": stamps,
            "base_stamps": base_stamps or {},
        }

    def push_raw(
        self, entries: list[dict[str, Any]], resolved: list[str] | None = None
    ) -> httpx.Response:
        body: dict[str, Any] = {"device_id": self.device_id, "entries": entries}
        if resolved:
            body["resolved_conflicts"] = resolved
        return self.http.post(ApiPaths.PUSH, json=body, headers=self.auth)

    def push(self, *entries: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.push_raw(list(entries))
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def create(self, entity: str, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        row_id = uuid7()
        (result,) = self.push(self.entry(entity, "create", row_id, fields))
        return row_id, result

    def pull_page(self, cursor: str | None = None, limit: int = 1000) -> PullPage:
        response = self.http.get(
            ApiPaths.PULL,
            params={"cursor": self.cursor if cursor is None else cursor, "limit": limit},
            headers=self.auth,
        )
        assert response.status_code == 200, response.text
        return PullPage.model_validate_json(response.content)

    def sync(self, limit: int = 1000) -> list[PullPage]:
        """Pull until the last page, applying rows and evictions to ``rows``."""
        pages = []
        while True:
            page = self.pull_page(limit=limit)
            pages.append(page)
            for row in page.rows:
                if row.deleted:
                    self.rows.pop((row.entity, row.id), None)
                else:
                    # Stamps arrive compact; a client edits against every field's stamp.
                    stamps = expand_stamps(row.stamps, ENTITIES[row.entity].field_names)
                    self.rows[(row.entity, row.id)] = {"fields": row.fields, "stamps": stamps}
            for ev in page.evictions:
                self.rows.pop((ev.entity, ev.id), None)
                if ev.entity == "customer":
                    for key in [
                        k for k, v in self.rows.items() if v["fields"].get("customer_id") == ev.id
                    ]:
                        del self.rows[key]
            self.cursor = page.cursor
            if not page.has_more:
                return pages

    def ids(self, entity: str) -> set[str]:
        return {row_id for (e, row_id) in self.rows if e == entity}


def customer_fields(name: str = "Bäckerei Müller GmbH", **extra: Any) -> dict[str, Any]:
    return {"name": name, "status": "active", "city": "Hamburg", **extra}


def db_state(env: ServerEnv) -> tuple[int, int, int, int]:
    """(last sequence number, rows, applied operations, conflicts): equal before and after
    means nothing was written."""
    import sqlalchemy as sa

    from sync_server import tables as t

    with env.engine.connect() as conn:
        return (
            conn.execute(sa.select(t.seq_counter.c.value)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(t.record)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(t.applied_op)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(t.conflict)).scalar_one(),
        )
