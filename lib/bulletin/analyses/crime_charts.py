"""Analyses 6-7, the charts of drug-related offences and persons arrested, their status shown.

Counts stacked by country and year, official parts solid and reconstructed ones lighter and
hatched; a reconstructed figure that only repeats a neighbouring year is not drawn, and the note
under the chart names it and the years without any figure (:func:`empty_slots_note`). The shares
of the national offence types by year, hatched where reconstructed. The arrests page
(:mod:`bulletin.analyses.arrests`) draws with the same helpers.
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bulletin.analyses.crime import countries_in_words, national_rows, shares_by_type
from bulletin.analyses.series import (
    NATIONAL,
    country_year_totals,
    joined_values,
    offence_types,
    rows_in_period,
)
from bulletin.core.sentences import describe_gaps
from bulletin.core.wording import (
    describe_years,
)
from bulletin.data.trust import (
    describe_sources,
    describe_status,
    repeated_reconstructed,
    statuses,
)
from bulletin.data.vocab import CENTRAL_ASIA, country_name
from bulletin.publish.charts import (
    finish_chart,
    mark_no_data,
    new_chart,
    status_handles,
    style_bar,
)

OFFENCE_TYPE_COLOURS = tuple(plt.get_cmap("tab10").colors[i] for i in (5, 6, 9, 8, 7))
"""The offence types' colours (smuggling, selling, trafficking, possession, other: grey), apart from
the five countries' (the first five of the same palette), which the page's first chart uses."""


def stack_by_country(ax: Axes, totals: pd.DataFrame, years: list[int]) -> np.ndarray:
    """Draw yearly bars stacked by country, reconstructed parts drawn apart.

    Draw yearly bars stacked by country: official parts solid, reconstructed parts lighter,
    hatched and outlined, and a reconstructed part that repeats the country's neighbouring year
    not drawn at all (:func:`not_drawn`).

    Args:
        ax: the chart's axes.
        totals: ``country, year, count, status``, one row per country-year.
        years: the years of the bars.

    Returns:
        The height of each year's stack.
    """
    colours = plt.get_cmap("tab10").colors
    bottom = np.zeros(len(years))
    drawn = np.zeros(len(years), dtype=bool)  # a part drawn in the year's bar (zero or more)
    hidden = not_drawn(totals, years)
    present = set(totals["country"])
    # Each country its own colour on every page and in every issue (Kazakhstan blue, Kyrgyzstan
    # orange...), whichever countries report: not the next free one.
    for index, country in enumerate(CENTRAL_ASIA):
        if country not in present:
            continue
        mine = totals[totals["country"] == country].set_index("year").reindex(years)
        skip = hidden.get(country, [False] * len(years))
        heights = mine["count"].where(~pd.Series(skip, index=mine.index))
        drawn |= heights.notna().to_numpy()
        heights = heights.fillna(0).to_numpy(dtype=float)
        bars = ax.bar(
            years, heights, bottom=bottom, color=colours[index], label=country_name(country)
        )
        for bar, status in zip(bars.patches, mine["status"], strict=True):
            if isinstance(status, str):
                style_bar(bar, status, colours[index])
        bottom += heights
    ax.set_xticks(years)
    # An empty slot says why, never left as a gap a reader takes for zero: no country has a
    # figure for the year (the last years, before anything is published), or every
    # figure of it is a reconstructed copy of a neighbouring year (the note under the chart).
    reported = set(totals.loc[totals["count"].notna(), "year"].astype(int))
    height = max(float(bottom.max()) if len(bottom) else 0.0, 1.0)
    for year, any_drawn in zip(years, drawn, strict=True):
        if year not in reported:
            mark_no_data(ax, year, height)
        elif not any_drawn:
            mark_no_data(ax, year, height, "not drawn")
    return bottom


def not_drawn(totals: pd.DataFrame, years: list[int]) -> dict[str, list[bool]]:
    """For each country, which years' figures are reconstructed copies of a neighbouring year.

    For each country, which of the years' figures are reconstructed copies of a neighbouring
    year (:func:`bulletin.data.trust.repeated_reconstructed`): they are never drawn.
    """
    hidden = {}
    for country in sorted(set(totals["country"])):
        mine = totals[totals["country"] == country].set_index("year").reindex(years)
        hidden[country] = repeated_reconstructed(
            mine["count"].tolist(), mine["status"].fillna("").tolist()
        )
    return hidden


def empty_slots_note(totals: pd.DataFrame, years: list[int]) -> str:
    """The note under a chart naming why slots are empty ("" when none is).

    The figures left undrawn (copies of a neighbouring year), and the years without any figure,
    which the chart marks "no data": a reader of the caption or the alt text learns them too.
    """
    parts = [
        f"{country_name(country)} {describe_years([y for y, h in zip(years, flags, strict=True) if h])}"
        for country, flags in not_drawn(totals, years).items()
        if any(flags)
    ]
    note = ""
    if parts:
        note += (
            " Not drawn: " + "; ".join(parts) + " (reconstructed by repeating a neighbouring "
            "year's figure: not a measure)."
        )
    return note + no_figures_note(years, totals.loc[totals["count"].notna(), "year"])


def no_figures_note(years: list[int], with_figures: Iterable[int]) -> str:
    """" No figures at all for 2022-2023." for the years shown that have no figure ("" if none).

    >>> no_figures_note([2020, 2021, 2022, 2023], [2020, 2021])
    ' No figures at all for 2022-2023.'
    >>> no_figures_note([2020], [2020])
    ''
    """
    known = {int(year) for year in with_figures}
    empty = [year for year in years if year not in known]
    return " " + describe_gaps([], empty) if empty else ""


def plot_offences_by_country(
    offences: pd.DataFrame, first: int, last: int, *, title: str
) -> Figure:
    """Stacked bars of offences by year and country; reconstructed parts drawn apart.

    Args:
        offences: the table ``drug_offences``.
        first: the first year shown.
        last: the last year shown.
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    rows = rows_in_period(offences, first, last)
    fig, ax = new_chart()
    years = list(range(first, last + 1))
    totals = country_year_totals(rows)
    stack_by_country(ax, totals, years)
    legend_with_status(ax, rows, loc="upper left", bbox_to_anchor=(1, 1))
    finish_chart(
        fig,
        ax,
        title,
        "Reported offences (number)",
        describe_sources(rows),
        describe_status(rows) + empty_slots_note(totals, years),
        statuses=statuses(rows),
    )
    return fig


