"""Analysis 7, the charts of persons arrested and of the shares of women and juveniles.

The stacked bars are drawn with the helpers of :mod:`bulletin.analyses.crime_charts`; a share the
reconstruction holds flat (:data:`FLAT_SHARE`) is no measure and is not drawn, and the note under
the chart says so (:func:`shares_not_drawn`).
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bulletin.analyses.arrests import (
    breakdown_rows,
    flagged_note,
    regional_persons,
    shares_of_women_and_juveniles,
    turning_years,
)
from bulletin.analyses.crime_charts import (
    empty_slots_note,
    legend_with_status,
    no_figures_note,
    stack_by_country,
)
from bulletin.analyses.series import (
    TOTAL,
    persons_by_country_year,
    rows_in_period,
)
from bulletin.core.wording import describe_years
from bulletin.data.trust import (
    describe_sources,
    describe_status,
    is_reconstructed,
    repeated_reconstructed,
    statuses,
)
from bulletin.publish.charts import finish_chart, mark_no_data, new_chart

FLAT_SHARE = 0.02
"""Reconstructed shares within 2% of their neighbour, or of their run's mean, are one figure held
flat (their counts are rounded to whole persons): they are not drawn."""


def plot_persons_by_country(
    arrests: pd.DataFrame,
    first: int,
    last: int,
    flags: list[dict[str, Any]] | None = None,
    *,
    title: str,
) -> Figure:
    """Stacked bars of persons arrested by year and country, the trend's turns marked.

    Stacked bars of persons arrested by year and country, reconstructed parts drawn apart,
    with the regional trend's turning years marked; figures flagged as implausible on import
    (``flags``, :func:`bulletin.data.trust.flagged_rows`) are named under the chart.

    Args:
        arrests: the table ``drug_arrests``.
        first: the first year shown.
        last: the last year shown.
        flags: the figures flagged on import.
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    rows = rows_in_period(arrests, first, last)
    years = list(range(first, last + 1))
    fig, ax = new_chart()
    totals = persons_by_country_year(rows)
    bottom = stack_by_country(ax, totals, years)
    for year in turning_years(regional_persons(arrests, first, last)):
        ax.annotate(
            "trend turns",
            xy=(year, bottom[years.index(year)]),
            xytext=(0, 14),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            arrowprops={"arrowstyle": "-|>", "color": "#333333"},
        )
    ax.set_ylim(0, max(float(bottom.max()), 1.0) * 1.25)
    legend_with_status(ax, rows, loc="upper left", ncols=3)
    finish_chart(
        fig,
        ax,
        title,
        "Persons arrested (number)",
        describe_sources(rows),
        " ".join(p for p in (describe_status(rows) + empty_slots_note(totals, years),
                             flagged_note(flags or [], first, last)) if p),
        statuses=statuses(rows),
    )
    return fig


def share_statuses(arrests: pd.DataFrame) -> pd.DataFrame:
    """The status behind each year's share of women and of juveniles.

    The status behind each year's share of women and of juveniles (the joined statuses of
    the breakdown rows and the all-persons rows of the country-years reporting it).

    Returns:
        ``year, women_status, juveniles_status``.
    """
    result = pd.DataFrame({"year": sorted(set(arrests["year"]))})
    for column, sex, age in (("women", "female", TOTAL), ("juveniles", TOTAL, "juvenile")):
        rows = breakdown_rows(arrests, sex, age)
        joined = rows.groupby("year")["status"].agg(lambda s: "+".join(sorted(set(s))))
        result[f"{column}_status"] = result["year"].map(joined).fillna("")
    return result


