"""Reconstruct the missing rows of ``drug_offences``: drug-related offences, 2010-2016.

UNODC publishes drug-related offences of only two of the five countries for these years, in its
World Drug Report 2024 statistical annex, table 10.1 (imported with ``bulletin import``, status
``official``): Kyrgyzstan 2011-2016 and Turkmenistan 2011, 2013, 2014 and 2016, by UNODC category
(trafficking, use/possession, other). The bulletin's own statements (claims C9-C11) are the only
source for the rest. Every other row of 2010-2016 is made here by these rules, and marked
``reconstructed``; official rows are never changed, and no row is made for a country-year that
has official rows.

1. **Countries with official years (Kyrgyzstan, Turkmenistan): the missing years** are filled in
   UNODC's categories from the country's own official years. A year between two official years
   takes, for each category, the straight line between them (rounded half up); a category that
   only one of the two reports takes that one's value. A year before the first official year
   repeats the first official year (Kyrgyzstan 2010 repeats 2011; Turkmenistan 2010 repeats
   2011, which reports use/possession only).
2. **The regional total of 2016** is 13,575: the middle of the values that round to the bulletin's
   "almost 13,600" ([13,550, 13,600), ``REGIONAL_TOTAL_2016``). The three countries without any
   official year (Kazakhstan, Tajikistan, Uzbekistan) together make up what the official (and
   rule 1) figures of 2016 leave: 13,575 - 1,608 (Kyrgyzstan) - 685 (Turkmenistan) = 11,282.
3. **Their combined total in the earlier years** changes at the compound mean annual rate of
   Kyrgyzstan's official totals from 2011 to 2016 ((1,608 / 3,079) ** (1/5) - 1, about -12.2% a
   year; ``RATE_COUNTRY``, ``RATE_YEARS``): Kyrgyzstan is the only country with official offences
   for every one of those years. The bulletin says only that offences "decreased steadily since
   2010"; the rate is this project's assumption, taken from the nearest official series. Each
   year's combined total is rounded half up.
4. **The combined total is split among the three countries** in proportion to the mean number of
   persons each brought into formal contact with the police for drug offences in the years it
   reported them (``drug_arrests``, official rows of the WDR 2024 annex 10.1, 2018-2022): the only
   official figures that cover all three: Kazakhstan 4,064.5 (2020-2021), Tajikistan 803.25
   (2018-2020, 2022), Uzbekistan 4,093.5 (2018-2021), i.e. 45%, 9% and 46%. They are not alike:
   Uzbekistan's cover trafficking offences only, and Tajikistan's 2018-2019 use/possession only,
   so this split is a rough one. It is by largest remainder, so the countries add up to the
   combined total exactly.
5. **Each of the three countries' offences are split by national type** (by largest remainder,
   within the country): smuggling takes 4% in 2010 rising in a straight line to 9% in 2016 (C10,
   ``SMUGGLING_SHARE_PCT``), selling 46% every year (C11 gives 2016; no other year is stated,
   ``SELLING_SHARE_PCT``); the rest is shared among trafficking (the trafficking offences that are
   neither smuggling nor selling), possession for personal use and other offences in the
   proportions of UNODC's three categories (trafficking, use/possession, other) in the same
   countries' official rows of later years (table 10.1: Kazakhstan 2020-2021, Tajikistan 2020).
   No cultivation row is made: neither the bulletin nor any official table gives a figure.

Run ``python -m bulletin.reconstruct.drug_offences`` to rewrite the reconstructed rows of
``data/drug_offences.csv`` (rows of other sources are kept as they are); ``--check`` only
compares and exits 1 on a difference. Re-run it after importing new official rows.
"""

from __future__ import annotations

import logging
import sys
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from bulletin.arrests import persons_by_country_year
from bulletin.crime import TOTAL, country_year_totals, unodc_category
from bulletin.reconstruct import rows_of_source, run_reconstruction
from bulletin.reconstruct.seizures_quarterly import split_by_largest_remainder
from bulletin.tables import check_table, load_table
from bulletin.vocab import CENTRAL_ASIA

