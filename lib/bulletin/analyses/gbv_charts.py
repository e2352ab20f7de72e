"""Analysis 9, the charts: the Kyrgyz GBV series over time and the victims of domestic violence by sex.

A reconstructed point is drawn hollow, a loose figure ("over 3,500") carries its word, and no line
crosses years without figures: years between the figures are never filled in.
"""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import StrMethodFormatter

from bulletin.analyses.gbv import DV_VICTIMS, GBV_INDICATORS, SERIES_LABELS, series_totals
from bulletin.analyses.indicators import (
    FEMALE,
    MALE,
)
from bulletin.data.trust import (
    describe_sources,
    describe_status,
    is_reconstructed,
    least_trusted,
    statuses,
)
from bulletin.publish.chart_facts import statuses_of
from bulletin.publish.charts import (
    PALETTE,
    STATED_MARKER,
    finish_chart,
    new_chart,
)


def plot_series(rows: pd.DataFrame, *, title: str) -> Figure:
    """The Kyrgyz series over time, one line each.

    Reconstructed points hollow, loose ones marked with their word, and no line drawn across years
    without figures.

    Args:
        rows: the Kyrgyz rows (``gbv.gbv_rows``).
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    totals = series_totals(rows)
    fig, ax = new_chart()
    for indicator in GBV_INDICATORS:
        series = totals.loc[totals["indicator"] == indicator].sort_values("year")
        if series.empty:
            continue
        consecutive = series["year"].diff().fillna(1).eq(1).all()
        (line,) = ax.plot(
            series["year"],
            series["value"],
            marker="o",
            linestyle="-" if consecutive else ":",
            label=SERIES_LABELS[indicator],
        )
        for point in series.itertuples():
            if least_trusted(point.status) == "stated":
                ax.plot(point.year, point.value, marker=STATED_MARKER, markersize=9,
                        color=line.get_color(), markeredgecolor="white", linestyle="none")
            if is_reconstructed(point.status):
                ax.plot(
                    point.year,
                    point.value,
                    marker="o",
                    markersize=10,
                    markerfacecolor="white",
                    markeredgecolor=line.get_color(),
                    linestyle="none",
                )
            if isinstance(point.qualifier, str):
                ax.annotate(
                    f"{point.qualifier} {point.value:,.0f}",
                    (point.year, point.value),
                    textcoords="offset points",
                    xytext=(4, 8),
                    fontsize=9,
                    color=line.get_color(),
                )
    handles, labels = ax.get_legend_handles_labels()
    if totals["status"].map(lambda st: least_trusted(st) == "stated").any():
        handles.append(Line2D([], [], marker=STATED_MARKER, markersize=9, color="grey",
                              linestyle="none"))
        labels.append("◆ stated in the bulletin's text (not official)")
    if totals["status"].map(is_reconstructed).any():
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                markersize=10,
                markerfacecolor="white",
                markeredgecolor="grey",
                color="grey",
                linestyle="none",
            )
        )
        labels.append("reconstructed (not official)")
    ax.legend(handles, labels, frameon=False, fontsize=9, loc="upper left", ncol=2)
    ax.set_xlabel("")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_ylim(0, float(totals["value"].max()) * 1.35)  # room for the legend above the lines
    finish_chart(
        fig,
        ax,
        title,
        "Persons or cases",
        describe_sources(totals),
        describe_status(totals)
        + " Dotted lines join years that are not consecutive: the years between have no figure."
        " Women who applied to health authorities: the four places the NSC lists, added up.",
        statuses=statuses_of(totals),  # a summed series joins its channels' statuses
    )
    return fig


def plot_victims_by_sex(table: pd.DataFrame, rows: pd.DataFrame, *, title: str) -> Figure:
    """Victims of domestic violence by sex, stacked bars by year.

    Args:
        table: victims by sex and year (``gbv.victims_by_sex``).
        rows: the rows behind it.
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    victims = rows.loc[rows["indicator"] == DV_VICTIMS]
    fig, ax = new_chart()
    # Colours the page's first chart does not use (one meaning per colour on a page).
    women, men = sns.color_palette(PALETTE)[1], sns.color_palette(PALETTE)[9]
    ax.bar(table["year"], table[FEMALE], label="Women", color=women)
    ax.bar(table["year"], table[MALE], bottom=table[FEMALE], label="Men", color=men)
    ax.legend(frameon=False, loc="upper left")
    ax.xaxis.get_major_locator().set_params(integer=True)
    finish_chart(
        fig,
        ax,
        title,
        "Victims (persons)",
        describe_sources(victims),
        describe_status(victims),
        statuses=statuses(victims),
    )
    return fig
