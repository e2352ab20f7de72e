"""The reconstruction of seizures_quarterly: its rules, and that it reproduces the shipped rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bulletin.paths import DATA_DIR
from bulletin.reconstruct import seizures_quarterly as recon
from bulletin.seizures import check_claim_c1
from bulletin.tables import check_table, load_table


def annual() -> pd.DataFrame:
    rows = []
    for year in (2015, 2016):
        for country in ("KAZ", "KGZ", "TJK", "TKM", "UZB"):
            rows += [
                (country, year, "cannabis_herb", 1000.0 + year - 2015),
                (country, year, "cannabis_resin", 100.0),
                (country, year, "heroin", 50.0),
                (country, year, "opium", 30.0),
                (country, year, "cannabis_plants", 9999.0),
                (country, year, "ats", 3.0),
            ]
    frame = pd.DataFrame(rows, columns=["country", "year", "drug", "kg"])
    return frame.assign(source="test", status="official")


def test_split_adds_up_exactly():
    parts = recon.split_by_largest_remainder(12345, np.array(recon.SEASONAL_PROFILE["cannabis"]))
    assert parts.sum() == 12345


def test_quarters_add_up_to_the_official_year():
    rows = recon.reconstruct_seizures_quarterly(annual())
    official = annual()
    for year in (2015, 2016):
        sums = rows[rows["year"] == year].groupby(["country", "drug"])["kg"].sum()
        expected = official[(official["year"] == year) & (official["drug"] != "cannabis_plants")]
        for row in expected.itertuples():
            assert sums[(row.country, row.drug)] == pytest.approx(row.kg)


def test_plants_left_out_and_every_row_marked():
    rows = recon.reconstruct_seizures_quarterly(annual())
    assert "cannabis_plants" not in set(rows["drug"])
    assert set(rows["status"]) == {"reconstructed"}


def test_first_quarter_2017_meets_the_bulletin_statement():
    rows = recon.reconstruct_seizures_quarterly(annual())
    claim = check_claim_c1(rows)
    assert claim["holds"]
    assert claim["values"]["cannabis_herb_resin_t"] == pytest.approx(3.75)
    assert claim["values"]["heroin_opium_t"] == pytest.approx(1.25)


def test_refuses_without_official_years():
    with pytest.raises(ValueError, match="import the WDR 2018 annex"):
        recon.reconstruct_seizures_quarterly(annual()[annual()["year"] == 2015])


def test_rerun_reproduces_the_shipped_table():
    if not (DATA_DIR / "seizures_quarterly.csv").exists():
        pytest.fail("data/seizures_quarterly.csv is missing")
    rebuilt = recon.reconstruct_seizures_quarterly(load_table("seizures_annual"))
    shipped = load_table("seizures_quarterly")
    pd.testing.assert_frame_equal(
        shipped.reset_index(drop=True),
        check_table("seizures_quarterly", rebuilt[shipped.columns].reset_index(drop=True)),
    )
