"""Benchmark ``bulletin status`` (issue 15) on the shipped data.

Times, best of ``--repeat`` runs:

- **command**: ``bulletin status --quarter Q`` as a user runs it, in a fresh Python process (the
  imports of pandas, pandera and the analyses included);
- **work**: in this process, after one warm-up run (imports, the schemas): reading and checking the
  tables the notebooks read, and each analysis's period and rows
  (:mod:`bulletin.analyses.readiness`).

It prints both and the goal: the command in under 2 seconds. The machine is shared: the work is the
steadier figure, the command's time moves with the load.

Run: ``.venv/bin/python bench/bench_status.py [--quarter Q] [--data-dir DIR] [--repeat K]``
(``make bench``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from timing import best_of

from bulletin.cli.status import assess_all, load_tables, read_notebooks
from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR
from bulletin.core.periods import Quarter

GOAL_SECONDS = 2.0


def run_command(quarter: str, data_dir: Path) -> int:
    """``bulletin status`` in a fresh process; its exit status (0 or 1: the data's, not an error)."""
    done = subprocess.run(
        [sys.executable, "-m", "bulletin.cli.main", "status", "--quarter", quarter,
         "--data-dir", str(data_dir)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(f"bulletin status failed ({done.returncode}): {done.stderr.strip()}")
    return done.returncode


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarter", default="2017Q3")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best)")
    args = parser.parse_args(argv)

    issue = Quarter.parse(args.quarter)
    notebooks = read_notebooks(NOTEBOOKS_DIR)

    def work() -> list:
        return assess_all(issue, notebooks, load_tables([n for n, _, _ in notebooks], args.data_dir))

    work()  # warm up: imports, the schemas, the vocabularies
    found, seconds = best_of(work, args.repeat)
    status, command = best_of(lambda: run_command(args.quarter, args.data_dir), args.repeat)
    ready = sum(1 for _, _, result in found if result is not None and result.ready)
    print(f"bulletin status --quarter {issue.label} on {args.data_dir}, best of {args.repeat}: "
          f"{ready} of {len(found)} analyses with data (exit {status})")
    print(f"  command  {command:7.3f} s  (a fresh process: imports included)")
    print(f"  work     {seconds:7.3f} s  (tables read and checked, periods and rows found)")
    met = command < GOAL_SECONDS
    print(f"goal: the command in under {GOAL_SECONDS:.0f} s: "
          + (f"met ({command:.3f} s)" if met else f"MISSED ({command:.3f} s on this machine now)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
