"""The customer list's search: the same customers in the same order as the name index.

A search with few matches sorts them in Python (``fold_bytes``) instead of by SQLite's
virtual ``sort_name`` column; these tests hold it to exactly what ``ORDER BY sort_name,
id`` gives, for umlauts, ß, accents, letters the fold leaves alone, digits and paging.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldcrm.app import customers
from fieldcrm.app.customers import CustomerFilter, customer_page
from fieldcrm.domain.textfold import fold, fold_bytes
from fieldcrm.store import Store
from fieldcrm.store.search import fts_query
from fieldcrm.store.search_build import catch_up_list

NAMES = [
    "Müller Bau",
    "Mueller Bau",
    "Muller Bau",
    "MÜLLER Bau",
    "müller bau",
    "Mühle am Deich",
    "Straße und Bau",
    "Strasse und Bau",
    "ß-Bau Kiel",
    "Łukasz Malerei",
    "łukasz Malerei",
    "Ærø Malerei",
    "æble Malerei",
    "Ærø Fisch",
    "Zoë Blumen",
    "Émile Café",
    "emile cafe",
    "Öl & Gas",
    "Oel und Gas",
    "Ölmühle",
    "123 Bau",
    "9 Bau",
    "12 Apostel Weinhandel",
    "Ça va Bistro",
    "Bäckerei Möwe",
    "Backstube Möwe",
    "Bauer KG",
    "Baumarkt Nord",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store(tmp_path_factory.mktemp("list-search") / "fieldcrm.db")
    territory = store.create("territory", {"name": "Nord"})
    for number, name in enumerate(NAMES):
        # Every name twice (the second in another city): equal sort keys go by id.
        for city in ("Bremen", "München"):
            store.create(
                "customer",
                {
                    "name": name,
                    "city": city,
                    "number": f"K-{number:03d}",
                    "status": "active" if number % 3 else "prospect",
                    "territory_id": territory if number % 2 else None,
                },
            )
    gone = store.create("customer", {"name": "Müller Gelöscht", "city": "Bremen"})
    store.delete("customer", gone)
    # Found only through a contact: its own fields say nothing of "Mü" or "Weber".
    quiet = store.create("customer", {"name": "Zentrale Nord", "city": "Aurich"})
    store.create("contact", {"customer_id": quiet, "last_name": "Müller", "first_name": "Jo"})
    store.create("contact", {"customer_id": quiet, "last_name": "Weber"})
    yield store
    store.close()


def reference(store: Store, text: str, where: str = "") -> list[str]:
    """The ids the list showed before: every match sorted by SQLite by ``sort_name, id``."""
    query = fts_query(text)
    assert query is not None
    sql = (
        "SELECT c.id FROM customer AS c WHERE c.deleted = 0 AND c.id IN ("
        "SELECT c2.id FROM customer AS c2 WHERE c2.rowid IN "
        "(SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?) "
        "UNION SELECT ct.customer_id FROM contact AS ct WHERE ct.deleted = 0 AND ct.rowid IN "
        f"(SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?)) {where} "
        "ORDER BY c.sort_name, c.id"
    )
    catch_up_list(store)
    with store.read() as conn:
        return [row[0] for row in conn.exec_driver_sql(sql, (query, query))]


@pytest.mark.parametrize(
    "text",
    [
        "Mü",
        "mue",
        "Müller",
        "ß",
        "strasse",
        "Straße",
        "ł",
        "Ø",
        "é",
        "Ö",
        "oe",
        "1",
        "12",
        "9",
        "Ça",
        "Bau",
        "b",
        "Möwe",
        "Malerei",
        "Weber",
        "Bremen",
        "München",
        "K-01",
        "Bau Kiel",
    ],
)
@pytest.mark.parametrize("broad_from", [customers._BROAD_MATCHES, 1])
def test_a_search_lists_what_the_sorted_query_listed_in_the_same_order(
    store: Store, text: str, broad_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # broad_from=1 takes every search as broad: the name index is walked (own fields and
    # contacts apart) and the two merged, as for thousands of matches.
    monkeypatch.setattr(customers, "_BROAD_MATCHES", broad_from)
    expected = reference(store, text)
    rows = customer_page(store, CustomerFilter(text=text), 0, 500)
    assert [row["id"] for row in rows] == expected
    # Page by page (7 at a time) the same lines, none twice, none left out.
    paged: list[str] = []
    offset = 0
    while page := customer_page(store, CustomerFilter(text=text), offset, 7):
        paged.extend(row["id"] for row in page)
        offset += 7
    assert paged == expected


def test_a_search_with_filters_keeps_the_filters_and_the_order(store: Store) -> None:
    with store.read() as conn:
        territory = conn.exec_driver_sql("SELECT id FROM territory").scalar_one()
    flt = CustomerFilter(text="Bau", territory_id=territory, status="active")
    expected = reference(
        store, "Bau", f"AND c.territory_id = '{territory}' AND c.status = 'active'"
    )
    assert expected  # the filters leave some
    assert [row["id"] for row in customer_page(store, flt, 0, 500)] == expected


def test_the_lines_of_a_search_are_whole(store: Store) -> None:
    rows = customer_page(store, CustomerFilter(text="Mühle"), 0, 10)
    assert sorted((row["name"], row["city"]) for row in rows) == [
        ("Mühle am Deich", "Bremen"),
        ("Mühle am Deich", "München"),
    ]
    first = rows[0]
    assert first["number"] == f"K-{NAMES.index('Mühle am Deich'):03d}"
    assert first["territory"] == "Nord"  # index 5 is odd: in the territory
    assert first["status"] == "active"
    assert set(first) == {
        "id",
        "number",
        "name",
        "city",
        "status",
        "segment",
        "visit_cadence_days",
        "territory",
        "last_visit",
        "overdue",
    }


def test_a_search_found_by_a_contact_only_and_a_deleted_customer_never(store: Store) -> None:
    names = [row["name"] for row in customer_page(store, CustomerFilter(text="Weber"), 0, 50)]
    assert names == ["Zentrale Nord"]
    names = [row["name"] for row in customer_page(store, CustomerFilter(text="Mü"), 0, 500)]
    assert "Zentrale Nord" in names
    assert "Müller Gelöscht" not in names


def test_nothing_typed_or_only_punctuation(store: Store) -> None:
    everyone = customer_page(store, CustomerFilter(text=""), 0, 500)
    assert len(everyone) == 2 * len(NAMES) + 1
    assert customer_page(store, CustomerFilter(text=" -- "), 0, 50) == []
    assert customer_page(store, CustomerFilter(text="Xylophon"), 0, 50) == []
    assert customer_page(store, CustomerFilter(text="Mü"), 500, 50) == []  # past the end


def test_fold_bytes_sorts_as_sqlite_sorts_the_sql_fold(store: Store) -> None:
    with store.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name, sort_name FROM customer ORDER BY sort_name, id"
        ).all()
    for name, sort_name in rows:
        assert fold_bytes(name) == sort_name.encode() == fold(name).encode()
    by_python = sorted(NAMES, key=fold_bytes)
    assert [fold(n) for n in by_python] == sorted(fold(n) for n in NAMES)
    assert fold_bytes(None) == b""
    # Letters the fold leaves alone keep their case, as SQLite's lower() keeps it.
    assert fold_bytes("ŁÆ Straße") == "ŁÆ strasse".encode()


@pytest.mark.parametrize("one_without_number", [False, True])
def test_a_search_every_customer_matches_is_the_whole_list_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_without_number: bool
) -> None:
    # Every customer's number starts with "K-": typing "K-" lists everyone, walked
    # without collecting the matches; a customer without a number (its name sorts it
    # among the first) ends that shortcut.
    store = Store(tmp_path / "fieldcrm.db")
    for number, name in enumerate(NAMES):
        store.create("customer", {"name": name, "number": f"K-{number:03d}"})
    gone = store.create("customer", {"name": "Abriss GmbH", "number": "K-999"})
    store.delete("customer", gone)
    if one_without_number:
        store.create("customer", {"name": "Abendrot ohne Nummer"})
    monkeypatch.setattr(customers, "_BROAD_MATCHES", 3)
    monkeypatch.setattr(customers, "_SLICE_ROWS", 2)
    answers: list[bool] = []
    every = customers._first_customers_match

    def noted(*args: object) -> bool:
        answers.append(every(*args))  # type: ignore[arg-type]
        return answers[-1]

    monkeypatch.setattr(customers, "_first_customers_match", noted)
    for text in ("K", "K-", "k-01"):
        answers.clear()
        rows = customer_page(store, CustomerFilter(text=text), 0, 500)
        assert [row["id"] for row in rows] == reference(store, text)
        assert answers == [text != "k-01" and not one_without_number]
    page = customer_page(store, CustomerFilter(text="K-"), 3, 4)
    assert [row["id"] for row in page] == reference(store, "K-")[3:7]
    # Further down the list than customers are looked up one by one: the usual walk.
    monkeypatch.setattr(customers, "_LOOKED_UP_ROWS", 6)
    answers.clear()
    page = customer_page(store, CustomerFilter(text="K-"), 3, 4)
    assert [row["id"] for row in page] == reference(store, "K-")[3:7]
    assert answers == []
    everyone = customer_page(store, CustomerFilter(text="K-"), 0, 500)
    assert "Abriss GmbH" not in [row["name"] for row in everyone]  # deleted
    store.close()
