"""Reconstruct ``drug_arrests`` for 2010-2016: persons arrested for drug-related crime.

No figures of persons arrested for drug-related offences are published for the five countries
for 2010-2016: UNODC's World Drug Report 2024 annex, table 10.1, starts in 2018 (those official
rows are imported with ``bulletin import`` and kept as they are). The bulletin's statements
(claims C12-C14) and the offences of ``drug_offences`` (official and reconstructed) are the only
sources, so every row of 2010-2016 is made here by these rules, and marked ``reconstructed``:

1. **2016**: 12,375 persons in the five countries, the middle of the values that round to the
   bulletin's "almost 12,400" ([12,350, 12,400), ``REGIONAL_TOTAL_2016``).
2. **2015**: the bulletin says the number "increased" in 2016 without saying by how much; the
   reconstruction assumes a 5 per cent rise (``INCREASE_2016``), so 2015 is 12,375 / 1.05,
   rounded half up (11,786). This is an assumption, not data.
3. **2010-2014** follow the "downward trend" the bulletin states at the pace of the five
   countries' reported offences (``drug_offences``): each year is 2015's figure times that year's
   regional offences over 2015's, rounded half up.
4. **Countries**: each year's regional figure is shared among the five countries in proportion to
   their offences that year, by largest remainder (the countries add up to the regional figure
   exactly).
5. **Women**: 7% of each year's regional figure ("about 7%" on average, C13; no year is stated
   apart, so every year takes 7%), rounded half up and shared among the countries as in rule 4;
   men are the rest of each country's persons.
6. **Juveniles**: 0.3% of each year's regional figure ("approximately 0.3% in 2016", C14; the same
   share is assumed for the other years), rounded half up and shared as in rule 4; adults are the
   rest.

Each country-year gets the lines the WDR annex itself publishes: all persons, men, women, adults
and juveniles (sex and age are not crossed).

Run ``python -m bulletin.reconstruct.drug_arrests`` (after ``bulletin.reconstruct.drug_offences``)
to rewrite the reconstructed rows of ``data/drug_arrests.csv`` (rows of other sources are kept as
they are); ``--check`` only compares and exits 1 on a difference.
"""

from __future__ import annotations

import logging
import sys

import pandas as pd

from bulletin.crime import country_year_totals, rows_in_period
from bulletin.reconstruct import rows_of_source, run_reconstruction
from bulletin.reconstruct.drug_offences import round_half_up
from bulletin.reconstruct.seizures_quarterly import split_by_largest_remainder
from bulletin.tables import check_table, load_table
from bulletin.vocab import CENTRAL_ASIA

log = logging.getLogger(__name__)

TABLE = "drug_arrests"
SOURCE = (
    "reconstructed from the bulletin text (Milestones 2017-Q2) and the drug_offences table, by "
    "bulletin.reconstruct.drug_arrests"
)
FIRST_YEAR, LAST_YEAR = 2010, 2016
REGIONAL_TOTAL_2016 = 12_375  # middle of [12,350, 12,400): "almost 12,400" (C12)
INCREASE_2016 = 0.05  # an assumption: the bulletin says "increased", not by how much
WOMEN_SHARE = 0.07  # "about 7%" (C13)
JUVENILES_SHARE = 0.003  # "approximately 0.3%" (C14)
COLUMNS = ["country", "year", "sex", "age_group", "count", "source", "status"]


def offences_by_country(offences: pd.DataFrame) -> pd.DataFrame:
    """The five countries' offences by year (rows) and country (columns), 2010-2016.

    Raises:
        ValueError: when a country-year has no offences (run the offences reconstruction first).
    """
    totals = country_year_totals(rows_in_period(offences, FIRST_YEAR, LAST_YEAR))
    table = totals.pivot(index="year", columns="country", values="count")
    table = table.reindex(index=range(FIRST_YEAR, LAST_YEAR + 1), columns=list(CENTRAL_ASIA))
    if table.isna().any().any():
        gaps = [f"{c} {y}" for y, row in table.iterrows() for c, v in row.items() if pd.isna(v)]
        raise ValueError(
            f"drug_offences has no offences for {', '.join(gaps)}: run "
            "python -m bulletin.reconstruct.drug_offences first"
        )
    return table.astype("int64")


def regional_persons(offences: pd.DataFrame) -> dict[int, int]:
    """Rules 1-3: the five countries' persons arrested, by year."""
    regional = offences.sum(axis=1)
    persons = {LAST_YEAR: REGIONAL_TOTAL_2016}
    turn = LAST_YEAR - 1
    persons[turn] = round_half_up(REGIONAL_TOTAL_2016 / (1 + INCREASE_2016))
    for year in range(FIRST_YEAR, turn):
        persons[year] = round_half_up(persons[turn] * regional[year] / regional[turn])
    return dict(sorted(persons.items()))


def reconstruct_drug_arrests(offences: pd.DataFrame) -> pd.DataFrame:
    """All reconstructed rows of ``drug_arrests`` from the ``drug_offences`` table."""
    by_country = offences_by_country(offences)
    records = []
    for year, persons in regional_persons(by_country).items():
        weights = by_country.loc[year].to_numpy(dtype=float)
        totals = split_by_largest_remainder(persons, weights)
        women = split_by_largest_remainder(round_half_up(persons * WOMEN_SHARE), weights)
        juveniles = split_by_largest_remainder(round_half_up(persons * JUVENILES_SHARE), weights)
        for country, total, female, young in zip(
            CENTRAL_ASIA, totals, women, juveniles, strict=True
        ):
            records += [
                (country, year, "total", "total", int(total)),
                (country, year, "female", "total", int(female)),
                (country, year, "male", "total", int(total - female)),
                (country, year, "total", "juvenile", int(young)),
                (country, year, "total", "adult", int(total - young)),
            ]
    rows = pd.DataFrame(records, columns=COLUMNS[:5])
    rows["source"] = SOURCE
    rows["status"] = "reconstructed"
    if (rows["count"] < 0).any():
        raise ValueError("a reconstructed count came out negative: the rules do not fit the data")
    rows = rows[COLUMNS].sort_values(["country", "year", "sex", "age_group"], ignore_index=True)
    return check_table(TABLE, rows)  # typed as load_table types the shipped file


def main(argv: list[str] | None = None) -> int:
    return run_reconstruction(
        argv,
        __doc__.splitlines()[0],
        TABLE,
        lambda data_dir: reconstruct_drug_arrests(load_table("drug_offences", data_dir)),
        rows_of_source(SOURCE),
    )


if __name__ == "__main__":
    sys.exit(main())
