"""Feedback threads on visit reports in the local store: writing, reading, unread badge."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldcrm.domain.validation import ValidationError
from fieldcrm.store import Store
from fieldcrm.store.feedback import add_feedback, mark_read, thread, unread_feedback


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "fieldcrm.db")


def _visit(store: Store) -> dict[str, str]:
    ids: dict[str, str] = {}
    with store.write() as w:
        ids["territory"] = w.create("territory", {"name": "North"})
        ids["anna"] = w.create("user", {"username": "anna", "display_name": "Anna Berg"})
        ids["maria"] = w.create(
            "user", {"username": "maria", "display_name": "Maria Roth", "role": "manager"}
        )
        ids["customer"] = w.create("customer", {"name": "Bäckerei Brandt"})
        ids["visit"] = w.create(
            "visit",
            {
                "customer_id": ids["customer"],
                "rep_id": ids["anna"],
                "planned_start": "2026-11-20T09:00:00Z",
                "status": "done",
                "report": "Discussed the spring order.",
            },
        )
    return ids


def test_comment_and_reply_form_a_thread_scoped_like_the_visit(store: Store) -> None:
    ids = _visit(store)
    first = add_feedback(store, ids["visit"], ids["maria"], None, kind="acknowledgement")
    second = add_feedback(store, ids["visit"], ids["maria"], "Good call on the pricing.")
    reply = add_feedback(store, ids["visit"], ids["anna"], "Thanks, will follow up in March.")
    with store.read() as conn:
        items = thread(conn, ids["visit"])
    assert [i.id for i in items] == [first, second, reply]
    assert [i.kind for i in items] == ["acknowledgement", "comment", "comment"]
    assert [i.author_name for i in items] == ["Maria Roth", "Maria Roth", "Anna Berg"]
    assert all(i.customer_id == ids["customer"] for i in items)
    entries = [e for e in store.outbox_entries() if e["entity"] == "comment"]
    assert len(entries) == 3 and entries[0]["fields"]["customer_id"] == ids["customer"]


def test_unread_feedback_for_the_rep_and_for_the_manager(store: Store) -> None:
    ids = _visit(store)
    comment = add_feedback(store, ids["visit"], ids["maria"], "Please add the order volume.")
    with store.read() as conn:
        assert [i.id for i in unread_feedback(conn, ids["anna"])] == [comment]
        assert unread_feedback(conn, ids["maria"]) == []  # own comment
    reply = add_feedback(store, ids["visit"], ids["anna"], "Added: 40 crates.")
    with store.read() as conn:
        assert [i.id for i in unread_feedback(conn, ids["maria"])] == [reply]
    mark_read(store, [comment])
    mark_read(store, [comment])  # reading twice is harmless
    with store.read() as conn:
        assert unread_feedback(conn, ids["anna"]) == []
    # Reading is recorded on the comment (read_at) and syncs: one change, not two.
    assert store.pending_count() == 2 + 5 + 1
    assert (store.get("comment", comment) or {}).get("read_at") is not None


def test_empty_comment_and_unknown_visit_are_refused(store: Store) -> None:
    ids = _visit(store)
    before = store.pending_count()
    with pytest.raises(ValidationError, match="text: must not be empty"):
        add_feedback(store, ids["visit"], ids["maria"], "   ")
    with pytest.raises(ValidationError, match="visit_id"):
        add_feedback(store, "01a21fc9-07e5-7121-a518-636e6e087921", ids["maria"], "Hello")
    assert store.pending_count() == before
