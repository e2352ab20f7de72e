"""bulletin.publish.pages: an executed notebook as readers get it.

Most tests build a small executed notebook by hand (the outputs a kernel would have made); one
renders a tiny notebook through the real pipeline, with a data string that tries to be markup.
"""

from __future__ import annotations

import base64
import io
import json
import re
import urllib.parse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from bulletin.core.paths import DATA_DIR  # noqa: E402
from bulletin.core.periods import Quarter  # noqa: E402
from bulletin.publish import charts, claim_boxes, page_facts, pages, report  # noqa: E402
from bulletin.render.api import render_issue  # noqa: E402

ATTACK = "<script>alert(1)</script>"
RECONSTRUCTED = "Data status: reconstructed by this project where no figure is published, not official (2017)."


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode()


def _chart_output(title: str = "Seizures"):
    """A finished chart's one output, as ``charts.finish_chart`` leaves it: PNG and facts."""
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["Kazakhstan", "Kyrgyzstan"], [1.5, 3.0])
    charts.finish_chart(fig, ax, title, "Tons", "Source: X.", RECONSTRUCTED, statuses=["reconstructed"])
    data, _ = charts.chart_output(fig)
    plt.close(fig)
    return nbformat.v4.new_output("display_data", data=data)


def _display(data: dict, metadata: dict | None = None):
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def _table_output(caption: str, note: str, statuses: list[str] | None = None):
    """A table's one output, as ``report.show_table`` leaves it: HTML and facts."""
    frame = pd.DataFrame({"Country": ["Kazakhstan"], "Tons": [1.5]})
    facts = report.table_facts(frame, caption, note, statuses=statuses)
    return _display({"text/html": report.table_figure_html(facts), report.TABLE_MIMETYPE: facts,
                     "text/plain": caption})


CLAIM = {
    "id": "C1",
    "statement": f"almost four tons {ATTACK}",
    "holds": True,
    "basis": "reconstructed",
    "verdict": "3.75 t. Holds by construction: the figures were reconstructed from this statement.",
    "values": {"basis_rows": {"reconstructed_from_claim": 27}},
}
DATA_RECORD = {
    "table": "seizures_quarterly", "rows": 4, "quantity": "kg", "quantity_total": 10.0,
    "statuses": {
        "official": {"rows": 1, "rows_pct": 25.0, "quantity": 1.0, "quantity_pct": 10.0,
                     "years": "2016"},
        "reconstructed": {"rows": 3, "rows_pct": 75.0, "quantity": 9.0, "quantity_pct": 90.0,
                          "years": "2017"},
    },
}


def _executed_notebook() -> nbformat.NotebookNode:
    """What a kernel leaves in a notebook like 01: records, a chart, tables, and analyst noise."""
    nb = nbformat.v4.new_notebook()
    show = nbformat.v4.new_code_cell("...")
    show.outputs = [
        _display({"text/html": report.markdown_to_html("Almost four tons."), "text/plain": "x"}),
        _chart_output(),
        _table_output("Seizures by country (tons)", f"Source: X. {RECONSTRUCTED}", ["reconstructed"]),
        _table_output("Seizures by group", "Source: Y. Data status: official figures (2016).", ["official"]),
        nbformat.v4.new_output("stream", name="stdout", text="debug print\n"),
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n"),
    ]
    check = nbformat.v4.new_code_cell("...")
    check.outputs = [
        _display(
            {
                report.FIGURE_MIMETYPE: {"name": "x_t", "value": 1, "unit": "t",
                                         "period": "2017-Q1", "status": "official+reconstructed"},
                "text/plain": "figure x_t",
            }
        ),
        _display({report.CLAIM_MIMETYPE: CLAIM, "text/plain": "claim C1"}),
        _display({report.DATA_MIMETYPE: DATA_RECORD, "text/plain": "data seizures_quarterly"}),
        nbformat.v4.new_output("execute_result", data={"text/plain": "<Axes: >"},
                               execution_count=2),
    ]
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Seizures in Central Asia\n\nHow much was seized in the quarter? The rest of the "
            "paragraph says more."
        ),
        nbformat.v4.new_code_cell('quarter: str = "2017Q2"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('quarter = "2017-Q2"', metadata={"tags": ["injected-parameters"]}),
        nbformat.v4.new_markdown_cell("## Load"),
        nbformat.v4.new_code_cell("rows = load_table('seizures_quarterly', data_dir)"),
        nbformat.v4.new_markdown_cell("## Check"),
        check,
        nbformat.v4.new_markdown_cell("## Show\n\nWhat the quarter looked like."),
        show,
    ]
    nb.metadata["papermill"] = {
        "parameters": {"quarter": "2017-Q2", "data_dir": "/somewhere/data"},
        "input_path": "/repo/notebooks/01_quarterly_seizures.ipynb",
    }
    return nb


