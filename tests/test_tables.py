"""bulletin.tables: every schema rule refused with a message naming file, line, column and rule."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bulletin.paths import DATA_DIR
from bulletin.tables import TableError, load_table, table_specs, write_table

HEADER = "country,year,quarter,drug,kg,source,status"
GOOD = "KAZ,2017,1,heroin,12.5,reconstructed from the bulletin text,reconstructed"


def write_csv(folder: Path, lines: list[str], name: str = "seizures_quarterly") -> Path:
    path = folder / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load_error(folder: Path, lines: list[str]) -> TableError:
    write_csv(folder, lines)
    with pytest.raises(TableError) as caught:
        load_table("seizures_quarterly", folder)
    return caught.value


def test_good_table_loads_typed(tmp_path):
    write_csv(tmp_path, [HEADER, GOOD])
    table = load_table("seizures_quarterly", tmp_path)
    assert table.dtypes["year"] == "int64"
    assert table.dtypes["kg"] == "float64"
    assert table.loc[0, "kg"] == 12.5


@pytest.mark.parametrize(
    ("lines", "line", "column", "expected"),
    [
        (["country,year,quarter,drug,source,status", "KAZ,2017,1,heroin,x,official"], 1, "kg", "must have"),
        ([HEADER + ",extra", GOOD + ",1"], 1, "extra", "only the table's columns"),
        ([HEADER, "KAZ,2017,1,heroin,twelve,x,official"], 2, "kg", "a number"),
        ([HEADER, GOOD, "KAZ,2017,2,heroin,-3,x,official"], 3, "kg", "zero or more"),
        ([HEADER, "XKZ,2017,1,heroin,1,x,official"], 2, "country", "ISO3 code"),
        ([HEADER, "KAZ,2017,1,krokodil,1,x,official"], 2, "drug", "drugs.csv"),
        ([HEADER, GOOD, GOOD], 3, "country, year, quarter, drug", "no other line has"),
        ([HEADER, "KAZ,2017,5,heroin,1,x,official"], 2, "quarter", "from 1 to 4"),
        ([HEADER, "KAZ,2017,1,heroin,1,x,rumour"], 2, "status", "official, reconstructed, estimate"),
        ([HEADER, "KAZ,2017,1,heroin,1,,official"], 2, "source", "a value"),
    ],
    ids=[
        "missing-column",
        "extra-column",
        "non-numeric-kg",
        "negative-kg",
        "unknown-country",
        "unknown-drug",
        "duplicate-key",
        "quarter-out-of-range",
        "unknown-status",
        "empty-source",
    ],
)
def test_schema_rule_refused_with_location(tmp_path, lines, line, column, expected):
    error = load_error(tmp_path, lines)
    message = str(error)
    assert str(tmp_path / "seizures_quarterly.csv") in message
    assert any(p.line == line and p.column == column for p in error.problems), message
    assert f"line {line}, column '{column}'" in message
    assert expected in message


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    error = load_error(
        tmp_path,
        [HEADER, "KAZ,2017,1,heroin,abc,x,official", "KAZ,2017,7,opium,1,x,official"],
    )
    assert {(p.line, p.column) for p in error.problems} == {(2, "kg"), (3, "quarter")}


def test_ragged_row_refused(tmp_path):
    error = load_error(tmp_path, [HEADER, GOOD + ",surplus"])
    assert "line 2: got '8 fields'; expected 7 fields, as in the header" in str(error)


def test_empty_file_refused(tmp_path):
    (tmp_path / "seizures_quarterly.csv").write_text("")
    with pytest.raises(TableError, match="a header line"):
        load_table("seizures_quarterly", tmp_path)


def test_missing_table_names_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="seizures_quarterly"):
        load_table("seizures_quarterly", tmp_path)


def test_unknown_table_name_lists_the_contract():
    with pytest.raises(KeyError, match="seizures_annual"):
        load_table("seizures_monthly")


def test_failed_write_leaves_previous_file_untouched(tmp_path):
    path = write_csv(tmp_path, [HEADER, GOOD])
    before = path.read_bytes()
    bad = pd.DataFrame(
        {
            "country": ["KAZ"],
            "year": [2017],
            "quarter": [9],
            "drug": ["heroin"],
            "kg": [1.0],
            "source": ["x"],
            "status": ["official"],
        }
    )
    with pytest.raises(TableError, match="quarter"):
        write_table("seizures_quarterly", bad, tmp_path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["seizures_quarterly.csv"]


def test_write_sorts_by_key_and_round_trips(tmp_path):
    frame = pd.DataFrame(
        {
            "country": ["KGZ", "KAZ"],
            "year": [2017, 2017],
            "quarter": [1, 1],
            "drug": ["heroin", "heroin"],
            "kg": [2.0, 1.0],
            "source": ["x", "x"],
            "status": ["official", "official"],
        }
    )
    write_table("seizures_quarterly", frame, tmp_path)
    table = load_table("seizures_quarterly", tmp_path)
    assert table["country"].tolist() == ["KAZ", "KGZ"]


def test_contract_names_all_tables():
    assert set(table_specs()) == {
        "seizures_quarterly",
        "seizures_annual",
        "seizure_cases",
        "drug_offences",
        "drug_arrests",
        "indicators",
        "activities",
    }


@pytest.mark.parametrize("name", sorted(table_specs()))
def test_shipped_tables_meet_their_schema(name):
    path = DATA_DIR / f"{name}.csv"
    if not path.exists():
        pytest.skip(f"{path.name} is not shipped yet")
    table = load_table(name, DATA_DIR)
    assert not table.empty
    assert set(table["status"]) <= {"official", "reconstructed", "estimate"}


def test_whole_numbers_in_a_float_column_load_as_floats(tmp_path):
    write_csv(tmp_path, [HEADER, "KAZ,2017,1,heroin,12,x,official", "KGZ,2017,1,heroin,3,x,official"])
    table = load_table("seizures_quarterly", tmp_path)
    assert table.dtypes["kg"] == "float64"
