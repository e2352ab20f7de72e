"""Analysis 2: the drug market over the long term ("Drug market in Central Asia").

Seizures of the five Central Asian countries together, per year, of the four drugs the bulletin
names (marijuana, hashish, heroin, opium): their tons, their composition (shares), the peak years
of each drug and the largest group of each year. The bulletin's paragraph speaks of three
markets, and so does the analysis: marijuana and hashish (cannabis herb and resin together),
heroin, and opium. Cannabis and poppy plants (mostly wild growth, weighed whole) and the other
drugs are left out, so that every year, official or reconstructed, counts the same drugs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bulletin.analyses import annual
from bulletin.analyses.seizures import CHART_CATEGORIES
from bulletin.core.numbers import KG_PER_TON
from bulletin.core.periods import Quarter
from bulletin.core.sentences import describe_coverage, describe_largest_each_year, describe_peak
from bulletin.core.wording import describe_percent, describe_quantity, describe_years
from bulletin.data.trust import claim_record

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MARKET_DRUGS = ("cannabis_herb", "cannabis_resin", "heroin", "opium")
GROUPS = {
    "cannabis": ("cannabis_herb", "cannabis_resin"),
    "heroin": ("heroin",),
    "opium": ("opium",),
}
GROUP_LABELS = {"cannabis": "marijuana and hashish", "heroin": "heroin", "opium": "opium"}
FIRST_YEAR = 1990
# The 2017-Q2 bulletin's figures run to 2016; its statements are checked on its own years.
BULLETIN_LAST_YEAR = 2016
C2_STATEMENT = (
    "Long-term trends in drug seizures show that the market was most saturated by heroin in "
    "2003-2004 and opium in 1990-2000 in Central Asia"
)
C2_HEROIN_YEARS = (2003, 2004)
C2_OPIUM_YEARS = (1990, 2000)
C3_STATEMENT = (
    "The largest market of marijuana and hashish has been represented for the last four-five years"
)
C3_YEARS = (2012, 2016)
LAST_YEARS = 5  # "the largest group in each of the last five years"


def market_by_year(seizures: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Tons of each market drug seized by the five together, per year, with coverage and status.

    Returns:
        One row per year of the range: ``year``, one column of tons per drug of
        :data:`MARKET_DRUGS`, ``total_t``, one ``<group>_t`` column per group of :data:`GROUPS`,
        ``countries`` (how many of the five have a figure for any of the drugs), ``of`` and
        ``status``. Missing figures stay missing; a year without any is all missing.
    """
    shown = annual.Selection(MARKET_DRUGS, first_year, last_year)
    totals = annual.regional_totals(seizures, shown)
    wide = totals.pivot(index="year", columns="drug", values="kg")[list(MARKET_DRUGS)]
    wide = wide / KG_PER_TON
    wide.columns = [f"{drug}_t" for drug in wide.columns]
    wide["total_t"] = wide.sum(axis=1, min_count=1)
    for group, drugs in GROUPS.items():
        wide[f"{group}_t"] = wide[[f"{d}_t" for d in drugs]].sum(axis=1, min_count=1)
    coverage = annual.coverage_by_year(seizures, shown)
    rows = annual.select_rows(seizures, shown)
    wide = wide.join(coverage.set_index("year")[["countries", "of"]])
    wide["status"] = annual.status_by_year(rows, wide.index)
    return wide.reset_index()


def composition(market: pd.DataFrame) -> pd.DataFrame:
    """Each group's share of the market's total weight, per year, in per cent.

    >>> market = pd.DataFrame({"year": [2016], "cannabis_t": [9.0], "heroin_t": [0.5],
    ...                        "opium_t": [0.5], "total_t": [10.0]})
    >>> composition(market).to_dict("records")
    [{'year': 2016, 'cannabis_pct': 90.0, 'heroin_pct': 5.0, 'opium_pct': 5.0}]
    """
    shares = pd.DataFrame({"year": market["year"]})
    for group in GROUPS:
        shares[f"{group}_pct"] = market[f"{group}_t"] / market["total_t"] * 100
    return shares


def peak_years(market: pd.DataFrame, group: str) -> tuple[list[int], float]:
    """The years a group's seizures were at their highest (all of them when tied), and the tons.

    >>> market = pd.DataFrame({"year": [2002, 2003, 2004], "heroin_t": [5.0, 9.0, 9.0]})
    >>> peak_years(market, "heroin")
    ([2003, 2004], 9.0)
    """
    values = market.set_index("year")[f"{group}_t"].dropna()
    if values.empty:
        return [], float("nan")
    top = float(values.max())
    years = [int(y) for y, v in values.items() if np.isclose(v, top, rtol=1e-9, atol=1e-9)]
    return years, top


def largest_group_by_year(market: pd.DataFrame) -> dict[int, str]:
    """The group with the most tons seized, for each year with figures."""
    table = market.set_index("year")[[f"{g}_t" for g in GROUPS]].dropna(how="all")
    return {int(year): str(row.idxmax()).removesuffix("_t") for year, row in table.iterrows()}