@pytest.fixture
def prepared() -> nbformat.NotebookNode:
    return pages.prepare_for_readers(_executed_notebook())


def _outputs(nb) -> list[dict]:
    return [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]


def test_readers_see_no_parameters_code_noise_or_records(prepared):
    sources = [cell.source for cell in prepared.cells]
    assert not any("quarter" in s and "str" in s for s in sources)
    assert not any(s.startswith("## Load") or s.startswith("## Check") for s in sources)
    assert "What the quarter looked like." in sources  # a heading goes, the text stays
    kinds = [o.output_type for o in _outputs(prepared)]
    assert "stream" not in kinds and "execute_result" not in kinds
    for output in _outputs(prepared):
        assert set(output["data"]) == {"text/html", "text/plain"}
    # the claim's cell (its claim shown, its figure and data record kept out) and Show's
    assert len([c for c in prepared.cells if c.cell_type == "code"]) == 2  # empty cells go
    html = " ".join(o["data"]["text/html"] for o in _outputs(prepared))
    assert "figure x_t" not in html and "seizures_quarterly" not in html


def _shown(prepared) -> list[str]:
    """The HTML outputs of the Show cell (after the claim box of the Check cell)."""
    return [o["data"]["text/html"] for o in _outputs(prepared)][1:]


def test_claim_is_shown_where_recorded_with_its_basis_beside_the_statement(prepared):
    box = _outputs(prepared)[0]["data"]["text/html"]
    assert box.startswith('<aside class="bulletin-claim basis-reconstructed" id="claim-C1"')
    assert "<script" not in box and "&lt;script&gt;" in box  # the statement is data
    statement = box.index("claim-statement")
    assert statement < box.index("holds by construction") < box.index("reconstructed: not evidence")
    assert "Holds by construction: the figures were reconstructed from this statement." in box
    facts = prepared.metadata[page_facts.PAGE_FACTS_KEY]
    assert facts["claims"] == [{k: CLAIM[k] for k in ("id", "statement", "holds", "basis", "verdict")}]
    assert facts["data"] == [DATA_RECORD]


@pytest.mark.parametrize(
    ("claim", "badges"),
    [
        ({"holds": True, "basis": "official"},
         (("holds", "holds"), ("checked against official figures", "official"))),
        ({"holds": False, "basis": "stated"},
         (("does not hold", "fails"), ("only the bulletin's own figures exist", "stated"))),
        ({"holds": True, "basis": "reconstructed"},
         (("holds by construction", "untestable"), ("reconstructed: not evidence", "reconstructed"))),
        ({"holds": True, "basis": "mixed", "values": {"basis_rows": {"official": 1,
                                                                    "reconstructed_from_claim": 3}}},
         (("holds", "holds"), ("partly official (25% of its figures)", "mixed"))),
        ({"holds": None, "basis": "official", "values": {"basis_rows": {"official": 9}}},
         (("not testable", "untestable"), ("figures examined: official", "official"))),
        ({"holds": None, "basis": "stated", "values": {"basis_rows": {}}},
         (("not testable", "untestable"), ("no figures in the data", "stated"))),
    ],
)
def test_claim_badges_say_what_the_check_rests_on(claim, badges):
    assert claim_boxes.claim_badges(claim) == badges


def test_footer_gives_the_shares_of_the_rows_by_status(prepared):
    footer = pages.page_data_html(prepared.metadata[page_facts.PAGE_FACTS_KEY])
    assert ("<li><code>seizures_quarterly</code>: 4 rows; official 25% of rows (10% of kg); "
            "reconstructed 75% of rows (90% of kg)</li>") in footer


