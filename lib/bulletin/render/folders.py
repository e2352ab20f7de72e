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

Publishing replaces a folder whole, so it only ever replaces a folder the renderer made: every
folder it publishes (an issue, or its ``.failed`` sibling) carries a marker file,
``.bulletin-issue.json``, written last into staging, which names the tool, the edition and every
entry the renderer wrote. :func:`replace_problem` says why a path may not be replaced (a file, a
symbolic link, a folder without the marker, or one holding entries its marker does not list), and
:func:`swap_in` refuses such a target, so that a file a user put there is never deleted.

Everything a render (or a notebook run by ``papermill --engine bulletin``) puts in the temporary
folder is under one folder of its own, ``bulletin-render-<pid>-*`` (:func:`render_temp_dir`), which
the next render removes if the render was killed (:func:`remove_stale_temp`).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bulletin.core.files import write_atomic

log = logging.getLogger(__name__)

MARKER = ".bulletin-issue.json"
"""The file that says a folder was published by the renderer, and lists what it wrote."""
TOOL = "bulletin render"
RUN_RECORD = "run.json"

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_libc = None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (someone else's counts)."""
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
    raise OSError(err, os.strerror(err), str(b))  # the folder being replaced, which the user knows


class TargetRefusedError(RuntimeError):
    """A folder the renderer will not replace or delete (the message says why)."""


def write_marker(staging: Path, edition: str) -> Path:
    """Mark ``staging`` as the renderer's, listing every entry in it; call it last.

    Args:
        staging: the complete folder about to be published.
        edition: the edition's label (``2017-Q2``, ``2017-Q2 KGZ``).
    """
    entries = sorted(p.name for p in staging.iterdir() if p.name != MARKER)
    content = {"tool": TOOL, "edition": edition, "entries": entries}
    return write_atomic(staging / MARKER, json.dumps(content, indent=1) + "\n")


def add_to_marker(folder: Path, name: str) -> None:
    """List one more entry (a file written into a published folder, as its PDF) in its marker.

    Called before the entry is written, so that a crash in between leaves a marker naming a file
    that is not there (harmless) rather than a file the next render would refuse to delete.

    Raises:
        TargetRefusedError: ``folder`` carries no marker of the renderer's.
    """
    marker = read_marker(folder)
    if marker is None:
        raise TargetRefusedError(f"{folder} was not published by {TOOL} (no {MARKER})")
    if name not in marker["entries"]:
        marker["entries"] = sorted([*marker["entries"], name])
        write_atomic(folder / MARKER, json.dumps(marker, indent=1) + "\n")


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of a folder the renderer published, or None (missing, or not the renderer's)."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(marker, dict)
        or marker.get("tool") != TOOL
        or not isinstance(marker.get("edition"), str)
        or not isinstance(marker.get("entries"), list)
        or not all(isinstance(e, str) for e in marker["entries"])
    ):
        return None
    return marker


def _shown(names: list[str], folder: Path) -> str:
    shown = [n + ("/" if (folder / n).is_dir() else "") for n in names[:5]]
    return ", ".join(shown) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def replace_problem(target: Path) -> str | None:
    """Why ``target`` may not be replaced (or deleted) by a publish; None when it may.

    It may be when it does not exist, is an empty folder, or is a folder the renderer published
    (it carries a valid marker) holding nothing its marker does not list.
    """
    if not os.path.lexists(target):
        return None
    if target.is_symlink():
        return f"{target} is a symbolic link: refused (name a new folder, or the folder it points to)"
    if not target.is_dir():
        return (f"{target} is a file, not a folder: refused (publishing replaces whatever is at "
                "that path; name a new or empty folder)")
    try:
        present = sorted(os.listdir(target))
    except OSError as error:
        return f"{target} cannot be read ({error.strerror}): refused"
    if not present:
        return None
    marker = read_marker(target)
    if marker is None:
        if RUN_RECORD in present:
            return (f"{target} holds an issue rendered by an earlier version of bulletin render "
                    f"(it has no {MARKER}); delete it once (rm -r '{target}') and render again")
        return (f"{target} is not empty and was not made by bulletin render (no {MARKER}; it holds "
                f"{_shown(present, target)}): refused, so that nothing in it is deleted; name a "
                "new or empty folder")
    extra = [n for n in present if n != MARKER and n not in marker["entries"]]
    if extra:
        return (f"{target} holds {_shown(extra, target)}, which bulletin render did not write: "
                "refused, so that they are not deleted; move them out of it and render again")
    return None


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def creation_problem(target: Path) -> str | None:
    """Why a folder cannot be made at ``target`` (or staged beside it); None when it can."""
    parent = target.parent
    while not os.path.lexists(parent) and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return f"cannot make {target}: {parent} is a file, not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot make {target}: the folder {parent} is not writable by you"
    return None


def target_problem(target: Path, protected: dict[Path, str], inside: dict[Path, str]) -> str | None:
    """Why ``target`` cannot be an issue folder (replaced whole by a publish); None when it can.

    Args:
        target: the folder an edition is published to (absolute, its parent resolved).
        protected: folders (resolved) never replaced, with what they are (``the data folder``);
            neither is any folder that contains one of them.
        inside: folders (resolved) that no issue folder may be in, with what they are.
    """
    if target == Path(target.anchor):
        return f"{target} is the root folder: refused (an issue folder is replaced whole)"
    real = Path(os.path.realpath(target))
    for folder, what in protected.items():
        if real == folder:
            return (f"{target} is {what}: refused (an issue folder is replaced whole); "
                    "name a new folder for the issue")
        if _within(folder, real):
            return (f"{target} contains {what} ({folder}): refused (an issue folder is replaced "
                    "whole); name a new folder for the issue")
    for folder, what in inside.items():
        if _within(real, folder):
            return f"{target} is inside {what} ({folder}): refused; name a folder outside it"
    if not os.path.lexists(target):
        return creation_problem(target)
    problem = replace_problem(target)
    if problem is None and not os.access(target.parent, os.W_OK | os.X_OK):
        problem = f"cannot replace {target}: the folder {target.parent} is not writable by you"
    return problem


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for a few steps that must not be cut in half.

    The signals are delivered (and their handlers run) as soon as the block ends. Only the main
    thread can do this; elsewhere the block runs as it is.
    """
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def remove_tree(path: Path) -> None:
    """Delete a folder the renderer published, never leaving it half-deleted under its own name.

    Raises:
        TargetRefusedError: ``path`` is not the renderer's to delete (see :func:`replace_problem`).
    """
    if not os.path.lexists(path):
        return
    problem = replace_problem(path)
    if problem:
        raise TargetRefusedError(problem)
    trash = path.with_name(f".{path.name}.trash-{os.getpid()}-{os.urandom(3).hex()}")
    os.rename(path, trash)
    shutil.rmtree(trash, ignore_errors=True)


def swap_in(staging: Path, target: Path) -> None:
    """Put the complete folder ``staging`` in place of ``target`` (which may not exist).

    Raises:
        TargetRefusedError: ``target`` is not the renderer's to replace (see :func:`replace_problem`);
            nothing was moved.
    """
    problem = replace_problem(target)
    if problem:
        raise TargetRefusedError(problem)
    if not os.path.lexists(target):
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
        if pid == os.getpid() or pid_alive(pid):
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


TEMP_PREFIX = "bulletin-render-"
"""A render's folder in the temporary folder: ``bulletin-render-<pid>-<random>/``."""


def remove_stale_temp(folder: Path | None = None) -> list[Path]:
    """Delete the temporary folders of renders that no longer run (killed); those deleted.

    Only this user's folders, whose process id is not running, are deleted.
    """
    folder = Path(folder or tempfile.gettempdir())
    pattern = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d+)-")
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if not match:
            continue
        try:
            info = entry.lstat()
        except OSError:
            continue
        pid = int(match[1])
        if (not entry.is_dir() or entry.is_symlink() or info.st_uid != os.getuid()
                or pid == os.getpid() or pid_alive(pid)):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
        log.debug("removed %s, left by a render that was killed", entry)
    return removed


@contextmanager
def render_temp_dir() -> Iterator[Path]:
    """This render's folder in the temporary folder (``0700``), deleted when it ends.

    Everything the render puts there (each notebook's working folder, kernel sockets and
    connection files, logs, the notebook's own temporary files) is inside it, so that a render
    killed before it could clean up leaves one folder, which the next render deletes.
    """
    root = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)
