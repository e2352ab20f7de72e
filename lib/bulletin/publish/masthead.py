"""What every page of the issue shares: the bulletin's name, its publisher, the masthead, the stylesheet.

Both the analyses' pages (``bulletin.publish.pages``) and the front page
(``bulletin.publish.front_page``) take these from here, so neither imports the other for them.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core.periods import Quarter
from bulletin.publish.editions import edition_name, edition_span

if TYPE_CHECKING:
    import jinja2

TEMPLATES_DIR = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES_DIR / "bulletin" / "bulletin.css"
BULLETIN_TITLE = "Milestones"
PUBLISHER = "UNODC Regional Office for Central Asia"


@cache
def templates() -> jinja2.Environment:
    """The bulletin's page templates (front page, list of issues, print), escaped and strict.

    Made on first use: a warm render, which writes no page, does not import jinja2 (issue 18).
    """
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "bulletin"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def stylesheet() -> str:
    """The bulletin's stylesheet, embedded in every page."""
    return STYLESHEET.read_text(encoding="utf-8")


def issue_span(issue_label: str) -> str:
    """The masthead's line naming the publisher and the issue's months."""
    months = ""
    if issue_label:
        months = f" · {html.escape(Quarter.parse(issue_label).months)}"
    return f'<span class="issue">{html.escape(PUBLISHER)}{months}</span>'


def masthead_html(issue_label: str, section: str, country: str | None = None) -> str:
    """The top of a page: the bulletin's name (a link to the front page), the issue, the section.

    In a country's edition the name is followed by the edition's ("Milestones — Tajikistan
    edition").
    """
    section_html = f'\n<p class="section-title">{html.escape(section)}</p>' if section else ""
    return (
        '<header class="masthead">\n'
        f'<p><a class="brand" href="index.html">{html.escape(BULLETIN_TITLE)}</a>'
        f"{edition_span(country)} "
        f"{issue_span(issue_label)}</p>"
        f"{section_html}\n</header>"
    )


BRAND = re.compile(r'(<a class="brand" href="index.html">[^<]*</a>)(?:<span class="edition">[^<]*</span>)?')
PAGE_TITLE = re.compile(r"<title>(.*?)(?: — [^<—]* edition)?</title>", re.S)


def stamp_edition(page: str, country: str | None) -> str:
    """A page made with the masthead and title of the edition of ``country`` (None: the region).

    A page of an analysis that declares no ``country`` is the region's in every edition; each
    edition publishes it under its own masthead ("Milestones — Tajikistan edition") and title.
    """
    page = BRAND.sub(lambda found: found.group(1) + edition_span(country), page, count=1)
    suffix = f" — {html.escape(edition_name(country))}" if country else ""
    return PAGE_TITLE.sub(lambda found: f"<title>{found.group(1)}{suffix}</title>", page, count=1)


ISSUE_SPAN = re.compile(r'<span class="issue">.*?</span>', re.S)
MADE_BY = re.compile(r'<p class="made-by">.*?</p>', re.S)


def restamp_issue(page: str, issue_label: str, footer: str) -> str:
    """An analysis's page made for another issue, with this issue's masthead line and footer.

    In a batch, a notebook that shows the same data for two issues runs once
    (:mod:`bulletin.render.sharing`); its page differs between them only in these two places.
    """
    page = ISSUE_SPAN.sub(lambda _: issue_span(issue_label), page, count=1)
    return MADE_BY.sub(lambda _: f'<p class="made-by">{footer}</p>', page, count=1)
