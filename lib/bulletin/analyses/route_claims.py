"""Analysis 5, the bulletin's statements on trafficking routes checked: C7 and C8.

Analysis 5, the bulletin's statements checked: C7 (no new offshoots of the routes in the last six
years) and C8 (most cannabis seized in Tajikistan and Uzbekistan is of Afghan origin).

Each check computes its figures from the cases with :mod:`bulletin.analyses.routes` and returns
the claim record ``report.record_claim`` publishes, its basis taken from the statuses of the rows
it used.
"""

from __future__ import annotations

import pandas as pd

from bulletin.analyses.route_windows import (
    BASELINE,
    PERIOD,
    CaseWindow,
    case_months,
    cases_within,
    claim_windows,
    last_month_of,
    month_count,
    months_long,
)
from bulletin.analyses.routes import (
    C8_COUNTRIES,
    afghan_share,
    cases_touching,
    leg_names,
    leg_summary,
    leg_weights,
    legs_touching,
    new_legs,
    origin_shares,
)
from bulletin.core.periods import STATEMENTS_ISSUE
from bulletin.core.wording import (
    count_in_words,
)
from bulletin.data.trust import claim_record
from bulletin.data.vocab import country_name, drug_groups

C7_STATEMENT = (
    "there are no new offshoots in drug trafficking routes in Central Asia in the last six years "
    "(2012-June 2017)"
)
C8_STATEMENT = (
    "The most of cannabis seized both in Tajikistan and Uzbekistan is of Afghan origin"
)


def check_claim_c7(cases: pd.DataFrame) -> dict:
    """C7: no route leg in the last six years to June 2017 that the years before lack.

    The cases: every case whose route touches the five countries (:func:`cases_touching`); the
    legs: those with one end in the five ("routes in Central Asia"), whatever the drug. The
    windows come from the issue and the data (:func:`claim_windows`): the period to June 2017 cut
    at the last month with cases, the baseline every month with cases before it. What the data
    show is reported as it is, new legs with their cases and kilograms.
    """
    scope = cases_touching(cases)
    windows = claim_windows(scope, C7_ISSUE, C7_YEARS)
    values: dict = {"cases_touching_the_five": len(scope)}
    if windows is None:
        return claim_record(
            "C7", C7_STATEMENT, values, None, "", scope if not scope.empty else cases,
            not_testable="the seizure cases do not reach both the six years to June 2017 and the "
            "years before them",
        )
    period, baseline = windows
    summary = legs_touching(leg_summary(scope, period, baseline))
    period_legs = leg_weights(summary, PERIOD, by=())
    baseline_legs = leg_weights(summary, BASELINE, by=())
    new = new_legs(summary)
    period_cases = cases_within(scope, period)
    baseline_cases = cases_within(scope, baseline)
    used = pd.concat([period_cases, baseline_cases])
    values.update({
        "period": period.interval,
        "baseline": baseline.interval,
        "cases_period": len(period_cases),
        "cases_baseline": len(baseline_cases),
        "legs_period": len(period_legs),
        "legs_baseline": len(baseline_legs),
        "new_legs": len(new),
        "new_leg_names": leg_names(new),
        "new_legs_kg": {
            name: round(float(kg), 3) for name, kg in zip(leg_names(new), new["kg"], strict=True)
        },
        "new_legs_cases": {
            name: int(c) for name, c in zip(leg_names(new), new["cases"], strict=True)
        },
    })
    if period_legs.empty or baseline_legs.empty:
        return claim_record(
            "C7", C7_STATEMENT, values, None, "", used if not used.empty else scope,
            not_testable=f"the cases have {len(period_cases):,} cases in {period.label} and "
            f"{len(baseline_cases):,} in {baseline.label}, with {len(period_legs)} and "
            f"{len(baseline_legs)} legs of a known route: nothing to compare",
        )
    holds = new.empty
    share_kg = float(new["kg"].sum()) / float(period_legs["kg"].sum()) * 100 if not new.empty and \
        period_legs["kg"].sum() > 0 else 0.0
    findings = (
        f"Cases whose route touches the five countries: {len(period_cases):,} in {period.label} "
        f"took {len(period_legs)} legs with one end in the five; {len(baseline_cases):,} cases in "
        f"{baseline.label} (the months with cases before the period) took {len(baseline_legs)}. "
        + (
            "Every leg of the period was seen in the baseline: consistent with the statement."
            if holds
            else f"{count_in_words(len(new), 'leg')} of the period were never seen in the baseline "
            f"({share_kg:.1f}% of the kilograms carried along the period's legs): "
            + "; ".join(
                f"{country_name(a)} to {country_name(b)} ({count_in_words(int(c), 'case')}, {kg:,.1f} kg)"
                for a, b, c, kg in zip(new["from_country"], new["to_country"], new["cases"],
                                       new["kg"], strict=True)
            )
            + ". The statement does not hold on these cases"
            + (
                f"; the baseline is {months_long(baseline)} against the period's "
                f"{months_long(period)}, so some legs may be new only to a short record."
                if month_count(baseline) < month_count(period)
                else "."
            )
        )
    )
    return claim_record("C7", C7_STATEMENT, values, holds, findings, used)


