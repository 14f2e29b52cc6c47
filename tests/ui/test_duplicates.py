"""Creating a customer or contact that likely exists: the candidates, "Open existing"."""

from __future__ import annotations

from typing import Any

import shiboken6
import sqlalchemy as sa
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from fieldcrm.app.duplicates import contact_candidates, customer_candidates, similar_names
from fieldcrm.ui.duplicates import CheckedSaveDialog, DuplicatesDialog
from fieldcrm.ui.mainwindow import MainWindow


def _customers(window: MainWindow) -> int:
    with window.store.read() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM customer")).scalar_one())


def _wait_duplicates(dialog: CheckedSaveDialog, qtbot: QtBot) -> DuplicatesDialog:
    qtbot.waitUntil(lambda: dialog.duplicates is not None and dialog.duplicates.isVisible())
    assert dialog.duplicates is not None
    return dialog.duplicates


def test_a_customer_that_likely_exists_is_shown_and_opened(
    window: MainWindow, qtbot: QtBot
) -> None:
    with window.store.read() as conn:
        existing, name, phone = conn.execute(
            sa.text("SELECT id, name, phone FROM customer ORDER BY id LIMIT 1")
        ).one()
    before = _customers(window)
    dialog = window.customers.new_customer()
    assert isinstance(dialog, CheckedSaveDialog)
    # The same number, written nationally and with other spaces; another name.
    national = "0" + phone.removeprefix("+49 ").replace(" ", "")
    dialog.form.set_values({"name": "Ganz Anders KG", "phone": national, "status": "prospect"})
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    duplicates = _wait_duplicates(dialog, qtbot)
    assert [(c.id, c.reason) for c in duplicates.candidates] == [(existing, "phone")]
    assert duplicates.model.index(0, 0).data() == name
    assert duplicates.model.index(0, 2).data() == "Same phone number"
    duplicates.open_button.click()
    qtbot.waitUntil(lambda: window.detail.customer_id == existing)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))
    assert _customers(window) == before  # nothing was saved

    # Told it is new, the customer is saved after all.
    dialog = window.customers.new_customer()
    assert isinstance(dialog, CheckedSaveDialog)
    dialog.form.set_values({"name": "Ganz Anders KG", "phone": national, "status": "prospect"})
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    duplicates = _wait_duplicates(dialog, qtbot)
    duplicates.save_button.click()
    qtbot.waitUntil(lambda: _customers(window) == before + 1)


def test_a_contact_with_a_similar_name_at_the_customer(window: MainWindow, qtbot: QtBot) -> None:
    with window.store.read() as conn:
        customer, first, last = conn.execute(
            sa.text(
                "SELECT customer_id, first_name, last_name FROM contact "
                "WHERE first_name IS NOT NULL ORDER BY id LIMIT 1"
            )
        ).one()
    window.show_customer(customer)
    qtbot.waitUntil(lambda: window.detail.customer_id == customer)
    window.detail.add_contact()
    dialog = window.detail.findChild(CheckedSaveDialog)
    assert dialog is not None
    dialog.form.set_values({"first_name": first, "last_name": last.upper()})
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    duplicates = _wait_duplicates(dialog, qtbot)
    assert [c.reason for c in duplicates.candidates] == ["name"]
    assert duplicates.windowTitle() == "This contact may exist already"
    duplicates.back_button.click()  # back to the form, nothing lost
    assert dialog.isVisible() and dialog.form.values()["last_name"] == last.upper()
    dialog.form.mark_clean()
    dialog.reject()


def test_what_counts_as_likely_the_same(window: MainWindow, seeded: dict[str, Any]) -> None:
    store = window.store
    customer = store.create(
        "customer",
        {"name": "Bäckerei Schmidt GmbH", "postal_code": "20095", "email": "info@schmidt.de"},
    )
    store.create(
        "contact",
        {"customer_id": customer, "last_name": "Weiß", "mobile": "0171 99 88 77"},
    )
    by_name = customer_candidates(store, {"name": "Baeckerei Schmidt", "postal_code": "20095"})
    assert [(c.id, c.reason) for c in by_name] == [(customer, "name")]
    assert customer_candidates(store, {"name": "Bäckerei Schmidt", "postal_code": "80331"}) == []
    by_mail = customer_candidates(store, {"name": "X", "email": "INFO@schmidt.de"})
    assert [c.reason for c in by_mail] == ["email"]
    elsewhere = contact_candidates(store, seeded["customers"][0], {"phone": "+49 171 998877"})
    assert [(c.name, c.customer_id, c.reason) for c in elsewhere] == [("Weiß", customer, "phone")]
    assert similar_names("Müller Maschinenbau GmbH", "Mueller Maschinenbau")
    assert not similar_names("Müller Maschinenbau", "Meyer Elektro")
