"""bulletin.analyses.arrests (analysis 7, persons arrested for drug-related crime) on tiny inline frames."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.analyses import arrests, arrests_charts, arrests_claims
from bulletin.analyses.series import persons_by_country_year
from bulletin.publish import main_points


def frame(rows: list[tuple], status: str = "official") -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["country", "year", "sex", "age_group", "count"])
    return table.assign(source="test (claims C1-C19)", status=status)


def person_lines(country: str, year: int, total: int, women: int, juveniles: int) -> list[tuple]:
    return [
        (country, year, "total", "total", total),
        (country, year, "female", "total", women),
        (country, year, "male", "total", total - women),
        (country, year, "total", "juvenile", juveniles),
        (country, year, "total", "adult", total - juveniles),
    ]


@pytest.fixture
def persons() -> pd.DataFrame:
    rows = person_lines("KAZ", 2015, 1000, 70, 3) + person_lines("KAZ", 2016, 2000, 100, 2)
    rows += [
        # Tajikistan 2016 reports men and women only, no line for all persons
        ("TJK", 2016, "male", "total", 900),
        ("TJK", 2016, "female", "total", 100),
        # Uzbekistan 2016: adults only (no juveniles line): no share by age from it
        ("UZB", 2016, "total", "total", 500),
        ("UZB", 2016, "total", "adult", 500),
        ("RUS", 2016, "total", "total", 99999),  # not Central Asia
    ]
    return frame(rows)


def test_persons_take_the_total_line_else_a_complete_breakdown(persons):
    totals = persons_by_country_year(persons).set_index(["country", "year"])["count"]
    assert totals[("KAZ", 2016)] == 2000
    assert totals[("TJK", 2016)] == 1000  # men + women
    assert totals[("UZB", 2016)] == 500


def test_a_half_breakdown_is_no_total():
    rows = frame([("TJK", 2016, "male", "total", 900)])
    assert persons_by_country_year(rows).empty


def test_regional_persons(persons):
    regional = arrests.regional_persons(persons, 2014, 2016).set_index("year")
    assert pd.isna(regional.at[2014, "count"])
    assert regional.at[2016, "count"] == 3500
    assert regional.at[2016, "countries_reporting"] == 3


def test_shares_are_computed_from_counts_over_the_countries_reporting_each_breakdown(persons):
    shares = arrests.shares_of_women_and_juveniles(persons[persons["country"] != "RUS"])
    in_2016 = shares.set_index("year").loc[2016]
    # women: KAZ 100 + TJK 100 over KAZ 2000 + TJK 1000 (UZB has no line by sex)
    assert in_2016["women_count"] == 200
    assert in_2016["persons_with_sex"] == 3000
    assert in_2016["women_share_pct"] == pytest.approx(200 / 3000 * 100)
    # juveniles: KAZ only
    assert in_2016["juveniles_share_pct"] == pytest.approx(0.1)
    assert shares.set_index("year").at[2015, "women_share_pct"] == pytest.approx(7.0)


def test_turning_years():
    totals = pd.DataFrame({"year": range(2010, 2017), "count": [9, 8, 7, 6, 5, 4, 6]})
    assert arrests.turning_years(totals) == [2015]
    flat = pd.DataFrame({"year": [2010, 2011, 2012], "count": [5, 5, 4]})
    assert arrests.turning_years(flat) == []


def series(counts: list[int], women_pct: float = 7.0, juvenile_pct: float = 0.3) -> pd.DataFrame:
    rows = []
    for year, total in zip(range(2010, 2017), counts, strict=True):
        women = round(total * women_pct / 100)
        young = round(total * juvenile_pct / 100)
        rows += person_lines("UZB", year, total, women, young)
    return frame(rows, status="reconstructed")


def test_c12_holds_for_a_fall_then_a_rise_to_almost_12400():
    claim = arrests_claims.check_claim_c12(series([19000, 18000, 17000, 16000, 14000, 11800, 12375]))
    assert claim["holds"], claim["verdict"]
    assert claim["values"]["turning_years"] == [2015]
    assert "then increased in 2016" in claim["verdict"]
    assert "reconstructed" in claim["verdict"]


def test_c12_fails_when_a_year_breaks_the_downward_trend_or_2016_falls():
    rise_in_2013 = arrests_claims.check_claim_c12(series([19000, 18000, 17000, 17500, 14000, 11800, 12375]))
    assert not rise_in_2013["holds"]
    assert rise_in_2013["values"]["years_not_below_the_year_before_2011_2015"] == [2013]
    fall_in_2016 = arrests_claims.check_claim_c12(series([19000, 18000, 17000, 16000, 14000, 12500, 12375]))
    assert not fall_in_2016["holds"]


def test_c13_and_c14():
    rows = series([19000, 18000, 17000, 16000, 14000, 11800, 12375])
    assert arrests_claims.check_claim_c13(rows)["values"]["mean_women_share_pct"] == pytest.approx(7.0, abs=0.01)
    assert arrests_claims.check_claim_c13(rows)["holds"]
    c14 = arrests_claims.check_claim_c14(rows)
    assert c14["holds"]
    assert c14["values"]["juveniles_2016"] == 37
    assert not arrests_claims.check_claim_c13(series([10000] * 7, women_pct=8.0))["holds"]
    assert not arrests_claims.check_claim_c14(series([10000] * 7, juvenile_pct=0.5))["holds"]


def test_headline_and_turn_in_words():
    rows = series([19000, 18000, 17000, 16000, 14000, 11800, 12375]).assign(status="official")
    text = arrests.headline(rows, 2010, 2016)
    assert "decreased every year from 2010 to 2015, then increased in 2016" in text
    assert "almost 12,400 people were arrested (one country reporting)" in text
    assert "about 7%" in text and "approximately 0.3%" in text
    assert "reconstructed" not in text
    assert "turns in 2015" in arrests.turn_sentence(rows, 2010, 2016)


def test_headline_says_when_its_figures_are_reconstructed():
    text = arrests.headline(series([19000, 18000, 17000, 16000, 14000, 11800, 12375]), 2010, 2016)
    assert text.startswith("The figures of this page are reconstructed by this "
                           "project, not official. On them, the number of persons arrested")
    assert ("Women were on average about 7% of persons arrested in 2010-2016: reconstructed by "
            "this project, not official, the bulletin's own figure given back.") in text


def test_claims_c12_to_c14_basis_from_the_rows_they_use():
    rows = series([19000, 18000, 17000, 16000, 14000, 11800, 12375])
    for check in (arrests_claims.check_claim_c12, arrests_claims.check_claim_c13, arrests_claims.check_claim_c14):
        claim = check(rows)
        assert claim["basis"] == "reconstructed" and "Holds by construction" in claim["verdict"]
        assert check(rows.assign(status="official"))["basis"] == "official"
    # official persons for 2014-2016 (one year's juveniles stated): partly official
    mixed = rows.assign(status=["official" if y >= 2014 else "reconstructed" for y in rows["year"]])
    mixed.loc[(mixed["year"] == 2016) & (mixed["age_group"] == "juvenile"), "status"] = "stated"
    assert arrests_claims.check_claim_c13(mixed)["basis"] == "mixed"
    assert arrests_claims.check_claim_c14(mixed)["basis"] == "mixed"  # stated juveniles, official total
    missing = rows[rows["year"] != 2013]
    claim = arrests_claims.check_claim_c12(missing)
    assert claim["holds"] is None
    assert claim["verdict"].startswith("Not testable on public data: no persons arrested for 2013.")


def test_key_figures_and_charts(persons):
    rows = series([19000, 18000, 17000, 16000, 14000, 11800, 12375])
    figures = {f["name"]: f for f in arrests.key_figures(rows, 2010, 2016)}
    assert figures["arrests_persons_total"]["value"] == 12375
    assert figures["arrests_trend_turning_year"]["value"] == 2015
    assert all(name.startswith("arrests_") for name in figures)
    assert "arrests_persons_official" not in figures  # nothing official in 2016
    fig = arrests_charts.plot_persons_by_country(rows, 2010, 2016, title="Persons arrested")
    assert {p.get_hatch() for p in fig.axes[0].patches} == {"///"}
    official = rows.assign(status="official")
    assert arrests_charts.plot_shares(official, 2010, 2016, title="Shares") is not None
    figures = {f["name"]: f for f in arrests.key_figures(official, 2010, 2016)}
    assert figures["arrests_persons_official"]["value"] == 12375
    assert figures["arrests_persons_official_countries"]["value"] == "UZB"


def test_shares_held_flat_by_a_reconstruction_are_not_drawn():
    flat = series([19000, 18000, 17000, 16000, 14000, 11800, 12375])
    assert arrests_charts.plot_shares(flat, 2010, 2016, title="Shares") is None
    assert arrests_charts.shares_not_drawn(flat, 2010, 2016).startswith(
        "No chart of the shares of women and juveniles for 2010-2016")
    # official years are drawn; the reconstructed years held flat beside them are not
    mixed = flat.assign(status=["official" if y >= 2014 else "reconstructed" for y in flat["year"]])
    fig = arrests_charts.plot_shares(mixed, 2010, 2016, title="Shares")
    assert fig is not None and arrests_charts.shares_not_drawn(mixed, 2010, 2016) == ""
    women = fig.axes[0].get_lines()[0]
    drawn = [int(x) for x, y in zip(women.get_xdata(), women.get_ydata(), strict=True)
             if not pd.isna(y)]
    assert drawn == [2014, 2015, 2016]
    note = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "Not drawn: women 2010-2013; juveniles 2010-2013" in note


def test_each_year_of_the_period_without_a_point_on_the_share_chart_says_why():
    """A future issue's period runs past the figures (2024-Q3's to 2023, the shares to 2022): the
    year keeps its slot, marked "no data"; a gap inside the period breaks the lines instead of
    joining the years around it; years held flat say "not drawn" in their slots too."""
    flat = series([19000, 18000, 17000, 16000, 14000, 11800, 12375])
    mixed = flat.assign(status=["official" if y >= 2014 else "reconstructed" for y in flat["year"]])
    mixed = mixed[mixed["year"] != 2015]  # nothing for 2015
    fig = arrests_charts.plot_shares(mixed, 2010, 2018, title="Shares")
    ax = fig.axes[0]
    marks = {round(t.get_position()[0]): t.get_text() for t in ax.texts}
    assert marks == {2010: "not drawn", 2011: "not drawn", 2012: "not drawn", 2013: "not drawn",
                     2015: "no data", 2017: "no data", 2018: "no data"}
    assert list(ax.get_xticks()) == list(range(2010, 2019))
    women = ax.get_lines()[0]
    points = dict(zip((int(x) for x in women.get_xdata()), women.get_ydata(), strict=True))
    assert pd.isna(points[2015]) and not pd.isna(points[2014]) and not pd.isna(points[2016])
    note = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "No figures at all for 2015, 2017-2018." in note
    persons = arrests_charts.plot_persons_by_country(mixed, 2010, 2018, title="Persons")
    note = " ".join(t.get_text() for t in persons.texts).replace("\n", " ")
    assert "No figures at all for 2015, 2017-2018." in note


FLAGS = [{"key": {"country": "KGZ", "year": 2016, "offence_type": "trafficking"},
          "values": {"total": 8841, "adults": 816},
          "reason": "adults are a tenth of the persons"},
         {"key": {"country": "KGZ", "year": 2019}, "values": 5, "reason": "later"}]


def test_flagged_rows_are_named_under_the_table_and_chart_of_their_years():
    assert arrests.describe_flag(FLAGS[0]) == (
        "Kyrgyzstan 2016, trafficking: total 8,841, adults 816 (adults are a tenth of the "
        "persons)")
    note = arrests.flagged_note(FLAGS, 2010, 2016)
    assert note == (
        "Figures flagged as implausible when they were imported, kept as published: Kyrgyzstan "
        "2016, trafficking: total 8,841, adults 816 (adults are a tenth of the persons).")
    assert arrests.flagged_note(FLAGS, 2010, 2015) == ""
    rows = series([19000, 18000, 17000, 16000, 14000, 11800, 12375])
    assert arrests.table_note(rows, FLAGS).endswith(note)
    assert "flagged" not in arrests.table_note(rows)
    fig = arrests_charts.plot_persons_by_country(rows, 2010, 2016, FLAGS, title="Persons arrested")
    text = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "Kyrgyzstan 2016" in text and "8,841" in text


def test_the_key_figures_name_the_countries_whose_last_year_is_flagged():
    """The 2017-Q2 front page stated the 2016 total, 17,694 of whose 24,269 persons are
    Kyrgyzstan's flagged figures, without a word of the flag the page carries."""
    rows = series([19000, 18000, 17000, 16000, 14000, 11800, 12375]).assign(status="official")
    figures = {f["name"]: f for f in arrests.key_figures(rows, 2010, 2016, FLAGS)}
    assert "arrests_persons_flagged_countries" not in figures  # UZB's rows, KGZ flagged
    kyrgyz = rows.assign(country="KGZ")
    figures = {f["name"]: f for f in arrests.key_figures(kyrgyz, 2010, 2016, FLAGS)}
    assert figures["arrests_persons_flagged_countries"] == {
        "name": "arrests_persons_flagged_countries", "value": "KGZ", "unit": "countries (ISO3)",
        "period": "2016", "status": "official"}
    assert figures["arrests_persons_countries_reporting"]["value"] == 1
    earlier = {f["name"] for f in arrests.key_figures(kyrgyz, 2010, 2015, FLAGS)}
    assert "arrests_persons_flagged_countries" not in earlier  # the flag is of 2016
    point = main_points.arrests_point(figures)
    assert point.sentence == (
        "In 2016, almost 12,400 people were arrested for drug-related crime in Central Asia, one "
        "of the five countries reporting (2016 figures of Kyrgyzstan flagged as implausible when "
        "imported, kept as published); women were 7% of those arrested on average over "
        "2010-2016.")
    assert figures["arrests_persons_flagged_countries"] in point.figures


