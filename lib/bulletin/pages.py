"""What readers see: each analysis as a standalone HTML page, and the issue's front page.

The renderer (``bulletin.render``) executes the notebooks; this module turns an executed notebook
into a page (no code, prompts or parameters; charts embedded; nothing fetched from the network)
and writes the front page from the rendered analyses.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

import bulletin
from bulletin.periods import Quarter
from bulletin.report import RECORD_MIMETYPES

TEMPLATES_DIR = Path(__file__).parent / "templates"
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters"}
BULLETIN_TITLE = "Milestones"
PUBLISHER = "UNODC Regional Office for Central Asia"


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first Markdown heading of a notebook, or ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    return fallback


def prepare_for_readers(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of an executed notebook with what readers must not see taken out.

    Parameter cells go entirely; so do record outputs (they go to the JSON files), and text sent
    to stderr (warnings and logs are for the analyst, not the reader).
    """
    clean = nbformat.from_dict(json.loads(json.dumps(nb)))
    cells = []
    for cell in clean.cells:
        if HIDDEN_CELL_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                output
                for output in cell.outputs
                if not (output.get("output_type") == "stream" and output.get("name") == "stderr")
                and not (set(output.get("data", {})) & set(RECORD_MIMETYPES))
            ]
        cells.append(cell)
    clean.cells = cells
    return clean


def export_html(nb: nbformat.NotebookNode, title: str, nav: str, footer: str) -> str:
    """Export a notebook to one standalone HTML page, inputs and prompts hidden."""
    exporter = HTMLExporter(
        template_name="bulletin",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(
        nb, resources={"bulletin_nav": nav, "bulletin_footer": footer}
    )
    return body


def index_page(issue: Quarter, rendered: list, footer: str) -> str:
    """The issue's front page: its title and a link to each analysis."""
    title = f"{BULLETIN_TITLE} — {issue.months}"
    items = "\n".join(
        f'<li><a href="{html.escape(n.html_name)}">{html.escape(n.title)}</a></li>'
        for n in rendered
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
  footer {{ margin-top: 2rem; border-top: 1px solid #ccc; padding-top: .5rem; font-size: .85em; color: #333; }}
</style>
</head>
<body>
<header>
<p>{html.escape(PUBLISHER)} · quarterly bulletin, issue {html.escape(issue.label)}</p>
<h1>{html.escape(title)}</h1>
</header>
<main>
<h2>Contents</h2>
<ol>
{items}
</ol>
</main>
<footer>{footer}</footer>
</body>
</html>
"""


def page_footer(issue: Quarter, data_dir: Path) -> str:
    """The footer of every page: which issue, which data folder and project version, and when."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Issue {html.escape(issue.label)} · rendered from the tables in "
        f"<code>{html.escape(data_dir.name)}/</code> by bulletin {html.escape(bulletin.__version__)} "
        f"on {stamp}."
    )
