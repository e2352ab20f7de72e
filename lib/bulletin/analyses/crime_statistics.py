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

import pandas as pd

from bulletin.analyses.indicators import (
    ARQ,
    BY_SEX,
    SDG,
    UN_CTS,
    framework_of,
    is_denominator,
    label_of,
    sdg_code,
    sex_of,
)
from bulletin.analyses.series import country_year_totals, persons_by_country_year
from bulletin.core.wording import describe_percent, describe_years, join_words
from bulletin.data.citations import source_line
from bulletin.data.trust import statuses
from bulletin.data.vocab import CENTRAL_ASIA, country_name

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
            frames.append(_observed(by_sex, f"{name}{BY_SEX}", framework))
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
        (counts of indicator-years: a country's indicator in one year; the share computed from them).
    """
    counts = (
        matrix.groupby(["indicator", "framework", "status"], sort=False)
        .size()
        .unstack("status", fill_value=0)
        .reindex(columns=list(COVERAGE_STATUSES), fill_value=0)
    )
    counts["official_pct"] = counts[OFFICIAL] / counts[list(COVERAGE_STATUSES)].sum(axis=1) * 100
    return counts.reset_index()


def cell_words(years_by_status: dict[str, list[int]], of_years: int) -> str | None:
    """One cell of the coverage view: the years with a figure, by status, in words.

    None (shown as "–") when no year has a figure.

    >>> cell_words({"official": [2020, 2021], "reconstructed": [2010, 2011, 2012]}, 14)
    '5 of 14 years: 2020-2021 official; 2010-2012 reconstructed'
    >>> cell_words({"stated": [2016]}, 14)
    '1 of 14 years: 2016 stated in the bulletin'
    """
    found = {s: y for s, y in years_by_status.items() if s != MISSING and len(y)}
    if not found:
        return None
    count = sum(len(years) for years in found.values())
    runs = [
        f"{describe_years(found[status])} {CELL_WORDS[status]}"
        for status in COVERAGE_STATUSES
        if status in found
    ]
    return f"{count} of {of_years} years: " + "; ".join(runs)


CELL_WORDS = {
    OFFICIAL: "official",
    STATED: "stated in the bulletin",
    ESTIMATE: "estimate",
    RECONSTRUCTED: "reconstructed",
}
"""A status as a cell of the coverage view names it (the note under the table says more)."""


def coverage_view(matrix: pd.DataFrame) -> pd.DataFrame:
    """The coverage matrix for readers: a line per indicator, a column per country.

    Each cell says how many of the years shown have a figure, and which years have which status
    (:func:`cell_words`); a cell without any figure is missing (shown as "–"). Indicators are
    named by their labels (:func:`bulletin.analyses.indicators.label_of`), countries by name. A
    breakdown ("..., by sex", "... by type") whose cells are those of the indicator above it in
    every country joins that line ("..., total and by sex"): one line says it for both.

    Returns:
        ``Indicator`` and one column per country of the matrix, in the bulletin's order.
    """
    of_years = matrix["year"].nunique()
    countries = [c for c in CENTRAL_ASIA if c in set(matrix["country"])]
    countries += sorted(set(matrix["country"]) - set(countries))
    lines: list[tuple[str, list[str], tuple[str | None, ...]]] = []
    for indicator, rows in matrix.groupby("indicator", sort=False):
        cells = tuple(_cell_of(rows[rows["country"] == c], of_years) for c in countries)
        label = label_of(str(indicator))
        parent = next((line for line in reversed(lines) if _breakdown(label, line[0])), None)
        if parent is not None and parent[2] == cells:
            parent[1].append(_breakdown(label, parent[0]))
        else:
            lines.append((label, [], cells))
    view = [
        (f"{label}, {join_words(['total', *parts])}" if parts else label, *cells)
        for label, parts, cells in lines
    ]
    return pd.DataFrame(view, columns=["Indicator", *(country_name(c) for c in countries)])


def _cell_of(rows: pd.DataFrame, of_years: int) -> str | None:
    """One country's cell of an indicator (:func:`cell_words`) from its rows of the matrix."""
    years = rows.groupby("status")["year"].agg(lambda y: sorted(int(v) for v in y))
    return cell_words(years.to_dict(), of_years)


def _breakdown(label: str, parent: str) -> str:
    """The breakdown a label names of a parent indicator ("by sex"), or "" when it is none.

    >>> _breakdown("Drug-related offences by type", "Drug-related offences")
    'by type'
    >>> _breakdown("SDG 16.1.1 Victims, by sex", "SDG 16.1.1 Victims"), _breakdown("A b", "A")
    ('by sex', '')
    """
    rest = label.removeprefix(parent) if label.startswith(parent) else ""
    rest = rest.removeprefix(",").strip()
    return rest if rest.startswith("by ") else ""


VIEW_NOTE = (
    "Each cell: how many of the {count} years {years} have a figure, and which years have one "
    "of each status: official (published); stated in the bulletin (its text gives the figure, "
    "not official); reconstructed (by this project from the bulletin where none is published, "
    "not official). Drug-related offences and persons arrested: UNODC annual report "
    "questionnaire; SDG indicators: as the National Statistical Committee of the Kyrgyz "
    "Republic publishes them; others: as the bulletin reports them."
)


def view_note(matrix: pd.DataFrame, source: str = "") -> str:
    """The note under the coverage view: its source line, what a cell says, where each indicator comes from.

    Args:
        matrix: the coverage matrix (:func:`coverage_matrix`).
        source: the "Source:" line (:func:`coverage_sources`), first in the note.
    """
    years = sorted(set(matrix["year"]))
    span = f"{years[0]}-{years[-1]}" if years else "the years shown"
    return " ".join(w for w in (source, VIEW_NOTE.format(years=span, count=len(years))) if w)


def coverage_by_country(matrix: pd.DataFrame) -> pd.DataFrame:
    """For each country and the five together: the share of indicator-years of each status.

    Returns:
        ``country`` (a name, "All five countries" first), ``status``, ``indicator_years``,
        ``share_pct``: one line per country and status of :data:`COVERAGE_STATUSES`.
    """
    countries = [c for c in CENTRAL_ASIA if c in set(matrix["country"])]
    groups = [(ALL_COUNTRIES, matrix)] + [
        (country_name(c), matrix[matrix["country"] == c]) for c in countries
    ]
    lines = []
    for name, rows in groups:
        counts = rows["status"].value_counts()
        for status in COVERAGE_STATUSES:
            count = int(counts.get(status, 0))
            share = count / len(rows) * 100 if len(rows) else 0.0
            lines.append((name, status, count, share))
    return pd.DataFrame(lines, columns=["country", "status", "indicator_years", "share_pct"])


ALL_COUNTRIES = "All five countries"


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
    """The page's lead: the shares of the whole matrix, and who has no official figure, in words.

    What the charts and the table show country by country is not said again.
    """
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
        f"{describe_percent(official / cells * 100)} of the {cells:,} indicator-years "
        f"({official:,}); {stated_words}{describe_percent(reconstructed / cells * 100)} "
        f"({reconstructed:,}) have only a figure this project reconstructed from the bulletin, "
        "and the rest none."
    ]
    by_country = gaps_by_country(matrix)
    none = by_country[by_country["official"] == 0]["country"].tolist()
    if none:
        sentences.append(
            f"{join_words([country_name(c) for c in none])} "
            f"{'has' if len(none) == 1 else 'have'} no official figure for any of these "
            "indicators in the tables the project holds."
        )
    sdg = matrix[(matrix["framework"] == SDG) & (matrix["status"] == OFFICIAL)]
    if not sdg.empty:
        codes = sorted(
            {code for code in sdg["indicator"].map(sdg_code) if code is not None},
            key=lambda c: (c.goal, c.target, c.indicator),
        )
        countries = [c for c in CENTRAL_ASIA if c in set(sdg["country"])]
        sentences.append(
            f"Of the SDG indicators in these tables, only "
            f"{join_words([country_name(c) for c in countries])} "
            f"{'has' if len(countries) == 1 else 'have'} official figures "
            f"(SDG {join_words([str(c) for c in codes])})."
        )
    return " ".join(sentences)


def coverage_sources(*tables: pd.DataFrame) -> str:
    """The "Source:" line of the coverage charts: the publications of the tables' official rows.

    Each publication is named once (:func:`bulletin.data.citations.source_line`).
    """
    official = pd.concat([t.loc[t["status"] == OFFICIAL, "source"] for t in tables])
    return (
        f"{source_line(official.dropna())} Reconstructed figures: this project, where none is "
        "published (data/README.md)."
    )


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

