"""The main window: navigation, toolbar with shortcuts, sync status bar, login and settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import shiboken6
from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QToolButton,
)

from fieldcrm import __version__
from fieldcrm.app import EVERYTHING, review, session, visits
from fieldcrm.app.changes import CONFLICT, REJECTED, SESSION
from fieldcrm.store import Store
from fieldcrm.ui import dialogs, i18n, window_actions
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.customer_picker import CustomerPicker
from fieldcrm.ui.navigation import ICONS, PAGES, nav_texts
from fieldcrm.ui.pages.base import View
from fieldcrm.ui.pages.registry import Pages, page_class
from fieldcrm.ui.pages.today import TodayView
from fieldcrm.ui.reminders import Reminders
from fieldcrm.ui.search_index import SearchIndexBuilder
from fieldcrm.ui.settings import Settings
from fieldcrm.ui.sync import SyncBackend, SyncController
from fieldcrm.ui.tasks import TaskRunner
from fieldcrm.ui.texts import fill

if TYPE_CHECKING:
    from fieldcrm.ui.pages.conflicts import ConflictsView
    from fieldcrm.ui.pages.customer_detail import CustomerDetailView
    from fieldcrm.ui.pages.customers import CustomersView
    from fieldcrm.ui.pages.feedback import InboxPage
    from fieldcrm.ui.pages.rejected import RejectedView
    from fieldcrm.ui.pages.reports import ReportsPage
    from fieldcrm.ui.pages.road import RoadPage
    from fieldcrm.ui.pages.team import TeamPage
    from fieldcrm.ui.pages.trash import TrashView
    from fieldcrm.ui.pages.visits import VisitsView

#: What the navigation's badges count: conflicts, rejected changes, unread feedback.
BADGE_KINDS = frozenset(
    {CONFLICT, REJECTED, "comment", "bulletin", "bulletin_receipt", "followup", SESSION}
)
#: Pages only an area manager (or an admin) sees.
MANAGER_PAGES = ("team",)


class MainWindow(QMainWindow):
    """One window with the pages of the app; every database and network call is off-thread."""

    #: Someone signed in (after the login dialog or an automatic demo login).
    logged_in = Signal(dict)
    # Made by ``window_actions.make_toolbar``.
    toolbar: QToolBar
    sync_action: QAction
    new_customer_action: QAction
    new_visit_action: QAction
    new_note_action: QAction
    search_action: QAction
    settings_action: QAction
    about_action: QAction

    def __init__(
        self,
        store: Store,
        settings: Settings,
        backend: SyncBackend,
        *,
        translations: i18n.Translations | None = None,
        after_edit_ms: int = 3000,
        offline_retry_ms: int = 30_000,
    ) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.store = store
        self.settings = settings
        self.translations = translations
        self.backend = backend
        self.db = TaskRunner("db", self)
        self.analysis = TaskRunner("analysis", self)
        self.sync = SyncController(
            store,
            self.db,
            backend,
            lambda: str(self.settings.value("server_url") or ""),
            interval_minutes=int(settings.value("sync_interval_minutes")),
            after_edit_ms=after_edit_ms,
            offline_retry_ms=offline_retry_ms,
            parent=self,
        )
        self.ctx = AppContext(store, self.db, settings, self.sync, self, analysis=self.analysis)
        # The search index is built after a sync, in the background (a first sync ends
        # without it), and at start when a closed app left it half-built.
        self.search_index = SearchIndexBuilder(store, self)
        self.ctx.search_index = self.search_index
        self.sync.synced.connect(lambda _result: self.search_index.start())
        # Also after a sync that stopped once the data was in (a first sync leaves its
        # indexes to the builder) or part-way (what arrived is indexed).
        self.sync.failed.connect(lambda _exc: self.search_index.start())
        self.search_index.start()
        self._closing_confirmed = False

        self._unread_feedback = 0
        self.stack = QStackedWidget(self)
        self.pages = Pages(self._make_page)
        self.today = cast(TodayView, self.pages["today"])
        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        for name in PAGES:
            item = QListWidgetItem(self.nav)
            item.setData(Qt.ItemDataRole.UserRole, name)
        self.nav.setCurrentRow(0)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self._nav_row = 0
        splitter = QSplitter(self)
        splitter.setObjectName("main_splitter")
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 1000])
        self.splitter = splitter
        self.setCentralWidget(splitter)

        self.today.start_visit.connect(self.start_visit)
        self.today.plan_visit.connect(
            lambda cid, name: dialogs.plan_visit_dialog(self.ctx, self, cid, name)
        )
        self.ctx.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.ctx.data_changed.connect(self._refresh_badges)
        for runner in (self.db, self.analysis):
            runner.error.connect(lambda exc: self.statusBar().showMessage(str(exc), 8000))

        self._make_actions()
        self._make_status_bar()
        self.reminders = Reminders(self.ctx, self)
        self.sync.state_changed.connect(self._show_sync_state)
        self.retranslate()
        if not self._restore_geometry():
            self.resize(1100, 700)
        self._show_sync_state()
        self._show_role_pages()
        self._refresh_badges()

    # ---- pages -------------------------------------------------------------------------

    def _make_page(self, name: str) -> View:
        """Make the page ``name`` (its module is imported now, on first use) and wire it."""
        page = page_class(name)(self.ctx)
        if name == "detail":
            page.back.connect(lambda: self.show_page("customers"))  # type: ignore[attr-defined]
        elif name == "feedback":
            page.unread_changed.connect(self._feedback_count)  # type: ignore[attr-defined]
        elif name == "team":
            page.setObjectName("team_view")
        page.open_customer.connect(self.show_customer)
        page.retranslate()
        self.stack.addWidget(page)
        return page

    @property
    def customers(self) -> CustomersView:
        return cast("CustomersView", self.pages["customers"])

    @property
    def detail(self) -> CustomerDetailView:
        return cast("CustomerDetailView", self.pages["detail"])

    @property
    def visits(self) -> VisitsView:
        return cast("VisitsView", self.pages["visits"])

    @property
    def road(self) -> RoadPage:
        return cast("RoadPage", self.pages["road"])

    @property
    def feedback(self) -> InboxPage:
        return cast("InboxPage", self.pages["feedback"])

    @property
    def reports(self) -> ReportsPage:
        return cast("ReportsPage", self.pages["reports"])

    @property
    def team(self) -> TeamPage:
        return cast("TeamPage", self.pages["team"])

    @property
    def conflicts(self) -> ConflictsView:
        return cast("ConflictsView", self.pages["conflicts"])

    @property
    def rejected(self) -> RejectedView:
        return cast("RejectedView", self.pages["rejected"])

    @property
    def trash(self) -> TrashView:
        return cast("TrashView", self.pages["trash"])

    # ---- actions and shortcuts -------------------------------------------------------

    def _make_actions(self) -> None:
        window_actions.make_toolbar(self)
        self.edit_menu = window_actions.EditMenu(self, self.ctx, lambda: self.show_page("trash"))

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        self.online_label = QLabel(self)
        self.online_label.setObjectName("online_state")
        self.pending_label = QLabel(self)
        self.pending_label.setObjectName("pending")
        self.last_sync_label = QLabel(self)
        self.last_sync_label.setObjectName("last_sync")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("sync_progress")
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("sync_error")
        self.error_label.setStyleSheet("color: #b3261e;")
        self.retry_button = QToolButton(self)
        self.retry_button.setObjectName("retry")
        self.retry_button.clicked.connect(self._retry_clicked)
        for widget in (self.error_label, self.retry_button):
            bar.addPermanentWidget(widget)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.pending_label)
        bar.addPermanentWidget(self.last_sync_label)
        bar.addPermanentWidget(self.online_label)

    def retranslate(self) -> None:
        user = self.ctx.display_name or self.ctx.username
        self.setWindowTitle(f"FieldCRM — {user}" if user else "FieldCRM")
        self.nav.setAccessibleName(self.tr("Navigation"))
        self._refresh_nav_texts()
        self.sync_action.setText(self.tr("Sync"))
        self.sync_action.setToolTip(self.tr("Sync now (F5)"))
        self.new_customer_action.setText(self.tr("New customer"))
        self.new_customer_action.setToolTip(self.tr("New customer (Ctrl+N)"))
        self.new_visit_action.setText(self.tr("New visit"))
        self.new_visit_action.setToolTip(self.tr("Plan a new visit (Ctrl+Shift+V)"))
        self.new_note_action.setText(self.tr("New note"))
        self.new_note_action.setToolTip(self.tr("New note (Ctrl+Shift+N)"))
        self.search_action.setText(self.tr("Search"))
        self.search_action.setToolTip(self.tr("Search customers (Ctrl+F)"))
        self.settings_action.setText(self.tr("Settings"))
        self.about_action.setText(self.tr("About"))
        self.about_action.setToolTip(self.tr("FieldCRM and server versions (F1)"))
        self._show_retry_as_sign_in(self.sync.state.needs_sign_in)
        self.edit_menu.retranslate()
        self.reminders.retranslate()
        self.sync.retranslate()
        self.progress.setAccessibleName(self.tr("Sync progress"))
        for page in self.pages.values():
            page.retranslate()
        self._show_sync_state()

    _badges: tuple[int, int] = (0, 0)

    def _refresh_nav_texts(self) -> None:
        texts = nav_texts(*self._badges, self._unread_feedback)
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            name = item.data(Qt.ItemDataRole.UserRole)
            item.setText(texts[name])
            item.setIcon(self.style().standardIcon(ICONS[name]))
        # Wide enough for the longest entry in the current language (no clipped text).
        self.nav.setMinimumWidth(self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 8)

    def _refresh_badges(self, kinds: frozenset[str] = EVERYTHING) -> None:
        if kinds.isdisjoint(BADGE_KINDS):
            return
        user_id = self.ctx.user_id
        self.ctx.read(lambda store: review.badges(store, user_id), self._badges_arrived)

    def _feedback_count(self, unread: int) -> None:
        self._unread_feedback = unread
        self._refresh_nav_texts()

    def _show_role_pages(self) -> None:
        manager = self.ctx.role in ("manager", "admin")
        for name in MANAGER_PAGES:
            self.nav.setRowHidden(PAGES.index(name), not manager)

    def _badges_arrived(self, badges: review.Badges) -> None:
        self._badges = (badges.conflicts, badges.rejected)
        self._unread_feedback = badges.unread_feedback
        self._refresh_nav_texts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ---- navigation --------------------------------------------------------------------

    def current_page(self) -> View:
        widget = self.stack.currentWidget()
        assert isinstance(widget, View)
        return widget

    def show_page(self, name: str) -> bool:
        page = self.pages[name]
        if page is self.current_page():
            return True
        if not self.current_page().can_leave():
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(self._nav_row)
            self.nav.blockSignals(False)
            return False
        self.stack.setCurrentWidget(page)
        if name in PAGES:
            self._nav_row = PAGES.index(name)
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(self._nav_row)
            self.nav.blockSignals(False)
        return True

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.show_page(PAGES[row])

    def show_customer(self, customer_id: str) -> None:
        detail = self.detail
        switching = detail.customer_id != customer_id
        if self.current_page() is detail and switching and not detail.can_leave():
            return
        if self.show_page("detail"):
            detail.show_customer(customer_id)
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(PAGES.index("customers"))
            self._nav_row = PAGES.index("customers")
            self.nav.blockSignals(False)

    def _customer_context(self) -> Mapping[str, Any] | None:
        page = self.current_page()
        if page is self.pages.made("detail") and self.detail.customer is not None:
            return self.detail.customer
        if page is self.pages.made("customers"):
            return self.customers.selected_customer()
        return None

    def new_customer(self) -> None:
        if self.show_page("customers"):
            self.customers.new_customer()

    def new_visit(self) -> None:
        if self.ctx.user_id is None:
            return
        customer = self._customer_context()
        if customer is not None:
            dialogs.plan_visit_dialog(self.ctx, self, customer["id"], customer["name"])
            return
        picker = CustomerPicker(self.ctx, self)
        picker.chosen.connect(
            lambda cid, name: dialogs.plan_visit_dialog(self.ctx, self, cid, name)
        )
        picker.open()

    def new_note(self) -> None:
        if self.ctx.user_id is None:
            return
        customer = self._customer_context()
        if customer is not None:
            dialogs.note_dialog(self.ctx, self, customer["id"])
            return
        picker = CustomerPicker(self.ctx, self)
        picker.chosen.connect(lambda cid, _name: dialogs.note_dialog(self.ctx, self, cid))
        picker.open()

    def search(self) -> None:
        if self.show_page("customers"):
            self.customers.focus_search()

    def start_visit(self, visit: dict[str, Any]) -> None:
        """Check in now (if not yet) and open the report of the visit."""
        visit_id = visit["id"]
        self.show_page("visits")

        self.ctx.write(
            lambda store: visits.begin_visit(store, visit_id),
            lambda _changes: self.visits.open_report(visit_id),
        )

    # ---- sync state ----------------------------------------------------------------------

    def _show_sync_state(self) -> None:
        state = self.sync.state
        if state.online is None:
            self.online_label.setText(self.tr("● Not yet synced"))
            self.online_label.setStyleSheet("color: #666;")
        elif state.online:
            self.online_label.setText(self.tr("● Online"))
            self.online_label.setStyleSheet("color: #2e7d32;")
        else:
            self.online_label.setText(self.tr("● Offline"))
            self.online_label.setStyleSheet("color: #b26a00;")
        self.pending_label.setText(
            fill(self.tr("%1 changes to send"), i18n.format_number(state.pending))
            if state.pending != 1
            else self.tr("1 change to send")
        )
        if state.last_sync:
            self.last_sync_label.setText(
                fill(self.tr("Last sync: %1"), i18n.format_datetime_local(state.last_sync))
            )
        else:
            self.last_sync_label.setText(self.tr("Never synced"))
        self.progress.setVisible(state.syncing)
        self.progress.setRange(0, state.total if state.total else 0)
        if state.total:
            self.progress.setValue(state.done)
        self.sync_action.setEnabled(not state.syncing)
        self.error_label.setVisible(bool(state.error))
        self.retry_button.setVisible(bool(state.error))
        if state.error:
            self.error_label.setText(fill(self.tr("Sync failed: %1"), state.error))
            self.error_label.setToolTip(state.error_detail or "")
        self._show_retry_as_sign_in(state.needs_sign_in)

    def _show_retry_as_sign_in(self, sign_in: bool) -> None:
        if sign_in:
            self.retry_button.setText(self.tr("Sign in…"))
            self.retry_button.setAccessibleName(self.tr("Sign in to the server again"))
        else:
            self.retry_button.setText(self.tr("Retry"))
            self.retry_button.setAccessibleName(self.tr("Retry the sync"))

    def _retry_clicked(self) -> None:
        """Retry, or, when the session ended, sign in again (the data and changes stay)."""
        if self.sync.state.needs_sign_in:
            open_dialog = getattr(self, "login_dialog", None)
            if open_dialog is None or not shiboken6.isValid(open_dialog):
                self.ask_login()
            return
        self.sync.sync_now()

    # ---- login and settings -----------------------------------------------------------------

    def start(self) -> None:
        """After the window is shown: sign in if needed, then sync in the background."""

        self.ctx.read(session.signed_in_user, self._user_known)

    def _user_known(self, user: session.SignedInUser | None) -> None:
        if user is None:
            self.ask_login()
        else:
            self._set_user(user)
            self.sync.start()

    def ask_login(self) -> dialogs.LoginDialog:
        resolved = self.settings.resolve("server_url")
        dialog = dialogs.LoginDialog(
            self.backend.login, self.sync.net.submit, resolved.value, resolved.locked, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.logged_in.connect(lambda user: self._logged_in(user, dialog.server.text()))
        dialog.open()
        self.login_dialog = dialog
        return dialog

    def auto_login(self, server_url: str, username: str, password: str) -> None:
        """Sign in without asking (the demo): on the sync thread like any network call."""
        backend = self.backend
        self.sync.net.submit(
            lambda: backend.login(server_url, username, password),
            lambda user: self._logged_in(user, server_url),
            lambda exc: self.statusBar().showMessage(
                fill(self.tr("Sign-in failed: %1"), i18n.sync_error(exc))
            ),
        )

    def _logged_in(self, user: dict[str, Any], server_url: str) -> None:
        resolved = self.settings.resolve("server_url")
        if not resolved.locked and resolved.value != server_url.rstrip("/"):
            self.settings.set_user_value("server_url", server_url)
        self._set_user(user)
        self.logged_in.emit(user)
        self.ctx.data_changed.emit(EVERYTHING)
        self.sync.start()

    def _set_user(self, user: Mapping[str, Any]) -> None:
        self.ctx.user_id = user["id"]
        self.ctx.username = user.get("username")
        self.ctx.display_name = user.get("display_name")
        self.ctx.role = user.get("role")
        self._show_role_pages()
        self.retranslate()
        self.ctx.data_changed.emit(EVERYTHING)

    def about_text(self) -> str:
        """This app's version and the server's, as last reported by the server."""
        # Kept in memory by the sync backend: no database read on the GUI thread.
        server_version = getattr(self.sync.backend, "server_version", None)
        server_url = str(self.settings.value("server_url") or "")
        lines = [
            self.tr("FieldCRM {version}").format(version=__version__),
            self.tr("Server: {url}").format(url=server_url or self.tr("not configured")),
            self.tr("Server version: {version}").format(
                version=server_version or self.tr("not known yet (it is learnt on sync)")
            ),
        ]
        return "\n".join(lines)

    def show_about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About FieldCRM"), "", parent=self)
        box.setObjectName("about_dialog")
        box.setText(self.about_text())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.about_dialog = box
        return box

    def open_settings(self) -> dialogs.SettingsDialog:
        dialog = dialogs.SettingsDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.apply_settings)
        dialog.open()
        self.settings_dialog = dialog
        return dialog

    def apply_settings(self) -> None:
        self.sync.set_interval(int(self.settings.value("sync_interval_minutes")))
        if self.translations is not None:
            language = i18n.effective_language(str(self.settings.value("language")))
            if language != self.translations.language:
                self.translations.install(language)
                self.retranslate()

    # ---- window state ---------------------------------------------------------------------

    def _restore_geometry(self) -> bool:
        """Size, position and layout as the user left them; False on a first start."""
        geometry = self.settings.ui_value("geometry")
        restored = isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(
            QByteArray(geometry)
        )
        state = self.settings.ui_value("window_state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
        splitter = self.settings.ui_value("splitter")
        if isinstance(splitter, QByteArray | bytes):
            self.splitter.restoreState(QByteArray(splitter))
        return bool(restored)

    def save_window_state(self) -> None:
        self.settings.set_ui_value("geometry", self.saveGeometry())
        self.settings.set_ui_value("window_state", self.saveState())
        self.settings.set_ui_value("splitter", self.splitter.saveState())
        self.settings.user.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.current_page().can_leave():
            event.ignore()
            return
        self.save_window_state()
        if self.pages.made("road") is not None:
            self.road.shutdown()
        self.search_index.shutdown()
        self.sync.shutdown()
        self.analysis.shutdown(drop_queued=True)
        self.db.shutdown()
        event.accept()

    def version_text(self) -> str:
        return fill(QCoreApplication.translate("MainWindow", "FieldCRM %1"), __version__)
