"""Tables already checked, remembered: the same bytes are not parsed and checked again.

Reading a table parses its CSV and checks every row against its schema and the vocabularies
(:func:`bulletin.data.tables.load_table`): a fifth of a second for most tables, most of a second for
the IDS cases, paid by every notebook that reads it, in every render. A table read again with the
same content is now taken from the user's cache instead: the checked frame and the line each row
began on, pickled (the one format that gives back the very frame, dtypes and missing values
included), in a folder only the user can write (``0700``, checked before anything is read from it).

What the cache is keyed by (SHA-256 of all of it), so that nothing but the same answer comes back:

- the table's name and the file's bytes;
- the code that decides the checked form: every module of the library's ``data`` and ``core``
  packages, by content;
- the reference vocabularies the table is checked against (:func:`bulletin.core.paths.reference_dir`),
  by content;
- the versions of Python, pandas, pandera, pyarrow and numpy.

A table that breaks its schema is never remembered (its error comes from the check, every time).
The cache lives in ``$XDG_CACHE_HOME/bulletin/tables`` (``~/.cache/bulletin/tables``), keeps the
:data:`MAX_ENTRIES` most recently used tables, and is only an optimisation: an entry that cannot be
read or written means reading the CSV. ``BULLETIN_TABLE_CACHE=0`` turns it off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import time
from functools import cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from bulletin.core.files import write_atomic

log = logging.getLogger(__name__)

CACHE_ENV = "BULLETIN_TABLE_CACHE"
"""``0`` turns the cache of checked tables off."""
MAX_ENTRIES = 200
"""Tables kept; the least recently used go first."""
_LIBRARY = Path(__file__).resolve().parent.parent  # lib/bulletin


def cache_folder() -> Path | None:
    """Where checked tables are kept; ``None`` when the cache is turned off."""
    if os.environ.get(CACHE_ENV, "").strip() == "0":
        return None
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "bulletin" / "tables"


def _add_files(digest: hashlib._Hash, paths: list[Path], root: Path) -> None:
    for path in paths:
        try:
            content = path.read_bytes()
        except OSError:
            continue
        digest.update(f"{path.relative_to(root)}\0{len(content)}\0".encode() + content)


@cache
def checking_code(reference: Path) -> str:
    """A digest of what decides a table's checked form, besides its bytes (see the module)."""
    digest = hashlib.sha256(sys.version.encode())
    for package in ("data", "core"):
        folder = _LIBRARY / package
        _add_files(digest, sorted(folder.rglob("*.py")), _LIBRARY)
    if reference.is_dir():
        _add_files(digest, sorted(p for p in reference.iterdir() if p.is_file()), reference)
    for name in ("pandas", "pandera", "pyarrow", "numpy"):
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none\0".encode())
    return digest.hexdigest()


def table_key(name: str, content: bytes, reference: Path) -> str:
    """The key of a table's checked form: its name, bytes, checking code and vocabularies."""
    digest = hashlib.sha256(f"{name}\0{checking_code(reference)}\0".encode())
    digest.update(content)
    return digest.hexdigest()


def _own_folder(folder: Path) -> bool:
    """Whether ``folder`` is this user's and nobody else can write in it (what is read is trusted)."""
    try:
        stat = folder.stat()
    except OSError:
        return False
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022


def load(key: str) -> tuple[pd.DataFrame, list[int]] | None:
    """The checked table and its lines remembered under ``key``; ``None`` if there is none."""
    folder = cache_folder()
    if folder is None or not _own_folder(folder):
        return None
    path = folder / f"{key}.pickle"
    try:
        frame, lines = pickle.loads(path.read_bytes())
        _mark_used(path)  # kept longer
    except Exception:  # noqa: BLE001 (a damaged or foreign entry: the CSV is read instead)
        return None
    if not isinstance(frame, pd.DataFrame) or not isinstance(lines, list):
        return None
    return frame, lines


def store(key: str, frame: pd.DataFrame, lines: list[int]) -> None:
    """Remember a checked table and its lines under ``key`` (quietly not, if it cannot be)."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own_folder(folder):
            return
        content = pickle.dumps((frame, list(lines)), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(folder / f"{key}.pickle", content)
        _mark_used(folder / f"{key}.pickle")
        _prune(folder)
    except (OSError, pickle.PicklingError, TypeError, ValueError) as error:
        log.debug("table not remembered: %s", error)


def _mark_used(path: Path) -> None:
    """Stamp an entry with the time now, to the nanosecond, as the last time it was used.

    Not the file system's own stamp: the kernel stamps a file with a clock that moves in steps
    of a few milliseconds, and tables read one after another within a step looked equally old,
    so that pruning could drop the one just used.
    """
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def _prune(folder: Path) -> None:
    """Keep the :data:`MAX_ENTRIES` most recently used tables."""
    entries = []
    for path in folder.glob("*.pickle"):
        try:
            entries.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    for _, path in sorted(entries, reverse=True)[MAX_ENTRIES:]:
        path.unlink(missing_ok=True)
