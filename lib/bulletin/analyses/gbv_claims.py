"""Analysis 9, the bulletin's statements on gender-based violence checked: C15 and C16.

Analysis 9, the bulletin's statements checked: C15 (14,467 people turned to crisis centres in 2015,
a 26 per cent increase from 2010) and C16 (the police registered over 3,500 GBV cases in 2014,
against 1,800 in 2010).

A loose figure's word bounds the change computed (:func:`bulletin.analyses.gbv.growth`); the
basis of each verdict comes from the statuses of the rows it used.
"""

from __future__ import annotations

import pandas as pd

from bulletin.analyses.gbv import C15_YEARS, C16_YEARS, DV_VICTIMS, gbv_rows, growth, series_rows
from bulletin.analyses.indicators import (
    CRISIS_CENTRE_CLIENTS,
    POLICE_GBV_CASES,
)
from bulletin.core.wording import (
    describe_stated_count,
)
from bulletin.data.trust import claim_record

C15_STATEMENT = (
    "14,467 people turned to crisis centers and other institutions providing social and "
    "psychological assistance in 2015, a 26 per cent increase from 2010"
)
C16_STATEMENT = "In 2014, the police registered over 3,500 cases of GBV, compared to 1,800 in 2010"


def _growth_of(
    indicators: pd.DataFrame, indicator: str, years: tuple[int, int]
) -> tuple[pd.DataFrame, pd.DataFrame, dict | None]:
    """The GBV rows to the later year, the rows of one series a claim uses, and its growth."""
    rows = gbv_rows(indicators, years[1])
    return rows, series_rows(rows, indicator, years), growth(rows, indicator, *years)

def check_claim_c15(indicators: pd.DataFrame) -> dict:
    """C15: 14,467 people turned to crisis centres in 2015, a 26 per cent increase from 2010.

    The 2015 figure is the bulletin's; no 2010 figure is published anywhere the project reads,
    so a 2010 row reconstructed from this very statement makes the increase hold by
    construction: the basis (computed from the two rows' statuses and sources) says so.
    """
    rows, used, change = _growth_of(indicators, CRISIS_CENTRE_CLIENTS, C15_YEARS)
    if change is None:
        why = "indicators.csv has no crisis-centre figures for both 2010 and 2015"
        return claim_record("C15", C15_STATEMENT, {}, None, "", used, not_testable=why)
    rounded = round(change["percent"])
    holds = change["new"] == 14467 and change["new_qualifier"] is None and rounded == 26
    findings = (
        f"{describe_stated_count(change['new'])} people in 2015 and "
        f"{describe_stated_count(change['old'])} in 2010: {change['words']}; "
        + ("consistent with the statement." if holds else "the statement does not hold.")
    )
    values = {
        "crisis_centre_clients_2015": change["new"],
        "crisis_centre_clients_2010": change["old"],
        "increase_pct": round(change["percent"], 2),
        "status_2010_2015": change["status"],
    }
    return claim_record("C15", C15_STATEMENT, values, holds, findings, used)


def check_claim_c16(indicators: pd.DataFrame) -> dict:
    """C16: over 3,500 GBV cases registered by the police in 2014, 1,800 in 2010.

    Checks the bulletin's rows (their basis: the police series' rows), then sets them against the
    NSC's official victims of domestic violence for the same years (a narrower count: domestic
    violence only, victims not cases), which the verdict reports beside them.
    """
    rows, used, change = _growth_of(indicators, POLICE_GBV_CASES, C16_YEARS)
    if change is None:
        why = "indicators.csv has no police-registered GBV cases for 2010 and 2014"
        return claim_record("C16", C16_STATEMENT, {}, None, "", used, not_testable=why)
    holds = (
        change["new"] == 3500
        and change["new_qualifier"] in ("over", "more than")
        and change["old"] == 1800
        and change["old_qualifier"] is None
    )
    official = growth(rows, DV_VICTIMS, *C16_YEARS)
    values = {
        "police_gbv_cases_2010": change["old"],
        "police_gbv_cases_2014": change["new"],
        "police_gbv_cases_2014_qualifier": change["new_qualifier"],
        "increase_pct_at_least": round(change["percent"], 2),
    }
    findings = (
        f"From {describe_stated_count(change['old'])} in 2010 to "
        f"{describe_stated_count(change['new'], change['new_qualifier'])} in 2014, "
        f"{change['words']}; "
        + ("as the statement says." if holds else "the statement does not hold.")
    )
    if official is not None:
        values["nsc_dv_victims_2010"] = official["old"]
        values["nsc_dv_victims_2014"] = official["new"]
        values["nsc_dv_victims_status"] = official["status"]
        findings += (
            f" Beside them, the NSC's victims of domestic violence ({official['status']}), a "
            f"narrower count, went from {describe_stated_count(official['old'])} to "
            f"{describe_stated_count(official['new'])} ({official['words']})"
            + (
                ": close to the bulletin's figure in 2010 but well below it in 2014. The "
                "bulletin's count is wider than domestic violence or comes from another register; "
                "the published figures cannot tell which."
                if official["old"]
                and abs(official["old"] - change["old"]) / change["old"] < 0.05
                and official["new"] < change["new"]
                else "."
            )
        )
    return claim_record("C16", C16_STATEMENT, values, holds, findings, used)
