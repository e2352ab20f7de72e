"""bulletin.core.numbers: one rounding, one check of figures, for every sentence of the library."""

import math

import numpy as np
import pandas as pd
import pytest

from bulletin.core.numbers import (
    KG_PER_TON,
    checked,
    is_missing_text,
    plain_number,
    round_half_up,
    round_significant,
    rounding_qualifier,
)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (2.5, 0, 3.0),  # half up, not to the even number (Python's round gives 2)
        (3.5, 0, 4.0),
        (-2.5, 0, -3.0),  # halves away from zero
        (0.05, 1, 0.1),
        (0.15, 1, 0.2),  # as the decimal reads, though its binary value is just below 0.15
        (2.675, 2, 2.68),
        (11785.71, 0, 11786.0),
        (13588, -2, 13600.0),
        (np.float64(2.5), 0, 3.0),  # numpy scalars too
        (7, 0, 7.0),
    ],
)
def test_round_half_up(value, places, expected):
    assert round_half_up(value, places) == expected


def test_round_half_up_whole_by_default():
    assert round_half_up(0.5) == 1.0
    assert int(round_half_up(11785.5)) == 11786


def test_round_significant():
    assert round_significant(13588, 3) == 13600.0
    assert round_significant(3512, 2) == 3500.0
    assert round_significant(0, 3) == 0.0


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, -1, math.inf, "x", True])
def test_checked_refuses_what_is_not_a_figure(value):
    with pytest.raises(ValueError, match="expected a count"):
        checked(value, "a count")


def test_checked_gives_a_float():
    assert checked(np.int64(3), "a count") == 3.0 and isinstance(checked(3, "a count"), float)


def test_rounding_qualifier():
    assert rounding_qualifier(3.75, 4) == "almost "
    assert rounding_qualifier(4.02, 4) == "over "
    assert rounding_qualifier(4.0, 4) == ""


def test_plain_number():
    assert plain_number(13600, 0) == "13,600"
    assert plain_number(0.30, 1) == "0.3"
    assert plain_number(2.0, 1) == "2"


@pytest.mark.parametrize(("value", "missing"), [(None, True), (float("nan"), True), (pd.NA, True), ("", True), ("<NA>", True), ("2017-05", False)])
def test_is_missing_text(value, missing):
    assert is_missing_text(value) is missing


def test_kg_per_ton():
    assert KG_PER_TON == 1000