def _solid(handle: object) -> object:
    """A legend entry of bars as a plain patch of their colour.

    A legend entry of bars as a plain patch of their colour (the bars themselves may be drawn
    lighter and hatched where reconstructed).
    """
    patches = getattr(handle, "patches", None)
    if not patches:
        return handle
    colour = to_rgba(patches[0].get_edgecolor() if patches[0].get_hatch() else
                     patches[0].get_facecolor())
    return Patch(facecolor=(*colour[:3], 1.0), edgecolor="white")


def legend_with_status(ax: Axes, rows: pd.DataFrame, **where: object) -> None:
    """The legend, with an entry for each status the chart draws apart (stated, reconstructed).

    Args:
        ax: the chart's axes.
        rows: the rows behind the chart (their ``status`` column).
        where: where to put the legend (matplotlib's ``loc``, ``bbox_to_anchor``).
    """
    handles, labels = ax.get_legend_handles_labels()
    handles = [_solid(handle) for handle in handles]  # a layer's colour, whatever its status
    for handle in status_handles([s for s in rows["status"].unique() if s != "official"]):
        handles.append(handle)
        labels.append(handle.get_label())
    ax.legend(handles, labels, frameon=False, fontsize=9, **({"loc": "upper right"} | where))


def plot_shares_by_type(
    offences: pd.DataFrame, first: int, last: int, *, title: str
) -> Figure | None:
    """100% stacked bars of national offence types by year; hatched where reconstructed.

    Args:
        offences: the table ``drug_offences``.
        first: the first year shown.
        last: the last year shown.
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    rows = rows_in_period(offences, first, last)
    shares = shares_by_type(rows, NATIONAL)
    if shares.empty:
        return None
    national = national_rows(rows)
    labels = offence_types()["label"].to_dict()
    years = list(range(first, last + 1))
    fig, ax = new_chart()
    colours = OFFENCE_TYPE_COLOURS  # not the countries' colours: one meaning per colour on the page
    bottom = np.zeros(len(years))
    types = [t for t in offence_types().index if t in set(shares["offence_type"])]
    for index, offence_type in enumerate(types):
        mine = shares[shares["offence_type"] == offence_type].set_index("year").reindex(years)
        heights = mine["share_pct"].fillna(0).to_numpy(dtype=float)
        bars = ax.bar(
            years, heights, bottom=bottom, color=colours[index], label=labels[offence_type]
        )
        for bar, year in zip(bars.patches, years, strict=True):
            behind = national[
                (national["year"] == year) & (national["offence_type"] == offence_type)
            ]
            if not behind.empty:
                style_bar(bar, joined_values(behind["status"]), colours[index])
        bottom += heights
    legend_with_status(ax, national, loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_xticks(years)
    ax.set_ylim(0, 100)
    for year in sorted(set(years) - set(shares["year"].astype(int))):
        mark_no_data(ax, year, 100.0)  # no country breaks its offences down by type that year
    countries = countries_in_words(sorted(set(national["country"])))
    finish_chart(
        fig,
        ax,
        title,
        "Share of offences (%)",
        describe_sources(national)
        + f" Countries whose offences are broken down by national type: {countries}.",
        describe_status(national) + no_figures_note(years, shares["year"]),
        statuses=statuses(national),
    )
    return fig
