"""Read the sheets of an ``.xlsx`` workbook as rows of cell values, with their row numbers."""

from __future__ import annotations

import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd

from bulletin.importers.base import refuse

XLSX_MAGIC = b"PK\x03\x04"


def is_xlsx(data_head: bytes) -> bool:
    """Whether a file's first bytes are those of a zip archive (an .xlsx workbook is one)."""
    return data_head.startswith(XLSX_MAGIC)


@cache
def _read_workbook(path: Path, stamp: tuple[int, int]) -> dict[str, list[tuple]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise refuse(path.name, f"a readable .xlsx workbook ({error})") from None
    try:
        return {
            sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def read_workbook(path: Path) -> dict[str, list[tuple]]:
    """Every sheet of a workbook as a list of row tuples (row 1 first), cached per file version."""
    path = Path(path).resolve()
    status = path.stat()
    return _read_workbook(path, (status.st_mtime_ns, status.st_size))


def cell_text(value: object) -> str:
    """A cell as stripped text (empty for an empty cell), non-breaking spaces made plain."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\xa0", " ").strip()


def sheet_frame(rows: list[tuple], header_row: int) -> pd.DataFrame:
    """The rows below a header row as a frame of raw cell values, with a ``_row`` column.

    Args:
        rows: a sheet's rows (row 1 first).
        header_row: the 1-based row holding the column names.
    """
    header = [cell_text(value) for value in rows[header_row - 1]]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    header = header[:width]
    body = [tuple(row[:width]) + (None,) * (width - len(row)) for row in rows[header_row:]]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame["_row"] = range(header_row + 1, header_row + 1 + len(body))
    empty = frame[header].isna().all(axis=1)
    return frame[~empty].reset_index(drop=True)
