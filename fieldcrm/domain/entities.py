"""The entities of FieldCRM and their fields: one definition for client, server and sync."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

FieldKind = Literal[
    "str", "text", "email", "int", "float", "bool", "enum", "date", "datetime", "ref", "ref_list"
]

ROLES = ("rep", "manager", "admin")
CUSTOMER_STATUSES = ("prospect", "active", "inactive")
SEGMENTS = ("A", "B", "C")
VISIT_STATUSES = ("planned", "done", "cancelled")
VISIT_CHANNELS = ("in_person", "phone", "video")
VISIT_OUTCOMES = ("order", "opportunity", "information", "no_interest", "not_reached")
COMMENT_KINDS = ("comment", "acknowledgement")
#: How the person asked to do a follow-up answered (completing it sets ``done_at``).
FOLLOWUP_RESPONSES = ("accepted", "declined")
RELATIONSHIP_KINDS = (
    "reports_to",
    "assistant_of",
    "colleague",
    "decides_for",
    "influences",
    "custom",
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of an entity, with the rules its values must follow."""

    name: str
    kind: FieldKind
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    ref: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    #: Set by the server from the caller's scope; a value sent by a client is never trusted.
    server_controlled: bool = False
    #: A reference that may name a record of another customer (most must stay within one).
    cross_customer: bool = False


@dataclass(frozen=True, slots=True)
class EntitySpec:
    name: str
    fields: tuple[FieldSpec, ...]
    #: Field that names the customer a record belongs to (scoping and cascades).
    customer_field: str | None = None
    by_name: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)
    field_names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    #: Fields that refer to other records.
    ref_fields: tuple[FieldSpec, ...] = field(init=False, repr=False, compare=False)
    #: Every field at its default (for fields without a list default, safe to copy shallowly).
    defaults: dict[str, Any] = field(init=False, repr=False, compare=False)
    has_list: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Derived once: these are read on every write.
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})
        object.__setattr__(self, "field_names", tuple(f.name for f in self.fields))
        object.__setattr__(self, "ref_fields", tuple(f for f in self.fields if f.ref))
        object.__setattr__(self, "defaults", {f.name: f.default for f in self.fields})
        object.__setattr__(self, "has_list", any(f.kind == "ref_list" for f in self.fields))


def _s(name: str, max_length: int = 200, *, required: bool = False, **kw: Any) -> FieldSpec:
    return FieldSpec(name, "str", required=required, max_length=max_length, **kw)


TERRITORY = EntitySpec(
    "territory",
    (
        _s("name", 120, required=True),
        FieldSpec("parent_id", "ref", ref="territory"),
    ),
)

USER = EntitySpec(
    "user",
    (
        _s("username", 64, required=True),
        _s("display_name", 120),
        FieldSpec(
            "role", "enum", required=True, choices=ROLES, default="rep", server_controlled=True
        ),
        FieldSpec("territory_id", "ref", ref="territory", server_controlled=True),
        FieldSpec("active", "bool", default=True, server_controlled=True),
    ),
)

CUSTOMER = EntitySpec(
    "customer",
    (
        _s("number", 32),
        _s("name", 200, required=True),
        _s("street", 200),
        _s("postal_code", 16),
        _s("city", 120),
        _s("country", 64),
        _s("phone", 40),
        FieldSpec("email", "email", max_length=254),
        FieldSpec("territory_id", "ref", ref="territory", server_controlled=True),
        FieldSpec("owner_id", "ref", ref="user", server_controlled=True),
        FieldSpec("status", "enum", required=True, choices=CUSTOMER_STATUSES, default="prospect"),
        FieldSpec("segment", "enum", choices=SEGMENTS),
        FieldSpec("visit_cadence_days", "int", minimum=1, maximum=3650),
        FieldSpec("latitude", "float", minimum=-90, maximum=90),
        FieldSpec("longitude", "float", minimum=-180, maximum=180),
    ),
)

CONTACT = EntitySpec(
    "contact",
    (
        FieldSpec("customer_id", "ref", required=True, ref="customer"),
        _s("first_name", 100),
        _s("last_name", 100, required=True),
        _s("job_title", 120),
        _s("phone", 40),
        _s("mobile", 40),
        FieldSpec("email", "email", max_length=254),
        #: "Stay in touch" every so many days; empty: the customer's visit cadence.
        FieldSpec("touch_cadence_days", "int", minimum=1, maximum=3650),
    ),
    customer_field="customer_id",
)

