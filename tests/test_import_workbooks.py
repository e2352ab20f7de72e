"""Issue 13: workbooks as their publishers' tools write them, read by calamine within the limits.

A dataUNODC export, as downloaded, was refused as "header not recognised": openpyxl reads
nothing of a workbook in the Strict OOXML namespaces, and fails on shared strings that
``[Content_Types].xml`` does not declare. Every reader must take a workbook written by another
tool (``import_samples.write_foreign_xlsx``: inline strings, numbers as text, a wrong
``<dimension>``, no shared-strings or styles part) as it takes Excel's; the switch to calamine
must read the official workbooks exactly as openpyxl did; and calamine's dense grid must never
see a sheet whose cells lie far apart (it would abort the process).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from import_samples import DATAUNODC, official_samples, write_foreign_xlsx

from bulletin.cli.main import main
from bulletin.data.importers import xlsx_parts, xlsxio
from bulletin.data.importers.driver import import_files
from bulletin.data.tables import load_table

FOREIGN = {
    "inline strings, numbers as text, dimension A1, no shared strings": {},
    "strict OOXML namespaces": {"strict": True},
    "shared strings the content types do not declare": {"shared_strings": True},
    "numbers as numbers": {"numbers_as_text": False},
}


@pytest.mark.parametrize("variant", sorted(FOREIGN))
def test_a_dataunodc_export_written_by_another_tool_imports(
    variant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_foreign_xlsx(tmp_path / "data_cts.xlsx", {"data": DATAUNODC}, **FOREIGN[variant])
    status = main(["import", str(path), "--data-dir", str(tmp_path / "data")])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    table = load_table("indicators", tmp_path / "data")
    assert sorted(table["value"]) == [65.0, 267.0]
    assert set(table["disaggregation"]) == {"total", "sex=female"}


def test_openpyxl_could_not_read_those_exports(tmp_path: Path) -> None:
    # What the old reader met: no rows at all in a Strict workbook (so "header not recognised"),
    # an IndexError for shared strings the content types do not declare.
    strict = write_foreign_xlsx(tmp_path / "strict.xlsx", {"data": DATAUNODC}, strict=True)
    workbook = openpyxl.load_workbook(strict, read_only=True)
    assert [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets] in ([], [[]])
    workbook.close()
    shared = write_foreign_xlsx(tmp_path / "sst.xlsx", {"data": DATAUNODC}, shared_strings=True)
    with pytest.raises(IndexError):
        workbook = openpyxl.load_workbook(shared, read_only=True)
        list(workbook.worksheets[0].iter_rows(values_only=True))


def _tables(data_dir: Path) -> dict[str, list]:
    # Floats to 12 digits: openpyxl, which writes the Excel copy, keeps 16 of a float's 17.
    out = {}
    for path in sorted(data_dir.glob("*.csv")):
        frame = load_table(path.stem, data_dir).drop(columns=["source"])
        cells = frame.map(lambda v: f"{v:.12g}" if isinstance(v, float) else str(v))
        out[path.stem] = sorted(map(tuple, cells.values.tolist()))
    return out


@pytest.fixture(scope="module")
def workbook_samples(official_dir: Path):
    return [s for s in official_samples(official_dir) if s.kind == "xlsx"]


@pytest.fixture(scope="module")
def excel_tables(workbook_samples, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each sample as Excel writes it, imported once for every variant it is compared with."""
    tmp_path = tmp_path_factory.mktemp("excel")
    out = {}
    for sample in workbook_samples:
        import_files([sample.write(tmp_path)], tmp_path / f"excel-{sample.name}", options=None)
        out[sample.name] = _tables(tmp_path / f"excel-{sample.name}")
    return out


@pytest.mark.parametrize("variant", sorted(FOREIGN))
def test_every_workbook_reader_takes_another_tools_workbook(
    workbook_samples, excel_tables: dict[str, dict], variant: str, tmp_path: Path
) -> None:
    for sample in workbook_samples:
        foreign = write_foreign_xlsx(
            tmp_path / f"foreign-{sample.name}", sample.sheets, **FOREIGN[variant]
        )
        import_files([foreign], tmp_path / f"foreign-{sample.name}-data")
        assert _tables(tmp_path / f"foreign-{sample.name}-data") == excel_tables[sample.name], sample.name


