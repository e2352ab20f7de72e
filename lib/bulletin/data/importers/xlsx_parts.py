"""The parts of an .xlsx workbook, and format detection's look at the first rows of each sheet.

Detection reads only the first :data:`PROBE_ROWS` rows of each sheet, with a small streaming XML
reader of its own (:func:`probe_workbook`) that matches elements by local name (so Strict and
prefixed XML read the same) and stops after those rows. :func:`workbook_parts` finds the
worksheets and the shared strings through the package's relationships, for detection and for
the full read (``bulletin.data.importers.xlsxio``) alike.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError, XMLPullParser

from python_calamine import CalamineError

from bulletin.data.importers.archives import check_archive
from bulletin.data.importers.base import ImportRefusedError, refuse

PROBE_ROWS = 6
"""Rows of each sheet that format detection reads."""
PROBE_BLOCK = 1 << 16
"""Bytes of a sheet's XML the probe inflates at a time."""

MALFORMED = (
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
"""What calamine, the zip reader and the XML parser raise on a malformed archive or XML."""
_RELATIONSHIP_TYPES = (
    "/officeDocument",
    "/worksheet",
    "/sharedStrings",
)
_CELL_REFERENCE = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


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


def column_index(letters: str) -> int:
    """A column's letters as its 1-based number (``A`` is 1, ``AA`` is 27)."""
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
                    column = column_index(match.group(1)) if match else column + 1
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
        ImportRefusedError: as :func:`bulletin.data.importers.xlsxio.read_workbook`.
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
    except MALFORMED as error:
        raise unreadable(path, error) from error


def unreadable(path: Path, error: BaseException) -> ImportRefusedError:
    """The refusal of a workbook that one of :data:`MALFORMED` stopped (raise the result)."""
    return refuse(path.name, f"a readable .xlsx workbook ({type(error).__name__}: {error})")
