"""Small inputs of every format ``bulletin import`` reads, for tests that corrupt them.

Each sample is a list of sheets (a text file is one "sheet" of rows split on its delimiter), so
that a test can change cells, rows and sheets and then write the file back in its own format.
Samples of the official publications in ``../shared/data/official`` are cut from them (their
first rows and rows of the five countries; workbooks written again by openpyxl): the real layouts
and names, small enough to import in a fraction of a second. Formats the project keeps no
publication of (Open SDG CSV, IDS CSV, dataUNODC) are written out inline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

Rows = list[list[object]]

OPEN_SDG = [
    ["Year", "SEX", "AGE", "UNIT_MEASURE", "Value"],
    ["2016", "", "", "Number", "267"],
    ["2016", "Female", "", "Number", "65"],
    ["2017", "", "", "Number", "240"],
]

IDS = [
    ["IDS_ID", "SEIZURE_DATE", "SEIZURE_YEAR", "COUNTRY", "DRUG_NAME", "AMOUNT", "DRUG_UNIT",
     "PRODUCING_COUNTRY", "DEPARTURE_COUNTRY", "TRANSIT_COUNTRY", "DESTINATION_COUNTRY"],
    ["C1", "2016-03-01", "2016", "Kyrgyzstan", "Heroin", "1500", "Gram", "Afghanistan",
     "Tajikistan", "Tajikistan", "Russian Federation"],
    ["C2", "2016-04-11", "2016", "Tajikistan", "Opium", "12", "Kilogram", "Afghanistan",
     "Afghanistan", "", "Tajikistan"],
    ["C3", "", "2015", "Kazakhstan", "Heroin", "2.5", "Kilogram", "", "", "", ""],
]

DATAUNODC = [
    ["UNODC"],
    ["Export date: 2024-05-01"],
    ["Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex",
     "Age", "Year", "Unit of measurement", "VALUE", "Source"],
    ["KGZ", "Kyrgyzstan", "Asia", "Central Asia", "Victims of intentional homicide", "Total",
     "Total", "Total", "Total", 2016, "Counts", 267, "CTS"],
    ["KGZ", "Kyrgyzstan", "Asia", "Central Asia", "Victims of intentional homicide", "Total",
     "Total", "Female", "Total", 2016, "Counts", 65, "CTS"],
]

FIVE = ("Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan")


@dataclass
class Sample:
    """One input file: its name, its sheets (rows of cells), and how it is written."""

    name: str
    sheets: dict[str, Rows]
    kind: str  # "csv" or "xlsx"
    delimiter: str = ","
    options: list[str] = field(default_factory=list)  # command-line options it needs

    def write(self, folder: Path) -> Path:
        """Write the sample into ``folder`` in its format; its path."""
        path = folder / self.name
        if self.kind == "csv":
            (rows,) = self.sheets.values()
            text = "\n".join(self.delimiter.join(_text(cell) for cell in row) for row in rows)
            path.write_bytes((text + "\n").encode("utf-8"))
        else:
            workbook = openpyxl.Workbook(write_only=True)
            for title, rows in self.sheets.items():
                sheet = workbook.create_sheet(title[:31] or "Sheet")
                for row in rows:
                    sheet.append([_cell(value) for value in row])
            workbook.save(path)
        return path


def _text(cell: object) -> str:
    return "" if cell is None else str(cell)


def _cell(value: object) -> object:
    # openpyxl refuses control characters in a cell; the file would not be a workbook at all.
    if isinstance(value, str):
        return "".join(c for c in value if c in "\t\n\r" or ord(c) >= 32)
    return value


def inline_samples() -> list[Sample]:
    """The formats the project keeps no publication of, from inline rows."""
    return [
        Sample("16-1-1.csv", {"": [list(r) for r in OPEN_SDG]}, "csv", ",", ["--country", "KGZ"]),
        Sample("ids.csv", {"": [list(r) for r in IDS]}, "csv", ","),
        Sample("dataunodc.xlsx", {"data": [list(r) for r in DATAUNODC]}, "xlsx"),
    ]


def _cut(path: Path, keep: Callable[[tuple], bool], head: int = 3, most: int = 40) -> dict[str, Rows]:
    """The first ``head`` rows of each sheet and up to ``most`` rows that ``keep`` accepts."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheets: dict[str, Rows] = {}
        for sheet in workbook.worksheets:
            rows: Rows = []
            kept = 0
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number <= head:
                    rows.append(list(row))
                elif kept < most and keep(row):
                    rows.append(list(row))
                    kept += 1
            sheets[sheet.title] = rows
        return sheets
    finally:
        workbook.close()


def _names_a_country(row: tuple) -> bool:
    return any(isinstance(cell, str) and cell.strip() in FIVE for cell in row)


def _cut_text(path: Path, delimiter: str, most: int = 40) -> Rows:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    kept = [line for line in lines[1:] if any(f"{delimiter}{name}{delimiter}" in line for name in FIVE)]
    return [line.split(delimiter) for line in [lines[0], *kept[:most]]]


def official_samples(official_dir: Path) -> list[Sample]:
    """Samples cut from the official publications, one per format they come in."""
    samples = [
        Sample(
            "wdr2018.csv",
            {"": _cut_text(official_dir / "wdr2018-annex-drug-seizures-2012-2016.csv", ";")},
            "csv",
            ";",
        ),
        Sample(
            "annex-7.1.xlsx",
            _cut(official_dir / "wdr2024-annex-7.1-drug-seizures-2018-2022.xlsx", _names_a_country),
            "xlsx",
        ),
        Sample(
            "annex-10.1.xlsx",
            _cut(official_dir / "wdr2024-annex-10.1-drug-related-crimes.xlsx", _names_a_country),
            "xlsx",
        ),
        Sample(
            "16.1.1.xlsx",
            _cut(official_dir / "kg-nsc-sdg" / "16.1.1.xlsx", lambda row: True, head=4, most=30),
            "xlsx",
        ),
    ]
    return samples
