"""The Linux package, built once per test session by ``installer/build-linux``.

Building takes minutes, so it runs where it is asked for: in CI (``CI`` is set) or with
``FIELDCRM_TEST_INSTALLER=1``. ``FIELDCRM_TEST_DEB=path/to/fieldcrm_X_amd64.deb`` tests an
already built package instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldcrm import __version__
from tests.helpers.installer import PACKAGE_SERVER_URL, ROOT, BuiltPackage


def _wanted() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("FIELDCRM_TEST_INSTALLER"))


@pytest.fixture(scope="session")
def built_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltPackage]:
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed (apt-get install dpkg-dev)")
    given = os.environ.get("FIELDCRM_TEST_DEB")
    work = tmp_path_factory.mktemp("package")
    if given:
        deb, tarball = Path(given), None
    elif _wanted():
        dist = work / "dist"
        result = subprocess.run(
            [
                str(ROOT / "installer" / "build-linux"),
                "--server-url",
                PACKAGE_SERVER_URL,
                "--dist",
                str(dist),
                "--work",
                str(work / "build"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        deb = dist / f"fieldcrm_{__version__}_amd64.deb"
        tarball = dist / f"fieldcrm_{__version__}_linux-x86_64.tar.gz"
    else:
        pytest.skip(
            "building the .deb takes minutes: runs in CI, or set FIELDCRM_TEST_INSTALLER=1 "
            "(or FIELDCRM_TEST_DEB=path/to/package.deb)"
        )
    unpacked = work / "unpacked"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
    yield BuiltPackage(deb=deb, tarball=tarball, unpacked=unpacked)
    shutil.rmtree(work, ignore_errors=True)
