"""Format 3: WDR 2024 annex table 10.1 (drug-related crimes), read from the real workbook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bulletin.data.importers.driver import import_files
from bulletin.data.importers.wdr_crimes_layouts import ARRESTS_SOURCE, OFFENCES
from bulletin.data.tables import load_table

WDR_CRIMES = "wdr2024-annex-10.1-drug-related-crimes.xlsx"


@pytest.fixture(scope="module")
def data_dir(official_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    import_files([official_dir / WDR_CRIMES], folder)
    return folder


@pytest.fixture(scope="module")
def offences(data_dir: Path) -> pd.DataFrame:
    return load_table("drug_offences", data_dir).set_index(["country", "year", "offence_type"])


@pytest.fixture(scope="module")
def arrests(data_dir: Path) -> pd.DataFrame:
    return load_table("drug_arrests", data_dir).set_index(["country", "year", "sex", "age_group"])


def test_offences_as_published(offences: pd.DataFrame) -> None:
    assert offences.at[("KGZ", 2016, "total"), "count"] == 1608
    assert offences.at[("KGZ", 2016, "trafficking"), "count"] == 471
    assert offences.at[("KGZ", 2016, "use_possession"), "count"] == 1137
    assert offences.at[("TKM", 2016, "total"), "count"] == 685
    assert offences.at[("TKM", 2016, "trafficking"), "count"] == 664
    assert offences.at[("KAZ", 2020, "other"), "count"] == 627


def test_an_empty_cell_is_not_a_zero(offences: pd.DataFrame) -> None:
    # Kyrgyzstan 2016 has no "other drug-related offences" cell: no row, not 0.
    assert ("KGZ", 2016, "other") not in offences.index
    # Turkmenistan 2011: use/possession only.
    assert ("TKM", 2011, "trafficking") not in offences.index


def test_offence_rows_carry_the_publication(offences: pd.DataFrame) -> None:
    assert set(offences["source"]) == {OFFENCES.source}
    assert set(offences["status"]) == {"official"}


def test_persons_summed_over_offence_types(arrests: pd.DataFrame) -> None:
    # Kazakhstan 2020: trafficking 821 + use/possession 4,133 + other 389 persons.
    assert arrests.at[("KAZ", 2020, "total", "total"), "count"] == 821 + 4133 + 389
    assert arrests.at[("KAZ", 2020, "female", "total"), "count"] == 90 + 62 + 10
    assert arrests.at[("KAZ", 2020, "total", "juvenile"), "count"] == 6 + 10 + 0
    assert arrests.at[("KAZ", 2020, "total", "total"), "source"] == ARRESTS_SOURCE


def test_partial_offence_types_named_in_the_source(arrests: pd.DataFrame) -> None:
    row = arrests.loc[("KGZ", 2018, "total", "total")]
    assert row["count"] == 1252
    assert row["source"].endswith("(offence types published: trafficking)")


def test_a_measure_missing_for_one_offence_type_is_not_written(arrests: pd.DataFrame) -> None:
    # Kazakhstan 2021: no juveniles for "other drug-related offences".
    assert ("KAZ", 2021, "total", "juvenile") not in arrests.index
    assert arrests.at[("KAZ", 2021, "total", "adult"), "count"] == 905 + 296 + 1570


def test_drug_breakdowns_are_not_added(arrests: pd.DataFrame) -> None:
    assert set(arrests["status"]) == {"official"}
    assert arrests.reset_index()["country"].isin({"KAZ", "KGZ", "TJK", "UZB", "RUS"}).all()
