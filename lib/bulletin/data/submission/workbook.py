"""Write the quarterly submission template, ``bulletin template --quarter 2017Q3``.

The workbook (``bulletin.data.submission.layout`` describes it) has an About sheet (what the
workbook is, the quarter, in which issues its figures appear, how to fill it), the two data
sheets and a hidden ``lists`` sheet holding the allowed values the drop-downs offer, each list a
defined name (``list_kinds``, ...). Each data sheet has its title in row 1, the header in row 2
(frozen, filtered, each header with a comment giving the column's unit and rule), and every cell
of a column down to :data:`~bulletin.data.submission.layout.LAST_VALIDATED_ROW` the same rule as
Excel's input message and check (a drop-down, a number of at least, the workbook's year).

Figures of the quarter already in the data folder as submitted figures (``official`` or
``stated``) are filled in, so that a corrected workbook starts from what was imported; a
reconstructed figure never is (it is not a figure anyone reported).

**Same inputs, same bytes.** The workbook's created and modified times are fixed
(:func:`~bulletin.data.submission.layout.fixed_time`), and so is the time of every member of the
zip archive (openpyxl stamps them with the time of writing; they are stamped again here).
"""

from __future__ import annotations

import errno
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from bulletin.core.files import write_atomic
from bulletin.core.paths import DATA_DIR, reference_scope
from bulletin.core.periods import Quarter
from bulletin.data.submission import layout
from bulletin.data.submission.layout import Column
from bulletin.data.tables import load_table, table_path
from bulletin.data.vocab import CENTRAL_ASIA, country_name, drug_labels

AUTHOR = "bulletin template"
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_LABEL_FONT = Font(italic=True, color="666666")
_TEXT = "@"


@dataclass
class Submitted:
    """The quarter's figures already in the data folder as submitted (official or stated)."""

    seizures: dict[tuple[str, str], dict] = field(default_factory=dict)
    activities: list[dict] = field(default_factory=list)


def submitted_rows(quarter: Quarter, data_dir: Path | str = DATA_DIR) -> Submitted:
    """The rows of a data quarter the template fills in: submitted ones, never reconstructed.

    Seizures of the quarter by (country, drug), for the five countries and the sheet's drugs;
    activities of the issue that reports the quarter's activities, by id. A table the folder
    lacks gives none.

    Raises:
        bulletin.data.tables.TableError: a table of the folder breaks its schema.
    """
    submitted = Submitted()
    if table_path("seizures_quarterly", data_dir).is_file():
        table = load_table("seizures_quarterly", data_dir)
        rows = table[
            table["year"].eq(quarter.year)
            & table["quarter"].eq(quarter.quarter)
            & table["status"].isin(layout.SUBMITTED_STATUSES)
        ]
        for row in rows.to_dict("records"):
            submitted.seizures[(row["country"], row["drug"])] = row
    if table_path("activities", data_dir).is_file():
        table = load_table("activities", data_dir)
        rows = table[
            table["issue"].eq(layout.activities_issue(quarter).label)
            & table["status"].isin(layout.SUBMITTED_STATUSES)
        ].sort_values("id")
        submitted.activities = [
            {k: (None if pd.isna(v) else v) for k, v in row.items()}
            for row in rows.to_dict("records")
        ]
    return submitted


def template_content(quarter: Quarter, data_dir: Path | str = DATA_DIR) -> bytes:
    """The template of a data quarter, as the bytes of an ``.xlsx`` file.

    The vocabularies are those of ``data_dir`` when it has a ``reference/`` folder.

    Raises:
        bulletin.data.tables.TableError: a table of the folder breaks its schema.
    """
    with reference_scope(data_dir):
        book = build_workbook(quarter, submitted_rows(quarter, data_dir))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return _stamped(buffer.getvalue(), layout.fixed_time(quarter).timetuple()[:6])


def write_template(
    quarter: Quarter, path: Path | str, data_dir: Path | str = DATA_DIR, *, replace: bool = False
) -> Path:
    """Write the template of a data quarter to ``path`` (atomically).

    Raises:
        FileExistsError: ``path`` exists and ``replace`` is false (nothing written).
        bulletin.data.tables.TableError: a table of the folder breaks its schema.
        OSError: the file cannot be written (the old one, if any, is left as it was).
    """
    path = Path(path)
    if path.exists() and not replace:
        raise FileExistsError(errno.EEXIST, "the file exists already", str(path))
    return write_atomic(path, template_content(quarter, data_dir))


