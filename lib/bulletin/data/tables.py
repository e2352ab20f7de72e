"""Read, check and write the tidy tables of ``data/``.

Every load goes through the table's schema (``bulletin.data.schemas``). A table that breaks it stops
with a :class:`TableError` naming the file, the line (as an editor counts it: a blank line or a
quoted cell spanning lines counts), the column and the rule broken; nothing is returned
half-checked. A table with a header and no rows is an empty table. Writes are checked the same
way and replace the file atomically, so a failed write leaves the previous table as it was.

Text cells a spreadsheet would run as a formula (``=...``, ``+...``, ``-...``, ``@...``) are
written with a leading ``'`` (``bulletin.core.files.neutralise_frame``) and read back without it, so a
table written and read keeps its values.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as arrow

from bulletin.core.csv_records import NO_NUL, CsvRecordError, csv_records
from bulletin.core.files import neutralise_frame, restore_cell, write_atomic
from bulletin.core.paths import DATA_DIR, data_folder, reference_dir, reference_scope
from bulletin.core.problems import Problem, list_problems
from bulletin.data import cases_csv, table_cache
from bulletin.data.schemas import TableSpec, build_specs

if TYPE_CHECKING:
    import pandera.pandas

log = logging.getLogger(__name__)

_FIRST_DATA_LINE = 2  # line 1 of a table is its header
_NUMBER_TYPES = ("int64", "Int64", "float64")


class TableError(ValueError):
    """A table that breaks its schema. Names the file and each line, column and rule broken."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        """The error of the table in ``path``, with every problem found."""
        self.path = Path(path)
        self.problems = problems
        count, shown = list_problems(problems)
        super().__init__(f"{self.path}: {count} with the table:\n{shown}")


def table_specs() -> dict[str, TableSpec]:
    """The spec of every table of the data contract, by name.

    The specs check against the vocabularies in use (:func:`bulletin.core.paths.reference_dir`).
    """
    return _table_specs(reference_dir())


@cache
def _table_specs(reference: Path) -> dict[str, TableSpec]:
    return build_specs()


def table_spec(name: str) -> TableSpec:
    """The spec of one table; a clear error for a name outside the contract."""
    specs = table_specs()
    if name not in specs:
        raise KeyError(f"no table named {name!r}; the tables are: {', '.join(specs)}")
    return specs[name]


def table_path(name: str, data_dir: Path | str = DATA_DIR) -> Path:
    """Path of a table's CSV file in ``data_dir``."""
    return Path(data_dir) / table_spec(name).filename


def load_table(name: str, data_dir: Path | str = DATA_DIR) -> pd.DataFrame:
    """Read a table from ``data_dir`` and check it against its schema.

    The vocabularies it is checked against are those of ``data_dir`` when it has a
    ``reference/`` folder of its own, else those in use (:func:`bulletin.core.paths.reference_scope`).

    Args:
        name: table name, e.g. ``"seizures_quarterly"``.
        data_dir: folder of tidy tables, as a notebook's ``data_dir`` parameter gives it: empty
            for the project's ``data/``, a relative path from the working directory
            (:func:`bulletin.core.paths.data_folder`).

    Returns:
        The table with typed columns (integers, floats, strings; empty cells as missing). A file
        with a header and no rows gives an empty table.

    Raises:
        FileNotFoundError: the table's file is not in ``data_dir``.
        TableError: the file breaks the table's schema.
    """
    return read_table(name, data_dir)[0]


def read_table(name: str, data_dir: Path | str = DATA_DIR) -> tuple[pd.DataFrame, list[int]]:
    """:func:`load_table`, with the line of the file on which each row begins.

    Raises:
        FileNotFoundError: the table's file is not in ``data_dir``.
        TableError: the file breaks the table's schema.
    """
    folder = data_folder(data_dir)
    with reference_scope(folder):
        return _read_table(name, folder)


