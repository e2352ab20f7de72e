"""Notebook hygiene: committed without outputs, parameters as literals, no logic in notebooks."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from bulletin.core.paths import NOTEBOOKS_DIR
from bulletin.render.api import find_notebooks

NOTEBOOKS = find_notebooks(NOTEBOOKS_DIR)


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOKS_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_holds_typed_literals(path: Path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected one cell tagged 'parameters'"
    tree = ast.parse(tagged[0].source)
    names = set()
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign), f"{path.name}: parameters are typed assignments"
        assert isinstance(node.value, ast.Constant), f"{path.name}: parameters are literals"
        names.add(node.target.id)
    assert {"quarter", "data_dir"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_functions_or_classes_in_notebooks(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            for node in ast.walk(ast.parse(cell.source)):
                assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Lambda)), (
                    f"{path.name}: define functions in lib/bulletin, not in notebooks"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_title_and_sections(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    headings = [c.source.strip() for c in nb.cells if c.cell_type == "markdown"]
    for section in ("## Load", "## Compute", "## Check", "## Show"):
        assert any(h.startswith(section) for h in headings), f"{path.name}: no '{section}' section"
