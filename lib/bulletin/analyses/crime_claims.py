"""Analysis 6, the bulletin's statements on drug-related offences checked: C9, C10 and C11.

Analysis 6, the bulletin's statements checked: C9 (offences fell steadily since 2010, to almost
13,600 in 2016), C10 (smuggling from 4% to 9% of offences) and C11 (selling 46% in 2016).

Each check computes its figures with :mod:`bulletin.analyses.crime` over the countries that
report what it needs, and says which those are: a share of national types is taken only over the
country-years that report national types.
"""

from __future__ import annotations

import pandas as pd

from bulletin.analyses.crime import (
    breaks_in_decrease,
    countries_in_words,
    country_coverage,
    regional_totals,
    share_of,
    shares_by_type,
)
from bulletin.analyses.series import (
    NATIONAL,
    counts_by_year,
    rows_in_period,
)
from bulletin.core.sentences import describe_trend
from bulletin.core.wording import (
    describe_count,
    describe_percent,
    join_words,
)
from bulletin.data.trust import (
    claim_record,
)
from bulletin.data.vocab import CENTRAL_ASIA, country_name

C9_STATEMENT = (
    "The number of reported drug-related offences in the Central Asian countries has decreased "
    "steadily since 2010. In 2016, there were almost 13,600 reported offences"
)
C10_STATEMENT = "Share of smuggling offences increased from 4% in 2010 to 9% in 2016"
C11_STATEMENT = (
    "Share of drug offences linked to the purpose of selling drugs constitutes for 46% of total "
    "amount of the offences reported in 2016"
)
CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR = 2010, 2016
C9_RANGE = (13_000, 13_600)  # "almost 13,600": [13,000, 13,600) (ANALYSES.md)
C10_RANGES = ((3.5, 4.5), (8.5, 9.5))  # "4%" and "9%", whole per cents
C11_RANGE = (45.5, 46.5)  # "46%"


def count_verdict(
    count: float,
    year: int,
    bounds: tuple[int, int],
    in_range: bool,
    holds: bool,
    rows: pd.DataFrame,
) -> str:
    """The end of the verdict on a regional count: the count, its range, and who reports.

    Args:
        count: the regional count of ``year``.
        year: the year the statement gives a count for.
        bounds: the range the statement's words allow, ``[low, high)``.
        in_range: whether the count lies in it.
        holds: whether the whole statement holds.
        rows: the rows of ``year`` (their countries and statuses are named).

    Returns:
        "13,588 in 2016 (almost 13,600), inside [13,000, 13,600); consistent with the statement.
        Countries in 2016: ...".
    """
    return (
        f"{int(count):,} in {year} ({describe_count(count)}), "
        + ("inside" if in_range else "outside")
        + f" [{bounds[0]:,}, {bounds[1]:,}); "
        + ("consistent with the statement." if holds else "the statement does not hold.")
        + f" Countries in {year}: {country_coverage(rows, year)}."
    )


