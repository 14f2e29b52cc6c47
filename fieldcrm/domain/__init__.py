"""Entities, validation and merge rules of FieldCRM (pure Python, shared by both sides)."""

from fieldcrm.domain.entities import ENTITIES, EntitySpec, FieldSpec, entity_spec
from fieldcrm.domain.validation import (
    FieldError,
    ValidationError,
    validate_changes,
    validate_record,
)

__all__ = [
    "ENTITIES",
    "EntitySpec",
    "FieldError",
    "FieldSpec",
    "ValidationError",
    "entity_spec",
    "validate_changes",
    "validate_record",
]
