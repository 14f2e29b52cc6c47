"""Validation of entity values with messages that name the field and say what is wrong."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime
from typing import Any

from fieldcrm.domain.entities import EntitySpec, FieldSpec, entity_spec
from fieldcrm.domain.files import is_sha256, safe_file_name
from fieldcrm.protocol.codes import FIELD_PROBLEMS, english

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_TEXT_KINDS = frozenset(("str", "text", "email"))


@dataclass(frozen=True, slots=True)
class FieldError:
    """What is wrong with one field: a code (``fieldcrm.protocol.codes.FIELD_PROBLEMS``)
    with its parameters, and the same in English."""

    field: str
    message: str
    code: str = "invalid"
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)

    @classmethod
    def of(cls, field_name: str, code: str, /, **params: Any) -> FieldError:
        return cls(field_name, english(FIELD_PROBLEMS, code, params), code, params)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class Invalid(ValueError):
    """A value's problem as a code with parameters (its English as the message)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(english(FIELD_PROBLEMS, code, params))
        self.code = code
        self.params = params


class ValidationError(ValueError):
    """Bad values for an entity; ``errors`` lists each field with its problem."""

    def __init__(self, entity: str, errors: Iterable[FieldError]) -> None:
        self.entity = entity
        self.errors = tuple(errors)
        super().__init__(f"{entity}: " + "; ".join(str(e) for e in self.errors))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(e.field for e in self.errors)

    @classmethod
    def single(cls, entity: str, field_name: str, code: str, /, **params: Any) -> ValidationError:
        return cls(entity, [FieldError.of(field_name, code, **params)])


def is_record_id(value: object) -> bool:
    """True for the text form of a UUID, the id of every replicated record."""
    return isinstance(value, str) and _UUID.match(value) is not None


def format_datetime(value: datetime) -> str:
    """UTC, second precision, ``Z`` suffix: the one text form of a time on both sides."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(DATETIME_FORMAT)


def parse_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _normalise(spec: FieldSpec, value: Any) -> Any:
    """Return the canonical stored form of ``value`` or raise ``ValueError(message)``."""
    kind = spec.kind
    # Blank text counts as no value, except in free text (kept as typed, checked below).
    stripped = value.strip() if isinstance(value, str) else value
    if value is None or (stripped == "" and kind != "text"):
        if spec.required:
            raise Invalid("required")
        return [] if kind == "ref_list" else None
    if kind in _TEXT_KINDS:
        if not isinstance(value, str):
            raise Invalid("not_text")
        text = value if kind == "text" else stripped
        if spec.required and not stripped:
            raise Invalid("empty")
        if spec.max_length is not None and len(text) > spec.max_length:
            raise Invalid("too_long", max=spec.max_length)
        if kind == "email" and not _EMAIL.match(text):
            raise Invalid("bad_email", value=text)
        return text
    if kind == "enum":
        if value not in spec.choices:
            raise Invalid("not_choice", choices=", ".join(spec.choices))
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise Invalid("not_bool")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("not_int")
        _check_range(spec, value)
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid("not_number")
        if not math.isfinite(value):
            raise Invalid("not_finite")
        _check_range(spec, value)
        return float(value)
    if kind == "date":
        if isinstance(value, datetime):
            raise Invalid("date_with_time")
        if isinstance(value, date):
            return value.isoformat()
        if not isinstance(value, str):
            raise Invalid("not_date")
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise Invalid("not_date") from None
    if kind == "datetime":
        if not isinstance(value, str | datetime):
            raise Invalid("not_datetime")
        try:
            if isinstance(value, datetime):
                return format_datetime(value)
            return format_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except OverflowError:
            # 0001-01-01T00:00:00+01:00 is in the year 0 in UTC, which has no date.
            raise Invalid("date_out_of_range", value=str(value)) from None
        except ValueError:
            raise Invalid("not_datetime") from None
    if kind == "ref":
        if not isinstance(value, str) or not _UUID.match(value):
            raise Invalid("not_id")
        return value
    if kind == "ref_list":
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, str) and _UUID.match(v) for v in value
        ):
            raise Invalid("not_id_list")
        return list(dict.fromkeys(value))
    raise AssertionError(f"unhandled field kind {kind}")  # pragma: no cover


def _check_range(spec: FieldSpec, value: float) -> None:
    if spec.minimum is not None and value < spec.minimum:
        raise Invalid("below_min", min=f"{spec.minimum:g}")
    if spec.maximum is not None and value > spec.maximum:
        raise Invalid("above_max", max=f"{spec.maximum:g}")


Normaliser = Callable[[Any], Any]


def _normaliser(spec: FieldSpec) -> Normaliser:
    """``_normalise`` for one field, with the usual case checked first in few steps: a value
    that passes every check of its kind as it is comes back at once; anything else (a
    blank, a wrong type, a value out of range) takes ``_normalise``, so the answers and
    the errors are the same. A server checks every field of every pushed record twice."""

    def slow(value: Any) -> Any:
        return _normalise(spec, value)

    kind, required, limit = spec.kind, spec.required, spec.max_length
    low, high = spec.minimum, spec.maximum
    if kind in ("str", "email"):
        email = _EMAIL.match if kind == "email" else None

        def text(value: Any) -> Any:
            if value.__class__ is str:
                stripped = value.strip()
                if (
                    stripped
                    and (limit is None or len(stripped) <= limit)
                    and (email is None or email(stripped))
                ):
                    return stripped
            elif value is None and not required:
                return None
            return slow(value)

        return text
    if kind == "text":

        def free_text(value: Any) -> Any:
            if (
                value.__class__ is str
                and (limit is None or len(value) <= limit)
                and (not required or value.strip())
            ):
                return value
            if value is None and not required:
                return None
            return slow(value)

        return free_text
    if kind == "enum":
        choices = frozenset(spec.choices)

        def choice(value: Any) -> Any:
            if value.__class__ is str and value in choices:
                return value
            if value is None and not required:
                return None
            return slow(value)

        return choice
    if kind == "ref":
        uuid = _UUID.match

        def ref(value: Any) -> Any:
            if value.__class__ is str and uuid(value):
                return value
            if value is None and not required:
                return None
            return slow(value)

        return ref
    if kind in ("int", "float"):
        exact = int if kind == "int" else float

        def number(value: Any) -> Any:
            if (
                value.__class__ is exact
                and (exact is int or math.isfinite(value))
                and (low is None or value >= low)
                and (high is None or value <= high)
            ):
                return value
            if value is None and not required:
                return None
            return slow(value)

        return number
    if kind == "bool":

        def flag(value: Any) -> Any:
            if value.__class__ is bool:
                return value
            if value is None and not required:
                return None
            return slow(value)

        return flag
    return slow


#: Per entity, each field's normaliser (built on first use, for the entity spec it was
#: built from).
_NORMALISERS: dict[str, tuple[EntitySpec, dict[str, Normaliser]]] = {}


def _normalisers(spec: EntitySpec) -> dict[str, Normaliser]:
    known = _NORMALISERS.get(spec.name)
    if known is None or known[0] is not spec:
        known = (spec, {f.name: _normaliser(f) for f in spec.fields})
        _NORMALISERS[spec.name] = known
    return known[1]


def validate_changes(entity: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check the type and form of each changed field; returns the normalised values."""
    spec = entity_spec(entity)
    normalisers = _normalisers(spec)
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, value in changes.items():
        normalise = normalisers.get(name)
        if normalise is None:
            errors.append(FieldError.of(name, "unknown_field", entity=entity))
            continue
        try:
            out[name] = normalise(value)
        except Invalid as exc:
            errors.append(FieldError(name, str(exc), exc.code, exc.params))
    if errors:
        raise ValidationError(entity, errors)
    return out


