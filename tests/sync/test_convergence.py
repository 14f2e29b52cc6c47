"""Multi-laptop convergence: a Hypothesis state machine whose syncs really run.

Three laptops (reps in two territories and their area manager, who shares the first
territory's customers with its rep) make random creates,
edits and deletes of every entity and sync at random, while responses get lost, the server
restarts (a new app on the same database) and customers move between territories.
Invariants: no acknowledged write is lost, no deleted record comes back, and after two
sync rounds with no new edits every laptop equals the server's data for its user.

200 examples run by default; set ``FIELDCRM_HYPOTHESIS_EXAMPLES`` (e.g. 2000) to run more.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from fieldcrm.domain.validation import ValidationError
from fieldcrm.store.replica import rejected_changes
from fieldcrm.sync import LoginRequired
from sync_server import tables as t
from tests.sync.harness import InProcessServer, Laptop, migrated_server_db

EXAMPLES = int(os.environ.get("FIELDCRM_HYPOTHESIS_EXAMPLES", "200"))
USERS = ("anna", "sven", "mia")
NAMES = st.sampled_from(["Acme", "Bäckerei Nord", "Zenith", "Müller & Co", "Orion", "Kappa"])
CITIES = st.sampled_from(["Kiel", "Lübeck", "Hamburg", "Bremen", None])
ENTITIES = ("customer", "contact", "visit", "note", "followup")
#: Databases in memory-backed storage where there is some: fsync dominates otherwise.
SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


class _Template:
    """Server database and logged-in laptops made once, copied for every example."""

    directory: Path | None = None
    ids: dict[str, str] = {}
    app: FastAPI | None = None

    @classmethod
    def get(cls) -> Path:
        if cls.directory is None:
            root = Path(tempfile.mkdtemp(prefix="fieldcrm-convergence-", dir=SCRATCH))
            atexit.register(shutil.rmtree, root, ignore_errors=True)
            server = InProcessServer(migrated_server_db(root))
            server.territory("North", area="Area")
            server.territory("South", area="Area")
            server.user("anna", "rep", territory="North")
            server.user("sven", "rep", territory="South")
            server.user("mia", "manager", area="Area")
            for name in USERS:
                Laptop(root / name, server, name).close()
            cls.ids = dict(server.ids)
            server.close()
            cls.app = server.app
            cls.directory = root
        return cls.directory


class ConvergenceMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.work = Path(tempfile.mkdtemp(prefix="fieldcrm-example-", dir=SCRATCH))
        template = _Template.get()
        for item in template.iterdir():
            if item.is_dir() and item.name in USERS:
                shutil.copytree(item, self.work / item.name)
        shutil.copy(template / "server.db", self.work / "server.db")
        self.server = InProcessServer(self.work / "server.db", reuse_app=_Template.app)
        self.server.ids = dict(_Template.ids)
        self.laptops = {
            name: Laptop(self.work / name, self.server, name, login_now=False) for name in USERS
        }
        #: (entity, id, field) -> stamps of acknowledged writes.
        self.acknowledged: list[tuple[str, str, str, str]] = []
        self.acknowledged_creates: set[tuple[str, str]] = set()
        self.ever_deleted: set[tuple[str, str]] = set()
        self.relogins = 0

    def teardown(self) -> None:
        try:
            self._settle_and_compare()
        finally:
            for lap in self.laptops.values():
                lap.close()
            self.server.close()
            shutil.rmtree(self.work, ignore_errors=True)

    # ---- helpers -------------------------------------------------------------------

    def _live_ids(self, lap: Laptop, entity: str) -> list[str]:
        with lap.store.read() as conn:
            return sorted(
                conn.exec_driver_sql(
                    f'SELECT id FROM "{entity}" WHERE deleted = 0 ORDER BY id'
                ).scalars()
            )

    def _sync(self, name: str) -> None:
        lap = self.laptops[name]
        before = {e["op_no"]: e for e in lap.store.outbox_entries()}
        try:
            result = lap.sync()
        except LoginRequired:
            # A lost refresh answer costs the session (refresh tokens rotate and a reused
            # one ends the session): the person logs in again; no data is lost.
            self.relogins += 1
            lap.login()
            result = lap.sync()
        remaining = {e["op_no"] for e in lap.store.outbox_entries()}
        with lap.store.read() as conn:
            rejected = {r["op_no"] for r in rejected_changes(conn)}
        for op_no, entry in before.items():
            if op_no in remaining or op_no in rejected:
                continue
            key = (entry["entity"], entry["row_id"])
            if entry["op"] == "create":
                self.acknowledged_creates.add(key)
            for field, stamp in entry["stamps"].items():
                self.acknowledged.append((entry["entity"], entry["row_id"], field, stamp))
        if result.ok:
            self.ever_deleted |= self.server.deleted_ids()
            live = set(lap.view())
            back = (live & self.ever_deleted) - self._pending_keys(lap)
            assert not back, f"deleted records came back on {name}: {back}"

    def _pending_keys(self, lap: Laptop) -> set[tuple[str, str]]:
        return {(e["entity"], e["row_id"]) for e in lap.store.outbox_entries()}

    def _settle_and_compare(self) -> None:
        self.server.transport.lose_next.clear()
        self.server.transport.fail_next.clear()
        for _round in range(2):
            for name in USERS:
                self._sync(name)
        for name, lap in self.laptops.items():
            assert lap.store.pending_count() == 0, f"{name} still has pending changes"
            mine, theirs = lap.view(), self.server.view_of(name)
            missing = set(theirs) - set(mine)
            extra = set(mine) - set(theirs)
            differing = {k for k in set(mine) & set(theirs) if mine[k] != theirs[k]}
            assert not (missing or extra or differing), (
                f"{name} differs from the server: missing {missing}, extra {extra}, "
                f"differing {[(k, mine[k], theirs[k]) for k in differing]}"
            )
        self._check_acknowledged()

    def _check_acknowledged(self) -> None:
        """Every acknowledged field write is on the server, superseded, or in a conflict."""
        with self.server.engine.connect() as conn:
            records = {
                (e, i): (orjson.loads(stamps), deleted)
                for e, i, stamps, deleted in conn.execute(
                    sa.select(
                        t.record.c.entity, t.record.c.id, t.record.c.stamps, t.record.c.deleted
                    )
                )
            }
            losing = {
                (row.entity, row.row_id, stamp)
                for row in conn.execute(
                    sa.select(t.conflict.c.entity, t.conflict.c.row_id, t.conflict.c.payload)
                )
                for stamp in _losing_stamps(orjson.loads(row.payload))
            }
        for key in self.acknowledged_creates:
            assert key in records, f"acknowledged create {key} is not on the server"
        for entity, row_id, field, stamp in self.acknowledged:
            stamps, deleted = records[(entity, row_id)]
            kept = stamps.get(field, "") >= stamp or deleted or (entity, row_id, stamp) in losing
            assert kept, f"acknowledged write lost: {entity} {row_id} {field} @ {stamp}"

    # ---- rules ---------------------------------------------------------------------

    @initialize()
    def first_sync(self) -> None:
        for name in USERS:
            self._sync(name)

    @rule(name=st.sampled_from(USERS), company=NAMES, city=CITIES, south=st.booleans())
    def create_customer(self, name: str, company: str, city: str | None, south: bool) -> None:
        values: dict[str, Any] = {"name": company, "status": "active", "city": city}
        if name == "mia":
            values["territory_id"] = self.server.ids["South" if south else "North"]
        self.laptops[name].store.create("customer", values)

    @rule(name=st.sampled_from(USERS), entity=st.sampled_from(ENTITIES[1:]), data=st.data())
    def create_child(self, name: str, entity: str, data: st.DataObject) -> None:
        lap = self.laptops[name]
        customers = self._live_ids(lap, "customer")
        if not customers:
            return
        customer = data.draw(st.sampled_from(customers))
        me = lap.user_id
        values: dict[str, Any] = {"customer_id": customer}
        if entity == "contact":
            values["last_name"] = data.draw(NAMES)
        elif entity == "visit":
            values |= {"rep_id": me, "planned_start": "2026-12-01T09:00:00Z"}
        elif entity == "note":
            values |= {"author_id": me, "text": data.draw(NAMES)}
        else:
            values |= {"assignee_id": me, "title": data.draw(NAMES), "due_date": "2026-12-02"}
        # A reference may be missing here (e.g. this laptop's user row has not arrived yet).
        with contextlib.suppress(ValidationError):
            lap.store.create(entity, values)

    @rule(name=st.sampled_from(USERS), entity=st.sampled_from(ENTITIES), data=st.data())
    def edit(self, name: str, entity: str, data: st.DataObject) -> None:
        lap = self.laptops[name]
        ids = self._live_ids(lap, entity)
        if not ids:
            return
        row_id = data.draw(st.sampled_from(ids))
        choices: dict[str, dict[str, Any]] = {
            "customer": {"city": data.draw(CITIES), "name": data.draw(NAMES)},
            "contact": {"first_name": data.draw(NAMES)},
            "visit": {"purpose": data.draw(NAMES), "status": "done"},
            "note": {"text": data.draw(NAMES)},
            "followup": {"title": data.draw(NAMES)},
        }
        changes = choices[entity]
        field = data.draw(st.sampled_from(sorted(changes)))
        lap.store.update(entity, row_id, {field: changes[field]})

    @rule(name=st.sampled_from(USERS), entity=st.sampled_from(ENTITIES), data=st.data())
    def delete(self, name: str, entity: str, data: st.DataObject) -> None:
        lap = self.laptops[name]
        ids = self._live_ids(lap, entity)
        if ids:
            lap.store.delete(entity, data.draw(st.sampled_from(ids)))

    @rule(
        name=st.sampled_from(USERS),
        entity=st.sampled_from(["territory", "user"]),
        new_name=NAMES,
    )
    def edit_territory_or_user(self, name: str, entity: str, new_name: str) -> None:
        """Only administrators may: the server rejects it, later changes still sync."""
        lap = self.laptops[name]
        ids = self._live_ids(lap, entity)
        if ids:
            field = "name" if entity == "territory" else "display_name"
            lap.store.update(entity, ids[0], {field: new_name})

    @rule(data=st.data())
    def reassign_territory(self, data: st.DataObject) -> None:
        mia = self.laptops["mia"]
        customers = self._live_ids(mia, "customer")
        if not customers:
            return
        customer = data.draw(st.sampled_from(customers))
        row = mia.store.get("customer", customer)
        assert row is not None
        north, south = self.server.ids["North"], self.server.ids["South"]
        target = south if row["territory_id"] == north else north
        mia.store.update("customer", customer, {"territory_id": target})

    @rule(name=st.sampled_from(USERS))
    def sync(self, name: str) -> None:
        self._sync(name)

    @rule(path=st.sampled_from(["/sync/push", "/sync/pull", "/auth/refresh"]))
    def lose_next_response(self, path: str) -> None:
        self.server.transport.lose_next.append(path)

    @rule(now=st.integers(0, 2))
    def restart_server(self, now: int) -> None:
        """A new app on the same database (one in three draws: building an app is slow)."""
        if now == 0:
            self.server.restart()

    @invariant()
    def server_never_revives_deleted(self) -> None:
        self.ever_deleted |= self.server.deleted_ids()
        revived = self.ever_deleted - self.server.deleted_ids()
        assert not revived, f"the server brought back {revived}"


def _losing_stamps(payload: dict[str, Any]) -> list[str]:
    stamp = payload.get("losing_stamp")
    return [stamp] if isinstance(stamp, str) else []


ConvergenceMachine.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
class TestConvergence(ConvergenceMachine.TestCase):  # type: ignore[misc,valid-type]
    pass
