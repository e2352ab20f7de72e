"""Benchmark the trafficking routes (issue 7) at the scale of UNODC's individual seizure data.

For each size (default 100,000 and 1,000,000 cases), synthetic cases are drawn from a fixed
network of routes (``route_cases.draw_cases`` beside this script: 2006-2017, routes with up to
three transit countries, unknown countries, dates kept to the month or year, text columns typed as
``load_table`` types them; generated here, never read from or written to ``data/``), then timed,
best of ``--repeat`` runs:

- **fast**: ``routes.leg_summary`` (route building, legs, their weights by drug and window, in
  DuckDB) then ``routes.new_legs`` and ``routes.disappeared_legs`` (new-leg detection);
- **baseline**, measured in the same run on the same cases: ``routes.reference_leg_summary``, the
  straightforward pandas version (split, explode, groupby-shift), then the same detection.

Both must give the same table, or the script exits 1. It prints, per size and version, the
seconds (wall clock, and the CPU seconds of all the process's threads), cases per second, and the
peak memory above what the process held before the step (Linux: VmHWM reset through
``/proc/self/clear_refs``); then the ratio baseline/fast and the growth from the first size to the
last (10 for linear growth from 100,000 to 1,000,000).

Goal: 1,000,000 cases, legs and new legs together, in at most 1 second, growing linearly. The
machine is shared by several sessions: CPU seconds and the ratio are the steadier yardsticks.

Then the real cases (issue 18): the routes analysis of page 05 (the scope, the windows, the legs,
new and disappeared legs, origins, claims C7 and C8, the key figures, sentences and tables; all
but drawing the map) over ``data/seizure_cases.csv``, the cases imported from UNODC's IDS report,
in a fresh process, best of ``--real-repeat`` runs after loading the table. Measured in the same
run: pyarrow's plain read of the same file, and the same analysis by the library of the commit
before issue 18 (``--before``; exported with ``git archive``, see ``commit_lib``), which must give
the same results. Goal: under 1 second.

Run: ``.venv/bin/python bench/bench_routes.py [--sizes N ...] [--repeat K] [--real-repeat K]
[--before COMMIT] [--no-real]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

# The generator and the export of a commit live beside this script (bench/ is on the path).
from commit_lib import BEFORE_ISSUE_18, export_lib
from route_cases import draw_cases

from bulletin.analyses import route_windows, routes
from bulletin.core.paths import DATA_DIR

GOAL_SECONDS = 1.0
GOAL_REAL_SECONDS = 1.0
GOAL_CASES = 1_000_000
PERIOD = route_windows.BULLETIN_PERIOD
BASELINE = route_windows.BULLETIN_BASELINE
_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_mib(field: str) -> float | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Start the peak resident memory afresh (Linux); False where it cannot be."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def measure(step: Callable[[], object], repeat: int) -> tuple[object, float, float, float | None]:
    """Run ``step`` ``repeat`` times: its result, best wall and CPU seconds, peak extra MiB."""
    best_wall = best_cpu = float("inf")
    peak = None
    result = None
    for _ in range(repeat):
        resettable = _reset_peak()
        before = _status_mib("VmRSS")
        wall, cpu = time.perf_counter(), time.process_time()
        result = step()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        high = _status_mib("VmHWM")
        if resettable and before is not None and high is not None:
            peak = max(peak or 0.0, high - before)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return result, best_wall, best_cpu, peak


def fast(cases: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    summary = routes.leg_summary(cases, PERIOD, BASELINE)
    return summary, routes.new_legs(summary), routes.disappeared_legs(summary)


def baseline(cases: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    summary = routes.reference_leg_summary(cases, PERIOD, BASELINE)
    return summary, routes.new_legs(summary), routes.disappeared_legs(summary)


# Page 05's analysis over a data folder's cases, as the notebook runs it (all but the map), timed
# in a fresh process with the library on PYTHONPATH; prints its times and a digest of its results.
_REAL = """
import hashlib, json, sys, time
start = time.perf_counter()
import pandas as pd
from bulletin.analyses import route_claims, route_page, route_windows, routes
from bulletin.core.periods import Quarter
from bulletin.data.tables import load_table
imports = time.perf_counter() - start
data_dir, issue, repeat = sys.argv[1], Quarter.parse(sys.argv[2]), int(sys.argv[3])
start = time.perf_counter()
cases = load_table("seizure_cases", data_dir)
load = time.perf_counter() - start

