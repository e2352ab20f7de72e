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

6. **Quarters of other sources win** (official or stated rows in ``seizures_quarterly`` itself,
   e.g. a country's quarterly submission imported with ``bulletin import``). Such a quarter is
   never made here; the year's other quarters share what the official year leaves once those
   quarters are taken, by the profile (re-balanced, so the year still adds up to its official
   figure). A stated quarter's anchor (rule 4) counts the pair's quarters of other sources in its
   total and shares only what they leave among the rest. When the quarters of other sources add
   up to more than the official year, both are published figures and disagree: the open
   quarters stay missing (never negative, never forced), and the summary gives both figures.

The summary also gives, for each anchor, the share of its official year it puts in the stated
quarter, beside the share the seasonal profile alone would give: a statement far from the profile
is shown, not hidden.

Each row's ``source`` names this script, the official annual figure it splits (its publication)
and, for a stated year's anchored drugs, the statement. Checking claim C1 on these rows checks the
rows against the statement they were built from: it is a check of consistency, not of the claim.

Run ``python -m bulletin.reconstruct.seizures_quarterly`` to rewrite its rows of
``data/seizures_quarterly.csv`` from ``data/seizures_annual.csv`` and the quarters of other
sources already in it; ``--check`` only compares and names the rows that differ, and by how much.
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
SOURCE_OTHERS = ", around the quarters other sources give (rule 6)"
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


Fixed = dict[tuple[str, int, str], dict[int, int]]  # (country, year, drug) -> quarter -> grams


def split_quarters(
    grams: int, profile: np.ndarray, taken: dict[int, int] | None = None
) -> np.ndarray | None:
    """A year's grams across the four quarters: ``taken`` quarters as given, the rest by profile.

    The open quarters share what the year leaves once the taken quarters (of other sources,
    rule 6, or a stated anchor, rule 4) are placed, by their weights in the seasonal profile, so
    that the four add up to the year exactly.

    >>> split_quarters(1000, np.array([0.12, 0.20, 0.38, 0.30])).tolist()
    [120, 200, 380, 300]
    >>> split_quarters(1000, np.array([0.25, 0.25, 0.25, 0.25]), {3: 400}).tolist()
    [200, 200, 400, 200]
    >>> split_quarters(1000, np.array([0.25, 0.25, 0.25, 0.25]), {3: 1200}) is None
    True

    Returns:
        The four quarters in grams, or ``None`` when the taken quarters exceed the year (the
        open quarters cannot be filled without a negative figure).
    """
    taken = taken or {}
    parts = np.zeros(len(QUARTERS), dtype=int)
    for quarter, value in taken.items():
        parts[quarter - 1] = value
    left = grams - int(parts.sum())
    if left < 0:
        return None
    open_quarters = [q - 1 for q in QUARTERS if q not in taken]
    if open_quarters:
        parts[open_quarters] = split_by_largest_remainder(left, profile[open_quarters])
    return parts


def split_year(grams: int, profile: np.ndarray) -> np.ndarray:
    """Rule 2: a year's grams across the four quarters by a seasonal profile, adding up exactly.

    >>> split_year(1000, np.array([0.12, 0.20, 0.38, 0.30])).tolist()
    [120, 200, 380, 300]
    """
    return split_quarters(grams, profile)


def split_around_anchor(grams: int, stated: int, quarter: int, profile: np.ndarray) -> np.ndarray:
    """Rule 4: the stated quarter's grams, the rest of the year shared by the other quarters.

    >>> split_around_anchor(1000, 500, 1, np.array([0.25, 0.25, 0.25, 0.25])).tolist()
    [500, 167, 167, 166]

    Raises:
        ValueError: the stated grams exceed the year's (rule 5 decides before this is called).
    """
    parts = split_quarters(grams, profile, {quarter: stated}) if stated >= 0 else None
    if parts is None:
        raise ValueError(f"a stated quarter of {stated} g does not fit a year of {grams} g")
    return parts


def quarters_of_other_sources(quarterly: pd.DataFrame | None) -> Fixed:
    """Rule 6: the quarters ``seizures_quarterly`` has from other sources than this script.

    Returns:
        For each country, year and drug of the five countries and ``YEARS``, its quarters of
        other sources (official, stated, ...), in whole grams.
    """
    if quarterly is None or quarterly.empty:
        return {}
    others = quarterly.loc[
        ~rows_made_by(MODULE)(quarterly)
        & quarterly["country"].isin(CENTRAL_ASIA)
        & quarterly["year"].isin(YEARS)
    ]
    fixed: Fixed = {}
    for row in others.itertuples(index=False):
        key = (row.country, int(row.year), row.drug)
        fixed.setdefault(key, {})[int(row.quarter)] = int(round_half_up(row.kg * GRAMS))
    return fixed


def _quarter_rows(
    row: pd.Series, parts: np.ndarray, taken: dict[int, int], extra: str = ""
) -> list[tuple]:
    source = SOURCE.format(annual=row["source"]) + (SOURCE_OTHERS if taken else "") + extra
    return [
        (row["country"], int(row["year"]), quarter, row["drug"], grams / GRAMS, source)
        for quarter, grams in zip(QUARTERS, parts, strict=True)
        if quarter not in taken
    ]


def place_anchor(
    official: pd.DataFrame, stated: StatedQuarter, result: Reconstruction, fixed: Fixed | None = None
) -> dict[int, np.ndarray]:
    """Rules 4-6 for one statement: the quarters of the pair's rows, by row index.

    Returns:
        The four quarters (grams) of each official row of the pair in the stated year whose
        stated quarter no other source gives, or an empty dict when the anchor cannot be placed
        (rule 3), disagrees with the year (rule 5), or every such quarter is given (rule 6).
    """
    fixed = fixed or {}
    pair = official[(official["year"] == stated.year) & official["drug"].isin(stated.drugs)]
    where = f"{stated.year}-Q{stated.quarter}"
    if pair.empty:
        result.note(
            f"{where}: no official {stated.year} figure of {stated.pair} for any of the five "
            f"countries, so the statement '{stated.words}' is not placed (nothing to add up to)."
        )
        return {}
    given = {
        key: quarters for key, quarters in fixed.items()
        if key[1] == stated.year and key[2] in stated.drugs and stated.quarter in quarters
    }  # fmt: skip
    anchor = int(round_half_up(stated.anchor_kg * GRAMS))
    given_grams = sum(quarters[stated.quarter] for quarters in given.values())
    def left_of(row: tuple) -> int:  # what the official year leaves once other sources' quarters are taken
        return int(row.grams) - sum(fixed.get((row.country, row.year, row.drug), {}).values())

    # A row whose quarters of other sources exceed its year has no quarter to make (rule 6's
    # disagreement, noted by note_other_sources): it takes no share of the anchor.
    open_rows = pair[[
        (r.country, r.year, r.drug) not in given and left_of(r) >= 0 for r in pair.itertuples()
    ]]  # fmt: skip
    capacity = np.array([left_of(row) for row in open_rows.itertuples()], dtype=int)
    year_grams = int(pair["grams"].sum())
    missing = [c for c in CENTRAL_ASIA if c not in set(pair["country"])]
    if given:
        result.note(
            f"{where}: other sources give {stated.pair} for {len(given)} country-drugs "
            f"({_tons(given_grams)} t); the statement's anchor keeps only what they leave "
            f"({_tons(max(anchor - given_grams, 0))} t) for the {len(open_rows)} others."
        )
    if open_rows.empty:
        return {}
    left = anchor - given_grams
    if left < 0 or left > int(capacity.sum()):
        result.note(
            f"{where}: DISAGREEMENT, the official figures win. The statement '{stated.words}' "
            f"(anchor {_tons(anchor)} t) does not fit the official {stated.year} figures of "
            f"{stated.pair} ({_tons(year_grams)} t for "
            f"{', '.join(sorted(set(pair['country'])))}"
            + (f", {_tons(given_grams)} t of them given for the quarter" if given else "")
            + "): the quarters follow the seasonal profile alone."
        )
        return {}
    shares = split_by_largest_remainder(left, capacity)
    quarters = {}
    for (index, row), share in zip(open_rows.iterrows(), shares, strict=True):
        taken = {**fixed.get((row["country"], row["year"], row["drug"]), {}), stated.quarter: int(share)}
        parts = split_quarters(int(row["grams"]), _profile(row["drug"]), taken)
        if parts is None:  # rounding cannot do this when the anchor fits, but never tune
            result.note(
                f"{where}: DISAGREEMENT, the official year wins: {row['country']}'s share of the "
                f"anchor ({share / GRAMS:.3f} kg of {row['drug']}) exceeds what its official year "
                f"leaves ({row['grams'] / GRAMS:.3f} kg)."
            )
            return {}
        quarters[index] = parts
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


def note_other_sources(official: pd.DataFrame, fixed: Fixed, result: Reconstruction) -> None:
    """Rule 6's summary: how many years were re-balanced, and where two published figures disagree."""
    years = {(r.country, int(r.year), r.drug): int(r.grams) for r in official.itertuples()}
    rebalanced = 0
    for (country, year, drug), quarters in sorted(fixed.items()):
        grams = years.get((country, year, drug))
        if grams is None:
            continue
        given = sum(quarters.values())
        named = f"{country} {drug} {year} (quarters {', '.join(f'Q{q}' for q in sorted(quarters))})"
        if given > grams:
            result.note(
                f"DISAGREEMENT between published figures: the quarters of other sources of {named} "
                f"add up to {given / GRAMS:,.3f} kg, more than the official year "
                f"({grams / GRAMS:,.3f} kg): its other quarters stay missing."
            )
        elif len(quarters) == len(QUARTERS) and given != grams:
            result.note(
                f"the four quarters of other sources of {named} add up to {given / GRAMS:,.3f} kg, "
                f"the official year to {grams / GRAMS:,.3f} kg ({(given - grams) / GRAMS:+,.3f} kg)."
            )
        else:
            rebalanced += len(quarters) < len(QUARTERS)
    if rebalanced:
        result.note(
            f"{rebalanced} country-drug-year{'s have' if rebalanced != 1 else ' has'} quarters of "
            "other sources: the other quarters share what the official year leaves (rule 6)."
        )


def build_seizures_quarterly(
    annual: pd.DataFrame, quarterly: pd.DataFrame | None = None
) -> Reconstruction:
    """All reconstructed rows of ``seizures_quarterly``, with the notes of rules 3-6.

    Args:
        annual: the ``seizures_annual`` table (its official rows are split).
        quarterly: the ``seizures_quarterly`` table as it is, whose rows of other sources than
            this script win over the rules (rule 6); ``None`` when there is none.
    """
    official = official_annual(annual)
    fixed = quarters_of_other_sources(quarterly)
    result = Reconstruction(pd.DataFrame(columns=COLUMNS))
    anchored: dict[int, tuple[np.ndarray, str]] = {}
    for stated in STATED_QUARTERS:
        for index, parts in place_anchor(official, stated, result, fixed).items():
            anchored[index] = (parts, stated.source)
    note_other_sources(official, fixed, result)
    records: list[tuple] = []
    for index, row in official.iterrows():
        taken = fixed.get((row["country"], int(row["year"]), row["drug"]), {})
        if index in anchored:
            parts, extra = anchored[index]
            records += _quarter_rows(row, parts, taken, extra)
            continue
        parts = split_quarters(int(row["grams"]), _profile(row["drug"]), taken)
        if parts is not None:
            records += _quarter_rows(row, parts, taken)
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


def reconstruct_seizures_quarterly(
    annual: pd.DataFrame, quarterly: pd.DataFrame | None = None
) -> pd.DataFrame:
    """All reconstructed rows of ``seizures_quarterly`` from ``seizures_annual`` (and rule 6)."""
    return build_seizures_quarterly(annual, quarterly).rows


main = reconstruction_main(
    __doc__.splitlines()[0],
    "seizures_quarterly",
    build_seizures_quarterly,
    ("seizures_annual", "seizures_quarterly"),
    rows_made_by(MODULE),
)


if __name__ == "__main__":
    sys.exit(main())
