"""Reconstruct ``seizures_quarterly``: drug seizures by quarter, split from the official years.

No quarterly seizure figures are published, for any of the five countries: this is the one table
no publication has. Every row is therefore made here, marked ``reconstructed``, from UNODC's
official annual figures (``seizures_annual``, status ``official``) and, for the one quarter the
bulletin states, that statement. A published figure always wins: the quarters of a year never add
up to anything but its official figure. The rules:

1. **The years made** (``YEARS``): 2015-2017, the data quarters the issues up to 2017-Q4 report
   (2016-Q4 to 2017-Q3) with their previous quarters and the same quarters a year before (2016-Q1
   compares with 2015-Q1). The five countries (``CENTRAL_ASIA``), every drug but cannabis plants
   (counted in kilograms of whole plants, mostly from eradication of wild growth; not among the
   drugs of the bulletin's quarterly chart).
2. **A year with an official figure** for a country and drug: the figure, in whole grams, is split
   across the four quarters by the seasonal profile of the drug's group (``SEASONAL_PROFILE``),
   by largest remainder, so that the four quarters add up to the official figure exactly, to the
   gram (a published figure's float artefacts below the gram, such as 21.3999996185303 kg, are
   rounded away). The profiles are assumptions, stated here, not data: cannabis seizures peak
   with the summer and autumn harvest of wild and cultivated cannabis (Q3-Q4), opiates follow the
   spring-summer opium harvest in Afghanistan more mildly, other drugs are spread evenly.
3. **A year without an official figure** for a country and drug has no quarters: there is no
   year to add up to, and no country's quarter is stated anywhere, so it stays missing, never
   filled in (e.g. a country that did not report the year, or a drug it did not report).
4. **A quarter the bulletin states** (``STATED_QUARTERS``; claim C1 on January-March 2017: "almost
   four tons of marijuana and hashish and over one ton of heroin and opium were seized in five
   countries of Central Asia"). The words bound cannabis herb + resin to [3.5, 4.0) t and heroin +
   opium to (1.0, 1.5) t; the anchor of each drug pair is the middle of its interval (3.75 t and
   1.25 t). In the stated year, the anchor is shared among the pair's country-drugs that have an
   official figure for the year, in proportion to those figures (whole grams, largest
   remainder), and makes their stated quarter; the other three quarters of each share what its
   official year leaves, by their weights in the seasonal profile. Every year still adds up to
   its official figure; the other drugs of the year follow rule 2.
5. **When the statement and the official year disagree** (the anchor is larger than the official
   figures of the pair for the year, or leaves a negative remainder), the official year wins: the
   pair's quarters follow rule 2, and the disagreement is logged and printed in the summary with
   both figures. Nothing is tuned to make the statement hold. When none of the pair's
   country-drugs has an official figure for the stated year, the anchor is not placed (rule 3)
   and the summary says so; when some of the five countries have none, the anchor is carried by
   those that have one, and the summary names the countries missing (the statement speaks of
   five).

The summary also gives, for each anchor, the share of its official year it puts in the stated
quarter, beside the share the seasonal profile alone would give: a statement far from the profile
is shown, not hidden.

Each row's ``source`` names this script, the official annual figure it splits (its publication)
and, for a stated year's anchored drugs, the statement. Checking claim C1 on these rows checks the
rows against the statement they were built from: it is a check of consistency, not of the claim.

Run ``python -m bulletin.reconstruct.seizures_quarterly`` to rewrite ``data/seizures_quarterly.csv``
from ``data/seizures_annual.csv``; ``--check`` only compares and names the rows that differ.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bulletin.core.numbers import KG_PER_TON, round_half_up
from bulletin.data.vocab import CENTRAL_ASIA, drug_groups
from bulletin.reconstruct import (
    Reconstruction,
    reconstruction_main,
    rows_made_by,
    split_by_largest_remainder,
)

log = logging.getLogger(__name__)

MODULE = "seizures_quarterly"
SOURCE = (
    "reconstructed by bulletin.reconstruct.seizures_quarterly: the official annual figure "
    "({annual}) split into quarters"
)
SOURCE_STATED = (
    "; January-March 2017 set by the bulletin's statement (Milestones 2017-Q2, claim C1), the "
    "other quarters sharing the rest of the official year"
)
YEARS = (2015, 2016, 2017)
QUARTERS = (1, 2, 3, 4)
SEASONAL_PROFILE = {
    "cannabis": (0.12, 0.20, 0.38, 0.30),
    "opiates": (0.22, 0.26, 0.28, 0.24),
    "ats": (0.25, 0.25, 0.25, 0.25),
    "cocaine": (0.25, 0.25, 0.25, 0.25),
    "other": (0.25, 0.25, 0.25, 0.25),
}
EXCLUDED_DRUGS = ("cannabis_plants",)
GRAMS = 1000  # rows are kept to the gram
COLUMNS = ["country", "year", "quarter", "drug", "kg", "source", "status"]


@dataclass(frozen=True)
class StatedQuarter:
    """A quarter whose drug-pair total the bulletin states: the anchor of rule 4."""

    year: int
    quarter: int
    pair: str
    drugs: tuple[str, ...]
    low_kg: float
    high_kg: float
    words: str
    source: str

    @property
    def anchor_kg(self) -> float:
        """The middle of the interval the statement's words allow."""
        return (self.low_kg + self.high_kg) / 2


