"""Analysis 5, the windows of time: which months of seizure cases a period and its baseline hold.

A window is whole months (``2012-01`` to ``2017-06``); a case belongs to it when every day its
date may stand for lies in it (``2017`` may be July, so it is not in a window ending in June). The
windows of an issue and of claim C7 come from the issue and the data, never typed
(:func:`windows_for_issue`, :func:`claim_windows`). The rules: :mod:`bulletin.analyses.routes`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

import pandas as pd

from bulletin.core.periods import MONTHS, Quarter
from bulletin.core.wording import (
    count_in_words,
)

PERIOD = "period"
BASELINE = "baseline"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class CaseWindow:
    """A window of whole months, from ``first_month`` to ``last_month`` (``YYYY-MM``)."""

    first_month: str
    last_month: str

    @classmethod
    def parse(cls, first_month: str, last_month: str) -> CaseWindow:
        """Read a window from two months as ``YYYY-MM``.

        >>> CaseWindow.parse("2012-01", "2017-06").label
        '2012-June 2017'

        Raises:
            ValueError: for a month not written ``YYYY-MM`` or a window that ends before it starts.
        """
        for month in (first_month, last_month):
            match = _MONTH.match(str(month))
            if not match or not 1 <= int(match[2]) <= 12:
                raise ValueError(f"{month!r} is not a month: expected YYYY-MM, e.g. 2012-01")
        if last_month < first_month:
            raise ValueError(f"the window {first_month}..{last_month} ends before it starts")
        return cls(first_month, last_month)

    @property
    def first_day(self) -> str:
        """The window's first day, ``YYYY-MM-DD``."""
        return f"{self.first_month}-01"

    @property
    def last_day(self) -> str:
        """The window's last day, ``YYYY-MM-DD``."""
        year, month = (int(part) for part in self.last_month.split("-"))
        return f"{self.last_month}-{calendar.monthrange(year, month)[1]:02d}"

    @property
    def day_bound(self) -> str:
        """The upper bound of the window's days as text: ``YYYY-MM-31`` whatever the month.

        Dates compare as text; a case dated only to a month stands for days up to ``-31`` (see
        the module's rules), so the window's last month ends at ``-31`` too.
        """
        return f"{self.last_month}-31"

    @property
    def label(self) -> str:
        """The window as the bulletin writes it: ``2012-June 2017``, ``2006-2011``.

        >>> CaseWindow.parse("2017-04", "2017-06").label, CaseWindow.parse("2016-01", "2016-12").label
        ('April-June 2017', '2016')
        """
        first_year, first = (int(part) for part in self.first_month.split("-"))
        last_year, last = (int(part) for part in self.last_month.split("-"))
        if first_year == last_year and not (first == 1 and last == 12):
            months = MONTHS[first - 1] if first == last else f"{MONTHS[first - 1]}-{MONTHS[last - 1]}"
            return f"{months} {last_year}"
        start = str(first_year) if first == 1 else f"{MONTHS[first - 1]} {first_year}"
        end = str(last_year) if last == 12 else f"{MONTHS[last - 1]} {last_year}"
        return start if start == end else f"{start}-{end}"

    @property
    def interval(self) -> str:
        """The window as an ISO 8601 interval of months, ``2012-01/2017-06`` (for figures.json)."""
        return f"{self.first_month}/{self.last_month}"

    def overlaps(self, other: CaseWindow) -> bool:
        """Whether two windows share a month."""
        return self.first_month <= other.last_month and other.first_month <= self.last_month


BULLETIN_PERIOD = CaseWindow("2012-01", "2017-06")
"""The period of claim C7: "the last six years (2012-June 2017)"."""
BULLETIN_BASELINE = CaseWindow("2006-01", "2011-12")
"""The six years before it, the baseline the period is compared with."""


def last_month_of(issue: Quarter) -> str:
    """The last month of an issue's quarter, ``YYYY-MM``: no case after it is the issue's.

    >>> last_month_of(Quarter(2017, 3))
    '2017-09'
    """
    return f"{issue.year}-{issue.quarter * 3:02d}"


def month_label(month: str) -> str:
    """A month ``YYYY-MM`` as the pages write it: ``December 2016``."""
    return CaseWindow.parse(month, month).label


def window_for_issue(first_month: str, last_month: str, issue: Quarter) -> CaseWindow:
    """The window an issue examines: ``first_month..last_month``, cut at the end of its quarter.

    An issue cannot report cases from after its own quarter: the 2017-Q1 issue examines 2012 to
    March 2017 when asked for 2012 to June 2017.

    >>> window_for_issue("2012-01", "2017-06", Quarter(2017, 1)).label
    '2012-March 2017'
    """
    issue_end = last_month_of(issue)
    window = CaseWindow.parse(first_month, last_month)
    if window.last_month <= issue_end:
        return window
    return CaseWindow.parse(first_month, max(issue_end, first_month))


