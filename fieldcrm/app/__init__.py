"""The desktop's use cases without Qt: one function per thing a user does or looks at.

Reads return typed results; writes return :class:`~fieldcrm.app.changes.Changes`, the set of
entity kinds they changed, so that the window reloads only the pages showing those kinds.
Every function takes the :class:`~fieldcrm.store.Store` first and runs on the database
thread; none of them imports Qt.
"""

from fieldcrm.app.changes import EVERYTHING, Changes

__all__ = ["EVERYTHING", "Changes"]
