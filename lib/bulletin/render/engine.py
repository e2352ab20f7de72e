"""The render engine: checked parameters, parallel kernels, reuse, failure isolation, safe publish.

One render takes one or more *editions* (an issue's quarter, for the whole region or for one
country) and, for each, every notebook of ``notebooks/``:

1. **Parameters first.** Each notebook's ``parameters`` cell is read (:mod:`bulletin.render.parameters`)
   and every value checked before any kernel starts; a problem stops the render with a
   :class:`~bulletin.render.parameters.ParameterError` (status 2 on the command line).
2. **Plan.** For each notebook, :func:`bulletin.render.cache.decide` says whether its last output can be
   reused (nothing it depends on changed) or why it must run. The last output is the one in the
   published issue; with ``resume`` also the one in ``<issue>.failed/``. A notebook that declares
   no ``country`` parameter is rendered once for the whole region and shared by every edition of
   the same quarter in the batch.
3. **Execute.** The notebooks to run are executed ``jobs`` at a time, each in its own kernel
   process and its own empty working folder, through nbclient. Locally, kernels are forked from a
   :class:`~bulletin.render.kernel.KernelForkServer` that has already imported pandas, seaborn and the
   library; with a Dask scheduler, each notebook is one task on the cluster. A notebook that
   fails, or runs past its timeout, does not stop the others: its page says which cell failed
   and why.
4. **Publish.** Each edition is assembled in a staging folder (pages, executed notebooks,
   ``figures.json``, ``claims.json``, ``index.html``, ``run.json``) and, when every notebook
   rendered, swapped in whole (:mod:`bulletin.render.folders`). When one failed, nothing replaces the
   published issue: the assembled result, failure pages included, is swapped in as
   ``<issue>.failed/`` for inspection and for ``--resume``. Only a folder the renderer made is
   ever replaced (:func:`check_targets`, :mod:`bulletin.render.folders`).

An interrupt (SIGINT, SIGTERM) stops the kernels and publishes nothing: :class:`RenderInterrupted`.
Everything a render puts in the temporary folder is under one folder of its own,
``bulletin-render-<pid>-*``, which the next render removes if the render was killed.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bulletin.core import files
from bulletin.core.paths import (
    PROJECT_ROOT,
    REFERENCE_DIR_ENV,
    REPORTS_DIR,
    own_reference_dir,
    reference_dir_of,
)
from bulletin.core.periods import Quarter
from bulletin.render import cache
from bulletin.render.folders import (
    TargetRefusedError,
    edition_lock,
    link_or_copy,
    new_staging,
    recover,
    remove_tree,
    signals_deferred,
    swap_in,
    target_problem,
    write_marker,
)
from bulletin.render.parameters import (
    Parameter,
    ParameterError,
    cell_source,
    check_country,
    check_extra_names,
    check_issue,
    declared_parameters,
    notebook_parameters,
    read_notebook_json,
)
from bulletin.render.progress import Progress

log = logging.getLogger(__name__)
# nbclient says "Executing notebook with kernel" at INFO for every notebook: progress says more.
_client_log = logging.getLogger(__name__ + ".nbclient")
_client_log.setLevel(logging.WARNING)


def _not_duplicated(record: logging.LogRecord) -> bool:
    # A time limit is reported with the notebook, as a timeout; nbclient would also log it, and
    # log the kernel the renderer stopped at a notebook's time limit as one that "died".
    return not record.getMessage().startswith(("Timeout waiting for execute reply", "Kernel died"))


_client_log.addFilter(_not_duplicated)

NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
FAILED_SUFFIX = ".failed"
RUN_RECORD = "run.json"


class RenderError(RuntimeError):
    """A render that could not complete; the previous issue is left as it was."""


# ParameterError is a usage error (status 2) but, for callers of render_issue, still a failed
# render: it is raised as this subclass of both.
class RenderParameterError(RenderError, ParameterError):
    def __init__(self, problems: list[str]):
        ParameterError.__init__(self, problems)


class RenderInterrupted(KeyboardInterrupt):
    """A render stopped by SIGINT or SIGTERM: its kernels were stopped and nothing of it published.

    Attributes:
        signum: the signal.
        published: folders published before the signal arrived (a batch publishes edition by
            edition; empty when the signal came while notebooks ran).
    """

    def __init__(self, signum: int, published: list[Path] | None = None):
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum = signum
        self.published = list(published or [])

    @property
    def status(self) -> int:
        """The exit status a shell gives a command ended by this signal: 128 + its number."""
        return 128 + self.signum


@dataclass
class RenderedNotebook:
    """One analysis of the issue, as rendered (or reused): what the front page needs."""

    name: str
    title: str
    html_name: str
    figures: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    status: str = "ok"
    reused: bool = False


@dataclass(frozen=True)
class Edition:
    """One issue folder: a quarter, for the whole region or one country."""

    issue: Quarter
    out_dir: Path
    country: str | None = None

    @property
    def label(self) -> str:
        return self.issue.label + (f" {self.country}" if self.country else "")

    @property
    def failed_dir(self) -> Path:
        return self.out_dir.with_name(self.out_dir.name + FAILED_SUFFIX)


@dataclass
class Options:
    """How to render (the ``bulletin render`` options)."""

    data_dir: Path
    notebooks_dir: Path
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    force: bool = False
    resume: bool = False
    cell_timeout: int = 600
    notebook_timeout: float | None = None
    scheduler: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    reports_dir: Path = REPORTS_DIR


@dataclass
class Notebook:
    """A notebook of ``notebooks/``, as read before anything runs."""

    path: Path
    content: dict[str, Any]
    source_sha: str
    declared: dict[str, Parameter]
    library: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass
class Task:
    """One execution of one notebook with one set of parameters (maybe shared by editions)."""

    key: str
    notebook: Notebook
    parameters: dict[str, Any]
    label: str
    footer: str = ""


@dataclass
class Outcome:
    """What executing a notebook produced."""

    name: str
    status: str  # ok, failed, timeout
    seconds: float
    executed: dict[str, Any]
    html: str
    title: str
    figures: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    data_read: dict[str, str | None]
    error: dict[str, Any] | None = None
    finished_at: str = ""
    data: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Planned:
    """One notebook of one edition: reused, or the task that renders it."""

    notebook: Notebook
    parameters: dict[str, Any]
    decision: cache.Decision
    task_key: str | None = None


@dataclass
class EditionResult:
    """How one edition ended: published, or kept as ``.failed``."""

    edition: Edition
    ok: bool
    folder: Path
    notebooks: list[dict[str, Any]]
    problems: list[str]


# --- reading the notebooks and checking parameters (no kernel) ------------------------------


def find_notebooks(notebooks_dir: Path | str) -> list[Path]:
    """The analyses of an issue: ``NN_name.ipynb`` files in reading order."""
    return sorted(Path(notebooks_dir).glob(NOTEBOOK_PATTERN))


def read_notebooks(notebooks_dir: Path, reference_dir: Path | None = None) -> list[Notebook]:
    """Every analysis, with its fingerprint and declared parameters.

    Args:
        notebooks_dir: the folder of the analyses.
        reference_dir: the reference vocabularies the kernels read (part of the fingerprint;
            default: the project's).

    Raises:
        RenderParameterError: a notebook that is not a notebook, or a parameters cell that is not
            typed literals.
        RenderError: no notebooks.
    """
    paths = find_notebooks(notebooks_dir)
    if not paths:
        raise RenderError(f"no notebooks matching {NOTEBOOK_PATTERN} in {notebooks_dir}")
    notebooks, problems = [], []
    for path in paths:
        try:
            content = read_notebook_json(path)
        except json.JSONDecodeError as error:
            problems.append(f"{path}:{error.lineno}:{error.colno}: not a notebook: invalid JSON "
                            f"({error.msg}, line {error.lineno}, column {error.colno})")
            continue
        except UnicodeDecodeError as error:
            problems.append(f"{path}: not a notebook: byte {error.start} is not UTF-8 text")
            continue
        if (not isinstance(content, dict) or not isinstance(content.get("cells", []), list)
                or not all(isinstance(c, dict) for c in content.get("cells", []))):
            problems.append(f"{path}: not a notebook: expected a JSON object with a list of cells")
            continue
        for cell in content.get("cells", []):
            cell["source"] = cell_source(cell)  # nbformat's in-memory form: one string
        try:
            declared = declared_parameters(content, path.name)
        except ParameterError as error:
            problems += error.problems
            declared = {}
        code = "\n".join(c["source"] for c in content.get("cells", []) if c.get("cell_type") == "code")
        notebooks.append(Notebook(path, content, cache.notebook_sha256(content), declared,
                                  cache.notebook_library(code, reference_dir)))
    if problems:
        raise RenderParameterError(problems)
    return notebooks


def check_parameters(
    editions: list[Edition], notebooks: list[Notebook], options: Options
) -> dict[tuple[Edition, str], dict[str, Any]]:
    """The values each notebook of each edition gets, all checked; before any kernel starts.

    Raises:
        RenderParameterError: every problem found (unknown name, wrong type, impossible value).
    """
    problems: list[str] = []
    if not options.cell_timeout or options.cell_timeout <= 0:
        problems.append(f"the time limit per cell must be more than 0 seconds; got {options.cell_timeout!r}")
    if options.notebook_timeout is not None and options.notebook_timeout <= 0:
        problems.append(f"the time limit per notebook must be more than 0 seconds; got {options.notebook_timeout!r}")
    declared_by: dict[str, set[str]] = {}
    for notebook in notebooks:
        for name in notebook.declared:
            declared_by.setdefault(name, set()).add(notebook.name)
    problems += check_extra_names(options.extra, declared_by)
    for issue in sorted({e.issue for e in editions}):
        problems += check_issue(issue, options.data_dir)
    for country in sorted({e.country for e in editions if e.country}):
        problems += check_country(country)
        if "country" not in declared_by:
            log.warning(
                "no notebook declares a 'country' parameter: the %s edition shows the whole region",
                country,
            )
    values: dict[tuple[Edition, str], dict[str, Any]] = {}
    if not problems:
        for edition in editions:
            for notebook in notebooks:
                try:
                    values[edition, notebook.name] = notebook_parameters(
                        notebook.declared, notebook.path.name, edition.issue,
                        options.data_dir, edition.country, options.extra,
                    )
                except ParameterError as error:
                    problems += [p for p in error.problems if p not in problems]
    if problems:
        raise RenderParameterError(problems)
    return values


# --- where the editions go: only folders the renderer made are replaced -----------------------


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path))


def check_targets(editions: list[Edition], options: Options) -> list[str]:
    """Why an edition's folder (or its ``.failed`` sibling) may not be published to; no kernel.

    Refused whatever they hold: a file or symbolic link, the root folder, the home folder, the
    project, the data, notebooks and reports folders and any folder containing one of them, any
    folder inside the data or notebooks folder. Refused unless empty: a folder the renderer did
    not publish (no marker) or holding entries it did not write. See :mod:`bulletin.render.folders`.
    """
    protected = {
        _resolved(Path.home()): "your home folder",
        _resolved(PROJECT_ROOT): "the project's folder",
        _resolved(REPORTS_DIR): "the reports folder",
        _resolved(options.reports_dir): "the reports folder",
        _resolved(options.data_dir): "the data folder",
        _resolved(options.notebooks_dir): "the notebooks folder",
    }
    inside = {
        _resolved(options.data_dir): "the data folder",
        _resolved(options.notebooks_dir): "the notebooks folder",
    }
    problems: list[str] = []
    for edition in editions:
        problem = target_problem(edition.out_dir, protected, inside)
        if problem is None:
            problem = target_problem(edition.failed_dir, protected, inside)
        if problem and problem not in problems:
            problems.append(problem)
    return problems


def _refuse_targets(editions: list[Edition], options: Options) -> None:
    problems = check_targets(editions, options)
    if problems:
        raise RenderParameterError(problems)


# --- planning ---------------------------------------------------------------------------------


def read_run_record(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / RUN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def plan_edition(
    edition: Edition,
    notebooks: list[Notebook],
    values: dict[tuple[Edition, str], dict[str, Any]],
    data: cache.DataFiles,
    options: Options,
) -> list[Planned]:
    """Decide, for each notebook of one edition, whether it runs or is reused, and why."""
    candidates = []
    for folder in [edition.out_dir] + ([edition.failed_dir] if options.resume else []):
        record = read_run_record(folder)
        if record is not None:
            candidates.append((folder, record))
    planned = []
    for notebook in notebooks:
        parameters = values[edition, notebook.name]
        decision = cache.decide(
            notebook.name, notebook.source_sha, parameters, data, candidates, options.force,
            notebook.library,
        )
        planned.append(Planned(notebook, parameters, decision))
    return planned


def task_key(notebook: Notebook, parameters: dict[str, Any]) -> str:
    return notebook.name + " " + json.dumps(parameters, sort_keys=True)


# --- what the notebooks recorded -----------------------------------------------------------


def collect_records(nb: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """The key figures and claim checks a notebook recorded, in the order it recorded them."""
    from bulletin.publish.report import CLAIM_MIMETYPE, FIGURE_MIMETYPE

    figures: list[dict] = []
    claims: list[dict] = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FIGURE_MIMETYPE in data:
                figures.append(dict(data[FIGURE_MIMETYPE]))
            if CLAIM_MIMETYPE in data:
                claims.append(dict(data[CLAIM_MIMETYPE]))
    return figures, claims


def collect_data(nb: dict[str, Any]) -> list[dict]:
    """The data records a notebook made (``report.record_data``): which rows of which table it
    used, with their shares by status, in the order it recorded them."""
    from bulletin.publish.report import DATA_MIMETYPE

    return [
        dict(output["data"][DATA_MIMETYPE])
        for cell in nb.get("cells", [])
        for output in cell.get("outputs", [])
        if DATA_MIMETYPE in output.get("data", {})
    ]


def _claim_order(claim: dict[str, Any]) -> tuple[int, str]:
    digits = re.sub(r"\D", "", claim["id"])
    return (int(digits) if digits else 0, claim["id"])


def assemble_figures(issue: Quarter, rendered: list[RenderedNotebook]) -> dict[str, Any]:
    """``figures.json``: every key figure by name; a name recorded twice is an error."""
    figures: dict[str, Any] = {}
    for notebook in rendered:
        for original in notebook.figures:
            record = dict(original)
            name = record.pop("name")
            if name in figures:
                raise RenderError(
                    f"figure {name!r} is recorded by both {figures[name]['notebook']} and "
                    f"{record['notebook']}: each key figure must have one name"
                )
            figures[name] = record
    return {"issue": issue.label, "figures": figures}


def assemble_claims(issue: Quarter, rendered: list[RenderedNotebook]) -> dict[str, Any]:
    """``claims.json``: each claim checked, in claim order."""
    claims = sorted((c for n in rendered for c in n.claims), key=_claim_order)
    return {"issue": issue.label, "claims": claims}


# --- executing one notebook -------------------------------------------------------------------


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


def inject_parameters(nb: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``nb`` with a cell setting ``parameters`` right after its ``parameters`` cell.

    As papermill does: the new cell is tagged ``injected-parameters`` (pages leave it out).
    """
    nb = json.loads(json.dumps(nb))
    source = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in parameters.items())
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "injected-parameters",
        "metadata": {"tags": ["injected-parameters"]},
        "outputs": [],
        "source": source,
    }
    cells = nb.setdefault("cells", [])
    where = next(
        (i + 1 for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])),
        0,
    )
    cells.insert(where, cell)
    nb.setdefault("metadata", {})["papermill"] = {"parameters": parameters}
    nb["metadata"]["bulletin"] = {"parameters": parameters}
    return nb


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


