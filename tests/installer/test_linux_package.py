"""The .deb from ``installer/build-linux``: contents, smoke test of the installed bundle,
lintian, libraries, and what install, remove and purge do."""

from __future__ import annotations

import configparser
import functools
import gzip
import json
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from fieldcrm import __version__
from fieldcrm.store.db import head_revision
from tests.helpers.installer import PACKAGE_SERVER_URL, ROOT, BuiltPackage

pytestmark = pytest.mark.slow

POLICY = "etc/xdg/FieldCRM/FieldCRM.conf"


def control_fields(deb: Path) -> dict[str, str]:
    text = subprocess.run(
        ["dpkg-deb", "-f", str(deb)], check=True, capture_output=True, text=True
    ).stdout
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if line[:1].isspace() or ":" not in line:
            continue
        key, value = line.split(":", 1)
        fields[key] = value.strip()
    return fields


def depends(deb: Path) -> set[str]:
    return {item.split()[0] for item in control_fields(deb)["Depends"].split(",")}


def policy_server_url(policy_file: Path) -> str:
    parser = configparser.ConfigParser()
    parser.read(policy_file)
    return parser["General"]["server_url"]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What a fresh user session has: no virtualenv, no FIELDCRM_* variables."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def run_smoke_test(
    package: BuiltPackage, home: Path, *prefix: str, **env: str
) -> subprocess.CompletedProcess[str]:
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [*prefix, str(package.executable), "--smoke-test"],
        env=clean_env(home, **env),
        cwd=home,
        capture_output=True,
        text=True,
        timeout=120,
    )


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return sorted(found)


def test_package_layout(built_package: BuiltPackage) -> None:
    fields = control_fields(built_package.deb)
    assert built_package.deb.name == f"fieldcrm_{__version__}_amd64.deb"
    assert (fields["Package"], fields["Version"], fields["Architecture"]) == (
        "fieldcrm",
        __version__,
        "amd64",
    )
    assert {"libxcb-cursor0", "libxkbcommon-x11-0", "libgl1", "libfontconfig1"} <= depends(
        built_package.deb
    )
    conffiles = subprocess.run(
        ["dpkg-deb", "--ctrl-tarfile", str(built_package.deb)], check=True, capture_output=True
    ).stdout
    assert b"./conffiles" in conffiles

    root = built_package.unpacked
    assert os.readlink(root / "usr/bin/fieldcrm") == "/opt/fieldcrm/fieldcrm"
    assert os.access(built_package.executable, os.X_OK)
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(root / "usr/share/applications/fieldcrm.desktop")
    assert desktop["Desktop Entry"]["Exec"] == "fieldcrm"
    assert desktop["Desktop Entry"]["Icon"] == "fieldcrm"
    assert (root / "usr/share/icons/hicolor/scalable/apps/fieldcrm.svg").is_file()
    assert (root / "usr/share/icons/hicolor/256x256/apps/fieldcrm.png").is_file()
    assert (root / "usr/share/doc/fieldcrm/copyright").is_file()
    changelog = gzip.decompress((root / "usr/share/doc/fieldcrm/changelog.gz").read_bytes())
    assert f"fieldcrm ({__version__})".encode() in changelog
    assert policy_server_url(built_package.policy_file).startswith("https://")

    # The client migrations ship as files Alembic can read, with their template.
    internal = built_package.bundle / "_internal"
    for source in (ROOT / "migrations" / "client").rglob("*"):
        if source.is_file() and "__pycache__" not in source.parts and source.suffix != ".pyc":
            assert (internal / source.relative_to(ROOT)).is_file(), source
    assert (internal / "migrations/client/script.py.mako").is_file()
    # Every compiled translation of the source tree is in the bundle at the same place.
    for qm in ROOT.glob("fieldcrm/**/*.qm"):
        assert (internal / qm.relative_to(ROOT)).is_file(), qm
    dangling = [p for p in built_package.bundle.rglob("*") if p.is_symlink() and not p.exists()]
    assert dangling == []
    # Every Qt module the app imports is in the bundle...
    used = set()
    for source in (ROOT / "fieldcrm").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt[A-Za-z0-9]+)", source.read_text()))
    assert used
    missing_modules = sorted(
        m for m in used if not (internal / "PySide6" / f"{m}.abi3.so").exists()
    )
    assert missing_modules == []
    # ...and Qt modules the app does not use are left out.
    qt_libs = {path.name for path in (internal / "PySide6/Qt/lib").iterdir()}
    assert not {name for name in qt_libs if re.match(r"libQt6(WebEngine|Quick|Qml|Pdf)", name)}