def check_claim_c8(cases: pd.DataFrame) -> dict:
    """C8: Afghanistan produced more than half the cannabis (by weight) seized in TJK and in UZB.

    Over the cases of the six years to June 2017 (cut at the last month with cases), all
    cannabis-type drugs together; cannabis of unknown origin counts in the whole, never for
    Afghanistan. Without any cannabis case seized in the two countries (UNODC's IDS holds no
    cannabis), the data cannot test the statement: ``holds`` is None, and the verdict says why.
    """
    groups = cases["drug"].map(drug_groups())
    months = case_months(cases)
    issue_end = last_month_of(C7_ISSUE)
    start = f"{C7_ISSUE.year - C7_YEARS + 1:04d}-01"
    end = min(issue_end, months[1]) if months else issue_end
    window = CaseWindow.parse(start, max(start, end))
    in_period = cases_within(cases, window)
    seized = in_period[in_period["country"].isin(C8_COUNTRIES)]
    cannabis = seized[seized["drug"].map(drug_groups()) == "cannabis"]
    values: dict = {"period": window.interval, "cannabis_cases": len(cannabis)}
    if cannabis.empty:
        if cases.empty:
            why = "the seizure cases table holds no case"
        elif not (groups == "cannabis").any():
            why = f"the seizure cases ({_sources_words(cases)}) hold no cannabis case at all"
        else:
            why = f"no cannabis case seized in Tajikistan or Uzbekistan in {window.label}"
        for country in C8_COUNTRIES:
            values[f"afghan_share_cannabis_{country.lower()}_pct"] = None
        return claim_record("C8", C8_STATEMENT, values, None, "",
                            seized if not seized.empty else cases, not_testable=why)
    shares = origin_shares(in_period, level="drug_group")
    found = {country: afghan_share(shares, country) for country in C8_COUNTRIES}
    holds = all(share is not None and share > 50 for share in found.values())
    parts = [
        f"{country_name(country)}: "
        + ("no cannabis seized" if share is None else f"{share:.1f}% of the cannabis by weight")
        for country, share in found.items()
    ]
    findings = (
        f"Afghan origin, {window.label}: "
        + "; ".join(parts)
        + "; "
        + ("consistent with the statement." if holds else "the statement does not hold.")
    )
    for country, share in found.items():
        values[f"afghan_share_cannabis_{country.lower()}_pct"] = (
            None if share is None else round(share, 2)
        )
    return claim_record("C8", C8_STATEMENT, values, holds, findings, cannabis)


def _sources_words(cases: pd.DataFrame) -> str:
    sources = sorted(cases["source"].dropna().astype(str).unique()) if "source" in cases else []
    return "; ".join(sources) if sources else "no source named"


C7_ISSUE = STATEMENTS_ISSUE
"""The issue whose statement C7 is: "the last six years (2012-June 2017)" end with its quarter."""
C7_YEARS = 6
