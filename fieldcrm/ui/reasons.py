"""Why a change was refused and what is wrong with a field, in the user's language, by code.

The server and the laptop state both as codes with parameters
(``fieldcrm.protocol.codes``); this module has a translated sentence for each code, so
nothing here reads the English. ``tests/ui/test_i18n.py`` fails when a code has none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale

from fieldcrm.domain.validation import FieldError
from fieldcrm.protocol.codes import FIELD_PROBLEMS, REJECTIONS, english
from fieldcrm.ui import i18n
from fieldcrm.ui.texts import fill

Params = Mapping[str, Any]


def _kind(params: Params) -> str:
    """The record kind a reason names ("visit" -> "Besuch")."""
    name = str(params.get("entity") or params.get("ref") or "")
    return i18n.label(name) if name else ""


def _number(value: Any) -> str:
    try:
        return QLocale().toString(int(value))
    except (TypeError, ValueError):
        return str(value)


#: Field problem code -> its words in the user's language.
_FIELD_PROBLEMS: dict[str, Callable[[Params], str]] = {
    "required": lambda p: QCoreApplication.translate("Validation", "Required"),
    "empty": lambda p: QCoreApplication.translate("Validation", "Must not be empty"),
    "not_text": lambda p: QCoreApplication.translate("Validation", "Must be text"),
    "too_long": lambda p: fill(
        QCoreApplication.translate("Validation", "At most %1 characters"), _number(p.get("max"))
    ),
    "bad_email": lambda p: QCoreApplication.translate("Validation", "Not a valid e-mail address"),
    "not_choice": lambda p: QCoreApplication.translate("Validation", "Not one of the choices"),
    "not_bool": lambda p: QCoreApplication.translate("Validation", "Must be yes or no"),
    "not_int": lambda p: QCoreApplication.translate("Validation", "Must be a whole number"),
    "not_number": lambda p: QCoreApplication.translate("Validation", "Must be a number"),
    "not_finite": lambda p: QCoreApplication.translate("Validation", "Must be a number"),
    "below_min": lambda p: fill(
        QCoreApplication.translate("Validation", "Must be at least %1"), p.get("min", "")
    ),
    "above_max": lambda p: fill(
        QCoreApplication.translate("Validation", "Must be at most %1"), p.get("max", "")
    ),
    "date_with_time": lambda p: QCoreApplication.translate(
        "Validation", "Must be a date without a time"
    ),
    "not_date": lambda p: QCoreApplication.translate("Validation", "Must be a date"),
    "not_datetime": lambda p: QCoreApplication.translate("Validation", "Must be a date and time"),
    "date_out_of_range": lambda p: QCoreApplication.translate(
        "Validation", "Outside the dates that can be stored"
    ),
    "not_id": lambda p: QCoreApplication.translate("Validation", "Must be a record"),
    "not_id_list": lambda p: QCoreApplication.translate("Validation", "Must be a list of records"),
    "unknown_field": lambda p: QCoreApplication.translate(
        "Validation", "Not a field of this record"
    ),
    "before_planned_start": lambda p: QCoreApplication.translate(
        "Validation", "Must not be before the planned start"
    ),
    "needs_check_in": lambda p: QCoreApplication.translate("Validation", "Needs a check-in first"),
    "before_check_in": lambda p: QCoreApplication.translate(
        "Validation", "Must not be before the check-in"
    ),
    "coordinates_pair": lambda p: QCoreApplication.translate(
        "Validation", "Latitude and longitude go together"
    ),
    "same_contact": lambda p: QCoreApplication.translate("Validation", "Must be another contact"),
    "already_declared": lambda p: QCoreApplication.translate(
        "Validation", "You have already said you know this person"
    ),
    "not_sha256": lambda p: QCoreApplication.translate(
        "Validation", "Must be a SHA-256 hash (64 hexadecimal digits)"
    ),
    "bad_file_name": lambda p: QCoreApplication.translate(
        "Validation", "Is not a usable file name"
    ),
    "one_owner": lambda p: QCoreApplication.translate(
        "Validation", "An attachment belongs to one visit, note or follow-up at most"
    ),
    "custom_needs_name": lambda p: QCoreApplication.translate(
        "Validation", "A custom relationship needs a name"
    ),
    "decline_needs_reason": lambda p: QCoreApplication.translate(
        "Validation", "Say why you decline the request"
    ),
    "not_deleted": lambda p: QCoreApplication.translate(
        "Validation", "This record is not deleted (it may have been restored already)"
    ),
    "unknown_ref": lambda p: fill(
        QCoreApplication.translate("Validation", "This record (%1) does not exist"), _kind(p)
    ),
    "other_customer": lambda p: fill(
        QCoreApplication.translate("Validation", "This record (%1) belongs to another customer"),
        _kind(p),
    ),
    "bad_id": lambda p: QCoreApplication.translate("Validation", "Not a valid record id"),
    "id_taken": lambda p: fill(
        QCoreApplication.translate("Validation", "This record (%1) exists already"), _kind(p)
    ),
    "comment_subject": lambda p: QCoreApplication.translate(
        "Validation", "A comment is on a visit report or under a bulletin, not both"
    ),
    "attachment_subject": lambda p: QCoreApplication.translate(
        "Validation", "A file belongs to a customer, a bulletin or an area's shelf, one of them"
    ),
}


def _future(p: Params) -> str:
    """Dated in the future: the server's refusal and the laptop's own say the same."""
    return fill(
        QCoreApplication.translate(
            "ServerReasons",
            "This change is dated %1 minutes in the future. Check the date, time and "
            "time zone of this computer, then edit again.",
        ),
        _number(p.get("minutes")),
    )


#: Rejection code -> its words in the user's language.
_REJECTIONS: dict[str, Callable[[Params], str]] = {
    "invalid": lambda p: QCoreApplication.translate("ServerReasons", "Some values are not valid."),
    "unknown_entity": lambda p: fill(
        QCoreApplication.translate(
            "ServerReasons", "FieldCRM does not synchronise records of this kind (%1)."
        ),
        p.get("entity", ""),
    ),
    "admin_only": lambda p: fill(
        QCoreApplication.translate(
            "ServerReasons", "Only an administrator can change records of this kind (%1)."
        ),
        _kind(p),
    ),
    "bad_record_id": lambda p: QCoreApplication.translate(
        "ServerReasons", "The record id is not a valid id."
    ),
    "not_found": lambda p: fill(
        QCoreApplication.translate(
            "ServerReasons", "This record (%1) does not exist on the server."
        ),
        _kind(p),
    ),
    "other_territory": lambda p: fill(
        QCoreApplication.translate(
            "ServerReasons", "This record (%1) belongs to a territory you cannot change."
        ),
        _kind(p),
    ),
    "no_delete_stamp": lambda p: QCoreApplication.translate(
        "ServerReasons", "A delete needs a '_deleted' clock stamp."
    ),
    "no_stamp": lambda p: fill(
        QCoreApplication.translate("ServerReasons", "The field %1 has no time stamp."),
        i18n.field_label(str(p.get("name", ""))),
    ),
    "bad_stamp": lambda p: QCoreApplication.translate(
        "ServerReasons", "A time stamp of this change is not valid."
    ),
    "foreign_device": lambda p: QCoreApplication.translate(
        "ServerReasons",
        "This change carries the clock stamp of another device than the one logged in.",
    ),
    "future": _future,
    "too_large": lambda p: fill(
        QCoreApplication.translate(
            "ServerReasons",
            "This record (%1) is too large: the server takes at most %2 KiB per record, "
            "text included. Shorten its text and send it again.",
        ),
        _kind(p),
        _number(p.get("kib")),
    ),
    "author_only": lambda p: fill(
        QCoreApplication.translate("ServerReasons", "Only its author can change this record (%1)."),
        _kind(p),
    ),
    "unknown_person": lambda p: QCoreApplication.translate(
        "ServerReasons", "The person named here is not a user on the server."
    ),
    "own_name_only": lambda p: fill(
        QCoreApplication.translate(
            "ServerReasons", "Records of this kind (%1) can only be written in your own name."
        ),
        _kind(p),
    ),
    "own_visits_only": lambda p: QCoreApplication.translate(
        "ServerReasons", "You can record only your own visits."
    ),
    "visit_rep_outside": lambda p: QCoreApplication.translate(
        "ServerReasons", "Choose yourself or an active rep of your territories as the visit's rep."
    ),
    "person_disabled": lambda p: QCoreApplication.translate(
        "ServerReasons", "The person named here can no longer sign in (disabled)."
    ),
    "person_outside": lambda p: QCoreApplication.translate(
        "ServerReasons", "The person named here is outside your territory and area."
    ),
    "assignee_outside": lambda p: QCoreApplication.translate(
        "ServerReasons",
        "The person asked cannot see this customer: choose someone of the customer's territory.",
    ),
    "assignee_only": lambda p: QCoreApplication.translate(
        "ServerReasons", "Only the person asked can answer this request."
    ),
    "customer_unavailable": lambda p: QCoreApplication.translate(
        "ServerReasons", "The customer does not exist on the server or is not in your territory."
    ),
    "customer_deleted": lambda p: QCoreApplication.translate(
        "ServerReasons", "The customer was deleted."
    ),
    "unknown_territory": lambda p: QCoreApplication.translate(
        "ServerReasons", "Choose a territory that exists."
    ),
    "territory_is_area": lambda p: QCoreApplication.translate(
        "ServerReasons", "This is an area; assign one of its territories instead."
    ),
    "territory_outside": lambda p: QCoreApplication.translate(
        "ServerReasons", "This territory is outside your area."
    ),
    "no_territory": lambda p: QCoreApplication.translate(
        "ServerReasons", "You have no territory to add customers to."
    ),
    "no_sync_delete": lambda p: fill(
        QCoreApplication.translate(
            "ServerReasons",
            "Records of this kind (%1) cannot be deleted by a sync; an administrator "
            "deletes them with the fieldcrm-server command.",
        ),
        _kind(p),
    ),
    "username_taken": lambda p: QCoreApplication.translate(
        "ServerReasons", "This user name is already taken."
    ),
    "already_declared": lambda p: QCoreApplication.translate(
        "ServerReasons", "You have already said you know this person."
    ),
    "refused": lambda p: QCoreApplication.translate(
        "ServerReasons", "The server refused this change."
    ),
    "content_fixed": lambda p: QCoreApplication.translate(
        "ServerReasons",
        "The content of an attachment cannot be changed; add the new file as another attachment.",
    ),
    "bulletin_managers_only": lambda p: QCoreApplication.translate(
        "ServerReasons", "Only a manager or an administrator can post bulletins."
    ),
    "shelf_managers_only": lambda p: QCoreApplication.translate(
        "ServerReasons",
        "Only a manager of the area or an administrator can publish documents to its shelf "
        "or to a bulletin.",
    ),
    "bulletin_no_area": lambda p: QCoreApplication.translate(
        "ServerReasons", "Choose the area the bulletin is for."
    ),
    "bulletin_audience_outside": lambda p: QCoreApplication.translate(
        "ServerReasons", "Address only territories and active reps of the bulletin's area."
    ),
    "bulletin_unavailable": lambda p: QCoreApplication.translate(
        "ServerReasons",
        "The bulletin does not exist on the server or is not addressed to you.",
    ),
    "local_too_large": lambda p: QCoreApplication.translate(
        "ServerReasons",
        "This change is too large to send to the server. Shorten its text and send it again.",
    ),
    "local_unreadable": lambda p: fill(
        QCoreApplication.translate(
            "ServerReasons",
            "The server could not read this change (%1). Update FieldCRM; if the change "
            "is still refused, discard it and enter it again.",
        ),
        p.get("detail", ""),
    ),
    "local_future": _future,
    "evicted": lambda p: QCoreApplication.translate(
        "ServerReasons",
        "The record left your territory on the server before this change was sent; the "
        "change was not synced. Ask the record's new owner to apply it if it still matters.",
    ),
}


def field_problem(code: str, params: Params | None = None) -> str:
    """What is wrong with a field, in the user's language (English for an unknown code)."""
    make = _FIELD_PROBLEMS.get(code)
    params = params or {}
    return make(params) if make else english(FIELD_PROBLEMS, code, params)


