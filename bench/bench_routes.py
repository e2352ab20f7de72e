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

Run: ``.venv/bin/python bench/bench_routes.py [--sizes N ...] [--repeat K]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

# The generator lives beside this script (bench/ is on the path when the script runs).
from route_cases import draw_cases

from bulletin.analyses import route_windows, routes

GOAL_SECONDS = 1.0
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
