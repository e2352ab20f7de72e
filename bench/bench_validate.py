"""Benchmark ``bulletin validate`` (issue 15) on the shipped data.

Times, best of ``--repeat`` runs in this process (after one warm-up run: imports, the schemas):

- **validate**: ``bulletin.data.validate.validate_data_dir`` on ``data/`` (every table read, typed
  and checked against its schema and the vocabularies, then the rules between tables), what
  ``bulletin validate`` and a render with changed data run;
- **remembered**: what a render spends on the check when the data passed before
  (``bulletin.render.data_check.refuse_bad_data``: the checksums of the files it depends on);
- **baseline**, measured in the same run on the same files: ``pandas.read_csv`` of each table's
  CSV, parsing and nothing else.

It prints the seconds of each, the rows checked, the ratio validate / baseline (how much the
checks add to parsing) and the goal: the whole check in under 2 seconds. The machine is shared,
so the ratio is the steadier yardstick. Exits 1 if the shipped data is not valid.

Run: ``.venv/bin/python bench/bench_validate.py [--data-dir DIR] [--repeat K]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from timing import best_of

from bulletin.core.paths import DATA_DIR
from bulletin.data.tables import table_specs
from bulletin.data.validate import validate_data_dir
from bulletin.render.cache import DataFiles
from bulletin.render.data_check import refuse_bad_data

GOAL_SECONDS = 2.0


def read_plain(data_dir: Path) -> int:
    """The baseline: every table's CSV read by ``pandas.read_csv``, as text; the rows read."""
    return sum(
        len(pd.read_csv(data_dir / spec.filename, dtype=str, keep_default_na=False))
        for spec in table_specs().values()
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each (best)")
    args = parser.parse_args(argv)

    validate_data_dir(args.data_dir)  # warm up: imports, the schemas, the vocabularies
    report, wall = best_of(lambda: validate_data_dir(args.data_dir), args.repeat)
    if not report.valid:
        names = ", ".join(table.name for table in report.invalid) or "rules between tables"
        print(f"the data in {args.data_dir} is not valid ({names}): run bulletin validate",
              file=sys.stderr)
        return 1
    rows = report.rows
    plain_rows, plain = best_of(lambda: read_plain(args.data_dir), args.repeat)
    refuse_bad_data(DataFiles(args.data_dir))  # passed once: remembered
    _, remembered = best_of(lambda: refuse_bad_data(DataFiles(args.data_dir)), args.repeat)
    print(f"{len(report.tables)} tables, {rows:,} rows in {args.data_dir}, best of {args.repeat}:")
    print(f"  validate   {wall:7.3f} s  ({rows / wall:,.0f} rows/s; "
          f"{len(report.across)} rules between tables broken as warnings)")
    print(f"  baseline   {plain:7.3f} s  (pandas.read_csv of the same files, {plain_rows:,} rows)")
    print(f"  validate / baseline = {wall / plain:.1f} x")
    print(f"  remembered {remembered:7.3f} s  (a render's check when the data passed before)")
    met = wall < GOAL_SECONDS
    print(f"goal: the whole check in under {GOAL_SECONDS:.0f} s: "
          + (f"met ({wall:.3f} s)" if met else f"MISSED ({wall:.3f} s on this machine now)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
