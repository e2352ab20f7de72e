"""Reconstruct ``seizures_annual`` for the years with no official figures: 1990-2011.

The official rows of the table come from the World Drug Report annexes (2012-2016 from the WDR
2018 annex, 2018-2022 from the WDR 2024 annex), imported by ``bulletin import``. For 1990-2011 the
bulletin's own statements (Milestones 2017-Q2, claims C2-C6 of ANALYSES.md) are the only source,
so those rows are made here from them and from the official rows of 2012-2016, by the rules below,
and marked ``reconstructed``. Only four drugs are reconstructed, the ones the statements speak of:
cannabis herb (marijuana), cannabis resin (hashish), heroin and opium. "The five" are KAZ, KGZ,
TJK, TKM and UZB; the base year is 2012, the first official year after the reconstructed ones.

1. **Cannabis herb and resin, five countries, 1990-2011.** No statement gives their volume, so
   each country's official 2012 kilograms of each are carried back unchanged to every earlier
   year. The bulletin's rising cannabis share (C4) then comes from the opiates falling, which
   rules 2-4 make explicit.
2. **Heroin, the five together** ("the market was most saturated by heroin in 2003-2004", C2):
   a plateau at the peak level ``L`` in 2003 and 2004, reached by a straight line from the 2012
   official level in 1990 (the market before the heroin wave taken to be no larger than after
   it), and falling in a straight line to the 2012 official level.
3. **Opium, the five together** ("... and opium in 1990-2000", C2): the peak level ``L`` in every
   year of 1990-2000 (the bulletin gives the decade, not a year), then a straight line down to
   the 2012 official level.
4. **The peak level ``L``**, the same for both drugs (the bulletin ranks neither wave above the
   other), is the one level that makes cannabis herb + resin 65% of herb + resin + heroin +
   opium in 2001 ("The share of cannabis-type drugs in the total amount of drugs seized increased
   from 65% to 90% in 2001-2016", C4). Every year of rules 2 and 3 is a linear function of ``L``,
   so ``L`` is solved exactly. It must come out above every official regional heroin and opium
   total (both peaks are then the series' highest years, as C2 says); if it does not, the
   statements and the official rows disagree and the script stops.
5. **From the five to each country**: each year's regional heroin and opium are shared among
   the five as in 2012 (each country's share of the five's official 2012 kilograms of that
   drug), to whole kilograms by largest remainder, so the countries add up to the regional figure
   exactly (and years at the same regional level are identical in every country).
6. **Heroin in the Russian Federation, 2010-2011** ("Quantity of heroin seizures in the Russian
   Federation in the last seven years is higher than the regional seizures made in the Central
   Asian countries", C6, 2010-2016): the five's reconstructed heroin of the year times the mean,
   over 2012-2016, of the official ratio of the Russian Federation's heroin to the five's, to
   whole kilograms. Only the years of the statement are made: no other Russian figure is needed
   by the analyses, and no statement supports one.
7. **No rows for 2017, nor after the last official year.** The shipped publications have no 2017
   figure and the bulletin's only statement on 2017 (C1) covers one quarter: an annual figure
   made from it would rest on an assumed seasonal profile, not on data, so 2017 stays missing
   and the charts show the gap. The same holds for years after 2022.
8. **What needs nothing made.** C3 ("the largest market of marijuana and hashish ... for the
   last four-five years": cannabis the largest group in each of 2012-2016) and the 2016 end of C4
   (about 90%; the official figures give 92.6% of herb, resin, heroin and opium) fall on official
   years: the claim tests check them on the official rows alone.
9. **The official rows are kept as they are.** The script reads the table, drops the rows with
   status ``reconstructed`` (this script makes all of them), adds the rows above and writes the
   table through ``bulletin.tables.write_table``; a reconstructed row that would fall on an
   official row's key stops it. Re-running it on the same official rows gives the same rows.

Run ``python -m bulletin.reconstruct.seizures_annual`` to rewrite the reconstructed rows of
``data/seizures_annual.csv``; ``--check`` only compares and exits 1 on a difference.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bulletin.reconstruct import replace_own_rows, run_reconstruction
from bulletin.reconstruct.seizures_quarterly import split_by_largest_remainder
from bulletin.tables import check_table, load_table, table_spec
from bulletin.vocab import CENTRAL_ASIA

log = logging.getLogger(__name__)

SOURCE = (
    "reconstructed from the bulletin text (Milestones 2017-Q2) and UNODC official annual "
    "seizures 2012-2016, by bulletin.reconstruct.seizures_annual"
)
STATUS = "reconstructed"
FIRST_YEAR = 1990
BASE_YEAR = 2012  # first official year after the reconstructed ones
YEARS = tuple(range(FIRST_YEAR, BASE_YEAR))
CANNABIS = ("cannabis_herb", "cannabis_resin")
HEROIN, OPIUM = "heroin", "opium"
SHARE_YEAR = 2001  # C4: "from 65% to 90% in 2001-2016"
CANNABIS_SHARE = 0.65
HEROIN_PEAK_YEARS = (2003, 2004)  # C2
OPIUM_PEAK_YEARS = (1990, 2000)  # C2: the decade, first and last year
RUSSIA = "RUS"
RUSSIA_YEARS = (2010, 2011)  # C6: "the last seven years" (2010-2016) before 2012
RATIO_YEARS = tuple(range(2012, 2017))  # the official years of C6


@dataclass(frozen=True)
class Levels:
    """The figures the rules derive from the official rows (kilograms, the five together)."""

    cannabis: float  # herb + resin in the base year
    heroin_base: float
    opium_base: float
    peak: float  # L, rule 4
    russia_ratio: float  # rule 6


def official_rows(annual: pd.DataFrame) -> pd.DataFrame:
    """The official rows of the table."""
    return annual[annual["status"] == "official"]


def _five_by_drug(official: pd.DataFrame, year: int, drugs: tuple[str, ...]) -> pd.DataFrame:
    """The five's official kilograms of some drugs in one year, one row per country and drug;
    stops when a country or drug is missing (the rules need the whole base)."""
    rows = official[
        (official["year"] == year)
        & official["country"].isin(CENTRAL_ASIA)
        & official["drug"].isin(drugs)
    ]
    have = set(zip(rows["country"], rows["drug"], strict=True))
    missing = [f"{c} {d}" for c in CENTRAL_ASIA for d in drugs if (c, d) not in have]
    if missing:
        raise ValueError(
            f"seizures_annual has no official {year} figure for {', '.join(missing)}: import the "
            "WDR 2018 annex first (see data/README.md, seizures_annual)"
        )
    return rows[["country", "drug", "kg"]].sort_values(["country", "drug"], ignore_index=True)


def heroin_series(years: np.ndarray, base: float, peak: float) -> np.ndarray:
    """Rule 2: the five's heroin, base level in 1990, plateau in 2003-2004, base again in 2012."""
    anchors = [FIRST_YEAR, *HEROIN_PEAK_YEARS, BASE_YEAR]
    return np.interp(years, anchors, [base, peak, peak, base])


