"""Import files into the tidy tables: read all, check all, then write all (or nothing).

Steps for ``bulletin import FILE...``:

1. each file's format is detected from its content and the file is read into rows of the data
   contract (``source`` = the publication, ``status`` = official); any refusal stops the whole
   command before anything is written;
2. for each table concerned, the rows an earlier import of the same publication wrote (same
   ``source``, or a source recorded for the same file name in its provenance record) are
   replaced by the new ones; rows of other sources (other publications, reconstructions) are
   kept. A new row whose key another source already holds is refused: an import never
   overwrites another source's figure;
3. every table is checked against its schema; only when all pass are they written (each
   atomically), then their provenance records. ``dry_run`` stops before writing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

import bulletin.importers.formats  # noqa: F401  (registers the formats)
from bulletin.importers import cases, provenance
from bulletin.importers.base import FileReport, ImportedTable, ImportRefusedError, Problem
from bulletin.importers.detect import ImportOptions, detect
from bulletin.paths import DATA_DIR
from bulletin.tables import check_table, load_table, table_path, table_spec, write_table
from bulletin.vocab import CENTRAL_ASIA

log = logging.getLogger(__name__)

DEFAULT_SCOPE: frozenset[str] = frozenset((*CENTRAL_ASIA, "RUS", "AFG"))
"""Countries kept by default: the bulletin's five, and its neighbours the Russian Federation and
Afghanistan (``--countries all`` keeps every country of a file)."""


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
    """Import files into the tables of ``data_dir``.

    Args:
        paths: the files to import (any mix of the known formats).
        data_dir: folder of tidy tables.
        dry_run: read, map and check everything but write nothing.
        options: scope and other reader choices (default: ``DEFAULT_SCOPE``).

    Returns:
        The reports and the resulting tables.

    Raises:
        ImportRefusedError: a file could not be read honestly (nothing is written).
        bulletin.tables.TableError: an existing table or the result breaks its schema.
    """
    options = options or ImportOptions(scope=DEFAULT_SCOPE)
    data_dir = Path(data_dir)
    reports: list[FileReport] = []
    outputs: list[tuple[Path, FileReport, ImportedTable]] = []
    for path in map(Path, paths):
        file_format = detect(path)
        report = FileReport(path=path, format=file_format.name)
        for imported in file_format.reader(path, options, report):
            outputs.append((path, report, imported))
        reports.append(report)

    tables: dict[str, pd.DataFrame | pa.Table] = {}
    records: dict[str, list[dict]] = {}
    for path, report, imported in outputs:
        name = imported.table
        columnar = name == cases.TABLE
        if name not in tables:
            tables[name] = (
                cases.read_cases(data_dir) if columnar else _load_existing(name, data_dir)
            )
            records[name] = provenance.load_records(name, data_dir)
        earlier = provenance.sources_in(records[name], path.name)
        replace_sources = imported.sources | earlier
        if columnar:
            kept, replaced = cases.without_sources(tables[name], replace_sources)
            cases.refuse_clashes(kept, imported.frame, path.name, table_path(name, data_dir))
            tables[name] = pa.concat_tables([kept, imported.frame])
            written = imported.frame.num_rows
        else:
            current = tables[name]
            replace = current["source"].isin(replace_sources)
            replaced = int(replace.sum())
            kept = current[~replace]
            _refuse_clashes(name, kept, imported, path, data_dir)
            tables[name] = pd.concat([kept, imported.frame], ignore_index=True)
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
            tables[name] = check_table(name, frame, table_path(name, data_dir))
    result = ImportResult(reports=reports, tables=tables, dry_run=dry_run)
    if dry_run:
        return result
    for name, frame in tables.items():
        if isinstance(frame, pa.Table):
            result.written.append(cases.write_cases(frame, data_dir, checked=True))
        else:
            result.written.append(write_table(name, frame, data_dir))
    for name in tables:
        result.written.append(provenance.write_records(name, data_dir, records[name]))
    return result


def _load_existing(name: str, data_dir: Path) -> pd.DataFrame:
    if table_path(name, data_dir).exists():
        return load_table(name, data_dir)
    return pd.DataFrame({column: pd.Series(dtype=object) for column in table_spec(name).columns})


def _refuse_clashes(
    name: str, kept: pd.DataFrame, imported: ImportedTable, path: Path, data_dir: Path
) -> None:
    """Refuse new rows whose key a row of another source already holds."""
    key = list(table_spec(name).key)
    if kept.empty or imported.frame.empty:
        return
    left = kept[key + ["source", "status"]].astype({k: str for k in key})
    right = imported.frame[key].astype(str)
    clash = right.merge(left, on=key, how="inner")
    if clash.empty:
        return
    problems = [
        Problem(
            path.name,
            None,
            ", ".join(key),
            ", ".join(str(row[k]) for k in key),
            f"a key no other source holds in {table_path(name, data_dir)}: that row comes "
            f"from '{row['source']}' (status {row['status']}); an import does not overwrite "
            "another source's row, remove it there first",
        )
        for _, row in clash.head(20).iterrows()
    ]
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