def analysis():
    scope = routes.cases_touching(cases)
    period, baseline = route_windows.windows_for_issue(scope, issue, 6)
    in_period = route_windows.cases_within(scope, period)
    summary = routes.legs_touching(routes.leg_summary(scope, period, baseline))
    return [len(scope), period.label, baseline.label,
            route_page.main_legs_table(summary, top=5),
            route_page.changed_legs_table(routes.new_legs(summary)),
            route_page.changed_legs_table(routes.disappeared_legs(summary)),
            route_page.origin_table(scope, period),
            route_windows.cases_compared(scope, period, baseline),
            route_claims.check_claim_c7(cases), route_claims.check_claim_c8(cases),
            route_page.key_figures(scope, summary, period, baseline),
            route_page.routes_sentences(scope, summary, period, baseline),
            route_page.route_gaps_sentence(scope, period),
            route_page.origin_sentence(scope, period),
            route_page.route_gaps_table(scope, period), route_page.table_note(in_period)]

times = []
for _ in range(repeat):
    start = time.perf_counter()
    results = analysis()
    times.append(time.perf_counter() - start)

def text(item):
    if isinstance(item, pd.DataFrame):
        return item.to_csv(index=False)
    if isinstance(item, dict) and isinstance(item.get("cases"), pd.DataFrame):
        item = {k: v for k, v in item.items() if k != "cases"}
    return json.dumps(item, sort_keys=True, default=str)

digest = hashlib.sha256("\\n".join(text(r) for r in results).encode()).hexdigest()
print(json.dumps({"cases": len(cases), "scope": results[0], "period": results[1],
                  "baseline": results[2], "times": times, "load": load, "imports": imports,
                  "digest": digest}))
