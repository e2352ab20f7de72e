"""Page 08's charts: the coverage by country and the SDG 16 small multiples, as readers see them."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from bulletin.analyses import crime_statistics as cs
from bulletin.analyses import crime_statistics_charts as charts
from bulletin.analyses import sdg16
from bulletin.publish import chart_facts

IDENTIFIER = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
SOURCE = ("National Statistical Committee of the Kyrgyz Republic, SDG indicator 16.1.1: Number of "
          "victims of intentional homicide per 100,000 population, by sex and age")


def sdg_rows() -> pd.DataFrame:
    """The Kyrgyz SDG 16 rows as the project holds them: the count ("number") and the rate."""
    rows = []
    for year, count, rate in ((2014, 320, 5.36), (2015, 305, 5.0), (2023, 106, 1.48)):
        rows += [("SDG 16.1.1", "total", count, "number"),
                 ("SDG 16.1.1 (per 100,000 population)", "total", rate, "per 100,000 population"),
                 ("SDG 16.1.1 (per 100,000 population)", "sex=female", rate / 2, "per 100,000 population")]
        rows[-3:] = [(*r, year) for r in rows[-3:]]
    rows.append(("SDG 16.1.3", "total", 2.2, "per cent", 2018))
    table = pd.DataFrame(rows, columns=["indicator", "disaggregation", "value", "unit", "year"])
    return table.assign(country="KGZ", status="official", source=SOURCE)


def texts_of(fig) -> list[str]:
    """Every text a figure draws: titles, axis labels, tick labels, legends, notes."""
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]


def test_one_figure_a_panel_per_indicator_each_with_its_unit():
    # Issue 17: an axis said "number" over a source saying "per 100,000".
    trends = sdg16.sdg16_trends(sdg_rows())
    fig = sdg16.plot_sdg16_panels(trends, title="SDG 16 indicators of {countries}, {years}")
    panels = [ax for ax in fig.axes if ax.has_data()]
    assert [ax.get_ylabel() for ax in panels] == [
        "victims", "per 100,000 population", "% of women aged 15-49"
    ]
    assert [ax.get_title(loc="left").replace("\n", " ") for ax in panels] == [
        "SDG 16.1.1 Victims of intentional homicide",
        "SDG 16.1.1 Victims of intentional homicide per 100,000 population",
        "SDG 16.1.3 Women aged 15-49 who suffered robbery or assault in the last 12 months",
    ]
    assert "number" not in [ax.get_ylabel() for ax in fig.axes]
    facts = chart_facts.chart_facts(fig)
    assert facts["title"] == "SDG 16 indicators of Kyrgyzstan, 2014-2023"
    assert "per 100,000 population" in facts["units"] and "number" not in facts["units"]
    legend = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert legend == ["Total", "Women"]  # one legend for the panels, one colour per breakdown


def test_a_gap_of_years_is_never_drawn_as_a_trend():
    trends = sdg16.sdg16_trends(sdg_rows())
    fig = sdg16.plot_sdg16_panels(trends, title="SDG 16")
    line = fig.axes[0].get_lines()[0]
    ys = pd.Series(line.get_ydata(), index=line.get_xdata())
    assert ys.loc[2016:2022].isna().all() and ys.loc[2023] == 106


def test_the_charts_show_no_identifier_and_a_legend_for_each_colour():
    observed = cs.observed_cells(
        pd.DataFrame(columns=["country", "year", "offence_type", "count", "status", "source"]),
        pd.DataFrame(columns=["country", "year", "sex", "age_group", "count", "status", "source"]),
        pd.concat([sdg_rows(), sdg_rows().head(1).assign(
            indicator="gbv_crisis_centre_clients", status="stated", unit="persons")]),
    )
    matrix = cs.coverage_matrix(observed, countries=("KAZ", "KGZ"), years=range(2014, 2024))
    coverage = charts.plot_coverage_shares(matrix, title="Coverage, {years}")
    panels = sdg16.plot_sdg16_panels(sdg16.sdg16_trends(sdg_rows()), title="SDG 16, {years}")
    for fig in (coverage, panels):
        facts = chart_facts.chart_facts(fig)
        shown = [*texts_of(fig), facts["alt"], facts["units"], facts["csv"].splitlines()[0]]
        assert not [text for text in shown if IDENTIFIER.search(text)], fig
        assert "nan" not in facts["alt"]
    legend = [t.get_text() for t in coverage.axes[0].get_legend().get_texts()]
    assert legend == [cs.COVERAGE_WORDS[s] for s in ("official", "stated", "missing")]


def test_the_coverage_chart_gives_each_country_its_shares():
    observed = cs.observed_cells(
        pd.DataFrame(columns=["country", "year", "offence_type", "count", "status", "source"]),
        pd.DataFrame(columns=["country", "year", "sex", "age_group", "count", "status", "source"]),
        sdg_rows(),
    )
    matrix = cs.coverage_matrix(observed, countries=("KAZ", "KGZ"), years=range(2014, 2024))
    shares = cs.coverage_by_country(matrix).set_index(["country", "status"])["share_pct"]
    # Kyrgyzstan: 3 indicators, 2 with a breakdown by sex... every cell counted once.
    kgz = matrix[matrix["country"] == "KGZ"]
    assert shares[("Kyrgyzstan", "official")] == pytest.approx(
        (kgz["status"] == "official").mean() * 100)
    assert shares[("Kazakhstan", "missing")] == pytest.approx(100.0)
    assert shares[(cs.ALL_COUNTRIES, "official")] == pytest.approx(
        (matrix["status"] == "official").mean() * 100)
    alt = chart_facts.chart_facts(charts.plot_coverage_shares(matrix, title="C"))["alt"]
    assert "the smallest: Kazakhstan (0%)" in alt