def test_chart_is_placed_where_it_was_finished_numbered_from_its_facts(prepared):
    texts = _shown(prepared)
    assert texts[0].startswith("<p>Almost four tons.")
    assert texts[1].startswith('<figure class="bulletin-chart" id="figure-1">')
    assert sum("bulletin-chart" in t for t in texts) == 1
    chart = texts[1]
    # The title is drawn in the chart, once: the caption numbers it (issue 17).
    assert '<figcaption><span class="bulletin-number">Figure 1</span></figcaption>' in chart
    # Vector, inline, named by its text alternative, which says what it shows.
    assert '<svg ' in chart and 'role="img" aria-labelledby="figure-1-alt"' in chart
    alt = re.search(r'<title id="figure-1-alt">([^<]*)</title>', chart).group(1)
    assert alt.startswith("Seizures. Tons: Kazakhstan and Kyrgyzstan.") and "Largest: 3 " in alt
    assert re.search(r'<svg [^>]*width="\d+" height="\d+"', chart)
    assert not re.search(r'id="(?!figure-1)', chart)  # its ids are its own on the page
    csv = urllib.parse.unquote(chart.split("data:text/csv;charset=utf-8,")[1].split('"')[0])
    assert csv.splitlines()[0] == "category,Tons"  # the source is said beside it, not per row
    assert 'download="figure-1-seizures.csv"' in chart


def test_tables_are_numbered_in_reading_order(prepared):
    texts = _shown(prepared)
    assert texts[2].startswith('<figure class="bulletin-table" id="table-1"><figcaption>')
    assert "Table 1.</span> Seizures by country (tons)" in texts[2]
    assert "Table 2.</span> Seizures by group" in texts[3]


def test_page_facts(prepared):
    facts = prepared.metadata[page_facts.PAGE_FACTS_KEY]
    assert facts["name"] == "01_quarterly_seizures"
    assert facts["issue"] == "2017-Q2"
    assert facts["section"] == "Drug situation in Central Asia: drug trafficking"
    assert facts["summary"] == "How much was seized in the quarter?"
    assert facts["statuses"] == ["official", "reconstructed"]
    assert [c["title"] for c in facts["charts"]] == ["Seizures"]
    assert [(t["number"], t["title"]) for t in facts["tables"]] == [
        (1, "Seizures by country (tons)"),
        (2, "Seizures by group"),
    ]


def test_page_facts_from_the_engines_metadata_and_a_given_name():
    nb = _executed_notebook()
    nb.metadata = {"bulletin": {"parameters": {"quarter": "2017-Q2", "data_dir": "/x"}}}
    assert pages.prepare_for_readers(nb).metadata[page_facts.PAGE_FACTS_KEY]["section"] == ""
    facts = pages.prepare_for_readers(nb, "06_drug_crime").metadata[page_facts.PAGE_FACTS_KEY]
    assert facts["name"] == "06_drug_crime" and facts["issue"] == "2017-Q2"
    assert facts["section"] == "Drug situation in Central Asia: drug-related crime"
    nb.metadata["bulletin"]["section"] = "A section of its own"
    facts = pages.prepare_for_readers(nb, "06_drug_crime").metadata[page_facts.PAGE_FACTS_KEY]
    assert facts["section"] == "A section of its own"


def test_an_error_becomes_one_sentence():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1/0")
    cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError",
                                           evalue="division by zero", traceback=["Traceback..."])]
    nb.cells = [cell]
    html_text = pages.prepare_for_readers(nb).cells[0].outputs[0]["data"]["text/html"]
    assert "stopped before it was complete: ZeroDivisionError: division by zero" in html_text
    assert "Traceback" not in html_text


def test_exported_page_stands_alone_with_masthead_and_footer(prepared):
    footer = pages.page_footer(Quarter(2017, 2), Path("/somewhere/data"))
    page = pages.export_html(prepared, "Seizures in Central Asia", '<a href="index.html">Contents</a>',
                             footer)
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@media print" in page
    assert '<a class="brand" href="index.html">Milestones</a>' in page
    assert "April-June 2017" in page and "DRUG TRAFFICKING" in page.upper()
    assert "<title>Seizures in Central Asia</title>" in page
    assert "The data behind this page" in page
    # Each publication cited once; each chart and table says its own source under it.
    assert "<p>Sources: X; Y.</p>" in page
    assert "Figure 1 and Table 1: Source: X." not in page
    assert "bulletin " in page and "2017-Q2" in page
    for hidden in ("load_table", "data_dir", "debug print", "UserWarning", "&lt;Axes", "In&nbsp;["):
        assert hidden not in page, hidden


def test_page_footer_names_version_issue_and_time():
    footer = pages.page_footer(Quarter(2017, 2), Path("/x/data"))
    assert "issue 2017-Q2 (April-June 2017)" in footer
    assert "“data”" in footer and "bulletin " in footer and "UTC" in footer