STATED_QUARTERS = (
    StatedQuarter(
        2017, 1, "cannabis herb and resin", ("cannabis_herb", "cannabis_resin"), 3500.0, 4000.0,
        "almost four tons of marijuana and hashish", SOURCE_STATED,
    ),
    StatedQuarter(
        2017, 1, "heroin and opium", ("heroin", "opium"), 1000.0, 1500.0,
        "over one ton of heroin and opium", SOURCE_STATED,
    ),
)  # fmt: skip


def official_annual(annual: pd.DataFrame) -> pd.DataFrame:
    """The official annual rows rule 2 splits: the five countries, ``YEARS``, no plants.

    Raises:
        ValueError: ``seizures_annual`` has no official row for any year of ``YEARS``.
    """
    rows = annual[
        (annual["status"] == "official")
        & annual["country"].isin(CENTRAL_ASIA)
        & annual["year"].isin(YEARS)
        & ~annual["drug"].isin(EXCLUDED_DRUGS)
    ]
    if rows.empty:
        raise ValueError(
            f"seizures_annual has no official rows for {YEARS[0]}-{YEARS[-1]}: import the "
            "official annual seizures first (make import-official, see data/README.md)"
        )
    rows = rows[["country", "year", "drug", "kg", "source"]].sort_values(["country", "year", "drug"])
    return rows.reset_index(drop=True).assign(grams=[int(round_half_up(kg * GRAMS)) for kg in rows["kg"]])


def _tons(grams: int) -> str:
    return f"{grams / GRAMS / KG_PER_TON:.3f}"


def _profile(drug: str) -> np.ndarray:
    return np.array(SEASONAL_PROFILE[drug_groups()[drug]])


def split_year(grams: int, profile: np.ndarray) -> np.ndarray:
    """Rule 2: a year's grams across the four quarters by a seasonal profile, adding up exactly.

    >>> split_year(1000, np.array([0.12, 0.20, 0.38, 0.30])).tolist()
    [120, 200, 380, 300]
    """
    return split_by_largest_remainder(grams, profile)


def split_around_anchor(grams: int, stated: int, quarter: int, profile: np.ndarray) -> np.ndarray:
    """Rule 4: the stated quarter's grams, the rest of the year shared by the other quarters.

    >>> split_around_anchor(1000, 500, 1, np.array([0.25, 0.25, 0.25, 0.25])).tolist()
    [500, 167, 167, 166]

    Raises:
        ValueError: the stated grams exceed the year's (rule 5 decides before this is called).
    """
    if not 0 <= stated <= grams:
        raise ValueError(f"a stated quarter of {stated} g does not fit a year of {grams} g")
    others = [q - 1 for q in QUARTERS if q != quarter]
    parts = np.zeros(len(QUARTERS), dtype=int)
    parts[quarter - 1] = stated
    parts[others] = split_by_largest_remainder(grams - stated, profile[others])
    return parts


def _quarter_rows(row: pd.Series, parts: np.ndarray, extra: str = "") -> list[tuple]:
    source = SOURCE.format(annual=row["source"]) + extra
    return [
        (row["country"], int(row["year"]), quarter, row["drug"], grams / GRAMS, source)
        for quarter, grams in zip(QUARTERS, parts, strict=True)
    ]


