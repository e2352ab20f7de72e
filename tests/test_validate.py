"""``bulletin validate`` (issue 15): every table checked at once, before anything runs.

Each kind of bad cell is refused with exit status 2 and a message naming the file, the line, the
column and what was expected; problems in two tables are listed in one run; the shipped data
passes. The data folder is a copy of the shipped one (its seizure cases cut to a few hundred rows,
for speed) with one thing broken.
"""

from __future__ import annotations

import csv
import itertools
import shutil
from pathlib import Path

import pytest

from bulletin.cli.main import main
from bulletin.core.paths import DATA_DIR
from bulletin.data.tables import table_specs
from bulletin.data.validate import validate_tables

CASES_KEPT = 300  # rows of seizure_cases.csv kept in the copy: enough to check, quick to read


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped tables and vocabularies, the seizure cases cut short."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", folder / "reference")
    for spec in table_specs().values():
        source = DATA_DIR / spec.filename
        if spec.name == "seizure_cases":  # the header and the first rows, read alone
            _write(folder / spec.filename, _read(source, records=1 + CASES_KEPT))
        else:
            shutil.copy(source, folder / spec.filename)
    return folder


def _read(path: Path, records: int | None = None) -> list[list[str]]:
    """The file's records, header first (only the first ``records`` of them, if given)."""
    with path.open(newline="", encoding="utf-8") as file:
        return list(itertools.islice(csv.reader(file), records))


