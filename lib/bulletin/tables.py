"""Read, check and write the tidy tables of ``data/``.

Every load goes through the table's schema (``bulletin.schemas``). A table that breaks it stops
with a :class:`TableError` naming the file, the line, the column and the rule broken; nothing is
returned half-checked. Writes are checked the same way and replace the file atomically, so a
failed write leaves the previous table as it was.
"""

from __future__ import annotations

import csv
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from bulletin.paths import DATA_DIR
from bulletin.schemas import TableSpec, build_specs

log = logging.getLogger(__name__)

MAX_PROBLEMS_SHOWN = 20
_FIRST_DATA_LINE = 2  # line 1 of a table is its header


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (line and column) and what was expected."""

    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        got = "" if self.value is None else f"got {self.value!r}; "
        return f"{', '.join(where) or 'table'}: {got}expected {self.expected}"


class TableError(ValueError):
    """A table that breaks its schema. Names the file and each line, column and rule broken."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.path = Path(path)
        self.problems = problems
        shown = "\n".join(f"  - {problem}" for problem in problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        tail = f"\n  ... and {more} more" if more > 0 else ""
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        super().__init__(f"{self.path}: {count} with the table:\n{shown}{tail}")


@cache
def table_specs() -> dict[str, TableSpec]:
    """The spec of every table of the data contract, by name."""
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

    Args:
        name: table name, e.g. ``"seizures_quarterly"``.
        data_dir: folder of tidy tables.

    Returns:
        The table with typed columns (integers, floats, strings; empty cells as missing).

    Raises:
        FileNotFoundError: the table's file is not in ``data_dir``.
        TableError: the file breaks the table's schema.
    """
    path = table_path(name, data_dir)
    if not path.exists():
        raise FileNotFoundError(f"{path}: table {name!r} not found in {Path(data_dir)}")
    try:
        _check_field_counts(path)
        raw = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8", index_col=False
        )
    except UnicodeDecodeError as error:
        raise TableError(
            path, [Problem(None, None, None, f"UTF-8 text ({error.reason})")]
        ) from error
    except pd.errors.ParserError as error:
        raise TableError(
            path, [Problem(None, None, None, f"a well-formed CSV table ({error})")]
        ) from error
    except pd.errors.EmptyDataError as error:
        raise TableError(path, [Problem(None, None, None, "a header line and rows")]) from error
    return check_table(name, raw, path)


def _check_field_counts(path: Path) -> None:
    """Refuse lines with more or fewer fields than the header, naming each such line."""
    problems = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise TableError(path, [Problem(None, None, None, "a header line and rows")])
        for fields in reader:
            if len(fields) != len(header) and fields:
                problems.append(
                    Problem(
                        reader.line_num,
                        None,
                        f"{len(fields)} fields",
                        f"{len(header)} fields, as in the header",
                    )
                )
    if problems:
        raise TableError(path, problems)


def check_table(name: str, raw: pd.DataFrame, path: Path | str = "<frame>") -> pd.DataFrame:
    """Check a frame of text cells against a table's schema and return it typed.

    Args:
        name: table name.
        raw: the table as read, every cell a string (empty string for an empty cell), or a frame
            already typed.
        path: the file the frame came from, for the error message.

    Raises:
        TableError: with every broken rule, by line and column.
    """
    spec = table_spec(name)
    _check_header(spec, raw, path)
    typed, problems = _parse_columns(spec.schema, raw)
    # Lines whose cells did not parse are reported as such; the rules are checked on the others,
    # so that one run names every problem of the file.
    unparsed_lines = {problem.line for problem in problems}
    parsed = typed[~(typed.index + _FIRST_DATA_LINE).isin(unparsed_lines)]
    try:
        spec.schema.validate(parsed, lazy=True)
    except SchemaErrors as error:
        problems += _problems_from_pandera(spec, error.failure_cases, typed)
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or ""))
        raise TableError(path, problems)
    return typed[spec.columns]


def write_table(name: str, frame: pd.DataFrame, data_dir: Path | str = DATA_DIR) -> Path:
    """Check a table, sort it by its key and write it, replacing the old file atomically.

    Raises:
        TableError: the frame breaks the schema; the file on disk is left untouched.
    """
    spec = table_spec(name)
    path = table_path(name, data_dir)
    typed = check_table(name, frame, path)
    typed = typed.sort_values(list(spec.key), kind="stable").reset_index(drop=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            typed.to_csv(out, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        # mkstemp makes the file private (0600); a table is as readable as any file the user makes.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    log.info("wrote %d rows to %s", len(typed), path)
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


def _parse_columns(
    schema: pa.DataFrameSchema, raw: pd.DataFrame
) -> tuple[pd.DataFrame, list[Problem]]:
    """Turn text cells into each column's type, recording cells that do not parse."""
    typed = {}
    problems: list[Problem] = []
    lines = pd.RangeIndex(len(raw)) + _FIRST_DATA_LINE
    for column, spec in schema.columns.items():
        values = raw[column].reset_index(drop=True)
        blank = _is_blank(values)
        if not spec.nullable:
            problems += [
                Problem(int(lines[i]), column, "", "a value (the cell is empty)")
                for i in blank[blank].index
            ]
        dtype = str(spec.dtype)
        if dtype in ("int64", "Int64", "float64"):
            numbers = pd.to_numeric(values.where(~blank), errors="coerce")
            unparsed = numbers.isna() & ~blank
            kind = "a whole number" if "int" in dtype.lower() else "a number"
            problems += [
                Problem(int(lines[i]), column, str(values[i]), kind)
                for i in unparsed[unparsed].index
            ]
            if "int" in dtype.lower():
                fractional = numbers.notna() & (numbers != numbers.round())
                problems += [
                    Problem(int(lines[i]), column, str(values[i]), "a whole number")
                    for i in fractional[fractional].index
                ]
                numbers = numbers.round().astype("Int64")
                if dtype == "int64" and not numbers.isna().any():
                    numbers = numbers.astype("int64")
            if dtype == "float64":
                numbers = numbers.astype("float64")  # "1" is a float too in a float column
            typed[column] = numbers
        else:
            text = values.astype("string").str.strip()
            typed[column] = text.where(~blank, None).astype(object)
    problems.sort(key=lambda p: (p.line or 0, p.column or ""))
    return pd.DataFrame(typed), problems


def _problems_from_pandera(
    spec: TableSpec, failures: pd.DataFrame, typed: pd.DataFrame
) -> list[Problem]:
    problems: list[Problem] = []
    key_failures = failures[failures["check"] == "multiple_fields_uniqueness"]
    duplicate_rows = sorted({int(i) for i in key_failures["index"].dropna()})
    key_text = ", ".join(spec.key)
    for row in duplicate_rows:
        values = ", ".join(str(typed.at[row, column]) for column in spec.key)
        problems.append(
            Problem(
                row + _FIRST_DATA_LINE,
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
        index = failure["index"]
        line = None if pd.isna(index) else int(index) + _FIRST_DATA_LINE
        column = None if pd.isna(failure["column"]) else str(failure["column"])
        if row_checks[failure.name]:
            if (line, str(failure["check"])) in seen:
                continue
            seen.add((line, str(failure["check"])))
            problems.append(Problem(line, None, None, str(failure["check"])))
            continue
        problems.append(Problem(line, column, str(failure["failure_case"]), str(failure["check"])))
    problems.sort(key=lambda p: (p.line or 0, p.column or ""))
    return problems
