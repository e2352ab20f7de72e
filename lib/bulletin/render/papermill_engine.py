"""The papermill engine ``bulletin``: a notebook run in the project's kernel, as ``bulletin render`` runs it.

Registered under papermill's entry point group ``papermill.engine`` (``pyproject.toml``), so that::

    papermill --engine bulletin notebooks/01_quarterly_seizures.ipynb out.ipynb -p quarter 2017Q2

runs a notebook the way ``bulletin render`` does: in the project's own kernel
(:mod:`bulletin.render.kernel`: the project's Python, private IPC sockets, the read trace), in a
kernel process of its own, with the same limits (600 s a cell unless ``--execution-timeout`` says
otherwise), the same environment (its own temporary folder, no history database, the data folder's
own reference vocabularies), and every process the notebook started ended with it
(:func:`bulletin.render.processes.end_processes`). papermill does the rest, for both: it reads the
``parameters`` cell, injects the ``injected-parameters`` cell after it, keeps the notebook's and
each cell's metadata (times, status, the cell that failed) and marks the failed cell.

``bulletin render`` goes through the same engine with :meth:`BulletinEngine.async_execute_notebook`
(:mod:`bulletin.render.execute`), which adds what papermill's command has no use for: a kernel
forked from a warm :class:`~bulletin.render.kernel.KernelForkServer`, an empty working folder per
notebook, the record of the files it read, a time limit per notebook, slots that start the next
kernels while others run, and cancellation by an interrupt. From papermill's command the kernel
runs where papermill runs (or in its ``--cwd``), as with papermill's own engine: the notebooks'
default data folder is the project's whatever that folder is (``data_dir: str = ""``, read by
:func:`bulletin.core.paths.data_folder`), and a relative ``-p data_dir`` is taken from it, as a
path on the command line is.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_async
from nbclient.exceptions import CellExecutionError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, NotebookExecutionManager, papermill_engines

from bulletin.core.paths import REFERENCE_DIR_ENV, data_folder, own_reference_dir
from bulletin.render.folders import remove_stale_temp, render_temp_dir
from bulletin.render.processes import TOKEN_ENV, descendants, end_processes

log = logging.getLogger(__name__)
# nbclient says "Executing notebook with kernel" at INFO for every notebook: progress says more.
client_log = logging.getLogger(__name__ + ".nbclient")
client_log.setLevel(logging.WARNING)


def _not_duplicated(record: logging.LogRecord) -> bool:
    # A time limit is reported with the notebook, as a timeout; nbclient would also log it, and
    # log the kernel the renderer stopped at a notebook's time limit as one that "died".
    return not record.getMessage().startswith(("Timeout waiting for execute reply", "Kernel died"))


client_log.addFilter(_not_duplicated)

ENGINE_NAME = "bulletin"
DEFAULT_CELL_TIMEOUT = 600
"""Seconds a cell may run, as ``bulletin render --timeout`` has it by default."""


class NotebookTimeoutError(Exception):
    """The whole notebook ran past its time limit (``bulletin render --notebook-timeout``)."""


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


class BulletinClient(PapermillNotebookClient):
    """papermill's notebook client, run from asyncio, less nbclient's own kernel handling.

    nbclient puts handlers for SIGINT and SIGTERM on the event loop while a notebook runs, which
    shut the kernel down (so that an interrupt ended as "the kernel died", a failed notebook and a
    ``.failed`` folder) and then reset both signals to their defaults. The renderer handles the
    two signals itself and ends its kernels in :func:`run_notebook`; the kernel is started there
    too (in its slot), and handed to the client.
    """

    @asynccontextmanager
    async def async_setup_kernel(self, **kwargs: Any):
        """Use the kernel already started; start one only when there is none."""
        if self.kc is None:
            await self.async_start_new_kernel_client()
        yield

    async def async_execute(self, reset_kc: bool = False, **kwargs: Any) -> Any:
        """Execute the cells as papermill's client does; the first error stops the notebook.

        Each cell's start, error and end go into papermill's metadata.

        Raises:
            CellTimeoutError: a cell ran past its limit.
            DeadKernelError: the kernel died.
        """
        self.reset_execution_trackers()
        async with self.async_setup_kernel(**kwargs):
            for index, cell in enumerate(self.nb.cells):
                try:
                    self.nb_man.cell_start(cell, index)
                    await self.async_execute_cell(cell, index)
                except CellExecutionError as error:
                    self.nb_man.cell_exception(self.nb.cells[index], cell_index=index, exception=error)
                    break
                finally:
                    self.nb_man.cell_complete(self.nb.cells[index], cell_index=index)
            info = await self.async_wait_for_reply(await ensure_async(self.kc.kernel_info()))
            if info is not None:
                self.nb.metadata["language_info"] = info["content"]["language_info"]
            self.set_widgets_metadata()
        return self.nb


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


async def end_kernel(manager: Any, client: Any, token: str, name: str) -> None:
    """Stop a notebook's kernel and every process it started (see :func:`processes.end_processes`)."""
    provisioner = getattr(manager, "provisioner", None)
    pid = getattr(provisioner, "pid", None) if provisioner is not None else None
    # Taken before the kernel ends: its orphans would no longer be its descendants.
    left = await asyncio.to_thread(descendants, pid)
    try:
        if client.kc is not None:
            client.kc.stop_channels()
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


