"""Planning a render, before any kernel starts: editions, options, notebooks, parameters, reuse.

The first two steps of a render (:mod:`bulletin.render.engine`):

1. **Parameters first.** Each notebook's ``parameters`` cell is read (:mod:`bulletin.render.parameters`)
   and every value checked before any kernel starts; a problem stops the render with a
   :class:`RenderParameterError` (status 2 on the command line).
2. **Plan.** For each notebook, :func:`bulletin.render.cache.decide` says whether its last output can be
   reused (nothing it depends on changed) or why it must run. The last output is the one in the
   published issue; with ``resume`` also the one in ``<issue>.failed/``.

Where the editions go is checked here too (:func:`check_targets`): only a folder the renderer made
is ever replaced (:mod:`bulletin.render.folders`).
"""

from __future__ import annotations

import json
import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin.core.paths import PROJECT_ROOT, REPORTS_DIR
from bulletin.core.periods import Quarter
from bulletin.render import cache
from bulletin.render.folders import RUN_RECORD, read_marker, target_problem
from bulletin.render.parameters import (
    Parameter,
    ParameterError,
    cell_source,
    check_country,
    check_extra_names,
    check_issue,
    declared_parameters,
    notebook_parameters,
    parameters_cell_problems,
    read_notebook_json,
)

log = logging.getLogger(__name__)

NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
FAILED_SUFFIX = ".failed"


class RenderError(RuntimeError):
    """A render that could not complete; the previous issue is left as it was."""


class RenderParameterError(RenderError, ParameterError):
    """Parameters or issue folders refused before anything ran.

    A usage error (status 2) but, for callers of ``render_issue``, still a failed render: it is
    both a :class:`RenderError` and a :class:`~bulletin.render.parameters.ParameterError`.
    """

    def __init__(self, problems: list[str]):
        """An error listing ``problems``, one sentence each."""
        ParameterError.__init__(self, problems)


class RenderInterrupted(KeyboardInterrupt):
    """A render stopped by SIGINT or SIGTERM: its kernels were stopped and nothing of it published.

    Attributes:
        signum: the signal.
        published: folders published before the signal arrived (a batch publishes edition by
            edition; empty when the signal came while notebooks ran).
    """

    def __init__(self, signum: int, published: list[Path] | None = None):
        """The render was stopped by ``signum``, after publishing ``published``."""
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum = signum
        self.published = list(published or [])

    @property
    def status(self) -> int:
        """The exit status a shell gives a command ended by this signal: 128 + its number."""
        return 128 + self.signum


@dataclass(frozen=True)
class Edition:
    """One issue folder: a quarter, for the whole region or one country."""

    issue: Quarter
    out_dir: Path
    country: str | None = None

    @property
    def label(self) -> str:
        """``2017-Q2``, or ``2017-Q2 KGZ`` for a country's edition."""
        return self.issue.label + (f" {self.country}" if self.country else "")

    @property
    def failed_dir(self) -> Path:
        """Where a failed render of the edition is kept: ``<issue>.failed``."""
        return self.out_dir.with_name(self.out_dir.name + FAILED_SUFFIX)

    @property
    def region_dir(self) -> Path | None:
        """The region's issue beside a country's edition: ``<reports>/<YYYY-Qn>/`` (may not exist).

        None for the region's issue itself, and for an edition written elsewhere (``--out``).
        """
        if not self.country or self.out_dir.name != f"{self.issue.label}-{self.country}":
            return None
        return self.out_dir.with_name(self.issue.label)


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
    only: tuple[str, ...] = ()  # --only: the notebooks to run; the others are reused


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
        """The analysis's name: the file's name without ``.ipynb``."""
        return self.path.stem


@dataclass
class Task:
    """One execution of one notebook with one set of parameters (maybe shared by editions)."""

    key: str
    notebook: Notebook
    parameters: dict[str, Any]
    label: str
    # The pages' footer, or what makes it when the page is made (it imports the page machinery,
    # which need not hold up the kernels' start).
    footer: str | Callable[[], str] = ""
    edition: str = ""  # the label of the edition that scheduled it (the one others share)

    def footer_text(self) -> str:
        """The footer of the notebook's page."""
        return self.footer() if callable(self.footer) else self.footer