"""


def _real_run(lib: Path, data_dir: Path, quarter: str, repeat: int) -> dict:
    environment = {**os.environ, "PYTHONPATH": str(lib)}
    done = subprocess.run(
        [sys.executable, "-c", _REAL, str(data_dir), quarter, str(repeat)],
        check=True, capture_output=True, text=True, env=environment,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _plain_read(path: Path, repeat: int) -> float:
    import pyarrow.csv as pacsv

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        pacsv.read_csv(path)
        best = min(best, time.perf_counter() - start)
    return best


def real_cases(data_dir: Path, repeat: int, before: str, quarter: str = "2017Q2") -> int:
    """Page 05's routes analysis over the real cases, against the same run's baselines."""
    path = data_dir / "seizure_cases.csv"
    if not path.is_file():
        print(f"(no {path}: the routes analysis over the real cases is not measured)")
        return 0
    lib = Path(routes.__file__).resolve().parents[2]
    now = _real_run(lib, data_dir, quarter, repeat)
    plain = _plain_read(path, repeat)
    print(f"== the real cases: {path} ({now['cases']:,} cases, {now['scope']:,} touching the "
          f"five; issue {quarter}: {now['period']} against {now['baseline']})")
    baselines = [f"pyarrow's plain read of the same cases {plain:.3f} s"]
    old = None
    if before:
        with tempfile.TemporaryDirectory(prefix="bench-routes-before-") as folder:
            old_lib, named = export_lib(before, Path(folder))
            if old_lib is not None:
                old = _real_run(old_lib, data_dir, quarter, repeat)
                baselines.insert(0, f"the routes code of {named} {min(old['times']):.3f} s")
            else:
                print(f"  ({named})")
    best = min(now["times"])
    print(f"  loading the table (parse, schema check): {now['load']:.3f} s; the analysis's first "
          f"run in the fresh process {now['times'][0]:.3f} s; best of {repeat}: "
          + ", ".join(format(t, ".3f") for t in now["times"]) + " s")
    verdict = "met" if best < GOAL_REAL_SECONDS else "NOT met on this run"
    print(f"routes analysis over the real cases: {best:.3f} s (goal: < {GOAL_REAL_SECONDS:g} s, "
          f"{verdict}; baseline in this run: {'; '.join(baselines)})")
    if old is not None:
        print(f"  routes analysis, the commit before / this checkout: "
              f"{min(old['times']) / best:.2f} x")
        if old["digest"] != now["digest"]:
            print("  the commit before and this checkout give DIFFERENT results", file=sys.stderr)
            return 1
        print("  same results from both (tables, claims, key figures and sentences)")
    return 0


def _line(label: str, size: int, wall: float, cpu: float, peak: float | None) -> str:
    memory = "n/a" if peak is None else f"{peak:,.0f} MiB"
    return (
        f"  {label:<9} {wall:7.3f} s wall  {cpu:7.3f} s CPU  {size / wall:>12,.0f} cases/s  "
        f"peak +{memory}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast version (best)")
    parser.add_argument("--baseline-repeat", type=int, default=1, help="runs of the baseline")
    parser.add_argument("--real-repeat", type=int, default=5,
                        help="runs of the analysis over the real cases (best)")
    parser.add_argument("--before", default=BEFORE_ISSUE_18,
                        help="commit whose routes code is the real cases' baseline ('' for none)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR,
                        help="folder holding the real seizure_cases.csv")
    parser.add_argument("--no-real", action="store_true", help="skip the real cases")
    args = parser.parse_args(argv)

    fast(draw_cases(2_000, seed=1))  # warm up: imports, DuckDB's first connection
    walls: dict[int, float] = {}
    for size in args.sizes:
        cases = draw_cases(size, seed=size)
        transit = cases["transit_countries"].dropna().str.count(";").max() + 1
        print(f"{size:,} cases (up to {transit} transit countries), period {PERIOD.label} "
              f"against {BASELINE.label}:")
        (summary, new, gone), wall, cpu, peak = measure(lambda c=cases: fast(c), args.repeat)
        print(_line("fast", size, wall, cpu, peak))
        (ref_summary, ref_new, ref_gone), ref_wall, ref_cpu, ref_peak = measure(
            lambda c=cases: baseline(c), args.baseline_repeat
        )
        print(_line("baseline", size, ref_wall, ref_cpu, ref_peak))
        try:
            pd.testing.assert_frame_equal(summary, ref_summary, check_exact=False, rtol=1e-9)
            pd.testing.assert_frame_equal(new, ref_new, check_exact=False, rtol=1e-9)
            pd.testing.assert_frame_equal(gone, ref_gone, check_exact=False, rtol=1e-9)
        except AssertionError as error:
            print(f"  the fast and baseline versions disagree: {error}", file=sys.stderr)
            return 1
        print(f"  same table from both ({len(summary)} weighed legs by window and drug, "
              f"{len(new)} new, {len(gone)} disappeared); baseline / fast = "
              f"{ref_wall / wall:.1f} x wall, {ref_cpu / cpu:.1f} x CPU")
        walls[size] = wall
    if len(walls) > 1:
        small, large = min(walls), max(walls)
        print(f"growth from {small:,} to {large:,} cases: {walls[large] / walls[small]:.1f} x time "
              f"for {large / small:.0f} x cases")
    if GOAL_CASES in walls:
        met = walls[GOAL_CASES] <= GOAL_SECONDS
        print(f"goal: {GOAL_CASES:,} cases in at most {GOAL_SECONDS:.0f} s: "
              + (f"met ({walls[GOAL_CASES]:.3f} s)" if met else
                 f"MISSED ({walls[GOAL_CASES]:.3f} s on this machine now)"))
    if not args.no_real:
        return real_cases(args.data_dir, args.real_repeat, args.before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
