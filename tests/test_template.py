"""The quarterly submission: the template ``bulletin template`` writes (sheets, pre-filled rows,
drop-downs, rules, the lag said), and ``bulletin import`` of a filled one (rows, sources and
statuses from the sheet, the quarter replaced and nothing else, again and again)."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pandas as pd
import pytest
from submission_helpers import ACTIVITY, fill, make_template, row_of, shipped_copy, snapshot

from bulletin.cli.main import main
from bulletin.core.periods import Quarter
from bulletin.data.schemas import ACTIVITY_KINDS, ACTIVITY_THEMES, LOOSE_QUALIFIERS
from bulletin.data.submission import layout
from bulletin.data.submission.workbook import template_content
from bulletin.data.tables import load_table, table_spec
from bulletin.data.vocab import CENTRAL_ASIA, drugs

Q3 = Quarter(2017, 3)


@pytest.fixture
def data_dir(tmp_path):
    return shipped_copy(tmp_path)


@pytest.fixture
def template(tmp_path, data_dir):
    return make_template(tmp_path, data_dir)


# --- the template --------------------------------------------------------------------------


def test_the_command_writes_the_default_file_and_says_in_which_issues(
    tmp_path, data_dir, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert main(["template", "--quarter", "2017Q3", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "submission-2017-Q3.xlsx").is_file()
    assert "The seizures of July-September 2017 appear in the 2017-Q4 issue" in out
    assert "The activities of July-September 2017 appear in the 2017-Q3 issue" in out


def test_an_existing_file_is_kept_unless_forced(tmp_path, data_dir, capsys):
    out = tmp_path / "mine.xlsx"
    out.write_bytes(b"the office's own file")
    args = ["template", "--quarter", "2017Q3", "--out", str(out), "--data-dir", str(data_dir)]
    assert main(args) == 2
    message = capsys.readouterr().err
    assert "exists already" in message and "--force" in message
    assert message.count("\n") == 1  # one sentence
    assert out.read_bytes() == b"the office's own file"
    assert main([*args, "--force"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == layout.ABOUT_SHEET


def test_a_bad_quarter_is_refused(tmp_path, data_dir, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["template", "--quarter", "2017Q5", "--out", str(tmp_path / "x.xlsx")])
    assert exit_.value.code == 2
    assert "2017Q5" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_the_sheets_and_the_about_sheet_say_the_quarter_and_the_lag(template):
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["About", "seizures_quarterly", "activities", "lists"]
    assert [book[name].sheet_state for name in book.sheetnames] == [
        "visible",
        "visible",
        "visible",
        "hidden",
    ]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert book["About"]["A1"].value == layout.TITLE
    assert about["template"] == layout.VERSION
    assert about["data quarter"] == "2017-Q3"
    assert about["seizures appear in"].startswith("the 2017-Q4 issue (seizure figures lag")
    assert about["activities appear in"].startswith("the 2017-Q3 issue")
    assert "2017-Q4 issue" in book["seizures_quarterly"]["A1"].value
    assert "2017-Q3 issue" in book["activities"]["A1"].value
    assert book.properties.created == book.properties.modified == layout.fixed_time(Q3)


def test_the_seizures_sheet_has_one_row_per_country_and_drug(template):
    sheet = openpyxl.load_workbook(template)["seizures_quarterly"]
    header = [cell.value for cell in sheet[2]]
    assert header == ["country", "country name", "drug", "drug name", "year", "quarter", "kg",
                      "source", "status"]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=3, values_only=True)]
    expected = [d for d in drugs() if d != "cannabis_plants"]
    assert [(r["country"], r["drug"]) for r in rows] == [(c, d) for c in CENTRAL_ASIA for d in expected]
    assert {(r["year"], r["quarter"]) for r in rows} == {(2017, 3)}
    assert all(r["kg"] is None for r in rows)  # the shipped rows of 2017-Q3 are reconstructed
    assert {r["status"] for r in rows} == {"official"}
    assert all(r["country name"] in r["source"] and "2017-Q3" in r["source"] for r in rows)
    assert rows[0]["country name"] == "Kazakhstan"
    assert rows[0]["drug name"] == "Cannabis herb (marijuana)"
    assert sheet.freeze_panes == "A3"


def test_the_activities_sheet_has_the_tables_columns_and_numbered_rows(template):
    sheet = openpyxl.load_workbook(template)["activities"]
    assert [cell.value for cell in sheet[2]] == table_spec("activities").columns
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == layout.BLANK_ACTIVITY_ROWS
    assert [r[0] for r in rows] == [f"2017-Q3-{n:02d}" for n in range(1, 31)]
    assert {r[19] for r in rows} == {"2017-Q3"}  # issue: the quarter's own
    assert {r[22] for r in rows} == {"stated"}
    assert all(value is None for r in rows for value in r[1:19])
    assert sheet.freeze_panes == "A3"


def _validations(sheet):
    by_column = {}
    for check in sheet.data_validations.dataValidation:
        for cells in check.sqref.ranges:
            by_column[sheet.cell(2, cells.min_col).value] = check
    return by_column


def _list_values(book, name):
    reference = book.defined_names[name].attr_text
    sheet_name, cells = reference.split("!")
    return [c[0].value for c in book[sheet_name][cells.replace("$", "")]]


def test_drop_downs_offer_the_allowed_values(template):
    book = openpyxl.load_workbook(template)
    seizures = _validations(book["seizures_quarterly"])
    activities = _validations(book["activities"])
    sheets = {"seizures_quarterly": seizures, "activities": activities}
    expected = {
        ("seizures_quarterly", "country"): list(CENTRAL_ASIA),
        ("seizures_quarterly", "drug"): [d for d in drugs() if d != "cannabis_plants"],
        ("seizures_quarterly", "status"): ["official", "stated"],
        ("activities", "kind"): list(ACTIVITY_KINDS),
        ("activities", "theme"): list(ACTIVITY_THEMES),
        ("activities", "participants_on_site_qualifier"): list(LOOSE_QUALIFIERS),
        ("activities", "participants_scope"): ["activity", "series"],
        ("activities", "status"): ["official", "stated"],
    }
    for (sheet, column), values in expected.items():
        check = sheets[sheet][column]
        assert check.type == "list", column
        assert _list_values(book, check.formula1) == values, column
    countries = _list_values(book, activities["country"].formula1)
    assert len(countries) > 200 and {"KGZ", "AFG", "GEO"} <= set(countries)
    assert str(seizures["kg"].sqref) == "G3:G500"


def test_numbers_and_the_quarter_are_checked_by_excel_too(template):
    book = openpyxl.load_workbook(template)
    seizures = _validations(book["seizures_quarterly"])
    activities = _validations(book["activities"])
    assert (seizures["kg"].type, seizures["kg"].operator, seizures["kg"].formula1) == (
        "decimal", "greaterThanOrEqual", "0")
    assert (seizures["year"].operator, seizures["year"].formula1) == ("equal", "2017")
    assert (seizures["quarter"].operator, seizures["quarter"].formula1) == ("equal", "3")
    for column in ("participants_on_site", "participants_remote"):
        assert (activities[column].type, activities[column].formula1) == ("whole", "0")
    assert (activities["duration_days"].type, activities["duration_days"].formula1) == ("whole", "1")


def test_every_column_has_its_rule_as_comment_and_input_message(template):
    book = openpyxl.load_workbook(template)
    for name in ("seizures_quarterly", "activities"):
        sheet = book[name]
        checks = _validations(sheet)
        for cell in sheet[2]:
            assert cell.comment is not None and cell.comment.text, (name, cell.value)
            check = checks[cell.value]
            assert check.showInputMessage and check.prompt == cell.comment.text
            assert 0 < len(check.prompt) <= 255  # Excel's limit for an input message
    kg = _validations(book["seizures_quarterly"])["kg"].prompt
    assert "Kilograms" in kg and "empty" in kg and "0 is a reported zero" in kg


def test_the_same_inputs_give_the_same_bytes(tmp_path, data_dir):
    first = template_content(Q3, data_dir)
    assert template_content(Q3, data_dir) == first
    members = zipfile.ZipFile(make_template(tmp_path, data_dir)).infolist()
    assert {m.date_time for m in members} == {(2017, 10, 1, 0, 0, 0)}
    assert template_content(Quarter(2017, 4), data_dir) != first


# --- the import ----------------------------------------------------------------------------


def _other_lines(path, keep):
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if keep(line)]


def _import(path, data_dir, capsys, *more):
    status = main(["import", str(path), "--data-dir", str(data_dir), *more])
    out = capsys.readouterr()
    assert status == 0, out.err
    return out.out


def test_a_filled_template_replaces_the_quarter_and_nothing_else(tmp_path, data_dir, template, capsys):
    kaz_herb, kgz_heroin, tjk_opium = (row_of(template, c, d) for c, d in
                                       [("KAZ", "cannabis_herb"), ("KGZ", "heroin"), ("TJK", "opium")])
    filled = fill(template, {
        "seizures_quarterly": {
            f"G{kaz_herb}": 1250.5,
            f"G{kgz_heroin}": 0,  # a reported zero
            f"G{tjk_opium}": "48.25",  # typed as text
            f"H{tjk_opium}": "Drug Control Agency of Tajikistan, press release",
            f"I{tjk_opium}": "stated",
        },
        "activities": ACTIVITY,
    })
    quarterly = data_dir / "seizures_quarterly.csv"
    submitted = [("KAZ", "cannabis_herb"), ("KGZ", "heroin"), ("TJK", "opium")]
    # Rows neither of the quarter nor of what the reconstruction re-balances around the submitted
    # figures: their years, and the January-March 2017 anchor of their drug pairs (claim C1),
    # shared among every country of the pairs.
    anchored = ("cannabis_herb", "cannabis_resin", "heroin", "opium")
    outside = lambda line: ",2017," not in line or (  # noqa: E731
        ",2017,3," not in line and not any(f",{d}," in line for d in anchored))
    before_others = _other_lines(quarterly, outside)
    annual = load_table("seizures_annual", data_dir).set_index(["country", "year", "drug"])["kg"]
    activities_before = (data_dir / "activities.csv").read_text(encoding="utf-8").splitlines()
    untouched = {k: v for k, v in snapshot(data_dir).items()
                 if k not in ("seizures_quarterly.csv", "activities.csv")}

    out = _import(filled, data_dir, capsys)

    assert "they appear in the 2017-Q4 issue" in out
    assert "they appear in the 2017-Q3 issue" in out
    assert "replaces the rows of year 2017, quarter 3 (3 reconstructed)" in out  # stepped aside
    table = load_table("seizures_quarterly", data_dir)
    in_q3 = table[table["year"].eq(2017) & table["quarter"].eq(3)]
    q3 = in_q3[in_q3["status"].ne("reconstructed")].set_index(["country", "drug"])
    assert sorted(q3.index) == submitted
    # The reconstruction steps aside for the submitted quarters, fills what was left blank, and
    # re-balances the submitted country-drugs' other quarters so that 2017 still adds up.
    assert "reconstructions re-run around the new rows (as `make data`): seizures_quarterly" in out
    refilled = in_q3[in_q3["status"].eq("reconstructed")]
    pairs = set(zip(refilled["country"], refilled["drug"], strict=True))
    assert not refilled.empty and not pairs & set(submitted)
    for country, drug in submitted:
        year = table[table["country"].eq(country) & table["year"].eq(2017) & table["drug"].eq(drug)]
        if (country, 2017, drug) in annual.index:
            assert len(year) == 4
            assert year["kg"].sum() == pytest.approx(annual[(country, 2017, drug)], abs=0.001)
    assert q3.loc[("KAZ", "cannabis_herb"), "kg"] == 1250.5
    assert q3.loc[("KGZ", "heroin"), "kg"] == 0.0
    assert q3.loc[("TJK", "opium"), ["source", "status"]].tolist() == [
        "Drug Control Agency of Tajikistan, press release", "stated"]
    assert q3.loc[("KAZ", "cannabis_herb"), "status"] == "official"
    assert "National authorities of Kazakhstan" in q3.loc[("KAZ", "cannabis_herb"), "source"]
    assert _other_lines(quarterly, outside) == before_others  # every other row byte-identical

    activities = load_table("activities", data_dir)
    new = activities[activities["issue"].eq("2017-Q3")]
    assert len(new) == 1
    row = new.iloc[0]
    assert (row["id"], row["start_date"], row["end_date"]) == ("2017-Q3-01", "2017-07-25", "2017-07-28")
    assert (row["participants_on_site"], row["participants_remote"]) == (40, 100)
    assert row["participants_remote_qualifier"] == "more than"
    assert row["participating_countries"] == "TJK;AFG;KGZ"
    assert row["organisers"] == "UNODC;Border Service of Tajikistan"
    assert (row["status"], row["source"]) == ("stated", layout.default_activity_source(Q3))
    lines = (data_dir / "activities.csv").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if "2017-Q3-01" not in line] == activities_before

    assert {k: v for k, v in snapshot(data_dir).items() if k in untouched} == untouched
    record = json.loads((data_dir / "provenance" / "seizures_quarterly.json").read_text())
    [entry] = record["records"]
    assert (entry["file"], entry["format"], entry["rows"], entry["data_quarter"]) == (
        filled.name, "bulletin-submission", 3, "2017-Q3")


def test_importing_the_same_file_again_changes_no_byte(tmp_path, data_dir, template, capsys):
    filled = fill(template, {"seizures_quarterly": {"G3": 10}, "activities": ACTIVITY})
    _import(filled, data_dir, capsys)
    once = snapshot(data_dir)
    out = _import(filled, data_dir, capsys)
    assert snapshot(data_dir) == once
    assert "tables changed: none" in out


def test_a_corrected_template_replaces_the_quarter_again(tmp_path, data_dir, template, capsys):
    first = fill(template, {"seizures_quarterly": {"G3": 10, "G4": 20}, "activities": ACTIVITY})
    _import(first, data_dir, capsys)
    # The corrected workbook, saved under another name: G3 corrected, G4 emptied, G5 added.
    corrected = fill(first, {"seizures_quarterly": {"G3": 11, "G4": None, "G5": 5}},
                     out=tmp_path / "corrected.xlsx")
    out = _import(corrected, data_dir, capsys)
    assert "year 2017, quarter 3 (2 official, 1 reconstructed)" in out
    table = load_table("seizures_quarterly", data_dir)
    q3 = table[table["year"].eq(2017) & table["quarter"].eq(3) & table["status"].ne("reconstructed")]
    assert sorted(zip(q3["country"], q3["drug"], q3["kg"], strict=True)) == [
        ("KAZ", "cannabis_herb", 11.0),
        ("KAZ", "cannabis_oil", 5.0),
    ]
    assert len(load_table("activities", data_dir).query("issue == '2017-Q3'")) == 1
    [entry] = json.loads((data_dir / "provenance" / "seizures_quarterly.json").read_text())["records"]
    assert entry["file"] == "corrected.xlsx"  # the earlier workbook's record went with its rows


def test_a_template_made_after_an_import_holds_what_was_submitted(tmp_path, data_dir, capsys):
    template = make_template(tmp_path, data_dir)
    _import(fill(template, {"seizures_quarterly": {"G3": 7.5}, "activities": ACTIVITY}), data_dir, capsys)
    again = make_template(tmp_path, data_dir, name="again.xlsx")
    book = openpyxl.load_workbook(again)
    assert book["seizures_quarterly"]["G3"].value == 7.5
    assert book["activities"]["A3"].value == "2017-Q3-01"
    assert book["activities"]["E3"].value == ACTIVITY["E3"]
    assert book["activities"]["A4"].value == "2017-Q3-02"
    before = snapshot(data_dir)
    _import(again, data_dir, capsys)
    assert {k: v for k, v in snapshot(data_dir).items() if k.endswith(".csv")} == {
        k: v for k, v in before.items() if k.endswith(".csv")}


def test_the_shipped_activities_go_round_the_template_unchanged(tmp_path, data_dir, capsys):
    # The 2017-Q2 issue's activities (stated) fill the template of 2017-Q2; imported back
    # as they are, every cell of every column comes back the same.
    template = make_template(tmp_path, data_dir, quarter="2017Q2")
    assert openpyxl.load_workbook(template)["activities"]["A11"].value == "2017-Q2-09"
    shipped = (data_dir / "activities.csv").read_bytes()
    out = _import(template, data_dir, capsys)
    assert "8 activities of April-June 2017" in out
    assert "seizures_quarterly: no kg filled in; the table is left as it was" in out
    assert (data_dir / "activities.csv").read_bytes() == shipped


def test_an_unfilled_template_changes_nothing(tmp_path, data_dir, template, capsys):
    before = snapshot(data_dir)
    out = _import(template, data_dir, capsys)
    assert "no kg filled in" in out and "no activity filled in" in out
    assert snapshot(data_dir) == before


def test_a_dry_run_writes_nothing_and_says_what_would_change(tmp_path, data_dir, template, capsys):
    filled = fill(template, {"seizures_quarterly": {"G3": 1}})
    before = snapshot(data_dir)
    out = _import(filled, data_dir, capsys, "--dry-run")
    assert "tables would change: seizures_quarterly" in out
    assert snapshot(data_dir) == before


def test_date_cells_and_a_relative_data_folder(tmp_path, data_dir, template, capsys, monkeypatch):
    import datetime

    filled = fill(template, {"activities": {**ACTIVITY, "B3": datetime.datetime(2017, 8, 1),
                                            "C3": datetime.date(2017, 8, 3)}})
    monkeypatch.chdir(tmp_path)
    _import(filled.name, "data", capsys)
    row = load_table("activities", data_dir).set_index("id").loc["2017-Q3-01"]
    assert (row["start_date"], row["end_date"]) == ("2017-08-01", "2017-08-03")


def test_the_result_names_the_tables_it_changed(tmp_path, data_dir, template):
    from bulletin.data.importers.driver import import_files

    filled = fill(template, {"seizures_quarterly": {"G3": 3}})
    result = import_files([filled], data_dir)
    assert result.changed == ["seizures_quarterly"]
    assert import_files([filled], data_dir).changed == []
    frame = pd.read_csv(data_dir / "seizures_quarterly.csv")
    q3 = frame[(frame["year"] == 2017) & (frame["quarter"] == 3)]
    assert len(q3[q3["status"] != "reconstructed"]) == 1  # the reconstruction's rows on blank keys stay
