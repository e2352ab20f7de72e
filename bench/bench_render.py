"""Benchmark of ``bulletin render`` on the full 2017-Q2 issue: this commit against a baseline, same run.

Prints, in one run on this machine, for this checkout and for the commit before issue 18
(:data:`commit_lib.BEFORE_ISSUE_18`, exported with ``git archive``: its library, notebooks and
vocabularies), each beside its goal:

- cold: ``bulletin render`` with nothing to reuse (a fresh reports folder) and no lasting kernel
  server yet: the render starts one, as a first render on a machine does (the run keeps its
  servers in a folder of its own, so that a server an earlier run left cannot flatter it);
- the same again once that server runs, with nothing else to reuse (this checkout only);
- warm: the same render again, nothing changed (goal <= 0.5 s);
- one table changed (``seizures_quarterly`` gets a blank line at its end: same rows, new file):
  which notebooks ran, and the time (goal <= 3 s);
- floor: the code of every notebook executed in one plain Python process (imports once, no
  kernel, no HTML): the least any renderer could spend. Each floor is run ``--floor-runs`` times
  (3), the two commits alternately, and the median is printed with every run: one run swung the
  ratio by a tenth on a shared machine;
- floor with charts: the same, each chart drawn after its cell as that commit's pages need it
  (``bulletin.publish.charts.chart_output``: SVG, PNG and facts): the notebooks' own work.
  Goal: this commit's at most half the baseline's. Printed twice for this commit: as it runs
  after any render of the same data (the tables checked before come from the user's cache,
  :mod:`bulletin.data.table_cache`), and with that cache off, as on a first read;
- naive: the same notebooks through the ``papermill`` command and ``jupyter nbconvert --to html
  --no-input``, one after the other, as a user would script it (this checkout only);
- the ratios cold / naive (goal <= 0.12) and cold / floor (goal <= 2.5).

Every time is the wall-clock time of the command a user would type, from start to exit; both
commits' commands are ``python -m bulletin.cli.main`` with their own library first on
``PYTHONPATH``, run one after the other so that a busy moment weighs on both alike. The shipped
data are copied to a temporary folder for each (the "changed table" is the copy's), and the
machine's load average is printed before and after, since the benchmark shares its cores with
whatever else runs. Run it with ``make bench`` or ``python bench/bench_render.py [--quarter 2017Q2]
[--skip-naive] [--before COMMIT]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from commit_lib import BEFORE_ISSUE_18, export_lib

from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT
from bulletin.core.periods import Quarter

BIN = Path(sys.executable).parent
FLOOR_SCRIPT = r"""
import json, os, sys, io, contextlib
os.environ["MPLBACKEND"] = "Agg"
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
draw = sys.argv[2] == "charts"
if draw:
    from bulletin.publish.charts import chart_output
for path, params in json.loads(sys.argv[1]):
    nb = json.load(open(path, encoding="utf-8"))
    namespace = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            exec(compile(source, path, "exec"), namespace)
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                namespace.update(params)
            if draw:  # as the kernel does when a cell has run: each finished chart, then closed
                for number in plt.get_fignums():
                    chart_output(plt.figure(number))
                plt.close("all")
    plt.close("all")
"""
TABLE_CHANGED = "seizures_quarterly"


@dataclass
class Code:
    """One commit's code: how to run its command line, and its notebooks."""

    name: str
    notebooks: Path
    lib: Path | None = None  # None: this checkout
    figures: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    servers: Path | None = None  # where its renders look for a lasting kernel server

    def env(self) -> dict[str, str]:
        """The environment its commands run with: its library first on ``PYTHONPATH``.

        With ``servers``, its renders find (or start) their lasting kernel server there only, so
        that the first render of the run starts one, as on a machine that has not rendered yet,
        whatever servers earlier runs left; that server ends a minute after the run.
        """
        env = {**os.environ}
        if self.lib is not None:
            env["PYTHONPATH"] = str(self.lib)
        if self.servers is not None:
            env["XDG_RUNTIME_DIR"] = str(self.servers)
            env["BULLETIN_KERNEL_SERVER_IDLE"] = "60"
        return env


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``command``; the wall-clock seconds it took, and its result."""
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started, result


def render(code: Code, quarter: str, data: Path, reports: Path) -> tuple[float, dict]:
    """Time one commit's ``bulletin render``; the seconds, and the run record it wrote."""
    seconds, result = timed(
        [sys.executable, "-m", "bulletin.cli.main", "render", "--quarter", quarter,
         "--data-dir", str(data), "--reports", str(reports)],
        env=code.env(),
    )
    label = Quarter.parse(quarter).label
    folder = reports / label if result.returncode == 0 else reports / f"{label}.failed"
    if result.returncode != 0:
        print(f"   ({code.name}: render exited {result.returncode}: "
              f"{result.stderr.strip().splitlines()[-1:]})")
    record = json.loads((folder / "run.json").read_text()) if (folder / "run.json").exists() else {}
    return seconds, record


