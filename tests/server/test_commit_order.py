"""Invariant 3 on PostgreSQL: concurrent writers committing out of order never make a
pulling reader skip a change."""

from __future__ import annotations

import random
import threading
import time

import pytest

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import OutboxEntry, PullPage, PushRequest
from sync_server import auth
from sync_server.db import read_transaction, write_transaction
from sync_server.pull import pull_page
from sync_server.push import push
from sync_server.scope import Caller
from tests.helpers.server_env import ServerEnv, customer_fields

pytestmark = pytest.mark.postgres

WRITERS = 5
CHANGES_PER_WRITER = 205


def _caller(env: ServerEnv, username: str, device: str) -> Caller:
    client = env.session(username, device)
    with env.engine.connect() as conn:
        return auth.authenticate(conn, client.access_token)


def test_commit_order_reader_misses_nothing(pg_url: str) -> None:
    env = ServerEnv(pg_url)
    try:
        env.setup_area()
        writers = [_caller(env, "anna", f"writer-{i}") for i in range(WRITERS)]
        reader = _caller(env, "maria", "reader")
        written: list[set[str]] = [set() for _ in range(WRITERS)]
        errors: list[BaseException] = []
        done = threading.Event()

        def write(index: int) -> None:
            rng = random.Random(index)
            caller = writers[index]
            op_no = 0
            try:
                while len(written[index]) < CHANGES_PER_WRITER:
                    entries = []
                    for _ in range(rng.randint(1, 8)):
                        op_no += 1
                        row_id = uuid7()
                        fields = customer_fields(f"W{index}-{op_no}")
                        stamp = f"{int(time.time() * 1000):013d}:{op_no:06d}:{caller.device_id}"
                        entries.append(
                            OutboxEntry(
                                device_id=caller.device_id,
                                op_no=op_no,
                                entity="customer",
                                row_id=row_id,
                                op="create",
                                fields=fields,
                                stamps=dict.fromkeys(fields, stamp),
                            )
                        )
                    with write_transaction(env.engine) as conn:
                        response = push(
                            conn, caller, PushRequest(device_id=caller.device_id, entries=entries)
                        )
                        # Hold the transaction open for a random while: commits interleave.
                        time.sleep(rng.random() * 0.002)
                    assert {r.status for r in response.results} == {"applied"}
                    written[index].update(e.row_id for e in entries)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        seen: list[str] = []
        cursor = 0

        def pull_once() -> PullPage:
            nonlocal cursor
            with read_transaction(env.engine) as conn:
                page = PullPage.model_validate_json(pull_page(conn, reader, cursor, 50)[0])
            seen.extend(r.id for r in page.rows if r.entity == "customer")
            assert int(page.cursor) >= cursor
            cursor = int(page.cursor)
            return page

        threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
        for thread in threads:
            thread.start()

        def wait_for_writers() -> None:
            for thread in threads:
                thread.join()
            done.set()

        waiter = threading.Thread(target=wait_for_writers)
        waiter.start()
        pulls = 0
        while not done.is_set():
            pull_once()
            pulls += 1
        waiter.join()
        while pull_once().has_more:
            pass
        assert not errors, errors
        everything = set().union(*written)
        assert len(everything) >= 1000
        assert pulls > 10, "the reader must have pulled while the writers were writing"
        assert len(seen) == len(set(seen)), "a change was delivered twice"
        assert set(seen) == everything, f"{len(everything - set(seen))} changes were skipped"
    finally:
        env.close()
