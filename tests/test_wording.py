"""bulletin.wording: the words follow the numbers."""

import math

import pytest

from bulletin.wording import describe_change, describe_quantity, number_in_words


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3.75, "almost four tons"),
        (3.5, "almost four tons"),
        (3.99, "almost four tons"),
        (4.0, "four tons"),
        (4.02, "over four tons"),
        (1.25, "over one ton"),
        (1.0, "one ton"),
        (1.49, "over one ton"),
        (0.96, "almost one ton"),
        (0.5, "0.5 tons"),
        (0.44, "over 0.4 tons"),
        (0, "no tons"),
        (13.2, "over 13 tons"),
    ],
)
def test_describe_quantity(value, expected):
    assert describe_quantity(value, "ton") == expected


def test_almost_is_never_said_above_the_number():
    for hundredths in range(100, 1000):
        value = hundredths / 100
        words = describe_quantity(value, "ton")
        if words.startswith("almost"):
            assert value < math.floor(value + 0.5)
        if words.startswith("over"):
            assert value > math.floor(value + 0.5)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), None])
def test_describe_quantity_refuses_negative_or_missing(bad):
    with pytest.raises(ValueError):
        describe_quantity(bad, "ton")


def test_number_in_words():
    assert number_in_words(5) == "five"
    assert number_in_words(13600) == "13,600"
    with pytest.raises(ValueError):
        number_in_words(-1)


@pytest.mark.parametrize(
    ("new", "old", "expected"),
    [
        (126, 100, "a 26 per cent increase"),
        (74, 100, "a 26 per cent decrease"),
        (100.2, 100, "almost no change"),
        (0, 0, "no change"),
        (5, 0, "a rise from zero"),
    ],
)
def test_describe_change(new, old, expected):
    assert describe_change(new, old) == expected
