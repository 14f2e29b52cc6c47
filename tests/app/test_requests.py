"""Follow-ups asked of someone else, through the real server (in-process) and two laptops:
who may be asked, who answers, and that the asker sees the answer after a sync."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldcrm.app import requests
from fieldcrm.app.customers import create_customer
from fieldcrm.domain.validation import ValidationError
from fieldcrm.store.replica import rejected_changes
from tests.helpers.sync_harness import InProcessServer, Laptop, migrated_server_db


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    srv = InProcessServer(migrated_server_db(tmp_path))
    srv.territory("North", area="Central")
    srv.territory("South", area="Central")
    srv.user("anna", "rep", territory="North")
    srv.user("ben", "rep", territory="North")
    srv.user("sven", "rep", territory="South")
    srv.user("maria", "manager", area="Central")
    yield srv
    srv.close()


@pytest.fixture
def laptops(tmp_path: Path, server: InProcessServer) -> Iterator[dict[str, Laptop]]:
    made = {name: Laptop(tmp_path / name, server, name) for name in ("anna", "ben", "maria")}
    yield made
    for lap in made.values():
        lap.close()


def _synced(lap: Laptop) -> bool:
    result = lap.sync()
    return result.ok and result.rejected == 0


def _north_customer(laptops: dict[str, Laptop]) -> str:
    anna = laptops["anna"]
    customer = create_customer(anna.store, {"name": "Bäckerei Müller"}, anna.user_id).id
    assert customer is not None
    assert _synced(anna)
    return customer


def test_a_teammate_is_asked_declines_with_a_reason_and_the_asker_sees_it(
    laptops: dict[str, Laptop],
) -> None:
    anna, ben = laptops["anna"], laptops["ben"]
    customer = _north_customer(laptops)
    asked = requests.ask(
        anna.store, customer, ben.user_id, "Price list", "2026-12-11", anna.user_id
    )
    assert asked.id is not None
    assert _synced(anna) and _synced(ben)

    [incoming] = requests.incoming_requests(ben.store, ben.user_id)
    assert (incoming["id"], incoming["requested_by_name"], incoming["customer_name"]) == (
        asked.id,
        "anna",
        "Bäckerei Müller",
    )
    # Declining needs a reason; nothing is written without one.
    pending = ben.store.pending_count()
    with pytest.raises(ValidationError) as refused:
        requests.decline(ben.store, asked.id, ben.user_id, "   ")
    assert refused.value.fields == ("response_note",)
    assert ben.store.pending_count() == pending
    # The asker cannot answer in the place of the person asked.
    with pytest.raises(requests.RequestRefused) as not_theirs:
        requests.accept(anna.store, asked.id, anna.user_id)
    assert not_theirs.value.code == "assignee_only"

    requests.decline(ben.store, asked.id, ben.user_id, "On holiday until January")
    assert requests.incoming_requests(ben.store, ben.user_id) == []
    assert _synced(ben) and _synced(anna)
    [answer] = requests.outgoing_requests(anna.store, anna.user_id)
    assert (answer["response"], answer["response_note"], answer["assignee_name"]) == (
        "declined",
        "On holiday until January",
        "ben",
    )
    assert answer["responded_at"] is not None


def test_a_manager_asks_a_rep_who_accepts_and_completes(laptops: dict[str, Laptop]) -> None:
    anna, maria = laptops["anna"], laptops["maria"]
    customer = _north_customer(laptops)
    assert _synced(maria)
    people = {p["name"] for p in requests.assignable_people(maria.store, customer)}
    assert {"anna", "ben"} <= people and "sven" not in people
    asked = requests.ask(
        maria.store,
        customer,
        anna.user_id,
        "Please visit Müller by Friday",
        "2026-12-04",
        maria.user_id,
    ).id
    assert asked is not None
    assert _synced(maria) and _synced(anna)
    [incoming] = requests.incoming_requests(anna.store, anna.user_id)
    assert incoming["requested_by_name"] == "maria"
    requests.accept(anna.store, asked, anna.user_id)
    assert _synced(anna) and _synced(maria)
    [answer] = requests.outgoing_requests(maria.store, maria.user_id)
    assert (answer["response"], answer["done_at"]) == ("accepted", None)
    requests.complete(anna.store, asked, anna.user_id)
    with pytest.raises(requests.RequestRefused) as done:
        requests.decline(anna.store, asked, anna.user_id, "too late")
    assert done.value.code == "request_done"
    assert _synced(anna) and _synced(maria)
    [answer] = requests.outgoing_requests(maria.store, maria.user_id)
    assert answer["done_at"] is not None and answer["response"] == "accepted"


def test_someone_who_cannot_see_the_customer_is_refused_here_and_on_the_server(
    laptops: dict[str, Laptop], server: InProcessServer
) -> None:
    maria = laptops["maria"]
    customer = _north_customer(laptops)
    assert _synced(maria)
    sven = server.ids["sven"]
    with pytest.raises(requests.RequestRefused) as refused:
        requests.ask(maria.store, customer, sven, "Visit", "2026-12-10", maria.user_id)
    assert refused.value.code == "assignee_outside"
    assert maria.store.pending_count() == 0
    # Written past the laptop's check (an older app): the server refuses it by the same rule.
    maria.store.create(
        "followup",
        {
            "customer_id": customer,
            "assignee_id": sven,
            "title": "Visit",
            "due_date": "2026-12-10",
            "requested_by_id": maria.user_id,
        },
    )
    maria.sync()
    with maria.store.read() as conn:
        [rejected] = rejected_changes(conn)
    assert (rejected["code"], rejected["field"]) == ("assignee_outside", "assignee_id")


def test_only_the_person_asked_answers_on_the_server(
    laptops: dict[str, Laptop], server: InProcessServer
) -> None:
    anna, ben = laptops["anna"], laptops["ben"]
    customer = _north_customer(laptops)
    asked = requests.ask(anna.store, customer, ben.user_id, "Call", "2026-12-11", anna.user_id).id
    assert asked is not None and _synced(anna)
    # The asker's laptop writes an answer directly (past the app's check): refused.
    anna.store.update("followup", asked, {"response": "accepted"})
    anna.sync()
    with anna.store.read() as conn:
        [rejected] = rejected_changes(conn)
    assert rejected["code"] == "assignee_only"
    # Nobody can put words into another's mouth as the asker either.
    ben.sync()
    ben.store.update("followup", asked, {"requested_by_id": server.ids["maria"]})
    ben.sync()
    with ben.store.read() as conn:
        codes = [r["code"] for r in rejected_changes(conn)]
    assert codes == ["own_name_only"]
    assert server.view_of("anna")["followup", asked]["requested_by_id"] == anna.user_id