def test_a_bare_png_is_a_numbered_figure_without_facts():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([1, 2], [3, 4])
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("...")
    cell.outputs = [_display({"image/png": _png(fig), "text/plain": "<Figure>"}), _chart_output("Second")]
    plt.close(fig)
    nb.cells = [cell]
    prepared = pages.prepare_for_readers(nb)
    first, second = (o["data"]["text/html"] for o in prepared.cells[0].outputs)
    assert 'id="figure-1"' in first and 'alt="A chart without a description"' in first
    assert "bulletin-download" not in first
    assert '<span class="bulletin-number">Figure 2</span>' in second and "<svg " in second
    assert [c["title"] for c in prepared.metadata[page_facts.PAGE_FACTS_KEY]["charts"]] == ["", "Second"]


def test_tables_are_numbered_from_their_facts_whatever_their_html():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("...")
    table = _table_output("Seizures", "Source: Y. Data status: official figures (2016).")
    table["data"]["text/html"] = "<p>what JupyterLab shows</p>"
    cell.outputs = [table]
    nb.cells = [cell]
    shown = pages.prepare_for_readers(nb).cells[0].outputs[0]["data"]["text/html"]
    assert shown.startswith('<figure class="bulletin-table" id="table-1">')
    assert "JupyterLab" not in shown and '<p class="table-note">Source: Y.' in shown


# --- Through the real pipeline: a tiny notebook whose data try to be markup -------------------

TINY = f'''import pandas as pd
import seaborn as sns
from bulletin.publish import charts, report
title = "{ATTACK}"
activities = pd.DataFrame({{"activity": [title, "Seminar"], "participants": [37, 70]}})
report.show_text(f"The quarter opened with {{title}}.")
fig, ax = charts.new_chart()
sns.barplot(data=activities, x="activity", y="participants", ax=ax)
charts.finish_chart(fig, ax, title, "Participants", "Source: " + title, "Data status: official figures (2017).", statuses=["official"])
report.show_table(activities, title, note="Source: " + title, statuses=["official"])
print("printed: " + title)
'''


@pytest.fixture(scope="module")
def tiny_issue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    notebooks = folder / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Activities of the quarter\n\nWhat happened, and who came."),
        nbformat.v4.new_code_cell('quarter: str = "2017Q2"\ndata_dir: str = "../data"',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("## Show"),
        nbformat.v4.new_code_cell(TINY),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebooks / "11_activities.ipynb")
    return render_issue(Quarter(2017, 2), DATA_DIR, folder / "2017-Q2", notebooks)


@pytest.mark.slow
def test_a_data_string_is_text_never_markup(tiny_issue: Path):
    page = (tiny_issue / "11_activities.html").read_text()
    assert "<script" not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert page.count(escaped) >= 5  # sentence, caption, alt text, table caption, cell, note...
    assert f'-alt">{escaped}.' in page  # the chart's text alternative, its SVG's <title>
    assert "printed:" not in page
    index = (tiny_issue / "index.html").read_text()
    assert "<script" not in index


@pytest.mark.slow
def test_a_rendered_chart_is_one_output_with_its_facts(tiny_issue: Path):
    executed = nbformat.read(tiny_issue / "11_activities.ipynb", as_version=4)
    outputs = executed.cells[-1].outputs
    charts_shown = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(charts_shown) == 1  # shown once: by finish_chart, not again by the inline backend
    facts = charts_shown[0]["data"][report.CHART_MIMETYPE]
    assert facts["title"] == ATTACK and facts["statuses"] == ["official"]
    assert facts["units"] == "Participants" and facts["csv"].startswith("activity,Participants")
    tables = [o for o in outputs if report.TABLE_MIMETYPE in o.get("data", {})]
    assert [t["data"][report.TABLE_MIMETYPE]["caption"] for t in tables] == [ATTACK]
    # In reading order: the sentence, then the chart (where finish_chart was called), the table.
    assert outputs.index(charts_shown[0]) < outputs.index(tables[0])
    page = (tiny_issue / "11_activities.html").read_text()
    assert page.index("The quarter opened with") < page.index('id="figure-1"') < page.index(
        'id="table-1"')


