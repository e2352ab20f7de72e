"""bulletin.analyses.crime (analysis 6, drug-related offences) on tiny inline frames, and the wording it uses."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.analyses import crime, crime_charts, crime_claims, series
from bulletin.core.periods import Quarter
from bulletin.core.sentences import describe_trend
from bulletin.core.wording import join_words
from bulletin.data.schemas import OFFENCE_TYPES


def frame(rows: list[tuple], status: str = "official") -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["country", "year", "offence_type", "count"])
    return table.assign(source="test (claims C1-C19)", status=status)


@pytest.fixture
def offences() -> pd.DataFrame:
    unodc = frame(
        [
            ("KGZ", 2015, "trafficking", 60),
            ("KGZ", 2015, "use_possession", 40),
            ("KGZ", 2016, "trafficking", 30),
            ("KGZ", 2016, "use_possession", 20),
            ("KGZ", 2016, "total", 50),
        ]
    )
    national = frame(
        [
            ("KAZ", 2015, "smuggling", 10),
            ("KAZ", 2015, "selling", 90),
            ("KAZ", 2015, "possession_personal_use", 100),
            ("KAZ", 2016, "smuggling", 30),
            ("KAZ", 2016, "selling", 60),
            ("KAZ", 2016, "possession_personal_use", 60),
            ("RUS", 2016, "selling", 5000),  # not Central Asia: never counted
        ],
        status="reconstructed",
    )
    return pd.concat([unodc, national], ignore_index=True)


def test_every_offence_type_of_the_schema_is_in_the_reference_file():
    assert set(OFFENCE_TYPES) == set(series.offence_types().index)
    iccs = series.offence_types()["iccs_code"]
    assert iccs["possession_personal_use"] == iccs["use_possession"] == "06011"
    assert iccs["smuggling"] == iccs["selling"] == iccs["trafficking"] == "06012"
    assert iccs["total"] == "0601"


def test_unodc_category_maps_national_types():
    assert series.unodc_category("smuggling") == "trafficking"
    assert series.unodc_category("cultivation") == "trafficking"
    assert series.unodc_category("possession_personal_use") == "use_possession"
    with pytest.raises(KeyError, match="offence_types.csv"):
        series.unodc_category("piracy")


def test_period_of_issue():
    assert crime.period_of_issue(Quarter(2017, 2)) == (2010, 2016)
    assert crime.period_of_issue(Quarter(2017, 1)) == (2010, 2016)


def test_classification_of_country_years(offences):
    kinds = series.classify_country_years(offences).set_index(["country", "year"])
    assert kinds.at[("KGZ", 2016), "classification"] == "unodc"
    assert kinds.at[("KAZ", 2016), "classification"] == "national"


def test_totals_take_the_total_row_or_the_sum_of_types(offences):
    totals = series.country_year_totals(offences).set_index(["country", "year"])["count"]
    assert totals[("KGZ", 2016)] == 50
    assert totals[("KGZ", 2015)] == 100  # no total row: the types added up
    assert totals[("KAZ", 2016)] == 150


def test_a_total_that_contradicts_its_types_is_refused(offences):
    bad = offences.copy()
    bad.loc[bad["offence_type"] == "total", "count"] = 51
    with pytest.raises(ValueError, match="KGZ 2016 .total 51, types add up to 50"):
        series.country_year_totals(bad)


def test_regional_totals_count_the_five_countries_and_leave_missing_years_missing(offences):
    totals = crime.regional_totals(offences, 2014, 2016).set_index("year")
    assert pd.isna(totals.at[2014, "count"])
    assert totals.at[2014, "countries_reporting"] == 0
    assert totals.at[2015, "count"] == 300
    assert totals.at[2016, "count"] == 200  # RUS left out
    assert totals.at[2016, "status"] == "official+reconstructed"


def test_national_shares_are_computed_from_counts_over_national_country_years(offences):
    rows = series.rows_in_period(offences, 2015, 2016)
    shares = crime.shares_by_type(rows, series.NATIONAL)
    assert crime.share_of(shares, 2016, "smuggling") == pytest.approx(20.0)  # 30 / 150
    assert crime.share_of(shares, 2016, "selling") == pytest.approx(40.0)
    assert crime.share_of(shares, 2016, "use_possession") is None  # KGZ is not national
    in_2016 = shares[shares["year"] == 2016]
    assert in_2016["share_pct"].sum() == pytest.approx(100.0)
    assert set(in_2016["countries"]) == {"KAZ"}


def test_unodc_shares_map_every_country_year(offences):
    rows = series.rows_in_period(offences, 2016, 2016)
    shares = crime.shares_by_type(rows, series.UNODC)
    # trafficking: KGZ 30 + KAZ smuggling 30 + selling 60 = 120 of 200
    assert crime.share_of(shares, 2016, "trafficking") == pytest.approx(60.0)
    assert crime.share_of(shares, 2016, "use_possession") == pytest.approx(40.0)


def test_no_share_column_is_stored_anywhere(offences):
    assert not any("share" in column for column in offences.columns)


def test_breaks_in_decrease():
    totals = pd.DataFrame({"year": [2010, 2011, 2012, 2013], "count": [9, 8, 8, 7]})
    assert crime.breaks_in_decrease(totals) == [2012]


def steady(counts: list[int]) -> pd.DataFrame:
    years = range(2010, 2010 + len(counts))
    rows = [("KAZ", y, "selling", c) for y, c in zip(years, counts, strict=True)]
    rows += [("KAZ", y, "smuggling", 0) for y in years]
    return frame(rows, status="reconstructed")


def test_c9_holds_for_a_steady_decrease_ending_below_13600():
    claim = crime_claims.check_claim_c9(steady([20000, 19000, 18000, 17000, 16000, 15000, 13575]))
    assert claim["holds"]
    assert claim["values"]["years_breaking_the_decrease"] == []
    assert "reconstructed" in claim["verdict"]


def test_c9_names_the_year_that_breaks_the_run():
    claim = crime_claims.check_claim_c9(steady([20000, 19000, 19500, 17000, 16000, 15000, 13575]))
    assert not claim["holds"]
    assert claim["values"]["years_breaking_the_decrease"] == [2012]
    assert "not steady: 2012 breaks the run" in claim["verdict"]
    assert "increased in 2012" in claim["verdict"]


def test_c9_fails_outside_the_range():
    claim = crime_claims.check_claim_c9(steady([20000, 19000, 18000, 17000, 16000, 15000, 13600]))
    assert not claim["holds"]


def test_c10_and_c11_on_counts():
    rows = [
        ("UZB", 2010, "smuggling", 4),
        ("UZB", 2010, "selling", 46),
        ("UZB", 2010, "other", 50),
        ("UZB", 2016, "smuggling", 9),
        ("UZB", 2016, "selling", 46),
        ("UZB", 2016, "other", 45),
    ]
    offences = frame(rows, status="reconstructed")
    c10, c11 = crime_claims.check_claim_c10(offences), crime_claims.check_claim_c11(offences)
    assert c10["holds"] and c11["holds"]
    assert c10["values"]["smuggling_share_pct_2016"] == pytest.approx(9.0)
    assert c11["values"]["selling_share_pct_2016"] == pytest.approx(46.0)
    wrong = offences.assign(count=offences["count"].where(offences["offence_type"] != "selling", 60))
    assert not crime_claims.check_claim_c11(wrong)["holds"]


def test_headline_is_worded_from_the_numbers():
    text = crime.headline(steady([20000, 19000, 19500, 17000, 16000, 15000, 13575]), 2010, 2016)
    assert "decreased from 2010 to 2016, but not every year: it increased in 2012" in text
    assert "did not fall in 2012" in text
    assert text.startswith("The figures of this page are reconstructed by this "
                           "project, not official.")
    assert ("almost 13,600 reported offences (one country reporting; reconstructed by this "
            "project, not official)") in text
    official = crime.headline(steady([20000, 19000, 18000, 17000, 16000, 15000, 13575]).assign(
        status="official"), 2010, 2016)
    assert official.startswith("The number of reported drug-related offences in the five")
    assert "reconstructed" not in official
    assert ("In the countries that report selling apart (Kazakhstan), offences linked to selling "
            "were 100% of offences in 2016.") in official


def test_c11_is_checked_on_the_five_and_says_which_report_selling(offences):
    claim = crime_claims.check_claim_c11(offences)
    # selling 60 of Kazakhstan's 150 (40%); 60 of the five countries' 200 offences (30%)
    assert claim["values"]["selling_share_pct_2016"] == pytest.approx(40.0)
    assert claim["values"]["selling_share_of_all_five_pct_2016"] == pytest.approx(30.0)
    assert claim["values"]["countries_2016"] == "KAZ"
    assert claim["holds"] is False and claim["basis"] == "reconstructed"
    assert "2016: 40% (40.00%) over Kazakhstan only (over all five countries' offences, 30.0%: a " \
        "floor, as Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan report no selling line)" \
        in claim["verdict"]
    assert ("Countries in 2016: Kazakhstan (reconstructed; selling reported); Kyrgyzstan "
            "(official; by UNODC category, no selling line); Tajikistan, Turkmenistan and "
            "Uzbekistan: no figures.") in claim["verdict"]
    official = crime_claims.check_claim_c11(offences.assign(status="official"))
    assert official["basis"] == "official" and official["verdict"].endswith(
        "Checked against official figures.")


def test_c10_not_testable_when_no_country_reports_smuggling(offences):
    unodc_only = offences[offences["country"] != "KAZ"]
    claim = crime_claims.check_claim_c10(unodc_only)
    assert claim["holds"] is None and claim["basis"] == "official"
    assert claim["verdict"].startswith("Not testable on public data: no country's figures report "
                                       "smuggling offences apart in 2010 and 2016.")


def test_c9_basis_partly_official():
    mixed = steady([20000, 19000, 18000, 17000, 16000, 15000, 13575])
    mixed.loc[mixed["year"] >= 2015, "status"] = "official"
    claim = crime_claims.check_claim_c9(mixed)
    assert claim["basis"] == "mixed"
    assert claim["verdict"].endswith(
        "Partly official (4 of 14 figures), partly reconstructed from this statement (10 of 14 "
        "figures).")


def test_offences_table_marks_reconstructed_figures(offences):
    table = crime.offences_by_country_table(offences, 2015, 2016).set_index("Country")
    assert table.at["Kazakhstan", "2016"] == "150*"
    assert table.at["Kyrgyzstan", "2016"] == "50"
    assert table.at["Total of the countries reporting", "2016"] == "200"  # two of five


def test_definitions_carry_the_bulletin_note_on_selling():
    table = crime.definitions_table().set_index("Offence type")
    note = table.at["Selling", "Definition"]
    assert "illegal purchase, transportation or possession with the purpose of selling" in note


def test_key_figures_are_named_for_the_page(offences):
    figures = {f["name"]: f for f in crime.key_figures(offences, 2015, 2016)}
    assert figures["crime_offences_total"]["value"] == 200
    assert figures["crime_smuggling_share_pct"]["value"] == pytest.approx(20.0)
    assert all(name.startswith("crime_") for name in figures)


def test_charts_draw_and_hatch_reconstructed_bars(offences):
    fig = crime_charts.plot_offences_by_country(offences, 2015, 2016, title="Offences")
    hatches = {p.get_hatch() for p in fig.axes[0].patches}
    assert "///" in hatches and None in hatches  # reconstructed KAZ, official KGZ
    assert crime_charts.plot_shares_by_type(offences, 2015, 2016, title="Types") is not None


def test_years_of_the_period_without_figures_are_said_in_the_charts_and_tables(offences):
    """An issue's period can run past the figures (2024-Q3: to 2023; offences to 2021, types to
    2016): each such year is marked "no data" on the charts and "–" in the tables, never a gap a
    reader takes for zero or a table shorter than its title's period."""

    def no_data(fig) -> set[int]:
        return {round(t.get_position()[0]) for t in fig.axes[0].texts if t.get_text() == "no data"}

    def note(fig) -> str:  # under the chart, and in its caption and alt text
        return " ".join(t.get_text() for t in fig.texts).replace("\n", " ")

    for plot in (crime_charts.plot_offences_by_country, crime_charts.plot_shares_by_type):
        fig = plot(offences, 2014, 2017, title="t")
        assert no_data(fig) == {2014, 2017}
        assert "No figures at all for 2014, 2017." in note(fig)
        assert "No figures at all" not in note(plot(offences, 2015, 2016, title="t"))
    table = crime.offences_by_country_table(offences, 2014, 2017).set_index("Country")
    assert list(table.columns) == ["2014", "2015", "2016", "2017"]
    assert set(table["2017"]) == {"–"} and table.at["Kyrgyzstan", "2016"] == "50"
    for shares in (crime.shares_by_type(offences, crime.NATIONAL),
                   crime.shares_by_type(offences, crime.UNODC)):
        by_type = crime.shares_table(shares, range(2014, 2018)).set_index("Offence type")
        assert list(by_type.columns) == ["2014", "2015", "2016", "2017"]
        assert set(by_type["2014"]) == {"–"} and set(by_type["2017"]) == {"–"}
        assert by_type.loc["All offences (number)", "2016"] != "–"


