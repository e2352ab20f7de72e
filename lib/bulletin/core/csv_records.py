"""CSV text read record by record, with the lines each record spans as an editor counts them.

A quoted cell may hold line breaks, and a blank line is a line: :func:`csv_records` gives each
record with its first and last line, so that a problem can be named by the line a person finds
in an editor. :class:`CsvRecordError` says where a record cannot be read, and why.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence

from bulletin.core.problems import Problem


class CsvRecordError(ValueError):
    """A CSV record that cannot be read: where it begins, and why in plain words.

    Attributes:
        line: the line, as an editor counts it, on which the record begins.
        column: the 0-based index of the field at fault, when known.
        reason: what is wrong and how to mend it.
    """

    def __init__(self, line: int, column: int | None, reason: str):
        """The record beginning on ``line``, the field at fault (if known) and why."""
        self.line, self.column, self.reason = line, column, reason
        super().__init__(f"line {line}: {reason}")

    def problem(self, header: Sequence[str] | None, file: str | None = None) -> Problem:
        """The error as a :class:`~bulletin.core.problems.Problem`, its column named by ``header``.

        Args:
            header: the file's header, when it was read before the record (else no column).
            file: the file's name, where the problem must name it.
        """
        column = None
        if header is not None and self.column is not None and self.column < len(header):
            column = header[self.column]
        return Problem(self.line, column, None, self.reason, file=file)


NO_NUL = "text without the NUL character (\\x00)"
"""What a cell holding a NUL character is refused for, by the reader or by a table's check."""


def csv_records(text: str, delimiter: str = ",") -> Iterator[tuple[int, int, list[str]]]:
    r"""Each record of CSV text with the lines it spans, as an editor counts them.

    A quoted cell may hold line breaks, and a blank line is a line: counting records would shift
    every line number after them. Lines are counted by their ``\n`` (``\r\n`` is one line end;
    a lone ``\r`` is not, as for ``grep -n``), while the CSV reader still splits records as
    before. Blank lines come out as empty records (callers skip them).

    Yields:
        ``(first_line, last_line, fields)`` for each record.

    Raises:
        CsvRecordError: a field longer than the csv module's limit (131,072 characters; nearly
            always a quote that is never closed, so that the rest of the file runs into one
            field), or another record the csv module refuses.

    >>> [(a, b, f) for a, b, f in csv_records('h1,h2\n"two\nlines",x\n\n3,4\n')]
    [(1, 1, ['h1', 'h2']), (2, 3, ['two\nlines', 'x']), (4, 4, []), (5, 5, ['3', '4'])]
    """
    consumed = {"newlines": 0, "open": False}

    def lines() -> Iterator[str]:
        # The reader pulls exactly the lines of a record before returning it: counting here
        # gives each record's last line.
        for line in io.StringIO(text, newline=""):
            consumed["newlines"] += line.count("\n")
            consumed["open"] = not line.endswith("\n")
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    before = 0  # line ends before the record
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            limit = csv.field_size_limit()
            if "field limit" in str(error):
                raise CsvRecordError(
                    before + 1,
                    _field_where(text, before, delimiter, lambda _, length, most=limit: length > most),
                    f"a field of at most {limit:,} characters: one runs longer, nearly always "
                    "because a quote (\") opens a field and is never closed, so that the rest "
                    "of the file runs into it (close the quote, or remove it)",
                ) from None
            if "NUL" in str(error):  # Python 3.10's reader refuses the character; 3.11 reads it
                raise CsvRecordError(
                    before + 1,
                    _field_where(text, before, delimiter, lambda char, _: char == "\x00"),
                    NO_NUL,
                ) from None
            raise CsvRecordError(before + 1, None, f"a well-formed CSV record ({error})") from None
        first = before + 1
        last = consumed["newlines"] + (1 if consumed["open"] else 0)
        before = consumed["newlines"]
        yield first, max(first, last), fields


def _field_where(
    text: str, lines_before: int, delimiter: str, found: Callable[[str, int], bool]
) -> int | None:
    """The index of the first field of the record after ``lines_before`` where ``found`` holds.

    Args:
        text: the CSV text.
        lines_before: the line ends before the record.
        delimiter: the field separator.
        found: called with each character of the record and the length of its field so far.
    """
    offset = 0
    for _ in range(lines_before):
        offset = text.index("\n", offset) + 1
    field, length, quoted, i = 0, 0, False, offset
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"':
                if text.startswith('"', i + 1):
                    i += 1
                else:
                    quoted = False
        elif char == '"' and length == 0:
            quoted = True
        elif char == delimiter:
            field, length = field + 1, -1
        elif char in "\r\n":
            return None
        length += 1
        if found(char, length):
            return field
        i += 1
    return None
