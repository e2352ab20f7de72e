"""The house style of the bulletin's charts: title, units, source and data status on every chart.

A chart must be understood without the text around it, so every chart is finished with
:func:`finish_chart`, which writes the title, the unit of the value axis, and under the chart the
source and the status of the data (and says plainly when figures are reconstructed).

Figures are never all drawn alike: official values solid; values stated in the bulletin's own text
as markers of their own (a diamond, :data:`STATED_MARKER`); reconstructed values lighter, hatched
and outlined (:func:`style_bar`, :func:`status_handles` for the legend); and a reconstructed value
that repeats its neighbour (a series carried back or held flat by the reconstruction:
:func:`bulletin.data.trust.repeated_reconstructed`) is not drawn at all, and the note under the chart says so.

A finished chart also carries what its page needs, as data: its title, units, source, statuses,
a text alternative for readers who cannot see it, and its data as CSV
(:func:`bulletin.publish.chart_facts.chart_facts`). In a notebook, ``finish_chart`` gives the
chart its output where it is called, in reading order, and that ONE output ends up holding both
the PNG and those facts (:data:`bulletin.publish.report.CHART_MIMETYPE`). An analysis may still
touch the figure after finishing it (a panel's title, an axis label), so the output is filled when
the cell has run (:func:`draw_finished_charts`, on IPython's ``post_execute`` event, through the
output's display id), and the figure is then closed: the inline backend, whose turn comes after,
does not show it a second time. No formatter is patched and nothing is dropped afterwards.
``bulletin.publish.pages`` numbers the charts, captions them and offers the CSV download.
"""

from __future__ import annotations

import base64
import io
import logging
import math
import re
import textwrap
import uuid
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, ScalarFormatter
from matplotlib.transforms import Bbox

from bulletin.core.numbers import axis_number
from bulletin.data.trust import is_reconstructed, order_of_trust
from bulletin.publish import opaque_png
from bulletin.publish.chart_facts import ChartInfo, chart_facts
from bulletin.publish.downloads import CHART_DPI, PNG_DENSITY, png_size
from bulletin.publish.report import CHART_MIMETYPE

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
ONE_SERIES_COLOUR = "#3b3b3b"
"""The colour of a chart's only series: none of the palette's, which mean a category elsewhere on
the page (one meaning per colour on a page)."""


def use_house_style() -> None:
    """Apply the bulletin's chart style (seaborn, colour-blind palette, readable sizes)."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    plt.rcParams.update(
        {"figure.dpi": CHART_DPI, "savefig.dpi": CHART_DPI, "axes.titleweight": "bold"}
    )


def new_chart(width: float = 9, height: float = 5) -> tuple[Figure, Axes]:
    """A figure and axes in the house style."""
    use_house_style()
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
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
    statuses: list[str] | None = None,
) -> Figure:
    """Give a chart its title and axis unit, write the source and data status under it, and show it.

    In a notebook, the chart is displayed here, as one output with its PNG and its facts; outside
    one (scripts, tests), it is only styled.

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
        statuses: the data statuses behind the chart, e.g. ``bulletin.data.trust.statuses(rows)``
            of the rows it draws (default: those the ``status`` column of ``data`` names, else
            none; the status sentence is never read for them).

    Returns:
        The figure.
    """
    ax.set_title(title, loc="left", fontsize=13)
    ax.set_ylabel(value_label)
    group_thousands(fig)
    note = "\n".join(textwrap.wrap(source, 120) + textwrap.wrap(status, 120))
    fig.text(0.0, -0.01, note, ha="left", va="top", fontsize=8.5, color="#333333", wrap=True)
    fig._bulletin_chart = ChartInfo(  # type: ignore[attr-defined]
        title, value_label, source, status, data, alt, statuses
    )
    _show_where_finished(fig)
    return fig


def _holds_years(axis: Any) -> bool:
    """Whether an axis runs over years (whole numbers between 1800 and 2200, never grouped)."""
    low, high = sorted(axis.get_view_interval())
    return 1800 <= low and high <= 2200


def group_thousands(fig: Figure) -> None:
    """Tick labels of every numeric axis with thousands separators (15,000), years left alone.

    Only axes with matplotlib's default number labels are changed: categories, dates and labels a
    chart set itself keep theirs. Labels are made when the chart is drawn, so limits set after
    this still get grouped labels.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter and not _holds_years(axis):
                axis.set_major_formatter(FuncFormatter(lambda value, _: axis_number(value)))


