"""The desktop client's local database: schema, service API with change log, search."""

from fieldcrm.store.service import Store, UnitOfWork

__all__ = ["Store", "UnitOfWork"]
