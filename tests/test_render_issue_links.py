"""Two consecutive issues rendered one after the other: "Since the last issue" on the later one's
front page, the links between them (the earlier one gets its "next" link when the later one is
published), ``changes.json`` and ``reports/index.html``; on small notebooks of the test's own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from render_helpers import bulletin, write_notebook, write_quarterly

pytestmark = pytest.mark.slow

FIGURES = (
    "import pandas as pd\n"
    "from bulletin.publish import report\n"
    "rows = pd.read_csv(data_dir + '/seizures_quarterly.csv')\n"
    "kg_2016 = float(rows[rows.year == 2016].kg.sum())\n"
    "report.record_figure('kg_2016', kg_2016, 'kg', '2016', 'reconstructed')\n"
    "report.record_figure('issue_number', int(quarter[-1]), 'quarter', quarter, 'reconstructed')\n"
    "report.record_claim('C1', 'Over 13 kg were seized in 2016', {'kg': kg_2016}, kg_2016 > 13,\n"
    "                    'The reconstructed figures say ' + str(kg_2016) + ' kg.', basis='reconstructed')\n"
)
NAV = re.compile(r"<!-- issue-nav -->(.*?)<!-- /issue-nav -->", re.DOTALL)


def nav_links(page: Path) -> dict[str, str]:
    """The links of a front page's links block, by what they say."""
    block = NAV.search(page.read_text(encoding="utf-8")).group(1)
    return {text: href for href, text in re.findall(r'<a (?:rel="\w+" )?href="([^"]+)">([^<]+)</a>', block)}


def since_section(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    start = text.index('<section class="since-last"')
    return text[start:text.index("</section>", start)]


def test_two_issues_rendered_one_after_the_other(tmp_path: Path):
    notebooks, data, reports = tmp_path / "nb", tmp_path / "data", tmp_path / "reports"
    write_notebook(notebooks, "01_figures", FIGURES)
    write_quarterly(data, ["KGZ,2016,4,heroin,12.5", "KGZ,2017,1,heroin,10.5"])
    common = ["--data-dir", str(data), "--notebooks-dir", str(notebooks), "--reports", str(reports)]

    result = bulletin("render", "--quarter", "2017Q1", *common)
    assert result.returncode == 0, result.stderr
    first = reports / "2017-Q1" / "index.html"
    assert "No previous issue (2016-Q4) had been rendered" in since_section(first)
    assert nav_links(first) == {"All issues": "../index.html"}

    # The 2016 figure is revised before the next issue: a revision, and the claim now holds.
    write_quarterly(data, ["KGZ,2016,4,heroin,14.0", "KGZ,2017,1,heroin,10.5"])
    result = bulletin("render", "--quarter", "2017-Q2", *common)
    assert result.returncode == 0, result.stderr
    second = reports / "2017-Q2" / "index.html"
    section = since_section(second)
    assert '<a href="../2017-Q1/index.html">January-March 2017 issue</a>' in section
    assert "One figure revised and one moved on to a new period." in section
    assert "<code>kg_2016</code> for 2016: 12.5 kg in the previous issue, now 14.0 kg (+12.0%)" in section
    assert "C1 now holds (it did not hold in the previous issue)" in section
    changes = json.loads((reports / "2017-Q2" / "changes.json").read_text())
    assert changes["previous"]["folder"] == "2017-Q1"
    assert [c["name"] for c in changes["changes"]["figures"]["revised"]] == ["kg_2016"]
    marker = json.loads((reports / "2017-Q2" / ".bulletin-issue.json").read_text())
    assert "changes.json" in marker["entries"]

    # Each front page links to the other, and every link resolves.
    assert nav_links(second) == {"← Previous issue: January-March 2017": "../2017-Q1/index.html",
                                 "All issues": "../index.html"}
    assert nav_links(first) == {"All issues": "../index.html",
                                "Next issue: April-June 2017 →": "../2017-Q2/index.html"}
    for page in (first, second):
        for href in nav_links(page).values():
            assert (page.parent / href).resolve().is_file(), href

    # The list of issues: newest first.
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<tr data-folder="([^"]+)"', index) == ["2017-Q2", "2017-Q1"]

    # Rendered again now that its next issue exists, 2017-Q1's links are the ones it was given.
    block = NAV.search(first.read_text(encoding="utf-8")).group(0)
    result = bulletin("render", "--quarter", "2017Q1", *common)
    assert result.returncode == 0, result.stderr
    assert NAV.search(first.read_text(encoding="utf-8")).group(0) == block

    # An issue rendered elsewhere (--out) has no neighbours and leaves the list alone.
    index = (reports / "index.html").read_text(encoding="utf-8")
    out = tmp_path / "elsewhere" / "try"
    result = bulletin("render", "--quarter", "2017Q2", "--out", str(out), *common)
    assert result.returncode == 0, result.stderr
    assert "rendered to a folder of its own (try)" in since_section(out / "index.html")
    assert nav_links(out / "index.html") == {}
    assert not (out.parent / "index.html").exists()
    assert (reports / "index.html").read_text(encoding="utf-8") == index
