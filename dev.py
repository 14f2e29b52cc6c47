#!/usr/bin/env python3
"""Set up `.venv/` and run FieldCRM or its checks.

``python3 dev.py demo`` starts the app, ``python3 dev.py test`` runs every check (what CI
runs), ``python3 dev.py test --fast`` the same checks with the tests not marked slow, in
parallel: the inner loop. Further arguments go to pytest.

Needs only Python 3.11+. The virtual environment is (re)installed when ``pyproject.toml``
changes; otherwise starting is immediate.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".fieldcrm-installed"
EXTRAS = "desktop,server,dev"


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("FieldCRM needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing FieldCRM and its dependencies into .venv ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}[{EXTRAS}]"], check=True, cwd=ROOT)
    STAMP.write_text(wanted)


def run(*cmd: str) -> int:
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=ROOT).returncode


#: pytest options of the quick lane: everything not marked slow, on every core.
FAST = ("-m", "not slow", "-n", "auto", "-q")
#: The full run uses every core too (the tests keep to their own files, ports and databases)
#: and names its thirty slowest tests, so a slow CI run says where the time went.
FULL = ("-n", "auto", "--durations=30")


def run_tests(extra: list[str]) -> int:
    if "--fast" in extra:
        extra = [*FAST, *(arg for arg in extra if arg != "--fast")]
    elif not any(arg == "-n" or arg.startswith("-n") for arg in extra):
        extra = [*FULL, *extra]
    env_bin = str(BIN)
    for check in (
        (f"{env_bin}/ruff", "check", "."),
        (f"{env_bin}/ruff", "format", "--check", "."),
        (f"{env_bin}/mypy",),
    ):
        if run(*check) != 0:
            print("FAILED:", " ".join(check[:2]), file=sys.stderr)
            return 1
    return run(str(PYTHON), "-m", "pytest", *extra)


def main(argv: list[str]) -> int:
    command, extra = (argv[0], argv[1:]) if argv else ("demo", [])
    if command not in ("demo", "test", "setup"):
        print(__doc__)
        return 2
    ensure_venv()
    if command == "setup":
        return 0
    if command == "test":
        return run_tests(extra)
    # A local demo server on SQLite, signed in as a demo rep; the server stops with the window.
    return run(
        str(PYTHON), "-m", "fieldcrm", "demo", "--profile", str(ROOT / ".demo-profile"), *extra
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
