"""Numbers into the bulletin's words ("almost four tons", "over one ton").

The words follow the figures: a rounding never states more precision than the data have, and
never rounds across a threshold the other way ("almost four tons" is never said of 4.02 t).

The rules shared by every function here:

- A value is rounded to what the bulletin would print (whole tons, three significant figures for
  large counts, whole per cent, one decimal below 1%); trailing zeros are never added, so a
  figure is never stated more precisely than it was given.
- "almost" is said only of a value below the number shown, "over" only of one above it; a value
  equal to it is stated plainly. "about" / "approximately" (per cents) is said of a value rounded
  either way, except where rounding would reach a limit the value does not: 99.7% is "almost
  100%", 0.04% "less than 0.1%", a 99.7 per cent decrease "a decrease of almost 100 per cent".
- A missing value (None, NaN, pandas NA), a negative one, an infinite one or a non-number raises
  ``ValueError`` with what was expected: a sentence is never made from a figure that is not there.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

_SMALL_NUMBERS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)


def number_in_words(number: int) -> str:
    """Spell whole numbers up to ten as the bulletin does, larger ones with thousands separators.

    >>> number_in_words(4), number_in_words(13600)
    ('four', '13,600')
    """
    if isinstance(number, bool) or not isinstance(number, (int, float)) or number != int(number):
        raise ValueError(f"expected a whole number of zero or more, got {number!r}")
    number = int(number)
    if number < 0:
        raise ValueError(f"expected a whole number of zero or more, got {number}")
    return _SMALL_NUMBERS[number] if number <= 10 else f"{number:,}"


def _checked(value: object, what: str) -> float:
    """``value`` as a finite number of zero or more, or ``ValueError`` saying what was expected."""
    if value is None or isinstance(value, bool):
        raise ValueError(f"expected {what}, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"expected {what}, got {value!r}") from None
    if math.isnan(number):
        raise ValueError(f"expected {what}, got a missing value")
    if math.isinf(number):
        raise ValueError(f"expected {what}, got {value!r}")
    if number < 0:
        raise ValueError(f"expected {what} of zero or more, got {value!r}")
    return number


def _round_half_up(value: float, places: int) -> float:
    """Round as people do (2.5 -> 3, 0.05 -> 0.1), not to the nearest even digit."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def _round_significant(value: float, digits: int) -> float:
    """Round to ``digits`` significant figures: 13,588 -> 13,600 for three."""
    if value == 0:
        return 0.0
    return _round_half_up(value, digits - 1 - math.floor(math.log10(abs(value))))


def _qualifier(value: float, shown: float) -> str:
    """ "almost " below the number shown, "over " above it, nothing when it is the number."""
    if math.isclose(value, shown, rel_tol=1e-12, abs_tol=1e-12):
        return ""
    return "almost " if value < shown else "over "


def _plain_number(number: float, places: int) -> str:
    """``number`` with thousands separators and at most ``places`` decimals, no trailing zeros."""
    text = f"{number:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def describe_quantity(value: float, unit: str, plural: str | None = None) -> str:
    """Describe an amount the way the bulletin does: "almost four tons", "over one ton".

    The value is rounded to the nearest whole unit (to three significant figures from 1,000 up);
    a value below it is "almost", above it "over", and exactly on it plain. Values under one unit
    are given to one decimal, and values under 0.05 as "less than 0.1".

    Args:
        value: the amount, zero or more.
        unit: singular unit name, e.g. ``"ton"``.
        plural: plural of the unit (default: unit + "s").

    >>> describe_quantity(3.75, "ton")
    'almost four tons'
    >>> describe_quantity(1.25, "ton")
    'over one ton'
    >>> describe_quantity(4.02, "ton")
    'over four tons'

    >>> describe_quantity(13588, "ton")
    'almost 13,600 tons'

    Raises:
        ValueError: for a negative, missing or infinite value.
    """
    value = _checked(value, "an amount")
    plural = plural or unit + "s"
    if value == 0:
        return f"no {plural}"
    if value < 0.05:  # one decimal would say "0.0" or, worse, "over 0.1"
        return f"less than 0.1 {plural}"
    if value < 0.95:
        shown = _round_half_up(value, 1)
        return f"{_qualifier(value, shown)}{_plain_number(shown, 1)} {plural}"
    whole = int(_round_half_up(value, 0) if value < 999.5 else _round_significant(value, 3))
    name = unit if whole == 1 else plural
    return f"{_qualifier(value, whole)}{number_in_words(whole)} {name}"


