"""The house style of the bulletin's charts: title, units, source and data status on every chart.

A chart must be understood without the text around it, so every chart is finished with
:func:`finish_chart`, which writes the title, the unit of the value axis, and under the chart the
source and the status of the data (and says plainly when figures are reconstructed).

Figures are never all drawn alike: official values solid; values stated in the bulletin's own text
as markers of their own (a diamond, :data:`STATED_MARKER`); reconstructed values lighter, hatched
and outlined (:func:`style_bar`, :func:`status_handles` for the legend); and a reconstructed value
that repeats its neighbour (a series carried back or held flat by the reconstruction:
:func:`repeated_reconstructed`) is not drawn at all, and the note under the chart says so.

A finished chart also carries what its page needs: its caption, a text alternative for readers
who cannot see it, and its data as CSV. When the chart is displayed in a notebook (by the inline
backend at the end of the cell, as usual), these travel in the PNG output's metadata under
``"bulletin"``; ``finish_chart`` also leaves an invisible marker where it was called, so the page
shows the chart there, in reading order, and not after everything else the cell displayed.
``bulletin.publish.pages`` numbers the charts, captions them and offers the CSV download.
"""

from __future__ import annotations

import logging
import math
import textwrap
import uuid
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.colors import to_rgba_array
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedFormatter

from bulletin.data.trust import STATUS_WORDS, least_trusted, order_of_trust
from bulletin.publish.report import CHART_ANCHOR_MIMETYPE, METADATA_KEY, csv_text

log = logging.getLogger(__name__)

RECONSTRUCTED_HATCH = "///"
RECONSTRUCTED_FILL_ALPHA = 0.3
"""How opaque a reconstructed bar's fill is (its outline and hatching keep the full colour)."""
STATED_MARKER = "D"
"""The marker of a value stated in the bulletin's own text (not official)."""
STATUS_LEGEND_LABELS = {
    "official": "official",
    "stated": "stated in the bulletin (◆), not official",
    "reconstructed": "reconstructed, not official",
    "estimate": "estimate, not official",
}
PALETTE = "colorblind"
_MAX_NAMED_CATEGORIES = 8
# Column names chart_data gives when the axes name nothing: not worth saying in alt text.
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
    anchor: str


