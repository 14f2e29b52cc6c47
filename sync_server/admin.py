"""Administration: territories, users, devices and customer imports (used by the CLI).

Data changes go through the same entry rules as a client's push (``push.apply_entry``) with
an administrator's rights and the server's own clock, so imports and seeded data are
validated, stamped, sequenced and scoped exactly like synced edits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, overload

import orjson
import sqlalchemy as sa

from fieldcrm.domain.entities import CUSTOMER
from fieldcrm.domain.hlc import HybridLogicalClock
from fieldcrm.domain.ids import uuid7
from fieldcrm.domain.validation import ValidationError, validate_record
from fieldcrm.protocol import OutboxEntry
from sync_server import audit, auth
from sync_server import tables as t
from sync_server.importing import Table, resolve_columns
from sync_server.push import PushContext, Rejected, apply_entry
from sync_server.scope import Caller, caller_scopes
from sync_server.store import SERVER_DEVICE, Writer, utcnow
from sync_server.wipe import wipe_columns

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


def _account(conn: sa.Connection, username: str) -> Any:
    acc = account_by_name(conn, username)
    if acc is None:
        raise AdminError(f"There is no user {username!r}.")
    return acc


def _audit(conn: sa.Connection, action: str, target: str | None, detail: str | None = None) -> None:
    audit.record(conn, action, actor=audit.command_line_actor(), target=target, detail=detail)


def _is_area(tid: str, all_territories: Mapping[str, Mapping[str, Any]]) -> bool:
    return any(data.get("parent_id") == tid for data in all_territories.values())


def _territory_id(conn: sa.Connection, name: str, *, area: bool = False) -> str:
    """The id of a territory (``area=False``) or an area by name; refuses the other kind."""
    tid = territory_by_name(conn, name)
    what = "area" if area else "territory"
    if tid is None:
        raise AdminError(f"There is no {what} {name!r}.")
    every = territories(conn)
    if area and every[tid].get("parent_id"):
        raise AdminError(f"{name!r} is a territory inside an area, not an area.")
    if not area and _is_area(tid, every):
        raise AdminError(f"{name!r} is an area; name one of its territories.")
    return tid


def owner_problem(conn: sa.Connection, acc: Any, territory_id: str) -> str | None:
    """Why ``acc`` cannot own customers of a territory, or ``None``: an owner is an active
    rep of that territory or an active manager of its area."""
    if acc is None:
        return "there is no such user"
    if not acc.active:
        return f"{acc.username} is disabled"
    parent = territories(conn).get(territory_id, {}).get("parent_id")
    if acc.role == "rep" and acc.territory_id == territory_id:
        return None
    if acc.role == "manager" and parent is not None and acc.territory_id == parent:
        return None
    if acc.role == "admin":
        return f"{acc.username} is an administrator, not a rep or manager of the territory"
    return f"{acc.username} does not work in this territory"


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
    _audit(conn, "territory.add", name, f"area {area}" if area else None)
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
    where = f" in {territory}" if territory else f" of area {area}" if area else ""
    _audit(conn, "user.add", username, f"{role}{where}")
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
    _audit(conn, "user.reset_password", username)
    auth.revoke_user_sessions(
        conn, account_by_name(conn, username).id, "password reset", audit.command_line_actor()
    )


def disable_user(conn: sa.Connection, username: str) -> None:
    acc = _account(conn, username)
    session = AdminSession(conn)
    session.apply("user", "update", acc.id, {"active": False})
    session.finish()
    _audit(conn, "user.disable", username)
    auth.revoke_user_sessions(conn, acc.id, "user disabled", audit.command_line_actor())


def enable_user(conn: sa.Connection, username: str) -> bool:
    """Let a disabled user sign in again (their failed logins are forgotten); False when
    the user was active already."""
    acc = _account(conn, username)
    auth.clear_user_failures(conn, username)
    if acc.active:
        return False
    session = AdminSession(conn)
    session.apply("user", "update", acc.id, {"active": True})
    session.finish()
    _audit(conn, "user.enable", username)
    return True


def set_user(
    conn: sa.Connection,
    username: str,
    *,
    role: str | None = None,
    territory: str | None = None,
    area: str | None = None,
    display_name: str | None = None,
) -> dict[str, Any]:
    """Change a user's role, territory (rep), area (manager) or display name; returns the
    changed fields. What the user may see changes with it: the laptops learn it at their
    next sync. Customers the user owns stay where they are (``customer move``)."""
    acc = _account(conn, username)
    new_role = role or acc.role
    if new_role not in ("rep", "manager", "admin"):
        raise AdminError("The role must be rep, manager or admin.")
    if territory and new_role != "rep":
        raise AdminError(f"Only a rep has a territory; a {new_role} has {_place(new_role)}.")
    if area and new_role != "manager":
        raise AdminError(f"Only a manager has an area; a {new_role} has {_place(new_role)}.")
    territory_id = acc.territory_id
    if new_role == "admin":
        territory_id = None
    elif new_role == "rep":
        if territory:
            territory_id = _territory_id(conn, territory)
        elif acc.role != "rep":
            raise AdminError("A rep needs a territory: add --territory.")
    elif area:
        territory_id = _territory_id(conn, area, area=True)
    elif acc.role != "manager":
        raise AdminError("A manager needs an area: add --area.")
    changes: dict[str, Any] = {}
    if new_role != acc.role:
        changes["role"] = new_role
    if territory_id != acc.territory_id:
        changes["territory_id"] = territory_id
    session = AdminSession(conn)
    current = session.ctx.row("user", acc.id)
    if (
        display_name is not None
        and current is not None
        and display_name != current.data.get("display_name")
    ):
        changes["display_name"] = display_name
    if not changes:
        return {}
    session.apply("user", "update", acc.id, changes)
    session.finish()
    names = {tid: data["name"] for tid, data in territories(conn).items()}
    shown = {k: (names.get(v, v) if k == "territory_id" and v else v) for k, v in changes.items()}
    _audit(
        conn,
        "user.set",
        username,
        ", ".join(f"{k.replace('_id', '')}={v}" for k, v in shown.items()),
    )
    return changes


def _place(role: str) -> str:
    return {"rep": "a territory", "manager": "an area", "admin": "neither"}[role]


def revoke_device(conn: sa.Connection, device_id: str) -> None:
    owner = conn.execute(
        sa.select(t.account.c.username)
        .select_from(t.device.join(t.account, t.account.c.id == t.device.c.user_id))
        .where(t.device.c.id == device_id)
    ).scalar()
    if not auth.revoke_device(conn, device_id, audit.command_line_actor()):
        raise AdminError(f"There is no device {device_id!r}.")
    _audit(conn, "device.revoke", owner, f"device {device_id}")


# ---- territories ------------------------------------------------------------------------


def rename_territory(conn: sa.Connection, old: str, new: str) -> None:
    tid = territory_by_name(conn, old)
    if tid is None:
        raise AdminError(f"There is no territory or area {old!r}.")
    taken = territory_by_name(conn, new)
    if taken is not None and taken != tid:
        raise AdminError(f"A territory or area named {new!r} exists already.")
    session = AdminSession(conn)
    session.apply("territory", "update", tid, {"name": new})
    session.finish()
    _audit(conn, "territory.rename", new, f"was {old}")


def set_territory_area(conn: sa.Connection, name: str, area: str) -> bool:
    """Put a territory into an area (made if new); False when it is there already.
    Managers of the old and new area see the change at their next sync."""
    tid = _territory_id(conn, name)
    session = AdminSession(conn)
    area_id = territory_by_name(conn, area)
    if area_id is None:
        area_id = uuid7()
        session.apply("territory", "create", area_id, {"name": area})
    else:
        every = territories(conn)
        if area_id == tid:
            raise AdminError("A territory cannot be its own area.")
        if every[area_id].get("parent_id"):
            raise AdminError(f"{area!r} is a territory inside an area, not an area.")
        if not _is_area(area_id, every) and _holds_people_or_customers(conn, area_id):
            raise AdminError(
                f"{area!r} is a territory with customers or reps; it cannot become an area."
            )
        if every[tid].get("parent_id") == area_id:
            return False
    session.apply("territory", "update", tid, {"parent_id": area_id})
    session.finish()
    _audit(conn, "territory.set", name, f"area {area}")
    return True


def _holds_people_or_customers(conn: sa.Connection, territory_id: str) -> bool:
    customers = conn.execute(
        sa.select(t.live_count.c.n).where(
            t.live_count.c.scope == territory_id, t.live_count.c.entity == "customer"
        )
    ).scalar()
    reps = conn.execute(
        sa.select(sa.func.count())
        .select_from(t.account)
        .where(t.account.c.territory_id == territory_id)
    ).scalar_one()
    return bool(customers) or reps > 0


# ---- listings ------------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    aware = auth._aware(value)
    assert aware is not None
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")


def list_territories(conn: sa.Connection) -> list[dict[str, Any]]:
    every = territories(conn)
    counts: dict[str, int] = dict(
        conn.execute(
            sa.select(t.live_count.c.scope, t.live_count.c.n).where(
                t.live_count.c.entity == "customer"
            )
        ).all()
    )
    people: dict[str, list[str]] = {}
    for row in conn.execute(sa.select(t.account.c.username, t.account.c.territory_id)):
        if row.territory_id:
            people.setdefault(row.territory_id, []).append(row.username)
    out = []
    for tid, data in sorted(every.items(), key=lambda item: item[1]["name"].casefold()):
        area = every.get(data.get("parent_id") or "", {}).get("name")
        out.append(
            {
                "id": tid,
                "name": data["name"],
                "kind": "area" if _is_area(tid, every) else "territory",
                "area": area,
                "customers": counts.get(tid, 0),
                "users": sorted(people.get(tid, [])),
            }
        )
    return out


def list_devices(conn: sa.Connection, username: str | None = None) -> list[dict[str, Any]]:
    d, a = t.device.c, t.account.c
    query = (
        sa.select(
            d.id,
            d.name,
            a.username,
            d.created_at,
            d.last_sync_at,
            d.revoked_at,
            d.wipe_requested_at,
            d.wipe_now,
            d.wipe_confirmed_at,
        )
        .select_from(t.device.join(t.account, a.id == d.user_id))
        .order_by(a.username, d.created_at)
    )
    if username is not None:
        _account(conn, username)
        query = query.where(a.username == username)
    return [
        {
            "id": row.id,
            "name": row.name,
            "user": row.username,
            "first_seen": _iso(row.created_at),
            "last_sync": _iso(row.last_sync_at),
            "revoked": _iso(row.revoked_at),
            **wipe_columns(row),
        }
        for row in conn.execute(query)
    ]


def _user_record(conn: sa.Connection, user_id: str) -> dict[str, Any]:
    data = conn.execute(
        sa.select(t.record.c.data).where(t.record.c.entity == "user", t.record.c.id == user_id)
    ).scalar()
    return orjson.loads(data) if data else {}


def _describe_user(conn: sa.Connection, acc: Any, names: Mapping[str, str]) -> dict[str, Any]:
    place = names.get(acc.territory_id or "")
    return {
        "name": acc.username,
        "display_name": _user_record(conn, acc.id).get("display_name") or acc.username,
        "role": acc.role,
        "territory": place if acc.role == "rep" else None,
        "area": place if acc.role == "manager" else None,
        "active": bool(acc.active),
    }


def list_users(conn: sa.Connection) -> list[dict[str, Any]]:
    names = {tid: data["name"] for tid, data in territories(conn).items()}
    accounts = conn.execute(sa.select(t.account).order_by(t.account.c.username)).all()
    return [_describe_user(conn, acc, names) for acc in accounts]


def show_user(conn: sa.Connection, username: str) -> dict[str, Any]:
    acc = _account(conn, username)
    names = {tid: data["name"] for tid, data in territories(conn).items()}
    info = _describe_user(conn, acc, names)
    info["id"] = acc.id
    info["created"] = _iso(acc.created_at)
    info["devices"] = [
        {k: v for k, v in device.items() if k != "user"} for device in list_devices(conn, username)
    ]
    return info


# ---- customers -----------------------------------------------------------------------------


def move_customer(
    conn: sa.Connection,
    number: str,
    territory: str,
    owner: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Move the customer with this number to a territory (and owner), with a handover record
    for the new owner; the old territory's laptops evict it, the new one's receive it."""
    ids = _customers_by_number(conn, [number], every=True).get(number, [])
    if not ids:
        raise AdminError(f"There is no customer with the number {number!r}.")
    if len(ids) > 1:
        raise AdminError(f"{len(ids)} customers have the number {number!r}; make them unique.")
    territory_id = _territory_id(conn, territory)
    session = AdminSession(conn)
    current = session.ctx.row("customer", ids[0])
    assert current is not None
    old_owner_id = current.data.get("owner_id")
    new_owner_id = _choose_owner(conn, territory, territory_id, owner, old_owner_id)
    changes = {
        k: v
        for k, v in (("territory_id", territory_id), ("owner_id", new_owner_id))
        if current.data.get(k) != v
    }
    if not changes:
        return {}
    session.apply("customer", "update", current.id, changes)
    old_territory = territories(conn).get(current.data.get("territory_id") or "", {})
    write_handover(
        session,
        current.id,
        old_owner_id,
        new_owner_id,
        note or f"Moved from {old_territory.get('name', '?')} to {territory} by the administrator.",
    )
    session.finish()
    _audit(
        conn,
        "customer.move",
        number,
        f"to {territory}, owner {_username(conn, new_owner_id) or '-'}",
    )
    return changes


