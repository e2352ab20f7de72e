"""Writing the project's files: in one step, all or nothing, readable as any other, spreadsheet-safe.

The one writer of files (tables, provenance records, the render's marker, downloads): every new
content goes through :func:`_write_temp`, a temporary file beside its target, written, synced and
given the permissions of any file the user makes (``0666`` less the umask, as ``open()`` gives;
never ``mkstemp``'s private ``0600``), before it is renamed over the target.

- :func:`write_atomic` replaces one file in one step, so that a reader (or a crash) sees the old
  file or the new one, never half of either.
- :class:`FileTransaction` replaces several files all or nothing (``bulletin import`` writes
  tables and their provenance records with it): every new content is first written beside its
  target; only when all are written is a journal written, then every file renamed over its
  target. A crash after the journal is finished by :func:`recover` (which the next transaction
  runs first); a failure before it leaves every file as it was. :func:`folder_lock` keeps two
  writers from interleaving.

- :func:`neutralise_cell` and :func:`neutralise_frame` keep a spreadsheet from running a cell as
  a formula. A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
  prefixed with a single quote, as OWASP recommends for CSV files ("CSV injection"); numbers
  (``-5``, ``+1.5e3``) are left as they are. :func:`restore_cell` undoes it exactly, so that a
  table written and read back keeps its values: a text that itself begins with quotes followed by
  one of those characters gets one more quote, and loses it again when read. The same rule,
  vectorised on Arrow tables, is ``bulletin.core.arrow_safety``.

CSV text is read record by record, with its lines, by ``bulletin.core.csv_records``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:  # pandas is imported where a frame is neutralised: a command that writes no
    import pandas as pd  # table does not pay for it (start-up, issue 18)

try:  # POSIX; elsewhere writers are not locked against each other
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

log = logging.getLogger(__name__)


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell as a formula (OWASP)."""

FORMULA_PATTERN = r"^'*[=+\-@\t\r]"
"""A cell a spreadsheet would run: quotes (ours), then one of :data:`FORMULA_TRIGGERS`."""
NUMBER_PATTERN = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
"""A number (``-5``, ``+1.5e3``), which a spreadsheet reads as a number, not a formula."""
_QUOTED_TRIGGER = re.compile(FORMULA_PATTERN)
_NUMBER = re.compile("^" + NUMBER_PATTERN)


def neutralise_cell(text: str) -> str:
    r"""A text cell as a spreadsheet cannot run it: prefixed with ``'`` where it could be a formula.

    >>> neutralise_cell('=HYPERLINK("http://evil.example","click")')
    '\'=HYPERLINK("http://evil.example","click")'
    >>> neutralise_cell("-12.5"), neutralise_cell("Kyrgyzstan"), neutralise_cell("'=1")
    ('-12.5', 'Kyrgyzstan', "''=1")
    """
    if _QUOTED_TRIGGER.match(text) and not _NUMBER.match(text):
        return "'" + text
    return text


def restore_cell(text: str) -> str:
    """The text :func:`neutralise_cell` was given (a cell read back from a file the project wrote).

    >>> restore_cell("'=1+1"), restore_cell("''=1"), restore_cell("'quoted"), restore_cell("-3")
    ('=1+1', "'=1", "'quoted", '-3')
    """
    if text.startswith("'") and _QUOTED_TRIGGER.match(text[1:]) and not _NUMBER.match(text[1:]):
        return text[1:]
    return text


def _text_columns(frame: pd.DataFrame) -> list[str]:
    from pandas.api.types import is_string_dtype

    return [
        column
        for column in frame.columns
        if frame[column].dtype == object or is_string_dtype(frame[column])
    ]


def _map_text(frame: pd.DataFrame, function) -> pd.DataFrame:
    out = frame.copy()
    for column in _text_columns(frame):
        out[column] = frame[column].map(lambda v: function(v) if isinstance(v, str) else v)
    out.columns = [function(c) if isinstance(c, str) else c for c in frame.columns]
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are :func:`neutralise_cell`-ed.

    Number columns are left as they are.

    >>> import pandas as pd
    >>> neutralise_frame(pd.DataFrame({"title": ["=2+5", "ok"], "kg": [-1.5, 2.0]})).to_dict("list")
    {'title': ["'=2+5", 'ok'], 'kg': [-1.5, 2.0]}
    """
    return _map_text(frame, neutralise_cell)


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_frame` on a frame read back from a file the project wrote."""
    return _map_text(frame, restore_cell)


def default_file_mode() -> int:
    """The permissions of a new file the user makes: ``0666`` less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


Content = str | bytes | bytearray | memoryview | Callable[[BinaryIO], None]
"""A file's new content: text (written as UTF-8), bytes, or a function that writes the bytes
into the open (binary) file, for a content too large to hold twice in memory."""


def write_atomic(path: Path | str, content: Content, encoding: str = "utf-8") -> Path:
    r"""Replace ``path`` with ``content`` in one step (a failed write leaves the old file).

    The folder is created when it is missing. Text is written as it is (``\n`` line ends stay
    ``\n``); ``content`` may also be a function writing into the open binary file.

    Raises:
        OSError: the folder cannot be written (read-only, full, missing permission); nothing was
            changed and no temporary file is left behind. The error names the file, or the
            folder where no temporary file could be made.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path, content, suffix=".tmp", encoding=encoding)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path


