"""Format 6: UNODC individual drug seizures (IDS), one row per seizure case -> seizure_cases.

The export is a delimited text file (``,``, ``;`` or tab) with a header, or a zip archive holding
one such file (UNODC's 2011-2016 report comes so: a 41 MB CSV in a 2.4 MB zip). A zip is read as
it is: the archive's limits against zip bombs are checked (``bulletin.data.importers.xlsxio``) and the
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
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bulletin.core.problems import Problem
from bulletin.data import cases
from bulletin.data.importers.base import (
    FileReport,
    ImportedTable,
    ImportRefusedError,
    Publication,
    refuse,
)
from bulletin.data.importers.mapping import country_lookup, drug_mapping
from bulletin.data.importers.textio import (
    archived_text,
    decode_utf8,
    parse_numbers,
    read_bytes,
    read_delimited,
    sniff_delimiter,
)
from bulletin.data.importers.units import unit_kind

ID_COLUMNS = ("IDS_ID", "SEIZURE_ID", "CASE_ID", "CASE_NUMBER", "ID")
REQUIRED = ("COUNTRY", "DRUG_NAME", "AMOUNT", "DRUG_UNIT")
ROUTE = {
    "PRODUCING_COUNTRY": "producing_country",
    "DEPARTURE_COUNTRY": "departure_country",
    "DESTINATION_COUNTRY": "destination_country",
}
TRANSIT = "TRANSIT_COUNTRY"
DATE_COLUMNS = ("SEIZURE_DATE", "SEIZURE_YEAR")
RELEASE = "ids"
PUBLISHER = "UNODC"
TABLE_TITLE = "Individual drug seizures (IDS) database export"
DICT = pa.dictionary(pa.int32(), pa.string())
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T][\d:.]+)?$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_YM = re.compile(r"^(\d{4})-(\d{2})$")
_Y = re.compile(r"^(\d{4})(?:\.0)?$")


NO_COUNTRY = frozenset({"unknown", "other", "multiple countries", "various", "not known", "n/a"})
"""Route cells that name no country (case-folded): left empty, never guessed."""
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
    """sha256 of the file (and its line count, for a plain CSV), computed in a thread while
    pyarrow parses it."""

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
                    self.newlines += block.count(b"\n")
                last = block[-1:]
        self.sha256 = digest.hexdigest()
        self.ends_with_newline = last == b"\n"

    def join(self) -> _Background:
        if self.thread is not None:
            self.thread.join()
        return self


@dataclass
class _Scan:
    """Where a CSV's newlines and quotes are (byte offsets), for the lines records begin on."""

    newline_at: np.ndarray
    quote_at: np.ndarray
    size: int
    chunks: list[bytes]
    chunk_starts: np.ndarray

    @classmethod
    def of(cls, data: bytes) -> _Scan:
        view = np.frombuffer(data, np.uint8)
        return cls(
            np.flatnonzero(view == 10), np.flatnonzero(view == 34), len(data), [data],
            np.zeros(1, dtype=np.int64),
        )

    def byte_at(self, offsets: np.ndarray) -> np.ndarray:
        """The bytes at some offsets (each inside the file)."""
        which = np.searchsorted(self.chunk_starts, offsets, side="right") - 1
        return np.array(
            [self.chunks[c][o - self.chunk_starts[c]] for c, o in zip(which, offsets, strict=True)],
            dtype=np.uint8,
        )


