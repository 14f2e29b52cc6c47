"""The main window's navigation: its pages in order, their names in the user's language
(with the badge counts) and their icons."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QStyle

from fieldcrm.ui import i18n
from fieldcrm.ui.texts import fill

PAGES = (
    "today",
    "customers",
    "visits",
    "road",
    "feedback",
    "reports",
    "team",
    "conflicts",
    "rejected",
    "trash",
)

ICONS = {
    "today": QStyle.StandardPixmap.SP_DialogYesButton,
    "customers": QStyle.StandardPixmap.SP_DirHomeIcon,
    "visits": QStyle.StandardPixmap.SP_FileDialogListView,
    "road": QStyle.StandardPixmap.SP_ArrowRight,
    "feedback": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "reports": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "team": QStyle.StandardPixmap.SP_DirLinkIcon,
    "conflicts": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "rejected": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "trash": QStyle.StandardPixmap.SP_TrashIcon,
}


TR_CONTEXT = "MainWindow"


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


def nav_texts(conflicts: int, rejected: int, unread_feedback: int) -> dict[str, str]:
    """Each page's name in the navigation, with its count where one is due."""
    return {
        "today": _t("Today"),
        "customers": _t("Customers"),
        "visits": _t("Visits"),
        "road": _t("Route and map"),
        "feedback": fill(_t("Inbox (%1)"), i18n.format_number(unread_feedback))
        if unread_feedback
        else _t("Inbox"),
        "reports": _t("Reports"),
        "team": _t("My area"),
        "conflicts": fill(_t("Conflicts (%1)"), i18n.format_number(conflicts))
        if conflicts
        else _t("Conflicts"),
        "rejected": fill(_t("Rejected changes (%1)"), i18n.format_number(rejected))
        if rejected
        else _t("Rejected changes"),
        "trash": _t("Trash"),
    }