async def _start(manager: Any, client: Any, run: KernelRun, work: Path, env: dict[str, str]) -> None:
    # No history database: a render's kernels share nothing, not even ~/.ipython.
    await manager.start_kernel(
        cwd=str(work), env=env, extra_arguments=["--HistoryManager.hist_file=:memory:"]
    )
    client.kc = manager.client()
    client.kc.start_channels()
    await client.kc.wait_for_ready(timeout=client.startup_timeout)
    client.kc.allow_stdin = False


async def _execute(client: Any, run: KernelRun, folder: Path, env: dict[str, str],
                   manager: Any) -> None:
    work = run.work_dir or folder / "work"
    work.mkdir(exist_ok=True)
    held = None
    execution: asyncio.Future | None = None
    if run.slots is not None:
        await run.slots.starting.acquire()
        held = run.slots.starting
    try:
        await _start(manager, client, run, work, env)
        if run.slots is not None:
            await run.slots.running.acquire()
            run.slots.starting.release()
            held = run.slots.running
        run.started = time.perf_counter()
        if run.on_start is not None:
            run.on_start()
        execution = asyncio.ensure_future(client.async_execute())
        # asyncio.wait, not wait_for: cancelling nbclient mid-cell makes it raise
        # DeadKernelError, and a time limit would read as a kernel that died.
        done, _ = await asyncio.wait({execution}, timeout=run.notebook_timeout)
        if not done:
            raise NotebookTimeoutError(run.notebook_timeout)
        execution.result()
    finally:
        if held is not None:
            held.release()
        if execution is not None and not execution.done():
            execution.cancel()
            await asyncio.wait({execution})
        if execution is not None and not execution.cancelled():
            execution.exception()  # seen: a cancelled nbclient's DeadKernelError means nothing


