"""Annual seizures of some drugs by country and year: the starting analysis of ``bulletin new``.

A new notebook written by ``bulletin new`` shows, on the shipped data, the seizures of
amphetamine-type stimulants (``ats``: methamphetamine, amphetamine, ecstasy) from
``seizures_annual``, by country and year, with these helpers: the years with figures
(:func:`years_with_figures`), the table (:func:`kg_by_country`, :func:`table_for_page`), the chart
(:func:`plot_by_country`) and the last year's total as a key figure (:func:`latest_total`) with
the countries it covers in words (:func:`countries_with_figures`). The notebook states its title,
chart title and main point; the analyst then makes it their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from bulletin.analyses import annual
from bulletin.core.wording import join_words, number_in_words
from bulletin.data.vocab import CENTRAL_ASIA, country_name, edition_country


def countries_shown(country: str = "") -> tuple[str, ...]:
    """The countries an analysis shows: the five, or the one of a country edition.

    Raises:
        ValueError: for a country that is not one of the five.

    >>> countries_shown(""), countries_shown("TJK")
    (('KAZ', 'KGZ', 'TJK', 'TKM', 'UZB'), ('TJK',))
    """
    code = edition_country(country)
    return (code,) if code else tuple(CENTRAL_ASIA)


def years_with_figures(
    seizures: pd.DataFrame, drugs: Sequence[str], last_year: int, countries: Sequence[str] = CENTRAL_ASIA
) -> tuple[int, int]:
    """From the first year with a figure for ``drugs`` (of ``countries``) to ``last_year``.

    ``(last_year, last_year)`` when no year up to it has a figure (the page then says "no data").
    """
    rows = seizures[
        seizures["drug"].isin(drugs) & seizures["country"].isin(countries)
        & (seizures["year"] <= last_year)
    ]
    return (int(rows["year"].min()) if not rows.empty else last_year), last_year


def kg_by_country(seizures: pd.DataFrame, shown: annual.Selection) -> pd.DataFrame:
    """Kilograms of the selection's drugs seized, by year (rows) and country (columns, ISO3).

    A country without a figure in a year is missing, not zero; ``countries`` counts those with a
    figure, ``of`` those shown, ``status`` is the year's data status.
    """
    rows = annual.select_rows(seizures, shown)
    years = pd.Index(shown.years, name="year")
    table = rows.pivot_table(index="year", columns="country", values="kg", aggfunc="sum")
    table = table.reindex(index=years, columns=list(shown.countries))
    table.columns.name = None
    coverage = annual.coverage_by_year(seizures, shown)
    table = table.join(coverage.set_index("year")[["countries", "of"]])
    table["status"] = annual.status_by_year(rows, years)
    return table.reset_index()


def table_for_page(table: pd.DataFrame, countries: Sequence[str] = CENTRAL_ASIA) -> pd.DataFrame:
    """The kilograms by country and year, with the labels a reader sees and the total."""
    page = table[["year", *countries]].rename(
        columns={"year": "Year", **{c: f"{country_name(c)} (kg)" for c in countries}}
    )
    if len(countries) > 1:
        page["Total (kg)"] = table[list(countries)].sum(axis=1, min_count=1)
    page["Countries with figures"] = annual.coverage_labels(table)
    page["Data status"] = annual.status_labels(table["status"])
    return page


def plot_by_country(
    seizures: pd.DataFrame, table: pd.DataFrame, shown: annual.Selection, *, title: str
) -> Figure:
    """Stacked bars of the kilograms seized by country and year, gaps and statuses shown.

    Args:
        seizures: the table ``seizures_annual``.
        table: the kilograms by country and year (:func:`kg_by_country`).
        shown: the drugs, years and countries shown.
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    layers = {country: country_name(country) for country in shown.countries}
    cells = annual.cell_statuses(seizures, shown, by="country")
    return annual.plot_stacked_years(
        seizures, table, layers, shown.drugs, title, "Seizures (kg)", cells=cells,
        countries=shown.countries,
    )


def latest_total(table: pd.DataFrame, name: str) -> dict[str, Any] | None:
    """The total of the last year with a figure, as a key figure (``report.record_figure``).

    Args:
        table: the kilograms by country and year (:func:`kg_by_country`).
        name: the figure's name, e.g. ``"ats_seized_kg"``.

    Returns:
        ``name, value, unit, period, status``; None when no year has a figure.
    """
    with_figures = table[table["countries"] > 0]
    if with_figures.empty:
        return None
    last = with_figures.iloc[-1]
    countries = [c for c in table.columns if c in CENTRAL_ASIA]
    return {
        "name": name,
        "value": float(last[countries].sum(min_count=1)),
        "unit": "kg",
        "period": str(int(last["year"])),
        "status": str(last["status"]),
    }


def countries_with_figures(table: pd.DataFrame, year: int | str) -> str:
    """The countries with a figure in a year, in words ("Kazakhstan and Tajikistan").

    All five are "the five countries of Central Asia"; some of them are named, with how many of
    the five they are.
    """
    row = table[table["year"] == int(year)]
    countries = [c for c in table.columns if c in CENTRAL_ASIA]
    have = [c for c in countries if not row.empty and pd.notna(row.iloc[0][c])]
    if len(have) == len(CENTRAL_ASIA):
        return "the five countries of Central Asia"
    named = join_words([country_name(c) for c in have]) or "no country"
    if len(countries) == 1 or not have:
        return named
    how_many = "the only one" if len(have) == 1 else number_in_words(len(have))
    return f"{named} ({how_many} of the {number_in_words(len(countries))} countries with a figure)"
