"""Analysis 5, the route map: the period's legs drawn between the countries.

Analysis 5, the route map: the legs of the period drawn between the countries, one panel per drug
group, new legs and legs gone told apart, line width by kilograms.

The legs are drawn over the region's countries (Natural Earth's outlines, shipped in a package:
``route_map_ground`` and ``bulletin.data.boundaries``), between the countries' capitals
(``data/reference/country_positions.csv``) or, for a country not listed there, a point inside it;
a leg whose country has no place (outside the outlines' region) is named under the map, never
dropped silently.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bulletin.analyses import route_map_ground as ground
from bulletin.analyses.route_windows import (
    BASELINE,
    PERIOD,
    CaseWindow,
    cases_within,
)
from bulletin.analyses.routes import (
    LEG_COLUMNS,
    disappeared_legs,
    leg_words,
    new_legs,
    shows_legs,
)
from bulletin.core.wording import (
    number_in_words,
)
from bulletin.data.boundaries import ATTRIBUTION
from bulletin.data.trust import describe_sources, describe_status, statuses
from bulletin.data.vocab import CENTRAL_ASIA, country_name, drug_groups, drug_labels, load_reference
from bulletin.publish.charts import finish_chart, mark_reconstructed, new_chart


def country_positions() -> pd.DataFrame:
    """Latitude and longitude of the countries the map can place (``reference/country_positions``)."""
    frame = load_reference("country_positions")
    return frame.astype({"lat": float, "lon": float}).set_index("iso3")


_PANELS = {  # drug groups drawn in a panel of their own, with their colour; the rest together
    "opiates": "#0072B2",
    "cannabis": "#009E73",
}
OTHER_DRUGS = "other"
_OTHER_COLOUR = "#CC79A7"
_NEW_COLOUR = "#D55E00"
_GONE_COLOUR = "#7f7f7f"
_MAX_WIDTH = 10.0
_MIN_WIDTH = 0.6
_BEND = 0.15  # arcs bend, so that the two directions of a leg stay apart
_WIDTH = 9.6  # inches: the page's text column at the charts' 100 dpi
_KEY_HEIGHT = 0.6  # inches: the row of the key


def map_legs(summary: pd.DataFrame) -> pd.DataFrame:
    """The legs the map draws, by panel: the period's, and the baseline's not seen again.

    Returns:
        ``panel`` (``opiates``, ``cannabis`` or ``other``), ``kind`` (``period`` or ``gone``),
        ``from_country``, ``to_country``, ``cases``, ``kg``, ``reconstructed_kg``, ``new`` (a
        leg of the period that no drug took in the baseline).
    """
    groups = summary["drug"].map(drug_groups())
    grouped = summary.assign(panel=groups.where(groups.isin(list(_PANELS)), OTHER_DRUGS))
    keys = ["window", "panel", *LEG_COLUMNS]
    weights = grouped.groupby(keys, as_index=False)[["cases", "kg", "reconstructed_kg"]].sum()
    new = new_legs(summary)[list(LEG_COLUMNS)].assign(is_new=True)
    gone = disappeared_legs(summary)[list(LEG_COLUMNS)].assign(is_gone=True)
    weights = weights.merge(new, on=list(LEG_COLUMNS), how="left").merge(
        gone, on=list(LEG_COLUMNS), how="left"
    )
    in_period = weights["window"] == PERIOD
    weights["new"] = weights["is_new"].eq(True) & in_period
    weights["kind"] = np.where(in_period, PERIOD, "gone")
    weights = weights[in_period | (weights["is_gone"].eq(True) & (weights["window"] == BASELINE))]
    columns = ["panel", "kind", *LEG_COLUMNS, "cases", "kg", "reconstructed_kg", "new"]
    return weights[columns].reset_index(drop=True)


def plot_route_map(
    cases: pd.DataFrame,
    summary: pd.DataFrame,
    period: CaseWindow,
    baseline: CaseWindow,
    positions: pd.DataFrame | None = None,
    *,
    title: str,
) -> Figure:
    """The routes of the period drawn over a map of the region's countries.

    One panel per drug group (opiates across the page, cannabis and other drugs, if any, side by
    side below it), each a map of the countries the legs join, on one extent (Natural Earth's
    outlines, ``route_map_ground``), the countries of its legs and the five named on it. Each
    leg is an arc from one country to the next, as wide as the kilograms carried along it in the
    period (one scale for every panel); legs the baseline never shows are drawn in orange, the
    baseline's legs not seen again in grey dots. When every case is reconstructed the chart says
    so in a box; when only some are, the legs carrying reconstructed kilograms are dashed. Legs
    run between the countries' capitals (``data/reference/country_positions.csv``), or for a
    country not listed there a point inside its outline; a country with neither (outside the
    region of the outlines) has no place, and its legs are named under the map. No tiles, nothing
    fetched: the outlines ship in an installed package.

    Args:
        cases: the cases (those touching the five countries).
        summary: the legs of the period and the baseline (``routes.leg_summary``).
        period: the window of months shown.
        baseline: the window it is compared with.
        positions: the countries' listed places (default: the reference table's capitals).
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    places = ground.country_places(country_positions() if positions is None else positions)
    legs = map_legs(summary)
    placed = legs["from_country"].isin(places.index) & legs["to_country"].isin(places.index)
    unplaced, legs = legs[~placed], legs[placed]
    panels = [p for p in (*_PANELS, OTHER_DRUGS) if (legs["panel"] == p).any()] or ["opiates"]
    countries = sorted(set(legs["from_country"]) | set(legs["to_country"]))
    extent = ground.map_extent(places.loc[countries])
    ratio = (extent[3] - extent[2]) / (extent[1] - extent[0])
    fig, key, axes = _map_panels(len(panels), ratio)
    drawn = legs[legs["kind"] == PERIOD]
    heaviest = float(drawn["kg"].max()) if not drawn.empty else 0.0
    heaviest = heaviest if heaviest > 0 else 1.0
    in_period = cases_within(cases, period)
    all_reconstructed = not in_period.empty and (in_period["status"] == "reconstructed").all()
    named = []  # by panel: the countries of its legs, and the five
    for ax, panel in zip(axes, panels, strict=True):
        ground.draw_ground(ax, extent)
        ours = legs[legs["panel"] == panel]
        _draw_panel(ax, ours, panel, places, heaviest, dashed=not all_reconstructed)
        codes = sorted({*ours["from_country"], *ours["to_country"], *CENTRAL_ASIA} & {*places.index})
        ax.scatter(places.loc[codes, "x"], places.loc[codes, "y"], s=14, color="#222222",
                   zorder=6, linewidths=0, gid="places")  # where legs end: ground, not data
        named.append(codes)
    compared = shows_legs(summary, BASELINE)
    handles = _map_legend(legs, heaviest, period, baseline, compared,
                          dashed=not all_reconstructed)
    key.axis("off")
    key.legend(handles=handles, loc="center left", ncols=2, fontsize=8.5, frameon=False,
               borderaxespad=0)
    if all_reconstructed:
        mark_reconstructed(axes[0])
    unplaced_words = ""
    if not unplaced.empty:
        unplaced_words = (
            " Legs to or from countries beyond the map, not drawn: "
            + leg_words(unplaced.drop_duplicates(list(LEG_COLUMNS)))
            + "."
        )
    years = in_period.assign(year=in_period["date"].str[:4].astype(int))
    status = describe_status(years, "year") if not years.empty else "Data status: no data."
    labels = {PERIOD: f"leg of {period.label}", "gone": f"leg of {baseline.label} not seen again"}
    data = legs.assign(kind=legs["kind"].map(labels), period=period.interval,
                       baseline=baseline.interval)
    finish_chart(
        fig,
        axes[0],
        title,
        "Kilograms carried along the leg",
        describe_sources(in_period if not in_period.empty else cases) + unplaced_words
        + " Line width: kilograms carried along the leg; legs run between capitals. "
        + ATTRIBUTION + "; the boundaries and names shown do not imply official endorsement "
        "or acceptance by the United Nations.",
        status,
        data=data,
        alt=_map_alt(legs, period, baseline, compared),
        statuses=statuses(in_period),
    )
    axes[0].set_ylabel("")  # a map has no value axis: the unit is the legend's
    # The chart's title spans the panels; each panel is named after its drug group.
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    names = {**drug_labels(), OTHER_DRUGS: "Other drugs"}
    for ax, panel in zip(axes, panels, strict=True):
        ax.set_title(names.get(panel, panel), loc="left", fontsize=11)
    _name_countries(fig, axes, places, named)
    return fig


