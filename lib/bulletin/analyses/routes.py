"""Analysis 5: trafficking routes from seizure cases (ANALYSES.md, section 5).

One row of ``seizure_cases`` is one seizure, with the countries its drug came from, left from,
crossed and was bound for. The rules this module follows (issue 7):

- **Route.** A case's route is the ordered chain producing country -> departure country ->
  transit countries (in the order crossed) -> seizing country -> destination country, with the
  unknown countries (empty cells) dropped, never guessed, and then consecutive repeats dropped
  (a drug produced, seized and consumed in Kazakhstan has the route ``KAZ``: no leg at all; a
  case seized in its destination country ends there).
- **Legs** are the consecutive pairs of a route. A leg is weighed by the cases whose route has it
  (each case counted once per leg, even if its route passes the same leg twice) and by their
  kilograms, per drug and per window of time.
- **Windows** are whole months, e.g. 2012-01 to 2017-06. A case belongs to a window when every
  day its date may stand for lies in it: ``2017-05-12`` and ``2017-05`` are in 2012-01..2017-06,
  ``2017`` (which may be July) is not. Cases outside both windows compared are left out.
- **New legs** of a period are the legs seen in it that the baseline never shows, each with its
  first case; **disappeared legs** are those of the baseline not seen again in the period.
- **Origin**: for each seizing country and drug (or drug group), the share of the kilograms by
  producing country, with "unknown" kept as its own share so that the shares add up to 100%.
- **Scope** (issue 13): every case whose route touches the five countries: seized there, or
  produced in, leaving from, passing through or bound for one of them (a heroin case seized in
  the Russian Federation that left from Tajikistan counts); the legs compared are those with one
  end in the five. The page says how many cases leave their route fields empty, and which.
- **The windows of C7** come from the issue and the data, never typed: the period is the
  statement's last six years to the end of the issue's quarter, cut at the last month with cases;
  the baseline is every month with cases before it (:func:`claim_windows`).

Everything runs column-wise: routes, legs and their weights in one DuckDB query (its list
functions; cases recorded alike are weighed together first, so each distinct route is built
once), the comparisons of windows on the small table of weighed legs. There is no Python loop
over cases. ``reference_leg_summary`` is the straightforward pandas version (split, explode,
groupby-shift): the benchmark's baseline and the tests' cross-check.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bulletin.analyses import notes
from bulletin.core.numbers import KG_PER_TON
from bulletin.core.periods import MONTHS, Quarter
from bulletin.core.wording import (
    count_in_words,
    describe_count,
    describe_percent,
    join_words,
    number_in_words,
)
from bulletin.data.trust import claim_record, describe_sources, describe_status, least_trusted
from bulletin.data.vocab import CENTRAL_ASIA, country_name, drug_groups, drug_labels, load_reference
from bulletin.publish.charts import finish_chart, mark_reconstructed, new_chart

UNKNOWN = "unknown"
"""The producing country of a case whose origin is not known, in origin shares."""
AFGHANISTAN = "AFG"
LEG_COLUMNS = ("from_country", "to_country")
SUMMARY_COLUMNS = (
    "window",
    "drug",
    "from_country",
    "to_country",
    "cases",
    "kg",
    "reconstructed_kg",
    "first_date",
    "first_case_id",
    "last_date",
    "last_case_id",
)
PERIOD = "period"
BASELINE = "baseline"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

C7_STATEMENT = (
    "there are no new offshoots in drug trafficking routes in Central Asia in the last six years "
    "(2012-June 2017)"
)
C8_STATEMENT = (
    "The most of cannabis seized both in Tajikistan and Uzbekistan is of Afghan origin"
)
C8_COUNTRIES = ("TJK", "UZB")
MAP_TITLE = "Trafficking routes through Central Asia, {period}"


# --- windows of time ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseWindow:
    """A window of whole months, from ``first_month`` to ``last_month`` (``YYYY-MM``)."""

    first_month: str
    last_month: str

    @classmethod
    def parse(cls, first_month: str, last_month: str) -> CaseWindow:
        """Read a window from two months as ``YYYY-MM``.

        >>> CaseWindow.parse("2012-01", "2017-06").label
        '2012-June 2017'

        Raises:
            ValueError: for a month not written ``YYYY-MM`` or a window that ends before it starts.
        """
        for month in (first_month, last_month):
            match = _MONTH.match(str(month))
            if not match or not 1 <= int(match[2]) <= 12:
                raise ValueError(f"{month!r} is not a month: expected YYYY-MM, e.g. 2012-01")
        if last_month < first_month:
            raise ValueError(f"the window {first_month}..{last_month} ends before it starts")
        return cls(first_month, last_month)

    @property
    def first_day(self) -> str:
        """The window's first day, ``YYYY-MM-DD``."""
        return f"{self.first_month}-01"

    @property
    def last_day(self) -> str:
        """The window's last day, ``YYYY-MM-DD``."""
        year, month = (int(part) for part in self.last_month.split("-"))
        return f"{self.last_month}-{calendar.monthrange(year, month)[1]:02d}"

    @property
    def day_bound(self) -> str:
        """The upper bound of the window's days as text: ``YYYY-MM-31`` whatever the month.

        Dates compare as text; a case dated only to a month stands for days up to ``-31`` (see
        the module's rules), so the window's last month ends at ``-31`` too.
        """
        return f"{self.last_month}-31"

    @property
    def label(self) -> str:
        """The window as the bulletin writes it: ``2012-June 2017``, ``2006-2011``.

        >>> CaseWindow.parse("2017-04", "2017-06").label, CaseWindow.parse("2016-01", "2016-12").label
        ('April-June 2017', '2016')
        """
        first_year, first = (int(part) for part in self.first_month.split("-"))
        last_year, last = (int(part) for part in self.last_month.split("-"))
        if first_year == last_year and not (first == 1 and last == 12):
            months = MONTHS[first - 1] if first == last else f"{MONTHS[first - 1]}-{MONTHS[last - 1]}"
            return f"{months} {last_year}"
        start = str(first_year) if first == 1 else f"{MONTHS[first - 1]} {first_year}"
        end = str(last_year) if last == 12 else f"{MONTHS[last - 1]} {last_year}"
        return start if start == end else f"{start}-{end}"

    @property
    def interval(self) -> str:
        """The window as an ISO 8601 interval of months, ``2012-01/2017-06`` (for figures.json)."""
        return f"{self.first_month}/{self.last_month}"

    def overlaps(self, other: CaseWindow) -> bool:
        """Whether two windows share a month."""
        return self.first_month <= other.last_month and other.first_month <= self.last_month


BULLETIN_PERIOD = CaseWindow("2012-01", "2017-06")
"""The period of claim C7: "the last six years (2012-June 2017)"."""
BULLETIN_BASELINE = CaseWindow("2006-01", "2011-12")
"""The six years before it, the baseline the period is compared with."""