def mark_no_data(ax: Any, x: float, height: float, words: str = "no data") -> None:
    """Write "no data" upright at ``x``, where a bar would stand: a gap is never read as zero.

    ``height`` is the tallest bar's (the words start just above the axis); ``words`` say why
    the slot is empty when it is not for want of figures ("not drawn").
    """
    ax.text(x, height * 0.02, words, rotation=90, ha="center", va="bottom", fontsize=8,
            color="#8a1c1c")


def style_bar(patch: Any, status: str, colour: Any | None = None) -> None:
    """Draw one bar as its status asks.

    Solid when official or stated; lighter, hatched and outlined in its colour when any part of
    it is reconstructed (or estimated).

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
    """Legend entries for the statuses a chart draws, in order of trust.

    Official solid, stated ◆, reconstructed hatched; statuses joined with ``+`` count as each of
    their parts.
    """
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


def mark_reconstructed(ax: Axes, label: str = "Reconstructed figures, not official") -> None:
    """Draw every bar of a chart whose figures are all reconstructed apart, and say so on it.

    The bars are lighter, hatched and outlined (:func:`style_bar`).
    """
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


# --- In a notebook: one output per chart, where it was finished -------------------------------

_UNDRAWN: dict[str, Figure] = {}
"""The charts finished in the running cell, by the display id of their output."""


def _shell() -> Any:
    """The IPython kernel's shell when running in one, else None (scripts, tests, terminals)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    shell = get_ipython()
    return shell if shell is not None and getattr(shell, "kernel", None) is not None else None


def _show_where_finished(fig: Figure) -> None:
    """Give the chart its output here, in reading order; it is drawn when the cell has run."""
    shell = _shell()
    if shell is None:
        return
    from IPython.display import display

    display_id = uuid.uuid4().hex
    display({"text/plain": ""}, raw=True, display_id=display_id)
    _UNDRAWN[display_id] = fig
    callbacks = shell.events.callbacks["post_execute"]
    if draw_finished_charts not in callbacks:
        # First: the chart is drawn, then closed, before the inline backend shows open figures.
        callbacks.insert(0, draw_finished_charts)


_SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "bulletin"}
"""Text stays text in the SVG (selectable, searchable, light); ids the same on every run."""
_PNG_SETTINGS = {"text.hinting": "no_hinting"}
"""The PNG's glyphs drawn from their outlines, unhinted, as a browser draws the SVG's text: at the
PNG's 200 dpi hinting changes nothing a reader sees, and FreeType's hinter took a tenth of the
time of drawing the 16 charts of 2017-Q2 (5.4 s -> 4.9 s)."""


def chart_images(fig: Figure) -> tuple[str, bytes]:
    """A finished chart as vector SVG and as a PNG at twice the page's density.

    The same on every run for the same figure (no date in the SVG, fixed ids), and cropped as the
    inline backend crops (``bbox_inches="tight"``), so that the source line under it is kept.

    The chart is laid out and measured once (:func:`lay_out_once`), and each image is drawn once,
    with that layout and cropped to that box: two drawings in all. Matplotlib's ``savefig`` lays
    a chart out again for every image, and with ``"tight"`` or any layout engine set (even
    ``"none"``) draws it once more first, with nothing shown, only to lay it out and measure it:
    for the 16 charts of 2017-Q2 those extra drawings were a third of the time. Wrapped text is
    wrapped once, first (:func:`wrap_text_once`). The figure is left laid out, without its
    layout engine.

    Returns:
        The SVG text and the PNG's bytes.
    """
    svg_buffer, png_buffer = io.BytesIO(), io.BytesIO()
    wrap_text_once(fig)
    crop = lay_out_once(fig)
    with plt.rc_context(_SVG_SETTINGS):
        fig.savefig(svg_buffer, format="svg", bbox_inches=crop, metadata={"Date": None})
    with plt.rc_context(_PNG_SETTINGS):
        fig.savefig(png_buffer, format="png", bbox_inches=crop, dpi=CHART_DPI * PNG_DENSITY,
                    backend=opaque_png.BACKEND)
    return compact_svg(svg_buffer.getvalue().decode("utf-8")), png_buffer.getvalue()


def lay_out_once(fig: Figure) -> Bbox:
    """Run the figure's layout engine once and remove it; the box to crop the images to (inches).

    As ``Figure.draw`` does on screen: the engine (constrained layout, for a chart of
    :func:`new_chart`) places the panels, then stays out of later drawings, which keep that
    layout. The box is ``savefig``'s ``"tight"`` one: everything the figure draws, with
    ``savefig.pad_inches`` all round. Text is measured unhinted, as both images draw it.
    """
    with plt.rc_context(_PNG_SETTINGS):
        engine = fig.get_layout_engine()
        if engine is not None and fig.axes:
            engine.execute(fig)
        with plt.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)  # None, not "none": "none" would have savefig lay it out
        box = fig.get_tightbbox(fig.canvas.get_renderer())
    return box.padded(plt.rcParams["savefig.pad_inches"])


