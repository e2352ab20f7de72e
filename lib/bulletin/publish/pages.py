"""What readers see: each analysis as a standalone HTML page, and the issue's front page.

The renderer (``bulletin.render.api``) executes the notebooks; this module turns an executed notebook
into a page and writes the front page from the rendered analyses (``bulletin.publish.front_page``).

A page shows no code, prompts, parameters, printed output, warnings or Python reprs: only the
notebook's Markdown and what it showed through ``bulletin.publish.report`` and ``bulletin.publish.charts``. Its
charts and tables are numbered in reading order ("Figure 1", "Table 1"), captioned, given their
text alternative and a CSV download of their data, and the footer says which data (status and
sources) and which version of the project made the page, and when. Each page embeds its charts,
data and stylesheet, so it opens from disk with nothing fetched from the network.
"""

from __future__ import annotations

import base64
import html
import json
import logging
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
from bulletin.data.trust import (
    BASIS_LABELS,
    STATUS_WORDS,
    describe_shares,
    order_of_trust,
)
from bulletin.publish.report import (
    CHART_ANCHOR_MIMETYPE,
    CLAIM_MIMETYPE,
    DATA_MIMETYPE,
    FIGURE_MIMETYPE,
    METADATA_KEY,
    RECORD_MIMETYPES,
    csv_link,
    slug,
)

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES_DIR / "bulletin" / "bulletin.css"
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters"}
BULLETIN_TITLE = "Milestones"
PUBLISHER = "UNODC Regional Office for Central Asia"
# The notebooks' working headings: the analyst's structure, not the reader's.
ANALYST_HEADING = re.compile(r"^##\s+(Load|Compute|Check|Show)\s*$", re.MULTILINE)
# The bulletin's sections, by analysis number (ANALYSES.md numbers the analyses as the notebooks).
SECTIONS = {
    **dict.fromkeys(range(1, 6), "Drug situation in Central Asia: drug trafficking"),
    **dict.fromkeys(range(6, 8), "Drug situation in Central Asia: drug-related crime"),
    8: "Crime statistics and the Sustainable Development Goals",
    **dict.fromkeys(range(9, 11), "Gender-based violence and women in policing"),
    11: "Milestones of the quarter: activities",
}
OTHER_SECTION = "Further analyses"
# Where prepare_for_readers leaves the page's facts in the notebook's metadata.
PAGE_FACTS_KEY = "bulletin_page"


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first Markdown heading of a notebook, or ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    return fallback


def notebook_summary(nb: nbformat.NotebookNode) -> str:
    """One line on what an analysis answers: the first sentence of its first paragraph.

    The paragraph is the text under the notebook's title (the house rules: a title and one
    paragraph), with Markdown markup taken out.
    """
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", cell.source) if p.strip()]
        for paragraph in paragraphs:
            if paragraph.startswith("#"):
                continue
            return _first_sentence(_plain_markdown(paragraph))
    return ""


_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "cf.", "vs.", "No.", "Mr.", "Ms.", "Dr.", "St.")


def _first_sentence(text: str) -> str:
    """The first sentence of a paragraph (an abbreviation such as "e.g." does not end one)."""
    for match in re.finditer(r"[.?!](?=\s+[A-Z0-9\"“(])", text):
        head = text[: match.end()]
        if not head.endswith(_ABBREVIATIONS) and not re.search(r"\b[A-Z]\.$", head):
            return head
    return text


def analysis_number(name: str) -> int | None:
    """The number of an analysis from its notebook's name: ``01_quarterly_seizures`` is 1."""
    match = re.match(r"^(\d+)_", name)
    return int(match.group(1)) if match else None


def section_of(name: str) -> str:
    """The bulletin's section an analysis belongs to, by its number."""
    number = analysis_number(name)
    return SECTIONS.get(number, OTHER_SECTION) if number is not None else OTHER_SECTION


