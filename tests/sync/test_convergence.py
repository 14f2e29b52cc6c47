"""Multi-laptop convergence: a Hypothesis state machine whose syncs really run.

Three laptops (reps in two territories and their area manager, who shares the first
territory's customers with its rep) make random creates, edits and deletes of every entity
a laptop may write (references picked from the laptop's own live records) and sync at
random, while responses get lost (push, pull and token refresh), access tokens expire, the
server restarts (a new app on the same database) and customers move between territories.
An administrator also changes who sees what between steps (a rep moves to another
territory, the manager to another area, a territory to another area, a rep becomes a
manager and back), and laptops are put back from earlier copies of themselves (a backup
restored: its device identity is then used twice). Invariants: no acknowledged write is
lost, no deleted record comes back, and after two sync rounds with no new edits every
laptop holds exactly the server's data for its user's scope as it is then (every entity,
including the territories and users only an administrator writes).

200 examples run by default; set ``FIELDCRM_HYPOTHESIS_EXAMPLES`` (e.g. 2000) to run more.
``--hypothesis-show-statistics`` shows how often the rarer events (a lost refresh answer,
a relogin, creates per entity) happened.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

from fieldcrm.app import bulletins
from fieldcrm.domain.entities import (
    COMMENT_KINDS,
    CUSTOMER_STATUSES,
    ENTITIES,
    RELATIONSHIP_KINDS,
    SEGMENTS,
    VISIT_CHANNELS,
    VISIT_OUTCOMES,
    VISIT_STATUSES,
)
from fieldcrm.store.connections import reassign_customer
from fieldcrm.store.replica import PREVIOUS_DEVICE_KEY, rejected_changes
from fieldcrm.sync import LoginRequired
from sync_server import admin
from sync_server import tables as t
from sync_server.db import write_transaction
from tests.helpers.sync_harness import InProcessServer, Laptop, migrated_server_db

EXAMPLES = int(os.environ.get("FIELDCRM_HYPOTHESIS_EXAMPLES", "200"))
USERS = ("anna", "sven", "mia")
NAMES = st.sampled_from(["Acme", "Bäckerei Nord", "Zenith", "Müller & Co", "Orion", "Kappa"])
CITIES = st.sampled_from(["Kiel", "Lübeck", "Hamburg", "Bremen", None])
DAY = "2026-12-01"
DAYS = st.sampled_from(["2026-11-30", DAY, "2026-12-02"])
TIMES = st.sampled_from(["2026-12-01T09:00:00Z", "2026-12-01T10:30:00Z", "2026-12-01T14:00:00Z"])
#: Rules per example (the final settle adds two sync rounds): enough that most pushes, and
#: their lost answers, happen amid other laptops' edits rather than only in the settle.
STEPS = 25
#: Everything a rep's or manager's laptop may create, edit and delete (sync_server/push.py:
#: any record in the caller's write scope; the author of a comment and the user of a
#: connection are set to the caller, and only they may change or delete it afterwards, so
#: another laptop's edit or delete of one is rejected and restored by a full resync).
WRITABLE = (
    "customer",
    "contact",
    "visit",
    "note",
    "followup",
    "comment",
    "relationship",
    "connection",
    "handover",
)
#: Only administrators write these (push.SERVER_MANAGED: "Only an administrator can change",
#: and no sync may delete them), and the desktop app offers no way to create one, so the
#: laptops never create or delete them; ``edit_server_managed`` tries edits, which the server
#: rejects. They are still pulled and compared: ``Laptop.view`` and
#: ``InProcessServer.view_of`` hold every entity, territories and users included.
SERVER_MANAGED = ("territory", "user")
#: Written in the seed only (an attachment's content travels outside the record sync; its
#: record converges like the others: pulled, cascaded with its customer, compared).
SEEDED_ONLY = ("attachment",)
#: Posted by the manager and read by the reps in ``_seed`` (tests/sync/test_bulletins.py
#: covers writing them); they are pulled and compared like everything else while the
#: machine moves people and territories, which moves what bulletins each laptop receives.
BULLETINS = ("bulletin", "bulletin_receipt")
assert set(WRITABLE) | set(SERVER_MANAGED) | set(SEEDED_ONLY) | set(BULLETINS) == set(ENTITIES)
#: The live records of a laptop, each with the customer it belongs to (one query: it runs
#: for every laptop at every step).
_LIVE_SQL = " UNION ALL ".join(
    f"SELECT '{name}', id, {spec.customer_field or 'NULL'} FROM \"{name}\" WHERE deleted = 0"
    for name, spec in ENTITIES.items()
)
#: Databases in memory-backed storage where there is some: fsync dominates otherwise.
SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


class _Template:
    """Server database and logged-in laptops made once, copied for every example.

    Every laptop starts with a record of each entity in both territories (see ``_seed``), so
    edits and deletes of every entity, and creates that refer to them, happen from the first
    step on instead of only in the few examples that built such records themselves.
    """

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
            server.territory("Harbour", area="Coast")
            server.user("anna", "rep", territory="North")
            server.user("sven", "rep", territory="South")
            server.user("mia", "manager", area="Area")
            laptops = {name: Laptop(root / name, server, name) for name in USERS}
            _seed(laptops)
            for lap in laptops.values():
                assert lap.store.pending_count() == 0
                lap.close()
            cls.ids = dict(server.ids)
            server.close()
            cls.app = server.app
            cls.directory = root
        return cls.directory


def _seed(laptops: dict[str, Laptop]) -> None:
    """Each rep writes a customer with one record of every kind; the manager comments on
    each rep's visit and declares a connection; then everyone syncs twice."""
    for name in ("anna", "sven"):
        store, me = laptops[name].store, laptops[name].user_id
        laptops[name].sync(raise_errors=True)
        customer = store.create("customer", {"name": f"Seed {name}", "status": "active"})
        first, second = (
            store.create("contact", {"customer_id": customer, "last_name": last})
            for last in ("Seed", "Other")
        )
        visit = store.create(
            "visit",
            {
                "customer_id": customer,
                "rep_id": me,
                "planned_start": "2026-11-30T09:00:00Z",
                "attendee_ids": [first],
            },
        )
        own = {"customer_id": customer}
        store.create("note", own | {"author_id": me, "text": "Seed", "visit_id": visit})
        store.create("followup", own | {"assignee_id": me, "title": "Seed", "due_date": DAY})
        store.create("handover", own | {"from_user_id": me, "to_user_id": me, "note": "Seed"})
        store.create("relationship", own | {"from_contact_id": first, "to_contact_id": second})
        store.create("connection", own | {"contact_id": first, "user_id": me})
        store.create("comment", own | {"visit_id": visit, "author_id": me, "text": "Seed"})
        store.create(
            "attachment",
            own
            | {
                "visit_id": visit,
                "author_id": me,
                "name": "seed.pdf",
                "media_type": "application/pdf",
                "size": 3,
                "sha256": "5eed" * 16,
            },
        )
        laptops[name].sync(raise_errors=True)
    mia = laptops["mia"]
    mia.sync(raise_errors=True)
    with mia.store.read() as conn:
        visits = conn.exec_driver_sql("SELECT id, customer_id FROM visit").all()
        contacts = conn.exec_driver_sql("SELECT id, customer_id FROM contact").all()
    for visit, customer in visits:
        mia.store.create(
            "comment",
            {
                "visit_id": visit,
                "customer_id": customer,
                "author_id": mia.user_id,
                "kind": "acknowledgement",
            },
        )
    for contact, customer in [*contacts[:1], *contacts[-1:]]:
        mia.store.create(
            "connection", {"customer_id": customer, "contact_id": contact, "user_id": mia.user_id}
        )
    ids = {name: lap.user_id for name, lap in laptops.items()}
    with mia.store.read() as conn:
        north = conn.exec_driver_sql("SELECT territory_id FROM user WHERE id = ?", (ids["anna"],))
        north_id = str(north.scalar())
    to_north = bulletins.post(mia.store, ids["mia"], "North", "n", territory_ids=[north_id]).id
    to_area = bulletins.post(mia.store, ids["mia"], "Area", "a", confirm_by=DAY).id
    to_both = bulletins.post(mia.store, ids["mia"], "Two", rep_ids=[ids["anna"], ids["sven"]]).id
    mia.sync(raise_errors=True)
    for name in ("anna", "sven"):
        laptops[name].sync(raise_errors=True)
        for bulletin_id in (to_north, to_area, to_both):
            store = laptops[name].store
            if bulletin_id and store.get("bulletin", bulletin_id) is not None:
                bulletins.confirm(store, bulletin_id, ids[name])
                bulletins.ask(store, bulletin_id, ids[name], f"Question of {name}")
    for _round in range(2):
        for lap in laptops.values():
            lap.sync(raise_errors=True)


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
        #: (entity, id, field, stamp, the stamp as sent under a new device identity).
        self.acknowledged: list[tuple[str, str, str, str, str]] = []
        #: Earlier copies of laptops' profile folders (backups), by user, and whether the
        #: laptop has had changes acknowledged since (then a restore reuses its identity).
        self.backups: dict[str, Path] = {}
        self.sent_since_backup: dict[str, bool] = {}
        self.acknowledged_creates: set[tuple[str, str]] = set()
        self.ever_deleted: set[tuple[str, str]] = set()
        self.relogins = 0
        #: Live records per laptop, read once per step (preconditions ask many times).
        self._live_cache: dict[str, dict[str, dict[str, str]]] = {}
        self._choice_cache: dict[tuple[str, ...], list[tuple[str, str]]] = {}

    def teardown(self) -> None:
        try:
            self._settle_and_compare()
        finally:
            for lap in self.laptops.values():
                lap.close()
            self.server.close()
            shutil.rmtree(self.work, ignore_errors=True)

    # ---- helpers -------------------------------------------------------------------

    def _live(self, name: str) -> dict[str, dict[str, str]]:
        """entity -> {id: its customer ("" for none)} of the live records on a laptop."""
        if name not in self._live_cache:
            live: dict[str, dict[str, str]] = {entity: {} for entity in ENTITIES}
            with self.laptops[name].store.read() as conn:
                for entity, row_id, owner in sorted(conn.exec_driver_sql(_LIVE_SQL)):
                    live[entity][row_id] = owner or ""
            self._live_cache[name] = live
        return self._live_cache[name]

    def _contacts_of(self, name: str, customer: str) -> list[str]:
        return [c for c, owner in self._live(name)["contact"].items() if owner == customer]

    def _visits_of(self, name: str, customer: str) -> list[str]:
        return [v for v, owner in self._live(name)["visit"].items() if owner == customer]

    def _owned(self, name: str, entity: str) -> list[str]:
        """Live records of ``entity`` whose customer is live too (valid to refer to)."""
        live = self._live(name)
        return [i for i, owner in live[entity].items() if owner in live["customer"]]

    def _undeclared(self, name: str) -> list[str]:
        """Contacts the laptop's user may declare knowing: a person declares a contact once."""
        with self.laptops[name].store.read() as conn:
            known = {
                row[0]
                for row in conn.exec_driver_sql(
                    "SELECT contact_id FROM connection WHERE user_id = ? AND deleted = 0",
                    (self.server.ids[name],),
                )
            }
        return [c for c in self._owned(name, "contact") if c not in known]

    def _territories_of(self, name: str) -> list[str]:
        """The territories a manager's laptop holds (her area's, as the last sync left it);
        none for a rep."""
        with self.laptops[name].store.read() as conn:
            role = conn.exec_driver_sql(
                'SELECT role FROM "user" WHERE id = ?', (self.server.ids[name],)
            ).scalar()
        if role != "manager":
            return []
        ids, live = self.server.ids, self._live(name)["territory"]
        return [ids[t] for t in ("North", "South", "Harbour") if ids[t] in live]

    def _can_create(self, name: str, entity: str) -> bool:
        """Whether the laptop has every record a new ``entity`` must refer to."""
        live = self._live(name)
        me = self.server.ids[name] in live["user"]
        if entity == "customer":
            return True
        if entity in ("contact", "handover"):
            return bool(live["customer"])
        if entity in ("visit", "note", "followup"):
            return me and bool(live["customer"])
        if entity == "comment":
            return me and bool(self._owned(name, "visit"))
        if entity == "connection":
            return me and bool(self._undeclared(name))
        assert entity == "relationship"
        return len(live["contact"]) >= 2 and bool(self._owned(name, "contact"))

    def _creatable(self) -> list[tuple[str, str]]:
        """(laptop, entity) pairs for ``create``: the entities that refer to other records."""
        if ("create",) not in self._choice_cache:
            self._choice_cache["create",] = [
                (n, e) for n in USERS for e in WRITABLE[1:] if self._can_create(n, e)
            ]
        return self._choice_cache["create",]

    def _existing(self, entities: tuple[str, ...]) -> list[tuple[str, str]]:
        """(laptop, entity) pairs with a live record of one of ``entities``."""
        if entities not in self._choice_cache:
            self._choice_cache[entities] = [
                (n, e) for n in USERS for e in entities if self._live(n)[e]
            ]
        return self._choice_cache[entities]

    def _forget_live(self) -> None:
        self._live_cache.clear()
        self._choice_cache.clear()

    def _sync(self, name: str) -> None:
        self._forget_live()
        lap = self.laptops[name]
        before = {e["op_no"]: e for e in lap.store.outbox_entries()}
        refresh_losses = self.server.transport.lose_next.count("/auth/refresh")
        try:
            result = lap.sync()
        except LoginRequired:
            # A session the server ended (e.g. a refresh token presented once too often):
            # the person logs in again; no data is lost.
            self.relogins += 1
            event("relogin")
            lap.login()
            result = lap.sync()
        if self.server.transport.lose_next.count("/auth/refresh") < refresh_losses:
            event("a token refresh answer was lost")
        remaining = {e["op_no"] for e in lap.store.outbox_entries()}
        with lap.store.read() as conn:
            rejected = {r["op_no"] for r in rejected_changes(conn)}
        for op_no, entry in before.items():
            if op_no in remaining or op_no in rejected:
                continue
            key = (entry["entity"], entry["row_id"])
            if entry["op"] == "create":
                self.acknowledged_creates.add(key)
            # Sent again under a new identity, a stamp names the new device.
            suffix = f":{entry['device_id']}"
            if name in self.backups:
                self.sent_since_backup[name] = True
            for field, stamp in entry["stamps"].items():
                renamed = stamp
                if result.device_reused and stamp.endswith(suffix):
                    renamed = stamp[: -len(suffix)] + ":" + lap.store.device_id
                self.acknowledged.append((entry["entity"], entry["row_id"], field, stamp, renamed))
        if result.device_reused:
            event("a restored laptop took a new device identity")
            assert lap.store.meta(PREVIOUS_DEVICE_KEY) is not None
        if result.scope_change is not None:
            event("a sync moved records for a scope change")
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
        for entity, row_id, field, stamp, renamed in self.acknowledged:
            if (entity, row_id) not in records:
                # Only a delete may be acknowledged for a record the server never had: the
                # server refused its create (e.g. its customer was deleted meanwhile) and
                # deleting what does not exist is a no-op ("applied", nothing to keep).
                assert field == "_deleted" and (entity, row_id) not in self.acknowledged_creates, (
                    f"acknowledged write to a record the server never had: {entity} {row_id} "
                    f"{field} @ {stamp}"
                )
                continue
            stamps, deleted = records[(entity, row_id)]
            held = stamps.get(field, "")
            kept = (
                held >= stamp
                or held >= renamed
                or deleted
                or bool({(entity, row_id, stamp), (entity, row_id, renamed)} & losing)
            )
            assert kept, f"acknowledged write lost: {entity} {row_id} {field} @ {stamp}"

    # ---- values --------------------------------------------------------------------

    def _new_values(self, name: str, entity: str, data: st.DataObject) -> dict[str, Any]:
        """A valid new ``entity`` on the laptop: references drawn from its live records."""
        live = self._live(name)
        me = self.server.ids[name]
        users = list(live["user"])
        draw = data.draw
        if entity == "customer":
            values: dict[str, Any] = {
                "name": draw(NAMES),
                "status": draw(st.sampled_from(CUSTOMER_STATUSES)),
                "city": draw(CITIES),
            }
            if self._territories_of(name):
                # A manager chooses one of the area's territories; a rep's is set by the server.
                values["territory_id"] = draw(st.sampled_from(self._territories_of(name)))
            return values
        if entity == "comment":
            visit = draw(st.sampled_from(self._owned(name, "visit")))
            kind = draw(st.sampled_from(COMMENT_KINDS))
            text = draw(NAMES) if kind == "comment" else draw(st.none() | NAMES)
            return {
                "visit_id": visit,
                "customer_id": live["visit"][visit],
                "author_id": me,
                "kind": kind,
                "text": text,
            }
        if entity in ("relationship", "connection"):
            contacts = self._undeclared(name) if entity == "connection" else None
            contact = draw(st.sampled_from(contacts or self._owned(name, "contact")))
            customer = live["contact"][contact]
            if entity == "connection":
                return {
                    "customer_id": customer,
                    "contact_id": contact,
                    "user_id": me,
                    "strength": draw(st.integers(1, 5)),
                    "since": draw(st.none() | DAYS),
                }
            # The other contact may belong to another customer (``cross_customer``).
            other = draw(st.sampled_from([c for c in live["contact"] if c != contact]))
            kind = draw(st.sampled_from(RELATIONSHIP_KINDS))
            return {
                "customer_id": customer,
                "from_contact_id": contact,
                "to_contact_id": other,
                "kind": kind,
                "label": draw(NAMES) if kind == "custom" else draw(st.none() | NAMES),
            }
        customer = draw(st.sampled_from(list(live["customer"])))
        contacts = self._contacts_of(name, customer)
        visits = self._visits_of(name, customer)
        some_contact: st.SearchStrategy[str | None] = (
            st.none() | st.sampled_from(contacts) if contacts else st.none()
        )
        some_visit: st.SearchStrategy[str | None] = (
            st.none() | st.sampled_from(visits) if visits else st.none()
        )
        values = {"customer_id": customer}
        if entity == "contact":
            values |= {"last_name": draw(NAMES), "first_name": draw(st.none() | NAMES)}
        elif entity == "visit":
            values |= {
                "rep_id": me,
                "planned_start": draw(TIMES),
                "channel": draw(st.sampled_from(VISIT_CHANNELS)),
                "attendee_ids": draw(st.lists(st.sampled_from(contacts), unique=True, max_size=2))
                if contacts
                else [],
            }
        elif entity == "note":
            values |= {
                "author_id": me,
                "text": draw(NAMES),
                "contact_id": draw(some_contact),
                "visit_id": draw(some_visit),
            }
        elif entity == "followup":
            values |= {
                "assignee_id": draw(st.sampled_from(users)),
                "title": draw(NAMES),
                "due_date": draw(DAYS),
                "visit_id": draw(some_visit),
            }
        else:
            assert entity == "handover"
            values |= {
                "from_user_id": draw(st.none() | st.sampled_from(users)),
                "to_user_id": draw(st.none() | st.sampled_from(users)),
                "note": draw(st.none() | NAMES),
            }
        return values

    def _edit_choices(
        self, name: str, entity: str, row: dict[str, Any], data: st.DataObject
    ) -> dict[str, Any]:
        """One valid edit of ``row`` (a field, or fields that go together)."""
        live = self._live(name)
        draw = data.draw
        customer = row.get("customer_id") or ""
        contacts = self._contacts_of(name, customer)
        visits = self._visits_of(name, customer)
        users = list(live["user"])
        options: dict[str, st.SearchStrategy[dict[str, Any]]]
        if entity == "customer":
            options = {
                "name": st.fixed_dictionaries({"name": NAMES}),
                "city": st.fixed_dictionaries({"city": CITIES}),
                "status": st.fixed_dictionaries({"status": st.sampled_from(CUSTOMER_STATUSES)}),
                "segment": st.fixed_dictionaries(
                    {"segment": st.none() | st.sampled_from(SEGMENTS)}
                ),
                "cadence": st.fixed_dictionaries(
                    {"visit_cadence_days": st.none() | st.integers(1, 90)}
                ),
                "place": st.sampled_from([(54.3, 10.1), (53.6, 10.0)]).map(
                    lambda p: {"latitude": p[0], "longitude": p[1]}
                ),
            }
        elif entity == "contact":
            options = {
                "first_name": st.fixed_dictionaries({"first_name": st.none() | NAMES}),
                "last_name": st.fixed_dictionaries({"last_name": NAMES}),
                "job_title": st.fixed_dictionaries({"job_title": st.none() | NAMES}),
                "cadence": st.fixed_dictionaries(
                    {"touch_cadence_days": st.none() | st.integers(1, 90)}
                ),
            }
        elif entity == "visit":
            options = {
                "purpose": st.fixed_dictionaries({"purpose": NAMES}),
                "status": st.fixed_dictionaries({"status": st.sampled_from(VISIT_STATUSES)}),
                "outcome": st.fixed_dictionaries(
                    {"outcome": st.none() | st.sampled_from(VISIT_OUTCOMES)}
                ),
                "report": st.fixed_dictionaries({"report": st.none() | NAMES}),
                "check": st.lists(TIMES, min_size=2, max_size=2).map(
                    lambda ts: {"check_in_at": min(ts), "check_out_at": max(ts)}
                ),
                "attendees": st.fixed_dictionaries(
                    {"attendee_ids": st.lists(st.sampled_from(contacts), unique=True, max_size=2)}
                    if contacts
                    else {"attendee_ids": st.just([])}
                ),
            }
        elif entity == "note":
            options = {
                "text": st.fixed_dictionaries({"text": NAMES}),
                "contact": st.fixed_dictionaries(
                    {"contact_id": st.none() | st.sampled_from(contacts) if contacts else st.none()}
                ),
                "visit": st.fixed_dictionaries(
                    {"visit_id": st.none() | st.sampled_from(visits) if visits else st.none()}
                ),
            }
        elif entity == "followup":
            options = {
                "title": st.fixed_dictionaries({"title": NAMES}),
                "due_date": st.fixed_dictionaries({"due_date": DAYS}),
                "done_at": st.fixed_dictionaries({"done_at": st.none() | TIMES}),
                "assignee": st.fixed_dictionaries({"assignee_id": st.sampled_from(users)}),
                "visit": st.fixed_dictionaries(
                    {"visit_id": st.none() | st.sampled_from(visits) if visits else st.none()}
                ),
            }
        elif entity == "comment":
            options = {
                "text": st.fixed_dictionaries({"text": NAMES}),
                "acknowledge": st.just({"kind": "acknowledgement"}),
                "comment": st.fixed_dictionaries({"kind": st.just("comment"), "text": NAMES}),
            }
        elif entity == "relationship":
            others = [c for c in live["contact"] if c != row["from_contact_id"]]
            plain = [k for k in RELATIONSHIP_KINDS if k != "custom"]
            options = {
                "kind": st.fixed_dictionaries({"kind": st.sampled_from(plain)}),
                "custom": st.fixed_dictionaries({"kind": st.just("custom"), "label": NAMES}),
                "reverse_label": st.fixed_dictionaries({"reverse_label": st.none() | NAMES}),
                "note": st.fixed_dictionaries({"note": st.none() | NAMES}),
            }
            if others:
                options["to"] = st.fixed_dictionaries({"to_contact_id": st.sampled_from(others)})
        elif entity == "connection":
            options = {
                "strength": st.fixed_dictionaries({"strength": st.integers(1, 5)}),
                "since": st.fixed_dictionaries({"since": st.none() | DAYS}),
                "note": st.fixed_dictionaries({"note": st.none() | NAMES}),
            }
        else:
            assert entity == "handover"
            options = {
                "note": st.fixed_dictionaries({"note": st.none() | NAMES}),
                "read_at": st.fixed_dictionaries({"read_at": st.none() | TIMES}),
                "to": st.fixed_dictionaries({"to_user_id": st.none() | st.sampled_from(users)}),
            }
        return draw(options[draw(st.sampled_from(sorted(options)))])

    # ---- rules ---------------------------------------------------------------------

    @rule(name=st.sampled_from(USERS), data=st.data())
    def create_customer(self, name: str, data: st.DataObject) -> None:
        event("create customer")
        self.laptops[name].store.create("customer", self._new_values(name, "customer", data))

    @precondition(lambda self: bool(self._creatable()))
    @rule(data=st.data())
    def create(self, data: st.DataObject) -> None:
        """A record that refers to others (an entity first, then a laptop that can)."""
        choices = self._creatable()
        entity = data.draw(st.sampled_from(sorted({e for _n, e in choices})))
        name = data.draw(st.sampled_from([n for n, e in choices if e == entity]))
        event(f"create {entity}")
        self.laptops[name].store.create(entity, self._new_values(name, entity, data))

    @precondition(lambda self: bool(self._existing(WRITABLE)))
    @rule(data=st.data())
    def edit(self, data: st.DataObject) -> None:
        name, entity = data.draw(st.sampled_from(self._existing(WRITABLE)))
        lap = self.laptops[name]
        row_id = data.draw(st.sampled_from(list(self._live(name)[entity])))
        row = lap.store.get(entity, row_id)
        assert row is not None
        event(f"edit {entity}")
        lap.store.update(entity, row_id, self._edit_choices(name, entity, row, data))

    @precondition(lambda self: bool(self._existing(WRITABLE)))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        """Deleting a customer or contact also deletes what belongs to it (on the laptop)."""
        name, entity = data.draw(st.sampled_from(self._existing(WRITABLE)))
        row_id = data.draw(st.sampled_from(list(self._live(name)[entity])))
        event(f"delete {entity}")
        self.laptops[name].store.delete(entity, row_id)

    @precondition(lambda self: bool(self._existing(SERVER_MANAGED)))
    @rule(data=st.data(), new_name=NAMES)
    def edit_server_managed(self, data: st.DataObject, new_name: str) -> None:
        """Only administrators may: the server rejects it, later changes still sync."""
        name, entity = data.draw(st.sampled_from(self._existing(SERVER_MANAGED)))
        row_id = data.draw(st.sampled_from(list(self._live(name)[entity])))
        field = "name" if entity == "territory" else "display_name"
        self.laptops[name].store.update(entity, row_id, {field: new_name})

    @precondition(lambda self: bool(self._live("mia")["customer"]))
    @rule(data=st.data(), with_handover=st.booleans())
    def reassign_territory(self, data: st.DataObject, with_handover: bool) -> None:
        """The manager moves a customer to the other territory (with a handover note, as
        the desktop app's reassign dialog does, or by editing the customer alone)."""
        mia = self.laptops["mia"]
        customer = data.draw(st.sampled_from(list(self._live("mia")["customer"])))
        row = mia.store.get("customer", customer)
        assert row is not None
        others = [t for t in self._territories_of("mia") if t != row["territory_id"]]
        if not others:
            return  # her area has one territory now
        target = data.draw(st.sampled_from(others))
        if with_handover:
            reassign_customer(mia.store, customer, territory_id=target, note=data.draw(NAMES))
        else:
            mia.store.update("customer", customer, {"territory_id": target})

    @rule(name=st.sampled_from(USERS))
    def sync(self, name: str) -> None:
        self._sync(name)

    @rule(data=st.data())
    def change_scope(self, data: st.DataObject) -> None:
        """An administrator changes who sees what (the server's own admin path)."""
        ids = self.server.ids
        kind = data.draw(
            st.sampled_from(["rep territory", "manager area", "territory area", "role"])
        )
        with write_transaction(self.server.engine) as conn:
            session = admin.AdminSession(conn)
            if kind == "rep territory":
                name = data.draw(st.sampled_from(["anna", "sven"]))
                if admin.account_by_name(conn, name).role != "rep":
                    return
                target = data.draw(st.sampled_from(["North", "South", "Harbour"]))
                session.apply("user", "update", ids[name], {"territory_id": ids[target]})
            elif kind == "manager area":
                target = data.draw(st.sampled_from(["Area", "Coast"]))
                session.apply("user", "update", ids["mia"], {"territory_id": ids[target]})
            elif kind == "territory area":
                target = data.draw(st.sampled_from(["Area", "Coast"]))
                session.apply("territory", "update", ids["South"], {"parent_id": ids[target]})
            elif admin.account_by_name(conn, "sven").role == "rep":
                session.apply(
                    "user", "update", ids["sven"], {"role": "manager", "territory_id": ids["Coast"]}
                )
            else:
                session.apply(
                    "user", "update", ids["sven"], {"role": "rep", "territory_id": ids["South"]}
                )
            session.finish()
        event(f"scope change: {kind}")

    @rule(name=st.sampled_from(USERS))
    def back_up_laptop(self, name: str) -> None:
        """A copy of the laptop's profile folder, as a backup tool makes one."""
        lap = self.laptops[name]
        lap.close()
        backup = self.work / f"backup-{name}"
        shutil.rmtree(backup, ignore_errors=True)
        shutil.copytree(lap.directory, backup)
        self.backups[name] = backup
        self.sent_since_backup[name] = False
        self.laptops[name] = Laptop(lap.directory, self.server, name, login_now=False)

    @precondition(lambda self: any(self.sent_since_backup.values()))
    @rule(data=st.data())
    def restore_laptop(self, data: st.DataObject) -> None:
        """A backup older than what the laptop has sent is put back: what was written after
        it on this laptop and not sent is gone with it (a person's choice), what the server
        acknowledged is not."""
        name = data.draw(st.sampled_from(sorted(n for n, v in self.sent_since_backup.items() if v)))
        lap = self.laptops[name]
        lap.close()
        shutil.rmtree(lap.directory)
        shutil.copytree(self.backups[name], lap.directory)
        self.laptops[name] = Laptop(lap.directory, self.server, name, login_now=False)
        self._forget_live()
        event("a laptop was restored from a backup")
        # The rep goes on working at once: this write reuses an operation number whenever
        # the laptop had sent changes after the backup was made.
        self.create_customer(name, data)

    @rule(path=st.sampled_from(["/sync/push", "/sync/pull", "/auth/refresh"]))
    def lose_next_response(self, path: str) -> None:
        self.server.transport.lose_next.append(path)

    @rule(name=st.sampled_from(USERS), lose_refresh=st.booleans())
    def expire_access_token(self, name: str, lose_refresh: bool) -> None:
        """The laptop's access token runs out (as after ``ACCESS_TTL``), so its next request
        gets a 401 and refreshes; optionally the answer to that refresh is lost too."""
        with write_transaction(self.server.engine) as conn:
            sessions = sa.select(t.session.c.id).where(t.session.c.user_id == self.server.ids[name])
            conn.execute(
                t.access_token.update()
                .where(t.access_token.c.session_id.in_(sessions))
                .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
            )
        if lose_refresh:
            self.server.transport.lose_next.append("/auth/refresh")

    @rule(now=st.integers(0, 3))
    def restart_server(self, now: int) -> None:
        """A new app on the same database (one in four draws: building an app is slow)."""
        if now == 0:
            self.server.restart()

    @invariant()
    def server_never_revives_deleted(self) -> None:
        deleted = self.server.deleted_ids()
        revived = self.ever_deleted - deleted
        self.ever_deleted |= deleted
        assert not revived, f"the server brought back {revived}"

    @invariant()
    def forget_live_records(self) -> None:
        """Runs after every step: the next step's preconditions read the laptops afresh."""
        self._forget_live()


def _losing_stamps(payload: dict[str, Any]) -> list[str]:
    stamp = payload.get("losing_stamp")
    return [stamp] if isinstance(stamp, str) else []


ConvergenceMachine.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
class TestConvergence(ConvergenceMachine.TestCase):  # type: ignore[misc,valid-type]
    pass
