"""The formats ``bulletin import`` reads, each with the test that recognises it.

Detection runs these tests in order on a :class:`~bulletin.data.importers.detect.Probe` of the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bulletin.data.importers import (
    dataunodc,
    ids,
    sdg,
    submission,
    unodc_series,
    wdr_crimes,
    wdr_crimes_layouts,
    wdr_seizures,
)
from bulletin.data.importers.base import FileReport, ImportedTable
from bulletin.data.importers.detect import (
    Format,
    ImportOptions,
    Probe,
    Reader,
    probe,
    register,
    split_header,
)
from bulletin.data.submission import layout


def _one_table(
    read: Callable[[Path, frozenset[str] | None, FileReport], ImportedTable],
) -> Reader:
    """The reader of a format whose files give one table: ``read(path, scope, report)``."""

    def reader(path: Path, options: ImportOptions, report: FileReport) -> list[ImportedTable]:
        return [read(path, options.scope, report)]

    return reader


def _is_wdr2018(seen: Probe) -> bool:
    return seen.kind == "text" and split_header(seen.lines[0], ";") == wdr_seizures.HEADER_2018


def _is_wdr2024_seizures(seen: Probe) -> bool:
    rows = (seen.sheets or {}).get(wdr_seizures.SHEET_2024)
    if seen.kind != "xlsx" or not rows or len(rows) < 2:
        return False
    header = tuple(value for value in rows[1] if value)
    return header == wdr_seizures.HEADER_2024


_HEADER_2018 = ";".join(wdr_seizures.HEADER_2018)
_HEADER_2024 = ", ".join(wdr_seizures.HEADER_2024)
WDR2018_SEIZURES = Format(
    "wdr2018-seizures",
    f"WDR 2018 statistical annex, drug seizures (';'-separated CSV: {_HEADER_2018})",
    _one_table(wdr_seizures.read_wdr2018),
)
WDR2024_SEIZURES = Format(
    "wdr2024-seizures",
    f"WDR 2024 statistical annex table 7.1, drug seizures (xlsx, sheet 'Export', row 2: "
    f"{_HEADER_2024})",
    _one_table(wdr_seizures.read_wdr2024),
)

register(_is_wdr2018, WDR2018_SEIZURES)
register(_is_wdr2024_seizures, WDR2024_SEIZURES)


def _crimes_detector(layout_name: str):
    def test(seen: Probe) -> bool:
        layout = getattr(wdr_crimes_layouts, layout_name)
        return seen.kind == "xlsx" and wdr_crimes_layouts.is_layout(seen.sheets or {}, layout)

    return test


def _crimes_reader(layout_name: str):
    def read(path: Path, options: ImportOptions, report: FileReport) -> list[ImportedTable]:
        return wdr_crimes.read_wdr_crimes(
            path, options.scope, report, getattr(wdr_crimes_layouts, layout_name)
        )

    return read


WDR2024_CRIMES = Format(
    "wdr2024-crimes",
    "WDR 2024 statistical annex table 10.1, drug-related crimes (xlsx, sheets 'Formal contact' "
    "and 'Sheet1')",
    _crimes_reader("WDR2024"),
)
WDR2022_CRIMES = Format(
    "wdr2022-crimes",
    "WDR 2022 statistical annex table 10.1, drug-related crimes (xlsx, sheets 'Formal contact "
    "with the police' and 'Total drug related offences')",
    _crimes_reader("WDR2022"),
)
register(_crimes_detector("WDR2024"), WDR2024_CRIMES)
register(_crimes_detector("WDR2022"), WDR2022_CRIMES)


def _is_series(seen: Probe) -> bool:
    return seen.kind == "xlsx" and unodc_series.is_series(seen.sheets or {})


SERIES_1990 = Format(
    "unodc-seizures-1990-2019",
    "UNODC annual drug seizures series (xlsx, row 1: region, subregion, country, drug_group, "
    "drug, then one column per year)",
    _one_table(unodc_series.read_series),
)
register(_is_series, SERIES_1990)


def _is_nsc(seen: Probe) -> bool:
    return seen.kind == "xlsx" and sdg.is_nsc_workbook(seen.sheets or {})


def _is_open_sdg(seen: Probe) -> bool:
    return seen.kind == "text" and sdg.is_open_sdg(seen.lines[0])


def _read_open_sdg(path: Path, options: ImportOptions, report: FileReport) -> list[ImportedTable]:
    return [sdg.read_open_sdg(path, options.scope, options.country, report)]


NSC_SDG = Format(
    "kg-nsc-sdg",
    "Kyrgyz NSC SDG indicator workbook (xlsx: title row 1, unit row 2, header row 4 with "
    "'Items' in column C and one column per year)",
    _one_table(sdg.read_nsc),
)
OPEN_SDG = Format(
    "open-sdg",
    "Open SDG platform CSV (Year, one column per disaggregation, Value)",
    _read_open_sdg,
)
register(_is_nsc, NSC_SDG)
register(_is_open_sdg, OPEN_SDG)


def _is_ids(seen: Probe) -> bool:
    return seen.kind == "text" and ids.is_ids_header(seen.lines[0])


IDS = Format(
    "unodc-ids",
    "UNODC individual drug seizures export (CSV, or a zip archive holding one, with COUNTRY, "
    "DRUG_NAME, AMOUNT, DRUG_UNIT and SEIZURE_DATE or SEIZURE_YEAR)",
    _one_table(ids.read_ids),
)
register(_is_ids, IDS)


def _dataunodc_rows(seen: Probe) -> list[tuple[str, ...]]:
    if seen.kind == "xlsx":
        return next(iter((seen.sheets or {}).values()), [])
    return [split_header(line, ",") for line in seen.lines]


def _is_dataunodc(seen: Probe) -> bool:
    rows = [tuple(value for value in row if value) or ("",) for row in _dataunodc_rows(seen)]
    return dataunodc.is_dataunodc(rows)


def _read_dataunodc(path: Path, options: ImportOptions, report: FileReport) -> list[ImportedTable]:
    return dataunodc.read_dataunodc(path, probe(path).kind, options.scope, report)


DATAUNODC = Format(
    "dataunodc",
    "dataUNODC portal export (xlsx or CSV: 'UNODC', the export date, then the header "
    "Iso3_code, Country, ..., VALUE, Source)",
    _read_dataunodc,
)
register(_is_dataunodc, DATAUNODC)


def _is_submission(seen: Probe) -> bool:
    return seen.kind == "xlsx" and submission.is_submission(seen.sheets or {})


SUBMISSION = Format(
    layout.FORMAT_NAME,
    "Quarterly submission made by bulletin template (xlsx, sheet 'About' with "
    f"'{layout.TITLE}' in A1)",
    submission.read_submission,
)
register(_is_submission, SUBMISSION)