def ran(record: dict) -> list[str]:
    """The notebooks a render ran (not reused), by its run record."""
    return [n["name"] for n in record.get("notebooks", []) if not n.get("reused")]


def naive(quarter: str, data: Path, notebooks: list[Path], work: Path) -> float:
    """Seconds for plain ``papermill`` then ``nbconvert --no-input``, notebook after notebook."""
    started = time.perf_counter()
    for notebook in notebooks:
        executed = work / notebook.name
        result = subprocess.run(
            [str(BIN / "papermill"), str(notebook), str(executed), "-p", "quarter", quarter,
             "-p", "data_dir", str(data), "--cwd", str(notebook.parent), "--no-progress-bar"],
            capture_output=True, text=True,
        )
        if result.returncode != 0:
            print(f"   (papermill failed on {notebook.name})")
            continue
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            capture_output=True, text=True,
        )
    return time.perf_counter() - started


def floor(code: Code, quarter: str, data: Path, charts: bool, table_cache: bool = True) -> float:
    """Seconds for every notebook's code in one plain Python process (``charts``: drawn too).

    ``table_cache=False``: with ``BULLETIN_TABLE_CACHE=0``, every table parsed and checked from
    its CSV, as on a machine that has never read these tables.
    """
    params = {"quarter": Quarter.parse(quarter).label, "data_dir": str(data)}
    notebooks = sorted(code.notebooks.glob("[0-9][0-9]_*.ipynb"))
    env = code.env()
    if not table_cache:
        env["BULLETIN_TABLE_CACHE"] = "0"
    seconds, result = timed(
        [sys.executable, "-c", FLOOR_SCRIPT, json.dumps([[str(n), params] for n in notebooks]),
         "charts" if charts else ""],
        cwd=str(code.notebooks), env=env,
    )
    if result.returncode != 0:
        print(f"   ({code.name}: floor script failed: {result.stderr.strip().splitlines()[-1]})")
    return seconds


def floors(codes: list[Code], quarter: str, work: Path, runs: int) -> None:
    """The floors without and with charts, ``runs`` times each, the commits alternately.

    Each commit's figure is the median of its runs; its note lists them, and the first commit's
    note ``ratios`` gives each pair's ratio of the floors with charts (this / baseline).
    """
    for key, charts in (("floor", False), ("charts", True)):
        seconds: dict[str, list[float]] = {code.name: [] for code in codes}
        for _ in range(runs):  # alternately, so that a busy moment weighs on both
            for code in codes:
                seconds[code.name].append(floor(code, quarter, work / code.name / "data", charts))
        for code in codes:
            code.figures[key] = statistics.median(seconds[code.name])
            code.notes[key] = "runs " + ", ".join(f"{value:.2f}" for value in seconds[code.name])
        if key == "charts" and len(codes) > 1:
            pairs = zip(seconds[codes[0].name], seconds[codes[1].name], strict=True)
            codes[0].notes["ratios"] = ", ".join(f"{this / then:.2f}" for this, then in pairs)


