"""A columnar path for ``seizure_cases``, the one table that runs to millions of rows.

``bulletin.data.tables.load_table`` / ``write_table`` check a table with pandera, row by row in
places; at a million seizure cases that takes many seconds. This module reads, checks and writes
``seizure_cases`` with pyarrow instead, enforcing the SAME rules as the table's schema in
``bulletin.data.schemas`` (a test feeds both paths the same bad rows and compares what they refuse):

- exactly the table's columns;
- ``case_id`` a non-empty text, unique;
- ``date`` as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``;
- ``country`` an ISO3 code of ``countries.csv``; ``drug`` a drug of ``drugs.csv``;
- ``kg`` a number, zero or more;
- ``producing_country``, ``departure_country``, ``destination_country`` empty or an ISO3 code;
  ``transit_countries`` empty or ISO3 codes separated by ``;``;
- ``source`` non-empty; ``status`` one of official, reconstructed, estimate.

Cells are stripped of surrounding blanks, as ``load_table`` does. Problems are reported as
:class:`bulletin.data.tables.TableError` with the line (line 1 is the header; a blank line or a
quoted cell spanning lines counts, as in an editor) and column, like ``check_table``.
Categorical columns are checked on their dictionary (the few distinct values), so the cost is a
pass over the row indices, not over the text. Text cells a spreadsheet would run as a formula
are written with a leading ``'`` and read back without it (``bulletin.core.arrow_safety``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bulletin.core.arrow_safety import restore_arrow
from bulletin.core.csv_records import CsvRecordError, csv_records
from bulletin.core.files import write_atomic
from bulletin.core.paths import reference_scope
from bulletin.core.problems import MAX_PROBLEMS_SHOWN, Problem
from bulletin.data.cases_csv import DICT, TABLE, arrow_schema, cases_writer
from bulletin.data.schemas import STATUSES, country_route_rule, is_country_route
from bulletin.data.tables import TableError, load_table, table_path, table_spec
from bulletin.data.vocab import country_codes, drugs, reference_file

DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def categorical_rules() -> dict[str, tuple[bool, Callable[[str], bool], str]]:
    """Each coded column: whether it may be empty, its rule and what it expects, in words.

    Made when asked, from the vocabulary files in use (which a country or drug column's rule
    reads, and what it expects names).
    """
    country_rule = f"an ISO3 code listed in {reference_file('countries')}"
    codes, known_drugs, date = country_codes(), frozenset(drugs()), re.compile(DATE)
    return {
        "date": (
            False,
            lambda v: date.match(v) is not None,
            "a date as YYYY-MM-DD, YYYY-MM or YYYY",
        ),
        "country": (False, lambda v: v in codes, country_rule),
        "drug": (False, lambda v: v in known_drugs, f"a drug listed in {reference_file('drugs')}"),
        "producing_country": (True, lambda v: v in codes, country_rule),
        "departure_country": (True, lambda v: v in codes, country_rule),
        "transit_countries": (True, is_country_route, country_route_rule()),
        "destination_country": (True, lambda v: v in codes, country_rule),
        "source": (False, lambda v: len(v) >= 1, "the publication the row comes from"),
        "status": (False, lambda v: v in STATUSES, "one of " + ", ".join(STATUSES)),
    }

FIRST_LINE = 2


def columns() -> list[str]:
    """The table's columns, in the contract's order."""
    return table_spec(TABLE).columns


def empty() -> pa.Table:
    """A table with no rows."""
    return arrow_schema(columns()).empty_table()


def read_cases(data_dir: Path | str) -> pa.Table:
    """Read and check ``seizure_cases.csv`` (an empty table when the file does not exist).

    The vocabularies are those of ``data_dir`` when it has its own ``reference/`` folder
    (:func:`bulletin.core.paths.reference_scope`), as for :func:`bulletin.data.tables.load_table`.

    Raises:
        TableError: the file breaks the table's rules (line and column named).
    """
    with reference_scope(data_dir):
        return _read_cases(data_dir)


def _read_cases(data_dir: Path | str) -> pa.Table:
    path = table_path(TABLE, data_dir)
    if not path.exists():
        return empty()
    with path.open("rb") as handle:
        first = handle.readline()
    try:
        header = first.decode("utf-8-sig").strip().split(",")
    except UnicodeDecodeError as error:
        bad = first[error.start : error.start + 4]
        raise TableError(
            path, [Problem(1, None, f"the bytes {bad!r}", "UTF-8 text (save the file as UTF-8)")]
        ) from None
    header = [name.strip().strip('"') for name in header]
    if sorted(header) != sorted(columns()):
        problems = [
            Problem(1, c, None, "this column, which the table must have")
            for c in columns()
            if c not in header
        ]
        problems += [
            Problem(1, c, None, f"only the table's columns ({', '.join(columns())})")
            for c in header
            if c not in columns()
        ]
        raise TableError(path, problems)
    types = {name: (pa.string() if name in ("case_id", "kg") else DICT) for name in columns()}
    try:
        raw = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
        problem = None
        if sorted(raw.column_names) != sorted(columns()):
            # The naive header check above passed, but the CSV reader read other names (a quote
            # left open in the header runs it into the next lines).
            problem = f"the table's columns, as the CSV reader reads them: {raw.column_names}"
    except pa.ArrowException as error:
        problem = f"a well-formed table ({error})"
    if problem is not None:
        # Rare (bytes that are not UTF-8, a ragged line, a quote left open): the row-by-row
        # reader names the line; when it finds nothing, the CSV reader's own words are given.
        load_table(TABLE, data_dir)
        raise TableError(path, [Problem(None, None, None, problem)])
    kg_text = pc.utf8_trim_whitespace(raw.column("kg"))
    unparsed, problems = _number_problems(kg_text)
    blank = pc.equal(kg_text, "")
    if len(unparsed):
        bad = np.zeros(raw.num_rows, dtype=bool)
        bad[unparsed] = True
        blank = pc.or_(blank, pa.array(bad))
    kg = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), kg_text), pa.float64())
    text = restore_arrow(raw.drop_columns(["kg"]))  # cells neutralised for spreadsheets
    table = text.append_column("kg", kg).select(columns())
    try:
        return check_cases(table, path, unparsed, problems)
    except TableError as error:
        raise _at_file_lines(error, path) from None


def _at_file_lines(error: TableError, path: Path) -> TableError:
    """The error with each row's line as an editor counts it (blank or multi-line records).

    pyarrow numbers rows, not lines; the file is read again, record by record, only when there
    is something to report.
    """
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        starts = [first for first, _, fields in csv_records(text) if fields][1:]
    except CsvRecordError as unreadable:
        # pyarrow read a record the csv module refuses (a field over its size limit): that is a
        # problem of the file too; the others keep pyarrow's row numbers (no blank or
        # multi-line records assumed).
        extra = Problem(unreadable.line, None, None, unreadable.reason)
        return TableError(path, sorted([*error.problems, extra], key=lambda p: p.line or 0))
    problems = [
        Problem(
            starts[p.line - FIRST_LINE]
            if p.line and FIRST_LINE <= p.line < FIRST_LINE + len(starts)
            else p.line,
            p.column,
            p.got,
            p.expected,
        )
        for p in error.problems
    ]
    return TableError(path, problems)


def _number_problems(kg_text: pa.ChunkedArray) -> tuple[np.ndarray, list[Problem]]:
    """Rows whose ``kg`` is not a number (an empty cell is checked later), with their problems."""
    well_formed = pc.match_substring_regex(kg_text, r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|)$")
    bad = np.flatnonzero(~well_formed.to_numpy(zero_copy_only=False))
    return bad, [
        Problem(int(i) + FIRST_LINE, "kg", kg_text[int(i)].as_py(), "a number") for i in bad
    ]


def _strip_dictionary(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Strip blanks from a dictionary column's values (re-encoding so values stay distinct)."""
    chunks = []
    for chunk in column.chunks:
        stripped = pc.utf8_trim_whitespace(chunk.dictionary)
        if stripped.equals(chunk.dictionary):
            chunks.append(chunk)
        else:
            chunks.append(pc.take(stripped, chunk.indices).dictionary_encode())
    return pa.chunked_array(chunks, type=DICT)


