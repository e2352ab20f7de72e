"""Read the sheets of an ``.xlsx`` workbook as rows of cell values, with their row numbers.

Workbooks arrive as their publishers' tools wrote them, not only as Excel writes them: a sheet's
declared size (``<dimension>``) may be wrong, strings may be shared (``t="s"``) or inline
(``t="inlineStr"``, ``t="str"``), numbers may be stored as text, the shared-strings part may be
missing or left out of ``[Content_Types].xml``, cells may have no ``r`` reference, and the XML
may use the Strict OOXML namespaces or prefixed element names. Every reader takes such a file as
Excel's own (``tests/test_import_workbooks.py`` writes one by hand):

- **Reading** is done by calamine (``python-calamine``), which handles all of the above and is
  7 to 15 times faster than openpyxl on the official workbooks (``bench/bench_import.py``
  prints both). Values come as calamine gives them: text, ``float``/``int``, ``bool``, dates;
  an empty cell is ``None``; rows keep their number (row 1 first) and stop at their last cell.
- **Detection** reads only the first rows of each sheet
  (``bulletin.data.importers.xlsx_parts.probe_workbook``).

The archive is first checked against the limits against zip bombs
(``bulletin.data.importers.archives``). Calamine reads the archive on its own, and holds a sheet
as a dense grid (rows x columns of its cells, wherever they are): a sheet of two cells, ``A1``
and ``XFD1048576``, would ask for 500 GB and abort the process. So before calamine sees a
workbook, every part it reads is inflated once through Python's zip reader (checksums verified:
a member that inflates beyond its declared size is refused) and each sheet's cell references
are scanned for its extent: a sheet over :data:`MAX_ROWS` rows, or sheets over
:data:`MAX_CELLS` cells (rows x columns) together, are refused before the grid is made.

Whatever a malformed workbook makes calamine, the XML parser or the zip reader raise ends in a
refusal naming the file, never a traceback.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from bulletin.data.importers.archives import check_archive
from bulletin.data.importers.base import ImportRefusedError, refuse
from bulletin.data.importers.xlsx_parts import MALFORMED, column_index, unreadable, workbook_parts

MAX_ROWS = 1_000_000
"""Rows of one sheet, empty rows between filled ones included (the official ones: 11,015)."""
MAX_CELLS = 5_000_000
"""Cells of one workbook, each sheet counted as its rows times its columns (the official ones:
about 100,000)."""
# A cell's or row's reference, `r="B12"` / `r="12"`: what places it in the sheet's grid (an
# attribute merely ending in r, or text that looks like one, can only make the bound larger).
_REFERENCE = re.compile(rb'r="([A-Z]*)([0-9]+)"')
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")

def _extent(xml: bytes) -> tuple[int, int]:
    """An upper bound of a sheet's rows and columns as calamine places its cells.

    A cell or row with an ``r`` reference is placed there; one without follows the previous
    one, so each unreferenced row or cell can add one to the bound.
    """
    references = _REFERENCE.findall(xml)
    letters = {letter for letter, _ in references}
    numbers = {number for _, number in references}
    rows_referenced = sum(1 for letter, _ in references if not letter)
    if b":c" in xml or b":row" in xml:  # prefixed elements (<x:c>): the general patterns
        cells = len(_CELL_TAG.findall(xml))
        all_rows = len(_ROW_TAG.findall(xml))
    else:
        cells = sum(xml.count(b"<c" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
        all_rows = sum(
            xml.count(b"<row" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r")
        )
    last_row = max((int(number) for number in numbers), default=0)
    last_column = max((column_index(letter.decode()) for letter in letters if letter), default=0)
    rows = last_row + max(all_rows - rows_referenced, 0)
    columns = last_column + max(cells - (len(references) - rows_referenced), 0)
    return rows, columns


def _checked_sheets(path: Path) -> list[str]:
    """Inflate every part once (checksums verified) and bound each sheet; the sheets' names."""
    check_archive(path)
    cells = 0
    with zipfile.ZipFile(path) as archive:
        sheets, _ = workbook_parts(archive)
        sheet_parts = {part: name for name, part in sheets}
        for member in archive.infolist():
            if member.filename in sheet_parts:
                rows, columns = _extent(archive.read(member))
                name = sheet_parts[member.filename]
                if rows > MAX_ROWS:
                    raise refuse(
                        path.name,
                        f"a sheet of at most {MAX_ROWS:,} rows (the importer's limit)",
                        line=MAX_ROWS + 1,
                        got="more rows",
                        where="row",
                        sheet=name,
                    )
                cells += rows * columns
                if cells > MAX_CELLS:
                    raise refuse(
                        path.name,
                        f"a workbook of at most {MAX_CELLS:,} cells (the importer's limit; each "
                        "sheet counts as its rows times its columns)",
                        got=f"{rows:,} rows and {columns:,} columns",
                        where="row",
                        sheet=name,
                    )
            else:
                # Read and dropped: the checksum proves the member inflates to its declared size.
                with archive.open(member) as stream:
                    while stream.read(1 << 20):
                        pass
    return [name for name, _ in sheets]