def first_data_year(seizures: pd.DataFrame, drugs: tuple[str, ...] = MARKET_DRUGS) -> int:
    """The first year the five countries have any figure for the drugs.

    The first year the five countries have any figure for the drugs (the long view starts
    there: "as long as the data go back").
    """
    first = annual.first_year_shown(seizures, drugs)
    return FIRST_YEAR if first is None else first


def years_shown(
    seizures: pd.DataFrame, issue: Quarter, first_year: int = 0, last_year: int = 0
) -> tuple[int, int]:
    """The years an issue's page shows: from the first year with figures to its last year.

    Args:
        seizures: the annual seizures.
        issue: the issue's quarter (its last year: :func:`bulletin.analyses.annual.last_data_year`).
        first_year: a first year to use instead; 0 starts at the first year with figures, and so
            does a year before it (:func:`bulletin.analyses.annual.first_year_shown`).
        last_year: a last year to use instead; 0 follows the issue.
    """
    return max(first_year, first_data_year(seizures)), annual.last_data_year(issue, last_year)


def check_claim_c2(seizures: pd.DataFrame) -> dict:
    """C2: heroin seizures peak in 2003 or 2004, opium seizures within 1990-2000.

    C2: heroin seizures peak in 2003 or 2004, opium seizures within 1990-2000 (the five
    together, from the first year with figures to the bulletin's last year, 2016).

    The basis is that of the rows of the peak years, the ones that decide the check: peaks
    reconstructed from this very statement make it hold by construction, whatever the official
    years around them show.
    """
    first = first_data_year(seizures)
    market = market_by_year(seizures, min(first, BULLETIN_LAST_YEAR), BULLETIN_LAST_YEAR)
    heroin_years, heroin_t = peak_years(market, "heroin")
    opium_years, opium_t = peak_years(market, "opium")
    heroin_ok = bool(heroin_years) and all(y in C2_HEROIN_YEARS for y in heroin_years)
    low, high = C2_OPIUM_YEARS
    opium_ok = bool(opium_years) and all(low <= y <= high for y in opium_years)
    holds = heroin_ok and opium_ok
    opiates = annual.Selection(("heroin", "opium"), min(first, BULLETIN_LAST_YEAR),
                               BULLETIN_LAST_YEAR)
    rows = annual.select_rows(seizures, opiates)
    deciding = pd.concat([
        rows[(rows["drug"] == "heroin") & rows["year"].isin(heroin_years)],
        rows[(rows["drug"] == "opium") & rows["year"].isin(opium_years)],
    ])
    years_with_figures = market.dropna(subset=["total_t"])["year"]
    values = {
        "heroin_peak_years": heroin_years,
        "heroin_peak_t": round(heroin_t, 3),
        "opium_peak_years": opium_years,
        "opium_peak_t": round(opium_t, 3),
        "years_searched": describe_years(years_with_figures.astype(int).tolist())
        if not years_with_figures.empty else "",
        "peak_years_reconstructed": bool(deciding["status"].ne("official").any()),
    }
    covered = set(years_with_figures.astype(int))
    heroin_window = set(range(min(C2_HEROIN_YEARS), max(C2_HEROIN_YEARS) + 1))
    opium_window = set(range(low, high + 1))
    if not covered & heroin_window or not covered & opium_window:
        return claim_record(
            "C2", C2_STATEMENT, values, None, "", rows,
            not_testable=(
                f"the figures cover {values['years_searched'] or 'no year'}, not the years the "
                f"statement names ({describe_years(sorted(heroin_window))} for heroin, "
                f"{describe_years(sorted(opium_window))} for opium)"
            ),
        )
    findings = (
        f"{describe_peak('Heroin', heroin_years, heroin_t)} "
        f"{describe_peak('Opium', opium_years, opium_t)} "
        f"Years with figures: {values['years_searched']}. "
        + ("Consistent with the statement." if holds else "The statement does not hold.")
    )
    return claim_record("C2", C2_STATEMENT, values, holds, findings, deciding)


def check_claim_c3(seizures: pd.DataFrame) -> dict:
    """C3: marijuana and hashish are the largest group by weight in every year 2012-2016."""
    first, last = C3_YEARS
    market = market_by_year(seizures, first, last)
    largest = largest_group_by_year(market)
    years = list(range(first, last + 1))
    holds = all(largest.get(year) == "cannabis" for year in years)
    shares = composition(market).set_index("year")["cannabis_pct"].dropna()
    rows = annual.select_rows(seizures, annual.Selection(MARKET_DRUGS, first, last))
    values = {
        "largest_group_by_year": {str(y): largest.get(y) for y in years},
        "cannabis_share_min_pct": round(float(shares.min()), 2) if not shares.empty else None,
        "cannabis_share_max_pct": round(float(shares.max()), 2) if not shares.empty else None,
    }
    if not largest:
        return claim_record("C3", C3_STATEMENT, values, None, "", rows,
                            not_testable=f"no figures for the four drugs in {first}-{last}")
    findings = (
        describe_largest_each_year({y: GROUP_LABELS[g] for y, g in largest.items()})
        + f" Their share of the four drugs ran from {describe_percent(shares.min())} to "
        f"{describe_percent(shares.max())}. "
        + ("Consistent with the statement." if holds else "The statement does not hold.")
    )
    return claim_record("C3", C3_STATEMENT, values, holds, findings, rows)