def test_the_official_figures_since_are_the_official_rows_of_the_later_years_only():
    """The 2012-2015 issues' tables titled "(official)" said "reconstructed by this project
    (2015)" under them: their note was made from every row of the later years."""
    official = frame(person_lines("TKM", 2014, 730, 30, 0) + person_lines("TKM", 2016, 730, 35, 0))
    between = frame(person_lines("TKM", 2015, 730, 32, 0), status="reconstructed")
    earlier = frame(person_lines("TKM", 2011, 700, 30, 0), status="reconstructed")
    years, rows = arrests.official_since(pd.concat([earlier, official, between]), 2013)
    assert years == (2014, 2016)
    assert set(rows["status"]) == {"official"} and sorted(set(rows["year"])) == [2014, 2016]
    assert "reconstructed" not in arrests.table_note(rows)
    assert arrests.official_since(earlier, 2013) is None


def test_later_official_years_are_described_apart(persons):
    later = persons.assign(year=persons["year"] + 4)  # 2019-2020, official
    assert arrests.later_shares_sentence(later, 2019, 2020).startswith(
        "The official figures published since, for 2019-2020"
    )
    one_year = arrests.later_shares_sentence(later, 2019, 2019)
    assert "for 2019 (" in one_year and "women at 7% and juveniles at 0.3%" in one_year


