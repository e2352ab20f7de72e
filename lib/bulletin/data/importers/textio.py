"""Strict reading of delimited text files: encoding, field counts, numbers.

Each check refuses the whole file with the place of the problem (line, as an editor counts it,
and column) rather than guess: a byte that is not UTF-8, a line with more or fewer fields than
the header (and, when two neighbouring fields look like the halves of a number split by a
decimal comma, says so; when the record spans lines, that a quote may be left open), a field
over the csv module's size limit (an unclosed quote, nearly always), a cell that is not a number
where a number is expected.

A text file may come inside a zip archive that holds it alone (:func:`archived_text`): it is read
from the archive, after the limits against zip bombs of ``bulletin.data.importers.archives`` are checked,
without being unpacked to disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from bulletin.core.csv_records import CsvRecordError, csv_records
from bulletin.core.problems import Problem
from bulletin.data.importers.archives import (
    archive_members,
    is_workbook_archive,
    is_xlsx,
    open_member,
)
from bulletin.data.importers.base import ImportRefusedError, refuse

NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
DECIMAL_COMMA = r"[+-]?\d+,\d+"
_INTEGER_PART = re.compile(r"^[+-]?\d+$")
_DIGITS = re.compile(r"^\d+$")
_BLANK_BYTES = b" \t\r\n\xef\xbb\xbf"
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
"""Names of a text file a zip archive may hold for import."""


@dataclass(frozen=True)
class ArchivedText:
    """A text file alone in a zip archive (the archive's limits checked)."""

    path: Path
    filename: str
    size: int

    def open(self) -> BinaryIO:
        """The file's bytes as a stream, inflated as it is read (closing it closes the archive)."""
        return open_member(self.path, self.filename)

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes of the file."""
        with self.open() as stream:
            return stream.read(size)

    def read(self) -> bytes:
        """The whole file."""
        with self.open() as stream:
            return stream.read()


def archived_text(path: Path) -> ArchivedText | None:
    """The text file a zip archive holds alone; ``None`` for a workbook or a file not zipped.

    Raises:
        ImportRefusedError: the archive breaks a limit against zip bombs, or holds anything but
            one text file (a workbook aside), naming the file.
    """
    path = Path(path)
    with path.open("rb") as handle:
        if not is_xlsx(handle.read(4)):
            return None
    members = archive_members(path)
    names = [member.filename for member in members]
    if is_workbook_archive(names):
        return None
    files = [member for member in members if not member.is_dir()]
    if len(files) == 1 and files[0].filename.lower().endswith(TEXT_SUFFIXES):
        return ArchivedText(path, files[0].filename, files[0].file_size)
    inside = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
    raise refuse(
        path.name,
        "an .xlsx workbook, or a zip archive holding one CSV file (to import several files an "
        "archive holds, unzip it and import each)",
        got=f"a zip archive holding {inside or 'nothing'}",
    )


def read_bytes(path: Path) -> bytes:
    """Read a file's bytes (a text file alone in a zip archive: its bytes).

    Raises:
        ImportRefusedError: the file is empty (nothing but blanks or a BOM).
    """
    path = Path(path)
    archived = archived_text(path)
    data = path.read_bytes() if archived is None else archived.read()
    if not data.strip(_BLANK_BYTES):
        raise refuse(path.name, "a header line and rows", got="an empty file")
    return data


def decode_utf8(path: Path, data: bytes, delimiter: str | None = None) -> str:
    """Decode UTF-8 (with or without BOM); a byte that is not UTF-8 is refused with its place.

    The line is counted from the start of the file; the column is found by counting delimiters
    on that line when the delimiter is known (quoted delimiters are rare in the header's first
    fields and the place is a pointer for a person, not a parse).
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = None
        if delimiter:
            header_end = data.find(b"\n")
            header = data[: header_end if header_end >= 0 else len(data)]
            names = header.decode("utf-8-sig", errors="replace").rstrip("\r").split(delimiter)
            line_start = data.rfind(b"\n", 0, error.start) + 1
            index = data[line_start : error.start].count(delimiter.encode())
            if index < len(names):
                column = names[index].strip().strip('"')
        bad = data[error.start : error.start + 4]
        raise refuse(
            path.name,
            "UTF-8 text (the file looks like another encoding, for instance Windows-1251 or "
            "Latin-1: save it again as UTF-8)",
            line=line,
            column=column,
            got=f"the bytes {bad!r}",
        ) from None


def sniff_delimiter(first_line: str, candidates: str = ";,\t") -> str:
    """The candidate delimiter found most often in the header line."""
    return max(candidates, key=first_line.count)


def read_delimited(
    path: Path, text: str, delimiter: str, skip_lines: int = 0
) -> tuple[list[str], list[list[str]], list[int]]:
    """Split text into header and rows, refusing lines whose field count differs from the header.

    Args:
        path: the file (for messages).
        text: its decoded text.
        delimiter: the field separator.
        skip_lines: heading lines above the header.

    Returns:
        The header (names stripped), the rows (fields as text) and the line each row begins on,
        as an editor counts lines (a blank line, or a quoted cell spanning lines, counts).

    Raises:
        ImportRefusedError: with every line whose field count differs, naming the decimal comma where
            two neighbouring fields look like the halves of one number; or the line of a field
            over the csv module's size limit.
    """
    records = csv_records(text, delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    try:
        for _ in range(skip_lines):
            next(records, None)
        header_record = next(records, None)
        if header_record is None:
            raise refuse(path.name, "a header line and rows", got="no header line")
        header = [name.strip() for name in header_record[2]]
        repeated = [name for i, name in enumerate(header) if name and name in header[:i]]
        if repeated:
            raise refuse(
                path.name,
                "each column name once in the header",
                line=header_record[0],
                column=repeated[0],
                got="a second column of that name",
            )
        for first, last, fields in records:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) != len(header):
                problems.append(field_count_problem(path.name, first, header, fields, last))
                continue
            rows.append(fields)
            lines.append(first)
    except CsvRecordError as error:
        problems.append(error.problem(header, path.name))
    if problems:
        raise ImportRefusedError(problems)
    return header, rows, lines


def field_count_problem(
    file: str, line: int, header: list[str], fields: list[str], last_line: int | None = None
) -> Problem:
    """Describe a line with too many or too few fields, spotting a decimal comma split.

    ``last_line`` is the line the record ends on: a record spanning lines is said to, since a
    quote left open is then the likely cause.
    """
    expected = f"{len(header)} fields, as in the header"
    extra = len(fields) - len(header)
    if last_line is not None and last_line > line:
        return Problem(
            line,
            None,
            f"{len(fields)} fields",
            f"{expected} (this record runs from line {line} to line {last_line}: a quote that "
            "opens a field and is not closed where it should be makes the following lines "
            "part of it)",
            file=file,
        )
    if extra > 0:
        for i in range(min(len(header), len(fields) - 1)):
            if _INTEGER_PART.match(fields[i].strip()) and _DIGITS.match(fields[i + 1].strip()):
                joined = f"{fields[i].strip()},{fields[i + 1].strip()}"
                return Problem(
                    line,
                    header[i],
                    f"{len(fields)} fields",
                    f"{expected}: the fields from column '{header[i]}' on are shifted, "
                    f"'{fields[i].strip()}' and '{fields[i + 1].strip()}' look like one number "
                    f"written with a decimal comma ({joined}) that split it in two; the file is "
                    "refused rather than read as wrong numbers (write the number with a decimal "
                    "point, or quote the field)",
                    file=file,
                )
    return Problem(line, None, f"{len(fields)} fields", expected, file=file)


def parse_numbers(
    values: pd.Series,
    lines: pd.Series,
    file: str,
    column: str,
    *,
    whole: bool = False,
    where: str = "line",
    sheet: str | None = None,
) -> pd.Series:
    """Parse text cells as numbers; blank cells become missing, anything else is refused.

    Cells already numeric (from a spreadsheet) pass as they are. A decimal comma, a thousands
    separator or a word is refused with its line and column: a number is never guessed.
    """
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype("float64")
        bad = pd.Series(False, index=values.index)
    else:
        parsed, refused = _cells_as_numbers(values.tolist())
        numbers = pd.Series(parsed, index=values.index, dtype="float64")
        bad = pd.Series(refused, index=values.index, dtype=bool)
    if whole:
        bad = bad | (numbers.notna() & (numbers != numbers.round()))
    if bad.any():
        problems = []
        for index in bad[bad].index[:50]:
            cell = _as_text(values[index])
            expected = "a whole number" if whole else "a number (digits, a decimal point)"
            if re.fullmatch(DECIMAL_COMMA, cell.strip()):
                expected += ": this one has a decimal comma"
            problems.append(
                Problem(int(lines[index]), column, cell, expected, file=file, where=where, sheet=sheet)
            )
        raise ImportRefusedError(problems)
    return numbers.astype("float64")


_NUMBER_TEXT = re.compile(NUMBER)


def _cells_as_numbers(cells: list[object]) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's number (NaN when blank or refused), and which cells are refused.

    One pass in Python over the cells, the hot loop of every import: a spreadsheet's number passes
    as it is (``True`` is no number); text, stripped, must be a decimal number (:data:`NUMBER`,
    digits of any script), read by Python's ``float``, which rounds a decimal correctly (pandas' own
    parser may miss by a unit in the last place, and a number must read the same from a CSV and
    from a workbook); blank and missing cells are no number and no problem.

    >>> numbers, refused = _cells_as_numbers([" 1.5 ", 2, None, "", "1,5", True, float("nan")])
    >>> numbers.tolist()[:2], refused.tolist()
    ([1.5, 2.0], [False, False, False, False, True, True, False])
    """
    numbers = np.full(len(cells), np.nan)
    refused = np.zeros(len(cells), dtype=bool)
    number_text = _NUMBER_TEXT.fullmatch
    for position, cell in enumerate(cells):
        if isinstance(cell, str):
            text = cell.strip()
        elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
            numbers[position] = cell  # NaN (a blank cell) stays NaN
            continue
        elif cell is None or _is_missing(cell):
            continue
        else:
            text = str(cell).strip()
        if not text:
            continue
        if number_text(text):
            numbers[position] = float(text)
        else:
            refused[position] = True
    return numbers, refused


def _is_missing(cell: object) -> bool:
    """Whether a cell that is neither text nor a number is pandas' missing value (NA, NaT)."""
    missing = pd.isna(cell)
    return isinstance(missing, (bool, np.bool_)) and bool(missing)


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)