def check_claim_c9(offences: pd.DataFrame) -> dict:
    """C9: a steady decrease 2010-2016 (each year below the one before) and almost 13,600 in 2016.

    A year that breaks the run is named in the verdict; the claim then does not hold, whatever
    the 2016 figure. The basis is that of the five countries' rows of those years.
    """
    rows = rows_in_period(offences, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    totals = regional_totals(offences, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    complete = totals["count"].notna().all()
    last = totals.set_index("year")["count"].get(CLAIM_LAST_YEAR)
    breaks = breaks_in_decrease(totals.dropna(subset=["count"])) if complete else []
    in_range = last is not None and pd.notna(last) and C9_RANGE[0] <= last < C9_RANGE[1]
    values = {
        "total_by_year": {
            str(int(y)): None if pd.isna(c) else int(c)
            for y, c in zip(totals["year"], totals["count"], strict=True)
        },
        "countries_reporting_by_year": {
            str(int(y)): int(n)
            for y, n in zip(totals["year"], totals["countries_reporting"], strict=True)
        },
        "years_breaking_the_decrease": breaks,
        "total_2016": None if last is None or pd.isna(last) else int(last),
    }
    if not complete:
        missing = [int(y) for y in totals.loc[totals["count"].isna(), "year"]]
        return claim_record(
            "C9", C9_STATEMENT, values, None, "", rows,
            not_testable=f"no offences for {join_words([str(y) for y in missing])}",
        )
    holds = bool(not breaks and in_range)
    moved = describe_trend(counts_by_year(totals))
    steady = (
        "the decrease is steady"
        if not breaks
        else f"the decrease is not steady: {join_words([str(y) for y in breaks])} "
        f"{'breaks' if len(breaks) == 1 else 'break'} the run"
    )
    findings = f"The five countries' reported offences {moved} ({steady}); " + count_verdict(
        last, CLAIM_LAST_YEAR, C9_RANGE, in_range, holds, rows
    )
    return claim_record("C9", C9_STATEMENT, values, holds, findings, rows)


def _check_share_claim(
    claim_id: str,
    statement: str,
    offences: pd.DataFrame,
    offence_type: str,
    ranges: dict[int, tuple[float, float]],
) -> dict:
    """A claim on one offence type's share of the five countries' offences in some years.

    The share is taken over the countries whose figures report the type (their offences of the
    type over all their offences); the verdict names them, says which of the five the year's
    figures cover and with what status, and gives the type's offences over all five countries'
    offences (a floor where some do not report the type apart).
    """
    rows = rows_in_period(offences, min(ranges), max(ranges))
    shares = shares_by_type(rows, NATIONAL)
    totals = regional_totals(rows, min(ranges), max(ranges)).set_index("year")["count"]
    values: dict = {}
    inside, said = [], []
    used = []
    for year, (low, high) in ranges.items():
        share = share_of(shares, year, offence_type)
        reporting = sorted(set(rows.loc[(rows["year"] == year)
                                        & (rows["offence_type"] == offence_type), "country"]))
        count = float(rows.loc[(rows["year"] == year) & (rows["offence_type"] == offence_type),
                               "count"].sum())
        of_all = count / totals[year] * 100 if reporting and pd.notna(totals.get(year)) else None
        values[f"{offence_type}_share_pct_{year}"] = None if share is None else round(share, 2)
        values[f"countries_{year}"] = ";".join(c for c in CENTRAL_ASIA if c in reporting)
        values[f"{offence_type}_share_of_all_five_pct_{year}"] = (
            None if of_all is None else round(of_all, 2)
        )
        values[f"coverage_{year}"] = country_coverage(rows, year, offence_type)
        inside.append(share is not None and low <= share < high)
        used.append(rows[(rows["year"] == year) & rows["country"].isin(reporting)])
        if share is None:
            said.append(f"{year}: no country reports {offence_type} offences apart")
            continue
        others = [country_name(c) for c in CENTRAL_ASIA if c not in reporting]
        words = (
            f"{year}: {describe_percent(share)} ({share:.2f}%) over "
            f"{countries_in_words(reporting)}"
            + (" only" if others else ", all five countries")
        )
        if others and of_all is not None:
            words += (
                f" (over all five countries' offences, {of_all:.1f}%: a floor, as "
                f"{join_words(others)} report no {offence_type} line)"
            )
        said.append(words)
    evidence = pd.concat(used) if used else rows.iloc[0:0]
    if all(values[f"{offence_type}_share_pct_{y}"] is None for y in ranges):
        return claim_record(
            claim_id, statement, values, None, "", rows,
            not_testable=f"no country's figures report {offence_type} offences apart in "
            f"{join_words([str(y) for y in ranges])}",
        )
    holds = all(inside)
    coverage = " ".join(f"Countries in {y}: {values[f'coverage_{y}']}." for y in ranges)
    findings = (
        f"{offence_type.capitalize()} offences as a share of the offences of the countries that "
        f"report them: " + "; ".join(said) + ". "
        + ("Consistent with the statement." if holds else "The statement does not hold.")
        + f" {coverage}"
    )
    return claim_record(claim_id, statement, values, holds, findings, evidence)


def check_claim_c10(offences: pd.DataFrame) -> dict:
    """C10: smuggling's share of the five countries' offences rose from 4% to 9%.

    C10: smuggling's share of the five countries' offences, from 4% in 2010 to 9% in 2016
    (whole per cents), over the countries that report smuggling apart.
    """
    ranges = dict(zip((CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR), C10_RANGES, strict=True))
    return _check_share_claim("C10", C10_STATEMENT, offences, "smuggling", ranges)


def check_claim_c11(offences: pd.DataFrame) -> dict:
    """C11: offences linked to selling make up 46% of the five countries' offences of 2016.

    C11: offences linked to selling make up 46% of the five countries' offences of 2016 (whole
    per cent), over the countries that report selling apart.
    """
    return _check_share_claim("C11", C11_STATEMENT, offences, "selling",
                              {CLAIM_LAST_YEAR: C11_RANGE})
