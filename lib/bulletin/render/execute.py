"""Executing one notebook: through papermill, with the ``bulletin`` engine, into its page.

:func:`execute_task` takes papermill's steps one by one, as ``papermill.execute_notebook`` takes
them (parameters injected after the ``parameters`` cell, papermill's metadata, its error cells), but
from the render's event loop: the render runs many notebooks in one loop, starts each one's kernel
while others run (:class:`~bulletin.render.kernel_run.Slots`) and cancels them all on an
interrupt, while ``papermill.execute_notebook`` blocks its thread until the notebook ends. The
notebook itself runs in :class:`~bulletin.render.papermill_engine.BulletinEngine`, the engine
``papermill --engine bulletin`` runs it in.

What the render adds to papermill: the time limit of the whole notebook, a summary of what failed
in words a reader follows (``cell 5 of 9 (Compute) failed at line 3 with ValueError: ...``; cells
are counted among the notebook's own code cells, the injected one left out), the record of the
files the kernel read, and the notebook's page (:mod:`bulletin.publish.pages`) with a failure banner
at the top when it did not render.
"""

from __future__ import annotations

import importlib
import json
import logging
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bulletin.render import cache
from bulletin.render.parameters import cell_source
from bulletin.render.plan import Task

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What executing a notebook produced.

    ``figures``, ``claims`` and ``data`` are what the notebook recorded
    (:func:`bulletin.render.engine.collect_records`), gathered once every notebook has run.
    """

    name: str
    status: str  # ok, failed, timeout
    seconds: float
    executed: dict[str, Any]
    html: str
    title: str
    data_read: dict[str, str | None]
    error: dict[str, Any] | None = None
    finished_at: str = ""
    figures: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)
    downloads: dict[str, bytes] = field(default_factory=dict)
    """The page's files to take away (PNG, SVG, CSV, ``datapackage.json``), by path in the issue."""


def _headings(cells: list[dict[str, Any]]) -> list[str]:
    """For each cell, the last Markdown heading at or before it (its section)."""
    section, out = "", []
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            found = re.findall(r"^#+\s+(.+)$", cell_source(cell), flags=re.MULTILINE)
            if found:
                section = found[-1].strip()
        out.append(section)
    return out


def _cell_label(cells: list[dict[str, Any]], index: int) -> str:
    """``cell 5 of 9 (Compute)``: a code cell by its number among the notebook's own code cells."""
    code = [
        i for i, c in enumerate(cells)
        if c.get("cell_type") == "code"
        and "injected-parameters" not in c.get("metadata", {}).get("tags", [])
    ]
    number = code.index(index) + 1 if index in code else index + 1
    section = _headings(cells)[index] if index < len(cells) else ""
    return f"cell {number} of {len(code)}" + (f" ({section})" if section else "")


def failure_banner(name: str, error: dict[str, Any]) -> dict[str, Any]:
    """A cell for the top of a failed notebook's page: which cell failed, and why."""
    import html

    from bulletin.publish.report import markdown_to_html

    summary = error["summary"]
    text = (
        f"**This analysis did not render.** {summary[:1].upper()}{summary[1:]}.\n\n"
        "The outputs below are those of the cells that ran before it; the published issue was "
        "left as it was."
    )
    body = markdown_to_html(text)
    if error.get("source"):
        body += f"<pre class=\"bulletin-failed-cell\">{html.escape(error['source'])}</pre>"
    if error.get("traceback"):
        body += f"<pre class=\"bulletin-traceback\">{html.escape(error['traceback'])}</pre>"
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": "bulletin-failure",
        "metadata": {"tags": ["bulletin-failure"]},
        "outputs": [
            {
                "output_type": "display_data",
                "data": {"text/html": f'<div class="bulletin-failure">{body}</div>', "text/plain": text},
                "metadata": {},
            }
        ],
        "source": "",
    }


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _error_info(cells: list[Any], index: int | None, kind: str, ename: str, evalue: str,
                traceback: str = "", seconds: float | None = None) -> dict[str, Any]:
    """What failed, where (``cell 5 of 9 (Compute)``) and why, in one record and one sentence."""
    where = _cell_label(cells, index) if index is not None and index < len(cells) else "the kernel"
    source = cell_source(cells[index]) if index is not None and index < len(cells) else ""
    plain = _ANSI.sub("", traceback)
    if kind == "timeout":
        summary = f"{where} timed out after {seconds:g} s (the limit per cell, --timeout)"
    else:
        # IPython names the failing cell's line "Cell In[5], line 3" (the first is the cell's own).
        line = re.search(r"Cell In\[\d+\], line (\d+)", plain)
        at = f" at line {line[1]}" if line and index is not None else ""
        summary = f"{where} failed{at} with {ename}: {evalue}".rstrip(": ")
    return {
        "kind": kind,
        "cell": where,
        "cell_index": index,
        "ename": ename,
        "evalue": evalue,
        "summary": summary,
        "source": source,
        "traceback": plain[-4000:],
    }