def opium_series(years: np.ndarray, base: float, peak: float) -> np.ndarray:
    """Rule 3: the five's opium, the peak level through 1990-2000, down to the base in 2012."""
    anchors = [*OPIUM_PEAK_YEARS, BASE_YEAR]
    return np.interp(years, anchors, [peak, peak, base])


def solve_peak(cannabis: float, heroin_base: float, opium_base: float) -> float:
    """Rule 4: the peak level L that makes cannabis 65% of the four drugs in 2001.

    Heroin and opium in 2001 are linear in L (rules 2-3), so two evaluations give the line and
    the level follows exactly.
    """
    year = np.array([SHARE_YEAR])

    def opiates(level: float) -> float:
        return float(
            heroin_series(year, heroin_base, level)[0] + opium_series(year, opium_base, level)[0]
        )

    target = cannabis * (1 - CANNABIS_SHARE) / CANNABIS_SHARE
    slope = opiates(1.0) - opiates(0.0)
    return (target - opiates(0.0)) / slope


def derive_levels(annual: pd.DataFrame) -> Levels:
    """The base-year totals, the peak level L and the Russian ratio (rules 1, 4, 6)."""
    official = official_rows(annual)
    base = _five_by_drug(official, BASE_YEAR, (*CANNABIS, HEROIN, OPIUM))
    by_drug = base.groupby("drug")["kg"].sum()
    cannabis = float(by_drug[list(CANNABIS)].sum())
    peak = solve_peak(cannabis, float(by_drug[HEROIN]), float(by_drug[OPIUM]))
    five = official[official["country"].isin(CENTRAL_ASIA)]
    for drug in (HEROIN, OPIUM):
        highest = five[five["drug"] == drug].groupby("year")["kg"].sum().max()
        if not peak > highest:
            raise ValueError(
                f"the peak level from the 2001 share ({peak:,.0f} kg) is not above the highest "
                f"official {drug} total of the five ({highest:,.0f} kg): the bulletin's "
                "statements C2 and C4 and the official rows disagree"
            )
    ratios = []
    for year in RATIO_YEARS:
        region = _five_by_drug(official, year, (HEROIN,))["kg"].sum()
        russia = official[
            (official["year"] == year)
            & (official["country"] == RUSSIA)
            & (official["drug"] == HEROIN)
        ]["kg"]
        if russia.empty or region == 0:
            raise ValueError(
                f"seizures_annual has no official {year} heroin figure for {RUSSIA} or the five: "
                "import the WDR 2018 annex first (see data/README.md, seizures_annual)"
            )
        ratios.append(float(russia.sum()) / float(region))
    return Levels(
        cannabis=cannabis,
        heroin_base=float(by_drug[HEROIN]),
        opium_base=float(by_drug[OPIUM]),
        peak=peak,
        russia_ratio=float(np.mean(ratios)),
    )


