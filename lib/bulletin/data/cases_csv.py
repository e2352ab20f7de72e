"""How ``seizure_cases.csv`` is held in memory and written: the columnar writer of that one table.

``seizure_cases`` runs to millions of rows, so it is written with pyarrow rather than pandas,
by this module alone: :func:`bulletin.data.tables.write_table` (rows checked by the table's
schema) and ``bulletin import`` (rows checked by :func:`bulletin.data.cases.check_cases`) both
hand it rows already checked. The rows are sorted by ``case_id``, empty text cells are written as
nothing (``,,``), text cells a spreadsheet would run as a formula get a leading ``'``
(``bulletin.core.arrow_safety.neutralise_arrow``) and kilograms always read back as decimal numbers.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bulletin.core.arrow_safety import neutralise_arrow

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

    The rows are sorted by ``case_id`` and their text made spreadsheet-safe; the function writes
    the CSV into an open binary file (a transaction's temporary file), so that a million cases
    are not held in memory a second time as text.

    Args:
        table: the rows, already checked against the table's rules.
    """
    table = neutralise_arrow(_blank_as_null(sort_cases(table)))
    table = table.set_column(
        table.schema.get_field_index("kg"), "kg", _decimal_text(table.column("kg"))
    )
    return lambda out: _write_csv(table, out)


_BATCH_ROWS = 65_536
"""Rows written at a time, their dictionary columns decoded (about 15 MB of text)."""


def _write_csv(table: pa.Table, out: BinaryIO) -> None:
    """Write the table as CSV, its dictionary columns decoded batch by batch.

    pyarrow's CSV writer takes about twice as long over dictionary columns as over the same text
    decoded; decoding a batch at a time keeps the text of only those rows in memory.
    """
    text = pa.schema(
        [
            pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
            for f in table.schema
        ]
    )
    with pacsv.CSVWriter(out, text) as writer:
        for batch in table.to_batches(max_chunksize=_BATCH_ROWS):
            columns = zip(batch.columns, text, strict=True)
            writer.write_batch(
                pa.RecordBatch.from_arrays(
                    [pc.cast(column, field.type) for column, field in columns], schema=text
                )
            )


def cases_content(table: pa.Table) -> bytes:
    """``seizure_cases.csv`` as bytes, from checked rows (see :func:`cases_writer`)."""
    buffer = io.BytesIO()
    cases_writer(table)(buffer)
    return buffer.getvalue()


def _blank_as_null(table: pa.Table) -> pa.Table:
    """Empty text cells as missing values, so that the file writes them as nothing (``,,``).

    Whether the rows were read from a file (empty strings) or came from pandas (missing): one
    table, one way of writing it.
    """
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = pa.chunked_array(
                [_blank_dictionary_as_null(chunk) for chunk in column.chunks], type=column.type
            )
        elif pa.types.is_string(column.type):
            column = pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def _blank_dictionary_as_null(chunk: pa.DictionaryArray) -> pa.DictionaryArray:
    """A dictionary chunk whose entries for ``""`` point nowhere (missing values)."""
    blank = [i for i, v in enumerate(chunk.dictionary.to_pylist()) if v == ""]
    if not blank:  # a dictionary built by concatenation may hold "" more than once
        return chunk
    is_blank = pc.is_in(chunk.indices, value_set=pa.array(blank, chunk.indices.type))
    indices = pc.if_else(is_blank, pa.scalar(None, chunk.indices.type), chunk.indices)
    return pa.DictionaryArray.from_arrays(indices, chunk.dictionary)


def _decimal_text(kg: pa.ChunkedArray) -> pa.ChunkedArray:
    """Kilograms as text that always reads back as a decimal number ("1.0", not "1").

    >>> _decimal_text(pa.chunked_array([[2.0, -0.0, 0.25, 1e21, float("nan"), None]])).to_pylist()
    ['2.0', '-0.0', '0.25', '1e+21', 'nan', None]
    """
    text = pc.cast(kg, pa.string())
    # Digits alone (after a minus): not "1.5", "1e+21", "inf" or "nan".
    plain = pc.ascii_is_decimal(pc.ascii_ltrim(text, "-"))
    return pc.if_else(plain, pc.binary_join_element_wise(text, ".0", ""), text)
