"""The rendered 2017-Q2 issue as a publication (issue 17): its weight, its colours, its downloads.

Read from the issue the test session renders once (``rendered_2017q2``); nothing is timed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bulletin.publish import chart_colours, downloads, report

pytestmark = pytest.mark.slow

PAGE_LIMIT = 600_000
"""No page above 600 KB (issue 17)."""
ISSUE_LIMIT = 3_000_000
"""The whole issue's HTML under 3 MB (issue 17)."""


def _pages(issue: Path) -> list[Path]:
    return [issue / "index.html", *sorted(issue.glob("[0-9][0-9]_*.html"))]


def _charts(notebook: Path) -> list[dict]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return [
        output["data"][report.CHART_MIMETYPE]
        for cell in nb["cells"]
        for output in cell.get("outputs", [])
        if report.CHART_MIMETYPE in output.get("data", {})
    ]


def test_no_page_is_heavier_than_600_kb_and_the_issue_is_under_3_mb(rendered_2017q2: Path):
    sizes = {path.name: path.stat().st_size for path in _pages(rendered_2017q2)}
    heavy = {name: size for name, size in sizes.items() if size > PAGE_LIMIT}
    assert not heavy, f"pages above {PAGE_LIMIT:,} bytes: {heavy}"
    assert sum(sizes.values()) < ISSUE_LIMIT, sizes


def test_every_colour_means_one_thing_on_its_page_and_a_legend_names_it(rendered_2017q2: Path):
    problems = [
        f"{notebook.stem}: {problem}"
        for notebook in sorted(rendered_2017q2.glob("[0-9][0-9]_*.ipynb"))
        for problem in chart_colours.colour_problems(_charts(notebook))
    ]
    assert not problems, "\n".join(problems)


def test_every_download_is_listed_once_with_its_source_and_no_row_repeats_it(rendered_2017q2: Path):
    folder = rendered_2017q2 / downloads.DOWNLOADS_DIR
    pages = sorted(p for p in folder.iterdir() if p.is_dir())
    assert {p.name for p in pages} == {p.stem for p in rendered_2017q2.glob("[0-9][0-9]_*.html")}
    for page in pages:
        package = json.loads((page / downloads.PACKAGE_FILE).read_text(encoding="utf-8"))
        listed = {resource["path"] for resource in package["resources"]}
        assert listed == {p.name for p in page.glob("*.csv")}, page.name
        for resource in package["resources"]:
            assert resource["title"] and "Source:" in resource.get("description", ""), resource
            rows = list(csv.reader(io.StringIO((page / resource["path"]).read_text("utf-8"))))
            header = rows[0]
            assert "note" not in header and "data_status" not in header, (page.name, header)
            if "source" in header:  # only where rows come from different publications
                column = header.index("source")
                names = {row[column] for row in rows[1:]}
                assert len(names) > 1 and all(len(n) < 120 for n in names), (page.name, names)
                assert "sources" in resource, resource
