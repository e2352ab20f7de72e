"""The whole render: checked parameters, parallel kernels, reuse, failure isolation, safe publish.

One render takes one or more *editions* (an issue's quarter, for the whole region or for one
country) and, for each, every notebook of ``notebooks/``. Its stages are modules of their own:

1. **Plan** (:mod:`bulletin.render.plan`, :mod:`bulletin.render.data_check`): every parameter
   checked, then for each notebook whether its last output can be reused or why it must run,
   then every table of the data folder checked before any kernel starts (``bulletin validate``'s
   check, remembered once passed; when notebooks will run, in a process forked from their kernel
   server). A notebook that declares no ``country`` parameter is rendered once for the whole
   region and shared by every edition of the same quarter in the batch.
2. **Execute** (:mod:`bulletin.render.runners`, :mod:`bulletin.render.execute`): the notebooks to
   run go through papermill with the ``bulletin`` engine (:mod:`bulletin.render.papermill_engine`),
   ``jobs`` at a time in kernels forked in advance, or one task each on a Dask cluster. A notebook
   that fails, or runs past its timeout, does not stop the others: its page says which cell failed
   and why.
3. **Collect**: the key figures, claim checks and data records each notebook recorded
   (:func:`collect_records`, :func:`collect_data`).
4. **Assemble and publish** (:mod:`bulletin.render.assemble`): each edition in a staging folder,
   swapped in whole when every notebook rendered, kept as ``<issue>.failed/`` otherwise. Only a
   folder the renderer made is ever replaced (:func:`bulletin.render.plan.check_targets`).
5. **Link** (:mod:`bulletin.render.neighbours`): the front pages of the edition and of the
   issues before and after it link to each other, and ``reports/index.html`` lists every issue.

An interrupt (SIGINT, SIGTERM) stops the kernels and publishes nothing:
:class:`~bulletin.render.plan.RenderInterrupted`. Everything a render puts in the temporary folder
is under one folder of its own, ``bulletin-render-<pid>-*``, which the next render removes if the
render was killed.
"""

from __future__ import annotations

import functools
import importlib
import signal
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bulletin.core import files
from bulletin.core.paths import reference_dir_of
from bulletin.core.periods import Quarter
from bulletin.render import cache
from bulletin.render.assemble import EditionResult, assemble_edition, edition_footer
from bulletin.render.data_check import refuse_bad_data
from bulletin.render.execute import Outcome, now
from bulletin.render.folders import edition_lock, recover, remove_stale_temp
from bulletin.render.neighbours import link_neighbours
from bulletin.render.plan import (
    Edition,
    Notebook,
    Options,
    Planned,
    RenderInterrupted,
    RenderParameterError,
    Task,
    check_parameters,
    only_problems,
    plan_edition,
    read_notebooks,
    refuse_targets,
    task_key,
)
from bulletin.render.progress import Progress
from bulletin.render.sharing import describe_periods, period_keys


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
    """The data records a notebook made (``report.record_data``).

    Which rows of which table it used, with their shares by status, in the order it recorded them.
    """
    from bulletin.publish.report import DATA_MIMETYPE

    return [
        dict(output["data"][DATA_MIMETYPE])
        for cell in nb.get("cells", [])
        for output in cell.get("outputs", [])
        if DATA_MIMETYPE in output.get("data", {})
    ]