@dataclass
class Planned:
    """One notebook of one edition: reused, or the task that renders it."""

    notebook: Notebook
    parameters: dict[str, Any]
    decision: cache.Decision
    task_key: str | None = None
    shared_from: str | None = None  # the edition or issue whose run it shares (same data shown)


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
        RenderParameterError: a notebook that is not a notebook, without a cell tagged
            ``parameters``, or whose parameters cell is not typed literals or does not declare
            ``quarter``.
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
        else:
            problems += parameters_cell_problems(content, declared, str(path))
        code = "\n".join(c["source"] for c in content.get("cells", []) if c.get("cell_type") == "code")
        notebooks.append(Notebook(path, content, cache.notebook_sha256(content), declared,
                                  cache.notebook_library(code, reference_dir)))
    if problems:
        raise RenderParameterError(problems)
    return notebooks


def _timeout_problems(options: Options) -> list[str]:
    """The time limits that are not more than 0 seconds."""
    problems = []
    if not options.cell_timeout or options.cell_timeout <= 0:
        problems.append(f"the time limit per cell must be more than 0 seconds; got {options.cell_timeout!r}")
    if options.notebook_timeout is not None and options.notebook_timeout <= 0:
        problems.append(f"the time limit per notebook must be more than 0 seconds; got {options.notebook_timeout!r}")
    return problems


def check_parameters(
    editions: list[Edition], notebooks: list[Notebook], options: Options
) -> dict[tuple[Edition, str], dict[str, Any]]:
    """The values each notebook of each edition gets, all checked; before any kernel starts.

    Raises:
        RenderParameterError: every problem found (unknown name, wrong type, impossible value).
    """
    problems = _timeout_problems(options)
    declared_by: dict[str, set[str]] = {}
    for notebook in notebooks:
        for name in notebook.declared:
            declared_by.setdefault(name, set()).add(notebook.name)
    problems += check_extra_names(options.extra, declared_by)
    problems += check_only(options, notebooks)
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


def check_only(options: Options, notebooks: list[Notebook]) -> list[str]:
    """Problems with ``--only``: a name that is not one of the notebooks, or ``--force`` beside it."""
    if not options.only:
        return []
    names = [notebook.name for notebook in notebooks]
    problems = []
    unknown = [name for name in options.only if name not in names]
    if unknown:
        problems.append(
            f"--only {', '.join(unknown)}: no such notebook in {options.notebooks_dir} "
            f"(the notebooks: {', '.join(names)})"
        )
    if options.force:
        problems.append("--only runs the notebooks it names and reuses the others, --force runs "
                        "every notebook: give one or the other")
    return problems


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


def refuse_targets(editions: list[Edition], options: Options) -> None:
    """Raise :class:`RenderParameterError` when :func:`check_targets` finds a problem."""
    problems = check_targets(editions, options)
    if problems:
        raise RenderParameterError(problems)


# --- planning ---------------------------------------------------------------------------------


def read_run_record(folder: Path) -> dict[str, Any] | None:
    """The run record (``run.json``) of an issue folder; None when there is none to read."""
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
    """Decide, for each notebook of one edition, whether it runs or is reused, and why.

    A notebook that declares no ``country`` is the region's in every edition: a country's edition
    without an output of its own to reuse takes the region's, when that is up to date (the
    region's issue beside it, :attr:`Edition.region_dir`, published by the renderer: its marker
    says so), and publishes it under its masthead
    (:func:`bulletin.render.assemble.assemble_edition`). The caller holds the region's lock.
    """
    candidates = []
    for folder in [edition.out_dir] + ([edition.failed_dir] if options.resume else []):
        record = read_run_record(folder)
        if record is not None:
            candidates.append((folder, record))
    region = edition.region_dir
    marker = read_marker(region) if region is not None else None
    region_record = None  # only a region's issue the renderer published is reused from
    if marker is not None and marker["edition"] == edition.issue.label:
        region_record = read_run_record(region)
    planned = []
    for notebook in notebooks:
        parameters = values[edition, notebook.name]
        reusable = candidates
        if region_record is not None and "country" not in notebook.declared:
            reusable = [*candidates, (region, region_record)]
        decision = cache.decide(
            notebook.name, notebook.source_sha, parameters, data, reusable, options.force,
            notebook.library,
        )
        if not decision.run and decision.previous_dir == region:
            decision.reason += (
                " (the region's issue: this analysis takes no country, so every edition "
                "publishes the region's output)"
            )
        # --only keeps a stale output of the edition's own only, never the region's.
        if options.only:
            decision = only_decision(notebook.name, decision, candidates, options.only)
        elif decision.previous is not None and STALE in decision.previous:
            # Kept by an earlier --only although stale, and now reusable as it is: no longer stale.
            decision.previous = {k: v for k, v in decision.previous.items() if k != STALE}
        planned.append(Planned(notebook, parameters, decision))
    return planned