def _username(conn: sa.Connection, user_id: str | None) -> str | None:
    if user_id is None:
        return None
    name: str | None = conn.execute(
        sa.select(t.account.c.username).where(t.account.c.id == user_id)
    ).scalar()
    return name


def _choose_owner(
    conn: sa.Connection,
    territory: str,
    territory_id: str,
    owner: str | None,
    current_owner_id: str | None,
) -> str:
    if owner is not None:
        acc = account_by_name(conn, owner)
        problem = owner_problem(conn, acc, territory_id)
        if problem is not None:
            raise AdminError(f"{owner} cannot own customers of {territory}: {problem}.")
        return str(acc.id)
    if current_owner_id is not None:
        acc = conn.execute(sa.select(t.account).where(t.account.c.id == current_owner_id)).first()
        if owner_problem(conn, acc, territory_id) is None:
            return current_owner_id
    reps = conn.execute(
        sa.select(t.account.c.id).where(
            t.account.c.territory_id == territory_id,
            t.account.c.role == "rep",
            t.account.c.active.is_(True),
        )
    ).all()
    if len(reps) == 1:
        return str(reps[0].id)
    raise AdminError(
        f"{territory} has {len(reps)} active reps; say who takes the customer over with --owner."
    )


def write_handover(
    session: AdminSession,
    customer_id: str,
    from_user_id: str | None,
    to_user_id: str | None,
    note: str | None,
) -> None:
    """A handover record: the new owner's laptop shows it as a handover summary."""
    session.apply(
        "handover",
        "create",
        uuid7(),
        {
            "customer_id": customer_id,
            "from_user_id": from_user_id,
            "to_user_id": to_user_id,
            "note": note,
        },
    )


