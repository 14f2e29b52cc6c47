"""Dialogs that correct what was written: edit a contact, note or follow-up (also give it to
someone else), cancel or move a visit, decline a request with a reason, and the question
before a delete. Every save goes through ``fieldcrm.app.corrections`` or ``requests``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from fieldcrm.app import Changes, corrections, requests
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.forms import RecordForm, SaveDialog, confirm
from fieldcrm.ui.texts import fill

CONTACT_FIELDS = ("first_name", "last_name", "job_title", "phone", "mobile", "email")


TR_CONTEXT = "CorrectionDialogs"


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


def _open(ctx: AppContext, dialog: SaveDialog, name: str) -> SaveDialog:
    from fieldcrm.ui.dialogs import _open as open_dialog

    dialog.setObjectName(name)
    return open_dialog(ctx, dialog, None)


class _Refused(Exception):
    """A refusal said in the user's language (shown under the form)."""


def refusal_text(code: str) -> str:
    """Why a correction or an answer was refused, in the user's language."""
    texts = {
        "visit_not_planned": _t(
            "Only a planned visit can be cancelled; a visit that took place cannot be moved."
        ),
        "unknown_record": _t("This record no longer exists (deleted, perhaps on another laptop)."),
        "unknown_request": _t("This follow-up no longer exists."),
        "request_done": _t("This follow-up is done already."),
        "author_only": _t("Only the person who wrote it can change it."),
    }
    if code in texts:
        return texts[code]
    from fieldcrm.ui import reasons

    return reasons.rejection(code, {})


def _said(work: Callable[[], Changes]) -> Changes:
    try:
        return work()
    except (corrections.CorrectionRefused, requests.RequestRefused) as exc:
        raise _Refused(refusal_text(exc.code)) from exc


def edit_contact_dialog(ctx: AppContext, parent: QWidget, contact: Mapping[str, Any]) -> SaveDialog:
    form = RecordForm("contact", CONTACT_FIELDS)
    form.set_values(contact)
    contact_id = contact["id"]

    def save(values: dict[str, Any]) -> Changes:
        return corrections.edit_contact(ctx.store, contact_id, values)

    return _open(
        ctx, SaveDialog(_t("Edit contact"), form, ctx.db, save, parent), "edit_contact_dialog"
    )


def edit_note_dialog(ctx: AppContext, parent: QWidget, note: Mapping[str, Any]) -> SaveDialog:
    form = RecordForm("note", ("text",))
    form.set_values(note)
    note_id = note["id"]

    def save(values: dict[str, Any]) -> Changes:
        return corrections.edit_note(ctx.store, note_id, values["text"])

    return _open(ctx, SaveDialog(_t("Edit note"), form, ctx.db, save, parent), "edit_note_dialog")


def edit_followup_dialog(
    ctx: AppContext,
    parent: QWidget,
    followup: Mapping[str, Any] | None,
    people: list[requests.Person],
    customer_id: str | None = None,
) -> SaveDialog:
    """Edit a follow-up (title, due date, who does it), or with ``followup`` None ask
    someone to do something for ``customer_id``."""
    user_id = ctx.require_user()
    choices = [(p["name"], p["id"]) for p in people]
    if not any(p["id"] == user_id for p in people):
        choices.insert(0, (ctx.display_name or ctx.username or user_id, user_id))
    form = RecordForm(
        "followup", ("title", "due_date", "assignee_id"), choices={"assignee_id": choices}
    )
    if followup is not None:
        form.set_values(followup)
        followup_id = followup["id"]

        def save(values: dict[str, Any]) -> Changes:
            return _said(lambda: corrections.edit_followup(ctx.store, followup_id, values, user_id))

        title = _t("Edit follow-up")
    else:
        from datetime import date, timedelta

        form.set_values({"due_date": date.today() + timedelta(days=7), "assignee_id": user_id})
        wanted = str(customer_id)

        def save(values: dict[str, Any]) -> Changes:
            return _said(
                lambda: requests.ask(
                    ctx.store,
                    wanted,
                    values["assignee_id"] or user_id,
                    values["title"] or "",
                    values["due_date"],
                    user_id,
                )
            )

        title = _t("Ask someone to do something")
    return _open(ctx, SaveDialog(title, form, ctx.db, save, parent), "edit_followup_dialog")


def cancel_visit_dialog(ctx: AppContext, parent: QWidget, visit: Mapping[str, Any]) -> SaveDialog:
    form = RecordForm("visit", ("cancel_reason",))
    visit_id = visit["id"]

    def save(values: dict[str, Any]) -> Changes:
        return _said(
            lambda: corrections.cancel_visit(ctx.store, visit_id, values["cancel_reason"] or "")
        )

    name = visit.get("customer_name") or ""
    title = fill(_t("Cancel the visit: %1"), name) if name else _t("Cancel the visit")
    return _open(ctx, SaveDialog(title, form, ctx.db, save, parent), "cancel_visit_dialog")


def move_visit_dialog(ctx: AppContext, parent: QWidget, visit: Mapping[str, Any]) -> SaveDialog:
    form = RecordForm("visit", ("planned_start", "planned_end"))
    form.set_values(visit)
    visit_id = visit["id"]

    def save(values: dict[str, Any]) -> Changes:
        return _said(
            lambda: corrections.move_visit(
                ctx.store, visit_id, values["planned_start"], values["planned_end"]
            )
        )

    return _open(
        ctx, SaveDialog(_t("Move the visit"), form, ctx.db, save, parent), "move_visit_dialog"
    )


def decline_dialog(ctx: AppContext, parent: QWidget, request: Mapping[str, Any]) -> SaveDialog:
    form = RecordForm("followup", ("response_note",))
    request_id = request["id"]
    user_id = ctx.require_user()

    def save(values: dict[str, Any]) -> Changes:
        return _said(
            lambda: requests.decline(ctx.store, request_id, user_id, values["response_note"] or "")
        )

    title = fill(_t("Decline: %1"), request.get("title") or "")
    return _open(ctx, SaveDialog(title, form, ctx.db, save, parent), "decline_dialog")


def confirm_delete(parent: QWidget, what: str) -> bool:
    """Ask before a delete (it can be undone, and restored from the trash)."""
    return confirm(
        parent,
        _t("Delete"),
        fill(_t("Delete %1? You can undo it (Ctrl+Z) or restore it from the trash."), what),
        _t("Delete"),
    )