log = logging.getLogger(__name__)

TABLE = "drug_offences"
SOURCE = (
    "reconstructed from the bulletin text (Milestones 2017-Q2) and the official rows of the "
    "UNODC World Drug Report 2024 annex 10.1, by bulletin.reconstruct.drug_offences"
)
FIRST_YEAR, LAST_YEAR = 2010, 2016
REGIONAL_TOTAL_2016 = 13_575  # middle of [13,550, 13,600): "almost 13,600" (C9)
RATE_COUNTRY, RATE_YEARS = "KGZ", (2011, 2016)
SMUGGLING_SHARE_PCT = {2010: 4.0, 2016: 9.0}  # C10
SELLING_SHARE_PCT = 46.0  # C11
# The national type each UNODC category's share is given to, for the rest after smuggling and
# selling (rule 5).
REST_BY_CATEGORY = {
    "trafficking": "trafficking",
    "use_possession": "possession_personal_use",
    "other": "other",
}
COLUMNS = ["country", "year", "offence_type", "count", "source", "status"]


def round_half_up(value: float) -> int:
    """Round to a whole number as people do (2.5 -> 3).

    >>> round_half_up(2.5), round_half_up(11785.71)
    (3, 11786)
    """
    return int(Decimal(repr(float(value))).quantize(Decimal(1), ROUND_HALF_UP))


def official_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The official rows of the five countries: what every rule starts from."""
    return table[(table["status"] == "official") & table["country"].isin(CENTRAL_ASIA)]


def _categories_of(rows: pd.DataFrame) -> dict[str, int]:
    """A country-year's counts by type, leaving out the total when the types are there."""
    parts = rows[rows["offence_type"] != TOTAL]
    chosen = parts if not parts.empty else rows
    return dict(zip(chosen["offence_type"], chosen["count"].astype(int), strict=True))


def fill_official_countries(official: pd.DataFrame) -> pd.DataFrame:
    """Rule 1: the missing years of the countries with official years in the period."""
    in_period = official[official["year"].between(FIRST_YEAR, LAST_YEAR)]
    records = []
    for country in sorted(set(in_period["country"])):
        mine = official[official["country"] == country]
        years = sorted(set(mine["year"]))
        by_year = {year: _categories_of(mine[mine["year"] == year]) for year in years}
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if year in by_year:
                continue
            before = max((y for y in years if y < year), default=None)
            after = min((y for y in years if y > year), default=None)
            if before is None or after is None:
                counts = by_year[after if before is None else before]
            else:
                weight = (year - before) / (after - before)
                old, new = by_year[before], by_year[after]
                counts = {}
                for offence_type in sorted(set(old) | set(new)):
                    if offence_type in old and offence_type in new:
                        value = old[offence_type] + (new[offence_type] - old[offence_type]) * weight
                        counts[offence_type] = round_half_up(value)
                    else:
                        counts[offence_type] = old.get(offence_type, new.get(offence_type))
            records += [(country, year, t, int(n)) for t, n in counts.items()]
    return pd.DataFrame(records, columns=["country", "year", "offence_type", "count"])


def annual_rate(official: pd.DataFrame) -> float:
    """Rule 3: the compound mean annual rate of ``RATE_COUNTRY``'s official totals."""
    totals = country_year_totals(official[official["country"] == RATE_COUNTRY]).set_index("year")
    first, last = RATE_YEARS
    missing = [y for y in RATE_YEARS if y not in totals.index]
    if missing:
        raise ValueError(
            f"drug_offences has no official {RATE_COUNTRY} totals for {missing}: import the WDR "
            "2024 annex table 10.1 first (see data/README.md)"
        )
    ratio = totals.at[last, "count"] / totals.at[first, "count"]
    return float(ratio ** (1 / (last - first)))


def country_weights(arrests: pd.DataFrame, countries: list[str]) -> pd.Series:
    """Rule 4: each country's mean official persons in formal contact, over the years it reports."""
    persons = persons_by_country_year(arrests[arrests["status"] == "official"])
    means = persons[persons["country"].isin(countries)].groupby("country")["count"].mean()
    missing = sorted(set(countries) - set(means.index))
    if missing:
        raise ValueError(
            f"drug_arrests has no official persons in formal contact for {missing}: import the "
            "WDR 2024 annex table 10.1 first (see data/README.md)"
        )
    return means.reindex(countries)


