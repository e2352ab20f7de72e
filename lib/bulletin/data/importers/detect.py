"""Tell a file's format from the file itself (never from its name).

A workbook (zip magic bytes) is told by its sheets and the first rows of each (only those are
read: ``bulletin.data.importers.xlsx_parts.probe_workbook``, after the archive's limits are checked); a
text file by its header line. A zip archive that is not a workbook but holds one text file
(``.csv``, ``.txt``, ``.tsv``: UNODC's IDS export comes so) is told by that file's header line,
read from inside the archive after the same limits are checked (nothing is unpacked to disk;
``bulletin.data.importers.textio.read_bytes`` and the IDS reader read the file from the archive too).
A file that is none of the known formats, or a zip archive holding anything else, is refused
with what it has and the formats the importer knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bulletin.data.importers.archives import is_xlsx
from bulletin.data.importers.base import FileReport, ImportedTable, refuse
from bulletin.data.importers.textio import archived_text
from bulletin.data.importers.xlsx_parts import PROBE_ROWS, probe_workbook
from bulletin.data.importers.xlsxio import cell_text

PROBE_BYTES = 1 << 16


@dataclass(frozen=True)
class ImportOptions:
    """Choices the command line passes to the readers.

    Attributes:
        scope: ISO3 codes of the countries kept (``None``: every country).
        country: the country of a national file that does not name it (Open SDG CSV).
    """

    scope: frozenset[str] | None
    country: str | None = None


Reader = Callable[[Path, ImportOptions, FileReport], list[ImportedTable]]


@dataclass(frozen=True)
class Format:
    """A file format the importer knows: its name, what it is, and its reader."""

    name: str
    description: str
    reader: Reader


@dataclass(frozen=True)
class Probe:
    """What detection looks at: text lines for a text file, first rows per sheet for a workbook."""

    path: Path
    kind: str  # "text" or "xlsx"
    lines: tuple[str, ...] = ()
    sheets: dict[str, list[tuple[str, ...]]] | None = None
    member: str | None = None  # the text file inside a zip archive


def probe(path: Path) -> Probe:
    """Read just enough of a file to tell its format; refuse an empty or missing one."""
    path = Path(path)
    if not path.is_file():
        raise refuse(path.name, "an existing file", got=str(path))
    with path.open("rb") as handle:
        head = handle.read(PROBE_BYTES)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise refuse(path.name, "a header line and rows", got="an empty file")
    member = None
    if is_xlsx(head):
        archived = archived_text(path)
        if archived is None:
            sheets = {
                name: [tuple(cell_text(value) for value in row) for row in rows]
                for name, rows in probe_workbook(path, PROBE_ROWS).items()
            }
            return Probe(path, "xlsx", sheets=sheets)
        member = archived.filename
        head = archived.head(PROBE_BYTES)
        if not head.strip(b" \t\r\n\xef\xbb\xbf"):
            raise refuse(path.name, f"a header line and rows in '{member}'", got="an empty file")
    text = head.decode("utf-8-sig", errors="replace")
    lines = tuple(line.rstrip("\r") for line in text.split("\n")[:PROBE_ROWS])
    return Probe(path, "text", lines=lines, member=member)


def split_header(line: str, delimiter: str) -> tuple[str, ...]:
    """A header line's names, stripped of blanks and quotes."""
    return tuple(name.strip().strip('"').strip() for name in line.split(delimiter))


_DETECTORS: list[tuple[Callable[[Probe], bool], Format]] = []


def register(test: Callable[[Probe], bool], file_format: Format) -> None:
    """Add a format to detection (tests run in registration order)."""
    _DETECTORS.append((test, file_format))


def known_formats() -> list[Format]:
    """The registered formats, in detection order."""
    return [file_format for _, file_format in _DETECTORS]


def detect(path: Path) -> Format:
    """The format of a file.

    Raises:
        ImportRefusedError: the file is missing, empty, or none of the known formats.
    """
    seen = probe(path)
    for test, file_format in _DETECTORS:
        if test(seen):
            return file_format
    if seen.kind == "xlsx":
        firsts = "; ".join(
            f"sheet '{name}' row {i + 1}: {', '.join(v for v in row if v)[:120]}"
            for name, rows in (seen.sheets or {}).items()
            for i, row in enumerate(rows[:3])
            if any(row)
        )
        got, line, where = firsts or "no rows", None, "row"
    else:
        got, line, where = seen.lines[0][:200], 1, "line"
        if seen.member:
            got = f"in '{seen.member}': {got}"
    names = "; ".join(file_format.description for file_format in known_formats())
    raise refuse(
        Path(path).name,
        f"a header the importer recognises, one of: {names}",
        line=line,
        got=got,
        where=where,
    )