def _map_panels(count: int, ratio: float) -> tuple[Figure, Axes, list[Axes]]:
    """The figure: the key, the first panel across the page, the others side by side below it.

    The first panel is the main map (opiates, the most legs); the others, with few legs, are
    small multiples of it: the page stays short and light.
    """
    beside = max(count - 1, 1)
    main = 0.95 * _WIDTH * ratio
    small = main / beside if count > 1 else 0.0
    fig, first_ax = new_chart(_WIDTH, _KEY_HEIGHT + main + small + 0.45 * min(count, 2) + 0.5)
    first_ax.remove()
    # The key in a row of its own above the maps, under the title: it covers no leg.
    heights = [_KEY_HEIGHT, main, small] if count > 1 else [_KEY_HEIGHT, main]
    grid = fig.add_gridspec(len(heights), beside, height_ratios=heights)
    key = fig.add_subplot(grid[0, :])
    axes = [fig.add_subplot(grid[1, :])]
    axes += [fig.add_subplot(grid[2, column]) for column in range(count - 1)]
    return fig, key, axes


def _name_countries(
    fig: Figure, axes: list[Axes], places: pd.DataFrame, named: list[list[str]],
) -> None:
    """Name each panel's countries clear of its legs, once the layout is settled."""
    # Names are placed in pixels: the layout must be settled and the legs' arrows at their final
    # size and place, which only drawing gives (an arrow sizes its head and ends on its first
    # draw). The countries are left out of this draw: they change neither, and are most of it.
    grounds = [c for ax in axes for c in ax.collections
               if (c.get_gid() or "").startswith("countries")]
    for collection in grounds:
        collection.set_visible(False)
    fig.draw_without_rendering()
    for collection in grounds:
        collection.set_visible(True)
    for number, (ax, codes) in enumerate(zip(axes, named, strict=True)):
        marks = ax.transData.transform(places.loc[codes, ["x", "y"]].to_numpy(dtype=float))
        # The small maps below the first get smaller names, as their map is smaller.
        ground.name_countries(ax, places, codes, marks, font_size=9.0 if number == 0 else 8.0)


