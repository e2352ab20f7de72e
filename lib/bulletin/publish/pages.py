"""What readers see: each analysis as a standalone HTML page, and the issue's front page.

The renderer (``bulletin.render.api``) executes the notebooks; this module turns an executed notebook
into a page (:func:`prepare_for_readers`, :func:`export_html`) and writes the front page
(:func:`index_page`, through ``bulletin.publish.front_page``).

A page shows no code, prompts, parameters, printed output, warnings or Python reprs: only the
notebook's Markdown and what it showed through ``bulletin.publish.report`` and
``bulletin.publish.charts``. Its charts and tables are numbered in reading order ("Figure 1",
"Table 1") and captioned, and the charts given their text alternative and a CSV download of their
data, all from the facts each output carries as data (``bulletin.publish.page_facts``), never from
its HTML. The footer says which data (status and sources) and which version of the project made
the page, and when. Each page embeds its charts, data and stylesheet, so it opens from disk with
nothing fetched from the network.
"""

from __future__ import annotations

import base64
import html
import json
import re
import struct
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter

import bulletin
from bulletin.core.paths import PROJECT_ROOT
from bulletin.core.periods import Quarter
from bulletin.core.wording import join_words
from bulletin.data.trust import STATUS_WORDS, describe_shares
from bulletin.publish.claim_boxes import claim_html
from bulletin.publish.front_page import front_page
from bulletin.publish.masthead import (
    BULLETIN_TITLE,
    TEMPLATES_DIR,
    masthead_html,
    stamp_edition,
    stylesheet,
)
from bulletin.publish.page_facts import (
    PAGE_FACTS_KEY,
    describe_statuses,
    is_chart,
    is_hidden,
    is_table,
    notebook_title,
    page_facts,
    status_class,
)
from bulletin.publish.report import (
    CHART_MIMETYPE,
    CLAIM_MIMETYPE,
    RECORD_MIMETYPES,
    TABLE_MIMETYPE,
    csv_link,
    slug,
    table_figure_html,
)

__all__ = [
    "data_shares_html",
    "export_html",
    "index_page",
    "notebook_title",
    "page_data_html",
    "page_footer",
    "prepare_for_readers",
    "project_version",
]

# The notebooks' working headings: the analyst's structure, not the reader's.
ANALYST_HEADING = re.compile(r"^##\s+(Load|Compute|Check|Show)\s*$", re.MULTILINE)


def prepare_for_readers(
    nb: nbformat.NotebookNode, name: str | None = None
) -> nbformat.NotebookNode:
    """A copy of an executed notebook as readers see it, with its page facts in its metadata.

    Taken out: parameter cells, the analyst's Load/Compute/Check/Show headings, record outputs
    (they go to the JSON files), printed text and warnings, and plain-text-only results (Python
    reprs such as ``<Axes: ...>``). An error becomes one readable sentence. Charts become numbered
    figures with caption, text alternative and CSV link, where ``finish_chart`` showed them;
    tables made by ``report.show_table`` are numbered; both from the facts their outputs carry.

    The copy's ``metadata["bulletin_page"]`` holds what the page's masthead, footer and the front
    page need (:func:`bulletin.publish.page_facts.page_facts`): issue, section, summary, statuses,
    and each chart's and table's caption and sources.

    Args:
        nb: the executed notebook.
        name: the analysis's name (its notebook's file name without ``.ipynb``), which gives the
            page its section; default: papermill's record of the input path, if any.

    Returns:
        The notebook as readers see it.
    """
    clean = nbformat.from_dict(json.loads(json.dumps(nb)))
    facts = page_facts(clean, name)
    numbers = _Numbers()
    cells = []
    for cell in clean.cells:
        if is_hidden(cell):
            continue
        if cell.cell_type == "markdown":
            cell.source = ANALYST_HEADING.sub("", cell.source).strip()
            if cell.source:
                cells.append(cell)
        elif cell.cell_type == "code":
            cell.outputs = [shown for output in cell.outputs for shown in numbers.output(output)]
            if cell.outputs:
                cells.append(cell)
    clean.cells = cells
    clean.metadata[PAGE_FACTS_KEY] = facts
    return clean


