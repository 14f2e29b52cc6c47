"""Codes for why a change was refused and what is wrong with a field, with their English.

Codes and parameters travel on the wire and are kept on the laptop; each side says them
in words from its own table (the desktop in the user's language, keyed by code, the
server and the command line in English from the templates here). A template's
``{name}`` placeholders are filled from the parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: What can be wrong with one field's value (``FieldError.code``).
FIELD_PROBLEMS: dict[str, str] = {
    "required": "is required",
    "empty": "must not be empty",
    "not_text": "must be text",
    "too_long": "must be at most {max} characters",
    "bad_email": "{value!r} is not a valid e-mail address",
    "not_choice": "must be one of {choices}",
    "not_bool": "must be true or false",
    "not_int": "must be a whole number",
    "not_number": "must be a number",
    "not_finite": "must be a finite number",
    "below_min": "must be at least {min}",
    "above_max": "must be at most {max}",
    "date_with_time": "must be a date without a time",
    "not_date": "must be a date (YYYY-MM-DD)",
    "not_datetime": "must be a date and time",
    "date_out_of_range": "{value!r} is outside the dates that can be stored",
    "not_id": "must be the id of a record",
    "not_id_list": "must be a list of record ids",
    "unknown_field": "is not a field of {entity}",
    "before_planned_start": "must not be before the planned start",
    "needs_check_in": "needs a check-in first",
    "before_check_in": "must not be before the check-in",
    "coordinates_pair": "latitude and longitude go together",
    "same_contact": "must be another contact",
    "already_declared": "you have already said you know this person",
    "custom_needs_name": "a custom relationship needs a name",
    "decline_needs_reason": "a declined request needs a reason",
    "unknown_ref": "no {ref} with id {id} exists",
    "other_customer": "{ref} {id} belongs to another customer",
    "bad_id": "{id!r} is not a record id (UUID)",
    "id_taken": "a {entity} with id {id} exists",
    "not_sha256": "must be a SHA-256 hash (64 hexadecimal digits)",
    "bad_file_name": "is not a usable file name",
    "one_owner": "an attachment belongs to one visit, note or follow-up at most",
    "not_deleted": "the {entity} {id} is not deleted",
    "comment_subject": "a comment is on a visit report or under a bulletin, not both",
    "attachment_subject": "a file belongs to a customer, a bulletin or an area's shelf, "
    "one of them",
}

#: Why the server (or the laptop, for the ``local_*`` codes) refused a change
#: (``EntryResult.code``, the rejected list's ``code``).
REJECTIONS: dict[str, str] = {
    "invalid": "{details}",
    "unknown_entity": "{entity!r} is not something FieldCRM synchronises.",
    "admin_only": "Only an administrator can change {entity} records.",
    "bad_record_id": "The record id is not a valid id.",
    "not_found": "There is no {entity} with this id on the server.",
    "other_territory": "This {entity} belongs to a territory you cannot change.",
    "no_delete_stamp": "A delete needs a '_deleted' clock stamp.",
    "no_stamp": "The field {name!r} has no clock stamp.",
    "bad_stamp": "{detail}.",
    "foreign_device": "This change carries the clock stamp of another device than the one "
    "logged in.",
    "future": "This change is dated {minutes} minutes in the future. Check the date, time and "
    "time zone of this computer, then edit again.",
    "too_large": "This {entity} is too large: the server takes at most {kib} KiB per record, "
    "text included. Shorten its text and send it again.",
    "author_only": "Only its author can change this {entity}.",
    "unknown_person": "The person named here is not a user on the server.",
    "own_name_only": "A {entity} can only be written in your own name.",
    "own_visits_only": "You can record only your own visits.",
    "visit_rep_outside": "Choose yourself or an active rep of your territories as the visit's rep.",
    "person_disabled": "The person named here can no longer sign in (disabled).",
    "person_outside": "The person named here is outside your territory and area.",
    "assignee_outside": "The person asked cannot see this customer: choose someone of the "
    "customer's territory.",
    "assignee_only": "Only the person asked can answer this request.",
    "customer_unavailable": "The customer does not exist on the server or is not in your "
    "territory.",
    "customer_deleted": "The customer was deleted.",
    "unknown_territory": "Choose a territory that exists.",
    "territory_is_area": "This is an area; assign one of its territories instead.",
    "territory_outside": "This territory is outside your area.",
    "no_territory": "You have no territory to add customers to.",
    "no_sync_delete": "A {entity} cannot be deleted by a sync; use the fieldcrm-server command.",
    "username_taken": "This user name is already taken.",
    "already_declared": "You have already said you know this person.",
    "refused": "The server refused this change.",
    "content_fixed": "The content of an attachment cannot be changed; add the new file as "
    "another attachment.",
    "bulletin_managers_only": "Only a manager or an administrator can post bulletins.",
    "bulletin_no_area": "Choose the area the bulletin is for.",
    "bulletin_audience_outside": "Address only territories and active reps of the bulletin's area.",
    "bulletin_unavailable": "The bulletin does not exist on the server or is not addressed to you.",
    "shelf_managers_only": "Only a manager of the area or an administrator can publish "
    "documents to its shelf or to a bulletin.",
    # Set on the laptop, without asking the server:
    "local_too_large": "This change is too large to send to the server. Shorten its text and "
    "send it again.",
    "local_unreadable": "The server could not read this change ({detail}).",
    "local_future": "This change is dated {minutes} minutes in the future. Check the date, "
    "time and time zone of this computer, then edit again.",
    "evicted": "The record left your territory on the server before this change was sent; "
    "the change was not synced. Ask the record's new owner to apply it if it still matters.",
}


def english(table: Mapping[str, str], code: str, params: Mapping[str, Any]) -> str:
    """The English words for ``code``; a code this side does not know is given as it is."""
    template = table.get(code)
    if template is None:
        return code
    try:
        return template.format_map(dict(params))
    except (KeyError, IndexError, ValueError):
        return template
