"""bulletin.analyses.crime_statistics (analysis 8): the coverage matrix on a small table with a known answer."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.analyses import crime_statistics as cs
from bulletin.analyses import crime_statistics_charts as charts
from bulletin.analyses import indicators as names
from bulletin.analyses import sdg16
from bulletin.publish import chart_facts


def offences() -> pd.DataFrame:
    rows = [
        ("KGZ", 2015, "trafficking", 60, "official"),
        ("KGZ", 2015, "use_possession", 40, "official"),
        ("KGZ", 2016, "total", 50, "official"),  # a total without types: no breakdown
        ("KAZ", 2016, "selling", 10, "reconstructed"),
    ]
    table = pd.DataFrame(rows, columns=["country", "year", "offence_type", "count", "status"])
    return table.assign(source="test")


def arrests() -> pd.DataFrame:
    rows = [
        ("KGZ", 2016, "total", "total", 100, "official"),
        ("KGZ", 2016, "female", "total", 7, "official"),
        ("KGZ", 2016, "male", "total", 93, "official"),
        ("KAZ", 2015, "total", "total", 80, "reconstructed"),
        ("KAZ", 2015, "total", "juvenile", 1, "reconstructed"),
        ("KAZ", 2015, "total", "adult", 79, "reconstructed"),
    ]
    table = pd.DataFrame(rows, columns=["country", "year", "sex", "age_group", "count", "status"])
    return table.assign(source="test")


def indicators() -> pd.DataFrame:
    rows = [
        ("KGZ", 2015, "16.1.1 Victims of intentional homicide", "total", 5.0, "official"),
        ("KGZ", 2016, "16.1.1 Victims of intentional homicide", "total", 4.3, "official"),
        ("KGZ", 2016, "16.1.1 Victims of intentional homicide", "sex=female", 2.1, "official"),
        ("KGZ", 2016, "16.1.1 Victims of intentional homicide", "sex=male", 6.5, "official"),
        ("KAZ", 2016, "police_personnel_rate", "total", 500.0, "estimate"),
    ]
    table = pd.DataFrame(
        rows, columns=["country", "year", "indicator", "disaggregation", "value", "status"]
    )
    return table.assign(unit="per 100,000 population", source="test")


@pytest.fixture
def matrix() -> pd.DataFrame:
    observed = cs.observed_cells(offences(), arrests(), indicators())
    return cs.coverage_matrix(observed, countries=("KAZ", "KGZ"), years=[2015, 2016])


HOMICIDE = "16.1.1 Victims of intentional homicide"
KNOWN_ANSWER = {
    # (country, indicator): (2015, 2016)
    ("KAZ", "Drug-related offences"): ("missing", "reconstructed"),
    ("KGZ", "Drug-related offences"): ("official", "official"),
    ("KAZ", "Drug-related offences by type"): ("missing", "reconstructed"),
    ("KGZ", "Drug-related offences by type"): ("official", "missing"),
    ("KAZ", "Persons arrested for drug offences"): ("reconstructed", "missing"),
    ("KGZ", "Persons arrested for drug offences"): ("missing", "official"),
    ("KAZ", "Persons arrested for drug offences, by sex"): ("missing", "missing"),
    ("KGZ", "Persons arrested for drug offences, by sex"): ("missing", "official"),
    ("KAZ", "Persons arrested for drug offences, by age"): ("reconstructed", "missing"),
    ("KGZ", "Persons arrested for drug offences, by age"): ("missing", "missing"),
    ("KAZ", HOMICIDE): ("missing", "missing"),
    ("KGZ", HOMICIDE): ("official", "official"),
    ("KAZ", f"{HOMICIDE}, by sex"): ("missing", "missing"),
    ("KGZ", f"{HOMICIDE}, by sex"): ("missing", "official"),
    ("KAZ", "police_personnel_rate"): ("missing", "estimate"),
    ("KGZ", "police_personnel_rate"): ("missing", "missing"),
}


def test_coverage_matrix_has_the_known_answer(matrix):
    got = {
        (country, indicator): tuple(rows.sort_values("year")["status"])
        for (country, indicator), rows in matrix.groupby(["country", "indicator"])
    }
    assert got == KNOWN_ANSWER
    assert len(matrix) == len(KNOWN_ANSWER) * 2  # a full grid: every cell present once


def test_frameworks(matrix):
    frameworks = dict(zip(matrix["indicator"], matrix["framework"], strict=False))
    assert frameworks[HOMICIDE] == names.SDG
    assert frameworks["police_personnel_rate"] == names.UN_CTS
    assert frameworks["Drug-related offences"] == names.ARQ


def test_summary_counts_and_shares_from_counts(matrix):
    summary = cs.coverage_summary(matrix).set_index("indicator")
    assert summary.at["Drug-related offences", "official"] == 2
    assert summary.at["Drug-related offences", "reconstructed"] == 1
    assert summary.at["Drug-related offences", "missing"] == 1
    assert summary.at["Drug-related offences", "official_pct"] == pytest.approx(50.0)
    gaps = cs.gaps_by_country(matrix).set_index("country")
    assert gaps.at["KAZ", "official"] == 0
    assert gaps.at["KGZ", "official"] == 8
    assert gaps.at["KGZ", "official_pct"] == pytest.approx(50.0)


def test_best_status_wins_in_a_cell():
    assert cs.best_status(pd.Series(["reconstructed", "official"])) == "official"
    assert cs.best_status(pd.Series(["reconstructed", "estimate"])) == "estimate"
    assert cs.best_status(pd.Series([], dtype=object)) == "missing"


def test_default_years_run_from_2010_to_the_latest_observed():
    observed = cs.observed_cells(offences(), arrests(), indicators())
    matrix = cs.coverage_matrix(observed, countries=("KGZ",))
    assert sorted(set(matrix["year"])) == list(range(2010, 2017))


def test_sentences_from_the_counts(matrix):
    text = cs.coverage_sentences(matrix)
    assert "an official figure is published for 25% of the 32 indicator-years (8)" in text
    assert "Kazakhstan has no official figure" in text
    assert "only Kyrgyzstan has official figures (SDG 16.1.1)" in text
    assert "reports the most" not in text  # the chart shows each country's share


def test_sdg_codes_and_sex():
    assert str(names.sdg_code("sdg_16_1_1")) == "16.1.1"
    assert names.sdg_code("16.1.3 Proportion of women").goal == 16
    assert names.sdg_code("police_personnel") is None
    assert names.sex_of("Women") == "female"
    assert names.sex_of("sex=male") == "male"
    assert names.sex_of("total") is None


def test_sdg16_trends_by_sex():
    trends = sdg16.sdg16_trends(indicators())
    assert set(trends["indicator"]) == {HOMICIDE}
    assert set(trends["sex"].dropna()) == {"female", "male"}
    alt = sdg16.panels_alt(trends, "SDG 16")
    assert f"{HOMICIDE} (per 100,000 population), Kyrgyzstan: 5 in 2015, 4.3 in 2016" in alt
    assert "(largest 5 in 2015, smallest 4.3 in 2016)" in alt and "Line chart" not in alt
    data = sdg16.panel_data(trends)
    women = data[data["breakdown"] == "women"]
    assert women[["year", "value"]].values.tolist() == [[2016, 2.1]]  # one year only, as given


def test_key_figures_and_charts(matrix):
    trends = sdg16.sdg16_trends(indicators())
    figures = {f["name"]: f for f in cs.key_figures(matrix, trends)}
    assert figures["crimestats_official_cells_pct"]["value"] == pytest.approx(25.0)
    assert figures["crimestats_countries_without_official_sdg16"]["value"] == 1
    assert all(name.startswith("crimestats_") for name in figures)
    assert charts.plot_coverage_shares(matrix, title="Coverage, {years}") is not None
    assert sdg16.plot_sdg16_panels(trends, title="SDG 16, {years}") is not None


def test_a_label_naming_women_is_no_breakdown_by_sex():
    assert names.sex_of("item=Number of women treated in hospital") is None
    assert names.sex_of("territory=Osh city; sex=male") == "male"
    rows = indicators().assign(
        indicator="SDG 5.2.1.1a", disaggregation="item=Number of women treated in hospital"
    ).head(1)
    observed = cs.observed_cells(offences().head(0), arrests().head(0), rows)
    assert set(observed["indicator"]) == {"SDG 5.2.1.1a"}


def test_denominators_are_no_indicators():
    population = indicators().assign(indicator="SDG 16.1.1 (population)")
    assert cs.observed_cells(offences().head(0), arrests().head(0), population).empty
    assert sdg16.sdg16_trends(population).empty


def test_trends_keep_the_national_level_and_say_it_in_words():
    rows = pd.concat(
        [indicators(), indicators().assign(disaggregation="territory=Osh city")], ignore_index=True
    )
    trends = sdg16.sdg16_trends(rows)
    assert set(trends["disaggregation"]) == {"total", "sex=female", "sex=male"}
    assert names.disaggregation_label("sex=female") == "women"
    breakdowns = sdg16.other_breakdowns(rows).set_index("indicator")["breakdowns"]
    assert breakdowns[HOMICIDE] == "territory"


def test_coverage_sources_name_each_publication_once():
    line = cs.coverage_sources(offences().assign(source="UNODC, WDR 2024, table 10.1: offences"), arrests().assign(source="UNODC, WDR 2024, table 10.1: persons"))
    assert line.startswith("Source: UNODC, WDR 2024, table 10.1. Reconstructed figures")


def test_coverage_view_speaks_to_readers(matrix):
    view = cs.coverage_view(matrix)
    assert list(view.columns) == ["Indicator", "Kazakhstan", "Kyrgyzstan"]
    assert "Police personnel rate" in set(view["Indicator"])  # no label in the vocabulary


def test_stated_figures_are_counted_apart_from_official_ones():
    stated = pd.concat([indicators(), pd.DataFrame([{
        "country": "KGZ", "year": 2016, "indicator": "certified_police_officers_share",
        "disaggregation": "sex=female", "value": 5.9, "status": "stated",
        "unit": "% of certified police officers", "source": "the bulletin"}])], ignore_index=True)
    observed = cs.observed_cells(offences(), arrests(), stated)
    matrix = cs.coverage_matrix(observed, countries=("KAZ", "KGZ"), years=[2015, 2016])
    summary = cs.coverage_summary(matrix).set_index("indicator")
    line = summary.loc["certified_police_officers_share"]
    assert (line["official"], line["stated"], line["missing"]) == (0, 1, 3)
    assert line["official_pct"] == 0.0  # a stated figure is not an official one
    assert "stated in the bulletin (its text gives the figure, not official)" in cs.view_note(matrix)
    cells = cs.coverage_view(matrix).set_index("Indicator")
    line = "Women among certified police officers, total and by sex"  # the vocabulary's label
    assert cells.at[line, "Kyrgyzstan"] == "1 of 2 years: 2016 stated in the bulletin"
    assert pd.isna(cells.at[line, "Kazakhstan"])
    figures = {f["name"]: f for f in cs.key_figures(matrix, sdg16.sdg16_trends(stated))}
    assert figures["crimestats_stated_cells_pct"]["value"] > 0
    assert figures["crimestats_official_cells_pct"]["status"] == "estimate+official+reconstructed+stated"
    assert "only a figure stated in the bulletin's text" in cs.coverage_sentences(matrix)


def test_coverage_statuses_leave_out_the_cells_without_a_figure():
    matrix = pd.DataFrame({"status": [cs.MISSING, cs.RECONSTRUCTED, cs.STATED, cs.OFFICIAL]})
    assert cs.coverage_statuses(matrix) == ["official", "stated", "reconstructed"]
    assert cs.coverage_statuses(pd.DataFrame({"status": [cs.MISSING]})) == []


def test_a_coverage_chart_carries_the_statuses_of_its_cells(matrix):
    # Its sentence ("each cell shows whether an official figure is published...") names no
    # status as the trust module words them: read, it gave none.
    facts = chart_facts.chart_facts(charts.plot_coverage_shares(matrix, title="Coverage"))
    assert facts["statuses"] == cs.coverage_statuses(matrix)
    assert "official" in facts["statuses"] and "missing" not in facts["statuses"]


def test_coverage_view_cells_say_the_years_by_status(matrix):
    view = cs.coverage_view(matrix).set_index("Indicator")
    assert view.at["Drug-related offences", "Kyrgyzstan"] == "2 of 2 years: 2015-2016 official"
    assert view.at["Drug-related offences", "Kazakhstan"] == "1 of 2 years: 2016 reconstructed"
    assert pd.isna(view.at[HOMICIDE, "Kazakhstan"])  # no figure: shown as the one mark, "–"
    # A breakdown with other years than its total keeps a line of its own.
    assert view.at[f"{HOMICIDE}, by sex", "Kyrgyzstan"] == "1 of 2 years: 2016 official"
    assert view.at["Drug-related offences by type", "Kyrgyzstan"] == "1 of 2 years: 2015 official"
    assert len(view) == len(KNOWN_ANSWER) // 2  # one line per indicator, nothing joined here


def test_coverage_view_names_every_status_of_a_cell_and_its_years():
    assert cs.cell_words({"official": [2014, 2015, 2016, 2018], "reconstructed": [2010],
                          "stated": [2012]}, 14) == (
        "6 of 14 years: 2014-2016, 2018 official; 2012 stated in the bulletin; 2010 reconstructed"
    )
    assert cs.cell_words({"missing": [2010, 2011]}, 2) is None


def test_a_breakdown_with_the_same_cells_joins_its_total():
    rows = indicators()
    rows = rows[~((rows["year"] == 2015) | (rows["indicator"] != HOMICIDE))]  # total and sex: 2016
    observed = cs.observed_cells(offences().head(0), arrests().head(0), rows)
    view = cs.coverage_view(cs.coverage_matrix(observed, countries=("KGZ",), years=[2015, 2016]))
    assert view.to_dict("records") == [
        {"Indicator": f"{HOMICIDE}, total and by sex", "Kyrgyzstan": "1 of 2 years: 2016 official"}
    ]


def test_the_page_never_shows_an_identifier(matrix):
    # Issue 17: `certified_police_officers_share` in the charts and tables of page 08.
    stated = indicators().assign(indicator="certified_police_officers_share")
    observed = cs.observed_cells(offences(), arrests(), pd.concat([indicators(), stated]))
    grid = cs.coverage_matrix(observed, countries=("KAZ", "KGZ"), years=[2015, 2016])
    view = cs.coverage_view(grid)
    shown = [*view.columns, *(str(c) for c in view.to_numpy().ravel()), cs.view_note(grid),
             cs.coverage_sentences(grid)]
    assert not [text for text in shown if IDENTIFIER.search(text)]
    assert "Women among certified police officers" in set(view["Indicator"])


IDENTIFIER = __import__("re").compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