def describe_change(new: float, old: float) -> str:
    """Describe the change from ``old`` to ``new`` in per cent, as the bulletin writes it.

    The per cent is rounded to a whole number; a change that rounds to zero is "almost no
    change", and a fall that would round to 100 per cent while something is left is "a decrease
    of almost 100 per cent".

    >>> describe_change(126, 100)
    'a 26 per cent increase'
    >>> describe_change(108, 100)
    'an 8 per cent increase'
    >>> describe_change(0, 0)
    'no change'

    Raises:
        ValueError: for a negative, missing or infinite value.
    """
    new = _checked(new, "an amount")
    old = _checked(old, "an amount")
    if old == 0:
        return "no change" if new == 0 else "a rise from zero"
    if new == old:
        return "no change"
    percent = (new - old) / old * 100
    rounded = int(_round_half_up(abs(percent), 0))
    if rounded == 0:
        return "almost no change"
    if percent < 0 and rounded == 100 and new > 0:
        return "a decrease of almost 100 per cent"
    direction = "increase" if percent > 0 else "decrease"
    return f"{_article(rounded)} {rounded:,} per cent {direction}"


def _article(number: int) -> str:
    """ "an" before a number said with a vowel sound (8, 11, 18, 80-89, 800-899, 8,000, ...)."""
    leading = number
    while leading >= 1000:
        leading //= 1000
    return "an" if str(leading).startswith("8") or leading in (11, 18) else "a"


def describe_count(value: float, noun: str = "", significant: int = 3) -> str:
    """Describe a count the way the bulletin does: "almost 13,600", "over 3,500 cases".

    Counts below ``10 ** significant`` are stated whole (spelled out up to ten); larger ones are
    rounded to ``significant`` significant figures, with "almost" or "over" when the rounding
    moved them.

    Args:
        value: the count, zero or more (a mean count may have decimals).
        noun: what is counted, in the plural ("offences"); left out when empty.
        significant: significant figures kept for large counts (the bulletin uses 3, or 2 for
            "over 3,500").

    >>> describe_count(13588)
    'almost 13,600'
    >>> describe_count(3512, "cases", significant=2)
    'over 3,500 cases'
    >>> describe_count(37, "participants")
    '37 participants'

    Raises:
        ValueError: for a negative, missing or infinite value, or fewer than one significant figure.
    """
    value = _checked(value, "a count")
    if significant < 1:
        raise ValueError(f"expected one significant figure or more, got {significant}")
    if value == 0:
        return f"no {noun}" if noun else "zero"
    if value < 10**significant - 0.5:
        shown = int(_round_half_up(value, 0))
    else:
        shown = int(_round_significant(value, significant))
    words = f"{_qualifier(value, shown)}{number_in_words(shown)}"
    return f"{words} {noun}" if noun else words


def describe_percent(value: float, decimals: int = 0) -> str:
    """Describe a percentage the way the bulletin does: "about 7%", "approximately 0.3%".

    Rounded to ``decimals`` places (at least one below 1%); a rounded value is "about" (from 1%
    up) or "approximately" (below 1%); an exact one is stated plainly. A value below 100 that would
    round to 100 is "almost 100%", and one too small to show is "less than 0.1%".

    Args:
        value: the percentage, e.g. ``7.02`` for 7.02%.
        decimals: decimal places to keep from 1% up.

    >>> describe_percent(6.98)
    'about 7%'
    >>> describe_percent(0.31)
    'approximately 0.3%'
    >>> describe_percent(99.7)
    'almost 100%'

    Raises:
        ValueError: for a negative, missing or infinite value.
    """
    value = _checked(value, "a percentage")
    if value == 0:
        return "0%"
    places = decimals if _round_half_up(value, decimals) >= 1 else max(decimals, 1)
    smallest = 10.0**-places
    if value < smallest / 2:
        return f"less than {_plain_number(smallest, places)}%"
    shown = _round_half_up(value, places)
    if not _qualifier(value, shown):
        return f"{_plain_number(shown, places)}%"
    if value < 100 <= shown:
        return "almost 100%"
    qualifier = "about" if shown >= 1 else "approximately"
    return f"{qualifier} {_plain_number(shown, places)}%"


