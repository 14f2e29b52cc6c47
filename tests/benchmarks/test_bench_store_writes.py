"""The store-write benchmark runs and checks what it wrote (figures are not asserted here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import bench_store_writes


def test_benchmark_runs_every_variant(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        bench_store_writes.main(["--rows", "60", "--per-row", "5", "--repeat", "1", "--json"]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert set(report["us_per_row_wall"]) == {v.label for v in bench_store_writes.VARIANTS}
    assert set(report["ratios"]) == {what for what, _, _ in bench_store_writes.RATIOS}
    assert all(r["wall"] > 0 and r["cpu"] >= 0 for r in report["ratios"].values())


def test_check_notices_untracked_writes(tmp_path: Path) -> None:
    """The benchmark's own check fails when the service side would skip the outbox."""
    rows = bench_store_writes.customer_rows(3)
    store = bench_store_writes.new_store(tmp_path, "x")
    try:
        bench_store_writes.run_plain_driver_tx(store, rows)
        with pytest.raises(AssertionError):
            bench_store_writes.check(store, 3, True, rows)
        bench_store_writes.check(store, 3, False, rows)
    finally:
        store.close()