class _CountingStream:
    """A CSV inside a zip archive, inflated as pyarrow reads it, and looked at as it passes: its
    newlines are counted and the few that fall inside a quoted cell are noted (with the number
    of newlines before each), so that the lines rows begin on are known without keeping or
    reading the file again. Blank lines are not looked for here (searching them is slow where
    newlines are many): when the counts show some, :class:`_Lines` reads the file again."""

    def __init__(self, stream):
        self.stream = stream
        self.newline_count = 0
        self.quoted_newlines: list[int] = []  # for each newline inside quotes, newlines before
        self.quoted = False  # whether the bytes read so far end inside a quoted cell
        self.size = 0
        self.last = b"\n"
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if data:
            self._look(data)
            self.size += len(data)
            self.last = data[-1:]
        return data

    def _look(self, data: bytes) -> None:
        at = data.find(b'"')
        if at >= 0 or self.quoted:
            position, quoted = 0, self.quoted
            while True:
                end = len(data) if at < 0 else at
                if quoted:
                    newline = data.find(b"\n", position, end)
                    while newline >= 0:
                        self.quoted_newlines.append(
                            self.newline_count + data.count(b"\n", 0, newline)
                        )
                        newline = data.find(b"\n", newline + 1, end)
                if at < 0:
                    break
                quoted, position = not quoted, at + 1
                at = data.find(b'"', position)
            self.quoted = quoted
        self.newline_count += data.count(b"\n")

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self.stream.close()
            self.closed = True

    @property
    def ends_with_newline(self) -> bool:
        return self.last == b"\n"

    def lines(self, rows: int) -> np.ndarray | None:
        """The line each of ``rows`` parsed rows begins on, or None when the counts do not
        add up (blank lines, another line ending, an unclosed quote)."""
        extras = len(self.quoted_newlines)
        last = 0 if self.ends_with_newline or not self.size else 1
        if self.quoted or self.newline_count - extras + last != rows + 1:
            return None
        # The k-th newline inside quotes lies in the record after those ended before it.
        shifted_from = np.asarray(self.quoted_newlines, dtype=np.int64) - np.arange(extras)
        return np.arange(rows) + 2 + np.searchsorted(shifted_from, np.arange(rows), side="right")


