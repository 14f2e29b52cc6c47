"""FieldCRM: an offline-first CRM for field sales."""

__version__ = "0.1.0"
