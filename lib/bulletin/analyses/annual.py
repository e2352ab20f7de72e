"""The annual seizures table (``seizures_annual``), shared by analyses 2, 3 and 4.

What the drug market, cannabis and heroin analyses all need: which years an issue shows, the
regional totals of the five countries (each saying how many of the five it covers, because a
country missing from a publication is missing, not zero), the gaps in the figures, and bar charts
that tell official, reconstructed and missing years apart on the chart itself.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bulletin.analyses import notes
from bulletin.analyses.series import joined_values
from bulletin.core.periods import Quarter, data_quarter
from bulletin.core.sentences import describe_gaps
from bulletin.core.wording import describe_years
from bulletin.data.trust import describe_sources, describe_status, repeated_reconstructed, statuses
from bulletin.data.vocab import CENTRAL_ASIA, country_name, drug_labels

# Plotting is imported by the functions that draw (see bulletin.analyses).
if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

FIVE_COUNTRIES = len(CENTRAL_ASIA)
MISSING_COUNTRY = "all drugs shown"
"""What a gap list says when a country has no figure at all for a year."""


def last_data_year(issue: Quarter, last_year: int = 0) -> int:
    """The last year of annual figures an issue shows.

    The issue reports the quarter before its own (its data quarter); its annual figures run to
    the last complete year before that quarter: the 2017-Q2 issue (data quarter 2017-Q1) shows
    years to 2016, the 2017-Q1 issue (data quarter 2016-Q4) years to 2015.

    Args:
        issue: the issue's quarter.
        last_year: a year to use instead; 0 follows the issue.

    >>> last_data_year(Quarter(2017, 2)), last_data_year(Quarter(2017, 1))
    (2016, 2015)
    >>> last_data_year(Quarter(2017, 2), last_year=2022)
    2022
    """
    if last_year < 0:
        raise ValueError(f"expected a year, or 0 to follow the issue, got {last_year}")
    return last_year or data_quarter(issue).year - 1


def first_year_shown(annual: pd.DataFrame, drugs: Sequence[str], first_year: int = 0) -> int | None:
    """The first year a page of the drugs' years shows: ``first_year``, or the first with figures.

    A page never opens on years before the five countries' first figure for its drugs: asked for
    1800, a page of the annual seizures (whose figures begin in 1991) starts in 1991, not after
    two centuries of empty slots. ``first_year`` 0 starts at the first year with figures; a year
    after it is kept as asked. None when the five have no figure for the drugs at all.

    >>> rows = pd.DataFrame({"country": ["KAZ", "RUS"], "drug": ["heroin"] * 2, "year": [1991, 1985]})
    >>> first_year_shown(rows, ["heroin"], 1800), first_year_shown(rows, ["heroin"], 2001)
    (1991, 2001)
    >>> first_year_shown(rows, ["opium"], 2001) is None
    True
    """
    years = _years_of_the_five(annual, drugs)
    return None if years.empty else max(first_year, int(years.min()))


def last_year_with_figures(annual: pd.DataFrame, drugs: Sequence[str], up_to: int) -> int | None:
    """The latest year up to ``up_to`` in which one of the five has a figure for the drugs.

    None when none has. A window a page names ends there rather than on years nobody has
    figures for (an issue whose period runs past the data).

    >>> rows = pd.DataFrame({"country": ["KAZ", "RUS"], "drug": ["heroin"] * 2, "year": [2022, 2023]})
    >>> last_year_with_figures(rows, ["heroin"], 2023), last_year_with_figures(rows, ["heroin"], 2021)
    (2022, None)
    """
    years = _years_of_the_five(annual, drugs)
    years = years[years <= up_to]
    return None if years.empty else int(years.max())


def _years_of_the_five(annual: pd.DataFrame, drugs: Sequence[str]) -> pd.Series:
    """The years of the five countries' rows for the drugs (one per row)."""
    return annual.loc[annual["drug"].isin(drugs) & annual["country"].isin(CENTRAL_ASIA), "year"]


