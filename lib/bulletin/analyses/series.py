"""Series by country and year, shared by the analyses and the reconstructions.

The drug-related crime and arrests pages (analyses 6-7) and the reconstructions that fill their
gaps (``bulletin.reconstruct``) count the same way: one figure per country and year (the ``total``
line where there is one, else the sum of its parts), the statuses and sources behind a sum joined
by "+" (``official+reconstructed``), and the regional figure of a year the sum over the countries
that report it, a year without any a missing count, never a zero. These helpers are that one way.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from bulletin.data.vocab import CENTRAL_ASIA, load_reference

TOTAL = "total"
"""The value of a breakdown column (``offence_type``, ``sex``, ``age_group``, ``disaggregation``)
on the line that holds all of it."""
NATIONAL = "national"
"""A country-year that reports offences by national type (smuggling, selling, ...)."""
UNODC = "unodc"
"""A country-year that reports offences by UNODC category only (WDR annex 10.1)."""


@cache
def offence_types() -> pd.DataFrame:
    """The offence types of ``drug_offences``: label, UNODC category, ICCS code, definition."""
    return load_reference("offence_types").set_index("offence_type")


def national_only_types() -> tuple[str, ...]:
    """The types only a national breakdown has (their presence marks a national country-year)."""
    types = offence_types()
    return tuple(types.index[types["classification"] == "national"])


def unodc_category(offence_type: str) -> str:
    """The UNODC category (WDR annex 10.1) an offence type is counted in.

    >>> unodc_category("selling"), unodc_category("possession_personal_use")
    ('trafficking', 'use_possession')

    Raises:
        KeyError: for a type missing from ``data/reference/offence_types.csv``.
    """
    types = offence_types()
    if offence_type not in types.index:
        raise KeyError(f"offence type {offence_type!r} is not in data/reference/offence_types.csv")
    return str(types.at[offence_type, "unodc_category"])


def rows_in_period(
    table: pd.DataFrame, first: int, last: int, countries: tuple[str, ...] = CENTRAL_ASIA
) -> pd.DataFrame:
    """The rows of a yearly table for some countries and the years ``first``..``last``."""
    keep = table["year"].between(first, last) & table["country"].isin(countries)
    return table.loc[keep].reset_index(drop=True)


def distinct_values(values: pd.Series) -> tuple[str, ...]:
    """The distinct values of a column, as text, sorted; missing ones left out.

    Called once per group by many groupby aggregations: plain Python over the values is ten
    times faster than ``dropna()`` and ``astype()`` on each group's Series.

    >>> distinct_values(pd.Series(["Y", None, "X", "Y", float("nan")]))
    ('X', 'Y')
    """
    return tuple(sorted({str(value) for value in values.to_numpy() if not pd.isna(value)}))


def joined_values(values: pd.Series) -> str:
    """The distinct values of a column, sorted and joined by "+": the statuses or sources of a sum.

    >>> joined_values(pd.Series(["reconstructed", "official", "official", None]))
    'official+reconstructed'
    """
    return "+".join(distinct_values(values))


def regional_by_year(totals: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """The sum over the countries of a series by country and year, for each year of a period.

    Args:
        totals: ``country, year, count, status``, one row per country-year.
        first: the first year of the period.
        last: the last year of the period.

    Returns:
        ``year, count, countries_reporting, status`` for each year from ``first`` to ``last`` (a
        year without any row has a missing count, never a zero).
    """
    by_year = totals.groupby("year").agg(
        count=("count", "sum"),
        countries_reporting=("country", "nunique"),
        status=("status", joined_values),
    )
    by_year = by_year.reindex(range(first, last + 1))
    by_year["countries_reporting"] = by_year["countries_reporting"].fillna(0).astype(int)
    by_year.index.name = "year"
    return by_year.reset_index()


def counts_by_year(totals: pd.DataFrame) -> dict[int, float]:
    """The years with a count, and their counts: the series a trend is described from.

    >>> counts_by_year(pd.DataFrame({"year": [2015, 2016], "count": [7.0, None]}))
    {2015: 7.0}
    """
    rows = totals.dropna(subset=["count"])
    return {int(y): float(c) for y, c in zip(rows["year"], rows["count"], strict=True)}


def classify_country_years(offences: pd.DataFrame) -> pd.DataFrame:
    """Each country-year's classification: ``national`` if it has any national-only type.

    Returns:
        ``country, year, classification``.
    """
    national = offences["offence_type"].isin(national_only_types())
    flags = (
        offences.assign(national=national)
        .groupby(["country", "year"], as_index=False)["national"]
        .any()
    )
    flags["classification"] = np.where(flags["national"], NATIONAL, UNODC)
    return flags.drop(columns="national")


def country_year_totals(offences: pd.DataFrame) -> pd.DataFrame:
    """Offences by country and year: the ``total`` row where there is one, else the sum of types.

    A ``total`` row that disagrees with the types beside it is an error (a table that contradicts
    itself must not be charted).

    Returns:
        ``country, year, count, classification, status, source``, one row per country-year.

    Raises:
        ValueError: naming the country-years whose ``total`` differs from the sum of their types.
    """
    columns = ["country", "year", "count", "classification", "status", "source"]
    if offences.empty:
        return pd.DataFrame(columns=columns)
    keys = ["country", "year"]
    is_total = offences["offence_type"] == TOTAL
    parts = (
        offences[~is_total]
        .groupby(keys, as_index=False)
        .agg(parts=("count", "sum"), status=("status", joined_values), source=("source", joined_values))
    )
    totals = offences[is_total][[*keys, "count", "status", "source"]].rename(
        columns={"count": "total", "status": "total_status", "source": "total_source"}
    )
    merged = parts.merge(totals, on=keys, how="outer")
    clash = merged["parts"].notna() & merged["total"].notna() & (merged["parts"] != merged["total"])
    if clash.any():
        where = ", ".join(
            f"{r.country} {r.year} (total {int(r.total)}, types add up to {int(r.parts)})"
            for r in merged[clash].itertuples()
        )
        raise ValueError(f"drug_offences: a total row differs from its types: {where}")
    merged["count"] = merged["total"].fillna(merged["parts"]).astype("int64")
    merged["status"] = merged["status"].fillna(merged["total_status"])
    merged["source"] = merged["source"].fillna(merged["total_source"])
    merged = merged.merge(classify_country_years(offences), on=keys, how="left")
    return merged[columns].sort_values(keys, ignore_index=True)


def persons_by_country_year(arrests: pd.DataFrame) -> pd.DataFrame:
    """All persons arrested, by country and year.

    The line for all persons where there is one; else men + women, else adults + juveniles (a
    country-year reporting only a breakdown still has a total).

    Returns:
        ``country, year, count, status, source``.
    """
    columns = ["country", "year", "count", "status", "source"]
    keys = ["country", "year"]
    found = []
    done: set[tuple] = set()
    for sex, age in ((TOTAL, TOTAL), (None, TOTAL), (TOTAL, None)):
        if sex is None:
            rows = arrests[(arrests["age_group"] == age) & arrests["sex"].isin(["male", "female"])]
            complete = rows.groupby(keys)["sex"].nunique() == 2
        elif age is None:
            rows = arrests[
                (arrests["sex"] == sex) & arrests["age_group"].isin(["adult", "juvenile"])
            ]
            complete = rows.groupby(keys)["age_group"].nunique() == 2
        else:
            rows = arrests[(arrests["sex"] == sex) & (arrests["age_group"] == age)]
            complete = rows.groupby(keys).size() > 0
        summed = rows.groupby(keys).agg(
            count=("count", "sum"), status=("status", joined_values), source=("source", joined_values)
        )
        summed = summed[complete.reindex(summed.index, fill_value=False)]
        summed = summed[[key not in done for key in summed.index]]
        done |= set(summed.index)
        found.append(summed.reset_index())
    found = [frame for frame in found if not frame.empty]
    if not found:
        return pd.DataFrame(columns=columns)
    result = pd.concat(found, ignore_index=True)
    return result[columns].sort_values(keys, ignore_index=True)
