"""The reconstruction of seizures_quarterly: its rules on synthetic official rows, and the shipped
rows reproduced."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from bulletin.data.tables import check_table
from bulletin.reconstruct import seizures_quarterly as recon

FIVE = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
ANNUAL_SOURCE = "UNODC annual series (test)"


def annual(years=(2015, 2016, 2017), without=()) -> pd.DataFrame:
    """Official annual rows of the five countries; ``without`` lists (country, year) left out."""
    rows = []
    for year in years:
        for n, country in enumerate(FIVE):
            if (country, year) in without:
                continue
            rows += [
                (country, year, "cannabis_herb", 8000.0 + 1000 * n + year - 2015),
                (country, year, "cannabis_resin", 500.0 + n),
                (country, year, "heroin", 200.0 + 10 * n),
                (country, year, "opium", 300.0 + 0.0004),  # below the gram: rounded away
                (country, year, "cannabis_plants", 9999.0),
                (country, year, "ats", 3.0),
            ]
    frame = pd.DataFrame(rows, columns=["country", "year", "drug", "kg"])
    return frame.assign(source=ANNUAL_SOURCE, status="official")


def sums(rows: pd.DataFrame) -> pd.Series:
    return rows.groupby(["country", "year", "drug"])["kg"].sum()


def official_of(frame: pd.DataFrame) -> pd.Series:
    kept = frame[frame["drug"] != "cannabis_plants"]
    return kept.set_index(["country", "year", "drug"])["kg"]


def pair_total(rows: pd.DataFrame, drugs: tuple[str, ...], year=2017, quarter=1) -> float:
    chosen = rows[(rows["year"] == year) & (rows["quarter"] == quarter) & rows["drug"].isin(drugs)]
    return float(chosen["kg"].sum())


def test_every_official_year_is_split_into_quarters_adding_up_to_it_to_the_gram():
    frame = annual()
    rows = recon.reconstruct_seizures_quarterly(frame)
    made, official = sums(rows), official_of(frame)
    assert set(made.index) == set(official.index)
    np.testing.assert_allclose(made[official.index].to_numpy(), official.to_numpy(), atol=0.0005)
    assert (rows.groupby(["country", "year", "drug"]).size() == 4).all()
    grams = rows["kg"].to_numpy() * 1000
    np.testing.assert_allclose(grams, grams.round(), atol=1e-6)  # whole grams


def test_the_seasonal_profile_splits_a_year_without_a_statement():
    rows = recon.reconstruct_seizures_quarterly(annual())
    herb = rows[(rows["country"] == "KAZ") & (rows["year"] == 2016) & (rows["drug"] == "cannabis_herb")]
    assert herb["kg"].tolist() == pytest.approx(
        [8001 * share for share in recon.SEASONAL_PROFILE["cannabis"]], abs=0.001
    )


def test_the_stated_quarter_is_anchored_and_the_year_still_adds_up():
    frame = annual()
    rows = recon.reconstruct_seizures_quarterly(frame)
    for stated in recon.STATED_QUARTERS:
        assert pair_total(rows, stated.drugs) == pytest.approx(stated.anchor_kg, abs=1e-9)
        assert stated.low_kg <= stated.anchor_kg < stated.high_kg
        # shared among the country-drugs in proportion to their official 2017 figures
        year = frame[(frame["year"] == 2017) & frame["drug"].isin(stated.drugs)]
        q1 = rows[(rows["year"] == 2017) & (rows["quarter"] == 1) & rows["drug"].isin(stated.drugs)]
        expected = year.set_index(["country", "drug"])["kg"] / year["kg"].sum() * stated.anchor_kg
        got = q1.set_index(["country", "drug"])["kg"]
        np.testing.assert_allclose(got[expected.index].to_numpy(), expected.to_numpy(), atol=0.001)
    np.testing.assert_allclose(sums(rows)[official_of(frame).index], official_of(frame), atol=0.0005)


def test_the_other_quarters_share_what_the_official_year_leaves_by_the_profile():
    frame = annual()
    rows = recon.reconstruct_seizures_quarterly(frame).set_index(["country", "year", "drug", "quarter"])
    rows = rows.sort_index()
    heroin = rows.loc[("TJK", 2017, "heroin"), "kg"]
    left = 220.0 - heroin[1]
    profile = np.array(recon.SEASONAL_PROFILE["opiates"][1:])
    np.testing.assert_allclose(heroin[[2, 3, 4]].to_numpy(), left * profile / profile.sum(), atol=0.001)
    # a drug of no statement follows the profile, even in the stated year
    assert rows.loc[("TJK", 2017, "ats", 1), "kg"] == pytest.approx(0.75)


def test_a_country_without_an_official_year_has_no_quarters_and_the_anchor_goes_to_the_others():
    build = recon.build_seizures_quarterly(annual(without={("TKM", 2017), ("KAZ", 2015)}))
    rows = build.rows
    assert rows[(rows["country"] == "TKM") & (rows["year"] == 2017)].empty
    assert rows[(rows["country"] == "KAZ") & (rows["year"] == 2015)].empty
    for stated in recon.STATED_QUARTERS:
        assert pair_total(rows, stated.drugs) == pytest.approx(stated.anchor_kg, abs=1e-9)
    notes = " ".join(build.notes)
    assert "TKM has no official 2017 figure" in notes and "five countries" in notes
    assert "2015: no official annual figure for KAZ" in notes


def test_a_statement_larger_than_the_official_year_loses_and_is_reported(caplog):
    frame = annual()
    small = (frame["year"] == 2017) & frame["drug"].isin(["heroin", "opium"])
    frame.loc[small, "kg"] = 100.0  # the five: 1 t of heroin and opium in 2017, below 1.25 t
    with caplog.at_level(logging.INFO, logger="bulletin.reconstruct"):
        build = recon.build_seizures_quarterly(frame)
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and "DISAGREEMENT" in warned[0]
    rows = build.rows
    assert pair_total(rows, ("heroin", "opium")) == pytest.approx(0.22 * 1000)  # the profile
    np.testing.assert_allclose(sums(rows)[official_of(frame).index], official_of(frame), atol=0.0005)
    disagreement = [n for n in build.notes if "DISAGREEMENT" in n]
    assert len(disagreement) == 1
    assert "1.250 t" in disagreement[0] and "1.000 t" in disagreement[0]
    # the cannabis statement fits its year and is still placed
    assert pair_total(rows, ("cannabis_herb", "cannabis_resin")) == pytest.approx(3750.0)


def test_a_statement_on_a_year_nobody_reported_is_not_placed():
    build = recon.build_seizures_quarterly(annual(years=(2015, 2016)))
    assert build.rows[build.rows["year"] == 2017].empty
    assert sum("is not placed" in n for n in build.notes) == len(recon.STATED_QUARTERS)


def test_plants_reconstructed_rows_and_other_years_are_left_out():
    frame = annual(years=(2014, 2015, 2016, 2017, 2018))
    frame = pd.concat(
        [frame, annual(years=(2017,)).assign(status="reconstructed", kg=1e6)], ignore_index=True
    ).drop_duplicates(["country", "year", "drug", "status"])
    rows = recon.reconstruct_seizures_quarterly(frame)
    assert "cannabis_plants" not in set(rows["drug"])
    assert set(rows["year"]) == set(recon.YEARS)
    assert rows["kg"].max() < 1e6  # a reconstructed annual row is never split


def test_every_row_is_marked_and_names_the_script_and_the_official_source():
    rows = recon.reconstruct_seizures_quarterly(annual())
    assert set(rows["status"]) == {"reconstructed"}
    assert rows["source"].str.contains("by bulletin.reconstruct.seizures_quarterly").all()
    assert rows["source"].str.contains(ANNUAL_SOURCE, regex=False).all()
    stated = rows["source"].str.contains("claim C1")
    anchored = (rows["year"] == 2017) & rows["drug"].isin(
        ["cannabis_herb", "cannabis_resin", "heroin", "opium"]
    )
    assert (stated == anchored).all()
    check_table("seizures_quarterly", rows)


def test_split_helpers_add_up_exactly():
    profile = np.array(recon.SEASONAL_PROFILE["cannabis"])
    assert recon.split_year(12345, profile).sum() == 12345
    parts = recon.split_around_anchor(12345, 4000, 1, profile)
    assert parts[0] == 4000 and parts.sum() == 12345
    with pytest.raises(ValueError, match="does not fit"):
        recon.split_around_anchor(100, 101, 1, profile)


def test_refuses_without_any_official_row():
    with pytest.raises(ValueError, match="import the official annual seizures first"):
        recon.reconstruct_seizures_quarterly(annual(years=(2012,)))


def official_quarters(*rows) -> pd.DataFrame:
    """Quarterly rows of another source: (country, year, quarter, drug, kg)."""
    frame = pd.DataFrame(list(rows), columns=["country", "year", "quarter", "drug", "kg"])
    return frame.assign(source="national quarterly figures (test)", status="official")


def test_quarters_of_other_sources_are_not_made_and_the_others_share_what_the_year_leaves():
    frame = annual()
    given = official_quarters(("KGZ", 2016, 3, "heroin", 100.0), ("KGZ", 2016, 4, "heroin", 20.0))
    rows = recon.reconstruct_seizures_quarterly(frame, given)
    kgz = rows[(rows["country"] == "KGZ") & (rows["year"] == 2016) & (rows["drug"] == "heroin")]
    assert sorted(kgz["quarter"]) == [1, 2]  # the given quarters are never made
    year = float(official_of(frame)[("KGZ", 2016, "heroin")])
    assert kgz["kg"].sum() + 120.0 == pytest.approx(year, abs=0.0005)
    profile = recon.SEASONAL_PROFILE["opiates"]
    share = kgz.set_index("quarter")["kg"] / kgz["kg"].sum()
    assert share[1] == pytest.approx(profile[0] / (profile[0] + profile[1]), abs=1e-4)
    others = rows[~((rows["country"] == "KGZ") & (rows["year"] == 2016) & (rows["drug"] == "heroin"))]
    untouched = recon.reconstruct_seizures_quarterly(frame)
    assert len(others.merge(untouched)) == len(others)  # nothing else moves


def test_the_anchor_counts_quarters_of_other_sources_and_shares_only_what_they_leave():
    frame = annual()
    given = official_quarters(("KAZ", 2017, 1, "cannabis_herb", 1000.0))
    build = recon.build_seizures_quarterly(frame, given)
    herb_resin = ("cannabis_herb", "cannabis_resin")
    made = pair_total(build.rows, herb_resin)
    assert made + 1000.0 == pytest.approx(recon.STATED_QUARTERS[0].anchor_kg, abs=0.0005)
    assert any("other sources give cannabis herb and resin for 1 country-drugs" in n for n in build.notes)
    kaz = build.rows[(build.rows["country"] == "KAZ") & (build.rows["year"] == 2017)]
    assert not ((kaz["drug"] == "cannabis_herb") & (kaz["quarter"] == 1)).any()


def test_quarters_of_other_sources_larger_than_the_year_leave_the_rest_missing(caplog):
    frame = annual()
    given = official_quarters(("UZB", 2015, 2, "heroin", 5000.0))
    with caplog.at_level(logging.WARNING):
        build = recon.build_seizures_quarterly(frame, given)
    uzb = build.rows[(build.rows["country"] == "UZB") & (build.rows["year"] == 2015)]
    assert "heroin" not in set(uzb["drug"])  # never negative, never forced
    assert any("DISAGREEMENT between published figures" in n and "5,000.000 kg" in n for n in build.notes)
    assert "DISAGREEMENT" in caplog.text


def test_four_quarters_of_other_sources_leave_nothing_to_make_and_a_difference_is_reported():
    frame = annual()
    given = official_quarters(*[("TJK", 2016, q, "opium", 10.0) for q in (1, 2, 3, 4)])
    build = recon.build_seizures_quarterly(frame, given)
    tjk = build.rows[(build.rows["country"] == "TJK") & (build.rows["year"] == 2016)]
    assert "opium" not in set(tjk["drug"])
    assert any("TJK opium 2016" in n and "add up to 40.000 kg" in n for n in build.notes)


def test_rerun_reproduces_the_shipped_rows(capsys):
    """``make check-data`` on the shipped folder: the rows this script makes are up to date, whatever
    rows of other sources the table holds (they are read as rule 6 reads them)."""
    assert recon.main(["--check"]) == 0, capsys.readouterr().out


def test_a_country_whose_given_quarter_exceeds_its_year_takes_no_share_of_the_anchor():
    """KGZ's given heroin quarter is more than its official year: it stays out of the anchor (its
    other quarters stay missing), and the anchor is shared by the others, without a false alarm."""
    frame = annual()
    year = float(official_of(frame)[("KGZ", 2017, "heroin")])
    given = official_quarters(("KGZ", 2017, 3, "heroin", year + 50.0))
    build = recon.build_seizures_quarterly(frame, given)
    kgz = build.rows[(build.rows["country"] == "KGZ") & (build.rows["year"] == 2017)]
    assert "heroin" not in set(kgz["drug"])
    assert not any("share of the anchor" in n for n in build.notes)
    assert pair_total(build.rows, ("heroin", "opium")) == pytest.approx(
        recon.STATED_QUARTERS[1].anchor_kg, abs=0.0005)
