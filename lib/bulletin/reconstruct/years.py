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

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bulletin.core.numbers import round_half_up
from bulletin.core.wording import describe_years
from bulletin.reconstruct import interpolate

Lines = dict[str, int]
FIRST_YEAR, LAST_YEAR = 2010, 2016
"""The years both reconstructions fill: those the bulletin's statements on crime span."""
STATED_YEAR = 2016
"""The year of the bulletin's regional totals (claims C9 and C12)."""


@dataclass(frozen=True)
class RuleSources:
    """The ``source`` of the rows a year-filling reconstruction makes, one for each of its rules.

    Both modules fill a year between two official years, share the bulletin's 2016 statement,
    draw a line between an official year and a year of the statement, and carry a known year
    by a change; a row resting on the statement says so, and names the claims.
    """

    between: str
    statement: str
    between_stated: str
    carried: str
    carried_stated: str

    @classmethod
    def of(cls, module: str, stated: str, shared_as: str, carried: str) -> RuleSources:
        """The sources of ``bulletin.reconstruct.<module>``.

        Args:
            module: the module's name.
            stated: what the statement's rows rest on (the bulletin's figure and its claims).
            shared_as: how the statement's figure is shared between the countries.
            carried: what carries a known year to another.
        """
        by = f"reconstructed by bulletin.reconstruct.{module}"
        return cls(
            between=f"{by}: straight line between the country's official years",
            statement=f"{by}: {stated}, {shared_as}",
            between_stated=(
                f"{by}: straight line between the country's official year and its 2016 figure "
                f"from {stated}"
            ),
            carried=f"{by}: the country's nearest official year {carried}",
            carried_stated=f"{by}: the country's 2016 figure from {stated}, {carried}",
        )

    @property
    def every(self) -> tuple[str, str, str, str, str]:
        """All five, in the order of the fields."""
        return (self.between, self.statement, self.between_stated, self.carried, self.carried_stated)

    @property
    def from_statement(self) -> tuple[str, str, str]:
        """Those of the rows resting on the bulletin's statements (``bulletin.data.trust``)."""
        return (self.statement, self.between_stated, self.carried_stated)


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
        line: int(round_half_up(interpolate(year, before, old[line], after, new[line])))
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
    return {line: int(round_half_up(count * factor)) for line, count in lines.items()}


def years_to_carry(
    country: str,
    period: range,
    anchors: list[int],
    gaps: list[int],
    note: Callable[[str], None],
    *,
    shared: tuple[str, str],
    missing_rule: int,
) -> list[int]:
    """The gaps of a country's period before its first or after its last known year.

    Those are carried from the nearest known year; the others stay missing, and a note says
    which and why: every gap when the country has no known year in the period (rule
    ``missing_rule``), and gaps between two known years that share nothing to draw a line
    between.

    Args:
        country: the country.
        period: the years reconstructed.
        anchors: the country's known years in the period, in order.
        gaps: its years not known nor made yet, in order.
        note: adds a note to the summary.
        shared: what two known years share, singular and plural (``("line", "lines")``).
        missing_rule: the number of the module's rule that leaves years missing.
    """
    if gaps and not anchors:
        note(
            f"{country}: no known year in {period[0]}-{period[-1]}, so "
            f"{describe_years(gaps)} missing (rule {missing_rule})."
        )
        return []
    inside = [y for y in gaps if anchors[0] < y < anchors[-1]]
    if inside:
        note(
            f"{country}: {describe_years(inside)} between known years that share no {shared[0]}: "
            f"missing (rule 1 makes only the {shared[1]} both publish)."
        )
    return [y for y in gaps if y not in inside]