def _read_trace(path: Path, data_dir: Path) -> dict[str, str | None]:
    """The files a kernel recorded, each with its SHA-256 (None: it did not exist).

    Data files by name, others by absolute path. Folders opened for reading are left out.
    """
    data = cache.DataFiles(data_dir)
    try:
        names = sorted({line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})
    except OSError:
        names = []
    return {name: data.sha256(name) for name in names if not (data.data_dir / name).is_dir()}


def _page(name: str, executed: dict[str, Any], footer: Callable[[], str],
          error: dict[str, Any] | None) -> tuple[str, str, dict[str, bytes]]:
    """The notebook's title, page and the page's downloads (by path in the issue's folder).

    A failed notebook's page has the failure banner at the top instead of papermill's error cells.
    ``footer`` makes the page's footer (in this thread, as the rest of the page).
    """
    import nbformat

    from bulletin.publish.downloads import PageDownloads
    from bulletin.publish.pages import export_html, notebook_title, prepare_for_readers

    nb = nbformat.from_dict(json.loads(json.dumps(executed)))
    nb.cells = _own_cells(nb)
    title = notebook_title(nb, name)
    downloads = PageDownloads(name, title)
    readers = prepare_for_readers(nb, name, downloads)
    if error is not None:
        banner = nbformat.from_dict(failure_banner(name, error))
        first_code = next((i for i, c in enumerate(readers.cells) if c.cell_type == "code"), len(readers.cells))
        readers.cells.insert(first_code, banner)
    nav = '<a href="index.html">&larr; Contents of the issue</a>'
    return title, export_html(readers, title, nav, footer()), downloads.all_files()


def now() -> str:
    """The time, in UTC, to the second (ISO 8601)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def parameterized_notebook(task: Task) -> Any:
    """The task's notebook, parameters injected, as ``papermill.execute_notebook`` prepares it.

    papermill's metadata in, its error cells of an earlier run out. The notebook is the one read
    and fingerprinted before the render, not read again.
    """
    import nbformat
    from papermill.execute import prepare_notebook_metadata, remove_error_markers
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from bulletin.render.papermill_engine import ENGINE_NAME

    nb = load_notebook_node(nbformat.from_dict(task.notebook.content))
    if task.parameters:
        nb = parameterize_notebook(nb, task.parameters, engine_name=ENGINE_NAME)
    nb = prepare_notebook_metadata(nb, str(task.notebook.path), None)
    return remove_error_markers(nb)


def _own_cells(nb: Any) -> list[Any]:
    """The cells of the notebook as it ran: without the cells papermill marks an error with."""
    from papermill.execute import ERROR_MARKER_TAG

    return [c for c in nb.cells if ERROR_MARKER_TAG not in c.get("metadata", {}).get("tags", [])]


def _failure(nb: Any, index: int | None, exc: BaseException, run: Any) -> tuple[str, dict[str, Any]]:
    """The status and error record of a notebook that ended with ``exc``."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from bulletin.render.papermill_engine import NotebookTimeoutError

    cells = _own_cells(nb)
    if isinstance(exc, NotebookTimeoutError):
        error = _error_info(cells, index, "timeout", "TimeoutError", "", seconds=run.notebook_timeout)
        error["summary"] = (
            f"the notebook timed out after {run.notebook_timeout:g} s (the limit per notebook, "
            f"--notebook-timeout), in {error['cell']}"
        )
        return "timeout", error
    if isinstance(exc, CellTimeoutError):
        return "timeout", _error_info(cells, index, "timeout", "CellTimeoutError",
                                      str(exc).splitlines()[0], seconds=run.cell_timeout)
    if isinstance(exc, PapermillExecutionError):
        return "failed", _error_info(cells, exc.cell_index, "error", exc.ename, exc.evalue,
                                     "\n".join(exc.traceback))
    if isinstance(exc, DeadKernelError):
        return "failed", _error_info(cells, index, "error", "DeadKernelError", f"the kernel died ({exc})")
    return "failed", _error_info(cells, index, "error", type(exc).__name__, str(exc))


