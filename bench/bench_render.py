"""Benchmark of ``bulletin render`` on the full 2017-Q2 issue, against naive scripting and the floor.

Prints, in one run on this machine:

- cold: ``bulletin render`` with nothing to reuse (a fresh reports folder);
- naive: the same notebooks through the ``papermill`` command and ``jupyter nbconvert --to html
  --no-input``, one after the other, as a user would script it;
- floor: the code of every notebook executed in one plain Python process (imports once, no
  kernel, no HTML): the least any renderer could spend;
- the ratios cold / naive (goal <= 0.2) and cold / floor (goal <= 3);
- warm: the same render again, nothing changed (goal <= 0.5 s, issue 18);
- one table changed: which notebooks ran, and the time.

Every figure is the wall-clock time of the command a user would type, from start to exit. The
shipped data are copied to a temporary folder first (the "changed table" is the copy's), and the
machine's load average is printed, since the benchmark shares its cores with whatever else runs.
Run it with ``make bench`` or ``python bench/bench_render.py [--quarter 2017Q2] [--skip-naive]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR
from bulletin.core.periods import Quarter

BIN = Path(sys.executable).parent
FLOOR_SCRIPT = r"""
import json, os, sys, io, contextlib
os.environ["MPLBACKEND"] = "Agg"
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
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
            if sys.argv[2]:
                for number in plt.get_fignums():
                    plt.figure(number).savefig(io.BytesIO(), format="png", bbox_inches="tight")
                plt.close("all")
    plt.close("all")
"""


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``command``; the wall-clock seconds it took, and its result."""
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started, result


def render(quarter: str, data: Path, reports: Path, *extra: str) -> tuple[float, dict]:
    """Time ``bulletin render``; the seconds, and the run record it wrote."""
    seconds, result = timed(
        [str(BIN / "bulletin"), "render", "--quarter", quarter, "--data-dir", str(data),
         "--reports", str(reports), *extra]
    )
    label = Quarter.parse(quarter).label
    folder = reports / label if result.returncode == 0 else reports / f"{label}.failed"
    if result.returncode != 0:
        print(f"   (render exited {result.returncode}: {result.stderr.strip().splitlines()[-1:]})")
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


def floor(quarter: str, data: Path, notebooks: list[Path], draw: bool = False) -> float:
    """Seconds for every notebook's code in one plain Python process (``draw``: charts to PNG)."""
    params = {"quarter": Quarter.parse(quarter).label, "data_dir": str(data)}
    seconds, result = timed(
        [sys.executable, "-c", FLOOR_SCRIPT, json.dumps([[str(n), params] for n in notebooks]),
         "draw" if draw else ""],
        cwd=str(NOTEBOOKS_DIR),
    )
    if result.returncode != 0:
        print("   (floor script failed: " + result.stderr.strip().splitlines()[-1] + ")")
    return seconds


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quarter", default="2017Q2")
    parser.add_argument("--table", default="seizures_quarterly", help="the table to change")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the slow naive run")
    args = parser.parse_args()
    notebooks = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    print(f"render benchmark: issue {args.quarter}, {len(notebooks)} notebooks, {os.cpu_count()} cores, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        tmp_path = Path(tmp)
        data = tmp_path / "data"
        shutil.copytree(DATA_DIR, data)
        reports = tmp_path / "reports"

        cold, record = render(args.quarter, data, reports)
        print(f"cold   {cold:6.2f} s  full render, nothing reused ({len(ran(record))} notebooks run, "
              f"--jobs {record.get('jobs')})")
        # Warm and changed-table renders right after the cold one, before anyone edits the library.
        warm, record = render(args.quarter, data, reports)
        print(f"warm   {warm:6.2f} s  second render, nothing changed ({len(ran(record))} run; "
              f"engine {record.get('seconds', 0):.2f} s of it; goal <= 0.5 s)")
        for entry in record.get("notebooks", []):
            if not entry.get("reused"):  # e.g. someone edited the library meanwhile
                print(f"         {entry['name']} ran: {entry.get('reason')}")

        table = data / f"{args.table}.csv"
        table.write_text(table.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # same rows
        touched, record = render(args.quarter, data, reports)
        print(f"touch  {touched:6.2f} s  {table.name} changed: ran {', '.join(ran(record)) or 'nothing'}")
        if args.skip_naive:
            naive_seconds = None
        else:
            work = tmp_path / "naive"
            work.mkdir()
            naive_seconds = naive(Quarter.parse(args.quarter).label, data, notebooks, work)
            print(f"naive  {naive_seconds:6.2f} s  papermill + nbconvert --no-input, one notebook after another")
        floor_seconds = floor(args.quarter, data, notebooks)
        print(f"floor  {floor_seconds:6.2f} s  every notebook's code in one plain Python process")
        drawn = floor(args.quarter, data, notebooks, draw=True)
        print(f"       {drawn:6.2f} s  the same, each chart also drawn to PNG as a page needs (for reference)")
        if naive_seconds:
            print(f"cold / naive = {cold / naive_seconds:.2f}  (goal <= 0.20)")
        print(f"cold / floor = {cold / floor_seconds:.2f}  (goal <= 3)")



if __name__ == "__main__":
    main()
