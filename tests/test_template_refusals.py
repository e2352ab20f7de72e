"""Every kind of bad cell of a filled submission is refused: exit status 2, one problem naming
the sheet, the Excel row, the column (header and letter), what was found and what was expected,
every problem of the workbook at once, and nothing in the data folder written."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest
from submission_helpers import ACTIVITY, fill, make_template, shipped_copy, snapshot

from bulletin.cli.main import main

S = "seizures_quarterly"
A = "activities"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template")
    return make_template(folder, shipped_copy(folder))


@pytest.fixture
def data_dir(tmp_path):
    return shipped_copy(tmp_path)


def _refused(path, data_dir, capsys, *expected, problems=1):
    before = snapshot(data_dir)
    status = main(["import", str(path), "--data-dir", str(data_dir)])
    message = capsys.readouterr().err
    assert status == 2, message
    assert f"{path.name}: refused, {problems} problem{'s' if problems > 1 else ''}" in message
    for part in expected:
        assert part in message, message
    assert "nothing was written" in message
    assert snapshot(data_dir) == before
    return message


SEIZURE_CASES = {
    "negative kg": (
        {"G3": -5},
        "sheet 'seizures_quarterly', row 3, column 'kg (G)': got '-5'; expected a number of "
        "kilograms, zero or more",
    ),
    "text in kg": ({"G3": "12 kg"}, "row 3, column 'kg (G)': got '12 kg'; expected a number"),
    "a thousands separator in kg": (
        {"G3": "1,250"},
        "row 3, column 'kg (G)': got '1,250'; expected a number of kilograms, zero or more, "
        "e.g. 1250.5 (no thousands separator",
    ),
    "TRUE in kg": ({"G3": True}, "row 3, column 'kg (G)': got 'TRUE'; expected a number"),
    "a country not of the five": (
        {"A3": "AFG", "G3": 1},
        "row 3, column 'country (A)': got 'AFG'; expected one of the bulletin's five countries, "
        "as its ISO3 code: KAZ, KGZ, TJK, TKM, UZB",
    ),
    "an unknown drug": (
        {"C3": "hashish", "G3": 1},
        "row 3, column 'drug (C)': got 'hashish'; expected a drug of the quarterly table",
    ),
    "cannabis plants": (
        {"C3": "cannabis_plants", "G3": 1},
        "column 'drug (C)': got 'cannabis_plants'",
        "(cannabis_plants is left out of the quarterly table)",
    ),
    "a country and drug twice": (
        {"C4": "cannabis_herb", "G3": 1, "G4": 2},
        "row 4, column 'country (A), drug (C)': got 'KAZ, cannabis_herb'; expected one row per "
        "country and drug (row 3 has KAZ, cannabis_herb too)",
    ),
    "another year": (
        {"E3": 2018, "G3": 1},
        "row 3, column 'year (E)': got '2018'; expected 2017, as the workbook holds 2017-Q3 "
        "(July-September 2017; About sheet)",
    ),
    "another quarter": (
        {"F3": 4, "G3": 1},
        "row 3, column 'quarter (F)': got '4'; expected 3, as the workbook holds 2017-Q3",
    ),
    "an empty source": (
        {"G3": 1, "H3": None},
        "row 3, column 'source (H)': expected a value (the cell is empty)",
    ),
    "a status not allowed": (
        {"G3": 1, "I3": "reconstructed"},
        "row 3, column 'status (I)': got 'reconstructed'; expected official or stated",
    ),
}


@pytest.mark.parametrize("case", list(SEIZURE_CASES), ids=list(SEIZURE_CASES))
def test_a_bad_seizure_cell_is_refused(case, template, data_dir, capsys):
    cells, *expected = SEIZURE_CASES[case]
    _refused(fill(template, {S: cells}), data_dir, capsys, *expected)


ACTIVITY_CASES = {
    "an unknown kind": (
        {"F3": "conference"},
        "sheet 'activities', row 3, column 'kind (F)': got 'conference'; expected a kind: one "
        "of meeting, round table, seminar, workshop, training, training of trainers",
    ),
    "an unknown theme": (
        {"G3": "health"},
        "row 3, column 'theme (G)': got 'health'; expected a theme: one of border control",
    ),
    "an unknown country": (
        {"I3": "XYZ"},
        "row 3, column 'country (I)': got 'XYZ'; expected an ISO3 code listed in "
        "{data_dir}/reference/countries.csv",
    ),
    "an end date before the start date": (
        {"C3": "2017-07-20"},
        "row 3, column 'end_date (C)': got '2017-07-20'; expected an end date no earlier than "
        "the start date, 2017-07-25 (start_date (B))",
    ),
    "an end date without a start date": (
        {"B3": None},
        "row 3, column 'end_date (C)': got '2017-07-28'; expected an end date only with a "
        "start date (start_date (B) is empty)",
    ),
    "a date in words": (
        {"B3": "25 July 2017"},
        "row 3, column 'start_date (B)': got '25 July 2017'; expected a real date as "
        "YYYY-MM-DD, YYYY-MM or YYYY",
    ),
    "a day that does not exist": (
        {"C3": "2017-02-30"},
        "row 3, column 'end_date (C)': got '2017-02-30'; expected a real date",
    ),
    "a date with a time of day": (
        {"B3": datetime.datetime(2017, 7, 25, 14, 30)},
        "row 3, column 'start_date (B)': got '2017-07-25T14:30:00'; expected a real date",
    ),
    "participants not a whole number": (
        {"J3": 12.5},
        "row 3, column 'participants_on_site (J)': got '12.5'; expected a whole number of "
        "people, zero or more",
    ),
    "participants in words": (
        {"J3": "about 40"},
        "row 3, column 'participants_on_site (J)': got 'about 40'; expected a whole number of "
        "people, zero or more, or empty (a word such as 'more than' goes in the qualifier column)",
    ),
    "negative participants": (
        {"L3": -3},
        "row 3, column 'participants_remote (L)': got '-3'; expected a whole number of people",
    ),
    "a qualifier without a number": (
        {"J3": None, "K3": "about"},
        "row 3, column 'participants_on_site_qualifier (K)': got 'about'; expected a qualifier "
        "only beside a number (participants_on_site (J) is empty)",
    ),
    "an unknown qualifier": (
        {"M3": "roughly"},
        "row 3, column 'participants_remote_qualifier (M)': got 'roughly'; expected the word "
        "before a loose figure: one of more than, over, about, almost",
    ),
    "a series scope without a series": (
        {"N3": "series"},
        "row 3, column 'participants_scope (N)': got 'series'; expected scope 'series' only "
        "with a series (series (O) is empty)",
    ),
    "a duration of no days": (
        {"D3": 0},
        "row 3, column 'duration_days (D)': got '0'; expected a whole number of days, 1 or more",
    ),
    "participating countries unknown and twice": (
        {"P3": "TJK;XYZ;TJK"},
        "row 3, column 'participating_countries (P)': got 'TJK;XYZ;TJK'; expected ISO3 codes of "
        "{data_dir}/reference/countries.csv separated by ';' (e.g. KAZ;KGZ), each once (unknown: XYZ; "
        "twice: TJK)",
    ),
    "no title": ({"E3": None}, "row 3, column 'title (E)': expected a value (the cell is empty)"),
    "an id of another issue": (
        {"A3": "2017-Q2-09"},
        "row 3, column 'id (A)': got '2017-Q2-09'; expected an id of the 2017-Q3 issue, "
        "2017-Q3-NN",
    ),
    "an id twice": (
        {"A4": "2017-Q3-01", "E4": "Meeting of prison directors", "F4": "meeting", "G4": "prisons"},
        "row 4, column 'id (A)': got '2017-Q3-01'; expected an id no other row has (row 3 has it)",
    ),
    "another issue": (
        {"T3": "2017-Q4"},
        "row 3, column 'issue (T)': got '2017-Q4'; expected 2017-Q3, the issue of the "
        "workbook's activities (July-September 2017; About sheet)",
    ),
    "an empty source": ({"V3": None}, "row 3, column 'source (V)': expected a value"),
    "a status not allowed": (
        {"W3": "estimate"},
        "row 3, column 'status (W)': got 'estimate'; expected official or stated",
    ),
}


@pytest.mark.parametrize("case", list(ACTIVITY_CASES), ids=list(ACTIVITY_CASES))
def test_a_bad_activity_cell_is_refused(case, template, data_dir, capsys):
    cells, *expected = ACTIVITY_CASES[case]
    # the vocabulary named is the one of the data folder (it brings its own)
    expected = [text.replace("{data_dir}", str(Path(data_dir).resolve())) for text in expected]
    _refused(fill(template, {A: {**ACTIVITY, **cells}}), data_dir, capsys, *expected)


def test_every_problem_of_both_sheets_is_listed_at_once(template, data_dir, capsys):
    filled = fill(
        template,
        {S: {"G3": -1, "G4": 2, "I4": "estimate", "E5": 2016, "G5": 3}, A: {**ACTIVITY, "F3": "x"}},
    )
    _refused(
        filled,
        data_dir,
        capsys,
        "sheet 'seizures_quarterly', row 3, column 'kg (G)': got '-1'",
        "sheet 'seizures_quarterly', row 4, column 'status (I)': got 'estimate'",
        "sheet 'seizures_quarterly', row 5, column 'year (E)': got '2016'",
        "sheet 'activities', row 3, column 'kind (F)': got 'x'",
        problems=4,
    )


def test_a_renamed_header_is_refused(template, data_dir, capsys):
    filled = fill(template, {S: {"G2": "kilograms", "G3": 1}})
    _refused(
        filled,
        data_dir,
        capsys,
        "sheet 'seizures_quarterly', row 2, column 'kg': expected the column 'kg' in the header "
        "(row 2), as the template has it",
    )


def test_a_deleted_sheet_is_refused(template, data_dir, capsys, tmp_path):
    book = openpyxl.load_workbook(template)
    del book[A]
    path = tmp_path / "no-activities.xlsx"
    book.save(path)
    _refused(path, data_dir, capsys, "sheet 'activities': expected the sheet 'activities'")


def test_an_edited_quarter_on_the_about_sheet_is_refused(template, data_dir, capsys):
    filled = fill(template, {"About": {"B4": "2017-Q9"}, S: {"G3": 1}})
    _refused(
        filled,
        data_dir,
        capsys,
        "sheet 'About', row 4, column 'data quarter (B)': got '2017-Q9'; expected the data "
        "quarter the template was made for",
    )


def test_case_is_forgiven_as_in_excel_lists(template, data_dir, capsys):
    # Excel's drop-downs accept "Training" for "training": so does the import.
    filled = fill(template, {S: {"A3": "kaz", "G3": 1, "I3": "Official"}, A: {**ACTIVITY, "F3": "Training"}})
    assert main(["import", str(filled), "--data-dir", str(data_dir)]) == 0, capsys.readouterr().err
    text = (data_dir / "activities.csv").read_text(encoding="utf-8")
    assert ",training,border control," in text
