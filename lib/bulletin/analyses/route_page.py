"""Analysis 5, the page: its sentences, tables, note and key figures, worded from the figures.

The legs, windows and origin shares come from :mod:`bulletin.analyses.routes` and
:mod:`bulletin.analyses.route_windows`; what the page says about empty route fields is counted
here exactly ("none gives the transit countries").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bulletin.analyses import notes
from bulletin.analyses.route_windows import (
    BASELINE,
    PERIOD,
    CaseWindow,
    cases_within,
)
from bulletin.analyses.routes import (
    C8_COUNTRIES,
    UNKNOWN,
    afghan_share,
    disappeared_legs,
    leg_weights,
    leg_words,
    new_legs,
    origin_shares,
    shows_legs,
)
from bulletin.core.numbers import KG_PER_TON
from bulletin.core.wording import (
    count_in_words,
    describe_count,
    describe_percent,
    join_words,
)
from bulletin.data.trust import least_trusted
from bulletin.data.vocab import CENTRAL_ASIA, country_name, drug_groups, drug_labels

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
    """How many of a window's cases leave their route fields empty, in words.

    How many of a window's cases leave their route fields empty, in words (exact counts: the
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


def _statuses(cases: pd.DataFrame) -> str:
    return "+".join(sorted(cases["status"].unique())) if not cases.empty else "none"


def routes_sentences(
    cases: pd.DataFrame, summary: pd.DataFrame, period: CaseWindow, baseline: CaseWindow
) -> list[str]:
    """The page's sentences on the routes, made from the numbers.

    >>> import pandas as pd
    >>> cases = pd.DataFrame({"case_id": ["a", "b"], "date": ["2013-02-01", "2008-05"],
    ...     "country": ["TJK", "TJK"], "drug": ["heroin", "opium"], "kg": [2.0, 1.0],
    ...     "producing_country": ["AFG", "AFG"], "departure_country": [None, None],
    ...     "transit_countries": [None, None], "destination_country": ["RUS", None],
    ...     "status": ["reconstructed", "reconstructed"]})
    >>> from bulletin.analyses.routes import leg_summary
    >>> p, b = CaseWindow.parse("2012-01", "2017-06"), CaseWindow.parse("2006-01", "2011-12")
    >>> routes_sentences(cases, leg_summary(cases, p, b), p, b)[:2]
    ['In 2012-June 2017, one seizure case carried drugs along two legs between three countries.', 'One leg seen in 2012-June 2017 had never been seen in 2006-2011: Tajikistan to Russian Federation.']
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
    elif not shows_legs(summary, BASELINE):
        sentences.append(
            f"No case of {baseline.label} in the tables has a known route through the five "
            f"countries: no leg of {period.label} can be told new against it, nor any gone."
        )
    elif new.empty:
        sentences.append(
            f"No new offshoots: every leg seen in {period.label} had already been seen in "
            f"{baseline.label}."
        )
    else:
        sentence = (
            f"{count_in_words(len(new), 'leg')} seen in {period.label} had never been seen in "
            f"{baseline.label}: {leg_words(new)}."
        )
        sentences.append(sentence[0].upper() + sentence[1:])
    if not gone.empty:
        sentence = (
            f"{count_in_words(len(gone), 'leg')} of {baseline.label} were not seen again in "
            f"{period.label}: {leg_words(gone)}."
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
    """Afghanistan's share of the cannabis seized in Tajikistan and Uzbekistan, in words (C8).

    That the cases hold no cannabis, when they hold none.
    """
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
    compared = shows_legs(summary, PERIOD) and shows_legs(summary, BASELINE)
    figures = [
        ("routes_cases_period", len(in_period), "cases"),
        ("routes_cases_without_route", int(gaps["all four"]) if len(in_period) else 0, "cases"),
        ("routes_kg_period_t", round(float(in_period["kg"].sum()) / KG_PER_TON, 3), "t"),
        ("routes_legs_period", len(leg_weights(summary, PERIOD, by=())), "legs"),
        # against a baseline with no leg nothing is new nor gone: no figure (not a zero)
        ("routes_new_legs", len(new_legs(summary)) if compared else None, "legs"),
        ("routes_disappeared_legs", len(disappeared_legs(summary)) if compared else None, "legs"),
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
