"""Analysis 11, the participants of activities: figures as stated, totals, breakdowns, chart.

A figure given loosely keeps its word ("more than 100"), and sums carry the qualifier their parts
give them (:func:`bulletin.core.wording.qualifier_of_sum`); an activity without a figure is
counted apart, never as zero. Rounds of one series (a training given twice) share one figure for
the series.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from bulletin.core.numbers import is_missing_text
from bulletin.core.wording import (
    describe_stated_count,
    qualifier_of_sum,
)
from bulletin.data.schemas import ACTIVITY_KINDS, ACTIVITY_THEMES
from bulletin.data.trust import describe_sources, describe_status, least_trusted, statuses

# Plotting is imported by the functions that draw (see bulletin.analyses).
if TYPE_CHECKING:
    from matplotlib.figure import Figure


def qualifier_of(value: object) -> str | None:
    """A cell's qualifier ("over", "more than"), or None for an empty cell (a figure stated plainly).

    >>> qualifier_of("over"), qualifier_of(None)
    ('over', None)
    """
    return str(value) if not is_missing_text(value) else None


def figures_of_series(rows: pd.DataFrame) -> dict[str, str]:
    """The words of each series' figure, by series (for rounds that have none of their own)."""
    figures = {}
    scoped = rows.loc[rows["participants_scope"].eq("series").fillna(False)]
    for row in scoped.itertuples():
        figures[row.series] = _figure_words(row)
    return figures


def _figure_words(row: object) -> str:
    parts = []
    if not is_missing_text(row.participants_on_site):
        parts.append(
            describe_stated_count(
                row.participants_on_site, qualifier_of(row.participants_on_site_qualifier)
            )
        )
    if not is_missing_text(row.participants_remote):
        remote = describe_stated_count(
            row.participants_remote, qualifier_of(row.participants_remote_qualifier)
        )
        if parts:
            parts[0] += " on site"
            parts.append(f"{remote} remote")
        else:
            parts.append(f"{remote} remote")
    return " and ".join(parts)


def participants_words(row: object, series_figures: dict[str, str]) -> str:
    """The participants of one activity in words, qualifiers carried.

    "70 on site and more than 100 remote"; "200 across the rounds" for a series figure; "not given
    for this round (200 across the rounds)" for a round without its own figure; "not given".
    """
    words = _figure_words(row)
    if words:
        if not is_missing_text(row.participants_scope) and row.participants_scope == "series":
            return f"{words} across the rounds"
        return words
    if not is_missing_text(row.series) and row.series in series_figures:
        return f"not given for this round ({series_figures[row.series]} across the rounds)"
    return "not given"


def _without_figure(rows: pd.DataFrame) -> pd.Series:
    """Rows whose participants are counted nowhere: no figure of their own nor of their series."""
    own = rows["participants_on_site"].notna() | rows["participants_remote"].notna()
    series_with_figure = set(
        rows.loc[rows["participants_scope"].eq("series").fillna(False), "series"]
    )
    in_series = rows["series"].isin(series_with_figure)
    return ~own & ~in_series


def participant_totals(rows: pd.DataFrame) -> dict:
    """Participants on site, remote and in all, each with the qualifier its parts give it.

    Each figure is stored once (a series figure on one round), so a plain sum counts everyone
    once. Activities with no figure at all are counted apart, in ``activities_without_figure``.
    """
    on_site = rows["participants_on_site"].dropna()
    remote = rows["participants_remote"].dropna()
    on_site_q = [
        qualifier_of(q)
        for q, n in zip(
            rows["participants_on_site_qualifier"], rows["participants_on_site"], strict=True
        )
        if not is_missing_text(n)
    ]
    remote_q = [
        qualifier_of(q)
        for q, n in zip(
            rows["participants_remote_qualifier"], rows["participants_remote"], strict=True
        )
        if not is_missing_text(n)
    ]
    return {
        "on_site": int(on_site.sum()),
        "on_site_qualifier": qualifier_of_sum(on_site_q),
        "remote": int(remote.sum()),
        "remote_qualifier": qualifier_of_sum(remote_q),
        "total": int(on_site.sum() + remote.sum()),
        "total_qualifier": qualifier_of_sum(on_site_q + remote_q),
        "activities_without_figure": int(_without_figure(rows).sum()),
    }


