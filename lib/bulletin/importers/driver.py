"""Import files into the tidy tables: read all, check all, then write all (or nothing).

Steps for ``bulletin import FILE...``:

1. each file's format is detected from its content and the file is read into rows of the data
   contract (``source`` = the publication, ``status`` = official); any refusal stops the whole
   command before anything is written. Whatever a malformed file makes a reader raise ends in a
   refusal naming the file (``--debug`` shows the traceback);
2. the data folder is locked (``bulletin.files.FileTransaction``; another import waits) and an
   import a crash interrupted is finished first;
3. for each table concerned, the rows an earlier import of the same publication wrote (same
   ``source``, or a source recorded for the same file name in its provenance record) are
   replaced by the new ones; rows of other sources (other publications, reconstructions) are
   kept. A new row whose key another source already holds is refused: an import never
   overwrites another source's figure;
4. each file's rows are checked against their table's schema on their own, then every table as
   a whole; a broken rule is refused naming the input file and its line (or sheet and row), or
   the table's file and line for a row already there;
5. every table and provenance record is written in one transaction: all replaced, or none (a
   full disk or a read-only folder leaves every file as it was). ``dry_run`` stops before it.
"""

from __future__ import annotations

import csv
import logging
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

import bulletin.importers.formats  # noqa: F401  (registers the formats)
from bulletin.files import JOURNAL_NAME, FileTransaction
from bulletin.importers import cases, provenance
from bulletin.importers.base import FileReport, ImportedTable, ImportRefusedError, Problem
from bulletin.importers.detect import ImportOptions, detect
from bulletin.paths import DATA_DIR, reference_scope
from bulletin.tables import (
    TableError,
    check_table,
    read_table,
    table_content,
    table_path,
    table_spec,
)
from bulletin.vocab import CENTRAL_ASIA

log = logging.getLogger(__name__)

DEFAULT_SCOPE: frozenset[str] = frozenset((*CENTRAL_ASIA, "RUS", "AFG"))
"""Countries kept by default: the bulletin's five, and its neighbours the Russian Federation and
Afghanistan (``--countries all`` keeps every country of a file)."""

# What a reader may raise on content it did not expect. A refusal names the file; --debug shows
# where the reader stopped (for a bug report, when the file is as the format says).
_MALFORMED_INPUT = (
    ValueError,  # UnicodeDecodeError, pandas' parser errors, JSON errors
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    ArithmeticError,
    csv.Error,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    SyntaxError,  # XML that does not parse
    pa.ArrowException,
)


class _Origin(NamedTuple):
    """Where a row of a table being imported comes from, for messages."""

    file: str
    line: int | None
    where: str = "line"
    sheet: str | None = None
    columns: dict[str, str] | None = None


@dataclass
class ImportResult:
    """What an import did: one report per file, and the tables it wrote (or would write)."""

    reports: list[FileReport]
    tables: dict[str, pd.DataFrame | pa.Table] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    dry_run: bool = False


def import_files(
    paths: Sequence[Path | str],
    data_dir: Path | str = DATA_DIR,
    *,
    dry_run: bool = False,
    options: ImportOptions | None = None,
) -> ImportResult:
    """Import files into the tables of ``data_dir``, all or nothing.

    Args:
        paths: the files to import (any mix of the known formats).
        data_dir: folder of tidy tables.
        dry_run: read, map and check everything but write nothing.
        options: scope and other reader choices (default: ``DEFAULT_SCOPE``).

    Returns:
        The reports and the resulting tables.

    Raises:
        ImportRefusedError: a file could not be read honestly, or its rows break a table's rules
            (nothing is written).
        bulletin.tables.TableError: an existing table breaks its schema (nothing is written).
        bulletin.importers.provenance.ProvenanceError: an existing provenance record is broken.
        OSError: a file could not be written; nothing was changed (or, for
            ``bulletin.files.InterruptedCommitError``, the next import finishes the change).
    """
    # Names are mapped and rows checked with the data folder's own vocabularies, when it has them.
    with reference_scope(data_dir):
        return _import_files(paths, Path(data_dir), dry_run, options or ImportOptions(DEFAULT_SCOPE))