def build_workbook(quarter: Quarter, submitted: Submitted) -> Workbook:
    """The template as an openpyxl workbook (About, the two data sheets, the hidden lists)."""
    book = Workbook()
    about = book.active
    about.title = layout.ABOUT_SHEET
    _write_about(about, quarter, submitted)
    _write_sheet(
        book.create_sheet(layout.SEIZURES_SHEET),
        layout.sheet_title(layout.SEIZURES_SHEET, quarter),
        layout.seizure_columns(quarter),
        _seizure_rows(quarter, submitted),
    )
    _write_sheet(
        book.create_sheet(layout.ACTIVITIES_SHEET),
        layout.sheet_title(layout.ACTIVITIES_SHEET, quarter),
        layout.activity_columns(quarter),
        _activity_rows(quarter, submitted),
    )
    _write_lists(book)
    properties = book.properties
    properties.title = f"{layout.TITLE}, {quarter.label} ({quarter.months})"
    properties.subject = f"data quarter {quarter.label}"
    properties.keywords = layout.VERSION
    properties.creator = AUTHOR
    properties.lastModifiedBy = AUTHOR
    properties.created = properties.modified = layout.fixed_time(quarter)
    return book


def _seizure_rows(quarter: Quarter, submitted: Submitted) -> list[dict]:
    """One row per country of the five and drug, with the figure already submitted if any."""
    labels = drug_labels()
    rows = []
    for country in CENTRAL_ASIA:
        for drug in layout.submission_drugs():
            given = submitted.seizures.get((country, drug), {})
            rows.append(
                {
                    "country": country,
                    "country name": country_name(country),
                    "drug": drug,
                    "drug name": labels.get(drug, drug),
                    "year": quarter.year,
                    "quarter": quarter.quarter,
                    "kg": given.get("kg"),
                    "source": given.get("source", layout.default_seizure_source(country, quarter)),
                    "status": given.get("status", "official"),
                }
            )
    return rows


def _activity_rows(quarter: Quarter, submitted: Submitted) -> list[dict]:
    """The activities already submitted, then empty rows with the next ids."""
    rows = [dict(row) for row in submitted.activities]
    numbers = [int(m[1]) for row in rows if (m := re.search(r"-(\d+)$", str(row["id"])))]
    first = max(numbers, default=0) + 1
    for number in range(first, first + layout.BLANK_ACTIVITY_ROWS):
        rows.append(
            {
                "id": layout.activity_id(quarter, number),
                "issue": layout.activities_issue(quarter).label,
                "source": layout.default_activity_source(quarter),
                "status": "stated",
            }
        )
    return rows


def _write_about(sheet: Worksheet, quarter: Quarter, submitted: Submitted) -> None:
    """The About sheet: the marker, the quarter, the issues its figures appear in, how to fill."""
    sheet["A1"] = layout.TITLE
    sheet["A1"].font = Font(bold=True, size=14)
    fields = [
        (layout.TEMPLATE_LABEL, layout.VERSION),
        (layout.QUARTER_LABEL, quarter.label),
        ("months", quarter.months),
        (
            "seizures appear in",
            f"the {layout.seizures_issue(quarter).label} issue ({layout.SEIZURES_LAG})",
        ),
        (
            "activities appear in",
            f"the {layout.activities_issue(quarter).label} issue ({layout.ACTIVITIES_LAG})",
        ),
        ("made by", f"bulletin template --quarter {quarter.year}Q{quarter.quarter}"),
        ("import with", f"bulletin import {layout.default_file_name(quarter)}"),
        (
            "already submitted",
            f"{len(submitted.seizures)} seizure figures and {len(submitted.activities)} "
            "activities of this quarter were in the data folder as submitted figures (official "
            "or stated) and are filled in; reconstructed figures never are.",
        ),
    ]
    for row, (label, value) in enumerate(fields, start=3):
        sheet.cell(row, 1, label).font = Font(bold=True)
        sheet.cell(row, 2, value)
    lines = _instructions(quarter)
    start = 3 + len(fields) + 1
    sheet.cell(start, 1, "How to fill it").font = Font(bold=True)
    for row, line in enumerate(lines, start=start + 1):
        sheet.cell(row, 2, line)
    for row in range(3, start + 1 + len(lines)):
        sheet.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row, 1).alignment = Alignment(vertical="top")
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 110
    sheet.protection.sheet = True  # read, not edited (no password: it guards against slips)


