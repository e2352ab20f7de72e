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
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter

import bulletin
from bulletin.core.paths import PROJECT_ROOT
from bulletin.core.periods import Quarter
from bulletin.data.trust import STATUS_WORDS, describe_shares
from bulletin.publish.claim_boxes import claim_html
from bulletin.publish.downloads import (
    CHART_DPI,
    DOWNLOADS_DIR,
    PACKAGE_FILE,
    PNG_DENSITY,
    PageDownloads,
    png_size,
)
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
    nb: nbformat.NotebookNode, name: str | None = None, downloads: PageDownloads | None = None
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
        downloads: where the charts' and tables' files go (PNG, SVG, CSV, beside the page; see
            :mod:`bulletin.publish.downloads`); without, each offers its CSV in a link of its own.

    Returns:
        The notebook as readers see it.
    """
    clean = nbformat.from_dict(json.loads(json.dumps(nb)))
    facts = page_facts(clean, name)
    numbers = _Numbers(downloads)
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

    def __init__(self, downloads: PageDownloads | None) -> None:
        self.charts = 0
        self.tables = 0
        self.downloads = downloads

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
            return [chart_output(output, self.charts, self.downloads)]
        if is_table(output):
            self.tables += 1
            facts = data[TABLE_MIMETYPE]
            return [_html_output(self._table(facts), facts.get("caption", ""))]
        if set(data) - {"text/plain"}:
            return [output]
        return []  # a bare repr: code, not content

    def _table(self, facts: dict[str, Any]) -> str:
        if self.downloads is None:
            return table_figure_html(facts, self.tables)
        caption = str(facts.get("caption", ""))
        stem = f"table-{self.tables}-{slug(caption, 'table')}"
        links = self.downloads.add_table(stem, f"Table {self.tables}. {caption}", facts)
        return table_figure_html(facts, self.tables, download=links)


def _html_output(text: str, plain: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": plain})


def chart_output(
    output: dict[str, Any], number: int, downloads: PageDownloads | None = None
) -> nbformat.NotebookNode:
    """A chart as readers see it, from the facts its output carries.

    Numbered; drawn as vector SVG where the output has one (the PNG otherwise), with a text
    alternative saying what it shows; its title and source line are the chart's own, drawn once in
    it. With ``downloads``, its PNG, SVG and data (CSV) are offered as files beside the page;
    without, its data is offered as a link holding the CSV.

    Args:
        output: the chart's output (``image/svg+xml`` and ``image/png`` and, when finished, its
            facts).
        number: its number on the page.
        downloads: the page's downloads, which keep the chart's files.

    Returns:
        An HTML output of the chart.
    """
    data = output["data"]
    facts = data.get(CHART_MIMETYPE) or {}
    title = facts.get("title") or ""
    alt = facts.get("alt") or (f"{title}." if title else "A chart without a description")
    png = base64.b64decode("".join(data["image/png"].split())) if "image/png" in data else b""
    svg = data.get("image/svg+xml")
    svg = "".join(svg) if isinstance(svg, list) else svg
    picture = inline_svg(svg, f"figure-{number}", alt) if svg else _png_img(png, alt)
    # On a phone the chart keeps a legible size and scrolls sideways in its own box.
    picture = (
        f'<div class="chart-scroll" tabindex="0" role="region" '
        f'aria-label="Figure {number}, scrolls sideways on a narrow screen">{picture}</div>'
    )
    stem = f"figure-{number}-{slug(title, 'chart')}"
    if downloads is not None:
        links = downloads.add_chart(stem, f"Figure {number}. {title}".strip(), facts, svg, png)
    else:
        links = csv_link(facts["csv"], f"{stem}.csv") if facts.get("csv") else ""
    figure = (
        f'<figure class="bulletin-chart" id="figure-{number}">'
        f'<figcaption><span class="bulletin-number">Figure {number}</span></figcaption>'
        f"{picture}{links}</figure>"
    )
    return _html_output(figure, f"Figure {number}. {title}")


def _png_img(png: bytes, alt: str) -> str:
    width, height = png_size(png)
    size = ""
    if width and height:  # drawn at twice the page's density: shown at half its pixels
        size = f' width="{width // PNG_DENSITY}" height="{height // PNG_DENSITY}"'
    encoded = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt, quote=True)}"{size}>'


_SVG_START = re.compile(r"<svg\b[^>]*>", re.DOTALL)
_SVG_ID = re.compile(r'\bid="([^"]+)"')
_SVG_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
_PT = re.compile(r'\b(width|height)="([\d.]+)pt"')


def inline_svg(svg: str, scope: str, alt: str) -> str:
    """A chart's SVG as it sits in a page: ids of its own, named by its text alternative.

    The XML prolog and metadata go; every id is prefixed with ``scope`` (two charts on a page
    share none); its size in points becomes CSS pixels at the chart's density (as its PNG had
    it); the text alternative is its ``<title>`` and accessible name (``role="img"``).

    >>> inline_svg('<?xml?><svg width="72pt" height="36pt"><g id="a"><use href="#a"/></g></svg>', "f1", "A & B")
    '<svg width="100" height="50" role="img" aria-labelledby="f1-alt" focusable="false"><title id="f1-alt">A &amp; B</title><g id="f1-a"><use href="#f1-a"/></g></svg>'
    """
    start = _SVG_START.search(svg)
    if start is None:
        return ""
    body = re.sub(r"<metadata>.*?</metadata>\s*", "", svg[start.end():], flags=re.DOTALL)
    ids = set(_SVG_ID.findall(body))
    body = _SVG_REFERENCE.sub(
        lambda m: f"{m.group(1)}{scope}-{m.group(2)}" if m.group(2) in ids else m.group(0), body
    )
    opening = _PT.sub(
        lambda m: f'{m.group(1)}="{round(float(m.group(2)) * CHART_DPI / 72)}"', start.group(0)
    )
    label = f"{scope}-alt"
    opening = opening[:-1] + f' role="img" aria-labelledby="{label}" focusable="false">'
    return f'{opening}<title id="{label}">{html.escape(alt, quote=False)}</title>{body}'.strip()


def _error_output(output: dict) -> nbformat.NotebookNode:
    """An error as one sentence for readers (the traceback stays in the executed notebook)."""
    name = html.escape(str(output.get("ename", "Error")))
    value = html.escape(str(output.get("evalue", "")))
    text = (
        '<p class="analysis-stopped">This analysis stopped before it was complete: '
        f"{name}: {value}. The executed notebook beside this page shows where.</p>"
    )
    return nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": text})


_SOURCE_SENTENCE = re.compile(r"Source: (.*?)\.(?=\s|$)")


def cited_publications(lines: list[str]) -> list[str]:
    """The publications the "Source: ..." sentences of some captions and notes name, each once.

    >>> cited_publications(["Source: A; B.", "Source: B, table 7.1. Data status: official.", ""])
    ['A', 'B', 'B, table 7.1']
    """
    names = [
        name.strip()
        for line in lines
        for match in _SOURCE_SENTENCE.finditer(str(line))
        for name in match.group(1).split("; ")
        if name.strip() and name.strip() != "none"
    ]
    return list(dict.fromkeys(names))


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

    Its status, the publications its charts and tables cite (each once), where the full source of
    their rows is, and the rows it used by status.
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
    # The publications behind the page, each once: every chart and table says its own under it.
    cited = cited_publications(
        [chart.get("source", "") for chart in facts.get("charts", [])]
        + [table.get("note", "") for table in facts.get("tables", [])]
    )
    if cited:
        lines.append(f"<p>Sources: {html.escape('; '.join(cited))}.</p>")
    if facts.get("name") and (facts.get("charts") or facts.get("tables")):
        package = f"{DOWNLOADS_DIR}/{facts['name']}/{PACKAGE_FILE}"
        lines.append(
            "<p>Each chart's and table's data, with the full source of its rows: "
            f'<a href="{html.escape(package, quote=True)}">{PACKAGE_FILE}</a> '
            "(a Frictionless Data Package beside the CSV files).</p>"
        )
    shares = data_shares_html(facts.get("data", []))
    if shares:
        lines.append(shares)
    lines.append("</section>")
    return "\n".join(lines)


_IDLE_EXPORTERS: list[HTMLExporter] = []
_EXPORTERS_LOCK = threading.Lock()


@contextmanager
def _page_exporter() -> Iterator[HTMLExporter]:
    """An exporter of pages, for one page at a time; kept for the next page, whichever thread.

    Making an exporter compiles its Jinja templates: a third of a page's export time, paid once
    per exporter rather than once per page. Pages are exported side by side, and an exporter is
    not made to be shared while it works: each export takes an idle one (or makes one) and gives
    it back. Jinja still reloads a template changed on disk.
    """
    with _EXPORTERS_LOCK:
        exporter = _IDLE_EXPORTERS.pop() if _IDLE_EXPORTERS else None
    if exporter is None:
        exporter = HTMLExporter(
            template_name="bulletin",
            extra_template_basedirs=[str(TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
    try:
        yield exporter
    finally:
        with _EXPORTERS_LOCK:
            _IDLE_EXPORTERS.append(exporter)


def warm_up() -> None:
    """Make a small page and throw it away, so that the next page finds everything ready.

    A process's first page paid for its exporter's templates, nbconvert's CSS selectors
    (soupsieve compiles them on first use) and the Markdown parser's patterns: most of a second,
    on the critical path of a render that runs one notebook (issue 18). The renderer calls this
    while the kernels run. The page has an HTML entity in its navigation, as every page's
    "&larr; Contents" has: the first entity a process's page parses makes Beautiful Soup build its
    table of the HTML5 entities, one pattern of all of them (a fifth of a second here).
    """
    tiny_png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAA"
                "SUVORK5CYII=")
    code = nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", {"image/png": tiny_png, "text/html": "<table><tr><td>1</td></tr></table>",
                         "text/plain": "x"})])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A page\n\nSome *text*."),
                                         code])
    export_html(nb, "A page", '<a href="index.html">&larr; Contents</a>', "")


def export_html(nb: nbformat.NotebookNode, title: str, nav: str, footer: str) -> str:
    """Export a prepared notebook (:func:`prepare_for_readers`) to one standalone HTML page.

    Args:
        nb: the notebook as readers see it.
        title: the page's title (the notebook's first heading).
        nav: HTML of the navigation above the page (made by the renderer).
        footer: HTML of the issue-wide footer line (:func:`page_footer`).
    """
    facts = nb.metadata.get(PAGE_FACTS_KEY) or page_facts(nb)
    nb.metadata["title"] = title
    resources = {
        "bulletin_css": stylesheet(),
        "bulletin_masthead": masthead_html(facts.get("issue", ""), facts.get("section", ""),
                                           facts.get("country") or None),
        "bulletin_nav": nav,
        "bulletin_footer": page_data_html(facts) + f'\n<p class="made-by">{footer}</p>',
    }
    with _page_exporter() as exporter:
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