def test_a_year_whose_figures_are_all_copies_of_a_neighbour_says_not_drawn(offences):
    """2017-Q2's 2010-2011 arrests are reconstructed by repeating 2012's: not drawn, and the slot
    said so on the chart, not only in the note under it."""
    copied = frame([("KGZ", 2014, "total", 100)], status="reconstructed")  # = KGZ 2015
    fig = crime_charts.plot_offences_by_country(pd.concat([offences, copied]), 2013, 2016,
                                                title="t")
    marks = {round(t.get_position()[0]): t.get_text() for t in fig.axes[0].texts}
    assert marks == {2013: "no data", 2014: "not drawn"}


def test_a_country_keeps_its_colour_whichever_countries_report(offences):
    """2017-Q2's arrests (no Kazakhstan) drew Kyrgyzstan blue, Kazakhstan's colour on the
    offences page just above it: one country, two colours in one issue."""
    import matplotlib.pyplot as plt

    without_kazakhstan = offences[offences["country"] != "KAZ"]
    fig = crime_charts.plot_offences_by_country(without_kazakhstan, 2015, 2016, title="t")
    [bars] = [c for c in fig.axes[0].containers if c.get_label() == "Kyrgyzstan"]  # official
    colour = bars.patches[0].get_facecolor()
    assert colour[:3] == pytest.approx(plt.get_cmap("tab10").colors[1])  # orange, as with all five


