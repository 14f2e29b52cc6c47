"""Dependencies point one way: no Qt below the UI, no store or UI in the server."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: package folder -> module prefixes it must never import
QT = ("PySide6", "shiboken6")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "fieldcrm/protocol": (
        *QT,
        "fieldcrm.domain",
        "fieldcrm.store",
        "fieldcrm.sync",
        "fieldcrm.ui",
        "sqlalchemy",
        "alembic",
    ),
    # The domain is pure Python: rules only, no database.
    "fieldcrm/domain": (*QT, "fieldcrm.store", "fieldcrm.sync", "fieldcrm.ui", "sqlalchemy"),
    "fieldcrm/store": ("PySide6", "shiboken6", "fieldcrm.sync", "fieldcrm.ui"),
    "fieldcrm/sync": ("PySide6", "shiboken6", "fieldcrm.ui"),
    # The use cases and the reports run without Qt (the command line, tests, a worker).
    "fieldcrm/app": (*QT, "fieldcrm.ui"),
    "fieldcrm/reports": (*QT, "fieldcrm.ui"),
    "fieldcrm/sampledata": (*QT, "fieldcrm.ui"),
    # The desktop reads and writes through fieldcrm.app: no SQL of its own.
    "fieldcrm/ui": ("sqlalchemy", "fieldcrm.store.tables"),
    "sync_server": ("PySide6", "shiboken6", "fieldcrm.ui", "fieldcrm.store", "fieldcrm.sync"),
}


def imported_modules(root: Path, path: Path) -> Iterator[tuple[int, str]]:
    """Every module a file imports, wherever the import statement stands (functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against the file's package
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (getattr(node.func, "attr", None) or getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def violations(root: Path, folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = set()
    for path in (root / folder).rglob("*.py"):
        for line, module in imported_modules(root, path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                found.add((str(path.relative_to(root)), line, module))
    return [f"{file}:{line} imports {module}" for file, line, module in sorted(found)]


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_layer_imports(folder: str) -> None:
    assert (ROOT / folder).is_dir()
    assert violations(ROOT, folder, FORBIDDEN[folder]) == []


def test_scan_sees_imports_in_functions_and_relative_imports(tmp_path: Path) -> None:
    """The scan above can fail: it finds the kinds of imports that would break layering."""
    (tmp_path / "fieldcrm" / "sync").mkdir(parents=True)
    sample = tmp_path / "fieldcrm" / "sync" / "_layering_probe.py"
    sample.write_text(
        "def later():\n"
        "    from PySide6 import QtCore\n"
        "    import importlib\n"
        "    importlib.import_module('fieldcrm.ui.app')\n"
        "from ..ui import widgets\n"
    )
    found = violations(tmp_path, "fieldcrm/sync", FORBIDDEN["fieldcrm/sync"])
    assert found == [
        "fieldcrm/sync/_layering_probe.py:2 imports PySide6",
        "fieldcrm/sync/_layering_probe.py:2 imports PySide6.QtCore",
        "fieldcrm/sync/_layering_probe.py:4 imports fieldcrm.ui.app",
        "fieldcrm/sync/_layering_probe.py:5 imports fieldcrm.ui",
        "fieldcrm/sync/_layering_probe.py:5 imports fieldcrm.ui.widgets",
    ]


def test_loading_the_lower_layers_loads_no_qt() -> None:
    """Also catches Qt pulled in indirectly, through a third-party package."""
    script = (
        "import sys, fieldcrm.protocol, fieldcrm.domain, fieldcrm.store, fieldcrm.sync, "
        "fieldcrm.app.customers, fieldcrm.app.review, fieldcrm.app.session, fieldcrm.app.visits, "
        "fieldcrm.app.reports, fieldcrm.reports.command, fieldcrm.sampledata.demo, "
        "fieldcrm.sampledata.people, sync_server; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'fieldcrm.ui') or m.startswith('fieldcrm.ui')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


#: No module of the desktop is longer than this many lines: past it, a module holds more
#: than one thing and the next reader gets lost in it.
UI_MODULE_LINES = 600


def test_no_ui_module_is_too_long() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / "fieldcrm" / "ui").rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > UI_MODULE_LINES
    }
    assert too_long == {}


def test_tests_share_code_only_through_tests_helpers() -> None:
    """A test module imports no other test module and no conftest: what several test
    modules share lives in tests/helpers/."""
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for line, module in imported_modules(ROOT, path)
        if module.split(".")[0] == "tests" and module.split(".")[:2] != ["tests", "helpers"]
    ]
    assert found == []
