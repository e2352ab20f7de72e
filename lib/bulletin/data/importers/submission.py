"""Read a filled quarterly submission workbook (``bulletin template``) into its two tables.

The workbook is recognised by its About sheet (``bulletin.data.submission.layout``: the title in
A1 and ``template`` beside its version), never by its name; the About sheet also gives the data
quarter it holds. Every cell of the two data sheets is checked against its column's rule
(``bulletin.data.importers.submission_cells``) and the rows against the table's schema: a
workbook with any problem is refused with every problem at once, each naming the sheet, the
Excel row, the column (header and letter) and what was found and expected; nothing is written.

- ``seizures_quarterly``: a row is a country of the five and a drug of the quarterly table, the
  workbook's year and quarter; one row per country and drug. A row whose ``kg`` is empty was not
  reported: no row is imported (never a zero; 0 is a reported zero). A filled row needs its
  ``source`` and a ``status`` of ``official`` or ``stated``, which the row then carries.
- ``activities``: a row with nothing but its pre-filled id, issue, source and status is an empty
  row. A filled row has the columns of ``activities.csv``: an id of the workbook's issue
  (``2017-Q3-NN``, each once), real dates (typed as text at the precision known, or date cells),
  an end date needing a start date and no earlier than it, whole numbers of days and
  participants, the vocabularies of kind, theme, country and qualifiers, the workbook's issue.

**What an import replaces.** ``seizures_quarterly``: every submitted row of the workbook's year
and quarter, and the reconstructed rows on the keys it gives (they step aside; those on keys it
leaves blank stay the reconstruction's); ``activities``: every
activity of the workbook's issue. Nothing else (``bulletin.data.importers.replacing``). A sheet
with nothing filled is not part of the submission: its table is left as it was. The summary says
in which issue the figures appear (seizures lag one quarter; activities do not).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bulletin.core.periods import Quarter
from bulletin.core.problems import Problem
from bulletin.data.importers.base import (
    FileReport,
    ImportedTable,
    ImportRefusedError,
    Publication,
    refuse,
)
from bulletin.data.importers.detect import ImportOptions
from bulletin.data.importers.submission_cells import SheetCells, is_empty
from bulletin.data.importers.submission_rows import NOT_REPORTED, activity_row, seizure_row
from bulletin.data.importers.xlsxio import cell_text, read_workbook, sheet_frame
from bulletin.data.submission import layout
from bulletin.data.submission.layout import Column
from bulletin.data.tables import TableError, check_table, table_spec

SKIPPED_EMPTY = "kg empty: not reported (no row imported, never a zero)"


def is_submission(sheets: dict[str, list[tuple[str, ...]]]) -> bool:
    """Whether a workbook's first rows are those of a submission (its About sheet's marker)."""
    rows = sheets.get(layout.ABOUT_SHEET) or []
    if not rows or not rows[0] or rows[0][0] != layout.TITLE:
        return False
    return any(row[:2] == (layout.TEMPLATE_LABEL, layout.VERSION) for row in rows)


def read_submission(path: Path, options: ImportOptions, report: FileReport) -> list[ImportedTable]:
    """Read a filled submission: its seizures and activities, each replacing its period.

    Args:
        path: the workbook.
        options: the command's options (a submission has its own scope: the five countries).
        report: what the file gave, for the summary.

    Returns:
        One table per sheet with at least one filled row.

    Raises:
        ImportRefusedError: with every problem of every sheet.
    """
    sheets = read_workbook(path)
    quarter = _quarter_of(path, sheets)
    problems: list[Problem] = []
    seizures = _read_seizures(path.name, sheets, quarter, report, problems)
    activities = _read_activities(path.name, sheets, quarter, report, problems)
    if problems:
        raise ImportRefusedError(problems)
    report.publication = Publication(
        publisher=f"{layout.OFFICE} (the office's quarterly submission)",
        table=f"quarterly submission {quarter.label} ({quarter.months})",
        source=f"quarterly submission {quarter.label}",
    )
    report.record = {"data_quarter": quarter.label}
    return [table for table in (seizures, activities) if table is not None]


def _quarter_of(path: Path, sheets: dict[str, list[tuple]]) -> Quarter:
    """The data quarter the About sheet names (the template was made for it)."""
    rows = sheets.get(layout.ABOUT_SHEET, [])
    for number, row in enumerate(rows, start=1):
        if row and cell_text(row[0]) == layout.QUARTER_LABEL:
            text = cell_text(row[1]) if len(row) > 1 else ""
            try:
                return Quarter.parse(text)
            except ValueError:
                raise refuse(
                    path.name,
                    "the data quarter the template was made for, e.g. 2017-Q3 (the About sheet "
                    "is not to be edited: make a new template with bulletin template)",
                    line=number,
                    column=f"{layout.QUARTER_LABEL} (B)",
                    got=text,
                    where="row",
                    sheet=layout.ABOUT_SHEET,
                ) from None
    raise refuse(
        path.name,
        f"a row '{layout.QUARTER_LABEL}' naming the workbook's quarter (make a new template "
        "with bulletin template)",
        where="row",
        sheet=layout.ABOUT_SHEET,
    )


def _records(
    file: str,
    sheets: dict[str, list[tuple]],
    sheet: str,
    columns: tuple[Column, ...],
    problems: list[Problem],
) -> tuple[SheetCells, list[dict]] | None:
    """A data sheet's rows below its header, and its cells; None (a problem) if unreadable."""
    rows = sheets.get(sheet)
    if rows is None:
        problems.append(
            Problem(
                None,
                None,
                None,
                f"the sheet '{sheet}' of the template (its sheets are named after their "
                "tables: do not rename or delete them)",
                file=file,
                where="row",
                sheet=sheet,
            )
        )
        return None
    try:
        frame = sheet_frame(rows, layout.HEADER_ROW, file=file, sheet=sheet)
    except ImportRefusedError as error:
        problems.extend(error.problems)
        return None
    header = [cell_text(value) for value in rows[layout.HEADER_ROW - 1]] if len(rows) > 1 else []
    missing = [c.name for c in columns if not c.label and c.name not in header]
    problems.extend(
        Problem(
            layout.HEADER_ROW,
            name,
            None,
            f"the column '{name}' in the header (row {layout.HEADER_ROW}), as the template "
            "has it: do not rename or delete a column",
            file=file,
            where="row",
            sheet=sheet,
        )
        for name in missing
    )
    if missing:
        return None
    return SheetCells(file, sheet, header), frame.to_dict("records")


