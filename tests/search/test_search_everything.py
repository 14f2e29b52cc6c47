"""One search over everything typed, with the words folded the way Germans type them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldcrm.app.search import search
from fieldcrm.domain.textfold import fold, phone_forms, query_variants, sort_key
from fieldcrm.store import Store, replica, search_build
from tests.helpers.search_data import SearchWorld, make_search_world

World = tuple[Store, SearchWorld]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    store = Store(tmp_path / "fieldcrm.db")
    yield store, make_search_world(store)
    store.close()


def kinds_and_ids(store: Store, text: str, **kw: object) -> list[tuple[str, str]]:
    return [(hit.kind, hit.id) for hit in search(store, text, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", ["040 123", "+4940123", "0049 40 1234567", "040/1234-567"])
def test_a_phone_number_is_found_however_it_is_typed(world: World, typed: str) -> None:
    store, w = world
    hits = search(store, typed)
    assert [(h.kind, h.id) for h in hits] == [("customer", w.customers["Straßenbau Müller GmbH"])]
    assert hits[0].snippet == "+49 40 1234567"
    assert hits[0].spans == ((0, 14),)


def test_a_mobile_number_finds_the_contact_with_its_customer(
    world: World,
) -> None:
    store, w = world
    hits = search(store, "+49 171 998877")
    assert [(h.kind, h.id, h.title, h.customer) for h in hits] == [
        ("contact", w.contact, "Jürgen Weiß", "Straßenbau Müller GmbH")
    ]


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("baeckerei", "Bäckerei Schmidt"),
        ("Bäckerei", "Bäckerei Schmidt"),
        ("backerei", "Bäckerei Schmidt"),
        ("strassenbau", "Straßenbau Müller GmbH"),
        ("STRASSENBAU mueller", "Straßenbau Müller GmbH"),
        ("enbau", "Straßenbau Müller GmbH"),
    ],
)
def test_umlauts_and_sharp_s_spelled_out_or_not(world: World, typed: str, title: str) -> None:
    store, _ = world
    assert [h.title for h in search(store, typed, kinds=["customer"])] == [title]


def test_a_part_inside_a_word_finds_customers_in_german_order(
    world: World,
) -> None:
    store, _ = world
    hits = search(store, "bau", kinds=["customer"])
    assert [h.title for h in hits] == ["Bauer KG", "Baumarkt Nord", "Straßenbau Müller GmbH"]
    street = hits[2]
    assert street.snippet[slice(*street.spans[0])] == "bau"


def test_words_in_notes_reports_followups_and_job_titles(world: World) -> None:
    store, w = world
    assert kinds_and_ids(store, "quotation") == [("note", w.note)]
    assert kinds_and_ids(store, "quot") == [("note", w.note)]  # a word's beginning
    assert kinds_and_ids(store, "kuehlanlagen") == [("visit", w.visit)]
    assert kinds_and_ids(store, "jahresgesprach") == [("visit", w.visit)]
    assert kinds_and_ids(store, "preisliste") == [("followup", w.followup)]
    assert kinds_and_ids(store, "schutz") == [("followup", w.followup)]
    assert kinds_and_ids(store, "einkauf") == [("contact", w.contact)]
    assert kinds_and_ids(store, "weiss") == [("contact", w.contact)]


def test_the_snippet_of_a_long_text_marks_the_matching_word(
    world: World,
) -> None:
    store, _ = world
    (hit,) = search(store, "quotation")
    assert "\n" not in hit.snippet
    assert [hit.snippet[s:e] for s, e in hit.spans] == ["quotation"]
    assert hit.customer == "Straßenbau Müller GmbH"
    assert hit.title == "Asked about asphalt prices."


def test_every_word_must_match_and_short_words_filter(world: World) -> None:
    store, w = world
    assert kinds_and_ids(store, "bau kg") == [("customer", w.customers["Bauer KG"])]
    assert kinds_and_ids(store, "bau nichtda") == []
    assert kinds_and_ids(store, "mü", kinds=["customer"]) == [
        ("customer", w.customers["Straßenbau Müller GmbH"])
    ]
    assert search(store, "  ,;  ") == []


def test_kind_and_limit(world: World) -> None:
    store, _ = world
    assert {h.kind for h in search(store, "hamburg")} == {"customer"}
    assert len(search(store, "bau", kinds=["customer"], limit=2)) == 2


def test_deleted_and_edited_records_leave_the_index(world: World) -> None:
    store, w = world
    store.update("note", w.note, {"text": "Nothing about prices any more."})
    assert kinds_and_ids(store, "quotation") == []
    assert kinds_and_ids(store, "nothing") == [("note", w.note)]
    store.delete("customer", w.customers["Bauer KG"])
    assert [h.title for h in search(store, "bau", kinds=["customer"])] == [
        "Baumarkt Nord",
        "Straßenbau Müller GmbH",
    ]


def test_a_bulk_load_leaves_the_index_to_the_builder(world: World) -> None:
    store, w = world
    assert replica.begin_bulk_load(store)
    store.create("customer", {"name": "Tiefbau Nord"})  # no trigger while set aside
    assert replica.end_bulk_load(store)
    # The sync ends with the index emptied, to be built in the background.
    assert search_build.progress(store).percent == 0
    assert search(store, "tiefbau") == []
    search_build.build(store)
    assert search_build.progress(store).built
    assert [h.title for h in search(store, "tiefbau")] == ["Tiefbau Nord"]
    assert kinds_and_ids(store, "quotation") == [("note", w.note)]


def test_folding_rules() -> None:
    assert fold("Straße MÜLLER Čapek") == "strasse muller capek"
    assert query_variants("baeckerei") == ["baeckerei", "backerei"]
    assert phone_forms("+49 40 123") == "4940123 040123"
    assert phone_forms("040 123") == "040123 4940123"
    names = ["Baumarkt", "bauer", "Bäckerei", "Zander", "Ärger", "baumarkt"]
    assert sorted(names, key=sort_key) == [
        "Ärger",
        "Bäckerei",
        "bauer",
        "Baumarkt",
        "baumarkt",
        "Zander",
    ]


def test_many_matching_customers_come_in_german_order_of_all_of_them(tmp_path: Path) -> None:
    # More matches than are sorted in Python: the name index is walked instead, and the
    # first page is the first of all matches in reading order, not of the newest ones.
    store = Store(tmp_path / "many.db")
    try:
        names = [f"Bäckerei {n:03d}" for n in range(400)] + ["Backstube Alt", "Bäckerei ÄÄ"]
        with store.write() as uow:
            for name in names:
                uow.create("customer", {"name": name})
        titles = [h.title for h in search(store, "ckere", kinds=["customer"], limit=5)]
        assert titles == [
            "Bäckerei 000",
            "Bäckerei 001",
            "Bäckerei 002",
            "Bäckerei 003",
            "Bäckerei 004",
        ]
        # Bäckerei reads as Backerei: before Backstube, and the umlaut names after digits.
        everything = [h.title for h in search(store, "back", kinds=["customer"], limit=500)]
        assert everything[:2] == ["Bäckerei 000", "Bäckerei 001"]
        assert everything[-2:] == ["Bäckerei ÄÄ", "Backstube Alt"]
        assert len(everything) == 402
    finally:
        store.close()


def test_whole_words_first_and_the_last_word_as_it_is_typed(world: World) -> None:
    store, w = world
    # "asked" is a whole word of the note; "quot" only begins one (being typed).
    assert kinds_and_ids(store, "asked quot") == [("note", w.note)]
    assert kinds_and_ids(store, "asked quotation") == [("note", w.note)]
    # A finished word that only begins a word of the note is not looked up as a beginning.
    assert kinds_and_ids(store, "quot asked") == []
