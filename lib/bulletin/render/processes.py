"""Ending a notebook's processes: its kernel's descendants, and every process carrying its token.

A kernel's environment carries a token unique to it (:data:`TOKEN_ENV`), which every process it
starts inherits; when the notebook ends, :func:`end_processes` kills them all, including those that
left the kernel's process group. Used by the kernel fork server
(:mod:`bulletin.render.kernelboot`) and by papermill's engine (:mod:`bulletin.render.papermill_engine`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import Any

TOKEN_ENV = "BULLETIN_KERNEL_TOKEN"
"""A token unique to one notebook's kernel, inherited by every process it starts."""


def end_processes(token: str | None, pids: Iterable[int] = (), grace: float = 2.0) -> list[int]:
    """End the processes of a notebook; the ids of those that were running.

    They are ``pids`` and every process of this user whose environment carries ``token``
    (:data:`TOKEN_ENV`). Processes are killed (SIGKILL): the notebook has ended, nothing of it is to be saved. A
    process that cleared its environment and left the kernel's descendants escapes.
    """
    import psutil

    me, uid, ended = os.getpid(), os.getuid(), set()
    found: dict[int, psutil.Process] = {}
    for pid in pids:
        try:
            found[pid] = psutil.Process(pid)
        except psutil.Error:
            continue
    for _ in range(3):  # a process may start another while the first sweep runs
        if token:
            found.update(_carrying(token, {me} | set(found) | ended, uid))
        if not found:
            break
        for process in found.values():
            try:
                process.kill()  # psutil checks it is still the same process (no reused id)
            except psutil.Error:
                pass
        _wait_ended(list(found.values()), grace)
        ended.update(found)
        found = {}
        if not token:
            break
    return sorted(ended)


def _carrying(token: str, known: set[int], uid: int) -> dict[int, Any]:
    """This user's processes, besides ``known``, whose environment carries ``token``."""
    import psutil

    found = {}
    for process in psutil.process_iter(["uids"]):
        if process.pid in known:
            continue
        try:
            if process.info["uids"] is None or process.info["uids"].real != uid:
                continue
            if process.environ().get(TOKEN_ENV) == token:
                found[process.pid] = process
        except (psutil.Error, OSError):
            continue
    return found


def _wait_ended(processes: list, grace: float) -> None:
    """Wait until the processes are gone or zombies (whose parent, not us, must reap them)."""
    import psutil

    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        alive = []
        for process in processes:
            try:
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(process)
            except psutil.Error:
                continue
        if not alive:
            return
        processes = alive
        time.sleep(0.02)


def descendants(pid: int | None) -> list[int]:
    """The process ids of every descendant of ``pid`` (none when it is gone)."""
    if not pid:
        return []
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []
