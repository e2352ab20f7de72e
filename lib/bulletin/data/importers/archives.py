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
there and the checksum fails), nor does :class:`InflatedMember`, the reader of a zipped CSV, so
the declared sizes bound the work. What a workbook's sheets may hold once inflated is bounded by
``bulletin.data.importers.xlsxio``.

A zipped CSV (UNODC's IDS report: 41 MB in a 2.4 MB zip) is inflated by :class:`InflatedMember`
with ISA-L (``isal``), about twice as fast as zlib, in which Python's zip reader spends most of
the time it takes to read that file.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

from bulletin.data.importers.base import refuse

try:
    from isal import isal_zlib as _inflating
except ImportError:  # pragma: no cover - isal is a dependency, with wheels for the usual platforms
    import zlib as _inflating

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


_LOCAL_HEADER = struct.Struct("<4s2xH18xHH")
"""A member's local header: its signature, flags, and its name's and extra's lengths."""
_NOT_PLAIN = 0x1 | 0x20 | 0x40
"""Flags of an encrypted or patched member, left to ``zipfile`` (which refuses them)."""
_READ_BLOCK = 1 << 18
"""Compressed bytes read from the archive at a time."""


class InflatedMember(io.RawIOBase):
    """A deflated member of a zip archive, inflated as it is read; a binary stream.

    What Python's ``zipfile`` checks, it checks too: the member's local header (its signature and
    the name the directory gives), no byte inflated beyond the size the directory declares, the
    whole declared size present, and the CRC-32 once the last byte is read. Any of these failing
    (or the compressed bytes themselves) raises ``zipfile.BadZipFile``, as ``zipfile`` does.
    Use :func:`open_member`, which takes ``zipfile``'s own reader for any other member.
    """

    def __init__(self, path: Path, member: zipfile.ZipInfo):
        """Open the archive and find the member's compressed bytes."""
        super().__init__()
        self.name = member.filename
        self._member = member
        self._file = Path(path).open("rb")
        try:
            self._file.seek(member.header_offset)
            fixed = self._file.read(_LOCAL_HEADER.size)
            name = b""
            if len(fixed) == _LOCAL_HEADER.size:
                signature, flags, name_length, extra_length = _LOCAL_HEADER.unpack(fixed)
                name = self._file.read(name_length) if signature == XLSX_MAGIC else b""
            encoding = "utf-8" if name and flags & 0x800 else "cp437"
            if not name or name.decode(encoding, errors="replace") != member.orig_filename:
                raise zipfile.BadZipFile(f"{member.filename}: the member's local header is damaged")
            self._file.seek(extra_length, 1)
        except BaseException:
            self._file.close()
            raise
        self._inflater = _inflating.decompressobj(-15)
        self._compressed_left = member.compress_size
        self._left = member.file_size
        self._pending = b""
        self._crc = 0

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` inflated bytes (all that are left when ``size`` is negative)."""
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        parts = []
        while wanted > 0:
            if self._inflater.eof:
                raise zipfile.BadZipFile(f"{self.name}: shorter than the archive declares")
            if not self._pending:
                self._pending = self._file.read(min(_READ_BLOCK, self._compressed_left))
                self._compressed_left -= len(self._pending)
                if not self._pending:
                    raise zipfile.BadZipFile(f"{self.name}: the archive ends inside the member")
            try:
                data = self._inflater.decompress(self._pending, wanted)
            except _inflating.error as error:
                raise zipfile.BadZipFile(f"{self.name}: {error}") from error
            self._pending = self._inflater.unconsumed_tail
            self._crc = _inflating.crc32(data, self._crc)
            parts.append(data)
            wanted -= len(data)
            self._left -= len(data)
        if self._left == 0 and self._crc != self._member.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {self.name!r}")
        return b"".join(parts)

    def readable(self) -> bool:
        """Always: a reader."""
        return True

    def close(self) -> None:
        """Close the stream and the archive's file."""
        file = getattr(self, "_file", None)  # None: the archive could not be opened
        if file is not None:
            file.close()
        super().close()


def open_member(path: Path, filename: str):
    """A member of a zip archive as a binary stream, inflated as it is read.

    A deflated member (nearly every zip) is read by :class:`InflatedMember`; any other (stored,
    bzip2, encrypted...) by ``zipfile``, whose errors then apply. Closing the stream closes the
    archive.
    """
    archive = zipfile.ZipFile(path)
    try:
        member = archive.getinfo(filename)
        if member.compress_type == zipfile.ZIP_DEFLATED and not member.flag_bits & _NOT_PLAIN:
            archive.close()
            return InflatedMember(path, member)
        return _Closing(archive.open(member), archive)
    except BaseException:
        archive.close()
        raise


class _Closing(io.RawIOBase):
    """A member's stream from ``zipfile`` that closes its archive with it."""

    def __init__(self, stream, archive: zipfile.ZipFile):
        super().__init__()
        self._stream, self._archive = stream, archive

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._stream.close()
        self._archive.close()
        super().close()
