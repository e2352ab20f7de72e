"""Sentences about series of years, dates and gaps, built from the words of bulletin.core.wording.

How a yearly series moved (:func:`describe_trend`, every year that breaks a run named), dates at
the precision a source gives them (:func:`describe_partial_date`), and the sentences of the annual
seizure pages (analyses 2-4): coverage, gaps, peaks, the largest group, shares and comparisons.
The rules of :mod:`bulletin.core.wording` hold here too: the words follow the figures.
"""

from __future__ import annotations

from bulletin.core.numbers import (
    checked,
    is_missing_text,
)
from bulletin.core.wording import (
    describe_direction,
    describe_percent,
    describe_quantity,
    describe_shift,
    describe_years,
    join_words,
    number_in_words,
)


def _steps(values: dict[int, float]) -> list[tuple[int, int, str]]:
    """Each year-to-year step of a series as (from year, to year, "up" / "down" / "flat")."""
    years = sorted(values)
    steps = []
    for before, after in zip(years, years[1:], strict=False):
        old = checked(values[before], "a value")
        new = checked(values[after], "a value")
        steps.append((before, after, "up" if new > old else "down" if new < old else "flat"))
    return steps


_VERBS = {"up": "increased", "down": "decreased", "flat": "did not change"}


def describe_trend(values: dict[int, float]) -> str:
    """Say how a yearly series moved, naming every year that breaks the run.

    The words never smooth over a year: a series that fell in all years but one is not said to
    have fallen "every year" or "steadily"; the year that broke the run is named. One turn is said
    as such ("then increased in 2016"); more than one gives the overall direction and the years
    against it.

    Args:
        values: the series, by year (consecutive years; at least two).

    >>> describe_trend({2010: 5, 2011: 4, 2012: 3})
    'decreased every year from 2010 to 2012'
    >>> describe_trend({2010: 5, 2011: 4, 2012: 3, 2013: 6})
    'decreased every year from 2010 to 2012, then increased in 2013'
    >>> describe_trend({2010: 9, 2011: 8, 2012: 8.5, 2013: 7, 2014: 6})
    'decreased from 2010 to 2014, but not every year: it increased in 2012'

    Raises:
        ValueError: for fewer than two years, years that are not consecutive, or a value that is
            missing, negative or infinite.
    """
    years = sorted(values)
    if len(years) < 2:
        raise ValueError(f"expected a series of two years or more, got {years}")
    if years != list(range(years[0], years[-1] + 1)):
        raise ValueError(f"expected consecutive years, got {years}: a gap hides how it moved")
    steps = _steps(values)
    runs: list[list[tuple[int, int, str]]] = []
    for step in steps:
        if runs and runs[-1][-1][2] == step[2]:
            runs[-1].append(step)
        else:
            runs.append([step])
    first, last = years[0], years[-1]
    if len(runs) == 1:
        direction = runs[0][0][2]
        if direction == "flat":
            return f"did not change from {first} to {last}"
        if len(steps) == 1:
            return f"{_VERBS[direction]} from {first} to {last}"
        return f"{_VERBS[direction]} every year from {first} to {last}"
    if len(runs) == 2 and "flat" not in (runs[0][0][2], runs[1][0][2]):
        head, tail = runs
        turn = head[-1][1]
        start = (
            f"{_VERBS[head[0][2]]} every year from {first} to {turn}"
            if len(head) > 1
            else f"{_VERBS[head[0][2]]} from {first} to {turn}"
        )
        end = (
            f"then {_VERBS[tail[0][2]]} in {last}"
            if len(tail) == 1
            else f"then {_VERBS[tail[0][2]]} every year to {last}"
        )
        return f"{start}, {end}"
    old, new = values[first], values[last]
    overall = "up" if new > old else "down" if new < old else "flat"
    against = [
        (direction, [after for _, after, d in steps if d == direction])
        for direction in ("up", "down", "flat")
        if direction != overall
    ]
    breaks = [
        f"{_VERBS[direction]} in {join_words([str(y) for y in years_])}"
        for direction, years_ in against
        if years_
    ]
    if overall == "flat":
        return f"was the same in {first} and {last}, moving in between: it {join_words(breaks)}"
    return f"{_VERBS[overall]} from {first} to {last}, but not every year: it {join_words(breaks)}"


