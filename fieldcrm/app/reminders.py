"""What to remind the rep of: the follow-ups due today and the next visit a few minutes
before it starts (the desktop shows them as notifications)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import sqlalchemy as sa

from fieldcrm.domain.validation import format_datetime
from fieldcrm.store import Store


@dataclass(frozen=True, slots=True)
class Reminder:
    """One notification: ``key`` tells it apart (shown once, snoozed by key)."""

    key: str
    kind: Literal["followup", "visit"]
    title: str
    customer_name: str
    #: The visit's start (UTC text), or the follow-up's due date.
    when: str


def due_reminders(
    store: Store, user_id: str, now: datetime, minutes_before: int, today: date | None = None
) -> list[Reminder]:
    """The user's open follow-ups due today (or overdue) and planned visits starting
    within ``minutes_before`` minutes from ``now``; nothing when ``minutes_before`` is 0."""
    if minutes_before <= 0:
        return []
    day = (today or now.astimezone().date()).isoformat()
    start, end = format_datetime(now), format_datetime(now + timedelta(minutes=minutes_before))
    with store.read() as conn:
        followups = conn.execute(
            sa.text(
                "SELECT f.id, f.title, f.due_date, c.name FROM followup AS f "
                "JOIN customer AS c ON c.id = f.customer_id WHERE f.deleted = 0 "
                "AND c.deleted = 0 AND f.done_at IS NULL AND f.assignee_id = :user "
                "AND f.due_date <= :day AND coalesce(f.response, '') != 'declined' "
                "ORDER BY f.due_date, f.id LIMIT 20"
            ),
            {"user": user_id, "day": day},
        ).all()
        visits = conn.execute(
            sa.text(
                "SELECT v.id, coalesce(v.purpose, ''), v.planned_start, c.name FROM visit AS v "
                "JOIN customer AS c ON c.id = v.customer_id WHERE v.deleted = 0 "
                "AND c.deleted = 0 AND v.status = 'planned' AND v.rep_id = :user "
                "AND v.check_in_at IS NULL AND v.planned_start > :start "
                "AND v.planned_start <= :end ORDER BY v.planned_start LIMIT 1"
            ),
            {"user": user_id, "start": start, "end": end},
        ).all()
    out = [Reminder(f"visit:{v[0]}:{v[2]}", "visit", v[1], v[3] or "", v[2]) for v in visits]
    out += [
        Reminder(f"followup:{f[0]}:{day}", "followup", f[1] or "", f[3] or "", f[2])
        for f in followups
    ]
    return out
