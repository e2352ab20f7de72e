"""The render engine on small notebooks of its own: parallel editions, failure isolation, resume,
timeouts, reuse of unchanged notebooks, parameters checked before any kernel, run.json, progress."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from render_helpers import bulletin, small_data, write_notebook, write_quarterly

from bulletin.core.periods import Quarter
from bulletin.publish.masthead import stamp_edition
from bulletin.render import engine, runners
from bulletin.render.engine import render
from bulletin.render.folders import edition_lock
from bulletin.render.plan import Edition, Options, RenderParameterError

pytestmark = pytest.mark.slow

RECORD_QUARTER = (
    "from bulletin.publish import report\n"
    "report.record_figure('the_issue', quarter, 'issue', quarter, 'reconstructed')\n"
    "open('scratch.txt', 'w').write(quarter)  # same file name in every notebook's working folder\n"
    "print('ISSUE', quarter, open('scratch.txt').read())"
)


def _run(folder: Path) -> dict:
    return json.loads((folder / "run.json").read_text())


def _ran(folder: Path) -> set[str]:
    return {n["name"] for n in _run(folder)["notebooks"] if not n["reused"]}


def test_two_quarters_rendered_at_once_do_not_mix(tmp_path: Path):
    notebooks, data, reports = tmp_path / "nb", small_data(tmp_path / "data"), tmp_path / "reports"
    write_notebook(notebooks, "01_one", RECORD_QUARTER)
    write_notebook(notebooks, "02_two", RECORD_QUARTER.replace("the_issue", "the_issue_again"))
    common = ["--data-dir", str(data), "--notebooks-dir", str(notebooks), "--reports", str(reports)]
    # Two commands at the same time, one quarter each, into the same reports folder.
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bulletin.cli.main", "render", "--quarter", quarter, *common],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for quarter in ("2017Q1", "2017Q2")
    ]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    for label in ("2017-Q1", "2017-Q2"):
        folder = reports / label
        figures = json.loads((folder / "figures.json").read_text())["figures"]
        assert figures["the_issue"]["value"] == label
        assert figures["the_issue_again"]["value"] == label
        for name in ("01_one", "02_two"):
            executed = json.loads((folder / f"{name}.ipynb").read_text())
            printed = "".join("".join(o.get("text", "")) for o in executed["cells"][-1]["outputs"])
            assert f"ISSUE {label} {label}" in printed
        assert _run(folder)["issue"] == label
    assert sorted(p.name for p in reports.iterdir() if not p.name.startswith(".")) == [
        "2017-Q1", "2017-Q2", "index.html"]
    # Whichever finished last linked both: each front page links to the other.
    assert 'rel="next" href="../2017-Q2/index.html"' in (reports / "2017-Q1" / "index.html").read_text()
    assert 'rel="prev" href="../2017-Q1/index.html"' in (reports / "2017-Q2" / "index.html").read_text()


def test_a_batch_of_quarters_gives_each_its_folder(tmp_path: Path):
    notebooks, data, reports = tmp_path / "nb", small_data(tmp_path / "data"), tmp_path / "reports"
    write_notebook(notebooks, "01_one", RECORD_QUARTER)
    result = bulletin("render", "--quarter", "2016Q4..2017Q2", "--data-dir", str(data),
                      "--notebooks-dir", str(notebooks), "--reports", str(reports))
    assert result.returncode == 0, result.stderr
    for label in ("2016-Q4", "2017-Q1", "2017-Q2"):
        figures = json.loads((reports / label / "figures.json").read_text())["figures"]
        assert figures["the_issue"]["value"] == label


def test_a_failing_notebook_leaves_the_others_rendered_and_resume_reruns_only_it(tmp_path: Path):
    notebooks, data, reports = tmp_path / "nb", small_data(tmp_path / "data"), tmp_path / "reports"
    write_notebook(notebooks, "01_fine", "print('fine', quarter)")
    broken = write_notebook(notebooks, "02_broken", "rows = {'KGZ': 1}\nrows['TJK']")
    write_notebook(notebooks, "03_fine_too", "print('fine too')")
    args = ["render", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir",
            str(notebooks), "--reports", str(reports)]

    result = bulletin(*args)
    assert result.returncode == 1
    assert "02_broken" in result.stderr and "KeyError" in result.stderr
    assert not (reports / "2017-Q2").exists()  # nothing published in place of an issue
    failed = reports / "2017-Q2.failed"
    page = (failed / "02_broken.html").read_text()
    assert "did not render" in page and "Cell 2 of 2 (Show)" in page and "KeyError" in page
    # The reason reads as a sentence after the bold one.
    assert "did not render.</strong> Cell 2 of 2 (Show) failed at line 2 with KeyError" in page
    assert "rows[&#x27;TJK&#x27;]" in page or "rows['TJK']" in page  # the failing cell is shown
    assert "fine 2017-Q2" in (failed / "01_fine.ipynb").read_text()
    assert (failed / "03_fine_too.html").exists()
    record = _run(failed)
    assert record["status"] == "failed"
    assert {n["name"]: n["status"] for n in record["notebooks"]} == {
        "01_fine": "ok", "02_broken": "failed", "03_fine_too": "ok"}

    write_notebook(notebooks, "02_broken", "rows = {'KGZ': 1}\nrows.get('TJK')")
    assert broken.exists()
    result = bulletin(*args, "--resume", "--explain")
    assert result.returncode == 0, result.stderr
    assert _ran(reports / "2017-Q2") == {"02_broken"}
    assert "02_broken: run: it failed last time (cell 2 of 2 (Show) failed at line 2 with KeyError" in result.stdout
    assert "01_fine: reuse: reused from 2017-Q2.failed/" in result.stdout
    assert not failed.exists()


def test_a_notebook_past_its_timeout_fails_alone_and_says_where(tmp_path: Path):
    notebooks, data, out = tmp_path / "nb", small_data(tmp_path / "data"), tmp_path / "out"
    write_notebook(notebooks, "01_slow", "import time\ntime.sleep(60)")
    write_notebook(notebooks, "02_quick", "print('quick')")
    result = bulletin("render", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir",
                      str(notebooks), "--out", str(out), "--timeout", "6")
    assert result.returncode == 1
    # Progress, as plain lines when not on a terminal: a line per state, and the cell of a long one.
    assert "01_slow" in result.stderr and "still running" in result.stderr and "cell 2 of 2 (Show)" in result.stderr
    assert "02_quick" in result.stderr and "done" in result.stderr
    page = (tmp_path / "out.failed" / "01_slow.html").read_text()
    assert "Cell 2 of 2 (Show) timed out after 6 s" in page
    assert "01_slow: cell 2 of 2 (Show) timed out after 6 s" in result.stderr  # the summary
    assert "quick" in (tmp_path / "out.failed" / "02_quick.ipynb").read_text()


def test_changing_a_table_reruns_exactly_the_notebooks_that_read_it(tmp_path: Path):
    notebooks, data, out = tmp_path / "nb", small_data(tmp_path / "data"), tmp_path / "out"
    (data / "seizures_annual.csv").write_text(
        "country,year,drug,kg,source,status\nKGZ,2016,heroin,50.0,test,official\n"
    )
    load = "from bulletin.data.tables import load_table\n"
    write_notebook(notebooks, "01_quarterly", load + "print(len(load_table('seizures_quarterly', data_dir)))")
    write_notebook(notebooks, "02_annual", load + "print(len(load_table('seizures_annual', data_dir)))")
    write_notebook(notebooks, "03_both", "from bulletin.data import tables\n"
                   "a = tables.load_table('seizures_annual', data_dir)\n"
                   "q = tables.load_table('seizures_quarterly', data_dir)")
    write_notebook(notebooks, "04_none", "print('no data read')")
    issue = Quarter(2017, 2)
    options = Options(data_dir=data, notebooks_dir=notebooks, jobs=2)

    [first] = render([Edition(issue, out)], options)
    assert first.ok and _ran(out) == {"01_quarterly", "02_annual", "03_both", "04_none"}
    record = _run(out)
    read = {n["name"]: sorted(n["data_read"]) for n in record["notebooks"]}
    assert read == {"01_quarterly": ["seizures_quarterly.csv"], "02_annual": ["seizures_annual.csv"],
                    "03_both": ["seizures_annual.csv", "seizures_quarterly.csv"], "04_none": []}
    for name, sha in record["tables"].items():
        assert sha == hashlib.sha256((data / name).read_bytes()).hexdigest()

    render([Edition(issue, out)], options)
    assert _ran(out) == set()  # nothing changed: everything reused

    (data / "seizures_annual.csv").write_text(
        "country,year,drug,kg,source,status\nKGZ,2016,heroin,51.0,test,official\n"
    )
    lines: list[str] = []
    render([Edition(issue, out)], options, explain=lines.append)
    assert _ran(out) == {"02_annual", "03_both"}
    assert "2017-Q2 02_annual: run: data it reads changed (seizures_annual.csv)" in lines
    assert any(line.startswith("2017-Q2 01_quarterly: reuse:") for line in lines)

    options.force = True
    render([Edition(issue, out)], options)
    assert _ran(out) == {"01_quarterly", "02_annual", "03_both", "04_none"}


def test_run_record_says_what_made_the_issue(tmp_path: Path):
    notebooks, data, out = tmp_path / "nb", small_data(tmp_path / "data"), tmp_path / "out"
    write_notebook(notebooks, "01_one", "from bulletin.data.tables import load_table\n"
                   "t = load_table('seizures_quarterly', data_dir)")
    [result] = render([Edition(Quarter(2017, 2), out)], Options(data_dir=data, notebooks_dir=notebooks))
    record = _run(out)
    assert record["status"] == "ok" and record["issue"] == "2017-Q2"
    assert len(record["project"]["commit"]) == 40
    assert {"python", "pandas", "bulletin", "nbclient"} <= set(record["packages"])
    assert set(record["tables"]) == {"seizures_quarterly.csv"}
    assert record["parameters"]["quarter"] == "2017-Q2"
    [entry] = record["notebooks"]
    assert entry["name"] == "01_one" and entry["status"] == "ok" and entry["reused"] is False
    assert entry["seconds"] > 0 and entry["parameters"] == {"quarter": "2017-Q2", "data_dir": str(data.resolve())}


def test_country_editions_and_notebooks_without_a_country(tmp_path: Path):
    notebooks, data, reports = tmp_path / "nb", small_data(tmp_path / "data"), tmp_path / "reports"
    write_notebook(notebooks, "01_by_country", "print('COUNTRY', country)",
                   parameters='quarter: str = "2017Q2"  # issue\ndata_dir: str = "../data"  # tables\n'
                   'country: str = ""  # ISO3 code of a per-country edition, empty for the region')
    write_notebook(notebooks, "02_region", "print('REGION', quarter)")
    result = bulletin("render", "--quarter", "2017Q2", "--country", "KGZ,TJK", "--data-dir", str(data),
                      "--notebooks-dir", str(notebooks), "--reports", str(reports), "--explain")
    assert result.returncode == 0, result.stderr
    for code in ("KGZ", "TJK"):
        folder = reports / f"2017-Q2-{code}"
        assert f"COUNTRY {code}" in (folder / "01_by_country.ipynb").read_text()
        assert "REGION 2017-Q2" in (folder / "02_region.ipynb").read_text()
        assert _run(folder)["country"] == code
    # The region-wide notebook ran once and was shared by both editions.
    assert "shared with another edition" in result.stdout


COUNTRY_PARAMETERS = (
    'quarter: str = "2017Q2"  # issue\ndata_dir: str = ""  # tables\n'
    'country: str = ""  # ISO3 code of a per-country edition, empty for the region'
)


def test_a_country_edition_takes_the_regions_up_to_date_output_of_an_analysis_without_a_country(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
):
    # Rendering the region, then a country's edition: an analysis that takes no country is the
    # region's in every edition, so the edition publishes the region's output (under its own
    # masthead) instead of running it again; once the region's output is stale, it runs.
    notebooks, data, reports = tmp_path / "nb", small_data(tmp_path / "data"), tmp_path / "reports"
    write_notebook(notebooks, "01_by_country", "print('COUNTRY', country)", COUNTRY_PARAMETERS)
    write_notebook(notebooks, "02_region", "from bulletin.data.tables import load_table\n"
                   "print('REGION', len(load_table('seizures_quarterly', data_dir)))")
    options = Options(data_dir=data, notebooks_dir=notebooks, reports_dir=reports)
    region, tjk = Edition(Quarter(2017, 2), reports / "2017-Q2"), Edition(Quarter(2017, 2), reports / "2017-Q2-TJK", "TJK")
    assert tjk.region_dir == region.out_dir and region.region_dir is None
    render([region], options)
    locked = []
    monkeypatch.setattr(engine, "edition_lock", lambda folder: locked.append(folder) or edition_lock(folder))
    [result] = render([tjk], options)
    assert result.ok
    assert locked == [region.out_dir, tjk.out_dir]  # no render of the region replaces it meanwhile
    entries = {entry["name"]: entry for entry in _run(tjk.out_dir)["notebooks"]}
    assert entries["01_by_country"]["reused"] is False
    assert entries["02_region"]["reused"] is True and entries["02_region"]["reused_from"] == "2017-Q2"
    assert "the region's issue" in entries["02_region"]["reason"]
    assert (tjk.out_dir / "02_region.ipynb").read_bytes() == (region.out_dir / "02_region.ipynb").read_bytes()
    page, regional = ((folder / "02_region.html").read_text() for folder in (tjk.out_dir, region.out_dir))
    assert "Tajikistan edition" in page and "Tajikistan edition" not in regional
    assert page == stamp_edition(regional, "TJK")  # the region's page, under the edition's masthead
    # The data the region's output was made from changed: the edition runs the analysis itself.
    write_quarterly(data, ["KGZ,2017,1,heroin,10.5"])
    render([tjk], options)
    entry = {e["name"]: e for e in _run(tjk.out_dir)["notebooks"]}["02_region"]
    assert entry["reused"] is False and "data it reads changed" in entry["reason"]
    assert "REGION 1" in (tjk.out_dir / "02_region.ipynb").read_text()
    # Only a folder the renderer published is reused from: the region's, up to date again but its
    # marker gone, is not.
    render([region], options)
    (region.out_dir / ".bulletin-issue.json").unlink()
    shutil.rmtree(tjk.out_dir)
    render([tjk], options)
    assert {e["name"]: e for e in _run(tjk.out_dir)["notebooks"]}["02_region"]["reused"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "colour=red"], "unknown parameter 'colour'"),
        (["-p", "years=many"], "parameter 'years' of 01_years.ipynb is declared as int"),
        (["-p", "quarter=2017Q1"], "is set with --quarter"),
        (["--quarter", "2031Q2"], "quarter 2031-Q2: no table"),
        (["--country", "FRA"], "country 'FRA' is not one of the bulletin's countries"),
    ],
)
def test_bad_parameters_are_refused_with_status_2(tmp_path: Path, args: list[str], message: str):
    notebooks, data, reports = tmp_path / "nb", small_data(tmp_path / "data"), tmp_path / "reports"
    write_notebook(notebooks, "01_years", "print(years)",
                   parameters='quarter: str = "2017Q2"  # issue\ndata_dir: str = "../data"  # tables\n'
                   'years: int = 5  # how many years to show')
    if "--quarter" not in args:
        args = ["--quarter", "2017Q2", *args]
    result = bulletin("render", *args, "--data-dir", str(data), "--notebooks-dir", str(notebooks),
                      "--reports", str(reports), timeout=60)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "nothing was run" in result.stderr
    assert not reports.exists() or not any(reports.iterdir())


def test_parameters_are_checked_before_any_kernel_starts(tmp_path: Path, monkeypatch):
    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr("bulletin.render.kernel.KernelForkServer.__init__", no_kernel)
    monkeypatch.setattr(runners, "execute_task", no_kernel)
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_fine", "print(quarter)")
    write_notebook(notebooks, "02_wrong_type", "print(quarter)",
                   parameters='quarter: int = 2017  # a year, not an issue\ndata_dir: str = "."  # tables')
    with pytest.raises(RenderParameterError) as refused:
        render([Edition(Quarter(2017, 2), tmp_path / "out")], Options(data_dir=data, notebooks_dir=notebooks))
    assert "parameter 'quarter' of 02_wrong_type.ipynb is declared as int" in str(refused.value)
    write_quarterly(data, ["KGZ,2015,1,heroin,1.0"])  # no row from 2016 or 2017
    (notebooks / "02_wrong_type.ipynb").unlink()
    with pytest.raises(RenderParameterError, match="no table .* has any row from 2016 or 2017"):
        render([Edition(Quarter(2017, 2), tmp_path / "out")], Options(data_dir=data, notebooks_dir=notebooks))
    assert not (tmp_path / "out").exists()