def renders(code: Code, quarter: str, work: Path, step: str) -> None:
    """One step of the render figures for one commit: ``cold``, ``warm``, ``touch`` or ``served``.

    ``served``: a render with nothing to reuse (a reports folder of its own), once a lasting
    kernel server is running (this checkout's renders leave one; the baseline's did not).
    """
    data, reports = work / code.name / "data", work / code.name / "reports"
    if step == "served":
        reports = work / code.name / "reports-served"
    if step == "cold":
        shutil.copytree(DATA_DIR, data)
    if step == "touch":
        table = data / f"{TABLE_CHANGED}.csv"
        table.write_text(table.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # same rows
    seconds, record = render(code, quarter, data, reports)
    code.figures[step] = seconds
    code.notes[step] = f"ran {', '.join(ran(record)) or 'nothing'}"
    if step == "cold":
        code.notes[step] = f"{len(ran(record))} notebooks run, --jobs {record.get('jobs')}"
        code.figures["engine"] = record.get("seconds", 0.0)


def line(figure: str, now: str, before: str, goal: str, met: bool | None) -> None:
    """One row of the table: the figure, this commit's value, the baseline's, the goal."""
    verdict = "" if met is None else ("met" if met else "NOT MET")
    print(f"{figure:<46} {now:>16} {before:>16}  {goal:<22} {verdict}")


def load() -> str:
    """The load average, as ``uptime`` prints it."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def last_test_run() -> str:
    """What the last ``make test`` of this checkout recorded (see the Makefile), if any."""
    record = PROJECT_ROOT / ".make-test-time"
    return record.read_text(encoding="utf-8").strip() if record.is_file() else "no make test recorded"


def report(now: Code, before: Code | None, naive_seconds: float | None) -> None:
    """Print the table of figures."""
    print()
    line("figure", "this commit", f"baseline {before.name if before else '-'}", "goal", None)

    def pair(key: str, unit: str = "s", digits: int = 2) -> tuple[str, str]:
        old = f"{before.figures[key]:.{digits}f} {unit}" if before and key in before.figures else "-"
        return f"{now.figures[key]:.{digits}f} {unit}", old

    line("cold render (its kernel server started too)", *pair("cold"), "", None)
    line("  again, kernel server running", *pair("served"), "", None)
    warm = now.figures["warm"]
    line("warm render, nothing changed", *pair("warm"), "<= 0.5 s", warm <= 0.5)
    touched = now.figures["touch"]
    line(f"one table changed ({TABLE_CHANGED})", *pair("touch"), "<= 3 s", touched <= 3)
    print(f"{'':<46} {now.notes['touch']:>16} {before.notes.get('touch', '') if before else '':>16}")
    line("floor: notebooks' code, one process, no charts", *pair("floor"), "", None)
    line("floor with charts drawn as pages need", *pair("charts"), "", None)
    print(f"{'  (median of the runs)':<46} {now.notes['charts']:>16} "
          f"{before.notes.get('charts', '') if before else '':>16}")
    if before and before.figures.get("charts"):
        ratio = now.figures["charts"] / before.figures["charts"]
        line("  floor with charts, this / baseline", f"{ratio:.2f}", "1.00", "<= 0.5", ratio <= 0.5)
        print(f"{'  (each pair of runs)':<46} {now.notes['ratios']:>16}")
        uncached = now.figures["charts_uncached"]
        line("floor with charts, no table read before", f"{uncached:.2f} s", pair("charts")[1], "",
             None)
        line("  the same, this / baseline", f"{uncached / before.figures['charts']:.2f}", "1.00",
             "(first read)", None)
    if naive_seconds:
        line("naive papermill + nbconvert loop", f"{naive_seconds:.2f} s", "-", "", None)
        ratio = now.figures["cold"] / naive_seconds
        line("cold / naive (this commit)", f"{ratio:.2f}", "1.00", "<= 0.12", ratio <= 0.12)
        if "served" in now.figures:
            line("  the same, kernel server running", f"{now.figures['served'] / naive_seconds:.2f}",
                 "1.00", "(not the goal's)", None)
    ratio = now.figures["cold"] / now.figures["floor"]
    line("cold / floor (this commit)", f"{ratio:.2f}", "1.00", "<= 2.5", ratio <= 2.5)
    if before:
        old_ratio = before.figures["cold"] / before.figures["floor"]
        line("cold / floor (baseline commit)", f"{old_ratio:.2f}", "", "", None)
    print(f"make test: {last_test_run()} (goal <= 120 s; no same-run baseline: run make test)")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quarter", default="2017Q2")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the slow naive run")
    parser.add_argument("--floor-runs", type=int, default=3,
                        help="runs of each floor, alternating the commits; the median is printed")
    parser.add_argument("--before", default=BEFORE_ISSUE_18,
                        help="the baseline commit (empty: none)")
    args = parser.parse_args()
    notebooks = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    print(f"render benchmark: issue {args.quarter}, {len(notebooks)} notebooks, {os.cpu_count()} cores, "
          f"load average {load()}")
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        work = Path(tmp)
        now = Code("this", NOTEBOOKS_DIR)
        codes = [now]
        before = None
        if args.before:
            lib, named = export_lib(args.before, work / "export", ("lib", "notebooks", "data/reference"))
            print(f"baseline: {named}" if lib else f"(no baseline: {named})")
            if lib is not None:
                before = Code(args.before[:7], lib.parent / "notebooks", lib)
                codes.append(before)
        # Warm and changed-table renders right after the cold one, before anyone edits the library.
        servers = work / "servers"
        servers.mkdir(mode=0o700)
        for code in codes:
            code.servers = servers
        for step in ("cold", "warm", "touch", "served"):
            for code in codes:
                if step != "served" or code is now:
                    renders(code, args.quarter, work, step)
        floors(codes, args.quarter, work, args.floor_runs)
        now.figures["charts_uncached"] = floor(now, args.quarter, work / "this" / "data", True, False)
        naive_seconds = None
        if not args.skip_naive:
            (work / "naive").mkdir()
            naive_seconds = naive(Quarter.parse(args.quarter).label, work / "this" / "data",
                                  notebooks, work / "naive")
        report(now, before, naive_seconds)
    print(f"load average at the end {load()}")


if __name__ == "__main__":
    main()
