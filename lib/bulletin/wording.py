"""Numbers into the bulletin's words ("almost four tons", "over one ton").

The words follow the figures: a rounding never states more precision than the data have, and
never rounds across a threshold the other way ("almost four tons" is never said of 4.02 t).
"""

from __future__ import annotations

import math

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
    if number < 0:
        raise ValueError(f"expected a whole number of zero or more, got {number}")
    return _SMALL_NUMBERS[number] if number <= 10 else f"{number:,}"


def describe_quantity(value: float, unit: str, plural: str | None = None) -> str:
    """Describe an amount the way the bulletin does: "almost four tons", "over one ton".

    The value is rounded to the nearest whole unit; a value below it is "almost", above it
    "over", and exactly on it plain. Values under one unit are given to one decimal.

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

    Raises:
        ValueError: for a negative or missing value.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("expected an amount, got a missing value")
    if value < 0:
        raise ValueError(f"expected an amount of zero or more, got {value}")
    plural = plural or unit + "s"
    if value == 0:
        return f"no {plural}"
    if value < 0.95:
        shown = round(value, 1)
        qualifier = "almost " if value < shown else "over " if value > shown else ""
        shown = max(shown, 0.1)
        return f"{qualifier}{shown:g} {unit if shown == 1 else plural}"
    whole = math.floor(value + 0.5)
    name = unit if whole == 1 else plural
    if math.isclose(value, whole, rel_tol=0, abs_tol=1e-9):
        return f"{number_in_words(whole)} {name}"
    qualifier = "almost" if value < whole else "over"
    return f"{qualifier} {number_in_words(whole)} {name}"


def describe_change(new: float, old: float) -> str:
    """Describe the change from ``old`` to ``new`` in per cent, as the bulletin writes it.

    >>> describe_change(126, 100)
    'a 26 per cent increase'
    >>> describe_change(0, 0)
    'no change'
    """
    if old == 0:
        return "no change" if new == 0 else "a rise from zero"
    percent = (new - old) / old * 100
    rounded = round(abs(percent))
    if rounded == 0:
        return "almost no change"
    return f"a {rounded} per cent {'increase' if percent > 0 else 'decrease'}"