def place_anchor(
    official: pd.DataFrame, stated: StatedQuarter, result: Reconstruction
) -> dict[int, np.ndarray]:
    """Rule 4 and 5 for one statement: the quarters of the pair's rows, by row index.

    Returns:
        The four quarters (grams) of each official row of the pair in the stated year, or an
        empty dict when the anchor cannot be placed (rule 3) or disagrees with the year (rule 5).
    """
    pair = official[(official["year"] == stated.year) & official["drug"].isin(stated.drugs)]
    where = f"{stated.year}-Q{stated.quarter}"
    if pair.empty:
        result.note(
            f"{where}: no official {stated.year} figure of {stated.pair} for any of the five "
            f"countries, so the statement '{stated.words}' is not placed (nothing to add up to)."
        )
        return {}
    anchor = int(round_half_up(stated.anchor_kg * GRAMS))
    year_grams = int(pair["grams"].sum())
    missing = [c for c in CENTRAL_ASIA if c not in set(pair["country"])]
    if anchor > year_grams:
        result.note(
            f"{where}: DISAGREEMENT, the official year wins. The statement '{stated.words}' "
            f"(anchor {_tons(anchor)} t) exceeds the official {stated.year} "
            f"figures of {stated.pair} ({_tons(year_grams)} t for "
            f"{', '.join(sorted(set(pair['country'])))}): the quarters follow the seasonal "
            "profile alone."
        )
        return {}
    shares = split_by_largest_remainder(anchor, pair["grams"].to_numpy())
    quarters = {}
    for (index, row), share in zip(pair.iterrows(), shares, strict=True):
        if share > row["grams"]:  # rounding cannot do this when the anchor fits, but never tune
            result.note(
                f"{where}: DISAGREEMENT, the official year wins: {row['country']}'s share of the "
                f"anchor ({share / GRAMS:.3f} kg of {row['drug']}) exceeds its official year "
                f"({row['grams'] / GRAMS:.3f} kg)."
            )
            return {}
        quarters[index] = split_around_anchor(
            int(row["grams"]), int(share), stated.quarter, _profile(row["drug"])
        )
    profile_share = float(_profile(stated.drugs[0])[stated.quarter - 1]) * 100
    result.note(
        f"{where}: '{stated.words}' anchors {stated.pair} at {_tons(anchor)} t, "
        f"{anchor / year_grams * 100:.1f}% of the official {stated.year} figures "
        f"({_tons(year_grams)} t); the seasonal profile alone would put "
        f"{profile_share:.0f}% of the year in that quarter."
    )
    if missing:
        result.note(
            f"{where}: {', '.join(missing)} {'has' if len(missing) == 1 else 'have'} no official "
            f"{stated.year} figure of {stated.pair}: the anchor is carried by "
            f"{', '.join(sorted(set(pair['country'])))}, and the quarter cannot show the five "
            "countries the statement speaks of."
        )
    return quarters


def build_seizures_quarterly(annual: pd.DataFrame) -> Reconstruction:
    """All reconstructed rows of ``seizures_quarterly``, with the notes of rules 3-5."""
    official = official_annual(annual)
    result = Reconstruction(pd.DataFrame(columns=COLUMNS))
    anchored: dict[int, tuple[np.ndarray, str]] = {}
    for stated in STATED_QUARTERS:
        for index, parts in place_anchor(official, stated, result).items():
            anchored[index] = (parts, stated.source)
    records: list[tuple] = []
    for index, row in official.iterrows():
        if index in anchored:
            parts, extra = anchored[index]
            records += _quarter_rows(row, parts, extra)
        else:
            records += _quarter_rows(row, split_year(int(row["grams"]), _profile(row["drug"])))
    for year in YEARS:
        reported = set(official.loc[official["year"] == year, "country"])
        missing = [c for c in CENTRAL_ASIA if c not in reported]
        if missing:
            result.note(
                f"{year}: no official annual figure for {', '.join(missing)}: "
                "no quarters (missing, never filled in)."
            )
    rows = pd.DataFrame(records, columns=COLUMNS[:-1]).assign(status="reconstructed")
    result.rows = rows.sort_values(["country", "year", "quarter", "drug"], ignore_index=True)
    return result


def reconstruct_seizures_quarterly(annual: pd.DataFrame) -> pd.DataFrame:
    """All reconstructed rows of ``seizures_quarterly`` from the ``seizures_annual`` table."""
    return build_seizures_quarterly(annual).rows


main = reconstruction_main(
    __doc__.splitlines()[0],
    "seizures_quarterly",
    build_seizures_quarterly,
    ("seizures_annual",),
    rows_made_by(MODULE),
)


if __name__ == "__main__":
    sys.exit(main())