def with_defaults(entity: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A complete record: every field present (in the entity's order), missing ones at their
    default."""
    spec = entity_spec(entity)
    record = {f.name: _default(f) for f in spec.fields} if spec.has_list else spec.defaults.copy()
    record.update(values)
    return record


def _default(spec: FieldSpec) -> Any:
    if spec.kind == "ref_list":
        return list(spec.default or ())
    return spec.default


def validate_record(entity: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a complete record (every field, then the rules that span fields)."""
    values = validate_changes(entity, with_defaults(entity, record))
    errors = list(_record_rules(entity_spec(entity), values))
    if errors:
        raise ValidationError(entity, errors)
    return values


def _record_rules(spec: EntitySpec, v: Mapping[str, Any]) -> Iterable[FieldError]:
    # Times are canonical UTC text of one width, so comparing the text compares the times.
    if spec.name == "visit":
        if v["planned_end"] and v["planned_end"] < v["planned_start"]:
            yield FieldError.of("planned_end", "before_planned_start")
        if v["check_out_at"] and not v["check_in_at"]:
            yield FieldError.of("check_out_at", "needs_check_in")
        if v["check_in_at"] and v["check_out_at"] and v["check_out_at"] < v["check_in_at"]:
            yield FieldError.of("check_out_at", "before_check_in")
    elif spec.name == "followup":
        if v["response"] == "declined" and not (v["response_note"] or "").strip():
            yield FieldError.of("response_note", "decline_needs_reason")
    elif spec.name == "customer":
        if (v["latitude"] is None) != (v["longitude"] is None):
            missing = "longitude" if v["longitude"] is None else "latitude"
            yield FieldError.of(missing, "coordinates_pair")
    elif spec.name == "comment":
        if v["kind"] == "comment" and not (v["text"] or "").strip():
            yield FieldError.of("text", "empty")
        # On a visit report (with its customer) or under a bulletin, never both.
        if v["bulletin_id"] is None:
            for name in ("visit_id", "customer_id"):
                if v[name] is None:
                    yield FieldError.of(name, "required")
        elif v["visit_id"] is not None or v["customer_id"] is not None:
            yield FieldError.of("bulletin_id", "comment_subject")
    elif spec.name == "bulletin" and not (v["title"] or "").strip():
        yield FieldError.of("title", "empty")
    elif spec.name == "attachment":
        yield from _attachment_rules(v)
    elif spec.name == "relationship":
        if v["from_contact_id"] == v["to_contact_id"]:
            yield FieldError.of("to_contact_id", "same_contact")
        if v["kind"] == "custom" and not v["label"]:
            yield FieldError.of("label", "custom_needs_name")


def _attachment_rules(v: Mapping[str, Any]) -> Iterable[FieldError]:
    if not is_sha256(v["sha256"] or ""):
        yield FieldError.of("sha256", "not_sha256")
    if v["name"] and safe_file_name(v["name"]) != v["name"]:
        yield FieldError.of("name", "bad_file_name")
    owners = [name for name in ("visit_id", "note_id", "followup_id") if v[name]]
    if len(owners) > 1:
        yield FieldError.of(owners[1], "one_owner")
    # A customer's file, a bulletin's document or a document on an area's shelf.
    subjects = [name for name in ("customer_id", "bulletin_id", "area_id") if v[name]]
    if not subjects:
        yield FieldError.of("customer_id", "required")
    elif len(subjects) > 1 or (v["customer_id"] is None and owners):
        yield FieldError.of(subjects[-1], "attachment_subject")
    if v["area_id"] and not (v["title"] or "").strip():
        yield FieldError.of("title", "required")