# ---- customer import -------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    #: "K-1 Gasthof Weber: from South (owner ben) to North (owner anna)"
    moved: list[str] = field(default_factory=list)
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


def parse_customer_rows(
    table: Table, mapping: Mapping[str, str] | None = None
) -> tuple[list[tuple[int, dict[str, Any], str | None]], list[str]]:
    """Rows as (line, values, owner name) and the problems found, each 'line N: ...'."""
    columns, header_problems = resolve_columns(table.header, mapping or {})
    if header_problems:
        return [], header_problems
    rows: list[tuple[int, dict[str, Any], str | None]] = []
    problems: list[str] = []
    numbers: dict[str, int] = {}
    for line, cells in table.rows:
        if len(cells) > len(columns):
            problems.append(f"line {line}: more values than columns")
            continue
        values: dict[str, Any] = {}
        owner: str | None = None
        row_problems: list[str] = []
        for name, cell in zip(columns, cells, strict=False):
            assert name is not None
            if name == "owner":
                owner = cell.strip() or None
                continue
            try:
                values[name] = _convert(name, cell)
            except ValueError as exc:
                row_problems.append(f"line {line}: {name}: {exc}")
        unconverted = {p.split(": ")[1] for p in row_problems}
        try:
            validate_record("customer", {k: v for k, v in values.items() if k not in unconverted})
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
            rows.append((line, values, owner))
    return rows, problems


