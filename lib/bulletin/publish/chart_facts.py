"""What a chart shows, as data: its numbers, a text alternative, its statuses, its facts.

A chart leaves the kernel with its facts (:func:`chart_facts`) beside its PNG, so its page, the
front page and the CSV download read them and never the picture or the page's HTML. The numbers
are those given to :func:`bulletin.publish.charts.finish_chart`, or else read back from the bars,
lines, points or heat-map cells the figure draws (:func:`chart_data`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FixedFormatter

from bulletin.core.wording import join_words
from bulletin.publish.chart_colours import artist_colour, encoded_colours, legend_entries
from bulletin.publish.report import csv_text, order_statuses, split_statuses

_MAX_NAMED_CATEGORIES = 8
# Column names chart_data gives when the axes name nothing: not worth saying in alt text.
_WORDS = re.compile(r"[A-Za-z][A-Za-z ()'-]*")
_GENERIC_NAMES = {"category", "column", "row", "series", "value"}


@dataclass
class ChartInfo:
    """What :func:`finish_chart` knows about a chart, kept on its figure for the page."""

    title: str
    value_label: str
    source: str
    status: str
    data: pd.DataFrame | None
    alt: str | None
    statuses: list[str] | None = None


def chart_data(fig: Figure) -> pd.DataFrame:
    """The numbers a figure draws, read back from its bars (or, without bars, its lines).

    One row per bar or point: the series (legend entry), the category or x value, and the value,
    with the axis labels as column names. A figure of several panels gets a ``panel`` column.
    """
    panels = [(ax, _axes_data(ax)) for ax in fig.axes if getattr(ax, "_colorbar", None) is None]
    panels = [(ax, frame) for ax, frame in panels if not frame.empty]
    if len(panels) > 1:
        frames = [
            frame.assign(panel=ax.get_title() or f"panel {i}")[["panel", *frame.columns]]
            for i, (ax, frame) in enumerate(panels, start=1)
        ]
        return pd.concat(frames, ignore_index=True)
    return panels[0][1] if panels else pd.DataFrame()


def chart_facts(fig: Figure) -> dict[str, Any]:
    """What the page needs of a chart, as data: title, units, source, status, text alternative, CSV.

    Returns:
        ``title``, ``units`` (the value axis), ``source`` and ``status`` (the sentences under the
        chart), ``statuses`` (in order of trust), ``alt``, ``csv`` (its data; the source and status
        sentences go beside it, not on every row) and ``finished`` (whether :func:`bulletin.publish.charts.finish_chart` made it).
    """
    info: ChartInfo | None = getattr(fig, "_bulletin_chart", None)
    drawn = chart_data(fig)
    title = _title(fig, info)
    data = info.data if info is not None and info.data is not None else drawn
    source = info.source if info else ""
    status = info.status if info else ""
    return {
        "title": title,
        "units": info.value_label if info else "",
        "source": source,
        "status": status,
        "statuses": statuses_of(data, info.statuses if info else None),
        "alt": info.alt if info and info.alt else describe_chart(fig, drawn, title, status),
        "csv": csv_text(data) if not data.empty else "",
        "finished": info is not None,
        "legend": legend_entries(fig),
        "colours": encoded_colours(fig),
    }


def statuses_of(data: pd.DataFrame, given: list[str] | None = None) -> list[str]:
    """The data statuses behind a chart, in order of trust.

    Those given, else those its data's ``status`` column names (joined ones split), else none:
    the status sentence under a chart is written from its statuses, never read for them.

    >>> statuses_of(pd.DataFrame({"status": ["stated", "official+reconstructed"]}))
    ['official', 'stated', 'reconstructed']
    >>> statuses_of(pd.DataFrame(), ["reconstructed"]), statuses_of(pd.DataFrame())
    (['reconstructed'], [])
    """
    if given is not None:
        return order_statuses(given)
    if "status" not in data:
        return []
    return order_statuses(
        {s for field in data["status"].dropna().astype(str) for s in split_statuses(field)}
    )


def describe_chart(fig: Figure, drawn: pd.DataFrame, title: str, status: str = "") -> str:
    """A text alternative for a chart: what it shows, not how it is drawn.

    Its title; what is compared (the value, by what, over which years or between which
    categories, for which series); the largest and smallest values and where they are; and the
    data's status.

    >>> frame = pd.DataFrame({"Drug": ["Heroin", "Opium", "Heroin", "Opium"], "year": [2014.8, 2014.8, 2016.2, 2016.2],
    ...                       "Seizures (tons)": [1.5, 20.25, 0.5, 12.0]})
    >>> print(describe_chart(Figure(), frame, "Seizures", "Data status: official figures."))
    Seizures. Seizures (tons) by drug, 2015-2016: Heroin and Opium. Largest: 20.2 tons (Opium, 2015); smallest: 0.5 tons (Heroin, 2016). Data status: official figures.
    """
    parts = [f"{title}." if title else "A chart."]
    if not drawn.empty:
        parts.append(_describe_numbers(drawn))
    if status:
        parts.append(status)
    return " ".join(p for p in parts if p)


def _value_column(frame: pd.DataFrame) -> str | None:
    """The last numeric column of a frame read back from a chart (its values)."""
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    return numeric[-1] if numeric and not frame.empty else None


def _years_or_none(values: pd.Series) -> list[int] | None:
    """The years a column holds (whole or nearly: bars set beside a year), or None if it holds others."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.isna().any() or numbers.empty:
        return None
    years = numbers.round().astype(int)
    if not years.between(1900, 2100).all() or (numbers - years).abs().max() > 0.5:
        return None
    return sorted(set(years.tolist()))


