"""Quarters: how an issue is named, and which quarter of data it reports.

An issue of the bulletin is named by its quarter (2017-Q2 = April-June 2017). Seizure figures lag:
the 2017-Q2 issue reports the seizures of January-March 2017, the quarter before (ANALYSES.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ACCEPTED_FORM = "YYYYQn or YYYY-Qn with a four-digit year and a quarter from 1 to 4, e.g. 2017Q2"
_QUARTER = re.compile(r"^(?P<year>\d{4})-?Q(?P<quarter>[1-4])$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, e.g. ``Quarter(2017, 2)`` for April-June 2017."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        """Refuse a quarter outside 1 to 4."""
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be from 1 to 4, got {self.quarter}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read ``2017Q2`` or ``2017-Q2``.

        >>> Quarter.parse("2017-Q2")
        Quarter(year=2017, quarter=2)

        Raises:
            ValueError: with the accepted form, for anything else (``2017Q5``, ``17Q2``).
        """
        match = _QUARTER.match(str(text).strip())
        if not match:
            raise ValueError(f"{text!r} is not a quarter: expected {ACCEPTED_FORM}")
        return cls(int(match["year"]), int(match["quarter"]))

    def shift(self, quarters: int) -> Quarter:
        """The quarter ``quarters`` later (earlier when negative).

        >>> Quarter(2017, 1).shift(-1)
        Quarter(year=2016, quarter=4)
        """
        index = self.year * 4 + (self.quarter - 1) + quarters
        return Quarter(index // 4, index % 4 + 1)

    def previous(self) -> Quarter:
        """The quarter before."""
        return self.shift(-1)

    def year_before(self) -> Quarter:
        """The same quarter a year earlier."""
        return self.shift(-4)

    @property
    def label(self) -> str:
        """``2017-Q2``: the name of an issue and of its folder in ``reports/``."""
        return f"{self.year}-Q{self.quarter}"

    @property
    def months(self) -> str:
        """``April-June 2017``: the months the quarter covers, as the bulletin writes them."""
        first = MONTHS[(self.quarter - 1) * 3]
        last = MONTHS[(self.quarter - 1) * 3 + 2]
        return f"{first}-{last} {self.year}"

    def __str__(self) -> str:
        """The period as the bulletin writes it (its label)."""
        return self.label


STATEMENTS_ISSUE = Quarter(2017, 2)
"""The issue whose statements the claims are: the 2017-Q2 bulletin, the one issue whose text the
project holds (``../shared/bulletin/ANALYSES.md``). Its statements keep their own periods ("in
January-March 2017") in every issue rendered, and every page quotes them as that issue's words,
never as the text of the issue being rendered."""


def data_quarter(issue: Quarter) -> Quarter:
    """The quarter of seizure data an issue reports: the quarter before the issue's.

    >>> data_quarter(Quarter(2017, 2)).months
    'January-March 2017'
    """
    return issue.previous()
