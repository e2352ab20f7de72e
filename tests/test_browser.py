"""The rendered 2017-Q2 issue in a real browser: headless Chromium driven by Playwright.

Chromium is Debian's ``chromium`` package (``make browser`` installs it; ``.ci/run`` does in CI);
Playwright only drives it through its executable path and never downloads a browser. Without
Chromium these tests skip, saying so.

Every page is opened from disk with every request that is not ``file:`` or ``data:`` aborted and
recorded, so a page that would reach the network fails. Screenshots of the front page and of the
first analysis are saved to ``reports/screenshots/`` (or ``$BULLETIN_SCREENSHOTS``) for people to
look at; the paths are printed. ``BULLETIN_BROWSER_ISSUE=reports/2017-Q2`` checks an issue already
rendered instead of rendering one.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

from bulletin.core.paths import DATA_DIR, REPORTS_DIR
from bulletin.publish import main_points, page_facts
from bulletin.render.pdf import CHROMIUM_ARGS  # the flags the PDF prints with: no network, no sync

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("BULLETIN_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(os.environ.get("BULLETIN_SCREENSHOTS", REPORTS_DIR / "screenshots"))
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
# Text that only code, prompts, parameters, reprs or tracebacks would put on a page.
CODE_TEXT = re.compile(
    r"^\s*(import \w|from \w[\w.]* import )|load_table\(|\bdef \w+\(|In \[\d*\]|Out\[\d*\]"
    r"|Traceback|<Figure size|<Axes|data_dir|quarter: str|report\.show_|charts\.\w+\(|Warning:",
    re.MULTILINE,
)

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
)
if not CHROMIUM.exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: run `make browser` (installs Debian's chromium package) "
        "to run the browser tests",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def issue(request: pytest.FixtureRequest) -> Path:
    """The issue under test: the shipped 2017-Q2 render, or $BULLETIN_BROWSER_ISSUE."""
    given = os.environ.get("BULLETIN_BROWSER_ISSUE")
    if given:
        return Path(given).resolve()
    return request.getfixturevalue("rendered_2017q2")


@pytest.fixture(scope="module")
def browser(issue: Path):
    # The issue is rendered before the browser starts: Playwright's sync API runs an event loop
    # of its own, in which the render engine could not run its own.
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class _Tab:
    """One browser page at one width, that a test's visits navigate in turn.

    A new context and page for each visit started a renderer process each time: three quarters
    of the Chromium time of these tests. The pages run no script (see
    :func:`test_no_code_text_on_any_page`), so a page leaves nothing behind for the next one.
    """

    def __init__(self, browser, width: int) -> None:
        self.current: Visit | None = None
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self._visit().errors.append(f"page error: {error}"))
        self.page.on("request", self._request)
        self.page.on("dialog", self._dialog)

    def _visit(self) -> Visit:
        assert self.current is not None, "an event before any visit"
        return self.current

    def _route(self, route) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            self._visit().outgoing.append(route.request.url)
            route.abort()

    def _request(self, request) -> None:
        if request.url.startswith(LOCAL_SCHEMES):
            return
        outgoing = self._visit().outgoing
        if request.url not in outgoing:
            outgoing.append(request.url)

    def _console(self, message) -> None:
        if message.type == "error":
            self._visit().errors.append(f"console error: {message.text}")

    def _dialog(self, dialog) -> None:
        self._visit().dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


class Visit:
    """A page opened from disk, with what went wrong while it loaded.

    Its :class:`_Tab` serves the next visit at the same width: a visit's page is only good until
    then.
    """

    def __init__(self, tab: _Tab, path: Path) -> None:
        self.errors: list[str] = []
        self.outgoing: list[str] = []
        self.dialogs: list[str] = []
        self._tab = tab
        tab.current = self
        tab.page.emulate_media(media="null")  # as a new page: no print emulation left over
        self.response = tab.page.goto(path.as_uri(), wait_until="load")

    @property
    def page(self):
        assert self._tab.current is self, "a later visit at this width has navigated this page away"
        return self._tab.page

    def close(self) -> None:
        """Nothing to close: the test's tabs are closed when it ends."""