def test_claim_c12_names_the_flagged_figures_it_rests_on():
    rows = series([19000, 18000, 17000, 16000, 14000, 11800, 12375]).assign(status="official")
    flag = {"key": {"country": "KGZ", "year": 2016, "offence_type": "trafficking"},
            "values": {"Total": 8841}, "reason": "more than 5 times its neighbours",
            "publication": "World Drug Report 2022"}
    outside = {**flag, "key": {**flag["key"], "year": 2021}}
    claim = arrests_claims.check_claim_c12(rows, [flag, outside])
    assert "flagged as implausible" in claim["verdict"] and "more than 5 times" in claim["verdict"]
    assert claim["values"]["flagged_rows"] == [flag["key"]]
    assert "flagged" not in arrests_claims.check_claim_c12(rows, [outside])["verdict"]


def test_a_year_of_the_period_without_any_figure_is_said_on_the_chart_and_in_the_tables(persons):
    """The 2024-Q3 issue's period runs to 2023, its figures to 2022: the last year was a gap.

    The chart left an empty slot a reader takes for zero, and the tables stopped a year short of
    their titles' period.
    """
    fig = arrests_charts.plot_persons_by_country(persons, 2014, 2017, title="t, 2014-2017")
    marked = {round(text.get_position()[0]) for text in fig.axes[0].texts
              if text.get_text() == "no data"}
    assert marked == {2014, 2017}
    table = arrests.persons_by_country_table(persons, 2014, 2017)
    assert list(table.columns) == ["Country", "2014", "2015", "2016", "2017"]
    assert set(table["2017"]) == {"–"} and set(table["2014"]) == {"–"}
    assert table.iloc[-1]["2016"] == "3,500"
    shares = arrests.shares_table(persons, 2014, 2017)
    assert shares["Year"].tolist() == ["2014", "2015", "2016", "2017"]
    assert shares.set_index("Year").loc["2017"].isna().all()
    assert shares["Women"].tolist()[1:3] == [70, 200]


def test_a_page_without_later_official_figures_says_so():
    assert arrests.official_since(frame(person_lines("KGZ", 2016, 10, 1, 0)), 2016) is None
    assert arrests.nothing_since_sentence(2023).endswith("for the years after 2023.")