def statuses_in(text: str) -> set[str]:
    """The data statuses a sentence names: a record's ``official+reconstructed``, or the words of
    ``bulletin.data.trust.describe_status``."""
    if re.fullmatch(r"[a-z]+(\s*[+,/;&]\s*[a-z]+)*", text.strip()):  # a record's status field
        return {s for s in re.split(r"[^a-z]+", text) if s in STATUS_WORDS}
    # A sentence: only the whole words of each status count ("not official" is not official).
    return {status for status, words in STATUS_WORDS.items() if words in text}


def order_statuses(statuses: set[str] | list[str]) -> list[str]:
    """Statuses in order of trust: official, stated, reconstructed, estimate."""
    return sorted(set(statuses), key=lambda s: (order_of_trust(s), s))


def describe_statuses(statuses: list[str]) -> str:
    """``official``, ``reconstructed``, ``official and reconstructed``... or ``not stated``."""
    statuses = order_statuses(statuses)
    if not statuses:
        return "not stated"
    if len(statuses) == 1:
        return statuses[0]
    return ", ".join(statuses[:-1]) + " and " + statuses[-1]


def status_class(statuses: list[str]) -> str:
    """The CSS class of a set of statuses (one status, ``mixed`` or ``unknown``)."""
    if not statuses:
        return "unknown"
    return statuses[0] if len(set(statuses)) == 1 else "mixed"


def prepare_for_readers(
    nb: nbformat.NotebookNode, name: str | None = None
) -> nbformat.NotebookNode:
    """A copy of an executed notebook as readers see it, with its page facts in its metadata.

    Taken out: parameter cells, the analyst's Load/Compute/Check/Show headings, record outputs
    (they go to the JSON files), chart markers, printed text and warnings, and plain-text-only
    results (Python reprs such as ``<Axes: ...>``). An error becomes one readable sentence.
    Charts become numbered figures with caption, text alternative and CSV link, placed where
    ``finish_chart`` was called; tables made by ``report.show_table`` are numbered.

    The copy's ``metadata["bulletin_page"]`` holds what the page's masthead, footer and the front
    page need: issue, section, summary, statuses, and each chart's and table's caption and sources.

    Args:
        nb: the executed notebook.
        name: the analysis's name (its notebook's file name without ``.ipynb``), which gives the
            page its section; default: papermill's record of the input path, if any.
    """
    clean = nbformat.from_dict(json.loads(json.dumps(nb)))
    page = _Page(clean)
    clean.cells = [cell for cell in (page.cell(c) for c in clean.cells) if cell is not None]
    clean.metadata[PAGE_FACTS_KEY] = page.facts(name)
    return clean


