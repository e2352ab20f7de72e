"""Format 6: UNODC individual drug seizures (IDS) -> seizure_cases, on hand-made samples (the
project keeps no IDS export), and the columnar check of seizure_cases against the schema's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from bulletin.importers import ImportOptions, import_files
from bulletin.importers import cases as fast
from bulletin.importers.ids import source_of
from bulletin.tables import TableError, check_table, load_table

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
        "country outside the import's scope (AFG, KAZ, KGZ, RUS, TJK, TKM, UZB)": 1,
        "not a drug (precursor chemical)": 1,
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
    from bulletin.importers.provenance import sha256_of

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