def window_for_issue(first_month: str, last_month: str, issue: Quarter) -> CaseWindow:
    """The window an issue examines: ``first_month..last_month``, cut at the end of its quarter.

    An issue cannot report cases from after its own quarter: the 2017-Q1 issue examines 2012 to
    March 2017 when asked for 2012 to June 2017.

    >>> window_for_issue("2012-01", "2017-06", Quarter(2017, 1)).label
    '2012-March 2017'
    """
    issue_end = f"{issue.year}-{issue.quarter * 3:02d}"
    window = CaseWindow.parse(first_month, last_month)
    if window.last_month <= issue_end:
        return window
    return CaseWindow.parse(first_month, max(issue_end, first_month))


def _month_after(month: str, months: int) -> str:
    """``YYYY-MM`` moved by ``months`` (negative: back)."""
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def case_months(cases: pd.DataFrame) -> tuple[str, str] | None:
    """The first and last month the cases' dates reach (a date kept to the year counts from its
    January to its December), or None without cases."""
    dates = cases["date"].dropna().astype(str)
    if dates.empty:
        return None
    first = dates.str[:7].where(dates.str.len() >= 7, dates.str[:4] + "-01")
    last = dates.str[:7].where(dates.str.len() >= 7, dates.str[:4] + "-12")
    return str(first.min()), str(last.max())


def claim_windows(
    cases: pd.DataFrame, issue: Quarter, years: int
) -> tuple[CaseWindow, CaseWindow] | None:
    """The period and baseline an issue's statement on new route legs is checked over.

    The period is the last ``years`` years to the end of the issue's quarter (the 2017-Q2 issue's
    "last six years (2012-June 2017)"), cut at the last month with cases; the baseline is every
    month with cases before it. None when the cases leave either empty.

    >>> cases = pd.DataFrame({"date": ["2011-03-02", "2014", "2016-12-30"]})
    >>> period, baseline = claim_windows(cases, Quarter(2017, 2), 6)
    >>> period.label, baseline.label
    ('2012-2016', 'March-December 2011')
    """
    months = case_months(cases)
    if months is None:
        return None
    first_case, last_case = months
    issue_end = f"{issue.year}-{issue.quarter * 3:02d}"
    start = _month_after(issue_end, -(years * 12) + 1)
    start = f"{int(start[:4]) + (1 if start[5:] != '01' else 0):04d}-01"  # whole years
    end = min(issue_end, last_case)
    if end < start or first_case >= start:
        return None
    return CaseWindow.parse(start, end), CaseWindow.parse(first_case, _month_after(start, -1))


def windows_for_issue(
    cases: pd.DataFrame, issue: Quarter, years: int
) -> tuple[CaseWindow, CaseWindow]:
    """The period and baseline an issue's page examines: :func:`claim_windows` on its cases, or,
    when the cases leave either empty, the last ``years`` years to the end of its quarter and the
    ``years`` years before them (the page then says it has no cases)."""
    found = claim_windows(cases, issue, years)
    if found is not None:
        return found
    end = f"{issue.year}-{issue.quarter * 3:02d}"
    start = f"{issue.year - years + 1:04d}-01"
    return CaseWindow.parse(start, end), CaseWindow.parse(f"{issue.year - 2 * years + 1:04d}-01",
                                                          _month_after(start, -1))


def cases_compared(cases: pd.DataFrame, period: CaseWindow, baseline: CaseWindow) -> pd.DataFrame:
    """The cases of the period and of the baseline (the rows the page's comparison uses)."""
    return pd.concat([cases_within(cases, baseline), cases_within(cases, period)],
                     ignore_index=True)


def cases_touching(cases: pd.DataFrame, countries: tuple[str, ...] = CENTRAL_ASIA) -> pd.DataFrame:
    """The cases whose route touches some countries: seized, produced, departed, crossed or bound
    there.

    >>> cases = pd.DataFrame({"country": ["RUS", "RUS", "KAZ"], "producing_country": ["AFG", None, None],
    ...     "departure_country": ["TJK", "AFG", None], "transit_countries": [None, "IRN;TUR", None],
    ...     "destination_country": ["RUS", None, None]})
    >>> cases_touching(cases).index.tolist()
    [0, 2]
    """
    wanted = set(countries)
    touches = cases["country"].isin(wanted)
    for column in ("producing_country", "departure_country", "destination_country"):
        touches |= cases[column].isin(wanted)
    transit = cases["transit_countries"].fillna("").astype(str).str.split(";")
    touches |= transit.map(lambda codes: bool(wanted & set(codes)))
    return cases.loc[touches]


ROUTE_FIELDS = {
    "producing_country": "producing country",
    "departure_country": "departure country",
    "transit_countries": "transit countries",
    "destination_country": "destination country",
}
"""The route fields of a case (the seizing country is always known), as readers name them."""


def route_field_gaps(cases: pd.DataFrame) -> pd.DataFrame:
    """How many cases leave each route field empty, and how many leave all of them empty.

    Returns:
        ``field, empty_cases, share_pct`` (of the cases), one row per route field and a last row
        ``all four`` (cases with no route beyond the seizing country).
    """
    empty = pd.DataFrame(
        {field: cases[field].fillna("").astype(str).str.strip().eq("") for field in ROUTE_FIELDS}
    )
    counts = [(label, int(empty[field].sum())) for field, label in ROUTE_FIELDS.items()]
    counts.append(("all four", int(empty.all(axis=1).sum()) if len(cases) else 0))
    frame = pd.DataFrame(counts, columns=["field", "empty_cases"])
    frame["share_pct"] = frame["empty_cases"] / len(cases) * 100 if len(cases) else np.nan
    return frame


def route_gaps_sentence(cases: pd.DataFrame, window: CaseWindow) -> str:
    """How many of a window's cases leave their route fields empty, in words (exact counts: the
    reader may want to find them).

    >>> cases = pd.DataFrame({"date": ["2016-01-01"] * 3, "country": ["KGZ", "TJK", "KAZ"],
    ...     "producing_country": ["AFG", "", ""], "departure_country": ["TJK", "AFG", ""],
    ...     "transit_countries": ["", "", ""], "destination_country": ["RUS", "", ""]})
    >>> route_gaps_sentence(cases, CaseWindow.parse("2016-01", "2016-12"))
    'Of the 3 seizure cases of 2016 whose route touches the five countries, 2 leave the producing country empty, 1 the departure country and 2 the destination country (left empty, never guessed); none gives the transit countries. 1 gives no route at all beyond the seizing country.'
    """
    inside = cases_within(cases, window)
    if inside.empty:
        return f"No seizure case of {window.label} touches the five countries."
    gaps = route_field_gaps(inside).set_index("field")
    total = len(inside)
    partly = [
        label for label in ROUTE_FIELDS.values() if 0 < gaps.at[label, "empty_cases"] < total
    ]
    never = [label for label in ROUTE_FIELDS.values() if gaps.at[label, "empty_cases"] == total]
    parts = [
        f"{int(gaps.at[label, 'empty_cases']):,} "
        + (("leaves " if gaps.at[label, "empty_cases"] == 1 else "leave ") if i == 0 else "")
        + f"the {label}"
        for i, label in enumerate(partly)
    ]
    sentence = f"Of the {total:,} seizure cases of {window.label} whose route touches the five countries"
    if parts:
        sentence += f", {join_words(parts)}"
        sentence = sentence.replace(f"the {partly[0]}", f"the {partly[0]} empty", 1)
        sentence += " (left empty, never guessed)"
    else:
        sentence += ", every one gives its whole route"
    if never:
        sentence += f"; none gives the {join_words(never)}"
    none = int(gaps.at["all four", "empty_cases"])
    if none:
        sentence += (
            f". {none:,} " + ("gives" if none == 1 else "give")
            + " no route at all beyond the seizing country"
        )
    return sentence + "."


