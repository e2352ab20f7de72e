"""Read the sheets of an ``.xlsx`` workbook as rows of cell values, with their row numbers.

Workbooks arrive as their publishers' tools wrote them, not only as Excel writes them: a sheet's
declared size (``<dimension>``) may be wrong, strings may be shared (``t="s"``) or inline
(``t="inlineStr"``, ``t="str"``), numbers may be stored as text, the shared-strings part may be
missing or left out of ``[Content_Types].xml``, cells may have no ``r`` reference, and the XML
may use the Strict OOXML namespaces or prefixed element names. Every reader takes such a file as
Excel's own (``tests/test_import_workbooks.py`` writes one by hand):

- **Reading** is done by calamine (``python-calamine``), which handles all of the above and is
  7 to 15 times faster than openpyxl on the official workbooks (``bench/bench_import.py``
  prints both). Values come as calamine gives them: text, ``float``/``int``, ``bool``, dates;
  an empty cell is ``None``; rows keep their number (row 1 first) and stop at their last cell.
- **Detection** reads only the first :data:`PROBE_ROWS` rows of each sheet, with a small
  streaming XML reader of its own (:func:`probe_workbook`) that matches elements by local name
  (so Strict and prefixed XML read the same) and stops after those rows.

A workbook is a zip archive of XML files, and a small archive can expand enormously (a "zip
bomb": 9 MB that inflate to 1.2 GB). Before anything is parsed, the archive's directory (a few
bytes per member, nothing inflated) is checked against limits set far above the official files
the project reads (``../shared/data/official/``: at most 23 members, 4.4 MB uncompressed, members
compressed at most 17 to 1):

- the members together at most :data:`MAX_UNCOMPRESSED_BYTES` uncompressed;
- no member over 1 MB compressed more than :data:`MAX_COMPRESSION_RATIO` to 1;
- at most :data:`MAX_MEMBERS` members, no name twice.

Python's zip reader never inflates a member beyond the size the directory declares (it stops
there and the checksum fails), so the declared sizes bound the work. Calamine reads the archive
on its own, and holds a sheet as a dense grid (rows x columns of its cells, wherever they are): a
sheet of two cells, ``A1`` and ``XFD1048576``, would ask for 500 GB and abort the process. So
before calamine sees a workbook, every part it reads is inflated once through Python's zip reader
(checksums verified: a member that inflates beyond its declared size is refused) and each sheet's
cell references are scanned for its extent: a sheet over :data:`MAX_ROWS` rows, or sheets over
:data:`MAX_CELLS` cells (rows x columns) together, are refused before the grid is made.

Whatever a malformed workbook makes calamine, the XML parser or the zip reader raise ends in a
refusal naming the file, never a traceback.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import ParseError, XMLPullParser

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from bulletin.data.importers.base import ImportRefusedError, refuse

XLSX_MAGIC = b"PK\x03\x04"
MAX_UNCOMPRESSED_BYTES = 200_000_000
"""All members of an archive together, uncompressed (the largest official one: 41 MB, the IDS
CSV; the largest official workbook: 4.4 MB)."""
MAX_COMPRESSION_RATIO = 100
"""Uncompressed / compressed size of a member over 1 MB (the official files: at most 17)."""
RATIO_FLOOR_BYTES = 1_000_000
MAX_MEMBERS = 1_000
"""Files inside the archive (the official workbooks: at most 23)."""
MAX_ROWS = 1_000_000
"""Rows of one sheet, empty rows between filled ones included (the official ones: 11,015)."""
MAX_CELLS = 5_000_000
"""Cells of one workbook, each sheet counted as its rows times its columns (the official ones:
about 100,000)."""
PROBE_ROWS = 6
"""Rows of each sheet that format detection reads."""
PROBE_BLOCK = 1 << 16
"""Bytes of a sheet's XML the probe inflates at a time."""

# What calamine, the zip reader and the XML parser raise on a malformed archive or XML.
_MALFORMED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    ParseError,
    SyntaxError,
    CalamineError,
    NotImplementedError,
)
_RELATIONSHIP_TYPES = (
    "/officeDocument",
    "/worksheet",
    "/sharedStrings",
)
# A cell's or row's reference, `r="B12"` / `r="12"`: what places it in the sheet's grid (an
# attribute merely ending in r, or text that looks like one, can only make the bound larger).
_REFERENCE = re.compile(rb'r="([A-Z]*)([0-9]+)"')
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_CELL_REFERENCE = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


def is_xlsx(data_head: bytes) -> bool:
    """Whether a file's first bytes are those of a zip archive (an .xlsx workbook is one)."""
    return data_head.startswith(XLSX_MAGIC)


