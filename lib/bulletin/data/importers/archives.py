"""Zip archives (workbooks, zipped CSV files) checked against limits before anything is inflated.

A workbook is a zip archive of XML files, and a small archive can expand enormously (a "zip
bomb": 9 MB that inflate to 1.2 GB). Before anything is parsed, the archive's directory (a few
bytes per member, nothing inflated) is checked against limits set far above the official files
the project reads (``../shared/data/official/``: at most 23 members, 4.4 MB uncompressed, members
compressed at most 17 to 1):

- the members together at most :data:`MAX_UNCOMPRESSED_BYTES` uncompressed;
- no member over 1 MB compressed more than :data:`MAX_COMPRESSION_RATIO` to 1;
- at most :data:`MAX_MEMBERS` members, no name twice.

Python's zip reader never inflates a member beyond the size the directory declares (it stops
there and the checksum fails), so the declared sizes bound the work. What a workbook's sheets
may hold once inflated is bounded by ``bulletin.data.importers.xlsxio``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from bulletin.data.importers.base import refuse

XLSX_MAGIC = b"PK\x03\x04"
"""The first bytes of a zip archive (an .xlsx workbook is one)."""
MAX_UNCOMPRESSED_BYTES = 200_000_000
"""All members of an archive together, uncompressed (the largest official one: 41 MB, the IDS
CSV; the largest official workbook: 4.4 MB)."""
MAX_COMPRESSION_RATIO = 100
"""Uncompressed / compressed size of a member over 1 MB (the official files: at most 17)."""
RATIO_FLOOR_BYTES = 1_000_000
"""Members smaller than this (uncompressed) are not held to the compression ratio."""
MAX_MEMBERS = 1_000
"""Files inside the archive (the official workbooks: at most 23)."""

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
