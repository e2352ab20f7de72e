"""Read the sheets of an ``.xlsx`` workbook as rows of cell values, with their row numbers.

A workbook is a zip archive of XML files, and a small archive can expand enormously (a "zip
bomb": 9 MB that inflate to 1.2 GB). Before openpyxl sees a workbook, its zip directory (a few
bytes per member, nothing inflated) is checked against limits set far above the official files
the project reads (``../shared/data/official/``: at most 23 members, 4.4 MB uncompressed, members
compressed at most 15 to 1):

- the members together at most :data:`MAX_UNCOMPRESSED_BYTES` uncompressed;
- no member over 1 MB compressed more than :data:`MAX_COMPRESSION_RATIO` to 1;
- at most :data:`MAX_MEMBERS` members.

Python's zip reader never inflates a member beyond the size the directory declares (it stops
there and the checksum fails), so the declared sizes bound the work. While a sheet is streamed,
reading stops at :data:`MAX_ROWS` rows or :data:`MAX_CELLS` cells (a row is as wide as its last
cell). Format detection reads only the first :data:`PROBE_ROWS` rows of each sheet
(:func:`probe_workbook`).

Whatever a malformed workbook makes openpyxl or the zip reader raise ends in a refusal naming the
file, never a traceback.
"""

from __future__ import annotations

import zipfile
import zlib
from functools import lru_cache
from pathlib import Path

import pandas as pd
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from bulletin.importers.base import ImportRefusedError, refuse

XLSX_MAGIC = b"PK\x03\x04"
MAX_UNCOMPRESSED_BYTES = 200_000_000
"""All members of a workbook together, uncompressed (the largest official workbook: 4.4 MB)."""
MAX_COMPRESSION_RATIO = 100
"""Uncompressed / compressed size of a member over 1 MB (the official workbooks: at most 15)."""
RATIO_FLOOR_BYTES = 1_000_000
MAX_MEMBERS = 1_000
"""Files inside the archive (the official workbooks: at most 23)."""
MAX_ROWS = 1_000_000
"""Rows of one sheet, empty rows between filled ones included (the official ones: 11,015)."""
MAX_CELLS = 5_000_000
"""Cells of one workbook, rows as wide as their last cell (the official ones: about 100,000)."""
PROBE_ROWS = 6
"""Rows of each sheet that format detection reads."""

# What openpyxl and the zip reader raise on a malformed archive or XML: BadZipFile, zlib.error
# and EOFError for broken compression, KeyError for a missing part, ValueError / TypeError /
# IndexError / AttributeError for unexpected values or structure, SyntaxError for XML that does
# not parse (ElementTree's and lxml's parse errors derive from it).
_MALFORMED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,
    InvalidFileException,
    NotImplementedError,
)


def is_xlsx(data_head: bytes) -> bool:
    """Whether a file's first bytes are those of a zip archive (an .xlsx workbook is one)."""
    return data_head.startswith(XLSX_MAGIC)