def _identity(values: Mapping[str, Any]) -> tuple[str, str, str]:
    """How a customer without a number is recognised again: name, postal code and city."""
    return tuple(  # type: ignore[return-value]
        " ".join(str(values.get(k) or "").casefold().split())
        for k in ("name", "postal_code", "city")
    )


def import_customers(
    conn: sa.Connection,
    table: Table,
    territory: str,
    *,
    mapping: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    source: str = "a customer import",
) -> ImportReport:
    """Import or update customers into a territory.

    A row matches an existing customer by number, or (without a number) by name, postal
    code and city, so importing a file again creates nothing twice. Every row is checked
    first; with a bad row nothing is imported unless ``skip_invalid``. An owner must be an
    active rep of the territory or a manager of its area. A customer that exists in another
    territory (or with another owner) moves here: the new owner gets a handover record,
    the old territory's laptops evict it, this territory's receive it with its rows.
    """
    territory_id = _territory_id(conn, territory)
    rows, problems = parse_customer_rows(table, mapping)
    accounts = {row.username: row for row in conn.execute(sa.select(t.account))}
    checked: list[tuple[int, dict[str, Any], str | None]] = []
    for line, parsed, owner in rows:
        values = parsed
        if owner is not None:
            problem = owner_problem(conn, accounts.get(owner), territory_id)
            if problem is not None:
                problems.append(
                    f"line {line}: owner: {owner!r} cannot own customers of {territory}: {problem}"
                )
                continue
            values = dict(values, owner_id=accounts[owner].id)
        checked.append((line, values, owner))
    if problems and not skip_invalid:
        raise AdminError(
            "Nothing was imported; fix these rows (or use --skip-invalid):\n" + "\n".join(problems)
        )
    report = ImportReport(skipped=problems)
    by_number = _customers_by_number(conn, [v["number"] for _, v, _ in checked if v.get("number")])
    by_identity = (
        _customers_without_number(conn) if any(not v.get("number") for _, v, _ in checked) else {}
    )
    names = {tid: data["name"] for tid, data in territories(conn).items()}
    users = {row.id: row.username for row in accounts.values()}
    session = AdminSession(conn)
    for line, parsed, _owner in checked:
        values = dict(parsed, territory_id=territory_id)
        number = values.get("number")
        label = f"{number or '(no number)'} {values['name']}"
        if number:
            current_id = by_number.get(number)
        else:
            matches = by_identity.get(_identity(values), [])
            current_id = matches[0] if len(matches) == 1 else None
        try:
            if current_id is None:
                new_id = uuid7()
                session.apply("customer", "create", new_id, values)
                report.created.append(label)
                if not number:
                    by_identity.setdefault(_identity(values), []).append(new_id)
                continue
            current = session.ctx.row("customer", current_id)
            assert current is not None
            old_territory = current.data.get("territory_id")
            old_owner = current.data.get("owner_id")
            if old_territory != territory_id and "owner_id" not in values:
                values["owner_id"] = _choose_owner(conn, territory, territory_id, None, old_owner)
            changed = {k: v for k, v in values.items() if current.data.get(k) != v}
            if not changed:
                report.unchanged += 1
                continue
            session.apply("customer", "update", current_id, changed)
            new_owner = changed.get("owner_id", old_owner)
            if "territory_id" in changed or "owner_id" in changed:
                where_from = names.get(old_territory or "", "?")
                write_handover(
                    session,
                    current_id,
                    old_owner,
                    new_owner,
                    f"Moved from {where_from} to {territory} by {source}."
                    if "territory_id" in changed
                    else f"Handed over in {territory} by {source}.",
                )
                report.moved.append(
                    f"{label}: from {where_from} (owner {users.get(old_owner, '-')}) to "
                    f"{territory} (owner {users.get(new_owner, '-')})"
                )
            else:
                report.updated.append(label)
        except AdminError as exc:
            if not skip_invalid:
                raise AdminError(f"Nothing was imported: line {line}: {exc}") from None
            report.skipped.append(f"line {line}: {exc}")
    session.finish()
    _audit(
        conn,
        "customer.import",
        territory,
        f"{source}: {len(report.created)} new, {len(report.updated)} updated, "
        f"{len(report.moved)} moved, {len(report.skipped)} skipped",
    )
    return report