def _read_table(name: str, data_dir: Path | str) -> tuple[pd.DataFrame, list[int]]:
    path = table_path(name, data_dir)
    if not path.exists():
        raise FileNotFoundError(f"{path}: table {name!r} not found in {Path(data_dir)}")
    content = path.read_bytes()
    key = table_cache.table_key(name, content, reference_dir())
    remembered = table_cache.load(key)
    if remembered is not None:  # the same bytes, checked before by the same code
        return remembered
    header, rows, lines = read_records(path, content)
    raw = pd.DataFrame(rows, columns=header, dtype=object)
    # Cells the writer neutralised for spreadsheets get their text back (text columns only:
    # a number column holds no such cell, and a bad one is reported as it is in the file).
    spec = table_spec(name)
    numeric = {c for c, col in spec.schema.columns.items() if str(col.dtype) in _NUMBER_TYPES}
    for column in raw.columns:
        if column not in numeric:
            raw[column] = raw[column].map(restore_cell)
    typed = check_table(name, raw, path, lines=lines)
    table_cache.store(key, typed, lines)
    return typed, lines


def read_records(path: Path, data: bytes | None = None) -> tuple[list[str], list[list[str]], list[int]]:
    """A table file's header, rows and the line each row begins on; blank lines skipped.

    ``data``: the file's bytes, when they have been read already.

    Raises:
        TableError: the file is not UTF-8, is empty, has a header naming a column twice, a
            record the CSV reader refuses (a field over the csv module's size limit: an unclosed
            quote), or a line with more or fewer fields than the header.
    """
    if data is None:
        data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.start + 4]
        raise TableError(
            path, [Problem(line, None, f"the bytes {bad!r}", "UTF-8 text (save the file as UTF-8)")]
        ) from None
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    try:
        for first, last, fields in csv_records(text):
            if not fields:
                continue  # a blank line
            if header is None:
                header = fields
                continue
            if len(fields) != len(header):
                problems.append(_field_count_problem(first, last, len(fields), len(header)))
                continue
            rows.append(fields)
            lines.append(first)
    except CsvRecordError as error:
        problems.append(error.problem(header))
    if header is None:
        raise TableError(path, problems or [Problem(None, None, None, "a header line")])
    repeated = sorted({name for name in header if header.count(name) > 1})
    problems += [Problem(1, name, None, "each column once in the header") for name in repeated]
    if problems:
        raise TableError(path, problems)
    return header, rows, lines


def _field_count_problem(first: int, last: int, fields: int, expected: int) -> Problem:
    """A record with more or fewer fields than the header; one spanning lines is likely quoted."""
    rule = f"{expected} fields, as in the header"
    if last > first:
        rule += (
            f" (this record runs from line {first} to line {last}: a quote that opens a field "
            "and is not closed where it should be makes the following lines part of it)"
        )
    return Problem(first, None, f"{fields} fields", rule)


def check_table(
    name: str,
    raw: pd.DataFrame,
    path: Path | str = "<frame>",
    *,
    lines: Sequence[int | None] | None = None,
) -> pd.DataFrame:
    """Check a frame of text cells against a table's schema and return it typed.

    Args:
        name: table name.
        raw: the table as read, every cell a string (empty string for an empty cell), or a frame
            already typed.
        path: the file the frame came from, for the error message.
        lines: the line of the file each row begins on (default: row i on line i + 2, as in a
            file without blank or multi-line records); ``None`` items give problems no line.

    Raises:
        TableError: with every broken rule, by line and column.
    """
    spec = table_spec(name)
    _check_header(spec, raw, path)
    if lines is None:
        lines = range(_FIRST_DATA_LINE, _FIRST_DATA_LINE + len(raw))
    elif len(lines) != len(raw):
        raise ValueError(f"{len(lines)} line numbers for {len(raw)} rows")
    line_of = list(lines)
    typed, problems, unparsed = _parse_columns(spec.schema, raw, line_of)
    # Rows whose cells did not parse are reported as such; the rules are checked on the others,
    # so that one run names every problem of the file.
    parsed = typed[~typed.index.isin(unparsed)]
    if len(parsed):  # no row, no rule to break (and no dtype to infer from an empty column)
        from pandera.errors import SchemaErrors  # imported by the schema's making, above

        try:
            spec.schema.validate(parsed, lazy=True)
        except SchemaErrors as error:
            problems += _problems_from_pandera(
                spec, error.failure_cases, typed, line_of, raw.reset_index(drop=True)
            )
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or ""))
        raise TableError(path, problems)
    return typed[spec.columns]


