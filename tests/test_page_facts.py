"""The facts of a page, read from the structured outputs of an executed notebook."""

from __future__ import annotations

import nbformat

from bulletin.publish import page_facts, report


def _display(data: dict) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data=data)


def _notebook(*outputs, tags=()) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("...", metadata={"tags": list(tags)})
    cell.outputs = list(outputs)
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\nWhat it answers. More."), cell]
    return nb


CHART = {"title": "Seizures", "source": "Source: X.", "status": "Data status: whatever words.",
         "statuses": ["stated"], "alt": "Bars.", "csv": "a\n1\n", "units": "t", "finished": True}
TABLE = {"caption": "By country", "note": "Words that name no status", "statuses": ["estimate"],
         "html": "<table></table>", "csv": "a\n1\n", "filename": "by-country.csv"}


def test_facts_come_from_the_outputs_data_never_their_html_or_words():
    nb = _notebook(
        _display({"image/png": "UE5H", report.CHART_MIMETYPE: CHART, "text/plain": ""}),
        _display({"text/html": "<p>official figures</p>", report.TABLE_MIMETYPE: TABLE,
                  "text/plain": "By country"}),
        _display({"text/html": "<p>Data status: official figures.</p>", "text/plain": ""}),
        _display({report.FIGURE_MIMETYPE: {"name": "x", "status": "official+reconstructed"},
                  "text/plain": ""}),
        _display({report.DATA_MIMETYPE: {"table": "t", "rows": 1, "statuses": {"official": {}}},
                  "text/plain": ""}),
        nbformat.v4.new_output("stream", name="stdout", text="official figures"),
    )
    facts = page_facts.page_facts(nb, "03_cannabis")
    assert facts["charts"] == [{"number": 1, "title": "Seizures", "source": "Source: X.",
                                "status": "Data status: whatever words.", "statuses": ["stated"]}]
    assert facts["tables"] == [{"number": 1, "title": "By country",
                                "note": "Words that name no status", "statuses": ["estimate"]}]
    assert facts["statuses"] == ["official", "stated", "reconstructed", "estimate"]
    assert facts["data"] == [{"table": "t", "rows": 1, "statuses": {"official": {}}}]
    assert facts["summary"] == "What it answers."
    assert facts["section"].endswith("drug trafficking")


def test_charts_and_tables_are_numbered_in_the_order_of_their_outputs():
    chart = _display({"image/png": "UE5H", report.CHART_MIMETYPE: CHART, "text/plain": ""})
    table = _display({"text/html": "", report.TABLE_MIMETYPE: TABLE, "text/plain": ""})
    bare = _display({"image/png": "UE5H", "text/plain": ""})
    facts = page_facts.page_facts(_notebook(table, chart, table, bare))
    assert [c["number"] for c in facts["charts"]] == [1, 2]
    assert [c["title"] for c in facts["charts"]] == ["Seizures", ""]
    assert [t["number"] for t in facts["tables"]] == [1, 2]


def test_hidden_cells_give_no_facts():
    chart = _display({"image/png": "UE5H", report.CHART_MIMETYPE: CHART, "text/plain": ""})
    assert page_facts.page_facts(_notebook(chart, tags=["parameters"]))["charts"] == []


def test_statuses_in_words():
    assert page_facts.describe_statuses(["reconstructed", "official"]) == "official and reconstructed"
    assert page_facts.describe_statuses([]) == "not stated"
    assert page_facts.status_class(["official"]) == "official"
    assert page_facts.status_class(["official", "estimate"]) == "mixed"


def test_sections_and_summaries():
    assert page_facts.section_of("06_drug_crime").endswith("drug-related crime")
    assert page_facts.section_of("99_new") == page_facts.OTHER_SECTION
    assert page_facts.section_of("scratch") == page_facts.OTHER_SECTION
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        "# Title\n\nWhich **countries** report [crime](http://x) data, e.g. Kyrgyzstan? More.")]
    assert page_facts.notebook_summary(nb) == "Which countries report crime data, e.g. Kyrgyzstan?"
    assert page_facts.notebook_summary(nbformat.v4.new_notebook()) == ""
    assert page_facts.notebook_title(nb, "fallback") == "Title"
