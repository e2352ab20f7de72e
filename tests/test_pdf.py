"""The issue as one PDF (``bulletin render --pdf``, ``bulletin pdf``), read back with pypdf.

The PDF is printed by headless Chromium (``make browser``); without it these tests skip, saying
so. The shipped 2017-Q2 issue (the session's render) is copied, hard-linked, to a folder of the
test's own, and rendered there again with ``--pdf`` through the command line: the notebooks are
reused, the PDF made.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from bulletin.cli.main import main
from bulletin.publish.print_issue import (
    AnalysisPart,
    ContentsEntry,
    ContentsGroup,
    FrontPart,
    print_document,
)

CHROMIUM = Path(os.environ.get("BULLETIN_CHROMIUM", "/usr/bin/chromium"))
A4 = (595.3, 841.9)  # points
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: run `make browser` to run the PDF tests",
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed(rendered_2017q2: Path, tmp_path_factory: pytest.TempPathFactory):
    """The 2017-Q2 issue rendered again with --pdf into a copy: (folder, reader, page texts)."""
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: run `make browser` to run the PDF tests")
    folder = tmp_path_factory.mktemp("pdf") / "2017-Q2"
    shutil.copytree(rendered_2017q2, folder, copy_function=os.link)
    status = main(["render", "--quarter", "2017Q2", "--out", str(folder), "--pdf", "--jobs", "2"])
    assert status == 0
    reader = pypdf.PdfReader(folder / "milestones-2017-Q2.pdf")
    return folder, reader, [page.extract_text() for page in reader.pages]


def _titles(folder: Path) -> list[tuple[str, str]]:
    """(page, title) of every analysis, as the front page lists them."""
    front = (folder / "index.html").read_text(encoding="utf-8")
    found = re.findall(r'<a class="analysis-title" href="([^"]+)">([^<]+)</a>', front)
    return [(href, html.unescape(title)) for href, title in found]


def _bookmarks(items) -> list[str]:
    out = []
    for item in items:
        out += _bookmarks(item) if isinstance(item, list) else [item["/Title"]]
    return out


def _contents(texts: list[str]) -> dict[str, int]:
    """Title -> page, as the contents page prints them."""
    page = next(t for t in texts if re.search(r"^Contents$", t, re.M))
    entries = {}
    for line in page.splitlines():
        match = re.match(r"^(?:\d+\s+)?(.+?)\s+(\d+)$", line.strip())
        if match:
            entries[match.group(1)] = int(match.group(2))
    return entries


@pytest.mark.slow
@needs_chromium
def test_the_pdf_is_a4_whole_and_listed_in_the_issue_folder(printed):
    folder, reader, texts = printed
    analyses = sorted(folder.glob("[0-9][0-9]_*.html"))
    assert len(reader.pages) > len(analyses) + 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) < 2 and abs(height - A4[1]) < 2, (width, height)
    assert all(text.strip() for text in texts), "a page without selectable text"
    marker = json.loads((folder / ".bulletin-issue.json").read_text())
    assert "milestones-2017-Q2.pdf" in marker["entries"]


@pytest.mark.slow
@needs_chromium
def test_the_contents_gives_the_page_each_analysis_starts_on(printed):
    folder, reader, texts = printed
    contents = _contents(texts)
    titles = _titles(folder)
    assert len(titles) == len(list(folder.glob("[0-9][0-9]_*.html")))
    pages = []
    for _href, title in titles:
        assert title in contents, f"{title!r} not in the contents: {contents}"
        number = contents[title]
        # The page given opens with the analysis: its title right under the header and kicker.
        assert _squash(title) in _squash(texts[number - 1][:400]), (title, number)
        assert _squash(title) not in _squash(texts[number - 2]), (title, number - 1)
        pages.append(number)
    assert pages == sorted(pages) and len(set(pages)) == len(pages)
    # The PDF's bookmarks name every analysis too (Chromium drops the space where a heading wraps).
    outline = [_squash(title) for title in _bookmarks(reader.outline)]
    assert all(_squash(title) in outline for _href, title in titles), outline


@pytest.mark.slow
@needs_chromium
def test_every_page_but_the_cover_has_the_running_header_and_its_number(printed):
    _folder, reader, texts = printed
    total = len(texts)
    assert "· issue 2017-Q2" not in texts[0] and f"1 / {total}" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert "Milestones — April-June 2017 · issue 2017-Q2" in text, number
        assert f"{number} / {total}" in text, number


@pytest.mark.slow
@needs_chromium
def test_a_key_figure_and_the_main_points_are_searchable_text(printed, figures_2017q2):
    folder, _reader, texts = printed
    contents = _contents(texts)
    titles = dict(_titles(folder))
    first, second = contents[titles["01_quarterly_seizures.html"]], contents[titles["02_drug_market.html"]]
    quarterly = "\n".join(texts[first - 1:second - 1])
    total = figures_2017q2["seizures_quarter_all_drugs_t"]["value"]
    assert f"All drugs {total:.2f}" in quarterly
    front = (folder / "index.html").read_text(encoding="utf-8")
    points = [html.unescape(p) for p in re.findall(r'<span class="main-point">([^<]+)</span>', front)]
    assert points and all(_squash(p) in _squash(texts[0]) for p in points)
    # Nothing of the screen only: no navigation, no download links.
    everything = "\n".join(texts)
    assert "Download the data" not in everything and "Contents of the issue" not in everything
    assert "Download:" not in everything


@pytest.mark.slow
@needs_chromium
def test_charts_are_vectors_whose_words_are_text_in_the_pdf(printed):
    # Issue 17: vector charts. A chart's title and source line are drawn in it as SVG text, so the
    # PDF holds them as text (a raster image would hold none), and no chart is an embedded image.
    folder, reader, texts = printed
    everything = _squash("\n".join(texts))
    for title in ("Seizures in Central Asia (January-March 2017)", "Drug market in Central Asia"):
        assert _squash(title) in everything, title
    assert _squash("Source: UNODC ROCA, Milestones 2017-Q2") in everything
    images = sum(len(page.images) for page in reader.pages)
    assert images == 0, f"{images} raster images in the PDF: charts should be vectors"


@pytest.mark.slow
@needs_chromium
def test_bulletin_pdf_prints_a_rendered_folder_again(printed, capsys):
    folder, reader, _texts = printed
    assert main(["pdf", str(folder)]) == 0
    assert "milestones-2017-Q2.pdf" in capsys.readouterr().out
    import pypdf

    assert len(pypdf.PdfReader(folder / "milestones-2017-Q2.pdf").pages) == len(reader.pages)


def test_render_pdf_without_chromium_stops_before_rendering(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BULLETIN_CHROMIUM", str(tmp_path / "no-chromium"))
    out = tmp_path / "issue"
    assert main(["render", "--quarter", "2017Q2", "--out", str(out), "--pdf"]) == 2
    assert "make browser" in capsys.readouterr().err
    assert not out.exists()


def test_bulletin_pdf_refuses_a_folder_render_did_not_publish(tmp_path, capsys):
    assert main(["pdf", str(tmp_path)]) == 2
    assert "not an issue published by bulletin render" in capsys.readouterr().err


def test_the_print_document_has_its_parts_in_order_with_page_numbers():
    front = FrontPart("Milestones — April-June 2017", "<header>M</header>", "<p>points</p>",
                      "<section><h2 id='index--about'>About</h2></section>", "<p>made by</p>")
    contents = [ContentsGroup("", (ContentsEntry("About", "index--about"),)),
                ContentsGroup("Drugs", (ContentsEntry("Cannabis", "03_cannabis", "3"),))]
    analyses = [AnalysisPart("03_cannabis", "Drug trafficking", "<h1>Cannabis</h1>", "<p>src</p>")]
    first = print_document(front, contents, analyses, "2017-Q2")
    second = print_document(front, contents, analyses, "2017-Q2", {"index--about": 3, "03_cannabis": 5})
    assert '<span class="toc-page"></span>' in first
    assert '<span class="toc-page">5</span>' in second and '<span class="toc-page">3</span>' in second
    order = [second.index(part) for part in ("<header>M</header>", "Contents", "About</h2>",
                                              'id="03_cannabis"', "<h1>Cannabis</h1>", "src")]
    assert order == sorted(order)
    assert r'content: "Milestones \2014  April-June 2017 \b7  issue 2017-Q2"' in second
