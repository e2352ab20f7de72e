"""The line of the file each parsed IDS row begins on, found without a Python loop per row.

pyarrow numbers the rows it parses; a message must name the line a person finds in an editor,
where a quoted cell spanning lines and a blank line each count. Row i is line i + 2 unless the
file has such lines; then the few newlines that end no record are located: while a zipped CSV
is inflated (:class:`CountingStream` looks at the bytes as they pass), or afterwards in the
file's bytes (:func:`record_lines`). When even that disagrees with the parser, the file is read
again row by row (``bulletin.data.importers.textio``). :class:`Lines` looks them up only when a
message or a case id asks for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bulletin.data.importers.textio import decode_utf8, read_bytes, read_delimited


@dataclass
class _Scan:
    """Where a CSV's newlines and quotes are (byte offsets), for the lines records begin on."""

    newline_at: np.ndarray
    quote_at: np.ndarray
    size: int
    chunks: list[bytes]
    chunk_starts: np.ndarray

    @classmethod
    def of(cls, data: bytes) -> _Scan:
        view = np.frombuffer(data, np.uint8)
        return cls(
            np.flatnonzero(view == 10), np.flatnonzero(view == 34), len(data), [data],
            np.zeros(1, dtype=np.int64),
        )

    def byte_at(self, offsets: np.ndarray) -> np.ndarray:
        """The bytes at some offsets (each inside the file)."""
        which = np.searchsorted(self.chunk_starts, offsets, side="right") - 1
        return np.array(
            [self.chunks[c][o - self.chunk_starts[c]] for c, o in zip(which, offsets, strict=True)],
            dtype=np.uint8,
        )


def count_newlines(data: bytes) -> int:
    """How many newline bytes a block holds.

    Counted by numpy, which is about four times faster than ``bytes.count`` on a block of a
    megabyte and does not hold the interpreter's lock while pyarrow's threads parse.
    """
    return int(np.count_nonzero(np.frombuffer(data, np.uint8) == 10))


class CountingStream:
    """A CSV inside a zip archive, inflated as pyarrow reads it, and looked at as it passes.

    Its newlines are counted and the few that fall inside a quoted cell are noted (with the number
    of newlines before each), so that the lines rows begin on are known without keeping or
    reading the file again. Blank lines are not looked for here (searching them is slow where
    newlines are many): when the counts show some, :class:`Lines` reads the file again.
    """

    def __init__(self, stream):
        """Wrap the open member of the archive."""
        self.stream = stream
        self.newline_count = 0
        self.quoted_newlines: list[int] = []  # for each newline inside quotes, newlines before
        self.quoted = False  # whether the bytes read so far end inside a quoted cell
        self.size = 0
        self.last = b"\n"
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        """Inflate and return up to ``size`` bytes, counting their newlines as they pass."""
        data = self.stream.read(size)
        if data:
            self._look(data)
            self.size += len(data)
            self.last = data[-1:]
        return data

    def _look(self, data: bytes) -> None:
        at = data.find(b'"')
        if at >= 0 or self.quoted:
            position, quoted = 0, self.quoted
            while True:
                end = len(data) if at < 0 else at
                if quoted:
                    newline = data.find(b"\n", position, end)
                    while newline >= 0:
                        self.quoted_newlines.append(
                            self.newline_count + data.count(b"\n", 0, newline)
                        )
                        newline = data.find(b"\n", newline + 1, end)
                if at < 0:
                    break
                quoted, position = not quoted, at + 1
                at = data.find(b'"', position)
            self.quoted = quoted
        self.newline_count += count_newlines(data)

    def readable(self) -> bool:
        """Always: pyarrow reads it as a file."""
        return True

    def close(self) -> None:
        """Close the archive's member (once)."""
        if not self.closed:
            self.stream.close()
            self.closed = True

    @property
    def ends_with_newline(self) -> bool:
        """Whether the bytes read so far end with a newline."""
        return self.last == b"\n"

    def shifts(self, rows: int) -> np.ndarray | None:
        """Where newlines inside quotes push rows down a line; None when the counts do not add up.

        Of ``rows`` parsed rows, row r begins on line ``r + 2`` plus the number of these values
        at or below r (:meth:`Lines.of`). The counts do not add up with blank lines, another line
        ending or an unclosed quote.
        """
        extras = len(self.quoted_newlines)
        last = 0 if self.ends_with_newline or not self.size else 1
        if self.quoted or self.newline_count - extras + last != rows + 1:
            return None
        # The k-th newline inside quotes lies in the record after those ended before it.
        return np.asarray(self.quoted_newlines, dtype=np.int64) - np.arange(extras)


