"""``bulletin render --only``, and notebooks refused before any kernel for their parameters cell."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from render_helpers import no_kernel, small_data, write_notebook

from bulletin.cli.main import main

FIGURE = (
    "from bulletin.publish import report\n"
    "report.record_figure('{name}', {value}, 'kg', quarter, 'reconstructed')\n"
    "print('RAN {name}')"
)


def _render(notebooks: Path, data: Path, out: Path, *more: str) -> int:
    return main(["render", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir",
                 str(notebooks), "--out", str(out), "--jobs", "2", *more])


def _entries(folder: Path) -> dict[str, dict]:
    record = json.loads((folder / "run.json").read_text())
    return {entry["name"]: entry for entry in record["notebooks"]}


def _figure(notebooks: Path, name: str, value: float) -> None:
    write_notebook(notebooks, name, FIGURE.format(name=name, value=value))


# --- the parameters cell: tagged, and declaring quarter --------------------------------------


def test_a_notebook_without_a_tagged_parameters_cell_is_refused_before_any_kernel(
    tmp_path: Path, monkeypatch, capsys
):
    no_kernel(monkeypatch, tmp_path)
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_fine", "print(quarter)")
    path = write_notebook(notebooks, "02_untagged", "print(quarter)")
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].metadata.pop("tags")  # the parameters cell is there, its tag is not
    nbformat.write(nb, path)
    assert _render(notebooks, data, tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert f"{path}: no cell is tagged 'parameters'" in err
    assert 'expected the cell that declares `quarter: str = "2017Q2"' in err
    assert "nothing was run" in err
    assert not (tmp_path / "out").exists()


def test_a_parameters_cell_without_quarter_is_refused_before_any_kernel(
    tmp_path: Path, monkeypatch, capsys
):
    no_kernel(monkeypatch, tmp_path)
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_fine", "print(quarter)")
    path = write_notebook(notebooks, "02_no_quarter", "print(data_dir)",
                          parameters='data_dir: str = ""  # folder of tidy tables')
    assert _render(notebooks, data, tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert f"{path}: its 'parameters' cell does not declare `quarter`" in err
    assert 'expected a line `quarter: str = "2017Q2"  # bulletin issue, YYYYQn` in it' in err
    assert not (tmp_path / "out").exists()


def test_bulletin_status_refuses_the_same_notebook(tmp_path: Path, capsys):
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    path = write_notebook(notebooks, "01_no_quarter", "print(1)", parameters="years: int = 5  # years")
    assert main(["status", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir",
                 str(notebooks)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: its 'parameters' cell does not declare `quarter`" in err
    assert "a render would refuse it too" in err


# --- --only ------------------------------------------------------------------------------------


def test_an_unknown_notebook_is_refused_with_the_list_of_notebooks(tmp_path: Path, monkeypatch, capsys):
    no_kernel(monkeypatch, tmp_path)
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    _figure(notebooks, "01_one", 1)
    _figure(notebooks, "02_two", 2)
    assert _render(notebooks, data, tmp_path / "out", "--only", "03_cannabis") == 2
    err = capsys.readouterr().err
    assert f"--only 03_cannabis: no such notebook in {notebooks} (the notebooks: 01_one, 02_two)" in err
    assert _render(notebooks, data, tmp_path / "out", "--only", "01_one", "--force") == 2
    assert "give one or the other" in capsys.readouterr().err


def test_only_with_nothing_to_reuse_is_refused_naming_what_to_render_first(
    tmp_path: Path, monkeypatch, capsys
):
    no_kernel(monkeypatch, tmp_path)
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    for name in ("01_one", "02_two", "03_three"):
        _figure(notebooks, name, 1)
    assert _render(notebooks, data, tmp_path / "out", "--only", "02_two") == 2
    err = capsys.readouterr().err
    assert "no output of 01_one, 03_three to reuse in" in err
    assert "render the issue whole first (the same command without --only)" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_only_runs_the_named_notebooks_and_reuses_the_rest(tmp_path: Path, capsys):
    notebooks, data, out = tmp_path / "nb", small_data(tmp_path / "data"), tmp_path / "out"
    for number, name in enumerate(("01_one", "02_two", "03_three", "04_four"), 1):
        _figure(notebooks, name, number)
    assert _render(notebooks, data, out) == 0
    capsys.readouterr()
    # 01 and 02 change; only 02 is named (as a file name, the way a shell completes it).
    _figure(notebooks, "01_one", 10)
    _figure(notebooks, "02_two", 20)
    assert _render(notebooks, data, out, "--only", "notebooks/02_two.ipynb") == 0
    printed = capsys.readouterr().out
    entries = _entries(out)
    assert {name for name, entry in entries.items() if not entry["reused"]} == {"02_two"}
    assert entries["02_two"]["reason"].startswith("named by --only (its source changed")
    assert entries["01_one"]["stale"] == "its source changed"
    assert "kept from out/ because --only names other notebooks, although its source changed" in (
        entries["01_one"]["reason"])
    assert "stale" not in entries["03_three"] and "stale" not in entries["04_four"]
    assert "(1 run, 3 reused)" in printed
    assert "01_one: kept from the last render although its source changed (--only)" in printed
    # The issue is published whole: every page, and the records of every notebook.
    figures = json.loads((out / "figures.json").read_text())["figures"]
    assert {name: f["value"] for name, f in figures.items()} == {
        "01_one": 1, "02_two": 20, "03_three": 3, "04_four": 4}
    front = (out / "index.html").read_text()
    assert all(f'href="{name}.html"' in front for name in entries)
    assert "RAN 02_two" in (out / "02_two.ipynb").read_text()

    # Repeated and comma-separated; an unchanged notebook named runs all the same.
    assert _render(notebooks, data, out, "--only", "03_three,04_four", "--only", "04_four") == 0
    entries = _entries(out)
    assert {name for name, entry in entries.items() if not entry["reused"]} == {"03_three", "04_four"}
    assert entries["03_three"]["reason"] == "named by --only (its last output could have been reused)"
    assert entries["01_one"]["stale"] == "its source changed"  # still kept, still stale

    # Without --only, the stale notebook runs again; the others are reused, none marked stale.
    assert _render(notebooks, data, out) == 0
    entries = _entries(out)
    assert {name for name, entry in entries.items() if not entry["reused"]} == {"01_one"}
    assert not any("stale" in entry for entry in entries.values())
    figures = json.loads((out / "figures.json").read_text())["figures"]
    assert figures["01_one"]["value"] == 10
