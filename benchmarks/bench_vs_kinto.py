"""FieldCRM against Kinto on Kinto's own kind of workload, in one run, with ratios.

The workload: ``--records`` (20,000) customer records of about 500 bytes of JSON each
(German company names, streets with building and floor, phone, e-mail, a free-text
territory, four statuses and segments, a visit cadence), made deterministically from
``--seed``. FieldCRM has no free-text territory field, so its records leave that one out,
and the four statuses and segments are mapped onto its three choices.

Both products run as real server processes on this machine, one after the other, with
the same phases:

1. push the records as new (laptop A);
2. first sync of a fresh laptop (B): rows/s, bytes received;
3. push 1,000 edits (A);
4. pull and apply those 1,000 edits (B);
5. idle sync (B, nothing changed): time, requests, bytes (and FieldCRM's server time,
   from the ``Server-Timing`` answer header where the server sends it).

FieldCRM's first sync ends when the data is in (the engine's ``defer_indexes``, which
the desktop uses too, see ``fieldcrm/ui/sync.py``): its indexes (the customer
list's order and search, the lookups) and its search index over everything typed are
built afterwards in the background (``replica.end_bulk_load``, then
``fieldcrm.store.search_build``); the edits' pull leaves the changed rows to be caught up
the same way. Each is timed separately, after its phase (wall and CPU of the building
thread): they are not the user's wait, but they are CPU the laptop spends. Kinto's
client has no index but its primary key.

FieldCRM: ``python -m sync_server serve`` on SQLite, laptops are ``Store`` +
``SyncEngine`` (one ``SyncClient`` each, kept between syncs as the desktop does). Kinto:
``pserve`` from a separate virtual environment (``--kinto-venv``, by default
``.venv-kinto/`` at the repository root; ``--install-kinto`` makes it with Kinto 26.5) with
the memory backend and basic auth; its laptops are a small HTTP client (batch requests
as large as the server allows, ``_since`` pulls with ``If-None-Match``) writing into one
bare SQLite table per laptop (WAL, ``synchronous=FULL`` like FieldCRM's store). Without
Kinto the FieldCRM side is printed and the report says Kinto was not found. Kinto is no
dependency of the product.

    python -m benchmarks.bench_vs_kinto --install-kinto
    python -m benchmarks.bench_vs_kinto --records 20000 [--json] [--skip-kinto]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson

from benchmarks.sync_server_fixture import ROOT, free_port, server_process
from fieldcrm.store import Store, replica, search_build
from fieldcrm.sync import SyncClient, SyncEngine, SyncProgress, login, open_client
from fieldcrm.sync.credentials import FileTokenStore

KINTO_VERSION = "26.5.0"
DEFAULT_KINTO_VENV = ROOT / ".venv-kinto"
PASSWORD = "benchmark password 22"
EDITS = 1000
IDLE_ROUNDS = 30

# ---- the workload ---------------------------------------------------------------------

_SURNAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Schmitz",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Schulze",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Lang",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
]
_TRADES = (
    "Bäckerei",
    "Metzgerei",
    "Autohaus",
    "Elektrotechnik",
    "Sanitär- und Heizungsbau",
    "Landmaschinen",
    "Druckerei",
    "Zahnarztpraxis",
    "Apotheke",
    "Baustoffhandel",
    "Gärtnerei",
    "Spedition",
)
_FORMS = ("GmbH", "GmbH & Co. KG", "KG", "e.K.", "AG", "OHG", "& Söhne GmbH")
_STREETS = (
    "Hauptstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Dorfstraße",
    "Bergstraße",
    "Lindenstraße",
    "Kirchweg",
    "Am Mühlbach",
    "Industriestraße",
    "Münchner Straße",
    "Königsallee",
)
_CITIES = (
    ("80331", "München", "Oberbayern"),
    ("90402", "Nürnberg", "Mittelfranken"),
    ("86150", "Augsburg", "Schwaben"),
    ("93047", "Regensburg", "Oberpfalz"),
    ("97070", "Würzburg", "Unterfranken"),
    ("85049", "Ingolstadt", "Oberbayern"),
    ("95444", "Bayreuth", "Oberfranken"),
    ("94032", "Passau", "Niederbayern"),
    ("87435", "Kempten (Allgäu)", "Schwaben"),
    ("83022", "Rosenheim", "Oberbayern"),
)
#: Kinto's records have four statuses and segments; FieldCRM knows three of each.
STATUSES = ("lead", "prospect", "active", "inactive")
SEGMENTS = ("A", "B", "C", "D")
STATUS_TO_FIELDCRM = {
    "lead": "prospect",
    "prospect": "prospect",
    "active": "active",
    "inactive": "inactive",
}
SEGMENT_TO_FIELDCRM = {"A": "A", "B": "B", "C": "C", "D": "C"}


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-", "&": "und"})
    return "".join(c for c in text.lower().translate(table) if c.isalnum() or c == "-")


def workload(records: int, seed: int = 22) -> list[dict[str, Any]]:
    """``records`` customer records as Kinto stores them (``id`` plus the fields)."""
    rng = random.Random(seed)
    out = []
    for n in range(records):
        surname = rng.choice(_SURNAMES)
        trade = rng.choice(_TRADES)
        postal, city, region = rng.choice(_CITIES)
        name = f"{trade} {surname} {rng.choice(_FORMS)}"
        floor = rng.randint(0, 5)
        street = (
            f"{rng.choice(_STREETS)} {rng.randint(1, 240)}{rng.choice(('', 'a', 'b'))}, "
            f"Gebäude {rng.choice('ABCDE')}, {'Erdgeschoss' if floor == 0 else f'{floor}. OG'}"
        )
        out.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "number": f"K-{n + 1:06d}",
                "name": name,
                "street": street,
                "postal_code": postal,
                "city": city,
                "country": "Deutschland",
                "phone": f"+49 {rng.randint(30, 999)} {rng.randint(100000, 9999999)}",
                "email": f"vertrieb.{n + 1}@{_slug(surname)}-{_slug(trade)[:12]}.de",
                "territory": f"Bayern – {region}, Bezirk {rng.randint(1, 40)} "
                f"(Außendienst {rng.choice(('Nord', 'Süd', 'Ost', 'West'))}, "
                f"Innendienst Team {rng.randint(1, 9)}, Tourenplanung {rng.choice('KLMN')})",
                "status": rng.choice(STATUSES),
                "segment": rng.choice(SEGMENTS),
                "visit_cadence_days": rng.choice((14, 30, 45, 60, 90, 180)),
                "latitude": round(rng.uniform(47.3, 50.5), 6),
                "longitude": round(rng.uniform(9.0, 13.8), 6),
            }
        )
    return out


def fieldcrm_values(record: dict[str, Any]) -> dict[str, Any]:
    """A workload record as FieldCRM customer fields (no free-text territory)."""
    values = {k: v for k, v in record.items() if k not in ("id", "territory")}
    values["status"] = STATUS_TO_FIELDCRM[record["status"]]
    values["segment"] = SEGMENT_TO_FIELDCRM[record["segment"]]
    return values


def edit_of(record: dict[str, Any], n: int) -> dict[str, Any]:
    """The edit of phase 3: a new phone number and street."""
    return {"phone": f"+49 89 {7000000 + n}", "street": f"Neue Straße {n % 200 + 1}, 2. OG"}


class Cpu:
    """CPU seconds of this process (the laptops, every thread) and of the server process:
    on a machine shared with other work they move far less than wall time."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def now(self) -> tuple[float, float]:
        return time.process_time(), process_cpu(self.server_pid)

    def since(self, start: tuple[float, float]) -> dict[str, float]:
        client, server = self.now()
        return {"client_cpu_s": client - start[0], "server_cpu_s": server - start[1]}


