"""One problem type for bad input: where a rule is broken, what was there and what was expected.

A table that breaks its schema (``bulletin.data.tables.TableError``) and a publication an importer
refuses (``bulletin.data.importers.base.ImportRefusedError``) both carry a list of
:class:`Problem`; :func:`list_problems` words that list the same way for both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_PROBLEMS_SHOWN = 20
"""How many problems an error message lists before it says how many more there are."""


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (file, sheet, line or row, column), what was there, what was expected.

    Attributes:
        line: the line (text file) or row (spreadsheet) as an editor counts it, when known.
        column: the column at fault, when known.
        got: the text found there (``None``: nothing worth quoting).
        expected: the rule, in words.
        file: the file's name, where the message must name it (an input file); a table's
            error names its file once, before its problems.
        where: ``"line"`` for text files, ``"row"`` for spreadsheet rows.
        sheet: the spreadsheet's sheet.

    >>> str(Problem(3, "kg", "x", "a number"))
    "line 3, column 'kg': got 'x'; expected a number"
    >>> str(Problem(7, None, None, "a header", file="a.xlsx", where="row", sheet="S"))
    "a.xlsx, sheet 'S', row 7: expected a header"
    """

    line: int | None
    column: str | None
    got: str | None
    expected: str
    file: str | None = None
    where: str = "line"
    sheet: str | None = None

    def __str__(self) -> str:
        """The problem in one line: its place, what was there and what was expected."""
        parts = [] if self.file is None else [self.file]
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if self.line is not None:
            parts.append(f"{self.where} {self.line}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        place = ", ".join(parts)
        if self.file is None and not place:
            place = "table"
        got = "" if self.got is None else f"got {self.got!r}; "
        return f"{place}: {got}expected {self.expected}"


def list_problems(problems: Sequence[Problem]) -> tuple[str, str]:
    """How many problems there are, in words, and the first of them as an indented list.

    >>> count, shown = list_problems([Problem(2, "kg", None, "a value")])
    >>> count, shown
    ('1 problem', "  - line 2, column 'kg': expected a value")
    """
    shown = "\n".join(f"  - {problem}" for problem in problems[:MAX_PROBLEMS_SHOWN])
    more = len(problems) - MAX_PROBLEMS_SHOWN
    tail = f"\n  ... and {more} more" if more > 0 else ""
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    return count, shown + tail