def _read_seizures(
    file: str,
    sheets: dict[str, list[tuple]],
    quarter: Quarter,
    report: FileReport,
    problems: list[Problem],
) -> ImportedTable | None:
    """The seizures sheet's filled rows, checked (problems go to ``problems``)."""
    found = _records(file, sheets, layout.SEIZURES_SHEET, layout.seizure_columns(quarter), problems)
    if found is None:
        return None
    cells, records = found
    rows, lines, seen, empty = [], [], {}, []
    for record in records:
        if all(is_empty(record.get(column)) for column in ("country", "drug", "kg")):
            continue
        report.rows_read += 1
        row = seizure_row(cells, record, quarter, seen)
        if row == NOT_REPORTED:
            empty.append(f"row {record['_row']}: {record.get('country')} {record.get('drug')}")
        elif row is not None:
            rows.append(row)
            lines.append(record["_row"])
    report.skip(SKIPPED_EMPTY, len(empty), empty)
    table = _checked(cells, "seizures_quarterly", rows, lines, problems)
    issue = layout.seizures_issue(quarter).label
    if table is None:
        if not rows and not cells.problems:
            report.notes.append("seizures_quarterly: no kg filled in; the table is left as it was")
        return None
    zeros = sum(1 for row in rows if float(row["kg"]) == 0)
    report.rows_kept += len(rows)
    report.notes.append(
        f"seizures_quarterly: {_count(len(rows), 'figure', 'figures')} of {quarter.months} "
        f"({zeros:,} of them a reported zero); they appear in the {issue} issue "
        f"({layout.SEIZURES_LAG})"
    )
    table.replaces = {"year": quarter.year, "quarter": quarter.quarter}
    return table


def _read_activities(
    file: str,
    sheets: dict[str, list[tuple]],
    quarter: Quarter,
    report: FileReport,
    problems: list[Problem],
) -> ImportedTable | None:
    """The activities sheet's filled rows, checked (problems go to ``problems``)."""
    columns = layout.activity_columns(quarter)
    found = _records(file, sheets, layout.ACTIVITIES_SHEET, columns, problems)
    if found is None:
        return None
    cells, records = found
    names = [column.name for column in columns]
    rows, lines, seen = [], [], {}
    for record in records:
        if all(
            is_empty(record.get(name))
            for name in names
            if name not in layout.PRE_FILLED_ACTIVITY_COLUMNS
        ):
            continue
        report.rows_read += 1
        row = activity_row(cells, record, quarter, seen)
        if row is not None:
            rows.append(row)
            lines.append(record["_row"])
    table = _checked(cells, "activities", rows, lines, problems)
    issue = layout.activities_issue(quarter)
    if table is None:
        if not rows and not cells.problems:
            report.notes.append("activities: no activity filled in; the table is left as it was")
        return None
    report.rows_kept += len(rows)
    report.notes.append(
        f"activities: {_count(len(rows), 'activity', 'activities')} of {quarter.months}; "
        "they appear in the "
        f"{issue.label} issue ({layout.ACTIVITIES_LAG})"
    )
    table.replaces = {"issue": issue.label}
    return table


def _checked(
    cells: SheetCells, name: str, rows: list[dict], lines: list[int], problems: list[Problem]
) -> ImportedTable | None:
    """The rows as a table checked against its schema; None when there are none (or problems).

    The cells were checked one by one already; the schema is checked once more on the rows
    (a rule the cells did not cover is still named by sheet, row and column).
    """
    if not rows or cells.problems:
        problems.extend(cells.problems)
        return None
    columns = table_spec(name).columns
    raw = pd.DataFrame([[_text(row.get(c)) for c in columns] for row in rows], columns=columns)
    try:
        frame = check_table(name, raw, cells.file, lines=lines)
    except TableError as error:
        for problem in error.problems:
            column = problem.column if problem.column in columns else None
            cells.add(problem.line, column, problem.got, problem.expected)
        problems.extend(cells.problems)
        return None
    return ImportedTable(
        name,
        frame,
        frozenset(frame["source"]),
        lines=lines,
        where="row",
        sheet=cells.sheet,
        columns={c: cells.place(c) for c in columns},
    )


def _text(value: object) -> str:
    """A checked value as the table's text cell ('' for nothing; whole floats as integers)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    text = str(value)
    return " ".join(text.split()) if "\n" in text or "\r" in text else text


def _count(count: int, singular: str, plural: str) -> str:
    """A count and its noun, as the summary writes them: "1 figure", "1,250 figures"."""
    return f"{count:,} {singular if count == 1 else plural}"
