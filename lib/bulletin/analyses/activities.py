"""Analysis 11: the activities an issue reports ("Milestones" of the quarter).

Every meeting, round table, seminar, workshop and training an issue reports, from
``activities.csv``: a table in date order, the totals (activities, participants, countries), the
participants by theme and by kind, the countries taking part, the organisers, partners and donors.

The rules the figures follow (data/README.md, ``activities.csv``):

- An issue reports the activities of its quarter and some from the weeks around it (the April-June
  2017 issue has a training of March and a round table of 28 July); each is placed against the
  quarter: in it, before it, after it, or "date not given" where the text has no date.
- A loose figure ("more than 100", "over 50") keeps its qualifier; a sum with a loose part is a
  bound ("more than 499 participants"), never an exact number.
- A figure the text gives for a series of rounds ("200 female police officers", across two
  rounds) is stored once, on one round, with ``participants_scope`` "series": it is counted once,
  and never shown as that round's own number.
- Totals are computed here, never stored.
"""

from __future__ import annotations

import calendar
from datetime import date

import pandas as pd

from bulletin.analyses.activity_participants import (
    figures_of_series,
    participant_totals,
    participants_words,
)
from bulletin.core.numbers import is_missing_text
from bulletin.core.periods import Quarter
from bulletin.core.sentences import describe_partial_date
from bulletin.core.wording import (
    count_in_words,
    describe_stated_count,
    join_words,
    number_in_words,
)
from bulletin.data.schemas import partial_date_bounds
from bulletin.data.vocab import country_name

IN_QUARTER = "in the quarter"
BEFORE_QUARTER = "before the quarter"
AFTER_QUARTER = "after the quarter"
ACROSS_QUARTER = "partly in the quarter"
NO_DATE = "date not given"
TIMINGS = (IN_QUARTER, BEFORE_QUARTER, ACROSS_QUARTER, AFTER_QUARTER, NO_DATE)
_TIMING_PHRASES = {
    IN_QUARTER: "in the quarter",
    BEFORE_QUARTER: "before it",
    ACROSS_QUARTER: "partly in it",
    AFTER_QUARTER: "after it",
    NO_DATE: "without a date in the text",
}
LIST_SEPARATOR = ";"
ROLES = {"organisers": "Organiser", "partners": "Partner", "donors": "Donor"}


# --- selecting and placing activities -------------------------------------------------------


def quarter_bounds(quarter: Quarter) -> tuple[date, date]:
    """First and last day of a quarter.

    >>> quarter_bounds(Quarter(2017, 2))
    (datetime.date(2017, 4, 1), datetime.date(2017, 6, 30))
    """
    first_month = (quarter.quarter - 1) * 3 + 1
    last_month = first_month + 2
    last_day = calendar.monthrange(quarter.year, last_month)[1]
    return date(quarter.year, first_month, 1), date(quarter.year, last_month, last_day)


def timing(start: str | None, end: str | None, quarter: Quarter) -> str:
    """Where an activity falls against a quarter, at the precision of its dates.

    >>> q = Quarter(2017, 2)
    >>> timing("2017-07-28", "2017-07-28", q), timing("2017-03", "2017-03", q)
    ('after the quarter', 'before the quarter')
    >>> timing("2017-06", None, q), timing(None, None, q)
    ('in the quarter', 'date not given')
    """
    if is_missing_text(start):
        return NO_DATE
    first = partial_date_bounds(str(start))[0]
    last = partial_date_bounds(str(end if not is_missing_text(end) else start))[1]
    quarter_first, quarter_last = quarter_bounds(quarter)
    if last < quarter_first:
        return BEFORE_QUARTER
    if first > quarter_last:
        return AFTER_QUARTER
    if first >= quarter_first and last <= quarter_last:
        return IN_QUARTER
    return ACROSS_QUARTER


