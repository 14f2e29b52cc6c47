"""Feedback on visit reports: threads of comments and acknowledgements, and what is unread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import orjson
import sqlalchemy as sa

from fieldcrm.domain.validation import ValidationError
from fieldcrm.protocol import ALL_FIELDS
from fieldcrm.store.service import Store


@dataclass(frozen=True, slots=True)
class FeedbackItem:
    id: str
    visit_id: str
    customer_id: str
    author_id: str
    author_name: str
    kind: str
    text: str | None
    #: When it was written, taken from its time-ordered id's clock stamp.
    written_at_ms: int
    read: bool
    customer_name: str = ""
    #: The day of the visit the feedback is about (YYYY-MM-DD).
    visit_day: str = ""
    #: The bulletin a question or answer is under ("" for feedback on a visit report).
    bulletin_id: str = ""


_ITEM_SQL = """
    SELECT cm.id, cm.visit_id, cm.customer_id, cm.author_id,
           coalesce(u.display_name, u.username, '') AS author_name, cm.kind, cm.text,
           cm.stamps, (cm.read_at IS NOT NULL OR cr.comment_id IS NOT NULL) AS read,
           coalesce(c.name, '') AS customer_name, coalesce(v.visit_day, '') AS visit_day,
           coalesce(cm.bulletin_id, '') AS bulletin_id
    FROM comment AS cm
    LEFT JOIN user AS u ON u.id = cm.author_id
    LEFT JOIN comment_read AS cr ON cr.comment_id = cm.id
    LEFT JOIN customer AS c ON c.id = cm.customer_id
    LEFT JOIN visit AS v ON v.id = cm.visit_id
"""


def _item(row: sa.Row[tuple[object, ...]]) -> FeedbackItem:
    # When it was written: the stamp its fields share (compact form) or the oldest one.
    stamps: dict[str, str] = orjson.loads(str(row.stamps)) if row.stamps else {}
    stamp = stamps.get(ALL_FIELDS) or min(stamps.values(), default="0")
    return FeedbackItem(
        id=str(row.id),
        visit_id=str(row.visit_id or ""),
        customer_id=str(row.customer_id or ""),
        author_id=str(row.author_id),
        author_name=str(row.author_name),
        kind=str(row.kind),
        text=None if row.text is None else str(row.text),
        written_at_ms=int(stamp.split(":", 1)[0]) if stamp[:1].isdigit() else 0,
        read=bool(row.read),
        customer_name=str(row.customer_name),
        visit_day=str(row.visit_day),
        bulletin_id=str(row.bulletin_id),
    )


def add_feedback(
    store: Store, visit_id: str, author_id: str, text: str | None, kind: str = "comment"
) -> str:
    """Comment on (or acknowledge) a visit report; the comment is scoped like its visit."""
    with store.write() as uow:
        visit = uow.get("visit", visit_id)
        if visit is None:
            raise ValidationError.single(
                "comment", "visit_id", "unknown_ref", ref="visit", id=visit_id
            )
        comment_id = uow.create(
            "comment",
            {
                "visit_id": visit_id,
                "customer_id": visit["customer_id"],
                "author_id": author_id,
                "kind": kind,
                "text": text,
            },
        )
    return comment_id


def add_bulletin_comment(store: Store, bulletin_id: str, author_id: str, text: str) -> str:
    """A question or answer under a bulletin; the comment is filed with the bulletin."""
    with store.write() as uow:
        if uow.get("bulletin", bulletin_id) is None:
            raise ValidationError.single(
                "comment", "bulletin_id", "unknown_ref", ref="bulletin", id=bulletin_id
            )
        return uow.create(
            "comment",
            {"bulletin_id": bulletin_id, "author_id": author_id, "kind": "comment", "text": text},
        )


def bulletin_thread(conn: sa.Connection, bulletin_id: str) -> list[FeedbackItem]:
    """The questions and answers under a bulletin, oldest first."""
    rows = conn.execute(
        sa.text(_ITEM_SQL + " WHERE cm.deleted = 0 AND cm.bulletin_id = :b ORDER BY cm.id"),
        {"b": bulletin_id},
    )
    return [_item(row) for row in rows]


def unread_bulletin_comments(conn: sa.Connection, user_id: str) -> list[FeedbackItem]:
    """Questions and answers by others under the live bulletins on this laptop, unread."""
    rows = conn.execute(
        sa.text(
            _ITEM_SQL + " JOIN bulletin AS b ON b.id = cm.bulletin_id AND b.deleted = 0"
            " WHERE cm.deleted = 0 AND cm.author_id != :u AND cr.comment_id IS NULL"
            " ORDER BY cm.id"
        ),
        {"u": user_id},
    )
    return [_item(row) for row in rows]


def visit_summary(conn: sa.Connection, visit_id: str) -> tuple[str, str, str | None] | None:
    """(customer name, visit day, report text) of a visit, for a thread's heading."""
    row = conn.execute(
        sa.text(
            "SELECT c.name, v.visit_day, v.report FROM visit v "
            "JOIN customer c ON c.id = v.customer_id WHERE v.id = :v"
        ),
        {"v": visit_id},
    ).first()
    return None if row is None else (str(row[0]), str(row[1] or ""), row[2])


