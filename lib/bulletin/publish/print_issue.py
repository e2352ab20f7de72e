"""The issue as one printable document: the front page, a contents list, then every analysis.

``bulletin render --pdf`` prints it to ``milestones-<issue>.pdf`` (``bulletin.render.pdf`` drives the
browser). This module only assembles the HTML, from the parts the browser took out of the issue's
pages (each page's content without its navigation, download links and other screen-only parts, its
ids prefixed so that the pages cannot clash in one document):

- a cover: the front page's masthead, its lead and main points;
- the contents, with the page each entry starts on once it is known (:func:`print_document` is
  called a second time with the numbers read back from the first print) and links to each, and
  the front page's footer (the data's status, what made the issue);
- the rest of the front page ("Since the last issue", the statements checked, "About the data");
- every analysis on a new page, under the bulletin's section it belongs to, with its sources.

The page is A4 with a running header (the issue) and page numbers, in CSS paged media
(``@page`` margin boxes: Chromium draws them, the first page without), styled by the pages' own
stylesheet and ``templates/bulletin/print.css``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.publish.masthead import TEMPLATES_DIR, templates

PRINT_STYLESHEET = TEMPLATES_DIR / "bulletin" / "print.css"
PRINT_TEMPLATE = "print.html.j2"
COVER_ID = "index"
CONTENTS_ID = "print-contents"


@dataclass(frozen=True)
class ContentsEntry:
    """One line of the contents: what it names, where it starts (an element's id) and its number."""

    title: str
    anchor: str
    number: str = ""


@dataclass(frozen=True)
class ContentsGroup:
    """Entries under one heading of the contents (no heading: the front page's own sections)."""

    title: str
    entries: tuple[ContentsEntry, ...]


@dataclass(frozen=True)
class AnalysisPart:
    """One analysis page, as printed: its anchor, the bulletin's section, its content and sources."""

    anchor: str
    kicker: str
    content: str
    sources: str = ""


@dataclass(frozen=True)
class FrontPart:
    """The front page, as printed: cover (masthead, lead, main points), other sections, footer."""

    title: str
    masthead: str
    cover: str
    rest: str
    colophon: str = ""


def css_string(text: str) -> str:
    r"""``text`` as a CSS string literal (for ``content:`` in the running header).

    >>> print(css_string('Milestones — April-June 2017 "Q2"'))
    "Milestones \2014  April-June 2017 \22 Q2\22 "
    """
    out = []
    for char in text:
        if char.isascii() and char.isprintable() and char not in '"\\':
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'


def running_header(front_title: str, issue_label: str) -> str:
    """The text at the top of every page but the cover: the bulletin, edition, months and issue.

    >>> running_header("Milestones — April-June 2017", "2017-Q2")
    'Milestones — April-June 2017 · issue 2017-Q2'
    """
    return f"{front_title} · issue {issue_label}"


def print_document(
    front: FrontPart,
    contents: list[ContentsGroup],
    analyses: list[AnalysisPart],
    issue_label: str,
    page_numbers: dict[str, int] | None = None,
    *,
    styles: tuple[str, ...] | list[str] = (),
    base_href: str = "",
) -> str:
    """The whole issue as one HTML document to print on A4.

    Args:
        front: the front page's parts.
        contents: the contents list, in the issue's order.
        analyses: the analyses' parts, in the issue's order.
        issue_label: the edition's label for the running header (``2017-Q2``, ``2017-Q2 KGZ``).
        page_numbers: the page (1-based) each contents anchor starts on; None on the first print,
            which leaves every number blank in a column of fixed width, so that filling them in
            moves nothing.
        styles: the pages' own stylesheets (each one once, in order).
        base_href: the URI of the issue folder, so that anything a page refers to by a relative
            address (an image file) is found.

    Returns:
        The document's HTML.
    """
    header = running_header(front.title, issue_label)
    return templates().get_template(PRINT_TEMPLATE).render(
        title=header,
        header_css=css_string(header),
        base_href=base_href,
        styles=list(dict.fromkeys(styles)),
        print_css=PRINT_STYLESHEET.read_text(encoding="utf-8"),
        front=front,
        contents=contents,
        pages=page_numbers or {},
        analyses=analyses,
        cover_id=COVER_ID,
        contents_id=CONTENTS_ID,
    )


def contents_anchors(contents: list[ContentsGroup]) -> list[str]:
    """Every anchor the contents list points at, in order."""
    return [entry.anchor for group in contents for entry in group.entries]
