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

from bulletin.charts import finish_chart, mark_reconstructed, new_chart
from bulletin.periods import MONTHS, Quarter
from bulletin.provenance import describe_sources, describe_status
from bulletin.seizures import KG_PER_TON
from bulletin.vocab import CENTRAL_ASIA, country_name, drug_groups, drug_labels, load_reference
from bulletin.wording import describe_count, describe_percent, join_words, number_in_words

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


def afghan_drugs_in_central_asia(cases: pd.DataFrame) -> pd.DataFrame:
    """The scope of C7: Afghan drugs (producing country AFG) seized in the five countries."""
    scope = cases["country"].isin(CENTRAL_ASIA) & (cases["producing_country"] == AFGHANISTAN)
    return cases.loc[scope].reset_index(drop=True)


def leg_names(legs: pd.DataFrame) -> list[str]:
    """Legs as ``AFG>TJK`` codes, for claim values."""
    return [f"{a}>{b}" for a, b in zip(legs["from_country"], legs["to_country"], strict=True)]


_NOT_INDEPENDENT = (
    " The cases are reconstructed from this very statement (bulletin.reconstruct.seizure_cases),"
    " so this is not an independent check: it will be one on UNODC's individual seizure data."
)


def _checked_independently(cases: pd.DataFrame) -> bool:
    """Whether a claim rests on any case that was not reconstructed from the bulletin itself."""
    return bool((cases["status"] != "reconstructed").any())


def check_claim_c7(cases: pd.DataFrame) -> dict:
    """C7: no leg in 2012-June 2017 that 2006-2011 lacks (ANALYSES.md).

    The bulletin's words are "analysis of Afghan drugs seized in the Central Asian countries", so
    the check takes the cases seized in the five countries whose producing country is
    Afghanistan, and the bulletin's own windows whatever the issue. A leg is a pair of countries,
    whatever the drug. With no case in either window the statement cannot be checked: it does not
    hold.
    """
    scope = afghan_drugs_in_central_asia(cases)
    summary = leg_summary(scope, BULLETIN_PERIOD, BULLETIN_BASELINE)
    period_legs = leg_weights(summary, PERIOD, by=())
    baseline_legs = leg_weights(summary, BASELINE, by=())
    new = new_legs(summary)
    period_cases = len(cases_within(scope, BULLETIN_PERIOD))
    baseline_cases = len(cases_within(scope, BULLETIN_BASELINE))
    checkable = period_cases > 0 and baseline_cases > 0
    independent = _checked_independently(scope)
    holds = checkable and new.empty
    period, baseline = BULLETIN_PERIOD.label, BULLETIN_BASELINE.label
    if not checkable:
        verdict = (
            f"Afghan drugs seized in the five countries: {period_cases:,} cases in {period} and "
            f"{baseline_cases:,} in {baseline}; too few to compare, the statement cannot be "
            "checked."
        )
    else:
        verdict = (
            f"Afghan drugs seized in the five countries: {period_cases:,} cases in {period} took "
            f"{len(period_legs)} legs, {len(new) or 'none'} of them never seen in the {baseline_cases:,} "
            f"cases of {baseline}; "
            + (
                "consistent with the statement."
                if holds
                else f"the statement does not hold ({', '.join(leg_names(new))})."
            )
            + _NOT_INDEPENDENT * (not independent)
        )
    values = {
        "period": BULLETIN_PERIOD.interval,
        "baseline": BULLETIN_BASELINE.interval,
        "cases_period": period_cases,
        "cases_baseline": baseline_cases,
        "legs_period": len(period_legs),
        "legs_baseline": len(baseline_legs),
        "new_legs": len(new),
        "new_leg_names": leg_names(new),
        "checked_independently": independent,
    }
    return {
        "claim_id": "C7",
        "statement": C7_STATEMENT,
        "values": values,
        "holds": holds,
        "verdict": verdict,
    }


