"""The Linux package as the installer tests see it, and where it comes from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A server URL no default could produce: the smoke test must find exactly this one.
PACKAGE_SERVER_URL = "https://crm.policy-from-package.example:8443"


@dataclass(frozen=True)
class BuiltPackage:
    deb: Path
    tarball: Path | None
    unpacked: Path  # the package's files as `dpkg-deb -x` lays them out

    @property
    def bundle(self) -> Path:
        return self.unpacked / "opt" / "fieldcrm"

    @property
    def executable(self) -> Path:
        return self.bundle / "fieldcrm"

    @property
    def policy_file(self) -> Path:
        return self.unpacked / "etc" / "xdg" / "FieldCRM" / "FieldCRM.conf"
