"""The quarterly submission workbook, described once: sheets, columns, rules and allowed values.

A workbook covers one **data quarter** (``--quarter 2017Q3``: July-September 2017) and two
tables of the data contract, one sheet each, named after them:

- ``seizures_quarterly``: one row per country of the five and drug of the quarterly table, year
  and quarter fixed; ``kg`` is filled by the office (empty: not reported, never a zero).
- ``activities``: the office's activities of the quarter, one row each, with the columns of
  ``activities.csv``.

**The lag.** Seizure figures lag one quarter (``bulletin.core.periods.data_quarter``): the
seizures of July-September 2017 appear in the 2017-Q4 issue. Activities do not: an issue reports
the activities of its own quarter (the 2017-Q2 issue reports April-June 2017; analysis 11 places
each activity against the issue's quarter), so the activities of July-September 2017 belong to
the 2017-Q3 issue. The About sheet, each sheet's first row and the import's summary say both.

**Drugs.** Every drug of ``reference/drugs.csv`` but cannabis plants, as in the shipped table:
plants are counted in kilograms of whole plants, mostly from the eradication of wild growth, and
are not among the drugs of the bulletin's quarterly chart (herb, resin, heroin, opium and "other
drugs", which every other drug of the table falls into; data/README.md).

**Source and status** are columns of both sheets, pre-filled with a default on every row and
read back row by row. A submission gives figures reported to the office, so its statuses are
``official`` (a national authority's figure; the default for seizures) or ``stated`` (the
office's own account, as the activities transcribed from the bulletin's text are; the default
for activities); ``reconstructed`` and ``estimate`` belong to the project's scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bulletin.core.periods import Quarter
from bulletin.data.schemas import (
    ACTIVITY_KINDS,
    ACTIVITY_THEMES,
    LOOSE_QUALIFIERS,
    PARTICIPANT_SCOPES,
)
from bulletin.data.vocab import CENTRAL_ASIA, country_codes, country_name, drugs

FORMAT_NAME = "bulletin-submission"
"""The import format's name (``bulletin import`` reports it)."""
TITLE = "Milestones: quarterly submission"
"""Cell A1 of the About sheet: with :data:`VERSION` beside ``template``, the workbook's marker."""
VERSION = "bulletin-submission 1"
ABOUT_SHEET = "About"
SEIZURES_SHEET = "seizures_quarterly"
ACTIVITIES_SHEET = "activities"
LISTS_SHEET = "lists"
TEMPLATE_LABEL = "template"
QUARTER_LABEL = "data quarter"
HEADER_ROW = 2
"""Row 1 of a data sheet says what it holds and in which issue; row 2 is the header."""
FIRST_ROW = HEADER_ROW + 1
BLANK_ACTIVITY_ROWS = 30
"""Empty activity rows the template offers (their id, issue, source and status pre-filled)."""
LAST_VALIDATED_ROW = 500
"""Drop-downs and rules cover the data sheets down to this row."""
SUBMITTED_STATUSES = ("official", "stated")
EXCLUDED_DRUGS = ("cannabis_plants",)
OFFICE = "UNODC ROCA"
PRE_FILLED_ACTIVITY_COLUMNS = ("id", "issue", "source", "status")
"""An activity row with nothing but these is an empty row, left out."""


def seizures_issue(quarter: Quarter) -> Quarter:
    """The issue that reports a data quarter's seizures: the next one (they lag one quarter).

    >>> seizures_issue(Quarter(2017, 3)).label
    '2017-Q4'
    """
    return quarter.shift(1)


def activities_issue(quarter: Quarter) -> Quarter:
    """The issue that reports a quarter's activities: the quarter's own.

    >>> activities_issue(Quarter(2017, 3)).label
    '2017-Q3'
    """
    return quarter


SEIZURES_LAG = (
    "seizure figures lag one quarter: an issue reports the seizures of the quarter before its own"
)
ACTIVITIES_LAG = "an issue reports the activities of its own quarter"


def lag_sentences(quarter: Quarter) -> tuple[str, str]:
    """In which issues the workbook's figures appear: (seizures, activities), in words.

    >>> lag_sentences(Quarter(2017, 3))[0]
    'The seizures of July-September 2017 appear in the 2017-Q4 issue (seizure figures lag one quarter: an issue reports the seizures of the quarter before its own).'
    """
    return (
        f"The seizures of {quarter.months} appear in the {seizures_issue(quarter).label} issue "
        f"({SEIZURES_LAG}).",
        f"The activities of {quarter.months} appear in the {activities_issue(quarter).label} "
        f"issue ({ACTIVITIES_LAG}).",
    )