def _positions(chunks: list[bytes], starts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Every newline and quote of the blocks (offsets in the file), block by block."""
    newlines, quotes = [], []
    for start, chunk in zip(starts, chunks, strict=True):
        view = np.frombuffer(chunk, np.uint8)
        newlines.append(np.flatnonzero(view == 10) + start)
        quotes.append(np.flatnonzero(view == 34) + start)
    empty = np.zeros(0, dtype=np.int64)
    return (
        np.concatenate(newlines) if newlines else empty,
        np.concatenate(quotes) if quotes else empty,
    )


class KeptLines(Sequence):
    """The input line of each kept row, found only when a message asks for one."""

    def __init__(self, lines: Lines, selection: np.ndarray | None, rows: int):
        """The lines of the parsed rows, and the parsed rows kept (``None``: all of them)."""
        self.lines, self.selection, self.rows = lines, selection, rows

    def __len__(self) -> int:
        """How many rows were kept."""
        return self.rows

    def __getitem__(self, index):
        """The input line of a kept row (or a list of them, for a slice)."""
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.rows))]
        row = index if self.selection is None else self.selection[index]
        return int(self.lines.of(np.array([row]))[0])


class Lines:
    """Line numbers of the parsed rows, found only when asked for.

    Row i is line i + 2 unless the file has blank or multi-line rows; then they are found from
    the file's bytes (:func:`record_lines`), or, if that disagrees with the parser, by reading
    the file row by row.
    """

    def __init__(self, path: Path, delimiter: str, rows: int, exact: bool, stream=None):
        """The file, its parsed rows, whether row i is line i + 2 (``exact``), its stream."""
        self.path, self.delimiter, self.rows, self.exact = path, delimiter, rows, exact
        self.stream = stream  # the CountingStream that looked at the file, if any
        self._shifts: np.ndarray | None = None  # from the stream (the lines of the rows asked)
        self._numbers: np.ndarray | None = None  # otherwise, the line of every row

    def of(self, rows: np.ndarray) -> np.ndarray:
        """The line each of some parsed rows (0-based) begins on."""
        rows = np.asarray(rows)
        if self.exact:
            return rows + 2
        if self._shifts is None and self._numbers is None:
            self._shifts = self.stream.shifts(self.rows) if self.stream is not None else None
            if self._shifts is None:
                self._numbers = self._find()
        if self._shifts is not None:
            return rows + 2 + np.searchsorted(self._shifts, rows, side="right")
        return self._numbers[rows]

    def _find(self) -> np.ndarray:
        data = read_bytes(self.path)
        chunks, starts, newlines = [data], [0], [data.count(b"\n")]
        quick = _quick_lines(chunks, starts, newlines, self.rows)
        if quick is not None:
            return quick
        scan = _Scan(
            *_positions(chunks, starts), starts[-1] + len(chunks[-1]) if chunks else 0,
            chunks, np.asarray(starts or [0], dtype=np.int64),
        )
        found = _record_lines(scan)
        if len(found) == self.rows + 1:
            return found[1:]
        text = decode_utf8(self.path, b"".join(chunks), self.delimiter)
        return np.asarray(read_delimited(self.path, text, self.delimiter)[2])


def _pattern_offsets(chunks: list[bytes], starts: list[int], pattern: bytes) -> list[int]:
    """Where ``pattern`` starts in the blocks taken together (matches across two blocks too)."""
    found = []
    keep = len(pattern) - 1
    for block, (start, chunk) in enumerate(zip(starts, chunks, strict=True)):
        at = chunk.find(pattern)
        while at >= 0:
            found.append(start + at)
            at = chunk.find(pattern, at + 1)
        if keep and block + 1 < len(chunks):
            # The few bytes around the border with the next blocks, copied: nothing else is.
            head, following = chunk[-keep:], b""
            for later in chunks[block + 1 :]:
                following += later[: keep - len(following)]
                if len(following) >= keep:
                    break
            window = head + following
            base = start + len(chunk) - len(head)
            at = window.find(pattern)
            while at >= 0:
                if at < len(head) and at + len(pattern) > len(head):
                    found.append(base + at)
                at = window.find(pattern, at + 1)
    return found


def _quick_lines(
    chunks: list[bytes], starts: list[int], newlines: list[int], rows: int
) -> np.ndarray | None:
    """The line each parsed row begins on, from the few newlines that do not end a record.

    A newline inside a quoted cell, or ending a blank line, takes a line number without ending
    a row; every other newline ends one. Only quotes are located (in the blocks that have any)
    and the blank lines; the newlines before each of those few are counted in its block. None
    when the counts do not add up to the parser's rows (another line ending, stray quotes): the
    caller then locates every newline.
    """
    quote_at = np.asarray(_pattern_offsets(chunks, starts, b'"'), dtype=np.int64)
    if len(quote_at) % 2:
        return None
    size = starts[-1] + len(chunks[-1]) if chunks else 0
    block_starts = np.asarray(starts, dtype=np.int64)
    before_block = np.concatenate([[0], np.cumsum(newlines)[:-1]]) if newlines else np.zeros(1)

    def newlines_before(offset: int) -> int:
        block = int(np.searchsorted(block_starts, offset, side="right") - 1)
        return int(before_block[block]) + chunks[block].count(b"\n", 0, offset - starts[block])

    extras = _quoted_newlines(chunks, starts, quote_at)
    total = int(sum(newlines))
    ends_with_newline = bool(chunks) and chunks[-1][-1:] == b"\n"
    last = 0 if ends_with_newline or not size else 1  # a last row without its newline
    # Each blank line is one newline more than the records account for: look for them only
    # when there is one (searching a two-byte pattern is slow where newlines are many).
    if total - len(extras) + last != rows + 1:
        extras += [
            (offset, 0)
            for offset in _blank_lines(chunks, starts)
            if not np.searchsorted(quote_at, offset) % 2  # not inside quotes
        ]
    extras.sort()
    shifted_from = []
    for done, (offset, quoted) in enumerate(extras):
        records = newlines_before(offset) - done  # records ended before it, header included
        shifted_from.append(records if quoted else records - 1)
    if total - len(extras) + last != rows + 1:
        return None
    shifts = np.searchsorted(
        np.sort(np.asarray(shifted_from, dtype=np.int64)), np.arange(rows), side="right"
    )
    return np.arange(rows) + 2 + shifts


def _quoted_newlines(
    chunks: list[bytes], starts: list[int], quote_at: np.ndarray
) -> list[tuple[int, int]]:
    """The newlines inside quoted cells, as ``(offset, 1)``: each takes a line, ends no record."""
    block_starts = np.asarray(starts, dtype=np.int64)
    extras: list[tuple[int, int]] = []
    for opening, closing in zip(quote_at[0::2], quote_at[1::2], strict=True):
        first = int(np.searchsorted(block_starts, opening, side="right") - 1)
        last = int(np.searchsorted(block_starts, closing, side="right") - 1)
        for block in range(first, last + 1):
            chunk, start = chunks[block], starts[block]
            at = chunk.find(b"\n", max(int(opening) - start, 0), int(closing) - start)
            while at >= 0:
                extras.append((start + at, 1))
                at = chunk.find(b"\n", at + 1, int(closing) - start)
    return extras


def _blank_lines(chunks: list[bytes], starts: list[int]) -> list[int]:
    r"""The offsets of the blank lines (``\n`` or ``\r\n`` alone), quoted or not."""
    blank = [p + 1 for p in _pattern_offsets(chunks, starts, b"\n\n")]
    blank += [p + 2 for p in _pattern_offsets(chunks, starts, b"\n\r\n")]
    lead = b""
    for chunk in chunks:
        lead += chunk[: 2 - len(lead)]
        if len(lead) >= 2:
            break
    if lead[:1] == b"\n":
        blank.append(0)
    if lead == b"\r\n":
        blank.append(1)
    return blank


def record_lines(data: bytes) -> np.ndarray:
    r"""The line (1-based, as an editor counts) each CSV record starts on, header included.

    A newline ends a record when an even number of quotes come before it (a quoted cell may
    span lines; a doubled quote inside one keeps the count even); empty lines are no records.

    >>> record_lines(b'a,b\n1,"x\ny"\n\n2,z\n').tolist()
    [1, 2, 5]
    """
    return _record_lines(_Scan.of(data))


def _record_lines(scan: _Scan) -> np.ndarray:
    ends = (np.searchsorted(scan.quote_at, scan.newline_at) % 2) == 0
    end_at = scan.newline_at[ends]
    starts = np.concatenate([[0], end_at + 1])
    stops = np.concatenate([end_at, [scan.size]])
    start_lines = np.concatenate([[1], np.flatnonzero(ends) + 2])
    length = stops - starts
    one = np.flatnonzero(length == 1)
    carriage = np.zeros(len(starts), dtype=bool)
    if len(one):
        carriage[one] = scan.byte_at(starts[one]) == 13
    return start_lines[(length > 0) & ~carriage]