def _named(items: list[str]) -> str:
    """Some names in a sentence: all of them, or the first few and how many more."""
    more = len(items) - _MAX_NAMED_CATEGORIES
    if more > 0:
        return ", ".join(items[:_MAX_NAMED_CATEGORIES]) + f" and {more} more"
    return join_words(items)


def _describe_numbers(drawn: pd.DataFrame) -> str:
    value = _value_column(drawn)
    if value is None:
        return ""
    columns = [c for c in drawn.columns if c != value]
    years_column = next((c for c in columns if _years_or_none(drawn[c]) is not None), None)
    years = _years_or_none(drawn[years_column]) if years_column is not None else None
    named = [c for c in columns if c != years_column]
    compared = f"{value}"
    by = [
        str(c).lower() for c in named
        if str(c) not in _GENERIC_NAMES and _WORDS.fullmatch(str(c)) and drawn[c].nunique() > 1
    ]
    if by:
        compared += " by " + " and ".join(by)
    if years:
        compared += f", {years[0]}-{years[-1]}" if len(years) > 1 else f", {years[0]}"
    between = [
        _named(list(dict.fromkeys(str(v) for v in drawn[c]))) for c in named if drawn[c].nunique() > 1
    ]
    words = [compared + (": " + "; ".join(between) if between else "") + "."]
    values = pd.to_numeric(drawn[value], errors="coerce").dropna()
    if not values.empty:
        unit = _unit(str(value))
        drawn_bars = values[values > 0] if (values > 0).any() else values  # 0: a bar not drawn
        largest, smallest = drawn.loc[values.idxmax()], drawn.loc[drawn_bars.idxmin()]
        said = f"Largest: {_amount(largest[value], unit)}{_where(largest, named, years_column)}"
        if drawn_bars.idxmin() != values.idxmax():
            said += f"; smallest: {_amount(smallest[value], unit)}{_where(smallest, named, years_column)}"
        words.append(said + ".")
    return " ".join(words)


def _unit(label: str) -> str:
    """The unit a value axis names in brackets at its end: "Seizures (tons)" gives "tons"."""
    found = re.search(r"\(([^()]+)\)\s*$", label)
    return found.group(1) if found and found.group(1) != "number" else ""


def _amount(value: float, unit: str) -> str:
    number = _short_number(value)
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _where(row: pd.Series, named: list[str], years_column: str | None) -> str:
    places = [str(row[c]) for c in named if str(row[c]) not in ("", "nan")]
    if years_column is not None:
        places.append(str(int(round(float(row[years_column])))))
    return f" ({', '.join(places)})" if places else ""


