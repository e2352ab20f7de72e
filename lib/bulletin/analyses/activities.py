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
from matplotlib.figure import Figure

from bulletin.core.periods import Quarter
from bulletin.core.sentences import describe_partial_date
from bulletin.core.wording import (
    count_in_words,
    describe_stated_count,
    join_words,
    number_in_words,
    qualifier_of_sum,
)
from bulletin.data.schemas import ACTIVITY_KINDS, ACTIVITY_THEMES, partial_date_bounds
from bulletin.data.trust import claim_record, describe_sources, describe_status, least_trusted
from bulletin.data.vocab import country_name
from bulletin.publish.charts import finish_chart, mark_stated, new_chart, status_handles

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

C19_ISSUE = Quarter(2017, 2)
C19_STATEMENT = (
    "The issue's activities, with their figures: customs heads of 8 countries in Tbilisi (CCP); "
    "70 participants in Tashkent and more than 100 by video from five regions (28 July 2017); "
    "37 participants in Issyk-Kul (29-30 June); over 50 specialists at the crime-data workshop "
    "(June); 200 female police officers trained; 17 NGO representatives in Turkmenistan "
    "(four-day seminar); 25 health managers from five countries in Almaty (June)"
)


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


def _present(value: object) -> bool:
    return value is not None and not pd.isna(value) and str(value).strip() != ""


def timing(start: str | None, end: str | None, quarter: Quarter) -> str:
    """Where an activity falls against a quarter, at the precision of its dates.

    >>> q = Quarter(2017, 2)
    >>> timing("2017-07-28", "2017-07-28", q), timing("2017-03", "2017-03", q)
    ('after the quarter', 'before the quarter')
    >>> timing("2017-06", None, q), timing(None, None, q)
    ('in the quarter', 'date not given')
    """
    if not _present(start):
        return NO_DATE
    first = partial_date_bounds(str(start))[0]
    last = partial_date_bounds(str(end if _present(end) else start))[1]
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
    has_date = rows["start_date"].map(_present)
    first = [
        partial_date_bounds(str(s))[0] if d else date.max
        for s, d in zip(rows["start_date"], has_date, strict=True)
    ]
    ends = rows["end_date"].where(rows["end_date"].map(_present), rows["start_date"])
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
    if not _present(value):
        return []
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


# --- participants ---------------------------------------------------------------------------


def _qualifier(value: object) -> str | None:
    return str(value) if _present(value) else None


def _series_figures(rows: pd.DataFrame) -> dict[str, str]:
    """The words of each series' figure, by series (for rounds that have none of their own)."""
    figures = {}
    scoped = rows.loc[rows["participants_scope"].eq("series").fillna(False)]
    for row in scoped.itertuples():
        figures[row.series] = _figure_words(row)
    return figures


def _figure_words(row: object) -> str:
    parts = []
    if _present(row.participants_on_site):
        parts.append(
            describe_stated_count(
                row.participants_on_site, _qualifier(row.participants_on_site_qualifier)
            )
        )
    if _present(row.participants_remote):
        remote = describe_stated_count(
            row.participants_remote, _qualifier(row.participants_remote_qualifier)
        )
        if parts:
            parts[0] += " on site"
            parts.append(f"{remote} remote")
        else:
            parts.append(f"{remote} remote")
    return " and ".join(parts)


def participants_words(row: object, series_figures: dict[str, str]) -> str:
    """The participants of one activity in words, qualifiers carried.

    "70 on site and more than 100 remote"; "200 across the rounds" for a series figure; "not given
    for this round (200 across the rounds)" for a round without its own figure; "not given".
    """
    words = _figure_words(row)
    if words:
        if _present(row.participants_scope) and row.participants_scope == "series":
            return f"{words} across the rounds"
        return words
    if _present(row.series) and row.series in series_figures:
        return f"not given for this round ({series_figures[row.series]} across the rounds)"
    return "not given"


def _without_figure(rows: pd.DataFrame) -> pd.Series:
    """Rows whose participants are counted nowhere: no figure of their own nor of their series."""
    own = rows["participants_on_site"].notna() | rows["participants_remote"].notna()
    series_with_figure = set(
        rows.loc[rows["participants_scope"].eq("series").fillna(False), "series"]
    )
    in_series = rows["series"].isin(series_with_figure)
    return ~own & ~in_series


def participant_totals(rows: pd.DataFrame) -> dict:
    """Participants on site, remote and in all, each with the qualifier its parts give it.

    Each figure is stored once (a series figure on one round), so a plain sum counts everyone
    once. Activities with no figure at all are counted apart, in ``activities_without_figure``.
    """
    on_site = rows["participants_on_site"].dropna()
    remote = rows["participants_remote"].dropna()
    on_site_q = [
        _qualifier(q)
        for q, n in zip(
            rows["participants_on_site_qualifier"], rows["participants_on_site"], strict=True
        )
        if _present(n)
    ]
    remote_q = [
        _qualifier(q)
        for q, n in zip(
            rows["participants_remote_qualifier"], rows["participants_remote"], strict=True
        )
        if _present(n)
    ]
    return {
        "on_site": int(on_site.sum()),
        "on_site_qualifier": qualifier_of_sum(on_site_q),
        "remote": int(remote.sum()),
        "remote_qualifier": qualifier_of_sum(remote_q),
        "total": int(on_site.sum() + remote.sum()),
        "total_qualifier": qualifier_of_sum(on_site_q + remote_q),
        "activities_without_figure": int(_without_figure(rows).sum()),
    }