def plot_shares(arrests: pd.DataFrame, first: int, last: int, *, title: str) -> Figure | None:
    """Lines of the shares of women and juveniles by year, reconstructed points hollow.

    Lines of the shares of women and juveniles by year: filled points official, hollow where
    reconstructed; a reconstructed share that repeats its neighbouring year (a figure held flat by
    the reconstruction) is not drawn. None when nothing is left to draw.

    Args:
        arrests: the table ``drug_arrests``.
        first: the first year shown.
        last: the last year shown.
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    rows = rows_in_period(arrests, first, last)
    shares = shares_of_women_and_juveniles(rows)
    if shares.empty:
        return None
    # Every year of the period, so that a year without a share breaks the line and keeps its slot.
    period = list(range(first, last + 1))
    shares = shares.set_index("year").reindex(period).rename_axis("year").reset_index()
    by_year = share_statuses(rows).set_index("year").reindex(period).fillna("")
    fig, ax = new_chart(height=4)
    drawn_any, hidden_words = False, []
    drawn_years: set[int] = set()
    for column, marker, label in (("women", "o", "Women"), ("juveniles", "s", "Juveniles")):
        values = shares[f"{column}_share_pct"]
        status = by_year[f"{column}_status"].tolist()
        hidden = repeated_reconstructed(values.tolist(), status, rel_tol=FLAT_SHARE)
        shown = values.where(~pd.Series(hidden, index=values.index))
        drawn_years |= set(shares.loc[shown.notna(), "year"].astype(int))
        if hidden and any(hidden):
            years = [int(y) for y, h in zip(shares["year"], hidden, strict=True) if h]
            hidden_words.append(f"{label.lower()} {describe_years(years)}")
        if shown.notna().any():
            drawn_any = True
            (line,) = ax.plot(shares["year"], shown, "-", marker=marker, label=label)
            made = [is_reconstructed(s) for s in status]
            hollow = shown.where(pd.Series(made, index=shown.index))
            ax.plot(shares["year"], hollow, linestyle="none", marker=marker, markersize=9,
                    markerfacecolor="white", markeredgecolor=line.get_color())
    if not drawn_any:
        plt.close(fig)
        return None
    ax.set_xticks(period)
    ax.set_xlim(first - 0.5, last + 0.5)  # the first and last slots whole, with their words
    ax.set_ylim(bottom=0)
    with_a_share = shares[["women_share_pct", "juveniles_share_pct"]].notna().any(axis=1)
    _mark_years_without_a_point(ax, shares["year"].astype(int), with_a_share, drawn_years)
    handles, labels = ax.get_legend_handles_labels()
    if any(is_reconstructed(s) for s in by_year.to_numpy().ravel()):
        handles.append(Line2D([], [], color="grey", marker="o", markerfacecolor="white",
                              linestyle="none"))
        labels.append("hollow: reconstructed, not official")
    ax.legend(handles, labels, frameon=False)
    note = describe_status(rows)
    if hidden_words:
        note += (
            " Not drawn: " + "; ".join(hidden_words) + " (reconstructed by holding the "
            "bulletin's figure flat: not a measure)."
        )
    note += no_figures_note(period, shares.loc[with_a_share, "year"])
    finish_chart(
        fig,
        ax,
        title,
        "Share of persons arrested (%)",
        describe_sources(rows),
        note,
        statuses=statuses(rows),
    )
    return fig


def _mark_years_without_a_point(
    ax: Any, years: pd.Series, with_a_share: pd.Series, drawn_years: set[int]
) -> None:
    """Say in each year's slot without a point why it is empty: "no data", or "not drawn".

    "not drawn" where a share exists but is a reconstruction held flat; "no data" where neither
    share has a figure. A year with one share drawn needs no words: its point stands there.
    """
    top = ax.get_ylim()[1]
    for year, has_figure in zip(years, with_a_share, strict=True):
        if year not in drawn_years:
            mark_no_data(ax, year, top, "not drawn" if has_figure else "no data")


def shares_not_drawn(arrests: pd.DataFrame, first: int, last: int) -> str:
    """Why the shares of women and juveniles are not drawn, when none is measured.

    What the page says when the shares of women and juveniles are not drawn at all: every
    one is reconstructed by holding the bulletin's figure flat ("" when some are drawn).
    """
    rows = rows_in_period(arrests, first, last)
    shares = shares_of_women_and_juveniles(rows)
    if shares.empty:
        return ""
    statuses = share_statuses(rows).set_index("year").reindex(shares["year"]).fillna("")
    for column in ("women", "juveniles"):
        hidden = repeated_reconstructed(shares[f"{column}_share_pct"].tolist(),
                                        statuses[f"{column}_status"].tolist(), rel_tol=FLAT_SHARE)
        shown = [not h and pd.notna(v) for h, v in zip(hidden, shares[f"{column}_share_pct"],
                                                        strict=True)]
        if any(shown):
            return ""
    return (
        f"No chart of the shares of women and juveniles for {first}-{last}: no official figures "
        "by sex or age are published for these years, and the reconstruction holds the "
        "bulletin's own shares flat in every year, which is no measure to draw. The table below "
        "gives them, with their status under it."
    )
