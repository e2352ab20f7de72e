"""Analysis 8's chart of coverage: the share of each country's indicator-years by data status.

The numbers come from :func:`bulletin.analyses.crime_statistics.coverage_by_country`; the table
that says which years (:func:`bulletin.analyses.crime_statistics.coverage_view`) is beside it on
the page. One bar per country and one for the five together, each split by status: official
solid, stated in its own colour, reconstructed hatched (``charts.style_bar``), no figure pale.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bulletin.analyses.crime_statistics import (
    COVERAGE_COLOURS,
    COVERAGE_STATUSES,
    COVERAGE_WORDS,
    MISSING,
    coverage_by_country,
    coverage_statuses,
)
from bulletin.core.numbers import plain_number
from bulletin.publish.charts import RECONSTRUCTED_HATCH, finish_chart, new_chart, style_bar

VALUE_LABEL = "Share of the indicator-years (%)"
_ONLY_WORDS = {
    "stated": "stated in the bulletin's text",
    "estimate": "estimated",
    "reconstructed": "reconstructed by this project",
}


def _legend_patch(status: str) -> Patch:
    """The legend entry of a status, drawn as its bars are."""
    patch = Patch(facecolor=COVERAGE_COLOURS[status], edgecolor="#999999", label=COVERAGE_WORDS[status])
    style_bar(patch, status, COVERAGE_COLOURS[status])
    if status == MISSING:
        patch.set_edgecolor("#bbbbbb")
    return patch


def coverage_alt(shares: pd.DataFrame, years: list[int]) -> str:
    """What the coverage chart shows, for a reader who cannot see it.

    The shares of all five countries by status, and the countries with the largest and the
    smallest share of official figures.
    """
    span = f"{years[0]}-{years[-1]}" if years else "the years shown"
    if shares.empty:
        return f"No indicator-year to show for {span}."
    first = shares["country"].iloc[0]
    total = shares[shares["country"] == first]
    words = ", ".join(
        f"{plain_number(line.share_pct, 1)}% {_ALT_WORDS[line.status]}"
        for line in total.itertuples(index=False)
        if line.indicator_years > 0
    )
    official = shares[(shares["status"] == COVERAGE_STATUSES[0]) & (shares["country"] != first)]
    text = (
        f"Each country's indicator-years {span} by data status. {first}: {words}."
    )
    if len(official) > 1:
        best = official.loc[official["share_pct"].idxmax()]
        least = official.loc[official["share_pct"].idxmin()]
        text += (
            f" The largest share of official figures: {best['country']} "
            f"({plain_number(best['share_pct'], 1)}%); the smallest: {least['country']} "
            f"({plain_number(least['share_pct'], 1)}%)."
        )
    return text


_ALT_WORDS = {
    "official": "official",
    "stated": "stated in the bulletin only",
    "estimate": "estimated only",
    "reconstructed": "reconstructed only",
    "missing": "without a figure",
}


def plot_coverage_shares(matrix: pd.DataFrame, source: str = "", *, title: str) -> Figure:
    """Each country's indicator-years by data status, as stacked horizontal bars.

    Args:
        matrix: the coverage matrix (:func:`bulletin.analyses.crime_statistics.coverage_matrix`).
        source: the "Source:" line (:func:`bulletin.analyses.crime_statistics.coverage_sources`).
        title: the chart's title, stated by the notebook (also its caption and alt text's);
            ``{years}`` in it is the years shown.
    """
    shares = coverage_by_country(matrix)
    names = list(dict.fromkeys(shares["country"]))
    present = [s for s in COVERAGE_STATUSES if (shares.loc[shares["status"] == s, "indicator_years"] > 0).any()]
    fig, ax = new_chart(width=9, height=0.42 * len(names) + 1.9)
    left = pd.Series(0.0, index=names)
    for status in present:
        values = shares[shares["status"] == status].set_index("country")["share_pct"].reindex(names)
        bars = ax.barh(names, values, left=left, color=COVERAGE_COLOURS[status],
                       edgecolor="white", linewidth=0.6, label=COVERAGE_WORDS[status])
        for patch in bars.patches:
            style_bar(patch, status, COVERAGE_COLOURS[status])
        left += values
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(VALUE_LABEL)
    ax.grid(axis="y", visible=False)
    ax.legend(handles=[_legend_patch(s) for s in present], loc="upper center",
              bbox_to_anchor=(0.5, -0.22 if len(names) > 3 else -0.35), ncol=2, frameon=False,
              fontsize=9)
    years = sorted(set(matrix["year"]))
    kinds = [_ONLY_WORDS[s] for s in present if s in _ONLY_WORDS]
    finish_chart(
        fig,
        ax,
        title.format(years=f"{years[0]}-{years[-1]}" if years else ""),
        VALUE_LABEL,
        source or "Source: the project's tables of drug offences, arrests and indicators (data/README.md).",
        "Data status: each bar splits a country's indicator-years into those with an official "
        "figure published" + (f", those with only a figure {' or '.join(kinds)}" if kinds else "")
        + " (not official), and those with none"
        + (f"; reconstructed shares hatched ({RECONSTRUCTED_HATCH})." if "reconstructed" in present else "."),
        data=shares.assign(status=shares["status"].map(COVERAGE_WORDS)).rename(
            columns={"indicator_years": "indicator-years", "share_pct": "share (%)"}),
        alt=coverage_alt(shares, years),
        statuses=coverage_statuses(matrix),
    )
    ax.set_ylabel("")  # the bars name the countries; the value axis is the x axis
    return fig