def _write_temp(
    target: Path, content: Content, *, suffix: str, encoding: str = "utf-8"
) -> Path:
    """Write ``content`` to a synced temporary file beside ``target`` (removed on failure).

    The file gets :func:`default_file_mode`, so that once renamed over ``target`` it is as
    readable as any other file the user makes.

    Raises:
        OSError: naming the folder when no temporary file could be made there (``mkstemp``
            names a random file), else ``target``.
    """
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    except OSError as error:
        # mkstemp names a random file; the folder is what the user can act on.
        raise type(error)(error.errno, error.strerror, str(target.parent)) from None
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            if callable(content):
                content(out)
            else:
                out.write(content.encode(encoding) if isinstance(content, str) else content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, default_file_mode())
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise type(error)(error.errno, error.strerror, str(target)) from None
        raise
    return temp


# All-or-nothing replacement of several files.

JOURNAL_NAME = ".bulletin-transaction.json"
"""The journal of a commit in progress, in the transaction's root folder."""
TEMP_SUFFIX = ".bulletin-tmp"
"""The suffix of a transaction's new contents before they are renamed over their targets."""
LOCK_WAIT_SECONDS = 30.0


class FolderBusyError(OSError):
    """Another process holds the folder's lock (another import is writing there)."""


class InterruptedCommitError(OSError):
    """A commit failed while renaming its files: the journal is left for :func:`recover`."""


class JournalError(ValueError):
    """A commit journal that cannot be followed (only a person editing it makes one)."""


@contextlib.contextmanager
def folder_lock(
    folder: Path | str, *, shared: bool = False, wait: float | None = None
) -> Iterator[None]:
    """Hold the lock of a folder (``flock`` on the folder itself) for the ``with`` block.

    The folder itself is locked rather than a lock file inside it, so that no file is left in a
    data folder under version control. Writers take it exclusively; a reader that must not see a
    commit half-done may take it ``shared``.

    Args:
        folder: the folder (created when missing).
        shared: a shared (reader's) lock instead of an exclusive one.
        wait: seconds to wait for another holder before giving up (default
            :data:`LOCK_WAIT_SECONDS`).

    Raises:
        FolderBusyError: another process held the lock for longer than ``wait``.
    """
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise FolderBusyError(
                        errno.EBUSY,
                        "another bulletin command is writing to this folder; try again when it "
                        "has finished",
                        str(folder),
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


def recover(root: Path | str, *, wait: float | None = None) -> list[Path]:
    """Finish a commit a crash interrupted in ``root``, and remove the temporary files left.

    A renderer may call it before reading a data folder; every :class:`FileTransaction` runs it
    first. Safe to call at any time: without a journal it only removes orphan temporary files.

    Returns:
        The files whose replacement it finished.

    Raises:
        FolderBusyError: another process holds the folder's lock.
        JournalError: the journal is unreadable (it is written atomically, so only a person editing
            it makes it so): the message says which file to look at.
    """
    root = Path(root)
    if not root.is_dir():
        return []
    with folder_lock(root, wait=wait):
        return _recover_locked(root)


def _recover_locked(root: Path) -> list[Path]:
    journal = root / JOURNAL_NAME
    finished: list[Path] = []
    if journal.exists():
        renames = _read_journal(root, journal)
        for temp, target in renames:
            # A temporary file already renamed is gone: its target holds the new content.
            if temp.exists():
                os.replace(temp, target)
                finished.append(target)
        for folder in {target.parent for _, target in renames}:
            _fsync_folder(folder)
        journal.unlink()
        _fsync_folder(root)
        log.warning(
            "finished an interrupted commit in %s: %s",
            root,
            ", ".join(str(p.relative_to(root)) for p in finished) or "nothing left to rename",
        )
    # A journal half written (a crash inside write_atomic) never took effect: its temporary
    # file goes with the others.
    orphans = list(root.glob(f".{JOURNAL_NAME}.*.tmp"))
    for folder in (root, *(p for p in root.iterdir() if p.is_dir() and not p.is_symlink())):
        orphans += folder.glob(f".*{TEMP_SUFFIX}")
    for orphan in orphans:
        orphan.unlink(missing_ok=True)
        log.info("removed %s, left by an interrupted write", orphan)
    return finished


def _read_journal(root: Path, journal: Path) -> list[tuple[Path, Path]]:
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))["renames"]
        renames = [(root / temp, root / target) for temp, target in entries]
    except (ValueError, KeyError, TypeError) as error:
        raise JournalError(
            f"{journal}: cannot finish the interrupted commit it describes ({error}); look at "
            "the files it lists, then remove it"
        ) from None
    inside = root.resolve()
    for temp, target in renames:
        for path in (temp, target):
            if not path.resolve().is_relative_to(inside):
                raise JournalError(f"{journal}: lists {path}, outside {root}; remove the journal")
    return renames