def thread(conn: sa.Connection, visit_id: str) -> list[FeedbackItem]:
    """The feedback on one visit, oldest first."""
    rows = conn.execute(
        sa.text(_ITEM_SQL + " WHERE cm.deleted = 0 AND cm.visit_id = :v ORDER BY cm.id"),
        {"v": visit_id},
    )
    return [_item(row) for row in rows]


def unread_feedback(conn: sa.Connection, user_id: str) -> list[FeedbackItem]:
    """Feedback by others on the user's visits, or in threads the user took part in."""
    rows = conn.execute(
        sa.text(
            _ITEM_SQL + " WHERE cm.deleted = 0 AND cm.author_id != :u AND cr.comment_id IS NULL"
            " AND cm.read_at IS NULL"
            " AND (cm.visit_id IN (SELECT id FROM visit WHERE rep_id = :u)"
            "      OR cm.visit_id IN (SELECT visit_id FROM comment WHERE author_id = :u"
            "                         AND deleted = 0))"
            " ORDER BY cm.id"
        ),
        {"u": user_id},
    )
    return [_item(row) for row in rows]


def feedback_to(conn: sa.Connection, user_id: str, limit: int = 200) -> list[FeedbackItem]:
    """Feedback by others, read or not, on the user's visits or in threads the user took
    part in; newest first."""
    rows = conn.execute(
        sa.text(
            _ITEM_SQL + " WHERE cm.deleted = 0 AND cm.author_id != :u AND cm.visit_id IS NOT NULL"
            " AND (cm.visit_id IN (SELECT id FROM visit WHERE rep_id = :u)"
            "      OR cm.visit_id IN (SELECT visit_id FROM comment WHERE author_id = :u"
            "                         AND deleted = 0))"
            " ORDER BY cm.id DESC LIMIT :limit"
        ),
        {"u": user_id, "limit": limit},
    )
    return [_item(row) for row in rows]


def bulletin_comments_to(conn: sa.Connection, user_id: str, limit: int = 200) -> list[FeedbackItem]:
    """Questions and answers by others under the live bulletins on this laptop, read or
    not; newest first."""
    rows = conn.execute(
        sa.text(
            _ITEM_SQL + " JOIN bulletin AS b ON b.id = cm.bulletin_id AND b.deleted = 0"
            " WHERE cm.deleted = 0 AND cm.author_id != :u ORDER BY cm.id DESC LIMIT :limit"
        ),
        {"u": user_id, "limit": limit},
    )
    return [_item(row) for row in rows]


def mark_read(store: Store, comment_ids: list[str]) -> None:
    """Record that the user has read these comments: ``read_at`` is set and syncs, so the
    user's other laptops show them read too. (Comments read before it synced are in the
    local ``comment_read`` table, which still counts.)"""
    if not comment_ids:
        return
    now = store.now_text()
    with store.write() as uow:
        for comment_id in comment_ids:
            current = uow.get("comment", comment_id)
            if current is not None and current.get("read_at") is None:
                uow.update("comment", comment_id, {"read_at": now})


def mark_read_here(store: Store, comment_ids: list[str]) -> None:
    """Remember on this laptop only that the user has read these comments: a question
    under a bulletin has many readers, so its one ``read_at`` cannot say it for each."""
    if not comment_ids:
        return
    now = store.now_text()
    with store.write() as uow:
        uow.connection.execute(
            sa.text(
                "INSERT INTO comment_read(comment_id, read_at) VALUES (:c, :at) "
                "ON CONFLICT(comment_id) DO NOTHING"
            ),
            [{"c": c, "at": now} for c in comment_ids],
        )


@dataclass(frozen=True, slots=True)
class ReportSummary:
    visit_id: str
    day: str
    rep_name: str
    customer_id: str
    customer_name: str
    outcome: str | None
    report: str | None
    next_steps: str | None
    acknowledged: bool
    comments: int


def recent_reports(conn: sa.Connection, today: date, days: int = 14) -> list[ReportSummary]:
    """Done visits of the last ``days`` days, newest first, with their feedback state."""
    since = (today - timedelta(days=days)).isoformat()
    rows = conn.execute(
        sa.text(
            """
            SELECT v.id, v.visit_day AS day,
                   coalesce(u.display_name, u.username, '') AS rep_name,
                   c.id AS customer_id, c.name AS customer_name, v.outcome, v.report,
                   v.next_steps,
                   EXISTS (SELECT 1 FROM comment cm WHERE cm.visit_id = v.id
                           AND cm.deleted = 0 AND cm.kind = 'acknowledgement') AS acknowledged,
                   (SELECT count(*) FROM comment cm WHERE cm.visit_id = v.id
                    AND cm.deleted = 0 AND cm.kind = 'comment') AS comments
            FROM visit v
            JOIN customer c ON c.id = v.customer_id AND c.deleted = 0
            LEFT JOIN user u ON u.id = v.rep_id
            WHERE v.deleted = 0 AND v.status = 'done'
              AND v.visit_day > :since
            ORDER BY day DESC, v.id DESC
            """
        ),
        {"since": since},
    ).all()
    return [
        ReportSummary(
            visit_id=r.id,
            day=r.day,
            rep_name=r.rep_name,
            customer_id=r.customer_id,
            customer_name=r.customer_name,
            outcome=r.outcome,
            report=r.report,
            next_steps=r.next_steps,
            acknowledged=bool(r.acknowledged),
            comments=int(r.comments),
        )
        for r in rows
    ]