def wrap_text_once(fig: Figure) -> None:
    """Break the lines of the figure's wrapped texts (``wrap=True``) now, and stop wrapping them.

    Matplotlib wraps such a text again on every draw, measuring it word by word (a third of a
    chart's drawing time went there), and against the figure's width at the dpi of that draw, so
    that the SVG and a 200 dpi PNG could break a line differently. Here each line is broken once,
    as Matplotlib breaks it (the longest run of words that fits between the text and the figure's
    right edge, found by halving rather than word by word), at the figure's own dpi.
    """
    renderer = fig.canvas.get_renderer()
    for text in fig.findobj(lambda artist: isinstance(artist, Text) and artist.get_wrap()):
        room = fig.bbox.x1 - text.get_transform().transform(text.get_position())[0]
        font = text.get_fontproperties()

        def fits(words: list[str], font: Any = font, room: float = room) -> bool:
            width = renderer.get_text_width_height_descent(" ".join(words), font, ismath=False)[0]
            return math.ceil(width) <= room

        lines: list[str] = []
        for line in text.get_text().split("\n"):
            words = line.split(" ")
            while words:
                if fits(words):
                    taken = len(words)
                else:  # the longest run that fits, by halving: a run's width grows with its words
                    taken, too_many = 1, len(words)
                    while too_many - taken > 1:
                        middle = (taken + too_many) // 2
                        taken, too_many = (middle, too_many) if fits(words[:middle]) else (taken, middle)
                lines.append(" ".join(words[:taken]))
                words = words[taken:]
        text.set_text("\n".join(lines))
        text.set_wrap(False)


_PATH_DATA = re.compile(r'\bd="([^"]*)"')
_LONG_DECIMAL = re.compile(r"(\d\.\d)\d+")


def compact_svg(svg: str) -> str:
    r"""An SVG's path data at a tenth of a point (a seventh of a pixel), one space between numbers.

    Matplotlib writes six decimals and a line per segment: a map's outlines weigh a megabyte
    that way, for a difference nobody can see.

    >>> compact_svg('<path d="M 572.510764 554.715217 \nL 0.5 1 \nz\n"/>')
    '<path d="M 572.5 554.7 L 0.5 1 z"/>'
    """

    def shorter(match: re.Match[str]) -> str:
        data = _LONG_DECIMAL.sub(r"\1", match.group(1))
        return 'd="' + " ".join(data.split()) + '"'

    return _PATH_DATA.sub(shorter, svg)


def chart_output(fig: Figure) -> tuple[dict[str, Any], dict[str, Any]]:
    """A chart's output: its SVG, its PNG at twice the density, and its facts, as data.

    JupyterLab shows the PNG at its page size (the metadata halves its pixels); the page inlines
    the SVG and offers both as downloads.

    Args:
        fig: the chart.

    Returns:
        The MIME bundle (``image/svg+xml``, ``image/png``, ``text/plain`` and
        :data:`CHART_MIMETYPE`) and its metadata.
    """
    svg, png = chart_images(fig)
    width, height = png_size(png)
    data: dict[str, Any] = {
        "image/svg+xml": svg,
        "image/png": base64.b64encode(png).decode("ascii"),
        "text/plain": repr(fig),
    }
    metadata: dict[str, Any] = {}
    if width and height:
        metadata["image/png"] = {"width": width // PNG_DENSITY, "height": height // PNG_DENSITY}
    try:
        data[CHART_MIMETYPE] = chart_facts(fig)
    except Exception:  # a chart must still show if its description fails
        log.exception("could not describe a chart for its page")
    return data, metadata


def draw_finished_charts() -> None:
    """Fill the outputs of the charts finished in the cell that has just run.

    Run by IPython's ``post_execute`` event, before the inline backend's: each figure is drawn as
    the cell left it, then closed, so the inline backend does not show it a second time.
    """
    shell = _shell()
    charts = list(_UNDRAWN.items())
    _UNDRAWN.clear()
    if shell is None:
        return
    from IPython.display import update_display

    for display_id, fig in charts:
        data, metadata = chart_output(fig)
        update_display(data, raw=True, metadata=metadata, display_id=display_id)
        plt.close(fig)