def field_error_text(error: FieldError) -> str:
    """A field's problem as the form shows it: from its code, or its words as they came
    where they have no code of their own."""
    if error.code in _FIELD_PROBLEMS:
        return field_problem(error.code, error.params)
    return error.message


def rejection(
    code: str | None,
    params: Params | None = None,
    problems: Sequence[Mapping[str, Any]] = (),
    reason: str = "",
) -> str:
    """Why a change was refused, in the user's language. ``invalid`` lists each field with
    its problem. A code this laptop does not know (from a newer server) or a change
    refused before codes existed keeps the words it came with."""
    if code == "invalid" and problems:
        return "; ".join(
            f"{i18n.field_label(str(p.get('field', '')))}: "
            f"{field_problem(str(p.get('code', '')), p.get('params') or {})}"
            for p in problems
        )
    make = _REJECTIONS.get(code or "")
    if make is None:
        return reason or english(REJECTIONS, code or "refused", params or {})
    return make(params or {})


def rejected_change_reason(change: Mapping[str, Any]) -> str:
    """The reason of an entry of the rejected list (``replica.rejected_changes``)."""
    return rejection(
        change.get("code"), change.get("params"), change.get("problems") or (), change["reason"]
    )


def rejected_field_message(change: Mapping[str, Any], field_name: str) -> str:
    """What the rejection says about one field: its problem, or the whole reason."""
    for problem in change.get("problems") or ():
        if problem.get("field") == field_name:
            return field_problem(str(problem.get("code", "")), problem.get("params") or {})
    return rejected_change_reason(change)


def known_codes() -> tuple[frozenset[str], frozenset[str]]:
    """The rejection and field problem codes this module translates (for the tests)."""
    return frozenset(_REJECTIONS), frozenset(_FIELD_PROBLEMS)