@pytest.fixture
def visit(browser):
    tabs: dict[int, _Tab] = {}

    def open_page(path: Path, width: int = 1200) -> Visit:
        if width not in tabs:
            tabs[width] = _Tab(browser, width)
        return Visit(tabs[width], path)

    yield open_page
    for tab in tabs.values():
        tab.close()


def _pages(issue: Path) -> list[Path]:
    return [issue / "index.html", *sorted(issue.glob("[0-9][0-9]_*.html"))]


def _analyses(issue: Path) -> list[Path]:
    return sorted(issue.glob("[0-9][0-9]_*.html"))


def test_every_page_loads_with_no_console_error_and_no_request_leaving_the_machine(issue, visit):
    assert _analyses(issue), f"no analysis pages in {issue}"
    for path in _pages(issue):
        opened = visit(path)
        assert opened.response is not None and opened.response.ok, path.name
        assert opened.errors == [], f"{path.name}: {opened.errors}"
        assert opened.outgoing == [], f"{path.name} reached the network: {opened.outgoing}"
        assert opened.dialogs == [], f"{path.name} opened a dialog: {opened.dialogs}"
        assert opened.page.title().strip(), f"{path.name} has no title"


def test_every_link_on_the_front_page_leads_to_a_page_that_exists(issue, visit):
    front = visit(issue / "index.html")
    hrefs = front.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert hrefs, "the front page has no links"
    targets: dict[Path, str] = {}  # each page linked, opened once (a page is linked many times)
    for href in hrefs:
        url = urlparse(href)
        assert url.scheme == "file", f"the front page links outside the issue: {href}"
        target = Path(unquote(url.path))
        assert target.is_file(), f"the front page links to a missing page: {href}"
        targets.setdefault(target, href)
    linked = {target.name for target in targets}
    for target, href in targets.items():
        opened = visit(target)
        assert opened.response.ok and opened.errors == [], href
        opened.close()
    missing = {p.name for p in _analyses(issue)} - linked
    assert not missing, f"analyses not on the front page: {sorted(missing)}"


def test_front_page_gives_each_analysis_its_summary_and_data_status(issue, visit):
    page = visit(issue / "index.html").page
    entries = page.locator("ol.analyses > li")
    assert entries.count() == len(_analyses(issue))
    for index in range(entries.count()):
        entry = entries.nth(index)
        name = entry.get_attribute("data-analysis")
        # The summary is read from the executed notebook: the renderer must give index_page the
        # folder it renders into (issue_dir=...), see bulletin.publish.pages.index_page.
        assert entry.locator(".summary").count() == 1, f"{name}: no one-line summary"
        assert len(entry.locator(".summary").inner_text()) > 20, name
        status = entry.locator(".data-status .status").inner_text()
        assert status in ("official", "stated", "reconstructed", "estimate", "no data") or (
            " and " in status), (name, status)


# Words of a text alternative that describe the drawing, not what it shows (issue 17).
DRAWING_WORDS = re.compile(r"\b(Bar chart|Line chart|values from|series \d)\b|\d{4}\.\d")


def _download(page_path: Path, link) -> Path:
    href = link.get_attribute("href") or ""
    assert href.startswith("downloads/") and link.get_attribute("download") is not None, href
    target = page_path.parent / unquote(href)
    assert target.is_file(), f"{page_path.name}: {href} is not beside the page"
    return target


