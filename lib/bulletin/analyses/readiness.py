"""Readiness: what each analysis will show for an issue, found before anything renders.

``bulletin status --quarter Q`` asks, for every notebook, which period of data it will show for
the issue, which rows of each table it reads fall in that period (and with what status), and what
is missing. The answers come from here, and here from the analyses themselves: :data:`ANALYSES`
gives each notebook (by its name) the tables it loads, the parameters of its ``parameters`` cell
that move its period, the functions it calls to pick its period and its rows, and a function that
calls those same functions (``data_quarter``, ``annual.last_data_year``,
``route_windows.windows_for_issue``, ``crime.period_of_issue``, ...) with the notebook's own
parameter values. No rule of a period is written twice: a notebook that changed how it picks its
period would stop calling the functions its entry names, and ``tests/test_status.py`` checks that
every notebook calls them and loads exactly its entry's tables.

What an analysis lacks is said in two degrees:

- **missing**: the table it reads has no row for its period, so the page shows its "no data"
  message instead of a chart or table (the page's own words are quoted where it has them);
- **gaps**: the page shows the period, with holes it says so itself (a country without a row in
  the last year, a comparison quarter without rows, seizure cases that end before the issue's
  quarter).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bulletin.analyses import (
    activities,
    annual,
    cannabis,
    crime,
    crime_statistics,
    drug_market,
    gbv,
    heroin,
    policing,
    route_page,
    route_windows,
    routes,
    seizures,
    series,
)
from bulletin.core.periods import Quarter, data_quarter
from bulletin.core.wording import describe_years, join_words
from bulletin.data.trust import STATUS_WORDS
from bulletin.data.vocab import CENTRAL_ASIA, country_name

STATUSES = tuple(STATUS_WORDS)
"""The statuses counted for every table, in order of trust: official, stated, reconstructed,
estimate (a status outside them is counted too, after them)."""

Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class TableRows:
    """The rows of one table an analysis shows for one period.

    Attributes:
        table: the table's name, e.g. ``"seizures_quarterly"``.
        period: the period, as the pages write it (``"2017-Q2"``, ``"2010-2016"``).
        what: what the period is to the analysis ("the quarter reported", "the years shown").
        rows: the rows, selected by the analysis's own function.
    """

    table: str
    period: str
    what: str
    rows: pd.DataFrame

    def counts(self) -> dict[str, int]:
        """How many rows have each status: every status of :data:`STATUSES`, and any other."""
        found = self.rows["status"].astype(str).value_counts() if "status" in self.rows else {}
        counts = {status: int(found.get(status, 0)) for status in STATUSES}
        counts.update({str(s): int(n) for s, n in dict(found).items() if s not in counts})
        return counts


@dataclass(frozen=True)
class Readiness:
    """What one analysis will show for an issue, and what it lacks.

    Attributes:
        shows: the data period the page shows, in words.
        tables: the rows of each table it reads for that period.
        missing: what it lacks so that its page shows no chart or table (one sentence each).
        gaps: what its page will show with holes (one sentence each).
    """

    shows: str
    tables: tuple[TableRows, ...]
    missing: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()

    @property
    def ready(self) -> bool:
        """Whether the page has data for its period (gaps aside)."""
        return not self.missing


@dataclass(frozen=True)
class Analysis:
    """How to find what one notebook will show.

    Attributes:
        tables: the tables the notebook loads.
        period_functions: the functions the notebook calls to pick its period and its rows.
        parameters: the names of its ``parameters`` cell that move its period (their values come
            from the notebook, or from the render's ``-p``).
        assess: the issue, the tables and those parameters' values give its :class:`Readiness`.
    """

    tables: tuple[str, ...]
    period_functions: tuple[Callable[..., Any], ...]
    parameters: tuple[str, ...]
    assess: Callable[[Quarter, Tables, Mapping[str, Any]], Readiness]


# --- wording shared by the analyses ---------------------------------------------------------


def _no_row(table: str, period: str, consequence: str) -> str:
    return f"no row of {table} for {period}: {consequence}"


def _countries_without(rows: pd.DataFrame, table: str, period: str, year: int | None = None,
                       countries: tuple[str, ...] = CENTRAL_ASIA) -> list[str]:
    """One gap naming the countries without a row (of ``year``, when given), if any."""
    present = rows.loc[rows["year"] == year] if year is not None else rows
    absent = [c for c in countries if c not in set(present["country"])]
    if not absent or present.empty:
        return []
    names = join_words([f"{country_name(c)} ({c})" for c in absent])
    verb = "has" if len(absent) == 1 else "have"
    return [f"{names} {verb} no row of {table} for {period}: left out of its totals, never "
            "counted as zero"]


def _years_without(rows: pd.DataFrame, table: str, years: range) -> list[str]:
    """One gap naming the years of a range without any row, if some have rows and some not."""
    empty = [year for year in years if year not in set(rows["year"])]
    if not empty or len(empty) == len(years):
        return []
    return [f"no row of {table} for {describe_years(empty)}: shown as missing, never as zero"]


def _yearly(table: str, rows: pd.DataFrame, first: int, last: int, what: str,
            countries: tuple[str, ...] = CENTRAL_ASIA) -> tuple[TableRows, list[str], list[str]]:
    """The rows of a yearly table over ``first``-``last``, with what is missing and the gaps."""
    period = f"{first}-{last}" if first != last else str(last)
    part = TableRows(table, period, what, rows)
    if rows.empty:
        return part, [_no_row(table, period, "the page has no chart or table of these years")], []
    gaps = _years_without(rows, table, range(first, last + 1))
    gaps += _countries_without(rows, table, str(last), last, countries)
    return part, [], gaps


# --- one function per analysis ----------------------------------------------------------------


def _quarterly_seizures(issue: Quarter, tables: Tables, _: Mapping[str, Any]) -> Readiness:
    quarterly = tables["seizures_quarterly"]
    reported = data_quarter(issue)
    quarters = seizures.compared_quarters(reported)
    parts = tuple(
        TableRows("seizures_quarterly", q.label, seizures.COMPARED[name],
                  seizures.rows_of_quarter(quarterly, q))
        for name, q in quarters.items()
    )
    missing, gaps = [], []
    if parts[0].rows.empty:
        missing.append(_no_row("seizures_quarterly", reported.label,
                               f"the page says “{seizures.no_data_message(reported)}”"))
    else:
        gaps += _countries_without(parts[0].rows, "seizures_quarterly", reported.label)
    gaps += [_no_row(p.table, p.period, f"{p.what}: its column and the change on it are empty")
             for p in parts[1:] if p.rows.empty]
    previous, before = quarters["previous_quarter"], quarters["year_before"]
    shows = (f"the seizures of {reported.months} ({reported.label}), the quarter before the "
             f"issue's, against {previous.months} ({previous.label}) and {before.months} "
             f"({before.label})")
    return Readiness(shows, parts, tuple(missing), tuple(gaps))


def _drug_market(issue: Quarter, tables: Tables, parameters: Mapping[str, Any]) -> Readiness:
    annual_rows = tables["seizures_annual"]
    first, last = drug_market.years_shown(annual_rows, issue, parameters["first_year"],
                                          parameters["last_year"])
    rows = annual.select_rows(annual_rows, annual.Selection(drug_market.MARKET_DRUGS, first, last))
    part, missing, gaps = _yearly("seizures_annual", rows, first, last,
                                  "marijuana, hashish, heroin and opium by year")
    shows = (f"seizures by year, {first}-{last}: from the first year with figures to the last "
             f"complete year before the data quarter ({data_quarter(issue).label})")
    return Readiness(shows, (part,), tuple(missing), tuple(gaps))


def _cannabis(issue: Quarter, tables: Tables, parameters: Mapping[str, Any]) -> Readiness:
    annual_rows = tables["seizures_annual"]
    first, last = cannabis.years_shown(annual_rows, issue, parameters["first_year"],
                                       parameters["last_year"])
    herb_from, herb_to = cannabis.herb_years(annual_rows, last)
    shares = annual.select_rows(annual_rows, annual.Selection(cannabis.ALL_DRUGS, first, last))
    herb = annual.select_rows(annual_rows, annual.Selection(cannabis.HERB, herb_from, herb_to))
    part, missing, gaps = _yearly("seizures_annual", shares, first, last,
                                  "cannabis and the drugs of its share, by year")
    herb_part = TableRows("seizures_annual", f"{herb_from}-{herb_to}",
                          "cannabis herb: who seizes it", herb)
    if herb.empty and not shares.empty:
        gaps.append(_no_row("seizures_annual", f"{herb_from}-{herb_to}",
                            "no cannabis herb: the table of who seizes it is empty"))
    shows = (f"cannabis seized and its share of all drugs, {first}-{last}; who seizes the herb, "
             f"{herb_from}-{herb_to}")
    return Readiness(shows, (part, herb_part), tuple(missing), tuple(gaps))


def _heroin(issue: Quarter, tables: Tables, parameters: Mapping[str, Any]) -> Readiness:
    first, last = heroin.years_shown(issue, parameters["years"], parameters["last_year"])
    selection = annual.Selection(heroin.HEROIN, first, last, heroin.COUNTRIES)
    rows = annual.select_rows(tables["seizures_annual"], selection)
    part, missing, gaps = _yearly("seizures_annual", rows, first, last,
                                  "heroin, the five and the Russian Federation",
                                  heroin.COUNTRIES)
    shows = (f"heroin seized by the five and the Russian Federation, {first}-{last}: the last "
             f"{parameters['years']} years to the last complete year before the data quarter")
    return Readiness(shows, (part,), tuple(missing), tuple(gaps))


def _routes(issue: Quarter, tables: Tables, parameters: Mapping[str, Any]) -> Readiness:
    cases = tables["seizure_cases"]
    scope = routes.cases_touching(cases)
    period, baseline = route_windows.windows_for_issue(scope, issue, parameters["years"])
    in_period = route_windows.cases_within(scope, period)
    in_baseline = route_windows.cases_within(scope, baseline)
    parts = (TableRows("seizure_cases", period.label, "the period examined", in_period),
             TableRows("seizure_cases", baseline.label, "the baseline", in_baseline))
    missing, gaps = [], []
    if in_period.empty:
        missing.append(_no_row("seizure_cases", period.label,
                               f"the page says “{route_page.no_cases_message(cases, period)}”"))
    elif in_baseline.empty:
        gaps.append(_no_row("seizure_cases", baseline.label, "no leg can be found new"))
    if not in_period.empty and period.last_month < route_windows.last_month_of(issue):
        gaps.append(f"the seizure cases end in {route_windows.month_label(period.last_month)}: "
                    "the period stops there, not at the end of the issue's quarter "
                    f"({route_windows.month_label(route_windows.last_month_of(issue))})")
    nominal_start = route_windows.period_start(issue, int(parameters["years"]))
    if not in_period.empty and period.first_month > nominal_start:
        gaps.append(f"the seizure cases start in {route_windows.month_label(period.first_month)}: "
                    "the period starts there, not in "
                    f"{route_windows.month_label(nominal_start)}")
    shows = (f"seizure cases of {period.label} against {baseline.label}: the last "
             f"{parameters['years']} years to the end of the issue's quarter, cut to the months "
             f"with cases, against every earlier month with cases (with none, the "
             f"{parameters['years']} years before the period)")
    return Readiness(shows, parts, tuple(missing), tuple(gaps))


def _crime_years(table: str, noun: str) -> Callable[[Quarter, Tables, Mapping[str, Any]], Readiness]:
    """Analyses 6 and 7: a yearly table over the issue's crime years."""

    def assess(issue: Quarter, tables: Tables, _: Mapping[str, Any]) -> Readiness:
        first, last = crime.period_of_issue(issue)
        rows = series.rows_in_period(tables[table], first, last)
        part, missing, gaps = _yearly(table, rows, first, last, f"{noun} by country and year")
        shows = f"{noun}, {first}-{last}: from {first} to the last full year before the issue"
        return Readiness(shows, (part,), tuple(missing), tuple(gaps))

    return assess


def _crime_statistics(issue: Quarter, tables: Tables, _: Mapping[str, Any]) -> Readiness:
    names = ("drug_offences", "drug_arrests", "indicators")
    years = crime_statistics.years_shown(*(tables[name] for name in names))
    period = f"{years.start}-{years.stop - 1}"
    parts = tuple(TableRows(name, period, "the coverage matrix",
                            crime_statistics.rows_used(tables[name], years)) for name in names)
    missing = ([_no_row("drug_offences, drug_arrests or indicators", period,
                        "the coverage matrix is empty")]
               if all(p.rows.empty for p in parts) else [])
    gaps = [_no_row(p.table, period, "its indicators are missing in every cell")
            for p in parts if p.rows.empty and not missing]
    shows = (f"which country publishes which indicator, {period}: from {years.start} to the "
             "latest year the tables hold, beyond the issue's own period")
    return Readiness(shows, parts, tuple(missing), tuple(gaps))


def _gender_based_violence(issue: Quarter, tables: Tables, _: Mapping[str, Any]) -> Readiness:
    last = gbv.last_data_year(issue)
    rows = gbv.gbv_rows(tables["indicators"], last)
    part = TableRows("indicators", f"to {last}", "Kyrgyzstan's gender-based violence series", rows)
    missing = ([_no_row("indicators", f"the years to {last}",
                        f"the page says “{gbv.no_data_message(last)}”")] if rows.empty else [])
    gaps = ([f"no gender-based violence row of indicators for {last}: the series end in "
             f"{int(rows['year'].max())}"] if not rows.empty and last not in set(rows["year"]) else [])
    shows = f"Kyrgyzstan's gender-based violence series to {last}, the year before the issue's"
    return Readiness(shows, (part,), tuple(missing), tuple(gaps))


def _women_in_policing(issue: Quarter, tables: Tables, _: Mapping[str, Any]) -> Readiness:
    last = gbv.last_data_year(issue)
    rows = policing.policing_rows(tables["indicators"], last)
    rounds = policing.training_rounds(tables["activities"], issue)
    parts = (TableRows("indicators", f"to {last}", "women among certified police officers", rows),
             TableRows("activities", f"issues to {issue.label}", "the training rounds", rounds))
    missing = ([_no_row("indicators", f"the years to {last}",
                        f"the page says “{policing.no_data_message(last)}”")] if rows.empty else [])
    gaps = ([_no_row("activities", f"the issues up to {issue.label}",
                     f"the page says “{policing.training_sentence(rounds)}”")]
            if rounds.empty else [])
    shows = (f"women among Kyrgyzstan's certified police officers to {last}; the training of "
             f"female officers reported in the issues up to {issue.label}")
    return Readiness(shows, parts, tuple(missing), tuple(gaps))


def _milestones(issue: Quarter, tables: Tables, _: Mapping[str, Any]) -> Readiness:
    rows = activities.activities_of_issue(tables["activities"], issue)
    part = TableRows("activities", issue.label, "the activities the issue reports", rows)
    missing = ([_no_row("activities", f"the issue {issue.label}",
                        f"the page says “{activities.no_activities_message(issue)}”")]
               if rows.empty else [])
    shows = f"the activities the {issue.label} issue reports ({issue.months} and the weeks around it)"
    return Readiness(shows, (part,), tuple(missing))


ANALYSES: dict[str, Analysis] = {
    "01_quarterly_seizures": Analysis(
        ("seizures_quarterly",), (data_quarter, seizures.rows_of_quarter), (), _quarterly_seizures
    ),
    "02_drug_market": Analysis(
        ("seizures_annual",), (drug_market.years_shown, annual.select_rows),
        ("first_year", "last_year"), _drug_market,
    ),
    "03_cannabis": Analysis(
        ("seizures_annual",), (cannabis.years_shown, cannabis.herb_years, annual.select_rows),
        ("first_year", "last_year"), _cannabis,
    ),
    "04_heroin_northern_route": Analysis(
        ("seizures_annual",), (heroin.years_shown, annual.select_rows), ("years", "last_year"),
        _heroin,
    ),
    "05_trafficking_routes": Analysis(
        ("seizure_cases",),
        (routes.cases_touching, route_windows.windows_for_issue, route_windows.cases_within),
        ("years",), _routes,
    ),
    "06_drug_crime": Analysis(
        ("drug_offences",), (crime.period_of_issue, series.rows_in_period), (),
        _crime_years("drug_offences", "drug-related offences"),
    ),
    "07_arrests": Analysis(
        ("drug_arrests",), (crime.period_of_issue, series.rows_in_period), (),
        _crime_years("drug_arrests", "persons arrested for drug-related crime"),
    ),
    "08_crime_statistics": Analysis(
        ("drug_offences", "drug_arrests", "indicators"),
        (crime_statistics.years_shown, crime_statistics.rows_used), (), _crime_statistics,
    ),
    "09_gender_based_violence": Analysis(
        ("indicators",), (gbv.last_data_year, gbv.gbv_rows), (), _gender_based_violence
    ),
    "10_women_in_policing": Analysis(
        ("indicators", "activities"),
        (gbv.last_data_year, policing.policing_rows, policing.training_rounds), (),
        _women_in_policing,
    ),
    "11_milestones": Analysis(
        ("activities",), (activities.activities_of_issue,), (), _milestones
    ),
}
"""Every analysis, by its notebook's name (``notebooks/<name>.ipynb``)."""


def tables_read(notebooks: list[str]) -> list[str]:
    """The tables the registered notebooks among ``notebooks`` read, each once, in order."""
    names = [t for n in notebooks if n in ANALYSES for t in ANALYSES[n].tables]
    return list(dict.fromkeys(names))


def assess(notebook: str, issue: Quarter, tables: Tables,
           parameters: Mapping[str, Any]) -> Readiness | None:
    """What one notebook will show for an issue; None for a notebook not in :data:`ANALYSES`.

    Args:
        notebook: the notebook's name (``01_quarterly_seizures``).
        issue: the issue's quarter.
        tables: the tables it reads, by name (at least those of its entry).
        parameters: the values of its parameters (at least those of its entry).

    Raises:
        KeyError: a table or a parameter its entry needs is not given (its message names it).
    """
    analysis = ANALYSES.get(notebook)
    if analysis is None:
        return None
    for name in analysis.parameters:
        if name not in parameters:
            raise KeyError(f"{notebook} declares no parameter {name!r}, which moves its period")
    for name in analysis.tables:
        if name not in tables:
            raise KeyError(f"{notebook} reads the table {name!r}, which was not given")
    return analysis.assess(issue, tables, parameters)
