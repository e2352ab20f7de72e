"""The render pipeline: the issue's files, clean HTML, claims, and failure safety."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from render_helpers import small_data

from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR
from bulletin.core.periods import Quarter
from bulletin.data.tables import load_table
from bulletin.data.vocab import CENTRAL_ASIA
from bulletin.render.api import RenderError, find_notebooks, render_issue

pytestmark = pytest.mark.slow


def test_issue_has_every_file(rendered_2017q2: Path):
    names = {p.name for p in rendered_2017q2.iterdir()}
    assert {"index.html", "figures.json", "claims.json"} <= names
    for notebook in find_notebooks(NOTEBOOKS_DIR):
        assert f"{notebook.stem}.html" in names
        assert f"{notebook.stem}.ipynb" in names


def test_pages_show_no_code_prompts_or_parameters(rendered_2017q2: Path):
    for page in rendered_2017q2.glob("[0-9][0-9]_*.html"):
        text = page.read_text()
        assert "jp-InputArea" not in text, page.name
        assert "jp-InputPrompt" not in text and "In&nbsp;[" not in text, page.name
        assert "Parameters" not in text and "data_dir" not in text, page.name
        assert "application/vnd.bulletin" not in text, page.name
        assert "load_table(" not in text, page.name


def test_pages_stand_alone(rendered_2017q2: Path):
    for page in rendered_2017q2.glob("*.html"):
        text = page.read_text()
        assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", text), page.name
        assert not re.search(r"<img[^>]+src=\"(?!data:)", text), page.name


def test_quarterly_page_has_chart_table_sentence_and_status(rendered_2017q2: Path):
    text = (rendered_2017q2 / "01_quarterly_seizures.html").read_text()
    assert text.count('<svg ') >= 1 and 'role="img"' in text  # the chart, vector, in the page
    assert "<th>" in text or "<th " in text
    # The statement is shown with its check; the quarter's figures are said to be reconstructed.
    assert "almost four tons of marijuana and hashish and over one ton of heroin and opium" in text
    assert "reconstructed" in text


def test_index_links_to_every_analysis(rendered_2017q2: Path):
    index = (rendered_2017q2 / "index.html").read_text()
    assert "April-June 2017" in index
    for href in re.findall(r'href="([^"]+\.html)"', index):
        assert (rendered_2017q2 / href).exists(), href
    assert 'href="01_quarterly_seizures.html"' in index


def test_claim_c1_is_checked_on_the_countries_with_figures_and_says_it_is_circular(claims_2017q2):
    # No quarterly figure is published: the quarter is reconstructed from C1 itself and the
    # official 2017 annual figures, so the amounts hold by construction; the countries do not
    # unless all five have 2017 figures.
    claim = claims_2017q2["C1"]
    values = claim["values"]
    annual_2017 = load_table("seizures_annual", DATA_DIR).query("year == 2017")
    with_figures = annual_2017[annual_2017["country"].isin(CENTRAL_ASIA)]["country"].nunique()
    assert values["countries_reporting"] == with_figures
    assert 3.5 <= values["cannabis_herb_resin_t"] < 4.0
    assert 1.0 < values["heroin_opium_t"] < 1.5
    assert claim["holds"] is (with_figures == 5)
    assert claim["basis"] == "reconstructed"
    assert "reconstructed from this statement" in claim["verdict"]


def test_figures_have_value_unit_period(figures_2017q2):
    figure = figures_2017q2["seizures_quarter_cannabis_herb_resin_t"]
    assert figure["unit"] == "t"
    assert figure["period"] == "2017-Q1"
    assert figure["status"] == "reconstructed"
    for name, record in figures_2017q2.items():
        assert {"value", "unit", "period", "status"} <= set(record), name


def test_earlier_issue_renders_with_its_own_numbers(rendered_2017q1: Path, figures_2017q2):
    figures = json.loads((rendered_2017q1 / "figures.json").read_text())["figures"]
    earlier = figures["seizures_quarter_cannabis_herb_resin_t"]
    assert earlier["period"] == "2016-Q4"
    assert earlier["value"] != figures_2017q2["seizures_quarter_cannabis_herb_resin_t"]["value"]
    assert "October-December 2016" in (rendered_2017q1 / "01_quarterly_seizures.html").read_text()


def _notebook(folder: Path, name: str, source: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {name}"),
        nbformat.v4.new_code_cell(
            'quarter: str = "2017Q2"\ndata_dir: str = "../data"', metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_code_cell(source),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / f"{name}.ipynb")


def test_failed_render_leaves_previous_issue_untouched(tmp_path: Path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks, "01_fine", "print(quarter)")
    out = tmp_path / "reports" / "2017-Q2"
    render_issue(Quarter(2017, 2), DATA_DIR, out, notebooks)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    _notebook(notebooks, "02_broken", "raise RuntimeError('the data are wrong')")
    with pytest.raises(RenderError, match="02_broken.*RuntimeError.*the data are wrong"):
        render_issue(Quarter(2017, 2), DATA_DIR, out, notebooks)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    # Nothing else beside it but the failed run's own result (kept for inspection and --resume)
    # and the edition's lock file: no staging folder left behind.
    assert sorted(p.name for p in out.parent.iterdir()) == [".2017-Q2.lock", "2017-Q2", "2017-Q2.failed"]
    failure_page = (out.parent / "2017-Q2.failed" / "02_broken.html").read_text()
    assert "RuntimeError" in failure_page and "the data are wrong" in failure_page


def test_parameters_are_injected(tmp_path: Path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks, "01_echo", "print('ISSUE', quarter, 'DATA', data_dir)")
    data = small_data(tmp_path / "data")
    out = render_issue(Quarter(2016, 4), data, tmp_path / "out", notebooks)
    executed = nbformat.read(out / "01_echo.ipynb", as_version=4)
    printed = executed.cells[-1].outputs[0]["text"]
    assert f"ISSUE 2016-Q4 DATA {data}" in printed


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bulletin.cli.main", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("bad", ["2017Q5", "17Q2", "2017-5"])
def test_cli_refuses_malformed_quarter_with_status_2(bad):
    result = _cli("render", "--quarter", bad)
    assert result.returncode == 2
    assert "2017Q2" in result.stderr and "YYYY-Qn" in result.stderr


def test_cli_renders_elsewhere_from_other_data(tmp_path: Path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks, "01_echo", "print(quarter)")
    out = tmp_path / "try"
    data = small_data(tmp_path / "data")
    result = _cli(
        "render", "--quarter", "2017-Q1", "--data-dir", str(data), "--out", str(out),
        "--notebooks-dir", str(notebooks),
    )
    assert result.returncode == 0, result.stderr
    assert (out / "01_echo.html").exists()


def test_cli_failed_render_exits_1(tmp_path: Path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks, "01_broken", "1 / 0")
    result = _cli(
        "render", "--quarter", "2017Q2", "--out", str(tmp_path / "out"), "--notebooks-dir", str(notebooks)
    )
    assert result.returncode == 1
    assert "ZeroDivisionError" in result.stderr
    assert not (tmp_path / "out").exists()
    assert "ZeroDivisionError" in (tmp_path / "out.failed" / "01_broken.html").read_text()
