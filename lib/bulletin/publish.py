"""Publishing an issue folder whole, so that a render killed at any moment changes nothing.

An edition is assembled in a staging folder beside its target (``.2017-Q2.staging-<pid>-<x>/``,
on the same file system) and then swapped in with one atomic operation: on Linux,
``renameat2(RENAME_EXCHANGE)`` exchanges the two folders in a single step, so that
``reports/2017-Q2/`` is at every instant either the complete previous issue or the complete new
one; the old one, now under the staging name, is deleted afterwards. Where the exchange is not
available, the old folder is renamed aside and the new one renamed in its place; a render killed
between the two renames leaves the old issue under ``.2017-Q2.previous-<pid>/``, and the next
render of that edition puts it back before doing anything else.

A staging folder whose render is gone (its process id no longer runs) is deleted by the next
render of the same edition. Two renders of the same edition take turns (a lock file,
``.2017-Q2.lock``, held for the whole render); renders of different editions run side by side.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_libc = None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False where the system cannot."""
    global _libc
    if not sys.platform.startswith("linux"):
        return False
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = _libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def remove_tree(path: Path) -> None:
    """Delete a folder without ever leaving it half-deleted under its own name."""
    if not path.exists():
        return
    trash = path.with_name(f".{path.name}.trash-{os.getpid()}-{os.urandom(3).hex()}")
    os.rename(path, trash)
    shutil.rmtree(trash, ignore_errors=True)


def swap_in(staging: Path, target: Path) -> None:
    """Put the complete folder ``staging`` in place of ``target`` (which may not exist)."""
    if not target.exists():
        os.rename(staging, target)
        return
    if exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the old issue
        return
    aside = target.with_name(f".{target.name}.previous-{os.getpid()}")
    os.rename(target, aside)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(aside, target)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def new_staging(target: Path) -> Path:
    """A fresh staging folder beside ``target``, named after this process."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-{os.getpid()}-", dir=target.parent))
    umask = os.umask(0o022)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # mkdtemp's 0700 would make the published issue private
    return staging


def recover(target: Path) -> list[str]:
    """Undo what a killed render left beside ``target``; what was done, in words.

    A ``.previous-<pid>`` folder with no ``target`` is put back; stale staging, previous and
    trash folders of renders that no longer run are deleted.
    """
    done = []
    pattern = re.compile(
        rf"^\.{re.escape(target.name)}\.(staging|previous|trash)-(\d+)(-.*)?$"
    )
    if not target.parent.is_dir():
        return done
    for entry in sorted(target.parent.iterdir()):
        match = pattern.match(entry.name)
        if not match:
            continue
        pid = int(match[2])
        if pid == os.getpid() or _pid_alive(pid):
            continue
        if match[1] == "previous" and not target.exists():
            os.rename(entry, target)
            done.append(f"restored {target.name}/ from an interrupted publish")
        else:
            shutil.rmtree(entry, ignore_errors=True)
            done.append(f"removed {entry.name}/ left by an interrupted render")
    return done


@contextmanager
def edition_lock(target: Path) -> Iterator[None]:
    """Hold the lock of one edition folder (waits for another render of the same edition)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    path = target.with_name(f".{target.name}.lock")
    handle = open(path, "a+")  # noqa: SIM115 (held for the whole render)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("waiting for another render of %s to finish", target.name)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()


def link_or_copy(source: Path, destination: Path) -> None:
    """Hard-link a file of a previous issue into the new one (copy across file systems).

    Published files are never written in place (every write makes a new file), so sharing them
    between versions of an issue is safe.
    """
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