@dataclass(frozen=True)
class Selection:
    """The rows a chart or table of years shows: some drugs, some countries, a range of years.

    Built once by an analysis or a notebook and handed to :func:`select_rows`,
    :func:`regional_totals`, :func:`coverage_by_year`, :func:`find_gaps`, :func:`chart_note`,
    :func:`table_note` and :func:`cell_statuses`, so that a chart, its table and their notes
    count the same rows.

    >>> shown = Selection(["heroin"], 2010, 2016)
    >>> shown.drugs, shown.years, shown.of(["RUS"]).countries
    (('heroin',), range(2010, 2017), ('RUS',))
    >>> Selection(("heroin",), 2021, 2020)
    Traceback (most recent call last):
    ...
    ValueError: first year 2021 is after last year 2020

    Attributes:
        drugs: the drugs counted, in the order a table lists them (a tuple once built).
        first_year: the first year shown.
        last_year: the last year shown (inclusive).
        countries: the countries counted, the five Central Asian countries unless told (a tuple
            once built).

    Raises:
        ValueError: if ``first_year`` is after ``last_year``.
        TypeError: if ``drugs`` or ``countries`` is a single string rather than a sequence, or a
            year is not a whole number.
    """

    drugs: Sequence[str]
    first_year: int
    last_year: int
    countries: Sequence[str] = CENTRAL_ASIA

    def __post_init__(self) -> None:
        """Check the years and keep the drugs and countries as tuples, the years as ints."""
        for name in ("drugs", "countries"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"expected a sequence of {name}, got the string {value!r}")
            object.__setattr__(self, name, tuple(value))
        for name in ("first_year", "last_year"):
            object.__setattr__(self, name, operator.index(getattr(self, name)))
        if self.first_year > self.last_year:
            raise ValueError(
                f"first year {self.first_year} is after last year {self.last_year}"
            )

    @property
    def years(self) -> range:
        """Every year shown, first to last."""
        return range(self.first_year, self.last_year + 1)

    def of(self, countries: Sequence[str]) -> Selection:
        """The same drugs and years, of other countries."""
        return replace(self, countries=countries)


def select_rows(annual: pd.DataFrame, shown: Selection) -> pd.DataFrame:
    """The rows of a selection's drugs, countries and years (inclusive), in key order."""
    chosen = (
        annual["drug"].isin(shown.drugs)
        & annual["country"].isin(shown.countries)
        & annual["year"].between(shown.first_year, shown.last_year)
    )
    return annual.loc[chosen].sort_values(["country", "year", "drug"]).reset_index(drop=True)


def status_by_year(rows: pd.DataFrame, years: Sequence[int]) -> pd.Series:
    """The data status of each year's rows, joined ("" for a year without rows).

    The data status of each year's rows ("official", "reconstructed", "official+reconstructed"),
    or "" for a year without rows.
    """
    joined = rows.groupby("year")["status"].agg(joined_values)
    return joined.reindex(list(years), fill_value="").rename("status")


def regional_totals(annual: pd.DataFrame, shown: Selection) -> pd.DataFrame:
    """Kilograms seized by the countries together, per year and drug, with their coverage.

    A country without a figure for a drug and year is left out of the sum (missing, not zero),
    and ``countries`` says how many of the countries the sum covers; a year and drug that no
    country has a figure for has ``kg`` missing and ``countries`` 0.

    Returns:
        One row per year and drug (every year of the range, drugs in the order given): ``year,
        drug, kg, countries, of, status``.
    """
    rows = select_rows(annual, shown)
    grid = pd.MultiIndex.from_product([shown.years, list(shown.drugs)], names=["year", "drug"])
    grouped = rows.groupby(["year", "drug"])
    totals = pd.DataFrame(
        {
            "kg": grouped["kg"].sum(min_count=1),
            "countries": grouped["country"].nunique(),
            "status": grouped["status"].agg(joined_values),
        }
    ).reindex(grid)
    totals["countries"] = totals["countries"].fillna(0).astype(int)
    totals["status"] = totals["status"].fillna("")
    totals["of"] = len(shown.countries)
    return totals.reset_index()[["year", "drug", "kg", "countries", "of", "status"]]


def coverage_by_year(annual: pd.DataFrame, shown: Selection) -> pd.DataFrame:
    """How many of the countries have a figure for any of the drugs, each year, and which do not.

    Returns:
        ``year, countries, of, missing`` (names of the countries without any figure, joined by
        ", "), one row per year of the range.
    """
    rows = select_rows(annual, shown)
    present = rows.groupby("year")["country"].agg(set)
    records = []
    for year in shown.years:
        have = present.get(year, set())
        missing = [country_name(c) for c in shown.countries if c not in have]
        records.append((year, len(have), len(shown.countries), ", ".join(missing)))
    return pd.DataFrame(records, columns=["year", "countries", "of", "missing"])