def participants_by(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Activities and participants by ``theme`` or ``kind``, qualifiers carried to each sum.

    Columns: the grouping column, ``activities``, ``on_site``, ``on_site_qualifier``, ``remote``,
    ``remote_qualifier``, ``total``, ``total_qualifier``, ``activities_without_figure``; groups in
    the vocabulary's order, only those present.
    """
    order = {"theme": ACTIVITY_THEMES, "kind": ACTIVITY_KINDS}.get(column)
    if order is None:
        raise ValueError(f"expected 'theme' or 'kind' to group by, got {column!r}")
    lines = []
    for value in [v for v in order if v in set(rows[column])]:
        group = rows.loc[rows[column] == value]
        lines.append({column: value, "activities": len(group), **participant_totals(group)})
    columns = [
        column,
        "activities",
        "on_site",
        "on_site_qualifier",
        "remote",
        "remote_qualifier",
        "total",
        "total_qualifier",
        "activities_without_figure",
    ]
    return pd.DataFrame(lines, columns=columns)


def format_participants_by(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """The participants-by table as readers see it: figures in words, qualifiers kept."""

    def words(number: int, qualifier: object, none_word: str = "–") -> str:
        qualifier = qualifier_of(qualifier)
        return describe_stated_count(number, qualifier) if number or qualifier else none_word

    return pd.DataFrame(
        {
            column.capitalize(): table[column].str.capitalize(),
            "Activities": table["activities"],
            "Participants on site": [
                words(n, q)
                for n, q in zip(table["on_site"], table["on_site_qualifier"], strict=True)
            ],
            "Participants remote": [
                words(n, q) for n, q in zip(table["remote"], table["remote_qualifier"], strict=True)
            ],
            "Participants in all": [
                words(n, q, "not given")
                for n, q in zip(table["total"], table["total_qualifier"], strict=True)
            ],
            "Activities giving no number": table["activities_without_figure"],
        }
    )


def plot_participants_by(
    table: pd.DataFrame, column: str, rows: pd.DataFrame, *, title: str
) -> Figure:
    """Horizontal bars of participants on site and remote by theme or kind.

    A loose sum is labelled with its words at the bar's end ("more than 170"): the bar shows the
    figures as stated, which for such a group is a floor.

    Args:
        table: participants by ``column`` (:func:`participants_by`).
        column: ``theme`` or ``kind``.
        rows: the activities behind it.
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    from bulletin.publish.charts import finish_chart, mark_stated, new_chart, status_handles

    shown = table.iloc[::-1]
    fig, ax = new_chart(9, 0.6 * len(shown) + 2)
    labels = shown[column].str.capitalize()
    ax.barh(labels, shown["on_site"], label="On site")
    ax.barh(labels, shown["remote"], left=shown["on_site"], label="Remote (video conference)")
    for y, line in enumerate(shown.itertuples()):
        qualifier = qualifier_of(line.total_qualifier)
        words = (
            describe_stated_count(line.total, qualifier) if line.total or qualifier else "not given"
        )
        ax.text(line.total, y, f"  {words}", va="center", fontsize=9)
    ax.set_xlim(0, max(float(shown["total"].max()), 1.0) * 1.25)
    handles, names = ax.get_legend_handles_labels()
    if rows["status"].map(lambda st: least_trusted(str(st)) == "stated").any():
        mark_stated(ax, shown["total"].tolist(), list(range(len(shown))))
        for handle in status_handles(["stated"], "#5b3a8c"):
            handles.append(handle)
            names.append(handle.get_label())
    ax.legend(handles, names, frameon=False, loc="lower right")
    finish_chart(
        fig,
        ax,
        title,
        "",
        describe_sources(rows),
        describe_status(rows, period_column=None)
        + " Figures as stated; 'more than'/'over' figures are floors.",
        statuses=statuses(rows),
    )
    ax.set_xlabel("Participants (persons)")
    return fig
