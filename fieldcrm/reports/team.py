"""The manager's overview of the area: territories, their reps, how fresh each rep's data is."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from fieldcrm.store.meta import TEAM_SYNC_KEY


@dataclass(frozen=True, slots=True)
class RepOverview:
    id: str
    name: str
    territory_id: str | None
    last_sync_at: str | None
    customers: int
    visits_done_last_7_days: int
    visits_planned_next_7_days: int
    open_followups: int
    overdue_followups: int


@dataclass(frozen=True, slots=True)
class TerritoryOverview:
    id: str
    name: str
    parent_id: str | None
    customers: int
    reps: tuple[RepOverview, ...]


def team_overview(
    conn: sa.Connection, today: date, last_syncs: dict[str, str] | None = None
) -> list[TerritoryOverview]:
    """Every territory on this laptop with its reps and their figures as of ``today``."""
    if last_syncs is None:
        raw = conn.scalar(sa.text("SELECT value FROM meta WHERE key = :k"), {"k": TEAM_SYNC_KEY})
        last_syncs = json.loads(raw) if raw else {}
    week_ago = (today - timedelta(days=7)).isoformat()
    week_ahead = (today + timedelta(days=7)).isoformat()
    params = {"today": today.isoformat(), "ago": week_ago, "ahead": week_ahead}
    reps = conn.execute(
        sa.text(
            """
            SELECT u.id, coalesce(u.display_name, u.username) AS name, u.territory_id,
              (SELECT count(*) FROM customer c WHERE c.owner_id = u.id AND c.deleted = 0)
                AS customers,
              (SELECT count(*) FROM visit v WHERE v.rep_id = u.id AND v.deleted = 0
                 AND v.status = 'done'
                 AND v.visit_day > :ago
                 AND v.visit_day <= :today)
                AS done7,
              (SELECT count(*) FROM visit v WHERE v.rep_id = u.id AND v.deleted = 0
                 AND v.status = 'planned' AND substr(v.planned_start, 1, 10) >= :today
                 AND substr(v.planned_start, 1, 10) < :ahead) AS planned7,
              (SELECT count(*) FROM followup f WHERE f.assignee_id = u.id AND f.deleted = 0
                 AND f.done_at IS NULL) AS open_followups,
              (SELECT count(*) FROM followup f WHERE f.assignee_id = u.id AND f.deleted = 0
                 AND f.done_at IS NULL AND f.due_date < :today) AS overdue_followups
            FROM user u WHERE u.deleted = 0 AND u.role = 'rep'
            ORDER BY name
            """
        ),
        params,
    ).all()
    by_territory: dict[str | None, list[RepOverview]] = {}
    for row in reps:
        by_territory.setdefault(row.territory_id, []).append(
            RepOverview(
                id=row.id,
                name=row.name,
                territory_id=row.territory_id,
                last_sync_at=last_syncs.get(row.id),
                customers=row.customers,
                visits_done_last_7_days=row.done7,
                visits_planned_next_7_days=row.planned7,
                open_followups=row.open_followups,
                overdue_followups=row.overdue_followups,
            )
        )
    territories = conn.execute(
        sa.text(
            "SELECT t.id, t.name, t.parent_id, (SELECT count(*) FROM customer c "
            "WHERE c.territory_id = t.id AND c.deleted = 0) AS customers "
            "FROM territory t WHERE t.deleted = 0 ORDER BY t.name"
        )
    ).all()
    return [
        TerritoryOverview(
            id=row.id,
            name=row.name,
            parent_id=row.parent_id,
            customers=row.customers,
            reps=tuple(by_territory.get(row.id, ())),
        )
        for row in territories
        if row.id in by_territory or row.customers
    ]