def describe_share(part: float, whole: float, decimals: int = 0) -> str:
    """Describe ``part`` as a share of ``whole``: ``describe_share(7, 100)`` is "7%".

    >>> describe_share(46, 100)
    '46%'

    Raises:
        ValueError: for negative, missing or infinite values, a zero whole, or a part larger than
            the whole.
    """
    part = _checked(part, "a part")
    whole = _checked(whole, "a whole")
    if whole == 0:
        raise ValueError("expected a whole greater than zero to take a share of, got 0")
    if part > whole:
        raise ValueError(f"expected a part no larger than the whole, got {part} of {whole}")
    return describe_percent(part / whole * 100, decimals)


def describe_shift(
    old: float,
    new: float,
    old_period: str = "",
    new_period: str = "",
    decimals: int = 0,
) -> str:
    """Describe how a percentage moved: "from 65% to 90%", "from 4% in 2010 to 9% in 2016".

    Both values are rounded to ``decimals`` places; when two different values would round to the
    same number, decimals are added (up to two more) so the words never hide a change or invent
    one.

    >>> describe_shift(64.6, 90.2)
    'from 65% to 90%'
    >>> describe_shift(4.1, 8.7, "2010", "2016")
    'from 4% in 2010 to 9% in 2016'

    Raises:
        ValueError: for negative, missing or infinite values.
    """
    old = _checked(old, "a percentage")
    new = _checked(new, "a percentage")
    places = decimals
    while old != new and places < decimals + 2 and (
        _round_half_up(old, places) == _round_half_up(new, places)
    ):
        places += 1
    before = f"{_plain_number(_round_half_up(old, places), places)}%"
    after = f"{_plain_number(_round_half_up(new, places), places)}%"
    before += f" in {old_period}" if old_period else ""
    after += f" in {new_period}" if new_period else ""
    return f"from {before} to {after}"


def describe_direction(old: float, new: float) -> str:
    """The verb for a move from ``old`` to ``new``: "increased", "decreased" or "did not change".

    >>> describe_direction(65, 90)
    'increased'
    """
    old = _checked(old, "a value")
    new = _checked(new, "a value")
    return "increased" if new > old else "decreased" if new < old else "did not change"


# --- Trends over years (drug-related crime and arrests, analyses 6-8) -------------------------


def join_words(items: list[str] | tuple[str, ...]) -> str:
    """List words as a sentence does: "a", "a and b", "a, b and c".

    >>> join_words(["Kazakhstan", "Tajikistan", "Uzbekistan"])
    'Kazakhstan, Tajikistan and Uzbekistan'

    Raises:
        ValueError: for an empty list: a sentence is never made about nothing.
    """
    items = [str(item) for item in items]
    if not items:
        raise ValueError("expected at least one item to list, got none")
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _steps(values: dict[int, float]) -> list[tuple[int, int, str]]:
    """Each year-to-year step of a series as (from year, to year, "up" / "down" / "flat")."""
    years = sorted(values)
    steps = []
    for before, after in zip(years, years[1:], strict=False):
        old = _checked(values[before], "a value")
        new = _checked(values[after], "a value")
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


# --- Figures as a source states them, qualifiers carried (GBV, policing, milestones: 9-11) ----

STATED_QUALIFIERS: tuple[str, ...] = ("more than", "over", "about", "almost")
"""The words a source puts before a figure it gives loosely ("more than 100", "over 50")."""
_LOWER_BOUND = ("more than", "over")
_UPPER_BOUND = ("almost",)