def check_claim_c8(cases: pd.DataFrame) -> dict:
    """C8: Afghanistan produced more than half the cannabis (by weight) seized in TJK and in UZB.

    Over the bulletin's period (2012-June 2017), all cannabis-type drugs together; cannabis of
    unknown origin counts in the whole, never for Afghanistan.
    """
    in_period = cases_within(cases, BULLETIN_PERIOD)
    shares = origin_shares(in_period, level="drug_group")
    found = {country: afghan_share(shares, country) for country in C8_COUNTRIES}
    cannabis = in_period[
        in_period["country"].isin(C8_COUNTRIES)
        & (in_period["drug"].map(drug_groups()) == "cannabis")
    ]
    independent = _checked_independently(cannabis)
    holds = all(share is not None and share > 50 for share in found.values())
    parts = [
        f"{country_name(country)}: "
        + ("no cannabis seized" if share is None else f"{share:.1f}% of the cannabis by weight")
        for country, share in found.items()
    ]
    verdict = (
        f"Afghan origin, {BULLETIN_PERIOD.label}: "
        + "; ".join(parts)
        + "; "
        + ("consistent with the statement." if holds else "the statement does not hold.")
        + _NOT_INDEPENDENT * (not independent)
    )
    values = {
        f"afghan_share_cannabis_{country.lower()}_pct": (
            None if share is None else round(share, 2)
        )
        for country, share in found.items()
    }
    values["period"] = BULLETIN_PERIOD.interval
    values["checked_independently"] = independent
    return {
        "claim_id": "C8",
        "statement": C8_STATEMENT,
        "values": values,
        "holds": holds,
        "verdict": verdict,
    }


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
        f"{_counted(len(legs), 'leg')} between {_counted(len(countries), 'country', 'countries')}."
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
            f"{_counted(len(new), 'leg')} seen in {period.label} had never been seen in "
            f"{baseline.label}: {_leg_words(new)}."
        )
        sentences.append(sentence[0].upper() + sentence[1:])
    if not gone.empty:
        sentence = (
            f"{_counted(len(gone), 'leg')} of {baseline.label} were not seen again in "
            f"{period.label}: {_leg_words(gone)}."
        )
        if len(gone) == 1:
            sentence = sentence.replace(" were not ", " was not ")
        sentences.append(sentence[0].upper() + sentence[1:])
    if not in_period.empty and not _checked_independently(in_period):
        sentences.append(
            "These cases are a reconstruction made from the bulletin's own statements, so they "
            "show how the routes are read from seizure cases, not whether the statements hold."
        )
    return sentences


def _counted(count: int, noun: str, plural: str | None = None) -> str:
    word = number_in_words(count)
    return f"{word} {noun if count == 1 else (plural or noun + 's')}"


def origin_sentence(cases: pd.DataFrame, period: CaseWindow) -> str:
    """Afghanistan's share of the cannabis seized in Tajikistan and Uzbekistan, in words (C8)."""
    shares = origin_shares(cases_within(cases, period), level="drug_group")
    parts = []
    for country in C8_COUNTRIES:
        share = afghan_share(shares, country)
        if share is None:
            parts.append(f"no cannabis case was recorded in {country_name(country)}")
        elif share == 0:
            parts.append(f"none of the cannabis seized in {country_name(country)}")
        else:
            parts.append(f"{describe_percent(share)} of the cannabis seized in "
                         f"{country_name(country)}")
    return (
        f"In {period.label}, Afghanistan was the producing country of {join_words(parts)} "
        "(by weight; cannabis of unknown origin counted in the whole, never as Afghan)."
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
    """The source and data status line under the page's tables."""
    years = cases.assign(year=cases["date"].str[:4].astype(int))
    return f"{describe_sources(cases)} {describe_status(years, period_column='year')}"


def key_figures(
    cases: pd.DataFrame, summary: pd.DataFrame, period: CaseWindow, baseline: CaseWindow
) -> list[dict]:
    """The page's key figures for ``figures.json``."""
    in_period = cases_within(cases, period)
    status = _statuses(in_period)
    shares = origin_shares(in_period, level="drug_group")
    figures = [
        ("routes_cases_period", len(in_period), "cases"),
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