def find_gaps(
    annual: pd.DataFrame, shown: Selection
) -> tuple[list[tuple[str, str, list[int]]], list[int]]:
    """The figures missing from a range of years, for the page to name them.

    Years with no figure for any country are returned apart. In the other years, a country with
    no figure for any of the drugs is listed once with :data:`MISSING_COUNTRY` (or the drug's
    label when there is one drug); one with some figures but not all is listed by drug.

    Returns:
        ``(gaps, empty_years)``: gaps as ``(country name, drug label or MISSING_COUNTRY, years)``,
        in the order of the selection's countries then drugs; years without any figure.
    """
    rows = select_rows(annual, shown)
    drugs = shown.drugs
    have = set(zip(rows["country"], rows["drug"], rows["year"], strict=True))
    years_with_data = set(rows["year"])
    empty_years = [y for y in shown.years if y not in years_with_data]
    labels = drug_labels()
    gaps: list[tuple[str, str, list[int]]] = []
    for country in shown.countries:
        absent = [
            y
            for y in sorted(years_with_data)
            if not any((country, d, y) in have for d in drugs)
        ]
        if absent:
            what = MISSING_COUNTRY if len(drugs) > 1 else labels.get(drugs[0], drugs[0])
            gaps.append((country_name(country), what, absent))
        for drug in drugs:
            years = [
                y
                for y in sorted(years_with_data)
                if y not in absent and (country, drug, y) not in have
            ]
            if years:
                gaps.append((country_name(country), labels.get(drug, drug), years))
    return gaps, empty_years


def chart_note(seizures: pd.DataFrame, shown: Selection) -> tuple[str, str, list[str]]:
    """The source and status lines under a chart of years, and the statuses of its rows.

    Statuses by year, the gaps named, and the key to the coverage marks of the five (see
    :func:`mark_coverage`); the statuses (in order of trust) are those of the same rows, for
    ``finish_chart``'s ``statuses``.
    """
    rows, details = _rows_and_details(seizures, shown, chart=True)
    status = " ".join(p for p in (describe_status(rows), *details) if p)
    return describe_sources(rows), status, statuses(rows)


def _rows_and_details(
    seizures: pd.DataFrame, shown: Selection, chart: bool
) -> tuple[pd.DataFrame, list[str]]:
    """The rows behind a chart or table of years, and what its note adds to their status.

    The gaps named, and, under a chart, the key to the coverage marks above the years where some
    of the five have no figure: a table has no such marks, and says its coverage in a column.
    """
    rows = select_rows(seizures, shown)
    gaps, empty = find_gaps(seizures, shown)
    details = [describe_gaps(gaps, empty)]
    five = [c for c in shown.countries if c in CENTRAL_ASIA]
    covered = coverage_by_year(seizures, shown.of(five))["countries"]
    if chart and ((covered > 0) & (covered < len(five))).any():
        details.append(coverage_note(len(five)))
    return rows, details


# --- Charts of years: official, reconstructed and missing told apart on the chart --------------


def table_note(seizures: pd.DataFrame, shown: Selection) -> tuple[str, list[str]]:
    """The note under a table of years, and the statuses of its rows (``show_table``'s ``statuses``).

    The note has the same source and status lines as its chart's (:func:`chart_note`), without
    the key to the chart's coverage marks.
    """
    rows, details = _rows_and_details(seizures, shown, chart=False)
    return notes.table_note(rows, *details), statuses(rows)


def coverage_labels(by_year: pd.DataFrame) -> list[str]:
    """A label such as "4 of 5" for each row of a table with ``countries`` and ``of`` columns."""
    return [f"{c} of {o}" for c, o in zip(by_year["countries"], by_year["of"], strict=True)]


def status_labels(statuses: pd.Series) -> pd.Series:
    """The data status of each year for a table, "no figures" for a year without any."""
    return statuses.replace("", "no figures")


