"""End to end with a real server process: SIGKILL mid-push, a faulty network, a killed client.

The server is ``python -m sync_server serve`` on 127.0.0.1; the network faults come from a
small TCP proxy (tests/helpers/faultproxy.py) between laptop and server.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldcrm.store import Store
from fieldcrm.store.replica import CURSOR_KEY, in_bulk_load
from fieldcrm.sync import SyncEngine, login, open_client
from fieldcrm.sync.credentials import FileTokenStore
from tests.helpers.faultproxy import Fault, FaultProxy
from tests.helpers.realserver import PASSWORD, ROOT, RealServer, child_env, fieldcrm

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RealServer]:
    srv = RealServer(tmp_path / "srv")
    srv.setup_area()
    srv.start()
    yield srv
    srv.stop()


def _laptop(directory: Path, url: str, user: str) -> tuple[Store, FileTokenStore]:
    directory.mkdir(parents=True, exist_ok=True)
    store = Store(directory / "fieldcrm.db")
    tokens = FileTokenStore(directory / "session.token")
    login(store, url, user, PASSWORD, token_store=tokens)
    return store, tokens


def _sync(
    store: Store, tokens: FileTokenStore, *, push_batch: int = 500, page_limit: int = 10000
) -> bool:
    client = open_client(store, token_store=tokens, max_attempts=3, backoff_base=0.05)
    with client:
        engine = SyncEngine(
            store, client, push_batch=push_batch, page_limit=page_limit, raise_errors=False
        )
        return engine.sync().ok


def _wait_for(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.01)
    raise AssertionError("condition not reached in time")


def test_server_killed_mid_push_then_restarted(tmp_path: Path, server: RealServer) -> None:
    """A edits while the server is down; the server dies (SIGKILL) in the middle of A's push
    after committing a batch whose answer never arrives; after a restart A syncs again and
    B holds A's edits exactly once."""
    profile_a = tmp_path / "a"
    _laptop(profile_a, server.url, "anna")[0].close()
    server.kill()

    store = Store(profile_a / "fieldcrm.db")
    with store.write() as uow:
        customers = [
            uow.create("customer", {"name": f"Kunde {n}", "status": "active"}) for n in range(1200)
        ]
        for customer in customers[:300]:
            uow.update("customer", customer, {"city": "Kiel"})
    device_id = store.device_id
    assert store.pending_count() == 1500
    store.close()
    offline = fieldcrm(profile_a, "sync", "--quiet")
    assert offline.returncode == 4 and "Cannot reach the server" in offline.stderr

    server.start()
    with FaultProxy(server.port) as proxy:
        store = Store(profile_a / "fieldcrm.db")
        store.set_meta("server_url", proxy.url)
        store.close()
        # 1500 outbox entries go in two pushes of up to 1000 (MAX_ENTRIES_PER_PUSH). The
        # first passes untouched; the server commits the second and starts to answer, and
        # the proxy SIGKILLs it right then, before a byte of that answer reaches A.
        proxy.add(Fault("delay", match=b"/sync/push", seconds=0.0))
        proxy.add(Fault("drop_response", match=b"/sync/push", on_fire=server.kill))
        sync_a = subprocess.Popen(
            [sys.executable, "-m", "fieldcrm", "--profile", str(profile_a), "sync", "--quiet"],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        proxy.wait_fired("drop_response", timeout=120)
        assert server.process is None  # killed by on_fire
        # Both batches are committed in the dead server's database ...
        assert server.applied_ops(device_id) == 1500
        # ... and the server stays down while A's sync retries (4 attempts, backoff under
        # 4 s in all): every retry fails, so it ends with exit status 4 (server unreachable,
        # fieldcrm.cli.EXIT_UNREACHABLE), not 0. The restart comes only after it gave up.
        _, stderr = sync_a.communicate(timeout=120)
        assert sync_a.returncode == 4, stderr
        assert "Cannot reach the server" in stderr
        store = Store(profile_a / "fieldcrm.db")
        try:
            # The first batch was acknowledged; the second's answer was lost, so its 500
            # entries are still queued although the server has them.
            assert store.pending_count() == 500
        finally:
            store.close()
        server.start()
        again = fieldcrm(profile_a, "sync", "--json")
        assert again.returncode == 0, again.stderr + stderr
        summary = json.loads(again.stdout)
        # The server answered the resent batch from its applied-op record.
        assert summary["ok"] and summary["pushed"] == 500 and summary["pending"] == 0

    on_server = server.records("customer")
    assert set(customers) <= set(on_server)
    assert sum(1 for c in customers[:300] if on_server[c]["city"] == "Kiel") == 300
    assert server.applied_ops(device_id) == 1500  # each outbox entry applied exactly once

    store_b, tokens_b = _laptop(tmp_path / "b", server.url, "ben")
    try:
        assert _sync(store_b, tokens_b)
        assert store_b.counts()["customer"] == 1200
        with store_b.read() as conn:
            kiel = conn.scalar(
                sa.text("SELECT count(*) FROM customer WHERE city = 'Kiel' AND deleted = 0")
            )
        assert kiel == 300
    finally:
        store_b.close()


def test_faulty_network_every_sync_eventually_completes(tmp_path: Path, server: RealServer) -> None:
    with FaultProxy(server.port) as proxy:
        store_a, tokens_a = _laptop(tmp_path / "a", proxy.url, "anna")
        store_b, tokens_b = _laptop(tmp_path / "b", proxy.url, "ben")
        try:
            ids = [
                store_a.create("customer", {"name": f"Kunde {n}", "status": "active"})
                for n in range(120)
            ]
            faults = [
                Fault("delay", match=b"/sync/push", seconds=0.3),
                Fault("cut_request", match=b"/sync/push", after_bytes=200),
                Fault("drop_response", match=b"/sync/push"),
                Fault("cut_response", match=b"/sync/pull", after_bytes=300),
                Fault("drop_response", match=b"/sync/pull"),
                Fault("cut_request", match=b"/auth/refresh", after_bytes=50),
            ]
            for fault in faults:
                proxy.add(fault)
            for _attempt in range(20):
                if _sync(store_a, tokens_a, push_batch=25, page_limit=40):
                    break
            for _attempt in range(20):
                if _sync(store_b, tokens_b, page_limit=40):
                    break
            for n, customer in enumerate(ids[:30]):
                store_b.update("customer", customer, {"city": f"Stadt {n}"})
            proxy.add(Fault("drop_response", match=b"/sync/push"))
            proxy.add(Fault("cut_response", match=b"/sync/pull", after_bytes=100))
            for store, tokens in ((store_b, tokens_b), (store_a, tokens_a)):
                for _attempt in range(20):
                    if _sync(store, tokens, page_limit=40):
                        break
            assert proxy.pending_faults == 0
            assert set(proxy.triggered) == {"delay", "cut_request", "drop_response", "cut_response"}
            assert store_a.pending_count() == store_b.pending_count() == 0
            on_server = server.records("customer")
            assert set(on_server) == set(ids)
            for store in (store_a, store_b):
                assert store.counts()["customer"] == 120
                for n, customer in enumerate(ids[:30]):
                    assert store.get("customer", customer)["city"] == f"Stadt {n}"  # type: ignore[index]
        finally:
            store_a.close()
            store_b.close()


def test_client_killed_during_pull_resumes_from_checkpoint(
    tmp_path: Path, server: RealServer
) -> None:
    store_a, tokens_a = _laptop(tmp_path / "a", server.url, "anna")
    try:
        with store_a.write() as uow:
            for n in range(6000):
                uow.create("customer", {"name": f"Kunde {n}", "status": "active"})
        assert _sync(store_a, tokens_a, push_batch=1000)
    finally:
        store_a.close()

    profile_b = tmp_path / "b"
    login_b = fieldcrm(
        profile_b, "login", "--server", server.url, "--user", "ben", stdin=PASSWORD + "\n"
    )
    assert login_b.returncode == 0, login_b.stderr
    store_b = Store(profile_b / "fieldcrm.db")
    sync_b = subprocess.Popen(
        [sys.executable, "-m", "fieldcrm", "--profile", str(profile_b), "sync", "--quiet"],
        cwd=ROOT,
        env=child_env(FIELDCRM_SYNC_PAGE_LIMIT="500"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: store_b.meta(CURSOR_KEY) is not None)
    finally:
        sync_b.send_signal(signal.SIGKILL)
        sync_b.wait(timeout=30)
    checkpoint = store_b.meta(CURSOR_KEY)
    partial = store_b.counts()["customer"]
    assert checkpoint is not None and partial < 6000, "killed too late to prove anything"
    others_before = {k: v for k, v in store_b.counts().items() if k != "customer"}
    # Killed in the middle of loading in bulk (indexes and search triggers set aside).
    assert in_bulk_load(store_b)
    with store_b.read() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    store_b.close()

    resumed = fieldcrm(profile_b, "sync", "--json", FIELDCRM_SYNC_PAGE_LIMIT="500")
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    store_b = Store(profile_b / "fieldcrm.db")
    try:
        assert store_b.counts()["customer"] == 6000
        # The rows that are not customers (the territory) came with the first page.
        assert {k: v for k, v in store_b.counts().items() if k != "customer"} == others_before
        # The resumed run went on from the checkpoint: it pulled exactly the customers that
        # had not arrived before the kill (a restart from scratch would pull all 6000 and
        # the territory again), and needed no full resync to get the counts right.
        assert summary["ok"] and not summary["full_resync"]
        assert summary["pulled"] == 6000 - partial
        assert not in_bulk_load(store_b)
        with store_b.read() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert "ix_customer_sort_name" in set(
                conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars()
            )
            assert (
                conn.exec_driver_sql(
                    "SELECT count(*) FROM "
                    "(SELECT name FROM customer GROUP BY name HAVING count(*) > 1)"
                ).scalar()
                == 0
            )
            assert (
                conn.exec_driver_sql(
                    "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH 'Kunde'"
                ).scalar()
                == 6000
            )
    finally:
        store_b.close()
