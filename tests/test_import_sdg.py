"""Format 5: Kyrgyz NSC SDG workbooks (real files) and Open SDG CSV files (hand-made samples)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bulletin.data.importers.base import ImportRefusedError
from bulletin.data.importers.detect import ImportOptions
from bulletin.data.importers.driver import import_files
from bulletin.data.tables import load_table
from bulletin.data.vocab import DEFAULT_SCOPE


@pytest.fixture(scope="module")
def indicators(official_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("data")
    import_files(sorted((official_dir / "kg-nsc-sdg").glob("*.xlsx")), folder)
    table = load_table("indicators", folder)
    return table.set_index(["country", "year", "indicator", "disaggregation"])


def test_homicide_victims_2016(indicators: pd.DataFrame) -> None:
    assert indicators.at[("KGZ", 2016, "SDG 16.1.1", "total"), "value"] == 267
    assert indicators.at[("KGZ", 2016, "SDG 16.1.1", "sex=female"), "value"] == 65
    assert indicators.at[("KGZ", 2016, "SDG 16.1.1", "territory=Osh city; sex=male"), "value"] == 9
    rate = indicators.loc[("KGZ", 2016, "SDG 16.1.1 (per 100,000 population)", "total")]
    assert rate["value"] == pytest.approx(4.2774, abs=1e-4)
    assert rate["unit"] == "per 100,000 population"


def test_no_cases_sign_is_zero(indicators: pd.DataFrame) -> None:
    # 16.1.1, Batken oblast, women, 2014: "-" (no cases); the oblast's 12 victims are all men.
    assert (
        indicators.at[("KGZ", 2014, "SDG 16.1.1", "territory=Batken oblast; sex=female"), "value"]
        == 0
    )


def test_domestic_violence_victims_2016(indicators: pd.DataFrame) -> None:
    assert indicators.at[("KGZ", 2016, "SDG 5.2.1.1b", "total"), "value"] == 7005
    assert indicators.at[("KGZ", 2016, "SDG 5.2.1.1b", "sex=female"), "value"] == 6795
    assert (
        indicators.at[("KGZ", 2016, "SDG 5.2.1.1b", "education=Secondary general"), "value"] == 4436
    )


def test_not_available_is_left_out(indicators: pd.DataFrame) -> None:
    assert ("KGZ", 2021, "SDG 5.2.1.1b", "age=up to 20") not in indicators.index
    assert (
        "KGZ",
        2018,
        "SDG 16.1.3",
        "education=preschool or not /primary",
    ) not in indicators.index
    assert indicators.at[("KGZ", 2018, "SDG 16.1.3", "total"), "value"] == 2.2


def test_rows_are_official_and_named(indicators: pd.DataFrame) -> None:
    assert set(indicators["status"]) == {"official"}
    assert all(
        s.startswith("National Statistical Committee of the Kyrgyz Republic, SDG indicator ")
        for s in indicators["source"]
    )


OPEN_SDG = """Year,SEX,AGE,UNIT_MEASURE,Value
2016,,,NUMBER,267
2016,F,,NUMBER,65
2016,M,,NUMBER,202
2017,F,Y0T17,NUMBER,3
2017,M,,NUMBER,
"""


def test_open_sdg_csv(tmp_path: Path) -> None:
    sample = tmp_path / "indicator_16-1-1.csv"
    sample.write_text(OPEN_SDG, encoding="utf-8")
    import_files(
        [sample], tmp_path / "data", options=ImportOptions(scope=DEFAULT_SCOPE, country="KGZ")
    )
    table = load_table("indicators", tmp_path / "data").set_index(["year", "disaggregation"])
    assert table.at[(2016, "total"), "value"] == 267
    assert table.at[(2016, "SEX=F"), "value"] == 65
    assert table.at[(2017, "SEX=F; AGE=Y0T17"), "value"] == 3
    assert (2017, "SEX=M") not in table.index  # an empty Value is not reported
    assert set(table["indicator"]) == {"SDG 16.1.1"}
    assert set(table["unit"]) == {"NUMBER"}


def test_open_sdg_csv_needs_its_country(tmp_path: Path) -> None:
    sample = tmp_path / "indicator_16-1-1.csv"
    sample.write_text(OPEN_SDG, encoding="utf-8")
    with pytest.raises(ImportRefusedError, match="--country"):
        import_files([sample], tmp_path / "data")
    assert not (tmp_path / "data").exists()