def use_house_style() -> None:
    """Apply the bulletin's chart style (seaborn, colour-blind palette, readable sizes)."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "axes.titleweight": "bold"})


def new_chart(width: float = 9, height: float = 5) -> tuple[Figure, Axes]:
    """A figure and axes in the house style."""
    use_house_style()
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    _annotate_inline_png()  # the inline backend is set up by the first figure of a kernel
    return fig, ax


def finish_chart(
    fig: Figure,
    ax: Axes,
    title: str,
    value_label: str,
    source: str,
    status: str,
    data: pd.DataFrame | None = None,
    alt: str | None = None,
) -> Figure:
    """Give a chart its title and axis unit, and write the source and data status under it.

    Args:
        fig: the chart's figure.
        ax: its main axes.
        title: the bulletin's caption for the chart (also the page's caption for it).
        value_label: what the value axis counts, with its unit, e.g. "Seizures (tons)".
        source: the "Source: ..." sentence.
        status: the "Data status: ..." sentence.
        data: the numbers the chart shows, offered on the page as CSV (default: read back from
            the bars and lines drawn). A ``status`` column, if any, gives the page its data status.
        alt: the text alternative for readers who cannot see the chart (default: written from
            the title, the axes and the numbers drawn).
    """
    ax.set_title(title, loc="left", fontsize=13)
    ax.set_ylabel(value_label)
    note = "\n".join(textwrap.wrap(source, 120) + textwrap.wrap(status, 120))
    fig.text(0.0, -0.01, note, ha="left", va="top", fontsize=8.5, color="#333333", wrap=True)
    info = ChartInfo(title, value_label, source, status, data, alt, uuid.uuid4().hex)
    fig._bulletin_chart = info  # type: ignore[attr-defined]
    _annotate_inline_png()
    _mark_place(info.anchor)
    return fig


def is_reconstructed(status: str) -> bool:
    """Whether a (joined) status has any part made by the project: reconstructed or estimated."""
    return least_trusted(status) in ("reconstructed", "estimate")


def style_bar(patch: Any, status: str, colour: Any | None = None) -> None:
    """Draw one bar as its status asks: solid when official or stated, lighter, hatched and
    outlined in its colour when any part of it is reconstructed (or estimated).

    Args:
        patch: the bar (a matplotlib ``Rectangle``).
        status: its status, possibly joined (``official+reconstructed``).
        colour: its colour (default: its fill).
    """
    if not is_reconstructed(str(status)):
        return
    rgb = to_rgba_array(colour if colour is not None else patch.get_facecolor())[0][:3]
    patch.set_facecolor((*rgb, RECONSTRUCTED_FILL_ALPHA))
    patch.set_edgecolor((*rgb, 1.0))
    patch.set_hatch(RECONSTRUCTED_HATCH)
    patch.set_linewidth(0.8)


def status_handles(statuses: Any, colour: Any = "#888888") -> list[Any]:
    """Legend entries for the statuses a chart draws (official solid, stated ◆, reconstructed
    hatched), in order of trust; statuses joined with ``+`` count as each of their parts."""
    present: set[str] = set()
    for status in statuses:
        present |= {p for p in str(status).split("+") if p}
    rgb = to_rgba_array(colour)[0][:3]
    handles: list[Any] = []
    for status in sorted(present, key=order_of_trust):
        label = STATUS_LEGEND_LABELS.get(status, status)
        if status == "stated":
            handles.append(Line2D([], [], marker=STATED_MARKER, color=(*rgb, 1.0), linestyle="",
                                  markersize=7, label=label))
        elif status in ("reconstructed", "estimate"):
            handles.append(Patch(facecolor=(*rgb, RECONSTRUCTED_FILL_ALPHA), edgecolor=(*rgb, 1.0),
                                 hatch=RECONSTRUCTED_HATCH, label=label))
        else:
            handles.append(Patch(facecolor=(*rgb, 1.0), edgecolor="white", label=label))
    return handles


def mark_stated(ax: Axes, xs: Any, ys: Any, colour: Any = "#5b3a8c") -> None:
    """Put the stated-value marker (◆) at the given points: figures from the bulletin's text."""
    ax.scatter(list(xs), list(ys), marker=STATED_MARKER, s=42, color=colour, zorder=5,
               edgecolor="white", linewidth=0.6)


def repeated_reconstructed(values: Any, statuses: Any, rel_tol: float = 1e-9) -> list[bool]:
    """Which values of a series (in order, one per consecutive period) a reconstruction carried
    or held flat: reconstructed values equal to the value before or after them, and runs of
    consecutive reconstructed values that stay within ``rel_tol`` of their mean (a share held flat
    moves a little when its counts are rounded to whole persons).

    Such values are not a measure: they are never drawn.

    >>> repeated_reconstructed([5.0, 5.0, 5.0, 7.0, 8.0],
    ...                        ["reconstructed"] * 3 + ["official", "reconstructed"])
    [True, True, True, False, False]
    >>> repeated_reconstructed([4.0, 4.0], ["reconstructed", "official"])
    [True, False]
    >>> repeated_reconstructed([0.300, 0.299, 0.301], ["reconstructed"] * 3, rel_tol=0.02)
    [True, True, True]
    """
    numbers = [float(v) if v is not None and not pd.isna(v) else math.nan for v in values]
    made = [is_reconstructed(str(s)) and not math.isnan(v)
            for s, v in zip(statuses, numbers, strict=True)]
    result = [False] * len(numbers)
    for i, value in enumerate(numbers):
        if made[i]:
            neighbours = [numbers[j] for j in (i - 1, i + 1) if 0 <= j < len(numbers)]
            result[i] = any(math.isclose(value, n, rel_tol=rel_tol, abs_tol=1e-9)
                            for n in neighbours if not math.isnan(n))
    start = 0
    while start < len(numbers):  # runs of reconstructed values held (nearly) flat
        end = start
        while end < len(numbers) and made[end]:
            end += 1
        run = numbers[start:end]
        if len(run) >= 2:
            mean = sum(run) / len(run)
            if max(run) - min(run) <= rel_tol * abs(mean) + 1e-9:
                result[start:end] = [True] * len(run)
        start = end + 1 if end == start else end
    return result


def mark_reconstructed(ax: Axes, label: str = "Reconstructed figures, not official") -> None:
    """Draw every bar of a chart whose figures are all reconstructed apart (lighter, hatched,
    outlined), and say so on the chart."""
    for patch in ax.patches:
        style_bar(patch, "reconstructed")
    ax.text(
        0.99,
        0.98,
        label,
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=9,
        color="#8a1c1c",
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#8a1c1c"},
    )


