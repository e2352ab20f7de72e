"""Format 6: UNODC individual drug seizures (IDS) -> seizure_cases, on hand-made samples (the
project keeps no IDS export), and the columnar check of seizure_cases against the schema's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from bulletin.data import cases as fast
from bulletin.data.importers.detect import ImportOptions
from bulletin.data.importers.driver import import_files
from bulletin.data.importers.ids import source_of
from bulletin.data.tables import TableError, check_table, load_table

SAMPLE = """IDS_ID,SEIZURE_DATE,SEIZURE_YEAR,COUNTRY,DRUG_NAME,AMOUNT,DRUG_UNIT,PRODUCING_COUNTRY,DEPARTURE_COUNTRY,TRANSIT_COUNTRY,DESTINATION_COUNTRY
KG-3,2016-03-21,2016,Kyrgyz Republic,Heroin,1500,Gram,Afghanistan,Tajikistan,Tajikistan;Uzbekistan,Russia
KG-1,21/04/2016,2016,Kyrgyzstan,Cannabis resin (hashish),2.5,Kilogram,,,,
KG-2,,2017,KGZ,Opium,0.1,Ton,Afghanistan,,,
KG-4,2016-05-01,2016,Kyrgyzstan,Tramadol,300,Tablet,,,,
KG-5,2016-05-02,2016,Germany,Heroin,10,Kilogram,,,,
KG-6,2016-05-03,2016,Kyrgyzstan,Cannabis oil,2,Litre,,,,
KG-7,2016-05-04 00:00:00,2016,Kyrgyzstan,Acetic anhydride,40,Kilogram,,,,
KG-8,2016-06,2016,Kazakhstan,Methamphetamine,250,Milligram,,,Kyrgyzstan,
"""


@pytest.fixture
def imported(tmp_path: Path) -> tuple[pd.DataFrame, object, Path]:
    path = tmp_path / "ids_export.csv"
    path.write_text(SAMPLE, encoding="utf-8")
    result = import_files([path], tmp_path / "data")
    return load_table("seizure_cases", tmp_path / "data").set_index("case_id"), result, path


def test_masses_in_kilograms_and_routes_mapped(imported) -> None:
    table, _, path = imported
    assert table.at["KG-3", "kg"] == pytest.approx(1.5)
    assert table.at["KG-1", "kg"] == pytest.approx(2.5)
    assert table.at["KG-2", "kg"] == pytest.approx(100.0)
    assert table.at["KG-8", "kg"] == pytest.approx(250e-6)
    row = table.loc["KG-3"]
    assert (row["country"], row["drug"], row["date"]) == ("KGZ", "heroin", "2016-03-21")
    assert (
        row["producing_country"],
        row["departure_country"],
        row["transit_countries"],
        row["destination_country"],
    ) == ("AFG", "TJK", "TJK;UZB", "RUS")
    assert pd.isna(table.at["KG-1", "producing_country"])  # unknown stays empty
    assert table.at["KG-1", "date"] == "2016-04-21"
    assert table.at["KG-2", "date"] == "2017"  # the year where the date is empty
    assert table.at["KG-8", "date"] == "2016-06"
    assert set(table["source"]) == {source_of(path)}
    assert set(table["status"]) == {"official"}


def test_counts_and_volumes_kept_apart_and_reported(imported) -> None:
    table, result, _ = imported
    assert "KG-4" not in table.index and "KG-6" not in table.index
    report = result.reports[0]
    kept_apart = {what: entry.count for what, entry in report.kept_apart.items()}
    assert kept_apart == {
        "count in 'Tablet', not turned into kilograms": 1,
        "volume in 'Litre', not turned into kilograms": 1,
    }
    assert report.kept_apart["count in 'Tablet', not turned into kilograms"].examples == [
        "line 5: 300 Tablet"
    ]


def test_scope_and_precursors_left_out_and_counted(imported) -> None:
    table, result, _ = imported
    assert "KG-5" not in table.index and "KG-7" not in table.index
    report = result.reports[0]
    assert report.rows_read == 8 and report.rows_kept == 4
    assert {reason: entry.count for reason, entry in report.skipped.items()} == {
        "no country of the case (seizing, producing, departure, transit, destination) in the "
        "import's scope (AFG, KAZ, KGZ, RUS, TJK, TKM, UZB)": 1,
        "not a drug of the vocabulary: precursor chemical": 1,
    }


def test_provenance_records_the_file_and_what_was_kept_apart(imported, tmp_path) -> None:
    import json

    _, _, path = imported
    record = json.loads((tmp_path / "data" / "provenance" / "seizure_cases.json").read_text())
    (entry,) = record["records"]
    assert entry["file"] == path.name
    assert entry["format"] == "unodc-ids"
    assert entry["rows"] == 4
    assert entry["kept_apart"] == {
        "count in 'Tablet', not turned into kilograms": 1,
        "volume in 'Litre', not turned into kilograms": 1,
    }
    from bulletin.data.importers.provenance import sha256_of

    assert entry["sha256"] == sha256_of(path)


def test_reimport_replaces_own_rows(imported, tmp_path) -> None:
    _, _, path = imported
    first = (tmp_path / "data" / "seizure_cases.csv").read_bytes()
    import_files([path], tmp_path / "data")
    assert (tmp_path / "data" / "seizure_cases.csv").read_bytes() == first


def test_all_countries_keeps_germany(tmp_path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(SAMPLE, encoding="utf-8")
    result = import_files(
        [path], tmp_path / "data", dry_run=True, options=ImportOptions(scope=None)
    )
    assert "KG-5" in result.tables["seizure_cases"].column("case_id").to_pylist()


def test_without_an_id_column_the_line_is_the_case(tmp_path) -> None:
    path = tmp_path / "no_ids.csv"
    path.write_text(
        "SEIZURE_YEAR,COUNTRY,DRUG_NAME,AMOUNT,DRUG_UNIT\n2016,KGZ,Heroin,1,Kilogram\n"
        "2016,KGZ,Heroin,1,Kilogram\n",
        encoding="utf-8",
    )
    import_files([path], tmp_path / "data")
    table = load_table("seizure_cases", tmp_path / "data")
    assert table["case_id"].tolist() == ["no_ids-2", "no_ids-3"]


# The columnar check enforces the schema's rules: both paths refuse the same lines and columns.
BAD_CASES = pd.DataFrame(
    {
        "case_id": ["A", "B", "C", "D", "E", "F", "B", "G", " "],
        "date": [
            "2016-01-02",
            "2016-13",
            "2016",
            "16-01-02",
            "2016-01",
            "2016",
            "2016",
            "2016",
            "2016",
        ],
        "country": ["KGZ", "KGZ", "XXX", "KGZ", "", "KGZ", "KGZ", "KGZ", "KGZ"],
        "drug": [
            "heroin",
            "heroin",
            "heroin",
            "krokodil",
            "heroin",
            "heroin",
            "heroin",
            "opium",
            "opium",
        ],
        "kg": ["1.5", "-2", "3", "x", "1", "", "1", "1", "1"],
        "producing_country": ["AFG", "", "", "", "", "QQQ", "", "", ""],
        "departure_country": ["", "", "", "", "", "", "", "", ""],
        "transit_countries": ["TJK;UZB", "TJK,UZB", "", "", "", "", "", "tjk", ""],
        "destination_country": ["RUS", "", "", "", "", "", "", "", ""],
        "source": ["s"] * 8 + [""],
        "status": ["official"] * 7 + ["guessed", "official"],
    }
)


def _places(error: TableError) -> set[tuple[int | None, str | None]]:
    return {(problem.line, problem.column) for problem in error.problems}


def test_columnar_and_pandera_paths_refuse_the_same_rows(tmp_path) -> None:
    with pytest.raises(TableError) as slow:
        check_table("seizure_cases", BAD_CASES)
    path = tmp_path / "seizure_cases.csv"
    BAD_CASES.to_csv(path, index=False)
    with pytest.raises(TableError) as quick:
        fast.read_cases(tmp_path)
    assert _places(quick.value) == _places(slow.value)
    assert len(_places(quick.value)) >= 10


def test_columnar_path_accepts_what_pandera_accepts(tmp_path) -> None:
    good = BAD_CASES.iloc[[0]].copy()
    check_table("seizure_cases", good)
    good.to_csv(tmp_path / "seizure_cases.csv", index=False)
    table = fast.read_cases(tmp_path)
    assert table.num_rows == 1
    assert table.column("kg").to_pylist() == [1.5]


def test_columnar_write_is_read_back_by_load_table(tmp_path) -> None:
    good = BAD_CASES.iloc[[0]].copy()
    good.to_csv(tmp_path / "seizure_cases.csv", index=False)
    table = fast.read_cases(tmp_path)
    out = tmp_path / "out"
    fast.write_cases(table, out)
    back = load_table("seizure_cases", out)
    assert back.iloc[0].to_dict() == check_table("seizure_cases", good).iloc[0].to_dict()


def test_columnar_check_on_dictionary_columns() -> None:
    table = pa.table({name: pa.array(BAD_CASES[name].tolist()) for name in BAD_CASES.columns})
    kg = pa.array([1.5, -2.0, 3.0, 1.0, 1.0, None, 1.0, 1.0, 1.0])
    table = table.set_column(table.schema.get_field_index("kg"), "kg", kg)
    with pytest.raises(TableError) as error:
        fast.check_cases(table)
    assert (3, "kg") in _places(error.value)
    assert (7, "kg") in _places(error.value)
    assert (3, "case_id") in _places(error.value) and (8, "case_id") in _places(error.value)


# --- issue 13: the real IDS report, a zip of a 41 MB ';'-separated CSV -------------------------

IDS_ZIP = "unodc-ids-seizure-cases-2011-2016-no-cannabis.zip"


@pytest.fixture(scope="module")
def real(official_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    import json

    folder = tmp_path_factory.mktemp("ids")
    result = import_files([official_dir / IDS_ZIP], folder)
    record = json.loads((folder / "provenance" / "seizure_cases.json").read_text())["records"][0]
    return load_table("seizure_cases", folder), result.reports[0], record


def test_the_zip_is_read_as_it_is(real) -> None:
    table, report, record = real
    assert report.format == "unodc-ids"
    assert report.rows_read == 311_038
    assert report.rows_kept == len(table) == record["rows"]
    assert set(table["status"]) == {"official"}
    assert set(table["source"]) == {f"UNODC, individual drug seizures (IDS) database, export {IDS_ZIP}"}


def test_exact_duplicates_are_kept_and_counted(real) -> None:
    table, report, record = real
    assert record["exact_duplicates"]["in_file"] == 44_229  # as the README counts them
    kept = record["exact_duplicates"]["kept"]
    columns = [c for c in table.columns if c != "case_id"]
    # Rows identical in every column the table has are at least those identical in the file.
    assert table.duplicated(columns).sum() >= kept > 0
    assert any("44,229 rows of the file repeat an earlier row" in note for note in report.notes)


def test_a_case_touching_the_five_by_any_country_is_kept(real) -> None:
    table, _, _ = real
    scope = {"KAZ", "KGZ", "TJK", "TKM", "UZB", "RUS", "AFG"}
    route = ["producing_country", "departure_country", "destination_country"]
    touches = table["country"].isin(scope) | table[route].isin(scope).any(axis=1)
    assert touches.all()
    # A heroin case seized in the Russian Federation that left from Tajikistan counts...
    assert len(table.query("country == 'RUS' and departure_country == 'TJK' and drug == 'heroin'"))
    # ... and so do cases seized elsewhere that left from or went to the scope.
    assert (~table["country"].isin(scope)).sum() > 0
    assert table["transit_countries"].isna().all()  # the export has no transit column


def test_unknown_route_fields_stay_empty(real) -> None:
    table, report, record = real
    for column in ("producing_country", "departure_country", "destination_country"):
        assert not table[column].isin(["Unknown", "Other", "Multiple Countries"]).any()
    empty = record["empty_route_fields"]
    assert empty["producing_country"] == table["producing_country"].isna().sum()
    assert empty["all"] == table[["producing_country", "departure_country",
                                  "transit_countries", "destination_country"]].isna().all(
        axis=1).sum()
    assert any("route fields left empty" in note for note in report.notes)


def test_case_ids_are_the_lines_cases_begin_on(official_dir: Path, real) -> None:
    import zipfile

    from bulletin.data.importers.mapping import country_lookup

    table, _, _ = real
    with zipfile.ZipFile(official_dir / IDS_ZIP) as archive:
        lines = archive.read(archive.namelist()[0]).decode("utf-8").split("\n")
    countries = country_lookup()
    numbers = table["case_id"].str.rsplit("-", n=1).str[1].astype(int)
    # Quoted cells span two lines at lines 51,684, 51,686 and 249,327: the cases after them
    # are numbered as an editor numbers lines, not as records are counted.
    later = table[numbers > 249_328].head(20)
    assert len(later) == 20
    for case_id, country in zip(later["case_id"], later["country"], strict=True):
        fields = lines[int(case_id.rsplit("-", 1)[1]) - 1].split(";")
        assert countries[fields[2].casefold()] == country


@pytest.mark.parametrize("zipped", [True, False])
def test_the_case_after_a_cell_spanning_lines_begins_a_line_later(
    tmp_path: Path, zipped: bool
) -> None:
    """Without a case id, a case is named by its line: the case right after a quoted cell that
    spans lines (its newline counted as the zip is inflated, or found in the file) too."""
    import zipfile

    rows = [
        "SEIZURE_DATE;COUNTRY;PLACE;DRUG_NAME;AMOUNT;DRUG_UNIT",
        "2016-03-01;Kyrgyzstan;Osh;Heroin;1.5;Gram",
        '2016-03-02;Kyrgyzstan;"Bishkek\nairport";Heroin;2.5;Gram',
        "2016-03-03;Kyrgyzstan;Naryn;Heroin;3.5;Gram",
        '2016-03-04;Kyrgyzstan;"two\nmore\nlines";Heroin;4.5;Gram',
        "2016-03-05;Kyrgyzstan;Osh;Heroin;5.5;Gram",
    ]
    text = "\n".join(rows) + "\n"
    path = tmp_path / ("ids_export.zip" if zipped else "ids_export.csv")
    if zipped:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("ids_export.csv", text)
    else:
        path.write_text(text, encoding="utf-8")
    import_files([path], tmp_path / "data")
    cases = load_table("seizure_cases", tmp_path / "data").sort_values("kg")
    assert cases["case_id"].tolist() == [f"ids_export-{line}" for line in (2, 3, 5, 6, 9)]


def test_record_lines_count_quoted_newlines_and_blank_lines() -> None:
    from bulletin.data.importers.ids_lines import record_lines

    data = b'a;b\n1;"x\ny"\n\n2;z\r\n\r\n3;"say ""hi""\n"\n4;w'
    assert record_lines(data).tolist() == [1, 2, 5, 7, 9]


def test_a_zipped_export_and_the_plain_one_give_the_same_cases(tmp_path: Path) -> None:
    import zipfile

    plain = tmp_path / "ids_export.csv"
    plain.write_text(SAMPLE, encoding="utf-8")
    zipped = tmp_path / "ids_export.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ids_export.csv", SAMPLE)
    import_files([plain], tmp_path / "a")
    import_files([zipped], tmp_path / "b")
    a = load_table("seizure_cases", tmp_path / "a").drop(columns="source")
    b = load_table("seizure_cases", tmp_path / "b").drop(columns="source")
    pd.testing.assert_frame_equal(a, b)


def test_a_zip_bomb_of_a_csv_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import zipfile

    from bulletin.cli.main import main

    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cases.csv", SAMPLE.splitlines()[0] + "\n" + "\n" * 5_000_000)
    assert main(["import", str(path), "--data-dir", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert "bomb.zip" in err and "compressed at most 100 to 1" in err


def test_parsed_codes_are_made_once_when_two_threads_ask_at_once() -> None:
    """The importer counts duplicates in a thread while it maps columns: one set of codes each."""
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa

    from bulletin.data.importers.dictionaries import Parsed

    column = pa.chunked_array(
        [pa.array(["KAZ", None, "TJK"] * 1000).dictionary_encode(),
         pa.array(["TJK", "UZB"] * 1000).dictionary_encode()]
    )
    parsed = Parsed(pa.table({"COUNTRY": column, "OTHER": column}))
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: parsed.codes("COUNTRY"), range(16)))
    assert all(answer is answers[0] for answer in answers)
    dictionary, indices = answers[0]
    assert dictionary.to_pylist()[indices[3]] == "KAZ" and indices[1] == -1
    assert [dictionary.to_pylist()[i] for i in indices[3000:3002]] == ["TJK", "UZB"]


def _first_identical_by_hand(rows: list[tuple]) -> list[int]:
    """For each row, the first row equal to it (a loop over Python tuples: the reference)."""
    first: dict[tuple, int] = {}
    return [first.setdefault(row, i) for i, row in enumerate(rows)]


def test_the_first_identical_row_is_found_even_when_two_different_rows_share_a_hash() -> None:
    import numpy as np

    from bulletin.data.importers.dictionaries import Parsed
    from bulletin.data.importers.ids import _MIX, _first_identical

    # The hash of a row of (dictionary code c, amount with bits b) is c * _MIX + b: the rows
    # ("a", amount with the bits of _MIX) and ("b", 0.0) collide; neither repeats the other.
    collides = np.array([int(_MIX)], dtype=np.uint64).view(np.float64)[0]
    rows = [("a", 1.5), ("a", collides), ("b", 0.0), ("a", 1.5), ("b", 0.0), ("c", None)]
    rows += [("c", None), ("a", collides)]
    table = pa.table(
        {
            "PLACE": pa.array([p for p, _ in rows]).dictionary_encode(),
            "AMOUNT": pa.array([a for _, a in rows], pa.float64()),
        }
    )
    assert _first_identical(Parsed(table)).tolist() == _first_identical_by_hand(rows) == [
        0, 1, 2, 0, 2, 5, 5, 1
    ]
    # Without the colliding rows, the hashes alone give the answer.
    kept = [row for row in rows if row[1] is None or row[1] != collides]
    plain = table.filter(pa.array([row in kept for row in rows]))
    assert _first_identical(Parsed(plain)).tolist() == _first_identical_by_hand(kept)