def _instructions(quarter: Quarter) -> list[str]:
    """The About sheet's lines on filling the workbook and on what importing it does."""
    issue = layout.activities_issue(quarter).label
    return [
        f"Sheet {layout.SEIZURES_SHEET}: one row per country and drug for {quarter.months}. "
        "Fill kg, in kilograms; leave it empty where no figure was reported (an empty cell "
        "imports nothing, never a zero; 0 is a reported zero). Each row's source and status are "
        "filled with a default: change them where they differ (status official or stated).",
        f"Sheet {layout.ACTIVITIES_SHEET}: one row per activity of {quarter.months}, on the "
        "rows offered (id, issue, source and status are filled in). kind, theme, country, "
        "qualifiers, scope and status have drop-down lists; dates are typed as text: "
        "2017-07-25, 2017-07 or 2017, at the precision known.",
        "Each header has a comment, and each cell an input message, with the column's unit and "
        "rule. Do not rename sheets or headers, nor change year, quarter or issue: the workbook "
        "holds one quarter.",
        "bulletin import checks every cell: a workbook with a problem is refused, every "
        "problem listed by sheet, row and column, and nothing is written.",
        f"Importing replaces every row of {quarter.label} in seizures_quarterly (whatever its "
        f"status: reconstructed rows step aside) and the activities of the {issue} issue, and "
        "nothing else. Importing a corrected workbook replaces them again; a sheet with nothing "
        "filled leaves its table as it was.",
    ]


def _write_sheet(
    sheet: Worksheet, title: str, columns: tuple[Column, ...], rows: list[dict]
) -> None:
    """A data sheet: title, header with comments, rows, widths, rules and drop-downs."""
    sheet.cell(1, 1, title).font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(layout.HEADER_ROW, index, column.name)
        header.font = Font(bold=True)
        header.fill = _HEADER_FILL
        header.comment = Comment(column.rule, AUTHOR, width=320, height=140)
        sheet.column_dimensions[letter].width = column.width
        for offset, row in enumerate(rows):
            cell = sheet.cell(layout.FIRST_ROW + offset, index, row.get(column.name))
            if column.text:
                cell.number_format = _TEXT
            if column.label:
                cell.font = _LABEL_FONT
        sheet.add_data_validation(
            _validation(column, f"{letter}{layout.FIRST_ROW}:{letter}{layout.LAST_VALIDATED_ROW}")
        )
    last = get_column_letter(len(columns))
    sheet.freeze_panes = f"A{layout.FIRST_ROW}"
    sheet.auto_filter.ref = f"A{layout.HEADER_ROW}:{last}{layout.HEADER_ROW + len(rows)}"


def _validation(column: Column, cells: str) -> DataValidation:
    """Excel's check of a column: a drop-down, a number, the workbook's own value, or any text.

    Each carries the column's rule as its input message.
    """
    if column.choices:
        check = DataValidation(type="list", formula1=layout.list_name(column.choices))
        check.error = f"Choose a value of the list ({column.name})."
    elif column.exact:
        check = DataValidation(type="whole", operator="equal", formula1=str(column.minimum))
        check.error = f"This workbook holds one quarter: {column.name} is {column.minimum}."
    elif column.minimum is not None:
        kind = "whole" if column.whole else "decimal"
        check = DataValidation(
            type=kind, operator="greaterThanOrEqual", formula1=str(column.minimum)
        )
        check.error = f"A {'whole ' if column.whole else ''}number, {column.minimum} or more."
    else:
        check = DataValidation()  # any value: the input message only
    check.allow_blank = True
    check.showInputMessage = True
    check.showErrorMessage = check.type is not None
    check.errorTitle = column.name[:32]
    check.promptTitle = column.name[:32]
    check.prompt = column.rule
    check.add(cells)
    return check


def _write_lists(book: Workbook) -> None:
    """The hidden sheet of allowed values, one list per column, each a defined name."""
    sheet = book.create_sheet(layout.LISTS_SHEET)
    for index, (name, values) in enumerate(layout.choice_lists().items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(1, index, name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row, index, value).number_format = _TEXT
        reference = f"{layout.LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
        defined = layout.list_name(name)
        book.defined_names[defined] = DefinedName(defined, attr_text=reference)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def _stamped(content: bytes, when: tuple[int, ...]) -> bytes:
    """A zip archive with every member stamped ``when`` (openpyxl stamps the time of writing)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            target.writestr(info, source.read(member))
    return out.getvalue()
