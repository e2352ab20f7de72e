"""What every page of the issue shares: the bulletin's name, its publisher, the masthead, the stylesheet.

Both the analyses' pages (``bulletin.publish.pages``) and the front page
(``bulletin.publish.front_page``) take these from here, so neither imports the other for them.
"""

from __future__ import annotations

import html
from pathlib import Path

from bulletin.core.periods import Quarter

TEMPLATES_DIR = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES_DIR / "bulletin" / "bulletin.css"
BULLETIN_TITLE = "Milestones"
PUBLISHER = "UNODC Regional Office for Central Asia"


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