def test_every_chart_is_sharp_numbered_described_and_downloadable(issue, visit):
    """Vector charts, their alt text saying what they show, PNG/SVG/CSV files one click away."""
    charts_seen = 0
    for path in _analyses(issue):
        page = visit(path).page
        charts = page.locator("figure.bulletin-chart")
        for index in range(charts.count()):
            chart, where = charts.nth(index), f"{path.name} figure {index + 1}"
            picture = chart.locator("svg").first
            assert picture.is_visible(), f"{where} is not visible"
            box = picture.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 50, (where, box)
            assert picture.get_attribute("role") == "img", where
            label = picture.get_attribute("aria-labelledby")
            alt = page.locator(f"[id='{label}']").text_content() or ""
            assert len(alt) > 40 and not DRAWING_WORDS.search(alt), (where, alt)
            assert re.search(r"largest|heaviest", alt, re.I), (where, alt)  # its extremes
            caption = chart.locator("figcaption").inner_text()
            assert caption.strip() == f"Figure {index + 1}", (where, caption)
            files = {}
            for kind in ("PNG", "SVG", "CSV"):
                link = chart.locator("a[download]", has_text=kind)
                assert link.count() == 1 and link.is_visible(), f"{where}: no {kind} link"
                files[kind] = _download(path, link)
            png = files["PNG"].read_bytes()
            width = int.from_bytes(png[16:20], "big")
            drawn = float(picture.get_attribute("width"))
            assert png[:4] == b"\x89PNG" and width >= 1.9 * drawn, (where, width, drawn)
            assert files["SVG"].read_text().lstrip().startswith("<?xml"), where
            header = files["CSV"].read_text().splitlines()[0]
            assert "source" not in header.split(",") or "," in header, where
            charts_seen += 1
        # Any picture on a page is a chart the page numbered and described.
        assert page.locator("img").count() == 0, path.name
        assert page.locator("main svg[role=img], body > * svg[role=img]").count() >= charts.count()
        tables = page.locator("figure.bulletin-table")
        for index in range(tables.count()):
            table = tables.nth(index)
            assert table.locator("thead th").count() > 0, f"{path.name}: table without headers"
            assert table.locator("figcaption").inner_text().startswith(f"Table {index + 1}.")
            _download(path, table.locator("a[download]", has_text="CSV"))
    assert charts_seen > 0, "no chart in the whole issue"


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')}`)"""


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_core_finds_no_serious_or_critical_violation_on_any_page(issue, visit, width):
    """axe-core (vendored from npm, tests/vendor/axe-core) on every page, desktop and phone."""
    found = []
    for path in _pages(issue):
        page = visit(path, width=width).page
        page.add_script_tag(path=str(AXE))
        found += [f"{path.name}: {v}" for v in page.evaluate(AXE_RUN)]
    assert not found, "\n".join(found)


# For every table: its width, the width of the box it sits in, the first box around it that
# scrolls sideways, any box around it that cuts off what overflows, and whether its first column
# stays in view (sticky) while the rest scrolls.
TABLE_FIT = """() => [...document.querySelectorAll('table.bulletin-table')].map(table => {
  const width = table.getBoundingClientRect().width;
  let scroller = null, clipped = null;
  for (let box = table.parentElement; box && box !== document.documentElement; box = box.parentElement) {
    const overflow = getComputedStyle(box).overflowX;
    const boxWidth = box.getBoundingClientRect().width;
    if (!scroller && (overflow === 'auto' || overflow === 'scroll')) scroller = boxWidth;
    if (!scroller && (overflow === 'hidden' || overflow === 'clip') && width > boxWidth + 1) clipped = boxWidth;
  }
  const firsts = [...table.querySelectorAll('tr > :first-child')];
  return {
    width, column: table.closest('figure').getBoundingClientRect().width,
    viewport: document.documentElement.clientWidth, page: document.documentElement.scrollWidth,
    scroller, clipped, sticky: firsts.length > 0 && firsts.every(c => getComputedStyle(c).position === 'sticky'),
  };
})"""


@pytest.mark.parametrize("width", [1280, 390])
def test_every_table_shows_or_scrolls_to_every_column(issue, visit, width):
    # Issue 17: no table hides columns. A table narrower than its column is seen whole; a wider
    # one scrolls sideways in its own box (never cut off, never widening the page), its first
    # column kept in view, at a desktop width and at a phone's.
    seen = 0
    for path in _analyses(issue):
        for index, fit in enumerate(visit(path, width).page.evaluate(TABLE_FIT)):
            where = f"{path.name} table {index + 1} at {width} px: {fit}"
            assert fit["clipped"] is None, f"cut off by a box that hides overflow: {where}"
            assert fit["page"] <= fit["viewport"], f"the page scrolls sideways: {where}"
            if fit["width"] > fit["column"] + 1:
                assert fit["scroller"] is not None and fit["scroller"] <= fit["column"] + 1, where
                assert fit["sticky"], f"first column scrolls away: {where}"
            seen += 1
    assert seen > 10, "too few tables seen"


