"""``papermill --engine bulletin``: a notebook run by papermill's own command, as ``bulletin render`` runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import psutil
import pytest
from render_helpers import small_data, write_notebook

from bulletin.core.paths import NOTEBOOKS_DIR, PROJECT_ROOT, REFERENCE_DIR_ENV
from bulletin.render.engine import collect_records
from bulletin.render.execute import _failure, parameterized_notebook
from bulletin.render.kernel_run import KernelRun, kernel_environment
from bulletin.render.papermill_engine import BulletinEngine
from bulletin.render.parameters import read_notebook_json
from bulletin.render.plan import Notebook, Task
from bulletin.render.processes import TOKEN_ENV

SHOW_KERNEL = "import os, sys\nprint(quarter, os.getcwd(), sys.executable, os.environ['TMPDIR'], sep='\\n')"


def papermill(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run papermill's own command with this interpreter."""
    return subprocess.run([sys.executable, "-m", "papermill", "--no-progress-bar", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=timeout)


def stdout_of(nb: dict) -> str:
    """Everything the notebook's cells printed."""
    return "".join(
        "".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
        for o in c.get("outputs", []) if o.get("output_type") == "stream"
    )


def test_the_engine_is_papermills_through_its_entry_point():
    from papermill.engines import papermill_engines

    # The class, or the module that answers papermill's calls with the class's methods (what
    # papermill holds when it loaded its entry points again, e.g. after a --help-notebook).
    registered = papermill_engines.get_engine("bulletin")
    assert registered is BulletinEngine or (
        registered.__name__ == "bulletin.render.papermill_engine"
        and registered.execute_notebook == BulletinEngine.execute_notebook
    )
    [entry] = [e for e in metadata.entry_points(group="papermill.engine") if e.name == "bulletin"]
    engine = entry.load()  # the module: papermill may load it while it is being imported
    assert engine.__name__ == "bulletin.render.papermill_engine"
    for method in ("execute_notebook", "nb_kernel_name", "nb_language"):
        assert getattr(engine, method) == getattr(BulletinEngine, method)


def test_the_engine_can_be_imported_before_papermill():
    code = ("from bulletin.render.papermill_engine import BulletinEngine\n"
            "from papermill.engines import papermill_engines\n"
            "assert papermill_engines.get_engine('bulletin') is BulletinEngine")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60).returncode == 0


def test_the_engine_runs_python_whatever_the_notebook_names():
    import nbformat

    nb = nbformat.v4.new_notebook()
    assert BulletinEngine.nb_kernel_name(nb) == "python3"
    assert BulletinEngine.nb_language(nb) == "python"
    nb.metadata["kernelspec"] = {"name": "my-env", "language": "python"}
    assert BulletinEngine.nb_kernel_name(nb) == "my-env"  # recorded, but the project kernel runs it


def _task(tmp_path: Path, source: str = "print(quarter)") -> Task:
    path = write_notebook(tmp_path / "nb", "01_small", source)
    notebook = Notebook(path, read_notebook_json(path), "sha", {})
    return Task("key", notebook, {"quarter": "2017Q1", "data_dir": "/data"}, "2017-Q1 01_small")


def test_the_render_prepares_a_notebook_as_papermill_does(tmp_path: Path):
    task = _task(tmp_path)
    nb = parameterized_notebook(task)
    tags = [c.metadata.tags for c in nb.cells]
    assert tags == [[], ["parameters"], ["injected-parameters"], [], []]
    assert nb.cells[2].source == '# Parameters\nquarter = "2017Q1"\ndata_dir = "/data"\n'
    assert nb.metadata.papermill["parameters"] == task.parameters
    assert nb.metadata.papermill["input_path"] == str(task.notebook.path)
    assert task.notebook.content["cells"][1]["metadata"] == {"tags": ["parameters"]}  # not changed


def test_papermills_error_reads_as_a_sentence_naming_the_cell_and_line(tmp_path: Path):
    from papermill.exceptions import PapermillExecutionError

    nb = parameterized_notebook(_task(tmp_path, "x = 1\nraise ValueError('no such drug')"))
    error = PapermillExecutionError(4, 2, nb.cells[4].source, "ValueError", "no such drug",
                                    ["\x1b[31mValueError\x1b[0m", "Cell In[2], line 2"])
    status, record = _failure(nb, 4, error, KernelRun(temp_root=tmp_path))
    assert status == "failed"
    assert record["summary"] == "cell 2 of 2 (Show) failed at line 2 with ValueError: no such drug"
    assert record["traceback"] == "ValueError\nCell In[2], line 2"  # no colour codes