def default_file_name(quarter: Quarter) -> str:
    """The template's file name, e.g. ``submission-2017-Q3.xlsx``."""
    return f"submission-{quarter.label}.xlsx"


def fixed_time(quarter: Quarter) -> datetime:
    """The workbook's created and modified time: the day after its quarter ends, at midnight.

    Fixed, so that the same inputs make the same bytes (the time the file was written is not
    what it holds).

    >>> fixed_time(Quarter(2017, 4))
    datetime.datetime(2018, 1, 1, 0, 0)
    """
    after = quarter.shift(1)
    return datetime(after.year, (after.quarter - 1) * 3 + 1, 1)


def submission_drugs() -> tuple[str, ...]:
    """The drugs of the seizures sheet, in the vocabulary's order (cannabis plants left out)."""
    return tuple(drug for drug in drugs() if drug not in EXCLUDED_DRUGS)


def default_seizure_source(country: str, quarter: Quarter) -> str:
    """The source a seizures row is pre-filled with: the country's authorities, via the office."""
    return (
        f"National authorities of {country_name(country)}, as reported to {OFFICE} for "
        f"{quarter.months} (quarterly submission {quarter.label})"
    )


def default_activity_source(quarter: Quarter) -> str:
    """The source an activity row is pre-filled with: the office's own account."""
    return f"{OFFICE}, quarterly submission {quarter.label} ({quarter.months}): activities"


def activity_id(quarter: Quarter, number: int) -> str:
    """An activity's id: its issue and its place, e.g. ``2017-Q3-01``."""
    return f"{activities_issue(quarter).label}-{number:02d}"


@dataclass(frozen=True)
class Column:
    """A column of a data sheet: its header, width and rule, and the check Excel makes.

    Attributes:
        name: the header; the table's column name, except for a ``label`` column.
        width: in characters.
        rule: the unit and rule, in words (header comment and input message; at most 255
            characters, Excel's limit for an input message).
        choices: the list (of :func:`choice_lists`) a drop-down offers.
        minimum: for a number column, the smallest value (``whole`` or decimal).
        whole: a whole number.
        exact: the number must be :attr:`minimum` itself (the workbook's year and quarter).
        text: a text cell (typed dates and codes stay as typed).
        label: a name shown beside a code, not imported.
    """

    name: str
    width: int
    rule: str
    choices: str | None = None
    minimum: int | None = None
    whole: bool = False
    exact: bool = False
    text: bool = False
    label: bool = False


_STATUS_RULE = (
    "official (a figure of a national authority or of UNODC) or stated (the office's own "
    "account, or a figure given in words: second-hand); never reconstructed or estimate. "
    "Required on every filled row."
)
_SOURCE_RULE = (
    "Who gives the figure (agency, report): required on every filled row. Pre-filled with a "
    "default: change it where the figure comes from elsewhere."
)


def seizure_columns(quarter: Quarter) -> tuple[Column, ...]:
    """The columns of the seizures sheet, in order."""
    five = ", ".join(f"{code} {country_name(code)}" for code in CENTRAL_ASIA)
    return (
        Column("country", 9, f"ISO3 code of the seizing country, one of the five: {five}. "
               "Pre-filled: one row per country and drug.", choices="central_asia", text=True),
        Column("country name", 14, "The country's name, for reading (not imported).",
               label=True),
        Column("drug", 16, "Drug, from data/reference/drugs.csv (cannabis plants are left out "
               "of the quarterly table). Pre-filled: one row per country and drug.",
               choices="drugs", text=True),
        Column("drug name", 30, "The drug's name, for reading (not imported).", label=True),
        Column("year", 7, f"Calendar year: {quarter.year} on every row (the workbook holds one "
               f"quarter, {quarter.label}).", minimum=quarter.year, whole=True, exact=True),
        Column("quarter", 8, f"Calendar quarter (1 = January-March): {quarter.quarter} on every "
               f"row ({quarter.months}).", minimum=quarter.quarter, whole=True, exact=True),
        Column("kg", 12, f"Kilograms seized in {quarter.months}: a number, zero or more (tons "
               "x 1000, grams / 1000). Leave empty where no figure was reported: an empty cell "
               "imports nothing; 0 is a reported zero.", minimum=0),
        Column("source", 60, _SOURCE_RULE, text=True),
        Column("status", 10, _STATUS_RULE, choices="statuses", text=True),
    )


