"""Byte limits and people references, through a real ``sync_server serve`` process.

A clock stamp has a fixed form and names the pushing device; a record has a byte cap;
pull pages are cut by bytes as well as rows; the people a record names are checked
against the caller. Every refusal is per entry with a reason (a stamp that is no stamp at
all refuses the push, naming the entry), and the entries around it still go through.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import (
    MAX_PAGE_BYTES,
    MAX_RECORD_BYTES,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    ApiPaths,
)
from sync_server import admin
from sync_server.db import make_engine, write_transaction
from tests.helpers.realserver import PASSWORD, RealServer
from tests.helpers.server_env import Client, customer_fields

pytestmark = pytest.mark.slow

#: The longest visit the desktop lets anyone write, in German.
LONGEST_REPORT = ("Größere Bestellung für Südfrüchte geäußert; Rückruf übermorgen. " * 1600)[
    :100_000
]
LONGEST_NEXT_STEPS = ("Angebot für Kühlregale schicken, Müller grüßen. " * 500)[:20_000]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    """Area 1: North (reps anna, ben; rep gone, disabled), South (rep sven), manager maria.
    Area 2: West (rep wim), manager otto. Admin root."""
    srv = RealServer(tmp_path_factory.mktemp("limits") / "srv")
    srv.setup_area()
    engine = make_engine(srv.db_url)
    try:
        with write_transaction(engine) as conn:
            admin.add_territory(conn, "West", "Area 2")
            admin.add_user(conn, "maria", "manager", PASSWORD, area="Area 1")
            admin.add_user(conn, "otto", "manager", PASSWORD, area="Area 2")
            admin.add_user(conn, "wim", "rep", PASSWORD, territory="West")
            admin.add_user(conn, "gone", "rep", PASSWORD, territory="North")
            admin.add_user(conn, "root", "admin", PASSWORD)
            admin.disable_user(conn, "gone")
    finally:
        engine.dispose()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def http(server: RealServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)}, timeout=120
    ) as client:
        yield client


def _device(http: httpx.Client, username: str) -> Client:
    device_id = uuid7().replace("-", "")
    response = http.post(
        ApiPaths.LOGIN,
        json={"username": username, "password": PASSWORD, "device_id": device_id},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return Client(http, device_id, body["access_token"], body["refresh_token"], body["user"]["id"])


def _ids(http: httpx.Client) -> dict[str, str]:
    """Users by name and territories by name, as the admin pulls them."""
    root = _device(http, "root")
    root.sync(limit=10000)
    out = {}
    for (entity, row_id), row in root.rows.items():
        if entity == "user":
            out[row["fields"]["username"]] = row_id
        elif entity == "territory":
            out[row["fields"]["name"]] = row_id
    return out


def _customer(device: Client, **extra: Any) -> str:
    row_id, result = device.create("customer", customer_fields(**extra))
    assert result["status"] == "applied", result
    return row_id


def _visit(customer: str, rep: str, **extra: Any) -> dict[str, Any]:
    return {
        "customer_id": customer,
        "rep_id": rep,
        "planned_start": "2026-12-03T09:00:00Z",
        **extra,
    }


def _update(device: Client, entity: str, row_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """An update entry made against the row as the device last pulled it (a sequential
    edit, not a concurrent one)."""
    device.sync(limit=10000)
    stamps = device.rows[(entity, row_id)]["stamps"]
    return device.entry(
        entity, "update", row_id, fields, base_stamps={name: stamps[name] for name in fields}
    )


# ---- clock stamps ----------------------------------------------------------------------


def test_megabyte_stamps_are_refused_so_no_53_mib_page_builds_up(
    server: RealServer, http: httpx.Client
) -> None:
    """What was seen: 8 rows whose stamps carried megabytes made a 53 MiB pull page. Each
    such push is now refused as a whole, naming the entry; nothing is stored, and the
    next page is small."""
    anna = _device(http, "anna")
    anna.sync()
    before = anna.cursor
    customer = _customer(anna)
    anna.sync()
    notes_before = len(server.records("note"))
    huge = f"1780000000000:000000:{anna.device_id}" + "x" * (6_600_000)
    for _ in range(8):
        fields = {"customer_id": customer, "author_id": anna.user_id, "text": "Hi"}
        entry = anna.entry("note", "create", uuid7(), fields)
        entry["stamps"]["text"] = huge
        response = anna.push_raw([entry])
        assert response.status_code == 422, response.text[:500]
        body = response.json()
        assert body["code"] == "invalid_entries"
        assert body["details"][0]["op_no"] == entry["op_no"]
        assert body["details"][0]["field"] == "text"
        assert "malformed clock stamp" in body["message"]
        assert len(response.content) < 10_000  # the answer does not echo the stamp
    assert len(server.records("note")) == notes_before
    ben = _device(http, "ben")
    page = ben.http.get(ApiPaths.PULL, params={"cursor": before, "limit": 10000}, headers=ben.auth)
    assert page.status_code == 200
    assert len(page.content) < 100_000


def test_stamp_of_another_device_is_rejected_per_entry(http: httpx.Client) -> None:
    """A stamp naming another device (here ben's laptop) would make a conflict name ben
    as the author of anna's change: that entry is rejected with a reason, the next one
    is applied."""
    anna, ben = _device(http, "anna"), _device(http, "ben")
    customer = _customer(anna)
    forged = _update(anna, "customer", customer, {"city": "Kiel"})
    forged["stamps"] = {"city": f"{anna.clock.now()[:21]}{ben.device_id}"}
    honest = _update(anna, "customer", customer, {"phone": "+49 40 123"})
    first, second = anna.push(forged, honest)
    assert first["status"] == "rejected"
    assert first["field"] == "city"
    assert first["reason"] == (
        "This change carries the clock stamp of another device than the one logged in."
    )
    assert second["status"] == "applied"
    anna.sync()
    assert anna.rows[("customer", customer)]["fields"]["city"] == "Hamburg"


def test_base_stamps_may_name_other_devices_but_must_be_stamps(http: httpx.Client) -> None:
    """Base stamps are what the device saw, written by anyone: another device is fine;
    a base stamp that is no stamp (here over 6 MB) refuses the push, naming the entry."""
    anna, ben = _device(http, "anna"), _device(http, "ben")
    customer = _customer(anna)
    ben.sync()
    seen = ben.rows[("customer", customer)]["stamps"]["city"]
    assert anna.device_id in seen
    (result,) = ben.push(
        ben.entry("customer", "update", customer, {"city": "Bremen"}, base_stamps={"city": seen})
    )
    assert result["status"] == "applied"
    entry = ben.entry(
        "customer",
        "update",
        customer,
        {"city": "Kiel"},
        base_stamps={"city": seen + "x" * 6_000_000},
    )
    response = ben.push_raw([entry])
    assert response.status_code == 422
    assert response.json()["details"][0] == {
        "op_no": entry["op_no"],
        "field": "city",
        "message": response.json()["details"][0]["message"],
    }
    assert response.json()["details"][0]["message"].startswith("base stamp: malformed clock stamp")


# ---- record cap ------------------------------------------------------------------------


def test_record_over_the_byte_cap_is_rejected_per_entry(http: httpx.Client) -> None:
    """A visit listing 30,000 attendees passes every field rule but is over the record
    cap: rejected with a reason; the entry after it is applied."""
    anna = _device(http, "anna")
    customer = _customer(anna)
    attendees = [uuid7() for _ in range(30_000)]
    big = anna.entry(
        "visit", "create", uuid7(), _visit(customer, anna.user_id, attendee_ids=attendees)
    )
    assert len(orjson.dumps(big["fields"])) > MAX_RECORD_BYTES
    small = anna.entry("visit", "create", uuid7(), _visit(customer, anna.user_id))
    first, second = anna.push(big, small)
    assert first["status"] == "rejected"
    assert first["reason"] == (
        f"This visit is too large: the server takes at most {MAX_RECORD_BYTES // 1024} KiB "
        "per record, text included. Shorten its text and send it again."
    )
    assert second["status"] == "applied"


def test_longest_legitimate_visit_fits_under_the_record_cap(
    server: RealServer, http: httpx.Client
) -> None:
    anna = _device(http, "anna")
    customer = _customer(anna)
    fields = _visit(customer, anna.user_id, report=LONGEST_REPORT, next_steps=LONGEST_NEXT_STEPS)
    assert (len(LONGEST_REPORT), len(LONGEST_NEXT_STEPS)) == (100_000, 20_000)
    visit, result = anna.create("visit", fields)
    assert result["status"] == "applied", result
    assert server.records("visit")[visit]["report"] == LONGEST_REPORT


# ---- pull pages by bytes ---------------------------------------------------------------


def test_page_of_rows_near_the_record_cap_is_split_by_bytes(http: httpx.Client) -> None:
    """40 visits of about 480 KB each (the longest report and next steps in four-byte
    characters) are 19 MB: they come in pages of at most MAX_PAGE_BYTES of rows, every
    one of them arrives, and a manager's page (two territories merged) is cut the same."""
    anna = _device(http, "anna")
    customer = _customer(anna, name="Große Berichte")
    report, next_steps = "🍎" * 100_000, "🍐" * 20_000
    wanted = set()
    for _ in range(5):
        entries = [
            anna.entry(
                "visit",
                "create",
                uuid7(),
                _visit(customer, anna.user_id, report=report, next_steps=next_steps),
            )
            for _ in range(8)
        ]
        results = anna.push(*entries)
        assert {r["status"] for r in results} == {"applied"}
        wanted |= {e["row_id"] for e in entries}
    for name in ("ben", "maria"):
        reader = _device(http, name)
        pages = reader.sync(limit=10000)
        assert wanted <= reader.ids("visit")
        big_pages = [p for p in pages if any(r.id in wanted for r in p.rows)]
        assert len(big_pages) >= -(-40 * 480_000 // MAX_PAGE_BYTES) > 1
        for page in pages:
            size = sum(len(orjson.dumps(r.model_dump())) for r in page.rows)
            assert len(page.rows) == 1 or size <= MAX_PAGE_BYTES, (name, len(page.rows), size)


# ---- people references -----------------------------------------------------------------


def _push_one(device: Client, entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    (result,) = device.push(device.entry(entity, "create", uuid7(), fields))
    return result


def test_note_author_must_be_the_caller(http: httpx.Client) -> None:
    ids = _ids(http)
    anna = _device(http, "anna")
    customer = _customer(anna)
    result = _push_one(
        anna, "note", {"customer_id": customer, "author_id": ids["maria"], "text": "x"}
    )
    assert (result["status"], result["field"]) == ("rejected", "author_id")
    assert result["reason"] == "A note can only be written in your own name."
    own = _push_one(anna, "note", {"customer_id": customer, "author_id": anna.user_id, "text": "x"})
    assert own["status"] == "applied"


def test_comment_author_must_be_the_caller_even_for_an_admin(http: httpx.Client) -> None:
    ids = _ids(http)
    anna, root = _device(http, "anna"), _device(http, "root")
    customer = _customer(anna)
    visit, _ = anna.create("visit", _visit(customer, anna.user_id))
    fields = {"visit_id": visit, "customer_id": customer, "text": "Gut gemacht"}
    forged = _push_one(root, "comment", fields | {"author_id": ids["maria"]})
    assert (forged["status"], forged["field"]) == ("rejected", "author_id")
    assert _push_one(root, "comment", fields | {"author_id": root.user_id})["status"] == "applied"


def test_visit_rep_of_another_territory_or_no_user_is_rejected(http: httpx.Client) -> None:
    ids = _ids(http)
    anna = _device(http, "anna")
    customer = _customer(anna)
    other = _push_one(anna, "visit", _visit(customer, ids["sven"]))
    assert (other["status"], other["field"]) == ("rejected", "rep_id")
    assert other["reason"] == "You can record only your own visits."
    nobody = _push_one(anna, "visit", _visit(customer, uuid7()))
    assert (nobody["status"], nobody["field"]) == ("rejected", "rep_id")
    assert _push_one(anna, "visit", _visit(customer, anna.user_id))["status"] == "applied"


def test_manager_records_visits_for_reps_of_the_area_only(http: httpx.Client) -> None:
    ids = _ids(http)
    maria = _device(http, "maria")
    customer = _customer(maria, territory_id=ids["North"])
    for rep in ("anna", "sven"):
        assert _push_one(maria, "visit", _visit(customer, ids[rep]))["status"] == "applied"
    assert _push_one(maria, "visit", _visit(customer, maria.user_id))["status"] == "applied"
    for not_a_rep_of_hers in ("wim", "gone", "otto"):
        result = _push_one(maria, "visit", _visit(customer, ids[not_a_rep_of_hers]))
        assert (result["status"], result["field"]) == ("rejected", "rep_id"), not_a_rep_of_hers
        assert result["reason"] == (
            "Choose yourself or an active rep of your territories as the visit's rep."
        )


def test_followup_assignee_must_be_an_active_user_in_reach(http: httpx.Client) -> None:
    ids = _ids(http)
    anna = _device(http, "anna")
    customer = _customer(anna)
    base = {"customer_id": customer, "title": "Anrufen", "due_date": "2026-12-10"}
    outside = _push_one(anna, "followup", base | {"assignee_id": ids["otto"]})
    assert (outside["status"], outside["field"]) == ("rejected", "assignee_id")
    assert outside["reason"] == (
        "The person asked cannot see this customer: choose someone of the customer's territory."
    )
    disabled = _push_one(anna, "followup", base | {"assignee_id": ids["gone"]})
    assert disabled["reason"] == "The person named here can no longer sign in (disabled)."
    nobody = _push_one(anna, "followup", base | {"assignee_id": uuid7()})
    assert nobody["reason"] == "The person named here is not a user on the server."
    for reachable in ("ben", "maria", "anna"):
        result = _push_one(anna, "followup", base | {"assignee_id": ids[reachable]})
        assert result["status"] == "applied", (reachable, result)


def test_customer_owner_and_handover_people_are_checked(http: httpx.Client) -> None:
    """A manager may give a customer to a rep of the area, not to one of another area;
    a handover names reachable people, its giver may have left."""
    ids = _ids(http)
    maria = _device(http, "maria")
    customer = _customer(maria, territory_id=ids["North"], owner_id=ids["anna"])
    (away,) = maria.push(_update(maria, "customer", customer, {"owner_id": ids["wim"]}))
    assert (away["status"], away["field"]) == ("rejected", "owner_id")
    (ok,) = maria.push(_update(maria, "customer", customer, {"owner_id": ids["ben"]}))
    assert ok["status"] == "applied"
    base = {"customer_id": customer, "note": "Übergabe"}
    left = _push_one(
        maria, "handover", base | {"from_user_id": ids["gone"], "to_user_id": ids["ben"]}
    )
    assert left["status"] == "applied"
    to_disabled = _push_one(
        maria, "handover", base | {"from_user_id": ids["ben"], "to_user_id": ids["gone"]}
    )
    assert (to_disabled["status"], to_disabled["field"]) == ("rejected", "to_user_id")
    to_outside = _push_one(maria, "handover", base | {"to_user_id": ids["wim"]})
    assert (to_outside["status"], to_outside["field"]) == ("rejected", "to_user_id")
    root = _device(http, "root")
    (anyone,) = root.push(_update(root, "customer", customer, {"owner_id": ids["sven"]}))
    assert anyone["status"] == "applied"


def test_a_value_already_stored_is_not_checked_again(http: httpx.Client) -> None:
    """Ben edits anna's visit (same territory) and his laptop sends the rep it already
    has along: no new claim, so applied; naming another rep is refused."""
    anna, ben = _device(http, "anna"), _device(http, "ben")
    customer = _customer(anna)
    visit, result = anna.create("visit", _visit(customer, anna.user_id))
    assert result["status"] == "applied"
    (edit,) = ben.push(
        _update(ben, "visit", visit, {"rep_id": anna.user_id, "purpose": "Nachfassen"})
    )
    assert edit["status"] == "applied", edit
    ids = _ids(http)
    (claim,) = ben.push(_update(ben, "visit", visit, {"rep_id": ids["sven"]}))
    assert (claim["status"], claim["field"]) == ("rejected", "rep_id")
