"""Small inputs of every format ``bulletin import`` reads, for tests that corrupt them.

Each sample is a list of sheets (a text file is one "sheet" of rows split on its delimiter), so
that a test can change cells, rows and sheets and then write the file back in its own format.
Samples of the official publications in ``../shared/data/official`` are cut from them (their
first rows and rows of the five countries; workbooks written again by openpyxl, the IDS CSV
zipped again): the real layouts and names, small enough to import in a fraction of a second.
Formats the project keeps no publication of (Open SDG CSV, IDS CSV, dataUNODC) are written out
inline.

:func:`write_foreign_xlsx` writes a workbook as tools other than Excel do (the XML by hand:
inline strings, numbers stored as text, a wrong ``<dimension>``, no shared-strings or styles
part; optionally the Strict OOXML namespaces, or shared strings the content types do not
declare): every reader must take it as it takes Excel's.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

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
    kind: str  # "csv", "zip" (a CSV alone in a zip archive), "xlsx" or "foreign-xlsx"
    delimiter: str = ","
    options: list[str] = field(default_factory=list)  # command-line options it needs
    member: str = "export.csv"  # the CSV's name inside a zip archive

    def write(self, folder: Path) -> Path:
        """Write the sample into ``folder`` in its format; its path."""
        path = folder / self.name
        if self.kind in ("csv", "zip"):
            (rows,) = self.sheets.values()
            text = "\n".join(self.delimiter.join(_text(cell) for cell in row) for row in rows)
            data = (text + "\n").encode("utf-8")
            if self.kind == "csv":
                path.write_bytes(data)
            else:
                with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                    archive.writestr(self.member, data)
        elif self.kind == "foreign-xlsx":
            write_foreign_xlsx(path, self.sheets)
        else:
            workbook = openpyxl.Workbook(write_only=True)
            for title, rows in self.sheets.items():
                sheet = workbook.create_sheet(title[:31] or "Sheet")
                for row in rows:
                    sheet.append([_cell(value) for value in row])
            workbook.save(path)
        return path


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


TRANSITIONAL = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
)
STRICT = (
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)


def write_foreign_xlsx(
    path: Path,
    sheets: dict[str, Rows],
    *,
    strict: bool = False,
    shared_strings: bool = False,
    numbers_as_text: bool = True,
) -> Path:
    """Write a workbook by hand, as tools other than Excel write them.

    Every sheet declares ``<dimension ref="A1"/>`` whatever its size; text cells are inline
    strings (``t="inlineStr"``), and numbers too unless ``numbers_as_text`` is False; there is
    no styles part. ``shared_strings``: text goes to a shared-strings part that
    ``[Content_Types].xml`` does not declare (only the workbook's relationships name it).
    ``strict``: the Strict OOXML namespaces instead of the Transitional ones.
    """
    main, relationships = STRICT if strict else TRANSITIONAL
    strings: list[str] = []

    def text_cell(reference: str, text: str) -> str:
        if shared_strings:
            if text not in strings:
                strings.append(text)
            return f'<c r="{reference}" t="s"><v>{strings.index(text)}</v></c>'
        return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'

    parts = {}
    for number, rows in enumerate(sheets.values(), start=1):
        xml = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">',
               '<dimension ref="A1"/><sheetData>']
        for r, row in enumerate(rows, start=1):
            xml.append(f'<row r="{r}">')
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                reference = f"{_column_letters(c)}{r}"
                is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
                if is_number and not numbers_as_text:
                    xml.append(f'<c r="{reference}"><v>{value!r}</v></c>')
                else:
                    xml.append(text_cell(reference, _cell(_text(value))))
            xml.append("</row>")
        xml.append("</sheetData></worksheet>")
        parts[f"xl/worksheets/sheet{number}.xml"] = "".join(xml)
    names = "".join(
        f'<sheet name="{escape(name[:31] or "Sheet")}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheets, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{relationships}/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    if shared_strings:
        rels += (f'<Relationship Id="rIdS" Type="{relationships}/sharedStrings" '
                 'Target="sharedStrings.xml"/>')
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{relationships}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" '
            f'xmlns:r="{relationships}"><sheets>{names}</sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}">{rels}'
            "</Relationships>",
        )
        for name, xml in parts.items():
            archive.writestr(name, xml)
        if shared_strings:
            items = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
            archive.writestr(
                "xl/sharedStrings.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}">{items}</sst>',
            )
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
        Sample("dataunodc-foreign.xlsx", {"data": [list(r) for r in DATAUNODC]}, "foreign-xlsx"),
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


def _cut_series(path: Path, countries: tuple[str, ...] = ("Kyrgyzstan", "Tajikistan")) -> Rows:
    """The series' header, its first rows, and the whole blocks of some countries (a block
    runs from the row naming its country to the row naming the next)."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    kept, inside = rows[:4], False
    for row in rows[4:]:
        if row[2]:
            inside = row[2] in countries
        if inside:
            kept.append(row)
    return kept


def _cut_zipped_text(path: Path, delimiter: str, names: tuple[str, ...], most: int = 40) -> Rows:
    with zipfile.ZipFile(path) as archive:
        (member,) = archive.namelist()
        lines = archive.read(member).decode("utf-8-sig").splitlines()
    kept = [line for line in lines[1:] if any(f"{delimiter}{n}{delimiter}" in line for n in names)]
    return [line.split(delimiter) for line in [lines[0], *kept[:most]]]


OFFICIAL_SAMPLE_NAMES = (
    "wdr2018.csv", "annex-7.1.xlsx", "annex-10.1.xlsx", "16.1.1.xlsx", "series-1990-2019.xlsx",
    "annex-10.1-2022.xlsx", "ids-2011-2016.zip",
)
"""The names of :func:`official_samples`, known without cutting the publications (seconds)."""


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
        Sample(
            "series-1990-2019.xlsx",
            {"table1": _cut_series(official_dir / "unodc-annual-drug-seizures-1990-2019.xlsx")},
            "xlsx",
        ),
        Sample(
            "annex-10.1-2022.xlsx",
            _cut(official_dir / "wdr2022-annex-10.1-drug-related-crimes.xlsx", _names_a_country),
            "xlsx",
        ),
        Sample(
            "ids-2011-2016.zip",
            {
                "": _cut_zipped_text(
                    official_dir / "unodc-ids-seizure-cases-2011-2016-no-cannabis.zip",
                    ";",
                    (*FIVE, "Russian Federation"),
                )
            },
            "zip",
            ";",
            member="drug-trafficking-unodc.csv",
        ),
    ]
    return samples
