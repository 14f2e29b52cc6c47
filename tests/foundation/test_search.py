"""Full-text search over customers and their contacts, kept in step with every write."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from fieldcrm.store import Store
from fieldcrm.store.search import fts_query, search_contacts, search_customers


@dataclass
class Area:
    mueller: str
    schmidt: str
    becker: str
    becker_contact: str
    schmidt_contact: str


@pytest.fixture
def area(store: Store) -> Iterator[Area]:
    with store.write() as uow:
        mueller = uow.create(
            "customer",
            {
                "number": "K-10001",
                "name": "Müller Maschinenbau GmbH",
                "city": "München",
                "postal_code": "80331",
            },
        )
        schmidt = uow.create(
            "customer",
            {
                "number": "K-10002",
                "name": "Schmidt & Söhne",
                "city": "Hamburg",
                "postal_code": "20095",
            },
        )
        becker = uow.create(
            "customer",
            {"number": "K-20001", "name": "Becker Bau", "city": "Köln", "postal_code": "50667"},
        )
        schmidt_contact = uow.create(
            "contact",
            {
                "customer_id": schmidt,
                "first_name": "Anna",
                "last_name": "Dvořák",
                "email": "anna.l@schmidt-soehne.example",
            },
        )
        becker_contact = uow.create(
            "contact",
            {"customer_id": becker, "first_name": "Jörg", "last_name": "Weber"},
        )
    yield Area(mueller, schmidt, becker, becker_contact, schmidt_contact)


def find(store: Store, text: str) -> list[str]:
    return search_customers(store, text)


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("Müller", "mueller"),
        ("mul", "mueller"),  # prefix, and ü matches u
        ("MÜLL", "mueller"),
        ("maschinenbau gmbh", "mueller"),
        ("K-10001", "mueller"),
        ("10002", "schmidt"),
        ("munchen", "mueller"),
        ("Hamb", "schmidt"),
        ("803", "mueller"),
        ("20095", "schmidt"),
        ("koln", "becker"),
        ("dvorak", "schmidt"),  # a contact's last name, without its accents
        ("anna", "schmidt"),  # a contact's first name
        ("anna.l@schmidt", "schmidt"),  # a contact's e-mail
        ("jörg weber", "becker"),
        ("DVOŘ", "schmidt"),
        ("söhne hamburg", "schmidt"),  # every word must match
    ],
)
def test_finds(store: Store, area: Area, text: str, who: str) -> None:
    assert find(store, text) == [getattr(area, who)]


@pytest.mark.parametrize("text", ["", "   ", "-", '"', "*", "NOT", "mül hamburg", "xyz"])
def test_finds_nothing(store: Store, area: Area, text: str) -> None:
    assert find(store, text) == []


def test_several_matches_are_ordered_by_name(store: Store, area: Area) -> None:
    assert find(store, "K") == [area.becker, area.mueller, area.schmidt]


def test_updated_customer_is_found_by_its_new_name_only(store: Store, area: Area) -> None:
    store.update("customer", area.mueller, {"name": "Meyer Antriebe", "city": "Augsburg"})
    assert find(store, "müller") == []
    assert find(store, "münchen") == []
    assert find(store, "meyer") == [area.mueller]
    assert find(store, "augsburg") == [area.mueller]
    assert find(store, "K-10001") == [area.mueller]  # the number did not change


def test_unindexed_field_change_keeps_the_customer_findable(store: Store, area: Area) -> None:
    store.update("customer", area.becker, {"phone": "+49 221 1", "segment": "B"})
    assert find(store, "becker") == [area.becker]


def test_deleted_customer_is_not_found(store: Store, area: Area) -> None:
    store.delete("customer", area.schmidt)
    assert find(store, "schmidt") == []
    assert find(store, "dvořák") == []
    with store.read() as conn:
        assert search_contacts(conn, "anna") == []


def test_deleted_contact_no_longer_finds_its_customer(store: Store, area: Area) -> None:
    store.delete("contact", area.becker_contact)
    assert find(store, "weber") == []
    assert find(store, "becker") == [area.becker]


def test_updated_contact(store: Store, area: Area) -> None:
    store.update("contact", area.becker_contact, {"last_name": "Wagner", "email": "jw@b.example"})
    assert find(store, "weber") == []
    assert find(store, "wagner") == [area.becker]
    assert find(store, "jw@b") == [area.becker]


def test_rolled_back_write_leaves_the_index_unchanged(store: Store, area: Area) -> None:
    with pytest.raises(RuntimeError), store.write() as uow:
        uow.update("customer", area.mueller, {"name": "Zander"})
        uow.create("customer", {"name": "Zeppelin"})
        raise RuntimeError("cancelled")
    assert find(store, "z") == []
    assert find(store, "müller") == [area.mueller]


def test_search_contacts(store: Store, area: Area) -> None:
    with store.read() as conn:
        assert search_contacts(conn, "wEb") == [area.becker_contact]
        assert search_contacts(conn, "schmidt-soehne") == [area.schmidt_contact]
        assert search_contacts(conn, "becker") == []  # a customer name, not a contact's


def test_limit(store: Store, area: Area) -> None:
    assert len(search_customers(store, "k", limit=2)) == 2


def test_query_is_words_as_prefixes() -> None:
    assert fts_query("Müller  K-1") == '("müller"*) AND ("k"*) AND ("1"*)'
    assert fts_query('a"b OR c') == '("a"*) AND ("b"*) AND ("or"*) AND ("c"*)'
    # Spelled-out umlauts are also read as umlauts, ss also as ß.
    assert fts_query("Baeckerei") == '("baeckerei"* OR "backerei"*)'
    assert fts_query("strasse") == '("strasse"* OR "straße"*)'
    assert fts_query("—") is None
