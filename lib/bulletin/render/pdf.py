"""A published issue as one PDF, printed by headless Chromium: ``milestones-<issue>.pdf``.

``bulletin render --pdf`` and ``bulletin pdf`` call :func:`write_pdfs`. For each issue folder:

1. **Take the pages apart.** Chromium opens the front page and every analysis page from disk and
   takes out what a printed page shows: the masthead, the content, the sources; not the navigation,
   download links, anchors or scripts. Every id is prefixed with its page's name (charts drawn as
   SVG carry ids of their own: two pages' ``clip-path: url(#p1)`` must not meet in one document),
   and links between the pages become links inside the PDF; links to other files (CSV) are left as
   their text.
2. **Assemble** one document (``bulletin.publish.print_issue``): cover, contents, the rest of the
   front page, each analysis from a new page. A table wider than the column is scaled down to fit
   (CSS ``zoom``, measured at the print width), never cut off.
3. **Print twice.** The first print leaves the contents' page numbers blank; the page each entry
   starts on is read back from the PDF's named destinations (Chromium makes one for each link's
   target) with pypdf, filled in, and the document printed again, until the numbers hold (they do
   on the second print: the numbers sit in a column of fixed width and move nothing). The PDF is
   A4, tagged (text selectable, searchable and read aloud in order), with bookmarks from the
   headings; charts drawn as SVG stay vectors.
4. **Publish** it in the issue folder in one step (``bulletin.core.files.write_atomic``), under
   the edition's lock, listed in the folder's marker first, so that the next render replaces it
   with the rest of the folder (a render without ``--pdf`` leaves no PDF, rather than an old one).

Chromium is Debian's ``chromium`` (``make browser``), driven by Playwright through its executable
path, as the browser tests drive it (``$BULLETIN_CHROMIUM`` names another); without it, or without
Playwright or pypdf, :class:`PdfUnavailableError` says what to install.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulletin.core.files import write_atomic
from bulletin.publish.print_issue import (
    AnalysisPart,
    ContentsEntry,
    ContentsGroup,
    FrontPart,
    contents_anchors,
    print_document,
)
from bulletin.render.folders import MARKER, add_to_marker, edition_lock, read_marker

log = logging.getLogger(__name__)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FRONT_PAGE = "index.html"
ANALYSIS_PAGE = re.compile(r"^\d+_\w+\.html$")
PRINT_WIDTH_PX = 665
"""The text column of the A4 page in CSS pixels (210 mm less 2 x 17 mm margins), where tables are
measured before printing."""
MAX_PRINTS = 3


class PdfUnavailableError(RuntimeError):
    """The PDF cannot be made on this machine: Chromium, Playwright or pypdf is missing."""


class PdfError(RuntimeError):
    """An issue folder that cannot be printed (not a published issue, a page missing, ...)."""


@dataclass(frozen=True)
class PdfResult:
    """A PDF written: where, its pages, the page of each contents entry, and how long it took."""

    path: Path
    pages: int
    contents: dict[str, int]
    seconds: float


def pdf_name(edition: str) -> str:
    """The PDF's file name for an edition's label.

    >>> pdf_name("2017-Q2"), pdf_name("2017-Q2 KGZ")
    ('milestones-2017-Q2.pdf', 'milestones-2017-Q2-KGZ.pdf')
    """
    return f"milestones-{edition.replace(' ', '-')}.pdf"


def find_chromium() -> Path:
    """Chromium's executable (``$BULLETIN_CHROMIUM``, else Debian's), or a clear error.

    Raises:
        PdfUnavailableError: no Chromium, Playwright or pypdf; the message says how to install it.
    """
    given = os.environ.get("BULLETIN_CHROMIUM")
    path = Path(given) if given else CHROMIUM
    if not path.exists() and not given:
        found = shutil.which("chromium") or shutil.which("chromium-browser")
        path = Path(found) if found else path
    if not path.exists():
        raise PdfUnavailableError(
            f"no Chromium at {path}: install it with `make browser` (Debian's chromium package), "
            "or name it with BULLETIN_CHROMIUM=/path/to/chromium"
        )
    for module in ("playwright", "pypdf"):
        try:
            __import__(module)
        except ImportError:
            raise PdfUnavailableError(
                f"making the PDF needs {module}, which is not installed: pip install -e '.[dev]' "
                "(make venv does)"
            ) from None
    return path


@contextmanager
def chromium_browser(chromium: Path | None = None) -> Iterator[Any]:
    """A headless Chromium (Playwright's ``Browser``), closed on leaving."""
    executable = chromium or find_chromium()
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(executable), args=CHROMIUM_ARGS, headless=True
            )
        except PlaywrightError as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else "no message"
            raise PdfUnavailableError(f"Chromium ({executable}) did not start: {first}") from None
        try:
            yield browser
        finally:
            browser.close()


