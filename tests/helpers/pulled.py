"""Rows and pages as a server's pull sends them, for applying to a local store in tests."""

from __future__ import annotations

from typing import Any

from fieldcrm.domain.hlc import format_stamp

SERVER = "server0000000000"


def stamp(ms: int, counter: int = 0, device: str = SERVER) -> str:
    return format_stamp(ms, counter, device)


def customer_row(row_id: str, ms: int, **fields: Any) -> dict[str, Any]:
    values = {
        "number": None,
        "name": "Acme",
        "street": None,
        "postal_code": None,
        "city": "Berlin",
        "country": None,
        "phone": None,
        "email": None,
        "territory_id": None,
        "owner_id": None,
        "status": "active",
        "segment": None,
        "visit_cadence_days": None,
        "latitude": None,
        "longitude": None,
    } | fields
    return {
        "entity": "customer",
        "id": row_id,
        "fields": values,
        "stamps": dict.fromkeys(values, stamp(ms)),
        "deleted": False,
    }


def contact_row(row_id: str, customer_id: str, ms: int, last_name: str) -> dict[str, Any]:
    values = {
        "customer_id": customer_id,
        "first_name": None,
        "last_name": last_name,
        "job_title": None,
        "phone": None,
        "mobile": None,
        "email": None,
    }
    return {
        "entity": "contact",
        "id": row_id,
        "fields": values,
        "stamps": dict.fromkeys(values, stamp(ms)),
        "deleted": False,
    }


def user_row(row_id: str, ms: int) -> dict[str, Any]:
    values = {
        "username": "anna",
        "display_name": "Anna",
        "role": "rep",
        "territory_id": None,
        "active": True,
    }
    return {
        "entity": "user",
        "id": row_id,
        "fields": values,
        "stamps": dict.fromkeys(values, stamp(ms)),
        "deleted": False,
    }


def page(cursor: str, *rows: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "rows": list(rows),
        "evictions": [],
        "conflicts": [],
        "cursor": cursor,
        "has_more": False,
        "server_time": "2026-11-28T00:00:00Z",
    } | extra
