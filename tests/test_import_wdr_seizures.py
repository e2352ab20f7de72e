"""Formats 1 and 2: the WDR 2018 and 2024 seizure annexes, read from the real files.

Figures are checked against the publications (the WDR 2018 annex's own rows: Central Asian and
Russian heroin, cannabis herb + resin shares); re-import replaces its own rows only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bulletin.data.importers.detect import ImportOptions
from bulletin.data.importers.driver import import_files
from bulletin.data.tables import load_table, write_table
from bulletin.data.vocab import CENTRAL_ASIA, DEFAULT_SCOPE

WDR2018 = "wdr2018-annex-drug-seizures-2012-2016.csv"
WDR2024 = "wdr2024-annex-7.1-drug-seizures-2018-2022.xlsx"
SOURCE_2018 = "UNODC, World Drug Report 2018, statistical annex: drug seizures 2012-2016"
SOURCE_2024 = "UNODC, World Drug Report 2024, statistical annex, table 7.1: drug seizures 2018-2022"


@pytest.fixture(scope="module")
def imported(official_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    data_dir = tmp_path_factory.mktemp("data")
    import_files([official_dir / WDR2018, official_dir / WDR2024], data_dir)
    return load_table("seizures_annual", data_dir)


def _by_year(table: pd.DataFrame, countries: tuple[str, ...], drug: str) -> list[float]:
    rows = table[table["country"].isin(countries) & table["drug"].eq(drug)]
    return rows.groupby("year")["kg"].sum().tolist()


def test_central_asian_heroin_2012_2016_as_published(imported: pd.DataFrame) -> None:
    rows = imported[imported["source"].eq(SOURCE_2018)]
    assert _by_year(rows, CENTRAL_ASIA, "heroin") == [1341, 1619, 1295, 1456, 562]


def test_russian_heroin_2012_2016_as_published(imported: pd.DataFrame) -> None:
    rows = imported[imported["source"].eq(SOURCE_2018)]
    assert _by_year(rows, ("RUS",), "heroin") == [2176, 2448, 3227, 1999, 966]


def test_cannabis_share_of_the_four_drugs_in_central_asia(imported: pd.DataFrame) -> None:
    rows = imported[imported["source"].eq(SOURCE_2018) & imported["country"].isin(CENTRAL_ASIA)]
    by = rows.pivot_table(index="year", columns="drug", values="kg", aggfunc="sum")
    cannabis = by["cannabis_herb"] + by["cannabis_resin"]
    share = 100 * cannabis / (cannabis + by["heroin"] + by["opium"])
    assert share.round(1).tolist() == [91.2, 90.9, 90.6, 91.9, 92.6]


def test_wdr2024_rows_as_published(imported: pd.DataFrame) -> None:
    rows = imported[imported["source"].eq(SOURCE_2024)].set_index(["country", "year", "drug"])
    # Single published rows: Kazakhstan's heroin and Tajikistan's opium, 2018-2022.
    assert [rows.at[("KAZ", year, "heroin"), "kg"] for year in range(2018, 2023)] == pytest.approx(
        [59, 1152, 70.088288, 76.575, 102.064]
    )
    assert [rows.at[("TJK", year, "opium"), "kg"] for year in range(2018, 2023)] == pytest.approx(
        [1607, 788, 788.795, 593.936, 870.355]
    )
    # The 2024 annex has no Turkmenistan.
    assert "TKM" not in set(rows.index.get_level_values("country"))
    assert set(rows.index.get_level_values("year")) == {2018, 2019, 2020, 2021, 2022}


def test_published_total_counts_instead_of_its_parts(imported: pd.DataFrame) -> None:
    rows = imported[imported["source"].eq(SOURCE_2024)].set_index(["country", "year", "drug"])
    # Tajikistan 2021: MDMA 1.5264 kg and "Total ecstasy-type substances" 2.007 kg, which
    # includes the MDMA; nothing else of the ATS group that year, so ATS = 2.007 + 101.474 kg of
    # methamphetamine (a part of the other ATS group, which has no total that year).
    assert rows.at[("TJK", 2021, "ats"), "kg"] == pytest.approx(2.007 + 101.474)


def test_rows_are_official_and_in_scope(imported: pd.DataFrame) -> None:
    assert set(imported["status"]) == {"official"}
    assert set(imported["country"]) <= DEFAULT_SCOPE
    assert set(imported["source"]) == {SOURCE_2018, SOURCE_2024}
    assert set(imported["country"]) == DEFAULT_SCOPE


def test_all_countries_option_keeps_every_mapped_country(
    official_dir: Path, tmp_path: Path
) -> None:
    result = import_files(
        [official_dir / WDR2018], tmp_path, dry_run=True, options=ImportOptions(scope=None)
    )
    table = result.tables["seizures_annual"]
    assert table["country"].nunique() > 100
    assert not (tmp_path / "seizures_annual.csv").exists()


def test_reimport_replaces_its_own_rows_and_keeps_others(
    official_dir: Path, tmp_path: Path
) -> None:
    other = pd.DataFrame(
        {
            "country": ["KGZ"],
            "year": [2017],
            "drug": ["heroin"],
            "kg": [100.0],
            "source": ["reconstructed from the bulletin text"],
            "status": ["reconstructed"],
        }
    )
    write_table("seizures_annual", other, tmp_path)
    import_files([official_dir / WDR2018], tmp_path)
    first = (tmp_path / "seizures_annual.csv").read_bytes()
    first_provenance = (tmp_path / "provenance" / "seizures_annual.json").read_bytes()
    import_files([official_dir / WDR2018], tmp_path)
    assert (tmp_path / "seizures_annual.csv").read_bytes() == first
    assert (tmp_path / "provenance" / "seizures_annual.json").read_bytes() == first_provenance
    table = load_table("seizures_annual", tmp_path)
    assert table["source"].value_counts().to_dict() == {
        SOURCE_2018: 259,
        "reconstructed from the bulletin text": 1,
    }