_DATE_RULE = (
    "as text, at the precision known: 2017-07-25, 2017-07 (a month) or 2017 (a year); a date "
    "cell is read as its day. Empty where there is no date (never a guessed day)."
)
_PARTICIPANTS_RULE = (
    "a whole number, zero or more; empty where there is no number. A loose figure ('more than "
    "100') is the number here and its word in the qualifier column."
)
_QUALIFIER_RULE = (
    "The word before a loose figure: " + ", ".join(LOOSE_QUALIFIERS) + "; empty for a figure "
    "given plainly. Only beside a number."
)
_NAMES_RULE = "names separated by ';' (e.g. UNODC;OSCE), or empty."


def activity_columns(quarter: Quarter) -> tuple[Column, ...]:
    """The columns of the activities sheet: those of ``activities.csv``, in the table's order."""
    issue = activities_issue(quarter).label
    return (
        Column("id", 12, f"The issue and the activity's place in it: {issue}-01, {issue}-02, ... "
               "Pre-filled; each id once.", text=True),
        Column("start_date", 12, "First day, " + _DATE_RULE, text=True),
        Column("end_date", 12, "Last day, " + _DATE_RULE + " Needs a start date and cannot "
               "come before it.", text=True),
        Column("duration_days", 9, "The length stated in words ('a two-day workshop'): a whole "
               "number of days, 1 or more; empty otherwise.", minimum=1, whole=True),
        Column("title", 50, "What the activity was, in words. Required.", text=True),
        Column("kind", 18, "Required, one of: " + ", ".join(ACTIVITY_KINDS) + ".",
               choices="kinds", text=True),
        Column("theme", 16, "Required, one of: " + ", ".join(ACTIVITY_THEMES) + ".",
               choices="themes", text=True),
        Column("city", 14, "Where it took place, as named; may be empty.", text=True),
        Column("country", 9, "ISO3 code of the country where it took place "
               "(data/reference/countries.csv, e.g. KGZ); may be empty.", choices="countries",
               text=True),
        Column("participants_on_site", 10, "People in the room: " + _PARTICIPANTS_RULE,
               minimum=0, whole=True),
        Column("participants_on_site_qualifier", 12, _QUALIFIER_RULE, choices="qualifiers",
               text=True),
        Column("participants_remote", 10, "People following remotely (video conference): "
               + _PARTICIPANTS_RULE, minimum=0, whole=True),
        Column("participants_remote_qualifier", 12, _QUALIFIER_RULE, choices="qualifiers",
               text=True),
        Column("participants_scope", 10, "Whom the figures count: activity (this one; the "
               "same as empty) or series (every round of the series together; needs a "
               "series). Only beside a number.", choices="scopes", text=True),
        Column("series", 14, "An id shared by the rounds of one programme, or empty.",
               text=True),
        Column("participating_countries", 24, "ISO3 codes of the countries whose people took "
               "part, separated by ';' (e.g. KAZ;KGZ), each once; or empty.", text=True),
        Column("organisers", 24, "Organisers: " + _NAMES_RULE, text=True),
        Column("partners", 24, "Partners: " + _NAMES_RULE, text=True),
        Column("donors", 24, "Donors: " + _NAMES_RULE, text=True),
        Column("issue", 9, f"The issue that reports the activity: {issue} on every row "
               f"(activities of {quarter.months}).", text=True),
        Column("notes", 40, "What the record leaves open (no date, a figure for several "
               "rounds), or empty.", text=True),
        Column("source", 40, _SOURCE_RULE, text=True),
        Column("status", 10, _STATUS_RULE, choices="statuses", text=True),
    )


def choice_lists() -> dict[str, tuple[str, ...]]:
    """The allowed values of each drop-down, by list name (the hidden lists sheet holds them)."""
    return {
        "statuses": SUBMITTED_STATUSES,
        "central_asia": CENTRAL_ASIA,
        "drugs": submission_drugs(),
        "kinds": ACTIVITY_KINDS,
        "themes": ACTIVITY_THEMES,
        "qualifiers": LOOSE_QUALIFIERS,
        "scopes": PARTICIPANT_SCOPES,
        "countries": tuple(sorted(country_codes())),
    }


def list_name(choices: str) -> str:
    """The workbook's defined name of a list, e.g. ``list_kinds``."""
    return f"list_{choices}"


def sheet_title(sheet: str, quarter: Quarter) -> str:
    """Row 1 of a data sheet: what it holds, and in which issue it appears."""
    seizures, activities = lag_sentences(quarter)
    if sheet == SEIZURES_SHEET:
        return (
            f"Drug seizures of {quarter.months} (data quarter {quarter.label}), in kilograms. "
            f"{seizures} Fill kg; leave it empty where no figure was reported."
        )
    return (
        f"Activities of {quarter.months}. {activities} One row per activity; a row with only "
        "its id, issue, source and status is left out."
    )