def test_the_kernels_environment_is_its_own(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("JPY_PARENT_PID", "1")
    data = tmp_path / "data"
    (data / "reference").mkdir(parents=True)
    run = KernelRun(temp_root=tmp_path, env={"BULLETIN_TRACE_FILE": "t"}, data_dir=data)
    env = kernel_environment(run, tmp_path / "nb", "token-1")
    assert env[TOKEN_ENV] == "token-1" and env["BULLETIN_TRACE_FILE"] == "t"
    assert env["TMPDIR"] == str(tmp_path / "nb" / "tmp")
    assert env[REFERENCE_DIR_ENV] == str(data / "reference")
    assert "JPY_PARENT_PID" not in env


@pytest.mark.slow
def test_papermill_injects_the_parameters_and_runs_the_project_kernel_where_papermill_runs(tmp_path: Path):
    notebook = write_notebook(tmp_path / "nb", "01_small", SHOW_KERNEL)
    out = tmp_path / "out.ipynb"
    result = papermill("--engine", "bulletin", str(notebook), str(out), "-p", "quarter", "2017Q1",
                       cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    nb = json.loads(out.read_text())
    tags = [c["metadata"].get("tags", []) for c in nb["cells"]]
    assert tags.index(["injected-parameters"]) == tags.index(["parameters"]) + 1
    assert nb["metadata"]["papermill"]["parameters"] == {"quarter": "2017Q1"}
    assert all(c["metadata"]["papermill"]["status"] == "completed" for c in nb["cells"])
    quarter, cwd, python, tmp = stdout_of(nb).splitlines()
    assert quarter == "2017Q1"
    assert cwd == str(tmp_path.resolve())  # as papermill's own engine: a relative -p is from there
    assert python == sys.executable  # the project's kernel, not an installed kernel spec
    assert "bulletin-render-" in tmp and not os.path.exists(tmp)  # its own temporary folder, removed


@pytest.mark.slow
def test_a_failing_notebook_ends_with_papermills_error_cells_and_leaves_no_process(tmp_path: Path):
    source = ("import subprocess, sys\n"
              "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
              "print(child.pid)\n"
              "raise ValueError('no such drug')")
    notebook = write_notebook(tmp_path / "nb", "01_failing", source)
    out = tmp_path / "out.ipynb"
    result = papermill("--engine", "bulletin", str(notebook), str(out), cwd=tmp_path)
    assert result.returncode != 0
    assert "ValueError" in result.stderr and "no such drug" in result.stderr
    nb = json.loads(out.read_text())
    assert any("papermill-error-cell-tag" in c["metadata"].get("tags", []) for c in nb["cells"])
    assert nb["metadata"]["papermill"]["exception"] is True
    child = int(stdout_of(nb).split()[0])
    deadline = time.monotonic() + 10
    while psutil.pid_exists(child) and psutil.Process(child).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the notebook's process outlived it"
        time.sleep(0.1)


@pytest.mark.slow
def test_a_cell_past_papermills_execution_timeout_stops_the_notebook(tmp_path: Path):
    notebook = write_notebook(tmp_path / "nb", "01_slow", "import time\ntime.sleep(120)")
    started = time.monotonic()
    result = papermill("--engine", "bulletin", "--execution-timeout", "2", str(notebook),
                       str(tmp_path / "out.ipynb"), cwd=tmp_path)
    assert result.returncode != 0
    assert "CellTimeoutError" in result.stderr or "timed out" in result.stderr
    assert time.monotonic() - started < 60


@pytest.mark.slow
@pytest.mark.parametrize("parameters", [["-p", "quarter", "2017Q2"], []], ids=["quarter", "defaults"])
def test_papermill_renders_a_shipped_notebook_as_bulletin_render_does(
    tmp_path: Path, figures_2017q2: dict[str, dict], parameters: list[str]
):
    """From the project's folder, with or without parameters: the figures of the rendered issue."""
    out = tmp_path / "out.ipynb"
    notebook = NOTEBOOKS_DIR.relative_to(PROJECT_ROOT) / "01_quarterly_seizures.ipynb"
    result = papermill("--engine", "bulletin", str(notebook), str(out), *parameters, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr
    figures, claims = collect_records(json.loads(out.read_text()))
    assert figures
    rendered = {name: record for name, record in figures_2017q2.items()
                if record["notebook"] == "01_quarterly_seizures"}
    assert {f.pop("name"): f for f in figures} == {
        name: {k: v for k, v in record.items() if k != "notebook"} for name, record in rendered.items()
    }


EXECUTE_PROBE = """
import asyncio, json, sys, threading
from pathlib import Path
from bulletin.render import execute, kernel
from bulletin.render.plan import Task, read_notebooks

{setup}
folder, data = Path(sys.argv[1]), Path(sys.argv[2])
notebook = read_notebooks(folder)[0]
task = Task(key="k", notebook=notebook, parameters={{"quarter": "2017Q2", "data_dir": str(data)}},
            label="2017-Q2 " + notebook.name)
outcome = asyncio.run(execute.execute_task(task, None, data, 60, None, temp_root=folder))
if outcome.error:  # shown by a failing assertion: which cell, and what it said
    print(json.dumps(outcome.error, default=str)[:2000], file=sys.stderr)
print(json.dumps([outcome.status, {seen}, kept_waiting]))
"""

KERNEL_BEFORE_PAPERMILL = """
started, kept_waiting = threading.Event(), []
class HeldPapermill:  # papermill is imported only once a kernel has been asked to start
    def find_spec(self, name, path=None, target=None):
        if name == "papermill":
            sys.meta_path.remove(self)
            kept_waiting.append(not started.wait(timeout=10))
        return None
sys.meta_path.insert(0, HeldPapermill())
start = kernel.AsyncProjectKernelManager.start_kernel
async def start_kernel(self, **kwargs):
    started.set()
    return await start(self, **kwargs)
kernel.AsyncProjectKernelManager.start_kernel = start_kernel
"""

PAGE_WHILE_THE_KERNEL_ENDS = """
page_started, kept_waiting = threading.Event(), []
make_page = execute._page
def page(*args):
    page_started.set()
    return make_page(*args)
execute._page = page
shutdown = kernel.AsyncProjectKernelManager.shutdown_kernel
async def shutdown_kernel(self, **kwargs):  # the kernel ends only once its page is being made
    kept_waiting.append(not await asyncio.to_thread(page_started.wait, 10))
    return await shutdown(self, **kwargs)
kernel.AsyncProjectKernelManager.shutdown_kernel = shutdown_kernel
"""


def _execute_probe(tmp_path: Path, source: str, setup: str, seen: str) -> subprocess.CompletedProcess:
    """``execute_task`` on a one-cell notebook in a process of its own, after ``setup``.

    It prints the outcome's status, the value of the expression ``seen`` and ``kept_waiting``.
    """
    write_notebook(tmp_path / "nb", "01_probe", source)
    script = EXECUTE_PROBE.format(setup=setup, seen=seen)
    return subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "nb"), str(small_data(tmp_path / "data"))],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
    )


