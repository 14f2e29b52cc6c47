"""Carrying out a remote wipe an administrator asked for (a lost laptop).

The server refuses the device's pulls (and, for a wipe "now", its pushes) with the code
``device_wipe``. The engine then sends the pending changes unless "now", and calls
``carry_out_wipe``: a marker is written, the store closed, the database with its WAL, the
attachments and the key deleted, the server told, and the session removed. A crash
anywhere in between is finished at the next start (``finish_interrupted_wipe``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from fieldcrm.profile import database_path
from fieldcrm.store import Store
from fieldcrm.store.encryption import fault_point
from fieldcrm.store.erase import (
    ERASING,
    end_wipe,
    erase_local_data,
    finish_erasing,
    read_marker,
    write_marker,
)
from fieldcrm.store.replica import SERVER_URL_KEY
from fieldcrm.sync.client import SyncClient
from fieldcrm.sync.credentials import (
    TOKEN_FILE_NAME,
    Credentials,
    FileTokenStore,
    KeyringTokenStore,
    TokenStore,
)
from fieldcrm.sync.errors import SyncError

log = logging.getLogger("fieldcrm.sync")

#: What the user is told after a wipe (the command line; the desktop says it translated).
WIPED_NOTICE = (
    "An administrator had this laptop's FieldCRM data deleted (a lost or handed-over "
    "laptop). Nothing of it is left here; sign in again to start afresh."
)


def carry_out_wipe(store: Store, client: SyncClient) -> bool:
    """Delete this profile's data and tell the server; True when the server heard it."""
    database = store.path
    credentials = client.credentials
    kind = getattr(getattr(credentials, "token_store", None), "kind", "file")
    write_marker(
        database,
        {
            "phase": ERASING,
            "device_id": store.device_id,
            "server_url": store.meta(SERVER_URL_KEY) or client.server_url,
            "token_storage": kind,
        },
    )
    fault_point("wipe-started")
    store.close()
    erase_local_data(database)
    fault_point("wipe-erased")
    return _confirm(database, client)


def _confirm(database: Path, client: SyncClient) -> bool:
    try:
        client.confirm_wipe()
    except SyncError as exc:
        if exc.code != "no_wipe":
            log.warning("The wipe could not be confirmed to the server yet (%s).", exc.message)
            return False
    credentials = client.credentials
    if isinstance(credentials, Credentials):
        credentials.clear()  # the session: the device is ended on the server anyway
    end_wipe(database)
    return True


def _token_store(database: Path, marker: dict[str, str]) -> TokenStore:
    if marker.get("token_storage") == KeyringTokenStore.kind:
        return KeyringTokenStore(f"{marker.get('device_id')}@{database.resolve()}")
    return FileTokenStore(database.parent / TOKEN_FILE_NAME)


def finish_interrupted_wipe(profile: Path, **client_options: object) -> bool:
    """Finish a wipe a crash (or the network) interrupted: delete what is left, then tell
    the server if it can be reached. True when a wipe was under way."""
    database = database_path(profile)
    marker = read_marker(database)
    if marker is None:
        return False
    finish_erasing(database)
    url = marker.get("server_url")
    if not url or not marker.get("device_id"):
        end_wipe(database)
        return True
    credentials = Credentials(str(marker["device_id"]), _token_store(database, marker))
    try:
        with SyncClient(str(url), credentials, max_attempts=2, **client_options) as client:  # type: ignore[arg-type]
            _confirm(database, client)
    except (SyncError, ValueError) as exc:
        log.warning("The wipe could not be confirmed to the server yet (%s).", exc)
    return True
