"""Analysis 7: persons arrested for drug-related crime, by country and year, sex and age.

``drug_arrests`` counts persons arrested (or, in UNODC's words, brought into formal contact with
the police) for drug-related offences. A country-year has a line for all persons (``sex`` and
``age_group`` both ``total``) and, where it was reported, lines for men and women (``age_group``
``total``) and for adults and juveniles (``sex`` ``total``); the World Drug Report's annex
publishes sex and age separately, never crossed.

The shares of women and of juveniles are computed here from the counts, over the countries that
report each breakdown; no share is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from bulletin.analyses import notes
from bulletin.analyses.crime import (
    countries_reporting,
    country_year_table,
    later_official_period,
    made_words,
)
from bulletin.analyses.series import (
    TOTAL,
    counts_by_year,
    joined_values,
    offence_types,
    persons_by_country_year,
    regional_by_year,
    rows_in_period,
)
from bulletin.core.sentences import describe_trend
from bulletin.core.wording import describe_count, describe_percent, join_words
from bulletin.data.vocab import CENTRAL_ASIA, country_name


def regional_persons(arrests: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """The five countries' persons arrested by year, with how many countries reported.

    Returns:
        ``year, count, countries_reporting, status`` for every year ``first``..``last`` (missing
        count for a year without rows).
    """
    totals = persons_by_country_year(rows_in_period(arrests, first, last))
    return regional_by_year(totals, first, last)


def shares_of_women_and_juveniles(arrests: pd.DataFrame) -> pd.DataFrame:
    """The shares of women and of juveniles among persons arrested, by year, from the counts.

    Each share is taken over the country-years that report that breakdown (their women, or
    juveniles, over their persons arrested).

    Returns:
        ``year, women_count, persons_with_sex, women_share_pct, juveniles_count,
        persons_with_age, juveniles_share_pct``.
    """
    persons = persons_by_country_year(arrests).set_index(["country", "year"])["count"]
    result = []
    for column, sex, age in (("women", "female", TOTAL), ("juveniles", TOTAL, "juvenile")):
        rows = arrests[(arrests["sex"] == sex) & (arrests["age_group"] == age)]
        counts = rows.groupby(["country", "year"])["count"].sum()
        behind = persons.reindex(counts.index)
        frame = pd.DataFrame({f"{column}_count": counts, "persons": behind}).dropna()
        by_year = frame.groupby(level="year").sum()
        by_year[f"{column}_share_pct"] = by_year[f"{column}_count"] / by_year["persons"] * 100
        persons_column = "persons_with_sex" if column == "women" else "persons_with_age"
        result.append(by_year.rename(columns={"persons": persons_column}))
    columns = [
        "year",
        "women_count",
        "persons_with_sex",
        "women_share_pct",
        "juveniles_count",
        "persons_with_age",
        "juveniles_share_pct",
    ]
    if not any(len(frame) for frame in result):
        return pd.DataFrame(columns=columns)
    table = pd.concat(result, axis=1).reset_index()
    return table.reindex(columns=columns).sort_values("year", ignore_index=True)


def turning_years(totals: pd.DataFrame) -> list[int]:
    """The years where the trend turns: the last year of a run up or down before it reverses.

    >>> turning_years(pd.DataFrame({"year": [2013, 2014, 2015, 2016], "count": [9, 8, 7, 9]}))
    [2015]
    """
    ordered = totals.dropna(subset=["count"]).sort_values("year")
    years = ordered["year"].to_numpy()
    signs = np.sign(np.diff(ordered["count"].to_numpy(dtype=float)))
    turns = []
    for i in range(1, len(signs)):
        if signs[i] != 0 and signs[i - 1] != 0 and signs[i] != signs[i - 1]:
            turns.append(int(years[i]))
    return turns


def breakdown_rows(arrests: pd.DataFrame, sex: str, age: str) -> pd.DataFrame:
    """The rows of one breakdown, and the all-persons rows of the same country-years."""
    part = arrests[(arrests["sex"] == sex) & (arrests["age_group"] == age)]
    keys = part[["country", "year"]].drop_duplicates()
    whole = arrests[(arrests["sex"] == TOTAL) & (arrests["age_group"] == TOTAL)]
    return pd.concat([part, whole.merge(keys, on=["country", "year"])], ignore_index=True)


def headline(arrests: pd.DataFrame, first: int, last: int) -> str:
    """The page's opening sentences, worded from the figures."""
    totals = regional_persons(arrests, first, last).dropna(subset=["count"])
    if totals.empty:
        return f"No persons arrested for drug-related crime are reported for {first}-{last}."
    series = counts_by_year(totals)
    sentences = []
    made = made_words(rows_in_period(arrests, first, last))
    if made:
        sentences.append(f"The figures of this page are {made}.")
    if len(series) >= 2 and sorted(series) == list(range(min(series), max(series) + 1)):
        sentences.append(
            f"{'On them, the' if made else 'The'} number of persons arrested for drug-related "
            f"crime in the five countries of Central Asia {describe_trend(series)}."
        )
    final = totals.iloc[-1]
    sentences.append(
        f"In {int(final['year'])}, {describe_count(final['count'], 'people')} were arrested "
        f"({countries_reporting(int(final['countries_reporting']))})."
    )
    period_rows = rows_in_period(arrests, first, last)
    shares = shares_of_women_and_juveniles(period_rows)
    women = shares.dropna(subset=["women_share_pct"])
    if not women.empty:
        sentences.append(
            f"Women were on average {describe_percent(women['women_share_pct'].mean())} of "
            f"persons arrested in {int(women['year'].min())}-{int(women['year'].max())}"
            + _status_clause(breakdown_rows(period_rows, "female", TOTAL))
        )
    young = shares.dropna(subset=["juveniles_share_pct"])
    if not young.empty:
        latest = young.iloc[-1]
        year = int(latest["year"])
        sentences.append(
            f"Juveniles were {describe_percent(latest['juveniles_share_pct'])} of them in {year}"
            + _status_clause(breakdown_rows(period_rows[period_rows["year"] == year], TOTAL, "juvenile"))
        )
    return " ".join(sentences)


