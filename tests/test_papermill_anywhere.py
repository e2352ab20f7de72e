"""papermill (and ``jupyter nbconvert --execute``) from any working folder.

The notebooks' default data folder is the project's ``data/`` wherever they run
(``data_dir: str = ""``, read by :func:`bulletin.core.paths.data_folder`); a relative
``-p data_dir`` is taken from the working folder, as a path on a command line is; the renderer's
absolute path is kept. ``papermill --help-notebook`` documents every parameter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import papermill
import pytest
from render_helpers import small_data, write_notebook

from bulletin.analyses import annual, cannabis
from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, data_folder
from bulletin.core.periods import Quarter
from bulletin.data.tables import load_table
from bulletin.render.api import find_notebooks
from bulletin.render.engine import collect_records
from bulletin.render.parameters import declared_parameters, read_notebook_json

NOTEBOOKS = find_notebooks(NOTEBOOKS_DIR)
# Where the notebook finds its tables, and how many rows it read from one.
SHOW_DATA = ("from bulletin.core.paths import data_folder\n"
             "from bulletin.data.tables import load_table\n"
             "print(data_folder(data_dir), len(load_table('seizures_quarterly', data_dir)), sep='\\n')")


def _run(command: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result


def _printed(nb: dict) -> list[str]:
    return "".join(
        "".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
        for o in c.get("outputs", []) if o.get("output_type") == "stream"
    ).splitlines()


def test_the_data_folder_of_a_parameter(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert data_folder("") == data_folder() == DATA_DIR  # wherever this runs
    assert data_folder("mine") == Path.cwd() / "mine"  # from the working folder
    assert data_folder("~/tables") == Path.home() / "tables"
    assert data_folder(str(DATA_DIR)) == DATA_DIR  # the renderer's absolute path, as it is
    assert data_folder(tmp_path / "x") == tmp_path / "x"
    shipped = load_table("seizures_quarterly", "")
    assert len(shipped) == len(load_table("seizures_quarterly", DATA_DIR)) > 0
    small_data(tmp_path / "mine")
    assert len(load_table("seizures_quarterly", "mine")) == 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_defaults_to_the_projects_data_and_documents_its_parameters(path: Path):
    declared = declared_parameters(read_notebook_json(path), path.name)
    assert declared["data_dir"].default == "", f"{path.name}: data_dir defaults to the project's data"
    # What papermill --help-notebook prints: every parameter, each with its help text.
    inferred = papermill.inspect_notebook(str(path))
    assert list(inferred) == list(declared), f"{path.name}: papermill infers other parameters"
    for name, parameter in inferred.items():
        assert parameter["help"] == declared[name].comment and parameter["help"], (
            f"{path.name}: papermill has no help for {name!r}")
        assert parameter["inferred_type_name"] == declared[name].type_name


def test_papermills_help_notebook_prints_every_parameter():
    path = NOTEBOOKS_DIR / "03_cannabis.ipynb"
    result = _run([sys.executable, "-m", "papermill", "--help-notebook", str(path)], cwd=PROJECT_ROOT)
    for parameter in declared_parameters(read_notebook_json(path)).values():
        assert f"{parameter.name}: {parameter.type_name} (default {json.dumps(parameter.default)})" in result.stdout
        assert parameter.comment in result.stdout
    assert "the project's data/" in result.stdout


@pytest.mark.slow
def test_papermill_from_another_folder_reads_the_projects_data(tmp_path: Path):
    notebook = write_notebook(tmp_path / "nb", "01_small", SHOW_DATA)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out.ipynb"
    _run([sys.executable, "-m", "papermill", "--no-progress-bar", str(notebook), str(out),
          "-p", "quarter", "2017Q1"], cwd=elsewhere)
    folder, rows = _printed(json.loads(out.read_text()))
    assert folder == str(DATA_DIR)
    assert int(rows) == len(load_table("seizures_quarterly", DATA_DIR))


@pytest.mark.slow
def test_a_relative_data_dir_is_from_where_papermill_runs_with_the_bulletin_engine(tmp_path: Path):
    notebook = write_notebook(tmp_path / "nb", "01_small", SHOW_DATA)
    elsewhere = tmp_path / "elsewhere"
    small_data(elsewhere / "my-data")
    out = tmp_path / "out.ipynb"
    _run([sys.executable, "-m", "papermill", "--no-progress-bar", "--engine", "bulletin",
          str(notebook), str(out), "-p", "data_dir", "my-data"], cwd=elsewhere)
    folder, rows = _printed(json.loads(out.read_text()))
    assert folder == str((elsewhere / "my-data").resolve())
    assert int(rows) == 3


@pytest.mark.slow
def test_nbconvert_execute_from_another_folder_reads_the_projects_data(tmp_path: Path):
    notebook = write_notebook(tmp_path / "nb", "01_small", SHOW_DATA)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
          "--output-dir", str(tmp_path / "out"), str(notebook)], cwd=elsewhere)
    folder, rows = _printed(json.loads((tmp_path / "out" / "01_small.ipynb").read_text()))
    assert folder == str(DATA_DIR)
    assert int(rows) == len(load_table("seizures_quarterly", DATA_DIR))


@pytest.mark.slow
def test_papermill_runs_a_shipped_notebook_from_the_project_root(tmp_path: Path):
    """The issue's case: papermill's own engine, from the project's folder, another quarter."""
    out = tmp_path / "out.ipynb"
    _run([sys.executable, "-m", "papermill", "--no-progress-bar", "notebooks/03_cannabis.ipynb",
          str(out), "-p", "quarter", "2017Q1"], cwd=PROJECT_ROOT)
    figures, claims = collect_records(json.loads(out.read_text()))
    # The figures the library computes from the project's data for that issue.
    seizures = load_table("seizures_annual", DATA_DIR)
    shown_to = annual.last_data_year(Quarter.parse("2017Q1"), 0)
    expected = cannabis.key_figures(
        seizures, cannabis.cannabis_by_country(seizures, 2001, shown_to),
        cannabis.cannabis_share(seizures, 2001, shown_to), shown_to,
    )
    assert shown_to == 2015 and figures and claims
    assert {f["name"]: (f["period"], f["value"]) for f in figures} == {
        f["name"]: (f["period"], pytest.approx(float(f["value"]))) for f in expected
    }
