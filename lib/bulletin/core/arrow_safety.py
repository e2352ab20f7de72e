"""Arrow text a spreadsheet cannot run: :func:`bulletin.core.files.neutralise_cell`, vectorised.

``seizure_cases`` (millions of rows) is written and read with pyarrow. Its writer
(``bulletin.data.cases_csv``) neutralises text with :func:`neutralise_text`, a batch of rows at a
time; :func:`restore_arrow` undoes it on the table read back. Text is matched with two regular
expressions (:data:`bulletin.core.files.FORMULA_PATTERN` and
:data:`~bulletin.core.files.NUMBER_PATTERN`), a dictionary column on its dictionary, the few
distinct values. Number columns are left as they are.
"""

from __future__ import annotations

from bulletin.core.files import FORMULA_PATTERN, NUMBER_PATTERN


def restore_arrow(table):
    """Undo :func:`neutralise_text` on an Arrow table read back from a file the project wrote.

    >>> import pyarrow as pa
    >>> table = pa.table({"id": ["'=1+1", "-2", "'ok"], "kind": pa.array(["'@x", "a", "a"]).dictionary_encode()})
    >>> restore_arrow(table).to_pydict()
    {'id': ['=1+1', '-2', "'ok"], 'kind': ['@x', 'a', 'a']}
    """
    return _map_arrow(table, _restore_text)


def neutralise_text(array):
    """:func:`neutralise_cell` on each value of an Arrow text array (missing values stay missing).

    >>> import pyarrow as pa
    >>> neutralise_text(pa.array(["+7", "@x", None, "ok"])).to_pylist()
    ['+7', "'@x", None, 'ok']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    triggers = pc.fill_null(pc.match_substring_regex(array, FORMULA_PATTERN), False)
    if not pc.any(triggers).as_py():  # most columns: no value even starts like a formula
        return array
    risky = pc.and_(triggers, pc.invert(pc.match_substring_regex(array, "^" + NUMBER_PATTERN)))
    risky = pc.fill_null(risky, False)
    if not pc.any(risky).as_py():
        return array
    return pc.if_else(risky, pc.binary_join_element_wise(pa.scalar("'"), array, ""), array)


def _restore_text(array):
    import pyarrow.compute as pc

    triggers = pc.fill_null(pc.match_substring_regex(array, "^'" + FORMULA_PATTERN[1:]), False)
    if not pc.any(triggers).as_py():
        return array
    quoted = pc.and_(triggers, pc.invert(pc.match_substring_regex(array, "^'" + NUMBER_PATTERN)))
    quoted = pc.fill_null(quoted, False)
    if not pc.any(quoted).as_py():
        return array
    return pc.if_else(quoted, pc.utf8_slice_codeunits(array, 1), array)


def _map_arrow(table, function):
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type) and pa.types.is_string(column.type.value_type):
            chunks = []
            for chunk in column.chunks:
                values = function(chunk.dictionary)
                if values is chunk.dictionary:
                    chunks.append(chunk)
                else:
                    # Re-encoded so that the dictionary stays one entry per distinct value.
                    encoded = pc.take(values, chunk.indices).dictionary_encode()
                    chunks.append(encoded.cast(column.type))
            column = pa.chunked_array(chunks, type=column.type)
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = pa.chunked_array(
                [function(chunk) for chunk in column.chunks], type=column.type
            )
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)
