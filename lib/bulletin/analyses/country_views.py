"""Each analysis seen from one country, for the country editions (one function per analysis).

Each function takes what the analysis's notebook already has (its table, its period) and the
``country`` parameter, and returns the :class:`~bulletin.analyses.editions.CountryView` that
:func:`~bulletin.analyses.editions.show_country` shows and
:func:`~bulletin.analyses.editions.key_figures` records; None in the region's issue (``country``
empty). The figure each records is named after the analysis's own regional figure, prefixed with
the country's code (``tjk_seizures_quarter_all_drugs_t`` beside ``seizures_quarter_all_drugs_t``).

Analyses that are the region's only (trafficking routes, crime statistics, the quarter's
activities) have no function here and declare no ``country``: their pages are the region's in
every edition.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from bulletin.analyses import series
from bulletin.analyses.arrests import flagged_countries
from bulletin.analyses.cannabis import CANNABIS
from bulletin.analyses.drug_market import MARKET_DRUGS
from bulletin.analyses.editions import CountryView, country_view, values_by_country
from bulletin.analyses.heroin import HEROIN
from bulletin.analyses.indicators import FEMALE, WOMEN_SHARE
from bulletin.core.periods import Quarter
from bulletin.data.vocab import country_name, edition_country

COUNTRY_YEARS = 10
"""Years of a long annual series shown for the country (its chart and table): the last ten."""
KYRGYZ_ONLY = "KGZ"


def _years(first: int, last: int, most: int = COUNTRY_YEARS) -> list[int]:
    return list(range(max(first, last - most + 1), last + 1))


def _annual(seizures: pd.DataFrame, drugs: tuple[str, ...]) -> pd.DataFrame:
    return values_by_country(seizures[seizures["drug"].isin(drugs)], "kg", scale=0.001)


def quarterly_seizures(quarterly: pd.DataFrame, reported: Quarter, country: str) -> CountryView | None:
    """Analysis 1: the country's seizures of all drugs in the quarter, and the four before it."""
    rows = quarterly.assign(period=quarterly["year"].astype(str) + "-Q" + quarterly["quarter"].astype(str))
    values = values_by_country(rows, "kg", period="period", scale=0.001)
    periods = [reported.shift(-back).label for back in range(4, -1, -1)]
    return country_view(values, country, "seizures_quarter_all_drugs_t", "drug seizures", "t",
                        periods, period_word="quarter")


def drug_market(seizures: pd.DataFrame, first: int, last: int, country: str) -> CountryView | None:
    """Analysis 2: the country's seizures of marijuana, hashish, heroin and opium, by year."""
    return country_view(_annual(seizures, MARKET_DRUGS), country, "market_total_t",
                        "seizures of cannabis, heroin and opium", "t", _years(first, last))


def cannabis(seizures: pd.DataFrame, first: int, last: int, country: str) -> CountryView | None:
    """Analysis 3: the country's seizures of cannabis herb and resin, by year."""
    return country_view(_annual(seizures, CANNABIS), country, "cannabis_t",
                        "cannabis seizures (herb and resin)", "t", _years(first, last))


def heroin(seizures: pd.DataFrame, first: int, last: int, country: str) -> CountryView | None:
    """Analysis 4: the country's heroin seizures, by year (its part of the five's)."""
    return country_view(_annual(seizures, HEROIN), country, "heroin_central_asia_t",
                        "heroin seizures", "t", _years(first, last))


def drug_crime(offences: pd.DataFrame, first: int, last: int, country: str) -> CountryView | None:
    """Analysis 6: the drug-related offences the country reported, by year."""
    values = values_by_country(series.country_year_totals(offences), "count")
    return country_view(values, country, "crime_offences_total", "drug-related offences",
                        "offences", _years(first, last))


def arrests(
    persons: pd.DataFrame, first: int, last: int, country: str,
    flags: Iterable[dict[str, Any]] = (),
) -> CountryView | None:
    """Analysis 7: the persons the country arrested for drug-related crime, by year.

    A figure of the last year that the import flagged as implausible (``flags``, as
    ``bulletin.data.trust.flagged_rows`` gives them) is marked ``flagged``: its sentence says so.
    """
    values = values_by_country(series.persons_by_country_year(persons), "count")
    view = country_view(values, country, "arrests_persons_total",
                        "persons arrested for drug-related crime", "persons", _years(first, last))
    if view is not None and view.has_figure and view.country in flagged_countries(flags, last):
        view.record["flagged"] = True
    return view


def _kyrgyz_page(view: CountryView | None) -> CountryView | None:
    """A page whose figures are Kyrgyzstan's: the country's sentence only, then the page."""
    if view is not None:
        view.own_chart, view.rest = False, ""
    return view


def _kyrgyz_only(country: str) -> str:
    """What a page on Kyrgyzstan's figures shows in another country's edition."""
    if edition_country(country) == KYRGYZ_ONLY:
        return ""
    return (f"the figures below are {country_name(KYRGYZ_ONLY)}'s, the only one of the five "
            "with such figures in the project's tables")


def gender_based_violence(indicators: pd.DataFrame, last_year: int, country: str
                          ) -> CountryView | None:
    """Analysis 9: victims of domestic violence the country registered, by year."""
    from bulletin.analyses.gbv import DV_VICTIMS

    rows = indicators[(indicators["indicator"] == DV_VICTIMS)
                      & (indicators["disaggregation"] == series.TOTAL)]
    return _kyrgyz_page(country_view(
        values_by_country(rows, "value"), country, "gbv_dv_victims_total",
        "victims of domestic violence", "persons", _years(2010, last_year, 7),
        instead=_kyrgyz_only(country)))


def women_in_policing(indicators: pd.DataFrame, last_year: int, country: str) -> CountryView | None:
    """Analysis 10: women's share of the country's certified police officers."""
    rows = indicators[(indicators["indicator"] == WOMEN_SHARE)
                      & (indicators["disaggregation"] == FEMALE)]
    return _kyrgyz_page(country_view(
        values_by_country(rows, "value"), country, "policing_women_share_pct",
        "women among certified police officers", "%", _years(2010, last_year, 5),
        additive=False, instead=_kyrgyz_only(country)))
