"""The FieldCRM sync server: accounts, territory-scoped push and pull (FastAPI)."""
