"""Format 8: UNODC annual drug seizures 1990-2019, the long series behind the World Drug Report.

The workbook (one sheet, ``table1``; a third party re-saved it, lower-casing the headers) is wide
by year: row 1 is ``region, subregion, country, drug_group, drug, 1990, ..., 2019`` (kilograms;
an empty cell is a year not reported), one row per country and drug. ``region``, ``subregion``,
``country`` and ``drug_group`` are written on the first row of each block only. Rules, in order:

1. The block columns are filled down; a row that starts a new country (``country`` written)
   must write its ``drug_group`` too, and the first row all four, or the file is refused (a
   fill-down across countries would give one country's drugs to another).
2. Each year cell becomes a long row; an empty cell gives none (not reported is not zero).
3. **Single-precision artefacts.** Many values were stored as 32-bit floats and written out in
   full (``21.3999996185303`` for 21.4; ``15055.806640625``; ``0.0137999998256564`` for 0.0138
   after a tonne-to-kilogram conversion). A value is taken for such an artefact when it has 12
   significant digits or more, or when it is itself exactly a 32-bit float with a shorter
   shortest form; it is then replaced by the shortest decimal that rounds to the same 32-bit
   float (:func:`single_precision_decimal`: 21.3999996185303 -> 21.4). Other values are kept as
   written (``868.615482`` has nine digits and is no 32-bit float: it was stored in double
   precision). The change is at most half a 32-bit step (6e-8 of the value).
4. Countries and drug names are mapped as for the annexes (``country_names.csv``,
   ``drug_names_series1990.csv``: every (``drug_group``, ``drug``) of the file is listed; an
   unmapped one refuses the file). States that no longer exist (the USSR, Czechoslovakia,
   Serbia and Montenegro, the Netherlands Antilles) have no ISO 3166-1 code: their rows are left
   out and counted.
5. **Drugs the series covers in part are left out.** The series has three drug groups only
   (cannabis-type, cocaine-type, opioids: no ATS, sedatives, hallucinogens or NPS), so its
   figures for the vocabulary's ``other`` (pharmaceutical opioids, coca leaf, cannabis of
   unstated form...) and ``nps`` (synthetic cannabinoids) would be a part of what the annexes
   count under those drugs, and would replace the annexes' whole figures where editions
   overlap. Those rows are left out and counted; the vocabulary's other drugs (cannabis herb,
   resin, oil, plants and seed, heroin, opium, morphine, poppy straw, cocaine) lie wholly within
   the series' groups.
6. Then as the WDR annexes (``bulletin.data.importers.wdr_seizures``): the scope, names of one drug
   added up, the group total "Cannabis-type" (over several drugs) left out.

``source``: :data:`SERIES`'s, which says that a third party re-saved UNODC's series. Where the
series and a WDR annex give the same country, year and drug, ``bulletin.data.importers.precedence``
picks one figure (the series ranks as compiled in 2020: its last year is 2019, so it is newer
than the WDR 2018 annex and older than the WDR 2024 annex).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from bulletin.data.importers.base import FileReport, ImportedTable, Publication, refuse
from bulletin.data.importers.textio import parse_numbers
from bulletin.data.importers.wdr_seizures import to_seizures
from bulletin.data.importers.xlsxio import cell_text, read_workbook, sheet_frame

BLOCK = ("region", "subregion", "country", "drug_group")
HEADER = (*BLOCK, "drug")
RELEASE = "series1990"
SHEET = "table1"
PARTIAL_DRUGS = ("other", "nps")
SERIES = Publication(
    publisher="UNODC",
    table="UNODC annual drug seizures by country and drug, 1990-2019 (Annual Report "
    "Questionnaire series behind the World Drug Report)",
    source="UNODC, annual drug seizures 1990-2019 (the series behind the World Drug Report), "
    "workbook re-saved by a third party",
    edition=2020,
)
_YEAR = re.compile(r"^(19|20)\d\d$")
ARTEFACT_DIGITS = 12
FLOAT32_MAX = float(np.finfo(np.float32).max)
_FLOAT32_EXACT_INTEGERS = 2**24
"""Whole numbers below this are exact in single precision, and are their own shortest decimal."""


def header_years(row: tuple) -> list[str] | None:
    """The years of a series header row (``region, ..., drug, 1990, ...``), or None."""
    names = [cell_text(value) for value in row]
    while names and not names[-1]:
        names.pop()
    if tuple(name.casefold() for name in names[: len(HEADER)]) != HEADER:
        return None
    years = names[len(HEADER) :]
    if not years or not all(_YEAR.match(year) for year in years):
        return None
    return years


def is_series(sheets: dict[str, list[tuple[str, ...]]]) -> bool:
    """Whether a workbook's first rows are the series' (a sheet whose row 1 is its header)."""
    return any(rows and header_years(rows[0]) for rows in sheets.values())


def single_precision_decimal(value: float) -> float:
    """The value without its single-precision artefact (rule 3 of the module), or as it is.

    >>> single_precision_decimal(21.3999996185303)
    21.4
    >>> single_precision_decimal(15055.806640625)
    15055.807
    >>> single_precision_decimal(868.615482)
    868.615482
    """
    if not math.isfinite(value) or value == 0 or abs(value) > FLOAT32_MAX:
        return value  # beyond single precision: never stored in it
    if float(value).is_integer() and abs(value) < _FLOAT32_EXACT_INTEGERS:
        return value  # its own shortest single-precision decimal
    single = np.float32(value)
    digits = repr(float(value)).split("e")[0].lstrip("-").replace(".", "").strip("0")
    if len(digits) < ARTEFACT_DIGITS and float(single) != value:
        return value  # a decimal as written: the shortest decimal could not replace it
    shortest = float(np.format_float_positional(single, unique=True, trim="-"))
    return value if shortest == value else shortest


def read_series(path: Path, scope: frozenset[str] | None, report: FileReport) -> ImportedTable:
    """Read the 1990-2019 series workbook into ``seizures_annual`` rows (see the module)."""
    sheets = read_workbook(path)
    found = [(name, rows) for name, rows in sheets.items() if rows and header_years(rows[0])]
    if not found:
        raise refuse(
            path.name,
            "a sheet whose row 1 is " + ", ".join(HEADER) + ", then the years",
            line=1,
            where="row",
            got="; ".join(f"sheet '{n}'" for n in sheets) or "no sheets",
        )
    sheet, rows = found[0]
    years = header_years(rows[0])
    frame = sheet_frame(rows, 1, file=path.name, sheet=sheet)
    frame.columns = [c.casefold() if c.casefold() in HEADER else c for c in frame.columns]
    for column in HEADER:
        frame[column] = frame[column].map(cell_text)
    _fill_blocks(path, frame, sheet)
    report.publication = SERIES
    long = frame.melt(
        id_vars=["_row", *HEADER], value_vars=years, var_name="year", value_name="kg"
    )
    filled = [cell is not None and cell_text(cell) != "" for cell in long["kg"].tolist()]
    long = long[pd.Series(filled, index=long.index, dtype=bool)]
    long = long.sort_values(["_row", "year"], kind="stable").reset_index(drop=True)
    kg = parse_numbers(long["kg"], long["_row"], path.name, "a year's kilograms", where="row",
                       sheet=sheet)
    fixed = pd.Series(
        [single_precision_decimal(v) for v in kg.tolist()], index=kg.index, dtype="float64"
    )
    changed = int((fixed != kg).sum())
    if changed:
        report.notes.append(
            f"{changed:,} values written with single-precision noise (e.g. 21.3999996185303) "
            "taken as the shortest decimal of their 32-bit float (21.4)"
        )
    out = pd.DataFrame(
        {
            "line": long["_row"],
            "country_name": long["country"],
            "code": "",
            "year": long["year"],
            "group": long["drug_group"],
            "subgroup": long["drug"],
            "name": "",
            "kg": fixed,
        }
    )
    columns = {
        "country": "country",
        "code": "country",
        "year": "the year's column",
        "kg": "the year's column",
        "group": "drug_group",
        "subgroup": "drug",
        "name": "drug",
    }
    imported = to_seizures(
        path, out, columns, RELEASE, SERIES, scope, report, "row", sheet,
        partial={
            drug: "drug the series covers only in part (its groups are cannabis-type, "
            "cocaine-type and opioids: its 'other' and 'nps' would be a part of the annexes')"
            for drug in PARTIAL_DRUGS
        },
    )
    report.notes.append(
        f"{len(out):,} year cells with a figure in {len(frame):,} rows (one per country and "
        "drug); rows read and kept below count year cells"
    )
    return imported


def _fill_blocks(path: Path, frame: pd.DataFrame, sheet: str) -> None:
    """Fill the block columns down, refusing a new country without its drug group (rule 1)."""
    if frame.empty:
        return
    first = frame.index[0]
    for column in BLOCK:
        if frame.at[first, column] == "":
            raise refuse(
                path.name,
                "the first row of the table to write its region, subregion, country and "
                "drug group",
                line=int(frame.at[first, "_row"]),
                column=column,
                got="",
                where="row",
                sheet=sheet,
            )
    new_country = frame["country"].ne("") & frame["drug_group"].eq("")
    if new_country.any():
        index = frame.index[new_country][0]
        raise refuse(
            path.name,
            "the drug group on the first row of a country's block (filling it down would give "
            "the previous country's group)",
            line=int(frame.at[index, "_row"]),
            column="drug_group",
            got="",
            where="row",
            sheet=sheet,
        )
    blank_drug = frame["drug"].eq("")
    if blank_drug.any():
        index = frame.index[blank_drug][0]
        raise refuse(
            path.name, "a drug name", line=int(frame.at[index, "_row"]), column="drug", got="",
            where="row", sheet=sheet,
        )
    for column in BLOCK:
        frame[column] = frame[column].replace("", np.nan).ffill()
