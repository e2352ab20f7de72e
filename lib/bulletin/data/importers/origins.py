"""Where each row of an import comes from, so that a broken rule names the input's file and line.

A table's checks number its rows from line 2, as in the table's own file. During an import the
rows come from several places: the publications being imported (a line of a text file, a row of
a sheet) and the rows already in the table (a line of its file). :class:`Origin` records one
such place; :func:`refusal` turns a table's broken rules into a refusal that names them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from bulletin.core.problems import Problem
from bulletin.data import cases
from bulletin.data.importers.base import ImportedTable, ImportRefusedError
from bulletin.data.tables import TableError, check_table, read_table, table_path, table_spec


class Origin(NamedTuple):
    """Where a row of a table being imported comes from, for messages."""

    file: str
    line: int | None
    where: str = "line"
    sheet: str | None = None
    columns: dict[str, str] | None = None


def checked_alone(imported: ImportedTable, path: Path) -> ImportedTable:
    """Check a file's rows against their table's rules on their own, at the input's places.

    Raises:
        ImportRefusedError: a rule is broken; each problem names the input's file and line.
    """
    name = imported.table
    try:
        if name == cases.TABLE:
            imported.frame = cases.check_cases(imported.frame, path.name)
        else:
            check_table(name, imported.frame, path.name)
    except TableError as error:
        # The checks number rows from line 2; the input's own lines replace them.
        origins = origins_of(imported, path)
        raise refusal(error, name, origins) from None
    return imported


def origins_of(imported: ImportedTable, path: Path) -> Sequence[Origin]:
    """Where each of a file's rows comes from (lines looked up only when asked for)."""
    frame = imported.frame
    rows = frame.num_rows if isinstance(frame, pa.Table) else len(frame)
    lines = imported.lines if imported.lines is not None else [None] * rows
    return _LazyOrigins(path.name, lines, imported.where, imported.sheet, imported.columns)


class _LazyOrigins(Sequence):
    """The origins of a file's rows, made only for the rows a message names."""

    def __init__(self, file, lines, where, sheet, columns):
        """Keep what every origin of the file shares, and the line of each row."""
        self.file, self.lines, self.where, self.sheet, self.columns = (
            file,
            lines,
            where,
            sheet,
            columns,
        )

    def __len__(self) -> int:
        """How many rows the file gave."""
        return len(self.lines)

    def __getitem__(self, index):
        """The origin of one row (or a list of them, for a slice)."""
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        line = self.lines[index]
        return Origin(self.file, line, self.where, self.sheet, self.columns)


def refusal(error: TableError, name: str, origins: Sequence[Origin]) -> ImportRefusedError:
    """A table's broken rules as a refusal naming, for each row, the file and line it came from."""
    problems = []
    for problem in error.problems:
        row = None if problem.line is None else problem.line - 2
        origin = origins[row] if row is not None and 0 <= row < len(origins) else None
        if origin is None:
            problems.append(
                Problem(
                    problem.line,
                    problem.column,
                    problem.got,
                    problem.expected,
                    file=str(error.path),
                )
            )
            continue
        column = problem.column
        rule = problem.expected
        if column is not None and origin.columns and column in origin.columns:
            rule += f" (the rule of column '{column}' of the table {name})"
            column = origin.columns[column]
        elif column is not None and origin.columns is not None:
            rule += f" (the rule of column '{column}' of the table {name})"
        problems.append(
            Problem(
                origin.line,
                column,
                problem.got,
                rule,
                file=origin.file,
                where=origin.where,
                sheet=origin.sheet,
            )
        )
    return ImportRefusedError(problems)


def load_existing(name: str, data_dir: Path) -> tuple[pd.DataFrame, list[Origin]]:
    """A table's rows already in ``data_dir`` (none when it has no file), with their lines.

    Raises:
        TableError: the table's file breaks its schema.
    """
    path = table_path(name, data_dir)
    if path.exists():
        frame, lines = read_table(name, data_dir)
        return frame, [Origin(str(path), line) for line in lines]
    columns = table_spec(name).columns
    return pd.DataFrame({column: pd.Series(dtype=object) for column in columns}), []