class _Numbers:
    """The outputs of a notebook as readers see them, charts and tables numbered as they come."""

    def __init__(self) -> None:
        self.charts = 0
        self.tables = 0

    def output(self, output: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
        kind = output.get("output_type")
        if kind == "stream":
            return []  # printed text and warnings are for the analyst
        if kind == "error":
            return [_error_output(output)]
        data = output.get("data", {})
        if CLAIM_MIMETYPE in data:
            claim = dict(data[CLAIM_MIMETYPE])
            return [_html_output(claim_html(claim), claim.get("statement", ""))]
        if set(data) & set(RECORD_MIMETYPES):
            return []  # key figures go to figures.json, data records to the footer
        if is_chart(output):
            self.charts += 1
            return [chart_output(output, self.charts)]
        if is_table(output):
            self.tables += 1
            facts = data[TABLE_MIMETYPE]
            return [_html_output(table_figure_html(facts, self.tables), facts.get("caption", ""))]
        if set(data) - {"text/plain"}:
            return [output]
        return []  # a bare repr: code, not content


def _html_output(text: str, plain: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": plain})


def chart_output(output: dict[str, Any], number: int) -> nbformat.NotebookNode:
    """A chart as readers see it, from the facts its output carries.

    Numbered and captioned, its PNG with its text alternative and size, and its data as a CSV
    download.

    Args:
        output: the chart's output (``image/png`` and, when finished, its facts).
        number: its number on the page.

    Returns:
        An HTML output of the chart.
    """
    facts = output["data"].get(CHART_MIMETYPE) or {}
    title = facts.get("title") or ""
    alt = facts.get("alt") or (f"Chart: {title}" if title else "Chart without a description")
    png = "".join(output["data"]["image/png"].split())
    width, height = _png_size(png)
    size = f' width="{width}" height="{height}"' if width and height else ""
    caption = f'<span class="bulletin-number">Figure {number}.</span> {html.escape(title)}'
    download = ""
    if facts.get("csv"):
        download = csv_link(facts["csv"], f"figure-{number}-{slug(title, 'chart')}.csv")
    figure = (
        f'<figure class="bulletin-chart" id="figure-{number}">'
        f"<figcaption>{caption}</figcaption>"
        f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt, quote=True)}"{size}>'
        f"{download}</figure>"
    )
    return _html_output(figure, f"Figure {number}. {title}")


def _png_size(png_base64: str) -> tuple[int | None, int | None]:
    """Width and height of a PNG from its header, so the page reserves the chart's space."""
    try:
        header = base64.b64decode(png_base64[:44])
        if header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR":
            width, height = struct.unpack(">II", header[16:24])
            return width, height
    except (ValueError, struct.error):
        pass
    return None, None



def _error_output(output: dict) -> nbformat.NotebookNode:
    """An error as one sentence for readers (the traceback stays in the executed notebook)."""
    name = html.escape(str(output.get("ename", "Error")))
    value = html.escape(str(output.get("evalue", "")))
    text = (
        '<p class="analysis-stopped">This analysis stopped before it was complete: '
        f"{name}: {value}. The executed notebook beside this page shows where.</p>"
    )
    return nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": text})



def data_shares_html(records: list[dict[str, Any]]) -> str:
    """What a page's analysis read, per table, for the page's footer.

    The shares of its rows (and of the quantity) by status, as a list (empty without records).
    """
    if not records:
        return ""
    items = []
    for record in records:
        total = f"{int(record.get('rows', 0)):,} rows"
        words = f"{total}; {describe_shares(record)}" if record.get("rows") else total
        items.append(
            f"<li><code>{html.escape(str(record.get('table', '')))}</code>: {html.escape(words)}</li>"
        )
    return "<p>Rows this analysis used, by status:</p>\n<ul>\n" + "\n".join(items) + "\n</ul>"


