"""Analysis 8, the trend of each SDG 16 indicator the project holds, by sex where the data allow.

Only national figures are followed (the total, and the total by sex); the other breakdowns a
country publishes (territory, age) are named, not charted (:func:`other_breakdowns`). A series
with too few consecutive years for a trend says so instead of a direction. Which indicator is an
SDG 16 one, and which is a denominator, is read by :mod:`bulletin.analyses.crime_statistics`.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from bulletin.analyses.crime_statistics import OFFICIAL
from bulletin.analyses.indicators import (
    disaggregation_label,
    is_denominator,
    is_national_level,
    sdg_code,
    sex_of,
)
from bulletin.core.sentences import describe_trend
from bulletin.core.wording import join_words
from bulletin.data.trust import describe_sources, describe_status, statuses
from bulletin.data.vocab import country_name
from bulletin.publish.charts import finish_chart, new_chart


def sdg16_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``indicators`` that belong to an SDG 16 indicator (denominators left out)."""
    codes = indicators["indicator"].map(sdg_code)
    keep = codes.map(lambda code: code is not None and code.goal == 16)
    keep = keep.astype(bool) & ~indicators["indicator"].map(is_denominator).astype(bool)
    return indicators.loc[keep].reset_index(drop=True)


def other_breakdowns(indicators: pd.DataFrame) -> pd.DataFrame:
    """For each SDG 16 indicator, the breakdowns published besides total and sex (territory, age...).

    Returns:
        ``indicator, breakdowns`` (the kinds, e.g. "age, territory").
    """
    rows = sdg16_rows(indicators)
    rows = rows[~rows["disaggregation"].map(is_national_level)]
    kinds = rows["disaggregation"].str.split(";").explode().str.split("=").str[0].str.strip()
    found = kinds.groupby(rows.loc[kinds.index, "indicator"]).agg(lambda k: ", ".join(sorted(set(k))))
    return found.rename("breakdowns").reset_index()


def sdg16_trends(indicators: pd.DataFrame) -> pd.DataFrame:
    """Each SDG 16 indicator's national values by year: the total and, where given, by sex.

    Returns:
        ``indicator, country, disaggregation, sex, unit, year, value, status, source``.
    """
    rows = sdg16_rows(indicators)
    rows = rows[rows["disaggregation"].map(is_national_level).astype(bool)]
    rows = rows.assign(sex=rows["disaggregation"].map(sex_of))
    columns = ["indicator", "country", "disaggregation", "sex", "unit", "year", "value", "status", "source"]
    return rows[columns].sort_values(["indicator", "country", "disaggregation", "year"], ignore_index=True)


def _number(value: float) -> str:
    """A value as a sentence gives it: whole numbers with separators, others to two decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def sdg16_sentences(trends: pd.DataFrame) -> str:
    """How each SDG 16 series moved, in words, naming the years that went against the trend."""
    if trends.empty:
        return "The project holds no SDG 16 indicator for these countries."
    sentences = []
    for (indicator, country, disaggregation), rows in trends.groupby(
        ["indicator", "country", "disaggregation"], sort=False
    ):
        series = {int(y): float(v) for y, v in zip(rows["year"], rows["value"], strict=True)}
        years = sorted(series)
        who = f"{indicator}, {country_name(country)}, {disaggregation_label(disaggregation)}"
        if len(years) < 2 or years != list(range(years[0], years[-1] + 1)):
            listed = join_words([f"{_number(series[y])} in {y}" for y in years])
            sentences.append(f"{who}: {listed} only, too few consecutive years for a trend.")
            continue
        sentences.append(
            f"{who}: {_number(series[years[0]])} in {years[0]}, {_number(series[years[-1]])} in "
            f"{years[-1]}; it {describe_trend(series)}."
        )
    return " ".join(sentences)


def plot_sdg16_trend(trends: pd.DataFrame, indicator: str, *, title: str) -> Figure:
    """One SDG 16 indicator by year: a line per country and disaggregation (sex where given).

    Args:
        trends: the SDG 16 series (:func:`sdg16_trends`).
        indicator: the indicator drawn.
        title: the chart's title, stated by the notebook (also its caption and alt text's);
            ``{indicator}`` in it is the indicator, ``{years}`` the years shown (a title
            ending with ``, {years}`` ends with the indicator when no year has a figure).
    """
    rows = trends[trends["indicator"] == indicator]
    fig, ax = new_chart(height=4.5)
    styles = {"female": "--", "male": "-.", None: "-"}
    for (country, disaggregation), series in rows.groupby(["country", "disaggregation"], sort=False):
        official = series["status"].eq(OFFICIAL).all()
        label = f"{country_name(country)}: {disaggregation_label(disaggregation)}" + (
            "" if official else " (not official)"
        )
        ax.plot(
            series["year"],
            series["value"],
            linestyle=styles.get(series["sex"].iloc[0], "-"),
            marker="o" if official else "x",
            alpha=1.0 if official else 0.6,
            label=label,
        )
    years = sorted(set(rows["year"].astype(int)))
    ax.set_xticks(years)
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=9)
    units = join_words(sorted(set(rows["unit"].astype(str))))
    finish_chart(
        fig,
        ax,
        title.format(indicator=indicator, years=f"{years[0]}-{years[-1]}" if years else "")
        .rstrip(", "),
        units,
        describe_sources(rows),
        describe_status(rows),
        statuses=statuses(rows),
    )
    return fig