def _month_after(month: str, months: int) -> str:
    """``YYYY-MM`` moved by ``months`` (negative: back)."""
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def case_months(cases: pd.DataFrame) -> tuple[str, str] | None:
    """The first and last month the cases' dates reach, or None without dates.

    The first and last month the cases' dates reach (a date kept to the year counts from its
    January to its December), or None without cases.
    """
    dates = cases["date"].dropna().astype(str)
    if dates.empty:
        return None
    first = dates.str[:7].where(dates.str.len() >= 7, dates.str[:4] + "-01")
    last = dates.str[:7].where(dates.str.len() >= 7, dates.str[:4] + "-12")
    return str(first.min()), str(last.max())


def claim_windows(
    cases: pd.DataFrame, issue: Quarter, years: int
) -> tuple[CaseWindow, CaseWindow] | None:
    """The period and baseline an issue's statement on new route legs is checked over.

    The period is the last ``years`` years to the end of the issue's quarter (the 2017-Q2 issue's
    "last six years (2012-June 2017)"), cut at the last month with cases; the baseline is every
    month with cases before it. None when the cases leave either empty.

    >>> cases = pd.DataFrame({"date": ["2011-03-02", "2014", "2016-12-30"]})
    >>> period, baseline = claim_windows(cases, Quarter(2017, 2), 6)
    >>> period.label, baseline.label
    ('2012-2016', 'March-December 2011')
    """
    months = case_months(cases)
    if months is None:
        return None
    first_case, last_case = months
    issue_end = last_month_of(issue)
    start = _month_after(issue_end, -(years * 12) + 1)
    start = f"{int(start[:4]) + (1 if start[5:] != '01' else 0):04d}-01"  # whole years
    end = min(issue_end, last_case)
    if end < start or first_case >= start:
        return None
    return CaseWindow.parse(start, end), CaseWindow.parse(first_case, _month_after(start, -1))


def period_start(issue: Quarter, years: int) -> str:
    """The first month of the last ``years`` whole years to the issue's quarter, before any cut.

    >>> period_start(Quarter(2017, 2), 6)
    '2012-01'
    """
    return f"{issue.year - years + 1:04d}-01"


def windows_for_issue(
    cases: pd.DataFrame, issue: Quarter, years: int
) -> tuple[CaseWindow, CaseWindow]:
    """The period and baseline an issue's page examines.

    :func:`claim_windows` on its cases. When no case is older than the period, the period starts
    at the first month with cases (2015-Q1: "2011-March 2015", not "2010-March 2015", whose 2010
    holds no case) and the baseline is the ``years`` years before it, which the page says hold no
    case. Without cases in the period, the last ``years`` years to the end of the issue's quarter
    and the ``years`` years before them (the page then says it has no cases).

    >>> cases = pd.DataFrame({"date": ["2011-03-02", "2016-12-30"]})
    >>> period, baseline = windows_for_issue(cases, Quarter(2015, 1), 6)
    >>> period.label, baseline.label
    ('March 2011-March 2015', 'March 2005-February 2011')
    """
    found = claim_windows(cases, issue, years)
    if found is not None:
        return found
    end = last_month_of(issue)
    start = period_start(issue, years)
    months = case_months(cases)
    if months is not None and start <= months[0] <= end:  # no case before the period
        first_case, last_case = months
        return (CaseWindow.parse(first_case, min(end, last_case)),
                CaseWindow.parse(_month_after(first_case, -years * 12), _month_after(first_case, -1)))
    return CaseWindow.parse(start, end), CaseWindow.parse(f"{issue.year - 2 * years + 1:04d}-01",
                                                          _month_after(start, -1))


def cases_compared(cases: pd.DataFrame, period: CaseWindow, baseline: CaseWindow) -> pd.DataFrame:
    """The cases of the period and of the baseline (the rows the page's comparison uses)."""
    return pd.concat([cases_within(cases, baseline), cases_within(cases, period)],
                     ignore_index=True)


def cases_within(cases: pd.DataFrame, window: CaseWindow) -> pd.DataFrame:
    """The cases whose date lies wholly within a window (see the module's rules)."""
    date = cases["date"].astype(str)
    first = date.where(date.str.len() != 4, date + "-01-01")
    first = first.where(first.str.len() != 7, first + "-01")
    last = date.where(date.str.len() != 4, date + "-12-31")
    last = last.where(last.str.len() != 7, last + "-31")
    inside = (first >= window.first_day) & (last <= window.day_bound)
    return cases.loc[inside].reset_index(drop=True)


def month_count(window: CaseWindow) -> int:
    """How many months a window holds, its first and last included.

    >>> month_count(CaseWindow.parse("2012-01", "2017-06"))
    66
    """
    first_year, first = (int(p) for p in window.first_month.split("-"))
    last_year, last = (int(p) for p in window.last_month.split("-"))
    return (last_year - first_year) * 12 + last - first + 1


def months_long(window: CaseWindow) -> str:
    """How long a window is, in words: "66 months", "one month"."""
    return count_in_words(month_count(window), "month")
