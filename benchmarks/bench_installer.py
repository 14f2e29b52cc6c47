"""Installed size of the Linux package and start of the installed bundle to its main window.

    .venv/bin/python -m benchmarks.bench_installer dist/fieldcrm_0.1.0_amd64.deb [--runs 5]

Unpacks the package like ``dpkg`` would, then runs the bundle's ``fieldcrm --smoke-test``
(Qt application, database upgrade of a fresh profile, main window built and shown
offscreen) with a fresh HOME each time. The first run is the coldest this machine allows
without dropping the page cache of a shared machine: the bundle was just unpacked, no
profile exists yet.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def installed_size_mib(unpacked: Path) -> float:
    total = sum(p.stat().st_size for p in unpacked.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 2**20


def start_seconds(executable: Path, policy_dirs: Path, home: Path) -> tuple[float, dict[str, str]]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_DIRS": str(policy_dirs),
    }
    started = time.perf_counter()
    result = subprocess.run(
        [str(executable), "--smoke-test"], env=env, capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - started
    return elapsed, json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("deb", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-") as tmp:
        unpacked = Path(tmp) / "root"
        subprocess.run(["dpkg-deb", "-x", str(args.deb), str(unpacked)], check=True)
        control = subprocess.run(
            ["dpkg-deb", "-f", str(args.deb), "Installed-Size"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        print(f"package:            {args.deb.name} ({args.deb.stat().st_size / 2**20:.1f} MiB)")
        print(
            f"installed size:     {installed_size_mib(unpacked):.1f} MiB "
            f"(Installed-Size {int(control) / 1024:.1f} MiB)"
        )
        times = []
        for run in range(args.runs):
            elapsed, report = start_seconds(
                unpacked / "opt" / "fieldcrm" / "fieldcrm",
                unpacked / "etc" / "xdg",
                Path(tmp) / f"home{run}",
            )
            times.append(elapsed)
        median = statistics.median(times)
        print(
            f"start to main window: first {times[0]:.2f} s, median {median:.2f} s, "
            f"max {max(times):.2f} s over {args.runs} runs"
        )
        print(f"server URL in effect: {report['server_url']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