class _Page:
    """The numbering and facts gathered while one notebook is turned into a page."""

    def __init__(self, nb: nbformat.NotebookNode) -> None:
        self.nb = nb
        self.figure_statuses: set[str] = set()
        self.charts: list[dict[str, Any]] = []
        self.tables: list[dict[str, Any]] = []
        self.claims: list[dict[str, Any]] = []
        self.data: list[dict[str, Any]] = []
        self.placed: set[str] = set()
        # A chart is shown where finish_chart was called: its PNG is found wherever the inline
        # backend displayed it (at the end of the cell, or later).
        self.png_by_anchor: dict[str, nbformat.NotebookNode] = {}
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                anchor = _chart_meta(output).get("anchor")
                if anchor and "image/png" in output.get("data", {}):
                    self.png_by_anchor.setdefault(anchor, output)

    def cell(self, cell: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
        if HIDDEN_CELL_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            return None
        if cell.cell_type == "markdown":
            cell.source = ANALYST_HEADING.sub("", cell.source).strip()
            return cell if cell.source else None
        if cell.cell_type != "code":
            return None
        outputs = []
        for output in cell.outputs:
            outputs.extend(self.output(output))
        cell.outputs = outputs
        return cell if outputs else None

    def output(self, output: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
        kind = output.get("output_type")
        if kind == "stream":
            return []  # printed text and warnings are for the analyst
        if kind == "error":
            return [_error_output(output)]
        data = output.get("data", {})
        if FIGURE_MIMETYPE in data:
            self.figure_statuses |= statuses_in(str(data[FIGURE_MIMETYPE].get("status", "")))
            return []
        if CLAIM_MIMETYPE in data:
            claim = dict(data[CLAIM_MIMETYPE])
            self.claims.append(claim)
            text = claim_html(claim)
            return [nbformat.v4.new_output(
                "display_data", data={"text/html": text, "text/plain": claim.get("statement", "")}
            )]
        if DATA_MIMETYPE in data:
            self.data.append(dict(data[DATA_MIMETYPE]))
            return []  # the footer says what the page's data are
        if set(data) & set(RECORD_MIMETYPES):
            return []
        if CHART_ANCHOR_MIMETYPE in data:
            anchor = data[CHART_ANCHOR_MIMETYPE].get("anchor", "")
            png = self.png_by_anchor.get(anchor)
            if png is None or anchor in self.placed:
                return []
            self.placed.add(anchor)
            return [self.chart(png)]
        if "image/png" in data:
            anchor = _chart_meta(output).get("anchor")
            if anchor and anchor in self.placed:
                return []  # already shown where it was finished (or displayed twice)
            if anchor:
                self.placed.add(anchor)
            return [self.chart(output)]
        if "text/html" in data:
            return [self.numbered_tables(output)]
        if set(data) - {"text/plain"}:
            return [output]
        return []  # a bare repr: code, not content

    def chart(self, output: nbformat.NotebookNode) -> nbformat.NotebookNode:
        meta = _chart_meta(output)
        number = len(self.charts) + 1
        title = meta.get("title") or ""
        alt = meta.get("alt") or (f"Chart: {title}" if title else "Chart without a description")
        png = "".join(output["data"]["image/png"].split())
        width, height = _png_size(png)
        size = f' width="{width}" height="{height}"' if width and height else ""
        caption = f'<span class="bulletin-number">Figure {number}.</span> {html.escape(title)}'
        download = ""
        if meta.get("csv"):
            download = csv_link(meta["csv"], f"figure-{number}-{slug(title, 'chart')}.csv")
        self.charts.append(
            {
                "number": number,
                "title": title,
                "source": meta.get("source", ""),
                "status": meta.get("status", ""),
                "statuses": list(meta.get("statuses", [])),
            }
        )
        figure = (
            f'<figure class="bulletin-chart" id="figure-{number}">'
            f"<figcaption>{caption}</figcaption>"
            f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt, quote=True)}"{size}>'
            f"{download}</figure>"
        )
        return nbformat.v4.new_output(
            "display_data", data={"text/html": figure, "text/plain": f"Figure {number}. {title}"}
        )

    def numbered_tables(self, output: nbformat.NotebookNode) -> nbformat.NotebookNode:
        """Number the tables ``report.show_table`` made in an HTML output, in reading order."""

        def number(match: re.Match) -> str:
            n = len(self.tables) + 1
            note = _TABLE_NOTE.search(match.group("body"))
            self.tables.append(
                {
                    "number": n,
                    "title": html.unescape(_strip_tags(match.group("caption"))),
                    "note": html.unescape(_strip_tags(note.group(1))) if note else "",
                }
            )
            return (
                f'<figure class="bulletin-table" id="table-{n}"><figcaption>'
                f'<span class="bulletin-number">Table {n}.</span> {match.group("caption")}'
                f"</figcaption>{match.group('body')}</figure>"
            )

        text = output["data"]["text/html"]
        text = "".join(text) if isinstance(text, list) else text
        output["data"]["text/html"] = _TABLE_FIGURE.sub(number, text)
        return output

    def facts(self, name: str | None = None) -> dict[str, Any]:
        papermill = self.nb.metadata.get("papermill", {})
        own = self.nb.metadata.get(METADATA_KEY, {})  # the engine's, or a notebook author's
        parameters = papermill.get("parameters") or own.get("parameters") or {}
        input_path = papermill.get("input_path") or ""
        name = name or (Path(input_path).stem if input_path else "")
        try:
            issue = Quarter.parse(parameters["quarter"]).label if "quarter" in parameters else ""
        except ValueError:
            issue = ""
        statuses = set(self.figure_statuses)
        for chart in self.charts:
            statuses |= set(chart["statuses"])
        for table in self.tables:
            statuses |= statuses_in(table["note"])
        for record in self.data:
            statuses |= set(record.get("statuses", {}))
        own_section = own.get("section")
        return {
            "name": name,
            "issue": issue,
            "section": own_section or (section_of(name) if name else ""),
            "summary": notebook_summary(self.nb),
            "statuses": order_statuses(statuses),
            "charts": self.charts,
            "tables": self.tables,
            "claims": [
                {k: claim.get(k) for k in ("id", "statement", "holds", "basis", "verdict")}
                for claim in self.claims
            ],
            "data": self.data,
        }


