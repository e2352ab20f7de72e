"""Import files into the tidy tables: read all, check all, then write all (or nothing).

Steps for ``bulletin import FILE...``:

1. each file's format is detected from its content and the file is read into rows of the data
   contract (``source`` = the publication, ``status`` = official); any refusal stops the whole
   command before anything is written. Whatever a malformed file makes a reader raise ends in a
   refusal naming the file (``--debug`` shows the traceback);
2. the data folder is locked (``bulletin.core.files.FileTransaction``; another import waits) and an
   import a crash interrupted is finished first;
3. for each table concerned, the rows an earlier import of the same publication wrote (same
   ``source``, or a source recorded for the same file name in its provenance record) are
   replaced by the new ones; rows of other sources are kept. Where rows of different sources
   meet on a key (all the files of the command and the rows already in the table together, so
   that the order of the files does not matter), ``bulletin.data.importers.precedence`` decides: of
   two official publications the most recent edition's figure is written and the other kept in
   the provenance record, with every disagreement beyond rounding listed; a reconstructed (or
   estimated) row steps aside for an official one; any other clash is refused, naming both
   sources;
4. each file's rows are checked against their table's schema on their own, then every table as
   a whole; a broken rule is refused naming the input file and its line (or sheet and row), or
   the table's file and line for a row already there;
   a quarterly submission instead replaces every row of its period, whatever their source
   (``bulletin.data.importers.replacing``);
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

import pandas as pd
import pyarrow as pa

import bulletin.data.importers.formats  # noqa: F401  (registers the formats)
from bulletin.core.files import JOURNAL_NAME, FileTransaction
from bulletin.core.paths import DATA_DIR, reference_scope
from bulletin.core.problems import Problem
from bulletin.data import cases, cases_csv
from bulletin.data.importers import provenance
from bulletin.data.importers.base import FileReport, ImportedTable, ImportRefusedError
from bulletin.data.importers.detect import ImportOptions, detect
from bulletin.data.importers.merging import Item, merge_by_precedence, merge_cases
from bulletin.data.importers.origins import Origin, checked_alone, load_existing, refusal
from bulletin.data.importers.replacing import merge_periods
from bulletin.data.tables import TableError, check_table, checked_table_content, table_path
from bulletin.data.vocab import DEFAULT_SCOPE, BrokenReferenceError

log = logging.getLogger(__name__)

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


@dataclass
class ImportResult:
    """What an import did: one report per file, and the tables it wrote (or would write).

    ``changed`` names the tables whose file the import changed (or would change): a table
    written with the bytes it had is not in it, so that importing the same files again changes
    nothing; ``seizure_cases``, written column by column, counts whenever it is written. A
    caller that keeps other tables in step with these (a reconstruction to run again after
    its rows stepped aside) reads it.
    """

    reports: list[FileReport]
    tables: dict[str, pd.DataFrame | pa.Table] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    dry_run: bool = False
    changed: list[str] = field(default_factory=list)


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
        options: scope and other reader choices (default: ``bulletin.data.vocab.DEFAULT_SCOPE``).

    Returns:
        The reports and the resulting tables.

    Raises:
        ImportRefusedError: a file could not be read honestly, or its rows break a table's rules
            (nothing is written).
        bulletin.data.tables.TableError: an existing table breaks its schema (nothing is written).
        bulletin.data.importers.provenance.ProvenanceError: an existing provenance record is broken.
        OSError: a file could not be written; nothing was changed (or, for
            ``bulletin.core.files.InterruptedCommitError``, the next import finishes the change).
    """
    # Names are mapped and rows checked with the data folder's own vocabularies, when it has them.
    with reference_scope(data_dir):
        return _import_files(paths, Path(data_dir), dry_run, options or ImportOptions(DEFAULT_SCOPE))