def _short_number(value: float) -> str:
    """A number for a sentence of alt text: three significant figures at most."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if abs(value) >= 100:
        return f"{round(value):,}"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def _title(fig: Figure, info: ChartInfo | None) -> str:
    """The chart's title as drawn: the one it was finished with, unless the figure was retitled.

    A title changed on the figure after ``finish_chart`` (``ax.set_title``, ``fig.suptitle``)
    is the one readers see on the image, so the caption and the text alternative take it too.
    """
    if info is None:
        return _first_title(fig)
    drawn = {fig.get_suptitle(), *(ax.get_title(loc) for ax in fig.axes for loc in ("center", "left", "right"))}
    return info.title if info.title in drawn else (_first_title(fig) or info.title)


def _first_title(fig: Figure) -> str:
    if fig.get_suptitle():
        return fig.get_suptitle()
    titles = (ax.get_title(loc) for ax in fig.axes for loc in ("center", "left", "right"))
    return next((title for title in titles if title), "")


def _axes_data(ax: Axes) -> pd.DataFrame:
    """What one axes draws, as a long table: series, category (or x) and value.

    Bars, and the lines drawn with them that have a name (a label or a legend entry: error bars
    and guides have none); without bars, every line; with neither, scatter points; with none of
    these, the cells of a heat map (image or mesh), by row and column.
    """
    names = _legend_names(ax)
    bars = [c for c in ax.containers if isinstance(c, BarContainer) and len(c.patches)]
    horizontal = bool(bars) and getattr(bars[0], "orientation", None) == "horizontal"
    category_label, value_label = (
        (ax.get_ylabel(), ax.get_xlabel()) if horizontal else (ax.get_xlabel(), ax.get_ylabel())
    )
    legend = ax.get_legend()
    series_label = legend.get_title().get_text() if legend is not None else ""
    rows = _bar_rows(ax, bars, horizontal, names) + _line_rows(ax, names, named_only=bool(bars))
    if not rows:
        rows = _scatter_rows(ax, names)
    if not rows:
        rows = _grid_rows(ax)
        series_label, category_label, value_label = (
            ax.get_ylabel() or "row", ax.get_xlabel() or "column", "value"
        )
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    if frame["series"].eq("").all():
        frame = frame.drop(columns="series")
    return frame.rename(
        columns={
            "series": series_label or "series",
            "x": category_label or "category",
            "value": value_label or "value",
        }
    )


def _bar_rows(ax: Axes, bars: list, horizontal: bool, names: dict) -> list[dict[str, Any]]:
    rows = []
    label = _position_labeller(ax.yaxis if horizontal else ax.xaxis)
    for index, container in enumerate(bars):
        colour = artist_colour(container.patches[0], face=True)
        series = _series_name(container.get_label(), colour, names, index, len(bars))
        values = container.datavalues
        if values is None:
            values = [p.get_width() if horizontal else p.get_height() for p in container.patches]
        for patch, value in zip(container.patches, values, strict=False):
            centre = (
                patch.get_y() + patch.get_height() / 2
                if horizontal
                else patch.get_x() + patch.get_width() / 2
            )
            rows.append({"series": series, "x": label(centre), "value": value})
    return rows


def _line_rows(ax: Axes, names: dict, named_only: bool) -> list[dict[str, Any]]:
    lines = [
        line
        for line in ax.get_lines()
        if line.get_transform() == ax.transData and len(line.get_xdata(orig=True))
    ]
    rows = []
    label = _position_labeller(ax.xaxis)
    for index, line in enumerate(lines):
        colour = artist_colour(line, face=False)
        named = not line.get_label().startswith("_") or colour in names
        if named_only and not named:
            continue
        series = _series_name(line.get_label(), colour, names, index, len(lines))
        for x, y in zip(line.get_xdata(orig=True), line.get_ydata(orig=True), strict=False):
            rows.append({"series": series, "x": label(x), "value": y})
    return rows


def _scatter_rows(ax: Axes, names: dict) -> list[dict[str, Any]]:
    points = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    rows = []
    label = _position_labeller(ax.xaxis)
    for index, collection in enumerate(points):
        colour = artist_colour(collection, face=True)
        series = _series_name(collection.get_label(), colour, names, index, len(points))
        for x, y in np.asarray(collection.get_offsets()):
            rows.append({"series": series, "x": label(x), "value": y})
    return rows


def _grid_rows(ax: Axes) -> list[dict[str, Any]]:
    """The cells of a heat map drawn with ``imshow`` or ``pcolormesh`` (seaborn's heatmap)."""
    for image in ax.images:
        values = np.ma.filled(np.ma.asarray(image.get_array(), dtype=float), np.nan)
        if values.ndim != 2:
            continue
        left, right, bottom, top = image.get_extent()
        n_rows, n_columns = values.shape
        xs = [left + (j + 0.5) * (right - left) / n_columns for j in range(n_columns)]
        ys = [top + (i + 0.5) * (bottom - top) / n_rows for i in range(n_rows)]
        return _cells(ax, values, xs, ys)
    for mesh in ax.collections:
        if isinstance(mesh, QuadMesh):
            corners = mesh.get_coordinates()
            values = np.ma.filled(np.ma.asarray(mesh.get_array(), dtype=float), np.nan)
            values = values.reshape(corners.shape[0] - 1, corners.shape[1] - 1)
            xs = list((corners[0, :-1, 0] + corners[0, 1:, 0]) / 2)
            ys = list((corners[:-1, 0, 1] + corners[1:, 0, 1]) / 2)
            return _cells(ax, values, xs, ys)
    return []


def _cells(ax: Axes, values: np.ndarray, xs: list, ys: list) -> list[dict[str, Any]]:
    row_label, column_label = _position_labeller(ax.yaxis), _position_labeller(ax.xaxis)
    return [
        {
            "series": row_label(y),
            "x": column_label(x),
            "value": values[i, j],
        }
        for i, y in enumerate(ys)
        for j, x in enumerate(xs)
    ]


def _legend_names(ax: Axes) -> dict[tuple, str]:
    """Legend entries by colour, to name bars and lines that seaborn leaves unlabelled."""
    names: dict[tuple, str] = {}
    for legend in filter(None, [ax.get_legend(), *ax.figure.legends]):
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False):
            colour = artist_colour(handle, face=isinstance(handle, Patch)) if handle else None
            if colour is not None:
                names.setdefault(colour, text.get_text())
    return names