def _collect(outcome: Outcome) -> Outcome:
    """``outcome`` with what its notebook recorded, each record naming the notebook."""
    outcome.figures, outcome.claims = collect_records(outcome.executed)
    for record in outcome.figures + outcome.claims:
        record["notebook"] = outcome.name
    outcome.data = collect_data(outcome.executed)
    return outcome


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
        RenderParameterError: parameters or an edition's folder refused
            (:func:`~bulletin.render.plan.check_targets`), or with ``options.only`` a notebook
            not named that has no output to reuse; nothing was started or written.
        RenderError: no notebooks.
        RenderInterrupted: SIGINT or SIGTERM (or a KeyboardInterrupt) arrived; the kernels were
            stopped and nothing more was published.
    """
    progress = progress or Progress(quiet=True)
    options.data_dir = Path(options.data_dir).resolve()
    refuse_targets(editions, options)
    started, started_at = time.perf_counter(), now()
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
        # The region's issue beside a country's edition is locked too: the edition may reuse its
        # outputs (plan_edition), which another render of the region must not replace meanwhile.
        # Locks are taken in the order of the folders' names, by every render alike.
        locked = {edition.out_dir: edition for edition in editions}
        for edition in editions:
            if edition.region_dir is not None:
                locked.setdefault(edition.region_dir, Edition(edition.issue, edition.region_dir))
        for folder, edition in sorted(locked.items(), key=lambda item: str(item[0])):
            locks.enter_context(edition_lock(folder))
            for done in recover(edition.out_dir) + recover(edition.failed_dir):
                progress.note(f"{edition.label}: {done}")
        # Again, now that no other render of these editions can change them.
        refuse_targets(editions, options)
        plans: dict[Edition, list[Planned]] = {}
        tasks: dict[str, Task] = {}
        footers: dict[Quarter, Callable[[], str]] = {}
        for edition in editions:
            plans[edition] = plan_edition(edition, notebooks, values, data, options)
        problems = [p for edition in editions for p in only_problems(edition, plans[edition], options)]
        if problems:  # --only, with a notebook not named and nothing of it to reuse
            raise RenderParameterError(problems)
        to_run = any(item.decision.run for plan in plans.values() for item in plan)
        server = _checked_data(data, options, progress, to_run)  # before any kernel starts
        if server is not None:  # however the render ends (run_local closes it when done)
            locks.callback(server.close)
        periods = period_keys(editions, notebooks, values, options.data_dir) if to_run else {}
        for edition in editions:
            for item in plans[edition]:
                period = periods.get((edition, item.notebook.name))
                _schedule(edition, item, tasks, footers, options, progress, explain, period)
        outcomes = _run(list(tasks.values()), options, progress, server) if tasks else {}
        outcomes = {key: _collect(outcome) for key, outcome in outcomes.items()}
        results = []
        for edition in editions:
            result = assemble_edition(edition, plans[edition], outcomes, options, data, started_at,
                                      started, published)
            results.append(result)
            _link(edition, options, progress)
            if result.ok:
                progress.note(f"{edition.label}: published {result.folder}")
            else:
                progress.note(f"{edition.label}: not published; this run's result is in {result.folder}")
    return results


def _checked_data(data: cache.DataFiles, options: Options, progress: Progress, to_run: bool) -> Any:
    """Check the data folder (every problem at once, or its warnings said); the kernel server.

    When notebooks will run, their kernel server is started here (its imports go on while the
    periods are worked out), and a check not remembered runs in a process forked from it, which
    has what the check needs loaded (:mod:`bulletin.render.data_check`). A render refused before
    this point, or with nothing to run, starts no server.

    Returns:
        The server, or None (nothing to run, or a Dask scheduler).
    """
    server = _start_server(options) if to_run and not options.scheduler else None
    try:
        warnings = refuse_bad_data(data, server, meanwhile=_import_runner if server else None)
    except BaseException:
        if server is not None:
            server.close()
        raise
    if warnings:
        progress.note(
            f"data: {warnings} warning(s) between tables (published figures that disagree, kept): "
            "bulletin validate lists them"
        )
    return server


# Only a render that runs notebooks needs the runners (and asyncio, which brings ssl): a warm
# render's start-up skips them (issue 18).
def _start_server(options: Options) -> Any:
    """The kernel server this render's notebooks fork from (see :mod:`bulletin.render.runners`)."""
    from bulletin.render.runners import start_kernel_server

    return start_kernel_server(options)


def _import_runner() -> None:
    """Import what runs the notebooks (papermill, nbclient: most of a second).

    Called while the data check runs in its process forked from the kernel server: the two
    overlap, and the first notebook starts that much sooner.
    """
    importlib.import_module("bulletin.render.papermill_engine")


def _run(tasks: list[Task], options: Options, progress: Progress, server: Any) -> dict[str, Outcome]:
    """Run the notebooks' tasks: on the Dask scheduler named by the options, or here."""
    import asyncio

    from bulletin.render.runners import run_dask, run_local

    with progress:
        if options.scheduler:
            return run_dask(tasks, options, progress)
        return asyncio.run(run_local(tasks, options, progress, server))


def _link(edition: Edition, options: Options, progress: Progress) -> None:
    """Link the edition and its neighbours, and list it in ``reports/index.html``.

    The edition is published (or left as it was): a folder that cannot be written here is said,
    not an error of the render.
    """
    try:
        link_neighbours(edition, options)
    except OSError as error:
        progress.note(f"{edition.label}: the links between issues were not updated: {error}")


def _schedule(
    edition: Edition,
    item: Planned,
    tasks: dict[str, Task],
    footers: dict[Quarter, Callable[[], str]],
    options: Options,
    progress: Progress,
    explain: Any,
    period: str | None = None,
) -> None:
    """Add a notebook of an edition to ``tasks``, or mark it reused; say which, and why.

    A notebook with the same parameters in several editions is one task, run once; so is a
    notebook that shows the same data (``period``) in several issues of a batch.
    """
    label = f"{edition.label} {item.notebook.name}"
    if item.decision.run:
        item.task_key = task_key(item.notebook, item.parameters, period)
        first = tasks.get(item.task_key)
        if first is not None and first.parameters.get("quarter") != item.parameters.get("quarter"):
            item.shared_from = str(first.parameters.get("quarter"))
            item.decision.reason += (
                f" (rendered once for {item.shared_from}, which shows the same data: "
                f"{describe_periods(period)})" if period else ""
            )
        elif item.task_key not in tasks:
            if edition.issue not in footers:  # made once per issue, when its first page is
                footers[edition.issue] = functools.cache(
                    functools.partial(edition_footer, edition, options.data_dir)
                )
            tasks[item.task_key] = Task(item.task_key, item.notebook, item.parameters,
                                        label, footers[edition.issue], edition.label)
            progress.add(item.task_key, label)
        else:
            item.shared_from = tasks[item.task_key].edition
            item.decision.reason += " (rendered once, shared with another edition)"
    else:
        key = f"{label} reused"
        progress.add(key, label)
        progress.reused(key, item.decision.previous.get("seconds") if item.decision.previous else None)
    if explain is not None:
        verb = "run" if item.decision.run else "reuse"
        explain(f"{label}: {verb}: {item.decision.reason}")
