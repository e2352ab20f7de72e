"""What every page of the issue shares: the bulletin's name, its publisher, the masthead, the stylesheet.

Both the analyses' pages (``bulletin.publish.pages``) and the front page
(``bulletin.publish.front_page``) take these from here, so neither imports the other for them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from bulletin.core.periods import Quarter

TEMPLATES_DIR = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES_DIR / "bulletin" / "bulletin.css"
BULLETIN_TITLE = "Milestones"
PUBLISHER = "UNODC Regional Office for Central Asia"


def stylesheet() -> str:
    """The bulletin's stylesheet, embedded in every page."""
    return STYLESHEET.read_text(encoding="utf-8")


def issue_span(issue_label: str) -> str:
    """The masthead's line naming the publisher and the issue's months."""
    months = ""
    if issue_label:
        months = f" · {html.escape(Quarter.parse(issue_label).months)}"
    return f'<span class="issue">{html.escape(PUBLISHER)}{months}</span>'


def masthead_html(issue_label: str, section: str) -> str:
    """The top of a page: the bulletin's name (a link to the front page), the issue, the section."""
    section_html = f'\n<p class="section-title">{html.escape(section)}</p>' if section else ""
    return (
        '<header class="masthead">\n'
        f'<p><a class="brand" href="index.html">{html.escape(BULLETIN_TITLE)}</a> '
        f"{issue_span(issue_label)}</p>"
        f"{section_html}\n</header>"
    )


ISSUE_SPAN = re.compile(r'<span class="issue">.*?</span>', re.S)
MADE_BY = re.compile(r'<p class="made-by">.*?</p>', re.S)


def restamp_issue(page: str, issue_label: str, footer: str) -> str:
    """An analysis's page made for another issue, with this issue's masthead line and footer.

    In a batch, a notebook that shows the same data for two issues runs once
    (:mod:`bulletin.render.sharing`); its page differs between them only in these two places.
    """
    page = ISSUE_SPAN.sub(lambda _: issue_span(issue_label), page, count=1)
    return MADE_BY.sub(lambda _: f'<p class="made-by">{footer}</p>', page, count=1)