def _import_files(
    paths: Sequence[Path | str], data_dir: Path, dry_run: bool, options: ImportOptions
) -> ImportResult:
    reports: list[FileReport] = []
    outputs: list[tuple[Path, FileReport, ImportedTable]] = []
    for path in map(Path, paths):
        report, imported = _read_file(path, options)
        outputs.extend((path, report, table) for table in imported)
        reports.append(report)

    if dry_run:
        if (data_dir / JOURNAL_NAME).exists():
            log.warning(
                "%s: an interrupted import is not finished yet (the next import finishes it); "
                "the dry run reads the folder as it is",
                data_dir,
            )
        tables, _ = _merge(outputs, data_dir)
        return ImportResult(reports=reports, tables=tables, dry_run=True)

    with FileTransaction(data_dir) as transaction:
        tables, records = _merge(outputs, data_dir)
        for name, frame in tables.items():
            path = table_path(name, data_dir)
            if isinstance(frame, pa.Table):
                content = cases.cases_writer(frame, path, checked=True)
            else:
                content = table_content(name, frame, path)
            transaction.stage(path, content)
        for name in tables:
            transaction.stage(
                provenance.provenance_path(name, data_dir),
                provenance.records_content(name, records[name]),
            )
    for path in transaction.committed:
        log.debug("wrote %s", path)
    return ImportResult(
        reports=reports, tables=tables, written=list(transaction.committed), dry_run=False
    )


def _read_file(path: Path, options: ImportOptions) -> tuple[FileReport, list[ImportedTable]]:
    """Detect a file's format and read it; anything a malformed file raises is a refusal."""
    file_format = None
    try:
        file_format = detect(path)
        report = FileReport(path=path, format=file_format.name)
        return report, list(file_format.reader(path, options, report))
    except ImportRefusedError:
        raise
    except _MALFORMED_INPUT as error:
        log.debug("reading %s failed", path, exc_info=True)
        what = f"a file the {file_format.name} reader can read" if file_format else "a readable file"
        raise ImportRefusedError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    f"{type(error).__name__}: {error}"[:300],
                    f"{what} (its content is not what the format leads the reader to expect; if "
                    "the file is as published, run again with --debug and report the traceback)",
                )
            ]
        ) from error


def _merge(
    outputs: list[tuple[Path, FileReport, ImportedTable]], data_dir: Path
) -> tuple[dict[str, pd.DataFrame | pa.Table], dict[str, list[dict]]]:
    """The tables and provenance records after the import, checked (nothing written)."""
    tables: dict[str, pd.DataFrame | pa.Table] = {}
    origins: dict[str, list[_Origin]] = {}
    records: dict[str, list[dict]] = {}
    for path, report, imported in outputs:
        name = imported.table
        columnar = name == cases.TABLE
        imported = _checked_alone(imported, path)
        if name not in tables:
            if columnar:
                tables[name] = cases.read_cases(data_dir)
            else:
                tables[name], origins[name] = _load_existing(name, data_dir)
            records[name] = provenance.load_records(name, data_dir)
        earlier = provenance.sources_in(records[name], path.name)
        replace_sources = imported.sources | earlier
        if columnar:
            kept, replaced = cases.without_sources(tables[name], replace_sources)
            cases.refuse_clashes(
                kept, imported.frame, path.name, table_path(name, data_dir), imported.lines
            )
            tables[name] = pa.concat_tables([kept, imported.frame])
            written = imported.frame.num_rows
        else:
            current = tables[name]
            replace = current["source"].isin(replace_sources)
            replaced = int(replace.sum())
            kept = current[~replace]
            _refuse_clashes(name, kept, imported, path, data_dir)
            tables[name] = pd.concat([kept, imported.frame], ignore_index=True)
            origins[name] = [
                origin for origin, gone in zip(origins[name], replace, strict=True) if not gone
            ] + list(_origins_of(imported, path))
            written = len(imported.frame)
        report.replaced[name] = report.replaced.get(name, 0) + replaced
        report.written[name] = report.written.get(name, 0) + written
        publication = report.publication
        record = provenance.new_record(
            path,
            sha256=report.sha256 or provenance.sha256_of(path),
            publisher=publication.publisher if publication else "",
            publication_table=publication.table if publication else "",
            sources=sorted(imported.sources),
            file_format=report.format,
            rows=written,
        )
        if report.kept_apart:
            record["kept_apart"] = {what: entry.count for what, entry in report.kept_apart.items()}
        records[name] = provenance.updated_records(records[name], record)

    for name, frame in tables.items():
        if isinstance(frame, pa.Table):
            tables[name] = cases.check_cases(frame, table_path(name, data_dir))
        else:
            try:
                tables[name] = check_table(name, frame, table_path(name, data_dir))
            except TableError as error:
                raise _refusal(error, name, origins[name]) from None
    return tables, records


def _checked_alone(imported: ImportedTable, path: Path) -> ImportedTable:
    """Check a file's rows against their table's rules on their own, at the input's places."""
    name = imported.table
    try:
        if name == cases.TABLE:
            imported.frame = cases.check_cases(imported.frame, path.name)
        else:
            check_table(name, imported.frame, path.name)
    except TableError as error:
        # The checks number rows from line 2; the input's own lines replace them.
        origins = _origins_of(imported, path)
        raise _refusal(error, name, origins) from None
    return imported


