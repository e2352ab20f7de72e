"""bulletin.analyses.heroin (analysis 4) on tiny inline frames, with the wording of ratios and of the
years one side seized more."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.analyses import heroin
from bulletin.core.sentences import describe_higher_years
from bulletin.core.wording import describe_times

FIVE = ("KAZ", "KGZ", "TJK", "TKM", "UZB")


def frame(rows: list[tuple]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["country", "year", "drug", "kg", "source", "status"])
    # Test rows rest on every statement: a reconstructed one is then "from this statement".
    return table.assign(source=table["source"] + " (claims C1-C19)")


def year_rows(year: int, per_country: float, russia: float | None, status: str = "official",
              countries: tuple[str, ...] = FIVE) -> list[tuple]:
    rows = [(c, year, "heroin", per_country, "test", status) for c in countries]
    if russia is not None:
        rows.append(("RUS", year, "heroin", russia, "test", status))
    return rows


@pytest.fixture
def seizures() -> pd.DataFrame:
    rows = year_rows(2010, 200.0, 1500.0, "reconstructed") + year_rows(2011, 100.0, 1000.0)
    rows += year_rows(2012, 100.0, None)  # no Russian figure
    rows += year_rows(2013, 300.0, 1000.0, countries=FIVE[:3] + FIVE[4:])  # Turkmenistan missing
    rows += year_rows(2014, 100.0, 250.0)
    rows += [("KAZ", 2014, "opium", 9999.0, "test", "official")]  # not heroin
    return frame(rows)


def test_comparison_in_tons_with_ratio_and_coverage(seizures):
    compared = heroin.comparison(seizures, 2010, 2015).set_index("year")
    assert compared.loc[2010, "central_asia_t"] == pytest.approx(1.0)
    assert compared.loc[2010, "russia_t"] == pytest.approx(1.5)
    assert compared.loc[2010, "ratio"] == pytest.approx(1.5)
    assert bool(compared.loc[2010, "russia_higher"]) is True
    assert compared.loc[2013, "countries"] == 4 and compared.loc[2013, "missing"] == "Turkmenistan"
    assert bool(compared.loc[2013, "russia_higher"]) is False  # 1.2 t against 1.0 t
    assert pd.isna(compared.loc[2012, "russia_higher"]) and pd.isna(compared.loc[2012, "ratio"])
    assert pd.isna(compared.loc[2015, "central_asia_t"]) and compared.loc[2015, "countries"] == 0
    assert compared.loc[2014, "central_asia_t"] == pytest.approx(0.5)  # opium left out


def test_last_seven_years_window(seizures):
    compared = heroin.last_seven_years(seizures, 2016)
    assert compared["year"].tolist() == list(range(2010, 2017))
    assert heroin.last_seven_years(seizures, 2014, years=3)["year"].tolist() == [2012, 2013, 2014]


def test_split_years_never_counts_a_missing_year(seizures):
    higher, lower, missing = heroin.split_years(heroin.comparison(seizures, 2010, 2015))
    assert higher == [2010, 2011]
    assert lower == [2013, 2014]
    assert missing == [2012, 2015]


def test_claim_c6_holds_only_with_both_figures_every_year():
    rows = []
    for year in range(2010, 2017):
        rows += year_rows(year, 100.0, 600.0, "reconstructed" if year < 2012 else "official")
    claim = heroin.check_claim_c6(frame(rows))
    assert claim["holds"] is True
    assert claim["values"]["years_russia_higher"] == list(range(2010, 2017))
    assert claim["values"]["ratio_by_year"]["2016"] == pytest.approx(1.2)
    assert claim["values"]["years_not_official"] == [2010, 2011]
    assert claim["basis"] == "mixed"
    assert "On the official years alone (2012-2016), the Russian Federation seized more in 5 of " \
        "5." in claim["verdict"]
    assert claim["verdict"].endswith(
        "Partly official (30 of 42 figures), partly reconstructed from this statement (12 of 42 "
        "figures).")
    official = heroin.check_claim_c6(frame(rows).assign(status="official"))
    assert official["basis"] == "official" and official["holds"] is True
    without_2015 = frame([r for r in rows if not (r[0] == "RUS" and r[1] == 2015)])
    claim = heroin.check_claim_c6(without_2015)
    # every year with both figures agrees, one has no Russian figure: not testable in full
    assert claim["holds"] is None and claim["values"]["years_without_both"] == [2015]
    assert claim["verdict"].startswith("Not testable on public data: no figures for both sides in "
                                       "2015, so not every year of 2010-2016 can be checked.")
    lower = frame(rows + year_rows(2016, 0.0, None))  # duplicates do not matter here
    lower.loc[(lower["country"] == "RUS") & (lower["year"] == 2013), "kg"] = 100.0
    assert heroin.check_claim_c6(lower)["values"]["years_russia_not_higher"] == [2013]
    assert heroin.check_claim_c6(lower)["holds"] is False


def test_sentences_and_the_northern_route(seizures):
    said = heroin.sentences(heroin.comparison(seizures, 2010, 2014))
    assert said[0] == (
        "The Russian Federation seized more heroin than the five Central Asian countries together "
        "in two of the four years with figures (2010-2011, 2013-2014): 2010-2011. No "
        "figures to compare for 2012."
    )
    assert said[1].startswith("On average over the years with figures, the Russian Federation "
                              "seized about 1.2 times as much heroin")
    assert "From 2010 to 2014: an 83 per cent decrease in the Russian Federation, a 50 per cent " \
        "decrease in Central Asia." in said
    assert any("cover four of the five countries, without Turkmenistan" in s for s in said)
    assert said[-1].startswith("In 2013-2014 the Central Asian countries with figures seized at")


def test_northern_route_reading_follows_the_comparison():
    assert heroin.northern_route_reading([2015, 2016], []).startswith(
        "Assuming that Central Asia continues to be a major route"
    )
    assert "2019" in heroin.northern_route_reading([2018], [2019])
    assert "says nothing" in heroin.northern_route_reading([], [])


def test_table_for_page(seizures):
    table = heroin.table_for_page(heroin.comparison(seizures, 2012, 2015))
    assert list(table.columns) == ["Year", "Central Asia (t)", "Countries with figures",
                                   "Russian Federation (t)", "Russian Federation / Central Asia",
                                   "Data status"]
    assert table["Countries with figures"].tolist() == ["5 of 5", "4 of 5", "5 of 5", "0 of 5"]
    assert table["Data status"].tolist()[-1] == "no figures"


def test_chart_pairs_years_hatches_and_marks_gaps(seizures):
    compared = heroin.comparison(seizures, 2010, 2015)
    fig = heroin.plot_heroin(seizures, compared, title="Heroin seizures in Central Asia and the Russian Federation")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Heroin seizures in Central Asia and the Russian Federation"
    assert ax.get_ylabel() == "Heroin seized (tons)"
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 2  # 2010, both sides
    marks = [t.get_text() for t in ax.texts]
    assert "4/5" in marks
    assert marks.count("no data") == 3  # Russia 2012, both sides 2015
    assert "×1.5" in marks
    note = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "Russian Federation, heroin, 2012" in note and "Turkmenistan, heroin, 2013" in note


def test_key_figures(seizures):
    figures = {f["name"]: f for f in heroin.key_figures(heroin.comparison(seizures, 2010, 2014))}
    assert figures["heroin_central_asia_t"]["period"] == "2014"
    assert figures["heroin_ratio_russia_to_central_asia"]["value"] == pytest.approx(0.5)
    assert figures["heroin_years_russia_higher"]["value"] == 2
    assert figures["heroin_years_compared"]["value"] == 4
    assert all(name.startswith("heroin_") for name in figures)
    assert heroin.key_figures(heroin.comparison(seizures, 2015, 2016)) == []


# --- wording of ratios and of the years one side seized more -------------------------------------

@pytest.mark.parametrize(
    ("ratio", "expected"),
    [(1.744, "about 1.7 times as much"), (2.0, "twice as much"), (1.5, "1.5 times as much"),
     (0.349, "about 0.3 times as much")],
)
def test_describe_times(ratio, expected):
    assert describe_times(ratio) == expected


@pytest.mark.parametrize("ratio", [float("nan"), -1.0, float("inf"), None])
def test_describe_times_refuses_what_is_not_a_ratio(ratio):
    with pytest.raises(ValueError):
        describe_times(ratio)


def test_describe_higher_years():
    assert describe_higher_years("A", "B", "heroin", [2010, 2012], [], [2011]) == (
        "A seized more heroin than B in each of the two years with figures (2010, 2012). "
        "No figures to compare for 2011."
    )
    assert describe_higher_years("A", "B", "heroin", [], [], [2017]) == (
        "No figures to compare for 2017."
    )
    assert describe_higher_years("A", "B", "heroin", [2010], [2011, 2013], []) == (
        "A seized more heroin than B in one of the three years with figures (2010-2011, 2013): "
        "2010."
    )
    # the years that break the run when they are the fewer
    assert describe_higher_years("A", "B", "heroin", [2010, 2011], [2013], []) == (
        "A seized more heroin than B in two of the three years with figures (2010-2011, 2013), "
        "all but 2013."
    )


def test_key_figures_count_the_official_years_apart():
    rows = []
    for year in range(2010, 2017):
        rows += year_rows(year, 100.0, 600.0 if year != 2014 else 50.0,
                          "reconstructed" if year < 2012 else "official")
    figures = {f["name"]: f for f in heroin.key_figures(heroin.comparison(frame(rows), 2010, 2016))}
    assert figures["heroin_years_compared"]["value"] == 7
    assert figures["heroin_years_compared"]["period"] == "2010-2016"
    assert figures["heroin_years_compared"]["status"] == "official+reconstructed"
    assert (figures["heroin_official_years_russia_higher"]["value"],
            figures["heroin_official_years_compared"]["value"]) == (4, 5)
    assert figures["heroin_official_years_compared"]["period"] == "2012-2016"
    assert figures["heroin_years_not_official"] == {
        "name": "heroin_years_not_official", "value": "2010-2011", "unit": "years",
        "period": "2010-2016", "status": "reconstructed"}
    official = {f["name"] for f in heroin.key_figures(heroin.comparison(
        frame(rows).assign(status="official"), 2010, 2016))}
    assert "heroin_years_not_official" not in official
