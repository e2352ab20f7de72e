"""Dictionary-encoded Arrow columns as their distinct values and one index per row.

The IDS importer parses its categorical columns as dictionaries, so that the work is done once
per distinct value (``bulletin.data.importers.ids_columns``) and the rows are touched only as
integer indices; these helpers unify a column's dictionaries and find where a value occurs.
"""

from __future__ import annotations

import threading

import numpy as np
import pyarrow as pa

from bulletin.data.importers.ids_lines import Lines


class Parsed:
    """The parsed columns, each dictionary unified once and its indices kept as numpy.

    Two threads may ask for codes at once (the IDS importer counts duplicate rows in one while it
    maps the columns in the other): each column's codes are made once, under its own lock.
    """

    def __init__(self, raw: pa.Table):
        """Keep the parsed table; each column's codes are made when first asked for."""
        self.raw = raw
        self._codes: dict[str, tuple[pa.Array, np.ndarray]] = {}
        self._locks = {name: threading.Lock() for name in raw.column_names}

    def codes(self, name: str) -> tuple[pa.Array, np.ndarray]:
        """A dictionary column's dictionary and its row indices (-1 for a null)."""
        with self._locks[name]:
            if name not in self._codes:
                dictionary, indices = unified_arrays(self.raw.column(name))
                if indices.null_count:
                    indices = indices.fill_null(-1)
                self._codes[name] = (dictionary, indices.to_numpy(zero_copy_only=False))
            return self._codes[name]

    def values(self, name: str) -> tuple[list[str], np.ndarray]:
        """A dictionary column's distinct values and its row indices (-1 for a null)."""
        dictionary, indices = self.codes(name)
        return dictionary.to_pylist(), indices


def unified(column: pa.ChunkedArray) -> tuple[list[str], pa.Array]:
    """A dictionary column as (distinct values, one int32 index per row)."""
    dictionary, indices = unified_arrays(column)
    return dictionary.to_pylist(), indices


def unified_arrays(column: pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
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


def first_rows(
    indices: pa.ChunkedArray, codes: list[int], lines: Lines, limit: int = 1
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