def archive_members(path: Path) -> list[zipfile.ZipInfo]:
    """The members of a zip archive, checked against the limits (nothing inflated).

    Raises:
        ImportRefusedError: the file is not a readable zip archive, or breaks a limit (see the
            module's docstring), naming the file and the limit.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise refuse(path.name, f"a readable zip archive or .xlsx workbook ({error})") from None
    if len(members) > MAX_MEMBERS:
        raise refuse(
            path.name,
            f"an archive of at most {MAX_MEMBERS:,} parts",
            got=f"a zip archive of {len(members):,} files",
        )
    names = [member.filename for member in members]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise refuse(
            path.name,
            "each file once in the zip archive (two members of one name are read differently "
            "by different tools)",
            got=f"'{twice[0]}' twice",
        )
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise refuse(
            path.name,
            f"an archive of at most {MAX_UNCOMPRESSED_BYTES / 1e6:,.0f} MB uncompressed (the "
            "importer's limit against zip bombs; official files are a few MB)",
            got=f"{total / 1e6:,.0f} MB uncompressed from {path.stat().st_size / 1e6:,.1f} MB",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise refuse(
                path.name,
                f"archive members compressed at most {MAX_COMPRESSION_RATIO} to 1 (the "
                "importer's limit against zip bombs; official files compress 4 to 17 to 1)",
                got=f"'{member.filename}' compressed {ratio:,.0f} to 1",
            )
    return members


def is_workbook_archive(names: list[str]) -> bool:
    """Whether a zip archive's member names are those of an .xlsx workbook."""
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


def check_archive(path: Path) -> None:
    """Refuse a zip archive that is not a workbook or that breaks the limits (nothing inflated).

    Raises:
        ImportRefusedError: naming the file and the limit.
    """
    path = Path(path)
    names = [member.filename for member in archive_members(path)]
    if not is_workbook_archive(names):
        inside = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
        raise refuse(
            path.name,
            "an .xlsx workbook, or a zip archive holding one CSV file",
            got=f"a zip archive holding {inside or 'nothing'}",
        )


# --- the workbook's structure ----------------------------------------------------------------


def _local(tag: str) -> str:
    """An element's name without its namespace (Transitional and Strict OOXML read the same)."""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _elements(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(local name, attributes by local name) of every element of a small XML part."""
    parser = XMLPullParser(events=("start",))
    parser.feed(archive.read(part))
    parser.close()
    for _, element in parser.read_events():
        yield _local(element.tag), {_local(k): v for k, v in element.attrib.items()}


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type's last segment, the target member's name)."""
    folder = posixpath.dirname(part)
    rels = posixpath.join(folder, "_rels", posixpath.basename(part) + ".rels")
    if rels not in archive.NameToInfo:
        return {}
    out = {}
    for name, attributes in _elements(archive, rels):
        if name != "Relationship" or attributes.get("TargetMode") == "External":
            continue
        target = attributes.get("Target", "")
        target = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        kind = "/" + attributes.get("Type", "").rsplit("/", 1)[-1]
        out[attributes.get("Id", "")] = (kind, posixpath.normpath(target))
    return out


def workbook_parts(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], str | None]:
    """The worksheets, in order, as (name, member), and the shared-strings member (or None).

    Chart and dialog sheets are left out. The workbook part is found through the package's
    relationships (``_rels/.rels``), or at its usual place.
    """
    package = _relationships(archive, "")
    main = next((target for kind, target in package.values() if kind == "/officeDocument"), None)
    if main is None or main not in archive.NameToInfo:
        main = "xl/workbook.xml"
    relationships = _relationships(archive, main)
    sheets = []
    for name, attributes in _elements(archive, main):
        if name != "sheet":
            continue
        kind, target = relationships.get(attributes.get("id", ""), ("", ""))
        if kind == "/worksheet" and target in archive.NameToInfo:
            sheets.append((attributes.get("name", ""), target))
    strings = next((t for kind, t in relationships.values() if kind == "/sharedStrings"), None)
    if strings not in archive.NameToInfo:
        strings = None
    return sheets, strings


# --- detection: the first rows, streamed ---------------------------------------------------


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    """The shared strings, each the text of its runs (phonetic runs left out)."""
    if part is None:
        return []
    strings: list[str] = []
    parser = XMLPullParser(events=("start", "end"))
    skip = 0
    current: list[str] = []
    with archive.open(part) as stream:
        for block in iter(lambda: stream.read(PROBE_BLOCK), b""):
            parser.feed(block)
            for event, element in parser.read_events():
                name = _local(element.tag)
                if name in ("rPh", "phoneticPr"):
                    skip += 1 if event == "start" else -1
                elif event == "end" and name == "t" and not skip:
                    current.append(element.text or "")
                elif event == "end" and name == "si":
                    strings.append("".join(current))
                    current = []
                    element.clear()
    return strings


