"""The reconstruction of seizure_cases: its rules, and that it reproduces the shipped rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bulletin import routes
from bulletin.reconstruct import seizure_cases as recon
from bulletin.tables import check_table, load_table
from bulletin.vocab import CENTRAL_ASIA


@pytest.fixture(scope="module")
def annual() -> pd.DataFrame:
    return load_table("seizures_annual")


@pytest.fixture(scope="module")
def rebuilt(annual) -> pd.DataFrame:
    return recon.reconstruct_seizure_cases(annual)


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_table("seizure_cases")


def test_rerun_reproduces_the_shipped_table(rebuilt, shipped):
    pd.testing.assert_frame_equal(
        shipped.reset_index(drop=True), rebuilt[shipped.columns].reset_index(drop=True)
    )


def test_every_row_is_marked_and_names_its_script(shipped):
    assert set(shipped["status"]) == {"reconstructed"}
    assert shipped["source"].str.contains("bulletin.reconstruct.seizure_cases").all()
    assert 5000 < len(shipped) < 20000
    assert set(shipped["country"]) == {*CENTRAL_ASIA, "AFG", "RUS"}
    assert set(shipped["drug"]) == set(recon.DRUGS)


def test_dates_run_from_2006_to_june_2017(shipped):
    first = shipped["date"].str.pad(10, side="right", fillchar="0")
    assert first.min() >= "2006-01-01"
    assert shipped["date"].max() <= "2017-06-30"
    precisions = shipped["date"].str.len().value_counts()
    assert set(precisions.index) == {4, 7, 10} and precisions[10] > 0.9 * len(shipped)
    assert not ((shipped["date"].str.len() == 4) & (shipped["date"] == "2017")).any()


def test_cases_add_up_to_the_official_annual_kilograms(shipped, annual):
    official = annual[
        (annual["status"] == "official")
        & annual["country"].isin(CENTRAL_ASIA)
        & annual["drug"].isin(recon.DRUGS)
        & annual["year"].between(2012, 2016)
    ].set_index(["country", "drug", "year"])["kg"]
    assert len(official) > 80
    sums = shipped.assign(year=shipped["date"].str[:4].astype(int)).groupby(
        ["country", "drug", "year"]
    )["kg"].sum()
    sums = sums.reindex(official.index, fill_value=0.0)
    np.testing.assert_allclose(sums.to_numpy(), official.to_numpy(), rtol=0, atol=1e-6)
    # an official zero means no case at all (Turkmenistan's hashish in 2014 and 2015)
    assert official[("TKM", "cannabis_resin", 2014)] == 0
    assert not ((shipped["country"] == "TKM") & (shipped["drug"] == "cannabis_resin")
                & shipped["date"].str.startswith("2014")).any()


def test_years_without_official_figures_take_the_official_mean(annual):
    targets = recon.annual_targets(annual).set_index(["country", "drug", "year"])
    mean = targets.loc[[("KGZ", "heroin", y) for y in range(2012, 2017)], "kg"].mean()
    assert targets.loc[("KGZ", "heroin", 2008), "kg"] == pytest.approx(mean)
    assert targets.loc[("KGZ", "heroin", 2017), "kg"] == pytest.approx(mean / 2)
    assert targets.loc[("KGZ", "heroin", 2014), "basis"] == "official"


def test_refuses_without_official_rows(annual):
    without = annual[~((annual["country"] == "TJK") & (annual["drug"] == "opium"))]
    with pytest.raises(ValueError, match="import the WDR 2018 annex"):
        recon.reconstruct_seizure_cases(without)


def test_unknowns_stay_unknown_and_routes_cross_up_to_three_countries(shipped):
    for column in recon.ROUTE_FIELDS:
        assert shipped[column].isna().mean() > 0.03, column
    crossed = shipped["transit_countries"].dropna().str.count(";") + 1
    assert crossed.max() == 3


def test_the_baseline_shows_every_leg_the_network_can_produce(shipped):
    variants = recon.route_variants()
    possible = routes.case_legs(variants.assign(case_id=[f"v{i}" for i in range(len(variants))]))
    baseline = routes.cases_within(shipped, routes.BULLETIN_BASELINE)
    seen = routes.case_legs(baseline)
    assert set(routes.leg_names(possible)) == set(routes.leg_names(seen))


def test_consistent_with_the_bulletin_statements(shipped):
    assert routes.check_claim_c7(shipped)["holds"]
    claim = routes.check_claim_c8(shipped)
    assert claim["holds"]
    # wild cannabis in Kazakhstan and Kyrgyzstan (C5): their cannabis is mostly local
    shares = routes.origin_shares(
        routes.cases_within(shipped, routes.BULLETIN_PERIOD), level="drug_group"
    ).set_index(["country", "drug_group", "producing_country"])["share_pct"]
    assert shares[("KAZ", "cannabis", "KAZ")] > 50 and shares[("KGZ", "cannabis", "KGZ")] > 50


def test_variants_of_each_country_and_drug_add_up_to_one():
    variants = recon.route_variants()
    totals = variants.groupby(["country", "drug"])["probability"].sum()
    np.testing.assert_allclose(totals.to_numpy(), 1.0)
    assert len(totals) == len(recon.CASES_PER_YEAR)


def test_draw_cases_is_repeatable_and_passes_the_schema():
    first = recon.draw_cases(2000, seed=3)
    again = recon.draw_cases(2000, seed=3)
    pd.testing.assert_frame_equal(first, again)
    assert len(first) == 2000 and first["case_id"].is_unique
    checked = check_table("seizure_cases", first)
    assert len(checked) == 2000
    assert not recon.draw_cases(2000, seed=4).equals(first)