def check_cases(
    table: pa.Table,
    path: Path | str = "<table>",
    unparsed: np.ndarray | None = None,
    problems: list[Problem] | None = None,
) -> pa.Table:
    """Check a ``seizure_cases`` table against the contract's rules (see the module docstring).

    As ``check_table`` does, in two stages: first cells that are empty where a value is needed
    (and cells that did not parse, passed in as ``unparsed`` / ``problems``); then the rules
    (vocabularies, patterns, kilograms zero or more, unique case ids) on the other lines, so that
    one run names every problem and a line is not blamed twice for one empty cell.

    Args:
        table: columns as :func:`arrow_schema` holds them (dictionary columns may be plain text).
        path: the file, for the error message.
        unparsed: rows (0-based) whose cells did not parse.
        problems: the problems of those cells.

    Returns:
        The table, categorical columns stripped of blanks and dictionary-encoded.

    Raises:
        TableError: with every rule broken, by line and column (line 2 is the first row).
    """
    problems = list(problems or [])
    missing = [c for c in columns() if c not in table.column_names]
    extra = [c for c in table.column_names if c not in columns()]
    if missing or extra:
        raise TableError(
            path,
            [Problem(1, c, None, "this column, which the table must have") for c in missing]
            + [
                Problem(1, c, None, f"only the table's columns ({', '.join(columns())})")
                for c in extra
            ],
        )
    n = table.num_rows
    excluded = np.zeros(n, dtype=bool)
    if unparsed is not None and len(unparsed):
        excluded[unparsed] = True
    rule_failures: list[tuple[np.ndarray, str, list, str, np.ndarray]] = []
    out = {}
    categorical = categorical_rules()
    for name in columns():
        column = table.column(name)
        if name in categorical:
            if not pa.types.is_dictionary(column.type):
                column = pc.dictionary_encode(column)
                column = column.cast(DICT) if column.type != DICT else column
            column = _strip_dictionary(column).unify_dictionaries()
            nullable, rule, expected = categorical[name]
            values, indices = _dictionary_of(column)
            blank_codes = [i for i, v in enumerate(values) if v in ("", None)]
            bad_codes = [i for i, v in enumerate(values) if v not in ("", None) and not rule(v)]
            if not nullable:
                rows = np.union1d(_rows_with(indices, blank_codes), np.flatnonzero(indices < 0))
                problems += [
                    Problem(int(i) + FIRST_LINE, name, "", "a value (the cell is empty)")
                    for i in rows
                ]
                excluded[rows] = True
            rows = _rows_with(indices, bad_codes)
            if len(rows):
                rule_failures.append((rows, name, values, expected, indices))
        out[name] = column
    table = pa.table(out)
    ids = pc.utf8_trim_whitespace(table.column("case_id"))
    table = table.set_column(0, "case_id", ids)
    blank_ids = np.flatnonzero(pc.fill_null(pc.equal(ids, ""), True).to_numpy(zero_copy_only=False))
    problems += [
        Problem(int(i) + FIRST_LINE, "case_id", "", "a value (the cell is empty)")
        for i in blank_ids
    ]
    excluded[blank_ids] = True
    kg = table.column("kg")
    null_kg = np.flatnonzero(_is_null(kg) & ~excluded) if kg.null_count else np.zeros(0, int)
    problems += [
        Problem(int(i) + FIRST_LINE, "kg", "", "a value (the cell is empty)") for i in null_kg
    ]
    excluded[null_kg] = True

    for rows, name, values, expected, indices in rule_failures:
        problems += [
            Problem(int(i) + FIRST_LINE, name, values[indices[i]], expected)
            for i in rows
            if not excluded[i]
        ]
    negative = np.flatnonzero(
        pc.fill_null(pc.less(kg, 0), False).to_numpy(zero_copy_only=False) & ~excluded
    )
    problems += [
        Problem(
            int(i) + FIRST_LINE,
            "kg",
            str(kg[int(i)].as_py()),
            "a number of kilograms, zero or more",
        )
        for i in negative
    ]
    if excluded.any():
        kept_rows = np.flatnonzero(~excluded)
        duplicates = duplicate_problems(ids.take(pa.array(kept_rows)))
        problems += [
            Problem(int(kept_rows[p.line - FIRST_LINE]) + FIRST_LINE, p.column, p.got, p.expected)
            for p in duplicates
        ]
    else:
        problems += duplicate_problems(ids)
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or ""))
        raise TableError(path, problems)
    return table


