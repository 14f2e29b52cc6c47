"""The main window's toolbar and Edit menu (undo, trash)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle, QToolBar, QToolButton

from fieldcrm.ui.context import AppContext
from fieldcrm.ui.texts import fill

if TYPE_CHECKING:
    from fieldcrm.ui.mainwindow import MainWindow


def make_toolbar(window: MainWindow) -> None:
    """The toolbar's actions with their shortcuts (texts: ``MainWindow.retranslate``)."""
    style = window.style()
    window.toolbar = QToolBar(window)
    window.toolbar.setObjectName("toolbar")
    window.toolbar.setMovable(False)
    window.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    window.addToolBar(window.toolbar)

    def action(name: str, icon: QStyle.StandardPixmap, shortcut: Any, slot: Any) -> QAction:
        act = QAction(style.standardIcon(icon), "", window)
        act.setObjectName(name)
        act.setShortcut(QKeySequence(shortcut))
        act.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        act.triggered.connect(slot)
        window.toolbar.addAction(act)
        return act

    window.sync_action = action(
        "action_sync", QStyle.StandardPixmap.SP_BrowserReload, "F5", window.sync.sync_now
    )
    window.toolbar.addSeparator()
    window.new_customer_action = action(
        "action_new_customer",
        QStyle.StandardPixmap.SP_FileIcon,
        QKeySequence.StandardKey.New,
        window.new_customer,
    )
    window.new_visit_action = action(
        "action_new_visit",
        QStyle.StandardPixmap.SP_FileDialogNewFolder,
        "Ctrl+Shift+V",
        window.new_visit,
    )
    window.new_note_action = action(
        "action_new_note",
        QStyle.StandardPixmap.SP_FileDialogDetailedView,
        "Ctrl+Shift+N",
        window.new_note,
    )
    window.search_action = action(
        "action_search",
        QStyle.StandardPixmap.SP_FileDialogContentsView,
        QKeySequence.StandardKey.Find,
        window.search,
    )
    window.toolbar.addSeparator()
    window.settings_action = action(
        "action_settings",
        QStyle.StandardPixmap.SP_FileDialogInfoView,
        "Ctrl+,",
        window.open_settings,
    )
    window.about_action = action(
        "action_about",
        QStyle.StandardPixmap.SP_MessageBoxInformation,
        QKeySequence.StandardKey.HelpContents,
        window.show_about,
    )


TR_CONTEXT = "EditMenu"


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


def action_label(action: str) -> str:
    """What an undoable action is called in the Edit menu ("Undo %1")."""
    labels = {
        "create_customer": _t("New customer"),
        "edit_customer": _t("Edit customer"),
        "delete_customer": _t("Delete customer"),
        "create_contact": _t("New contact"),
        "edit_contact": _t("Edit contact"),
        "delete_contact": _t("Delete contact"),
        "create_note": _t("New note"),
        "edit_note": _t("Edit note"),
        "delete_note": _t("Delete note"),
        "create_followup": _t("New follow-up"),
        "edit_followup": _t("Edit follow-up"),
        "delete_followup": _t("Delete follow-up"),
        "complete_followup": _t("Mark follow-up done"),
        "ask": _t("Ask someone"),
        "plan_visit": _t("Plan visit"),
        "check_in": _t("Check in"),
        "cancel_visit": _t("Cancel visit"),
        "move_visit": _t("Move visit"),
        "correct_report": _t("Correct report"),
        "delete_visit": _t("Delete visit"),
        "edit_relationship": _t("Edit relationship"),
        "delete_relationship": _t("Delete relationship"),
        "withdraw_connection": _t('Withdraw "I know this person"'),
        "add_attachment": _t("Attach file"),
        "rename_attachment": _t("Rename file"),
        "delete_attachment": _t("Delete file"),
        "restore": _t("Restore"),
    }
    return labels.get(action, action)


class EditMenu:
    """Edit ▸ Undo (Ctrl+Z, naming the action it undoes) and Trash."""

    def __init__(self, window: MainWindow, ctx: AppContext, show_trash: Callable[[], Any]) -> None:
        self.ctx = ctx
        self.menu = QMenu(window)
        self.menu.setObjectName("edit_menu")
        # A menu button on the toolbar (a menu bar would take a line of the window's height).
        self.button = QToolButton(window)
        self.button.setObjectName("edit_menu_button")
        self.button.setMenu(self.menu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setIcon(window.style().standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        window.toolbar.addSeparator()
        window.toolbar.addWidget(self.button)
        self.undo_action = QAction(window)
        self.undo_action.setObjectName("action_undo")
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.undo_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.undo_action.triggered.connect(self._undo)
        self.trash_action = QAction(window)
        self.trash_action.setObjectName("action_trash")
        self.trash_action.triggered.connect(show_trash)
        self.menu.addAction(self.undo_action)
        self.menu.addSeparator()
        self.menu.addAction(self.trash_action)
        window.addAction(self.undo_action)
        ctx.undo_changed.connect(lambda _action: self.retranslate())
        self.retranslate()

    def _undo(self) -> None:
        self.ctx.undo(lambda exc: self.ctx.message.emit(fill(_t("Could not undo: %1"), str(exc))))

    def retranslate(self) -> None:
        self.menu.setTitle(_t("&Edit"))
        self.button.setText(_t("Edit"))
        action = self.ctx.undo_history.next_action()
        self.undo_action.setEnabled(action is not None)
        self.undo_action.setText(
            fill(_t("&Undo %1"), action_label(action)) if action else _t("&Undo")
        )
        self.trash_action.setText(_t("&Trash"))
        self.button.setToolTip(self.undo_action.text().replace("&", "") + " (Ctrl+Z)")
