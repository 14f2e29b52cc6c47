"""Customer import takes what Excel writes: delimiters, encodings, byte-order marks, German
and English column titles, mappings, .xlsx; dry runs; and it refuses what it cannot take
with line numbers, checks owners, recognises rows without a number, reports moves."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from sync_server import admin, cli
from sync_server.db import write_transaction
from tests.helpers.server_cli import run_cli
from tests.helpers.server_env import PASSWORD, ServerEnv, db_state, password_hash

GERMAN_EXCEL = (
    "Kundennummer;Firma;Straße;PLZ;Ort;Telefon;Betreuer\r\n"
    "K-1;Bäckerei Müller GmbH;Hauptstraße 1;20095;Hamburg;+49 40 1234;anna\r\n"
    'K-2;"Weingut Weiß; Inh. Jörg";Am Hang 3;55116;Mainz;;\r\n'
)


@pytest.fixture
def area(tmp_path: Path, sqlite_template: Path) -> Iterator[ServerEnv]:
    path = tmp_path / "server.db"
    shutil.copy(sqlite_template, path)
    env = ServerEnv(f"sqlite:///{path}")
    env.setup_area()  # North, South in Central (anna, ben, maria); West in Coast (wim); root
    yield env
    env.close()


def _import(
    env: ServerEnv,
    capsys: pytest.CaptureFixture[str],
    path: Path,
    *options: str,
    territory: str = "North",
) -> tuple[int, str, str]:
    code = cli.main(
        ["import", "customers", str(path), "--territory", territory, "--db", env.url, *options]
    )
    out, err = capsys.readouterr()
    return code, out, err


def _customers(env: ServerEnv, who: str = "root") -> dict[str, dict]:
    client = env.session(who, f"{who}-check")
    client.sync()
    return {
        r["fields"].get("number") or r["fields"]["name"]: r["fields"]
        for (e, _), r in client.rows.items()
        if e == "customer"
    }


def test_import_german_excel_csv_windows_1252_semicolons_as_a_process(
    area: ServerEnv, tmp_path: Path
) -> None:
    path = tmp_path / "kunden.csv"
    path.write_bytes(GERMAN_EXCEL.encode("cp1252"))
    result = run_cli("import", "customers", str(path), "--territory", "North", "--db", area.url)
    assert result.returncode == 0, result.stderr
    assert "2 new" in result.stdout
    customers = _customers(area)
    assert customers["K-1"]["street"] == "Hauptstraße 1"
    assert customers["K-1"]["postal_code"] == "20095"
    assert customers["K-1"]["owner_id"] == area.ids["anna"]
    assert customers["K-2"]["name"] == "Weingut Weiß; Inh. Jörg"


@pytest.mark.parametrize(
    ("data", "options"),
    [
        (GERMAN_EXCEL.encode("utf-8-sig"), ()),
        (GERMAN_EXCEL.encode("utf-8"), ()),
        (GERMAN_EXCEL.replace(";", "\t").replace('"Weingut Weiß\t', '"Weingut Weiß;').encode(), ()),
        (GERMAN_EXCEL.encode("latin-1"), ("--encoding", "latin-1")),
    ],
    ids=["utf8-bom", "utf8", "tabs", "explicit-encoding"],
)
def test_import_encodings_and_delimiters(
    area: ServerEnv,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    data: bytes,
    options: tuple[str, ...],
) -> None:
    path = tmp_path / "kunden.csv"
    path.write_bytes(data)
    code, out, err = _import(area, capsys, path, *options)
    assert code == 0 and "2 new" in out, err
    customers = _customers(area)
    assert customers["K-1"]["name"] == "Bäckerei Müller GmbH"
    assert customers["K-2"]["name"] == "Weingut Weiß; Inh. Jörg"


def test_import_wrong_encoding_named_says_where(
    area: ServerEnv, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "kunden.csv"
    path.write_bytes(GERMAN_EXCEL.encode("cp1252"))
    code, _, err = _import(area, capsys, path, "--encoding", "utf-8")
    assert code == 1 and "line 1:" in err and "not utf-8" in err


def test_import_column_mapping_option_and_file(
    area: ServerEnv, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "crm-export.csv"
    path.write_text("Kdnr,Kunde Name,Postleitzahl,Wohnort\nK-7,Optik Klein,24103,Kiel\n")
    code, _, err = _import(area, capsys, path)
    assert code == 1 and "unknown column 'Kdnr'" in err and "--map" in err
    code, _, err = _import(area, capsys, path, "--map", "Kdnr=number,Kunde Name=name")
    assert code == 0, err
    mapping = tmp_path / "mapping.txt"
    mapping.write_text("# our old CRM\nKdnr=number\nKunde Name=name\n")
    path.write_text("Kdnr,Kunde Name,Postleitzahl,Wohnort\nK-7,Optik Klein & Co,24103,Kiel\n")
    code, out, err = _import(area, capsys, path, "--map-file", str(mapping))
    assert code == 0 and "1 updated" in out, err
    assert _customers(area)["K-7"]["name"] == "Optik Klein & Co"
    code, _, err = _import(area, capsys, path, "--map", "Kdnr=nummer")
    assert code == 1 and "'nummer' is not a customer field" in err


def test_import_xlsx_workbook(
    area: ServerEnv, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Customer number", "Company", "Postal code", "City", "Visit cadence (days)"])
    sheet.append(["K-20", "Autohaus Novák KG", 24103, "Kiel", 30])
    sheet.append([None, None, None, None, None])
    sheet.append(["K-21", "Hotel Wolf", "01067", "Dresden", None])
    path = tmp_path / "customers.xlsx"
    book.save(path)
    code, out, err = _import(area, capsys, path)
    assert code == 0 and "2 new" in out, err
    customers = _customers(area)
    assert customers["K-20"]["postal_code"] == "24103"
    assert customers["K-20"]["visit_cadence_days"] == 30
    assert customers["K-21"]["postal_code"] == "01067"


def test_import_unterminated_quote_is_refused_with_its_line(
    area: ServerEnv, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('number,name,city\nK-1,Gasthof Weber,Kiel\nK-2,"Optik Klein,Kiel\nK-3,X,Y\n')
    before = db_state(area)
    code, _, err = _import(area, capsys, path)
    assert code == 1 and "line 3:" in err and "never closed" in err
    assert db_state(area) == before


def test_import_owner_must_be_an_active_user_of_the_territory(
    area: ServerEnv, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with write_transaction(area.engine) as conn:
        admin.add_user(
            conn, "nils", "rep", PASSWORD, territory="North", password_hash=password_hash()
        )
        admin.disable_user(conn, "nils")
    path = tmp_path / "owners.csv"
    path.write_text(
        "number,name,owner\nK-1,A,wim\nK-2,B,nils\nK-3,C,root\nK-4,D,nobody\nK-5,E,maria\n"
        "K-6,F,anna\n"
    )
    before = db_state(area)
    code, _, err = _import(area, capsys, path)
    assert code == 1 and db_state(area) == before
    assert "line 2: owner: 'wim'" in err and "does not work in this territory" in err
    assert "line 3: owner: 'nils'" in err and "disabled" in err
    assert "line 4: owner: 'root'" in err and "administrator" in err
    assert "line 5: owner: 'nobody'" in err
    assert "line 6" not in err and "line 7" not in err, "manager of the area, rep: fine"


def test_import_rows_without_a_number_are_not_duplicated_on_a_second_run(
    area: ServerEnv, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "no-numbers.csv"
    path.write_text("name,postal_code,city\nGasthof Weber,24103,Kiel\nHotel Wolf,01067,Dresden\n")
    assert _import(area, capsys, path)[0] == 0
    path.write_text(
        "name,postal_code,city,phone\nGasthof Weber,24103,Kiel,0431 1\nHotel Wolf,01067,Dresden,\n"
    )
    code, out, _ = _import(area, capsys, path)
    assert code == 0 and "0 new, 1 updated, 1 unchanged" in out
    customers = _customers(area)
    assert len(customers) == 2 and customers["Gasthof Weber"]["phone"] == "0431 1"


def test_import_moves_reported_on_their_own_line_with_handovers_and_dry_run(
    area: ServerEnv, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("number,name,city,owner\nK-1,Gasthof Weber,Kiel,anna\nK-2,Hotel Wolf,Kiel,\n")
    assert _import(area, capsys, path)[0] == 0
    anna, ben = area.session("anna"), area.session("ben")
    anna.sync()
    ben.sync()
    path.write_text("number,name,city\nK-1,Gasthof Weber,Kiel\nK-3,Neu GmbH,Kiel\n")
    before = db_state(area)
    code, out, _ = _import(area, capsys, path, "--dry-run", territory="South")
    assert code == 0 and db_state(area) == before, "a dry run writes nothing"
    assert "Would import into South: 1 new, 0 updated, 0 unchanged." in out
    assert "Would move here from another territory or owner: 1" in out
    assert "New: K-3 Neu GmbH" in out and "Moved: K-1 Gasthof Weber: from North" in out
    assert "Dry run: nothing was written." in out
    code, out, _ = _import(area, capsys, path, territory="South")
    assert code == 0 and "Moved here from another territory or owner: 1" in out
    assert "K-1 Gasthof Weber: from North (owner anna) to South (owner ben)" in out
    pages = anna.sync()
    assert any(ev.entity == "customer" for page in pages for ev in page.evictions)
    ben.sync()
    (handover,) = [r["fields"] for (e, _), r in ben.rows.items() if e == "handover"]
    assert (handover["from_user_id"], handover["to_user_id"]) == (anna.user_id, ben.user_id)
    assert "c.csv" in handover["note"]
    # The move is in the audit log.
    code = cli.main(["audit", "--db", area.url, "--json"])
    assert code == 0 and '"customer.import"' in capsys.readouterr().out


def test_import_parse_mapping_and_delimiter_units() -> None:
    from sync_server.importing import ImportFileError, parse_csv, parse_mapping, sniff_delimiter

    assert parse_mapping("Firma=name, PLZ=postal_code") == {
        "Firma": "name",
        "PLZ": "postal_code",
    }
    with pytest.raises(ImportFileError):
        parse_mapping("Firma")
    assert sniff_delimiter('"a;b",c,d') == ","
    assert sniff_delimiter("a;b;c") == ";"
    table = parse_csv("name|city\nA|B\n\n")
    assert table.delimiter == "|" and table.rows == [(2, ["A", "B"])]
