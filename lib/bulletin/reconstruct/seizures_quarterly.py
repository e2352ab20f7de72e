"""Reconstruct ``seizures_quarterly``: drug seizures by quarter, 2015-Q1 to 2017-Q2.

No quarterly seizure figures are published, for any of the five countries. The bulletin's own
statement on January-March 2017 and UNODC's official annual figures are the only sources, so
every row of the table is made here from them, by these rules, and marked ``reconstructed``:

1. **Years with official annual figures (2015 and 2016).** Each country's official annual
   kilograms of each drug (``seizures_annual``, status ``official``) are split across the four
   quarters by the seasonal profile of the drug's group (``SEASONAL_PROFILE``), rounded to 0.1 kg
   by largest remainder so that the four quarters add up to the official year exactly. The
   profiles are assumptions, stated here, not data: cannabis seizures peak with the summer and
   autumn harvest of wild and cultivated cannabis (Q3-Q4), opiates follow the spring-summer opium
   harvest in Afghanistan more mildly, other drugs are spread evenly.
2. **January-March 2017** (claim C1): "almost four tons of marijuana and hashish and over one ton
   of heroin and opium were seized in five countries of Central Asia". The words bound cannabis
   herb + resin to [3.5, 4.0) t and heroin + opium to (1.0, 1.5) t; the reconstruction takes the
   middle of each interval (``C1_TARGET_KG``) and shares it among the five countries and the
   drugs of each pair as their official 2016 annual kilograms are shared. The other drugs repeat
   the first quarter of 2016, the nearest figure there is.
3. **April-June 2017** (no statement): the second quarter of 2016, each drug scaled by the change
   of its C1 pair (or 1 for other drugs) between the first quarters of 2016 and 2017.

Cannabis plants are left out: they are counted in kilograms of whole plants, mostly from the
eradication of wild growth, and are not among the drugs of the bulletin's quarterly chart.

Run ``python -m bulletin.reconstruct.seizures_quarterly`` to rewrite ``data/seizures_quarterly.csv``
from ``data/seizures_annual.csv``; ``--check`` only compares and exits 1 on a difference.
"""

from __future__ import annotations

import logging
import sys

import numpy as np
import pandas as pd

from bulletin.reconstruct import rows_of_source, run_reconstruction
from bulletin.tables import load_table
from bulletin.vocab import CENTRAL_ASIA, drug_groups

log = logging.getLogger(__name__)

SOURCE = (
    "reconstructed from the bulletin text (Milestones 2017-Q2) and UNODC official annual "
    "seizures, by bulletin.reconstruct.seizures_quarterly"
)
OFFICIAL_YEARS = (2015, 2016)
SEASONAL_PROFILE = {
    "cannabis": (0.12, 0.20, 0.38, 0.30),
    "opiates": (0.22, 0.26, 0.28, 0.24),
    "ats": (0.25, 0.25, 0.25, 0.25),
    "cocaine": (0.25, 0.25, 0.25, 0.25),
    "other": (0.25, 0.25, 0.25, 0.25),
}
C1_PAIRS = {
    "cannabis_herb_resin": ("cannabis_herb", "cannabis_resin"),
    "heroin_opium": ("heroin", "opium"),
}
# Middle of the interval the bulletin's words allow: [3.5, 4.0) t and (1.0, 1.5) t.
C1_TARGET_KG = {"cannabis_herb_resin": 3750.0, "heroin_opium": 1250.0}
EXCLUDED_DRUGS = ("cannabis_plants",)
TENTHS = 10  # rows are kept to 0.1 kg


def split_by_largest_remainder(total_tenths: int, weights: np.ndarray) -> np.ndarray:
    """Split a whole number of tenths by weights so that the parts add up to it exactly.

    >>> split_by_largest_remainder(10, np.array([0.5, 0.25, 0.25])).tolist()
    [5, 3, 2]
    """
    weights = np.asarray(weights, dtype=float)
    if total_tenths == 0 or weights.sum() == 0:
        return np.zeros(len(weights), dtype=int)
    exact = total_tenths * weights / weights.sum()
    parts = np.floor(exact).astype(int)
    remainder = total_tenths - parts.sum()
    order = np.argsort(-(exact - parts), kind="stable")
    parts[order[:remainder]] += 1
    return parts