def _cell_value(kind: str, text: str | None, inline: str | None, strings: list[str]) -> object:
    if kind == "inlineStr":
        return inline
    if text is None:
        return None
    if kind == "s":
        return strings[int(text)]
    if kind in ("str", "e", "d"):
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    try:
        return float(text)
    except ValueError:
        return text  # a number cell holding text: the reader refuses it where a number is due


def _probe_sheet(
    archive: zipfile.ZipFile, part: str, strings: list[str] | None, rows: int, load_strings
) -> list[tuple]:
    """The first ``rows`` rows of a sheet, inflating its XML a block at a time."""
    out: dict[int, dict[int, object]] = {}
    parser = XMLPullParser(events=("start", "end"))
    row_number = 0
    column = 0
    cell: dict[str, object] = {}
    with archive.open(part) as stream:
        for block in iter(lambda: stream.read(PROBE_BLOCK), b""):
            parser.feed(block)
            for event, element in parser.read_events():
                name = _local(element.tag)
                if event == "start" and name == "row":
                    reference = element.get("r")
                    row_number = int(reference) if reference else row_number + 1
                    column = 0
                    if row_number > rows:
                        return _dense(out, rows)
                elif event == "start" and name == "c":
                    reference = element.get("r")
                    match = _CELL_REFERENCE.match(reference or "")
                    column = _column_index(match.group(1)) if match else column + 1
                    cell = {"t": element.get("t", "n"), "v": None, "is": []}
                elif event == "end" and name == "v":
                    cell["v"] = element.text
                elif event == "end" and name == "t" and cell:
                    cell["is"].append(element.text or "")
                elif event == "end" and name == "c":
                    if cell["t"] == "s" and strings is None:
                        strings = load_strings()
                    value = _cell_value(
                        cell["t"], cell["v"], "".join(cell["is"]), strings or []
                    )
                    if value is not None and value != "":
                        out.setdefault(row_number, {})[column] = value
                    cell = {}
                    element.clear()
                elif event == "end" and name == "row":
                    element.clear()
    return _dense(out, rows)


def _dense(cells: dict[int, dict[int, object]], rows: int) -> list[tuple]:
    """Rows 1..n as tuples as wide as their last cell (rows after the last filled one dropped)."""
    last = max((number for number in cells if number <= rows), default=0)
    out = []
    for number in range(1, last + 1):
        row = cells.get(number, {})
        width = max(row, default=0)
        out.append(tuple(row.get(column) for column in range(1, width + 1)))
    return out


def probe_workbook(path: Path, rows: int = PROBE_ROWS) -> dict[str, list[tuple]]:
    """The first ``rows`` rows of every sheet, for format detection; the rest is not read.

    Raises:
        ImportRefusedError: as :func:`read_workbook`.
    """
    path = Path(path)
    check_archive(path)
    try:
        with zipfile.ZipFile(path) as archive:
            sheets, strings_part = workbook_parts(archive)
            strings: dict[str, list[str]] = {}

            def load_strings() -> list[str]:
                if "all" not in strings:
                    strings["all"] = _shared_strings(archive, strings_part)
                return strings["all"]

            return {
                name: _probe_sheet(archive, part, strings.get("all"), rows, load_strings)
                for name, part in sheets
            }
    except ImportRefusedError:
        raise
    except _MALFORMED as error:
        raise refuse(
            path.name, f"a readable .xlsx workbook ({type(error).__name__}: {error})"
        ) from error


# --- reading: calamine, after the limits --------------------------------------------------


