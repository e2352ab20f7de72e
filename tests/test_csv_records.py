"""bulletin.core.csv_records: CSV records with the lines they span, as an editor counts them."""

from __future__ import annotations

import pytest

from bulletin.core.csv_records import CsvRecordError, csv_records


def test_csv_records_count_lines_as_an_editor_does() -> None:
    text = 'h1,h2\r\n"a\r\nb",1\r\n\r\nc,2\r\n"x\ny\nz",3\n'
    assert [(first, last) for first, last, fields in csv_records(text) if fields] == [
        (1, 1),
        (2, 3),
        (5, 5),
        (6, 8),
    ]


def test_csv_records_name_a_field_over_the_limit() -> None:
    text = "a,b,c\n1,2,3\n4,\"" + "x" * 200_000 + "\n5,6,7\n"
    with pytest.raises(CsvRecordError) as caught:
        list(csv_records(text))
    assert caught.value.line == 3
    assert caught.value.column == 1
    assert "quote" in caught.value.reason