async def run_notebook(nb_man: NotebookExecutionManager, run: KernelRun) -> None:
    """Execute the notebook of ``nb_man`` in a kernel of its own, then end it and its processes.

    The cells run as papermill runs them (``nb_man`` records each cell's start, end and error in
    the notebook's metadata); a cell that raises stops the notebook without an exception here
    (papermill's ``raise_for_execution_errors`` finds it).

    Raises:
        NotebookTimeoutError: the notebook ran past ``run.notebook_timeout``.
        CellTimeoutError: a cell ran past ``run.cell_timeout``.
        DeadKernelError: the kernel died.
        Exception: the kernel would not start.
        asyncio.CancelledError: cancelled (an interrupt); the kernel and its processes were
            ended first.
    """
    folder = Path(tempfile.mkdtemp(prefix=f"{run.name[:32]}-", dir=run.temp_root))
    try:
        (folder / "tmp").mkdir()
        token = f"{os.getpid()}-{os.urandom(8).hex()}"
        env = kernel_environment(run, folder, token)
        manager = _new_manager(run, folder)
        client = BulletinClient(
            nb_man,
            km=manager,
            timeout=run.cell_timeout,
            startup_timeout=run.start_timeout,
            allow_errors=False,
            kernel_name="python3",
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(run.work_dir or folder / "work")}},
            on_cell_execute=(lambda cell, cell_index: run.on_cell(cell_index)) if run.on_cell else None,
            log=client_log,
            **run.client_options,
        )
        try:
            await _execute(client, run, folder, env, manager)
        finally:
            await end_kernel(manager, client, token, run.label)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class BulletinEngine(Engine):
    """papermill's engine ``bulletin``: the project's kernel, as ``bulletin render`` starts it."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: NotebookExecutionManager, kernel_name: str,
                                 **kwargs: Any) -> Any:
        """Run the notebook for papermill's command (or ``papermill.execute_notebook``).

        The kernel is a new project kernel, in the working folder papermill runs it in (its
        ``--cwd``, else its own); ``kernel_name`` is not used (see :mod:`bulletin.render.kernel`).

        Args:
            nb_man: papermill's record of the notebook being run.
            kernel_name: the kernel papermill found in the notebook (not used).
            **kwargs: papermill's options: ``input_path``, ``execution_timeout`` (seconds a
                cell may run; default 600, as ``bulletin render``), ``start_timeout``,
                ``log_output``, ``stdout_file``, ``stderr_file``.

        Returns:
            The executed notebook.
        """
        input_path = kwargs.get("input_path")
        work = Path.cwd()  # papermill's --cwd, else where it runs
        parameters = nb_man.nb.metadata.get("papermill", {}).get("parameters") or {}
        data_dir = parameters.get("data_dir")
        client_options = {k: kwargs[k] for k in ("log_output", "stdout_file", "stderr_file")
                          if kwargs.get(k) is not None}
        remove_stale_temp()
        with render_temp_dir() as root:
            run = KernelRun(
                temp_root=root,
                work_dir=work,
                cell_timeout=int(kwargs.get("execution_timeout") or DEFAULT_CELL_TIMEOUT),
                start_timeout=kwargs.get("start_timeout") or 60,
                data_dir=data_folder(data_dir) if isinstance(data_dir, str) else None,
                name=Path(input_path).stem if isinstance(input_path, str) else "notebook",
                label=str(input_path),
                client_options=client_options,
            )
            asyncio.run(run_notebook(nb_man, run))
        return nb_man.nb

    @classmethod
    def nb_kernel_name(cls, nb: Any, name: str | None = None) -> str:
        """The notebook's kernel name, ``python3`` when it names none.

        The project's kernel is Python whatever the notebook says.
        """
        return name or nb.metadata.get("kernelspec", {}).get("name") or "python3"

    @classmethod
    def nb_language(cls, nb: Any, language: str | None = None) -> str:
        """``python``: the language papermill writes the injected parameters in."""
        return language or "python"

    @classmethod
    async def async_execute_notebook(cls, nb: Any, run: KernelRun) -> Any:
        """Run a parameterised notebook from a running event loop.

        As papermill's ``Engine.execute_notebook`` does from none: the notebook's metadata
        started, the cells run (:func:`run_notebook`), the metadata completed whatever happened.

        Args:
            nb: the notebook, parameterised by papermill.
            run: where and how its kernel runs.

        Returns:
            The executed notebook (``nb`` itself).
        """
        nb_man = NotebookExecutionManager(nb, output_path=None, progress_bar=False)
        nb_man.notebook_start()
        try:
            await run_notebook(nb_man, run)
        finally:
            nb_man.notebook_complete()
        return nb_man.nb


# papermill loads its entry points when it is first imported, which may be by this module, still
# half-imported: the entry point therefore names this module, not the class (which would not exist
# yet), and the module answers papermill's three calls to an engine with the class's methods. Once
# the module is imported, the class itself is registered.
execute_notebook = BulletinEngine.execute_notebook
nb_kernel_name = BulletinEngine.nb_kernel_name
nb_language = BulletinEngine.nb_language
papermill_engines.register(ENGINE_NAME, BulletinEngine)
