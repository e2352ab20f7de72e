"""Filling a country's missing years from its own official years and from everyone's.

Shared by the reconstructions of ``drug_offences`` and ``drug_arrests``. A country-year's figures
are its *lines*: counts by offence type, or persons by sex and age. Two rules:

- **Between two known years** of the same country, each line both years publish takes the
  straight line between them, rounded half up; a line only one of them publishes is not made
  (missing stays missing, never filled in). See :func:`between`.
- **Before the first (or after the last) known year**, the known year's figures are carried by
  the change of the official totals of the countries that report both years of each step
  (a chain of year-to-year links, each over the countries reporting both years: a matched
  sample, so that a country starting to report does not read as growth). A step no country
  reports both years of counts as no change. See :func:`chain_index`.
"""

from __future__ import annotations

from collections.abc import Mapping

from bulletin.reconstruct import interpolate, round_half_up

Lines = dict[str, int]


def neighbours(years: list[int] | set[int], year: int) -> tuple[int | None, int | None]:
    """The nearest known years before and after ``year`` (None where there is none).

    >>> neighbours([2011, 2013, 2016], 2012), neighbours([2011], 2010)
    ((2011, 2013), (None, 2011))
    """
    before = max((y for y in years if y < year), default=None)
    after = min((y for y in years if y > year), default=None)
    return before, after


def between(known: Mapping[int, Lines], year: int) -> tuple[Lines, int, int] | None:
    """The lines of ``year`` on the straight lines between its two nearest known years.

    Returns:
        The lines both neighbours publish, and the two years; None when ``year`` is not between
        two known years, or they share no line.

    >>> between({2011: {"a": 200, "b": 7}, 2013: {"a": 100}}, 2012)
    ({'a': 150}, 2011, 2013)
    """
    before, after = neighbours(set(known), year)
    if before is None or after is None:
        return None
    old, new = known[before], known[after]
    lines = {
        line: round_half_up(interpolate(year, before, old[line], after, new[line]))
        for line in sorted(old.keys() & new.keys())
    }
    return (lines, before, after) if lines else None


def link(totals: Mapping[tuple[str, int], int], start: int, end: int) -> float:
    """The change from ``start`` to ``end`` of the totals of the countries reporting both years.

    >>> link({("A", 2010): 100, ("A", 2011): 80, ("B", 2011): 500}, 2010, 2011)
    0.8
    >>> link({("B", 2011): 500}, 2010, 2011)
    1.0
    """
    countries = {c for c, y in totals if y == start} & {c for c, y in totals if y == end}
    first = sum(totals[(c, start)] for c in countries)
    if not countries or first == 0:
        return 1.0
    return sum(totals[(c, end)] for c in countries) / first


def chain_index(totals: Mapping[tuple[str, int], int], anchor: int, year: int) -> float:
    """The factor that carries a figure of ``anchor`` to ``year``: the product of the links.

    >>> totals = {("A", 2010): 100, ("A", 2011): 80, ("A", 2012): 40}
    >>> chain_index(totals, 2012, 2010)
    2.5
    """
    factor, step = 1.0, 1 if year > anchor else -1
    for here in range(anchor, year, step):
        factor *= link(totals, here, here + step)
    return factor


def scale(lines: Lines, factor: float) -> Lines:
    """Every line times ``factor``, rounded half up.

    >>> scale({"a": 10, "b": 3}, 1.5)
    {'a': 15, 'b': 5}
    """
    return {line: round_half_up(count * factor) for line, count in lines.items()}