def route_gaps_table(cases: pd.DataFrame, window: CaseWindow) -> pd.DataFrame:
    """The route fields left empty in a window's cases, for readers."""
    gaps = route_field_gaps(cases_within(cases, window))
    return pd.DataFrame(
        {
            "Route field": [f.capitalize() if f != "all four" else "All four (only the seizing "
                            "country known)" for f in gaps["field"]],
            "Cases with it empty": gaps["empty_cases"].astype("int64"),
            "Share of the cases (%)": gaps["share_pct"],
        }
    )


def legs_touching(summary: pd.DataFrame, countries: tuple[str, ...] = CENTRAL_ASIA) -> pd.DataFrame:
    """The legs of a :func:`leg_summary` with one end in some countries (the routes "in Central
    Asia")."""
    keep = summary["from_country"].isin(countries) | summary["to_country"].isin(countries)
    return summary.loc[keep].reset_index(drop=True)


# --- routes and legs (DuckDB) -------------------------------------------------------------------

# Every country of a case in route order, unknowns (NULL or empty) dropped.
_KNOWN = """list_filter(
        [producing_country, departure_country]
        || coalesce(string_split(transit_countries, ';'), []::VARCHAR[])
        || [country, destination_country],
        lambda x: x IS NOT NULL AND x <> '')"""
# The route: consecutive repeats dropped.
_CHAIN = "list_filter(known, lambda x, i: i = 1 OR x <> known[i - 1])"
# The first and last day a date at any precision (YYYY, YYYY-MM, YYYY-MM-DD) may stand for; as
# text, which compares like dates ('-31' is past the last day of every month).
_FIRST_DAY = (
    "CASE length(date) WHEN 4 THEN date || '-01-01' WHEN 7 THEN date || '-01' ELSE date END"
)
_LAST_DAY = "CASE length(date) WHEN 4 THEN date || '-12-31' WHEN 7 THEN date || '-31' ELSE date END"

_LEG_SUMMARY_SQL = f"""
WITH dated AS (
    SELECT case_id, date, drug, kg, status,
           producing_country, departure_country, transit_countries, country, destination_country,
           {_FIRST_DAY} AS first_day, {_LAST_DAY} AS last_day
    FROM cases
), windowed AS (
    SELECT *,
           CASE WHEN first_day >= $period_first AND last_day <= $period_last THEN '{PERIOD}'
                WHEN first_day >= $baseline_first AND last_day <= $baseline_last THEN '{BASELINE}'
           END AS span
    FROM dated
), records AS (
    -- Cases recorded alike (same window, drug and countries) share their route: weigh them
    -- together first, and build each distinct route once.
    SELECT span, drug,
           producing_country, departure_country, transit_countries, country, destination_country,
           count(*) AS cases,
           sum(kg) AS kg,
           coalesce(sum(kg) FILTER (WHERE status = 'reconstructed'), 0) AS reconstructed_kg,
           min({{'d': first_day, 'c': case_id, 'date': date}}) AS first_case,
           max({{'d': last_day, 'c': case_id, 'date': date}}) AS last_case
    FROM windowed WHERE span IS NOT NULL
    GROUP BY ALL
), known AS (
    SELECT *, {_KNOWN} AS known FROM records
), routes AS (
    SELECT *, {_CHAIN} AS chain FROM known WHERE len(known) > 1
), legs AS (
    SELECT span, drug, cases, kg, reconstructed_kg, first_case, last_case,
           unnest(list_distinct(list_transform(
               range(1, len(chain)), lambda i: {{'f': chain[i], 't': chain[i + 1]}}))) AS leg
    FROM routes WHERE len(chain) > 1
)
SELECT span AS "window", drug, leg.f AS from_country, leg.t AS to_country,
       sum(cases) AS cases,
       sum(kg) AS kg,
       sum(reconstructed_kg) AS reconstructed_kg,
       min(first_case) AS first_case,
       max(last_case) AS last_case
FROM legs
GROUP BY ALL
"""


