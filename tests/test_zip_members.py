"""Reading a zipped CSV: ``bulletin.data.importers.archives.open_member`` and its inflater.

A deflated member is inflated by ISA-L rather than by ``zipfile``; these tests hold it to what
``zipfile`` guarantees: the same bytes, however they are asked for, and ``zipfile.BadZipFile`` for
a damaged or lying archive, never more bytes than the archive's directory declares.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from bulletin.data.importers.archives import InflatedMember, open_member


def _zip(path: Path, data: bytes, method: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("cases.csv", data)
    with zipfile.ZipFile(path) as archive:
        return archive.getinfo("cases.csv")


def _csv(rows: int) -> bytes:
    rng = random.Random(rows)
    return b"".join(
        b"KG-%d,2016-03-%02d,Kyrgyzstan,Heroin,%.5f,Gram\n" % (n, n % 28 + 1, rng.random())
        for n in range(rows)
    )


def _read_in_pieces(stream, sizes: list[int]) -> bytes:
    parts = []
    for size in sizes:
        part = stream.read(size)
        if not part:
            break
        parts.append(part)
    return b"".join(parts) + stream.read()


@pytest.mark.parametrize("sizes", [[-1], [1, 7, 4096], [1 << 20] * 3, [65_537] * 40])
def test_a_deflated_member_reads_as_zipfile_reads_it_whatever_the_sizes_asked(
    tmp_path: Path, sizes: list[int]
) -> None:
    data = _csv(60_000)  # 2.9 MB: several blocks of compressed bytes
    _zip(tmp_path / "cases.zip", data)
    with open_member(tmp_path / "cases.zip", "cases.csv") as stream:
        assert isinstance(stream, InflatedMember)  # ISA-L's path, not zipfile's
        assert _read_in_pieces(stream, sizes) == data
        assert stream.read() == b"" and stream.read(10) == b""
    assert stream.closed


def test_a_stored_member_is_read_by_zipfile(tmp_path: Path) -> None:
    data = _csv(200)
    _zip(tmp_path / "cases.zip", data, zipfile.ZIP_STORED)
    with open_member(tmp_path / "cases.zip", "cases.csv") as stream:
        assert not isinstance(stream, InflatedMember)
        assert stream.read() == data


def test_an_empty_member_reads_as_nothing(tmp_path: Path) -> None:
    member = _zip(tmp_path / "cases.zip", b"")
    with InflatedMember(tmp_path / "cases.zip", member) as stream:
        assert stream.read() == b""


def test_damaged_compressed_bytes_are_a_bad_zip(tmp_path: Path) -> None:
    path = tmp_path / "cases.zip"
    member = _zip(path, _csv(20_000))
    content = bytearray(path.read_bytes())
    at = member.header_offset + 30 + len("cases.csv") + member.compress_size // 2
    content[at : at + 16] = bytes(16)
    path.write_bytes(bytes(content))
    with InflatedMember(path, member) as stream, pytest.raises(zipfile.BadZipFile):
        stream.read()


def test_a_wrong_checksum_is_a_bad_zip(tmp_path: Path) -> None:
    path = tmp_path / "cases.zip"
    member = _zip(path, _csv(500))
    member.CRC ^= 1
    with InflatedMember(path, member) as stream:
        with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
            stream.read()


def test_no_byte_is_inflated_beyond_the_size_the_directory_declares(tmp_path: Path) -> None:
    """A zip bomb may declare a small size: reading stops there, and the checksum then fails."""
    path = tmp_path / "cases.zip"
    data = _csv(5_000)
    member = _zip(path, data)
    member.file_size = 1_000
    with InflatedMember(path, member) as stream:
        with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
            stream.read(4_000)
    member.CRC = zipfile.crc32(data[:1_000])
    with InflatedMember(path, member) as stream:
        assert stream.read(4_000) == data[:1_000]
        assert stream.read() == b""


def test_a_member_shorter_than_declared_is_a_bad_zip(tmp_path: Path) -> None:
    path = tmp_path / "cases.zip"
    member = _zip(path, _csv(500))
    member.file_size += 10
    with InflatedMember(path, member) as stream:
        with pytest.raises(zipfile.BadZipFile, match="shorter than the archive declares"):
            stream.read()


def test_an_archive_cut_short_is_a_bad_zip(tmp_path: Path) -> None:
    path = tmp_path / "cases.zip"
    member = _zip(path, _csv(20_000))
    start = member.header_offset + 30 + len("cases.csv")
    path.write_bytes(path.read_bytes()[: start + member.compress_size // 2])
    with InflatedMember(path, member) as stream:
        with pytest.raises(zipfile.BadZipFile, match="ends inside the member"):
            stream.read()


def test_a_local_header_that_names_another_file_is_a_bad_zip(tmp_path: Path) -> None:
    path = tmp_path / "cases.zip"
    member = _zip(path, _csv(50))
    content = bytearray(path.read_bytes())
    name_at = member.header_offset + 30
    content[name_at : name_at + 5] = b"other"
    path.write_bytes(bytes(content))
    with pytest.raises(zipfile.BadZipFile, match="local header"):
        InflatedMember(path, member)
    with zipfile.ZipFile(path) as archive, pytest.raises(zipfile.BadZipFile):
        archive.open("cases.csv")  # as zipfile itself says


class _Unseekable(io.RawIOBase):
    """A file zipfile cannot seek back in: it writes each member's sizes after its data."""

    def __init__(self, path: Path):
        self.out = path.open("wb")

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return self.out.write(data)

    def close(self) -> None:
        self.out.close()
        super().close()


@pytest.mark.parametrize("way", ["data descriptor", "zip64", "UTF-8 name"])
def test_archives_written_in_other_ways_are_inflated_too(tmp_path: Path, way: str) -> None:
    path, name, data = tmp_path / "cases.zip", "cases.csv", _csv(20_000)
    if way == "data descriptor":  # as a program streaming its output writes it
        with _Unseekable(path) as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            with archive.open(name, "w") as member:
                member.write(data)
    else:
        name = "сводка за квартал.csv" if way == "UTF-8 name" else name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            with archive.open(name, "w", force_zip64=way == "zip64") as member:
                member.write(data)
    with zipfile.ZipFile(path) as archive:
        sizes_after_data = archive.getinfo(name).flag_bits & 0x8
    assert bool(sizes_after_data) == (way == "data descriptor")
    with open_member(path, name) as stream:
        assert isinstance(stream, InflatedMember)
        assert stream.read() == data
