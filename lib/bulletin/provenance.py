"""Say where a set of rows came from and how far to trust them, in words for charts and tables."""

from __future__ import annotations

import pandas as pd

from bulletin.wording import describe_years

STATUS_WORDS = {
    "official": "official figures",
    "reconstructed": "reconstructed by this project from the bulletin's statements, not official",
    "estimate": "estimates",
}


def describe_status(rows: pd.DataFrame, period_column: str | None = "year") -> str:
    """One sentence on the status of some rows, with the periods each status covers.

    >>> rows = pd.DataFrame({"year": [2015, 2016, 2017], "status": ["official", "official", "reconstructed"]})
    >>> print(describe_status(rows))
    Data status: official figures (2015-2016); reconstructed by this project from the bulletin's statements, not official (2017).
    """
    if rows.empty:
        return "Data status: no data."
    parts = []
    for status in sorted(rows["status"].unique(), key=list(STATUS_WORDS).index):
        words = STATUS_WORDS[status]
        if period_column and period_column in rows:
            periods = (
                rows.loc[rows["status"] == status, period_column].dropna().astype(int).tolist()
            )
            words += f" ({describe_years(periods)})"
        parts.append(words)
    return "Data status: " + "; ".join(parts) + "."


def describe_sources(rows: pd.DataFrame) -> str:
    """The distinct sources of some rows, as one 'Source:' line."""
    sources = sorted(rows["source"].dropna().unique())
    return "Source: " + ("; ".join(sources) if sources else "none") + "."


def statuses(rows: pd.DataFrame) -> list[str]:
    """The statuses present in some rows, in order of trust."""
    return sorted(rows["status"].unique(), key=list(STATUS_WORDS).index)
