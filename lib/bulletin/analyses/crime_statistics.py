"""Analysis 8: crime statistics and the SDGs: which country reports which indicator, which year.

The bulletin's crime-data workshop (Bishkek, June 2017) introduced the International
Classification of Crime for Statistical Purposes (ICCS) and the UN Survey of Crime Trends and
Operations of the Criminal Justice Systems (UN-CTS), and the reporting the Sustainable Development
Goals ask for. This module measures where that data collection still has gaps, from the tables the
project holds:

- a **coverage matrix**: for each country, indicator and year, whether an official figure is
  published (``official``), whether the project only has a figure it reconstructed from the
  bulletin (``reconstructed``, not a published figure), or nothing (``missing``);
- the **trend of each SDG 16 indicator** the project holds, by sex where the data allow
  (:mod:`bulletin.analyses.sdg16`).

The indicators are the drug-crime series (``drug_offences``, ``drug_arrests``: UNODC's annual
report questionnaire, published in the World Drug Report annex) and every indicator of
``indicators`` (SDG 16 and other crime and criminal-justice indicators).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bulletin.analyses.indicators import ARQ, SDG, UN_CTS, framework_of, is_denominator, sex_of
from bulletin.analyses.series import country_year_totals, persons_by_country_year
from bulletin.core.wording import describe_percent, join_words
from bulletin.data.trust import statuses
from bulletin.data.vocab import CENTRAL_ASIA, country_name
from bulletin.publish.charts import finish_chart, new_chart

FIRST_YEAR = 2010
OFFICIAL, STATED, ESTIMATE, RECONSTRUCTED, MISSING = (
    "official", "stated", "estimate", "reconstructed", "missing"
)
COVERAGE_STATUSES = (OFFICIAL, STATED, ESTIMATE, RECONSTRUCTED, MISSING)
"""From most to least trusted: a cell takes the best status among its rows. Figures stated in
the bulletin's own text are counted apart from official ones."""
COVERAGE_COLOURS = {
    OFFICIAL: "#1b7837",
    STATED: "#b2abd2",
    ESTIMATE: "#a6dba0",
    RECONSTRUCTED: "#f4a582",
    MISSING: "#f0f0f0",
}
COVERAGE_WORDS = {
    OFFICIAL: "official figure published",
    STATED: "stated in the bulletin's text only, not official",
    ESTIMATE: "estimate only",
    RECONSTRUCTED: "reconstructed from the bulletin, no published figure",
    MISSING: "no figure",
}
COVERAGE_COLUMNS = ["country", "indicator", "framework", "year", "status"]


def best_status(statuses: pd.Series) -> str:
    """The most trusted status among some rows (official before estimate before reconstructed)."""
    present = set(statuses.dropna())
    for status in COVERAGE_STATUSES:
        if status in present:
            return status
    return MISSING


def _observed(frame: pd.DataFrame, indicator: str, framework: str) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    cells = frame.groupby(["country", "year"])["status"].agg(best_status).reset_index()
    return cells.assign(indicator=indicator, framework=framework)[COVERAGE_COLUMNS]


