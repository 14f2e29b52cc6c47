"""Pages a one-record write commits to the WAL, and which table or index each belongs to.

Every page a commit writes is a WAL frame; on the encrypted store each is encrypted and
authenticated, so the pages per commit are what a one-record write's cipher cost scales
with (docs/PERFORMANCE.md, "Encrypted writes"). Counted on a plain store (the encrypted
store writes the same pages; its WAL cannot be read without the key): the WAL is emptied
by a checkpoint, one create, rename or delete of a customer commits, and the frames it
added are mapped to their tables and indexes with ``dbstat``.

    python -m benchmarks.bench_pages_per_commit --customers 300
"""

from __future__ import annotations

import argparse
import sqlite3
import struct
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from benchmarks import bench_store_writes as writes
from fieldcrm.store import Store

WAL_HEADER = 32
FRAME_HEADER = 24


def wal_pages(path: Path, page_size: int) -> list[int]:
    """The page numbers of the frames in the WAL of ``path`` (current generation only)."""
    wal = Path(f"{path}-wal")
    if not wal.exists():
        return []
    data = wal.read_bytes()
    if len(data) < WAL_HEADER:
        return []
    salts = data[16:24]
    pages = []
    offset = WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(data):
        page, _commit = struct.unpack(">II", data[offset : offset + 8])
        if data[offset + 8 : offset + 16] != salts:
            break
        pages.append(page)
        offset += FRAME_HEADER + page_size
    return pages


def owners(path: Path) -> dict[int, str]:
    """Which table or index each page of the database belongs to (page 1: the header)."""
    with sqlite3.connect(path) as db:
        return {page: name for name, page in db.execute("SELECT name, pageno FROM dbstat")}


def pages_of(store: Store, write: Callable[[], object]) -> Counter[str]:
    """The pages ``write`` (one commit) adds to the WAL, counted per table or index."""
    db = sqlite3.connect(store.path, isolation_level=None)
    try:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "the WAL could not be emptied"
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
    finally:
        db.close()
    write()
    frames = wal_pages(store.path, page_size)
    names = owners(store.path)
    return Counter(names.get(page, "(free or new)") for page in frames)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000, help="customers created before")
    parser.add_argument("--writes", type=int, default=20, help="commits counted per case")
    args = parser.parse_args(argv)
    rows = writes.customer_rows(args.customers + args.writes)
    values = writes.service_values(rows)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-pages-") as tmp:
        store = writes.new_store(Path(tmp), "pages")
        try:
            with store.write() as uow:
                for v in values[: args.customers]:
                    uow.create("customer", v)
            created: list[str] = []
            cases: dict[str, Callable[[int], object]] = {
                "create": lambda i: created.append(
                    store.create("customer", values[args.customers + i])
                ),
                "rename": lambda i: store.update("customer", created[i], {"name": f"Neu {i} GmbH"}),
                "delete": lambda i: store.delete("customer", created[i]),
            }
            for case, write in cases.items():
                counted: Counter[str] = Counter()
                for i in range(args.writes):
                    counted.update(pages_of(store, lambda w=write, i=i: w(i)))  # type: ignore[misc]
                n = args.writes
                detail = ", ".join(f"{name} {k / n:.2g}" for name, k in sorted(counted.items()))
                print(f"{case}: {sum(counted.values()) / n:.1f} pages per commit ({detail})")
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