def _series_name(label: str, colour: tuple | None, names: dict, index: int, count: int) -> str:
    if label and not label.startswith("_"):
        return label
    if colour is not None and colour in names:
        return names[colour]
    return f"series {index + 1}" if count > 1 else ""


def _position_labeller(axis: Any) -> Callable[[Any], Any]:
    """For one axis: the category at a position of it when categorical, else the position itself.

    The axis's ticks and labels are read once (reading them updates every tick): a chart's bars,
    points and cells are then labelled from that one reading.
    """
    ticks = list(axis.get_majorticklocs())
    labels = [t.get_text() for t in axis.get_majorticklabels()]
    named = bool(ticks) and len(labels) == len(ticks) and _labels_name_categories(axis, ticks, labels)

    def label(position: Any) -> Any:
        if not isinstance(position, (int, float, np.number)) or isinstance(position, bool):
            return _plain_x(position)  # already a category or a date, as the data gave it
        if named:
            return labels[min(range(len(ticks)), key=lambda i: abs(ticks[i] - position))]
        return _plain_x(position)

    return label


def _labels_name_categories(axis: Any, ticks: list, labels: list[str]) -> bool:
    """Whether an axis's tick labels are names (categories) rather than its numbers written out."""
    formatter = axis.get_major_formatter()
    if type(formatter).__name__ == "StrCategoryFormatter" or isinstance(formatter, FixedFormatter):
        return any(labels)
    if not any(labels) or getattr(formatter, "get_offset", lambda: "")():
        return False
    for tick, label in zip(ticks, labels, strict=False):
        text = label.replace("\u2212", "-").replace(",", "").strip()
        try:
            if not math.isclose(float(text), tick, rel_tol=1e-6, abs_tol=1e-9):
                return True  # "2015" at position 0: a name, not the position
        except ValueError:
            if text:
                return True
    return False


def _plain_x(value: Any) -> Any:
    """Whole-number floats (years) as integers, midnight timestamps as dates; the rest as is."""
    if isinstance(value, (np.datetime64, pd.Timestamp)):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value == round(value):
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    return value
