"""The Kyrgyz gender-based-violence and policing rows of ``indicators`` that only the bulletin gives.

The National Statistical Committee's workbooks (victims of domestic violence by sex, women who
applied to health authorities) are imported by ``bulletin import``, never typed. Four figures of
the 2017-Q2 issue are published nowhere the project reads, so they are transcribed here, as the
issue prints them, and one figure is reconstructed from them. This script writes exactly these
rows into ``data/indicators.csv`` and leaves every other row of the table as it is.

**Transcribed from the bulletin** (``status`` stated: figures the issue prints, citing a national
source, transcribed from its text; not an official publication of the figure, so coverage tables
count them apart from official rows; ``source`` names the issue and the source it cites, so a
reader knows the figure is second-hand and rounded as the bulletin rounds it):

1. "14,467 people turned to crisis centers and other institutions providing social and
   psychological assistance in 2015" - ``gbv_crisis_centre_clients``, 2015, 14,467 persons.
2. "In 2014, the police registered over 3,500 cases of GBV, compared to 1,800 in 2010" -
   ``gbv_cases_registered_by_police``: 2010, 1,800 cases (stated plainly), and 2014, 3,500 with
   the word "over" kept: disaggregation ``total; qualifier=over`` (the table has no qualifier
   column; the convention is documented in data/README.md and read by
   ``bulletin.analyses.gbv.split_qualifier``).
3. "in 2016, 5.9 per cent of all certified police officers were women, 4.3 per cent of whom
   belonged to an ethnic minority" (citing the Ministry of Interior) -
   ``certified_police_officers_share``, 2016, disaggregation ``sex=female``, 5.9 (% of certified
   police officers), and ``certified_police_women_ethnic_minority_share``, 2016, 4.3 (% of the
   women among them: "of whom" refers to the women).

**Reconstructed** (``status`` reconstructed: derived, not transcribed):

4. Crisis centres, 2010. The bulletin gives no 2010 figure, only "a 26 per cent increase from
   2010" to 14,467 in 2015. A whole per cent of 26 means an increase in [25.5, 26.5), so the 2010
   figure lies in (14,467 / 1.265, 14,467 / 1.255] = (11,436.4, 11,527.5]; the reconstruction
   takes the figure for exactly 26 per cent, 14,467 / 1.26, rounded to a whole person: 11,482.
   It says nothing the statement does not: its ``source`` says it is derived from claim C15, the
   statement it will be checked against, so a check of the 26 per cent on it is circular.

No year between the bulletin's figures is filled in.

Run ``python -m bulletin.reconstruct.indicators_gbv`` to (re)write these rows; ``--check`` only
compares them with the shipped table and exits 1 on a difference.
"""

from __future__ import annotations

import logging
import sys

import pandas as pd

from bulletin.analyses.indicators import (
    CRISIS_CENTRE_CLIENTS,
    MINORITY_AMONG_WOMEN_SHARE,
    POLICE_GBV_CASES,
    WOMEN_SHARE,
    with_qualifier,
)
from bulletin.analyses.series import TOTAL
from bulletin.data.tables import table_spec
from bulletin.reconstruct import reconstruction_main, rows_made_by

log = logging.getLogger(__name__)

BULLETIN = "UNODC ROCA, Milestones 2017-Q2 (April-June 2017)"
SOURCE_NSC = f"{BULLETIN}, citing the Kyrgyz National Statistical Committee"
SOURCE_MOI = f"{BULLETIN}, citing the Kyrgyz Ministry of Interior"
SOURCE_RECONSTRUCTED = (
    "reconstructed by bulletin.reconstruct.indicators_gbv: derived from the statement it is "
    "checked against (Milestones 2017-Q2, claim C15: 14,467 in 2015, a 26 per cent increase "
    "from 2010), so checking claim C15 on it is circular"
)
SOURCES = (SOURCE_NSC, SOURCE_MOI, SOURCE_RECONSTRUCTED)
INDICATORS = (CRISIS_CENTRE_CLIENTS, POLICE_GBV_CASES, WOMEN_SHARE, MINORITY_AMONG_WOMEN_SHARE)

CRISIS_2015 = 14467
C15_INCREASE = 0.26

# (year, indicator, disaggregation, value, unit, source), as the bulletin prints them.
TRANSCRIBED: tuple[tuple[int, str, str, float, str, str], ...] = (
    (2015, CRISIS_CENTRE_CLIENTS, TOTAL, CRISIS_2015, "persons", SOURCE_NSC),
    (2010, POLICE_GBV_CASES, TOTAL, 1800, "cases", SOURCE_NSC),
    (2014, POLICE_GBV_CASES, with_qualifier(TOTAL, "over"), 3500, "cases", SOURCE_NSC),
    (2016, WOMEN_SHARE, "sex=female", 5.9, "% of certified police officers", SOURCE_MOI),
    (
        2016,
        MINORITY_AMONG_WOMEN_SHARE,
        TOTAL,
        4.3,
        "% of women certified police officers",
        SOURCE_MOI,
    ),
)


def crisis_centres_2010() -> float:
    """Rule 4: the 2010 figure for exactly a 26 per cent increase to 2015, to a whole person."""
    return float(round(CRISIS_2015 / (1 + C15_INCREASE)))


def gbv_rows() -> pd.DataFrame:
    """The rows this script owns, in the table's columns."""
    lines = [
        {
            "country": "KGZ",
            "year": year,
            "indicator": indicator,
            "disaggregation": disaggregation,
            "value": float(value),
            "unit": unit,
            "source": source,
            "status": "stated",
        }
        for year, indicator, disaggregation, value, unit, source in TRANSCRIBED
    ]
    lines.append(
        {
            "country": "KGZ",
            "year": 2010,
            "indicator": CRISIS_CENTRE_CLIENTS,
            "disaggregation": TOTAL,
            "value": crisis_centres_2010(),
            "unit": "persons",
            "source": SOURCE_RECONSTRUCTED,
            "status": "reconstructed",
        }
    )
    return pd.DataFrame(lines, columns=table_spec("indicators").columns)


def owned(table: pd.DataFrame) -> pd.Series:
    """The rows of ``indicators`` this script wrote: its indicators with its sources.

    For the reconstructed row, any source naming the script counts, so that a reworded source
    is still its own.
    """
    sources = table["source"].isin(SOURCES) | rows_made_by("indicators_gbv")(table)
    return table["indicator"].isin(INDICATORS) & sources


main = reconstruction_main(__doc__.splitlines()[0], "indicators", gbv_rows, (), owned)


if __name__ == "__main__":
    sys.exit(main())