def write_pdfs(folders: list[Path], chromium: Path | None = None) -> list[PdfResult]:
    """Print each published issue folder to its PDF, with one browser for all.

    Raises:
        PdfUnavailableError: Chromium, Playwright or pypdf is missing.
        PdfError: a folder is not a published issue, or a page cannot be read.
    """
    for folder in folders:
        _edition(folder)  # every folder checked before the browser starts
    with chromium_browser(chromium) as browser:
        return [write_pdf(folder, browser) for folder in folders]


def write_pdf(folder: Path, browser: Any) -> PdfResult:
    """Print one published issue folder to ``milestones-<issue>.pdf`` inside it."""
    started = time.perf_counter()
    folder = folder.resolve()
    with edition_lock(folder):
        edition = _edition(folder)
        pages = _pages(folder)
        context = browser.new_context(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
        try:
            context.route("**/*", _local_only)
            page = context.new_page()
            front, contents, analyses, styles = _take_apart(page, folder, pages)
            pdf, numbers = _print(page, folder, front, contents, analyses, styles, edition)
        finally:
            context.close()
        target = folder / pdf_name(edition)
        add_to_marker(folder, target.name)
        write_atomic(target, pdf)
    count = _page_count(pdf)
    seconds = time.perf_counter() - started
    log.debug("%s: %d A4 pages in %.1f s", target, count, seconds)
    return PdfResult(target, count, numbers, seconds)


def _edition(folder: Path) -> str:
    marker = read_marker(folder)
    if marker is None:
        raise PdfError(
            f"{folder} is not an issue published by bulletin render (no {MARKER}): render it "
            "first (bulletin render --quarter ... --pdf)"
        )
    if FRONT_PAGE not in marker["entries"] or not (folder / FRONT_PAGE).is_file():
        raise PdfError(f"{folder} has no front page ({FRONT_PAGE}): render the issue again")
    return marker["edition"]


def _pages(folder: Path) -> list[str]:
    """The pages of the issue: the front page, then the analyses' in the issue's order."""
    marker = read_marker(folder) or {"entries": []}
    names = sorted(n for n in marker["entries"] if ANALYSIS_PAGE.match(n))
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise PdfError(f"{folder}: {', '.join(missing)} listed but missing: render the issue again")
    return [FRONT_PAGE, *names]


def _local_only(route: Any) -> None:
    """Let the pages read files and data: URIs, nothing from the network."""
    if route.request.url.startswith(("file:", "data:", "about:", "blob:")):
        route.continue_()
    else:
        route.abort()


def _take_apart(
    page: Any, folder: Path, pages: list[str]
) -> tuple[FrontPart, list[ContentsGroup], list[AnalysisPart], list[str]]:
    """Open every page and take out its printable parts (see the module's docstring, step 1)."""
    styles: list[str] = []
    parts: dict[str, dict[str, Any]] = {}
    for name in pages:
        path = folder / name
        response = page.goto(path.as_uri(), wait_until="load")
        if response is not None and not response.ok:
            raise PdfError(f"{path} could not be opened ({response.status})")
        taken = page.evaluate(TAKE_APART_JS, {"pages": pages, "front": name == FRONT_PAGE})
        if taken is None:
            raise PdfError(f"{path} has no <main> content: is it a page bulletin render made?")
        styles.extend(taken["styles"])
        parts[name] = taken
    front_taken = parts.pop(FRONT_PAGE)
    front = FrontPart(
        title=front_taken["title"],
        masthead=front_taken["masthead"],
        cover=front_taken["cover"],
        rest=front_taken["rest"],
        colophon=front_taken["colophon"],
    )
    listed = [e["anchor"] for g in front_taken["groups"] for e in g["entries"]]
    order = [n for n in (f"{a}.html" for a in listed) if n in parts]
    order += [n for n in parts if n not in order]
    groups = [ContentsGroup("", tuple(ContentsEntry(**e) for e in front_taken["sections"]))]
    groups += [
        ContentsGroup(g["title"], tuple(ContentsEntry(**e) for e in g["entries"]))
        for g in front_taken["groups"]
    ]
    unlisted = [n for n in order if n.removesuffix(".html") not in listed]
    if unlisted:
        groups.append(ContentsGroup("Other analyses", tuple(
            ContentsEntry(parts[n]["title"], n.removesuffix(".html")) for n in unlisted
        )))
    analyses = [
        AnalysisPart(n.removesuffix(".html"), parts[n]["kicker"], parts[n]["content"],
                     parts[n]["sources"])
        for n in order
    ]
    return front, groups, analyses, styles


def _print(
    page: Any,
    folder: Path,
    front: FrontPart,
    contents: list[ContentsGroup],
    analyses: list[AnalysisPart],
    styles: list[str],
    edition: str,
) -> tuple[bytes, dict[str, int]]:
    """Print until the contents' page numbers are the pages their entries start on."""
    anchors = contents_anchors(contents)
    numbers: dict[str, int] | None = None
    page.emulate_media(media="print")
    with tempfile.TemporaryDirectory(prefix="bulletin-pdf-") as temp:
        document = Path(temp) / "issue.html"
        for _ in range(MAX_PRINTS):
            html = print_document(
                front, contents, analyses, edition, numbers,
                styles=styles, base_href=folder.as_uri() + "/",
            )
            document.write_text(html, encoding="utf-8")
            page.goto(document.as_uri(), wait_until="load")
            scaled = page.evaluate(FIT_TABLES_JS)
            if scaled:
                log.debug("%s: %d table(s) scaled down to the page's width", folder, scaled)
            pdf = page.pdf(prefer_css_page_size=True, print_background=True, outline=True,
                           tagged=True)
            found = _destination_pages(pdf, anchors)
            if found == numbers:
                return pdf, found
            numbers = found
    raise PdfError(
        f"{folder}: the contents' page numbers did not settle after {MAX_PRINTS} prints"
    )


def _destination_pages(pdf: bytes, anchors: list[str]) -> dict[str, int]:
    """The page (1-based) each anchor starts on, from the PDF's named destinations."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = {}
    for name, destination in reader.named_destinations.items():
        anchor = name.removeprefix("/")
        if anchor in anchors:
            found[anchor] = reader.get_destination_page_number(destination) + 1
    missing = [a for a in anchors if a not in found]
    if missing:
        raise PdfError(f"the printed document has no destination for {', '.join(missing)}")
    return found


def _page_count(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


TAKE_APART_JS = r"""
({pages, front}) => {
  const anchorOf = (name) => name.replace(/\.html$/, '');
  const prefix = anchorOf(front ? 'index.html' : location.pathname.split('/').pop()) + '--';
  const body = document.body;
  const main = body.querySelector('main');
  if (!main) return null;
  body.querySelectorAll('script, noscript, template, nav, .bulletin-download, a.anchor-link, '
    + '.jp-Collapser, .made-by-link, [data-print="skip"]').forEach(e => e.remove());
  body.querySelectorAll('details').forEach(d => { d.open = true; });
  const ids = new Map();
  body.querySelectorAll('[id]').forEach(e => { ids.set(e.id, prefix + e.id); e.id = prefix + e.id; });
  const urlRef = /url\(\s*(['"]?)#([^'")]+)\1\s*\)/g;
  const fixUrls = (text) => text.replace(urlRef, (m, q, id) => ids.has(id) ? `url(#${ids.get(id)})` : m);
  const idLists = ['aria-labelledby', 'aria-describedby', 'aria-controls', 'for', 'headers'];
  for (const e of body.querySelectorAll('*')) {
    for (const attr of Array.from(e.attributes)) {
      if (idLists.includes(attr.name)) {
        attr.value = attr.value.split(/\s+/).map(id => ids.get(id) || id).join(' ');
      } else if (attr.name !== 'href' && attr.name !== 'xlink:href' && attr.value.includes('url(')) {
        attr.value = fixUrls(attr.value);
      }
    }
    if (e.localName === 'style' && e.textContent.includes('url(')) e.textContent = fixUrls(e.textContent);
  }
  for (const e of Array.from(body.querySelectorAll('[href], [*|href]'))) {
    const attr = e.getAttributeNode('href') || e.attributes.getNamedItem('xlink:href');
    if (!attr) continue;
    const value = attr.value;
    if (value.startsWith('#')) {
      const id = ids.get(decodeURIComponent(value.slice(1)));
      if (id) attr.value = '#' + id;
      continue;
    }
    const [path, hash] = value.split('#');
    if (e.localName === 'a' && pages.includes(path)) {
      attr.value = '#' + anchorOf(path) + (hash ? '--' + decodeURIComponent(hash) : '');
      continue;
    }
    if (/^(https?|mailto):/i.test(value)) continue;
    if (e.localName === 'a') e.replaceWith(...e.childNodes);
  }
  const styles = Array.from(document.head.querySelectorAll('style')).map(s => s.textContent);
  const text = (sel) => (body.querySelector(sel)?.textContent || '').trim().replace(/\s+/g, ' ');
  const footer = body.querySelector('footer.bulletin-footer');
  if (!front) {
    footer?.querySelectorAll('.made-by').forEach(e => e.remove());
    return {
      title: text('main h1') || document.title, kicker: text('header.masthead .section-title'),
      content: main.innerHTML, sources: footer ? footer.innerHTML.trim() : '', styles,
    };
  }
  const groups = [];
  const contents = main.querySelector('section.contents');
  for (const child of Array.from(contents ? contents.children : [])) {
    if (child.localName === 'h3') groups.push({title: child.textContent.trim(), entries: []});
    if (child.localName !== 'ol') continue;
    if (!groups.length) groups.push({title: '', entries: []});
    for (const li of Array.from(child.querySelectorAll(':scope > li'))) {
      const link = li.querySelector('a.analysis-title');
      if (!link || !link.getAttribute('href')?.startsWith('#')) continue;
      groups[groups.length - 1].entries.push({
        title: link.textContent.trim(), anchor: link.getAttribute('href').slice(1),
        number: li.getAttribute('value') || '',
      });
    }
  }
  contents?.remove();
  const onCover = Array.from(main.querySelectorAll(':scope > .edition-lead, :scope > .main-points'));
  const rest = Array.from(main.children).filter(e => !onCover.includes(e));
  const sections = rest.filter(e => e.querySelector(':scope > h2[id]')).map(e => {
    const h2 = e.querySelector(':scope > h2[id]');
    return {title: h2.textContent.trim(), anchor: h2.id, number: ''};
  });
  return {
    title: document.title, masthead: body.querySelector('header.masthead')?.outerHTML || '',
    cover: onCover.map(e => e.outerHTML).join('\n'), rest: rest.map(e => e.outerHTML).join('\n'),
    colophon: footer ? footer.innerHTML.trim() : '', groups, sections, styles,
  };
}
"""
"""Takes a page of the issue apart in the browser (step 1 of the module's docstring)."""

FIT_TABLES_JS = r"""
() => {
  let scaled = 0;
  for (const table of document.querySelectorAll('section table')) {
    const column = table.closest('section').clientWidth;
    const needed = table.scrollWidth;
    if (needed > column + 1) {
      table.style.zoom = Math.max(column / needed, 0.5).toFixed(3);
      scaled += 1;
    }
  }
  return scaled;
}
"""
"""Scales down every table wider than the text column, as measured at the print width."""