def _stated_qualifier(qualifier: object) -> str | None:
    """A qualifier as one of ``STATED_QUALIFIERS``, or None for a figure stated plainly."""
    if _missing_text(qualifier) or qualifier == "exact":
        return None
    if qualifier not in STATED_QUALIFIERS:
        raise ValueError(
            f"expected a qualifier among {', '.join(STATED_QUALIFIERS)} (or none), got {qualifier!r}"
        )
    return str(qualifier)


def describe_stated_count(value: float, qualifier: str | None = None, noun: str = "") -> str:
    """A count as its source states it, the source's qualifier carried into the words.

    A figure given loosely keeps its word ("more than 100", "over 3,500"): it is never turned
    into an exact number, nor an exact one into a loose one.

    Args:
        value: the count as stated, a whole number of zero or more.
        qualifier: the source's word before it (``STATED_QUALIFIERS``), or None / "" / "exact"
            for a figure stated plainly.
        noun: what is counted, in the plural; left out when empty.

    >>> describe_stated_count(100, "more than", "participants")
    'more than 100 participants'
    >>> describe_stated_count(3500, "over", "cases")
    'over 3,500 cases'
    >>> describe_stated_count(37, None, "participants")
    '37 participants'

    Raises:
        ValueError: for a missing, negative or fractional count, or an unknown qualifier.
    """
    number = _checked(value, "a count")
    words = number_in_words(number)
    stated = _stated_qualifier(qualifier)
    words = f"{stated} {words}" if stated else words
    return f"{words} {noun}" if noun else words


def qualifier_of_sum(qualifiers: list[str | None] | tuple[str | None, ...]) -> str | None:
    """The qualifier a sum of stated figures carries, from those of its parts.

    Plain parts add up to a plain sum. Loose parts that all carry the same word pass it on ("over
    50" and 37 are "over 87"); parts that are all plain or lower bounds ("more than", "over") make
    a sum that is "more than" the figures' sum; all plain or "almost" make it "almost"; any
    "about", or bounds both ways, make it "about".

    >>> qualifier_of_sum([None, "over"])
    'over'
    >>> qualifier_of_sum([None, "more than", "over"])
    'more than'
    >>> qualifier_of_sum([None, None]) is None
    True
    >>> qualifier_of_sum(["over", "almost"])
    'about'

    Raises:
        ValueError: for an unknown qualifier.
    """
    stated = {_stated_qualifier(q) for q in qualifiers} - {None}
    if not stated:
        return None
    if len(stated) == 1:
        return stated.pop()
    if stated <= set(_LOWER_BOUND):
        return "more than"
    if stated <= set(_UPPER_BOUND):
        return "almost"
    return "about"


def describe_stated_change(
    new: float, old: float, new_qualifier: str | None = None, old_qualifier: str | None = None
) -> str:
    """Describe a change in per cent between two stated figures, their qualifiers carried.

    With both figures plain this is :func:`describe_change`. A loose figure bounds the change:
    from "1,800" to "over 3,500" the increase is over 94 per cent (94.4 per cent at least, so the
    whole per cent is rounded down); a bound that runs against the direction computed ("over"
    a figure lower than the old one) leaves only a ceiling on the change, said with "at most".
    "about" on either side makes the change "about".

    >>> describe_stated_change(3500, 1800, "over")
    'an increase of over 94 per cent'
    >>> describe_stated_change(14467, 11482)
    'a 26 per cent increase'
    >>> describe_stated_change(3900, 2000, "almost")
    'an increase of almost 95 per cent'

    Raises:
        ValueError: for a negative, missing or infinite value, a zero old value with a loose
            figure, or an unknown qualifier.
    """
    new_stated = _stated_qualifier(new_qualifier)
    old_stated = _stated_qualifier(old_qualifier)
    if new_stated is None and old_stated is None:
        return describe_change(new, old)
    new = _checked(new, "an amount")
    old = _checked(old, "an amount")
    if old == 0:
        raise ValueError("expected an old value above zero to take a loose change from, got 0")
    # Where the true change lies against the one computed from the figures as stated: a lower
    # bound on the new figure (or an upper one on the old) puts it above, and the reverse below.
    sides = set()
    for stated, raises in ((new_stated, True), (old_stated, False)):
        if stated in _LOWER_BOUND:
            sides.add("above" if raises else "below")
        elif stated in _UPPER_BOUND:
            sides.add("below" if raises else "above")
        elif stated == "about":
            sides.add("about")
    percent = (new - old) / old * 100
    direction = "increase" if percent >= 0 else "decrease"
    size = abs(percent)
    article = "an" if direction == "increase" else "a"
    if len(sides) != 1 or sides == {"about"}:
        return f"{article} {direction} of about {int(_round_half_up(size, 0)):,} per cent"
    if sides == ({"above"} if percent >= 0 else {"below"}):
        # the true change lies further from zero than the computed one
        return f"{article} {direction} of over {math.floor(size):,} per cent"
    ceiling = math.ceil(size)
    if _any_lower_bound(new_stated, old_stated):
        # a bound that runs against the direction: only a ceiling is known
        return f"at most {_article(ceiling)} {ceiling:,} per cent {direction}"
    return f"{article} {direction} of almost {ceiling:,} per cent"