def test_installed_size_within_budget(built_package: BuiltPackage) -> None:
    installed_kib = int(control_fields(built_package.deb)["Installed-Size"])
    assert installed_kib <= 250 * 1024, f"installed size {installed_kib / 1024:.0f} MB"


def test_smoke_test_offscreen_takes_server_url_from_package_policy(
    built_package: BuiltPackage, tmp_path: Path
) -> None:
    policy_dirs = str(built_package.unpacked / "etc" / "xdg")
    result = run_smoke_test(
        built_package, tmp_path / "home", XDG_CONFIG_DIRS=policy_dirs, QT_QPA_PLATFORM="offscreen"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["server_url"] == policy_server_url(built_package.policy_file)
    if not os.environ.get("FIELDCRM_TEST_DEB"):
        assert report["server_url"] == PACKAGE_SERVER_URL
    assert report["version"] == __version__
    assert report["schema_revision"] == head_revision()
    # The bundle carries SQLCipher: the smoke test's profile is an encrypted store.
    assert report["encrypted"] is True and report["cipher_version"].startswith("4.")


def test_smoke_test_without_policy_and_with_environment_override(
    built_package: BuiltPackage, tmp_path: Path
) -> None:
    """The URL above came from the package's file: without it there is none, and the
    environment variable outranks it."""
    without = run_smoke_test(
        built_package,
        tmp_path / "home1",
        XDG_CONFIG_DIRS=str(tmp_path / "no-policy"),
        QT_QPA_PLATFORM="offscreen",
    )
    assert without.returncode == 0, without.stderr[-3000:]
    assert json.loads(without.stdout.strip().splitlines()[-1])["server_url"] == ""

    overridden = run_smoke_test(
        built_package,
        tmp_path / "home2",
        XDG_CONFIG_DIRS=str(built_package.unpacked / "etc" / "xdg"),
        QT_QPA_PLATFORM="offscreen",
        FIELDCRM_SERVER_URL="https://from-environment.example",
    )
    assert overridden.returncode == 0, overridden.stderr[-3000:]
    report = json.loads(overridden.stdout.strip().splitlines()[-1])
    assert report["server_url"] == "https://from-environment.example"


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_smoke_test_on_x11_under_xvfb(built_package: BuiltPackage, tmp_path: Path) -> None:
    """The normal X11 platform plugin loads: every system library it needs is there."""
    result = run_smoke_test(
        built_package,
        tmp_path / "home",
        "xvfb-run",
        "--auto-servernum",
        "--server-args=-screen 0 1280x800x24",
        XDG_CONFIG_DIRS=str(built_package.unpacked / "etc" / "xdg"),
        QT_QPA_PLATFORM="xcb",
        QT_DEBUG_PLUGINS="1",
    )
    assert result.returncode == 0, result.stderr[-5000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["server_url"] == policy_server_url(built_package.policy_file)
    assert "libqxcb.so" in result.stderr  # the xcb plugin, not a fallback, was loaded


@pytest.mark.skipif(shutil.which("lintian") is None, reason="lintian is not installed")
def test_lintian_reports_no_errors(built_package: BuiltPackage) -> None:
    result = subprocess.run(
        ["lintian", "--allow-root", "--no-tag-display-limit", str(built_package.deb)],
        capture_output=True,
        text=True,
    )
    errors = [line for line in result.stdout.splitlines() if line.startswith("E:")]
    assert errors == []
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@functools.cache
def ldd(path: Path) -> str:
    return subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout


def test_ldd_finds_every_library(built_package: BuiltPackage) -> None:
    missing = {}
    for path in elf_files(built_package.bundle):
        lost = [line.strip() for line in ldd(path).splitlines() if "not found" in line]
        if lost:
            missing[str(path.relative_to(built_package.bundle))] = lost
    assert missing == {}


def test_depends_declare_every_system_library(built_package: BuiltPackage) -> None:
    """Each library the bundle links against and does not ship comes from a package that
    the .deb depends on."""
    declared = depends(built_package.deb)
    bundled = {path.name for path in built_package.bundle.rglob("*.so*")}
    undeclared: dict[str, str] = {}
    for path in elf_files(built_package.bundle):
        dynamic = subprocess.run(
            ["readelf", "-d", str(path)], capture_output=True, text=True, check=True
        ).stdout
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
        resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", ldd(path), re.MULTILINE))
        for soname in needed:
            if soname in bundled or soname.startswith("ld-linux"):
                continue
            package = owning_package(Path(resolved[soname]))
            if package not in declared:
                undeclared[soname] = package
    assert undeclared == {}


@functools.cache
def owning_package(library: Path) -> str:
    candidates = {library, library.resolve()}
    for path in list(candidates):
        text = str(path)
        candidates.add(Path(text[4:] if text.startswith("/usr/") else "/usr" + text))
    for path in candidates:
        result = subprocess.run(["dpkg", "-S", str(path)], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].strip()
    raise AssertionError(f"no Debian package owns {library}")


@pytest.mark.skipif(os.geteuid() != 0, reason="dpkg --root needs root")
def test_remove_keeps_user_data_and_purge_removes_configuration(
    built_package: BuiltPackage, tmp_path: Path
) -> None:
    """Install into a separate root with dpkg itself, then remove, then purge."""
    root = tmp_path / "root"
    admin = root / "var/lib/dpkg"
    for folder in (admin / "info", admin / "updates", admin / "triggers"):
        folder.mkdir(parents=True)
    (admin / "status").touch()
    (admin / "available").touch()
    user_data = root / "home/rep/.local/share/FieldCRM"
    user_data.mkdir(parents=True)
    (user_data / "fieldcrm.db").write_bytes(b"the rep's data")
    dpkg = [
        "dpkg",
        f"--root={root}",
        f"--admindir={admin}",
        "--force-script-chrootless",
        "--force-depends",
        "--force-not-root",
        "--log=/dev/null",
    ]

    def run(*args: str) -> None:
        result = subprocess.run([*dpkg, *args], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr

    run("--install", str(built_package.deb))
    assert (root / "opt/fieldcrm/fieldcrm").is_file()
    assert (root / "usr/bin/fieldcrm").is_symlink()
    assert (root / POLICY).is_file()

    # IT edits the managed configuration: removing the program keeps it (a conffile).
    (root / POLICY).write_text("[General]\nserver_url=https://edited.example\n")
    run("--remove", "fieldcrm")
    assert not (root / "opt/fieldcrm").exists()
    assert not (root / "usr/bin/fieldcrm").exists()
    assert (root / POLICY).read_text() == "[General]\nserver_url=https://edited.example\n"
    assert (user_data / "fieldcrm.db").read_bytes() == b"the rep's data"

    run("--purge", "fieldcrm")
    assert not (root / POLICY).exists()
    assert not (root / "etc/xdg/FieldCRM").exists()
    assert (user_data / "fieldcrm.db").read_bytes() == b"the rep's data"


def test_tarball_holds_the_bundle(built_package: BuiltPackage) -> None:
    if built_package.tarball is None:
        pytest.skip("testing a given .deb: no tarball next to it")
    with tarfile.open(built_package.tarball) as archive:
        names = set(archive.getnames())
    assert "fieldcrm/fieldcrm" in names
    assert "fieldcrm/_internal/migrations/client/script.py.mako" in names