def _customers_without_number(conn: sa.Connection) -> dict[tuple[str, str, str], list[str]]:
    found: dict[tuple[str, str, str], list[str]] = {}
    rows = conn.execute(
        sa.select(t.record.c.id, t.record.c.data).where(
            t.record.c.entity == "customer", t.record.c.deleted.is_(False)
        )
    )
    for row in rows:
        data = orjson.loads(row.data)
        if not data.get("number"):
            found.setdefault(_identity(data), []).append(row.id)
    return found


@overload
def _customers_by_number(
    conn: sa.Connection, numbers: Iterable[str], *, every: Literal[False] = False
) -> dict[str, str]: ...


@overload
def _customers_by_number(
    conn: sa.Connection, numbers: Iterable[str], *, every: Literal[True]
) -> dict[str, list[str]]: ...


def _customers_by_number(
    conn: sa.Connection, numbers: Iterable[str], *, every: bool = False
) -> dict[str, str] | dict[str, list[str]]:
    """Live customers by number: one id each, or (``every``) all ids with that number."""
    wanted = set(numbers)
    if not wanted:
        return {}
    found: dict[str, list[str]] = {}
    rows = conn.execute(
        sa.select(t.record.c.id, t.record.c.data).where(
            t.record.c.entity == "customer", t.record.c.deleted.is_(False)
        )
    )
    for row in rows:
        number = orjson.loads(row.data).get("number")
        if number in wanted:
            found.setdefault(number, []).append(row.id)
    if every:
        return found
    return {number: ids[-1] for number, ids in found.items()}
