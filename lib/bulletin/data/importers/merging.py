"""Merge the rows an import read with the rows a table already holds, and update its records.

For each table an import concerns (step 3 of ``bulletin.data.importers.driver``): the rows an
earlier import of the same publication wrote are replaced by the new ones; where rows of
different sources meet on a key, ``bulletin.data.importers.precedence`` decides which is written
(the rows it sets aside, and the disagreements beyond rounding, go in the provenance records,
``bulletin.data.importers.provenance``); any other clash is refused, naming both sources.
``seizure_cases`` is merged column-wise (:func:`merge_cases`); it has no overlapping editions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bulletin.core.problems import Problem
from bulletin.data.importers import precedence, provenance
from bulletin.data.importers.base import FileReport, ImportedTable, ImportRefusedError
from bulletin.data.importers.origins import Origin, origins_of
from bulletin.data.tables import table_path, table_spec

Item = tuple[Path, FileReport, ImportedTable]
"""One file's rows for one table: the file, its report and the rows."""

_HELPER_COLUMNS = ["_origin", "_file", "_claimant", "_rank", "_base"]


def provenance_record(
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


def merge_cases(
    current: pa.Table, item: Item, records: list[dict], data_dir: Path
) -> tuple[pa.Table, bool, list[dict]]:
    """``seizure_cases`` after one file's import: its earlier rows replaced by the new ones.

    Returns:
        The table, whether it is exactly the file's rows (already checked on their own), and
        the table's provenance records.

    Raises:
        ImportRefusedError: a new case has the ``case_id`` of another source's row.
    """
    path, report, imported = item
    name = imported.table
    earlier = provenance.sources_in(records, path.name)
    kept, replaced = _without_sources(current, imported.sources | earlier)
    _refuse_clashes(kept, imported.frame, path.name, table_path(name, data_dir), imported.lines)
    alone = kept.num_rows == 0
    table = imported.frame if alone else pa.concat_tables([kept, imported.frame])
    written = imported.frame.num_rows
    report.replaced[name] = report.replaced.get(name, 0) + replaced
    report.written[name] = report.written.get(name, 0) + written
    records = provenance.updated_records(
        records, provenance_record(path, report, imported, name, written)
    )
    return table, alone, records


def _without_sources(table: pa.Table, sources: set[str] | frozenset[str]) -> tuple[pa.Table, int]:
    """The rows whose ``source`` is not one of ``sources``, and how many were left out."""
    if table.num_rows == 0:
        return table, 0
    source = table.column("source")
    if pa.types.is_dictionary(source.type):
        source = source.cast(pa.string())
    drop = pc.is_in(source, value_set=pa.array(sorted(sources), pa.string()))
    dropped = pc.sum(drop).as_py() or 0
    return (table.filter(pc.invert(drop)) if dropped else table), dropped


def _refuse_clashes(
    kept: pa.Table, new: pa.Table, file: str, path: Path, lines: list[int] | None = None
) -> None:
    """Refuse new cases whose ``case_id`` a row of another source already holds.

    ``lines`` gives the input line of each new row, for the message.
    """
    if kept.num_rows == 0 or new.num_rows == 0:
        return
    clash = pc.is_in(new.column("case_id"), value_set=kept.column("case_id").combine_chunks())
    rows = np.flatnonzero(clash.to_numpy(zero_copy_only=False))
    if len(rows):
        raise ImportRefusedError(
            [
                Problem(
                    None if lines is None else lines[int(i)],
                    "case_id",
                    new.column("case_id")[int(i)].as_py(),
                    f"a case no other source holds in {path} (an import does not "
                    "overwrite another source's row: remove it there first)",
                    file=file,
                )
                for i in rows[:20]
            ]
        )


def merge_by_precedence(
    name: str,
    current: pd.DataFrame,
    current_origins: list[Origin],
    records: list[dict],
    items: list[Item],
    data_dir: Path,
) -> tuple[pd.DataFrame, list[Origin], list[dict]]:
    """One table after the imports: own rows replaced, overlaps resolved, records updated.

    See ``bulletin.data.importers.precedence`` for the rules.

    Raises:
        ImportRefusedError: a new row's key is held by a row of another source that the
            precedence neither outranks nor sets aside.
    """
    key = list(table_spec(name).key)
    unit = list(precedence.UNITS.get(name, key))
    value = precedence.value_column(name)
    frame = _with_claimants(_replace_own_rows(name, current, current_origins, records, items), items)
    dropped: list[int] = []
    superseded: dict[str, list[dict]] = {}  # claimant -> entries
    shared = frame.groupby(unit, dropna=False)["_claimant"].transform("nunique") > 1
    for group in _unit_groups(frame[shared], unit, key, value):
        group = _step_aside(name, group, items, dropped)
        _supersede(name, group, key, items, dropped, superseded)
    frame = frame.drop(index=dropped)
    _refuse_duplicate_keys(name, frame, key, data_dir)
    records = _updated_records(name, frame, key, value, records, items, superseded)
    origins = list(frame["_origin"])
    frame = frame.drop(columns=_HELPER_COLUMNS)
    return frame.reset_index(drop=True), origins, records


def _replace_own_rows(
    name: str,
    current: pd.DataFrame,
    current_origins: list[Origin],
    records: list[dict],
    items: list[Item],
) -> pd.DataFrame:
    """The table's rows with each file's earlier rows replaced by its new ones.

    Each row gets its origin (``_origin``) and the file of this import it comes from (``_file``;
    -1: a row already in the table).
    """
    frame = current.copy()
    frame["_origin"] = list(current_origins)
    frame["_file"] = -1
    for i, (path, report, imported) in enumerate(items):
        replace = imported.sources | provenance.sources_in(records, path.name)
        gone = frame["source"].isin(replace)
        report.replaced[name] = report.replaced.get(name, 0) + int(gone.sum())
        new = imported.frame.copy()
        new["_origin"] = list(origins_of(imported, path))
        new["_file"] = i
        frame = _rows_then(frame[~gone], new)
    return frame


def _rows_then(kept: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``kept``'s rows, then ``new``'s, in ``kept``'s column order; no rows kept: ``new``'s types.

    Said here rather than left to ``pd.concat``, whose types from an empty frame changed between
    pandas 2 (ignored, with a FutureWarning) and pandas 3 (counted).
    """
    if len(kept):
        return pd.concat([kept, new], ignore_index=True)
    columns = list(dict.fromkeys([*kept.columns, *new.columns]))
    return new.reindex(columns=columns).reset_index(drop=True)


def _with_claimants(frame: pd.DataFrame, items: list[Item]) -> pd.DataFrame:
    """Say who claims each row, with its rank and the publication it stands for.

    A claimant is a file of this import, a ranked publication already in the table, or another
    source (a reconstruction, a statement, an unranked publication): ``_claimant``, ``_rank``
    (the edition; missing: unranked) and ``_base`` (the publication's source text).
    """
    claims: dict[tuple, tuple[str, int | None, str]] = {}
    for source, status, file in frame[["source", "status", "_file"]].drop_duplicates().itertuples(
        index=False
    ):
        claims[(source, status, file)] = _claim(source, status, file, items)
    triples = list(zip(frame["source"], frame["status"], frame["_file"], strict=True))
    frame["_claimant"] = [claims[t][0] for t in triples]
    frame["_rank"] = [claims[t][1] for t in triples]
    frame["_base"] = [claims[t][2] for t in triples]
    return frame


def _claim(source: str, status: str, file: int, items: list[Item]) -> tuple[str, int | None, str]:
    """Who claims the rows of one source, status and file: (claimant, rank, base source)."""
    publication = precedence.publication_of(source) if status == "official" else None
    if file >= 0:
        # A file's rows are official; a publication the precedence does not know ranks by
        # the file's own edition (None: unranked).
        own = items[file][1].publication
        if publication is None and own is not None:
            publication = own if own.edition is not None else None
        return (
            f"file {file}",
            publication.edition if publication else None,
            publication.source if publication else source,
        )
    if publication is not None:
        return f"publication {publication.source}", publication.edition, publication.source
    return f"{status} {source}", None, source


class _Row(NamedTuple):
    """One row of a unit that several claimants share, as the precedence rules read it."""

    index: int  # the row's label in the merged frame
    file: int  # the file of this import it comes from (-1: already in the table)
    status: str
    claimant: str
    rank: float | None  # the edition (None: unranked)
    base: str  # the publication's source text
    source: str
    figure: object  # the value column's cell
    key: tuple  # the key columns' cells


def _unit_groups(
    shared: pd.DataFrame, unit: list[str], key: list[str], value: str
) -> list[list[_Row]]:
    """The rows of each unit (sorted by unit, as pandas' ``groupby`` would), in the frame's order.

    Plain rows, not one data frame per unit: the rules below run over a few rows at a time, for
    hundreds of units in an import of overlapping editions, where pandas' indexing of small
    frames cost more than the rules themselves.
    """
    if shared.empty:
        return []
    numbers = shared.groupby(unit, dropna=False, sort=True).ngroup()
    groups: list[list[_Row]] = [[] for _ in range(int(numbers.max()) + 1)]
    rows = zip(
        numbers, shared.index, shared["_file"], shared["status"], shared["_claimant"],
        shared["_rank"], shared["_base"], shared["source"], shared[value],
        zip(*(shared[k] for k in key), strict=True), strict=True,
    )
    for number, index, file, status, claimant, rank, base, source, figure, cells in rows:
        groups[number].append(
            _Row(index, int(file), status, claimant, None if pd.isna(rank) else rank, base,
                 source, figure, cells)
        )
    return groups


def _key_text(cells: tuple) -> tuple[str, ...]:
    """A key's cells as text, the same whichever table or record they come from."""
    return tuple(str(_plain(v)) for v in cells)


def _step_aside(name: str, group: list[_Row], items: list[Item], dropped: list[int]) -> list[_Row]:
    """Drop the reconstructed (or estimated) rows of a key that a file of this import gives."""
    new_files = sorted(
        {row.file for row in group if row.file >= 0},
        key=lambda f: -(items[f][1].publication.edition or 0) if items[f][1].publication else 0,
    )
    if not new_files:
        return group
    aside = [row for row in group if row.file < 0 and row.status in precedence.STEPS_ASIDE]
    if aside:
        report = items[new_files[0]][1]
        report.stepped_aside[name] = report.stepped_aside.get(name, 0) + len(aside)
        gone = {row.index for row in aside}
        dropped += sorted(gone)
        group = [row for row in group if row.index not in gone]
    return group


def _supersede(
    name: str,
    group: list[_Row],
    key: list[str],
    items: list[Item],
    dropped: list[int],
    superseded: dict[str, list[dict]],
) -> None:
    """Keep the most recent edition's rows of a key; drop and record the others'.

    Equal ranks are left for :func:`_refuse_duplicate_keys`, which refuses them naming both.
    """
    official = [row for row in group if row.status == "official" and row.rank is not None]
    ranks: dict[str, float] = {}
    for row in official:
        ranks.setdefault(row.claimant, row.rank)
    if len(ranks) < 2:
        return
    best = max(ranks.values())
    winners = [claimant for claimant, rank in ranks.items() if rank == best]
    if len(winners) > 1:
        return  # equal ranks: refused later as a clash, naming both
    winner = winners[0]
    winning = [row for row in official if row.claimant == winner]
    by_key = {_key_text(row.key): (row.base, row.figure) for row in winning}
    for claimant in sorted(ranks):
        if claimant == winner:
            continue
        losing = [row for row in official if row.claimant == claimant]
        dropped += [row.index for row in losing]
        for row in losing:
            source, figure = by_key.get(_key_text(row.key), (winning[0].base, None))
            superseded.setdefault(claimant, []).append(
                {
                    "key": {k: _plain(v) for k, v in zip(key, row.key, strict=True)},
                    "source": row.source,
                    "value": _figure(row.figure),
                    "by": source,
                    "winner_value": _figure(figure),
                }
            )
        _count_superseded(name, losing, winning, items)


def _count_superseded(
    name: str, losing: list[_Row], winning: list[_Row], items: list[Item]
) -> None:
    """Tell the files of this import how many rows they lost, or won from whom."""
    file = losing[0].file
    if file >= 0:
        report = items[file][1]
        report.superseded[name] = report.superseded.get(name, 0) + len(losing)
    for winner_file in {row.file for row in winning if row.file >= 0}:
        counts = items[winner_file][1].superseding.setdefault(name, {})
        base = losing[0].base
        counts[base] = counts.get(base, 0) + len(losing)


def _updated_records(
    name: str,
    frame: pd.DataFrame,
    key: list[str],
    value: str,
    records: list[dict],
    items: list[Item],
    superseded: dict[str, list[dict]],
) -> list[dict]:
    """The table's records: the new files', then the superseded rows of files already imported."""
    previous = {record["file"]: record for record in records}
    for i, (path, report, imported) in enumerate(items):
        written = int(frame["_file"].eq(i).sum())
        report.written[name] = report.written.get(name, 0) + written
        record = provenance_record(path, report, imported, name, written)
        entries = superseded.pop(f"file {i}", [])
        if entries:
            record["superseded"] = entries
        records = provenance.updated_records(records, record)
    records = [dict(record) for record in records]
    for entries in superseded.values():  # rows of earlier imports that lost to this one
        for record in records:
            _note_lost_rows(record, entries)
    records = _with_disagreements(name, frame, key, value, records)
    # A file giving the same record again keeps the time it was first imported (its record is
    # complete only now, with its disagreements).
    imported_now = {path.name for path, _, _ in items}
    for record in records:
        old = previous.get(record["file"])
        if record["file"] in imported_now and old is not None and _same_record(old, record):
            record["imported_at"] = old.get("imported_at", record.get("imported_at"))
    _report_disagreements(name, records, items, frame)
    return records


def _note_lost_rows(record: dict, entries: list[dict]) -> None:
    """Take an earlier import's rows that lost to this one off its record, and list them."""
    own = [e for e in entries if e["source"] in set(record.get("sources", []))]
    if not own:
        return
    record["rows"] = max(int(record.get("rows", 0)) - len(own), 0)
    kept = {json.dumps(e["key"], sort_keys=True): e for e in record.get("superseded", [])}
    kept.update({json.dumps(e["key"], sort_keys=True): e for e in own})
    record["superseded"] = list(kept.values())


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
    """A figure as JSON has it: missing as null, whole numbers as int."""
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


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
    name: str, records: list[dict], items: list[Item], frame: pd.DataFrame
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


def _refuse_duplicate_keys(name: str, frame: pd.DataFrame, key: list[str], data_dir: Path) -> None:
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
            other = group.drop(index).iloc[0]
            origin = row["_origin"]
            where = "this import" if other["_file"] >= 0 else str(table_path(name, data_dir))
            problems.append(
                Problem(
                    origin.line,
                    ", ".join(key),
                    ", ".join(str(row[k]) for k in key),
                    f"a key no other source holds ({where} has it from '{other['source']}', "
                    f"status {other['status']}): official publications of different ranks "
                    "overlap by precedence and reconstructed rows step aside "
                    "(bulletin.data.importers.precedence), but this clash is neither; remove one "
                    "of the rows first",
                    file=origin.file,
                    where=origin.where,
                    sheet=origin.sheet,
                )
            )
            if len(problems) >= 20:
                raise ImportRefusedError(problems)
    raise ImportRefusedError(problems)
