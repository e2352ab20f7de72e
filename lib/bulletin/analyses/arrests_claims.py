"""Analysis 7, the bulletin's statements on persons arrested checked: C12, C13 and C14.

Analysis 7, the bulletin's statements checked: C12 (persons arrested fell from 2010 to 2015, rose
in 2016 to almost 12,400), C13 (about 7% of them women) and C14 (about 0.3% juveniles in 2016).

Figures the import flagged as implausible are counted as published, and a verdict that rests on
them names them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bulletin.analyses.arrests import (
    breakdown_rows,
    flag_year,
    flagged_note,
    regional_persons,
    shares_of_women_and_juveniles,
    turning_years,
)
from bulletin.analyses.crime_claims import count_verdict
from bulletin.analyses.series import (
    TOTAL,
    counts_by_year,
    rows_in_period,
)
from bulletin.core.sentences import describe_trend
from bulletin.core.wording import describe_percent, join_words
from bulletin.data.trust import claim_record

C12_STATEMENT = (
    "Number of people arrested for drug-related crime in Central Asia had a downward trend between "
    "2010 and 2015. In 2016, the number of arrestees increased and is up to almost 12,400 people"
)
C13_STATEMENT = "Average per cent of arrested women is about 7%"
C14_STATEMENT = "Share of the juveniles involved to drug crime is small, approximately 0.3% in 2016"
CLAIM_FIRST_YEAR, CLAIM_TURN_YEAR, CLAIM_LAST_YEAR = 2010, 2015, 2016
C12_RANGE = (12_000, 12_400)  # "almost 12,400" (ANALYSES.md)
C13_RANGE = (6.5, 7.5)  # "about 7%": the mean share of women over the years shown
C14_RANGE = (0.25, 0.35)  # "approximately 0.3%"


def check_claim_c12(arrests: pd.DataFrame, flags: list[dict[str, Any]] | None = None) -> dict:
    """C12: persons arrested fell from 2010 to 2015 and rose in 2016, to almost 12,400.

    C12: persons arrested fell from 2010 to 2015 (each year below the one before), rose in
    2016, to almost 12,400 ([12,000, 12,400)); the five countries' rows of those years.

    Figures the import flagged as implausible (``flags``, :func:`bulletin.data.trust.flagged_rows`)
    are counted as published; the verdict names those of the claim's years, since a reader must
    know that the check rests on them.
    """
    rows = rows_in_period(arrests, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    totals = regional_persons(arrests, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    series = counts_by_year(totals)
    values: dict = {
        "persons_by_year": {str(y): int(c) for y, c in series.items()},
        "countries_reporting_by_year": {
            str(int(y)): int(n)
            for y, n in zip(totals["year"], totals["countries_reporting"], strict=True)
        },
    }
    missing = [y for y in range(CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR + 1) if y not in series]
    if missing:
        return claim_record(
            "C12", C12_STATEMENT, values, None, "", rows,
            not_testable=f"no persons arrested for {join_words([str(y) for y in missing])}",
        )
    falling = [series[y] < series[y - 1] for y in range(CLAIM_FIRST_YEAR + 1, CLAIM_TURN_YEAR + 1)]
    rose = series[CLAIM_LAST_YEAR] > series[CLAIM_TURN_YEAR]
    last = series[CLAIM_LAST_YEAR]
    in_range = C12_RANGE[0] <= last < C12_RANGE[1]
    holds = all(falling) and rose and in_range
    values.update(
        {
            "years_not_below_the_year_before_2011_2015": [
                y
                for y, f in zip(
                    range(CLAIM_FIRST_YEAR + 1, CLAIM_TURN_YEAR + 1), falling, strict=True
                )
                if not f
            ],
            "turning_years": turning_years(totals),
            "persons_2016": int(last),
        }
    )
    findings = f"Persons arrested in the five countries {describe_trend(series)}; " + count_verdict(
        last, CLAIM_LAST_YEAR, C12_RANGE, in_range, holds, rows
    )
    flagged = flagged_note(flags or [], CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    if flagged:
        findings += f" {flagged}"
        values["flagged_rows"] = [
            f["key"] for f in flags or []
            if flag_year(f) is not None and CLAIM_FIRST_YEAR <= flag_year(f) <= CLAIM_LAST_YEAR
        ]
    return claim_record("C12", C12_STATEMENT, values, holds, findings, rows)


def check_claim_c13(arrests: pd.DataFrame) -> dict:
    """C13: the mean yearly share of women among persons arrested is about 7%.

    C13: the mean of the yearly shares of women, 2010-2016, is about 7% ([6.5, 7.5)), over
    the countries that report arrests by sex.
    """
    rows = rows_in_period(arrests, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    shares = shares_of_women_and_juveniles(rows).dropna(subset=["women_share_pct"])
    used = breakdown_rows(rows, "female", TOTAL)
    if shares.empty:
        return claim_record("C13", C13_STATEMENT, {}, None, "", rows,
                            not_testable="no arrests by sex for 2010-2016")
    mean = float(shares["women_share_pct"].mean())
    holds = C13_RANGE[0] <= mean < C13_RANGE[1]
    values = {
        "women_share_pct_by_year": {
            str(int(y)): round(s, 3)
            for y, s in zip(shares["year"], shares["women_share_pct"], strict=True)
        },
        "mean_women_share_pct": round(mean, 3),
    }
    findings = (
        f"Women were on average {describe_percent(mean)} ({mean:.2f}%) of persons arrested in "
        f"{int(shares['year'].min())}-{int(shares['year'].max())} (from "
        f"{shares['women_share_pct'].min():.2f}% to {shares['women_share_pct'].max():.2f}% a "
        "year, over the countries that report arrests by sex); "
        + ("consistent with the statement." if holds else "the statement does not hold.")
    )
    return claim_record("C13", C13_STATEMENT, values, holds, findings, used)


def check_claim_c14(arrests: pd.DataFrame) -> dict:
    """C14: juveniles were approximately 0.3% of persons arrested in 2016 ([0.25, 0.35))."""
    rows = rows_in_period(arrests, CLAIM_LAST_YEAR, CLAIM_LAST_YEAR)
    shares = shares_of_women_and_juveniles(rows).dropna(subset=["juveniles_share_pct"])
    used = breakdown_rows(rows, TOTAL, "juvenile")
    if shares.empty:
        return claim_record("C14", C14_STATEMENT, {}, None, "", rows,
                            not_testable="no arrests by age for 2016")
    share = float(shares["juveniles_share_pct"].iloc[0])
    holds = C14_RANGE[0] <= share < C14_RANGE[1]
    values = {
        "juveniles_2016": int(shares["juveniles_count"].iloc[0]),
        "persons_with_age_2016": int(shares["persons_with_age"].iloc[0]),
        "juveniles_share_pct_2016": round(share, 3),
    }
    findings = (
        f"Juveniles were {describe_percent(share)} ({share:.3f}%) of persons arrested in 2016 "
        f"({values['juveniles_2016']:,} of {values['persons_with_age_2016']:,}, in the countries "
        "that report arrests by age); "
        + ("consistent with the statement." if holds else "the statement does not hold.")
    )
    return claim_record("C14", C14_STATEMENT, values, holds, findings, used)