HOLDS_LABELS = {True: "holds", False: "does not hold", None: "not testable"}
"""A claim's ``holds`` in words, for its badge."""
EXAMINED_LABELS = {
    "official": "figures examined: official",
    "stated": "figures examined: the bulletin's own",
    "reconstructed": "figures examined: reconstructed",
    "mixed": "figures examined: partly official",
}
"""The basis badge of a claim the data cannot test: what the check looked at."""


def holds_label(holds: bool | None) -> str:
    """ "holds", "does not hold" or "not testable"."""
    return HOLDS_LABELS.get(holds, "not testable")


def claim_badges(claim: dict[str, Any]) -> tuple[tuple[str, str], tuple[str, str]]:
    """The two badges beside a statement, as (words, CSS class): whether it holds, and its basis.

    A claim that holds on figures reconstructed from it "holds by construction" (no green badge:
    it proves nothing); an untestable one says what figures the check examined, or that the data
    hold none.
    """
    holds = claim.get("holds")
    basis = str(claim.get("basis") or "")
    if holds is None:
        verdict = ("not testable", "untestable")
    elif basis == "reconstructed" and holds:
        verdict = ("holds by construction", "untestable")
    else:
        verdict = (holds_label(holds), "holds" if holds else "fails")
    rows = (claim.get("values") or {}).get("basis_rows")
    rows = rows if isinstance(rows, dict) else {}
    if holds is None:
        empty = "basis_rows" in (claim.get("values") or {}) and not sum(rows.values())
        label = "no figures in the data" if empty else EXAMINED_LABELS.get(basis, "basis not stated")
    elif basis == "mixed" and sum(rows.values()) and rows.get("official"):
        share = rows["official"] / sum(rows.values()) * 100
        label = f"partly official ({share:.0f}% of its figures)"
    else:
        label = BASIS_LABELS.get(basis, "basis not stated")
    return verdict, (label, basis or "unknown")


def claim_html(claim: dict[str, Any]) -> str:
    """One claim as readers see it: the bulletin's statement, whether it holds, its basis beside
    it, and the verdict (all escaped: the record is data)."""
    (verdict, verdict_class), (basis, basis_class) = claim_badges(claim)
    claim_id = html.escape(str(claim.get("id", "")))
    untestable = " claim-untestable" if claim.get("holds") is None else ""
    return (
        f'<aside class="bulletin-claim basis-{html.escape(basis_class)}{untestable}" '
        f'id="claim-{claim_id}" '
        f'aria-label="The bulletin\'s statement {claim_id}, checked">'
        f'<p class="claim-statement"><span class="claim-id">{claim_id}</span> The bulletin: '
        f"“{html.escape(str(claim.get('statement', '')))}”</p>"
        f'<p class="claim-badges"><span class="verdict verdict-{verdict_class}">'
        f"{html.escape(verdict)}</span> "
        f'<span class="basis basis-{html.escape(basis_class)}">{html.escape(basis)}</span></p>'
        f'<div class="claim-verdict"><p>{html.escape(str(claim.get("verdict", "")))}</p></div>'
        "</aside>"
    )


def data_shares_html(records: list[dict[str, Any]]) -> str:
    """What a page's analysis read, per table: the shares of its rows (and of the quantity) by
    status, as a list for the page's footer (empty without records)."""
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