def _openpyxl_rows(path: Path) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out = {}
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
            out[sheet.title] = rows
        return out
    finally:
        workbook.close()


def _normal(rows: list[tuple]) -> list[tuple]:
    out = [tuple(None if v == "" else v for v in row) for row in rows]
    out = [row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)] for row in out]
    while out and not out[-1]:
        out.pop()
    return out


def test_calamine_reads_the_official_workbooks_as_openpyxl_did(official_dir: Path) -> None:
    workbooks = sorted(official_dir.rglob("*.xlsx"))
    assert len(workbooks) == 8
    for path in workbooks:
        ours, theirs = xlsxio.read_workbook(path), _openpyxl_rows(path)
        assert list(ours) == list(theirs), path.name
        for name in ours:
            assert _normal(ours[name]) == _normal(theirs[name]), (path.name, name)


def _sheet_with(path: Path, xml: bytes) -> Path:
    template = write_foreign_xlsx(path.with_suffix(".template.xlsx"), {"Sheet": [["x"]]})
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            data = xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            out.writestr(info.filename, data)
    return path


SHEET = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData>%s</sheetData></worksheet>'
)


@pytest.mark.parametrize(
    ("far", "limit"),
    [
        (b"XFD900000", "at most 5,000,000 cells"),
        (b"A1048576", "at most 1,000,000 rows"),
    ],
)
def test_cells_far_apart_are_refused_before_calamine_makes_its_grid(
    tmp_path: Path, far: bytes, limit: str
) -> None:
    # A cell far from the others (XFD900000): calamine would ask for a grid of 15 billion cells
    # and abort the process. Run in a child process, so that a regression cannot take the tests
    # down.
    export = write_foreign_xlsx(tmp_path / "export.xlsx", {"data": DATAUNODC})
    with zipfile.ZipFile(export) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    row = far.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    cell = b'<row r="%s"><c r="%s"><v>1</v></c></row></sheetData>' % (row, far)
    path = _sheet_with(tmp_path / "sparse.xlsx", xml.replace(b"</sheetData>", cell))
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from bulletin.cli.main import main; "
         f"sys.exit(main(['import', {str(path)!r}, '--data-dir', {str(tmp_path / 'data')!r}]))"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "sparse.xlsx" in done.stderr and limit in done.stderr
    assert "Traceback" not in done.stderr


def test_unreferenced_cells_count_towards_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cells without an r reference follow the one before: a row far down, then 20 such cells.
    monkeypatch.setattr(xlsxio, "MAX_CELLS", 1_000)
    cells = b"<c><v>1</v></c>" * 20
    path = _sheet_with(tmp_path / "wide.xlsx", SHEET % (b'<row r="100">' + cells + b"</row>"))
    with pytest.raises(Exception, match="at most 1,000 cells"):
        xlsxio.read_workbook(path)
    assert xlsxio._extent(SHEET % (b'<row r="100">' + cells + b"</row>")) == (100, 20)


def test_a_member_inflating_beyond_its_declared_size_is_refused(tmp_path: Path) -> None:
    path = write_foreign_xlsx(tmp_path / "ok.xlsx", {"data": DATAUNODC})
    data = bytearray(path.read_bytes())
    # Change one byte of the sheet's deflated data: the checksum no longer matches.
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x55
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(Exception, match="bad.xlsx"):
        xlsxio.read_workbook(bad)


def test_detection_reads_a_strict_workbook_too(tmp_path: Path) -> None:
    path = write_foreign_xlsx(tmp_path / "x.xlsx", {"data": DATAUNODC}, strict=True)
    rows = xlsx_parts.probe_workbook(path, 3)["data"]
    assert rows[0] == ("UNODC",) and rows[2][:2] == ("Iso3_code", "Country")


def test_numbers_stored_as_text_are_numbers(tmp_path: Path) -> None:
    path = write_foreign_xlsx(tmp_path / "x.xlsx", {"data": DATAUNODC})
    assert xlsxio.read_workbook(path)["data"][3][9] == "2016"  # as the file holds it
    import_files([path], tmp_path / "data")
    frame = load_table("indicators", tmp_path / "data")
    assert frame["year"].tolist() == [2016, 2016]
    assert pd.api.types.is_float_dtype(frame["value"])
