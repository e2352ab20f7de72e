"""The reconstruction of drug_offences: its rules, and that it reproduces the shipped rows."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.crime import country_year_totals
from bulletin.paths import DATA_DIR
from bulletin.reconstruct import drug_offences as recon
from bulletin.reconstruct import replace_own_rows, rows_of_source
from bulletin.tables import load_table

KGZ_TOTALS = {2011: 3000, 2012: 2900, 2013: 2800, 2014: 2700, 2015: 2600, 2016: 1500}


def official_offences() -> pd.DataFrame:
    rows = []
    for year, total in KGZ_TOTALS.items():
        rows += [("KGZ", year, "trafficking", total - 1000), ("KGZ", year, "use_possession", 1000)]
    rows += [
        ("TKM", 2011, "use_possession", 200),  # trafficking not reported
        ("TKM", 2013, "trafficking", 700),
        ("TKM", 2013, "use_possession", 100),
        ("TKM", 2014, "trafficking", 600),
        ("TKM", 2014, "use_possession", 40),
        ("TKM", 2016, "trafficking", 500),
        ("TKM", 2016, "use_possession", 20),
        # later official rows of the other countries: the proportions of rule 5
        ("KAZ", 2020, "trafficking", 300),
        ("KAZ", 2020, "use_possession", 600),
        ("KAZ", 2020, "other", 100),
        ("TJK", 2020, "trafficking", 100),
        ("TJK", 2020, "use_possession", 200),
    ]
    frame = pd.DataFrame(rows, columns=["country", "year", "offence_type", "count"])
    return frame.assign(source="WDR 2024 annex 10.1", status="official")


def official_arrests() -> pd.DataFrame:
    rows = [
        ("KAZ", 2020, "total", "total", 5000),
        ("TJK", 2018, "total", "total", 1000),
        ("TJK", 2019, "total", "total", 800),
        ("UZB", 2018, "male", "total", 3600),  # no line for all persons: men + women
        ("UZB", 2018, "female", "total", 400),
    ]
    frame = pd.DataFrame(rows, columns=["country", "year", "sex", "age_group", "count"])
    return frame.assign(source="WDR 2024 annex 10.1", status="official")


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return recon.reconstruct_drug_offences(official_offences(), official_arrests())


def totals_of(rows: pd.DataFrame) -> pd.Series:
    both = pd.concat([official_offences(), rows], ignore_index=True)
    both = both[both["year"].between(2010, 2016)]
    return country_year_totals(both).set_index(["country", "year"])["count"]


def test_every_row_is_marked_and_no_official_country_year_is_touched(rows):
    assert set(rows["status"]) == {"reconstructed"}
    assert set(rows["source"]) == {recon.SOURCE}
    official = official_offences()
    taken = set(zip(official["country"], official["year"], strict=True))
    made = set(zip(rows["country"], rows["year"], strict=True))
    assert not taken & made
    assert rows["year"].between(2010, 2016).all()


def test_every_country_year_of_the_period_has_offences(rows):
    totals = totals_of(rows)
    assert len(totals) == 5 * 7


def test_the_regional_total_of_2016_is_almost_13600(rows):
    totals = totals_of(rows)
    assert totals.xs(2016, level="year").sum() == recon.REGIONAL_TOTAL_2016 == 13_575


def test_rule_1_fills_the_official_countries_from_their_own_years(rows):
    mine = rows.set_index(["country", "year", "offence_type"])["count"]
    assert mine[("KGZ", 2010, "trafficking")] == 2000  # repeats 2011
    assert mine[("TKM", 2010, "use_possession")] == 200
    assert ("TKM", 2010, "trafficking") not in mine.index  # 2011 does not report it
    assert mine[("TKM", 2012, "use_possession")] == 150  # halfway between 200 and 100
    assert mine[("TKM", 2012, "trafficking")] == 700  # only 2013 reports it
    assert mine[("TKM", 2015, "trafficking")] == 550
    assert mine[("TKM", 2015, "use_possession")] == 30


def test_rule_3_the_other_countries_change_at_kyrgyzstans_rate(rows):
    totals = totals_of(rows)
    group = totals[totals.index.get_level_values("country").isin(["KAZ", "TJK", "UZB"])]
    by_year = group.groupby(level="year").sum()
    rate = (KGZ_TOTALS[2016] / KGZ_TOTALS[2011]) ** (1 / 5)
    assert by_year[2016] == 13_575 - 1500 - 520
    for year in range(2010, 2016):
        assert by_year[year] == recon.round_half_up(by_year[2016] / rate ** (2016 - year))


def test_rule_4_countries_share_as_their_persons_in_formal_contact(rows):
    totals = totals_of(rows).xs(2016, level="year")
    weights = {"KAZ": 5000, "TJK": 900, "UZB": 4000}  # TJK: mean of 1,000 and 800
    group = sum(totals[c] for c in weights)
    for country, weight in weights.items():
        assert totals[country] == pytest.approx(group * weight / 9900, abs=1)


def test_rule_5_types_follow_the_bulletin_shares(rows):
    national = rows[rows["country"].isin(["KAZ", "TJK", "UZB"])]
    by_type = national.groupby(["year", "offence_type"])["count"].sum().unstack()
    share = by_type.div(by_type.sum(axis=1), axis=0) * 100
    assert share.at[2010, "smuggling"] == pytest.approx(4.0, abs=0.05)
    assert share.at[2013, "smuggling"] == pytest.approx(6.5, abs=0.05)
    assert share.at[2016, "smuggling"] == pytest.approx(9.0, abs=0.05)
    assert share["selling"].to_numpy() == pytest.approx([46.0] * 7, abs=0.05)
    # the rest, in the official proportions 400 : 800 : 100 of 1,300
    rest_2016 = 100 - 9.0 - 46.0
    assert share.at[2016, "possession_personal_use"] == pytest.approx(
        rest_2016 * 800 / 1300, abs=0.05
    )
    assert share.at[2016, "trafficking"] == pytest.approx(rest_2016 * 400 / 1300, abs=0.05)
    assert "cultivation" not in set(rows["offence_type"])


def test_smuggling_share_line():
    assert recon.smuggling_share(2010) == 4.0
    assert recon.smuggling_share(2016) == 9.0


def test_refuses_without_official_rows():
    no_kgz_2011 = official_offences().query("not (country == 'KGZ' and year == 2011)")
    with pytest.raises(ValueError, match="import the WDR 2024 annex table 10.1"):
        recon.reconstruct_drug_offences(no_kgz_2011, official_arrests())
    no_uzb = official_arrests().query("country != 'UZB'")
    with pytest.raises(ValueError, match=r"formal contact for \['UZB'\]"):
        recon.reconstruct_drug_offences(official_offences(), no_uzb)


def test_own_rows_replaced_and_other_sources_kept(rows):
    table = pd.concat(
        [official_offences(), rows.assign(count=rows["count"] + 1)], ignore_index=True
    )
    replaced = replace_own_rows(
        table, rows, rows_of_source(recon.SOURCE), ["country", "year", "offence_type"]
    )
    assert len(replaced) == len(table)
    assert (replaced[replaced["source"] == recon.SOURCE]["count"].sum()) == rows["count"].sum()
    assert replaced[replaced["status"] == "official"].equals(table[table["status"] == "official"])


def test_rerun_reproduces_the_shipped_rows():
    if not (DATA_DIR / "drug_offences.csv").exists():
        pytest.fail("data/drug_offences.csv is missing")
    offences = load_table("drug_offences")
    rebuilt = recon.reconstruct_drug_offences(offences, load_table("drug_arrests"))
    shipped = offences[offences["source"] == recon.SOURCE].reset_index(drop=True)
    pd.testing.assert_frame_equal(shipped, rebuilt[shipped.columns].reset_index(drop=True))
