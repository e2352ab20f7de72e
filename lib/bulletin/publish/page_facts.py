"""The facts of an analysis's page, read from the structured outputs of its executed notebook.

A notebook's charts, tables, key figures, claims and data records leave the kernel as outputs of
the project's MIME types (``bulletin.publish.report``): this module reads those, never the HTML
or the sentences around them. What it gathers (:func:`page_facts`) gives the page its masthead
and footer, and the front page each analysis's summary, status and counts.

Charts and tables are numbered in the order of their outputs (:func:`is_chart`,
:func:`is_table`), the same order in which ``bulletin.publish.pages`` places them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bulletin.core.periods import Quarter
from bulletin.core.wording import join_words
from bulletin.publish.report import (
    CHART_MIMETYPE,
    CLAIM_MIMETYPE,
    DATA_MIMETYPE,
    FIGURE_MIMETYPE,
    MAIN_POINT_MIMETYPE,
    METADATA_KEY,
    TABLE_MIMETYPE,
    order_statuses,
    split_statuses,
)

if TYPE_CHECKING:  # only for the annotations: reading a title needs no nbformat (fast)
    import nbformat

PAGE_FACTS_KEY = "bulletin_page"
"""Where ``bulletin.publish.pages.prepare_for_readers`` leaves the page's facts in the notebook's
metadata."""
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters"}
# The bulletin's sections, by analysis number (ANALYSES.md numbers the analyses as the notebooks).
SECTIONS = {
    **dict.fromkeys(range(1, 6), "Drug situation in Central Asia: drug trafficking"),
    **dict.fromkeys(range(6, 8), "Drug situation in Central Asia: drug-related crime"),
    8: "Crime statistics and the Sustainable Development Goals",
    **dict.fromkeys(range(9, 11), "Gender-based violence and women in policing"),
    11: "Milestones of the quarter: activities",
}
OTHER_SECTION = "Further analyses"
CLAIM_FIELDS = ("id", "statement", "holds", "basis", "verdict")
"""What the page's facts keep of a claim's record."""
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "cf.", "vs.", "No.", "Mr.", "Ms.", "Dr.", "St.")


def notebook_title(nb: nbformat.NotebookNode | dict[str, Any], fallback: str) -> str:
    r"""The first Markdown heading of a notebook (read by nbformat or as plain JSON), or ``fallback``.

    >>> notebook_title({"cells": [{"cell_type": "markdown", "source": ["# Routes\n", "Text"]}]}, "x")
    'Routes'
    """
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = cell["source"]
            source = "".join(source) if isinstance(source, list) else str(source)
            match = re.search(r"^#\s+(.+)$", source, flags=re.MULTILINE)
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


def _first_sentence(text: str) -> str:
    """The first sentence of a paragraph (an abbreviation such as "e.g." does not end one)."""
    for match in re.finditer(r"[.?!](?=\s+[A-Z0-9\"“(])", text):
        head = text[: match.end()]
        if not head.endswith(_ABBREVIATIONS) and not re.search(r"\b[A-Z]\.$", head):
            return head
    return text


def _plain_markdown(text: str) -> str:
    """Markdown markup taken out of a paragraph: links keep their words, emphasis goes."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(text.split())


def analysis_number(name: str) -> int | None:
    """The number of an analysis from its notebook's name: ``01_quarterly_seizures`` is 1."""
    match = re.match(r"^(\d+)_", name)
    return int(match.group(1)) if match else None


def section_of(name: str) -> str:
    """The bulletin's section an analysis belongs to, by its number."""
    number = analysis_number(name)
    return SECTIONS.get(number, OTHER_SECTION) if number is not None else OTHER_SECTION


def describe_statuses(statuses: list[str]) -> str:
    """``official``, ``reconstructed``, ``official and reconstructed``... or ``not stated``."""
    statuses = order_statuses(statuses)
    return join_words(statuses) if statuses else "not stated"


def status_class(statuses: list[str]) -> str:
    """The CSS class of a set of statuses (one status, ``mixed`` or ``unknown``)."""
    if not statuses:
        return "unknown"
    return statuses[0] if len(set(statuses)) == 1 else "mixed"


def is_hidden(cell: nbformat.NotebookNode) -> bool:
    """Whether a cell is the analyst's only: the parameters, and those papermill injects."""
    return bool(HIDDEN_CELL_TAGS & set(cell.get("metadata", {}).get("tags", [])))


def is_chart(output: dict[str, Any]) -> bool:
    """Whether an output is a chart: a PNG, with its facts when ``finish_chart`` made it."""
    return "image/png" in output.get("data", {})


