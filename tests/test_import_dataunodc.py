"""Format 4: dataUNODC portal exports, on small hand-made samples (the project keeps none)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bulletin.data.importers.base import ImportRefusedError
from bulletin.data.importers.dataunodc import HEADER
from bulletin.data.importers.driver import import_files
from bulletin.data.tables import load_table

ROWS = [
    [
        "KGZ",
        "Kyrgyzstan",
        "Asia",
        "Central Asia",
        "Victims of intentional homicide",
        "Total",
        "Total",
        "Total",
        "Total",
        2016,
        "Counts",
        267,
        "CTS",
    ],
    [
        "KGZ",
        "Kyrgyzstan",
        "Asia",
        "Central Asia",
        "Victims of intentional homicide",
        "Total",
        "Total",
        "Female",
        "Total",
        2016,
        "Counts",
        65,
        "CTS",
    ],
    [
        "KGZ",
        "Kyrgyzstan",
        "Asia",
        "Central Asia",
        "Victims of intentional homicide",
        "by relationship to perpetrator",
        "Intimate partner or family member",
        "Female",
        "Total",
        2016,
        "Counts",
        30,
        "CTS",
    ],
    [
        "KGZ",
        "Kyrgyzstan",
        "Asia",
        "Central Asia",
        "Victims of intentional homicide",
        "Total",
        "Total",
        "Total",
        "Total",
        2016,
        "Rate per 100,000 population",
        4.28,
        "CTS",
    ],
    [
        "KAZ",
        "Kazakhstan",
        "Asia",
        "Central Asia",
        "Persons arrested/suspected for drug-related offences",
        "Total",
        "Total",
        "Male",
        "Total",
        2016,
        "Counts",
        1500,
        "CTS",
    ],
    [
        "KAZ",
        "Kazakhstan",
        "Asia",
        "Central Asia",
        "Persons arrested/suspected for drug-related offences",
        "Total",
        "Total",
        "Total",
        "Juvenile",
        2016,
        "Counts",
        12,
        "CTS",
    ],
    [
        "KAZ",
        "Kazakhstan",
        "Asia",
        "Central Asia",
        "Police personnel",
        "Total",
        "Total",
        "Total",
        "Total",
        2016,
        "Counts",
        "",
        "CTS",
    ],
    [
        "DEU",
        "Germany",
        "Europe",
        "Western Europe",
        "Victims of intentional homicide",
        "Total",
        "Total",
        "Total",
        "Total",
        2016,
        "Counts",
        400,
        "CTS",
    ],
]


def _xlsx(path: Path, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["UNODC"])
    sheet.append(["Exported on 01/05/2024"])
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_indicators_from_an_xlsx_export(tmp_path: Path) -> None:
    result = import_files([_xlsx(tmp_path / "export.xlsx", ROWS)], tmp_path / "data")
    table = load_table("indicators", tmp_path / "data").set_index(
        ["country", "year", "indicator", "disaggregation"]
    )
    assert table.at[("KGZ", 2016, "Victims of intentional homicide", "total"), "value"] == 267
    assert table.at[("KGZ", 2016, "Victims of intentional homicide", "sex=female"), "value"] == 65
    key = (
        "KGZ",
        2016,
        "Victims of intentional homicide",
        "relationship to perpetrator=Intimate partner or family member; sex=female",
    )
    assert table.at[key, "value"] == 30
    rate = ("KGZ", 2016, "Victims of intentional homicide (Rate per 100,000 population)", "total")
    assert table.at[rate, "unit"] == "Rate per 100,000 population"
    assert set(table["source"]) == {"UNODC, dataUNODC portal export (CTS)"}
    report = result.reports[0]
    assert {reason: entry.count for reason, entry in report.skipped.items()} == {
        "country outside the import's scope (AFG, KAZ, KGZ, RUS, TJK, TKM, UZB)": 1,
        "no value (empty cell)": 1,
    }


def test_persons_arrested_for_drug_offences_go_to_drug_arrests(tmp_path: Path) -> None:
    import_files([_xlsx(tmp_path / "export.xlsx", ROWS)], tmp_path / "data")
    arrests = load_table("drug_arrests", tmp_path / "data").set_index(
        ["country", "year", "sex", "age_group"]
    )
    assert arrests.at[("KAZ", 2016, "male", "total"), "count"] == 1500
    assert arrests.at[("KAZ", 2016, "total", "juvenile"), "count"] == 12
    indicators = load_table("indicators", tmp_path / "data")
    assert not indicators["indicator"].str.contains("arrested").any()


def test_csv_export_reads_the_same(tmp_path: Path) -> None:
    frame = pd.DataFrame(ROWS, columns=list(HEADER))
    path = tmp_path / "export.csv"
    path.write_text("UNODC\nExported on 01/05/2024\n" + frame.to_csv(index=False), encoding="utf-8")
    import_files([path], tmp_path / "csv")
    import_files([_xlsx(tmp_path / "export.xlsx", ROWS)], tmp_path / "xlsx")
    from_csv = load_table("indicators", tmp_path / "csv")
    from_xlsx = load_table("indicators", tmp_path / "xlsx")
    pd.testing.assert_frame_equal(from_csv, from_xlsx)


def test_code_and_name_must_agree(tmp_path: Path) -> None:
    bad = [ROWS[0][:]]
    bad[0][0] = "KAZ"
    with pytest.raises(ImportRefusedError, match="row 4, column 'Iso3_code'"):
        import_files([_xlsx(tmp_path / "export.xlsx", bad)], tmp_path / "data")
    assert not (tmp_path / "data").exists()