def _any_lower_bound(*qualifiers: str | None) -> bool:
    return any(q in _LOWER_BOUND for q in qualifiers)


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
    if _missing_text(start):
        return "date not given"
    first = _date_parts(str(start))
    last = first if _missing_text(end) else _date_parts(str(end))
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


def _missing_text(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or str(value).strip() in ("", "<NA>")  # NaN, pandas NA
    except TypeError:
        return True  # pandas NA refuses to be compared


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


# --- Annual seizures (analyses 2-4): years, coverage, gaps, peaks, groups, comparisons ---------


def describe_years(years: list[int] | tuple[int, ...]) -> str:
    """Years as the bulletin writes them, runs of consecutive years joined by a hyphen.

    >>> describe_years([2003, 2004])
    '2003-2004'
    >>> describe_years([2012, 2014, 2015, 2016, 2019])
    '2012, 2014-2016, 2019'

    Raises:
        ValueError: for no years at all.
    """
    ordered = sorted({int(year) for year in years})
    if not ordered:
        raise ValueError("expected at least one year, got none")
    runs: list[list[int]] = [[ordered[0], ordered[0]]]
    for year in ordered[1:]:
        if year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


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
    """ "2018 and 2020", "2012, 2014-2016 and 2019": the last run joined by "and"."""
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
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"{who} seized {describe_percent(share)} of {what} in {period}."


def describe_times(ratio: float) -> str:
    """A ratio as "times as much", to one decimal.

    >>> describe_times(1.744), describe_times(2.0)
    ('about 1.7 times as much', 'twice as much')

    Raises:
        ValueError: for a negative, missing or infinite ratio.
    """
    ratio = _checked(ratio, "a ratio")
    shown = _round_half_up(ratio, 1)
    if shown == 2 and not _qualifier(ratio, shown):
        return "twice as much"
    qualifier = "" if not _qualifier(ratio, shown) else "about "
    return f"{qualifier}{_plain_number(shown, 1)} times as much"


def describe_higher_years(
    first: str, second: str, what: str, higher: list[int], lower: list[int], missing: list[int]
) -> str:
    """In how many years one party seized more than another, and which years broke the run.

    Args:
        first, second: who is compared ("The Russian Federation", "the five ... together").
        what: the drug.
        higher: years where ``first`` seized more; lower: years where it did not; missing: years
            without a figure for one of them (never counted either way).

    >>> describe_higher_years("Russia", "Central Asia", "heroin", [2010, 2011, 2012], [], [])
    'Russia seized more heroin than Central Asia in each of the three years 2010-2012.'
    >>> describe_higher_years("Russia", "Central Asia", "heroin", [2016, 2018], [2019], [2017])
    'Russia seized more heroin than Central Asia in two of the three years with figures (2016, 2018-2019), all but 2019. No figures to compare for 2017.'
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
    else:
        sentence = (
            f"{first} seized more {what} than {second} in {number_in_words(len(higher))} of the "
            f"{count} years with figures ({describe_years(compared)}), all but "
            f"{_and_years(lower)}."
        )
    if missing:
        sentence += f" No figures to compare for {describe_years(missing)}."
    return sentence