def _positions(chunks: list[bytes], starts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Every newline and quote of the blocks (offsets in the file), block by block."""
    newlines, quotes = [], []
    for start, chunk in zip(starts, chunks, strict=True):
        view = np.frombuffer(chunk, np.uint8)
        newlines.append(np.flatnonzero(view == 10) + start)
        quotes.append(np.flatnonzero(view == 34) + start)
    empty = np.zeros(0, dtype=np.int64)
    return (
        np.concatenate(newlines) if newlines else empty,
        np.concatenate(quotes) if quotes else empty,
    )


def read_ids(path: Path, scope: frozenset[str] | None, report: FileReport) -> ImportedTable:
    """Read an IDS export (CSV, or a zip archive holding one) into ``seizure_cases`` rows (an
    Arrow table; see the module)."""
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
    id_column = next((upper[name] for name in ID_COLUMNS if name in upper), None)
    used = [upper[n] for n in (*REQUIRED, *DATE_COLUMNS, *ROUTE, TRANSIT) if n in upper]
    if id_column:
        used.insert(0, id_column)
    # Without a case id, every column is read, to count the rows repeating another exactly.
    every_column = id_column is None and all(header) and len(set(header)) == len(header)
    include = header if every_column else used
    types = {name: DICT for name in include}
    types[upper["AMOUNT"]] = pa.float64()
    if id_column:
        types[id_column] = pa.string()
    stream = _CountingStream(archived.open()) if archived is not None else None
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
    lines = _Lines(path, delimiter, raw.num_rows, exact_lines, stream)
    parsed = _Parsed(raw)
    table, selection = _convert(path, parsed, upper, id_column, scope, report, lines)
    first_of = _first_identical(parsed) if id_column is None else None
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
        lines=_KeptLines(lines, selection, table.num_rows),
        columns=names,
    )


class _KeptLines(Sequence):
    """The input line of each kept row, found only when a message asks for one."""

    def __init__(self, lines: _Lines, selection: np.ndarray | None, rows: int):
        self.lines, self.selection, self.rows = lines, selection, rows

    def __len__(self) -> int:
        return self.rows

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.rows))]
        row = index if self.selection is None else self.selection[index]
        return int(self.lines.of(np.array([row]))[0])


class _Lines:
    """Line numbers of the parsed rows: row i is line i + 2 unless the file has blank or
    multi-line rows; then they are found from the file's bytes (:func:`record_lines`), or, if
    that disagrees with the parser, by reading the file row by row."""

    def __init__(self, path: Path, delimiter: str, rows: int, exact: bool, stream=None):
        self.path, self.delimiter, self.rows, self.exact = path, delimiter, rows, exact
        self.stream = stream  # the _CountingStream that kept the file's blocks, if any
        self._numbers: np.ndarray | None = None

    def of(self, rows: np.ndarray) -> np.ndarray:
        if self.exact:
            return np.asarray(rows) + 2
        if self._numbers is None:
            self._numbers = self._find()
        return self._numbers[np.asarray(rows)]

    def _find(self) -> np.ndarray:
        if self.stream is not None:
            found = self.stream.lines(self.rows)
            if found is not None:
                return found
        data = read_bytes(self.path)
        chunks, starts, newlines = [data], [0], [data.count(b"\n")]
        quick = _quick_lines(chunks, starts, newlines, self.rows)
        if quick is not None:
            return quick
        scan = _Scan(
            *_positions(chunks, starts), starts[-1] + len(chunks[-1]) if chunks else 0,
            chunks, np.asarray(starts or [0], dtype=np.int64),
        )
        found = _record_lines(scan)
        if len(found) == self.rows + 1:
            return found[1:]
        text = decode_utf8(self.path, b"".join(chunks), self.delimiter)
        return np.asarray(read_delimited(self.path, text, self.delimiter)[2])


def _pattern_offsets(chunks: list[bytes], starts: list[int], pattern: bytes) -> list[int]:
    """Where ``pattern`` starts in the blocks taken together (matches across two blocks too)."""
    found = []
    keep = len(pattern) - 1
    for block, (start, chunk) in enumerate(zip(starts, chunks, strict=True)):
        at = chunk.find(pattern)
        while at >= 0:
            found.append(start + at)
            at = chunk.find(pattern, at + 1)
        if keep and block + 1 < len(chunks):
            # The few bytes around the border with the next blocks, copied: nothing else is.
            head, following = chunk[-keep:], b""
            for later in chunks[block + 1 :]:
                following += later[: keep - len(following)]
                if len(following) >= keep:
                    break
            window = head + following
            base = start + len(chunk) - len(head)
            at = window.find(pattern)
            while at >= 0:
                if at < len(head) and at + len(pattern) > len(head):
                    found.append(base + at)
                at = window.find(pattern, at + 1)
    return found


def _quick_lines(
    chunks: list[bytes], starts: list[int], newlines: list[int], rows: int
) -> np.ndarray | None:
    """The line each parsed row begins on, from the few newlines that do not end a record.

    A newline inside a quoted cell, or ending a blank line, takes a line number without ending
    a row; every other newline ends one. Only quotes are located (in the blocks that have any)
    and the blank lines; the newlines before each of those few are counted in its block. None
    when the counts do not add up to the parser's rows (another line ending, stray quotes): the
    caller then locates every newline.
    """
    quotes = []
    for start, chunk in zip(starts, chunks, strict=True):
        at = chunk.find(b'"')
        while at >= 0:
            quotes.append(start + at)
            at = chunk.find(b'"', at + 1)
    quote_at = np.asarray(quotes, dtype=np.int64)
    if len(quote_at) % 2:
        return None
    size = starts[-1] + len(chunks[-1]) if chunks else 0
    block_starts = np.asarray(starts, dtype=np.int64)
    before_block = np.concatenate([[0], np.cumsum(newlines)[:-1]]) if newlines else np.zeros(1)

    def newlines_before(offset: int) -> int:
        block = int(np.searchsorted(block_starts, offset, side="right") - 1)
        return int(before_block[block]) + chunks[block].count(b"\n", 0, offset - starts[block])

    def inside_quotes(offset: int) -> bool:
        return bool(np.searchsorted(quote_at, offset) % 2)

    extras: list[tuple[int, int]] = []  # (offset, 0 for a blank line, 1 inside quotes)
    for opening, closing in zip(quote_at[0::2], quote_at[1::2], strict=True):
        first = int(np.searchsorted(block_starts, opening, side="right") - 1)
        last = int(np.searchsorted(block_starts, closing, side="right") - 1)
        for block in range(first, last + 1):
            chunk, start = chunks[block], starts[block]
            at = chunk.find(b"\n", max(int(opening) - start, 0), int(closing) - start)
            while at >= 0:
                extras.append((start + at, 1))
                at = chunk.find(b"\n", at + 1, int(closing) - start)
    total = int(sum(newlines))
    ends_with_newline = bool(chunks) and chunks[-1][-1:] == b"\n"
    last = 0 if ends_with_newline or not size else 1  # a last row without its newline
    # Each blank line is one newline more than the records account for: look for them only
    # when there is one (searching a two-byte pattern is slow where newlines are many).
    if total - len(extras) + last != rows + 1:
        blank = [p + 1 for p in _pattern_offsets(chunks, starts, b"\n\n")]
        blank += [p + 2 for p in _pattern_offsets(chunks, starts, b"\n\r\n")]
        lead = b""
        for chunk in chunks:
            lead += chunk[: 2 - len(lead)]
            if len(lead) >= 2:
                break
        if lead[:1] == b"\n":
            blank.append(0)
        if lead == b"\r\n":
            blank.append(1)
        extras += [(offset, 0) for offset in blank if not inside_quotes(offset)]
    extras.sort()
    shifted_from = []
    for done, (offset, quoted) in enumerate(extras):
        records = newlines_before(offset) - done  # records ended before it, header included
        shifted_from.append(records if quoted else records - 1)
    if total - len(extras) + last != rows + 1:
        return None
    shifts = np.searchsorted(np.sort(np.asarray(shifted_from, dtype=np.int64)),
                             np.arange(rows), side="right")
    return np.arange(rows) + 2 + shifts


def record_lines(data: bytes) -> np.ndarray:
    """The line (1-based, as an editor counts) each CSV record starts on, header included.

    A newline ends a record when an even number of quotes come before it (a quoted cell may
    span lines; a doubled quote inside one keeps the count even); empty lines are no records.

    >>> record_lines(b'a,b\\n1,"x\\ny"\\n\\n2,z\\n').tolist()
    [1, 2, 5]
    """
    return _record_lines(_Scan.of(data))


def _record_lines(scan: _Scan) -> np.ndarray:
    ends = (np.searchsorted(scan.quote_at, scan.newline_at) % 2) == 0
    end_at = scan.newline_at[ends]
    starts = np.concatenate([[0], end_at + 1])
    stops = np.concatenate([end_at, [scan.size]])
    start_lines = np.concatenate([[1], np.flatnonzero(ends) + 2])
    length = stops - starts
    one = np.flatnonzero(length == 1)
    carriage = np.zeros(len(starts), dtype=bool)
    if len(one):
        carriage[one] = scan.byte_at(starts[one]) == 13
    return start_lines[(length > 0) & ~carriage]


def _first_identical(parsed: _Parsed) -> np.ndarray:
    """For each row, the first row identical to it in every column (itself if none before).

    Rows are hashed from their columns' dictionary indices (amounts by their bits) and the
    hashes factorised; every row is then checked against the first row of its hash, and a
    collision (two different rows with one hash) falls back to an exact sort of the rows.
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
            values = _unified_arrays(pc.dictionary_encode(column))[1].fill_null(-1).to_numpy(
                zero_copy_only=False
            )
        columns.append(values)
        hashed *= _MIX
        hashed += values.astype(np.uint64)
    codes, uniques = pd.factorize(hashed)
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes[::-1]] = np.arange(n - 1, -1, -1)  # the last write, the smallest row, wins
    first_of = first[codes]
    if all(np.array_equal(values, values[first_of]) for values in columns):
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
        values, indices = _unified(column)
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
    import pandas as pd

    frame = pd.DataFrame(rows, columns=header, dtype=object)
    amount = upper["AMOUNT"]
    parse_numbers(frame[amount], pd.Series(lines), path.name, amount)
    if error is not None:
        raise refuse(path.name, f"a file the CSV reader accepts ({error})")


