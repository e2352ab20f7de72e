"""bulletin.analyses.drug_market (analysis 2) on tiny inline frames, with the wording of peaks and the
largest group."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bulletin.analyses import drug_market
from bulletin.core.periods import Quarter
from bulletin.core.sentences import describe_largest_each_year, describe_peak
from bulletin.publish.charts import RECONSTRUCTED_HATCH


def frame(rows: list[tuple]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["country", "year", "drug", "kg", "source", "status"])
    # Test rows rest on every statement: a reconstructed one is then "from this statement".
    return table.assign(source=table["source"] + " (claims C1-C19)")


def year_rows(year: int, herb: float, resin: float, heroin: float, opium: float, status: str,
              countries: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM", "UZB")) -> list[tuple]:
    """Each country seizes the same: the regional total is five times (or n times) the figure."""
    rows = []
    for country in countries:
        for drug, kg in (("cannabis_herb", herb), ("cannabis_resin", resin), ("heroin", heroin),
                         ("opium", opium)):
            rows.append((country, year, drug, kg, "test", status))
    return rows


@pytest.fixture
def seizures() -> pd.DataFrame:
    rows = (
        year_rows(2000, 400, 100, 200, 800, "reconstructed")
        + year_rows(2003, 400, 100, 900, 500, "reconstructed")
        + year_rows(2004, 400, 100, 900, 400, "reconstructed")
        + year_rows(2012, 1600, 100, 100, 200, "official")
        + year_rows(2013, 1700, 100, 100, 100, "official")
        # 2014: no figures at all; 2015: Turkmenistan missing
        + year_rows(2015, 1800, 200, 100, 100, "official", ("KAZ", "KGZ", "TJK", "UZB"))
        + [("RUS", 2013, "heroin", 99999.0, "test", "official"),  # never in the five
           ("KAZ", 2013, "cannabis_plants", 99999.0, "test", "official")]  # not a market drug
    )
    return frame(rows)


def test_a_first_year_before_any_figure_starts_the_page_at_the_first_figure(seizures):
    # The fixture's first figures are of 2000: a page asked to start in 1800 starts there rather
    # than after two centuries of empty slots; a year within the figures is kept as asked.
    issue = Quarter(2017, 2)
    assert drug_market.years_shown(seizures, issue, 1800) == (2000, 2016)
    assert drug_market.years_shown(seizures, issue) == (2000, 2016)
    assert drug_market.years_shown(seizures, issue, 2003, 2014) == (2003, 2014)


def test_market_by_year_sums_the_five_in_tons(seizures):
    market = drug_market.market_by_year(seizures, 2012, 2015).set_index("year")
    assert market.loc[2012, "cannabis_herb_t"] == pytest.approx(8.0)
    assert market.loc[2012, "cannabis_t"] == pytest.approx(8.5)
    assert market.loc[2013, "heroin_t"] == pytest.approx(0.5)  # Russia left out
    assert market.loc[2013, "total_t"] == pytest.approx(10.0)  # plants left out
    assert market.loc[2013, "countries"] == 5 and market.loc[2013, "status"] == "official"


def test_market_keeps_missing_years_and_countries_missing(seizures):
    market = drug_market.market_by_year(seizures, 2012, 2015).set_index("year")
    assert market.loc[2014, ["total_t", "cannabis_t", "heroin_t"]].isna().all()
    assert market.loc[2014, "countries"] == 0 and market.loc[2014, "status"] == ""
    assert market.loc[2015, "countries"] == 4
    assert market.loc[2015, "total_t"] == pytest.approx(4 * 2.2 / 1)


def test_composition_adds_up_to_100(seizures):
    shares = drug_market.composition(drug_market.market_by_year(seizures, 2012, 2013))
    expected = pd.DataFrame(
        {"year": [2012, 2013], "cannabis_pct": [85.0, 90.0], "heroin_pct": [5.0, 5.0],
         "opium_pct": [10.0, 5.0]}
    )
    pd.testing.assert_frame_equal(shares.reset_index(drop=True), expected, check_dtype=False)


def test_peak_years_run_ties_together(seizures):
    market = drug_market.market_by_year(seizures, 2000, 2015)
    assert drug_market.peak_years(market, "heroin") == ([2003, 2004], pytest.approx(4.5))
    assert drug_market.peak_years(market, "opium") == ([2000], pytest.approx(4.0))
    empty = drug_market.market_by_year(seizures, 2014, 2014)
    years, top = drug_market.peak_years(empty, "heroin")
    assert years == [] and math.isnan(top)


def test_largest_group_by_year_skips_years_without_figures(seizures):
    market = drug_market.market_by_year(seizures, 2000, 2015)
    largest = drug_market.largest_group_by_year(market)
    assert largest == {2000: "opium", 2003: "heroin", 2004: "heroin", 2012: "cannabis",
                       2013: "cannabis", 2015: "cannabis"}


def test_claim_c2_holds_on_the_frame_and_says_the_peaks_are_reconstructed(seizures):
    claim = drug_market.check_claim_c2(seizures)
    assert claim["claim_id"] == "C2" and claim["holds"] is True
    assert claim["values"]["heroin_peak_years"] == [2003, 2004]
    assert claim["values"]["opium_peak_years"] == [2000]
    assert claim["values"]["peak_years_reconstructed"] is True
    # the peak years decide the check: reconstructed from the statement, it holds by construction
    assert claim["basis"] == "reconstructed"
    assert claim["values"]["basis_rows"] == {"reconstructed_from_claim": 15}
    assert claim["verdict"].endswith(
        "Holds by construction: the figures were reconstructed from this statement.")


def test_claim_c2_on_official_peaks_is_checked_against_them(seizures):
    official = seizures.assign(status="official")
    claim = drug_market.check_claim_c2(official)
    assert claim["holds"] is True and claim["basis"] == "official"
    assert claim["verdict"].endswith("Consistent with the statement. Checked against official figures.")
    # official peaks, one stated row among them: partly official
    stated = official.copy()
    peak = (stated["country"] == "KAZ") & (stated["year"] == 2003) & (stated["drug"] == "heroin")
    stated.loc[peak, "status"] = "stated"
    assert drug_market.check_claim_c2(stated)["basis"] == "mixed"
    # a row outside the peak years does not change the basis
    stated.loc[peak, "status"] = "official"
    stated.loc[stated["year"] == 2012, "status"] = "reconstructed"
    assert drug_market.check_claim_c2(stated)["basis"] == "official"


def test_claim_c2_not_testable_when_the_figures_miss_the_years_it_names(seizures):
    recent = seizures[seizures["year"] >= 2012]
    claim = drug_market.check_claim_c2(recent)
    assert claim["holds"] is None and claim["basis"] == "official"
    assert claim["verdict"] == (
        "Not testable on public data: the figures cover 2012-2013, 2015, not the years the "
        "statement names (2003-2004 for heroin, 1990-2000 for opium). The figures examined are "
        "official."
    )


def test_claim_c2_fails_when_a_later_year_is_higher(seizures):
    later = frame(year_rows(2010, 0, 0, 5000, 0, "official"))
    claim = drug_market.check_claim_c2(pd.concat([seizures, later], ignore_index=True))
    assert claim["holds"] is False
    assert claim["values"]["heroin_peak_years"] == [2010]
    assert "does not hold" in claim["verdict"]


def test_claim_c3_needs_cannabis_largest_in_every_year_2012_2016(seizures):
    complete = pd.concat(
        [seizures, frame(year_rows(2014, 1500, 100, 100, 100, "official")),
         frame(year_rows(2016, 1500, 100, 100, 100, "official"))],
        ignore_index=True,
    )
    claim = drug_market.check_claim_c3(complete)
    assert claim["holds"] is True
    assert set(claim["values"]["largest_group_by_year"].values()) == {"cannabis"}
    # a year without figures cannot support "every year"
    assert drug_market.check_claim_c3(seizures)["holds"] is False
    heroin_year = pd.concat(
        [complete[complete["year"] != 2016], frame(year_rows(2016, 10, 10, 900, 10, "official"))],
        ignore_index=True,
    )
    assert drug_market.check_claim_c3(heroin_year)["holds"] is False


def test_sentences_follow_the_numbers(seizures):
    market = drug_market.market_by_year(seizures, 2000, 2015)
    said = drug_market.sentences(market)
    assert "Heroin seizures were highest in 2003-2004: almost five tons a year." in said
    assert (
        "The largest group by weight was opium in 2000, and marijuana and hashish in 2012-2013 "
        "and 2015." not in said
    )  # only the last five years of the table are named
    assert any(s.startswith("The largest group by weight was marijuana and hashish") for s in said)
    assert said[-1].startswith("In 2015, almost nine tons of the four drugs were seized (four of "
                               "the five countries have figures)")


def test_table_for_page_labels_status_and_coverage(seizures):
    table = drug_market.table_for_page(drug_market.market_by_year(seizures, 2013, 2015))
    assert list(table.columns[:3]) == ["Year", "Marijuana (cannabis herb) (t)",
                                       "Hashish (cannabis resin) (t)"]
    assert table["Countries with figures"].tolist() == ["5 of 5", "0 of 5", "4 of 5"]
    assert table["Data status"].tolist() == ["official", "no figures", "official"]


def test_chart_tells_reconstructed_and_missing_years_apart(seizures):
    market = drug_market.market_by_year(seizures, 2000, 2015)
    fig = drug_market.plot_drug_market(seizures, market, title="Drug market in Central Asia")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Drug market in Central Asia"
    assert ax.get_ylabel() == "Seizures (tons)"
    hatched = {round(p.get_x() + p.get_width() / 2) for p in ax.patches if p.get_hatch()}
    assert hatched == {2000, 2003, 2004}
    assert all(p.get_hatch() == RECONSTRUCTED_HATCH for p in ax.patches if p.get_hatch())
    marks = [t.get_text() for t in ax.texts]
    assert "4/5" in marks and marks.count("no data") == 10  # 2001-2002, 2005-2011, 2014
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "reconstructed, not official" in legend and "official" in legend
    note = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "Turkmenistan, all drugs shown, 2015" in note
    assert "not official (2000, 2003-2004)" in note


def test_key_figures_of_the_last_year_with_figures(seizures):
    figures = {f["name"]: f for f in drug_market.key_figures(
        drug_market.market_by_year(seizures, 2000, 2015))}
    assert figures["market_cannabis_t"]["period"] == "2015"
    assert figures["market_countries_covered"]["value"] == 4
    assert figures["market_heroin_peak_years"]["value"] == "2003-2004"
    assert figures["market_heroin_peak_years"]["status"] == "reconstructed"
    assert all(name.startswith("market_") for name in figures)
    assert drug_market.key_figures(drug_market.market_by_year(seizures, 2014, 2014)) == []


# --- wording of peaks and of the largest group --------------------------------------------------

@pytest.mark.parametrize(
    ("what", "years", "tons", "expected"),
    [("Heroin", [2003, 2004], 11.131, "Heroin seizures were highest in 2003-2004: over 11 tons a year."),
     ("Opium", list(range(1990, 2001)), 11.0, "Opium seizures were highest in 1990-2000: 11 tons a year."),
     ("Heroin", [2013], 1.619, "Heroin seizures were highest in 2013: almost two tons.")],
)
def test_describe_peak(what, years, tons, expected):
    assert describe_peak(what, years, tons) == expected


def test_describe_peak_refuses_missing_figures():
    with pytest.raises(ValueError):
        describe_peak("Heroin", [2003], float("nan"))
    with pytest.raises(ValueError, match="at least one year"):
        describe_peak("Heroin", [], 1.0)


def test_describe_largest_each_year():
    assert describe_largest_each_year({2016: "heroin"}) == (
        "The largest group by weight was heroin in 2016."
    )
    assert describe_largest_each_year(
        {2012: "cannabis", 2013: "opium", 2014: "cannabis", 2015: "cannabis", 2016: "opium"}
    ) == "The largest group by weight was cannabis in 2012 and 2014-2015, and opium in 2013 and 2016."
    with pytest.raises(ValueError, match="at least one year"):
        describe_largest_each_year({})
