"""Administration: territories, users, devices and customer imports (used by the CLI).

Data changes go through the same entry rules as a client's push (``push.apply_entry``) with
an administrator's rights and the server's own clock, so imports and seeded data are
validated, stamped, sequenced and scoped exactly like synced edits.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa

from fieldcrm.domain.entities import CUSTOMER
from fieldcrm.domain.hlc import HybridLogicalClock
from fieldcrm.domain.ids import uuid7
from fieldcrm.domain.validation import ValidationError, validate_record
from fieldcrm.protocol import OutboxEntry
from sync_server import auth
from sync_server import tables as t
from sync_server.push import PushContext, Rejected, apply_entry
from sync_server.scope import Caller, caller_scopes
from sync_server.store import SERVER_DEVICE, Writer, utcnow

SYSTEM = Caller(
    user_id="00000000-0000-0000-0000-000000000000",
    username="fieldcrm-server",
    display_name="FieldCRM server",
    role="admin",
    territory_id=None,
    device_id=SERVER_DEVICE,
    session_id="",
)


class AdminError(Exception):
    """A refused admin command, with a message for the administrator."""


class AdminSession:
    """Writes as the server itself, inside one write transaction."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.clock = HybridLogicalClock(SERVER_DEVICE)
        self.ctx = PushContext(
            Writer(conn), SYSTEM, caller_scopes(conn, "admin", None), auth_now_ms()
        )

    def refresh_scopes(self) -> None:
        self.ctx.writer.flush()
        self.ctx.scopes = caller_scopes(self.conn, "admin", None)

    def apply(
        self,
        entity: str,
        op: str,
        row_id: str,
        fields: Mapping[str, Any] | None = None,
    ) -> str:
        fields = dict(fields or {})
        current = self.ctx.row(entity, row_id)
        stamp = self.clock.now()
        stamps = {"_deleted": stamp} if op == "delete" else dict.fromkeys(fields, stamp)
        base = dict(current.stamps) if current is not None else {}
        entry = OutboxEntry(
            device_id=SERVER_DEVICE,
            op_no=1,
            entity=entity,
            row_id=row_id,
            op=op,
            fields=fields,
            stamps=stamps,
            base_stamps=base,
        )
        try:
            status = apply_entry(self.ctx, entry)
        except Rejected as exc:
            raise AdminError(
                f"{entity}: {exc.field}: {exc.reason}" if exc.field else exc.reason
            ) from None
        if entity == "territory":
            self.refresh_scopes()
        return status

    def finish(self) -> None:
        self.ctx.writer.finish()


def auth_now_ms() -> int:
    return int(utcnow().timestamp() * 1000)


# ---- lookups -------------------------------------------------------------------------------


def territories(conn: sa.Connection) -> dict[str, dict[str, Any]]:
    rows = conn.execute(
        sa.select(t.record.c.id, t.record.c.data).where(
            t.record.c.entity == "territory", t.record.c.deleted.is_(False)
        )
    )
    return {row.id: orjson.loads(row.data) for row in rows}


def territory_by_name(conn: sa.Connection, name: str) -> str | None:
    for tid, data in territories(conn).items():
        if data["name"].casefold() == name.casefold() or tid == name:
            return tid
    return None


def account_by_name(conn: sa.Connection, username: str) -> Any:
    return conn.execute(sa.select(t.account).where(t.account.c.username == username)).first()


# ---- commands ------------------------------------------------------------------------------


def add_territory(conn: sa.Connection, name: str, area: str | None = None) -> str:
    if territory_by_name(conn, name) is not None:
        raise AdminError(f"A territory or area named {name!r} exists already.")
    session = AdminSession(conn)
    parent_id = None
    if area:
        parent_id = territory_by_name(conn, area)
        if parent_id is None:
            parent_id = uuid7()
            session.apply("territory", "create", parent_id, {"name": area})
        elif territories(conn)[parent_id].get("parent_id"):
            raise AdminError(f"{area!r} is a territory inside an area, not an area.")
    territory_id = uuid7()
    session.apply("territory", "create", territory_id, {"name": name, "parent_id": parent_id})
    session.finish()
    return territory_id


def add_user(
    conn: sa.Connection,
    username: str,
    role: str,
    password: str,
    *,
    territory: str | None = None,
    area: str | None = None,
    display_name: str | None = None,
    check_strength: bool = True,
    password_hash: str | None = None,
) -> str:
    """Add a user; ``password_hash`` (an argon2id hash) may stand in for ``password``."""
    if role not in ("rep", "manager", "admin"):
        raise AdminError("The role must be rep, manager or admin.")
    if account_by_name(conn, username) is not None:
        raise AdminError(f"The user name {username!r} is taken.")
    if check_strength:
        check_password(password, username)
    territory_id = None
    if role == "rep":
        if not territory:
            raise AdminError("A rep needs --territory.")
        territory_id = territory_by_name(conn, territory)
        if territory_id is None:
            raise AdminError(f"There is no territory {territory!r}.")
    elif role == "manager":
        if not area:
            raise AdminError("A manager needs --area.")
        territory_id = territory_by_name(conn, area)
        if territory_id is None:
            raise AdminError(f"There is no area {area!r}.")
    user_id = uuid7()
    session = AdminSession(conn)
    session.apply(
        "user",
        "create",
        user_id,
        {
            "username": username,
            "display_name": display_name or username,
            "role": role,
            "territory_id": territory_id,
            "active": True,
        },
    )
    session.finish()
    if password_hash is None:
        set_password(conn, username, password)
    else:
        conn.execute(
            t.account.update().where(t.account.c.id == user_id).values(password_hash=password_hash)
        )
    return user_id