def _import_files(
    paths: Sequence[Path | str], data_dir: Path, dry_run: bool, options: ImportOptions
) -> ImportResult:
    reports: list[FileReport] = []
    outputs: list[Item] = []
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
        changed = [name for name in tables if _changes(name, tables[name], data_dir)]
        return ImportResult(reports=reports, tables=tables, dry_run=True, changed=changed)

    changed = []
    with FileTransaction(data_dir) as transaction:
        tables, records = _merge(outputs, data_dir)
        for name, frame in tables.items():
            path = table_path(name, data_dir)
            if isinstance(frame, pa.Table):
                content = cases_csv.cases_writer(frame)
                changed.append(name)
            else:
                content = checked_table_content(name, frame)  # checked by _merge
                if not path.is_file() or path.read_bytes() != content:
                    changed.append(name)
            transaction.stage(path, content)
        for name in tables:
            transaction.stage(
                provenance.provenance_path(name, data_dir),
                provenance.records_content(name, records[name]),
            )
    for path in transaction.committed:
        log.debug("wrote %s", path)
    return ImportResult(
        reports=reports,
        tables=tables,
        written=list(transaction.committed),
        dry_run=False,
        changed=changed,
    )


def _changes(name: str, frame: pd.DataFrame | pa.Table, data_dir: Path) -> bool:
    """Whether writing a table :func:`_merge` checked would change its file (``seizure_cases``: always)."""
    path = table_path(name, data_dir)
    if isinstance(frame, pa.Table) or not path.is_file():
        return True
    return path.read_bytes() != checked_table_content(name, frame)  # checked by _merge


def _read_file(path: Path, options: ImportOptions) -> tuple[FileReport, list[ImportedTable]]:
    """Detect a file's format and read it; anything a malformed file raises is a refusal."""
    file_format = None
    try:
        file_format = detect(path)
        report = FileReport(path=path, format=file_format.name)
        return report, list(file_format.reader(path, options, report))
    except (ImportRefusedError, BrokenReferenceError):  # the input is not to blame for the latter
        raise
    except _MALFORMED_INPUT as error:
        log.debug("reading %s failed", path, exc_info=True)
        what = f"a file the {file_format.name} reader can read" if file_format else "a readable file"
        expected = (
            f"{what} (its content is not what the format leads the reader to expect; if the file "
            "is as published, run again with --debug and report the traceback)"
        )
        if isinstance(error, zipfile.BadZipFile | zlib.error):
            # The archive's bytes are damaged (a checksum, the compressed data): not the format.
            expected = "an undamaged zip archive (copy or download the file again)"
        raise ImportRefusedError(
            [
                Problem(
                    None,
                    None,
                    f"{type(error).__name__}: {error}"[:300],
                    expected,
                    file=path.name,
                )
            ]
        ) from error


def _merge(
    outputs: list[Item], data_dir: Path
) -> tuple[dict[str, pd.DataFrame | pa.Table], dict[str, list[dict]]]:
    """The tables and provenance records after the import, checked (nothing written)."""
    tables: dict[str, pd.DataFrame | pa.Table] = {}
    origins: dict[str, list[Origin]] = {}
    records: dict[str, list[dict]] = {}
    pending: dict[str, list[Item]] = {}
    replacing: dict[str, list[Item]] = {}  # quarterly submissions: a period's rows replaced
    unchanged: set[str] = set()  # columnar tables that are exactly one checked import
    for path, report, imported in outputs:
        name = imported.table
        columnar = name == cases.TABLE
        imported = checked_alone(imported, path)
        if name not in tables:
            if columnar:
                tables[name] = cases.read_cases(data_dir)
            else:
                tables[name], origins[name] = load_existing(name, data_dir)
            records[name] = provenance.load_records(name, data_dir)
        if not columnar:
            chosen = replacing if imported.replaces is not None else pending
            chosen.setdefault(name, []).append((path, report, imported))
            continue
        tables[name], alone, records[name] = merge_cases(
            tables[name], (path, report, imported), records[name], data_dir
        )
        if alone:
            unchanged.add(name)
        else:
            unchanged.discard(name)

    for name, items in replacing.items():
        tables[name], origins[name], records[name] = merge_periods(
            name, tables[name], origins[name], records[name], items
        )
    for name, items in pending.items():
        tables[name], origins[name], records[name] = merge_by_precedence(
            name, tables[name], origins[name], records[name], items, data_dir
        )

    for name, frame in tables.items():
        if isinstance(frame, pa.Table):
            if name not in unchanged:  # a single import's rows were checked on their own
                tables[name] = cases.check_cases(frame, table_path(name, data_dir))
        else:
            try:
                tables[name] = check_table(name, frame, table_path(name, data_dir))
            except TableError as error:
                raise refusal(error, name, origins[name]) from None
    return tables, records


