"""A real sync server in-process (FastAPI app on a SQLite file) and laptops that sync with it.

The server can be "restarted": a new app with a new engine on the same database file.
``LossyTransport`` loses the response of chosen requests after the server handled them,
as a dropped connection would.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fieldcrm.domain.entities import ENTITIES
from fieldcrm.store import Store
from fieldcrm.store.export import iter_records
from fieldcrm.store.replica import USER_INFO_KEY, rejected_changes, unresolved_conflict_count
from fieldcrm.sync import SyncClient, SyncEngine, SyncResult, login, open_client
from fieldcrm.sync.credentials import FileTokenStore
from sync_server import admin
from sync_server import tables as t
from sync_server.api import create_app
from sync_server.config import Settings
from sync_server.db import make_engine, upgrade, write_transaction
from sync_server.scope import caller_scopes

PASSWORD = "correct horse battery"
SERVER_URL = "http://127.0.0.1"

_TEMPLATE: dict[str, Path] = {}


def migrated_server_db(directory: Path) -> Path:
    """A migrated empty server database (copied from a per-process template: fast)."""
    if "db" not in _TEMPLATE:
        # Per process: a template left by another checkout may carry another schema.
        template_dir = Path(tempfile.mkdtemp(prefix="fieldcrm-server-template-"))
        atexit.register(shutil.rmtree, template_dir, ignore_errors=True)
        path = template_dir / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        _TEMPLATE["db"] = path
    target = directory / "server.db"
    shutil.copy(_TEMPLATE["db"], target)
    return target


class InProcessServer:
    """The real server app on a SQLite file; ``restart()`` starts a new app on the same file."""

    def __init__(self, db_path: Path, *, reuse_app: FastAPI | None = None) -> None:
        self.url = f"sqlite:///{db_path}"
        self.ids: dict[str, str] = {}
        self._start(reuse_app)

    def _start(self, reuse_app: FastAPI | None = None) -> None:
        self.engine = make_engine(self.url)
        if reuse_app is not None:
            # An app made earlier, pointed at this database (saves building the routes).
            reuse_app.state.engine = self.engine
            reuse_app.state.settings = Settings(database_url=self.url)
            self.app = reuse_app
        else:
            self.app = create_app(Settings(database_url=self.url), engine=self.engine)
        self.client = TestClient(self.app)
        self.client.__enter__()
        self.transport = ForwardingTransport(self.client._transport)

    def restart(self) -> None:
        old_inner = self.transport
        self.close()
        self._start()
        # Laptops keep their transport object; point it at the new app.
        old_inner.inner = self.transport.inner
        self.transport = old_inner

    def close(self) -> None:
        self.client.__exit__(None, None, None)
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
                conn, name, role, PASSWORD, territory=territory, area=area
            )
        return self.ids[name]

    def revoke_device(self, device_id: str) -> None:
        with write_transaction(self.engine) as conn:
            admin.revoke_device(conn, device_id)

    def admin_update(self, entity: str, row_id: str, fields: dict[str, Any]) -> str:
        with write_transaction(self.engine) as conn:
            session = admin.AdminSession(conn)
            status = session.apply(entity, "update", row_id, fields)
            session.finish()
        return status

    def view_of(self, username: str) -> dict[tuple[str, str], dict[str, Any]]:
        """Every live row the user may see, read from the server's database."""
        with self.engine.connect() as conn:
            account = admin.account_by_name(conn, username)
            scopes = caller_scopes(conn, account.role, account.territory_id, account.id)
            query = sa.select(t.record.c.entity, t.record.c.id, t.record.c.data).where(
                t.record.c.deleted.is_(False)
            )
            if scopes.read is not None:
                query = query.where(t.record.c.scope.in_(sorted(scopes.read)))
            return {(e, i): orjson.loads(data) for e, i, data in conn.execute(query)}

    def deleted_ids(self) -> set[tuple[str, str]]:
        with self.engine.connect() as conn:
            query = sa.select(t.record.c.entity, t.record.c.id).where(t.record.c.deleted.is_(True))
            return {(e, i) for e, i in conn.execute(query)}


class ForwardingTransport(httpx.BaseTransport):
    """Forwards to an inner transport that can be swapped (server restart) or made lossy."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        #: Path fragments whose next response is lost after the server handled the request.
        self.lose_next: list[str] = []
        #: Path fragments whose next request fails before reaching the server.
        self.fail_next: list[str] = []
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        for fragment in list(self.fail_next):
            if fragment in path:
                self.fail_next.remove(fragment)
                raise httpx.ConnectError("connection refused (test)", request=request)
        response = self.inner.handle_request(request)
        for fragment in list(self.lose_next):
            if fragment in path:
                self.lose_next.remove(fragment)
                response.read()
                self.lost += 1
                raise httpx.ReadError("connection dropped after the server answered (test)")
        return response


class Laptop:
    """One user's laptop: a local store that logs in and syncs through the in-process server."""

    def __init__(
        self, directory: Path, server: InProcessServer, username: str, *, login_now: bool = True
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.server = server
        self.username = username
        self.store = Store(directory / "fieldcrm.db")
        self.tokens = FileTokenStore(directory / "session.token")
        #: Kept between syncs like the desktop app does (the access token lives in it).
        self._client: SyncClient | None = None
        if login_now:
            self.login()

    @property
    def transport(self) -> ForwardingTransport:
        return self.server.transport

    def login(self) -> None:
        self._client = None
        login(
            self.store,
            SERVER_URL,
            self.username,
            PASSWORD,
            transport=self.transport,
            token_store=self.tokens,
        )

    @property
    def user_id(self) -> str:
        raw = self.store.meta(USER_INFO_KEY)
        assert raw is not None
        user_id: str = orjson.loads(raw)["id"]
        return user_id

    def sync(
        self, progress: Callable[[Any], None] | None = None, **engine_options: Any
    ) -> SyncResult:
        if self._client is None:
            self._client = open_client(
                self.store,
                self.transport,
                token_store=self.tokens,
                sleep=lambda _s: None,
                max_attempts=4,
            )
        engine_options.setdefault("raise_errors", False)
        return SyncEngine(self.store, self._client, progress, **engine_options).sync()

    def view(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Every live row on this laptop."""
        out = {}
        for entity in ENTITIES:
            for record in iter_records(self.store, entity):
                row_id = record.pop("id")
                out[(entity, row_id)] = record
        return out

    def status_conflicts(self) -> int:
        with self.store.read() as conn:
            return unresolved_conflict_count(conn)

    def status_rejected(self) -> int:
        with self.store.read() as conn:
            return len(rejected_changes(conn))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self.store.close()