def set_password(conn: sa.Connection, username: str, password: str) -> None:
    acc = account_by_name(conn, username)
    if acc is None:
        raise AdminError(f"There is no user {username!r}.")
    conn.execute(
        t.account.update()
        .where(t.account.c.id == acc.id)
        .values(password_hash=auth.hash_password(password))
    )
    auth.clear_user_failures(conn, username)


def check_password(password: str, username: str) -> None:
    problem = auth.password_problem(password, username)
    if problem is not None:
        raise AdminError(problem)


def reset_password(conn: sa.Connection, username: str, password: str) -> None:
    check_password(password, username)
    set_password(conn, username, password)
    auth.revoke_user_sessions(conn, account_by_name(conn, username).id, "password reset")


def disable_user(conn: sa.Connection, username: str) -> None:
    acc = account_by_name(conn, username)
    if acc is None:
        raise AdminError(f"There is no user {username!r}.")
    session = AdminSession(conn)
    session.apply("user", "update", acc.id, {"active": False})
    session.finish()
    auth.revoke_user_sessions(conn, acc.id, "user disabled")


def revoke_device(conn: sa.Connection, device_id: str) -> None:
    if not auth.revoke_device(conn, device_id):
        raise AdminError(f"There is no device {device_id!r}.")


# ---- customer import -------------------------------------------------------------------------

IMPORT_COLUMNS = (
    *(f.name for f in CUSTOMER.fields if f.name not in ("territory_id", "owner_id")),
    "owner",
)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)


def _convert(name: str, text: str) -> Any:
    text = text.strip()
    if text == "":
        return None
    kind = CUSTOMER.by_name[name].kind
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    return text


def parse_customer_csv(
    text: str, owners: Mapping[str, str]
) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """Rows as (line, values) and the problems found, each 'line N: field: message'."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [h for h in header if h not in IMPORT_COLUMNS]
    if unknown or "name" not in header:
        header_problems = [f"line 1: unknown column {h!r}" for h in unknown]
        if "name" not in header:
            header_problems.append("line 1: the column 'name' is missing")
        header_problems.append("line 1: allowed columns are " + ", ".join(IMPORT_COLUMNS))
        return [], header_problems
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    numbers: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"line {line}: {exc}")
            break
        if None in raw:
            problems.append(f"line {line}: more values than columns")
            continue
        values: dict[str, Any] = {}
        row_problems: list[str] = []
        for name, cell in raw.items():
            if name == "owner":
                owner = (cell or "").strip()
                if owner and owner not in owners:
                    row_problems.append(f"line {line}: owner: there is no user {owner!r}")
                elif owner:
                    values["owner_id"] = owners[owner]
                continue
            try:
                values[name] = _convert(name, cell or "")
            except ValueError as exc:
                row_problems.append(f"line {line}: {name}: {exc}")
        unconverted = {p.split(": ")[1] for p in row_problems}
        try:
            validate_record(
                "customer",
                {k: v for k, v in values.items() if k != "owner_id" and k not in unconverted},
            )
        except ValidationError as exc:
            row_problems.extend(
                f"line {line}: {e.field}: {e.message}"
                for e in exc.errors
                if e.field not in unconverted
            )
        number = values.get("number")
        if number:
            if number in numbers:
                row_problems.append(
                    f"line {line}: number: {number!r} appears already on line {numbers[number]}"
                )
            else:
                numbers[number] = line
        if row_problems:
            problems.extend(row_problems)
        else:
            rows.append((line, values))
    return rows, problems


def import_customers(
    conn: sa.Connection, text: str, territory: str, *, skip_invalid: bool = False
) -> ImportReport:
    """Import or update (matched by customer number) customers into a territory.

    Every row is validated first; with a bad row nothing is imported unless
    ``skip_invalid``. A customer that exists in another territory moves here: the old
    territory's users get an eviction, this territory's users receive it with its rows.
    """
    territory_id = territory_by_name(conn, territory)
    if territory_id is None:
        raise AdminError(f"There is no territory {territory!r}.")
    owners = {row.username: row.id for row in conn.execute(sa.select(t.account))}
    rows, problems = parse_customer_csv(text, owners)
    if problems and not skip_invalid:
        raise AdminError(
            "Nothing was imported; fix these rows (or use --skip-invalid):\n" + "\n".join(problems)
        )
    report = ImportReport(skipped=problems)
    existing = _customers_by_number(conn, [v["number"] for _, v in rows if v.get("number")])
    session = AdminSession(conn)
    for line, parsed in rows:
        values = dict(parsed, territory_id=territory_id)
        current_id = existing.get(values.get("number") or "")
        try:
            if current_id is None:
                session.apply("customer", "create", uuid7(), values)
                report.created += 1
            else:
                current = session.ctx.row("customer", current_id)
                assert current is not None
                changed = {k: v for k, v in values.items() if current.data.get(k) != v}
                if changed:
                    session.apply("customer", "update", current_id, changed)
                report.updated += 1
        except AdminError as exc:
            if not skip_invalid:
                raise AdminError(f"Nothing was imported: line {line}: {exc}") from None
            report.skipped.append(f"line {line}: {exc}")
    session.finish()
    return report


def _customers_by_number(conn: sa.Connection, numbers: Iterable[str]) -> dict[str, str]:
    wanted = set(numbers)
    if not wanted:
        return {}
    out: dict[str, str] = {}
    rows = conn.execute(
        sa.select(t.record.c.id, t.record.c.data).where(
            t.record.c.entity == "customer", t.record.c.deleted.is_(False)
        )
    )
    for row in rows:
        number = orjson.loads(row.data).get("number")
        if number in wanted:
            out[number] = row.id
    return out