def format_summary(result: ImportResult) -> str:
    """The summary the command prints: rows read, kept, skipped by reason, names, units."""
    out: list[str] = []
    for report in result.reports:
        out += _describe_reading(report)
        out += _describe_writing(report, result.dry_run)
        if report.disagreements:
            out.append(
                f"  disagreements beyond rounding with other editions (kept in the provenance "
                f"records): {len(report.disagreements):,}"
            )
            out.extend(f"    {_describe_disagreement(d)}" for d in report.disagreements)
    if result.dry_run:
        out.append("dry run: nothing written")
    else:
        out.extend(f"written: {path}" for path in result.written)
    if result.tables:
        verb = "would change" if result.dry_run else "changed"
        unchanged = [name for name in result.tables if name not in result.changed]
        out.append(
            f"tables {verb}: {', '.join(result.changed) or 'none'}"
            + (f" (the same rows again: {', '.join(unchanged)})" if unchanged else "")
        )
    return "\n".join(out)


def _describe_reading(report: FileReport) -> list[str]:
    """The summary's lines on what a file gave: rows read, kept, skipped, kept apart, flagged."""
    publication = report.publication
    out = [f"{report.path.name} [{report.format}]"]
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
    for name, flags in report.flagged.items():
        out.append(
            f"  flagged as implausible, kept as published ({name}; the page using them "
            f"shows them): {len(flags):,}"
        )
        out.extend(f"    {_describe_flag(flag)}" for flag in flags)
    return out


def _describe_writing(report: FileReport, dry_run: bool) -> list[str]:
    """The summary's lines on what a file's rows did to each table (or would do)."""
    out = []
    for name, rows in report.written.items():
        verb = "would write" if dry_run else "wrote"
        replacing = report.replacing.get(name, "of the same source")
        out.append(
            f"  {verb} {rows:,} rows to {name} "
            f"(replacing {report.replaced.get(name, 0):,} rows {replacing})"
        )
        if report.superseded.get(name):
            out.append(
                f"    not written, superseded by a more recent edition: "
                f"{report.superseded[name]:,} rows (kept in the provenance record)"
            )
        for source, count in report.superseding.get(name, {}).items():
            out.append(f"    supersedes {count:,} rows of '{source}' (removed from {name})")
        if report.stepped_aside.get(name):
            out.append(
                f"    reconstructed rows stepped aside for official ones: "
                f"{report.stepped_aside[name]:,}"
            )
    return out


def _describe_key(key: dict) -> str:
    return " ".join(str(value) for value in key.values())


def _describe_flag(flag: dict) -> str:
    place = f"sheet '{flag['sheet']}' row {flag['row']}: " if "row" in flag else ""
    return f"{place}{_describe_key(flag['key'])}: {flag['reason']}"


def _describe_disagreement(entry: dict) -> str:
    figures = "; ".join(
        f"{'-' if value is None else format(value, ',')} in '{source}'"
        for source, value in entry["figures"].items()
    )
    return f"{entry['table']} {_describe_key(entry['key'])}: {figures}; kept '{entry['kept']}'"