def status_legend_handles(statuses: Sequence[str] = ("official", "reconstructed")) -> list:
    """Legend entries that explain the bars' fill.

    Solid official, lighter and hatched reconstructed (and the stated marker, when stated figures
    are drawn).
    """
    from bulletin.publish.charts import status_handles

    return status_handles(statuses, "#999999")


def hatch_reconstructed(bars: Sequence, statuses: Sequence[str]) -> None:
    """Draw the bars of reconstructed years apart.

    Lighter, hatched, outlined (``statuses`` in the order of the bars).
    """
    from bulletin.publish.charts import style_bar

    for bar, status in zip(bars, statuses, strict=True):
        style_bar(bar, str(status))


def cell_statuses(seizures: pd.DataFrame, shown: Selection, by: str) -> pd.DataFrame:
    """The status of each year and layer of a chart, from the rows behind it.

    The status of each year (rows) and drug or country (columns, ``by``) of a chart's layers:
    the statuses of the rows behind the cell, joined ("" where there is none).
    """
    rows = select_rows(seizures, shown)
    joined = rows.groupby(["year", by])["status"].agg(joined_values)
    table = joined.unstack(by) if not joined.empty else pd.DataFrame()
    return table.reindex(index=shown.years).fillna("")


def not_drawn_cells(table: pd.DataFrame, statuses: pd.DataFrame) -> pd.DataFrame:
    """Which cells of a chart's table are reconstructed copies of a neighbouring year.

    A frame of booleans shaped like ``table`` (:func:`bulletin.data.trust.repeated_reconstructed`,
    column by column).
    """
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    for column in table.columns:
        if column not in statuses:
            continue
        mask[column] = repeated_reconstructed(
            table[column].tolist(), statuses[column].reindex(table.index).fillna("").tolist()
        )
    return mask


def describe_not_drawn(mask: pd.DataFrame) -> str:
    """The note under a chart naming the cells left undrawn ("" when there is none)."""
    parts = [
        f"{column} {describe_years([int(y) for y in mask.index[mask[column]]])}"
        for column in mask.columns
        if mask[column].any()
    ]
    if not parts:
        return ""
    return (
        "Not drawn: " + "; ".join(parts) + " (reconstructed by repeating a neighbouring year's "
        "figure: not a measure)."
    )


def draw_stacked_years(
    ax: Axes,
    table: pd.DataFrame,
    colours: Sequence,
    statuses: Sequence[str] | pd.DataFrame,
    coverage: Sequence[int],
    of: int,
) -> list[Patch]:
    """Stacked bars, one per year (the index), one layer per column; gaps shown, not hidden.

    Reconstructed parts are lighter, hatched and outlined; a reconstructed part that repeats a
    neighbouring year is not drawn (:func:`not_drawn_cells`); a year covering fewer than ``of``
    countries carries "n/of" above its bar; a year without any figure carries "no data".

    Args:
        ax: the chart's axes.
        table: tons by year (index) and layer (columns).
        colours: one colour per layer.
        statuses: the status of each year (one per row), or of each cell (a frame like
            ``table``).
        coverage: how many countries each year covers.
        of: how many it could cover.

    Returns:
        A legend entry per layer (solid, whatever the years' status).
    """
    from matplotlib.patches import Patch

    from bulletin.publish.charts import style_bar

    years = np.asarray(table.index, dtype=int)
    if isinstance(statuses, pd.DataFrame):
        cells = statuses.reindex(index=table.index, columns=table.columns).fillna("")
    else:
        cells = pd.DataFrame({c: list(statuses) for c in table.columns}, index=table.index)
    hidden = not_drawn_cells(table, cells)
    bottom = np.zeros(len(years))
    for column, colour in zip(table.columns, colours, strict=True):
        values = table[column].where(~hidden[column]).fillna(0.0).to_numpy(dtype=float)
        bars = ax.bar(years, values, bottom=bottom, color=colour, label=column, width=0.8)
        for bar, status in zip(bars, cells[column], strict=True):
            style_bar(bar, str(status), colour)
        bottom += values
    mark_coverage(ax, years, bottom, coverage, of)
    return [Patch(facecolor=c, label=str(n)) for n, c in zip(table.columns, colours, strict=True)]