def activities_of_issue(activities: pd.DataFrame, issue: Quarter) -> pd.DataFrame:
    """The activities an issue reports, in date order (undated ones last), with their timing.

    Adds a ``timing`` column: in, before or after the issue's quarter, or "date not given".
    """
    rows = activities.loc[activities["issue"] == issue.label].copy()
    rows["timing"] = [
        timing(start, end, issue)
        for start, end in zip(rows["start_date"], rows["end_date"], strict=True)
    ]
    return sort_in_date_order(rows)


def activities_up_to_issue(activities: pd.DataFrame, issue: Quarter) -> pd.DataFrame:
    """The activities reported by this issue and the ones before it, in date order."""
    issues = activities["issue"].map(Quarter.parse)
    return sort_in_date_order(activities.loc[issues <= issue].copy())


def sort_in_date_order(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows by start date (the earliest day it may be), then end date; undated rows last."""
    has_date = ~rows["start_date"].map(is_missing_text)
    first = [
        partial_date_bounds(str(s))[0] if d else date.max
        for s, d in zip(rows["start_date"], has_date, strict=True)
    ]
    ends = rows["end_date"].where(~rows["end_date"].map(is_missing_text), rows["start_date"])
    last = [
        partial_date_bounds(str(e))[1] if d else date.max
        for e, d in zip(ends, has_date, strict=True)
    ]
    order = rows.assign(_first=first, _last=last).sort_values(
        ["_first", "_last", "id"], kind="stable"
    )
    return order.drop(columns=["_first", "_last"]).reset_index(drop=True)


def split_list(value: object) -> list[str]:
    """The names of a ';'-separated cell (organisers, partners, donors, countries); [] if empty.

    >>> split_list("UNODC;OECD")
    ['UNODC', 'OECD']
    """
    if is_missing_text(value):
        return []
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


# --- countries, organisers, partners, donors ------------------------------------------------


def countries_taking_part(rows: pd.DataFrame) -> pd.DataFrame:
    """Each country taking part: in how many activities, and how many it hosted.

    Columns ``country`` (ISO3), ``name``, ``activities``, ``hosted``; most activities first.
    """
    counts: dict[str, int] = {}
    for value in rows["participating_countries"]:
        for code in split_list(value):
            counts[code] = counts.get(code, 0) + 1
    hosted = rows["country"].dropna().value_counts()
    codes = sorted(set(counts) | set(hosted.index))
    table = pd.DataFrame(
        {
            "country": codes,
            "name": [country_name(c) for c in codes],
            "activities": [counts.get(c, 0) for c in codes],
            "hosted": [int(hosted.get(c, 0)) for c in codes],
        }
    )
    return table.sort_values(["activities", "name"], ascending=[False, True]).reset_index(drop=True)


def partners_and_donors(rows: pd.DataFrame) -> pd.DataFrame:
    """Organisers, partners and donors, each with the activities it took part in.

    Columns ``role`` (Organiser, Partner, Donor), ``name``, ``activities`` (count), ``titles``.
    """
    lines = []
    for column, role in ROLES.items():
        names: dict[str, list[str]] = {}
        for title, value in zip(rows["title"], rows[column], strict=True):
            for name in split_list(value):
                names.setdefault(name, []).append(title)
        for name in sorted(names):
            lines.append(
                {
                    "role": role,
                    "name": name,
                    "activities": len(names[name]),
                    "titles": "; ".join(names[name]),
                }
            )
    return pd.DataFrame(lines, columns=["role", "name", "activities", "titles"])


def format_partners_and_donors(table: pd.DataFrame) -> pd.DataFrame:
    """The organisers, partners and donors table as readers see it."""
    return table.rename(
        columns={"role": "Role", "name": "Name", "activities": "Activities", "titles": "In"}
    )


# --- the page -------------------------------------------------------------------------------


def _place(row: object) -> str:
    parts = [str(row.city)] if not is_missing_text(row.city) else []
    if not is_missing_text(row.country):
        parts.append(country_name(str(row.country)))
    return ", ".join(parts) if parts else "place not given"


def date_ordered_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The issue's activities as readers see them, in date order.

    Titles and names are data: they go in cells (which ``report.show_table`` escapes), never into
    markup.
    """
    series_figures = figures_of_series(rows)
    lines = []
    for row in rows.itertuples():
        countries = split_list(row.participating_countries)
        lines.append(
            {
                "Dates": describe_partial_date(row.start_date, row.end_date),
                "When": row.timing.capitalize() if hasattr(row, "timing") else "",
                "Activity": row.title,
                "Kind": row.kind.capitalize(),
                "Theme": row.theme.capitalize(),
                "Place": _place(row),
                "Participants": participants_words(row, series_figures),
                "Countries taking part": ", ".join(country_name(c) for c in countries) or "–",
                "Organisers": ", ".join(split_list(row.organisers)) or "not given",
                "Partners": ", ".join(split_list(row.partners)) or "–",
                "Donors": ", ".join(split_list(row.donors)) or "not given",
            }
        )
    return pd.DataFrame(lines)


def summary_sentences(rows: pd.DataFrame, issue: Quarter) -> str:
    """What the issue reports, in a few sentences made from the figures, qualifiers carried."""
    counts = rows["timing"].value_counts()
    placed = [
        f"{number_in_words(int(counts[t]))} {_TIMING_PHRASES[t]}"
        for t in TIMINGS
        if counts.get(t, 0)
    ]
    totals = participant_totals(rows)
    countries = countries_taking_part(rows)
    taking_part = int((countries["activities"] > 0).sum())
    first = (
        f"The {issue.months} issue ({issue.label}) reports "
        f"{count_in_words(len(rows), 'activity', 'activities')}: {join_words(placed)}."
    )
    second = (
        f"They brought together {describe_stated_count(totals['total'], totals['total_qualifier'], 'participants')}"
        f" ({describe_stated_count(totals['on_site'], totals['on_site_qualifier'])} on site, "
        f"{describe_stated_count(totals['remote'], totals['remote_qualifier'])} remote) "
        f"from {count_in_words(taking_part, 'country', 'countries')}."
    )
    missing = totals["activities_without_figure"]
    third = (
        f" {count_in_words(missing, 'activity', 'activities').capitalize()} "
        f"{'gives' if missing == 1 else 'give'} no number of participants, so the total is a floor."
        if missing
        else ""
    )
    return f"{first} {second}{third}"


def no_activities_message(issue: Quarter) -> str:
    """What the page says for an issue with no activities in ``activities.csv``."""
    return (
        f"No activities of the {issue.months} issue ({issue.label}) are in activities.csv: "
        "there is no table, total or chart of activities for this issue."
    )


def key_figures(rows: pd.DataFrame, issue: Quarter) -> list[dict]:
    """The issue's key figures for ``figures.json`` (none for an issue without activities)."""
    if rows.empty:
        return []
    status = "+".join(sorted(rows["status"].unique()))
    totals = participant_totals(rows)
    countries = countries_taking_part(rows)

    def unit_of(qualifier: str | None) -> str:
        return "participants" if qualifier is None else f"participants ({qualifier}: a floor)"

    figures = {
        "milestones_activities": (len(rows), "activities"),
        "milestones_activities_in_quarter": (
            int((rows["timing"] == IN_QUARTER).sum()),
            "activities",
        ),
        "milestones_participants_total": (totals["total"], unit_of(totals["total_qualifier"])),
        "milestones_participants_on_site": (
            totals["on_site"],
            unit_of(totals["on_site_qualifier"]),
        ),
        "milestones_participants_remote": (totals["remote"], unit_of(totals["remote_qualifier"])),
        "milestones_activities_without_participant_figure": (
            totals["activities_without_figure"],
            "activities",
        ),
        "milestones_countries_taking_part": (int((countries["activities"] > 0).sum()), "countries"),
    }
    return [
        {"name": name, "value": value, "unit": unit, "period": issue.label, "status": status}
        for name, (value, unit) in figures.items()
    ]