def _origins_of(imported: ImportedTable, path: Path) -> Sequence[_Origin]:
    """Where each of a file's rows comes from (lines looked up only when asked for)."""
    frame = imported.frame
    rows = frame.num_rows if isinstance(frame, pa.Table) else len(frame)
    lines = imported.lines if imported.lines is not None else [None] * rows
    return _LazyOrigins(path.name, lines, imported.where, imported.sheet, imported.columns)


class _LazyOrigins(Sequence):
    """The origins of a file's rows, made only for the rows a message names."""

    def __init__(self, file, lines, where, sheet, columns):
        self.file, self.lines, self.where, self.sheet, self.columns = (
            file,
            lines,
            where,
            sheet,
            columns,
        )

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        line = self.lines[index]
        return _Origin(self.file, line, self.where, self.sheet, self.columns)


def _refusal(error: TableError, name: str, origins: Sequence[_Origin]) -> ImportRefusedError:
    """A table's broken rules as a refusal naming, for each row, the file and line it came from."""
    problems = []
    for problem in error.problems:
        row = None if problem.line is None else problem.line - 2
        origin = origins[row] if row is not None and 0 <= row < len(origins) else None
        if origin is None:
            problems.append(
                Problem(str(error.path), problem.line, problem.column, problem.value,
                        problem.expected)
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
            Problem(origin.file, origin.line, column, problem.value, rule, origin.where,
                    origin.sheet)
        )
    return ImportRefusedError(problems)


def _load_existing(name: str, data_dir: Path) -> tuple[pd.DataFrame, list[_Origin]]:
    path = table_path(name, data_dir)
    if path.exists():
        frame, lines = read_table(name, data_dir)
        return frame, [_Origin(str(path), line) for line in lines]
    columns = table_spec(name).columns
    return pd.DataFrame({column: pd.Series(dtype=object) for column in columns}), []


def _refuse_clashes(
    name: str, kept: pd.DataFrame, imported: ImportedTable, path: Path, data_dir: Path
) -> None:
    """Refuse new rows whose key a row of another source already holds."""
    key = list(table_spec(name).key)
    if kept.empty or imported.frame.empty:
        return
    left = kept[key + ["source", "status"]].astype({k: str for k in key})
    right = imported.frame[key].astype(str).reset_index(drop=True)
    right["_position"] = range(len(right))
    clash = right.merge(left, on=key, how="inner")
    if clash.empty:
        return
    origins = _origins_of(imported, path)
    problems = []
    for _, row in clash.head(20).iterrows():
        origin = origins[int(row["_position"])]
        problems.append(
            Problem(
                path.name,
                origin.line,
                ", ".join(key),
                ", ".join(str(row[k]) for k in key),
                f"a key no other source holds in {table_path(name, data_dir)}: that row comes "
                f"from '{row['source']}' (status {row['status']}); an import does not overwrite "
                "another source's row, remove it there first",
                origin.where,
                origin.sheet,
            )
        )
    raise ImportRefusedError(problems)


def format_summary(result: ImportResult) -> str:
    """The summary the command prints: rows read, kept, skipped by reason, names, units."""
    out: list[str] = []
    for report in result.reports:
        publication = report.publication
        out.append(f"{report.path.name} [{report.format}]")
        if publication:
            out.append(f"  publisher: {publication.publisher}; table: {publication.table}")
        out.append(
            f"  rows read: {report.rows_read:,}; rows kept: {report.rows_kept:,}; "
            f"rows skipped: {report.rows_skipped:,}"
        )
        for reason, entry in report.skipped.items():
            out.append(f"    skipped, {reason}: {entry.count:,}")
            out.extend(f"      e.g. {example}" for example in entry.examples)
        if report.kept_apart:
            out.append("  quantities kept apart, not turned into kilograms:")
            for what, entry in report.kept_apart.items():
                out.append(f"    {what}: {entry.count:,}")
                out.extend(f"      e.g. {example}" for example in entry.examples)
        out.append("  names not mapped: none (an unmapped name refuses the file)")
        for note in report.notes:
            out.append(f"  note: {note}")
        for name, rows in report.written.items():
            verb = "would write" if result.dry_run else "wrote"
            out.append(
                f"  {verb} {rows:,} rows to {name} "
                f"(replacing {report.replaced.get(name, 0):,} rows of the same source)"
            )
    if result.dry_run:
        out.append("dry run: nothing written")
    else:
        out.extend(f"written: {path}" for path in result.written)
    return "\n".join(out)