def mark_coverage(
    ax: Axes, positions: Sequence[float], tops: Sequence[float], coverage: Sequence[int], of: int
) -> None:
    """Write "n/of" above bars covering fewer than ``of`` countries, "no data" where none."""
    height = max([float(t) for t in tops if not pd.isna(t)] + [0.0]) or 1.0
    for x, top, covered in zip(positions, tops, coverage, strict=True):
        if covered == 0:
            from bulletin.publish.charts import mark_no_data

            mark_no_data(ax, x, height)
        elif covered < of:
            top = 0.0 if pd.isna(top) else float(top)
            ax.text(x, top + height * 0.01, f"{covered}/{of}", ha="center", va="bottom",
                    fontsize=7.5, color="#8a1c1c")


def label_years(ax: Axes, years: Sequence[int]) -> None:
    """Year ticks: every year for short spans, every fifth for long ones.

    Year ticks: every year for short spans; for long ones every fifth, with the first and
    last years shown (in place of a fifth year too close to them).
    """
    years = list(years)
    ticks = list(years)
    if len(years) > 16:
        ticks = [y for y in years if y % 5 == 0]
        ticks = [years[0]] + [y for y in ticks if y - years[0] >= 3]
        ticks = [y for y in ticks if years[-1] - y >= 3] + [years[-1]]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(y) for y in ticks])
    ax.set_xlim(years[0] - 0.7, years[-1] + 0.7)
    ax.set_xlabel("")


def coverage_note(of: int) -> str:
    """The chart's key to its coverage marks, set above a year's bar or point."""
    return f"n/{of} above a year: figures for only n of the {of} countries (the others missing, not zero)."


def plot_stacked_years(
    seizures: pd.DataFrame,
    by_year: pd.DataFrame,
    layers: dict[str, str],
    drugs: Sequence[str],
    title: str,
    value_label: str,
    cells: pd.DataFrame | None = None,
    countries: Sequence[str] = CENTRAL_ASIA,
) -> Figure:
    """A finished stacked bar chart of years, reconstructed years drawn apart.

    A finished stacked bar chart of years: one layer per column of ``by_year`` named in
    ``layers`` (column -> label), reconstructed parts drawn apart (and not at all where they
    repeat a neighbouring year), coverage marked, a legend of the layers and statuses, and the
    source and status with the gaps named under it.

    Args:
        seizures: the annual table, for the source and status lines.
        by_year: one row per year, with ``year``, ``status``, ``countries`` and the layers' tons.
        layers: the columns to stack, bottom first, and their labels.
        drugs: the drugs the chart counts (for the gaps named under it).
        title: the bulletin's caption.
        value_label: the value axis, with its unit.
        cells: the status of each year and layer (columns as ``layers``' keys); default the
            year's status for every layer.
        countries: the countries counted (default: the five); the marks above the bars say
            how many of them each year covers.
    """
    import seaborn as sns

    from bulletin.publish.charts import PALETTE, finish_chart, new_chart

    table = by_year.set_index("year")[list(layers)]
    table.columns = list(layers.values())
    statuses: Sequence[str] | pd.DataFrame = by_year["status"].tolist()
    if cells is not None:
        statuses = cells.reindex(index=table.index, columns=list(layers)).fillna("")
        statuses.columns = list(layers.values())
    fig, ax = new_chart(11, 5.5)
    handles = draw_stacked_years(
        ax,
        table,
        sns.color_palette(PALETTE, len(layers)),
        statuses,
        by_year["countries"].tolist(),
        len(countries),
    )
    label_years(ax, by_year["year"].tolist())
    ax.set_ylim(top=ax.get_ylim()[1] * 1.3)  # room for the legend above the bars
    present = [s for s in by_year["status"] if s and s != "official"]
    ax.legend(
        handles=handles + (status_legend_handles(["official", *present]) if present else []),
        frameon=False,
        loc="upper left",
        fontsize=9,
        ncols=4,
    )
    years = by_year["year"]
    source, status, noted = chart_note(
        seizures, Selection(drugs, years.min(), years.max(), countries)
    )
    hidden = describe_not_drawn(not_drawn_cells(
        table, statuses if isinstance(statuses, pd.DataFrame)
        else pd.DataFrame({c: list(statuses) for c in table.columns}, index=table.index)
    ))
    finish_chart(fig, ax, title, value_label, source, " ".join(p for p in (status, hidden) if p),
                 statuses=noted)
    return fig