VISIT = EntitySpec(
    "visit",
    (
        FieldSpec("customer_id", "ref", required=True, ref="customer"),
        FieldSpec("rep_id", "ref", required=True, ref="user"),
        FieldSpec("status", "enum", required=True, choices=VISIT_STATUSES, default="planned"),
        FieldSpec("planned_start", "datetime", required=True),
        FieldSpec("planned_end", "datetime"),
        FieldSpec("check_in_at", "datetime"),
        FieldSpec("check_out_at", "datetime"),
        FieldSpec("channel", "enum", required=True, choices=VISIT_CHANNELS, default="in_person"),
        _s("purpose", 500),
        FieldSpec("outcome", "enum", choices=VISIT_OUTCOMES),
        FieldSpec("report", "text", max_length=100_000),
        FieldSpec("next_steps", "text", max_length=20_000),
        FieldSpec("attendee_ids", "ref_list", ref="contact", default=()),
        #: Why a visit was cancelled (status ``cancelled``).
        _s("cancel_reason", 500),
        #: The visit keeps its time when the day's route is planned (an appointment).
        FieldSpec("fixed_time", "bool", default=False),
    ),
    customer_field="customer_id",
)

NOTE = EntitySpec(
    "note",
    (
        FieldSpec("customer_id", "ref", required=True, ref="customer"),
        FieldSpec("contact_id", "ref", ref="contact"),
        FieldSpec("visit_id", "ref", ref="visit"),
        FieldSpec("author_id", "ref", required=True, ref="user"),
        FieldSpec("text", "text", required=True, max_length=100_000),
    ),
    customer_field="customer_id",
)

FOLLOWUP = EntitySpec(
    "followup",
    (
        FieldSpec("customer_id", "ref", required=True, ref="customer"),
        FieldSpec("visit_id", "ref", ref="visit"),
        FieldSpec("assignee_id", "ref", required=True, ref="user"),
        _s("title", 200, required=True),
        FieldSpec("due_date", "date", required=True),
        FieldSpec("done_at", "datetime"),
        #: Who asked the assignee to do it (empty: the assignee's own follow-up).
        FieldSpec("requested_by_id", "ref", ref="user"),
        #: The assignee's answer to a request, with a reason when declined.
        FieldSpec("response", "enum", choices=FOLLOWUP_RESPONSES),
        FieldSpec("response_note", "text", max_length=2_000),
        FieldSpec("responded_at", "datetime"),
    ),
    customer_field="customer_id",
)

#: Feedback on a visit report (a manager's acknowledgement or comment, or a reply), or a
#: question or answer under a bulletin: a comment names a visit and its customer, or a
#: bulletin (``validation`` checks that it is one or the other).
COMMENT = EntitySpec(
    "comment",
    (
        FieldSpec("visit_id", "ref", ref="visit"),
        FieldSpec("customer_id", "ref", ref="customer"),
        FieldSpec("author_id", "ref", required=True, ref="user", server_controlled=True),
        FieldSpec("kind", "enum", required=True, choices=COMMENT_KINDS, default="comment"),
        FieldSpec("text", "text", max_length=20_000),
        #: When the person it was written to read it, on whichever of their laptops: it
        #: syncs, so the other laptop shows it read too. Only this field of someone
        #: else's comment may be changed.
        FieldSpec("read_at", "datetime"),
        FieldSpec("bulletin_id", "ref", ref="bulletin"),
    ),
    customer_field="customer_id",
)

#: A manager's message to the field: the whole area (no territories and no reps named),
#: chosen territories of the area, or chosen reps; optionally to be confirmed by a date.
#: The server files it under its audience (``sync_server.bulletins``), so only the people
#: addressed and the area's managers receive it.
BULLETIN = EntitySpec(
    "bulletin",
    (
        FieldSpec("area_id", "ref", ref="territory", server_controlled=True),
        FieldSpec("author_id", "ref", ref="user", server_controlled=True),
        _s("title", 200, required=True),
        FieldSpec("body", "text", max_length=50_000),
        FieldSpec("territory_ids", "ref_list", ref="territory", default=()),
        FieldSpec("rep_ids", "ref_list", ref="user", default=()),
        FieldSpec("confirm_by", "date"),
        FieldSpec("posted_at", "datetime"),
    ),
)

