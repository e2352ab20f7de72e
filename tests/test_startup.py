"""Start-up (issue 18): a command imports only what it needs.

Deciding that nothing changed needs no pandas, no notebook library and no plotting: a warm render
(every notebook reused) must not import them, nor must building the command line. Checked in a
fresh process, by the modules it loaded; nothing is timed here (``make bench`` times it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

HEAVY = ("pandas", "numpy", "pandera", "matplotlib", "nbformat", "nbconvert", "jsonschema",
         "papermill", "IPython", "pyarrow", "duckdb")
PROBE = """
import json, sys
from bulletin.cli.main import {call}
status = {run}
print(json.dumps({{"status": status, "loaded": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


def _in_fresh_process(code: str) -> Any:
    """Run ``code`` in a Python process of its own; the JSON it printed last."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _probe(call: str, run: str) -> dict:
    return _in_fresh_process(PROBE.format(call=call, run=run, heavy=HEAVY))


def test_building_the_command_line_imports_no_heavy_library():
    found = _probe("build_parser", "build_parser() and 0")
    assert found["loaded"] == [], found


def test_importing_the_package_reads_no_package_metadata():
    # Issue 18: `import bulletin` read its version from the installed distributions (a tenth of a
    # second, in every notebook and command); it is read when first asked for.
    loaded, version = _in_fresh_process(
        "import json, sys, bulletin; "
        "print(json.dumps(['importlib.metadata' in sys.modules, bulletin.__version__]))")
    from importlib.metadata import version as installed

    assert loaded is False and version == installed("bulletin") != "0+unknown", version


def test_bulletin_status_reads_every_analysis_without_importing_plotting():
    # Issue 18: `bulletin status` reads each analysis's period and rows and draws nothing; importing
    # the analyses imported matplotlib and seaborn (and seaborn scipy): a second of its two.
    found = _in_fresh_process(
        "import contextlib, io, json, sys\n"
        "from bulletin.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    status = main(['status', '--quarter', '2017Q2'])\n"
        "print(json.dumps({'status': status, 'said': out.getvalue(),\n"
        "                  'loaded': sorted(m for m in ('matplotlib', 'seaborn', 'scipy') if m in sys.modules)}))")
    assert found["status"] in (0, 1) and "01_quarterly_seizures" in found["said"], found
    assert found["loaded"] == [], found["loaded"]


@pytest.mark.slow
def test_a_warm_render_imports_no_heavy_library(rendered_2017q2: Path, tmp_path: Path):
    issue = tmp_path / "2017-Q2"
    shutil.copytree(rendered_2017q2, issue)  # not the shared one: a render publishes again
    found = _probe("main", f"main(['render', '--quarter', '2017Q2', '--out', {str(issue)!r}])")
    assert found["status"] == 0
    run = json.loads((issue / "run.json").read_text(encoding="utf-8"))
    assert all(entry["reused"] for entry in run["notebooks"]), "the render was not warm"
    assert found["loaded"] == [], found


def test_a_warm_render_into_a_reports_folder_imports_no_heavy_library(rendered_2017q2: Path,
                                                                      tmp_path: Path):
    # With --reports the render also lists the folder's editions (reports/index.html): that list
    # read the country vocabulary, and pandas with it, for a region's issue too.
    reports = tmp_path / "reports"
    shutil.copytree(rendered_2017q2, reports / "2017-Q2")
    # The first render into the folder makes the front page again (it links the folder's other
    # issues now); the next one, as a user's second `make report`, is warm.
    assert _probe("main", f"main(['render', '--quarter', '2017Q2', '--reports', {str(reports)!r}])")[
        "status"] == 0
    found = _probe("main", f"main(['render', '--quarter', '2017Q2', '--reports', {str(reports)!r}])")
    assert found["status"] == 0
    run = json.loads((reports / "2017-Q2" / "run.json").read_text(encoding="utf-8"))
    assert all(entry["reused"] for entry in run["notebooks"]), "the render was not warm"
    assert (reports / "index.html").is_file()
    assert found["loaded"] == [], found


def test_a_module_s_imports_are_remembered_by_its_text_and_a_bad_cache_only_means_parsing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from bulletin.render import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache._module_imports.cache_clear()
    first = cache._module_imports("bulletin.publish.pages")
    assert "bulletin.publish.report" in first[0] and first[1] is False
    remembered = list((tmp_path / "bulletin" / cache.IMPORTS_CACHE).glob("*.json"))
    assert len(remembered) == 1
    remembered[0].write_text("not json")  # a damaged entry: parsed again, same answer
    cache._module_imports.cache_clear()
    assert cache._module_imports("bulletin.publish.pages") == first
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # a cache that cannot be made
    cache._module_imports.cache_clear()
    assert cache._module_imports("bulletin.publish.pages") == first
    cache._module_imports.cache_clear()


def test_a_warm_kernel_has_every_table_schema_built_and_no_figure_left_open(monkeypatch):
    # The schemas are built on first use (issue 18): a render kernel builds them while it waits,
    # so the notebook that reads a table first does not pay for it. It also draws a chart as the
    # notebooks' charts are drawn, to the end (the warm-up swallows its errors: a chart that
    # failed there would only show here), and reads the route map's country outlines.
    import matplotlib.pyplot as plt

    from bulletin.analyses import route_map_ground
    from bulletin.data import tables
    from bulletin.publish import charts
    from bulletin.render import kernelboot

    drawn = []
    chart_images = charts.chart_images
    monkeypatch.setattr(charts, "chart_images", lambda fig: drawn.append(chart_images(fig)))
    route_map_ground.country_boxes.cache_clear()
    open_before = plt.get_fignums()  # other tests of the session may have left some
    kernelboot.warm_up()
    specs = tables.table_specs()
    assert specs and all("schema" in vars(spec) for spec in specs.values())
    assert plt.get_fignums() == open_before
    assert len(drawn) == 1 and drawn[0][1].startswith(b"\x89PNG") and "<svg" in drawn[0][0]
    assert route_map_ground.country_boxes.cache_info().currsize == 1


def test_the_kernel_server_preloads_what_notebooks_use_and_not_what_makes_the_pages():
    # Issue 18: the server imported the page-making modules too (nbformat, jsonschema and jinja2
    # behind them), a tenth of a second of every server's start that no kernel uses.
    loaded = set(_in_fresh_process(
        "import json, os, sys; os.environ['MPLBACKEND'] = 'Agg'; "
        "from bulletin.render import kernelboot; kernelboot.preload(); "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('bulletin', 'nbformat', 'jinja2', 'jsonschema', 'nbconvert'))))"))
    for used in ("bulletin.publish.report", "bulletin.publish.charts", "bulletin.publish.editions",
                 "bulletin.publish.main_points", "bulletin.analyses.route_map",
                 "bulletin.data.tables"):
        assert used in loaded, used
    assert not loaded & {"nbformat", "jinja2", "jsonschema", "nbconvert",
                         "bulletin.publish.pages", "bulletin.publish.front_page"}, loaded


def test_a_render_that_runs_notebooks_makes_its_pages_without_pandas_or_plotting(tmp_path: Path):
    # Issue 18: the page machinery imported pandas (the vocabularies, the trust words), matplotlib
    # and seaborn (one status test of the charts' module) and IPython (to display what a notebook
    # records): a second of every render that runs a notebook. The notebooks run in kernels, which
    # have them; the render's own process needs none of them once its tables have been checked
    # (the data check is remembered).
    from render_helpers import bulletin, small_data, write_notebook

    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_one", "print('first')")
    args = ["render", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir",
            str(notebooks), "--reports", str(tmp_path / "reports")]
    assert bulletin(*args).returncode == 0  # checks the tables and remembers them
    write_notebook(notebooks, "01_one", "print('second')")
    found = _in_fresh_process(
        "import json, sys\nfrom bulletin.cli.main import main\n"
        f"status = main({args!r})\n"
        "print(json.dumps({'status': status, 'loaded': sorted(m for m in "
        "('pandas', 'pandera', 'matplotlib', 'seaborn', 'scipy', 'IPython') if m in sys.modules)}))")
    assert found["status"] == 0
    run = json.loads((tmp_path / "reports" / "2017-Q2" / "run.json").read_text(encoding="utf-8"))
    assert [entry["reused"] for entry in run["notebooks"]] == [False], "the notebook did not run"
    assert "second" in (tmp_path / "reports" / "2017-Q2" / "01_one.ipynb").read_text()
    assert found["loaded"] == [], found


def test_a_render_after_a_table_changed_checks_it_in_the_kernel_server_not_in_its_process(
        tmp_path: Path):
    # Issue 18: a changed table is checked again before any kernel starts; the check imported
    # pandas and pandera into the render's process (two of the three seconds of a render after
    # one table changed). It now runs in a process forked from the kernel server, which has them:
    # same verdict, remembered as before.
    from render_helpers import bulletin, small_data, write_notebook, write_quarterly

    from bulletin.render import cache, data_check

    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_one", "from bulletin.data.tables import load_table\n"
                   "print(len(load_table('seizures_quarterly', data_dir)))")
    args = ["render", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir",
            str(notebooks), "--reports", str(tmp_path / "reports")]
    assert bulletin(*args).returncode == 0
    # Rows never checked before on this machine (the verdicts are remembered in the user's cache).
    write_quarterly(data, ["KGZ,2016,4,heroin,12.5", f"KGZ,2017,1,heroin,{time.time_ns() % 10**6}.5"])
    assert data_check.remembered_warnings(cache.DataFiles(data)) is None  # to be checked again
    found = _in_fresh_process(
        "import json, sys\nfrom bulletin.cli.main import main\n"
        f"status = main({args!r})\n"
        "print(json.dumps({'status': status, 'loaded': sorted(m for m in "
        "('pandas', 'pandera', 'matplotlib', 'seaborn', 'IPython') if m in sys.modules)}))")
    assert found["status"] == 0
    assert found["loaded"] == [], found
    assert data_check.remembered_warnings(cache.DataFiles(data)) == 0  # the verdict, remembered
    notebook = (tmp_path / "reports" / "2017-Q2" / "01_one.ipynb").read_text(encoding="utf-8")
    assert '"2\\n"' in notebook  # the notebook ran on the changed table


EXIT_PROBE = """
import atexit, gc, runpy, sys
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0, flush=True))
sys.argv = ["bulletin", *sys.argv[1:]]
{start}
"""


@pytest.mark.parametrize("start", [
    "from importlib.metadata import entry_points\n"
    "entry_points(group='console_scripts', name='bulletin')[0].load()()",
    "runpy.run_module('bulletin.cli.main', run_name='__main__')",
], ids=["console script", "python -m"])
def test_the_command_s_process_leaves_its_objects_to_the_system_at_exit(start: str, tmp_path: Path):
    # Issue 18: tearing down the objects of nbconvert, papermill and jupyter_client took 0.3-0.4 s
    # of every render, after its last line. The command's process freezes them before exiting (a
    # last collection first), with the status and output main() gives; main() itself does not.
    def command(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", EXIT_PROBE.format(start=start), *args],
                              capture_output=True, text=True, timeout=120)

    done = command("validate", "--data-dir", str(tmp_path / "missing"))
    assert done.returncode == 2 and "frozen at exit: True" in done.stdout, done
    assert str(tmp_path / "missing") in done.stderr
    (tmp_path / "made").mkdir()
    done = command("new", "12_exit_probe", "Exit probe", "--notebooks-dir", str(tmp_path / "made"))
    assert done.returncode == 0 and done.stdout.endswith("frozen at exit: True\n"), done
    assert (tmp_path / "made" / "12_exit_probe.ipynb").is_file()
    called = subprocess.run(
        [sys.executable, "-c", "import atexit, gc\n"
         "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))\n"
         "from bulletin.cli.main import main\n"
         f"print('status', main(['new', '12_called', 'Called', '--notebooks-dir', {str(tmp_path)!r}]))"],
        capture_output=True, text=True, timeout=120)
    assert "status 0" in called.stdout and "frozen at exit: False" in called.stdout, called


def test_a_command_that_writes_a_notebook_does_not_build_jsonschemas_iri_grammar(tmp_path: Path):
    # Issue 18: `bulletin new` spent 2.4 s of its 2.9 s on this grammar, which nbformat never uses
    # (`bulletin render` already skipped it; now every command does, in main()).
    found = _in_fresh_process(
        "import json, sys\nfrom bulletin.cli.main import main\n"
        f"status = main(['new', '12_probe', 'Probe', '--notebooks-dir', {str(tmp_path)!r}])\n"
        "print(json.dumps([status, 'nbformat' in sys.modules, sys.modules.get('rfc3987_syntax', 0)]))")
    assert found == [0, True, None], found
    assert (tmp_path / "12_probe.ipynb").is_file()


def test_papermill_and_jupyterlab_do_not_build_jsonschemas_iri_grammar():
    # Their commands are not ours, so main()'s skip cannot reach them: importing nbformat there
    # built rfc3987-syntax's grammar (2.4 s alone, 8 s on a busy 2-core machine; papermill --help
    # took 12 s). pyproject pins a jsonschema that does not import it (jsonschema#1428).
    found = _in_fresh_process(
        "import json, sys\nimport nbformat, jsonschema, papermill\n"
        "print(json.dumps(sorted(m for m in ('lark', 'rfc3987_syntax') if m in sys.modules)))")
    assert found == [], f"importing nbformat built the IRI grammar: {found}"