# The HTML of report.format_table: a figure with its caption, the table, a note, a download.
_TABLE_FIGURE = re.compile(
    r'<figure class="bulletin-table"><figcaption>(?P<caption>.*?)</figcaption>(?P<body>.*?)</figure>',
    re.DOTALL,
)
_TABLE_NOTE = re.compile(r'<p class="table-note">(.*?)</p>', re.DOTALL)


def _chart_meta(output: dict) -> dict[str, Any]:
    """The page metadata ``bulletin.publish.charts`` attached to a PNG output (empty if none)."""
    metadata = output.get("metadata", {}) or {}
    found = metadata.get("image/png", {}).get(METADATA_KEY) or metadata.get(METADATA_KEY)
    return dict(found) if isinstance(found, dict) else {}


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


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def _plain_markdown(text: str) -> str:
    """Markdown markup taken out of a paragraph: links keep their words, emphasis goes."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(text.split())


# --- The page -------------------------------------------------------------------------------


def stylesheet() -> str:
    """The bulletin's stylesheet, embedded in every page."""
    return STYLESHEET.read_text(encoding="utf-8")


def masthead_html(issue_label: str, section: str) -> str:
    """The top of a page: the bulletin's name (a link to the front page), the issue, the section."""
    months = ""
    if issue_label:
        months = f" · {html.escape(Quarter.parse(issue_label).months)}"
    section_html = f'\n<p class="section-title">{html.escape(section)}</p>' if section else ""
    return (
        '<header class="masthead">\n'
        f'<p><a class="brand" href="index.html">{html.escape(BULLETIN_TITLE)}</a> '
        f'<span class="issue">{html.escape(PUBLISHER)}{months}</span></p>'
        f"{section_html}\n</header>"
    )


def page_data_html(facts: dict[str, Any]) -> str:
    """The footer's account of the data behind a page: status, and each chart's and table's
    source and status."""
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
        f"<li>{html.escape(_join_words(labels))}: {html.escape(words)}</li>"
        for words, labels in behind.items()
    ]
    if items:
        lines += ["<ul>", *items, "</ul>"]
    shares = data_shares_html(facts.get("data", []))
    if shares:
        lines.append(shares)
    lines.append("</section>")
    return "\n".join(lines)


def _join_words(words: list[str]) -> str:
    """``["a"]`` is "a", ``["a", "b", "c"]`` is "a, b and c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def export_html(nb: nbformat.NotebookNode, title: str, nav: str, footer: str) -> str:
    """Export a prepared notebook (:func:`prepare_for_readers`) to one standalone HTML page.

    Args:
        nb: the notebook as readers see it.
        title: the page's title (the notebook's first heading).
        nav: HTML of the navigation above the page (made by the renderer).
        footer: HTML of the issue-wide footer line (:func:`page_footer`).
    """
    facts = nb.metadata.get(PAGE_FACTS_KEY) or prepare_for_readers(nb).metadata[PAGE_FACTS_KEY]
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
        "bulletin_masthead": masthead_html(facts.get("issue", ""), facts.get("section", "")),
        "bulletin_nav": nav,
        "bulletin_footer": page_data_html(facts) + f'\n<p class="made-by">{footer}</p>',
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def index_page(
    issue: Quarter,
    rendered: list,
    footer: str,
    issue_dir: Path | str | None = None,
    figures: dict[str, dict[str, Any]] | None = None,
) -> str:
    """The issue's front page; see :func:`bulletin.publish.front_page.front_page`.

    Args:
        issue: the issue's quarter.
        rendered: the rendered analyses (``name``, ``title``, ``html_name``, ``figures``).
        footer: HTML of the issue-wide footer line.
        issue_dir: the folder being rendered (with each executed ``<name>.ipynb`` and
            ``figures.json``): gives each analysis its summary and data status and the main points.
            Without it, the page has the titles, links and the statuses of recorded figures.
        figures: the key figures by name, when not read from ``issue_dir/figures.json``.
    """
    from bulletin.publish.front_page import front_page

    return front_page(issue, rendered, footer, issue_dir=issue_dir, figures=figures)


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
