"""The Kyrgyz indicator series of ``indicators.csv`` that the GBV and policing pages read.

Their names, shared by the pages (analyses 9-10) and the reconstruction that fills what the
bulletin states but nobody published (``bulletin.reconstruct.indicators_gbv``), and the way a
figure a source gives loosely ("over 3,500") carries its word in ``disaggregation``
(:func:`split_qualifier`, :func:`with_qualifier`).
"""

from __future__ import annotations

import pandas as pd

from bulletin.analyses.series import TOTAL
from bulletin.core.wording import STATED_QUALIFIERS

COUNTRY = "KGZ"
"""The country of the GBV and policing series: Kyrgyzstan."""
FEMALE = "sex=female"
MALE = "sex=male"
QUALIFIER_KEY = "qualifier"
"""A figure the source gives loosely has its word as a ``qualifier=<word>`` part of
``disaggregation``: ``total; qualifier=over`` is the total, given as "over" the value
(data/README.md). Parts are ``key=value`` pairs joined by "; ", as ``bulletin import`` writes them.
"""
PART_SEPARATOR = "; "
# The bulletin's own series (it cites the National Statistical Committee).
CRISIS_CENTRE_CLIENTS = "gbv_crisis_centre_clients"
POLICE_GBV_CASES = "gbv_cases_registered_by_police"
# The bulletin's figures for 2016, citing the Ministry of Interior (analysis 10).
WOMEN_SHARE = "certified_police_officers_share"
MINORITY_AMONG_WOMEN_SHARE = "certified_police_women_ethnic_minority_share"


def split_qualifier(rows: pd.DataFrame) -> pd.DataFrame:
    """Take a loose figure's word out of ``disaggregation`` into a ``qualifier`` column.

    ``total; qualifier=over`` becomes disaggregation ``total`` and qualifier ``over``; a plain
    figure has an empty qualifier.

    Raises:
        ValueError: for a word that is not one of ``STATED_QUALIFIERS``, naming the row.
    """
    disaggregations, qualifiers = [], []
    for line in rows.itertuples():
        parts = str(line.disaggregation).split(PART_SEPARATOR)
        words = [p.split("=", 1)[1] for p in parts if p.startswith(f"{QUALIFIER_KEY}=")]
        kept = [p for p in parts if not p.startswith(f"{QUALIFIER_KEY}=")]
        if len(words) > 1 or (words and words[0] not in STATED_QUALIFIERS):
            raise ValueError(
                f"indicators: {line.indicator} {line.year} has disaggregation "
                f"{line.disaggregation!r}; expected at most one '{QUALIFIER_KEY}=' part, one of "
                + ", ".join(STATED_QUALIFIERS)
            )
        disaggregations.append(PART_SEPARATOR.join(kept) or TOTAL)
        qualifiers.append(words[0] if words else None)
    return rows.assign(
        disaggregation=pd.Series(disaggregations, index=rows.index, dtype=object),
        qualifier=pd.Series(qualifiers, index=rows.index, dtype=object),
    )


def with_qualifier(disaggregation: str, qualifier: str | None) -> str:
    """The disaggregation that carries a loose figure's word.

    >>> with_qualifier("total", "over")
    'total; qualifier=over'
    """
    if qualifier is None:
        return disaggregation
    if qualifier not in STATED_QUALIFIERS:
        raise ValueError(f"expected one of {', '.join(STATED_QUALIFIERS)}, got {qualifier!r}")
    return f"{disaggregation}{PART_SEPARATOR}{QUALIFIER_KEY}={qualifier}"