def _connect(cases: pd.DataFrame, columns: tuple[str, ...]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the cases' columns registered as the view ``cases``."""
    missing = [column for column in columns if column not in cases]
    if missing:
        raise KeyError(f"the cases lack the columns {missing} (see seizure_cases in data/README.md)")
    # Through Arrow: DuckDB scans Arrow columns in parallel and without copies, where it would
    # read pandas' object columns one Python string at a time (several times slower).
    table = pa.Table.from_pandas(cases[list(columns)], preserve_index=False)
    connection = duckdb.connect(":memory:")
    connection.register("cases", table)
    return connection


_ROUTE_COLUMNS = (
    "case_id",
    "producing_country",
    "departure_country",
    "transit_countries",
    "country",
    "destination_country",
)


def case_routes(cases: pd.DataFrame) -> pd.Series:
    """Each case's route, as ISO3 codes joined by ``>``, indexed by ``case_id``.

    A case of which only one country is known (or whose countries are all one) has a route of one
    country and no leg.
    """
    with _connect(cases, _ROUTE_COLUMNS) as connection:
        frame = connection.execute(
            f"WITH k AS (SELECT case_id, {_KNOWN} AS known FROM cases) "
            f"SELECT case_id, array_to_string({_CHAIN}, '>') AS route FROM k"
        ).df()
    return frame.set_index("case_id")["route"].reindex(cases["case_id"])


def case_legs(cases: pd.DataFrame) -> pd.DataFrame:
    """One row per leg of each case's route, in route order.

    Returns:
        ``case_id, leg, from_country, to_country``; ``leg`` counts from 1 along the route.
    """
    with _connect(cases, _ROUTE_COLUMNS) as connection:
        frame = connection.execute(
            f"""
            WITH k AS (SELECT case_id, {_KNOWN} AS known FROM cases),
                 r AS (SELECT case_id, {_CHAIN} AS chain FROM k),
                 l AS (SELECT case_id, unnest(range(1, len(chain))) AS leg, chain FROM r
                       WHERE len(chain) > 1)
            SELECT case_id, leg, chain[leg] AS from_country, chain[leg + 1] AS to_country
            FROM l ORDER BY case_id, leg
            """
        ).df()
    frame["leg"] = frame["leg"].astype("int64")
    return frame


def leg_summary(cases: pd.DataFrame, period: CaseWindow, baseline: CaseWindow) -> pd.DataFrame:
    """The legs of the cases of two windows, weighed by drug: the table every comparison uses.

    Args:
        cases: the ``seizure_cases`` table (or any frame with its columns).
        period: the window examined.
        baseline: the window it is compared with; must not overlap ``period``.

    Returns:
        One row per window, drug and leg: ``window`` (``period`` or ``baseline``), ``drug``,
        ``from_country``, ``to_country``, ``cases``, ``kg``, ``reconstructed_kg`` (the part of
        ``kg`` from rows with status ``reconstructed``), ``first_date`` and ``first_case_id``
        (the date and id of the leg's earliest case in the window; ties by case id),
        ``last_date`` and ``last_case_id`` (its latest).
        Sorted by window, drug and leg.
    """
    if period.overlaps(baseline):
        raise ValueError(
            f"the period {period.label} and the baseline {baseline.label} overlap: a leg could "
            "not be new in one and old in the other"
        )
    columns = (*_ROUTE_COLUMNS, "date", "drug", "kg", "status")
    parameters = {
        "period_first": period.first_day,
        "period_last": period.day_bound,
        "baseline_first": baseline.first_day,
        "baseline_last": baseline.day_bound,
    }
    with _connect(cases, columns) as connection:
        frame = connection.execute(_LEG_SUMMARY_SQL, parameters).df()
    return _finish_summary(frame)


def _finish_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Unpack the first and last cases, fix the column types and order, sort."""
    if "first_case" in frame:
        columns = ["d", "c", "date"]
        first = pd.DataFrame(list(frame.pop("first_case")), columns=columns, index=frame.index)
        last = pd.DataFrame(list(frame.pop("last_case")), columns=columns, index=frame.index)
        frame["first_date"], frame["first_case_id"] = first["date"], first["c"]
        frame["last_date"], frame["last_case_id"] = last["date"], last["c"]
    frame = frame.astype(
        {
            "window": object,
            "drug": object,
            "from_country": object,
            "to_country": object,
            "cases": "int64",
            "kg": "float64",
            "reconstructed_kg": "float64",
            "first_date": object,
            "first_case_id": object,
            "last_date": object,
            "last_case_id": object,
        }
    )
    frame = frame[list(SUMMARY_COLUMNS)]
    return frame.sort_values(["window", "drug", *LEG_COLUMNS], ignore_index=True)


def reference_leg_summary(
    cases: pd.DataFrame, period: CaseWindow, baseline: CaseWindow
) -> pd.DataFrame:
    """:func:`leg_summary` done the straightforward pandas way: split, explode, groupby-shift.

    Kept as the benchmark's baseline and as a cross-check of the DuckDB query; it gives the same
    table, several times slower.
    """
    if period.overlaps(baseline):
        raise ValueError(f"the period {period.label} and the baseline {baseline.label} overlap")
    first_day = cases["date"].where(cases["date"].str.len() != 4, cases["date"] + "-01-01")
    first_day = first_day.where(first_day.str.len() != 7, first_day + "-01")
    last_day = cases["date"].where(cases["date"].str.len() != 4, cases["date"] + "-12-31")
    last_day = last_day.where(last_day.str.len() != 7, last_day + "-31")
    window = pd.Series(None, index=cases.index, dtype=object)
    for name, span in ((BASELINE, baseline), (PERIOD, period)):
        inside = (first_day >= span.first_day) & (last_day <= span.day_bound)
        window = window.where(~inside, name)
    keep = window.notna()
    dated = pd.DataFrame(
        {
            "case_id": cases["case_id"],
            "date": cases["date"],
            "drug": cases["drug"],
            "kg": cases["kg"],
            "status": cases["status"],
            "first_day": first_day,
            "last_day": last_day,
            "window": window,
        }
    )[keep]
    parts = [
        cases.loc[keep, ["producing_country"]].rename(columns={"producing_country": "at"})
        .assign(order=0.0),
        cases.loc[keep, ["departure_country"]].rename(columns={"departure_country": "at"})
        .assign(order=1.0),
    ]
    transit = cases.loc[keep, "transit_countries"].str.split(";").explode().rename("at").to_frame()
    transit["order"] = 2.0 + transit.groupby(level=0).cumcount()
    parts.append(transit)
    parts.append(cases.loc[keep, ["country"]].rename(columns={"country": "at"}).assign(order=1e6))
    parts.append(
        cases.loc[keep, ["destination_country"]].rename(columns={"destination_country": "at"})
        .assign(order=1e6 + 1)
    )
    chain = pd.concat(parts)
    chain = chain[chain["at"].notna() & (chain["at"] != "")]
    chain = chain.rename_axis("row").sort_values(["row", "order"], kind="stable")
    chain["previous"] = chain.groupby(level=0)["at"].shift()
    legs = chain[chain["previous"].notna() & (chain["previous"] != chain["at"])]
    legs = legs.rename(columns={"previous": "from_country", "at": "to_country"})
    legs = legs.reset_index()[["row", "from_country", "to_country"]].drop_duplicates()
    legs = legs.join(dated, on="row")
    legs["reconstructed_kg"] = legs["kg"].where(legs["status"] == "reconstructed", 0.0)
    keys = ["window", "drug", *LEG_COLUMNS]
    first = legs.sort_values(["first_day", "case_id"]).groupby(keys).head(1).set_index(keys)
    last = legs.sort_values(["last_day", "case_id"]).groupby(keys).tail(1).set_index(keys)
    frame = legs.groupby(keys).agg(
        cases=("case_id", "size"), kg=("kg", "sum"), reconstructed_kg=("reconstructed_kg", "sum")
    )
    frame["first_date"] = first["date"]
    frame["first_case_id"] = first["case_id"]
    frame["last_date"] = last["date"]
    frame["last_case_id"] = last["case_id"]
    return _finish_summary(frame.reset_index())


# --- weights and comparisons of windows (on the summary) ----------------------------------------


def leg_weights(
    summary: pd.DataFrame, window: str = PERIOD, by: tuple[str, ...] = ("drug",)
) -> pd.DataFrame:
    """The legs of one window, weighed by cases and kilograms, heaviest first.

    Args:
        summary: from :func:`leg_summary`.
        window: ``"period"`` or ``"baseline"``.
        by: keys to weigh the legs by besides the leg itself (``("drug",)``, or ``()`` for all
            drugs together).

    Returns:
        ``*by, from_country, to_country, cases, kg``.
    """
    rows = summary[summary["window"] == window]
    keys = [*by, *LEG_COLUMNS]
    weights = rows.groupby(keys, as_index=False)[["cases", "kg"]].sum()
    return weights.sort_values(["kg", "cases", *keys], ascending=[False, False] + [True] * len(keys),
                               ignore_index=True)


def new_legs(summary: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The legs of the period that the baseline never shows, each with its first case.

    Args:
        summary: from :func:`leg_summary`.
        by: keys that make a leg distinct besides its two countries (``()``: a leg is new only if
            no drug took it in the baseline; ``("drug",)``: new for that drug).

    Returns:
        ``*by, from_country, to_country, cases, kg, first_date, first_case_id``, in order of first
        appearance.
    """
    return _legs_only_in(summary, PERIOD, BASELINE, by, "first")


def disappeared_legs(summary: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The legs of the baseline not seen again in the period, each with its last case.

    Returns:
        ``*by, from_country, to_country, cases, kg, last_date, last_case_id`` (cases and kg of the
        baseline), most recent last.
    """
    return _legs_only_in(summary, BASELINE, PERIOD, by, "last")


def _legs_only_in(
    summary: pd.DataFrame, seen: str, unseen: str, by: tuple[str, ...], end: str
) -> pd.DataFrame:
    keys = [*by, *LEG_COLUMNS]
    rows = summary[summary["window"] == seen]
    other = summary.loc[summary["window"] == unseen, keys].drop_duplicates()
    rows = rows.merge(other, on=keys, how="left", indicator=True)
    rows = rows[rows["_merge"] == "left_only"]
    day, case = f"{end}_date", f"{end}_case_id"
    ordered = rows.sort_values([day, case], ascending=end == "first")
    marker = ordered.groupby(keys, as_index=False)[[day, case]].first()
    weights = rows.groupby(keys, as_index=False)[["cases", "kg"]].sum()
    result = weights.merge(marker, on=keys)
    return result.sort_values([day, case, *keys], ignore_index=True)[
        [*keys, "cases", "kg", day, case]
    ]


# --- origin -------------------------------------------------------------------------------------


def cases_within(cases: pd.DataFrame, window: CaseWindow) -> pd.DataFrame:
    """The cases whose date lies wholly within a window (see the module's rules)."""
    date = cases["date"].astype(str)
    first = date.where(date.str.len() != 4, date + "-01-01")
    first = first.where(first.str.len() != 7, first + "-01")
    last = date.where(date.str.len() != 4, date + "-12-31")
    last = last.where(last.str.len() != 7, last + "-31")
    inside = (first >= window.first_day) & (last <= window.day_bound)
    return cases.loc[inside].reset_index(drop=True)


def origin_shares(cases: pd.DataFrame, level: str = "drug") -> pd.DataFrame:
    """Each producing country's share of the kilograms seized, by seizing country and drug.

    Args:
        cases: the cases to count (select a window first with :func:`cases_within`).
        level: ``"drug"`` or ``"drug_group"``.

    Returns:
        ``country, <level>, producing_country, cases, kg, share_pct``; a case whose producing
        country is not known counts under ``"unknown"``, so that the shares of each country and
        drug add up to 100%. A country and drug whose cases weigh nothing in all has no shares.
    """
    if level not in ("drug", "drug_group"):
        raise ValueError(f"level must be 'drug' or 'drug_group', got {level!r}")
    frame = pd.DataFrame(
        {
            "country": cases["country"],
            level: cases["drug"] if level == "drug" else cases["drug"].map(drug_groups()),
            "producing_country": cases["producing_country"].fillna(UNKNOWN).replace("", UNKNOWN),
            "kg": cases["kg"],
        }
    )
    keys = ["country", level]
    shares = frame.groupby([*keys, "producing_country"], as_index=False).agg(
        cases=("kg", "size"), kg=("kg", "sum")
    )
    totals = shares.groupby(keys)["kg"].transform("sum")
    shares = shares[totals > 0].assign(share_pct=shares["kg"] / totals * 100)
    return shares.sort_values([*keys, "share_pct"], ascending=[True, True, False],
                              ignore_index=True)


def afghan_share(shares: pd.DataFrame, country: str, group: str = "cannabis") -> float | None:
    """Afghanistan's share (%) of a drug group's kilograms seized in a country; None if none."""
    rows = shares[(shares["country"] == country) & (shares["drug_group"] == group)]
    if rows.empty:
        return None
    return float(rows.loc[rows["producing_country"] == AFGHANISTAN, "share_pct"].sum())


# --- claims C7 and C8 ---------------------------------------------------------------------------


def leg_names(legs: pd.DataFrame) -> list[str]:
    """Legs as ``AFG>TJK`` codes, for claim values."""
    return [f"{a}>{b}" for a, b in zip(legs["from_country"], legs["to_country"], strict=True)]


C7_ISSUE = Quarter(2017, 2)
"""The issue whose statement C7 is: "the last six years (2012-June 2017)" end with its quarter."""
C7_YEARS = 6


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
    if period_cases.empty or baseline_cases.empty:
        return claim_record(
            "C7", C7_STATEMENT, values, None, "", used if not used.empty else scope,
            not_testable=f"the cases have {len(period_cases):,} cases in {period.label} and "
            f"{len(baseline_cases):,} in {baseline.label}: nothing to compare",
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
                f"; the baseline is {_months_long(baseline)} against the period's "
                f"{_months_long(period)}, so some legs may be new only to a short record."
                if _month_count(baseline) < _month_count(period)
                else "."
            )
        )
    )
    return claim_record("C7", C7_STATEMENT, values, holds, findings, used)


def _month_count(window: CaseWindow) -> int:
    first_year, first = (int(p) for p in window.first_month.split("-"))
    last_year, last = (int(p) for p in window.last_month.split("-"))
    return (last_year - first_year) * 12 + last - first + 1


def _months_long(window: CaseWindow) -> str:
    months = _month_count(window)
    return f"{number_in_words(months)} month{'s' if months != 1 else ''}"


def check_claim_c8(cases: pd.DataFrame) -> dict:
    """C8: Afghanistan produced more than half the cannabis (by weight) seized in TJK and in UZB.

    Over the cases of the six years to June 2017 (cut at the last month with cases), all
    cannabis-type drugs together; cannabis of unknown origin counts in the whole, never for
    Afghanistan. Without any cannabis case seized in the two countries (UNODC's IDS holds no
    cannabis), the data cannot test the statement: ``holds`` is None, and the verdict says why.
    """
    groups = cases["drug"].map(drug_groups())
    months = case_months(cases)
    issue_end = f"{C7_ISSUE.year}-{C7_ISSUE.quarter * 3:02d}"
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


# --- words, tables and figures for the page -----------------------------------------------------


def _statuses(cases: pd.DataFrame) -> str:
    return "+".join(sorted(cases["status"].unique())) if not cases.empty else "none"


def _leg_words(legs: pd.DataFrame) -> str:
    return join_words(
        [
            f"{country_name(a)} to {country_name(b)}"
            for a, b in zip(legs["from_country"], legs["to_country"], strict=True)
        ]
    )


def routes_sentences(
    cases: pd.DataFrame, summary: pd.DataFrame, period: CaseWindow, baseline: CaseWindow
) -> list[str]:
    """The page's sentences on the routes, made from the numbers.

    >>> import pandas as pd
    >>> cases = pd.DataFrame({"case_id": ["a"], "date": ["2013-02-01"], "country": ["TJK"],
    ...     "drug": ["heroin"], "kg": [2.0], "producing_country": ["AFG"],
    ...     "departure_country": [None], "transit_countries": [None],
    ...     "destination_country": ["RUS"], "status": ["reconstructed"]})
    >>> p, b = CaseWindow.parse("2012-01", "2017-06"), CaseWindow.parse("2006-01", "2011-12")
    >>> routes_sentences(cases, leg_summary(cases, p, b), p, b)[:2]
    ['In 2012-June 2017, one seizure case carried drugs along two legs between three countries.', 'Two legs seen in 2012-June 2017 had never been seen in 2006-2011: Afghanistan to Tajikistan and Tajikistan to Russian Federation.']
    """
    in_period = cases_within(cases, period)
    legs = leg_weights(summary, PERIOD, by=())
    countries = set(legs["from_country"]) | set(legs["to_country"])
    cases_words = describe_count(len(in_period), "seizure cases" if len(in_period) != 1 else "")
    if len(in_period) == 1:
        cases_words = "one seizure case"
    sentences = [
        f"In {period.label}, {cases_words} carried drugs along "
        f"{count_in_words(len(legs), 'leg')} between {count_in_words(len(countries), 'country', 'countries')}."
    ]
    new = new_legs(summary)
    gone = disappeared_legs(summary)
    if legs.empty:
        sentences.append(f"No case of {period.label} has a known route of two countries or more.")
    elif new.empty:
        sentences.append(
            f"No new offshoots: every leg seen in {period.label} had already been seen in "
            f"{baseline.label}."
        )
    else:
        sentence = (
            f"{count_in_words(len(new), 'leg')} seen in {period.label} had never been seen in "
            f"{baseline.label}: {_leg_words(new)}."
        )
        sentences.append(sentence[0].upper() + sentence[1:])
    if not gone.empty:
        sentence = (
            f"{count_in_words(len(gone), 'leg')} of {baseline.label} were not seen again in "
            f"{period.label}: {_leg_words(gone)}."
        )
        if len(gone) == 1:
            sentence = sentence.replace(" were not ", " was not ")
        sentences.append(sentence[0].upper() + sentence[1:])
    if not in_period.empty and least_trusted(_statuses(in_period)) == "reconstructed":
        sentences.append(
            "These cases are reconstructed by this project, not official: they "
            "show how the routes are read from seizure cases, not whether the statements hold."
        )
    return sentences


def origin_sentence(cases: pd.DataFrame, period: CaseWindow) -> str:
    """Afghanistan's share of the cannabis seized in Tajikistan and Uzbekistan, in words (C8);
    that the cases hold no cannabis, when they hold none."""
    in_period = cases_within(cases, period)
    groups = in_period["drug"].map(drug_groups())
    if not (groups == "cannabis").any():
        return (
            f"No cannabis case is among the seizure cases of {period.label}: the origin of the "
            "cannabis seized cannot be read from them."
        )
    shares = origin_shares(in_period, level="drug_group")
    if all(afghan_share(shares, country) is None for country in C8_COUNTRIES):
        return (
            f"No cannabis case seized in {' or '.join(country_name(c) for c in C8_COUNTRIES)} "
            f"is among the seizure cases of {period.label}: the origin of the cannabis seized "
            "there cannot be read from them."
        )
    parts = []
    for country in C8_COUNTRIES:
        share = afghan_share(shares, country)
        if share is None:
            parts.append(f"no cannabis case recorded in {country_name(country)}")
        elif share == 0:
            parts.append(f"none of the cannabis seized in {country_name(country)}")
        else:
            parts.append(f"{describe_percent(share)} of the cannabis seized in "
                         f"{country_name(country)}")
    return (
        f"In {period.label}, Afghanistan was the producing country of {join_words(parts)} "
        "(by weight; cannabis of unknown origin counted in the whole, never as Afghan)."
    )


def no_cases_message(cases: pd.DataFrame, period: CaseWindow) -> str:
    """What the page says when no seizure case of the period touches the five countries."""
    held = f"{len(cases):,} cases in all" if len(cases) else "no case at all"
    return (
        f"No seizure case of {period.label} whose route touches the five countries is in the "
        f"seizure cases table ({held}): no route can be drawn or compared."
    )


def main_legs_table(summary: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """The ``top`` heaviest legs of the period for each drug, with their share of the drug's kg."""
    weights = leg_weights(summary, PERIOD, by=("drug",))
    if weights.empty:
        return pd.DataFrame(columns=["Drug", "Leg", "Cases", "Kilograms", "Share of the drug's kg (%)"])
    totals = weights.groupby("drug")["kg"].transform("sum")
    weights = weights.assign(share=np.where(totals > 0, weights["kg"] / totals * 100, np.nan))
    order = {drug: i for i, drug in enumerate(drug_groups())}
    weights = weights.assign(order=weights["drug"].map(order)).sort_values(
        ["order", "kg", "cases"], ascending=[True, False, False], kind="stable"
    )
    top_rows = weights.groupby("drug", sort=False).head(top)
    labels = drug_labels()
    return pd.DataFrame(
        {
            "Drug": top_rows["drug"].map(lambda d: labels.get(d, d)),
            "Leg": [
                f"{country_name(a)} → {country_name(b)}"
                for a, b in zip(top_rows["from_country"], top_rows["to_country"], strict=True)
            ],
            "Cases": top_rows["cases"].astype("int64"),
            "Kilograms": top_rows["kg"],
            "Share of the drug's kg (%)": top_rows["share"],
        }
    ).reset_index(drop=True)


def changed_legs_table(legs: pd.DataFrame) -> pd.DataFrame:
    """New or disappeared legs with the case that marks them, for readers."""
    day = "first_date" if "first_date" in legs else "last_date"
    case = "first_case_id" if "first_case_id" in legs else "last_case_id"
    return pd.DataFrame(
        {
            "Leg": [
                f"{country_name(a)} → {country_name(b)}"
                for a, b in zip(legs["from_country"], legs["to_country"], strict=True)
            ],
            "Cases": legs["cases"].astype("int64"),
            "Kilograms": legs["kg"],
            "First case" if day == "first_date" else "Last case": [
                f"{c} ({d})" for c, d in zip(legs[case], legs[day], strict=True)
            ],
        }
    )


def origin_table(cases: pd.DataFrame, period: CaseWindow) -> pd.DataFrame:
    """Origin shares (% of kg) by seizing country and drug group, producing countries as columns."""
    shares = origin_shares(cases_within(cases, period), level="drug_group")
    if shares.empty:
        return pd.DataFrame(columns=["Seizing country", "Drug group"])
    wide = shares.pivot_table(
        index=["country", "drug_group"], columns="producing_country", values="share_pct",
        aggfunc="sum", fill_value=0.0,
    )
    producers = [c for c in wide.columns if c != UNKNOWN]
    producers.sort(key=lambda c: -wide[c].sum())
    wide = wide[[*producers, *([UNKNOWN] if UNKNOWN in wide.columns else [])]]
    order = {code: i for i, code in enumerate(CENTRAL_ASIA)}
    wide = wide.reset_index().sort_values(
        ["country", "drug_group"], key=lambda s: s.map(lambda v: (order.get(v, 99), v))
    )
    labels = drug_labels()
    table = pd.DataFrame(
        {
            "Seizing country": wide["country"].map(country_name),
            "Drug group": wide["drug_group"].map(lambda g: labels.get(g, g)),
        }
    )
    for code in producers:
        table[f"{country_name(code)} (%)"] = wide[code].to_numpy()
    if UNKNOWN in wide.columns:
        table["Unknown origin (%)"] = wide[UNKNOWN].to_numpy()
    return table.reset_index(drop=True)


def table_note(cases: pd.DataFrame) -> str:
    """The note under the page's tables, the statuses by the year of their cases' dates."""
    return notes.table_note(cases.assign(year=cases["date"].str[:4].astype(int)))


def key_figures(
    cases: pd.DataFrame, summary: pd.DataFrame, period: CaseWindow, baseline: CaseWindow
) -> list[dict]:
    """The page's key figures for ``figures.json``."""
    in_period = cases_within(cases, period)
    status = _statuses(in_period)
    if in_period.empty:  # no case, no route: nothing to state but the count
        return [{"name": "routes_cases_period", "value": 0, "unit": "cases",
                 "period": period.interval, "status": status}]
    shares = origin_shares(in_period, level="drug_group")
    gaps = route_field_gaps(in_period).set_index("field")["empty_cases"] if len(in_period) else {}
    figures = [
        ("routes_cases_period", len(in_period), "cases"),
        ("routes_cases_without_route", int(gaps["all four"]) if len(in_period) else 0, "cases"),
        ("routes_kg_period_t", round(float(in_period["kg"].sum()) / KG_PER_TON, 3), "t"),
        ("routes_legs_period", len(leg_weights(summary, PERIOD, by=())), "legs"),
        ("routes_new_legs", len(new_legs(summary)), "legs"),
        ("routes_disappeared_legs", len(disappeared_legs(summary)), "legs"),
    ]
    for country in C8_COUNTRIES:
        share = afghan_share(shares, country)
        figures.append(
            (
                f"routes_afghan_cannabis_share_{country.lower()}_pct",
                None if share is None else round(share, 2),
                "%",
            )
        )
    return [
        {
            "name": name,
            "value": value,
            "unit": unit,
            "period": (
                f"{period.interval} against {baseline.interval}"
                if name in ("routes_new_legs", "routes_disappeared_legs")
                else period.interval
            ),
            "status": status,
        }
        for name, value, unit in figures
    ]


# --- the route map ------------------------------------------------------------------------------


def country_positions() -> pd.DataFrame:
    """Latitude and longitude of the countries the map can place (``reference/country_positions``)."""
    frame = load_reference("country_positions")
    return frame.astype({"lat": float, "lon": float}).set_index("iso3")


_PANELS = {  # drug groups drawn in a panel of their own, with their colour; the rest together
    "opiates": "#0072B2",
    "cannabis": "#009E73",
}
OTHER_DRUGS = "other"
_OTHER_COLOUR = "#CC79A7"
_NEW_COLOUR = "#D55E00"
_GONE_COLOUR = "#7f7f7f"
_MAX_WIDTH = 10.0
_MIN_WIDTH = 0.6
_BEND = 0.15  # arcs bend, so that the two directions of a leg stay apart


def map_legs(summary: pd.DataFrame) -> pd.DataFrame:
    """The legs the map draws, by panel: the period's, and the baseline's not seen again.

    Returns:
        ``panel`` (``opiates``, ``cannabis`` or ``other``), ``kind`` (``period`` or ``gone``),
        ``from_country``, ``to_country``, ``cases``, ``kg``, ``reconstructed_kg``, ``new`` (a
        leg of the period that no drug took in the baseline).
    """
    groups = summary["drug"].map(drug_groups())
    grouped = summary.assign(panel=groups.where(groups.isin(list(_PANELS)), OTHER_DRUGS))
    keys = ["window", "panel", *LEG_COLUMNS]
    weights = grouped.groupby(keys, as_index=False)[["cases", "kg", "reconstructed_kg"]].sum()
    new = new_legs(summary)[list(LEG_COLUMNS)].assign(is_new=True)
    gone = disappeared_legs(summary)[list(LEG_COLUMNS)].assign(is_gone=True)
    weights = weights.merge(new, on=list(LEG_COLUMNS), how="left").merge(
        gone, on=list(LEG_COLUMNS), how="left"
    )
    in_period = weights["window"] == PERIOD
    weights["new"] = weights["is_new"].eq(True) & in_period
    weights["kind"] = np.where(in_period, PERIOD, "gone")
    weights = weights[in_period | (weights["is_gone"].eq(True) & (weights["window"] == BASELINE))]
    columns = ["panel", "kind", *LEG_COLUMNS, "cases", "kg", "reconstructed_kg", "new"]
    return weights[columns].reset_index(drop=True)


def plot_route_map(
    cases: pd.DataFrame,
    summary: pd.DataFrame,
    period: CaseWindow,
    baseline: CaseWindow,
    positions: pd.DataFrame | None = None,
) -> Figure:
    """The routes of the period as a network, countries at their geographic positions.

    One panel per drug group (opiates, cannabis, other drugs if any). Each leg is an arc from one
    country to the next, as wide as the kilograms carried along it in the period (one scale for
    every panel); legs the baseline never shows are drawn in orange, the baseline's legs not seen
    again in grey dots. When every case is reconstructed the chart says so in a box; when only
    some are, the legs carrying reconstructed kilograms are dashed. Countries without a position
    are left off the map and named under it. No tiles, nothing fetched: the positions are
    ``data/reference/country_positions.csv`` (capital cities).
    """
    positions = country_positions() if positions is None else positions
    legs = map_legs(summary)
    placed = legs["from_country"].isin(positions.index) & legs["to_country"].isin(positions.index)
    unplaced, legs = legs[~placed], legs[placed]
    panels = [p for p in (*_PANELS, OTHER_DRUGS) if (legs["panel"] == p).any()] or ["opiates"]
    fig, first_ax = new_chart(6.2 * len(panels) + 0.5, 5.6)
    first_ax.remove()
    axes = list(np.atleast_1d(fig.subplots(1, len(panels), sharex=True, sharey=True)))
    drawn = legs[legs["kind"] == PERIOD]
    heaviest = float(drawn["kg"].max()) if not drawn.empty else 0.0
    heaviest = heaviest if heaviest > 0 else 1.0
    in_period = cases_within(cases, period)
    all_reconstructed = not in_period.empty and (in_period["status"] == "reconstructed").all()
    countries = sorted(set(legs["from_country"]) | set(legs["to_country"]))
    for ax, panel in zip(axes, panels, strict=True):
        _draw_panel(ax, legs[legs["panel"] == panel], panel, positions, heaviest,
                    dashed=not all_reconstructed)
        _draw_countries(ax, positions.loc[countries] if countries else positions.iloc[0:0])
        ax.set_xlabel("Longitude (degrees east)")
    if countries:
        spots = positions.loc[countries]
        axes[0].set_xlim(spots["lon"].min() - 3, spots["lon"].max() + 6)
        axes[0].set_ylim(spots["lat"].min() - 3, spots["lat"].max() + 3)
        # Equirectangular, with degrees of longitude shortened as at the map's middle latitude.
        for ax in axes:
            ax.set_aspect(1 / math.cos(math.radians(float(spots["lat"].mean()))))
    handles = _map_legend(legs, heaviest, period, baseline, dashed=not all_reconstructed)
    # West of the Caspian, between Ukraine and Iran, the last panel has room for the legend.
    axes[-1].legend(handles=handles, loc="center left", bbox_to_anchor=(0.01, 0.37),
                    fontsize=8, frameon=True, framealpha=0.9)
    if all_reconstructed:
        mark_reconstructed(axes[0])
    unplaced_words = ""
    if not unplaced.empty:
        unplaced_words = (
            " Legs to or from countries without a position, not drawn: "
            + _leg_words(unplaced.drop_duplicates(list(LEG_COLUMNS)))
            + "."
        )
    years = in_period.assign(year=in_period["date"].str[:4].astype(int))
    status = describe_status(years, "year") if not years.empty else "Data status: no data."
    labels = {PERIOD: f"leg of {period.label}", "gone": f"leg of {baseline.label} not seen again"}
    data = legs.assign(kind=legs["kind"].map(labels), period=period.interval,
                       baseline=baseline.interval)
    title = MAP_TITLE.format(period=period.label)
    finish_chart(
        fig,
        axes[0],
        title,
        "Latitude (degrees north)",
        describe_sources(in_period if not in_period.empty else cases) + unplaced_words
        + " Line width: kilograms carried along the leg.",
        status,
        data=data,
        alt=_map_alt(legs, period, baseline),
    )
    # The chart's title spans the panels; each panel is named after its drug group.
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    names = {**drug_labels(), OTHER_DRUGS: "Other drugs"}
    for ax, panel in zip(axes, panels, strict=True):
        ax.set_title(names.get(panel, panel), loc="left", fontsize=11)
    return fig


def _draw_panel(
    ax: Axes, legs: pd.DataFrame, panel: str, positions: pd.DataFrame, heaviest: float,
    dashed: bool,
) -> None:
    """The arcs of one panel: one per leg, never one per case."""
    colour = _PANELS.get(panel, _OTHER_COLOUR)
    for row in legs.sort_values("kg", ascending=False).itertuples(index=False):
        start = positions.loc[row.from_country, ["lon", "lat"]].to_numpy(dtype=float)
        end = positions.loc[row.to_country, ["lon", "lat"]].to_numpy(dtype=float)
        if row.kind == "gone":
            width, tint, style = 1.2, _GONE_COLOUR, (0, (1, 2))
        else:
            width = _MIN_WIDTH + (_MAX_WIDTH - _MIN_WIDTH) * row.kg / heaviest
            tint = _NEW_COLOUR if row.new else colour
            style = "--" if dashed and row.reconstructed_kg > 0 else "-"
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            arrowprops={
                "arrowstyle": "-|>,head_length=0.6,head_width=0.3",
                "color": tint,
                "lw": width,
                "linestyle": style,
                "alpha": 0.8,
                "shrinkA": 7,
                "shrinkB": 7,
                "connectionstyle": f"arc3,rad={_BEND}",
            },
        )


def _draw_countries(ax: Axes, spots: pd.DataFrame) -> None:
    ax.scatter(spots["lon"], spots["lat"], s=40, color="#222222", zorder=5)
    for code, spot in spots.iterrows():
        ax.annotate(
            country_name(code), (spot["lon"], spot["lat"]), xytext=(5, 5),
            textcoords="offset points", fontsize=8.5, zorder=6,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.75,
                  "edgecolor": "none"},
        )
    ax.grid(True, alpha=0.3)