def _fsync_folder(folder: Path) -> None:
    """Make renames in a folder durable (some file systems cannot: the renames still happen)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


class FileTransaction:
    r"""Replace several files under one folder all or nothing.

    Use it as a context manager: it takes the folder's lock and finishes any interrupted commit
    (:func:`recover`); :meth:`stage` each file's new content inside the block; leaving the block
    normally commits, leaving it with an exception discards what was staged (nothing written).

    Commit, in order: every new content is written to a temporary file beside its target and
    synced (a failure here removes them and changes nothing); a journal listing the renames is
    written atomically; every temporary file is renamed over its target; the journal is removed.
    A crash between the journal and the end is finished by the next transaction or
    :func:`recover`: by then every temporary file exists.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with FileTransaction(folder) as transaction:
    ...     transaction.stage(folder / "a.csv", "x\n1\n")
    ...     transaction.stage(folder / "sub" / "b.json", "{}\n")
    >>> sorted(str(p.relative_to(folder)) for p in transaction.committed)
    ['a.csv', 'sub/b.json']
    """

    def __init__(self, root: Path | str, *, wait: float | None = None):
        """A transaction on the files under ``root``; ``wait``: seconds to wait for its lock."""
        self.root = Path(root)
        self.wait = wait
        self.committed: list[Path] = []
        self._staged: dict[Path, Content] = {}
        self._lock: contextlib.AbstractContextManager | None = None
        self._made_root = False

    def __enter__(self) -> FileTransaction:
        """Take the folder's lock and finish any interrupted commit."""
        self._made_root = not self.root.exists()
        self._lock = folder_lock(self.root, wait=self.wait)
        self._lock.__enter__()
        try:
            _recover_locked(self.root)
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, kind, error, trace) -> None:
        """Commit what was staged, or discard it when the block raised; release the lock."""
        try:
            if kind is None:
                self.commit()
            else:
                self._staged.clear()
        finally:
            self._release()
            if self._made_root and not self.committed:
                with contextlib.suppress(OSError):
                    self.root.rmdir()  # only when empty: nothing was written there

    def _release(self) -> None:
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.__exit__(None, None, None)

    def stage(self, path: Path | str, content: Content) -> None:
        """Add a file's new content; nothing is written before the commit.

        Args:
            path: the file to replace (or create), inside the transaction's folder.
            content: text (written as UTF-8), bytes, or a function writing the bytes into the
                open binary file at commit time (a large table is then not held twice).

        Raises:
            ValueError: ``path`` is outside the transaction's folder.
        """
        path = Path(path)
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"{path} is outside {self.root}: a transaction stays in its folder")
        self._staged[path] = content

    def commit(self) -> list[Path]:
        """Write every staged file, all or nothing (see the class); the files written.

        Raises:
            OSError: a file could not be written; nothing was changed (the error names the file
                or the folder that could not be written).
            InterruptedCommitError: renaming failed after the journal was written; the folder
                mixes old and new files until :func:`recover` (or the next transaction) runs.
        """
        staged, self._staged = self._staged, {}
        if not staged:
            return []
        renames: list[tuple[Path, Path]] = []
        made: list[Path] = []
        journal = self.root / JOURNAL_NAME
        try:
            for target, content in staged.items():
                _make_folder(target.parent, made)
                renames.append((_write_temp(target, content, suffix=TEMP_SUFFIX), target))
            # relpath, not relative_to: mkstemp gives an absolute path, the folder may be
            # relative (``--data-dir data``).
            entries = [
                [os.path.relpath(temp, self.root), os.path.relpath(target, self.root)]
                for temp, target in renames
            ]
            write_atomic(journal, json.dumps({"renames": entries}, indent=1) + "\n")
        except BaseException:
            for temp, _ in renames:
                temp.unlink(missing_ok=True)
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
        # Decided: from here on the journal lets a crash be finished, never undone.
        try:
            for temp, target in renames:
                os.replace(temp, target)
        except OSError as error:
            raise InterruptedCommitError(
                error.errno,
                f"{error.strerror or error}; the files were being replaced: the next "
                "`bulletin import` into this folder finishes the replacement "
                f"(journal {journal.name})",
                error.filename,
            ) from error
        for folder in {target.parent for _, target in renames}:
            _fsync_folder(folder)
        journal.unlink()
        _fsync_folder(self.root)
        self.committed = [target for _, target in renames]
        return self.committed


def _make_folder(folder: Path, made: list[Path]) -> None:
    """Create a folder and its missing parents, remembering which (to remove them on failure)."""
    missing = [folder, *folder.parents]
    missing = [p for p in missing if not p.exists()]
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            pass
        made.append(path)
    if not folder.is_dir():
        # A file where the folder should be: say so, not "File exists".
        raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(folder))
