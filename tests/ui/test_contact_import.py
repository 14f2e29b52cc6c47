"""Contacts from files: a CSV (German headers, semicolons) and vCards, through the dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from fieldcrm.app.contact_import import ImportFileError, preview_contacts
from fieldcrm.ui.contact_import_view import ImportContactsDialog
from fieldcrm.ui.mainwindow import MainWindow

CSV = (
    "Vorname;Nachname;Funktion;Telefon;Handy;E-Mail;Geburtstag\n"
    "Jürgen;Weiß;Einkaufsleiter;040 123456;;j.weiss@example.de;1970-01-01\n"
    "Eva;;Technik;;;eva@example.de;\n"
    "Tim;Lang;;;0171 5551234;kein-mail;\n"
    "\n"
    "Ute;Brandt;Geschäftsführerin;;;ute@example.de;\n"
)
VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Krause;Anke;;;\r\nFN:Anke Krause\r\n"
    "TITLE:Leitung Einkauf\r\nTEL;TYPE=CELL:+49 172 1112223\r\nTEL;TYPE=WORK:040 999\r\n"
    "EMAIL:anke.krause@example.de\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Otto\r\nEND:VCARD\r\n"
)


def _contacts(window: MainWindow, customer: str) -> list[tuple[str, str]]:
    with window.store.read() as conn:
        return [
            (str(r[0] or ""), str(r[1]))
            for r in conn.execute(
                sa.text(
                    "SELECT first_name, last_name FROM contact WHERE customer_id = :c "
                    "AND deleted = 0 ORDER BY last_name"
                ),
                {"c": customer},
            )
        ]


def _open_import(window: MainWindow, qtbot: QtBot, customer: str) -> ImportContactsDialog:
    window.show_customer(customer)
    qtbot.waitUntil(lambda: window.detail.customer is not None)
    dialog = window.detail.import_contacts()
    assert dialog is not None
    return dialog


def test_csv_preview_shows_each_lines_problem_and_imports_the_good_ones(
    window: MainWindow, seeded: dict[str, Any], qtbot: QtBot, tmp_path: Path
) -> None:
    customer = seeded["customers"][0]
    window.store.create(
        "contact", {"customer_id": customer, "first_name": "Ute", "last_name": "Brandt"}
    )
    before = _contacts(window, customer)
    path = tmp_path / "kontakte.csv"
    path.write_bytes(CSV.encode("cp1252"))  # as a German spreadsheet saves it
    dialog = _open_import(window, qtbot, customer)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.load_file(path)
    model = dialog.model
    rows = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert [r[0] for r in rows] == ["2", "3", "4", "6"]  # file lines; the blank one skipped
    assert rows[0][1:7] == [
        "Jürgen",
        "Weiß",
        "Einkaufsleiter",
        "040 123456",
        "",
        "j.weiss@example.de",
    ]
    assert rows[0][7] == ""
    assert rows[1][7] == "Last name: Required"
    assert rows[2][7] == "E-mail: Not a valid e-mail address"
    assert rows[3][7] == "Looks like Ute Brandt"
    assert dialog.summary.text() == (
        "1 contacts will be imported; 2 lines have errors and are left out; "
        "1 look like existing contacts."
    )
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        dialog.import_button.click()
    assert sorted(_contacts(window, customer)) == sorted([*before, ("Jürgen", "Weiß")])


def test_vcards_and_a_file_that_is_not_contacts(
    window: MainWindow, seeded: dict[str, Any], qtbot: QtBot, tmp_path: Path
) -> None:
    customer = seeded["customers"][1]
    path = tmp_path / "contacts.vcf"
    path.write_text(VCARDS, encoding="utf-8")
    dialog = _open_import(window, qtbot, customer)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.load_file(path)
    lines = dialog.preview.lines if dialog.preview else []
    assert lines[0].values == {
        "first_name": "Anke",
        "last_name": "Krause",
        "job_title": "Leitung Einkauf",
        "mobile": "+49 172 1112223",
        "phone": "040 999",
        "email": "anke.krause@example.de",
    }
    assert lines[1].values == {"last_name": "Otto"}
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        dialog.import_button.click()
    assert ("Anke", "Krause") in _contacts(window, customer)

    bad = tmp_path / "table.csv"
    bad.write_text("Company,City\nAcme,Bremen\n", encoding="utf-8")
    dialog = _open_import(window, qtbot, customer)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.load_file(bad)
    assert dialog.error_label.text().startswith("The first line names no column for the last name")
    assert not dialog.import_button.isEnabled()
    dialog.reject()


def test_file_errors_have_codes(window: MainWindow, seeded: dict[str, Any]) -> None:
    customer = seeded["customers"][0]
    for name, data, code in (
        ("x.csv", b"", "empty"),
        ("x.csv", b"Nachname\n\n", "no_contacts"),
        ("x.vcf", b"BEGIN:VCARD\nthis is not\n", "bad_vcard"),
        ("x.csv", b"x" * (6 * 1024 * 1024), "too_large"),
    ):
        with pytest.raises(ImportFileError) as refused:
            preview_contacts(window.store, customer, name, data)
        assert refused.value.code == code, (name, data[:20])
