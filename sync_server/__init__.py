"""The FieldCRM sync server: accounts, territory-scoped push and pull (FastAPI).

Modules, one concern each:

* ``api`` - FastAPI routes, protocol-version check (426), body cap (413), gzip, JSON
  request log with request id, ``ErrorBody`` for every error.
* ``auth`` - argon2id passwords, access and rotating refresh tokens (hashed in the
  database), device binding and revocation, login throttling.
* ``push`` - applying outbox entries: idempotency, authorisation, validation, merge,
  conflict records; ``precheck`` refuses protocol violations as a whole (422).
* ``pull`` - pages of the current state in commit order, evictions, conflicts, counts.
* ``store`` - the single writer path: sequence numbers in commit order, evictions,
  live-row counts, server clock stamps.
* ``scope`` - what a rep, manager or admin may read and write.
* ``tables`` - the schema (generic ``record`` table; see its docstring), owned by the
  Alembic history in ``migrations/server``.
* ``admin``, ``demo``, ``cli`` - ``fieldcrm-server`` commands.

Wire conventions a client can rely on (all in ``fieldcrm.protocol`` types):

* cursor: decimal text of a change sequence number; ``"0"``/absent for a first sync; a
  cursor the server never handed out is answered with 400 ``invalid_cursor``.
* ``server_time``: ISO 8601 UTC with milliseconds, e.g. ``2026-11-28T01:50:00.123Z``.
* entry status: ``applied`` (every field written), ``merged`` (part of the entry was
  already there or older, without conflict), ``conflict`` (a conflict record was written;
  the row's state comes with the next pull), ``rejected`` (with ``reason`` and ``field``).
* a whole push is refused with 422 when it breaks the protocol (``invalid_entries``:
  unknown entity or field, wrong JSON type, malformed stamp; ``clock_ahead``: a stamp more
  than five minutes ahead of the server clock); ``details`` name each entry's ``op_no``.
* rows of server-set fields (territory, owner, defaults) carry server stamps
  (``...:server``), which sort after the stamps of the edit that created them.
"""
