"""Render an issue: execute every notebook, then publish its pages (bulletin.publish.pages).

``render_issue`` writes ``reports/<YYYY-Qn>/``:

- ``<notebook>.html`` for each analysis (no code, prompts or parameters; charts embedded) and the
  executed ``<notebook>.ipynb`` beside it;
- ``figures.json``: every key figure the notebooks recorded, by name;
- ``claims.json``: every claim of the bulletin the notebooks checked;
- ``index.html``: the issue's front page;
- ``run.json``: the record of the run (commit, package versions, the checksum of every data file
  read, parameters, and per notebook its status, duration and whether it was reused).

The work is done by :mod:`bulletin.render.engine` (parallel kernels, reuse of unchanged notebooks,
failure isolation, atomic publish), each notebook through papermill with the ``bulletin`` engine
(:mod:`bulletin.render.papermill_engine`). This module keeps the one-issue entry point the tests
use, and the two names that go with it: :func:`find_notebooks` (what an issue is made of) and
:class:`RenderError` (what ``render_issue`` raises).

The issue is assembled in a staging folder next to the target and swapped in only once every
notebook has rendered, so a failed render leaves the previous issue exactly as it was; the failed
run's own result, failure pages included, is kept in ``<issue>.failed/``.
"""

from __future__ import annotations

from pathlib import Path

from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR, REPORTS_DIR
from bulletin.core.periods import Quarter
from bulletin.render.engine import render
from bulletin.render.plan import Edition, Options, RenderError, find_notebooks

__all__ = ["RenderError", "find_notebooks", "render_issue"]


def render_issue(
    issue: Quarter,
    data_dir: Path | str = DATA_DIR,
    out_dir: Path | str | None = None,
    notebooks_dir: Path | str = NOTEBOOKS_DIR,
    timeout: int = 600,
    *,
    jobs: int | None = None,
    force: bool = False,
) -> Path:
    """Render every notebook for one issue and publish the issue folder.

    Notebooks whose source, parameters, data read and library are unchanged since the published
    issue are reused rather than executed again (``force=True`` runs them all).

    Args:
        issue: the issue's quarter.
        data_dir: folder of tidy tables the notebooks read.
        out_dir: where the issue goes (default ``reports/<YYYY-Qn>``).
        notebooks_dir: folder of the analyses.
        timeout: seconds a cell may run before its notebook fails.
        jobs: notebooks executed at once (default: the number of cores).
        force: execute every notebook, reusing nothing.

    Returns:
        The issue's folder.

    Raises:
        RenderError: a notebook failed (the message names it, the cell and the error), or the
            parameters were refused (:class:`RenderParameterError`); nothing of the previous
            issue was changed.
    """
    out = Path(out_dir).resolve() if out_dir else REPORTS_DIR / issue.label
    options = Options(
        data_dir=Path(data_dir), notebooks_dir=Path(notebooks_dir), cell_timeout=timeout,
        force=force,
    )
    if jobs:
        options.jobs = jobs
    [result] = render([Edition(issue, out)], options)
    if not result.ok:
        raise RenderError(
            f"{issue.label} was not published ({'; '.join(result.problems)}); "
            f"this run's pages are in {result.folder}"
        )
    return result.folder