def test_no_code_text_on_any_page(issue, visit):
    for path in _pages(issue):
        page = visit(path).page
        text = page.inner_text("body")
        found = CODE_TEXT.search(text)
        assert found is None, f"{path.name} shows code text: {found.group(0)!r}"
        assert page.locator("pre, .jp-InputArea-editor, .jp-InputPrompt").count() == 0, path.name
        assert page.locator("script").count() == 0, f"{path.name} carries a script"


def test_front_page_main_points_are_those_the_notebooks_stated(issue, visit):
    figures = json.loads((issue / "figures.json").read_text())["figures"]
    expected = []
    for path in _analyses(issue):
        facts = page_facts.page_facts(nbformat.read(path.with_suffix(".ipynb"), as_version=4))
        point = facts["main_point"]
        found = point and main_points.checked_point(path.stem, point, facts["statuses"])
        if found:
            expected.append((path.stem, found[0]))
    page = visit(issue / "index.html").page
    shown = page.locator("section.main-points li")
    assert shown.count() == len(expected) > 0
    for index, (notebook, sentence) in enumerate(expected):
        item = shown.nth(index)
        assert item.get_attribute("data-analysis") == notebook
        assert item.locator(".main-point").inner_text() == sentence
        assert item.locator("a").get_attribute("href") == f"{notebook}.html"
    if "seizures_quarter_cannabis_herb_resin_t" in figures:  # the bulletin's own words (C1)
        assert page.get_by_text(
            "Almost four tons of marijuana and hashish and over one ton of heroin and opium"
        ).count() == 1


def test_pages_print_cleanly(issue, visit):
    for path in (issue / "index.html", _analyses(issue)[0]):
        opened = visit(path)
        opened.page.emulate_media(media="print")
        for selector in ("nav.bulletin-nav", ".bulletin-download"):
            hidden = opened.page.locator(selector)
            for index in range(hidden.count()):
                assert not hidden.nth(index).is_visible(), f"{path.name}: {selector} printed"
        pdf = opened.page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000, path.name


def test_screenshots_of_the_front_page_and_an_analysis(issue, visit):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for path in (issue / "index.html", _analyses(issue)[0]):
        target = SCREENSHOTS / f"{issue.name}-{path.stem}.png"
        visit(path).page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
        saved.append(target)
    print("\nscreenshots:", *saved, sep="\n  ")


def test_a_data_string_is_shown_as_text_never_run(tmp_path: Path, visit):
    attack = "<script>alert(1)</script>"
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Activities\n\nWhat happened in the quarter."),
        nbformat.v4.new_code_cell('quarter: str = "2017Q2"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import pandas as pd\nfrom bulletin.publish import report\n"
            f"title = {attack!r}\n"
            "report.show_text(f'Activity: {title}')\n"
            "report.show_table(pd.DataFrame({'activity': [title]}), title, note=title)"
        ),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebooks / "11_activities.ipynb")
    out = tmp_path / "2017-Q2"
    # In a process of its own: this test's browser already runs an event loop here.
    subprocess.run(
        [sys.executable, "-m", "bulletin.cli.main", "render", "--quarter", "2017Q2", "--data-dir",
         str(DATA_DIR), "--out", str(out), "--notebooks-dir", str(notebooks)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    opened = visit(out / "11_activities.html")
    assert opened.dialogs == [] and opened.errors == []
    assert opened.page.locator("script").count() == 0
    assert opened.page.get_by_text(f"Activity: {attack}").count() == 1
    assert opened.page.locator("td", has_text=attack).count() == 1
