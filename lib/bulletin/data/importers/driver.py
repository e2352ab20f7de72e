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
5. every table and provenance record is written in one transaction: all replaced, or none (a
   full disk or a read-only folder leaves every file as it was). ``dry_run`` stops before it.
"""

from __future__ import annotations

import csv
import json
import logging
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

import bulletin.data.importers.formats  # noqa: F401  (registers the formats)
from bulletin.core.files import JOURNAL_NAME, FileTransaction
from bulletin.core.paths import DATA_DIR, reference_scope
from bulletin.data.importers import cases, precedence, provenance
from bulletin.data.importers.base import FileReport, ImportedTable, ImportRefusedError, Problem
from bulletin.data.importers.detect import ImportOptions, detect
from bulletin.data.tables import (
    TableError,
    check_table,
    read_table,
    table_content,
    table_path,
    table_spec,
)
from bulletin.data.vocab import CENTRAL_ASIA

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
    pending: dict[str, list[tuple[Path, FileReport, ImportedTable]]] = {}
    unchanged: set[str] = set()  # columnar tables that are exactly one checked import
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
        if not columnar:
            pending.setdefault(name, []).append((path, report, imported))
            continue
        earlier = provenance.sources_in(records[name], path.name)
        kept, replaced = cases.without_sources(tables[name], imported.sources | earlier)
        cases.refuse_clashes(
            kept, imported.frame, path.name, table_path(name, data_dir), imported.lines
        )
        if kept.num_rows == 0:
            unchanged.add(name)
            tables[name] = imported.frame
        else:
            unchanged.discard(name)
            tables[name] = pa.concat_tables([kept, imported.frame])
        written = imported.frame.num_rows
        report.replaced[name] = report.replaced.get(name, 0) + replaced
        report.written[name] = report.written.get(name, 0) + written
        records[name] = provenance.updated_records(
            records[name], _record(path, report, imported, name, written)
        )

    for name, items in pending.items():
        tables[name], origins[name], records[name] = _merge_by_precedence(
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
                raise _refusal(error, name, origins[name]) from None
    return tables, records


def _record(
    path: Path, report: FileReport, imported: ImportedTable, name: str, written: int
) -> dict:
    """The provenance record of one file's import into one table."""
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
    record.update(report.record)
    if report.flagged.get(name):
        record["flagged"] = report.flagged[name]
    return record


