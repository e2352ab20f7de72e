"""Running many notebooks: locally with forked kernels, or on a Dask cluster.

Locally, the notebooks to run are executed ``jobs`` at a time, each in its own kernel process and
its own empty working folder, kernels forked from a :class:`~bulletin.render.kernel.KernelForkServer`
that has already imported pandas, seaborn and the library. With a Dask scheduler, each notebook is
one task on the cluster. A notebook that fails, or runs past its timeout, does not stop the others.

An interrupt (SIGINT, SIGTERM) cancels every notebook, which ends its kernel in order, and raises
:class:`~bulletin.render.plan.RenderInterrupted`.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bulletin.core.paths import REFERENCE_DIR_ENV, own_reference_dir
from bulletin.render.execute import Outcome, execute_task, now
from bulletin.render.folders import remove_stale_temp, render_temp_dir
from bulletin.render.plan import Notebook, Options, RenderInterrupted, Task
from bulletin.render.progress import Progress

log = logging.getLogger(__name__)


@contextmanager
def _signals_cancel(future: asyncio.Future) -> Iterator[list[int]]:
    """While the block runs, SIGINT and SIGTERM cancel ``future``; yields the signals received.

    Cancelling makes every notebook stop its kernel in order. Main thread only (elsewhere the
    signals keep their handlers).
    """
    loop = asyncio.get_running_loop()
    received: list[int] = []
    installed: dict[int, Any] = {}

    def on_signal(signum: int) -> None:
        if not received:  # a second Ctrl-C must not cut the kernels' shutdown short
            received.append(signum)
            future.cancel()

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(signum)
            try:
                loop.add_signal_handler(signum, on_signal, signum)
            except (RuntimeError, ValueError, NotImplementedError):
                continue
            installed[signum] = previous
    try:
        yield received
    finally:
        for signum, previous in installed.items():
            loop.remove_signal_handler(signum)
            signal.signal(signum, previous if previous is not None else signal.SIG_DFL)


def start_kernel_server(options: Options) -> Any:
    """Start the :class:`~bulletin.render.kernel.KernelForkServer` the notebooks' kernels fork from.

    Its imports take seconds: the renderer starts it as soon as it knows a notebook will run, so
    that they happen while it plans and prepares the pages' footers, not after; and it is the
    lasting server of :mod:`bulletin.render.kernel_daemon` when one is kept
    (``BULLETIN_KERNEL_SERVER_IDLE``), whose imports an earlier render has already paid.
    """
    from bulletin.render.kernel import KernelForkServer
    from bulletin.render.kernel_daemon import idle_seconds

    reference = own_reference_dir(options.data_dir)
    env = {REFERENCE_DIR_ENV: str(reference)} if reference else None
    return KernelForkServer(env, keep_for=idle_seconds())


async def run_local(tasks: list[Task], options: Options, progress: Progress,
                    server: Any = None) -> dict[str, Outcome]:
    """Execute ``tasks`` on this machine, ``options.jobs`` at a time, kernels forked in advance.

    Args:
        tasks: the notebooks to run.
        options: the render's options.
        progress: where to say how each goes.
        server: the fork server to fork kernels from (:func:`start_kernel_server`; default: one
            started here). It is closed when the tasks are done, every kernel it forked with it.

    Raises:
        RenderInterrupted: SIGINT or SIGTERM arrived; every kernel was stopped.
    """
    from bulletin.render.kernel import ForkedKernelManager
    from bulletin.render.kernel_run import Slots

    outcomes: dict[str, Outcome] = {}
    slots = Slots(options.jobs)
    # The pages' machinery (nbconvert, the templates) is made ready while the first kernels run.
    threading.Thread(target=_import_page_machinery, daemon=True).start()
    with render_temp_dir() as root:
        server = server or start_kernel_server(options)

        async def one(task: Task) -> None:
            outcome = await execute_task(
                task,
                lambda scratch: ForkedKernelManager(
                    server=server, log_file=str(scratch / "kernel.log"), socket_parent=root
                ),
                options.data_dir,
                options.cell_timeout,
                options.notebook_timeout,
                on_cell=lambda label: progress.cell(task.key, label),
                slots=slots,
                on_start=lambda: progress.started(task.key),
                temp_root=root,
            )
            outcomes[task.key] = outcome
            _report(progress, task, outcome)

        try:
            everything = asyncio.gather(*(one(task) for task in tasks))
            with _signals_cancel(everything) as received:
                try:
                    await everything
                except asyncio.CancelledError:
                    if not received:
                        raise
            if received:
                raise RenderInterrupted(received[0])
        finally:
            await asyncio.to_thread(server.close)
    return outcomes


def _import_page_machinery() -> None:
    """Import what makes a notebook's page and make a page, so that the first one does not wait.

    What runs the notebooks (papermill) is imported first, or waited for if another thread is
    importing it (:func:`bulletin.render.execute.execute_task`): the first cell needs it, the
    first page only later. Imported side by side, the two held each other up, and the first cell
    ran half a second later. Then psutil, which the end of each kernel needs to find the
    processes it started (a tenth of a second to import, on the way out of the first notebook).
    """
    with contextlib.suppress(Exception):  # an optimisation: the page imports it anyway, and says
        importlib.import_module("bulletin.render.papermill_engine")
        from bulletin.publish import pages

        pages.warm_up()
        importlib.import_module("psutil")


def _report(progress: Progress, task: Task, outcome: Outcome) -> None:
    detail = outcome.error["summary"] if outcome.error else ""
    progress.finished(task.key, {"ok": "done"}.get(outcome.status, outcome.status), outcome.seconds, detail)
    log.debug("%s: %s in %.1f s %s", task.label, outcome.status, outcome.seconds, detail)


def run_task_on_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """A Dask task: execute one notebook on the worker and return its outcome as plain data.

    The worker needs the project installed and the data folder at the same path (a shared file
    system); the notebook itself travels with the task.
    """
    from bulletin.render.kernel import AsyncProjectKernelManager

    notebook = Notebook(Path(spec["path"]), spec["content"], spec["source_sha"], {})
    task = Task(spec["key"], notebook, spec["parameters"], spec["label"], spec["footer"])
    remove_stale_temp()
    with render_temp_dir() as root:
        outcome = asyncio.run(
            execute_task(
                task,
                lambda scratch: AsyncProjectKernelManager(socket_parent=root),
                Path(spec["data_dir"]),
                spec["cell_timeout"],
                spec["notebook_timeout"],
                temp_root=root,
            )
        )
    return outcome.__dict__


def run_dask(tasks: list[Task], options: Options, progress: Progress) -> dict[str, Outcome]:
    """Execute ``tasks`` on the Dask cluster at ``options.scheduler``, one notebook per task."""
    from distributed import Client, as_completed

    outcomes: dict[str, Outcome] = {}
    with Client(options.scheduler, timeout="30s", set_as_default=False) as client:
        futures = {}
        for task in tasks:
            spec = {
                "key": task.key,
                "path": str(task.notebook.path),
                "content": task.notebook.content,
                "source_sha": task.notebook.source_sha,
                "parameters": task.parameters,
                "label": task.label,
                "footer": task.footer_text(),
                "data_dir": str(options.data_dir),
                "cell_timeout": options.cell_timeout,
                "notebook_timeout": options.notebook_timeout,
            }
            future = client.submit(run_task_on_worker, spec, pure=False)
            futures[future] = task
            progress.started(task.key)
        for future in as_completed(list(futures), loop=client.loop):
            task = futures[future]
            try:
                outcome = Outcome(**future.result())
            except Exception as exc:  # noqa: BLE001 (a lost worker fails this notebook only)
                outcome = Outcome(
                    task.notebook.name, "failed", 0.0, task.notebook.content, "", task.notebook.name,
                    {},
                    {"kind": "error", "cell": "the cluster", "cell_index": None, "ename": type(exc).__name__,
                     "evalue": str(exc), "summary": f"the cluster could not run it: {exc}",
                     "source": "", "traceback": ""},
                    now(),
                )
            outcomes[task.key] = outcome
            _report(progress, task, outcome)
    return outcomes