def rest_proportions(official: pd.DataFrame, countries: list[str]) -> dict[str, float]:
    """Rule 5: UNODC's three categories' shares in the countries' official rows, pooled."""
    rows = official[official["country"].isin(countries) & (official["offence_type"] != TOTAL)]
    if rows.empty:
        raise ValueError(
            f"drug_offences has no official offences by category for {countries}: import the WDR "
            "2024 annex table 10.1 first (see data/README.md)"
        )
    by_category = rows.groupby(rows["offence_type"].map(unodc_category))["count"].sum()
    by_category = by_category.reindex(list(REST_BY_CATEGORY), fill_value=0)
    return (by_category / by_category.sum()).to_dict()


def smuggling_share(year: int) -> float:
    """Rule 5: smuggling's share in per cent, on the straight line from 2010's to 2016's.

    >>> smuggling_share(2010), smuggling_share(2013), smuggling_share(2016)
    (4.0, 6.5, 9.0)
    """
    (first, low), (last, high) = sorted(SMUGGLING_SHARE_PCT.items())
    return low + (high - low) * (year - first) / (last - first)


def type_weights(year: int, rest: dict[str, float]) -> dict[str, float]:
    """Rule 5: the per cent of a country's offences each national type takes in ``year``."""
    smuggling = smuggling_share(year)
    left = 100.0 - smuggling - SELLING_SHARE_PCT
    weights = {"smuggling": smuggling, "selling": SELLING_SHARE_PCT}
    for category, offence_type in REST_BY_CATEGORY.items():
        weights[offence_type] = weights.get(offence_type, 0.0) + left * rest[category]
    return weights


def reconstruct_drug_offences(offences: pd.DataFrame, arrests: pd.DataFrame) -> pd.DataFrame:
    """All reconstructed rows of ``drug_offences`` from the official rows of both tables."""
    official = official_rows(offences)
    filled = fill_official_countries(official)
    in_period = official[official["year"].between(FIRST_YEAR, LAST_YEAR)]
    with_official = sorted(set(in_period["country"]))
    others = [c for c in CENTRAL_ASIA if c not in with_official]
    known_2016 = pd.concat(
        [in_period[in_period["year"] == LAST_YEAR], filled[filled["year"] == LAST_YEAR]]
    ).assign(source="", status="")
    taken = int(country_year_totals(known_2016)["count"].sum()) if not known_2016.empty else 0
    group_2016 = REGIONAL_TOTAL_2016 - taken
    rate = annual_rate(official)
    weights = country_weights(arrests, others).to_numpy()
    rest = rest_proportions(official, others)
    records = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        group = round_half_up(group_2016 / rate ** (LAST_YEAR - year))
        by_country = split_by_largest_remainder(group, weights)
        shares = type_weights(year, rest)
        types = list(shares)
        for country, total in zip(others, by_country, strict=True):
            counts = split_by_largest_remainder(int(total), np.array([shares[t] for t in types]))
            records += [(country, year, t, int(n)) for t, n in zip(types, counts, strict=True)]
    made = pd.DataFrame(records, columns=["country", "year", "offence_type", "count"])
    rows = pd.concat([filled, made], ignore_index=True)
    rows["source"] = SOURCE
    rows["status"] = "reconstructed"
    rows = rows[COLUMNS].sort_values(["country", "year", "offence_type"], ignore_index=True)
    return check_table(TABLE, rows)  # typed as load_table types the shipped file


def main(argv: list[str] | None = None) -> int:
    return run_reconstruction(
        argv,
        __doc__.splitlines()[0],
        TABLE,
        lambda data_dir: reconstruct_drug_offences(
            load_table(TABLE, data_dir), load_table("drug_arrests", data_dir)
        ),
        rows_of_source(SOURCE),
    )


if __name__ == "__main__":
    sys.exit(main())