def _draw_panel(
    ax: Axes, legs: pd.DataFrame, panel: str, places: pd.DataFrame, heaviest: float,
    dashed: bool,
) -> None:
    """The arcs of one panel: one per leg, never one per case."""
    colour = _PANELS.get(panel, _OTHER_COLOUR)
    spot = dict(zip(places.index, zip(places["x"], places["y"], strict=True), strict=True))
    for row in legs.sort_values("kg", ascending=False).itertuples(index=False):
        start, end = spot[row.from_country], spot[row.to_country]
        if row.kind == "gone":
            width, tint, style = 1.2, _GONE_COLOUR, (0, (1, 2))
        else:
            width = _MIN_WIDTH + (_MAX_WIDTH - _MIN_WIDTH) * row.kg / heaviest
            tint = _NEW_COLOUR if row.new else colour
            style = "--" if dashed and row.reconstructed_kg > 0 else "-"
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            annotation_clip=False,
            arrowprops={
                "arrowstyle": "-|>,head_length=0.6,head_width=0.3",
                "color": tint,
                "lw": width,
                "linestyle": style,
                "alpha": 0.8,
                "shrinkA": 5,
                "shrinkB": 5,
                "connectionstyle": f"arc3,rad={_BEND}",
            },
        )


def _map_legend(
    legs: pd.DataFrame, heaviest: float, period: CaseWindow, baseline: CaseWindow,
    compared: bool, dashed: bool,
) -> list[Line2D]:
    """The legend: widths, then new and gone legs (when the baseline shows legs to compare)."""
    handles = []
    for kg in _round_scale(heaviest):
        width = _MIN_WIDTH + (_MAX_WIDTH - _MIN_WIDTH) * kg / heaviest
        handles.append(Line2D([], [], color="#555555", lw=width, label=f"{kg:,.0f} kg"))
    if not compared:  # no case of the baseline shows a leg: nothing is new or gone
        handles.append(Line2D([], [], color="none", label=(
            f"No leg of {baseline.label} to compare with: none marked new")))
        return handles + _dashed_handle(legs, dashed)
    any_new = bool(legs["new"].any())
    handles.append(Line2D([], [], color=_NEW_COLOUR, lw=3, label=(
        f"New leg: not seen in {baseline.label}" + ("" if any_new else " (none)"))))
    any_gone = bool((legs["kind"] == "gone").any())
    handles.append(Line2D([], [], color=_GONE_COLOUR, lw=1.2, linestyle=(0, (1, 2)), label=(
        f"Leg of {baseline.label} not seen in {period.label}" + ("" if any_gone else " (none)"))))
    return handles + _dashed_handle(legs, dashed)