def _map_legend(
    legs: pd.DataFrame, heaviest: float, period: CaseWindow, baseline: CaseWindow, dashed: bool
) -> list[Line2D]:
    handles = []
    for kg in _round_scale(heaviest):
        width = _MIN_WIDTH + (_MAX_WIDTH - _MIN_WIDTH) * kg / heaviest
        handles.append(Line2D([], [], color="#555555", lw=width, label=f"{kg:,.0f} kg"))
    any_new = bool(legs["new"].any())
    handles.append(Line2D([], [], color=_NEW_COLOUR, lw=3, label=(
        f"New leg: not seen in {baseline.label}" + ("" if any_new else " (none)"))))
    any_gone = bool((legs["kind"] == "gone").any())
    handles.append(Line2D([], [], color=_GONE_COLOUR, lw=1.2, linestyle=(0, (1, 2)), label=(
        f"Leg of {baseline.label} not seen in {period.label}" + ("" if any_gone else " (none)"))))
    if dashed and (legs["reconstructed_kg"] > 0).any():
        handles.append(Line2D([], [], color="#555555", lw=2, linestyle="--",
                              label="Dashed: with reconstructed cases, not official"))
    return handles


def _round_scale(heaviest: float) -> list[float]:
    """Round kilograms for the width legend: the largest 1, 2 or 5 x 10^n below the heaviest leg,
    and a tenth of it.

    >>> _round_scale(44455.0), _round_scale(0.5)
    ([2000.0, 20000.0], [1.0])
    """
    if heaviest < 1:
        return [1.0]
    power = 10.0 ** math.floor(math.log10(heaviest))
    top = max(step * power for step in (1, 2, 5) if step * power <= heaviest)
    return [top / 10, top] if top >= 10 else [top]


def _map_alt(legs: pd.DataFrame, period: CaseWindow, baseline: CaseWindow) -> str:
    drawn = legs[legs["kind"] == PERIOD]
    if drawn.empty:
        return f"Map of trafficking routes, {period.label}: no leg to draw."
    by_leg = drawn.groupby(list(LEG_COLUMNS), as_index=False)["kg"].sum()
    heaviest = by_leg.nlargest(3, "kg")
    words = "; ".join(
        f"{country_name(a)} to {country_name(b)}, {kg:,.0f} kg"
        for a, b, kg in zip(heaviest["from_country"], heaviest["to_country"], heaviest["kg"],
                            strict=True)
    )
    new = int(drawn.drop_duplicates(list(LEG_COLUMNS))["new"].sum())
    return (
        f"Maps of trafficking routes by drug group, {period.label}: {len(by_leg)} legs between "
        f"countries drawn at their capitals, each as wide as the kilograms carried along it; "
        f"heaviest: {words}. New legs against {baseline.label}: {number_in_words(new)}."
    )
