"""What the colours of a chart mean: its legend, the colours of its data, and what is wrong on a page.

One meaning per colour on a page, and every colour that means something named in a legend.

A chart's facts (:func:`bulletin.publish.chart_facts.chart_facts`) carry ``legend`` and
``colours`` from here; :func:`colour_problems` reads them for a page's charts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba_array
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

GROUND_GIDS = ("countries", "places", "ground")
"""Ids (``set_gid``) of what a chart draws under its data, which means nothing by its colour: a
map's land and the places its legs end at."""

def _hex(colour: tuple | None) -> str | None:
    if colour is None:
        return None
    return "#" + "".join(f"{round(v * 255):02x}" for v in colour[:3])


def legend_entries(fig: Figure) -> list[list[str]]:
    """What each colour of a chart's legends means: ``[label, "#rrggbb"]`` pairs, in legend order.

    A colour bar (heat maps) counts as a legend of its own and gives no pair.
    """
    entries: list[list[str]] = []
    axes_legends = [ax.get_legend() for ax in fig.axes]
    for legend in filter(None, [*axes_legends, *fig.legends]):
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False):
            colour = _hex(artist_colour(handle, face=isinstance(handle, Patch))) if handle else None
            if colour is not None and text.get_text():
                entries.append([text.get_text(), colour])
    return [list(e) for e in dict.fromkeys(tuple(e) for e in entries)]


def encoded_colours(fig: Figure) -> list[str]:
    """The colours that mean something in a chart: its series' and its marks', each once.

    A series is a set of bars or a line in the data's coordinates; a mark, a set of points (stated
    figures, say). A chart of one series draws it in a colour that means nothing but "the data"
    (its title says what): that colour is left out. Guides (drawn outside the data's
    coordinates) and heat maps' cells (their scale is a colour bar or their numbers) are not counted.
    """
    series: list[str | None] = []
    marks: list[str | None] = []
    for ax in fig.axes:
        if getattr(ax, "_colorbar", None) is not None:
            continue
        for container in ax.containers:
            if isinstance(container, BarContainer):
                series += [_hex(_bar_colour(p)) for p in container.patches]
        has_bars = any(isinstance(c, BarContainer) for c in ax.containers)
        for line in ax.get_lines():
            if _is_series(line, ax, named_only=has_bars):
                series.append(_hex(artist_colour(line, face=False)))
        for points in ax.collections:
            ground = (points.get_gid() or "").startswith(GROUND_GIDS)
            if isinstance(points, PathCollection) and len(points.get_offsets()) and not ground:
                marks.append(_hex(artist_colour(points, face=True)))
    distinct = list(dict.fromkeys(c for c in series if c is not None))
    meaningful = distinct if len(distinct) > 1 else []
    return list(dict.fromkeys([*meaningful, *(c for c in marks if c is not None)]))


def _is_series(line: Line2D, ax: Axes, named_only: bool) -> bool:
    """Whether a line draws data: in the data's coordinates, with numbers; named, beside bars.

    Beside bars, an unnamed line is an error bar or a guide.
    """
    if line.get_transform() != ax.transData:
        return False
    values = pd.to_numeric(pd.Series(line.get_ydata(orig=True)), errors="coerce")
    if values.notna().sum() < 1:
        return False
    return not (named_only and line.get_label().startswith("_"))


def colour_problems(charts: list[dict[str, Any]]) -> list[str]:
    """What is wrong with the colours of a page's charts (their facts, in page order); empty if nothing.

    Every colour that means something in a chart is named in its legend; and a colour means one
    thing on the whole page (the same label wherever a legend names it). A colour that one legend
    gives several labels (a key of line widths, say) names no category and is not compared.

    >>> colour_problems([{"title": "A", "legend": [["Kazakhstan", "#0173b2"]], "colours": ["#0173b2", "#de8f05"]},
    ...                  {"title": "B", "legend": [["Smuggling", "#0173b2"]], "colours": []}])
    ['Figure 1 (A): #de8f05 is drawn but no legend names it', '#0173b2 means Kazakhstan (Figure 1) and Smuggling (Figure 2)']
    """
    problems: list[str] = []
    meanings: dict[str, dict[str, list[int]]] = {}
    for number, chart in enumerate(charts, start=1):
        legend = chart.get("legend") or []
        named = {colour for _, colour in legend}
        unnamed = [c for c in chart.get("colours") or [] if c not in named]
        if unnamed:
            problems.append(
                f"Figure {number} ({chart.get('title', '')}): {', '.join(unnamed)} "
                f"{'is' if len(unnamed) == 1 else 'are'} drawn but no legend names "
                f"{'it' if len(unnamed) == 1 else 'them'}"
            )
        labels_of: dict[str, set[str]] = {}
        for label, colour in legend:
            labels_of.setdefault(colour, set()).add(label)
        for colour, labels in labels_of.items():
            if len(labels) == 1:
                meanings.setdefault(colour, {}).setdefault(next(iter(labels)), []).append(number)
    for colour, labels in meanings.items():
        if len(labels) > 1:
            said = " and ".join(
                f"{label} ({', '.join(f'Figure {n}' for n in numbers)})"
                for label, numbers in labels.items()
            )
            problems.append(f"{colour} means {said}")
    return problems


def _bar_colour(patch: Patch) -> tuple | None:
    """A bar's colour: its fill, or for a hatched (reconstructed) bar its outline, which keeps it."""
    colour = patch.get_edgecolor() if patch.get_hatch() else patch.get_facecolor()
    rgba = to_rgba_array(colour)
    return tuple(float(v) for v in np.round(rgba[0][:3], 3)) if len(rgba) else None


def artist_colour(artist: Any, face: bool) -> tuple | None:
    """An artist's fill (bars) or line colour as a rounded RGB tuple, to match legend entries.

    A line drawn without its line (points only) is the colour of its points: their fill, or for
    hollow points their outline.
    """
    if isinstance(artist, Line2D) and artist.get_linestyle() in ("None", "none", "", " "):
        fill = artist.get_markerfacecolor()
        hollow = isinstance(fill, str) and fill.lower() in ("none", "white", "w", "#ffffff")
        colour = artist.get_markeredgecolor() if hollow else fill
        rgba = to_rgba_array(colour)
        return tuple(float(v) for v in np.round(rgba[0][:3], 3)) if len(rgba) else None
    getter = getattr(artist, "get_facecolor" if face else "get_color", None)
    if getter is None:
        return None
    rgba = to_rgba_array(getter())
    return tuple(float(v) for v in np.round(rgba[0][:3], 3)) if len(rgba) else None