def _status_clause(rows: pd.DataFrame) -> str:
    """The end of a sentence on a share: its status when not official, then the full stop."""
    made = made_words(rows)
    if made.startswith("reconstructed"):
        return f": {made}, the bulletin's own figure given back."
    return f" ({made})." if made else "."


def turn_sentence(arrests: pd.DataFrame, first: int, last: int) -> str:
    """Where the regional trend turns, in words (or that it does not)."""
    totals = regional_persons(arrests, first, last)
    turns = turning_years(totals)
    if not turns:
        return f"The regional trend does not turn between {first} and {last}."
    return (
        "The regional trend turns in "
        + join_words([str(y) for y in turns])
        + " (the last year before the direction reverses)."
    )


def official_since(arrests: pd.DataFrame, last: int) -> tuple[tuple[int, int], pd.DataFrame] | None:
    """The official figures published after the issue's period: their years and their rows.

    Only the official rows of those years, so that the tables of them and their notes show the
    same rows (a reconstructed year inside them, Turkmenistan 2015, is left out); None when no
    official figure is published after ``last``.
    """
    years = later_official_period(arrests, last)
    if years is None:
        return None
    return years, rows_in_period(arrests[arrests["status"] == "official"], *years)


def nothing_since_sentence(last: int) -> str:
    """What the page says where no official figure is published after its period.

    >>> nothing_since_sentence(2023)
    'No official figure of persons arrested for drug-related crime has been published for the years after 2023.'
    """
    return (
        "No official figure of persons arrested for drug-related crime has been published for "
        f"the years after {last}."
    )


def later_shares_sentence(arrests: pd.DataFrame, first: int, last: int) -> str:
    """What the official figures of later years say of women and juveniles, in words."""
    rows = rows_in_period(arrests[arrests["status"] == "official"], first, last)
    shares = shares_of_women_and_juveniles(rows)
    women = shares.dropna(subset=["women_share_pct"])
    young = shares.dropna(subset=["juveniles_share_pct"])
    if women.empty and young.empty:
        return f"No official figures by sex or age for {first}-{last}."
    parts = []
    for label, shares_ in (
        ("women", women["women_share_pct"]),
        ("juveniles", young["juveniles_share_pct"]),
    ):
        if shares_.empty:
            continue
        low, high = describe_percent(shares_.min()), describe_percent(shares_.max())
        parts.append(f"{label} at {low}" if low == high else f"{label} from {low} to {high} a year")
    countries = join_words([country_name(c) for c in CENTRAL_ASIA if c in set(rows["country"])])
    years = str(first) if first == last else f"{first}-{last}"
    return (
        f"The official figures published since, for {years} (persons brought into formal "
        f"contact with the police; {countries}, each for the years and offence types it "
        f"reports), put {join_words(parts)}: a check on the reconstruction's assumptions, not on "
        "the bulletin's years."
    )