def table_content(name: str, frame: pd.DataFrame, path: Path | str = "<frame>") -> bytes:
    """A table's file as bytes: checked, sorted by its key, text cells spreadsheet-safe.

    Raises:
        TableError: the frame breaks the schema.
    """
    return checked_table_content(name, check_table(name, frame, path))


def checked_table_content(name: str, typed: pd.DataFrame) -> bytes:
    """The file of a table that :func:`check_table` has just returned, without checking it again.

    An import checks each table it changes once (``bulletin.data.importers.driver``); checking
    it again to write it cost a third of its checks.
    """
    spec = table_spec(name)
    if name == cases_csv.TABLE:
        # One table, one writer: the columnar path that imports write it with (quoting every
        # text cell, as pyarrow does); the rows were checked by check_table, as any table's.
        return cases_csv.cases_content(
            arrow.Table.from_pandas(
                typed, schema=cases_csv.arrow_schema(spec.columns), preserve_index=False
            )
        )
    typed = typed.sort_values(list(spec.key), kind="stable").reset_index(drop=True)
    text = neutralise_frame(typed).to_csv(
        index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    return text.encode("utf-8")


def write_table(name: str, frame: pd.DataFrame, data_dir: Path | str = DATA_DIR) -> Path:
    """Check a table, sort it by its key and write it, replacing the old file atomically.

    Text cells that a spreadsheet would run as a formula are written with a leading ``'``
    (:func:`bulletin.core.files.neutralise_cell`); :func:`load_table` removes it again.

    Raises:
        TableError: the frame breaks the schema; the file on disk is left untouched.
        OSError: the folder cannot be written; the file on disk is left untouched.
    """
    path = table_path(name, data_dir)
    with reference_scope(data_dir):
        content = table_content(name, frame, path)
    write_atomic(path, content)
    log.info("wrote %d rows to %s", len(frame), path)
    return path


def _check_header(spec: TableSpec, raw: pd.DataFrame, path: Path | str) -> None:
    present = list(raw.columns)
    problems = [
        Problem(1, column, None, "this column, which the table must have")
        for column in spec.columns
        if column not in present
    ]
    problems += [
        Problem(1, column, None, f"only the table's columns ({', '.join(spec.columns)})")
        for column in present
        if column not in spec.columns
    ]
    if problems:
        raise TableError(path, problems)


def _is_blank(series: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(series) or series.dtype == object:
        return series.isna() | series.astype("string").str.strip().eq("")
    return series.isna()


def _parse_numbers(values: pd.Series, blank: pd.Series, whole: bool) -> pd.Series:
    """The numbers of a column's text cells, NaN where a cell is blank or is no number.

    pandas before 3.0 reads decimal text only to within a unit in the last place
    ("0.11660999999999999" became 0.1166099999999999) and reads a number beyond the range of a
    double ("1e309") as no number. A cell pandas reads is therefore taken as Python's ``float``
    reads it (correctly rounded), and an out-of-range one as infinite, on every pandas version;
    a whole-number column keeps pandas' exact 64-bit integers.
    """
    numbers = pd.to_numeric(values.where(~blank), errors="coerce")
    if whole and numbers.dtype.kind in "iu":
        return numbers
    exact = values.where(~blank).map(_float_or_nan, na_action="ignore").astype("float64")
    out_of_range = numbers.isna() & exact.abs().eq(float("inf"))
    return exact.where(numbers.notna() | out_of_range)


def _float_or_nan(value: object) -> float:
    try:
        return float(str(value).strip())
    except ValueError:
        return float("nan")


def _with_nul(text: pd.Series) -> list[int]:
    """The rows whose text holds a NUL character: no CSV writer on every Python takes it."""
    has_nul = text.str.contains("\x00", regex=False).fillna(False).astype(bool)
    return [int(i) for i in has_nul[has_nul].index]


def _parse_columns(
    schema: pandera.pandas.DataFrameSchema, raw: pd.DataFrame, lines: list[int | None]
) -> tuple[pd.DataFrame, list[Problem], set[int]]:
    """Turn text cells into each column's type, recording cells that do not parse.

    Returns:
        The typed frame (rows numbered from 0), the problems, and the rows that have one.
    """
    typed = {}
    problems: list[Problem] = []
    unparsed: set[int] = set()

    def problem(i: int, column: str, value: str, expected: str) -> Problem:
        unparsed.add(int(i))
        line = lines[int(i)]
        return Problem(None if line is None else int(line), column, value, expected)

    for column, spec in schema.columns.items():
        values = raw[column].reset_index(drop=True)
        blank = _is_blank(values)
        if not spec.nullable:
            problems += [
                problem(i, column, "", "a value (the cell is empty)") for i in blank[blank].index
            ]
        dtype = str(spec.dtype)
        if dtype in _NUMBER_TYPES:
            numbers = _parse_numbers(values, blank, whole="int" in dtype.lower())
            unparsed_cells = numbers.isna() & ~blank
            kind = "a whole number" if "int" in dtype.lower() else "a number"
            problems += [
                problem(i, column, str(values[i]), kind) for i in unparsed_cells[unparsed_cells].index
            ]
            if "int" in dtype.lower():
                # A whole number beyond 64 bits (or infinite) has no integer type to go in.
                huge = numbers.notna() & ~(numbers.abs() < 2.0**63)
                fractional = numbers.notna() & ~huge & (numbers != numbers.round())
                problems += [
                    problem(i, column, str(values[i]), "a whole number")
                    for i in fractional[fractional].index
                ]
                problems += [
                    problem(i, column, str(values[i]), "a whole number of at most 19 digits")
                    for i in huge[huge].index
                ]
                numbers = numbers.where(~huge).round().astype("Int64")
                if dtype == "int64" and not numbers.isna().any():
                    numbers = numbers.astype("int64")
            if dtype == "float64":
                numbers = numbers.astype("float64")  # "1" is a float too in a float column
            typed[column] = numbers
        else:
            text = values.astype("string").str.strip()
            problems += [
                problem(i, column, str(values[i]), NO_NUL)
                for i in _with_nul(text)
            ]
            typed[column] = text.where(~blank, None).astype(object)
    problems.sort(key=lambda p: (p.line or 0, p.column or ""))
    frame = pd.DataFrame(typed) if typed else pd.DataFrame(index=pd.RangeIndex(len(raw)))
    return frame, problems, unparsed


def _as_written(raw: pd.DataFrame, row: object, column: str | None, checked: object) -> str:
    """A failing cell as the file has it ("-1"), not as it was converted to be checked ("-1.0")."""
    if column in raw and row is not None and not pd.isna(row):
        cell = raw.at[int(row), column]
        if isinstance(cell, str):
            return cell.strip()
    return str(checked)


def _problems_from_pandera(
    spec: TableSpec,
    failures: pd.DataFrame,
    typed: pd.DataFrame,
    lines: list[int | None],
    raw: pd.DataFrame,
) -> list[Problem]:
    def line_of(row: object) -> int | None:
        if row is None or pd.isna(row):
            return None
        line = lines[int(row)]
        return None if line is None else int(line)

    problems: list[Problem] = []
    key_failures = failures[failures["check"] == "multiple_fields_uniqueness"]
    duplicate_rows = sorted({int(i) for i in key_failures["index"].dropna()})
    key_text = ", ".join(spec.key)
    for row in duplicate_rows:
        values = ", ".join(str(typed.at[row, column]) for column in spec.key)
        problems.append(
            Problem(
                line_of(row),
                key_text,
                values,
                f"a key ({key_text}) that no other line has",
            )
        )
    rest = failures[failures["check"] != "multiple_fields_uniqueness"]
    # A check on whole rows (comparing columns) fails once per cell of the row in pandera's
    # report; one problem per line says it once.
    row_checks = (rest["schema_context"] == "DataFrameSchema") & rest["index"].notna()
    row_checks &= ~rest["check"].isin(["column_in_dataframe", "column_in_schema"])
    seen: set[tuple[int, str]] = set()
    for _, failure in rest.iterrows():
        line = line_of(failure["index"])
        column = None if pd.isna(failure["column"]) else str(failure["column"])
        if row_checks[failure.name]:
            if (line, str(failure["check"])) in seen:
                continue
            seen.add((line, str(failure["check"])))
            problems.append(Problem(line, None, None, str(failure["check"])))
            continue
        got = _as_written(raw, failure["index"], column, failure["failure_case"])
        problems.append(Problem(line, column, got, str(failure["check"])))
    problems.sort(key=lambda p: (p.line or 0, p.column or ""))
    return problems
