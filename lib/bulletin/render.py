"""Render an issue: execute every notebook with papermill, then publish its pages (bulletin.pages).

``render_issue`` writes ``reports/<YYYY-Qn>/``:

- ``<notebook>.html`` for each analysis (no code, prompts or parameters; charts embedded) and the
  executed ``<notebook>.ipynb`` beside it;
- ``figures.json``: every key figure the notebooks recorded, by name;
- ``claims.json``: every claim of the bulletin the notebooks checked;
- ``index.html``: the issue's front page.

The issue is assembled in a staging folder next to the target and swapped in only once every
notebook has rendered, so a failed render leaves the previous issue exactly as it was.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError

from bulletin.kernel import ProjectKernelManager
from bulletin.pages import export_html, index_page, notebook_title, page_footer, prepare_for_readers
from bulletin.paths import DATA_DIR, NOTEBOOKS_DIR, REPORTS_DIR
from bulletin.periods import Quarter
from bulletin.report import CLAIM_MIMETYPE, FIGURE_MIMETYPE

log = logging.getLogger(__name__)

NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"


class RenderError(RuntimeError):
    """A render that could not complete; the previous issue is left as it was."""


@dataclass
class RenderedNotebook:
    """One analysis of the issue, as rendered."""

    name: str
    title: str
    html_name: str
    figures: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


def find_notebooks(notebooks_dir: Path | str = NOTEBOOKS_DIR) -> list[Path]:
    """The analyses of an issue: ``NN_name.ipynb`` files in reading order."""
    return sorted(Path(notebooks_dir).glob(NOTEBOOK_PATTERN))


def collect_records(nb: nbformat.NotebookNode) -> tuple[list[dict], list[dict]]:
    """The key figures and claim checks a notebook recorded, in the order it recorded them."""
    figures: list[dict] = []
    claims: list[dict] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FIGURE_MIMETYPE in data:
                figures.append(dict(data[FIGURE_MIMETYPE]))
            if CLAIM_MIMETYPE in data:
                claims.append(dict(data[CLAIM_MIMETYPE]))
    return figures, claims


def _failure_message(notebook: Path, error: PapermillExecutionError) -> str:
    return f"{notebook.name}: cell {error.exec_count} failed with {error.ename}: {error.evalue}"


def render_notebook(
    notebook: Path, staging: Path, parameters: dict[str, Any], footer: str, timeout: int
) -> RenderedNotebook:
    """Execute one notebook into ``staging`` and export its HTML page beside it."""
    started = time.perf_counter()
    executed_path = staging / notebook.name
    try:
        executed = papermill.execute_notebook(
            str(notebook),
            str(executed_path),
            parameters=parameters,
            cwd=str(notebook.parent),
            progress_bar=False,
            request_save_on_cell_execute=False,
            kernel_manager_class=ProjectKernelManager,
            execution_timeout=timeout,
        )
    except PapermillExecutionError as error:
        raise RenderError(_failure_message(notebook, error)) from error
    figures, claims = collect_records(executed)
    for record in figures + claims:
        record["notebook"] = notebook.stem
    title = notebook_title(executed, notebook.stem)
    nav = '<a href="index.html">&larr; Contents of the issue</a>'
    page = export_html(prepare_for_readers(executed), title, nav, footer)
    html_name = f"{notebook.stem}.html"
    (staging / html_name).write_text(page, encoding="utf-8")
    seconds = time.perf_counter() - started
    log.info("rendered %s in %.1f s", notebook.name, seconds)
    return RenderedNotebook(notebook.stem, title, html_name, figures, claims, seconds)


def _claim_order(claim: dict[str, Any]) -> tuple[int, str]:
    digits = re.sub(r"\D", "", claim["id"])
    return (int(digits) if digits else 0, claim["id"])


def assemble_figures(issue: Quarter, rendered: list[RenderedNotebook]) -> dict[str, Any]:
    """``figures.json``: every key figure by name; a name recorded twice is an error."""
    figures: dict[str, Any] = {}
    for notebook in rendered:
        for record in notebook.figures:
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


def publish(staging: Path, out_dir: Path) -> None:
    """Swap a fully rendered staging folder in place of ``out_dir``.

    The old issue is moved aside, the new one renamed into place, and only then is the old one
    deleted; if the rename fails, the old issue is put back.
    """
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    aside = out_dir.with_name(f".{out_dir.name}.previous-{os.getpid()}")
    os.rename(out_dir, aside)
    try:
        os.rename(staging, out_dir)
    except BaseException:
        os.rename(aside, out_dir)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def render_issue(
    issue: Quarter,
    data_dir: Path | str = DATA_DIR,
    out_dir: Path | str | None = None,
    notebooks_dir: Path | str = NOTEBOOKS_DIR,
    timeout: int = 600,
) -> Path:
    """Render every notebook for one issue and publish the issue folder.

    Args:
        issue: the issue's quarter.
        data_dir: folder of tidy tables the notebooks read.
        out_dir: where the issue goes (default ``reports/<YYYY-Qn>``).
        notebooks_dir: folder of the analyses.
        timeout: seconds a cell may run before the render fails.

    Returns:
        The issue's folder.

    Raises:
        RenderError: a notebook failed; nothing of the previous issue was changed.
    """
    data_dir = Path(data_dir).resolve()
    out_dir = Path(out_dir).resolve() if out_dir else REPORTS_DIR / issue.label
    notebooks = find_notebooks(notebooks_dir)
    if not notebooks:
        raise RenderError(f"no notebooks matching {NOTEBOOK_PATTERN} in {notebooks_dir}")
    if not data_dir.is_dir():
        raise RenderError(f"data folder {data_dir} does not exist")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    parameters = {"quarter": issue.label, "data_dir": str(data_dir)}
    footer = page_footer(issue, data_dir)
    try:
        rendered = [
            render_notebook(notebook, staging, parameters, footer, timeout)
            for notebook in notebooks
        ]
        _write_json(staging / "figures.json", assemble_figures(issue, rendered))
        _write_json(staging / "claims.json", assemble_claims(issue, rendered))
        (staging / "index.html").write_text(index_page(issue, rendered, footer), encoding="utf-8")
        publish(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _write_json(path: Path, content: dict[str, Any]) -> None:
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