def _dashed_handle(legs: pd.DataFrame, dashed: bool) -> list[Line2D]:
    if dashed and (legs["reconstructed_kg"] > 0).any():
        return [Line2D([], [], color="#555555", lw=2, linestyle="--",
                       label="Dashed: with reconstructed cases, not official")]
    return []


def _round_scale(heaviest: float) -> list[float]:
    """Round kilograms for the width legend.

    The largest 1, 2 or 5 x 10^n below the heaviest leg, and a tenth of it.

    >>> _round_scale(44455.0), _round_scale(0.5)
    ([2000.0, 20000.0], [1.0])
    """
    if heaviest < 1:
        return [1.0]
    power = 10.0 ** math.floor(math.log10(heaviest))
    top = max(step * power for step in (1, 2, 5) if step * power <= heaviest)
    return [top / 10, top] if top >= 10 else [top]


def _map_alt(legs: pd.DataFrame, period: CaseWindow, baseline: CaseWindow, compared: bool) -> str:
    drawn = legs[legs["kind"] == PERIOD]
    if drawn.empty:
        return f"Map of trafficking routes, {period.label}: no leg to draw."
    by_leg = drawn.groupby(list(LEG_COLUMNS), as_index=False)["kg"].sum()
    heaviest = by_leg.nlargest(3, "kg")
    words = "; ".join(
        f"{country_name(a)} to {country_name(b)}, {kg:,.0f} kg"
        for a, b, kg in zip(heaviest["from_country"], heaviest["to_country"], heaviest["kg"],
                            strict=True)
    )
    new = int(drawn.drop_duplicates(list(LEG_COLUMNS))["new"].sum())
    return (
        f"Maps of Central Asia and its neighbours with the trafficking routes by drug group, "
        f"{period.label}: {len(by_leg)} legs between countries, each as wide as the kilograms "
        f"carried along it; "
        f"heaviest: {words}. "
        + (f"New legs against {baseline.label}: {number_in_words(new)}." if compared else
           f"No leg of {baseline.label} to compare with: none can be told new.")
    )
