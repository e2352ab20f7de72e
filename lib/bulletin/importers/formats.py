"""The formats ``bulletin import`` reads, each with the test that recognises it.

Detection runs these tests in order on a :class:`~bulletin.importers.detect.Probe` of the file.
"""

from __future__ import annotations

from pathlib import Path

from bulletin.importers import wdr_seizures
from bulletin.importers.base import FileReport, ImportedTable
from bulletin.importers.detect import Format, ImportOptions, Probe, register, split_header


def _is_wdr2018(seen: Probe) -> bool:
    return seen.kind == "text" and split_header(seen.lines[0], ";") == wdr_seizures.HEADER_2018


def _is_wdr2024_seizures(seen: Probe) -> bool:
    rows = (seen.sheets or {}).get(wdr_seizures.SHEET_2024)
    if seen.kind != "xlsx" or not rows or len(rows) < 2:
        return False
    header = tuple(value for value in rows[1] if value)
    return header == wdr_seizures.HEADER_2024


def _read_wdr2018(path: Path, options: ImportOptions, report: FileReport) -> list[ImportedTable]:
    return [wdr_seizures.read_wdr2018(path, options.scope, report)]


def _read_wdr2024(path: Path, options: ImportOptions, report: FileReport) -> list[ImportedTable]:
    return [wdr_seizures.read_wdr2024(path, options.scope, report)]


WDR2018_SEIZURES = Format(
    "wdr2018-seizures",
    "WDR 2018 statistical annex, drug seizures (';'-separated CSV: "
    + ";".join(wdr_seizures.HEADER_2018)
    + ")",
    _read_wdr2018,
)
WDR2024_SEIZURES = Format(
    "wdr2024-seizures",
    "WDR 2024 statistical annex table 7.1, drug seizures (xlsx, sheet 'Export', row 2: "
    + ", ".join(wdr_seizures.HEADER_2024)
    + ")",
    _read_wdr2024,
)

register(_is_wdr2018, WDR2018_SEIZURES)
register(_is_wdr2024_seizures, WDR2024_SEIZURES)
