"""Test configuration shared by every suite."""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterator

import pytest

# Qt tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The keyring of the test run and of the processes it starts: files in a folder of its
# own (the keys of encrypted profiles go there, never to the developer's keyring). The
# session token stays in the profile unless a test gives it a keyring.
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.helpers.file_keyring.FileKeyring"
os.environ.setdefault(
    "FIELDCRM_TEST_KEYRING_DIR", tempfile.mkdtemp(prefix="fieldcrm-test-keyring-")
)
os.environ.setdefault("FIELDCRM_NO_KEYRING", "1")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Qt warnings while fixtures tidy up (windows closing, threads stopping) fail the test
    as pytest-qt's ``qt_log_level_fail`` does for the test itself, which it only watches
    while the test runs."""
    if "PySide6.QtCore" not in sys.modules or item.get_closest_marker("no_qt_log"):
        return (yield)
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    late: list[str] = []

    def record(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            late.append(message)

    previous = qInstallMessageHandler(record)
    try:
        result = yield
    finally:
        qInstallMessageHandler(previous)
    # The same patterns pytest-qt ignores: the ini option and ``qt_log_ignore`` marks.
    patterns = list(item.config.getini("qt_log_ignore"))
    for mark in item.iter_markers("qt_log_ignore"):
        patterns = [*patterns, *mark.args] if mark.kwargs.get("extend", True) else [*mark.args]
    ignored = [re.compile(p) for p in patterns]
    late = [m for m in late if not any(p.search(m) for p in ignored)]
    if late:
        raise AssertionError("Qt warned while the test was tidied up:\n" + "\n".join(late))
    return result


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _background_task_failures_fail_the_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """A desktop task that failed with nobody to handle its error (``TaskRunner`` logs it)
    is a bug the user would only see as "nothing happened": the test fails. A test that
    provokes one on purpose says so with ``@pytest.mark.background_failure_expected``."""
    collect = _Collect()
    logger = logging.getLogger("fieldcrm.ui.tasks")
    logger.addHandler(collect)
    try:
        yield
    finally:
        logger.removeHandler(collect)
    if collect.records and request.node.get_closest_marker("background_failure_expected") is None:
        details = "\n".join(
            f"{r.getMessage()}: {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
            for r in collect.records
        )
        pytest.fail(f"A background task failed and nothing handled it:\n{details}")


@pytest.fixture(autouse=True)
def _no_window_outlives_its_test() -> Iterator[None]:
    """A dialog or window a test leaves open would be the next test's "active modal
    widget" in the same process: every top-level window still shown is closed here."""
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    for widget in app.topLevelWidgets():
        if widget.isVisible():
            widget.hide()
            widget.deleteLater()