def process_cpu(pid: int) -> float:
    """User and system CPU seconds of a process (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


# ---- FieldCRM -------------------------------------------------------------------------


class TimingTransport(httpx.HTTPTransport):
    """Keeps the ``Server-Timing`` header of the last answer (the server's own time)."""

    last_server_ms: float | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.last_server_ms = _server_timing_ms(response.headers.get("server-timing", ""))
        return response


def _server_timing_ms(header: str) -> float | None:
    for part in header.split(","):
        for item in part.split(";"):
            key, _, value = item.strip().partition("=")
            if key == "dur":
                with contextlib.suppress(ValueError):
                    return float(value)
    return None


class Laptop:
    """A FieldCRM profile with its store and one client kept between syncs."""

    def __init__(self, directory: Path, url: str, user: str) -> None:
        directory.mkdir(parents=True)
        self.store = Store(directory / "fieldcrm.db")
        tokens = FileTokenStore(directory / "session.token")
        self.user = login(self.store, url, user, PASSWORD, token_store=tokens)
        self.transport = TimingTransport()
        self.client: SyncClient = open_client(
            self.store, token_store=tokens, transport=self.transport
        )
        self.phases: dict[str, float] = {}
        self.cpu: Cpu | None = None
        self.phase_cpu: dict[str, tuple[float, float]] = {}

    def _progress(self, progress: SyncProgress) -> None:
        if progress.phase not in self.phases:
            self.phases[progress.phase] = time.perf_counter()
            # Only the push's bounds are read (``push_cpu``); reading the server's CPU
            # time from /proc at every phase cost an idle sync a tenth of a millisecond.
            if self.cpu is not None and progress.phase in ("push", "pull"):
                self.phase_cpu[progress.phase] = self.cpu.now()

    def push_cpu(self, start: tuple[float, float]) -> dict[str, float]:
        """CPU of the push phase (until the pull starts)."""
        assert self.cpu is not None
        end = self.phase_cpu.get("pull") or self.cpu.now()
        begin = self.phase_cpu.get("push", start)
        return {"client_cpu_s": end[0] - begin[0], "server_cpu_s": end[1] - begin[1]}

    def sync(self) -> tuple[Any, float]:
        self.phases = {}
        started = time.perf_counter()
        # A first sync leaves its indexes to a background builder (``defer_indexes``).
        result = SyncEngine(self.store, self.client, self._progress, defer_indexes=True).sync()
        seconds = time.perf_counter() - started
        assert result.ok, result.errors
        return result, seconds

    def push_seconds(self, started: float) -> float:
        return self.phases.get("pull", time.perf_counter()) - self.phases.get("push", started)

    def close(self) -> None:
        self.client.close()
        self.store.close()


def _fieldcrm_server_db(path: Path) -> str:
    """A new server database with one territory and its rep (and nothing else)."""
    from sync_server import admin
    from sync_server.db import make_engine, upgrade, write_transaction

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    with write_transaction(engine) as conn:
        admin.add_territory(conn, "Bayern")
        admin.add_user(conn, "rep", "rep", PASSWORD, territory="Bayern", check_strength=False)
    engine.dispose()
    return url


def run_fieldcrm(records: list[dict[str, Any]], work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    url_db = _fieldcrm_server_db(work / "server.db")
    out: dict[str, Any] = {}
    with server_process(url_db, work / "server") as (url, process):
        cpu = Cpu(process.pid)
        a = Laptop(work / "a", url, "rep")
        b = Laptop(work / "b", url, "rep")
        a.cpu = b.cpu = cpu
        try:
            a.sync()
            territory = a.user.territory_ids[0]
            with a.store.write() as uow:
                for record in records:
                    values = fieldcrm_values(record)
                    values["territory_id"] = territory
                    values["owner_id"] = a.user.id
                    uow.create("customer", values, row_id=record["id"])
            started, start_cpu = time.perf_counter(), cpu.now()
            result, _ = a.sync()
            assert result.pushed == len(records), result
            seconds = a.push_seconds(started)
            out["push_new"] = {
                "records": len(records),
                "seconds": seconds,
                "per_s": len(records) / seconds,
                **a.push_cpu(start_cpu),
            }

            start_cpu = cpu.now()
            result, seconds = b.sync()
            customers = b.store.counts()["customer"]
            assert customers == len(records), customers
            out["first_sync"] = {
                "rows": result.pulled,
                "seconds": seconds,
                "per_s": result.pulled / seconds,
                "requests": result.requests,
                "bytes_received": result.bytes_received,
                **cpu.since(start_cpu),
            }
            # The indexes, then the search index, are built after the first sync, in the
            # background (the desktop's builder): not the rep's wait, but CPU all the same.
            out["indexes_after"] = _background_index(b, _put_back_indexes)
            out["index_build"] = _background_index(b, search_build.build)
            assert out["index_build"]["built"], out["index_build"]

            with a.store.write() as uow:
                for n, record in enumerate(records[:EDITS]):
                    uow.update("customer", record["id"], edit_of(record, n))
            started, start_cpu = time.perf_counter(), cpu.now()
            result, _ = a.sync()
            assert result.pushed == EDITS, result
            out["push_edits"] = {
                "records": EDITS,
                "seconds": a.push_seconds(started),
                **a.push_cpu(start_cpu),
            }

            start_cpu = cpu.now()
            result, seconds = b.sync()
            assert result.pulled == EDITS, result
            check = b.store.get("customer", records[EDITS - 1]["id"])
            assert check is not None and check["phone"] == edit_of({}, EDITS - 1)["phone"]
            out["pull_edits"] = {
                "records": EDITS,
                "seconds": seconds,
                "requests": result.requests,
                **cpu.since(start_cpu),
            }
            # The rows those edits changed are indexed afterwards (the builder after the
            # sync, or the next search before it asks the index).
            out["index_catch_up"] = _background_index(b, search_build.build)

            out["idle"] = _idle(b, cpu)
        finally:
            a.close()
            b.close()
    return out


def _background_index(
    laptop: Laptop, work: Callable[[Store], search_build.IndexProgress]
) -> dict[str, Any]:
    """Wall and CPU seconds (this thread) of building or catching up the search index."""
    waiting = search_build.progress(laptop.store).waiting
    started, start_cpu = time.perf_counter(), time.thread_time()
    state = work(laptop.store)
    return {
        "seconds": time.perf_counter() - started,
        "client_cpu_s": time.thread_time() - start_cpu,
        "server_cpu_s": 0.0,
        "rows_waiting": waiting,
        "built": state.built and not state.waiting,
    }


def _put_back_indexes(store: Store) -> search_build.IndexProgress:
    assert replica.bulk_load_pulled(store), "the first sync built its indexes itself"
    assert replica.end_bulk_load(store)
    return search_build.IndexProgress(0, 0, 0, built=True)


def _idle(laptop: Laptop, cpu: Cpu) -> dict[str, Any]:
    laptop.sync()
    times, server = [], []
    result = None
    start_cpu = cpu.now()
    for _ in range(IDLE_ROUNDS):
        result, seconds = laptop.sync()
        times.append(seconds)
        if laptop.transport.last_server_ms is not None:
            server.append(laptop.transport.last_server_ms)
    assert result is not None
    return {
        "ms_median": statistics.median(times) * 1000,
        "ms_min": min(times) * 1000,
        "server_ms_median": statistics.median(server) if server else None,
        "requests": result.requests,
        "bytes": result.bytes_sent + result.bytes_received,
        **{k: v / IDLE_ROUNDS for k, v in cpu.since(start_cpu).items()},
    }


# ---- Kinto ----------------------------------------------------------------------------

KINTO_INI = """\
[app:main]
use = egg:kinto
kinto.storage_backend = kinto.core.storage.memory
kinto.storage_url =
kinto.cache_backend = kinto.core.cache.memory
kinto.cache_url =
kinto.permission_backend = kinto.core.permission.memory
kinto.permission_url =
kinto.userid_hmac_secret = 9a1f3c7e5b2d4f6081a3c5e7f9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7
multiauth.policies = basicauth
kinto.bucket_create_principals = system.Authenticated

[server:main]
use = egg:waitress#main
host = 127.0.0.1
port = {port}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = plain

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = WARNING
formatter = plain

[formatter_plain]
format = %(levelname)s %(name)s %(message)s
"""


def kinto_executable(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def install_kinto(venv: Path) -> None:
    """Make ``venv`` with Kinto (a separate environment: Kinto is no product dependency)."""
    if not kinto_executable(venv, "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            str(kinto_executable(venv, "python")),
            "-m",
            "pip",
            "install",
            "-q",
            f"kinto=={KINTO_VERSION}",
        ],
        check=True,
    )


@contextlib.contextmanager
def kinto_server(venv: Path, work: Path) -> Iterator[tuple[str, int]]:
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    ini = work / "kinto.ini"
    ini.write_text(KINTO_INI.format(port=port), encoding="utf-8")
    log = (work / "kinto.log").open("wb")
    process = subprocess.Popen(
        [str(kinto_executable(venv, "pserve")), str(ini)],
        cwd=work,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"Kinto exited; see {work / 'kinto.log'}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/__heartbeat__", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("Kinto did not come up")
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class KintoLaptop:
    """A minimal Kinto client: batch pushes, ``_since`` pulls into one bare table."""

    RECORDS = "/buckets/crm/collections/customers/records"

    def __init__(self, directory: Path, url: str) -> None:
        directory.mkdir(parents=True)
        self.http = httpx.Client(base_url=url, auth=("rep", PASSWORD), timeout=120)
        self.db = sqlite3.connect(directory / "kinto-client.db", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS records "
            "(id TEXT PRIMARY KEY, last_modified INTEGER NOT NULL, data TEXT NOT NULL)"
        )
        self.etag: str | None = None
        self.batch_size = int(
            self.http.get("/").json().get("settings", {}).get("batch_max_requests") or 25
        )
        self.requests = 0
        self.bytes = 0

    def _count(self, response: httpx.Response) -> httpx.Response:
        self.requests += 1
        request = response.request
        head = sum(len(k) + len(v) + 4 for k, v in request.headers.raw)
        head_in = sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
        self.bytes += head + len(request.content) + head_in + response.num_bytes_downloaded
        return response

    def setup(self) -> None:
        self.http.put("/buckets/crm").raise_for_status()
        self.http.put("/buckets/crm/collections/customers").raise_for_status()

    def push(self, method: str, bodies: list[tuple[str, dict[str, Any]]]) -> None:
        for start in range(0, len(bodies), self.batch_size):
            chunk = bodies[start : start + self.batch_size]
            response = self._count(
                self.http.post(
                    "/batch",
                    json={
                        "defaults": {"method": method},
                        "requests": [
                            {"path": f"{self.RECORDS}/{row_id}", "body": {"data": data}}
                            for row_id, data in chunk
                        ],
                    },
                )
            )
            response.raise_for_status()
            failed = [r for r in response.json()["responses"] if r["status"] >= 400]
            assert not failed, failed[:1]

    def pull(self) -> int:
        """Everything changed since the last pull, written in one transaction a page."""
        params: dict[str, Any] = {"_sort": "last_modified"}
        headers = {}
        if self.etag is not None:
            params["_since"] = self.etag.strip('"')
            headers["If-None-Match"] = self.etag
        url: str | None = self.RECORDS
        rows = 0
        etag = None
        while url is not None:
            # ``params=None`` for the next pages: httpx drops the query string of a URL
            # given with ``params`` (the Next-Page token).
            response = self._count(self.http.get(url, params=params or None, headers=headers))
            if response.status_code == 304:
                return 0
            response.raise_for_status()
            etag = etag or response.headers.get("ETag")
            page = orjson.loads(response.content)["data"]
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT OR REPLACE INTO records (id, last_modified, data) VALUES (?, ?, ?)",
                [(r["id"], r["last_modified"], orjson.dumps(r).decode()) for r in page],
            )
            self.db.execute("COMMIT")
            rows += len(page)
            url = response.headers.get("Next-Page")
            params, headers = {}, {}
        self.etag = etag
        return rows

    def close(self) -> None:
        self.http.close()
        self.db.close()


def _timed(action: Callable[[], Any], cpu: Cpu) -> tuple[Any, float, dict[str, float]]:
    started, start_cpu = time.perf_counter(), cpu.now()
    value = action()
    return value, time.perf_counter() - started, cpu.since(start_cpu)


def run_kinto(records: list[dict[str, Any]], venv: Path, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with kinto_server(venv, work / "kinto") as (url, pid):
        cpu = Cpu(pid)
        a = KintoLaptop(work / "ka", url)
        b = KintoLaptop(work / "kb", url)
        try:
            a.setup()
            bodies = [(r["id"], {k: v for k, v in r.items() if k != "id"}) for r in records]
            _, seconds, used = _timed(lambda: a.push("PUT", bodies), cpu)
            out["push_new"] = {
                "records": len(records),
                "seconds": seconds,
                "per_s": len(records) / seconds,
                **used,
            }

            before = (b.requests, b.bytes)
            rows, seconds, used = _timed(b.pull, cpu)
            assert rows == len(records), rows
            out["first_sync"] = {
                "rows": rows,
                "seconds": seconds,
                "per_s": rows / seconds,
                "requests": b.requests - before[0],
                "bytes_received": b.bytes - before[1],
                **used,
            }

            edits = [(r["id"], edit_of(r, n)) for n, r in enumerate(records[:EDITS])]
            _, seconds, used = _timed(lambda: a.push("PATCH", edits), cpu)
            out["push_edits"] = {"records": EDITS, "seconds": seconds, **used}

            rows, seconds, used = _timed(b.pull, cpu)
            assert rows == EDITS, rows
            out["pull_edits"] = {"records": EDITS, "seconds": seconds, "requests": 1, **used}

            b.pull()
            times = []
            start_cpu = cpu.now()
            for _ in range(IDLE_ROUNDS):
                before = (b.requests, b.bytes)
                rows, seconds, _ = _timed(b.pull, cpu)
                assert rows == 0
                times.append(seconds)
            idle_cpu = {k: v / IDLE_ROUNDS for k, v in cpu.since(start_cpu).items()}
            out["idle"] = {
                "ms_median": statistics.median(times) * 1000,
                "ms_min": min(times) * 1000,
                "server_ms_median": None,
                "requests": b.requests - before[0],
                "bytes": b.bytes - before[1],
                **idle_cpu,
            }
        finally:
            a.close()
            b.close()
    return out


# ---- report ---------------------------------------------------------------------------


def _ratio(mine: float, theirs: float | None) -> str:
    return "—" if not theirs else f"{mine / theirs:.2f}×"


def _cpu(phase: dict[str, Any], scale: float) -> tuple[float, str]:
    client, server = phase["client_cpu_s"] * scale, phase["server_cpu_s"] * scale
    digits = 2 if scale == 1 else 1
    return client + server, f"{client:.{digits}f} + {server:.{digits}f}"


def table(report: dict[str, Any]) -> str:
    f, k = report["fieldcrm"], report.get("kinto")

    def kv(phase: str, key: str) -> Any:
        return k[phase][key] if k else None

    def num(value: Any, spec: str) -> str:
        return "—" if value is None else format(value, spec)

    fi, ki = f["idle"], k["idle"] if k else None
    server_ms = fi["server_ms_median"]
    rows = [
        ("phase", "FieldCRM", "Kinto", "FieldCRM / Kinto"),
        (
            f"push {f['push_new']['records']:,} new records (records/s)",
            num(f["push_new"]["per_s"], ",.0f"),
            num(kv("push_new", "per_s"), ",.0f"),
            _ratio(f["push_new"]["per_s"], kv("push_new", "per_s")),
        ),
        (
            "first sync of a fresh laptop (rows/s)",
            num(f["first_sync"]["per_s"], ",.0f"),
            num(kv("first_sync", "per_s"), ",.0f"),
            _ratio(f["first_sync"]["per_s"], kv("first_sync", "per_s")),
        ),
        (
            "bytes received by that first sync",
            f"{f['first_sync']['bytes_received'] / 1e6:.2f} MB, "
            f"{f['first_sync']['requests']} requests",
            "—"
            if not k
            else f"{k['first_sync']['bytes_received'] / 1e6:.2f} MB, "
            f"{k['first_sync']['requests']} requests",
            _ratio(f["first_sync"]["bytes_received"], kv("first_sync", "bytes_received")),
        ),
        (
            f"push {EDITS:,} edits (s)",
            num(f["push_edits"]["seconds"], ".3f"),
            num(kv("push_edits", "seconds"), ".3f"),
            _ratio(f["push_edits"]["seconds"], kv("push_edits", "seconds")),
        ),
        (
            f"pull and apply those {EDITS:,} edits (s)",
            num(f["pull_edits"]["seconds"], ".3f"),
            num(kv("pull_edits", "seconds"), ".3f"),
            _ratio(f["pull_edits"]["seconds"], kv("pull_edits", "seconds")),
        ),
        (
            "idle sync, median of 30 (ms)",
            f"{fi['ms_median']:.2f} (server {num(server_ms, '.2f')}), "
            f"{fi['requests']} request, {fi['bytes']} B",
            "—" if not ki else f"{ki['ms_median']:.2f}, {ki['requests']} request, {ki['bytes']} B",
            _ratio(fi["ms_median"], ki["ms_median"] if ki else None),
        ),
    ]
    for phase, label, scale, unit in (
        ("push_new", f"push {f['push_new']['records']:,} new records", 1, "s"),
        ("first_sync", "first sync of a fresh laptop", 1, "s"),
        ("push_edits", f"push {EDITS:,} edits", 1, "s"),
        ("pull_edits", f"pull and apply {EDITS:,} edits", 1, "s"),
        ("idle", "one idle sync", 1000, "ms"),
    ):
        mine = _cpu(f[phase], scale)
        theirs = _cpu(k[phase], scale) if k else None
        rows.append(
            (
                f"CPU of {label}, laptop + server ({unit})",
                mine[1],
                "—" if theirs is None else theirs[1],
                _ratio(mine[0], theirs[0] if theirs else None),
            )
        )
    build, catch_up = f.get("index_build"), f.get("index_catch_up")
    indexes = f.get("indexes_after")
    if indexes:
        rows.append(
            (
                "indexes built after the first sync, in the background: wall / CPU (s)",
                f"{indexes['seconds']:.2f} / {indexes['client_cpu_s']:.2f}",
                "— (none)",
                "—",
            )
        )
    if build and catch_up:
        rows += [
            (
                "search index built after the first sync, in the background: wall / CPU (s)",
                f"{build['seconds']:.2f} / {build['client_cpu_s']:.2f}",
                "— (none)",
                "—",
            ),
            (
                f"search index caught up after the {EDITS:,} edits: wall / CPU (s)",
                f"{catch_up['seconds']:.3f} / {catch_up['client_cpu_s']:.3f} "
                f"({catch_up['rows_waiting']} rows)",
                "— (none)",
                "—",
            ),
        ]
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--kinto-venv", type=Path, default=DEFAULT_KINTO_VENV)
    parser.add_argument(
        "--install-kinto",
        action="store_true",
        help=f"create the Kinto environment (Kinto {KINTO_VERSION}) first",
    )
    parser.add_argument("--skip-kinto", action="store_true", help="run FieldCRM's side only")
    parser.add_argument("--skip-fieldcrm", action="store_true", help="run Kinto's side only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.records < EDITS:
        parser.error(f"--records must be at least {EDITS}")
    if args.install_kinto:
        install_kinto(args.kinto_venv)
    records = workload(args.records, args.seed)
    kinto_found = kinto_executable(args.kinto_venv, "pserve").exists()
    report: dict[str, Any] = {
        "records": args.records,
        "bytes_per_record": round(statistics.mean(len(orjson.dumps(r)) for r in records[:1000]), 1),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average_before": load_average(),
    }
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-kinto-") as tmp:
        work = Path(tmp)
        if not args.skip_fieldcrm:
            report["fieldcrm"] = run_fieldcrm(records, work / "fieldcrm")
            report["load_average_fieldcrm"] = load_average()
        if args.skip_kinto:
            report["kinto"] = None
        elif not kinto_found:
            report["kinto"] = None
            report["kinto_missing"] = (
                f"Kinto was not found in {args.kinto_venv} (run with --install-kinto, or "
                "point --kinto-venv at an environment with Kinto)."
            )
        else:
            report["kinto"] = run_kinto(records, args.kinto_venv, work / "kinto")
            report["load_average_kinto"] = load_average()
    report["load_average_after"] = load_average()
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"{report['records']:,} records of {report['bytes_per_record']:.0f} bytes of JSON, "
        f"{report['date']}; load average before {report['load_average_before']}, "
        f"after {report['load_average_after']}"
    )
    if "fieldcrm" in report:
        print(table(report))
    else:
        print(json.dumps(report["kinto"], indent=2))
    if report.get("kinto_missing"):
        print(report["kinto_missing"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