# --- What the page needs: data, text alternative, statuses ------------------------------------


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


def chart_metadata(fig: Figure) -> dict[str, Any]:
    """What the page needs of a displayed figure: title, text alternative, CSV, source, statuses."""
    info: ChartInfo | None = getattr(fig, "_bulletin_chart", None)
    drawn = chart_data(fig)
    title = info.title if info else _first_title(fig)
    data = info.data if info is not None and info.data is not None else drawn
    source = info.source if info else ""
    status = info.status if info else ""
    csv_frame = data.copy()
    if source and "source" not in csv_frame:
        csv_frame["source"] = source.removeprefix("Source: ")
    if status and "status" not in csv_frame:
        csv_frame["data_status"] = status.removeprefix("Data status: ")
    return {
        "title": title,
        "alt": info.alt if info and info.alt else describe_chart(fig, drawn, title, status),
        "csv": csv_text(csv_frame) if not data.empty else "",
        "source": source,
        "status": status,
        "statuses": statuses_of(data, status),
        "anchor": info.anchor if info else "",
        "finished": info is not None,
    }


def statuses_of(data: pd.DataFrame, status_sentence: str = "") -> list[str]:
    """The data statuses behind a chart: its data's ``status`` column, else its status sentence."""
    if "status" in data and not data.empty:
        found = {p for s in data["status"].dropna().astype(str) for p in s.split("+") if p}
    else:
        found = {key for key, words in STATUS_WORDS.items() if words in status_sentence}
    return sorted(found, key=lambda s: (order_of_trust(s), s))


def describe_chart(fig: Figure, drawn: pd.DataFrame, title: str, status: str = "") -> str:
    """A text alternative for a chart: what it shows, its categories and series, its extremes."""
    ax = next((a for a in fig.axes if a.has_data()), fig.axes[0] if fig.axes else None)
    kind = "Chart"
    if ax is not None:
        kind = "Bar chart" if any(isinstance(c, BarContainer) for c in ax.containers) else (
            "Line chart" if ax.get_lines() else "Chart"
        )
    parts = [f"{kind}: {title}." if title else f"{kind}."]
    if not drawn.empty:
        parts.append(_describe_numbers(drawn))
    if status:
        parts.append(status)
    return " ".join(p for p in parts if p)


def _value_column(frame: pd.DataFrame) -> str | None:
    """The last numeric column of a frame read back from a chart (its values)."""
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    return numeric[-1] if numeric and not frame.empty else None


def _describe_numbers(drawn: pd.DataFrame) -> str:
    value = _value_column(drawn)
    if value is None:
        return ""
    columns = [c for c in drawn.columns if c not in ("panel", value)]
    series_column = columns[0] if len(columns) > 1 else None
    category = columns[-1] if columns else None
    words = []
    if category is not None:
        categories = list(dict.fromkeys(str(c) for c in drawn[category]))
        by = f" by {category.lower()}" if category not in _GENERIC_NAMES else ""
        if len(categories) <= _MAX_NAMED_CATEGORIES:
            words.append(f"{value}{by}: {', '.join(categories)}.")
        else:
            words.append(
                f"{value}{by}, {len(categories)} values from {categories[0]} to {categories[-1]}."
            )
    if series_column is not None and drawn[series_column].nunique() > 1:
        series = list(dict.fromkeys(str(s) for s in drawn[series_column]))
        more = len(series) - _MAX_NAMED_CATEGORIES
        named = ", ".join(series[:_MAX_NAMED_CATEGORIES]) + (f" and {more} more" if more > 0 else "")
        words.append(f"{series_column.capitalize()}: {named}.")
    values = drawn[value].dropna()
    if not values.empty:
        top = drawn.loc[values.idxmax()]
        where = ", ".join(
            str(top[c]) for c in (series_column, category) if c is not None and str(top[c]) != ""
        )
        words.append(f"Highest: {_short_number(top[value])}" + (f" ({where})." if where else "."))
    return " ".join(words)