def is_table(output: dict[str, Any]) -> bool:
    """Whether an output is a table shown by ``report.show_table`` (it carries its facts)."""
    return TABLE_MIMETYPE in output.get("data", {})


def readers_outputs(nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """The outputs of the cells readers see, in reading order (the hidden cells' left out)."""
    return [
        output
        for cell in nb.cells
        if cell.cell_type == "code" and not is_hidden(cell)
        for output in cell.get("outputs", [])
    ]


def chart_of(output: dict[str, Any], number: int) -> dict[str, Any]:
    """What the page's facts keep of a chart: its number, title, source and statuses."""
    facts = output.get("data", {}).get(CHART_MIMETYPE) or {}
    return {
        "number": number,
        "title": facts.get("title") or "",
        "source": facts.get("source", ""),
        "status": facts.get("status", ""),
        "statuses": list(facts.get("statuses", [])),
    }


def table_of(output: dict[str, Any], number: int) -> dict[str, Any]:
    """What the page's facts keep of a table: its number, caption, note and statuses."""
    facts = output.get("data", {}).get(TABLE_MIMETYPE) or {}
    return {
        "number": number,
        "title": facts.get("caption", ""),
        "note": facts.get("note", ""),
        "statuses": list(facts.get("statuses", [])),
    }


class _Gathered:
    """The records, charts and tables of a notebook's outputs, in reading order."""

    def __init__(self) -> None:
        self.figure_statuses: set[str] = set()
        self.charts: list[dict[str, Any]] = []
        self.tables: list[dict[str, Any]] = []
        self.claims: list[dict[str, Any]] = []
        self.data: list[dict[str, Any]] = []
        self.main_points: list[dict[str, Any]] = []

    def add(self, output: dict[str, Any]) -> None:
        data = output.get("data", {})
        if FIGURE_MIMETYPE in data:
            self.figure_statuses |= split_statuses(str(data[FIGURE_MIMETYPE].get("status", "")))
        elif CLAIM_MIMETYPE in data:
            self.claims.append({k: data[CLAIM_MIMETYPE].get(k) for k in CLAIM_FIELDS})
        elif DATA_MIMETYPE in data:
            self.data.append(dict(data[DATA_MIMETYPE]))
        elif MAIN_POINT_MIMETYPE in data:
            self.main_points.append(dict(data[MAIN_POINT_MIMETYPE]))
        elif is_chart(output):
            self.charts.append(chart_of(output, len(self.charts) + 1))
        elif is_table(output):
            self.tables.append(table_of(output, len(self.tables) + 1))

    def statuses(self) -> list[str]:
        statuses = set(self.figure_statuses)
        for item in self.charts + self.tables:
            statuses |= set(item["statuses"])
        for record in self.data:
            statuses |= set(record.get("statuses", {}))
        return order_statuses(statuses)


def _issue_of(parameters: dict[str, Any]) -> str:
    try:
        return Quarter.parse(parameters["quarter"]).label if "quarter" in parameters else ""
    except ValueError:
        return ""


def page_facts(nb: nbformat.NotebookNode, name: str | None = None) -> dict[str, Any]:
    """What an executed notebook's page, and the front page, need to know of it.

    Args:
        nb: the executed notebook.
        name: the analysis's name (its notebook's file name without ``.ipynb``), which gives the
            page its section; default: papermill's record of the input path, if any.

    Returns:
        ``name``, ``issue``, ``section``, ``summary``, ``statuses`` (of all its data, in order of
        trust), ``charts`` and ``tables`` (numbered, with their titles, sources and statuses),
        ``claims`` and ``data`` (the records it made), and ``main_point``: the main point it
        stated (``report.main_point``; the first, if it stated several), or None.
    """
    gathered = _Gathered()
    for output in readers_outputs(nb):
        if output.get("output_type") in ("display_data", "execute_result"):
            gathered.add(output)
    papermill = nb.metadata.get("papermill", {})
    own = nb.metadata.get(METADATA_KEY, {})  # the engine's, or a notebook author's
    parameters = papermill.get("parameters") or own.get("parameters") or {}
    input_path = papermill.get("input_path") or ""
    name = name or (Path(input_path).stem if input_path else "")
    return {
        "name": name,
        "issue": _issue_of(parameters),
        "country": str(parameters.get("country") or ""),
        "section": own.get("section") or (section_of(name) if name else ""),
        "summary": notebook_summary(nb),
        "statuses": gathered.statuses(),
        "charts": gathered.charts,
        "tables": gathered.tables,
        "claims": gathered.claims,
        "data": gathered.data,
        "main_point": gathered.main_points[0] if gathered.main_points else None,
    }