def check_archive(path: Path) -> None:
    """Refuse a zip archive that is not a workbook or that breaks the limits (nothing inflated).

    Raises:
        ImportRefusedError: naming the file and the limit.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise refuse(path.name, f"a readable .xlsx workbook (a zip archive: {error})") from None
    if len(members) > MAX_MEMBERS:
        raise refuse(
            path.name,
            f"a workbook of at most {MAX_MEMBERS:,} parts",
            got=f"a zip archive of {len(members):,} files",
        )
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        inside = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
        hint = ""
        if any(name.lower().endswith((".csv", ".txt", ".xlsx")) for name in names):
            hint = " (to import a file it holds, unzip it and import that file)"
        raise refuse(
            path.name,
            "an .xlsx workbook" + hint,
            got=f"a zip archive holding {inside or 'nothing'}",
        )
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise refuse(
            path.name,
            f"a workbook of at most {MAX_UNCOMPRESSED_BYTES / 1e6:,.0f} MB uncompressed (the "
            "importer's limit against zip bombs; official workbooks are a few MB)",
            got=f"{total / 1e6:,.0f} MB uncompressed from {path.stat().st_size / 1e6:,.1f} MB",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise refuse(
                path.name,
                f"workbook parts compressed at most {MAX_COMPRESSION_RATIO} to 1 (the "
                "importer's limit against zip bombs; official workbooks compress 4 to 15 to 1)",
                got=f"'{member.filename}' compressed {ratio:,.0f} to 1",
            )


class _Sheet(ReadOnlyWorksheet):
    """A read-only sheet that does not read its rows to learn its size.

    openpyxl looks for a sheet's ``<dimension>`` when it opens it, and a sheet without one is
    parsed to its end, before a single row is asked for. Without a size, every row is as wide as
    its last cell, and a forged dimension cannot widen rows either.
    """

    def _get_size(self) -> None:
        pass


class _Reader(ExcelReader):
    """openpyxl's reader, read-only, making :class:`_Sheet` sheets (chart sheets left out)."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def _read(path: Path, max_rows: int | None) -> dict[str, list[tuple]]:
    """The rows of every sheet (the first ``max_rows`` of each, or all within the limits)."""
    check_archive(path)
    cells = 0
    try:
        # A file object, not a name: openpyxl refuses names without an Excel extension, and a
        # format is told from the content, never from the name.
        with path.open("rb") as handle:
            reader = _Reader(handle, read_only=True, data_only=True)
            reader.read()
            workbook = reader.wb
            try:
                sheets: dict[str, list[tuple]] = {}
                for sheet in workbook.worksheets:
                    rows: list[tuple] = []
                    for number, row in enumerate(
                        sheet.iter_rows(max_row=max_rows, values_only=True), start=1
                    ):
                        if number > MAX_ROWS:
                            raise refuse(
                                path.name,
                                f"a sheet of at most {MAX_ROWS:,} rows (the importer's limit)",
                                line=number,
                                got="more rows",
                                where="row",
                                sheet=sheet.title,
                            )
                        cells += len(row)
                        if cells > MAX_CELLS:
                            raise refuse(
                                path.name,
                                f"a workbook of at most {MAX_CELLS:,} cells (the importer's "
                                "limit; rows count as wide as their last cell)",
                                line=number,
                                got=f"more cells by this row ({len(row):,} wide)",
                                where="row",
                                sheet=sheet.title,
                            )
                        rows.append(tuple(row))
                    sheets[sheet.title] = rows
                return sheets
            finally:
                workbook.close()
    except ImportRefusedError:
        raise
    except _MALFORMED as error:
        raise refuse(
            path.name, f"a readable .xlsx workbook ({type(error).__name__}: {error})"
        ) from error
    except OSError as error:
        if error.errno is not None:
            raise  # the disk, not the file's content: the command reports it as such
        raise refuse(path.name, f"a readable .xlsx workbook ({error})") from error


@lru_cache(maxsize=8)
def _read_workbook(path: Path, stamp: tuple[int, int]) -> dict[str, list[tuple]]:
    return _read(path, None)


def read_workbook(path: Path) -> dict[str, list[tuple]]:
    """Every sheet of a workbook as a list of row tuples (row 1 first), cached per file version.

    Rows are as wide as their last cell (shorter rows are not padded).

    Raises:
        ImportRefusedError: the file is not a readable workbook, or breaks a limit (see the
            module's docstring).
    """
    path = Path(path).resolve()
    status = path.stat()
    return _read_workbook(path, (status.st_mtime_ns, status.st_size))


def probe_workbook(path: Path, rows: int = PROBE_ROWS) -> dict[str, list[tuple]]:
    """The first ``rows`` rows of every sheet, for format detection; the rest is not read.

    Raises:
        ImportRefusedError: as :func:`read_workbook`.
    """
    return _read(Path(path), rows)


def cell(row: tuple, index: int) -> object:
    """A row's cell by 0-based index (``None`` beyond the row's last cell)."""
    return row[index] if index < len(row) else None


def cell_text(value: object) -> str:
    """A cell as stripped text (empty for an empty cell), non-breaking spaces made plain."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\xa0", " ").strip()


def sheet_frame(
    rows: list[tuple], header_row: int, *, file: str = "<workbook>", sheet: str | None = None
) -> pd.DataFrame:
    """The rows below a header row as a frame of raw cell values, with a ``_row`` column.

    Args:
        rows: a sheet's rows (row 1 first).
        header_row: the 1-based row holding the column names (a sheet without it gives an
            empty frame).
        file: the workbook's name, for a refusal.
        sheet: the sheet's name, for a refusal.

    Raises:
        ImportRefusedError: the header names a column twice.
    """
    header = [cell_text(value) for value in rows[header_row - 1]] if len(rows) >= header_row else []
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    header = header[:width]
    repeated = [name for i, name in enumerate(header) if name and name in header[:i]]
    if repeated:
        raise refuse(
            file,
            "each column name once in the header",
            line=header_row,
            column=repeated[0],
            got="a second column of that name",
            where="row",
            sheet=sheet,
        )
    body = [tuple(row[:width]) + (None,) * (width - len(row)) for row in rows[header_row:]]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame["_row"] = range(header_row + 1, header_row + 1 + len(body))
    empty = frame[header].isna().all(axis=1)
    return frame[~empty].reset_index(drop=True)
