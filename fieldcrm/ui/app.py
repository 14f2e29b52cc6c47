"""Start the desktop app: Qt application, language, profile, main window; and the smoke test."""

from __future__ import annotations

import gc
import json
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication

from fieldcrm import __version__
from fieldcrm.profile import database_path, ensure_profile
from fieldcrm.store.encryption import open_profile_store
from fieldcrm.store.keys import PasswordSource
from fieldcrm.store.meta import SERVER_URL_KEY
from fieldcrm.ui import i18n
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.search_window import SearchCommand
from fieldcrm.ui.settings import APPLICATION, ORGANISATION, Settings, user_settings
from fieldcrm.ui.sync import EngineBackend, SyncBackend


def application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication (made if there is none yet)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    return app


def open_main_window(
    profile: Path,
    flags: Mapping[str, Any] | None = None,
    *,
    policy: QSettings | None = None,
    backend: SyncBackend | None = None,
    translations: i18n.Translations | None = None,
    ask_password: PasswordSource | None = None,
    prefer_password: bool = False,
    **window_options: Any,
) -> MainWindow:
    """Open (and upgrade) the profile's database and build the main window (not shown).

    The database is the profile's encrypted store (a plain one of an earlier version is
    encrypted first); ``ask_password`` gives the password where the key comes from it.
    ``StoreKeyError`` when it cannot be opened."""
    application()
    profile = ensure_profile(profile)
    settings = Settings(user_settings(profile), policy=policy, flags=flags)
    if translations is None:
        translations = i18n.Translations()
        translations.install(i18n.effective_language(str(settings.value("language"))))
    store = open_profile_store(
        database_path(profile), ask_password, prefer_password=prefer_password
    )
    # Signed in from the command line: the profile knows its server, the settings not yet.
    settings.signed_in_server = store.meta(SERVER_URL_KEY)
    if backend is None:
        EngineBackend.warm_up()
    window = MainWindow(
        store,
        settings,
        backend if backend is not None else EngineBackend(store),
        translations=translations,
        **window_options,
    )
    SearchCommand(window, window.ctx, window.show_customer)
    window.destroyed.connect(store.close)
    from fieldcrm.ui.applock import AppLock

    AppLock(window)
    _leave_startup_objects_out_of_collections()
    return window


def _leave_startup_objects_out_of_collections() -> None:
    """Keep full garbage collections short while the app runs.

    A full collection walks every container object and holds the GIL meanwhile, whichever
    thread triggered it; when the sync thread triggers one while it decodes pages, the GUI
    thread waits for all of it (over 100 ms with the app's modules, Qt wrappers and
    translations). Those objects live as long as the app, so they are frozen: later
    collections walk only what was made since. (Not collected first: that costs ~0.1 s of
    the start, and the little cyclic garbage of starting up is not worth it.)
    """
    gc.freeze()


def run(profile: Path, flags: Mapping[str, Any] | None = None) -> int:
    """Show the main window and run until it closes."""
    from fieldcrm.store.keys import StoreKeyError
    from fieldcrm.ui.unlock import ask_store_password, show_store_error

    app = application()
    try:
        window = open_main_window(profile, flags, ask_password=ask_store_password)
    except StoreKeyError as exc:
        show_store_error(exc.message)
        return 7
    from fieldcrm.ui.wiped import replace_when_wiped, successors

    replace_when_wiped(
        window, lambda: open_main_window(profile, flags, ask_password=ask_store_password)
    )
    window.show()
    window.start()
    code = app.exec()
    for each in (window, *successors):
        each.store.close()
    return code


def smoke_test(flags: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the main window offscreen on a temporary profile; what the installer checks."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from fieldcrm.store.db import current_revision
    from fieldcrm.store.encryption import cipher_version

    application()
    with tempfile.TemporaryDirectory(prefix="fieldcrm-smoke-") as tmp:
        # The smoke test's key comes from a password: it leaves nothing in a keyring.
        window = open_main_window(
            Path(tmp), flags, ask_password=lambda: "smoke-test", prefer_password=True
        )
        try:
            window.show()
            QCoreApplication.processEvents()
            report = {
                "version": __version__,
                "server_url": window.settings.value("server_url"),
                "schema_revision": current_revision(window.store.engine),
                "encrypted": window.store.encrypted,
                "cipher_version": cipher_version(window.store),
                "language": window.translations.language if window.translations else "en",
            }
        finally:
            window.close()
            window.store.close()
    return report


def print_smoke_test(flags: Mapping[str, Any] | None = None) -> int:
    print(json.dumps(smoke_test(flags)))
    return 0