def _short_number(value: float) -> str:
    """A number for a sentence of alt text: three significant figures at most."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if abs(value) >= 100:
        return f"{round(value):,}"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


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
    axis = ax.yaxis if horizontal else ax.xaxis
    for index, container in enumerate(bars):
        colour = _colour(container.patches[0], face=True)
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
            rows.append({"series": series, "x": _position_label(axis, centre), "value": value})
    return rows


def _line_rows(ax: Axes, names: dict, named_only: bool) -> list[dict[str, Any]]:
    lines = [
        line
        for line in ax.get_lines()
        if line.get_transform() == ax.transData and len(line.get_xdata(orig=True))
    ]
    rows = []
    for index, line in enumerate(lines):
        colour = _colour(line, face=False)
        named = not line.get_label().startswith("_") or colour in names
        if named_only and not named:
            continue
        series = _series_name(line.get_label(), colour, names, index, len(lines))
        for x, y in zip(line.get_xdata(orig=True), line.get_ydata(orig=True), strict=False):
            rows.append({"series": series, "x": _position_label(ax.xaxis, x), "value": y})
    return rows


def _scatter_rows(ax: Axes, names: dict) -> list[dict[str, Any]]:
    points = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    rows = []
    for index, collection in enumerate(points):
        colour = _colour(collection, face=True)
        series = _series_name(collection.get_label(), colour, names, index, len(points))
        for x, y in np.asarray(collection.get_offsets()):
            rows.append({"series": series, "x": _position_label(ax.xaxis, x), "value": y})
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
    return [
        {
            "series": _position_label(ax.yaxis, y),
            "x": _position_label(ax.xaxis, x),
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
            colour = _colour(handle, face=isinstance(handle, Patch)) if handle else None
            if colour is not None:
                names.setdefault(colour, text.get_text())
    return names


def _colour(artist: Any, face: bool) -> tuple | None:
    """An artist's fill (bars) or line colour as a rounded RGB tuple, to match legend entries."""
    getter = getattr(artist, "get_facecolor" if face else "get_color", None)
    if getter is None:
        return None
    rgba = to_rgba_array(getter())
    return tuple(float(v) for v in np.round(rgba[0][:3], 3)) if len(rgba) else None


def _series_name(label: str, colour: tuple | None, names: dict, index: int, count: int) -> str:
    if label and not label.startswith("_"):
        return label
    if colour is not None and colour in names:
        return names[colour]
    return f"series {index + 1}" if count > 1 else ""


def _position_label(axis: Any, position: float) -> Any:
    """The category at a position of a categorical axis, or the position itself on a numeric one."""
    if not isinstance(position, (int, float, np.number)) or isinstance(position, bool):
        return _plain_x(position)  # already a category or a date, as the data gave it
    ticks = list(axis.get_majorticklocs())
    labels = [t.get_text() for t in axis.get_majorticklabels()]
    if ticks and len(labels) == len(ticks) and _labels_name_categories(axis, ticks, labels):
        nearest = min(range(len(ticks)), key=lambda i: abs(ticks[i] - position))
        return labels[nearest]
    return _plain_x(position)


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


# --- Inline display: metadata on the PNG and a marker where the chart belongs -----------------


def _shell() -> Any:
    """The IPython kernel's shell when running in one, else None (scripts, tests, terminals)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    shell = get_ipython()
    return shell if shell is not None and getattr(shell, "kernel", None) is not None else None


def _annotate_inline_png() -> None:
    """Make the inline backend's PNG of every figure carry :func:`chart_metadata`."""
    shell = _shell()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters.get("image/png")
    try:
        current = formatter.lookup_by_type(Figure)
    except (KeyError, AttributeError):
        return  # no PNG output configured for figures: nothing to annotate
    if getattr(current, "_bulletin_annotates", False):
        return

    def png_with_page_metadata(fig: Figure) -> Any:
        result = current(fig)
        if result is None:
            return None
        data, metadata = result if isinstance(result, tuple) else (result, {})
        metadata = dict(metadata or {})
        try:
            metadata[METADATA_KEY] = chart_metadata(fig)
        except Exception:  # a chart must still show if its description fails
            log.exception("could not describe a chart for its page")
        return data, metadata

    png_with_page_metadata._bulletin_annotates = True  # type: ignore[attr-defined]
    formatter.for_type(Figure, png_with_page_metadata)


def _mark_place(anchor: str) -> None:
    """Leave an empty output where the chart was finished; the page puts the chart there."""
    if _shell() is None:
        return
    from IPython.display import display

    display({CHART_ANCHOR_MIMETYPE: {"anchor": anchor}, "text/plain": ""}, raw=True)
