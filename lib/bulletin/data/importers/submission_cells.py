"""The cells of a submission sheet, read one by one against their column's rule.

Each check reads one cell of one row of a sheet (a record of
``bulletin.data.importers.xlsxio.sheet_frame``, which keeps the Excel row as ``_row``) and, when
the cell breaks its rule, records a :class:`~bulletin.core.problems.Problem` naming the file, the
sheet, the Excel row, the column (its header and letter, ``kg (G)``), what the cell holds and
what was expected. Nothing stops at the first problem: the reader collects every one and refuses
the workbook once, with all of them.

A cell is read as calamine gives it: text, a number (``float``), a ``bool``, a date or a
date-time. Text is stripped (non-breaking spaces made plain); an empty cell, or one of blanks
only, is empty. Numbers typed as text (``12.5``) are numbers; a number with a thousands
separator or a decimal comma (``1,250``) is refused, since it cannot be read one way only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl.utils import get_column_letter

from bulletin.core.problems import Problem
from bulletin.data.importers.xlsxio import cell_text
from bulletin.data.schemas import is_partial_date

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
EMPTY = "a value (the cell is empty)"


def is_empty(value: object) -> bool:
    """Whether a cell is empty (nothing, or blanks only)."""
    return value is None or (isinstance(value, str) and not cell_text(value))


def shown(value: object) -> str:
    """A cell as the message quotes it (``-5`` for -5.0, a date as ``2017-07-05``)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return cell_text(value)


def as_number(value: object) -> float | None:
    """A cell's number (a number cell, or text that is a plain number); None if it is none.

    >>> as_number(12.5), as_number(" 3 "), as_number("1,250"), as_number(True)
    (12.5, 3.0, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and _PLAIN_NUMBER.match(cell_text(value)):
        number = float(cell_text(value))
    else:
        return None
    return number if math.isfinite(number) else None


def as_date_text(value: object) -> str | None:
    """A date cell as ``YYYY-MM-DD``, a year as ``YYYY``, or text that is a real partial date.

    None for anything else (a date-time with a time of day, text that is no date).

    >>> as_date_text(date(2017, 7, 5)), as_date_text(2017.0), as_date_text("2017-07")
    ('2017-07-05', '2017', '2017-07')
    >>> as_date_text("5 July 2017"), as_date_text("2017-02-30")
    (None, None)
    """
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() and 1000 <= value <= 9999 else None
    text = cell_text(value)
    return text if is_partial_date(text) else None


@dataclass
class SheetCells:
    """The cells of one sheet: its columns' letters, and the problems found so far.

    Attributes:
        file: the workbook's name.
        sheet: the sheet's name.
        header: the header's names, in order (their place gives their letter).
        problems: every problem found, in the order found.
    """

    file: str
    sheet: str
    header: Sequence[str]
    problems: list[Problem] = field(default_factory=list)

    def place(self, column: str) -> str:
        """A column as messages name it: its header and letter, e.g. ``kg (G)``."""
        if column in self.header:
            return f"{column} ({get_column_letter(list(self.header).index(column) + 1)})"
        return column

    def add(self, row: int | None, column: str | None, got: str | None, expected: str) -> None:
        """Record a problem of the sheet (``column`` by its header; None for the whole row)."""
        self.problems.append(
            Problem(
                row,
                None if column is None else self.place(column),
                got,
                expected,
                file=self.file,
                where="row",
                sheet=self.sheet,
            )
        )

    def add_key(self, row: int, columns: Sequence[str], got: str, expected: str) -> None:
        """Record a problem of several cells of a row together (a key given twice)."""
        self.problems.append(
            Problem(
                row,
                ", ".join(self.place(column) for column in columns),
                got,
                expected,
                file=self.file,
                where="row",
                sheet=self.sheet,
            )
        )

    def text(self, record: dict, column: str, *, required: bool = False) -> str | None:
        """A text cell, stripped; None when empty (a problem if ``required``)."""
        value = record.get(column)
        if is_empty(value):
            if required:
                self.add(record["_row"], column, None, EMPTY)
            return None
        if isinstance(value, (date, datetime, bool)):
            self.add(record["_row"], column, shown(value), "text")
            return None
        return cell_text(value)

    def choice(
        self, record: dict, column: str, allowed: Sequence[str], rule: str, *, required: bool
    ) -> str | None:
        """A cell holding one of ``allowed`` (matched whatever its case, as Excel's lists do)."""
        text = self.text(record, column, required=required)
        if text is None:
            return None
        by_case = {value.casefold(): value for value in allowed}
        if text.casefold() not in by_case:
            self.add(record["_row"], column, text, rule)
            return None
        return by_case[text.casefold()]

    def number(
        self, record: dict, column: str, *, minimum: float, whole: bool, rule: str
    ) -> float | None:
        """A number cell at least ``minimum`` (whole if ``whole``); None when empty or bad.

        Callers tell an empty cell from a bad one with :func:`is_empty`.
        """
        value = record.get(column)
        if is_empty(value):
            return None
        number = as_number(value)
        if number is None or number < minimum or (whole and not number.is_integer()):
            self.add(record["_row"], column, shown(value), rule)
            return None
        return number

    def exact(self, record: dict, column: str, expected: int, rule: str) -> int | None:
        """A whole-number cell that must hold ``expected`` (the workbook's year or quarter)."""
        value = record.get(column)
        number = as_number(value)
        if is_empty(value):
            self.add(record["_row"], column, None, f"{expected}, {rule} (the cell is empty)")
        elif number != expected:
            self.add(record["_row"], column, shown(value), f"{expected}, {rule}")
        else:
            return expected
        return None

    def date(self, record: dict, column: str) -> str | None:
        """A date cell or a partial date as text (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``)."""
        value = record.get(column)
        if is_empty(value):
            return None
        text = as_date_text(value)
        if text is None:
            self.add(
                record["_row"],
                column,
                shown(value),
                "a real date as YYYY-MM-DD, YYYY-MM or YYYY (typed as text), or a date cell",
            )
        return text
