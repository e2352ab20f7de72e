"""The notebook owns its words, and ``bulletin new`` writes an analysis that renders at once.

A main point stated with ``report.main_point`` and a chart title passed to a chart helper in a
notebook reach the front page, the chart's caption and its text alternative; ``bulletin new``
writes a notebook that passes the hygiene rules, renders, and is linked from the front page with
its main point; bad names are refused with status 2 and nothing written.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
import test_notebooks as hygiene
from render_helpers import bulletin, write_notebook

from bulletin.cli import new
from bulletin.cli.main import main

POINT = "Over one ton of something was seized, as this notebook says."
TITLE = "A chart title the notebook chose, 2016"
RETITLED = "A title set on the figure after finishing it"

WORDS = f"""from bulletin.publish import charts, report
report.main_point({POINT!r}, [{{"name": "x_t", "value": 1.2, "unit": "t", "period": "2016", "status": "official"}}])
fig, ax = charts.new_chart()
ax.bar(["KGZ", "TJK"], [1.0, 2.0])
charts.finish_chart(fig, ax, {TITLE!r}, "Seizures (tons)", "Source: a test.", "Data status: official.")
"""
RETITLED_CHART = f"""from bulletin.publish import charts, report
report.main_point("Two tons were seized, all of them official.", [{{"name": "y_t", "value": 2, "unit": "t", "period": "2016", "status": "reconstructed"}}])
fig, ax = charts.new_chart()
ax.bar(["KGZ"], [2.0])
charts.finish_chart(fig, ax, "The helper's title", "Seizures (tons)", "Source: a test.", "Data status: official.")
ax.set_title({RETITLED!r}, loc="left")
"""


def _figure(page: str) -> tuple[list[str], str]:
    """The first chart's words as drawn (its SVG's text) and its text alternative, on a page."""
    figure = re.search(r'<figure class="bulletin-chart" id="figure-1">(.*?)</figure>', page, re.S)
    alt = re.search(r'<title id="figure-1-alt">(.*?)</title>', figure.group(1), re.S).group(1)
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", figure.group(1))
    return [html.unescape(words) for words in drawn], html.unescape(alt)


@pytest.mark.slow
def test_a_notebooks_main_point_and_chart_title_reach_the_front_page_caption_and_alt(tmp_path):
    notebooks = tmp_path / "notebooks"
    write_notebook(notebooks, "01_words", WORDS)
    write_notebook(notebooks, "02_retitled", RETITLED_CHART)
    out = tmp_path / "issue"
    done = bulletin("render", "--quarter", "2017Q2", "--notebooks-dir", str(notebooks),
                    "--out", str(out))
    assert done.returncode == 0, done.stderr
    front = (out / "index.html").read_text(encoding="utf-8")
    points = re.findall(r'<li data-analysis="([^"]+)"><span class="main-point">(.*?)</span>', front)
    assert [(name, html.unescape(text)) for name, text in points] == [("01_words", POINT)]
    # a point on reconstructed figures that does not say so is left off, and said why
    assert "no main point for 02_retitled: its figures are reconstructed" in done.stderr
    drawn, alt = _figure((out / "01_words.html").read_text(encoding="utf-8"))
    assert TITLE in drawn and alt.startswith(f"{TITLE}.")  # drawn once, in the chart (issue 17)
    drawn, alt = _figure((out / "02_retitled.html").read_text(encoding="utf-8"))
    assert RETITLED in drawn and RETITLED in alt and "The helper's title" not in alt + " ".join(drawn)
    assert POINT not in (out / "01_words.html").read_text(encoding="utf-8")  # the front page's


def test_new_writes_a_notebook_that_keeps_the_house_rules(tmp_path, capsys):
    assert main(["new", "12_methamphetamine", "Methamphetamine seizures",
                 "--notebooks-dir", str(tmp_path)]) == 0
    path = tmp_path / "12_methamphetamine.ipynb"
    assert f"wrote {path}" in capsys.readouterr().out
    for rule in (hygiene.test_committed_without_outputs, hygiene.test_parameters_cell_holds_typed_literals,
                 hygiene.test_no_functions_or_classes_in_notebooks, hygiene.test_title_and_sections):
        rule(path)
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].source.startswith("# Methamphetamine seizures\n\n")
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert parameters.source.splitlines() == [
        'quarter: str = "2017Q2"  # bulletin issue, YYYYQn',
        "data_dir: str = \"\"  # folder of tidy tables; empty: the project's data/",
        'country: str = ""  # ISO3 code of a country edition; empty: the region',
    ]
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "report.main_point(" in code and "title=" in code  # its words are its own


@pytest.mark.parametrize(
    ("name", "said"),
    [("12-meth", "is not a notebook name"), ("1_meth", "is not a notebook name"),
     ("12_Meth", "is not a notebook name"), ("12_meth.ipynb", "is not a notebook name"),
     ("03_cannabis", "exists already"), ("03_other", "has the number 03 already")],
)
def test_new_refuses_a_bad_or_taken_name_with_status_2(tmp_path, capsys, name, said):
    (tmp_path / "03_cannabis.ipynb").write_text("{}", encoding="utf-8")
    assert main(["new", name, "A title", "--notebooks-dir", str(tmp_path)]) == 2
    message = capsys.readouterr().err.strip()
    assert said in message and message.count("\n") == 0, message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["03_cannabis.ipynb"]


def test_new_refuses_an_empty_title_and_a_missing_folder(tmp_path, capsys):
    assert main(["new", "12_meth", " ", "--notebooks-dir", str(tmp_path)]) == 2
    assert "the title must be one line" in capsys.readouterr().err
    assert main(["new", "12_meth", "Meth", "--notebooks-dir", str(tmp_path / "none")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_scaffold_renders_and_is_on_the_front_page_with_its_main_point(tmp_path: Path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    new.write_scaffold("12_methamphetamine", "Methamphetamine seizures", notebooks)
    out = tmp_path / "issue"
    done = bulletin("render", "--quarter", "2017Q2", "--notebooks-dir", str(notebooks),
                    "--out", str(out))
    assert done.returncode == 0, done.stderr
    front = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="12_methamphetamine.html"' in front and "Methamphetamine seizures" in front
    point = re.search(r'<li data-analysis="12_methamphetamine"><span class="main-point">(.*?)</span>',
                      front)
    assert point, "no main point for the new analysis"
    assert html.unescape(point.group(1)) == (
        "In 2016, four kilograms of amphetamine-type stimulants were seized in Tajikistan "
        "(the only one of the five countries with a figure)."
    )
    page = (out / "12_methamphetamine.html").read_text(encoding="utf-8")
    drawn, alt = _figure(page)
    title = "Seizures of amphetamine-type stimulants, 2012-2016 (kg)"
    assert title in drawn and alt.startswith(f"{title}.")
    assert "Table 1.</span> Amphetamine-type stimulants seized by country, 2012-2016 (kg)" in page
