"""Benchmark of a batch: ``bulletin render --quarter 2012Q1..2017Q4`` (24 issues) on the shipped data.

Prints, in one run on this machine:

- cold: the batch into a fresh reports folder, its time, the time per issue, and the notebooks
  run, shared (one run for the issues that show the same data, ``bulletin.render.sharing``) and
  reused, with the share not run;
- baseline, measured in the same run: one issue rendered alone into a fresh folder, times the
  number of issues: what the batch would cost with every notebook run for every issue;
- the ratio cold / baseline;
- warm: the same batch again, nothing changed (every notebook reused).

Every figure is the wall-clock time of the command a user would type. The machine's load average
is printed, since the benchmark shares its cores with whatever else runs.
Run it with ``make bench`` or ``python bench/bench_batch.py [--quarters 2012Q1..2017Q4]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed_render(*args: str) -> float:
    """Run ``bulletin render`` with ``args``; its wall-clock seconds (exits on failure)."""
    start = time.perf_counter()
    result = subprocess.run([str(BIN / "bulletin"), "render", *args], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"bulletin render {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return seconds


def count_notebooks(reports: Path) -> dict[str, int]:
    """How the batch's notebooks were made: run, shared with another issue, reused."""
    counts = {"run": 0, "shared": 0, "reused": 0}
    for record in sorted(reports.glob("*/run.json")):
        for notebook in json.loads(record.read_text())["notebooks"]:
            if notebook.get("reused"):
                counts["reused"] += 1
            elif notebook.get("shared_from"):
                counts["shared"] += 1
            else:
                counts["run"] += 1
    return counts


def describe(counts: dict[str, int]) -> str:
    """The counts in words, with the share of notebooks not run."""
    total = sum(counts.values())
    spared = counts["shared"] + counts["reused"]
    return (f"{total} notebooks: {counts['run']} run, {counts['shared']} shared, "
            f"{counts['reused']} reused ({spared / total:.0%} not run)")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarters", default="2012Q1..2017Q4", help="the batch")
    parser.add_argument("--single", default="2017Q2", help="the issue of the baseline")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as temp:
        reports, single = Path(temp) / "reports", Path(temp) / "single"
        cold = timed_render("--quarter", args.quarters, "--reports", str(reports))
        issues = len(list(reports.glob("*/run.json")))
        cold_counts = count_notebooks(reports)
        alone = timed_render("--quarter", args.single, "--reports", str(single))
        warm = timed_render("--quarter", args.quarters, "--reports", str(reports))
        warm_counts = count_notebooks(reports)
    baseline = alone * issues
    print(f"batch {args.quarters}: {issues} issues (load average {load:.2f} at the start)")
    print(f"  cold      {cold:7.1f} s  ({cold / issues:.2f} s per issue; {describe(cold_counts)})")
    print(f"  baseline  {baseline:7.1f} s  ({args.single} alone, cold: {alone:.1f} s, times {issues})")
    print(f"  cold / baseline = {cold / baseline:.2f}")
    print(f"  warm      {warm:7.1f} s  ({warm / issues:.2f} s per issue; {describe(warm_counts)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
