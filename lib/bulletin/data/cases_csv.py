"""How ``seizure_cases.csv`` is held in memory and written: the columnar writer of that one table.

``seizure_cases`` runs to millions of rows, so it is written with pyarrow rather than pandas,
by this module alone: :func:`bulletin.data.tables.write_table` (rows checked by the table's
schema) and ``bulletin import`` (rows checked by :func:`bulletin.data.cases.check_cases`) both
hand it rows already checked. The rows are sorted by ``case_id``, empty text cells are written as
nothing (``,,``), text cells a spreadsheet would run as a formula get a leading ``'``
(``bulletin.core.arrow_safety``) and kilograms always read back as decimal numbers. The text is
made a batch of rows at a time, on every core, and written in order.
"""

from __future__ import annotations

import io
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bulletin.core.arrow_safety import neutralise_text

TABLE = "seizure_cases"
DICT = pa.dictionary(pa.int32(), pa.string())
"""Categorical columns (dates, countries, drugs, sources, statuses) are held as dictionaries."""


def arrow_schema(columns: Sequence[str]) -> pa.Schema:
    """How the columns are held in memory: text ids, dictionary categories, float kilograms.

    Args:
        columns: the table's columns, in the contract's order.
    """
    return pa.schema(
        [
            pa.field(
                name, pa.string() if name == "case_id" else pa.float64() if name == "kg" else DICT
            )
            for name in columns
        ]
    )


def sort_cases(table: pa.Table) -> pa.Table:
    """Sort by ``case_id`` (the key), as ``write_table`` does; no work when already sorted."""
    ids = table.column("case_id")
    if len(ids) < 2 or pc.all(pc.greater_equal(ids[1:], ids[:-1])).as_py():
        return table
    return table.take(pc.sort_indices(ids))


def cases_writer(table: pa.Table) -> Callable[[BinaryIO], None]:
    """Prepare checked rows now; return a function writing ``seizure_cases.csv`` later.

    The rows are sorted by ``case_id`` now; their text is made a batch at a time as the function
    writes the CSV into an open binary file (a transaction's temporary file), so that a million
    cases are not held in memory a second time as text.

    Args:
        table: the rows, already checked against the table's rules.
    """
    table = sort_cases(table)
    return lambda out: _write_csv(table, out)


_BATCH_ROWS = 65_536
"""Rows made into CSV text at a time, at most (about 10 MB of text)."""
_FEWEST_BATCH_ROWS = 4_096
"""Rows of a batch, at least, when a smaller table is cut in batches for every thread."""


def _write_csv(table: pa.Table, out: BinaryIO) -> None:
    """Write the table as CSV: the header, then its rows a batch at a time, on every core.

    Each batch's text (:func:`_csv_rows`) is made in a thread pool (pyarrow lets the threads run
    side by side) and written in the table's order; at most two batches per thread are held
    waiting, whatever the table's size. The file is byte for byte pyarrow's CSV of the whole
    table's text.
    """
    text = pa.schema(
        [
            pa.field(f.name, pa.string() if _as_text(f.type) or f.name == "kg" else f.type)
            for f in table.schema
        ]
    )
    header = io.BytesIO()
    pacsv.write_csv(text.empty_table(), header)
    out.write(header.getvalue())
    workers = max(1, min(4, os.cpu_count() or 1))
    # A table of a few batches' rows (the real IDS report keeps 37,439 cases) is cut in two
    # batches per thread, so that every thread has some of it.
    rows = min(_BATCH_ROWS, max(_FEWEST_BATCH_ROWS, -(-table.num_rows // (2 * workers))))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cases-csv") as pool:
        waiting: deque[Future[bytes]] = deque()
        try:
            for batch in table.to_batches(max_chunksize=rows):
                waiting.append(pool.submit(_csv_rows, batch, text))
                if len(waiting) > 2 * workers:
                    out.write(waiting.popleft().result())
            while waiting:
                out.write(waiting.popleft().result())
        except BaseException:  # a full disk, an interrupt: the batches not begun are not made
            pool.shutdown(cancel_futures=True)
            raise


def _as_text(kind: pa.DataType) -> bool:
    """Whether a column is written as text: a dictionary (categories) or plain text."""
    return (
        pa.types.is_dictionary(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind)
    )


def _csv_rows(batch: pa.RecordBatch, text: pa.Schema) -> bytes:
    """A batch's rows as CSV text, without the header.

    Empty text cells are written as nothing (``,,``), text a spreadsheet would run as a formula
    gets a leading ``'`` and kilograms are written as decimal numbers (:func:`_decimal_text`).
    Dictionary columns (categories) are treated on their dictionary, the few distinct values,
    then decoded: pyarrow's CSV writer takes about twice as long over them as over the same text.
    """
    columns = []
    for column, field in zip(batch.columns, text, strict=True):
        if field.name == "kg":
            column = _decimal_text(column)
        elif pa.types.is_dictionary(column.type):
            column = pc.take(_safe_text(column.dictionary), column.indices)
        elif _as_text(column.type):
            column = _safe_text(column)
        columns.append(column.cast(field.type))
    rows = io.BytesIO()
    pacsv.write_csv(
        pa.RecordBatch.from_arrays(columns, schema=text),
        rows,
        write_options=pacsv.WriteOptions(include_header=False),
    )
    return rows.getvalue()


def cases_content(table: pa.Table) -> bytes:
    """``seizure_cases.csv`` as bytes, from checked rows (see :func:`cases_writer`)."""
    buffer = io.BytesIO()
    cases_writer(table)(buffer)
    return buffer.getvalue()


def _safe_text(column: pa.Array) -> pa.Array:
    """Text cells as the file holds them: empty ones missing, formulas neutralised.

    An empty cell is written as nothing; a formula gets a leading ``'``
    (``bulletin.core.arrow_safety.neutralise_text``). Whether the rows were read from a file (empty strings) or came from pandas (missing): one
    table, one way of writing it.
    """
    return neutralise_text(pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column))


def _decimal_text(kg: pa.Array) -> pa.Array:
    """Kilograms as text that always reads back as a decimal number ("1.0", not "1").

    >>> _decimal_text(pa.array([2.0, -0.0, 0.25, 1e21, float("nan"), None, -3.0])).to_pylist()
    ['2.0', '-0.0', '0.25', '1e+21', 'nan', None, '-3.0']
    """
    text = pc.cast(kg, pa.string())
    # Digits alone (after a minus): not "1.5", "1e+21", "inf" or "nan". Only those get ".0".
    plain = pc.fill_null(pc.ascii_is_decimal(pc.ascii_ltrim(text, "-")), False)
    if not pc.any(plain).as_py():
        return text
    return pc.replace_with_mask(
        text, plain, pc.binary_join_element_wise(pc.filter(text, plain), ".0", "")
    )