def official_annual(annual: pd.DataFrame) -> pd.DataFrame:
    """The official annual rows the reconstruction starts from (five countries, 2015-2016)."""
    rows = annual[
        (annual["status"] == "official")
        & annual["country"].isin(CENTRAL_ASIA)
        & annual["year"].isin(OFFICIAL_YEARS)
        & ~annual["drug"].isin(EXCLUDED_DRUGS)
    ]
    missing = sorted(set(OFFICIAL_YEARS) - set(rows["year"]))
    if missing:
        raise ValueError(
            f"seizures_annual has no official rows for {missing}: import the WDR 2018 annex first "
            "(see data/README.md)"
        )
    return rows[["country", "year", "drug", "kg"]].reset_index(drop=True)


def quarters_of_official_years(official: pd.DataFrame) -> pd.DataFrame:
    """Rule 1: split each official annual figure across its year's quarters."""
    records = []
    for row in official.itertuples(index=False):
        profile = np.array(SEASONAL_PROFILE[drug_groups()[row.drug]])
        parts = split_by_largest_remainder(round(row.kg * TENTHS), profile)
        for quarter, tenths in enumerate(parts, start=1):
            records.append((row.country, row.year, quarter, row.drug, tenths / TENTHS))
    return pd.DataFrame(records, columns=["country", "year", "quarter", "drug", "kg"])


def first_quarter_2017(official: pd.DataFrame, quarters: pd.DataFrame) -> pd.DataFrame:
    """Rule 2: January-March 2017 from the bulletin's statement, shared as in 2016."""
    base_2016 = official[official["year"] == 2016]
    records = []
    for pair, drugs in C1_PAIRS.items():
        shares = base_2016[base_2016["drug"].isin(drugs)].sort_values(["country", "drug"])
        parts = split_by_largest_remainder(
            round(C1_TARGET_KG[pair] * TENTHS), shares["kg"].to_numpy()
        )
        records += [
            (row.country, 2017, 1, row.drug, tenths / TENTHS)
            for row, tenths in zip(shares.itertuples(index=False), parts, strict=True)
        ]
    paired = {drug for drugs in C1_PAIRS.values() for drug in drugs}
    others = quarters[
        (quarters["year"] == 2016) & (quarters["quarter"] == 1) & ~quarters["drug"].isin(paired)
    ]
    frame = pd.DataFrame(records, columns=["country", "year", "quarter", "drug", "kg"])
    return pd.concat([frame, others.assign(year=2017)], ignore_index=True)


def second_quarter_2017(quarters: pd.DataFrame, q1_2017: pd.DataFrame) -> pd.DataFrame:
    """Rule 3: April-June 2017 as 2016-Q2 scaled by each C1 pair's change between first quarters."""
    q1_2016 = quarters[(quarters["year"] == 2016) & (quarters["quarter"] == 1)]
    q2_2016 = quarters[(quarters["year"] == 2016) & (quarters["quarter"] == 2)].copy()
    factor = pd.Series(1.0, index=q2_2016.index)
    for drugs in C1_PAIRS.values():
        before = q1_2016.loc[q1_2016["drug"].isin(drugs), "kg"].sum()
        after = q1_2017.loc[q1_2017["drug"].isin(drugs), "kg"].sum()
        factor[q2_2016["drug"].isin(drugs)] = after / before if before else 1.0
    q2_2016["kg"] = (q2_2016["kg"] * factor).round(1)
    return q2_2016.assign(year=2017)


def reconstruct_seizures_quarterly(annual: pd.DataFrame) -> pd.DataFrame:
    """All reconstructed rows of ``seizures_quarterly`` from the ``seizures_annual`` table."""
    official = official_annual(annual)
    quarters = quarters_of_official_years(official)
    q1_2017 = first_quarter_2017(official, quarters)
    q2_2017 = second_quarter_2017(quarters, q1_2017)
    rows = pd.concat([quarters, q1_2017, q2_2017], ignore_index=True)
    rows["source"] = SOURCE
    rows["status"] = "reconstructed"
    return rows.sort_values(["country", "year", "quarter", "drug"], ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    return run_reconstruction(
        argv,
        __doc__.splitlines()[0],
        "seizures_quarterly",
        lambda data_dir: reconstruct_seizures_quarterly(load_table("seizures_annual", data_dir)),
        rows_of_source(SOURCE),
    )


if __name__ == "__main__":
    sys.exit(main())
