"""Validation of entity values with messages that name the field and say what is wrong."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from fieldcrm.domain.entities import EntitySpec, FieldSpec, entity_spec

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_TEXT_KINDS = frozenset(("str", "text", "email"))


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


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
    def single(cls, entity: str, field: str, message: str) -> ValidationError:
        return cls(entity, [FieldError(field, message)])


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
            raise ValueError("is required")
        return [] if kind == "ref_list" else None
    if kind in _TEXT_KINDS:
        if not isinstance(value, str):
            raise ValueError("must be text")
        text = value if kind == "text" else stripped
        if spec.required and not stripped:
            raise ValueError("must not be empty")
        if spec.max_length is not None and len(text) > spec.max_length:
            raise ValueError(f"must be at most {spec.max_length} characters")
        if kind == "email" and not _EMAIL.match(text):
            raise ValueError(f"{text!r} is not a valid e-mail address")
        return text
    if kind == "enum":
        if value not in spec.choices:
            raise ValueError(f"must be one of {', '.join(spec.choices)}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
        _check_range(spec, value)
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        _check_range(spec, value)
        return float(value)
    if kind == "date":
        if isinstance(value, datetime):
            raise ValueError("must be a date without a time")
        if isinstance(value, date):
            return value.isoformat()
        if not isinstance(value, str):
            raise ValueError("must be a date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    if kind == "datetime":
        if not isinstance(value, str | datetime):
            raise ValueError("must be a date and time")
        try:
            if isinstance(value, datetime):
                return format_datetime(value)
            return format_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except OverflowError:
            # 0001-01-01T00:00:00+01:00 is in the year 0 in UTC, which has no date.
            raise ValueError(f"{str(value)!r} is outside the dates that can be stored") from None
        except ValueError:
            raise ValueError(f"{value!r} is not a date and time (ISO 8601)") from None
    if kind == "ref":
        if not isinstance(value, str) or not _UUID.match(value):
            raise ValueError("must be the id of a record")
        return value
    if kind == "ref_list":
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, str) and _UUID.match(v) for v in value
        ):
            raise ValueError("must be a list of record ids")
        return list(dict.fromkeys(value))
    raise AssertionError(f"unhandled field kind {kind}")  # pragma: no cover


def _check_range(spec: FieldSpec, value: float) -> None:
    if spec.minimum is not None and value < spec.minimum:
        raise ValueError(f"must be at least {spec.minimum:g}")
    if spec.maximum is not None and value > spec.maximum:
        raise ValueError(f"must be at most {spec.maximum:g}")


def validate_changes(entity: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check the type and form of each changed field; returns the normalised values."""
    spec = entity_spec(entity)
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, value in changes.items():
        field_spec = spec.by_name.get(name)
        if field_spec is None:
            errors.append(FieldError(name, f"is not a field of {entity}"))
            continue
        try:
            out[name] = _normalise(field_spec, value)
        except ValueError as exc:
            errors.append(FieldError(name, str(exc)))
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
            yield FieldError("planned_end", "must not be before the planned start")
        if v["check_out_at"] and not v["check_in_at"]:
            yield FieldError("check_out_at", "needs a check-in first")
        if v["check_in_at"] and v["check_out_at"] and v["check_out_at"] < v["check_in_at"]:
            yield FieldError("check_out_at", "must not be before the check-in")
    elif spec.name == "customer":
        if (v["latitude"] is None) != (v["longitude"] is None):
            missing = "longitude" if v["longitude"] is None else "latitude"
            yield FieldError(missing, "latitude and longitude go together")
    elif spec.name == "comment" and v["kind"] == "comment" and not (v["text"] or "").strip():
        yield FieldError("text", "must not be empty")
    elif spec.name == "relationship":
        if v["from_contact_id"] == v["to_contact_id"]:
            yield FieldError("to_contact_id", "must be another contact")
        if v["kind"] == "custom" and not v["label"]:
            yield FieldError("label", "a custom relationship needs a name")