def last_years(market: pd.DataFrame, count: int = LAST_YEARS) -> list[int]:
    """The last ``count`` years of the table (with or without figures)."""
    return [int(y) for y in market["year"].tail(count)]


def sentences(market: pd.DataFrame) -> list[str]:
    """What the page says, made from the numbers.

    Peaks, the largest group of the last five years, and the last year's composition.
    """
    said = []
    for group in GROUPS:
        years, top = peak_years(market, group)
        if years:
            said.append(describe_peak(GROUP_LABELS[group].capitalize(), years, top))
    recent = market[market["year"].isin(last_years(market))]
    largest = largest_group_by_year(recent)
    if largest:
        said.append(
            describe_largest_each_year({y: GROUP_LABELS[g] for y, g in largest.items()})
        )
    with_figures = market.dropna(subset=["total_t"])
    if not with_figures.empty:
        last = with_figures.iloc[-1]
        shares = composition(with_figures.tail(1)).iloc[0]
        covered = int(last["countries"])
        coverage = (
            "" if covered == last["of"] else f" ({describe_coverage(covered, int(last['of']))} "
            "have figures)"
        )
        said.append(
            f"In {int(last['year'])}, {describe_quantity(last['total_t'], 'ton')} of the four "
            f"drugs were seized{coverage}: "
            + ", ".join(
                f"{GROUP_LABELS[g]} {describe_percent(shares[f'{g}_pct'])}" for g in GROUPS
            )
            + "."
        )
    return said


def table_for_page(market: pd.DataFrame) -> pd.DataFrame:
    """The figures behind the chart, with the labels a reader sees."""
    shares = composition(market)
    labels = {f"{drug}_t": f"{CHART_CATEGORIES[drug]} (t)" for drug in MARKET_DRUGS}
    table = market[["year", *labels, "total_t"]].rename(columns=labels)
    table = table.rename(columns={"year": "Year", "total_t": "Total (t)"})
    for group in GROUPS:
        table[f"Share of {GROUP_LABELS[group]} (%)"] = shares[f"{group}_pct"]
    table["Countries with figures"] = annual.coverage_labels(market)
    table["Data status"] = annual.status_labels(market["status"])
    return table


def plot_drug_market(seizures: pd.DataFrame, market: pd.DataFrame, *, title: str) -> Figure:
    """Stacked bars of the four drugs per year (tons): "Drug market in Central Asia".

    Args:
        seizures: the table ``seizures_annual``.
        market: the years shown (:func:`market_by_year`).
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    layers = {f"{drug}_t": CHART_CATEGORIES[drug] for drug in MARKET_DRUGS}
    first, last = int(market["year"].min()), int(market["year"].max())
    cells = annual.cell_statuses(seizures, annual.Selection(MARKET_DRUGS, first, last), by="drug")
    cells.columns = [f"{drug}_t" for drug in cells.columns]
    return annual.plot_stacked_years(
        seizures, market, layers, MARKET_DRUGS, title, "Seizures (tons)", cells=cells
    )


def key_figures(market: pd.DataFrame) -> list[dict]:
    """The key figures for ``figures.json``: the last year with figures and the peaks."""
    with_figures = market.dropna(subset=["total_t"])
    if with_figures.empty:
        return []
    last = with_figures.iloc[-1]
    year = str(int(last["year"]))
    status = last["status"]
    shares = composition(with_figures.tail(1)).iloc[0]
    figures = [
        {"name": f"market_{group}_t", "value": round(float(last[f"{group}_t"]), 3), "unit": "t",
         "period": year, "status": status}
        for group in GROUPS
    ]
    figures += [
        {"name": "market_total_t", "value": round(float(last["total_t"]), 3), "unit": "t",
         "period": year, "status": status},
        {"name": "market_cannabis_share_pct", "value": round(float(shares["cannabis_pct"]), 2),
         "unit": "%", "period": year, "status": status},
        {"name": "market_countries_covered", "value": int(last["countries"]),
         "unit": "countries", "period": year, "status": status},
        {"name": "market_largest_group", "value": largest_group_by_year(with_figures.tail(1))[
            int(last["year"])], "unit": "group", "period": year, "status": status},
    ]
    span = describe_years(with_figures["year"].astype(int).tolist())  # years with figures
    for group in ("heroin", "opium"):
        years, top = peak_years(market, group)
        peak_status = "+".join(
            sorted(set(market.set_index("year").loc[years, "status"]))
        )
        figures += [
            {"name": f"market_{group}_peak_years", "value": describe_years(years),
             "unit": "years", "period": span, "status": peak_status},
            {"name": f"market_{group}_peak_t", "value": round(top, 3), "unit": "t",
             "period": span, "status": peak_status},
        ]
    return figures