def _dictionary_of(column: pa.ChunkedArray) -> tuple[list, np.ndarray]:
    """A unified dictionary column as (values, one index per row; -1 for a null)."""
    if column.num_chunks == 0:
        return [], np.zeros(0, dtype=np.int32)
    values = column.chunks[0].dictionary.to_pylist()
    indices = np.concatenate(
        [chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False) for chunk in column.chunks]
    )
    return values, indices


def _rows_with(indices: np.ndarray, codes: list[int]) -> np.ndarray:
    if not codes:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.isin(indices, np.asarray(codes, dtype=indices.dtype)))


def _is_null(column: pa.ChunkedArray) -> np.ndarray:
    return pc.is_null(column).to_numpy(zero_copy_only=False)


def duplicate_problems(ids: pa.ChunkedArray) -> list[Problem]:
    """Lines whose case_id another line has (every line of each repeated id)."""
    if len(ids) < 2:
        return []
    flat = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    ascending = pc.all(pc.greater(flat[1:], flat[:-1])).as_py()
    if ascending:
        return []
    if len(pc.unique(flat)) == len(flat):  # quicker than count_distinct (pyarrow 26)
        return []
    values = flat.to_numpy(zero_copy_only=False)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    same = ordered[1:] == ordered[:-1]
    rows = np.union1d(order[1:][same], order[:-1][same])
    return [
        Problem(
            int(i) + FIRST_LINE, "case_id", str(values[i]), "a key (case_id) that no other line has"
        )
        for i in rows[: MAX_PROBLEMS_SHOWN * 5]
    ]


def write_cases(table: pa.Table, data_dir: Path | str, *, checked: bool = False) -> Path:
    """Check, sort and write ``seizure_cases.csv`` atomically (a failed write leaves the old file).

    Args:
        table: the rows.
        data_dir: folder of tidy tables.
        checked: the table comes from :func:`check_cases` already (skip checking it again).

    Raises:
        TableError: the table breaks the rules; nothing is written.
        OSError: the folder cannot be written; the old file is left as it was.
    """
    path = table_path(TABLE, data_dir)
    return write_atomic(path, cases_writer(table if checked else check_cases(table, path)))


