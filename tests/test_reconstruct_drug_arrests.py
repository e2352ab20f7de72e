"""The reconstruction of drug_arrests: its rules, and that it reproduces the shipped rows."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin import arrests
from bulletin.paths import DATA_DIR
from bulletin.reconstruct import drug_arrests as recon
from bulletin.tables import load_table

# offences by year for KAZ, KGZ, TJK, TKM, UZB (a steady fall, 2016 = 13,575)
OFFENCES = {
    2010: (10000, 3000, 2000, 200, 10000),
    2011: (9000, 3000, 1800, 200, 9000),
    2012: (8000, 3100, 1600, 900, 8000),
    2013: (7000, 3100, 1400, 900, 7000),
    2014: (6000, 3100, 1200, 800, 6200),
    2015: (5500, 3000, 1100, 750, 5600),
    2016: (5000, 1600, 1000, 700, 5275),
}


def offences() -> pd.DataFrame:
    rows = [
        (country, year, "total", count)
        for year, counts in OFFENCES.items()
        for country, count in zip(("KAZ", "KGZ", "TJK", "TKM", "UZB"), counts, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["country", "year", "offence_type", "count"])
    return frame.assign(source="test", status="reconstructed")


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return recon.reconstruct_drug_arrests(offences())


def regional(rows: pd.DataFrame) -> pd.Series:
    return arrests.regional_persons(rows, 2010, 2016).set_index("year")["count"]


def test_every_row_is_marked_with_the_lines_the_annex_publishes(rows):
    assert set(rows["status"]) == {"reconstructed"}
    assert set(rows["source"]) == {recon.SOURCE}
    lines = set(zip(rows["sex"], rows["age_group"], strict=True))
    assert lines == {
        ("total", "total"),
        ("male", "total"),
        ("female", "total"),
        ("total", "adult"),
        ("total", "juvenile"),
    }
    assert len(rows) == 5 * 7 * 5


def test_rules_1_to_3_the_regional_series(rows):
    persons = regional(rows)
    assert persons[2016] == 12_375
    assert persons[2015] == recon.round_half_up(12_375 / 1.05) == 11_786
    regional_offences = {year: sum(counts) for year, counts in OFFENCES.items()}
    for year in range(2010, 2015):
        expected = recon.round_half_up(11_786 * regional_offences[year] / regional_offences[2015])
        assert persons[year] == expected


def test_rule_4_countries_follow_their_offences(rows):
    totals = arrests.persons_by_country_year(rows).set_index(["country", "year"])["count"]
    for country, offences_2016 in zip(("KAZ", "KGZ", "TJK", "TKM", "UZB"), OFFENCES[2016], strict=True):
        assert totals[(country, 2016)] == pytest.approx(12_375 * offences_2016 / 13_575, abs=1)


def test_rules_5_and_6_women_and_juveniles(rows):
    shares = arrests.shares_of_women_and_juveniles(rows).set_index("year")
    assert shares.at[2016, "women_count"] == recon.round_half_up(12_375 * 0.07)
    assert shares.at[2016, "juveniles_count"] == 37
    assert shares["women_share_pct"].to_numpy() == pytest.approx([7.0] * 7, abs=0.01)
    lines = rows.pivot_table(index=["country", "year"], columns=["sex", "age_group"], values="count")
    assert (lines[("male", "total")] + lines[("female", "total")] == lines[("total", "total")]).all()
    assert (lines[("total", "adult")] + lines[("total", "juvenile")] == lines[("total", "total")]).all()


def test_the_claims_hold_on_the_reconstruction(rows):
    assert arrests.check_claim_c12(rows)["holds"]
    assert arrests.check_claim_c13(rows)["holds"]
    assert arrests.check_claim_c14(rows)["holds"]


def test_refuses_without_offences_for_every_country_year():
    gap = offences().query("not (country == 'TJK' and year == 2012)")
    with pytest.raises(ValueError, match="TJK 2012.*bulletin.reconstruct.drug_offences first"):
        recon.reconstruct_drug_arrests(gap)


def test_rerun_reproduces_the_shipped_rows():
    if not (DATA_DIR / "drug_arrests.csv").exists():
        pytest.fail("data/drug_arrests.csv is missing")
    rebuilt = recon.reconstruct_drug_arrests(load_table("drug_offences"))
    table = load_table("drug_arrests")
    shipped = table[table["source"] == recon.SOURCE].reset_index(drop=True)
    pd.testing.assert_frame_equal(shipped, rebuilt[shipped.columns].reset_index(drop=True))
