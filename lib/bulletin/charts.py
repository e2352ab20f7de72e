"""The house style of the bulletin's charts: title, units, source and data status on every chart.

A chart must be understood without the text around it, so every chart is finished with
:func:`finish_chart`, which writes the title, the unit of the value axis, and under the chart the
source and the status of the data (and says plainly when figures are reconstructed).
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

RECONSTRUCTED_HATCH = "///"
PALETTE = "colorblind"


def use_house_style() -> None:
    """Apply the bulletin's chart style (seaborn, colour-blind palette, readable sizes)."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "axes.titleweight": "bold"})


def new_chart(width: float = 9, height: float = 5) -> tuple[Figure, Axes]:
    """A figure and axes in the house style."""
    use_house_style()
    return plt.subplots(figsize=(width, height), layout="constrained")


def finish_chart(
    fig: Figure, ax: Axes, title: str, value_label: str, source: str, status: str
) -> Figure:
    """Give a chart its title and axis unit, and write the source and data status under it.

    Args:
        fig: the chart's figure.
        ax: its main axes.
        title: the bulletin's caption for the chart.
        value_label: what the value axis counts, with its unit, e.g. "Seizures (tons)".
        source: the "Source: ..." sentence.
        status: the "Data status: ..." sentence.
    """
    ax.set_title(title, loc="left", fontsize=13)
    ax.set_ylabel(value_label)
    note = "\n".join(textwrap.wrap(source, 120) + textwrap.wrap(status, 120))
    fig.text(0.0, -0.01, note, ha="left", va="top", fontsize=8.5, color="#333333", wrap=True)
    return fig


def mark_reconstructed(ax: Axes, label: str = "Reconstructed figures, not official") -> None:
    """Hatch every bar of a chart whose figures are all reconstructed, and say so on the chart."""
    for patch in ax.patches:
        patch.set_hatch(RECONSTRUCTED_HATCH)
        patch.set_edgecolor("white")
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
