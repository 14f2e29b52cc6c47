"""Attachments on loopback: upload and download speed, the GUI thread during a 100 MB upload,
and what 1,000 photo attachments (thumbnails only) add to a first sync.

Client and server run on this machine: ``python -m sync_server serve`` on SQLite with the
filesystem storage, and client stores that log in and move files with ``FileSync`` (the
code ``fieldcrm sync`` and the desktop use). The client stores are encrypted like the
app's profiles, so uploads read and downloads write encrypted contents.

- ``transfer``: one rep uploads a 100 MB file (parts of 4 MiB, each stored with fsync,
  the whole checked by SHA-256 at the end); a teammate downloads it (checked the same way).
- ``gui``: the same upload on a worker thread while a Qt timer on the GUI thread ticks
  every 5 ms; the longest gap between ticks minus the 5 ms is the longest stall.
- ``first_sync``: the ``small`` benchmark area synced by its admin, without and with 1,000
  photo attachments (each with a real 160-pixel JPEG thumbnail) in one territory.

    python -m benchmarks.bench_attachments --part all
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import shutil
import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson

from benchmarks.sync_server_fixture import BENCH_PASSWORD, running_server, server_db
from fieldcrm.app.attachments import Owner, add_attachment, make_thumbnail
from fieldcrm.store import Store
from fieldcrm.store.attachments import AttachmentFiles
from fieldcrm.sync import SyncEngine, login, open_client
from fieldcrm.sync.credentials import FileTokenStore
from fieldcrm.sync.files import FilePolicy, FileSync

MB = 1_000_000
FILE_BYTES = 100 * 1024 * 1024


def _photo_bytes(size: int, seed: int) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (1600, 1200))
    rng = random.Random(seed)
    image.putdata(
        [
            (x % 256, (y + seed) % 256, rng.randrange(256))
            for y in range(0, 1200)
            for x in range(1600)
        ]
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    data = out.getvalue()
    if size and len(data) < size:
        data += random.Random(seed).randbytes(size - len(data))
    return data[:size] if size else data


def _client(url: str, work: Path, user: str) -> tuple[Store, Any]:
    work.mkdir(parents=True, exist_ok=True)
    # Encrypted like the app's profiles (store and attachment contents), the key given
    # here instead of kept in a keyring.
    store = Store(work / "fieldcrm.db", key=os.urandom(32))
    tokens = FileTokenStore(work / "session.token")
    login(store, url, user, BENCH_PASSWORD, token_store=tokens)
    return store, open_client(store, token_store=tokens)


def _first_customer(store: Store) -> str:
    with store.read() as conn:
        return str(conn.exec_driver_sql("SELECT id FROM customer LIMIT 1").scalar())


def transfer(work: Path, *, gui: bool = False) -> dict[str, Any]:
    os.environ["FIELDCRM_MAX_FILE_MB"] = "200"  # the server started below reads it
    with running_server(server_db("tiny"), work / "server") as url:
        store, client = _client(url, work / "rep", "rep01")
        SyncEngine(store, client).sync()
        source = work / "big.jpg"
        source.write_bytes(_photo_bytes(FILE_BYTES, 1))
        changes = add_attachment(
            store, Owner("customer", _first_customer(store)), source, max_bytes=2 * FILE_BYTES
        )
        SyncEngine(store, client).sync()  # the record first
        files = FileSync(store, client, FilePolicy())
        [pending] = files.files.pending_uploads()
        result: dict[str, Any] = {"bytes": FILE_BYTES}
        if gui:
            result |= _gui_stall(lambda: files.upload(pending))
        else:
            started = time.perf_counter()
            files.upload(pending)
            up = time.perf_counter() - started
            result["upload_mb_s"] = FILE_BYTES / MB / up
            result["upload_s"] = up
            mate, mate_client = _client(url, work / "mate", "rep02")
            SyncEngine(mate, mate_client).sync()
            started = time.perf_counter()
            FileSync(mate, mate_client, FilePolicy()).fetch(str(changes.id))
            down = time.perf_counter() - started
            digest = hashlib.sha256()
            for chunk in AttachmentFiles(mate).plain_chunks(pending.sha256):
                digest.update(chunk)
            assert digest.hexdigest() == pending.sha256
            result["download_mb_s"] = FILE_BYTES / MB / down
            result["download_s"] = down
            mate_client.close()
            mate.close()
        client.close()
        store.close()
    return result


def _gui_stall(work: Any) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    gaps: list[float] = []
    last = [time.perf_counter()]
    done = threading.Event()
    errors: list[BaseException] = []

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
        if done.is_set():
            QCoreApplication.quit()

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    # The same timer for 3 s with nothing else running: the machine's own noise floor.
    idle = threading.Timer(3.0, done.set)
    idle.start()
    timer.start()
    app.exec()
    idle_stalls = sorted((g - 0.005) * 1000 for g in gaps[1:])
    gaps.clear()
    done.clear()
    last[0] = time.perf_counter()
    started = time.perf_counter()
    worker = threading.Thread(target=run)
    worker.start()
    app.exec()
    worker.join()
    seconds = time.perf_counter() - started
    if errors:
        raise errors[0]
    stalls = sorted((g - 0.005) * 1000 for g in gaps)
    return {
        "upload_s": seconds,
        "ticks": len(gaps),
        "longest_stall_ms": max(stalls),
        "p99_stall_ms": stalls[int(len(stalls) * 0.99)],
        "idle_longest_stall_ms": max(idle_stalls),
        "idle_p99_stall_ms": idle_stalls[int(len(idle_stalls) * 0.99)],
    }


def _add_attachments(db: Path, count: int) -> None:
    """``count`` photo attachments with real thumbnails on customers of one territory,
    written straight into the server's tables like the benchmark area itself."""
    from PIL import Image

    from fieldcrm.domain.ids import uuid7
    from sync_server.store import REBUILD_LIVE_COUNTS_SQL, render_payload

    def thumbnail_of(n: int) -> str:
        # Each photo its own picture, so the thumbnails do not compress into each other.
        rng = random.Random(n)
        image = Image.new("RGB", (320, 240))
        image.putdata(
            [(rng.randrange(256), (x + n) % 256, y % 256) for y in range(240) for x in range(320)]
        )
        out = io.BytesIO()
        image.save(out, "JPEG", quality=90)
        out.seek(0)
        made = make_thumbnail(out)
        assert made is not None
        return made

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    seq = conn.execute("SELECT value FROM seq_counter WHERE id = 1").fetchone()[0]
    scope, author = conn.execute(
        "SELECT territory_id, id FROM account WHERE role = 'rep' ORDER BY username LIMIT 1"
    ).fetchone()
    customers = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM record WHERE entity = 'customer' AND scope = ? LIMIT ?",
            (scope, count),
        )
    ]
    stamp = f"{1_780_000_000_000:013d}:000000:server"
    rows = []
    for n in range(count):
        row_id = uuid7()
        data = {
            "customer_id": customers[n % len(customers)],
            "visit_id": None,
            "note_id": None,
            "followup_id": None,
            "author_id": author,
            "name": f"Foto {n}.jpg",
            "media_type": "image/jpeg",
            "size": 3_000_000,
            "sha256": hashlib.sha256(str(n).encode()).hexdigest(),
            "thumbnail": thumbnail_of(n),
            "uploaded_at": "2026-06-30T10:00:00Z",
        }
        stamps = dict.fromkeys(data, stamp)
        seq += 1
        rows.append(
            (
                "attachment",
                row_id,
                scope,
                data["customer_id"],
                orjson.dumps(data).decode(),
                orjson.dumps(stamps).decode(),
                0,
                seq,
                render_payload("attachment", row_id, data, stamps, False),
            )
        )
    conn.executemany(
        "INSERT INTO record (entity, id, scope, customer_id, data, stamps, deleted, seq, "
        "payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("DELETE FROM live_count")
    conn.execute(REBUILD_LIVE_COUNTS_SQL)
    conn.execute("UPDATE seq_counter SET value = ? WHERE id = 1", (seq,))
    conn.execute("COMMIT")
    conn.close()
    sizes = [len(orjson.loads(r[4])["thumbnail"]) for r in rows]
    print(f"thumbnails: {sum(sizes) / len(sizes):.0f} bytes of base64 on average")


def first_sync(work: Path, size: str, user: str, rounds: int) -> dict[str, Any]:
    base = server_db(size)
    work.mkdir(parents=True, exist_ok=True)
    with_files = work / "with-files.db"
    shutil.copy(base, with_files)
    _add_attachments(with_files, 1000)
    times: dict[str, list[float]] = {"without": [], "with": []}
    volume: dict[str, tuple[int, int]] = {}
    for n in range(rounds):
        for label, db in (("without", base), ("with", with_files)):
            run = work / f"{label}-{n}"
            with running_server(db, run / "server") as url:
                store, client = _client(url, run / "client", user)
                with client:
                    started = time.perf_counter()
                    result = SyncEngine(store, client).sync()
                    times[label].append(time.perf_counter() - started)
                assert result.ok, result.errors
                volume[label] = (result.pulled, result.bytes_received)
                store.close()
    best = {label: min(values) for label, values in times.items()}
    return {
        "size": size,
        "user": user,
        "seconds": times,
        "best_without_s": best["without"],
        "best_with_s": best["with"],
        "extra_percent": (best["with"] / best["without"] - 1) * 100,
        "rows_and_bytes": volume,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("transfer", "gui", "first_sync", "all"), default="all")
    parser.add_argument("--size", default="small")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-files-") as tmp:
        work = Path(tmp)
        if args.part in ("transfer", "all"):
            results["transfer"] = transfer(work / "transfer")
        if args.part in ("gui", "all"):
            results["gui"] = transfer(work / "gui", gui=True)
        if args.part in ("first_sync", "all"):
            results["first_sync"] = first_sync(work / "first", args.size, args.user, args.rounds)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
