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
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_async
from nbclient.exceptions import CellExecutionError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, NotebookExecutionManager, papermill_engines

from bulletin.core.paths import data_folder
from bulletin.render.folders import remove_stale_temp, render_temp_dir
from bulletin.render.kernel_run import (
    DEFAULT_CELL_TIMEOUT,
    KernelRun,
    abandon_kernel,
    end_or_hand_over,
    start_kernel,
)

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


class NotebookTimeoutError(Exception):
    """The whole notebook ran past its time limit (``bulletin render --notebook-timeout``)."""


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


async def _execute(client: Any, run: KernelRun) -> None:
    execution = asyncio.ensure_future(client.async_execute())
    try:
        # asyncio.wait, not wait_for: cancelling nbclient mid-cell makes it raise
        # DeadKernelError, and a time limit would read as a kernel that died.
        done, _ = await asyncio.wait({execution}, timeout=run.notebook_timeout)
        if not done:
            raise NotebookTimeoutError(run.notebook_timeout)
        execution.result()
    finally:
        if not execution.done():
            execution.cancel()
            await asyncio.wait({execution})
        if not execution.cancelled():
            execution.exception()  # seen: a cancelled nbclient's DeadKernelError means nothing


async def run_notebook(nb_man: NotebookExecutionManager, run: KernelRun,
                       starting: asyncio.Future | None = None) -> None:
    """Execute the notebook of ``nb_man`` in a kernel of its own, then end it and its processes.

    The end is awaited here, or left running in ``run.endings`` when the caller keeps them
    (:func:`~bulletin.render.kernel_run.end_or_hand_over`).

    The cells run as papermill runs them (``nb_man`` records each cell's start, end and error in
    the notebook's metadata); a cell that raises stops the notebook without an exception here
    (papermill's ``raise_for_execution_errors`` finds it).

    Args:
        nb_man: papermill's record of the notebook.
        run: where and how its kernel runs.
        starting: its kernel, being started already (:func:`~bulletin.render.kernel_run.start_kernel`
            as a task); None: started here.

    Raises:
        NotebookTimeoutError: the notebook ran past ``run.notebook_timeout``.
        CellTimeoutError: a cell ran past ``run.cell_timeout``.
        DeadKernelError: the kernel died.
        Exception: the kernel would not start.
        asyncio.CancelledError: cancelled (an interrupt); the kernel and its processes were
            ended first.
    """
    if starting is None:
        starting = asyncio.ensure_future(start_kernel(run))
    try:
        kernel = await starting
    except BaseException:
        await abandon_kernel(starting, run)  # cancelled here: wait until its start has ended it
        raise
    try:
        client = BulletinClient(
            nb_man,
            km=kernel.manager,
            timeout=run.cell_timeout,
            startup_timeout=run.start_timeout,
            allow_errors=False,
            kernel_name="python3",
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(kernel.work)}},
            on_cell_execute=(lambda cell, cell_index: run.on_cell(cell_index)) if run.on_cell else None,
            log=client_log,
            **run.client_options,
        )
        client.kc = kernel.kc
        run.started = time.perf_counter()
        if run.on_start is not None:
            run.on_start()
        await _execute(client, run)
    finally:
        await end_or_hand_over(kernel, run)


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
    async def async_execute_notebook(cls, nb: Any, run: KernelRun,
                                     starting: asyncio.Future | None = None) -> Any:
        """Run a parameterised notebook from a running event loop.

        As papermill's ``Engine.execute_notebook`` does from none: the notebook's metadata
        started, the cells run (:func:`run_notebook`), the metadata completed whatever happened.

        Args:
            nb: the notebook, parameterised by papermill.
            run: where and how its kernel runs.
            starting: its kernel, being started already (see :func:`run_notebook`).

        Returns:
            The executed notebook (``nb`` itself).
        """
        nb_man = NotebookExecutionManager(nb, output_path=None, progress_bar=False)
        nb_man.notebook_start()
        try:
            await run_notebook(nb_man, run, starting)
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
