"""Analysis 11, the bulletin's statement checked: C19, the issue's activities with their figures.

Each activity C19 names is found in ``activities.csv`` by its theme and kind, and each figure the
issue prints for it (participants, countries, dates, days) is compared with the row's
(:data:`C19_EXPECTED`).
"""

from __future__ import annotations

import pandas as pd

from bulletin.analyses.activities import (
    AFTER_QUARTER,
    BEFORE_QUARTER,
    NO_DATE,
    activities_of_issue,
    split_list,
)
from bulletin.analyses.activity_participants import qualifier_of
from bulletin.core.periods import STATEMENTS_ISSUE
from bulletin.core.sentences import describe_partial_date
from bulletin.core.wording import (
    number_in_words,
)
from bulletin.data.trust import claim_record

C19_ISSUE = STATEMENTS_ISSUE
C19_STATEMENT = (
    "The issue's activities, with their figures: customs heads of 8 countries in Tbilisi (CCP); "
    "70 participants in Tashkent and more than 100 by video from five regions (28 July 2017); "
    "37 participants in Issyk-Kul (29-30 June); over 50 specialists at the crime-data workshop "
    "(June); 200 female police officers trained; 17 NGO representatives in Turkmenistan "
    "(four-day seminar); 25 health managers from five countries in Almaty (June)"
)
# Each activity C19 names, found by its theme and kind, and the figures the issue prints for it.
C19_EXPECTED: tuple[dict, ...] = (
    {"theme": "border control", "kind": "meeting", "city": "Tbilisi", "countries": 8},
    {
        "theme": "prisons",
        "kind": "round table",
        "city": "Tashkent",
        "on_site": (70, None),
        "remote": (100, "more than"),
        "start_date": "2017-07-28",
    },
    {
        "theme": "corruption",
        "kind": "seminar",
        "city": "Issyk-Kul",
        "on_site": (37, None),
        "start_date": "2017-06-29",
        "end_date": "2017-06-30",
    },
    {
        "theme": "crime statistics",
        "kind": "workshop",
        "on_site": (50, "over"),
        "start_date": "2017-06",
    },
    {"theme": "policing", "kind": "training", "series_figure": (200, None)},
    {
        "theme": "drug treatment",
        "kind": "seminar",
        "country": "TKM",
        "on_site": (17, None),
        "duration_days": 4,
    },
    {
        "theme": "drug treatment",
        "kind": "training of trainers",
        "city": "Almaty",
        "on_site": (25, None),
        "countries": 5,
        "start_date": "2017-06",
    },
)


def _observed(group: pd.DataFrame, key: str) -> object:
    """The value of one C19 expectation in the rows of one activity (or series of rounds)."""
    row = group.iloc[-1]
    if key == "countries":
        return len(split_list(row["participating_countries"]))
    if key in ("on_site", "remote"):
        number = row[f"participants_{key}"]
        return (
            None if pd.isna(number) else int(number),
            qualifier_of(row[f"participants_{key}_qualifier"]),
        )
    if key == "series_figure":
        scoped = group.loc[group["participants_scope"].eq("series").fillna(False)]
        if scoped.empty:
            return (None, None)
        line = scoped.iloc[0]
        return (
            int(line["participants_on_site"]),
            qualifier_of(line["participants_on_site_qualifier"]),
        )
    if key == "duration_days":
        return None if pd.isna(row[key]) else int(row[key])
    value = row[key]
    return None if pd.isna(value) else str(value)


def check_claim_c19(activities: pd.DataFrame) -> dict:
    """Claim C19: the 2017-Q2 issue's activities carry the figures the issue prints."""
    rows = activities_of_issue(activities, C19_ISSUE)
    values: dict[str, object] = {}
    problems: list[str] = []
    for expected in C19_EXPECTED:
        label = f"{expected['theme']} {expected['kind']}"
        group = rows.loc[(rows["theme"] == expected["theme"]) & (rows["kind"] == expected["kind"])]
        if group.empty:
            problems.append(f"no {label} in the issue")
            continue
        for key, wanted in expected.items():
            if key in ("theme", "kind"):
                continue
            got = _observed(group, key)
            values[f"{label}: {key}"] = list(got) if isinstance(got, tuple) else got
            if (list(got) if isinstance(got, tuple) else got) != (
                list(wanted) if isinstance(wanted, tuple) else wanted
            ):
                problems.append(f"{label} {key}: {got!r} where the issue prints {wanted!r}")
    outside = rows.loc[rows["timing"].isin([BEFORE_QUARTER, AFTER_QUARTER])]
    undated = rows.loc[rows["timing"] == NO_DATE]
    holds = not problems
    remarks = []
    if not outside.empty:
        remarks.append(
            f"dated outside {C19_ISSUE.months}: "
            + "; ".join(
                f"{t} ({describe_partial_date(s, e)})"
                for t, s, e in zip(
                    outside["title"], outside["start_date"], outside["end_date"], strict=True
                )
            )
        )
    if not undated.empty:
        remarks.append(f"{number_in_words(len(undated))} without a date in the text")
    findings = (
        f"The table carries every figure C19 lists, as the {C19_ISSUE.label} issue prints it "
        "(loose figures with their qualifiers). "
        if holds
        else f"Figures differ from the {C19_ISSUE.label} issue: " + "; ".join(problems) + ". "
    ) + (f"Of the {C19_ISSUE.label} issue's activities, " + "; ".join(remarks) + "."
         if remarks else "")
    values["activities_in_issue"] = len(rows)
    values["dated_outside_quarter"] = len(outside)
    values["without_date"] = len(undated)
    if rows.empty:
        return claim_record("C19", C19_STATEMENT, values, None, "", rows,
                            not_testable=f"activities.csv has no activity of the "
                            f"{C19_ISSUE.label} issue")
    return claim_record("C19", C19_STATEMENT, values, holds, findings.strip(), rows)