def page_data_html(facts: dict[str, Any]) -> str:
    """The footer's account of the data behind a page.

    Its status, and each chart's and table's source and status.
    """
    statuses = facts.get("statuses", [])
    records = facts.get("data", []) or []
    said = describe_statuses(statuses)
    if not statuses and records and all(not r.get("rows") for r in records):
        said = "no data"  # it read its tables, and they gave it no row
    lines = [
        '<section class="page-data" aria-label="The data behind this page">',
        "<h2>The data behind this page</h2>",
        f'<p>Data status: <span class="status status-{status_class(statuses)}">'
        f"{html.escape(said)}</span>"
        + (
            " — " + html.escape("; ".join(STATUS_WORDS[s] for s in statuses if s in STATUS_WORDS))
            if statuses
            else ""
        )
        + ".</p>",
    ]
    # Each distinct source-and-status text once, with the charts and tables it is behind.
    behind: dict[str, list[str]] = {}
    for chart in facts.get("charts", []):
        words = " ".join(w for w in (chart["source"], chart["status"]) if w)
        if words:
            behind.setdefault(words, []).append(f"Figure {chart['number']}")
    for table in facts.get("tables", []):
        if table["note"]:
            behind.setdefault(table["note"], []).append(f"Table {table['number']}")
    items = [
        f"<li>{html.escape(join_words(labels))}: {html.escape(words)}</li>"
        for words, labels in behind.items()
    ]
    if items:
        lines += ["<ul>", *items, "</ul>"]
    shares = data_shares_html(facts.get("data", []))
    if shares:
        lines.append(shares)
    lines.append("</section>")
    return "\n".join(lines)



def export_html(nb: nbformat.NotebookNode, title: str, nav: str, footer: str) -> str:
    """Export a prepared notebook (:func:`prepare_for_readers`) to one standalone HTML page.

    Args:
        nb: the notebook as readers see it.
        title: the page's title (the notebook's first heading).
        nav: HTML of the navigation above the page (made by the renderer).
        footer: HTML of the issue-wide footer line (:func:`page_footer`).
    """
    facts = nb.metadata.get(PAGE_FACTS_KEY) or page_facts(nb)
    exporter = HTMLExporter(
        template_name="bulletin",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    nb.metadata["title"] = title
    resources = {
        "bulletin_css": stylesheet(),
        "bulletin_masthead": masthead_html(facts.get("issue", ""), facts.get("section", ""),
                                           facts.get("country") or None),
        "bulletin_nav": nav,
        "bulletin_footer": page_data_html(facts) + f'\n<p class="made-by">{footer}</p>',
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return stamp_edition(body, facts.get("country") or None)


def index_page(
    issue: Quarter,
    rendered: list,
    footer: str,
    issue_dir: Path | str | None = None,
    **around: Any,
) -> str:
    """The issue's front page; see :func:`bulletin.publish.front_page.front_page`.

    Args:
        issue: the issue's quarter.
        rendered: the rendered analyses (``name``, ``title``, ``html_name``, ``figures``).
        footer: HTML of the issue-wide footer line.
        issue_dir: the folder being rendered (with each executed ``<name>.ipynb``): gives each
            analysis its summary, data status and the main point its notebook stated. Without it,
            the page has the titles, links and the statuses of recorded figures.
        **around: the issue among the others: ``links`` (previous and next issues) and ``since``
            (what changed since the previous one), as :func:`~bulletin.publish.front_page.front_page`
            takes them.

    Returns:
        The front page's HTML.
    """
    return front_page(issue, rendered, footer, issue_dir=issue_dir, **around)


def project_version() -> str:
    """The project's version, with the commit it was made from when run from a git checkout."""
    version = f"bulletin {bulletin.__version__}"
    try:
        commit = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return version
    if not commit:
        return version
    return f"{version}, commit {commit}" + (" with local changes" if changed else "")


def page_footer(issue: Quarter, data_dir: Path) -> str:
    """The footer line of every page: which issue, data folder and project version, and when."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{html.escape(BULLETIN_TITLE)}, issue {html.escape(issue.label)} "
        f"({html.escape(issue.months)}). Made from the tables in the folder "
        f"“{html.escape(Path(data_dir).name)}” by {html.escape(project_version())}, on {stamp}."
    )