def _error_info(nb: dict[str, Any], index: int | None, kind: str, ename: str, evalue: str,
                traceback: str = "", seconds: float | None = None) -> dict[str, Any]:
    cells = nb.get("cells", [])
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
    """The files a kernel recorded: data files by name, others by absolute path; each with its
    SHA-256 (None: it did not exist). Folders opened for reading are left out."""
    data = cache.DataFiles(data_dir)
    try:
        names = sorted({line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})
    except OSError:
        names = []
    return {name: data.sha256(name) for name in names if not (data.data_dir / name).is_dir()}


def _page(name: str, executed: dict[str, Any], footer: str, error: dict[str, Any] | None) -> tuple[str, str]:
    import nbformat

    from bulletin.publish.pages import export_html, notebook_title, prepare_for_readers

    nb = nbformat.from_dict(json.loads(json.dumps(executed)))
    title = notebook_title(nb, name)
    readers = prepare_for_readers(nb, name)
    if error is not None:
        banner = nbformat.from_dict(failure_banner(name, error))
        first_code = next((i for i, c in enumerate(readers.cells) if c.cell_type == "code"), len(readers.cells))
        readers.cells.insert(first_code, banner)
    nav = '<a href="index.html">&larr; Contents of the issue</a>'
    return title, export_html(readers, title, nav, footer)