def _share_out(regional_kg: np.ndarray, base: pd.DataFrame, drug: str) -> list[tuple]:
    """Rule 5: each year's regional kilograms shared among the five as in the base year."""
    weights = base[base["drug"] == drug].sort_values("country")
    records = []
    for year, total in zip(YEARS, regional_kg, strict=True):
        parts = split_by_largest_remainder(int(round(total)), weights["kg"].to_numpy())
        records += [
            (country, year, drug, float(kg))
            for country, kg in zip(weights["country"], parts, strict=True)
        ]
    return records


def reconstruct_seizures_annual(annual: pd.DataFrame) -> pd.DataFrame:
    """The reconstructed rows of ``seizures_annual`` (rules 1-6), from the table's official rows."""
    levels = derive_levels(annual)
    base = _five_by_drug(official_rows(annual), BASE_YEAR, (*CANNABIS, HEROIN, OPIUM))
    years = np.array(YEARS, dtype=float)
    records = [
        (row.country, year, row.drug, float(row.kg))
        for row in base[base["drug"].isin(CANNABIS)].itertuples(index=False)
        for year in YEARS
    ]
    heroin = heroin_series(years, levels.heroin_base, levels.peak)
    records += _share_out(heroin, base, HEROIN)
    records += _share_out(opium_series(years, levels.opium_base, levels.peak), base, OPIUM)
    # Rule 6 uses the regional heroin as shared out (whole kilograms), the figure readers see.
    regional_heroin = dict(zip(YEARS, np.round(heroin), strict=True))
    records += [
        (RUSSIA, year, HEROIN, float(round(regional_heroin[year] * levels.russia_ratio)))
        for year in RUSSIA_YEARS
    ]
    rows = pd.DataFrame(records, columns=["country", "year", "drug", "kg"])
    rows["source"] = SOURCE
    rows["status"] = STATUS
    log.info(
        "peak level L = %.0f kg; Russian Federation / Central Asia heroin ratio %.3f",
        levels.peak,
        levels.russia_ratio,
    )
    rows = rows.sort_values(["country", "year", "drug"], ignore_index=True)
    return check_table("seizures_annual", rows)  # typed as a loaded table, for comparisons


def rebuild_table(annual: pd.DataFrame) -> pd.DataFrame:
    """Rule 9: the table with its reconstructed rows replaced and every other row as it was."""
    key = list(table_spec("seizures_annual").key)
    return replace_own_rows(annual, reconstruct_seizures_annual(annual), is_reconstructed, key)


def is_reconstructed(table: pd.DataFrame) -> pd.Series:
    """The rows this script owns: the reconstructed ones (official rows are never touched)."""
    return table["status"] == STATUS


def main(argv: list[str] | None = None) -> int:
    return run_reconstruction(
        argv,
        __doc__.splitlines()[0],
        "seizures_annual",
        lambda data_dir: reconstruct_seizures_annual(load_table("seizures_annual", data_dir)),
        is_reconstructed,
    )


if __name__ == "__main__":
    sys.exit(main())