def _no_kernel_left(tmp_path: Path) -> None:
    assert [p.name for p in (tmp_path / "nb").iterdir()] == ["01_probe.ipynb"]  # no kernel folder left
    assert not any("01_probe-" in " ".join(p.info["cmdline"] or []) or
                   (p.info["cwd"] or "").startswith(str(tmp_path)) for p in psutil.process_iter(["cmdline", "cwd"]))


def test_the_first_kernel_starts_while_papermill_is_imported(tmp_path: Path):
    # Issue 18: papermill takes most of a second to import and a kernel 0.4 s to answer; the first
    # notebook's kernel used to start only once papermill was imported. Here papermill's import
    # waits (10 s at most) until a kernel is asked to start: it need not wait, and the notebook runs.
    done = _execute_probe(tmp_path, "print(quarter)", KERNEL_BEFORE_PAPERMILL, '"papermill" in sys.modules')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["ok", True, [False]], done.stderr


def test_a_kernel_started_for_a_notebook_that_cannot_be_prepared_is_ended(tmp_path: Path):
    # The kernel starts before the notebook is prepared (papermill injects its parameters): when
    # that fails, the error goes on as before, and the kernel, its processes and folder are gone.
    broken = ("def broken(task):\n    raise ValueError('cannot prepare ' + task.label)\n"
              "execute.parameterized_notebook = broken\n")
    done = _execute_probe(tmp_path, "print(quarter)", KERNEL_BEFORE_PAPERMILL + broken, "None")
    assert done.returncode == 1 and "ValueError: cannot prepare 2017-Q2 01_probe" in done.stderr, done.stderr
    _no_kernel_left(tmp_path)


def test_the_page_is_made_while_the_kernel_ends(tmp_path: Path):
    # Issue 18: the page of a notebook was made only once its kernel and the processes it started
    # had ended (a tenth of a second), on the critical path of a render that runs one notebook.
    # Here the kernel's end waits (10 s at most) until the page is being made: it need not wait,
    # and when the task is done, the kernel, its processes and its folder are gone.
    done = _execute_probe(tmp_path, "from IPython.display import Markdown\nMarkdown('probe ' + quarter)",
                          PAGE_WHILE_THE_KERNEL_ENDS, '"probe 2017Q2" in outcome.html')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["ok", True, [False]], done.stderr
    _no_kernel_left(tmp_path)


def test_the_page_machinery_is_made_ready_after_what_runs_the_first_notebook():
    # Issue 18: the thread that makes the page machinery ready imported nbconvert while the first
    # notebook's thread imported papermill; side by side they held each other up and the first
    # cell ran half a second later. The thread imports (or waits for) papermill first. Then psutil,
    # which the end of the first kernel imported, on the way to its page.
    code = (
        "import json, sys\norder = []\n"
        "class Watch:\n    def find_spec(self, name, path=None, target=None):\n"
        "        if name in ('papermill', 'nbconvert', 'psutil'):\n            order.append(name)\n"
        "sys.meta_path.insert(0, Watch())\n"
        "from bulletin.render.runners import _import_page_machinery\n"
        "_import_page_machinery()\nprint(json.dumps(order))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["papermill", "nbconvert", "psutil"]