def describe_partial_date(start: str | None, end: str | None = None) -> str:
    """A date or span of dates at the precision a source gives it, as the bulletin writes dates.

    Dates are ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; a missing start is "date not given".

    >>> describe_partial_date("2017-04-25", "2017-04-28")
    '25-28 April 2017'
    >>> describe_partial_date("2017-06", "2017-06")
    'June 2017'
    >>> describe_partial_date("2017-07-28", "2017-07-28")
    '28 July 2017'
    >>> describe_partial_date(None)
    'date not given'

    Raises:
        ValueError: for a date in any other form.
    """
    if is_missing_text(start):
        return "date not given"
    first = _date_parts(str(start))
    last = first if is_missing_text(end) else _date_parts(str(end))
    if first == last:
        return _date_words(first)
    (y1, m1, d1), (y2, m2, d2) = first, last
    if y1 == y2 and m1 == m2 and m1 and d1 and d2:
        return f"{d1}-{d2} {_month_name(m1)} {y1}"
    if y1 == y2 and m1 and m2 and bool(d1) == bool(d2):
        head = f"{d1} {_month_name(m1)}" if d1 else _month_name(m1)
        return f"{head}-{_date_words(last)}"
    return f"{_date_words(first)}-{_date_words(last)}"


def _month_name(month: int) -> str:
    from bulletin.core.periods import MONTHS  # periods needs nothing from here: no cycle

    return MONTHS[month - 1]


def _date_parts(text: str) -> tuple[int, int | None, int | None]:
    parts = text.strip().split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(f"expected a date as YYYY-MM-DD, YYYY-MM or YYYY, got {text!r}")
    numbers = [int(p) for p in parts] + [None] * (3 - len(parts))
    year, month, day = numbers
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"expected a month from 01 to 12, got {text!r}")
    if day is not None and not 1 <= day <= 31:
        raise ValueError(f"expected a day from 01 to 31, got {text!r}")
    return year, month, day


def _date_words(parts: tuple[int, int | None, int | None]) -> str:
    year, month, day = parts
    if month is None:
        return str(year)
    if day is None:
        return f"{_month_name(month)} {year}"
    return f"{day} {_month_name(month)} {year}"


def describe_coverage(covered: int, of: int) -> str:
    """How many of a set of countries a figure covers.

    >>> describe_coverage(5, 5), describe_coverage(4, 5)
    ('all five countries', 'four of the five countries')

    Raises:
        ValueError: for a count below zero or above ``of``.
    """
    if not 0 <= covered <= of:
        raise ValueError(f"expected a number of countries from 0 to {of}, got {covered}")
    if covered == of:
        return f"all {number_in_words(of)} countries" if of > 1 else "the country"
    if covered == 0:
        return f"none of the {number_in_words(of)} countries"
    return f"{number_in_words(covered)} of the {number_in_words(of)} countries"


def describe_gaps(gaps: list[tuple[str, str, list[int]]], empty_years: list[int]) -> str:
    """Name the figures that are missing, so that no reader takes a gap for a zero.

    Args:
        gaps: ``(who, what, years)``: a country, the drug it has no figure for (or a phrase
            such as "all drugs shown"), and the years.
        empty_years: years without any figure at all.

    >>> describe_gaps([("Turkmenistan", "all drugs shown", [2018, 2019, 2020])], [2017])
    'Missing, not counted as zero: Turkmenistan, all drugs shown, 2018-2020. No figures at all for 2017.'
    >>> describe_gaps([], [])
    ''
    """
    parts = []
    if gaps:
        parts.append(
            "Missing, not counted as zero: "
            + "; ".join(f"{who}, {what.lower()}, {describe_years(years)}" for who, what, years in gaps)
            + "."
        )
    if empty_years:
        parts.append(f"No figures at all for {describe_years(empty_years)}.")
    return " ".join(parts)


def describe_peak(what: str, years: list[int], tons: float) -> str:
    """When a drug's seizures were highest, and how much: the years of a tie run together.

    >>> describe_peak("Heroin", [2003, 2004], 11.131)
    'Heroin seizures were highest in 2003-2004: over 11 tons a year.'
    >>> describe_peak("Opium", [2013], 1.96)
    'Opium seizures were highest in 2013: almost two tons.'
    """
    each = " a year" if len(years) > 1 else ""
    return f"{what} seizures were highest in {describe_years(years)}: {describe_quantity(tons, 'ton')}{each}."


def describe_largest_each_year(largest: dict[int, str]) -> str:
    """Which group was the largest by weight, year by year, in one sentence.

    >>> describe_largest_each_year({2012: "marijuana and hashish", 2013: "marijuana and hashish"})
    'The largest group by weight was marijuana and hashish in every year of 2012-2013.'
    >>> describe_largest_each_year({2018: "cannabis", 2019: "heroin", 2020: "cannabis"})
    'The largest group by weight was cannabis in 2018 and 2020, and heroin in 2019.'

    Raises:
        ValueError: for no years at all.
    """
    if not largest:
        raise ValueError("expected the largest group of at least one year, got none")
    by_group: dict[str, list[int]] = {}
    for year in sorted(largest):
        by_group.setdefault(largest[year], []).append(year)
    if len(by_group) == 1:
        (group, years), = by_group.items()
        when = f"in {years[0]}" if len(years) == 1 else f"in every year of {describe_years(years)}"
        return f"The largest group by weight was {group} {when}."
    parts = [f"{group} in {_and_years(years)}" for group, years in by_group.items()]
    return "The largest group by weight was " + ", ".join(parts[:-1]) + f", and {parts[-1]}."


