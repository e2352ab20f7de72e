"""Format 5: national SDG data -> ``indicators``.

**Kyrgyz NSC workbooks** (National Statistical Committee of the Kyrgyz Republic, one workbook per
indicator). Row 1 is the title in Kyrgyz, Russian and English (column C, starting with the
indicator's code, e.g. "16.1.1 Number of victims ..."), row 2 the unit ("(number)", "(person)",
"(in percents)"), row 4 the header (``Items`` in column C, then one column per year); below it,
rows whose English label (column C) is followed by values, and heading rows without values.
Every value (a "row" in the import summary) becomes one row of ``indicators`` for Kyrgyzstan (KGZ) by these rules:

1. ``indicator`` is "SDG <code>" with the code of the title (the workbook's own numbering, e.g.
   "SDG 5.2.1.1b" for the workbook NSC publishes as 5.2.1.3). Rows measured in another unit
   than the one row 2 declares get it after the code: "SDG 16.1.1 (per 100,000 population)",
   "SDG 16.1.1 (population)".
2. A row's unit is "per 100,000 population" when its label or heading says so, "persons" for a
   population row, otherwise the declared unit ("number", "persons", "per cent").
3. A heading row ("By sex:", "By territory", "By age group, years:", ...) opens a dimension:
   sex (also "by gender"), territory, age, education, occupation, area ("Urbanisation"); the
   rows under it get ``<dimension>=<label>``, e.g. ``sex=female``, ``territory=Osh city``,
   ``age=0-17`` ("years", "years old" dropped). Men / women are written ``male`` / ``female``.
   A men / women row right under a row of another dimension (a territory) is that row's
   breakdown: ``territory=Batken oblast; sex=male``.
4. Any other heading (e.g. "Number of women who applied for domestic violence:") opens a list:
   its rows get ``item=<label>``. A row whose label starts with a measure ("Number of",
   "Proportion of", ...) closes the heading it is under.
5. The first row of each unit outside any heading is the indicator's whole (``total``), as is a
   row labelled with the country's name ("Kyrgyz Republic"); the other rows outside headings are
   items (``item=<label>``).
6. Cells: a number is kept; "-" is the NSC's sign for "no cases" and is written 0; "…" (not
   available) and values in brackets ("(*)", "(0)": too few cases to publish) are left out and
   counted; anything else refuses the file. Footnotes (a label starting with "*") are notes.

**Open SDG CSV files** (national reporting platforms): columns ``Year``, one column per
disaggregation (``SEX``, ``AGE``, ...), an optional unit column (``UNIT_MEASURE`` or ``Units``)
and ``Value``. The file does not name its country or indicator: the country comes from
``--country``, the indicator from the file's name as the platforms publish it
(``indicator_16-1-1.csv`` -> "SDG 16.1.1"). ``disaggregation`` is ``COLUMN=value`` pairs joined by
"; " for the non-empty disaggregation cells, or ``total``; an empty ``Value`` is not reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bulletin.core.problems import Problem
from bulletin.data.importers.base import (
    FileReport,
    ImportedTable,
    ImportRefusedError,
    Publication,
    refuse,
)
from bulletin.data.importers.textio import decode_utf8, parse_numbers, read_bytes, read_delimited
from bulletin.data.importers.xlsxio import cell, cell_text, read_workbook
from bulletin.data.vocab import country_codes, country_name

NSC_PUBLISHER = "National Statistical Committee of the Kyrgyz Republic"
NSC_COUNTRY = "KGZ"
HEADER_ROW = 4
LABEL_COLUMN = 2  # column C: the English label
CODE = re.compile(r"^\s*(\d+(?:\.\d+)+[a-zа-я]?)\s+(.*)$", re.IGNORECASE)
UNITS = {
    "number": "number",
    "person": "persons",
    "persons": "persons",
    "in percents": "per cent",
    "percent": "per cent",
    "per cent": "per cent",
}
DIMENSIONS = (
    (re.compile(r"\bby (sex|gender)\b", re.I), "sex"),
    (re.compile(r"territor", re.I), "territory"),
    (re.compile(r"\bage\b", re.I), "age"),
    (re.compile(r"education", re.I), "education"),
    (re.compile(r"occupation", re.I), "occupation"),
    (re.compile(r"urbani[sz]ation|\barea\b", re.I), "area"),
)
SEX_WORDS = {
    "men": "male",
    "man": "male",
    "male": "male",
    "males": "male",
    "women": "female",
    "woman": "female",
    "female": "female",
    "females": "female",
}
MEASURE_START = re.compile(r"^(number|proportion|share|percentage|rate)\b", re.I)
RATE = re.compile(r"per 100[ ,.]?000", re.I)
NOT_AVAILABLE = {"…", "...", "..", "x"}
NO_CASES = {"-", "–", "—"}


def is_nsc_workbook(sheets: dict[str, list[tuple[str, ...]]]) -> bool:
    """Whether a probed workbook has the NSC layout (``Items`` header in row 4, column C)."""
    first = next(iter(sheets.values()), [])
    if len(first) < HEADER_ROW or len(first[HEADER_ROW - 1]) <= LABEL_COLUMN:
        return False
    header = first[HEADER_ROW - 1]
    title = first[0][LABEL_COLUMN] if len(first[0]) > LABEL_COLUMN else ""
    years = [value for value in header[LABEL_COLUMN + 1 :] if value]
    return (
        header[LABEL_COLUMN] == "Items"
        and bool(CODE.match(title))
        and bool(years)
        and all(value.isdigit() for value in years)
    )


def _clean(label: str) -> str:
    return re.sub(r"\s+", " ", label.replace("\xa0", " ")).strip().rstrip(":").strip()


def _age(label: str) -> str:
    label = re.sub(r"\b(years old|years|year)\b", "", label, flags=re.I)
    return re.sub(r"\s+", " ", label).strip()


def read_nsc(path: Path, scope: frozenset[str] | None, report: FileReport) -> ImportedTable:
    """Read one NSC SDG workbook into ``indicators`` rows (see the module's rules).

    Raises:
        ImportRefusedError: a unit the importer does not know, a row under a heading by sex that
            is not men or women, a value that is not a number, or one key given twice.
    """
    sheet, rows = next(iter(read_workbook(path).items()))
    code, subject, declared, years = _nsc_header(path, sheet, rows)
    source = f"{NSC_PUBLISHER}, SDG indicator {code}: {subject}"
    report.publication = Publication(NSC_PUBLISHER, f"SDG indicator {code}: {subject}", source)
    headings = _Headings(declared, f"SDG {code}", country_name(NSC_COUNTRY).casefold())
    out: list[tuple] = []
    problems: list[Problem] = []
    for number, row in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        raw_label = cell_text(cell(row, LABEL_COLUMN))
        label = _clean(raw_label)
        cells = {year: cell(row, i) for i, year in years.items()}
        texts = [cell_text(v) for v in cells.values()]
        if not label and not any(texts):
            continue
        looks_like_heading = label.lower().startswith("by ") or raw_label.rstrip().endswith(":")
        # A heading may carry "…" in its year cells (5.2.1.3: "By level of education:").
        has_values = any(t and not (looks_like_heading and t in NOT_AVAILABLE) for t in texts)
        if label.startswith("*") or label.lower().startswith("according to"):
            report.notes.append(f"{path.name}: {label}")
            continue
        if not has_values:
            headings.open(label)
            continue
        unit, indicator = headings.measure(label)
        disaggregation = headings.disaggregation(label, unit)
        if disaggregation is None:
            problems.append(
                Problem(
                    number,
                    "C",
                    label,
                    "men or women under a heading by sex",
                    file=path.name,
                    where="row",
                    sheet=sheet,
                )
            )
            continue
        out += _row_values(report, cells, number, label, (indicator, disaggregation, unit))
    if problems:
        raise ImportRefusedError(problems)
    return _nsc_table(path, sheet, out, source, scope, report)


def _nsc_header(
    path: Path, sheet: str, rows: list[tuple]
) -> tuple[str, str, str, dict[int, int]]:
    """The indicator's code and subject, its declared unit and the year of each column.

    Raises:
        ImportRefusedError: the unit (row 2) is not one the importer knows.
    """
    title = cell_text(cell(rows[0], LABEL_COLUMN))
    code, subject = CODE.match(title).groups()
    unit_text = cell_text(cell(rows[1], LABEL_COLUMN)).strip("() ").lower()
    if unit_text not in UNITS:
        raise refuse(
            path.name,
            "a unit the importer knows: " + ", ".join(f"({u})" for u in UNITS),
            line=2,
            column="C",
            got=unit_text,
            where="row",
            sheet=sheet,
        )
    header = rows[HEADER_ROW - 1]
    years = {
        i: int(cell_text(v))
        for i, v in enumerate(header)
        if i > LABEL_COLUMN and cell_text(v).isdigit()
    }
    return code, subject, UNITS[unit_text], years


@dataclass
class _Headings:
    """What the rows read so far say of the next: the open heading, its unit, the parent row."""

    declared: str
    indicator_base: str
    country_label: str
    dimension: str | None = None  # open heading's dimension ("item" for a plain list)
    heading_unit: str | None = None
    parent: str | None = None  # last row of a non-sex dimension, for men/women sub-rows
    seen_units: set[str] = field(default_factory=set)

    def open(self, label: str) -> None:
        """A heading row (no values): its dimension and unit hold for the rows under it."""
        self.dimension = next(
            (name for pattern, name in DIMENSIONS if pattern.search(label)), "item"
        )
        self.heading_unit = "per 100,000 population" if RATE.search(label) else None
        if self.dimension == "item" and MEASURE_START.match(label):
            self.seen_units.add(self.heading_unit or self.declared)
        self.parent = None

    def measure(self, label: str) -> tuple[str, str]:
        """A row's unit and indicator (a new measure closes the open heading)."""
        if MEASURE_START.match(label) and self.dimension is not None:
            self.dimension, self.heading_unit, self.parent = None, None, None
        if RATE.search(label):
            unit = "per 100,000 population"
        elif self.dimension is None and "population" in label.lower():
            unit = "persons"
        else:
            unit = self.heading_unit or self.declared
        if unit == self.declared:
            indicator = self.indicator_base
        elif "population" in label.lower() and not RATE.search(label):
            indicator = f"{self.indicator_base} (population)"
        else:
            indicator = f"{self.indicator_base} ({unit})"
        return unit, indicator

    def disaggregation(self, label: str, unit: str) -> str | None:
        """A row's disaggregation; None for a row under a heading by sex that names no sex."""
        sex = SEX_WORDS.get(label.lower())
        if self.dimension is None:
            if label.casefold() == self.country_label or unit not in self.seen_units:
                disaggregation = "total"
            else:
                disaggregation = f"item={label}"
            self.seen_units.add(unit)
            return disaggregation
        if self.dimension == "sex":
            return None if sex is None else f"sex={sex}"
        if sex is not None and self.parent is not None:
            return f"{self.parent}; sex={sex}"
        value = _age(label) if self.dimension == "age" else label
        self.parent = f"{self.dimension}={value}"
        return self.parent


def _row_values(
    report: FileReport, cells: dict[int, object], number: int, label: str, what: tuple[str, ...]
) -> list[tuple]:
    """A row's published values, one per year: "-" as zero, "…" and "(n)" left out, counted."""
    out = []
    for year, value in cells.items():
        text = cell_text(value)
        if not text:
            continue
        report.rows_read += 1
        if text in NO_CASES:
            out.append((year, *what[:2], 0.0, what[2], number))
        elif text in NOT_AVAILABLE:
            report.skip("value not available ('…')", 1, [f"row {number}: {label} {year}"])
        elif text.startswith("(") and text.endswith(")"):
            report.skip(
                "value in brackets: too few cases to publish",
                1,
                [f"row {number}: {label} {year} {text}"],
            )
        else:
            out.append((year, *what[:2], value, what[2], number))
    return out


def _nsc_table(
    path: Path,
    sheet: str,
    out: list[tuple],
    source: str,
    scope: frozenset[str] | None,
    report: FileReport,
) -> ImportedTable:
    """The ``indicators`` rows of a workbook's values, parsed and checked for repeated keys."""
    frame = pd.DataFrame(
        out, columns=["year", "indicator", "disaggregation", "value", "unit", "_row"]
    )
    frame["value"] = parse_numbers(
        frame["value"], frame["_row"], path.name, "value", where="row", sheet=sheet
    )
    _refuse_duplicates(path.name, frame, sheet)
    if scope is not None and NSC_COUNTRY not in scope:
        report.skip(f"country outside the import's scope ({', '.join(sorted(scope))})", len(frame))
        frame = frame.iloc[0:0]
    report.rows_kept = len(frame)
    table = frame.assign(country=NSC_COUNTRY, source=source, status="official")
    table = table[
        ["country", "year", "indicator", "disaggregation", "value", "unit", "source", "status"]
    ].reset_index(drop=True)
    return ImportedTable(
        "indicators",
        table,
        frozenset({source}),
        lines=frame["_row"].astype(int).tolist(),
        where="row",
        sheet=sheet,
        columns={"disaggregation": "C", "indicator": "C"},
    )


def _refuse_duplicates(file: str, frame: pd.DataFrame, sheet: str | None) -> None:
    keys = ["year", "indicator", "disaggregation"]
    duplicated = frame.duplicated(keys, keep="first")
    if duplicated.any():
        raise ImportRefusedError(
            [
                Problem(
                    int(row["_row"]),
                    None,
                    f"{row['indicator']} {row['disaggregation']} {row['year']}",
                    "one value per indicator, disaggregation and year (this one is given twice)",
                    file=file,
                    where="row" if sheet else "line",
                    sheet=sheet,
                )
                for _, row in frame[duplicated].head(20).iterrows()
            ]
        )


OPEN_SDG_UNIT_COLUMNS = ("UNIT_MEASURE", "Units", "UNITS")
OPEN_SDG_IGNORED = ("UNIT_MULT", "OBS_STATUS", "GeoCode", "COMMENT_OBS", "NATURE")
OPEN_SDG_NAME = re.compile(r"(\d+)[-_.](\d+)[-_.](\w+?)(?:\.csv)?$", re.I)


def is_open_sdg(first_line: str) -> bool:
    """Whether a CSV header has the Open SDG layout (``Year`` first, ``Value`` last)."""
    names = [name.strip().strip('"') for name in first_line.split(",")]
    return len(names) >= 2 and names[0] == "Year" and names[-1] == "Value"


def read_open_sdg(
    path: Path, scope: frozenset[str] | None, country: str | None, report: FileReport
) -> ImportedTable:
    """Read an Open SDG platform CSV into ``indicators`` rows (see the module's rules)."""
    if country is None or country.upper() not in country_codes():
        raise refuse(
            path.name,
            "an Open SDG file's country, given as --country ISO3 (the file does not name it)",
            got=country,
        )
    country = country.upper()
    match = OPEN_SDG_NAME.search(path.stem)
    if match is None:
        raise refuse(
            path.name,
            "an Open SDG file named after its indicator, as the platforms "
            "publish them (indicator_16-1-1.csv)",
            got=path.name,
        )
    code = ".".join(match.groups())
    text = decode_utf8(path, read_bytes(path), ",")
    header, rows, lines = read_delimited(path, text, ",")
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    line = pd.Series(lines)
    report.rows_read = len(frame)
    unit_column = next((c for c in OPEN_SDG_UNIT_COLUMNS if c in header), None)
    dims = [c for c in header[1:-1] if c != unit_column and c not in OPEN_SDG_IGNORED]
    years = parse_numbers(frame["Year"], line, path.name, "Year", whole=True)
    values = parse_numbers(frame["Value"], line, path.name, "Value")
    empty = values.isna()
    report.skip("no value (empty cell)", int(empty.sum()))
    pairs = pd.Series("", index=frame.index)
    for column in dims:
        texts = frame[column].str.strip()
        part = (column + "=" + texts).where(texts.ne(""), "")
        pairs = pairs.where(part.eq(""), pairs.where(pairs.eq(""), pairs + "; ") + part)
    source = f"{country_name(country)}, national SDG reporting platform, indicator {code}"
    report.publication = Publication(
        f"{country_name(country)} national SDG reporting platform", f"SDG indicator {code}", source
    )
    table = pd.DataFrame(
        {
            "country": country,
            "year": years,
            "indicator": f"SDG {code}",
            "disaggregation": pairs.where(pairs.ne(""), "total"),
            "value": values,
            "unit": (
                frame[unit_column].str.strip() if unit_column else pd.Series("", index=frame.index)
            ).replace("", "as published (no unit given)"),
            "_row": line,
        }
    )[~empty]
    _refuse_duplicates(path.name, table, None)
    if scope is not None and country not in scope:
        report.skip(f"country outside the import's scope ({', '.join(sorted(scope))})", len(table))
        table = table.iloc[0:0]
    report.rows_kept = len(table)
    table = table.assign(year=table["year"].astype("int64"), source=source, status="official")
    return ImportedTable(
        "indicators",
        table.drop(columns="_row").reset_index(drop=True),
        frozenset({source}),
        lines=table["_row"].astype(int).tolist(),
        columns={"year": "Year", "value": "Value"},
    )
