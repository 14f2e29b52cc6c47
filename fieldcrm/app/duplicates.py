"""Likely duplicates of a customer or contact about to be created.

A record likely exists when one on this laptop has the same phone number (however it
was written), the same e-mail address, or a very similar name — a customer in the same
postal code, a contact at the same customer. The candidates are found through the search
index (``fieldcrm.store.textindex``) and then compared exactly, so the check stays fast
with 100,000 customers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

import sqlalchemy as sa

from fieldcrm.app.changes import Changes
from fieldcrm.domain.textfold import fold, phone_forms
from fieldcrm.store import Store
from fieldcrm.store.search_build import catch_up

#: How alike two names must be (``difflib`` ratio of their folded forms, legal forms left out).
SIMILAR_NAME = 0.85
#: Words of a company name that say nothing about which company it is.
_LEGAL_FORMS = frozenset(
    [
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "ek",
        "e",
        "k",
        "co",
        "gbr",
        "se",
        "kgaa",
        "und",
        "and",
        "inh",
        "haftungsbeschrankt",
    ]
)
_CAP = 500


@dataclass(frozen=True, slots=True)
class Candidate:
    """An existing record the new one may be, and why."""

    kind: str
    id: str
    name: str
    customer_id: str
    #: Where it is (postal code and city; a contact's customer) and how to reach it.
    detail: str
    #: "phone", "email" or "name".
    reason: str


class LikelyDuplicates(Exception):
    """The record looks like one that exists; the user decides (open it, or save anyway)."""

    def __init__(self, candidates: list[Candidate]) -> None:
        super().__init__(f"{len(candidates)} likely duplicate(s)")
        self.candidates = candidates


def name_key(name: str | None) -> str:
    words = re.findall(r"[a-z0-9]+", fold(name))
    return " ".join(w for w in words if w not in _LEGAL_FORMS)


def similar_names(a: str | None, b: str | None) -> bool:
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    return ka == kb or SequenceMatcher(None, ka, kb).ratio() >= SIMILAR_NAME


def _phones(*values: Any) -> set[str]:
    forms: set[str] = set()
    for value in values:
        if value:
            forms.update(f for f in phone_forms(str(value)).split() if len(f) >= 6)
    return forms


def _rows_matching(conn: sa.Connection, table: str, text: str) -> list[int]:
    """Rowids of rows whose indexed text holds ``text`` (a trigram lookup; 3+ characters)."""
    term = fold(text).replace('"', "")
    if len(term) < 3:
        return []
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?"
    return [r for (r,) in conn.exec_driver_sql(sql, (f'"{term}"', _CAP))]


def _load(conn: sa.Connection, sql: str, rowids: list[int]) -> list[dict[str, Any]]:
    if not rowids:
        return []
    marks = ", ".join("?" for _ in rowids)
    result = conn.exec_driver_sql(sql.format(marks=marks), tuple(rowids))
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]


_CUSTOMER_SQL = (
    "SELECT id, name, postal_code, city, phone, email FROM customer "
    "WHERE deleted = 0 AND rowid IN ({marks})"
)


def customer_candidates(store: Store, values: Mapping[str, Any]) -> list[Candidate]:
    """Customers the new customer ``values`` likely is, best reason first."""
    phones = _phones(values.get("phone"))
    email = (values.get("email") or "").strip().lower()
    postal = (values.get("postal_code") or "").strip()
    found: dict[str, Candidate] = {}
    catch_up(store)  # what was just written or synced is compared too
    with store.read() as conn:
        lookups: list[tuple[str, str]] = [("phone", p) for p in sorted(phones)]
        if email:
            lookups.append(("email", email))
        if postal and values.get("name"):
            lookups.append(("name", postal))
        for reason, text in lookups:
            hits = _rows_matching(conn, "customer_find", text)
            for row in _load(conn, _CUSTOMER_SQL, hits):
                if row["id"] in found or not _customer_matches(reason, row, values, phones, email):
                    continue
                place = " ".join(p for p in (row["postal_code"], row["city"]) if p)
                detail = " · ".join(p for p in (place, row["phone"], row["email"]) if p)
                found[row["id"]] = Candidate(
                    "customer", row["id"], row["name"] or "", row["id"], detail, reason
                )
    return list(found.values())


def _customer_matches(
    reason: str, row: dict[str, Any], values: Mapping[str, Any], phones: set[str], email: str
) -> bool:
    if reason == "phone":
        return bool(phones & _phones(row["phone"]))
    if reason == "email":
        return (row["email"] or "").strip().lower() == email
    return (row["postal_code"] or "").strip() == (values.get("postal_code") or "").strip() and (
        similar_names(row["name"], values.get("name"))
    )


_CONTACT_SQL = (
    "SELECT ct.id, ct.first_name, ct.last_name, ct.phone, ct.mobile, ct.email, "
    "ct.customer_id, c.name AS customer FROM contact AS ct "
    "LEFT JOIN customer AS c ON c.id = ct.customer_id "
    "WHERE ct.deleted = 0 AND ct.rowid IN ({marks})"
)


def _person(row: Mapping[str, Any]) -> str:
    return " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)


def contact_candidates(
    store: Store, customer_id: str, values: Mapping[str, Any]
) -> list[Candidate]:
    """Contacts the new contact ``values`` at ``customer_id`` likely is: the same phone or
    e-mail anywhere, or a very similar name at the same customer."""
    phones = _phones(values.get("phone"), values.get("mobile"))
    email = (values.get("email") or "").strip().lower()
    name = _person(values)
    found: dict[str, Candidate] = {}
    catch_up(store)  # what was just written or synced is compared too
    with store.read() as conn:
        rows: list[tuple[str, dict[str, Any]]] = []
        for phone in sorted(phones):
            hits = _rows_matching(conn, "contact_find", phone)
            rows += [("phone", r) for r in _load(conn, _CONTACT_SQL, hits)]
        if email:
            hits = _rows_matching(conn, "contact_find", email)
            rows += [("email", r) for r in _load(conn, _CONTACT_SQL, hits)]
        same_customer = conn.exec_driver_sql(
            "SELECT rowid FROM contact WHERE customer_id = ? AND deleted = 0", (customer_id,)
        ).all()
        rows += [("name", r) for r in _load(conn, _CONTACT_SQL, [r for (r,) in same_customer])]
    for reason, row in rows:
        if row["id"] in found:
            continue
        if reason == "phone":
            match = bool(phones & _phones(row["phone"], row["mobile"]))
        elif reason == "email":
            match = (row["email"] or "").strip().lower() == email
        else:
            match = similar_names(_person(row), name)
        if match:
            reach = " · ".join(p for p in (row["phone"] or row["mobile"], row["email"]) if p)
            detail = " · ".join(p for p in (row["customer"], reach) if p)
            found[row["id"]] = Candidate(
                "contact", row["id"], _person(row), row["customer_id"] or "", detail, reason
            )
    return list(found.values())


def create_customer_checked(
    store: Store, values: Mapping[str, Any], user_id: str | None, *, confirmed: bool = False
) -> Changes:
    """Create the customer, unless it likely exists and the user has not said it is new."""
    from fieldcrm.app import customers

    if not confirmed:
        candidates = customer_candidates(store, values)
        if candidates:
            raise LikelyDuplicates(candidates)
    return customers.create_customer(store, dict(values), user_id)


def add_contact_checked(
    store: Store, customer_id: str, values: Mapping[str, Any], *, confirmed: bool = False
) -> Changes:
    """Add the contact, unless it likely exists and the user has not said it is new."""
    from fieldcrm.app import customers

    if not confirmed:
        candidates = contact_candidates(store, customer_id, values)
        if candidates:
            raise LikelyDuplicates(candidates)
    return customers.add_contact(store, customer_id, dict(values))
