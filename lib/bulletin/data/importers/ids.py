"""Format 6: UNODC individual drug seizures (IDS), one row per seizure case -> seizure_cases.

The export is a delimited text file (``,``, ``;`` or tab) with a header, or a zip archive holding
one such file (UNODC's 2011-2016 report comes so: a 41 MB CSV in a 2.4 MB zip). A zip is read as
it is: the archive's limits against zip bombs are checked (``bulletin.data.importers.archives``) and the
CSV is inflated as pyarrow parses it, never unpacked to disk. The importer uses these columns
(others are read only to find exact duplicate rows):

- a case identifier: ``IDS_ID``, ``SEIZURE_ID``, ``CASE_ID``, ``CASE_NUMBER`` or ``ID``; without
  one (the real export has none) the case id is ``<file stem>-<line>``, the line the case begins
  on in the CSV (a quoted cell spanning lines counts, as in an editor); a repeated identifier
  refuses the file;
- ``SEIZURE_DATE`` (``YYYY-MM-DD``, with or without a time, ``DD/MM/YYYY``, ``DD.MM.YYYY``,
  ``YYYY-MM`` or ``YYYY``) and/or ``SEIZURE_YEAR`` (used where the date is empty);
- ``COUNTRY`` (the seizing country), ``DRUG_NAME``, ``AMOUNT``, ``DRUG_UNIT``;
- optionally ``PRODUCING_COUNTRY``, ``DEPARTURE_COUNTRY``, ``TRANSIT_COUNTRY`` (several countries
  separated by ``;``, in the order crossed) and ``DESTINATION_COUNTRY``. The real export has no
  transit column: its ``ROUTING`` is a category ("Border - inbound", "National territory/domestic
  seizure"), not countries, and is not read.

A header that names one of these columns twice (``COUNTRY`` and ``Country``, say) refuses the
file: which column holds the cases' values cannot be told.

Rules:

- **Scope**: a case is kept when ANY of its countries (seizing, producing, departure, transit,
  destination) is in the import's scope (default: the five Central Asian countries, the Russian
  Federation and Afghanistan): a heroin case seized in the Russian Federation that left from
  Tajikistan is a case of the routes through Central Asia. Other cases are left out and counted.
- **Countries** are mapped like the annexes' (``country_names.csv``, then ISO names and codes; an
  unknown name refuses the file). A route cell that is empty or says ``Unknown``, ``Other`` or
  ``Multiple Countries`` (:data:`NO_COUNTRY`) stays empty: never a guess. The import summary says
  how many kept cases leave each route field, and all of them, empty.
- **Drugs** are mapped through ``data/reference/drug_names_ids.csv`` (every name of the export is
  listed; an unmapped name refuses the file); names with ``role`` excluded (precursors,
  chemicals, alcohol, "Unknown") are left out and counted by their reason.
- **Units**: grams, kilograms, tons... are converted to kilograms; a count (Unit, Tablet, ...),
  a volume (Litre, ...), an area or another unit is kept apart: the row is not written and the
  summary and provenance record count it by unit; an empty unit cell is left out and counted.
- **Exact duplicates are kept.** IDS records identical small seizures as separate cases (the
  same drug, amount, place and day, seized from several people), and nothing in a row tells a
  repeated case from a repeated line, so no row is dropped. The summary and the provenance record
  (``exact_duplicates``) count the rows that repeat an earlier row in every column, in the whole
  file and among the cases kept (the 2011-2016 report: 44,229 in the file).

Speed: the file is parsed by pyarrow's multi-threaded CSV reader with the categorical columns
dictionary-encoded, so that mapping, conversion and validation work on the few distinct values
and on integer indices: no Python loop runs per row. When anything is wrong the file is read
again row by row (``bulletin.data.importers.textio``) to name the line and the column.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bulletin.core.problems import Problem
from bulletin.data import cases_csv
from bulletin.data.importers.base import (
    FileReport,
    ImportedTable,
    ImportRefusedError,
    Publication,
    refuse,
)
from bulletin.data.importers.dictionaries import Parsed, unified, unified_arrays
from bulletin.data.importers.ids_columns import ROUTE, TRANSIT, convert
from bulletin.data.importers.ids_lines import CountingStream, KeptLines, Lines, count_newlines
from bulletin.data.importers.textio import (
    archived_text,
    decode_utf8,
    parse_numbers,
    read_bytes,
    read_delimited,
    sniff_delimiter,
)

ID_COLUMNS = ("IDS_ID", "SEIZURE_ID", "CASE_ID", "CASE_NUMBER", "ID")
REQUIRED = ("COUNTRY", "DRUG_NAME", "AMOUNT", "DRUG_UNIT")
DATE_COLUMNS = ("SEIZURE_DATE", "SEIZURE_YEAR")
PUBLISHER = "UNODC"
TABLE_TITLE = "Individual drug seizures (IDS) database export"
_MIX = np.uint64(0x9E3779B97F4A7C15)


def is_ids_header(first_line: str) -> bool:
    """Whether a header line names the IDS columns (``COUNTRY``, ``DRUG_NAME``, ``AMOUNT``...)."""
    names = {
        name.strip().strip('"').upper() for name in first_line.split(sniff_delimiter(first_line))
    }
    return set(REQUIRED) <= names and bool(names & set(DATE_COLUMNS))


def source_of(path: Path) -> str:
    """The ``source`` of a file's rows: the database and the export's file name."""
    return f"UNODC, individual drug seizures (IDS) database, export {path.name}"


@dataclass
class _Background:
    """The sha256 of the file (and its line count, for a plain CSV), made while pyarrow parses it.

    The work runs in a thread of its own, started by :meth:`start` and awaited by :meth:`join`.
    """

    path: Path
    count_lines: bool = True
    sha256: str = ""
    newlines: int = 0
    ends_with_newline: bool = True
    thread: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> _Background:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        digest = hashlib.sha256()
        last = b"\n"
        with self.path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
                if self.count_lines:
                    self.newlines += count_newlines(block)
                last = block[-1:]
        self.sha256 = digest.hexdigest()
        self.ends_with_newline = last == b"\n"

    def join(self) -> _Background:
        if self.thread is not None:
            self.thread.join()
        return self


def read_ids(path: Path, scope: frozenset[str] | None, report: FileReport) -> ImportedTable:
    """Read an IDS export (CSV, or a zip archive holding one) into ``seizure_cases`` rows.

    The rows are an Arrow table (see the module for the rules).

    Raises:
        ImportRefusedError: the file is not an IDS export the importer can read honestly.
    """
    archived = archived_text(path)
    background = _Background(path, count_lines=archived is None).start()
    if archived is None:
        with path.open("rb") as handle:
            first = handle.readline()
    else:
        first = archived.head(1 << 16).split(b"\n", 1)[0]
    header_text = first.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    delimiter = sniff_delimiter(header_text)
    header = [name.strip().strip('"') for name in header_text.split(delimiter)]
    upper = {name.upper(): name for name in header}
    missing = [name for name in REQUIRED if name not in upper]
    if missing or not set(upper) & set(DATE_COLUMNS):
        background.join()
        raise refuse(
            path.name,
            "the IDS columns " + ", ".join(REQUIRED) + " and SEIZURE_DATE or SEIZURE_YEAR",
            line=1,
            got=header_text[:200],
        )
    named_twice = _named_twice(path, header)
    if named_twice:
        background.join()
        raise ImportRefusedError(named_twice)
    id_column = next((upper[name] for name in ID_COLUMNS if name in upper), None)
    used = [upper[n] for n in (*REQUIRED, *DATE_COLUMNS, *ROUTE, TRANSIT) if n in upper]
    if id_column:
        used.insert(0, id_column)
    # Without a case id, every column is read, to count the rows repeating another exactly.
    every_column = id_column is None and all(header) and len(set(header)) == len(header)
    include = header if every_column else used
    types = {name: cases_csv.DICT for name in include}
    types[upper["AMOUNT"]] = pa.float64()
    if id_column:
        types[id_column] = pa.string()
    stream = CountingStream(archived.open()) if archived is not None else None
    try:
        raw = pacsv.read_csv(
            path if stream is None else pa.PythonFile(stream, mode="r"),
            read_options=pacsv.ReadOptions(use_threads=True),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=include,
                null_values=[""],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        # A line with more or fewer fields, a byte that is not UTF-8, an amount that is not a
        # number: read the file again row by row to name the line and the column.
        background.join()
        _explain(path, delimiter, upper, error)
        raise
    finally:
        if stream is not None:
            stream.close()
    background.join()
    report.rows_read = raw.num_rows
    report.publication = Publication(PUBLISHER, TABLE_TITLE, source_of(path))
    newlines = background.newlines if stream is None else stream.newline_count
    ends_with_newline = (background if stream is None else stream).ends_with_newline
    exact_lines = newlines - (0 if ends_with_newline else -1) == raw.num_rows + 1
    lines = Lines(path, delimiter, raw.num_rows, exact_lines, stream)
    parsed = Parsed(raw)
    # The rows repeating another are found in a thread of their own while the columns are mapped
    # (both work mostly in numpy and pyarrow, which let the other thread run).
    with ThreadPoolExecutor(max_workers=1) as pool:
        repeats = pool.submit(_first_identical, parsed) if id_column is None else None
        table, selection = convert(
            path, parsed, upper, id_column, scope, report, lines, source_of(path)
        )
        first_of = repeats.result() if repeats is not None else None
    _note_duplicates(report, first_of, selection, table.num_rows, every_column)
    _note_routes(report, table)
    report.sha256 = background.sha256
    names = {target: upper[name] for name, target in ROUTE.items() if name in upper}
    if TRANSIT in upper:
        names["transit_countries"] = upper[TRANSIT]
    names.update(
        {"country": upper["COUNTRY"], "drug": upper["DRUG_NAME"], "kg": upper["AMOUNT"]}
    )
    if id_column:
        names["case_id"] = id_column
    return ImportedTable(
        "seizure_cases",
        table,
        frozenset({source_of(path)}),
        lines=KeptLines(lines, selection, table.num_rows),
        columns=names,
    )


def _named_twice(path: Path, header: list[str]) -> list[Problem]:
    """A problem for each column the importer reads that the header names more than once.

    Two ``COUNTRY`` columns (or ``COUNTRY`` and ``Country``) may disagree, and which one holds
    the cases' values cannot be told: the file is refused rather than one of them read.
    """
    read = {*ID_COLUMNS, *REQUIRED, *DATE_COLUMNS, *ROUTE, TRANSIT}
    positions: dict[str, list[int]] = {}
    for number, name in enumerate(header, start=1):
        if name.upper() in read:
            positions.setdefault(name.upper(), []).append(number)
    return [
        Problem(
            1,
            name,
            f"{name} in columns {', '.join(map(str, at[:-1]))} and {at[-1]}",
            "each column the importer reads named once in the header (which one holds the "
            "cases' values cannot be told)",
            file=path.name,
        )
        for name, at in positions.items()
        if len(at) > 1
    ]


def _first_identical(parsed: Parsed) -> np.ndarray:
    """For each row, the first row identical to it in every column (itself if none before).

    Rows are hashed from their columns' dictionary indices (amounts by their bits) and sorted by
    their hash (a sort of 64-bit integers is quicker than a hash table of them); every row is
    then checked against the first row of its hash, and a collision (two different rows with one
    hash) falls back to an exact sort of the rows.
    """
    raw = parsed.raw
    n = raw.num_rows
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    columns = []
    hashed = np.zeros(n, dtype=np.uint64)
    for name in raw.column_names:
        column = raw.column(name)
        if pa.types.is_floating(column.type):
            if column.null_count:
                column = pc.fill_null(column, np.nan)
            values = column.to_numpy().view(np.uint64)
        elif pa.types.is_dictionary(column.type):
            values = parsed.codes(name)[1]
        else:
            values = unified_arrays(pc.dictionary_encode(column))[1].fill_null(-1).to_numpy(
                zero_copy_only=False
            )
        columns.append(values)
        hashed *= _MIX
        hashed += values.astype(np.uint64)
    order = np.argsort(hashed)  # the rows of one hash side by side, in no particular order
    ordered = hashed[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    first_of = np.empty(n, dtype=np.int64)
    first_of[order] = np.repeat(np.minimum.reduceat(order, starts), np.diff(starts, append=n))
    # A row that is the first of its hash is itself; only the others need checking.
    repeating = np.flatnonzero(first_of != np.arange(n))
    earlier = first_of[repeating]
    if all(np.array_equal(values[repeating], values[earlier]) for values in columns):
        return first_of
    _, index, inverse = np.unique(
        np.stack([v.astype(np.int64) for v in columns], axis=1),
        axis=0,
        return_index=True,
        return_inverse=True,
    )
    return index[inverse.ravel()]


def _note_duplicates(
    report: FileReport,
    first_of: np.ndarray | None,
    selection: np.ndarray | None,
    kept: int,
    every_column: bool,
) -> None:
    """Count the rows repeating an earlier row exactly, in the file and among the cases kept."""
    if first_of is None:
        report.record["exact_duplicates"] = {"in_file": 0, "kept": 0}
        return
    in_file = int((first_of != np.arange(len(first_of))).sum())
    chosen = first_of if selection is None else first_of[selection]
    among_kept = int(kept - len(np.unique(chosen)))
    report.record["exact_duplicates"] = {"in_file": in_file, "kept": among_kept}
    columns = "every column" if every_column else "every column the importer reads"
    report.notes.append(
        f"exact duplicates kept: {in_file:,} rows of the file repeat an earlier row in {columns} "
        f"({among_kept:,} among the {kept:,} cases kept); IDS records identical small seizures "
        "as separate cases, so none is dropped"
    )


def _note_routes(report: FileReport, table: pa.Table) -> None:
    """Say how many kept cases leave each route field empty, and all of them."""
    if table.num_rows == 0:
        return
    fields = ("producing_country", "departure_country", "transit_countries", "destination_country")
    empty = {}
    for name in fields:
        column = table.column(name)
        values, indices = unified(column)
        flags = np.array([not v for v in values] or [True], dtype=bool)
        empty[name] = flags[indices.fill_null(0).to_numpy(zero_copy_only=False)]
    every = np.logical_and.reduce([empty[name] for name in fields])
    counts = {name: int(flags.sum()) for name, flags in empty.items()}
    report.record["empty_route_fields"] = {**counts, "all": int(every.sum())}
    report.notes.append(
        "route fields left empty (unknown, never guessed), of the "
        f"{table.num_rows:,} cases kept: "
        + ", ".join(f"{name} {count:,}" for name, count in counts.items())
        + f"; all four {int(every.sum()):,}"
    )


def _explain(path: Path, delimiter: str, upper: dict[str, str], error: Exception | None) -> None:
    """Re-read a file pyarrow refused, row by row, to name the line and column; raise."""
    text = decode_utf8(path, read_bytes(path), delimiter)
    header, rows, lines = read_delimited(path, text, delimiter)
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    amount = upper["AMOUNT"]
    parse_numbers(frame[amount], pd.Series(lines), path.name, amount)
    if error is not None:
        raise refuse(path.name, f"a file the CSV reader accepts ({error})")
