"""Manager reports: the choices to filter by, computing a report, and naming filters on the
command line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple

import sqlalchemy as sa

from fieldcrm.domain.validation import format_datetime
from fieldcrm.reports import ReportFilter, ReportTable, compute_report
from fieldcrm.store import Store
from fieldcrm.store.meta import LAST_SYNC_KEY


class ReportChoices(NamedTuple):
    """What the report filters offer: (id, name) pairs, and when the data was last synced."""

    territories: list[tuple[str, str]]
    reps: list[tuple[str, str]]
    data_as_of: str | None


def report_choices(store: Store) -> ReportChoices:
    """Territories that have customers, and the reps, each by name."""
    with store.read() as conn:
        territories = [
            (row.id, row.name)
            for row in conn.exec_driver_sql(
                "SELECT id, name FROM territory WHERE deleted = 0 "
                "AND id IN (SELECT territory_id FROM customer WHERE deleted = 0) "
                "ORDER BY name"
            )
        ]
        reps = [
            (row.id, row.display_name or row.username)
            for row in conn.exec_driver_sql(
                "SELECT id, display_name, username FROM user WHERE deleted = 0 "
                "AND role = 'rep' ORDER BY coalesce(display_name, username)"
            )
        ]
    return ReportChoices(territories, reps, data_as_of(store))


def run_report(store: Store, name: str, flt: ReportFilter) -> ReportTable:
    with store.read() as conn:
        return compute_report(conn, name, flt)


def run_reports(store: Store, names: Sequence[str], flt: ReportFilter) -> list[ReportTable]:
    """Several reports over one consistent view of the data."""
    with store.read() as conn:
        return [compute_report(conn, name, flt) for name in names]


def data_as_of(store: Store, now: datetime | None = None) -> str | None:
    """When the data was last synced (UTC text), None when never; never later than now (a
    clock that ran ahead at the sync must not date the reports in the future)."""
    last_sync = store.meta(LAST_SYNC_KEY)
    if last_sync is None:
        return None
    return min(last_sync, format_datetime(now or datetime.now(UTC)))


def ids_by_name(store: Store, kind: str, wanted: Sequence[str]) -> tuple[str, ...]:
    """The ids of territories (``kind`` "territory") or reps ("rep") given by name or id;
    LookupError names the first one this laptop does not know."""
    table, name_column = ("territory", "name") if kind == "territory" else ("user", "username")
    ids: list[str] = []
    with store.read() as conn:
        for value in wanted:
            found = conn.scalar(
                sa.text(
                    f'SELECT id FROM "{table}" WHERE deleted = 0 '
                    f"AND (id = :v OR {name_column} = :v)"
                ),
                {"v": value},
            )
            if found is None:
                raise LookupError(f"no {kind} named {value!r} on this laptop")
            ids.append(found)
    return tuple(ids)
