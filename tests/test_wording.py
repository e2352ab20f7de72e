"""bulletin.core.wording: the words follow the numbers.

One table of cases per function: what the bulletin writes (expected), the values on either side of
each rounding limit (edge), and what must be refused (erroneous: negative, missing, zero where a
zero makes no sense, infinite, not a number).
"""

import math

import numpy as np
import pandas as pd
import pytest

from bulletin.core.wording import (
    count_in_words,
    describe_change,
    describe_count,
    describe_direction,
    describe_percent,
    describe_quantity,
    describe_share,
    describe_shift,
    number_in_words,
)

# (kind, value, expected words) for describe_quantity(value, "ton")
QUANTITY_CASES = [
    ("expected", 3.75, "almost four tons"),  # C1: cannabis herb + resin, January-March 2017
    ("expected", 1.25, "over one ton"),  # C1: heroin + opium
    ("expected", 13.2, "over 13 tons"),
    ("expected", 0.5, "0.5 tons"),
    ("edge", 3.5, "almost four tons"),  # the lowest value the bulletin's "almost four" covers
    ("edge", 3.99, "almost four tons"),
    ("edge", 4.0, "four tons"),
    ("edge", 4.02, "over four tons"),  # never "almost four tons"
    ("edge", 4.49, "over four tons"),
    ("edge", 1.0, "one ton"),
    ("edge", 1.49, "over one ton"),
    ("edge", 0.96, "almost one ton"),
    ("edge", 0.949, "over 0.9 tons"),
    ("edge", 0.44, "over 0.4 tons"),
    ("edge", 0.05, "almost 0.1 tons"),
    ("edge", 0.04, "less than 0.1 tons"),  # not "over 0.1 tons"
    ("edge", 0, "no tons"),
    ("edge", 999.4, "over 999 tons"),
    ("edge", 999.6, "almost 1,000 tons"),
    ("edge", 13588, "almost 13,600 tons"),  # three significant figures from 1,000 up
    ("edge", 13600, "13,600 tons"),
    ("edge", np.float64(2.5), "almost three tons"),  # numpy scalars; half rounds up, not to even
]


@pytest.mark.parametrize(
    ("kind", "value", "expected"), QUANTITY_CASES, ids=[f"{c[0]}-{c[1]}" for c in QUANTITY_CASES]
)
def test_describe_quantity(kind, value, expected):
    assert describe_quantity(value, "ton") == expected


def test_describe_quantity_other_units():
    assert describe_quantity(1, "person", "people") == "one person"
    assert describe_quantity(2.4, "person", "people") == "over two people"


WORDS = {word: number for number, word in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"))}


def test_almost_is_never_said_above_the_number_nor_over_below_it():
    for hundredths in range(1, 2_000_000, 37):
        value = hundredths / 100
        qualifier, number, *_ = describe_quantity(value, "ton").split()
        if qualifier not in ("almost", "over"):
            continue
        shown = WORDS.get(number) or float(number.replace(",", ""))
        assert (value < shown) if qualifier == "almost" else (value > shown), (value, number)


# (kind, value, expected) for describe_count(value)
COUNT_CASES = [
    ("expected", 13588, "almost 13,600"),  # C9: reported drug-related offences, 2016
    ("expected", 12391, "almost 12,400"),  # C12: persons arrested, 2016
    ("expected", 37, "37"),
    ("expected", 5, "five"),
    ("edge", 13600, "13,600"),
    ("edge", 13650, "almost 13,700"),  # half rounds up, and the value is below it
    ("edge", 13649.9, "over 13,600"),  # never "almost 13,700" of a value that rounds down
    ("edge", 999, "999"),
    ("edge", 999.4, "over 999"),
    ("edge", 999.5, "almost 1,000"),
    ("edge", 1004, "over 1,000"),
    ("edge", 0, "zero"),
    ("edge", 10.4, "over ten"),
]


@pytest.mark.parametrize(
    ("kind", "value", "expected"), COUNT_CASES, ids=[f"{c[0]}-{c[1]}" for c in COUNT_CASES]
)
def test_describe_count(kind, value, expected):
    assert describe_count(value) == expected


def test_describe_count_with_noun_and_significant_figures():
    assert describe_count(3512, "cases", significant=2) == "over 3,500 cases"  # C16
    assert describe_count(1800, "cases", significant=2) == "1,800 cases"
    assert describe_count(0, "offences") == "no offences"
    with pytest.raises(ValueError, match="significant"):
        describe_count(10, significant=0)


# (kind, value, decimals, expected) for describe_percent(value, decimals)
PERCENT_CASES = [
    ("expected", 6.98, 0, "about 7%"),  # C13: women among persons arrested
    ("expected", 0.31, 0, "approximately 0.3%"),  # C14: juveniles
    ("expected", 46, 0, "46%"),  # C11, exact
    ("expected", 5.94, 1, "about 5.9%"),  # C17
    ("edge", 7.0, 1, "7%"),  # no trailing zero: never more precise than the value
    ("edge", 99.7, 0, "almost 100%"),  # not "about 100%"
    ("edge", 99.96, 1, "almost 100%"),
    ("edge", 100, 0, "100%"),
    ("edge", 0.96, 0, "about 1%"),
    ("edge", 0.3, 0, "0.3%"),
    ("edge", 0.05, 0, "approximately 0.1%"),
    ("edge", 0.04, 0, "less than 0.1%"),
    ("edge", 0, 0, "0%"),
    ("edge", 6.5, 0, "about 7%"),  # half rounds up
    ("edge", 150.2, 0, "about 150%"),
]


@pytest.mark.parametrize(
    ("kind", "value", "decimals", "expected"),
    PERCENT_CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in PERCENT_CASES],
)
def test_describe_percent(kind, value, decimals, expected):
    assert describe_percent(value, decimals) == expected