def _read(path: Path) -> dict[str, list[tuple]]:
    """Every worksheet's rows, within the limits."""
    try:
        names = _checked_sheets(path)
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            sheets = {}
            for name in names:
                grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                sheets[name] = [_row(values) for values in grid]
            return sheets
        finally:
            workbook.close()
    except ImportRefusedError:
        raise
    except MALFORMED as error:
        raise unreadable(path, error) from error
    except OSError as error:
        if error.errno is not None:
            raise  # the disk, not the file's content: the command reports it as such
        raise refuse(path.name, f"a readable .xlsx workbook ({error})") from error
    except BaseException as error:
        # A Rust panic inside calamine reaches Python as pyo3's PanicException, which derives
        # from BaseException: a malformed file, not an interrupt.
        if type(error).__name__ != "PanicException":
            raise
        raise refuse(path.name, f"a readable .xlsx workbook (calamine: {error})") from None


def _row(values: list) -> tuple:
    """A calamine row as a tuple, '' as None, as wide as its last cell."""
    width = len(values)
    while width and values[width - 1] == "":
        width -= 1
    return tuple(None if value == "" else value for value in values[:width])


@lru_cache(maxsize=8)
def _read_workbook(path: Path, stamp: tuple[int, int]) -> dict[str, list[tuple]]:
    return _read(path)


def read_workbook(path: Path) -> dict[str, list[tuple]]:
    """Every sheet of a workbook as a list of row tuples (row 1 first), cached per file version.

    Rows are as wide as their last cell (shorter rows are not padded); an empty cell is ``None``.

    Raises:
        ImportRefusedError: the file is not a readable workbook, or breaks a limit (see the
            module's docstring).
    """
    path = Path(path).resolve()
    status = path.stat()
    return _read_workbook(path, (status.st_mtime_ns, status.st_size))


def cell(row: tuple, index: int) -> object:
    """A row's cell by 0-based index (``None`` beyond the row's last cell)."""
    return row[index] if index < len(row) else None


def cell_text(value: object) -> str:
    """A cell as stripped text (empty for an empty cell), non-breaking spaces made plain."""
    if value.__class__ is str:  # most cells: the same as below, without the call to str()
        return value.replace("\xa0", " ").strip()
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


def header_refusal(
    path: Path, expected: Sequence[str], got: Sequence[str], row: int, sheet: str
) -> ImportRefusedError:
    """The refusal of a sheet whose header (in ``row``) is not ``expected`` (raise the result)."""
    return refuse(
        path.name,
        "the header " + ", ".join(expected),
        line=row,
        got=", ".join(got),
        where="row",
        sheet=sheet,
    )
