"""Feedback on visit reports: a visit's thread, the unread inbox, replying, the manager's
review list and team overview."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from fieldcrm.app.changes import Changes
from fieldcrm.reports.team import TerritoryOverview, team_overview
from fieldcrm.store import Store
from fieldcrm.store import feedback as store_feedback
from fieldcrm.store.feedback import FeedbackItem, ReportSummary


class VisitThread(NamedTuple):
    """A visit's feedback, oldest first, with (customer, visit day, report text) for its
    heading (None when the visit is not on this laptop)."""

    visit_id: str
    summary: tuple[str, str, str | None] | None
    items: list[FeedbackItem]


def visit_thread(store: Store, visit_id: str, reader_id: str) -> VisitThread:
    """The thread of a visit; what others wrote in it counts as read by ``reader_id`` now."""
    with store.read() as conn:
        items = store_feedback.thread(conn, visit_id)
        summary = store_feedback.visit_summary(conn, visit_id)
    store_feedback.mark_read(
        store, [i.id for i in items if not i.read and i.author_id != reader_id]
    )
    return VisitThread(visit_id, summary, items)


def unread_feedback(store: Store, user_id: str) -> list[FeedbackItem]:
    with store.read() as conn:
        return store_feedback.unread_feedback(conn, user_id)


def mark_read(store: Store, comment_ids: list[str]) -> None:
    """Remember on this laptop that the user has seen these comments (not replicated, so
    no record changes)."""
    store_feedback.mark_read(store, comment_ids)


def give_feedback(
    store: Store, visit_id: str, author_id: str, text: str | None, kind: str = "comment"
) -> Changes:
    """Comment on (``kind`` "comment") or acknowledge a visit report."""
    comment_id = store_feedback.add_feedback(store, visit_id, author_id, text, kind)
    return Changes.of("comment", id=comment_id)


def recent_reports(store: Store, today: date) -> list[ReportSummary]:
    """The area's visit reports of the last two weeks, for the manager to review."""
    with store.read() as conn:
        return store_feedback.recent_reports(conn, today)


def area_overview(store: Store, today: date) -> list[TerritoryOverview]:
    """The manager's area: territories, their reps and how fresh each rep's data is."""
    with store.read() as conn:
        return team_overview(conn, today)