def _extent(xml: bytes) -> tuple[int, int]:
    """An upper bound of a sheet's rows and columns as calamine places its cells.

    A cell or row with an ``r`` reference is placed there; one without follows the previous
    one, so each unreferenced row or cell can add one to the bound.
    """
    references = _REFERENCE.findall(xml)
    letters = {letter for letter, _ in references}
    numbers = {number for _, number in references}
    rows_referenced = sum(1 for letter, _ in references if not letter)
    if b":c" in xml or b":row" in xml:  # prefixed elements (<x:c>): the general patterns
        cells = len(_CELL_TAG.findall(xml))
        all_rows = len(_ROW_TAG.findall(xml))
    else:
        cells = sum(xml.count(b"<c" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
        all_rows = sum(
            xml.count(b"<row" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r")
        )
    last_row = max((int(number) for number in numbers), default=0)
    last_column = max((_column_index(letter.decode()) for letter in letters if letter), default=0)
    rows = last_row + max(all_rows - rows_referenced, 0)
    columns = last_column + max(cells - (len(references) - rows_referenced), 0)
    return rows, columns


def _checked_sheets(path: Path) -> list[str]:
    """Inflate every part once (checksums verified) and bound each sheet; the sheets' names."""
    check_archive(path)
    cells = 0
    with zipfile.ZipFile(path) as archive:
        sheets, _ = workbook_parts(archive)
        sheet_parts = {part: name for name, part in sheets}
        for member in archive.infolist():
            if member.filename in sheet_parts:
                rows, columns = _extent(archive.read(member))
                name = sheet_parts[member.filename]
                if rows > MAX_ROWS:
                    raise refuse(
                        path.name,
                        f"a sheet of at most {MAX_ROWS:,} rows (the importer's limit)",
                        line=MAX_ROWS + 1,
                        got="more rows",
                        where="row",
                        sheet=name,
                    )
                cells += rows * columns
                if cells > MAX_CELLS:
                    raise refuse(
                        path.name,
                        f"a workbook of at most {MAX_CELLS:,} cells (the importer's limit; each "
                        "sheet counts as its rows times its columns)",
                        got=f"{rows:,} rows and {columns:,} columns",
                        where="row",
                        sheet=name,
                    )
            else:
                # Read and dropped: the checksum proves the member inflates to its declared size.
                with archive.open(member) as stream:
                    while stream.read(1 << 20):
                        pass
    return [name for name, _ in sheets]


def _read(path: Path) -> dict[str, list[tuple]]:
    """Every worksheet's rows, within the limits."""
    try:
        names = _checked_sheets(path)
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            sheets = {}
            for name in names:
                grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                sheets[name] = [_row(values) for values in grid]
            return sheets
        finally:
            workbook.close()
    except ImportRefusedError:
        raise
    except _MALFORMED as error:
        raise refuse(
            path.name, f"a readable .xlsx workbook ({type(error).__name__}: {error})"
        ) from error
    except OSError as error:
        if error.errno is not None:
            raise  # the disk, not the file's content: the command reports it as such
        raise refuse(path.name, f"a readable .xlsx workbook ({error})") from error
    except BaseException as error:
        # A Rust panic inside calamine reaches Python as pyo3's PanicException, which derives
        # from BaseException: a malformed file, not an interrupt.
        if type(error).__name__ != "PanicException":
            raise
        raise refuse(path.name, f"a readable .xlsx workbook (calamine: {error})") from None


def _row(values: list) -> tuple:
    """A calamine row as a tuple, '' as None, as wide as its last cell."""
    width = len(values)
    while width and values[width - 1] == "":
        width -= 1
    return tuple(None if value == "" else value for value in values[:width])


@lru_cache(maxsize=8)
def _read_workbook(path: Path, stamp: tuple[int, int]) -> dict[str, list[tuple]]:
    return _read(path)


def read_workbook(path: Path) -> dict[str, list[tuple]]:
    """Every sheet of a workbook as a list of row tuples (row 1 first), cached per file version.

    Rows are as wide as their last cell (shorter rows are not padded); an empty cell is ``None``.

    Raises:
        ImportRefusedError: the file is not a readable workbook, or breaks a limit (see the
            module's docstring).
    """
    path = Path(path).resolve()
    status = path.stat()
    return _read_workbook(path, (status.st_mtime_ns, status.st_size))


def cell(row: tuple, index: int) -> object:
    """A row's cell by 0-based index (``None`` beyond the row's last cell)."""
    return row[index] if index < len(row) else None


def cell_text(value: object) -> str:
    """A cell as stripped text (empty for an empty cell), non-breaking spaces made plain."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\xa0", " ").strip()


def sheet_frame(
    rows: list[tuple], header_row: int, *, file: str = "<workbook>", sheet: str | None = None
) -> pd.DataFrame:
    """The rows below a header row as a frame of raw cell values, with a ``_row`` column.

    Args:
        rows: a sheet's rows (row 1 first).
        header_row: the 1-based row holding the column names (a sheet without it gives an
            empty frame).
        file: the workbook's name, for a refusal.
        sheet: the sheet's name, for a refusal.

    Raises:
        ImportRefusedError: the header names a column twice.
    """
    header = [cell_text(value) for value in rows[header_row - 1]] if len(rows) >= header_row else []
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    header = header[:width]
    repeated = [name for i, name in enumerate(header) if name and name in header[:i]]
    if repeated:
        raise refuse(
            file,
            "each column name once in the header",
            line=header_row,
            column=repeated[0],
            got="a second column of that name",
            where="row",
            sheet=sheet,
        )
    body = [tuple(row[:width]) + (None,) * (width - len(row)) for row in rows[header_row:]]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame["_row"] = range(header_row + 1, header_row + 1 + len(body))
    empty = frame[header].isna().all(axis=1)
    return frame[~empty].reset_index(drop=True)
