"""The main window's pages by name, each made (and its module imported) on first use.

The window appears with its first page only; the modules of the pages the user has not
opened yet (charts, PDF, maps, …) are not imported until she opens them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from fieldcrm.ui.navigation import PAGES
from fieldcrm.ui.pages.base import View

#: Every page: the navigation's and the customer's detail page.
PAGE_NAMES = (*PAGES, "detail")

#: Where each page's class lives: (module, class).
PAGE_CLASSES: dict[str, tuple[str, str]] = {
    "today": ("fieldcrm.ui.pages.today", "TodayView"),
    "customers": ("fieldcrm.ui.pages.customers", "CustomersView"),
    "detail": ("fieldcrm.ui.pages.customer_detail", "CustomerDetailView"),
    "visits": ("fieldcrm.ui.pages.visits", "VisitsView"),
    "road": ("fieldcrm.ui.pages.road", "RoadPage"),
    "feedback": ("fieldcrm.ui.pages.feedback", "InboxPage"),
    "reports": ("fieldcrm.ui.pages.reports", "ReportsPage"),
    "team": ("fieldcrm.ui.pages.team", "TeamPage"),
    "conflicts": ("fieldcrm.ui.pages.conflicts", "ConflictsView"),
    "rejected": ("fieldcrm.ui.pages.rejected", "RejectedView"),
    "trash": ("fieldcrm.ui.pages.trash", "TrashView"),
}


def page_class(name: str) -> type[View]:
    """The class of the page ``name``; its module is imported now."""
    module, cls = PAGE_CLASSES[name]
    kind = getattr(importlib.import_module(module), cls)
    assert isinstance(kind, type) and issubclass(kind, View), name
    return kind


class Pages:
    """The main window's pages by name. A page other than the first is made (and its
    module imported) when something first asks for it, mostly when it is first shown:
    the window appears without building and importing the ten pages the user has not
    opened yet."""

    def __init__(self, make: Callable[[str], View]) -> None:
        self._make = make
        self._made: dict[str, View] = {}

    def __getitem__(self, name: str) -> View:
        page = self._made.get(name)
        if page is None:
            if name not in PAGE_NAMES:
                raise KeyError(name)
            page = self._made[name] = self._make(name)
        return page

    def made(self, name: str) -> View | None:
        """The page if it was made already (None: nobody has asked for it yet)."""
        return self._made.get(name)

    def values(self) -> list[View]:
        """The pages made so far."""
        return list(self._made.values())
