"""Numbers as the bulletin rounds and checks them, before any words are made of them.

One rounding for the whole library: :func:`round_half_up` rounds as people do (2.5 -> 3), never to
the even digit as Python's ``round`` does. The sentences of :mod:`bulletin.core.wording` and
:mod:`bulletin.core.sentences` are built on the helpers here, so a figure is rounded, checked and
qualified ("almost", "over") the same way wherever it is written.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

KG_PER_TON = 1000
"""Kilograms in a metric ton: the tables hold kilograms, the bulletin speaks in tons."""


def checked(value: object, what: str) -> float:
    """``value`` as a finite number of zero or more, or ``ValueError`` saying what was expected.

    A sentence is never made from a figure that is not there: None, NaN, pandas NA, a negative or
    infinite value and anything that is not a number are refused.

    Args:
        value: the figure to check.
        what: what was expected, for the error ("an amount", "a count").

    Returns:
        The figure as a float.

    Raises:
        ValueError: for a missing, negative, infinite or non-numeric value.

    >>> checked(3, "a count")
    3.0
    """
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


def round_half_up(value: float, places: int = 0) -> float:
    """Round as people do (2.5 -> 3, 0.05 -> 0.1), not to the nearest even digit.

    The value is rounded as its shortest decimal representation reads (``repr``), so 0.15 is
    0.2, as a reader expects, though its binary value lies just below 0.15. Halves are rounded
    away from zero: -2.5 is -3.

    Args:
        value: the number to round.
        places: decimal places to keep (0 for a whole number, negative for tens, hundreds, ...).

    Returns:
        The rounded number, as a float (``int(round_half_up(x))`` for a whole number).

    >>> round_half_up(2.5), round_half_up(0.15, 1), round_half_up(-2.5), round_half_up(13588, -2)
    (3.0, 0.2, -3.0, 13600.0)
    """
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def round_significant(value: float, digits: int) -> float:
    """Round to ``digits`` significant figures, half up: 13,588 -> 13,600 for three.

    >>> round_significant(13588, 3)
    13600.0
    """
    if value == 0:
        return 0.0
    return round_half_up(value, digits - 1 - math.floor(math.log10(abs(value))))


def rounding_qualifier(value: float, shown: float) -> str:
    """The word before a rounded number: "almost " below the number shown, "over " above it.

    Nothing when the value is the number shown.

    >>> rounding_qualifier(3.75, 4), rounding_qualifier(4.02, 4), rounding_qualifier(4, 4)
    ('almost ', 'over ', '')
    """
    if math.isclose(value, shown, rel_tol=1e-12, abs_tol=1e-12):
        return ""
    return "almost " if value < shown else "over "


def plain_number(number: float, places: int) -> str:
    """``number`` with thousands separators and at most ``places`` decimals, no trailing zeros.

    >>> plain_number(13600, 0), plain_number(0.30, 1)
    ('13,600', '0.3')
    """
    text = f"{number:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def is_missing_text(value: object) -> bool:
    """Whether a text cell is missing: None, NaN, pandas NA, blank or ``"<NA>"``.

    >>> is_missing_text(None), is_missing_text(float("nan")), is_missing_text(" "), is_missing_text("2017")
    (True, True, True, False)
    """
    if value is None:
        return True
    try:
        return bool(value != value) or str(value).strip() in ("", "<NA>")  # NaN, pandas NA
    except TypeError:
        return True  # pandas NA refuses to be compared


NO_FIGURE = "–"
"""The one mark of a table cell without a figure: not reported, or nothing to compute it from."""

NO_FIGURE_NOTE = "–: no figure (not reported, or nothing to compare with)."
"""The key to :data:`NO_FIGURE`, under every table that shows it."""

SHARE_PLACES = 1
"""Decimals of shares and changes in per cent, as a statistical office prints them (-65.8%)."""

SOURCE_DIGITS = 12
"""Significant digits a download keeps: every figure of the sources (kg to the gram, counts)
fits in them, and the float artefacts of arithmetic (3.0071999999999997) fall below them."""


def table_number(value: float, places: int, grouped: bool = True) -> str:
    """A number as a table prints it: rounded half up, grouped by thousands, never "0.00" for more than nothing.

    A value above zero that rounds to zero shows as "<0.01" (for two places), so a small seizure is
    never read as none; a negative one that rounds to zero shows as zero, without its sign.

    Args:
        value: the number (finite).
        places: decimals to show (0 for a whole number).
        grouped: whether to separate thousands (not for years).

    >>> table_number(2100, 2), table_number(-65.875, 1), table_number(0.003, 2), table_number(2100, 0, False)
    ('2,100.00', '-65.9', '<0.01', '2100')
    >>> table_number(-0.01, 1), table_number(0.0, 1)
    ('0.0', '0.0')
    """
    rounded = round_half_up(value, places) + 0.0  # + 0.0 turns -0.0 into 0.0
    if rounded == 0 and value > 0:
        return f"<{10.0 ** -places:.{places}f}" if places > 0 else "<1"
    return f"{rounded:,.{places}f}" if grouped else f"{rounded:.{places}f}"


def axis_number(value: float) -> str:
    """A tick label of a value axis: thousands separated, no trailing zeros, no "-0".

    >>> axis_number(15000.0), axis_number(0.5), axis_number(-0.0), axis_number(0.30000000000000004)
    ('15,000', '0.5', '0', '0.3')
    """
    text = plain_number(round_half_up(value, 6) + 0.0, 6)
    return "0" if text in ("-0", "") else text


def source_precision(value: float) -> str:
    """A figure as a download writes it: to :data:`SOURCE_DIGITS` significant digits, in full.

    No float artefacts of arithmetic and no exponent: tons computed from kilograms keep every gram
    of their source and nothing more.

    >>> source_precision(3.0071999999999997), source_precision(2e-06), source_precision(17694.0)
    ('3.0072', '0.000002', '17694')
    """
    text = format(Decimal(f"{value:.{SOURCE_DIGITS}g}"), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