def _plain(value: object) -> object:
    """A key's cell as JSON has it: whole numbers as int, the rest as text."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return str(value)


def _figure(value: object) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def _merge_by_precedence(
    name: str,
    current: pd.DataFrame,
    current_origins: list[_Origin],
    records: list[dict],
    items: list[tuple[Path, FileReport, ImportedTable]],
    data_dir: Path,
) -> tuple[pd.DataFrame, list[_Origin], list[dict]]:
    """One table after the imports: own rows replaced, overlaps resolved, records updated.

    See ``bulletin.data.importers.precedence`` for the rules.
    """
    key = list(table_spec(name).key)
    unit = list(precedence.UNITS.get(name, key))
    value = precedence.value_column(name)
    frame = current.copy()
    frame["_origin"] = list(current_origins)
    frame["_file"] = -1
    for i, (path, report, imported) in enumerate(items):
        replace = imported.sources | provenance.sources_in(records, path.name)
        gone = frame["source"].isin(replace)
        report.replaced[name] = report.replaced.get(name, 0) + int(gone.sum())
        new = imported.frame.copy()
        new["_origin"] = list(_origins_of(imported, path))
        new["_file"] = i
        frame = pd.concat([frame[~gone], new], ignore_index=True)

    # Who claims each row: a file of this import, a ranked publication already in the table,
    # or another source (a reconstruction, a statement, an unranked publication).
    claims: dict[tuple, tuple[str, int | None, str]] = {}
    for source, status, file in frame[["source", "status", "_file"]].drop_duplicates().itertuples(
        index=False
    ):
        publication = precedence.publication_of(source) if status == "official" else None
        if file >= 0:
            # A file's rows are official; a publication the precedence does not know ranks by
            # the file's own edition (None: unranked).
            own = items[file][1].publication
            if publication is None and own is not None:
                publication = own if own.edition is not None else None
            claims[(source, status, file)] = (
                f"file {file}",
                publication.edition if publication else None,
                publication.source if publication else source,
            )
        elif publication is not None:
            claims[(source, status, file)] = (
                f"publication {publication.source}", publication.edition, publication.source
            )
        else:
            claims[(source, status, file)] = (f"{status} {source}", None, source)
    triples = list(zip(frame["source"], frame["status"], frame["_file"], strict=True))
    frame["_claimant"] = [claims[t][0] for t in triples]
    frame["_rank"] = [claims[t][1] for t in triples]
    frame["_base"] = [claims[t][2] for t in triples]

    dropped: list[int] = []
    superseded: dict[str, list[dict]] = {}  # claimant -> entries
    shared = frame.groupby(unit, dropna=False)["_claimant"].transform("nunique") > 1
    for _, group in frame[shared].groupby(unit, dropna=False, sort=True):
        new_files = sorted(
            {int(f) for f in group["_file"] if f >= 0},
            key=lambda f: -(items[f][1].publication.edition or 0)
            if items[f][1].publication
            else 0,
        )
        if new_files:
            aside = group[(group["_file"] < 0) & group["status"].isin(precedence.STEPS_ASIDE)]
            if len(aside):
                report = items[new_files[0]][1]
                report.stepped_aside[name] = report.stepped_aside.get(name, 0) + len(aside)
                dropped += list(aside.index)
                group = group.drop(aside.index)
        official = group[group["status"].eq("official") & group["_rank"].notna()]
        ranks = official.groupby("_claimant")["_rank"].first()
        if len(ranks) < 2:
            continue
        top = ranks.max()
        winners = ranks[ranks.eq(top)].index
        if len(winners) > 1:
            continue  # equal ranks: refused below as a clash, naming both
        winner = winners[0]
        winning = official[official["_claimant"].eq(winner)]
        by_key = {
            tuple(str(_plain(v)) for v in row): (src, fig)
            for row, src, fig in zip(
                winning[key].itertuples(index=False), winning["_base"], winning[value],
                strict=True,
            )
        }
        for claimant in ranks.index.drop(winner):
            losing = official[official["_claimant"].eq(claimant)]
            dropped += list(losing.index)
            for _, row in losing.iterrows():
                lookup = tuple(str(_plain(row[k])) for k in key)
                source, figure = by_key.get(lookup, (winning["_base"].iloc[0], None))
                superseded.setdefault(claimant, []).append(
                    {
                        "key": {k: _plain(row[k]) for k in key},
                        "source": row["source"],
                        "value": _figure(row[value]),
                        "by": source,
                        "winner_value": _figure(figure),
                    }
                )
            file = int(losing["_file"].iloc[0])
            if file >= 0:
                report = items[file][1]
                report.superseded[name] = report.superseded.get(name, 0) + len(losing)
            for winner_file in {int(f) for f in winning["_file"] if f >= 0}:
                counts = items[winner_file][1].superseding.setdefault(name, {})
                base = losing["_base"].iloc[0]
                counts[base] = counts.get(base, 0) + len(losing)
    frame = frame.drop(index=dropped)
    _refuse_duplicate_keys(name, frame, key, items, data_dir)

    # Records: the new files', then the superseded rows of files already imported.
    previous = {record["file"]: record for record in records}
    for i, (path, report, imported) in enumerate(items):
        written = int(frame["_file"].eq(i).sum())
        report.written[name] = report.written.get(name, 0) + written
        record = _record(path, report, imported, name, written)
        entries = superseded.pop(f"file {i}", [])
        if entries:
            record["superseded"] = entries
        records = provenance.updated_records(records, record)
    records = [dict(record) for record in records]
    for entries in superseded.values():  # rows of earlier imports that lost to this one
        for record in records:
            own = [e for e in entries if e["source"] in set(record.get("sources", []))]
            if own:
                record["rows"] = max(int(record.get("rows", 0)) - len(own), 0)
                kept = {
                    json.dumps(e["key"], sort_keys=True): e for e in record.get("superseded", [])
                }
                kept.update({json.dumps(e["key"], sort_keys=True): e for e in own})
                record["superseded"] = list(kept.values())
    records = _with_disagreements(name, frame, key, value, records)
    # A file giving the same record again keeps the time it was first imported (its record is
    # complete only now, with its disagreements).
    imported_now = {path.name for path, _, _ in items}
    for record in records:
        old = previous.get(record["file"])
        if record["file"] in imported_now and old is not None and _same_record(old, record):
            record["imported_at"] = old.get("imported_at", record.get("imported_at"))
    _report_disagreements(name, records, items, frame)
    origins = list(frame["_origin"])
    frame = frame.drop(columns=["_origin", "_file", "_claimant", "_rank", "_base"])
    return frame.reset_index(drop=True), origins, records


def _same_record(a: dict, b: dict) -> bool:
    """Whether two records say the same, their import times aside."""
    return {k: v for k, v in a.items() if k != "imported_at"} == {
        k: v for k, v in b.items() if k != "imported_at"
    }


def _with_disagreements(
    name: str, frame: pd.DataFrame, key: list[str], value: str, records: list[dict]
) -> list[dict]:
    """Point each superseded figure at the figure the table holds now; list the disagreements."""
    current = {
        tuple(str(_plain(v)) for v in row): (base, fig)
        for row, base, fig in zip(
            frame[key].itertuples(index=False), frame["_base"], frame[value], strict=True
        )
    }
    out = []
    for record in records:
        entries = record.get("superseded")
        if not entries:
            record.pop("disagreements", None)
            out.append(record)
            continue
        updated = []
        for entry in entries:
            entry = dict(entry)
            found = current.get(tuple(str(entry["key"].get(k)) for k in key))
            if found is not None and found[0] not in record.get("sources", []):
                entry["by"], entry["winner_value"] = found[0], _figure(found[1])
            updated.append(entry)
        updated.sort(key=lambda e: json.dumps(e["key"], sort_keys=True))
        record = {**record, "superseded": updated}
        disagreements = [
            {
                "key": e["key"],
                "figures": {e["source"]: e["value"], e["by"]: e["winner_value"]},
                "kept": e["by"],
            }
            for e in updated
            if precedence.disagree(name, e["value"], e["winner_value"])
        ]
        if disagreements:
            record["disagreements"] = disagreements
        else:
            record.pop("disagreements", None)
        out.append(record)
    return out


def _report_disagreements(
    name: str,
    records: list[dict],
    items: list[tuple[Path, FileReport, ImportedTable]],
    frame: pd.DataFrame,
) -> None:
    """Give each imported file the disagreements it is part of (losing or winning)."""
    for i, (path, report, _) in enumerate(items):
        bases = set(frame.loc[frame["_file"].eq(i), "_base"])
        if report.publication:
            bases.add(report.publication.source)
        for record in records:
            for entry in record.get("disagreements", []):
                if record["file"] == path.name or entry["kept"] in bases:
                    report.disagreements.append({"table": name, **entry})


def _refuse_duplicate_keys(
    name: str,
    frame: pd.DataFrame,
    key: list[str],
    items: list[tuple[Path, FileReport, ImportedTable]],
    data_dir: Path,
) -> None:
    """Refuse new rows whose key another row still holds after the precedence rules."""
    keys = frame[key].astype(str)
    repeated = keys.duplicated(keep=False) & (frame["_file"] >= 0).groupby(
        [keys[k] for k in key]
    ).transform("any")
    if not repeated.any():
        return
    problems = []
    for _, group in frame[repeated].groupby([keys[k] for k in key], sort=True):
        new = group[group["_file"] >= 0]
        for index, row in new.iterrows():
            others = group.drop(index)
            other = others.iloc[0]
            origin = row["_origin"]
            where = (
                "this import"
                if other["_file"] >= 0
                else str(table_path(name, data_dir))
            )
            problems.append(
                Problem(
                    origin.file,
                    origin.line,
                    ", ".join(key),
                    ", ".join(str(row[k]) for k in key),
                    f"a key no other source holds ({where} has it from '{other['source']}', "
                    f"status {other['status']}): official publications of different ranks "
                    "overlap by precedence and reconstructed rows step aside "
                    "(bulletin.data.importers.precedence), but this clash is neither; remove one "
                    "of the rows first",
                    origin.where,
                    origin.sheet,
                )
            )
            if len(problems) >= 20:
                raise ImportRefusedError(problems)
    raise ImportRefusedError(problems)


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
        for name, flags in report.flagged.items():
            out.append(
                f"  flagged as implausible, kept as published ({name}; the page using them "
                f"shows them): {len(flags):,}"
            )
            out.extend(f"    {_describe_flag(flag)}" for flag in flags)
        for name, rows in report.written.items():
            verb = "would write" if result.dry_run else "wrote"
            out.append(
                f"  {verb} {rows:,} rows to {name} "
                f"(replacing {report.replaced.get(name, 0):,} rows of the same source)"
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
    return "\n".join(out)


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