def participants_by(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Activities and participants by ``theme`` or ``kind``, qualifiers carried to each sum.

    Columns: the grouping column, ``activities``, ``on_site``, ``on_site_qualifier``, ``remote``,
    ``remote_qualifier``, ``total``, ``total_qualifier``, ``activities_without_figure``; groups in
    the vocabulary's order, only those present.
    """
    order = {"theme": ACTIVITY_THEMES, "kind": ACTIVITY_KINDS}.get(column)
    if order is None:
        raise ValueError(f"expected 'theme' or 'kind' to group by, got {column!r}")
    lines = []
    for value in [v for v in order if v in set(rows[column])]:
        group = rows.loc[rows[column] == value]
        lines.append({column: value, "activities": len(group), **participant_totals(group)})
    columns = [
        column,
        "activities",
        "on_site",
        "on_site_qualifier",
        "remote",
        "remote_qualifier",
        "total",
        "total_qualifier",
        "activities_without_figure",
    ]
    return pd.DataFrame(lines, columns=columns)


def format_participants_by(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """The participants-by table as readers see it: figures in words, qualifiers kept."""

    def words(number: int, qualifier: object, none_word: str = "–") -> str:
        qualifier = _qualifier(qualifier)
        return describe_stated_count(number, qualifier) if number or qualifier else none_word

    return pd.DataFrame(
        {
            column.capitalize(): table[column].str.capitalize(),
            "Activities": table["activities"],
            "Participants on site": [
                words(n, q)
                for n, q in zip(table["on_site"], table["on_site_qualifier"], strict=True)
            ],
            "Participants remote": [
                words(n, q) for n, q in zip(table["remote"], table["remote_qualifier"], strict=True)
            ],
            "Participants in all": [
                words(n, q, "not given")
                for n, q in zip(table["total"], table["total_qualifier"], strict=True)
            ],
            "Activities giving no number": table["activities_without_figure"],
        }
    )


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
    parts = [str(row.city)] if _present(row.city) else []
    if _present(row.country):
        parts.append(country_name(str(row.country)))
    return ", ".join(parts) if parts else "place not given"


def date_ordered_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The issue's activities as readers see them, in date order.

    Titles and names are data: they go in cells (which ``report.show_table`` escapes), never into
    markup.
    """
    series_figures = _series_figures(rows)
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


def plot_participants_by(
    table: pd.DataFrame, column: str, rows: pd.DataFrame, issue: Quarter
) -> Figure:
    """Horizontal bars of participants on site and remote by theme or kind.

    A loose sum is labelled with its words at the bar's end ("more than 170"): the bar shows the
    figures as stated, which for such a group is a floor.
    """
    shown = table.iloc[::-1]
    fig, ax = new_chart(9, 0.6 * len(shown) + 2)
    labels = shown[column].str.capitalize()
    ax.barh(labels, shown["on_site"], label="On site")
    ax.barh(labels, shown["remote"], left=shown["on_site"], label="Remote (video conference)")
    for y, line in enumerate(shown.itertuples()):
        qualifier = _qualifier(line.total_qualifier)
        words = (
            describe_stated_count(line.total, qualifier) if line.total or qualifier else "not given"
        )
        ax.text(line.total, y, f"  {words}", va="center", fontsize=9)
    ax.set_xlim(0, max(float(shown["total"].max()), 1.0) * 1.25)
    handles, names = ax.get_legend_handles_labels()
    if rows["status"].map(lambda st: least_trusted(str(st)) == "stated").any():
        mark_stated(ax, shown["total"].tolist(), list(range(len(shown))))
        for handle in status_handles(["stated"], "#5b3a8c"):
            handles.append(handle)
            names.append(handle.get_label())
    ax.legend(handles, names, frameon=False, loc="lower right")
    finish_chart(
        fig,
        ax,
        f"Participants by {column}, activities of the {issue.months} issue",
        "",
        describe_sources(rows),
        describe_status(rows, period_column=None)
        + " Figures as stated; 'more than'/'over' figures are floors.",
    )
    ax.set_xlabel("Participants (persons)")
    return fig


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


# --- claim C19 ------------------------------------------------------------------------------

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
            _qualifier(row[f"participants_{key}_qualifier"]),
        )
    if key == "series_figure":
        scoped = group.loc[group["participants_scope"].eq("series").fillna(False)]
        if scoped.empty:
            return (None, None)
        line = scoped.iloc[0]
        return (
            int(line["participants_on_site"]),
            _qualifier(line["participants_on_site_qualifier"]),
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
            "dated outside April-June 2017: "
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
        "The table carries every figure C19 lists, as the issue prints it (loose figures with their "
        "qualifiers). "
        if holds
        else "Figures differ from the issue: " + "; ".join(problems) + ". "
    ) + ("Of the issue's activities, " + "; ".join(remarks) + "." if remarks else "")
    values["activities_in_issue"] = len(rows)
    values["dated_outside_quarter"] = len(outside)
    values["without_date"] = len(undated)
    if rows.empty:
        return claim_record("C19", C19_STATEMENT, values, None, "", rows,
                            not_testable="activities.csv has no activity of the issue")
    return claim_record("C19", C19_STATEMENT, values, holds, findings.strip(), rows)
