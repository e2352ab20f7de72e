"""Analysis 8, the trend of each SDG 16 indicator the project holds, by sex where the data allow.

Only national figures are followed (the total, and the total by sex), drawn as small multiples,
a panel per indicator with its own unit (:func:`plot_sdg16_panels`); the other breakdowns a
country publishes (territory, age) are named, not charted (:func:`other_breakdowns`). A series
with years missing is drawn broken at the gap, never as a trend across it. Which indicator is an
SDG 16 one, and which is a denominator, is read by :mod:`bulletin.analyses.crime_statistics`.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bulletin.analyses.crime_statistics import OFFICIAL
from bulletin.analyses.indicators import (
    disaggregation_label,
    is_denominator,
    is_national_level,
    sdg_code,
    sex_of,
)
from bulletin.core.numbers import plain_number
from bulletin.core.wording import join_words
from bulletin.data.trust import describe_sources, describe_status, statuses
from bulletin.data.vocab import CENTRAL_ASIA, country_name, indicator_label, indicator_unit
from bulletin.publish.charts import PALETTE, finish_chart, new_chart


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


def other_breakdowns_sentence(indicators: pd.DataFrame) -> str:
    """The breakdowns published besides the national figures, in one sentence (or none).

    A breakdown by sex within a territory or age group is named by its territory or age: the
    national figures by sex are charted.
    """
    found = other_breakdowns(indicators)
    parts = []
    for line in found.itertuples(index=False):
        kinds = [k for k in str(line.breakdowns).split(", ") if k != "sex"]
        if kinds:
            parts.append(f"{indicator_label(str(line.indicator))} by {join_words(kinds)}")
    if not parts:
        return ""
    return (
        "The charts follow the national figures, in total and by sex; the National Statistical "
        f"Committee also publishes {'; '.join(parts)}."
    )


PANEL_COLUMNS = 3
"""Panels side by side; more indicators wrap to a new line of panels."""
_STYLES = {"female": "--", "male": "-.", None: "-"}


def _series_label(country: str, disaggregation: str, countries: int) -> str:
    """A line's name in the legend: its breakdown, and its country when several are drawn."""
    words = disaggregation_label(disaggregation).capitalize()
    return f"{country_name(country)}: {words.lower()}" if countries > 1 else words


def _draw_panel(ax: Axes, rows: pd.DataFrame, colours: dict[str, Any], countries: int) -> None:
    """One indicator's lines: a line per country and breakdown, broken where a year is missing."""
    for (country, disaggregation), series in rows.groupby(["country", "disaggregation"], sort=False):
        label = _series_label(str(country), str(disaggregation), countries)
        official = series["status"].eq(OFFICIAL).all()
        years = range(int(series["year"].min()), int(series["year"].max()) + 1)
        values = series.set_index(series["year"].astype(int))["value"].reindex(years)
        ax.plot(list(years), values.to_numpy(dtype=float), color=colours[label],
                linestyle=_STYLES.get(series["sex"].iloc[0], "-"),
                marker="o" if official else "x", markersize=4, label=label)
    shown = sorted(set(rows["year"].astype(int)))
    step = 1 if len(shown) < 2 or shown[-1] - shown[0] <= 6 else 2
    ax.set_xticks(range(shown[0], shown[-1] + 1, step) if shown else [])
    ax.set_ylim(bottom=0)


