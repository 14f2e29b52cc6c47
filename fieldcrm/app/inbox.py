"""One inbox: everything addressed to the signed-in user, newest first, with what is unread.

For a rep: the bulletins addressed to her (unread until opened), the requests asked of her
(unread until answered), feedback on her visit reports and answers under bulletins. For a
manager: the answers to the requests she asked (unread on this laptop until opened), the
questions and answers under bulletins and feedback in threads she took part in.

Nothing here is a new record: each item is one of the existing ones (bulletin, follow-up,
comment) and opening it is what already reads it (``bulletins.open_bulletin``, the
feedback thread). Only "I have seen this answer" is new, and it is this laptop's own
(``meta``), like the read state of questions under a bulletin.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Literal, TypedDict

from fieldcrm.app import bulletins, requests
from fieldcrm.store import Store
from fieldcrm.store import feedback as store_feedback
from fieldcrm.store.feedback import FeedbackItem

Kind = Literal["bulletin", "request", "answer", "feedback", "question"]
KINDS: tuple[Kind, ...] = ("bulletin", "request", "answer", "feedback", "question")
#: The answers to the user's requests seen on this laptop: follow-up id -> the answer seen.
SEEN_ANSWERS_KEY = "inbox_seen_answers"


class InboxItem(TypedDict):
    """One thing addressed to the user."""

    kind: Kind
    #: The bulletin, follow-up or comment.
    id: str
    #: Where opening it leads: the bulletin (questions too), the follow-up, the visit.
    target_id: str
    title: str
    sender: str
    #: When it was sent or answered (UTC, ``YYYY-MM-DDTHH:MM:SSZ``).
    at: str
    unread: bool
    #: A line more: the request's state and reason, the comment's text, "please confirm".
    detail: str
    #: A bulletin that asks to be confirmed by this day and is not confirmed yet.
    confirm_by: str | None


def _text_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id_time(row_id: str) -> str:
    """When a record with a UUIDv7 id was made."""
    return _text_time(int(row_id.replace("-", "")[:12], 16))


def _seen_answers(store: Store) -> dict[str, str]:
    raw = store.meta(SEEN_ANSWERS_KEY)
    seen: dict[str, str] = json.loads(raw) if raw else {}
    return seen


def _answer_stamp(row: requests.RequestRow) -> str:
    return f"{row['response'] or ''}:{row['responded_at'] or ''}:{row['done_at'] or ''}"


def _comment(item: FeedbackItem, kind: Kind, title: str) -> InboxItem:
    return InboxItem(
        kind=kind,
        id=item.id,
        target_id=item.bulletin_id if kind == "question" else item.visit_id,
        title=title,
        sender=item.author_name,
        at=_text_time(item.written_at_ms) if item.written_at_ms else _id_time(item.id),
        unread=not item.read,
        detail=item.text or "",
        confirm_by=None,
    )


def inbox(store: Store, user_id: str) -> list[InboxItem]:
    """Everything addressed to ``user_id`` on this laptop, newest first."""
    items: list[InboxItem] = []
    for b in bulletins.bulletin_list(store, user_id):
        if b["author_id"] == user_id:
            continue
        open_confirm = b["confirm_by"] if b["confirm_by"] and not b["confirmed_at"] else None
        items.append(
            InboxItem(
                kind="bulletin",
                id=b["id"],
                target_id=b["id"],
                title=b["title"] or "",
                sender=b["author_name"] or "",
                at=b["posted_at"] or _id_time(b["id"]),
                unread=b["read_at"] is None,
                detail="",
                confirm_by=open_confirm,
            )
        )
    for r in requests.incoming_requests(store, user_id, open_only=False):
        items.append(
            InboxItem(
                kind="request",
                id=r["id"],
                target_id=r["id"],
                title=r["title"] or "",
                sender=r["requested_by_name"] or "",
                at=_id_time(r["id"]),
                unread=not (r["response"] or r["done_at"]),
                detail=r["customer_name"] or "",
                confirm_by=None,
            )
        )
    seen = _seen_answers(store)
    for r in requests.outgoing_requests(store, user_id):
        if not (r["response"] or r["done_at"]):
            continue
        items.append(
            InboxItem(
                kind="answer",
                id=r["id"],
                target_id=r["id"],
                title=r["title"] or "",
                sender=r["assignee_name"] or "",
                at=max(filter(None, (r["responded_at"], r["done_at"]))),
                unread=seen.get(r["id"]) != _answer_stamp(r),
                detail=r["response_note"] or "",
                confirm_by=None,
            )
        )
    with store.read() as conn:
        feedback = store_feedback.feedback_to(conn, user_id)
        questions = store_feedback.bulletin_comments_to(conn, user_id)
        titles = {b["id"]: b["title"] or "" for b in bulletins.bulletin_list(store, user_id)}
    items += [_comment(f, "feedback", f.customer_name) for f in feedback]
    items += [_comment(q, "question", titles.get(q.bulletin_id, "")) for q in questions]
    items.sort(key=lambda item: (item["at"], item["id"]), reverse=True)
    return items


def unread_count(items: list[InboxItem]) -> int:
    return sum(1 for item in items if item["unread"])


def count_unread(store: Store, user_id: str) -> int:
    """The number on the inbox's badge."""
    return unread_count(inbox(store, user_id))


def mark_answer_seen(store: Store, followup_id: str) -> None:
    """The user has seen the answer to a request (on this laptop)."""
    row = requests.followup_with_people(store, followup_id)
    if row is None:
        return
    seen = _seen_answers(store)
    seen[followup_id] = _answer_stamp(row)
    store.set_meta(SEEN_ANSWERS_KEY, json.dumps(seen, sort_keys=True))


def mark_comments_read(store: Store, items: list[InboxItem]) -> None:
    """Feedback and questions the user has seen: feedback's read state syncs to the user's
    other laptops, a question's is this laptop's."""
    store_feedback.mark_read(store, [i["id"] for i in items if i["kind"] == "feedback"])
    store_feedback.mark_read_here(store, [i["id"] for i in items if i["kind"] == "question"])
