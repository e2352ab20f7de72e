"""A notebook's kernel, started for one run before papermill is needed, and ended with the run.

:func:`start_kernel` makes the notebook's folder, starts its kernel in its slot (:class:`Slots`)
and waits until it answers; :func:`finish_kernel` ends it and every process it started, and
removes the folder. Nothing here imports papermill: ``bulletin render`` starts the first
notebook's kernel (0.4 s until it answers, in a process of its own) while papermill, most of a
second to import, is imported beside it (:func:`bulletin.render.execute.execute_task`);
:func:`bulletin.render.papermill_engine.run_notebook` runs the cells in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin.core.paths import REFERENCE_DIR_ENV, own_reference_dir
from bulletin.render.processes import TOKEN_ENV, descendants, end_processes

log = logging.getLogger(__name__)

DEFAULT_CELL_TIMEOUT = 600
"""Seconds a cell may run, as ``bulletin render --timeout`` has it by default."""


class Slots:
    """How many kernels may be starting and running at once.

    A notebook's kernel is started and waited for while ``jobs`` other notebooks run, so that when
    a running slot frees up the next notebook's kernel is already up (a warm pool of ``jobs``
    kernels): its turn pays for its own cells only.
    """

    def __init__(self, jobs: int) -> None:
        """Allow ``jobs`` kernels starting and ``jobs`` running (at least one of each)."""
        self.starting = asyncio.Semaphore(max(1, jobs))
        self.running = asyncio.Semaphore(max(1, jobs))


@dataclass
class KernelRun:
    """Where and how one notebook's kernel runs.

    Attributes:
        temp_root: the run's temporary folder; the notebook's own folder (sockets, log, its
            temporary files) is made inside it and removed with the notebook.
        work_dir: the kernel's working folder (None: an empty folder of its own).
        cell_timeout: seconds a cell may run.
        notebook_timeout: seconds the whole notebook may run (None: no limit).
        start_timeout: seconds the kernel may take to start.
        env: variables added to the kernel's environment (the read trace).
        data_dir: the data folder; its own ``reference/`` is given to the kernel.
        make_manager: called with the notebook's own folder, returns its kernel manager
            (default: a new project kernel, :class:`~bulletin.render.kernel.AsyncProjectKernelManager`).
        slots: how many kernels start and run at once.
        on_cell: called with the index of each code cell as it starts.
        on_start: called when the kernel is ready and the first cell is about to run.
        name: the notebook's name (its folder is named after it).
        label: the notebook, for the log.
        client_options: more options for the notebook client (papermill's ``log_output``, ...).
        endings: where the kernel's end is left running once its cells have run
            (:func:`end_or_hand_over`), for the caller to await (:func:`await_endings`) after
            doing something else meanwhile; None: it is ended before the run returns.
    """

    temp_root: Path
    work_dir: Path | None = None
    cell_timeout: int = DEFAULT_CELL_TIMEOUT
    notebook_timeout: float | None = None
    start_timeout: float = 60
    env: dict[str, str] = field(default_factory=dict)
    data_dir: Path | None = None
    make_manager: Callable[[Path], Any] | None = None
    slots: Slots | None = None
    on_cell: Callable[[int], None] | None = None
    on_start: Callable[[], None] | None = None
    name: str = "notebook"
    label: str = "notebook"
    client_options: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    endings: list[asyncio.Future] | None = None


@dataclass
class StartedKernel:
    """A notebook's kernel that answers, in its running slot.

    Attributes:
        manager: its kernel manager.
        kc: its client, channels started.
        folder: the notebook's own folder (sockets, log, temporary files).
        work: the kernel's working folder.
        token: the token every process it starts inherits.
        held: the slot it holds (released by :func:`finish_kernel`), or None.
    """

    manager: Any
    kc: Any
    folder: Path
    work: Path
    token: str
    held: asyncio.Semaphore | None = None


def kernel_environment(run: KernelRun, folder: Path, token: str) -> dict[str, str]:
    """The kernel's environment: the renderer's, with what is the notebook's own.

    Its own temporary folder, its token (inherited by every process it starts), the data folder's
    reference vocabularies, the inline backend of matplotlib.
    """
    env = dict(os.environ)
    env.update(run.env)
    env[TOKEN_ENV] = token
    # The notebook's temporary files go into its own folder, removed with it.
    env["TMPDIR"] = str(folder / "tmp")
    reference = own_reference_dir(run.data_dir) if run.data_dir is not None else None
    if reference is not None:
        env[REFERENCE_DIR_ENV] = str(reference)
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env.pop("JPY_PARENT_PID", None)
    return env


async def end_kernel(manager: Any, kc: Any, token: str, name: str) -> None:
    """Stop a notebook's kernel and every process it started (see :func:`processes.end_processes`)."""
    provisioner = getattr(manager, "provisioner", None)
    pid = getattr(provisioner, "pid", None) if provisioner is not None else None
    # Taken before the kernel ends: its orphans would no longer be its descendants.
    left = await asyncio.to_thread(descendants, pid)
    try:
        if kc is not None:
            kc.stop_channels()
        if manager.has_kernel:
            await manager.shutdown_kernel(now=True)
    except Exception:  # noqa: BLE001 (the processes are ended below whatever the manager says)
        log.debug("stopping the kernel of %s", name, exc_info=True)
    try:
        ended = await asyncio.to_thread(end_processes, token, left)
    except Exception:  # noqa: BLE001
        log.warning("could not end the processes %s started", name, exc_info=True)
    else:
        if ended:
            log.debug("%s: ended %d process(es) it had started", name, len(ended))


def _new_manager(run: KernelRun, folder: Path) -> Any:
    if run.make_manager is not None:
        return run.make_manager(folder)
    from bulletin.render.kernel import AsyncProjectKernelManager

    return AsyncProjectKernelManager(socket_parent=run.temp_root)


async def start_kernel(run: KernelRun) -> StartedKernel:
    """Make the notebook's folder and start its kernel in its slot; the kernel, once it answers.

    It waits for a starting slot, starts the kernel (no history database: a render's kernels
    share nothing, not even ``~/.ipython``), waits until it answers, then waits for a running
    slot. When it fails or is cancelled, what it started is ended and the folder removed first.
    """
    folder = Path(tempfile.mkdtemp(prefix=f"{run.name[:32]}-", dir=run.temp_root))
    kernel = StartedKernel(manager=None, kc=None, folder=folder,
                           work=run.work_dir or folder / "work", token=f"{os.getpid()}-{os.urandom(8).hex()}")
    try:
        (folder / "tmp").mkdir()
        env = kernel_environment(run, folder, kernel.token)
        kernel.manager = _new_manager(run, folder)
        kernel.work.mkdir(exist_ok=True)
        if run.slots is not None:
            await run.slots.starting.acquire()
            kernel.held = run.slots.starting
        await kernel.manager.start_kernel(
            cwd=str(kernel.work), env=env, extra_arguments=["--HistoryManager.hist_file=:memory:"]
        )
        kernel.kc = kernel.manager.client()
        kernel.kc.start_channels()
        await wait_until_ready(kernel.kc, run.start_timeout)
        kernel.kc.allow_stdin = False
        if run.slots is not None:
            await run.slots.running.acquire()
            run.slots.starting.release()
            kernel.held = run.slots.running
    except BaseException:
        await finish_kernel(kernel, run)
        raise
    return kernel


async def wait_until_ready(kc: Any, timeout: float) -> None:
    """Wait until a kernel answers on its shell channel and its IOPub channel is connected.

    The handshake of jupyter_client's ``wait_for_ready`` (a ``kernel_info`` request until its
    reply comes, then a message on IOPub, else the request again), but not its last step, which
    waited for 0.2 s of silence on IOPub after every start: of a kernel's 0.35-0.4 s to answer,
    0.2 s were that wait. Here, when the message seen on IOPub says the kernel is still busy with
    the request, messages are read until it says it is idle (at most 0.2 s apart, as before);
    otherwise (IOPub's welcome, which a subscription connected after those messages gets, or
    the ``idle`` itself) nothing is awaited. A message left unread is harmless: a cell's
    execution reads only the messages that answer it.

    Raises:
        RuntimeError: the kernel died before it answered, or did not answer within ``timeout``
            seconds (as ``wait_for_ready``).
    """
    from queue import Empty

    deadline = time.monotonic() + timeout
    while True:
        request = kc.kernel_info()
        try:
            reply = await kc.shell_channel.get_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                seen = await kc.iopub_channel.get_msg(timeout=0.2)
            except Empty:
                pass
            else:
                kc._handle_kernel_info_reply(reply)  # the protocol version, as wait_for_ready sets it
                break
        if not await kc.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
    while _busy_with(seen, request):
        try:
            seen = await kc.iopub_channel.get_msg(timeout=0.2)
        except Empty:
            break


def _busy_with(message: dict[str, Any], request: str) -> bool:
    """Whether an IOPub message says the kernel is still working on ``request``."""
    return (message.get("msg_type") == "status"
            and message.get("content", {}).get("execution_state") != "idle"
            and message.get("parent_header", {}).get("msg_id") == request)


async def finish_kernel(kernel: StartedKernel, run: KernelRun) -> None:
    """Free the kernel's slot, end it and every process it started, and remove its folder."""
    try:
        if kernel.held is not None:
            kernel.held.release()
            kernel.held = None
        if kernel.manager is not None:
            await end_kernel(kernel.manager, kernel.kc, kernel.token, run.label)
    finally:
        shutil.rmtree(kernel.folder, ignore_errors=True)


async def end_or_hand_over(kernel: StartedKernel, run: KernelRun) -> None:
    """End a kernel whose cells have run: now, or, given ``run.endings``, beside the caller's work.

    ``bulletin render`` makes the notebook's page while its kernel ends (a tenth of a second, on
    the critical path of a render that runs one notebook): the end starts here and is handed over
    to ``run.endings``, which the caller awaits with :func:`await_endings`.
    """
    if run.endings is None:
        await finish_kernel(kernel, run)
    else:
        run.endings.append(asyncio.ensure_future(finish_kernel(kernel, run)))


async def await_endings(run: KernelRun) -> None:
    """Wait until every kernel end handed over to ``run.endings`` is done, even when cancelled.

    An interrupt (a cancellation) waits for them too, then goes on: the kernel and the processes
    it started are ended before the render stops. An end that failed is logged either way.
    """
    if not run.endings:
        return
    ending = asyncio.gather(*run.endings, return_exceptions=True)
    try:
        await asyncio.shield(ending)
    except asyncio.CancelledError:
        await ending
        raise
    finally:
        if ending.done() and not ending.cancelled():
            for result in ending.result():
                if isinstance(result, BaseException):  # as said when awaited in the run itself
                    log.warning("could not end the kernel of %s", run.label, exc_info=result)


async def abandon_kernel(starting: asyncio.Future, run: KernelRun) -> None:
    """A kernel started for a run that will not use it: stop its start, or end it."""
    if not starting.done():
        starting.cancel()
    with contextlib.suppress(BaseException):  # its start ended what it had started
        kernel = await asyncio.shield(starting)
        await finish_kernel(kernel, run)