class Slots:
    """How many kernels may be starting and running at once.

    A notebook's kernel is started and waited for while ``jobs`` other notebooks run, so that when
    a running slot frees up the next notebook's kernel is already up (a warm pool of ``jobs``
    kernels): its turn pays for its own cells only.
    """

    def __init__(self, jobs: int) -> None:
        self.starting = asyncio.Semaphore(max(1, jobs))
        self.running = asyncio.Semaphore(max(1, jobs))


@functools.cache
def _client_class() -> type:
    """nbclient's ``NotebookClient``, less its own handling of SIGINT and SIGTERM.

    nbclient puts handlers for both on the event loop while a notebook runs, which shut the
    kernel down (so that an interrupt ended as "the kernel died", a failed notebook and a
    ``.failed`` folder) and then reset both signals to their defaults. The renderer handles the
    two signals itself (:func:`_signals_cancel`) and ends its kernels in :func:`execute_task`.
    """
    from nbclient import NotebookClient

    class RenderClient(NotebookClient):
        @asynccontextmanager
        async def async_setup_kernel(self, **kwargs: Any):
            if self.kc is None:
                await self.async_start_new_kernel_client()
            yield

    return RenderClient


class _NotebookTimeoutError(Exception):
    pass


async def _end_kernel(manager: Any, client: Any, token: str, name: str) -> None:
    """Stop a notebook's kernel and every process it started (see :func:`kernelboot.end_processes`)."""
    from bulletin.render.kernelboot import descendants, end_processes

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


