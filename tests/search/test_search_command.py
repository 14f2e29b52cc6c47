"""`fieldcrm search` as a process, on a profile written by the store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.search_data import SearchWorld, search_profile

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SearchWorld]:
    folder = tmp_path_factory.mktemp("search") / "profile"
    return folder, search_profile(folder)


def run(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fieldcrm", "--profile", str(profile), "search", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def hits(profile: Path, *args: str) -> list[dict[str, object]]:
    result = run(profile, *args, "--json")
    assert result.returncode == 0, result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def test_a_phone_number_typed_differently(profile: tuple[Path, SearchWorld]) -> None:
    folder, w = profile
    for typed in ("040 123", "+4940123"):
        (hit,) = hits(folder, typed)
        assert hit["kind"] == "customer"
        assert hit["id"] == w.customers["Straßenbau Müller GmbH"]
        assert hit["snippet"] == "+49 40 1234567"
        assert set(hit) == {"kind", "id", "title", "customer", "customer_id", "snippet", "spans"}


def test_a_word_inside_a_note(profile: tuple[Path, SearchWorld]) -> None:
    folder, w = profile
    (hit,) = hits(folder, "quotation")
    assert (hit["kind"], hit["id"], hit["customer"]) == ("note", w.note, "Straßenbau Müller GmbH")
    assert "quotation" in str(hit["snippet"])


def test_strassenbau_and_a_word_inside_a_compound(profile: tuple[Path, SearchWorld]) -> None:
    folder, w = profile
    (hit,) = hits(folder, "strassenbau")
    assert hit["title"] == "Straßenbau Müller GmbH"
    found = hits(folder, "schutz")  # inside Frostschutzmittel
    assert [(h["kind"], h["id"]) for h in found] == [("followup", w.followup)]


def test_customers_come_back_in_german_order(profile: tuple[Path, SearchWorld]) -> None:
    folder, _ = profile
    result = run(folder, "hamburg", "--kind", "customer")
    assert result.returncode == 0, result.stderr
    titles = [line.split("\t")[2] for line in result.stdout.splitlines()]
    assert titles == ["Bäckerei Schmidt", "Bauer KG", "Baumarkt Nord", "Straßenbau Müller GmbH"]
    limited = run(folder, "hamburg", "--kind", "customer", "--limit", "2")
    assert len(limited.stdout.splitlines()) == 2


def test_nothing_found_and_bad_limit(profile: tuple[Path, SearchWorld]) -> None:
    folder, _ = profile
    result = run(folder, "zzzyyy")
    assert (result.returncode, result.stdout) == (0, "")
    assert "nothing found" in result.stderr
    bad = run(folder, "bau", "--limit", "0")
    assert bad.returncode == 2
    assert "--limit" in bad.stderr
    wrong_kind = run(folder, "bau", "--kind", "planet")
    assert wrong_kind.returncode == 2
    assert "invalid choice" in wrong_kind.stderr
