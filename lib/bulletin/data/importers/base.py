"""What every importer shares: the refusal of bad input, the report of one file, its output.

An importer reads one file and returns :class:`ImportedTable` frames in the columns of the data
contract, with a :class:`FileReport` that says what was read, kept and skipped and why. Input it
cannot read honestly ends in :class:`ImportRefusedError`, which names the file, the line (or
spreadsheet row), the column and what was expected; the driver then writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bulletin.core.problems import Problem, list_problems

MAX_EXAMPLES = 3


class ImportRefusedError(ValueError):
    """A file the importer will not read. Carries every problem found, each with its place."""

    def __init__(self, problems: list[Problem]):
        """The refusal of the files the problems name."""
        self.problems = problems
        count, shown = list_problems(problems)
        files = sorted({problem.file for problem in problems})
        super().__init__(f"{', '.join(files)}: refused, {count}:\n{shown}")


def refuse(
    file: Path | str,
    expected: str,
    *,
    line: int | None = None,
    column: str | None = None,
    got: str | None = None,
    where: str = "line",
    sheet: str | None = None,
) -> ImportRefusedError:
    """Build the refusal of one file for one problem (raise the result)."""
    return ImportRefusedError(
        [Problem(line, column, got, expected, file=str(file), where=where, sheet=sheet)]
    )


@dataclass(frozen=True)
class Publication:
    """Who published a file and which of their tables it is; ``source`` goes on every row.

    ``edition`` ranks the publications that overlap (the year of the edition, or for a series the
    year it was compiled at the earliest): where two give the same key, the higher rank wins
    (``bulletin.data.importers.precedence``). ``None``: a publication no other overlaps by design.
    """

    publisher: str
    table: str
    source: str
    edition: int | None = None


@dataclass
class Skipped:
    """Rows left out for one reason: how many, and a few of them as examples."""

    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class FileReport:
    """What one import read, kept and left out, for the summary the command prints."""

    path: Path
    format: str
    publication: Publication | None = None
    rows_read: int = 0
    rows_kept: int = 0
    skipped: dict[str, Skipped] = field(default_factory=dict)
    kept_apart: dict[str, Skipped] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)
    replacing: dict[str, str] = field(default_factory=dict)  # table -> the rows replaced, in words
    sha256: str | None = None  # set by readers that hash the file while reading it
    flagged: dict[str, list[dict]] = field(default_factory=dict)
    record: dict[str, dict] = field(default_factory=dict)  # extra provenance fields, by table
    superseded: dict[str, int] = field(default_factory=dict)  # own rows a newer edition beat
    superseding: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> source -> n
    stepped_aside: dict[str, int] = field(default_factory=dict)  # reconstructed rows removed
    disagreements: list[dict] = field(default_factory=list)  # with other editions, this file's

    def flag(self, table: str, flags: list[dict]) -> None:
        """Record rows kept as published but implausible (listed, and kept in provenance)."""
        self.flagged.setdefault(table, []).extend(flags)

    def skip(self, reason: str, count: int, examples: list[str] | None = None) -> None:
        """Record ``count`` rows left out for ``reason`` (with up to three examples)."""
        _count(self.skipped, reason, count, examples)

    def keep_apart(self, what: str, count: int, examples: list[str] | None = None) -> None:
        """Record quantities not converted to kilograms (counts of units, volumes)."""
        _count(self.kept_apart, what, count, examples)

    @property
    def rows_skipped(self) -> int:
        """How many rows were left out, for every reason."""
        return sum(entry.count for entry in self.skipped.values())


def _count(into: dict[str, Skipped], why: str, count: int, examples: list[str] | None) -> None:
    """Add ``count`` rows (and up to three examples in all) under ``why``; none: nothing."""
    if count <= 0:
        return
    entry = into.setdefault(why, Skipped())
    entry.count += int(count)
    room = MAX_EXAMPLES - len(entry.examples)
    if room > 0 and examples:
        entry.examples.extend(examples[:room])


@dataclass
class ImportedTable:
    """Rows for one table of the data contract, the sources they carry, and where they come from.

    Attributes:
        table: the table of the data contract.
        frame: its rows (a pyarrow table for ``seizure_cases``).
        sources: the ``source`` values an import of the file replaces.
        lines: for each row, the line (text file) or row (spreadsheet) of the input it comes
            from; a row made from several (a sum) gives the first. ``None``: not known.
        where: ``"line"`` or ``"row"``.
        sheet: the sheet the rows come from (a spreadsheet).
        columns: the input's name of a table column, where it has one (``year`` ->
            ``Reference year``), for messages.
        replaces: the rows of the table the import replaces, by the values of their columns
            (a quarterly submission replaces its period's rows whatever their source:
            ``{"year": 2017, "quarter": 3}``; ``bulletin.data.importers.replacing``). ``None``:
            the rows of the same source, under the precedence of publications.
    """

    table: str
    frame: pd.DataFrame
    sources: frozenset[str]
    lines: Sequence[int | None] | None = None
    where: str = "line"
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    replaces: dict[str, object] | None = None


def examples_of(
    lines: pd.Series, texts: pd.Series, where: str = "line", limit: int = MAX_EXAMPLES
) -> list[str]:
    """Format the first few (line, text) pairs as ``line N: text`` for a report."""
    head_lines = lines.head(limit).tolist()
    head_texts = texts.head(limit).tolist()
    return [f"{where} {line}: {text}" for line, text in zip(head_lines, head_texts, strict=True)]