async def execute_task(
    task: Task,
    make_manager: Any,
    data_dir: Path,
    cell_timeout: int,
    notebook_timeout: float | None,
    on_cell: Any = None,
    slots: Slots | None = None,
    on_start: Any = None,
    temp_root: Path | None = None,
) -> Outcome:
    """Execute one notebook in a kernel of its own and make its page.

    Args:
        task: the notebook and its parameters.
        make_manager: called with the notebook's private temporary folder, returns the kernel
            manager (its log goes into that folder, its sockets into the render's).
        data_dir: the data folder (files read from it are recorded by name).
        cell_timeout: seconds a cell may run.
        notebook_timeout: seconds the whole notebook may run (None: no limit).
        on_cell: called with the label of each cell as it starts.
        slots: how many kernels start and run at once.
        on_start: called when the notebook's kernel is ready and its first cell about to run.
        temp_root: the render's temporary folder (default: the system's).

    Never raises for the notebook's own failures (an error, a timeout, a kernel that died or
    would not start): they are in the outcome. When it is cancelled (an interrupt), its kernel
    and the processes it started are ended before the cancellation goes on.
    """
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    from bulletin.render.kernelboot import (
        TOKEN_ENV,
        TRACE_FILE_ENV,
        TRACE_ROOT_ENV,
        TRACE_SKIP_ENV,
    )

    scratch = Path(tempfile.mkdtemp(prefix=f"{task.notebook.name[:32]}-", dir=temp_root))
    try:
        work = scratch / "work"
        work.mkdir()
        (scratch / "tmp").mkdir()
        trace = scratch / "data-read.txt"
        trace.touch()
        nb = nbformat.from_dict(inject_parameters(task.notebook.content, task.parameters))
        current: dict[str, int | None] = {"index": None}

        def cell_started(cell: Any, cell_index: int) -> None:
            current["index"] = cell_index
            if on_cell is not None:
                on_cell(_cell_label(nb.cells, cell_index))

        token = f"{os.getpid()}-{os.urandom(8).hex()}"
        env = dict(os.environ)
        env[TRACE_FILE_ENV] = str(trace)
        env[TRACE_ROOT_ENV] = str(data_dir)
        env[TRACE_SKIP_ENV] = os.pathsep.join(str(f) for f in (temp_root, scratch) if f)
        env[TOKEN_ENV] = token
        # The notebook's temporary files go into its own folder, removed with it.
        env["TMPDIR"] = str(scratch / "tmp")
        reference = own_reference_dir(data_dir)
        if reference is not None:
            env[REFERENCE_DIR_ENV] = str(reference)
        env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        env.pop("JPY_PARENT_PID", None)
        manager = make_manager(scratch)
        client = _client_class()(
            nb,
            km=manager,
            timeout=cell_timeout,
            allow_errors=False,
            kernel_name="python3",
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(work)}},
            on_cell_execute=cell_started,
            log=_client_log,
        )
        status, error = "ok", None
        held = None
        execution: asyncio.Future | None = None
        if slots is not None:
            await slots.starting.acquire()
            held = slots.starting
        started = time.perf_counter()
        try:
            # No history database: a render's kernels share nothing, not even ~/.ipython.
            await manager.start_kernel(
                cwd=str(work), env=env, extra_arguments=["--HistoryManager.hist_file=:memory:"]
            )
            client.kc = manager.client()
            client.kc.start_channels()
            await client.kc.wait_for_ready(timeout=client.startup_timeout)
            client.kc.allow_stdin = False
            if slots is not None:
                await slots.running.acquire()
                slots.starting.release()
                held = slots.running
            started = time.perf_counter()
            if on_start is not None:
                on_start()
            execution = asyncio.ensure_future(client.async_execute())
            # asyncio.wait, not wait_for: cancelling nbclient mid-cell makes it raise
            # DeadKernelError, and a time limit would read as a kernel that died.
            done, _ = await asyncio.wait({execution}, timeout=notebook_timeout)
            if not done:
                raise _NotebookTimeoutError
            execution.result()
        except _NotebookTimeoutError:
            status = "timeout"
            error = _error_info(nb, current["index"], "timeout", "TimeoutError", "", seconds=notebook_timeout)
            error["summary"] = (
                f"the notebook timed out after {notebook_timeout:g} s (the limit per notebook, "
                f"--notebook-timeout), in {error['cell']}"
            )
        except CellTimeoutError as exc:
            status = "timeout"
            error = _error_info(nb, current["index"], "timeout", "CellTimeoutError",
                                str(exc).splitlines()[0], seconds=cell_timeout)
        except CellExecutionError as exc:
            status = "failed"
            error = _error_info(nb, current["index"], "error", exc.ename, exc.evalue, exc.traceback)
        except DeadKernelError as exc:
            status = "failed"
            error = _error_info(nb, current["index"], "error", "DeadKernelError", f"the kernel died ({exc})")
        except Exception as exc:  # noqa: BLE001 (a kernel that would not start is this notebook's failure)
            status = "failed"
            error = _error_info(nb, current["index"], "error", type(exc).__name__, str(exc))
        finally:
            if held is not None:
                held.release()
            executed_at = time.perf_counter()
            if execution is not None and not execution.done():
                execution.cancel()
                await asyncio.wait({execution})
            if execution is not None and not execution.cancelled():
                execution.exception()  # seen: a cancelled nbclient's DeadKernelError means nothing
            await _end_kernel(manager, client, token, task.label)
        data_read = _read_trace(trace, data_dir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    executed = json.loads(json.dumps(nb))
    figures, claims = collect_records(nb)
    for record in figures + claims:
        record["notebook"] = task.notebook.name
    title, page = await asyncio.to_thread(_page, task.notebook.name, executed, task.footer, error)
    log.debug("%s: executed in %.2f s, page made %.2f s later", task.label,
              executed_at - started, time.perf_counter() - executed_at)
    return Outcome(
        name=task.notebook.name,
        status=status,
        seconds=time.perf_counter() - started,
        executed=executed,
        html=page,
        title=title,
        figures=figures,
        claims=claims,
        data_read=data_read,
        error=error,
        finished_at=_now(),
        data=collect_data(nb),
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- running many: locally with forked kernels, or on a Dask cluster -------------------------


TEMP_PREFIX = "bulletin-render-"
"""A render's folder in the temporary folder: ``bulletin-render-<pid>-<random>/``."""


def remove_stale_temp(folder: Path | None = None) -> list[Path]:
    """Delete the temporary folders of renders that no longer run (killed); those deleted.

    Only this user's folders, whose process id is not running, are deleted.
    """
    from bulletin.render.folders import pid_alive

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


@contextmanager
def _signals_cancel(future: asyncio.Future) -> Iterator[list[int]]:
    """While the block runs, SIGINT and SIGTERM cancel ``future`` (so that every notebook stops
    its kernel in order); yields the list of signals received. Main thread only (elsewhere the
    signals keep their handlers)."""
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


async def run_local(tasks: list[Task], options: Options, progress: Progress) -> dict[str, Outcome]:
    """Execute ``tasks`` on this machine, ``options.jobs`` at a time, kernels forked in advance.

    Raises:
        RenderInterrupted: SIGINT or SIGTERM arrived; every kernel was stopped.
    """
    from bulletin.render.kernel import ForkedKernelManager, KernelForkServer
    outcomes: dict[str, Outcome] = {}
    slots = Slots(options.jobs)
    reference = own_reference_dir(options.data_dir)
    with render_temp_dir() as root:
        server = KernelForkServer({REFERENCE_DIR_ENV: str(reference)} if reference else None)

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
                "footer": task.footer,
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
                    [], [], {},
                    {"kind": "error", "cell": "the cluster", "cell_index": None, "ename": type(exc).__name__,
                     "evalue": str(exc), "summary": f"the cluster could not run it: {exc}",
                     "source": "", "traceback": ""},
                    _now(),
                )
            outcomes[task.key] = outcome
            _report(progress, task, outcome)
    return outcomes


# --- assembling and publishing an edition ------------------------------------------------------


def _previous_records(folder: Path) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    figures: dict[str, list[dict]] = {}
    claims: dict[str, list[dict]] = {}
    try:
        for name, record in json.loads((folder / "figures.json").read_text())["figures"].items():
            figures.setdefault(record.get("notebook", ""), []).append({"name": name, **record})
        for record in json.loads((folder / "claims.json").read_text())["claims"]:
            claims.setdefault(record.get("notebook", ""), []).append(dict(record))
    except (OSError, ValueError, KeyError):
        pass
    return figures, claims


def _write_json(path: Path, content: Any) -> None:
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def edition_footer(edition: Edition, data_dir: Path) -> str:
    from bulletin.publish.pages import page_footer

    return page_footer(edition.issue, data_dir)


def assemble_edition(
    edition: Edition,
    planned: list[Planned],
    outcomes: dict[str, Outcome],
    options: Options,
    data: cache.DataFiles,
    started_at: str,
    started: float,
    published: list[Path] | None = None,
) -> EditionResult:
    """Write one edition into a staging folder and publish it (or keep it as ``.failed``).

    ``published`` gets the edition's folder the moment it is published (so that an interrupt
    right after can say so).

    Raises:
        RenderError: the folder to publish to was changed during the render and is no longer the
            renderer's to replace (nothing was published).
        OSError: the staging folder could not be written (it is removed; nothing was published).
    """
    staging = new_staging(edition.out_dir)
    try:
        rendered: list[RenderedNotebook] = []
        entries: list[dict[str, Any]] = []
        problems: list[str] = []
        previous_records: dict[Path, tuple] = {}
        for item in planned:
            name = item.notebook.name
            decision = item.decision
            if not decision.run:
                assert decision.previous_dir is not None and decision.previous is not None
                folder = decision.previous_dir
                for suffix in (".html", ".ipynb"):
                    link_or_copy(folder / f"{name}{suffix}", staging / f"{name}{suffix}")
                if folder not in previous_records:
                    previous_records[folder] = _previous_records(folder)
                figures = [dict(r) for r in previous_records[folder][0].get(name, [])]
                claims = [dict(r) for r in previous_records[folder][1].get(name, [])]
                entry = dict(decision.previous)
                entry.update(reused=True, reused_from=folder.name, reason=decision.reason)
                rendered.append(RenderedNotebook(name, entry.get("title", name), f"{name}.html",
                                                 figures, claims, entry.get("seconds", 0.0), "ok", True))
                entries.append(entry)
                continue
            outcome = outcomes[item.task_key]
            (staging / f"{name}.html").write_text(outcome.html, encoding="utf-8")
            (staging / f"{name}.ipynb").write_text(
                json.dumps(outcome.executed, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            title = outcome.title if outcome.status == "ok" else f"{outcome.title} (did not render)"
            rendered.append(RenderedNotebook(
                name, title, f"{name}.html", [dict(r) for r in outcome.figures],
                [dict(r) for r in outcome.claims], outcome.seconds, outcome.status, False,
            ))
            if outcome.status != "ok":
                problems.append(f"{name}: {outcome.error['summary'] if outcome.error else outcome.status}")
            entries.append({
                "name": name,
                "title": outcome.title,
                "html": f"{name}.html",
                "status": outcome.status,
                "reused": False,
                "reused_from": None,
                "reason": decision.reason,
                "seconds": round(outcome.seconds, 3),
                "rendered_at": outcome.finished_at,
                "parameters": item.parameters,
                "source_sha256": item.notebook.source_sha,
                "data_read": outcome.data_read,
                "data": outcome.data,
                "error": outcome.error,
                "library": item.notebook.library,
            })
        try:
            _write_json(staging / "figures.json", assemble_figures(edition.issue, rendered))
        except RenderError as error:
            problems.append(str(error))
        _write_json(staging / "claims.json", assemble_claims(edition.issue, rendered))
        ok = not problems
        index_key = cache.text_sha256(json.dumps(
            [edition.issue.label, edition.country, ok,
             [(n.name, n.title, n.html_name, n.figures, n.claims) for n in rendered]],
            sort_keys=True, default=str,
        ))
        previous = read_run_record(edition.out_dir)
        if ok and previous and previous.get("index_sha256") == index_key and (edition.out_dir / "index.html").is_file():
            link_or_copy(edition.out_dir / "index.html", staging / "index.html")
        else:
            from bulletin.publish.pages import index_page

            footer = edition_footer(edition, options.data_dir)
            if edition.country:
                from bulletin.data.vocab import country_name

                footer += (
                    f" Edition for {country_name(edition.country)} ({edition.country}): analyses "
                    "with a country parameter show it alone, the others the whole region."
                )
            (staging / "index.html").write_text(
                index_page(edition.issue, rendered, footer, issue_dir=staging), encoding="utf-8"
            )
        read_all: dict[str, str | None] = {}
        for entry in entries:
            read_all.update(entry.get("data_read") or {})
        elsewhere = {name for name in read_all if os.path.isabs(name)}
        record = {
            "issue": edition.issue.label,
            "country": edition.country,
            "status": "ok" if ok else "failed",
            "problems": problems,
            "started_at": started_at,
            "finished_at": _now(),
            "seconds": round(time.perf_counter() - started, 3),
            "project": {**cache.project_commit(), "version": cache.package_versions().get("bulletin")},
            "packages": cache.package_versions(),
            "library_sha256": cache.library_sha256(reference_dir_of(options.data_dir)),
            "library_files": cache.library_files(reference_dir_of(options.data_dir)),
            "data_dir": str(options.data_dir),
            "tables": {name: read_all[name] for name in sorted(read_all) if name not in elsewhere},
            "files_read_elsewhere": {name: read_all[name] for name in sorted(elsewhere)},
            "reference_dir": str(reference_dir_of(options.data_dir)),
            "tables_present": data.tables(),
            "parameters": {
                "quarter": edition.issue.label, "data_dir": str(options.data_dir),
                "country": edition.country, **options.extra,
            },
            "jobs": options.jobs,
            "scheduler": options.scheduler,
            "index_sha256": index_key,
            "notebooks": entries,
        }
        _write_json(staging / RUN_RECORD, record)
        write_marker(staging, edition.label)
        folder = edition.out_dir if ok else edition.failed_dir
        # An interrupt waits for the swap to finish: the edition is then published, and says so.
        with signals_deferred():
            swap_in(staging, folder)
            if published is not None:
                published.append(folder)
            if ok:
                try:
                    remove_tree(edition.failed_dir)
                except (TargetRefusedError, OSError) as refused:  # the issue is published all the same
                    log.warning("%s was not removed: %s", edition.failed_dir, refused)
    except TargetRefusedError as refused:
        shutil.rmtree(staging, ignore_errors=True)
        raise RenderError(f"{edition.label} was not published: {refused}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return EditionResult(edition, ok, folder, entries, problems)


# --- the whole render --------------------------------------------------------------------------


def render(
    editions: list[Edition],
    options: Options,
    progress: Progress | None = None,
    explain: Any = None,
) -> list[EditionResult]:
    """Render every edition; see the module's docstring for the steps.

    Args:
        editions: the issue folders to write.
        options: how to render.
        progress: where progress goes (silent by default).
        explain: called with one line per notebook saying why it runs or is reused.

    Returns:
        How each edition ended (published, or kept as ``.failed`` with its problems).

    Raises:
        RenderParameterError: parameters or an edition's folder refused (:func:`check_targets`);
            nothing was started or written.
        RenderError: no notebooks.
        RenderInterrupted: SIGINT or SIGTERM (or a KeyboardInterrupt) arrived; the kernels were
            stopped and nothing more was published.
    """
    progress = progress or Progress(quiet=True)
    options.data_dir = Path(options.data_dir).resolve()
    _refuse_targets(editions, options)
    started, started_at = time.perf_counter(), _now()
    remove_stale_temp()
    # An import killed while replacing its files leaves a journal: finish it before anything
    # reads the tables, so that no notebook sees some tables new and others old.
    for finished in files.recover(options.data_dir):
        progress.note(f"finished an interrupted import: {finished.name} replaced")
    notebooks = read_notebooks(Path(options.notebooks_dir), reference_dir_of(options.data_dir))
    values = check_parameters(editions, notebooks, options)
    data = cache.DataFiles(options.data_dir)
    published: list[Path] = []
    try:
        return _render_locked(editions, options, progress, explain, notebooks, values, data,
                              started_at, started, published)
    except RenderInterrupted as interrupted:
        interrupted.published = list(published)
        raise
    except KeyboardInterrupt:
        raise RenderInterrupted(signal.SIGINT, published) from None


def _render_locked(
    editions: list[Edition],
    options: Options,
    progress: Progress,
    explain: Any,
    notebooks: list[Notebook],
    values: dict[tuple[Edition, str], dict[str, Any]],
    data: cache.DataFiles,
    started_at: str,
    started: float,
    published: list[Path],
) -> list[EditionResult]:
    """:func:`render` from taking the editions' locks on."""
    with ExitStack() as locks:
        for edition in sorted(editions, key=lambda e: str(e.out_dir)):
            locks.enter_context(edition_lock(edition.out_dir))
            for done in recover(edition.out_dir) + recover(edition.failed_dir):
                progress.note(f"{edition.label}: {done}")
        # Again, now that no other render of these editions can change them.
        _refuse_targets(editions, options)
        plans: dict[Edition, list[Planned]] = {}
        tasks: dict[str, Task] = {}
        footers: dict[Quarter, str] = {}
        for edition in editions:
            plans[edition] = plan_edition(edition, notebooks, values, data, options)
            for item in plans[edition]:
                label = f"{edition.label} {item.notebook.name}"
                if item.decision.run:
                    item.task_key = task_key(item.notebook, item.parameters)
                    if item.task_key not in tasks:
                        if edition.issue not in footers:
                            footers[edition.issue] = edition_footer(edition, options.data_dir)
                        tasks[item.task_key] = Task(item.task_key, item.notebook, item.parameters,
                                                    label, footers[edition.issue])
                        progress.add(item.task_key, label)
                    else:
                        item.decision.reason += " (rendered once, shared with another edition)"
                else:
                    key = f"{label} reused"
                    progress.add(key, label)
                    progress.reused(key, item.decision.previous.get("seconds") if item.decision.previous else None)
                if explain is not None:
                    verb = "run" if item.decision.run else "reuse"
                    explain(f"{label}: {verb}: {item.decision.reason}")
        outcomes: dict[str, Outcome] = {}
        if tasks:
            with progress:
                if options.scheduler:
                    outcomes = run_dask(list(tasks.values()), options, progress)
                else:
                    outcomes = asyncio.run(run_local(list(tasks.values()), options, progress))
        results = []
        for edition in editions:
            result = assemble_edition(edition, plans[edition], outcomes, options, data, started_at,
                                      started, published)
            results.append(result)
            if result.ok:
                progress.note(f"{edition.label}: published {result.folder}")
            else:
                progress.note(f"{edition.label}: not published; this run's result is in {result.folder}")
    return results


def editions_for(
    quarters: list[Quarter], countries: list[str], out: Path | None, reports_dir: Path
) -> list[Edition]:
    """The editions of a batch: each quarter, for the region or for each country given.

    ``out`` names the folder of a single edition (``--out``); a batch goes into ``reports_dir``
    as ``<YYYY-Qn>/`` (region) and ``<YYYY-Qn>-<ISO3>/`` (country editions).
    """
    editions = []
    for quarter in quarters:
        for country in countries or [None]:
            name = quarter.label + (f"-{country}" if country else "")
            editions.append(Edition(quarter, absolute_folder(Path(reports_dir) / name), country))
    if out is not None:
        if len(editions) != 1:
            raise RenderParameterError(
                ["--out names the folder of one issue; for several quarters or countries use "
                 "--reports DIR (each edition gets its own folder in it)"]
            )
        editions = [Edition(editions[0].issue, absolute_folder(Path(out)), editions[0].country)]
    return editions


def absolute_folder(path: Path) -> Path:
    """``path`` made absolute, its parent resolved but not itself: a symbolic link given as an
    issue folder stays a link (and is refused) rather than becoming the folder it points to."""
    path = Path(os.path.abspath(os.path.expanduser(path)))
    if not path.name:
        return path
    return Path(os.path.realpath(path.parent)) / path.name


def quiet_jsonschema() -> None:
    """Skip jsonschema's RFC 3987 grammar (0.8 s to build at import; nbformat never uses it).

    Called by the command line only, before anything imports nbformat.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
