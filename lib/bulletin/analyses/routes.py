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
  the baseline is every month with cases before it
  (:func:`bulletin.analyses.route_windows.claim_windows`).

Everything runs column-wise: routes, legs and their weights in one DuckDB query (its list
functions; cases recorded alike are weighed together first, so each distinct route is built
once), the comparisons of windows on the small table of weighed legs. There is no Python loop
over cases. ``reference_leg_summary`` is the straightforward pandas version (split, explode,
groupby-shift): the benchmark's baseline and the tests' cross-check.

This module holds the scope, the legs and the origin shares; beside it, ``route_windows`` (the
windows of time), ``route_claims`` (C7, C8), ``route_page`` (the page's words, tables and key
figures) and ``route_map`` (the map).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from bulletin.analyses.route_windows import (
    BASELINE,
    PERIOD,
    CaseWindow,
)
from bulletin.core.wording import join_words
from bulletin.data.vocab import CENTRAL_ASIA, country_name, drug_groups

UNKNOWN = "unknown"
"""The producing country of a case whose origin is not known, in origin shares."""
AFGHANISTAN = "AFG"
C8_COUNTRIES = ("TJK", "UZB")
"""The seizing countries whose cannabis origin C8 speaks of (Tajikistan and Uzbekistan)."""
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


# --- scope: the cases and legs that touch the five countries ------------------------------------


def cases_touching(cases: pd.DataFrame, countries: tuple[str, ...] = CENTRAL_ASIA) -> pd.DataFrame:
    """The cases whose route touches some countries.

    Seized, produced, departed, crossed or bound there.

    >>> cases = pd.DataFrame({"country": ["RUS", "RUS", "KAZ"], "producing_country": ["AFG", None, None],
    ...     "departure_country": ["TJK", "AFG", None], "transit_countries": [None, "IRN;TUR", None],
    ...     "destination_country": ["RUS", None, None]})
    >>> cases_touching(cases).index.tolist()
    [0, 2]
    """
    wanted = set(countries)
    touches = np.zeros(len(cases), dtype=bool)
    for column in ("country", "producing_country", "departure_country", "destination_country"):
        touches |= _per_value(cases[column], lambda code: code in wanted)
    touches |= _per_value(
        cases["transit_countries"], lambda codes: bool(wanted & set(str(codes).split(";")))
    )
    return cases.loc[touches]


def _per_value(column: pd.Series, test) -> np.ndarray:
    """``test`` of each cell, run once per distinct value (a missing cell: False)."""
    codes, values = pd.factorize(column, use_na_sentinel=True)
    flags = np.fromiter((bool(test(v)) for v in values), dtype=bool, count=len(values))
    return np.append(flags, False)[codes]  # code -1 (missing) takes the appended False


def legs_touching(summary: pd.DataFrame, countries: tuple[str, ...] = CENTRAL_ASIA) -> pd.DataFrame:
    """The legs of a :func:`leg_summary` with one end in some countries.

    The legs of a :func:`leg_summary` with one end in some countries (the routes "in Central
    Asia").
    """
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


def shows_legs(summary: pd.DataFrame, window: str) -> bool:
    """Whether a window of a :func:`leg_summary` shows any leg (``PERIOD`` or ``BASELINE``).

    A leg is new, or gone, only against a window that shows legs: against one with no case of a
    known route, every leg would be "new" (the 2015-Q1 issue said 24 legs of 2010-March 2015 had
    never been seen in 2004-2009, of which the tables hold no case).
    """
    return bool((summary["window"] == window).any())


def new_legs(summary: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The legs of the period that the baseline never shows, each with its first case.

    Empty when the baseline shows no leg at all (:func:`shows_legs`): then no leg can be told
    new, and whatever states the comparison must say so, not "no new leg".

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

    Empty when the period shows no leg at all (:func:`shows_legs`).

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
    if not shows_legs(summary, unseen):  # nothing to compare with: no leg is new, nor gone
        rows = rows.iloc[:0]
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


def origin_shares(cases: pd.DataFrame, level: str = "drug") -> pd.DataFrame:
    """Each producing country's share of the kilograms seized, by seizing country and drug.

    Args:
        cases: the cases to count (select a window first with
            :func:`bulletin.analyses.route_windows.cases_within`).
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


def leg_names(legs: pd.DataFrame) -> list[str]:
    """Legs as ``AFG>TJK`` codes, for claim values."""
    return [f"{a}>{b}" for a, b in zip(legs["from_country"], legs["to_country"], strict=True)]


def leg_words(legs: pd.DataFrame) -> str:
    """Legs in words, for sentences: "Afghanistan to Tajikistan and Tajikistan to Kazakhstan"."""
    return join_words(
        [
            f"{country_name(a)} to {country_name(b)}"
            for a, b in zip(legs["from_country"], legs["to_country"], strict=True)
        ]
    )