STALE = "stale"
"""The key of a run record's entry kept by ``--only`` although something it depends on changed."""


def only_decision(
    name: str,
    decision: cache.Decision,
    candidates: list[tuple[Path, dict[str, Any]]],
    only: tuple[str, ...],
) -> cache.Decision:
    """The decision for one notebook when ``--only`` names some of the notebooks.

    A named notebook runs, whatever :func:`~bulletin.render.cache.decide` said. Another is
    reused: from where ``decide`` would reuse it, else from its last successful output (in the
    published issue, or with ``--resume`` in ``<issue>.failed/``), although something it depends
    on changed; its run record keeps the fingerprint of the run that made that output (plus
    ``"stale"``: what changed), so a render without ``--only`` runs it again. A notebook not named
    and with no output to reuse keeps ``run``; :func:`only_problems` refuses the render.
    """
    if name in only:
        reason = decision.reason if decision.run else "its last output could have been reused"
        return cache.Decision(True, f"named by --only ({reason})")
    if not decision.run:
        return decision
    for folder, record in candidates:
        entry = next((e for e in record.get("notebooks", []) if e.get("name") == name), None)
        if (entry is not None and entry.get("status") == "ok"
                and (folder / f"{name}.html").is_file() and (folder / f"{name}.ipynb").is_file()):
            return cache.Decision(
                False,
                f"kept from {folder.name}/ because --only names other notebooks, although "
                f"{decision.reason}; a render without --only runs it again",
                {**entry, STALE: decision.reason},
                folder,
            )
    return decision


def only_problems(edition: Edition, planned: list[Planned], options: Options) -> list[str]:
    """With ``--only``, the notebooks not named that have no output of their own to reuse."""
    if not options.only:
        return []
    missing = [item.notebook.name for item in planned
               if item.decision.run and item.notebook.name not in options.only]
    if not missing:
        return []
    return [
        f"--only: {edition.label}: no output of {', '.join(missing)} to reuse in {edition.out_dir} "
        "(never rendered there, or it failed last time); render the issue whole first (the same "
        "command without --only), or name them with --only too"
    ]


def task_key(notebook: Notebook, parameters: dict[str, Any], period: str | None = None) -> str:
    """What makes two notebooks of a batch one task: the notebook and its parameters.

    With ``period`` (:func:`bulletin.render.sharing.period_keys`: the periods of data it shows
    and its parameters but ``quarter``), two issues that show the same data share one task.
    """
    if period is not None:
        return f"{notebook.name} period {period}"
    return notebook.name + " " + json.dumps(parameters, sort_keys=True)


def editions_for(
    quarters: list[Quarter], countries: list[str | None], out: Path | None, reports_dir: Path
) -> list[Edition]:
    """The editions of a batch: each quarter, for the region or for each country given.

    ``None`` among ``countries`` is the region's issue (``--country region,TJK``: both).

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
    """``path`` made absolute, its parent resolved but not itself.

    A symbolic link given as an issue folder stays a link (and is refused) rather than becoming
    the folder it points to.
    """
    path = Path(os.path.abspath(os.path.expanduser(path)))
    if not path.name:
        return path
    return Path(os.path.realpath(path.parent)) / path.name

