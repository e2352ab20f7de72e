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

The rounding and the checks live in :mod:`bulletin.core.numbers`; sentences about series of years,
dates and gaps, built from the words here, in :mod:`bulletin.core.sentences`.
"""

from __future__ import annotations

import math

from bulletin.core.numbers import (
    checked,
    is_missing_text,
    plain_number,
    round_half_up,
    round_significant,
    rounding_qualifier,
)

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


def count_in_words(count: int, singular: str, plural: str | None = None) -> str:
    """A whole count and its noun, the noun in the singular for one: "one activity", "12 cases".

    Args:
        count: the count, a whole number of zero or more (spelled out up to ten).
        singular: the noun for one.
        plural: the noun for any other count (default: ``singular`` + "s").

    >>> count_in_words(1, "activity", "activities"), count_in_words(3, "activity", "activities")
    ('one activity', 'three activities')
    >>> count_in_words(12, "case")
    '12 cases'

    Raises:
        ValueError: for a count that is not a whole number of zero or more.
    """
    return f"{number_in_words(count)} {singular if count == 1 else plural or singular + 's'}"


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
    value = checked(value, "an amount")
    plural = plural or unit + "s"
    if value == 0:
        return f"no {plural}"
    if value < 0.05:  # one decimal would say "0.0" or, worse, "over 0.1"
        return f"less than 0.1 {plural}"
    if value < 0.95:
        shown = round_half_up(value, 1)
        return f"{rounding_qualifier(value, shown)}{plain_number(shown, 1)} {plural}"
    whole = int(round_half_up(value, 0) if value < 999.5 else round_significant(value, 3))
    name = unit if whole == 1 else plural
    return f"{rounding_qualifier(value, whole)}{number_in_words(whole)} {name}"


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
    new = checked(new, "an amount")
    old = checked(old, "an amount")
    if old == 0:
        return "no change" if new == 0 else "a rise from zero"
    if new == old:
        return "no change"
    percent = (new - old) / old * 100
    rounded = int(round_half_up(abs(percent), 0))
    if rounded == 0:
        return "almost no change"
    if percent < 0 and rounded == 100 and new > 0:
        return "a decrease of almost 100 per cent"
    direction = "increase" if percent > 0 else "decrease"
    return f"{_article(rounded)} {rounded:,} per cent {direction}"


def _article(number: int) -> str:
    """The article before a number: "an" where it is said with a vowel sound (8, 11, 18, 80-89, ...)."""
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
    value = checked(value, "a count")
    if significant < 1:
        raise ValueError(f"expected one significant figure or more, got {significant}")
    if value == 0:
        return f"no {noun}" if noun else "zero"
    if value < 10**significant - 0.5:
        shown = int(round_half_up(value, 0))
    else:
        shown = int(round_significant(value, significant))
    words = f"{rounding_qualifier(value, shown)}{number_in_words(shown)}"
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
    value = checked(value, "a percentage")
    if value == 0:
        return "0%"
    places = decimals if round_half_up(value, decimals) >= 1 else max(decimals, 1)
    smallest = 10.0**-places
    if value < smallest / 2:
        return f"less than {plain_number(smallest, places)}%"
    shown = round_half_up(value, places)
    if not rounding_qualifier(value, shown):
        return f"{plain_number(shown, places)}%"
    if value < 100 <= shown:
        return "almost 100%"
    qualifier = "about" if shown >= 1 else "approximately"
    return f"{qualifier} {plain_number(shown, places)}%"


def describe_share(part: float, whole: float, decimals: int = 0) -> str:
    """Describe ``part`` as a share of ``whole``: ``describe_share(7, 100)`` is "7%".

    >>> describe_share(46, 100)
    '46%'

    Raises:
        ValueError: for negative, missing or infinite values, a zero whole, or a part larger than
            the whole.
    """
    part = checked(part, "a part")
    whole = checked(whole, "a whole")
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
    old = checked(old, "a percentage")
    new = checked(new, "a percentage")
    places = decimals
    while old != new and places < decimals + 2 and (
        round_half_up(old, places) == round_half_up(new, places)
    ):
        places += 1
    before = f"{plain_number(round_half_up(old, places), places)}%"
    after = f"{plain_number(round_half_up(new, places), places)}%"
    before += f" in {old_period}" if old_period else ""
    after += f" in {new_period}" if new_period else ""
    return f"from {before} to {after}"


def describe_direction(old: float, new: float) -> str:
    """The verb for a move from ``old`` to ``new``: "increased", "decreased" or "did not change".

    >>> describe_direction(65, 90)
    'increased'
    """
    old = checked(old, "a value")
    new = checked(new, "a value")
    return "increased" if new > old else "decreased" if new < old else "did not change"


# --- Lists of words (crime, arrests, policing, milestones, data status) -------------------------


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


# --- Figures as a source states them, qualifiers carried (GBV, policing, milestones: 9-11) ----

STATED_QUALIFIERS: tuple[str, ...] = ("more than", "over", "about", "almost")
"""The words a source puts before a figure it gives loosely ("more than 100", "over 50")."""
_LOWER_BOUND = ("more than", "over")
_UPPER_BOUND = ("almost",)


def _stated_qualifier(qualifier: object) -> str | None:
    """A qualifier as one of ``STATED_QUALIFIERS``, or None for a figure stated plainly."""
    if is_missing_text(qualifier) or qualifier == "exact":
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
    number = checked(value, "a count")
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
    new = checked(new, "an amount")
    old = checked(old, "an amount")
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
        return f"{article} {direction} of about {int(round_half_up(size, 0)):,} per cent"
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


# --- Years and ratios (annual seizures, analyses 2-4; data status) ------------------------------


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


def describe_times(ratio: float) -> str:
    """A ratio as "times as much", to one decimal.

    >>> describe_times(1.744), describe_times(2.0)
    ('about 1.7 times as much', 'twice as much')

    Raises:
        ValueError: for a negative, missing or infinite ratio.
    """
    ratio = checked(ratio, "a ratio")
    shown = round_half_up(ratio, 1)
    if shown == 2 and not rounding_qualifier(ratio, shown):
        return "twice as much"
    qualifier = "" if not rounding_qualifier(ratio, shown) else "about "
    return f"{qualifier}{plain_number(shown, 1)} times as much"