def _split_statuses(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose status joins several (``official+reconstructed``) counted under each."""
    statuses = frame["status"].astype(str).str.split("+")
    return frame.assign(status=statuses).explode("status")


def observed_cells(
    offences: pd.DataFrame, arrests: pd.DataFrame, indicators: pd.DataFrame
) -> pd.DataFrame:
    """Every (country, indicator, year) the project has a figure for, with its best status.

    The indicators: drug-related offences (total, and by type), persons arrested for drug
    offences (total, by sex, by age), and each indicator of ``indicators`` (and, where it has a
    breakdown by sex, that breakdown as an indicator of its own).

    Returns:
        ``country, indicator, framework, year, status``.
    """
    frames = []
    totals = _split_statuses(country_year_totals(offences))
    frames.append(_observed(totals, "Drug-related offences", ARQ))
    typed = offences[offences["offence_type"] != "total"]
    frames.append(_observed(typed, "Drug-related offences by type", ARQ))
    persons = _split_statuses(persons_by_country_year(arrests))
    frames.append(_observed(persons, "Persons arrested for drug offences", ARQ))
    frames.append(
        _observed(
            arrests[arrests["sex"].isin(["male", "female"])],
            "Persons arrested for drug offences, by sex",
            ARQ,
        )
    )
    frames.append(
        _observed(
            arrests[arrests["age_group"].isin(["adult", "juvenile"])],
            "Persons arrested for drug offences, by age",
            ARQ,
        )
    )
    for name, rows in indicators.groupby("indicator", sort=True):
        if is_denominator(str(name)):
            continue
        framework = framework_of(str(name))
        frames.append(_observed(rows, str(name), framework))
        by_sex = rows[rows["disaggregation"].map(sex_of).notna()]
        if not by_sex.empty:
            frames.append(_observed(by_sex, f"{name}, by sex", framework))
    found = [f for f in frames if not f.empty]
    if not found:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    return pd.concat(found, ignore_index=True)


def coverage_matrix(
    observed: pd.DataFrame,
    countries: tuple[str, ...] = CENTRAL_ASIA,
    years: range | list[int] | None = None,
    indicators: list[str] | None = None,
) -> pd.DataFrame:
    """The full grid of country x indicator x year, each cell official, reconstructed or missing.

    Args:
        observed: cells with a figure (:func:`observed_cells`).
        countries: the countries of the grid (every one gets every indicator).
        years: the years of the grid (default: from 2010 to the latest year observed).
        indicators: the indicators of the grid (default: every indicator observed, in order).

    Returns:
        ``country, indicator, framework, year, status``, one row per cell.
    """
    observed = observed[observed["country"].isin(countries)]
    if years is None:
        last = int(observed["year"].max()) if not observed.empty else FIRST_YEAR
        years = range(FIRST_YEAR, last + 1)
    if indicators is None:
        indicators = list(dict.fromkeys(observed["indicator"]))
    frameworks = dict(zip(observed["indicator"], observed["framework"], strict=False))
    grid = pd.MultiIndex.from_product(
        [list(countries), indicators, list(years)], names=["country", "indicator", "year"]
    ).to_frame(index=False)
    matrix = grid.merge(
        observed.drop(columns="framework"), on=["country", "indicator", "year"], how="left"
    )
    matrix["status"] = matrix["status"].fillna(MISSING)
    matrix["framework"] = matrix["indicator"].map(frameworks).fillna(UN_CTS)
    return matrix[COVERAGE_COLUMNS]


def coverage_summary(matrix: pd.DataFrame) -> pd.DataFrame:
    """Cells of each status, by indicator (rows) with the share officially reported.

    Returns:
        ``indicator, framework, official, stated, estimate, reconstructed, missing,
        official_pct``
        (counts of country-years; the share computed from them).
    """
    counts = (
        matrix.groupby(["indicator", "framework", "status"], sort=False)
        .size()
        .unstack("status", fill_value=0)
        .reindex(columns=list(COVERAGE_STATUSES), fill_value=0)
    )
    counts["official_pct"] = counts[OFFICIAL] / counts[list(COVERAGE_STATUSES)].sum(axis=1) * 100
    return counts.reset_index()


def summary_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """:func:`coverage_summary` with the column names a reader sees."""
    return coverage_summary(matrix).rename(
        columns={
            "indicator": "Indicator",
            "framework": "Data collection",
            OFFICIAL: "Official",
            STATED: "Stated in the bulletin",
            ESTIMATE: "Estimate",
            RECONSTRUCTED: "Reconstructed",
            MISSING: "No figure",
            "official_pct": "Official (%)",
        }
    )


def coverage_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """The matrix for the page: one line per country and indicator, one column per year."""
    symbols = {OFFICIAL: "●", STATED: "s", ESTIMATE: "◐", RECONSTRUCTED: "r", MISSING: "·"}
    table = matrix.assign(
        cell=matrix["status"].map(symbols), Country=matrix["country"].map(country_name)
    ).pivot_table(index=["Country", "indicator"], columns="year", values="cell", aggfunc="first", sort=False)
    table.columns = [str(c) for c in table.columns]
    return table.reset_index().rename(columns={"indicator": "Indicator"})


TABLE_LEGEND = (
    "● official figure published; s stated in the bulletin's text only, not official; r "
    "reconstructed by this project from the bulletin, no published figure; ◐ estimate; · no "
    "figure."
)


def coverage_statuses(matrix: pd.DataFrame) -> list[str]:
    """The data statuses of a coverage matrix's cells that have a figure, in order of trust.

    What a coverage chart or table shows: ``missing`` is no status of data, only its absence.

    >>> coverage_statuses(pd.DataFrame({"status": [MISSING, RECONSTRUCTED, OFFICIAL]}))
    ['official', 'reconstructed']
    """
    return statuses(matrix[matrix["status"] != MISSING])


def gaps_by_country(matrix: pd.DataFrame) -> pd.DataFrame:
    """For each country: its cells with an official figure, and its cells without one.

    Returns:
        ``country, official, not_official, official_pct``.
    """
    flags = matrix.assign(official=matrix["status"] == OFFICIAL)
    summary = flags.groupby("country", sort=False)["official"].agg(["sum", "size"])
    summary = summary.rename(columns={"sum": "official"})
    summary["not_official"] = summary["size"] - summary["official"]
    summary["official_pct"] = summary["official"] / summary["size"] * 100
    return summary.drop(columns="size").reset_index()


def coverage_sentences(matrix: pd.DataFrame) -> str:
    """What the coverage matrix shows, in words made from its counts."""
    if matrix.empty:
        return "The project holds no crime or SDG 16 indicator for these countries."
    years = sorted(set(matrix["year"]))
    cells = len(matrix)
    official = int((matrix["status"] == OFFICIAL).sum())
    stated = int((matrix["status"] == STATED).sum())
    reconstructed = int((matrix["status"] == RECONSTRUCTED).sum())
    stated_words = (
        f"{describe_percent(stated / cells * 100)} ({stated:,}) only a figure stated in the "
        "bulletin's text; " if stated else ""
    )
    sentences = [
        f"Across {len(set(matrix['indicator']))} indicators, {len(set(matrix['country']))} "
        f"countries and the years {years[0]}-{years[-1]}, an official figure is published for "
        f"{describe_percent(official / cells * 100)} of the {cells:,} country-years "
        f"({official:,}); {stated_words}{describe_percent(reconstructed / cells * 100)} "
        f"({reconstructed:,}) have only a figure this project reconstructed from the bulletin, "
        "and the rest none."
    ]
    by_country = gaps_by_country(matrix)
    best = by_country.sort_values("official_pct", ascending=False).iloc[0]
    none = by_country[by_country["official"] == 0]["country"].tolist()
    sentences.append(
        f"{country_name(best['country'])} reports the most "
        f"({describe_percent(best['official_pct'])} of its country-years)."
    )
    if none:
        sentences.append(
            f"{join_words([country_name(c) for c in none])} "
            f"{'has' if len(none) == 1 else 'have'} no official figure for any of these "
            "indicators in the tables the project holds."
        )
    summary = coverage_summary(matrix)
    sdg = summary[summary["framework"] == SDG]
    if not sdg.empty:
        reported = sdg[sdg[OFFICIAL] > 0]["indicator"]
        reported = list(dict.fromkeys(reported.str.replace(r", by sex$", "", regex=True)))
        if reported:
            countries = sorted(
                set(matrix[(matrix["framework"] == SDG) & (matrix["status"] == OFFICIAL)]["country"])
            )
            sentences.append(
                f"Of the SDG indicators in these tables, only "
                f"{join_words([country_name(c) for c in countries])} "
                f"{'has' if len(countries) == 1 else 'have'} official figures "
                f"({join_words(reported)})."
            )
    return " ".join(sentences)


def coverage_sources(*tables: pd.DataFrame) -> str:
    """The "Source:" line of the coverage charts: the publications of the tables' official rows.

    Each ``source`` is cut at its first colon ("UNODC, World Drug Report 2024, statistical annex,
    table 10.1: drug-related offences by type" is that table), so a publication is named once.
    """
    official = pd.concat([t.loc[t["status"] == OFFICIAL, "source"] for t in tables])
    publications = sorted({str(source).split(":")[0].strip() for source in official.dropna()})
    named = "; ".join(publications) if publications else "none"
    return (
        f"Source: {named}. Reconstructed figures: this project, where none is published "
        "(data/README.md)."
    )


def plot_coverage(
    matrix: pd.DataFrame, title: str, country: str | None = None, source: str = ""
) -> Figure:
    """The coverage matrix as a grid: a line per indicator (and country), a column per year.

    Args:
        matrix: the coverage matrix (:func:`coverage_matrix`).
        title: the chart's title.
        country: draw this country's lines only (one chart per country keeps it readable).
        source: the "Source:" line (:func:`coverage_sources`).
    """
    if country is not None:
        matrix = matrix[matrix["country"] == country]
    order = list(COVERAGE_STATUSES)
    table = matrix.assign(code=matrix["status"].map(order.index)).pivot_table(
        index=["country", "indicator"], columns="year", values="code", aggfunc="first", sort=False
    )
    height = max(3.0, 0.3 * len(table) + 1.6)
    fig, ax = new_chart(width=11, height=height)
    colours = ListedColormap([COVERAGE_COLOURS[s] for s in order])
    ax.imshow(table.to_numpy(dtype=float), cmap=colours, vmin=-0.5, vmax=len(order) - 0.5, aspect="auto")
    ax.set_xticks(range(len(table.columns)), [str(c) for c in table.columns], rotation=90)
    ax.set_yticks(
        range(len(table)),
        [i if country is not None else f"{country_name(c)}: {i}" for c, i in table.index],
        fontsize=8,
    )
    ax.set_xticks(np.arange(-0.5, len(table.columns)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(table)), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="minor", length=0)
    present = [s for s in order if s in set(matrix["status"])]
    ax.legend(
        [Patch(facecolor=COVERAGE_COLOURS[s], edgecolor="#999999") for s in present],
        [COVERAGE_WORDS[s] for s in present],
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        frameon=False,
        fontsize=9,
    )
    finish_chart(
        fig,
        ax,
        title,
        "",
        source or "Source: the project's tables drug_offences, drug_arrests and indicators.",
        "Data status: each cell shows whether an official figure is published for it, or only "
        + join_words([COVERAGE_WORDS[s].split(",")[0].replace(" only", "") for s in present
                      if s not in (OFFICIAL, MISSING)] or ["another figure"])
        + " (not official), or none.",
        statuses=coverage_statuses(matrix),
    )
    return fig


def plot_coverage_by_country(
    matrix: pd.DataFrame, source: str = "", *, title: str
) -> list[Figure]:
    """One coverage chart per country of the matrix, in the bulletin's order of countries.

    Args:
        matrix: the coverage matrix (:func:`coverage_matrix`).
        source: the "Source:" line (:func:`coverage_sources`).
        title: each chart's title, stated by the notebook (also its caption and alt text's);
            ``{country}`` in it is the country's name, ``{years}`` the years shown.
    """
    years = sorted(set(matrix["year"]))
    span = f"{years[0]}-{years[-1]}" if years else ""
    countries = [c for c in CENTRAL_ASIA if c in set(matrix["country"])]
    return [
        plot_coverage(matrix, title.format(country=country_name(c), years=span), c, source)
        for c in countries
    ]


def key_figures(matrix: pd.DataFrame, trends: pd.DataFrame) -> list[dict]:
    """The page's key figures for ``figures.json``."""
    if matrix.empty:
        return []
    years = sorted(set(matrix["year"]))
    period = f"{years[0]}-{years[-1]}"
    cells = len(matrix)
    present = "+".join(sorted(set(matrix["status"]) - {MISSING})) or "none"
    figures = [
        {
            "name": f"crimestats_{status}_cells_pct",
            "value": round(float((matrix["status"] == status).sum() / cells * 100), 2),
            "unit": "%",
            "period": period,
            "status": present,
        }
        for status in (OFFICIAL, STATED, RECONSTRUCTED)
    ]
    figures += [
        {
            "name": "crimestats_indicators",
            "value": int(matrix["indicator"].nunique()),
            "unit": "indicators",
            "period": period,
            "status": present,
        },
        {
            "name": "crimestats_countries_without_official_sdg16",
            "value": int(
                len(set(matrix["country"]))
                - matrix[(matrix["framework"] == SDG) & (matrix["status"] == OFFICIAL)]["country"].nunique()
            ),
            "unit": "countries",
            "period": period,
            "status": present,
        },
    ]
    if not trends.empty:
        figures.append(
            {
                "name": "crimestats_sdg16_series",
                "value": int(trends.groupby(["indicator", "country", "disaggregation"]).ngroups),
                "unit": "series",
                "period": f"{int(trends['year'].min())}-{int(trends['year'].max())}",
                "status": "+".join(sorted(set(trends["status"]))),
            }
        )
    return figures


def rows_used(table: pd.DataFrame, years: range | list[int]) -> pd.DataFrame:
    """The rows of a table the coverage matrix reads.

    The five countries, the years shown, and (for ``indicators``) every indicator but the
    denominators.
    """
    years = list(years)
    keep = table["country"].isin(CENTRAL_ASIA) & table["year"].isin(years)
    if "indicator" in table:
        keep &= ~table["indicator"].astype(str).map(is_denominator)
    return table.loc[keep].reset_index(drop=True)


def years_shown(*tables: pd.DataFrame) -> range:
    """The years of the coverage matrix: from 2010 to the latest year the tables hold.

    Beyond the issue's own period, whatever the issue: the matrix shows which gaps were filled
    since.
    """
    return range(FIRST_YEAR, latest_year(*tables) + 1)


def latest_year(*tables: pd.DataFrame) -> int:
    """The latest year any of the tables has for the five countries (2010 at least)."""
    years = [
        int(t.loc[t["country"].isin(CENTRAL_ASIA), "year"].max())
        for t in tables
        if not t.empty and t["country"].isin(CENTRAL_ASIA).any()
    ]
    return max([FIRST_YEAR, *years])