def _first_rows(
    indices: pa.ChunkedArray, codes: list[int], lines: _Lines, limit: int = 1
) -> dict[int, list[int]]:
    """For some dictionary codes, the first line(s) where each occurs."""
    flat = (
        indices.to_numpy()
        if not isinstance(indices, pa.ChunkedArray)
        else np.concatenate([c.to_numpy(zero_copy_only=False) for c in indices.chunks])
        if indices.num_chunks
        else np.array([], dtype=np.int32)
    )
    out = {}
    for code in codes:
        where = np.flatnonzero(flat == code)[:limit]
        out[code] = [int(n) for n in lines.of(where)]
    return out


def _unified(column: pa.ChunkedArray) -> tuple[list[str], pa.Array]:
    """A dictionary column as (distinct values, one int32 index per row)."""
    dictionary, indices = _unified_arrays(column)
    return dictionary.to_pylist(), indices


def _unified_arrays(column: pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """A dictionary column as (its one dictionary, one int32 index per row)."""
    combined = column.unify_dictionaries() if isinstance(column, pa.ChunkedArray) else column
    if isinstance(combined, pa.ChunkedArray):
        if combined.num_chunks == 0:
            return pa.array([], pa.string()), pa.array([], pa.int32())
        dictionary = combined.chunks[0].dictionary
        indices = pa.concat_arrays([chunk.indices for chunk in combined.chunks])
    else:
        dictionary, indices = combined.dictionary, combined.indices
    return dictionary, indices


class _Parsed:
    """The parsed columns, each dictionary unified once and its indices kept as numpy."""

    def __init__(self, raw: pa.Table):
        self.raw = raw
        self._codes: dict[str, tuple[pa.Array, np.ndarray]] = {}

    def codes(self, name: str) -> tuple[pa.Array, np.ndarray]:
        """A dictionary column's dictionary and its row indices (-1 for a null)."""
        if name not in self._codes:
            dictionary, indices = _unified_arrays(self.raw.column(name))
            if indices.null_count:
                indices = indices.fill_null(-1)
            self._codes[name] = (dictionary, indices.to_numpy(zero_copy_only=False))
        return self._codes[name]

    def values(self, name: str) -> tuple[list[str], np.ndarray]:
        dictionary, indices = self.codes(name)
        return dictionary.to_pylist(), indices


def _map_column(
    path: Path,
    name: str,
    values: list[str],
    indices: pa.Array,
    lines: _Lines,
    lookup,
    expected: str,
) -> list[str | None]:
    """Map each distinct value; refuse the values ``lookup`` cannot map (with a line each)."""
    mapped = [lookup(v) for v in values]
    failed = [i for i, m in enumerate(mapped) if m is None]
    if failed:
        first = _first_rows(pa.chunked_array([indices]), failed, lines)
        raise ImportRefusedError(
            [
                Problem(
                    first[i][0] if first[i] else None,
                    name,
                    values[i],
                    expected.format(value=values[i]),
                    file=path.name,
                )
                for i in failed[:50]
            ]
        )
    return mapped


def _convert(
    path: Path,
    parsed: _Parsed,
    upper: dict[str, str],
    id_column: str | None,
    scope: frozenset[str] | None,
    report: FileReport,
    lines: _Lines,
) -> tuple[pa.Table, np.ndarray | None]:
    """Map, convert and filter the parsed columns, working on dictionaries and index arrays.

    Returns:
        The table, and the parsed rows it keeps (``None``: all of them).
    """
    raw = parsed.raw
    n = raw.num_rows
    keep = np.ones(n, dtype=bool)
    countries = country_lookup()

    def country(value: str) -> str | None:
        return countries.get(" ".join(value.split()).casefold())

    unmapped_country = (
        "a country name known to the project: add '{value}' with its ISO3 code "
        "to data/reference/country_names.csv"
    )

    def dictionary(name: str) -> tuple[list[str], np.ndarray]:
        return parsed.values(name)

    def mapped_column(name: str, lookup, expected: str) -> tuple[list, np.ndarray]:
        values, indices = dictionary(name)
        return _map_column(path, name, values, pa.array(indices), lines, lookup, expected), indices

    # Seizing country.
    seizing, country_idx = mapped_column(upper["COUNTRY"], country, unmapped_country)
    _drop(
        report,
        keep,
        _per_row([m == "" for m in seizing], country_idx),
        "seizing country without an ISO 3166 code",
        lines,
    )

    # Route: a cell naming no country ("Unknown", "Other", "Multiple Countries") stays empty.
    def route_country(value: str) -> str | None:
        if not value.strip() or " ".join(value.split()).casefold() in NO_COUNTRY:
            return ""
        return country(value)

    route: dict[str, tuple[list, np.ndarray]] = {}
    for column_name, target in ROUTE.items():
        if column_name in upper:
            route[target] = mapped_column(upper[column_name], route_country, unmapped_country)
        else:
            route[target] = ([""], np.zeros(n, np.int32))
    if TRANSIT in upper:

        def transit(value: str) -> str | None:
            codes = [route_country(part) for part in value.split(";") if part.strip()]
            if any(code is None for code in codes):
                return None
            return ";".join(code for code in codes if code)

        route["transit_countries"] = mapped_column(
            upper[TRANSIT],
            transit,
            "countries known to the project, separated by ';' (add a "
            "missing name to data/reference/country_names.csv)",
        )
    else:
        route["transit_countries"] = ([""], np.zeros(n, np.int32))

    # Scope: a case is kept when any of its countries is in it (see the module).
    if scope is not None:

        def touches(values: list, indices: np.ndarray) -> np.ndarray:
            flags = [any(code in scope for code in (v or "").split(";")) for v in values]
            return _per_row(flags, indices)

        inside = touches(seizing, country_idx)
        for values, indices in route.values():
            inside |= touches(values, indices)
        _drop(
            report,
            keep,
            ~inside,
            "no country of the case (seizing, producing, departure, transit, destination) in "
            f"the import's scope ({', '.join(sorted(scope))})",
            lines,
        )

    # Drug.
    mapping = drug_mapping(RELEASE)
    by_name = dict(
        zip(
            mapping["_name"],
            zip(mapping["drug"], mapping["role"], mapping["note"], strict=True),
            strict=True,
        )
    )
    drug_mapped, drug_idx = mapped_column(
        upper["DRUG_NAME"],
        lambda v: by_name.get(" ".join(v.split()).casefold()),
        "a drug name known to the project: add a line ',,{value},<drug>,component,' to "
        "data/reference/drug_names_ids.csv",
    )
    for note in sorted({note for _, role, note in drug_mapped if role != "component"}):
        _drop(
            report,
            keep,
            _per_row(
                [role != "component" and n == note for _, role, n in drug_mapped], drug_idx
            ),
            f"not a drug of the vocabulary: {note or 'excluded in drug_names_ids.csv'}",
            lines,
        )

    # Units and amounts: masses to kilograms, counts and volumes kept apart.
    unit_names, _ = dictionary(upper["DRUG_UNIT"])
    kinds, unit_idx = mapped_column(
        upper["DRUG_UNIT"],
        lambda v: ("no unit", None) if not v.strip() else unit_kind(v),
        "a unit of mass (Gram, Kilogram, Ton...), of count (Unit, Tablet...), of volume "
        "(Litre...) or of area (Acres...)",
    )
    _drop(
        report,
        keep,
        _per_row([kind == "no unit" for kind, _ in kinds], unit_idx),
        "no unit (empty cell)",
        lines,
    )
    amount = raw.column(upper["AMOUNT"]).to_numpy()
    missing_amount = np.isnan(amount)
    _drop(report, keep, missing_amount, "no amount (empty cell)", lines)
    bad_amount = (np.isinf(amount) | (amount < 0)) & ~missing_amount
    if bad_amount.any():
        rows = np.flatnonzero(bad_amount)[:20]
        raise ImportRefusedError(
            [
                Problem(
                    int(line),
                    upper["AMOUNT"],
                    str(amount[row]),
                    "an amount, zero or more",
                    file=path.name,
                )
                for row, line in zip(rows, lines.of(rows), strict=True)
            ]
        )
    for code, (kind, _) in enumerate(kinds):
        if kind == "mass":
            continue
        rows = (unit_idx == code) & keep
        if rows.any():
            where = np.flatnonzero(rows)[:3]
            report.keep_apart(
                f"{kind} in '{unit_names[code]}', not turned into kilograms",
                int(rows.sum()),
                [
                    f"line {line}: {amount[r]:g} {unit_names[code]}"
                    for r, line in zip(where, lines.of(where), strict=True)
                ],
            )
            keep &= ~rows
    factors = np.array([k[1] if k[0] == "mass" else np.nan for k in kinds], dtype=float)
    kg = amount * factors[unit_idx] if len(factors) else np.zeros(n)

    # Dates: the seizure date, or the year where the date is empty.
    date_values, date_idx = (
        dictionary(upper["SEIZURE_DATE"])
        if "SEIZURE_DATE" in upper
        else ([], np.zeros(n, np.int32))
    )
    dates = _normal_values(
        path,
        upper.get("SEIZURE_DATE"),
        date_values,
        date_idx,
        lines,
        _normal_date,
        "a date as YYYY-MM-DD, DD/MM/YYYY, DD.MM.YYYY, YYYY-MM or YYYY",
    )
    year_values, year_idx = (
        dictionary(upper["SEIZURE_YEAR"])
        if "SEIZURE_YEAR" in upper
        else ([], np.zeros(n, np.int32))
    )
    years = _normal_values(
        path,
        upper.get("SEIZURE_YEAR"),
        year_values,
        year_idx,
        lines,
        lambda v: _normal_date(v) if _Y.match(v.strip()) else None,
        "a year",
    )
    if not dates:
        dates, date_idx = [""], np.zeros(n, np.int32)
    if not years:
        years, year_idx = [""], np.zeros(n, np.int32)
    date_dictionary = dates + years
    no_date_code = np.array([d == "" for d in dates])
    combined_idx = np.where(no_date_code[date_idx], year_idx + len(dates), date_idx)
    _drop(
        report,
        keep,
        np.array([d == "" for d in date_dictionary])[combined_idx],
        "no date and no year",
        lines,
    )

    # Case ids.
    if id_column:
        ids = pc.utf8_trim_whitespace(raw.column(id_column)).combine_chunks()
        blank = np.flatnonzero(pc.equal(ids, "").to_numpy(zero_copy_only=False))
        if len(blank):
            raise ImportRefusedError(
                [
                    Problem(int(line), id_column, "", "a case identifier", file=path.name)
                    for line in lines.of(blank[:20])
                ]
            )
        duplicates = cases.duplicate_problems(ids)
        if duplicates:
            rows = np.array([p.line - cases.FIRST_LINE for p in duplicates[:20]])
            raise ImportRefusedError(
                [
                    Problem(
                        int(line),
                        id_column,
                        p.got,
                        "a case identifier no other line has (a duplicate case)",
                        file=path.name,
                    )
                    for p, line in zip(duplicates[:20], lines.of(rows), strict=True)
                ]
            )
    report.rows_kept = int(keep.sum())
    selection = None if keep.all() else np.flatnonzero(keep)
    if not id_column:
        # Made for the kept rows only: the line each begins on, after the file's stem.
        rows = np.arange(n) if selection is None else selection
        numbers = pc.cast(pa.array(lines.of(rows)), pa.string())
        ids = pc.binary_join_element_wise(f"{path.stem}-", numbers, "")

    def column(values: list, indices: np.ndarray) -> pa.DictionaryArray:
        chosen = indices if selection is None else indices[selection]
        return pa.DictionaryArray.from_arrays(
            pa.array(chosen.astype(np.int32, copy=False)),
            pa.array([v or "" for v in values], pa.string()),
        )

    constant = np.zeros(n, np.int32)
    drug_codes = [drug for drug, _, _ in drug_mapped]
    table = pa.table(
        {
            "case_id": ids if selection is None or not id_column else ids.take(pa.array(selection)),
            "date": column(date_dictionary, combined_idx),
            "country": column(seizing, country_idx),
            "drug": column(drug_codes, drug_idx),
            "kg": pa.array(kg if selection is None else kg[selection], pa.float64()),
            "producing_country": column(*route["producing_country"]),
            "departure_country": column(*route["departure_country"]),
            "transit_countries": column(*route["transit_countries"]),
            "destination_country": column(*route["destination_country"]),
            "source": column([source_of(path)], constant),
            "status": column(["official"], constant),
        }
    )
    return table, selection


def _per_row(flags: list[bool], indices: np.ndarray) -> np.ndarray:
    """A per-value flag spread to the rows through their dictionary indices."""
    if not flags:
        return np.zeros(len(indices), dtype=bool)
    return np.asarray(flags, dtype=bool)[indices]


def _normal_values(
    path: Path,
    name: str | None,
    values: list[str],
    indices: np.ndarray,
    lines: _Lines,
    normalise,
    expected: str,
) -> list[str]:
    """Normalise each distinct value; refuse those that are not empty and do not normalise."""
    normal = [normalise(v) if v.strip() else "" for v in values]
    bad = [i for i, v in enumerate(normal) if v is None]
    if bad:
        first = _first_rows(pa.chunked_array([pa.array(indices)]), bad, lines)
        raise ImportRefusedError(
            [Problem(first[i][0], name, values[i], expected, file=path.name) for i in bad[:50]]
        )
    return normal


def _drop(
    report: FileReport, keep: np.ndarray, mask: np.ndarray, reason: str, lines: _Lines
) -> None:
    mask = mask & keep
    if mask.any():
        where = np.flatnonzero(mask)[:3]
        report.skip(reason, int(mask.sum()), [f"line {line}" for line in lines.of(where)])
        keep &= ~mask


def _normal_date(text: str) -> str | None:
    """A published date as YYYY-MM-DD / YYYY-MM / YYYY, or None when it is not a real date."""
    text = text.strip()
    if not text:
        return None
    for pattern, order in ((_ISO, "ymd"), (_DMY, "dmy")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"]).isoformat()
            except ValueError:
                return None
    match = _YM.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return text
    match = _Y.match(text)
    if match:
        return match.group(1)
    return None
