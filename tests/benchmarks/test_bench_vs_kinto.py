"""The FieldCRM-against-Kinto benchmark: its workload, and a run without Kinto installed
(figures are not asserted here)."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from benchmarks import bench_vs_kinto
from fieldcrm.domain.validation import validate_record


def test_workload_is_deterministic_and_valid() -> None:
    records = bench_vs_kinto.workload(300)
    assert records == bench_vs_kinto.workload(300)
    assert records != bench_vs_kinto.workload(300, seed=23)
    assert len({r["id"] for r in records}) == 300
    sizes = [len(orjson.dumps(r)) for r in records]
    assert 420 <= sum(sizes) / len(sizes) <= 560  # about 500 bytes of JSON each
    assert {r["status"] for r in records} == set(bench_vs_kinto.STATUSES)
    assert {r["segment"] for r in records} == set(bench_vs_kinto.SEGMENTS)
    for record in records:
        values = bench_vs_kinto.fieldcrm_values(record)
        assert "territory" not in values and "id" not in values
        validate_record("customer", values)  # raises on a value FieldCRM would refuse


def test_server_timing_header() -> None:
    assert bench_vs_kinto._server_timing_ms("app;dur=0.42") == 0.42
    assert bench_vs_kinto._server_timing_ms("") is None


@pytest.mark.slow
def test_runs_fieldcrm_side_and_says_kinto_was_not_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--records", "1000", "--kinto-venv", str(tmp_path / "no-kinto"), "--json"]
    assert bench_vs_kinto.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["kinto"] is None
    assert "Kinto was not found" in report["kinto_missing"]
    fieldcrm = report["fieldcrm"]
    assert fieldcrm["first_sync"]["rows"] >= 1000
    assert fieldcrm["pull_edits"]["records"] == 1000
    assert fieldcrm["idle"]["requests"] == 1
    text = bench_vs_kinto.table(report)
    assert "first sync of a fresh laptop" in text and "—" in text