def _write(path: Path, records: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(records)


def _set_cell(path: Path, row: int, column: str, value: str) -> int:
    """Put ``value`` in a cell (``row`` counts data rows from 0); returns the cell's line."""
    header, *rows = _read(path)
    rows[row][header.index(column)] = value
    _write(path, [header, *rows])
    assert not any("\n" in cell for record in rows[: row + 1] for cell in record)
    return row + 2  # line 1 is the header, and no record before it spans lines


def _refused(data_dir: Path, capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    """Run ``bulletin validate``: exit status 2, and every part of ``expected`` in its output."""
    status = main(["validate", "--data-dir", str(data_dir)])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert status == 2, output
    assert "Traceback" not in output
    for part in expected:
        assert part in output, output
    return output


def _place(line: int, column: str) -> str:
    return f"line {line}, column '{column}'"


def test_shipped_data_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["validate", "--data-dir", str(DATA_DIR)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert f"{len(table_specs())} tables checked in" in out
    assert "all valid" in out


def test_copy_is_valid(data_dir: Path) -> None:
    reports = validate_tables(data_dir)
    assert [r.name for r in reports] == list(table_specs())
    assert all(r.valid for r in reports), [r.problems for r in reports]
    assert next(r.rows for r in reports if r.name == "seizure_cases") == CASES_KEPT


def test_negative_quantity(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_dir / "seizures_annual.csv"
    line = _set_cell(path, 3, "kg", "-5")
    _refused(data_dir, capsys, str(path), _place(line, "kg"), "-5", "zero or more")


def test_unknown_country(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_dir / "seizures_annual.csv"
    line = _set_cell(path, 0, "country", "XYZ")
    _refused(
        data_dir, capsys, str(path), _place(line, "country"), "'XYZ'", "data/reference/countries.csv"
    )


def test_unknown_drug(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_dir / "seizures_quarterly.csv"
    line = _set_cell(path, 5, "drug", "chocolate")
    _refused(
        data_dir, capsys, str(path), _place(line, "drug"), "'chocolate'", "data/reference/drugs.csv"
    )


@pytest.mark.parametrize(
    ("table", "column", "value", "vocabulary"),
    [("seizures_annual", "country", "XKX", "countries"),
     ("seizures_quarterly", "drug", "chocolate", "drugs"),
     ("seizure_cases", "departure_country", "XKX", "countries")],
)
def test_an_unknown_code_names_the_vocabulary_file_of_the_folder_in_use(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    table: str, column: str, value: str, vocabulary: str,
) -> None:
    """A data folder that brings its own vocabularies was told to add a code to
    "data/reference/countries.csv", the project's file, not the one its check reads."""
    own = data_dir.rename(tmp_path / "submission")
    path = own / f"{table}.csv"
    line = _set_cell(path, 0, column, value)
    output = _refused(own, capsys, str(path), _place(line, column), f"'{value}'",
                      f"listed in {own.resolve() / 'reference' / vocabulary}.csv")
    assert "data/reference/" not in output.replace(str(own.resolve()), "")
    shutil.rmtree(own / "reference")  # the project's vocabularies: named as the project's
    _refused(own, capsys, f"listed in data/reference/{vocabulary}.csv")


def test_duplicate_key(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_dir / "drug_arrests.csv"
    header, *rows = _read(path)
    _write(path, [header, *rows, rows[0]])
    _refused(
        data_dir,
        capsys,
        str(path),
        f"line {len(rows) + 2}, column 'country, year, sex, age_group'",
        "that no other line has",
    )


def test_missing_column(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_dir / "drug_arrests.csv"
    header, *rows = _read(path)
    gone = header.index("age_group")
    _write(path, [[cell for i, cell in enumerate(r) if i != gone] for r in [header, *rows]])
    _refused(data_dir, capsys, str(path), _place(1, "age_group"), "which the table must have")


def test_extra_column(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_dir / "drug_offences.csv"
    header, *rows = _read(path)
    _write(path, [[*header, "notes"], *[[*r, ""] for r in rows]])
    _refused(data_dir, capsys, str(path), _place(1, "notes"), "only the table's columns")


def test_quarter_5(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_dir / "seizures_quarterly.csv"
    line = _set_cell(path, 2, "quarter", "5")
    _refused(data_dir, capsys, str(path), _place(line, "quarter"), "a quarter from 1 to 4")


def test_empty_file(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_dir / "indicators.csv"
    path.write_text("", encoding="utf-8")
    _refused(data_dir, capsys, str(path), "expected a header line")


def test_missing_table_file(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_dir / "drug_offences.csv"
    path.unlink()
    _refused(data_dir, capsys, str(path), "expected the file drug_offences.csv")


def test_text_where_a_number_is_expected(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data_dir / "drug_arrests.csv"
    line = _set_cell(path, 1, "count", "many")
    _refused(data_dir, capsys, str(path), _place(line, "count"), "'many'", "a whole number")


def test_bad_status(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_dir / "seizures_annual.csv"
    line = _set_cell(path, 7, "status", "rumour")
    _refused(
        data_dir, capsys, str(path), _place(line, "status"), "'rumour'", "one of official, stated"
    )


def test_problems_in_two_tables_in_one_run(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    quarterly = data_dir / "seizures_quarterly.csv"
    arrests = data_dir / "drug_arrests.csv"
    quarter_line = _set_cell(quarterly, 0, "quarter", "0")
    count_line = _set_cell(arrests, 4, "count", "-1")
    country_line = _set_cell(arrests, 6, "country", "ABC")
    output = _refused(
        data_dir,
        capsys,
        f"{quarterly}:",
        _place(quarter_line, "quarter"),
        f"{arrests}:",
        _place(count_line, "count"),
        _place(country_line, "country"),
        "2 with problems (3 problems)",
    )
    assert output.index(str(quarterly)) < output.index(str(arrests))  # the contract's order


def test_every_problem_listed(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """More problems than an error message shows (20): the check lists them all."""
    path = data_dir / "seizures_annual.csv"
    lines = [_set_cell(path, row, "kg", "-1") for row in range(25)]
    output = _refused(data_dir, capsys, "(25 problems, 3 warnings)")
    assert all(_place(line, "kg") in output for line in lines)
    assert "... and" not in output


def test_missing_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere"
    status = main(["validate", "--data-dir", str(missing)])
    err = capsys.readouterr().err
    assert status == 2
    assert str(missing) in err and "does not exist" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_data_folder_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "data.csv"
    a_file.write_text("x\n", encoding="utf-8")
    assert main(["validate", "--data-dir", str(a_file)]) == 2
    err = capsys.readouterr().err
    assert str(a_file) in err and len(err.strip().splitlines()) == 1


def test_the_folders_own_vocabularies_are_used(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A country the folder's reference/countries.csv lists is known, though the project's is not."""
    countries = data_dir / "reference" / "countries.csv"
    header, *rows = _read(countries)
    new = list(rows[0])
    new[header.index("iso3")] = "XYZ"
    _write(countries, [header, *rows, new])
    _set_cell(data_dir / "seizures_annual.csv", 0, "country", "XYZ")
    assert main(["validate", "--data-dir", str(data_dir)]) == 0, capsys.readouterr().out