async def execute_task(
    task: Task,
    make_manager: Any,
    data_dir: Path,
    cell_timeout: int,
    notebook_timeout: float | None,
    on_cell: Any = None,
    slots: Any = None,
    on_start: Any = None,
    *,
    temp_root: Path,
) -> Outcome:
    """Execute one notebook through papermill with the ``bulletin`` engine, and make its page.

    Args:
        task: the notebook and its parameters.
        make_manager: called with the notebook's private temporary folder, returns the kernel
            manager (its log goes into that folder, its sockets into the render's).
        data_dir: the data folder (files read from it are recorded by name).
        cell_timeout: seconds a cell may run.
        notebook_timeout: seconds the whole notebook may run (None: no limit).
        on_cell: called with the label of each cell as it starts.
        slots: how many kernels start and run at once
            (:class:`~bulletin.render.kernel_run.Slots`).
        on_start: called when the notebook's kernel is ready and its first cell about to run.
        temp_root: the render's temporary folder (what the kernel reads there is not recorded).

    Returns:
        The outcome: status, executed notebook, page, error, files read.

    Never raises for the notebook's own failures (an error, a timeout, a kernel that died or
    would not start): they are in the outcome. When it is cancelled (an interrupt), its kernel
    and the processes it started are ended before the cancellation goes on.
    """
    import asyncio  # here: a render that reuses every notebook never comes here (issue 18)

    from bulletin.render.kernel_run import KernelRun, abandon_kernel, await_endings, start_kernel
    from bulletin.render.kernelboot import TRACE_FILE_ENV, TRACE_ROOT_ENV, TRACE_SKIP_ENV

    root = Path(temp_root)
    trace = Path(tempfile.mkstemp(prefix=f"{task.notebook.name[:32]}-", suffix=".read", dir=root)[1])
    nb: Any = None
    current: dict[str, int | None] = {"index": None}

    def cell_started(index: int) -> None:
        current["index"] = index
        if on_cell is not None:
            on_cell(_cell_label(nb.cells, index))

    run = KernelRun(
        temp_root=root,
        cell_timeout=cell_timeout,
        notebook_timeout=notebook_timeout,
        env={TRACE_FILE_ENV: str(trace), TRACE_ROOT_ENV: str(data_dir), TRACE_SKIP_ENV: str(root)},
        data_dir=data_dir,
        make_manager=make_manager,
        slots=slots,
        on_cell=cell_started,
        on_start=on_start,
        name=task.notebook.name,
        label=task.label,
        endings=[],  # the kernel ends while the page is made
    )
    # The kernel starts, in a process of its own, while papermill is imported (the first time).
    starting = asyncio.ensure_future(start_kernel(run))
    try:
        await asyncio.to_thread(importlib.import_module, "bulletin.render.papermill_engine")
        nb = parameterized_notebook(task)
    except BaseException:
        await abandon_kernel(starting, run)
        trace.unlink(missing_ok=True)
        raise
    from papermill.execute import raise_for_execution_errors

    from bulletin.render.papermill_engine import BulletinEngine

    status, error = "ok", None
    try:
        try:
            nb = await BulletinEngine.async_execute_notebook(nb, run, starting)
            raise_for_execution_errors(nb, None)
        except Exception as exc:  # noqa: BLE001 (each is this notebook's failure, in its outcome)
            status, error = _failure(nb, current["index"], exc, run)
        executed_at = time.perf_counter()
        executed = json.loads(json.dumps(nb))
        title, page, downloads = await asyncio.to_thread(
            _page, task.notebook.name, executed, task.footer_text, error
        )
    finally:
        await await_endings(run)  # the kernel and its processes have ended: nothing reads on
        data_read = _read_trace(trace, data_dir)
        trace.unlink(missing_ok=True)
    log.debug("%s: executed in %.2f s, page made %.2f s later", task.label,
              executed_at - run.started, time.perf_counter() - executed_at)
    return Outcome(
        name=task.notebook.name,
        status=status,
        seconds=time.perf_counter() - run.started,
        executed=executed,
        html=page,
        title=title,
        data_read=data_read,
        error=error,
        finished_at=now(),
        downloads=downloads,
    )