def test_describe_share():
    assert describe_share(46, 100) == "46%"
    assert describe_share(1, 3) == "about 33%"
    assert describe_share(0, 5) == "0%"
    with pytest.raises(ValueError, match="greater than zero"):
        describe_share(0, 0)
    with pytest.raises(ValueError, match="no larger than the whole"):
        describe_share(6, 5)


# (kind, new, old, expected) for describe_change(new, old)
CHANGE_CASES = [
    ("expected", 126, 100, "a 26 per cent increase"),  # C15
    ("expected", 74, 100, "a 26 per cent decrease"),
    ("expected", 108, 100, "an 8 per cent increase"),
    ("expected", 111, 100, "an 11 per cent increase"),
    ("expected", 118, 100, "an 18 per cent increase"),
    ("expected", 185, 100, "an 85 per cent increase"),
    ("expected", 900, 100, "an 800 per cent increase"),
    ("expected", 350, 100, "a 250 per cent increase"),
    ("edge", 100.2, 100, "almost no change"),
    ("edge", 100, 100, "no change"),
    ("edge", 0, 0, "no change"),
    ("edge", 5, 0, "a rise from zero"),
    ("edge", 0, 100, "a 100 per cent decrease"),
    ("edge", 0.3, 100, "a decrease of almost 100 per cent"),  # something is left
    ("edge", 126.5, 100, "a 27 per cent increase"),  # half rounds up
]


@pytest.mark.parametrize(
    ("kind", "new", "old", "expected"),
    CHANGE_CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CHANGE_CASES],
)
def test_describe_change(kind, new, old, expected):
    assert describe_change(new, old) == expected


# (kind, old, new, periods, expected) for describe_shift
SHIFT_CASES = [
    ("expected", 64.6, 90.2, ("", ""), "from 65% to 90%"),  # C4
    ("expected", 4.1, 8.7, ("2010", "2016"), "from 4% in 2010 to 9% in 2016"),  # C10
    ("edge", 65.2, 65.4, ("", ""), "from 65.2% to 65.4%"),  # decimals added, change not hidden
    ("edge", 65.21, 65.24, ("", ""), "from 65.21% to 65.24%"),
    ("edge", 65, 65, ("", ""), "from 65% to 65%"),
    ("edge", 9, 4, ("", ""), "from 9% to 4%"),
    ("edge", 0, 0.4, ("", ""), "from 0% to 0.4%"),
]


@pytest.mark.parametrize(
    ("kind", "old", "new", "periods", "expected"),
    SHIFT_CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in SHIFT_CASES],
)
def test_describe_shift(kind, old, new, periods, expected):
    assert describe_shift(old, new, *periods) == expected


def test_describe_direction():
    assert describe_direction(65, 90) == "increased"
    assert describe_direction(9, 4) == "decreased"
    assert describe_direction(4, 4) == "did not change"


def test_number_in_words():
    assert number_in_words(5) == "five"
    assert number_in_words(0) == "zero"
    assert number_in_words(10) == "ten"
    assert number_in_words(11) == "11"
    assert number_in_words(13600) == "13,600"
    assert number_in_words(4.0) == "four"


# Erroneous input: every function refuses it with a ValueError that says what it expected.
BAD_VALUES = [
    ("negative", -0.1),
    ("nan", float("nan")),
    ("numpy-nan", np.nan),
    ("pandas-na", pd.NA),
    ("none", None),
    ("infinite", math.inf),
    ("text", "four"),
    ("bool", True),
]
CALLS = {
    "describe_quantity": lambda v: describe_quantity(v, "ton"),
    "describe_count": describe_count,
    "describe_percent": describe_percent,
    "describe_share-part": lambda v: describe_share(v, 100),
    "describe_share-whole": lambda v: describe_share(0, v),
    "describe_change-new": lambda v: describe_change(v, 100),
    "describe_change-old": lambda v: describe_change(100, v),
    "describe_shift-old": lambda v: describe_shift(v, 50),
    "describe_shift-new": lambda v: describe_shift(50, v),
    "describe_direction": lambda v: describe_direction(v, 1),
}


@pytest.mark.parametrize(("label", "bad"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
@pytest.mark.parametrize("call", CALLS, ids=list(CALLS))
def test_erroneous_values_are_refused(call, label, bad):
    with pytest.raises(ValueError, match="expected"):
        CALLS[call](bad)


@pytest.mark.parametrize("bad", [-1, 2.5, None, "four", True])
def test_number_in_words_refuses_what_is_not_a_whole_number(bad):
    with pytest.raises(ValueError, match="whole number"):
        number_in_words(bad)


# --- count_in_words: the one "three activities" of the library ---------------------------------


def test_count_in_words_takes_the_singular_for_one():
    assert count_in_words(1, "activity", "activities") == "one activity"
    assert count_in_words(0, "case") == "zero cases"
    assert count_in_words(11, "round") == "11 rounds"
    with pytest.raises(ValueError):
        count_in_words(-1, "case")