def persons_by_country_table(arrests: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Persons arrested by country (rows) and year (columns), regional total last; * reconstructed."""
    return country_year_table(
        persons_by_country_year(rows_in_period(arrests, first, last)),
        regional_persons(arrests, first, last).set_index("year")["count"],
        range(first, last + 1),
    )


def shares_table(arrests: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Women and juveniles by year: counts and shares (per cent) for the page.

    Every year of the period has its row: "–" where no country reports persons by sex or age.
    """
    shares = shares_of_women_and_juveniles(rows_in_period(arrests, first, last))
    counts = ["women_count", "persons_with_sex", "juveniles_count", "persons_with_age"]
    shares = (
        shares.set_index("year")
        .reindex(range(first, last + 1))
        .rename_axis("year")
        .reset_index()
        .astype({column: "Int64" for column in counts if column in shares})
    )
    return shares.rename(
        columns={
            "year": "Year",
            "women_count": "Women",
            "persons_with_sex": "Persons (by sex)",
            "women_share_pct": "Women (%)",
            "juveniles_count": "Juveniles",
            "persons_with_age": "Persons (by age)",
            "juveniles_share_pct": "Juveniles (%)",
        }
    ).astype({"Year": str})


def table_note(rows: pd.DataFrame, flags: list[dict[str, Any]] | None = None) -> str:
    """The note under the page's tables: status, marks and the figures flagged on import.

    The source and status line under the page's tables, with the key to their marks and the
    figures of their years flagged as implausible on import (``flags``).
    """
    years = rows["year"].dropna().astype(int) if not rows.empty else pd.Series(dtype=int)
    flagged = flagged_note(flags or [], int(years.min()), int(years.max())) if len(years) else ""
    return notes.table_note(rows, flagged, marks=True)


def describe_flag(flag: dict[str, Any]) -> str:
    """One row the import flagged as implausible, in words: what it is, its figures, why.

    >>> describe_flag({"key": {"country": "KGZ", "year": 2016}, "values": {"adults": 816},
    ...                "reason": "adults far below persons"})
    'Kyrgyzstan 2016: adults 816 (adults far below persons)'
    """
    key = flag.get("key")
    if isinstance(key, dict):
        labels = offence_types()["label"].to_dict()
        parts = [country_name(str(key["country"])) if "country" in key else ""]
        parts += [str(key["year"])] if "year" in key else []
        what = " ".join(p for p in parts if p)
        others = [labels.get(str(v), str(v).replace("_", " ")).lower() for k, v in key.items()
                  if k not in ("country", "year")]
        what += "".join(f", {o}" for o in others)
    elif isinstance(key, (list, tuple)):
        what = " ".join(str(k) for k in key)
    else:
        what = str(key or "")
    values = flag.get("values")
    if isinstance(values, dict):
        figures = ", ".join(f"{k} {_number(v)}" for k, v in values.items())
    elif isinstance(values, (list, tuple)):
        figures = ", ".join(_number(v) for v in values)
    else:
        figures = "" if values is None else _number(values)
    reason = str(flag.get("reason") or "").strip()
    where = str(flag.get("publication") or "").strip()
    text = what + (f": {figures}" if figures else "")
    details = "; ".join(p for p in (reason, where) if p)
    return text + (f" ({details})" if details else "")


def _number(value: object) -> str:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return str(value)


def flag_year(flag: dict[str, Any]) -> int | None:
    """The year of a flagged row, if its key names one.

    >>> flag_year({"key": {"country": "KGZ", "year": 2016}}), flag_year({"key": ["KGZ"]})
    (2016, None)
    """
    key = flag.get("key")
    if isinstance(key, dict) and "year" in key:
        try:
            return int(key["year"])
        except (TypeError, ValueError):
            return None
    return None


def flagged_countries(flags: Iterable[dict[str, Any]], year: int) -> set[str]:
    """The countries with a row of ``year`` that the import flagged as implausible.

    >>> sorted(flagged_countries([{"key": {"country": "KGZ", "year": 2016}},
    ...                           {"key": {"country": "TJK", "year": 2015}}], 2016))
    ['KGZ']
    """
    return {str(f["key"].get("country")) for f in flags if flag_year(f) == year}


def flagged_note(flags: list[dict[str, Any]], first: int, last: int) -> str:
    """The note on the rows the import flagged as implausible in ``first``..``last``.

    The note under a table or chart of ``first``..``last`` on the rows the import flagged as
    implausible (those of other years left out); "" when none.

    The figures are shown as published: a flag says they look wrong, not what is right.
    """
    mine = [f for f in flags if flag_year(f) is None or first <= flag_year(f) <= last]
    if not mine:
        return ""
    return (
        "Figures flagged as implausible when they were imported, kept as published: "
        + "; ".join(describe_flag(f) for f in mine)
        + "."
    )


def key_figures(
    arrests: pd.DataFrame, first: int, last: int, flags: Iterable[dict[str, Any]] = ()
) -> list[dict]:
    """The page's key figures for ``figures.json`` (none without data).

    Args:
        arrests: the ``drug_arrests`` table.
        first: the first year of the period.
        last: the last year of the period.
        flags: the rows the import flagged as implausible (``bulletin.data.trust.flagged_rows``):
            the countries whose figures of the last year with a total are flagged become
            ``arrests_persons_flagged_countries``, which the main point names.
    """
    rows = rows_in_period(arrests, first, last)
    totals = regional_persons(arrests, first, last).dropna(subset=["count"])
    if totals.empty:
        return []
    final = totals.iloc[-1]
    status = joined_values(rows["status"])
    figures = [
        {
            "name": "arrests_persons_total",
            "value": int(final["count"]),
            "unit": "persons",
            "period": str(int(final["year"])),
            "status": final["status"],
        },
        {
            "name": "arrests_persons_countries_reporting",
            "value": int(final["countries_reporting"]),
            "unit": "countries",
            "period": str(int(final["year"])),
            "status": final["status"],
        },
    ]
    year = int(final["year"])
    flagged = flagged_countries(flags, year)
    flagged_rows = rows[(rows["year"] == year) & rows["country"].isin(flagged)]
    flagged &= set(flagged_rows["country"])  # a flag of a country with no row here is not said
    if flagged & set(CENTRAL_ASIA):
        figures.append(
            {
                "name": "arrests_persons_flagged_countries",
                "value": ";".join(c for c in CENTRAL_ASIA if c in flagged),
                "unit": "countries (ISO3)",
                "period": str(year),
                "status": joined_values(flagged_rows["status"]),
            }
        )
    turns = turning_years(totals)
    figures.append(
        {
            "name": "arrests_trend_turning_year",
            "value": turns[-1] if turns else None,
            "unit": "year",
            "period": f"{first}-{last}",
            "status": status,
        }
    )
    shares = shares_of_women_and_juveniles(rows)
    women = shares.dropna(subset=["women_share_pct"])
    if not women.empty:
        figures.append(
            {
                "name": "arrests_women_mean_share_pct",
                "value": round(float(women["women_share_pct"].mean()), 2),
                "unit": "%",
                "period": f"{int(women['year'].min())}-{int(women['year'].max())}",
                "status": status,
            }
        )
    young = shares.dropna(subset=["juveniles_share_pct"])
    if not young.empty:
        figures.append(
            {
                "name": "arrests_juveniles_share_pct",
                "value": round(float(young["juveniles_share_pct"].iloc[-1]), 3),
                "unit": "%",
                "period": str(int(young["year"].iloc[-1])),
                "status": status,
            }
        )
    official = persons_by_country_year(rows[(rows["year"] == year) & (rows["status"] == "official")])
    official = official[official["status"] == "official"]
    if not official.empty:
        figures += [
            {"name": "arrests_persons_official", "value": int(official["count"].sum()),
             "unit": "persons", "period": str(year), "status": joined_values(official["status"])},
            {"name": "arrests_persons_official_countries",
             "value": ";".join(c for c in CENTRAL_ASIA if c in set(official["country"])),
             "unit": "countries (ISO3)", "period": str(year),
             "status": joined_values(official["status"])},
        ]
    return figures