def _and_years(years: list[int]) -> str:
    """Years as runs, the last joined by "and": "2018 and 2020", "2012, 2014-2016 and 2019"."""
    runs = describe_years(years).split(", ")
    return runs[0] if len(runs) == 1 else ", ".join(runs[:-1]) + f" and {runs[-1]}"


def describe_share_change(
    what: str, old: float, new: float, old_year: int, new_year: int
) -> str:
    """How a share moved between two years, in the bulletin's words.

    >>> describe_share_change("cannabis-type drugs in all drugs seized", 65.0, 92.55, 2001, 2016)
    'The share of cannabis-type drugs in all drugs seized increased from 65% in 2001 to 93% in 2016.'
    """
    return (
        f"The share of {what} {describe_direction(old, new)} "
        f"{describe_shift(old, new, str(old_year), str(new_year))}."
    )


def describe_leaders(names: list[str], share: float, what: str, period: str) -> str:
    """Who seized most of something: "Kazakhstan and Kyrgyzstan seized about 95% of ...".

    >>> describe_leaders(["Kazakhstan", "Kyrgyzstan"], 94.6, "the region's cannabis herb", "2012-2016")
    "Kazakhstan and Kyrgyzstan seized about 95% of the region's cannabis herb in 2012-2016."

    Raises:
        ValueError: for no names, or a share that is not a percentage.
    """
    if not names:
        raise ValueError("expected at least one name, got none")
    return f"{join_words(names)} seized {describe_percent(share)} of {what} in {period}."


def describe_higher_years(
    first: str, second: str, what: str, higher: list[int], lower: list[int], missing: list[int]
) -> str:
    """In how many years one party seized more than another, and which years broke the run.

    Args:
        first: who is compared ("The Russian Federation").
        second: with whom ("the five Central Asian countries together").
        what: the drug.
        higher: years where ``first`` seized more.
        lower: years where it did not.
        missing: years without a figure for one of them (never counted either way).

    >>> describe_higher_years("Russia", "Central Asia", "heroin", [2010, 2011, 2012], [], [])
    'Russia seized more heroin than Central Asia in each of the three years 2010-2012.'
    >>> describe_higher_years("Russia", "Central Asia", "heroin", [2016, 2018], [2019], [2017])
    'Russia seized more heroin than Central Asia in two of the three years with figures (2016, 2018-2019), all but 2019. No figures to compare for 2017.'

    The years that make the count when they are the fewer (2005 and 2010, not "all but 2004 and
    2006-2009"), and none said as none:

    >>> describe_higher_years("Russia", "Central Asia", "heroin", [2005, 2010], [2004, 2006, 2007, 2008, 2009], [])
    'Russia seized more heroin than Central Asia in two of the seven years with figures (2004-2010): 2005 and 2010.'
    >>> describe_higher_years("Russia", "Central Asia", "heroin", [], [2015, 2016], [])
    'Russia did not seize more heroin than Central Asia in any of the two years with figures (2015-2016).'
    """
    compared = sorted(higher + lower)
    if not compared:
        return f"No figures to compare for {describe_years(missing)}." if missing else ""
    count = number_in_words(len(compared))
    if not lower and not missing:
        sentence = (
            f"{first} seized more {what} than {second} in each of the {count} years "
            f"{describe_years(compared)}."
        )
    elif not lower:
        sentence = (
            f"{first} seized more {what} than {second} in each of the {count} years with figures "
            f"({describe_years(compared)})."
        )
    elif not higher:
        sentence = (
            f"{first} did not seize more {what} than {second} in any of the {count} years with "
            f"figures ({describe_years(compared)})."
        )
    else:  # the years that make the count, or those that break it, whichever are fewer
        which = (
            f": {_and_years(higher)}" if len(higher) <= len(lower)
            else f", all but {_and_years(lower)}"
        )
        sentence = (
            f"{first} seized more {what} than {second} in {number_in_words(len(higher))} of the "
            f"{count} years with figures ({describe_years(compared)}){which}."
        )
    if missing:
        sentence += f" No figures to compare for {describe_years(missing)}."
    return sentence