def plot_sdg16_panels(trends: pd.DataFrame, *, title: str) -> Figure:
    """The SDG 16 series as small multiples: one panel per indicator, each with its own unit.

    Each panel is named by the indicator's label and its value axis by the indicator's unit,
    both from the vocabulary (``reference/indicator_labels.csv``); a line per country and
    breakdown (total, women, men), one colour per breakdown across the panels, one legend.
    Years without a figure break a line: two years far apart are two points, not a trend.

    Args:
        trends: the SDG 16 series (:func:`sdg16_trends`).
        title: the chart's title, stated by the notebook (also its caption and alt text's);
            ``{countries}`` in it is the countries drawn, ``{years}`` the years shown.
    """
    indicators = list(dict.fromkeys(trends["indicator"]))
    columns = max(1, min(PANEL_COLUMNS, len(indicators)))
    lines = max(1, -(-len(indicators) // columns))
    fig, first = new_chart(width=11, height=3.4 * lines + 1.6)
    first.remove()
    axes = list(np.atleast_1d(fig.subplots(lines, columns, squeeze=False)).ravel())
    countries = [c for c in CENTRAL_ASIA if c in set(trends["country"])] or sorted(set(trends["country"]))
    labels = list(dict.fromkeys(
        _series_label(str(c), str(d), len(countries))
        for c, d in zip(trends["country"], trends["disaggregation"], strict=True)
    ))
    palette = sns.color_palette(PALETTE, max(3, len(labels)))
    colours = dict(zip(labels, palette, strict=False))
    units = {i: indicator_unit(i, _unit_of(trends, i)) for i in indicators}
    for ax, indicator in zip(axes, indicators, strict=False):
        _draw_panel(ax, trends[trends["indicator"] == indicator], colours, len(countries))
    for ax in axes[len(indicators):]:
        ax.remove()
    years = sorted(set(trends["year"].astype(int)))
    span = f"{years[0]}-{years[-1]}" if years else ""
    title = title.format(countries=join_words([country_name(c) for c in countries] or ["none"]),
                         years=span).rstrip(", ")
    finish_chart(
        fig, axes[0], title, "; ".join(f"{indicator_label(i)}: {u}" for i, u in units.items()),
        describe_sources(trends), describe_status(trends), data=panel_data(trends),
        alt=panels_alt(trends, title), statuses=statuses(trends),
    )
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    for ax, indicator in zip(axes, indicators, strict=False):
        ax.set_title(textwrap.fill(indicator_label(indicator), 40), loc="left", fontsize=9.5)
        ax.set_ylabel(units[indicator])
    handles = [Line2D([], [], color=colours[label], label=label,
                      linestyle=_STYLES.get(_sex_of_label(label), "-")) for label in labels]
    fig.legend(handles=handles, loc="outside upper right", ncol=min(6, len(handles)),
               frameon=False, fontsize=9)
    return fig


def panel_data(trends: pd.DataFrame) -> pd.DataFrame:
    """The numbers of the SDG 16 panels for the download, labelled as the chart labels them."""
    return pd.DataFrame({
        "indicator": trends["indicator"].map(indicator_label),
        "country": trends["country"].map(country_name),
        "breakdown": trends["disaggregation"].map(disaggregation_label),
        "year": trends["year"].astype(int),
        "value": trends["value"],
        "unit": [indicator_unit(i, u) for i, u in zip(trends["indicator"], trends["unit"], strict=True)],
        "status": trends["status"],
    })


def panels_alt(trends: pd.DataFrame, title: str) -> str:
    """What the SDG 16 panels show, for a reader who cannot see them.

    For each indicator (a panel) and country: its unit, its total's first and last figures, and
    its largest and smallest.
    """
    parts = []
    for (indicator, country), rows in trends.groupby(["indicator", "country"], sort=False):
        totals = rows[rows["disaggregation"].map(sex_of).isna()]
        series = (totals if not totals.empty else rows).sort_values("year")
        first, last = series.iloc[0], series.iloc[-1]
        unit = indicator_unit(str(indicator), str(first["unit"]))
        values = f"{plain_number(first['value'], 1)} in {int(first['year'])}"
        if len(series) > 1:
            values += f", {plain_number(last['value'], 1)} in {int(last['year'])}"
            high, low = series.loc[series["value"].idxmax()], series.loc[series["value"].idxmin()]
            values += (
                f" (largest {plain_number(high['value'], 1)} in {int(high['year'])}, "
                f"smallest {plain_number(low['value'], 1)} in {int(low['year'])})"
            )
        parts.append(
            f"{indicator_label(str(indicator))} ({unit}), {country_name(str(country))}: {values}"
        )
    if not parts:
        return f"{title}. No figure to show."
    return (
        f"{title}: for each indicator, the total and, where published, women and men. "
        f"Totals: {'; '.join(parts)}."
    )


def _unit_of(trends: pd.DataFrame, indicator: str) -> str:
    """The unit ``indicators.csv`` gives an indicator's rows (the first, when several)."""
    return str(trends.loc[trends["indicator"] == indicator, "unit"].iloc[0])


def _sex_of_label(label: str) -> str | None:
    """The sex a legend label names ("Women", "Kyrgyzstan: men"), or None for a total."""
    word = label.rsplit(": ", 1)[-1].lower()
    return {"women": "female", "men": "male"}.get(word)
