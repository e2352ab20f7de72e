"""A country's edition of an analysis: the country first, its place among the five, the region beside.

An analysis whose data are by country declares a ``country`` parameter (empty: the region). In a
country's edition its page opens with the country: one sentence with its figure for the period the
analysis shows, its rank among the five and its share of the region's total
(:func:`bulletin.publish.editions.standing_sentence`), how much of the period it reports, a chart
of its own series beside the five countries' figures for the last period, and its table by period
with the region's total beside it. The regional page follows, introduced as such. A country
without a figure for the period gets one sentence saying so, and no chart of its own.

Each analysis gives this module its figures as one long frame, ``country, period, value,
status`` (:func:`values_by_country` sums rows into it); :func:`country_view` picks the country and
:func:`key_figures` gives the one key figure the page and the edition's front page word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from matplotlib.patches import Patch

from bulletin.analyses.series import distinct_values, joined_values
from bulletin.data.citations import source_line
from bulletin.data.vocab import CENTRAL_ASIA, country_name, edition_country
from bulletin.publish import report
from bulletin.publish.charts import finish_chart, new_chart, status_handles, style_bar
from bulletin.publish.editions import (
    coverage_sentence,
    describe_period,
    standing_sentence,
)

HIGHLIGHT = "#0b6e99"
OTHERS = "#b8c4cc"
REGION_NOTE = (
    "The rest of this page is the regional page: the five countries together, as the regional "
    "issue shows them."
)


@dataclass
class CountryView:
    """One analysis seen from one country.

    Attributes:
        country: ISO3 code.
        record: the key figure with the country's standing (see :mod:`bulletin.publish.editions`).
        values: the five countries' figures, ``country, period, value, status``, periods shown.
        periods: the periods shown, in order.
        additive: whether the countries' figures add up to a regional total (counts, tons; not
            shares).
        sources: the sources of the country's figures.
        own_chart: whether the country's chart and table come before the page (False where the
            page is one country's already).
        rest: the sentence introducing the rest of the page (the regional page).
    """

    country: str
    record: dict[str, Any]
    values: pd.DataFrame
    periods: list[str]
    additive: bool = True
    sources: list[str] = field(default_factory=list)
    own_chart: bool = True
    rest: str = REGION_NOTE

    @property
    def has_figure(self) -> bool:
        """Whether the country has a figure for the last period shown."""
        return self.record.get("value") is not None


def values_by_country(
    rows: pd.DataFrame, value: str, period: str = "year", scale: float = 1.0
) -> pd.DataFrame:
    """Sum rows into one figure per country and period, with the statuses joined.

    >>> rows = pd.DataFrame({"country": ["TJK", "TJK", "KGZ"], "year": [2016, 2016, 2016],
    ...     "kg": [1000.0, 500.0, 250.0], "status": ["official", "reconstructed", "official"]})
    >>> values_by_country(rows, "kg", scale=0.001).to_dict("records")[1]
    {'country': 'TJK', 'period': '2016', 'value': 1.5, 'status': 'official+reconstructed', 'source': ()}
    """
    columns = ["country", "period", "value", "status", "source"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows if "source" in rows else rows.assign(source=None)
    summed = (
        rows.assign(period=rows[period].astype(str), value=rows[value].astype(float) * scale)
        .groupby(["country", "period"], as_index=False)
        .agg(value=("value", "sum"), status=("status", joined_values),
             source=("source", distinct_values))
    )
    return summed[columns]


def _standing(latest: pd.DataFrame, country: str, additive: bool) -> dict[str, Any]:
    """Rank, countries reporting, share and regional total of the last period."""
    ranked = latest.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)
    place = ranked.index[ranked["country"] == country]
    standing: dict[str, Any] = {"of": len(ranked)}
    if len(place):
        standing["rank"] = int(place[0]) + 1
    if additive and len(ranked):
        total = float(ranked["value"].sum())
        standing["region_value"] = round(total, 6)
        if len(place) and total > 0:
            mine = float(ranked.loc[place[0], "value"])
            standing["share_pct"] = round(100 * mine / total, 2)
    return standing


def _span(periods: list[str], period_word: str) -> str:
    """``2010-2016``, or ``from January-March 2016 to January-March 2017``."""
    if len(periods) == 1:
        return describe_period(periods[0])
    if period_word == "year":
        return f"{periods[0]}-{periods[-1]}"
    return f"from {describe_period(periods[0])} to {describe_period(periods[-1])}"


def country_view(
    values: pd.DataFrame,
    country: str,
    name: str,
    what: str,
    unit: str,
    periods: Sequence[str | int],
    *,
    additive: bool = True,
    period_word: str = "year",
    instead: str = "",
) -> CountryView | None:
    """The analysis seen from ``country``: its figure, standing and coverage; None for the region.

    Args:
        values: ``country, period, value, status`` (:func:`values_by_country`), any periods.
        country: the edition's country (ISO3), or ``""`` for the region's issue.
        name: the regional key figure's name; the country's is ``<iso3>_<name>`` (lower case), so
            that the two never collide in ``figures.json``.
        what: what is counted, as in "Tajikistan's *drug seizures*, 2016".
        unit: the figures' unit (``t``, ``offences``, ``%``...).
        periods: the periods the page shows, in order; the last is the figure's.
        additive: whether the figures add up to a regional total (False for shares).
        period_word: what one period is called ("year", "quarter").
        instead: what the page shows when the country has no figure (default: no chart).
    """
    country = edition_country(country)
    if not country:
        return None
    shown = [str(p) for p in periods]
    in_window = values[values["period"].astype(str).isin(shown) & values["country"].isin(CENTRAL_ASIA)]
    in_window = in_window[in_window["value"].notna()].copy()
    mine = in_window[in_window["country"] == country]
    latest = in_window[in_window["period"] == shown[-1]]
    own_latest = mine[mine["period"] == shown[-1]]
    earlier = values[(values["country"] == country) & values["value"].notna()]
    earlier = earlier[earlier["period"].astype(str) <= shown[-1]]
    record: dict[str, Any] = {
        "name": f"{country.lower()}_{name}",
        "value": float(own_latest["value"].iloc[0]) if len(own_latest) else None,
        "unit": unit,
        "period": shown[-1],
        # No figure, no status: the region's status is not the country's (a missing figure is
        # never "official").
        "status": str(own_latest["status"].iloc[0]) if len(own_latest) else "",
        "country": country,
        "what": what,
        "periods_shown": len(shown),
        "periods_reported": int(mine["period"].nunique()),
        "periods_official": int((mine["status"] == "official").sum()),
        "period_span": _span(shown, period_word),
        "period_word": period_word,
        "last_reported": str(earlier["period"].astype(str).max()) if len(earlier) else None,
    }
    if instead:
        record["instead"] = instead
    if record["value"] is not None:
        record.update(_standing(latest, country, additive))
    sources = sorted({part for found in mine.get("source", []) for part in (found or ())})
    return CountryView(country, record, in_window.reset_index(drop=True), shown, additive, sources)


def key_figures(view: CountryView | None) -> list[dict[str, Any]]:
    """The country's key figure for ``figures.json`` (none in the region's issue)."""
    return [] if view is None else [dict(view.record)]


def standing_table(view: CountryView) -> pd.DataFrame:
    """The country's figure by period, its rank, its share and the region's total beside it."""
    name = country_name(view.country)
    rows = []
    for period in view.periods:
        latest = view.values[view.values["period"] == period]
        mine = latest[latest["country"] == view.country]
        standing = _standing(latest, view.country, view.additive) if len(mine) else {}
        row: dict[str, Any] = {
            "Period": describe_period(period),
            name: float(mine["value"].iloc[0]) if len(mine) else None,
            "Rank among the countries reporting": (
                f"{standing['rank']} of {standing['of']}" if "rank" in standing else "no figure"
            ),
        }
        if view.additive:
            row["Share of the region (%)"] = standing.get("share_pct")
            row["Region (the five)"] = float(latest["value"].sum()) if len(latest) else None
        rows.append(row)
    return pd.DataFrame(rows)


def plot_country(view: CountryView, title: str, value_label: str, source: str) -> Any:
    """The country's series (above, when several periods) and the five in the last period (below).

    The country's bars are drawn in the highlight colour, the others grey; reconstructed figures
    are hatched, as everywhere in the bulletin.
    """
    several = len(view.periods) > 1
    fig, ax = new_chart(9, 7.5 if several else 4)
    if several:  # one above the other: the title spans the chart, and it reads on a phone
        fig.clear()
        ax, right = fig.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2]})
    else:
        right = ax
    mine = view.values[view.values["country"] == view.country].set_index("period")
    if several:
        heights = [float(mine["value"].get(p, 0.0)) if p in mine.index else 0.0 for p in view.periods]
        bars = ax.bar(view.periods, heights, color=HIGHLIGHT)
        for bar, period in zip(bars, view.periods, strict=True):
            style_bar(bar, str(mine["status"].get(period, "official")), HIGHLIGHT)
        ax.tick_params(axis="x", rotation=45)
    latest = view.values[view.values["period"] == view.periods[-1]].sort_values("value")
    names = [country_name(c) for c in latest["country"]]
    colours = [HIGHLIGHT if c == view.country else OTHERS for c in latest["country"]]
    bars = right.barh(names, latest["value"], color=colours)
    for bar, status, colour in zip(bars, latest["status"], colours, strict=True):
        style_bar(bar, str(status), colour)
    right.set_title(f"The five, {describe_period(view.periods[-1])}", loc="left", fontsize=11)
    right.set_xlabel(value_label)
    # What the two colours mean (one meaning per colour on a page), then the statuses.
    handles = [Patch(facecolor=HIGHLIGHT, label=country_name(view.country)),
               Patch(facecolor=OTHERS, label="the other countries")]
    handles += status_handles([s for s in view.values["status"] if s != "official"], HIGHLIGHT)
    right.legend(handles=handles, frameon=False, loc="lower right", fontsize=8)
    data = view.values.drop(columns="source", errors="ignore").assign(
        country=view.values["country"].map(country_name))
    statuses = sorted({p for s in view.values["status"] for p in str(s).split("+") if p})
    status_sentence = (
        "Data status: official figures solid; reconstructed figures hatched, not official."
        if any(s in ("reconstructed", "estimate") for s in statuses)
        else "Data status: official figures."
    )
    return finish_chart(fig, ax, title, value_label, source, status_sentence, data=data,
                        statuses=statuses)


def show_country(view: CountryView | None, title: str = "", value_label: str = "",
                 source: str = "", decimals: int = 2) -> None:
    """Show the country's part of the page: its sentence, chart and table; nothing for the region.

    Args:
        view: the country's view (:func:`country_view`), or None in the region's issue.
        title: the chart's title.
        value_label: the value axis's label, with its unit.
        source: the chart's "Source: ..." sentence (default: the sources of the country's rows).
        decimals: decimals of the table's figures.
    """
    if view is None:
        return
    source = source or source_line(view.sources)
    report.show_text(f"**{standing_sentence(view.record)}** {coverage_sentence(view.record)}")
    if view.has_figure and view.own_chart:
        plot_country(view, title or f"{country_name(view.country)}: {view.record['what']}, "
                     f"{view.record['period_span']}",
                     value_label or view.record["unit"], source)
        statuses = sorted({p for s in view.values["status"] for p in str(s).split("+") if p})
        report.show_table(
            standing_table(view),
            f"{country_name(view.country)}: {view.record['what']} by {view.record['period_word']}, "
            "with its rank and the region's total",
            "Rank among the five countries with a figure for the period; the region's total is "
            "the sum of their figures.",
            decimals=decimals,
            statuses=statuses,
        )
    if view.rest:
        report.show_text(view.rest)