@pytest.mark.slow
def test_a_page_s_downloads_are_written_beside_it_and_kept_when_it_is_reused(tiny_issue: Path):
    # Issue 17: charts to take away, data one click away, out of the page's weight.
    page = (tiny_issue / "11_activities.html").read_text()
    files = sorted(p.relative_to(tiny_issue).as_posix() for p in (tiny_issue / "downloads").rglob("*")
                   if p.is_file())
    assert files and all(f.startswith("downloads/11_activities/") for f in files)
    kinds = {Path(f).suffix for f in files}
    assert kinds == {".png", ".svg", ".csv", ".json"}, files
    for name in files:
        if not name.endswith(".json"):
            assert f'href="{name}"' in page, name  # each file is linked from the page
    assert "data:text/csv" not in page and "data:image/png" not in page
    before = {f: (tiny_issue / f).read_bytes() for f in files}
    again = render_issue(Quarter(2017, 2), DATA_DIR, tiny_issue, tiny_issue.parent / "notebooks")
    run = json.loads((again / "run.json").read_text())
    assert all(entry["reused"] for entry in run["notebooks"]), run["notebooks"]
    assert {f: (again / f).read_bytes() for f in files} == before


def test_a_page_exported_after_another_is_the_page_exported_alone(prepared):
    # Each thread keeps its exporter from page to page (its templates are compiled once): nothing
    # of one page may reach the next.
    import copy
    import threading

    other = copy.deepcopy(prepared)
    other.cells = other.cells[:1]
    other.metadata[page_facts.PAGE_FACTS_KEY] = {**other.metadata[page_facts.PAGE_FACTS_KEY],
                                                 "country": "KGZ", "section": "Another section"}
    alone: dict[str, str] = {}

    def export_alone(name, nb):  # a thread of its own: a new exporter
        alone[name] = pages.export_html(copy.deepcopy(nb), name, "<nav>", "the footer")

    for name, nb in (("first", prepared), ("second", other)):
        worker = threading.Thread(target=export_alone, args=(name, nb))
        worker.start()
        worker.join()
    assert alone["first"] != alone["second"]
    in_turn = [pages.export_html(copy.deepcopy(nb), name, "<nav>", "the footer")
               for name, nb in (("second", other), ("first", prepared), ("second", other))]
    assert in_turn == [alone["second"], alone["first"], alone["second"]]


def test_an_exporter_made_ready_in_one_thread_makes_the_next_page_in_another(prepared):
    # Issue 18: the first page of a process paid for its exporter's templates, nbconvert's CSS
    # selectors and Markdown patterns; the renderer now makes a page in a thread while the kernels
    # run. Exporters were kept per thread, so the page (made in another thread) made its own again.
    import threading

    pages._IDLE_EXPORTERS.clear()
    warmed = threading.Thread(target=pages.warm_up)
    warmed.start()
    warmed.join()
    [ready] = pages._IDLE_EXPORTERS
    made = []
    real = pages.HTMLExporter
    pages.HTMLExporter = lambda **kw: made.append(kw) or real(**kw)
    try:
        page = pages.export_html(prepared, "Title", "", "footer")
        assert made == [] and pages._IDLE_EXPORTERS == [ready]  # the same exporter, given back
        with pages._page_exporter() as busy:  # one at work: the next export makes another
            assert busy is ready
            pages.export_html(prepared, "Title", "", "footer")
        assert len(made) == 1 and len(pages._IDLE_EXPORTERS) == 2
    finally:
        pages.HTMLExporter = real
    assert "footer" in page


_FIRST_PAGE_AFTER_WARM_UP = """
import json
try:
    import re._compiler as compiler  # Python 3.11 and later
except ImportError:
    import sre_compile as compiler  # Python 3.10
import nbformat
from bulletin.publish import pages
pages.warm_up()
compiled, real = [], compiler.compile
compiler.compile = lambda pattern, flags=0: compiled.append(str(pattern)) or real(pattern, flags)
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Seizures & arrests"),
                                     nbformat.v4.new_markdown_cell("Tons &mdash; by country")])
pages.export_html(nb, "Seizures", '<a href="index.html">&larr; Contents of the issue</a>', "")
print(json.dumps([len(pattern) for pattern in compiled]))
"""


def test_the_first_page_after_the_warm_up_builds_no_table_of_html_entities():
    # Issue 18: after the warm-up, the page of a render that runs one notebook still took a fifth
    # of a second more than the next: its navigation's "&larr;" was the process's first HTML
    # entity, and Beautiful Soup then built one pattern of every HTML5 entity (some 30,000
    # characters). The warm-up's page now has one; what the first real page compiles is small.
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _FIRST_PAGE_AFTER_WARM_UP], capture_output=True,
                          text=True, timeout=120, check=True)
    lengths = json.loads(done.stdout.strip().splitlines()[-1])
    assert max(lengths, default=0) < 1000, lengths