# --- wording added for the crime pages (core.sentences.describe_trend, core.wording.join_words) ---

TREND_CASES = [
    ({2010: 5, 2011: 4, 2012: 3}, "decreased every year from 2010 to 2012"),
    ({2010: 5, 2011: 6}, "increased from 2010 to 2011"),
    ({2010: 5, 2011: 5}, "did not change from 2010 to 2011"),
    ({2010: 5, 2011: 4, 2012: 3, 2013: 6}, "decreased every year from 2010 to 2012, then increased in 2013"),
    ({2010: 5, 2011: 4, 2012: 6, 2013: 7}, "decreased from 2010 to 2011, then increased every year to 2013"),
    (
        {2010: 9, 2011: 8, 2012: 8.5, 2013: 7, 2014: 6},
        "decreased from 2010 to 2014, but not every year: it increased in 2012",
    ),
    (
        {2010: 9, 2011: 9, 2012: 8, 2013: 7},
        "decreased from 2010 to 2013, but not every year: it did not change in 2011",
    ),
    ({2010: 5, 2011: 6, 2012: 5}, "increased from 2010 to 2011, then decreased in 2012"),
]


@pytest.mark.parametrize(("values", "expected"), TREND_CASES)
def test_describe_trend(values, expected):
    assert describe_trend(values) == expected


@pytest.mark.parametrize(
    "bad",
    [{2010: 1}, {2010: 1, 2012: 2}, {2010: 1, 2011: None}, {2010: 1, 2011: -2}, {}],
)
def test_describe_trend_refuses_what_it_cannot_describe(bad):
    with pytest.raises(ValueError):
        describe_trend(bad)


def test_join_words():
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(("a", "b", "c")) == "a, b and c"
    with pytest.raises(ValueError):
        join_words([])
