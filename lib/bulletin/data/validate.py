"""Check every table of a data folder at once, before anything reads it (``bulletin validate``).

Each table of the data contract (:func:`bulletin.data.tables.table_specs`) is read with the same
machinery as a notebook's load (:func:`bulletin.data.tables.read_table`), against the vocabularies
of the data folder's own ``reference/`` when it has one. Every table is checked even when an
earlier one fails, so that one run lists every problem; a table whose file is missing is a
problem of its own. Nothing is parsed or checked here that the loader does not parse or check.

Then the rules between tables (:mod:`bulletin.data.cross_checks`) run over the tables that passed:
their errors make the folder invalid as a table's problem does; their warnings are reported and
kept.
"""

from __future__ import annotations

import errno
import time
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.core.paths import reference_dir_of
from bulletin.core.problems import Problem
from bulletin.data.cross_checks import CrossProblem, Tables, check_across_tables
from bulletin.data.tables import TableError, read_table, table_path, table_specs
from bulletin.data.vocab import check_reference_folder


@dataclass(frozen=True)
class TableReport:
    """What checking one table found.

    Attributes:
        name: the table's name, e.g. ``"seizures_quarterly"``.
        path: the table's file.
        rows: how many rows the table has (0 when it has problems).
        problems: every broken rule (empty: the table is valid).
        missing: the table's file is not in the data folder (its one problem says so).
    """

    name: str
    path: Path
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    read: tuple | None = field(default=None, repr=False, compare=False)  # (rows, lines) when valid
    missing: bool = False

    @property
    def valid(self) -> bool:
        """Whether the table breaks no rule."""
        return not self.problems


@dataclass(frozen=True)
class ValidationReport:
    """What checking every table of a data folder found, and how long it took.

    Attributes:
        data_dir: the folder checked.
        tables: one report per table of the contract, in the contract's order.
        seconds: the time the check took.
        across: every broken rule between tables (errors and warnings).
    """

    data_dir: Path
    tables: list[TableReport]
    seconds: float
    across: list[CrossProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """Whether every table is valid and no rule between tables is broken (warnings aside)."""
        return all(table.valid for table in self.tables) and not self.errors_across

    @property
    def errors_across(self) -> list[CrossProblem]:
        """The rules between tables broken as errors."""
        return [p for p in self.across if p.severity == "error"]

    @property
    def warnings(self) -> list[CrossProblem]:
        """The rules between tables broken as warnings (two published figures disagree, ...)."""
        return [p for p in self.across if p.severity != "error"]

    @property
    def invalid(self) -> list[TableReport]:
        """The tables with problems."""
        return [table for table in self.tables if not table.valid]

    @property
    def problem_count(self) -> int:
        """How many problems all the tables have, and the errors between tables."""
        return sum(len(table.problems) for table in self.tables) + len(self.errors_across)

    @property
    def rows(self) -> int:
        """How many rows the valid tables have."""
        return sum(table.rows for table in self.tables)


def check_table_file(name: str, data_dir: Path | str) -> TableReport:
    """Check one table of a data folder.

    Args:
        name: the table's name.
        data_dir: folder of tidy tables.

    Returns:
        The table's report: its rows, or every problem found (a missing file is one problem).

    Raises:
        OSError: the file exists but cannot be read.
    """
    path = table_path(name, data_dir)
    if not path.is_file():
        missing = Problem(None, None, None, f"the file {path.name}, a table of the data contract")
        return TableReport(name, path, problems=[missing], missing=True)
    try:
        frame, _lines = read_table(name, data_dir)
    except TableError as error:
        return TableReport(name, error.path, problems=list(error.problems))
    return TableReport(name, path, rows=len(frame), read=(frame, _lines))


def validate_tables(data_dir: Path | str) -> list[TableReport]:
    """Check every table of a data folder against its schema and the vocabularies.

    Args:
        data_dir: folder of tidy tables (its ``reference/`` folder, when it has one, gives the
            vocabularies).

    Returns:
        One report per table of the contract, in the contract's order, each valid or listing
        every problem found.

    Raises:
        FileNotFoundError: ``data_dir`` does not exist.
        NotADirectoryError: ``data_dir`` is a file.
        OSError: a table's file exists but cannot be read.
    """
    folder = Path(data_dir)
    if not folder.exists():
        raise FileNotFoundError(errno.ENOENT, "no such data folder", str(folder))
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "a file, not a data folder", str(folder))
    return [check_table_file(name, folder) for name in table_specs()]


def validate_data_dir(data_dir: Path | str) -> ValidationReport:
    """:func:`validate_tables`, then the rules between the valid tables, timed.

    Raises:
        OSError: ``data_dir`` is not a folder, or a table's file exists but cannot be read.
        BrokenReferenceError: a file of the folder's reference (or the project's) cannot be read.
    """
    start = time.perf_counter()
    check_reference_folder(reference_dir_of(data_dir))
    tables = validate_tables(data_dir)
    valid: Tables = {table.name: table.read for table in tables if table.read is not None}
    across = check_across_tables(valid, data_dir)
    return ValidationReport(Path(data_dir), tables, time.perf_counter() - start, across)