#: That a person opened a bulletin, and when they confirmed it ("read and understood").
#: One per bulletin and reader (its id is made from both); seen by the reader, the author
#: and the area's managers only.
BULLETIN_RECEIPT = EntitySpec(
    "bulletin_receipt",
    (
        FieldSpec("bulletin_id", "ref", required=True, ref="bulletin"),
        FieldSpec("user_id", "ref", ref="user", server_controlled=True),
        FieldSpec("read_at", "datetime", required=True),
        FieldSpec("confirmed_at", "datetime"),
    ),
)

#: How two contacts relate; scoped by the customer of the "from" contact.
RELATIONSHIP = EntitySpec(
    "relationship",
    (
        FieldSpec("customer_id", "ref", required=True, ref="customer"),
        FieldSpec("from_contact_id", "ref", required=True, ref="contact"),
        FieldSpec("to_contact_id", "ref", required=True, ref="contact", cross_customer=True),
        FieldSpec("kind", "enum", required=True, choices=RELATIONSHIP_KINDS, default="colleague"),
        _s("label", 80),
        _s("reverse_label", 80),
        FieldSpec("note", "text", max_length=5_000),
    ),
    customer_field="customer_id",
)

#: A team member's own statement that they know a contact (never inferred).
CONNECTION = EntitySpec(
    "connection",
    (
        FieldSpec("customer_id", "ref", required=True, ref="customer"),
        FieldSpec("contact_id", "ref", required=True, ref="contact"),
        FieldSpec("user_id", "ref", required=True, ref="user", server_controlled=True),
        FieldSpec("strength", "int", required=True, minimum=1, maximum=5, default=3),
        FieldSpec("since", "date"),
        FieldSpec("note", "text", max_length=5_000),
    ),
    customer_field="customer_id",
)

#: A customer changing hands: who gave it to whom, the previous owner's note, when it was read.
HANDOVER = EntitySpec(
    "handover",
    (
        FieldSpec("customer_id", "ref", required=True, ref="customer"),
        FieldSpec("from_user_id", "ref", ref="user"),
        FieldSpec("to_user_id", "ref", ref="user"),
        FieldSpec("note", "text", max_length=20_000),
        FieldSpec("read_at", "datetime"),
    ),
    customer_field="customer_id",
)

#: A file (photo, PDF, office document) on a customer, or on one of its visits, notes or
#: follow-ups; or a document of a bulletin; or a document on an area's shelf (``area_id``
#: with the document's ``title`` and ``version``). Exactly one of customer, bulletin and
#: area (``validation``). The record carries what describes the file; its content travels
#: separately, content-addressed by ``sha256`` (``fieldcrm.store.attachments``,
#: ``sync_server.files``).
ATTACHMENT = EntitySpec(
    "attachment",
    (
        FieldSpec("customer_id", "ref", ref="customer"),
        FieldSpec("visit_id", "ref", ref="visit"),
        FieldSpec("note_id", "ref", ref="note"),
        FieldSpec("followup_id", "ref", ref="followup"),
        FieldSpec("author_id", "ref", required=True, ref="user", server_controlled=True),
        _s("name", 255, required=True),
        _s("media_type", 127, required=True),
        FieldSpec("size", "int", required=True, minimum=0, maximum=2**40),
        _s("sha256", 64, required=True),
        #: A small JPEG preview as base64 (photos only), at most 48 KiB of text.
        FieldSpec("thumbnail", "text", max_length=49_152),
        #: When the server had the whole content, checked by its hash (set by the server).
        FieldSpec("uploaded_at", "datetime", server_controlled=True),
        FieldSpec("bulletin_id", "ref", ref="bulletin"),
        FieldSpec("area_id", "ref", ref="territory"),
        #: A shelf document's name ("Price list"): a new version replaces the one of the
        #: same title on the area's shelf.
        _s("title", 200),
        FieldSpec("version", "int", minimum=1, maximum=1_000_000),
    ),
    customer_field="customer_id",
)

ENTITIES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        TERRITORY,
        USER,
        CUSTOMER,
        CONTACT,
        VISIT,
        NOTE,
        FOLLOWUP,
        COMMENT,
        RELATIONSHIP,
        CONNECTION,
        HANDOVER,
        ATTACHMENT,
        BULLETIN,
        BULLETIN_RECEIPT,
    )
}


def entity_spec(name: str) -> EntitySpec:
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}") from None
