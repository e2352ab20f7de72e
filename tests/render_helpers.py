"""Small notebooks and data folders for the render engine's tests (no shipped notebook needed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

PARAMETERS = 'quarter: str = "2017Q2"  # bulletin issue, YYYYQn\ndata_dir: str = ""  # folder of tidy tables; empty for the project\'s data/'
QUARTERLY_HEADER = "country,year,quarter,drug,kg,source,status\n"


def write_notebook(folder: Path, name: str, source: str, parameters: str = PARAMETERS) -> Path:
    """A thin notebook: title, a tagged parameters cell, one section with ``source``."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {name}\n\nA test analysis."),
        nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("## Show"),
        nbformat.v4.new_code_cell(source),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def write_quarterly(data_dir: Path, rows: list[str]) -> Path:
    """A small ``seizures_quarterly.csv`` (valid rows ``country,year,quarter,drug,kg``)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "seizures_quarterly.csv"
    path.write_text(QUARTERLY_HEADER + "".join(f"{r},test,reconstructed\n" for r in rows))
    return path


def small_data(data_dir: Path) -> Path:
    """A data folder with a few quarterly rows for 2016 and 2017."""
    write_quarterly(data_dir, ["KGZ,2016,4,heroin,12.5", "KGZ,2017,1,heroin,10.5", "TJK,2017,1,opium,3.0"])
    return data_dir


def bulletin(*args: str, timeout: float = 300, env: dict[str, str] | None = None,
             cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the ``bulletin`` command (``env``: variables to add to its environment)."""
    return subprocess.run(
        [sys.executable, "-m", "bulletin.cli.main", *args], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})}, cwd=cwd,
    )


def page_files(folder: Path) -> dict[str, bytes]:
    """The files of an issue folder, by name."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def kernels_of(notebook: str) -> list[int]:
    """Processes working in a render's working folder of ``notebook``: its kernels.

    Wherever they are in the process tree: a render's kernels are the children of the kernel
    server it forks them from, which may outlive it (``bulletin.render.kernel_daemon``).
    """
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cwd = os.readlink(entry / "cwd")
            except OSError:
                continue
            # <tmp>/bulletin-render-<pid>-*/<notebook>-*/work (before issue 12: <tmp>/bulletin-<notebook>-*/work)
            if re.search(rf"/(bulletin-)?{re.escape(notebook)}-[^/]+/work$", cwd):
                found.append(int(entry.name))
    return found


def no_kernel(monkeypatch, tmp_path: Path) -> None:
    """Fail the test if the render starts a kernel or a kernel server.

    With a user cache of its own: the data check is then never remembered from an earlier run and
    always runs, as on a machine that has not rendered yet (a render refused before its notebooks
    run must start no server for it).
    """
    from bulletin.render import runners

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "own-cache"))
    monkeypatch.setattr("bulletin.render.kernel.KernelForkServer.__init__", refuse)
    monkeypatch.setattr(runners, "execute_task", refuse)
