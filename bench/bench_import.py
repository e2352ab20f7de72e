"""Benchmark ``bulletin import`` on a generated IDS-style file of individual seizure cases.

Generates a CSV of ``--rows`` seizure cases (default 1,000,000) in a temporary folder, in the
layout of UNODC's individual drug seizures export (country and drug names as published, amounts
in grams and kilograms, a few counts of tablets, route columns, a few countries outside the
import's scope; in case-id order, as a database export), then measures, each in a fresh process and best of ``--repeat`` runs:

- the baseline: ``pyarrow.csv.read_csv`` alone on the same file (parsing, nothing else);
- the import end to end: format detection, parsing, name mapping, unit conversion, the schema's
  validation, sorting and the atomic write of ``seizure_cases.csv`` and its provenance record.

It prints rows per second, the import's time as a multiple of the baseline, and the peak memory
(resident set) of the importing process against the file's size. The goal (issue 3): at least
1,000,000 rows a second, peak memory under five times the file's size. The machine is shared,
so the baseline is the fairer yardstick: the ratio says how much the import adds to parsing.

Where the official publications are at hand (``../shared/data/official``, or ``--official``),
it also measures, in the same run (issue 13):

- the real IDS report, a zip of a 41 MB ``;``-separated CSV of 311,038 cases: the import end to
  end (detection, inflating, parsing, mapping, the scope, the duplicate count, validation, the
  write) against pyarrow's plain read of the same CSV from the same zip and (issue 18) against the
  import of the commit before issue 18 (``--before``, exported with ``git archive``; it must write
  the same ``seizure_cases.csv``), each in a fresh process, runs interleaved, best of
  ``--zip-repeat``; the goal is the same million rows a second;
- reading the official workbooks: openpyxl (read-only, the importer's reader before issue 13)
  against calamine alone and against ``bulletin.data.importers.xlsxio.read_workbook`` (calamine after
  the limits: every part inflated once and each sheet's extent scanned), best of ``--repeat``.

Run: ``.venv/bin/python bench/bench_import.py [--rows N] [--repeat K] [--official DIR]``
(``make bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

# The export of a commit lives beside this script (bench/ is on the path when the script runs).
from commit_lib import BEFORE_ISSUE_18, export_lib

GOAL_ROWS_PER_SECOND = 1_000_000
GOAL_MEMORY_RATIO = 5.0

COUNTRIES = np.array(
    [
        "Kazakhstan",
        "Kyrgyzstan",
        "Tajikistan",
        "Turkmenistan",
        "Uzbekistan",
        "Russian Federation",
        "Afghanistan",
    ]
)
OUTSIDE = np.array(["Iran (Islamic Republic of)", "Pakistan", "China"])
DRUGS = np.array(
    [
        "Heroin",
        "Opium",
        "Cannabis herb (marijuana)",
        "Cannabis resin (hashish)",
        "Methamphetamine",
        "Cocaine",
        "Tramadol",
        "Captagon",
    ]
)
TRANSIT = np.array(
    [
        "",
        "",
        "Tajikistan",
        "Tajikistan;Uzbekistan",
        "Kazakhstan",
        "Uzbekistan;Kazakhstan;Russian Federation",
    ]
)

# Peak resident memory of the measuring process: VmHWM of /proc/self/status (it starts afresh
# with the process; getrusage's ru_maxrss would carry the generating parent's peak on Linux).
_PEAK = """
def peak_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

# Each measuring script ends here once it has printed its figures: with os._exit, not the
# interpreter's shutdown, in which pyarrow's thread pool may abort the process ("terminate called
# without an active exception", apache/arrow#34314). Seen once in CI, and once in 90 runs of the
# zip baseline here, always after the figures were printed.
_EXIT = """
sys.stdout.flush()
import os
os._exit(0)
"""

_BASELINE = (
    _PEAK
    + """
import json, sys, time
import pyarrow.csv as pacsv
start = time.perf_counter()
table = pacsv.read_csv(sys.argv[1])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": table.num_rows, "peak_rss_kb": peak_kb()}))
"""
    + _EXIT
)

_IMPORT = (
    _PEAK
    + """
import json, sys, time
from bulletin.data.importers.driver import import_files
base = peak_kb()
start = time.perf_counter()
result = import_files([sys.argv[1]], sys.argv[2])
seconds = time.perf_counter() - start
report = result.reports[0]
print(json.dumps({"seconds": seconds, "rows_read": report.rows_read, "rows_kept": report.rows_kept,
                  "written": report.written.get("seizure_cases", 0),
                  "kept_apart": {k: v.count for k, v in report.kept_apart.items()},
                  "skipped": {k: v.count for k, v in report.skipped.items()},
                  "base_rss_kb": base,
                  "peak_rss_kb": peak_kb()}))
"""
    + _EXIT
)


_ZIP_BASELINE = (
    _PEAK
    + """
import json, sys, time, zipfile
import pyarrow.csv as pacsv
start = time.perf_counter()
with zipfile.ZipFile(sys.argv[1]) as archive:
    (member,) = archive.namelist()
    with archive.open(member) as stream:
        table = pacsv.read_csv(stream, parse_options=pacsv.ParseOptions(delimiter=";"))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": table.num_rows, "peak_rss_kb": peak_kb()}))
"""
    + _EXIT
)
IDS_ZIP = "unodc-ids-seizure-cases-2011-2016-no-cannabis.zip"


def generate(path: Path, rows: int, seed: int = 2017) -> None:
    """Write an IDS-style CSV of ``rows`` seizure cases (vectorised; no loop per row)."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 365 * 7, rows)
    dates = (np.datetime64("2015-01-01") + days).astype("datetime64[D]")
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    country = COUNTRIES.astype(object)[rng.integers(0, len(COUNTRIES), rows)]
    outside = rng.random(rows) < 0.03
    country[outside] = OUTSIDE[rng.integers(0, len(OUTSIDE), int(outside.sum()))]
    units = np.where(rng.random(rows) < 0.6, "Gram", "Kilogram")
    drug = DRUGS[rng.integers(0, len(DRUGS), rows)]
    tablets = np.isin(drug, ["Tramadol", "Captagon"]) & (rng.random(rows) < 0.5)
    units = np.where(tablets, "Tablet", units)
    amount = np.round(rng.gamma(1.2, 400.0, rows), 3)
    producing = np.where(rng.random(rows) < 0.3, "", COUNTRIES[rng.integers(0, 7, rows)])
    table = pa.table(
        {
            "IDS_ID": pa.array(
                np.char.add("IDS-", np.char.zfill(np.arange(1, rows + 1).astype(str), 9))
            ),
            "SEIZURE_DATE": pa.array(dates.astype(str)),
            "SEIZURE_YEAR": pa.array(years),
            "COUNTRY": pa.array(country),
            "DRUG_NAME": pa.array(drug),
            "AMOUNT": pa.array(amount),
            "DRUG_UNIT": pa.array(units),
            "PRODUCING_COUNTRY": pa.array(producing),
            "DEPARTURE_COUNTRY": pa.array(COUNTRIES[rng.integers(0, 7, rows)]),
            "TRANSIT_COUNTRY": pa.array(TRANSIT[rng.integers(0, len(TRANSIT), rows)]),
            "DESTINATION_COUNTRY": pa.array(COUNTRIES[rng.integers(0, 7, rows)]),
        }
    )
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="none"))


def _run(code: str, *args: str, lib: Path | None = None) -> dict:
    environment = None if lib is None else {**os.environ, "PYTHONPATH": str(lib)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True,
        env=environment,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def real_zip(official: Path, repeat: int, before: str = "") -> None:
    """The real IDS report: the import against pyarrow's plain read of the same CSV.

    With ``before`` (a commit), the import of that commit's library too, in the same run, its
    runs interleaved with this checkout's; both must write the same ``seizure_cases.csv``.
    """
    path = official / IDS_ZIP
    with zipfile.ZipFile(path) as archive:
        (info,) = archive.infolist()
    print(
        f"== the real IDS report: {path.name} ({path.stat().st_size / 1e6:.1f} MB, holding "
        f"{info.filename} of {info.file_size / 1e6:.1f} MB)"
    )
    with tempfile.TemporaryDirectory(prefix="bench-import-zip-") as folder:
        old_lib, named = export_lib(before, Path(folder) / "before") if before else (None, "")
        if before and old_lib is None:
            print(f"  ({named})")
        baselines, runs, old_runs = [], [], []
        for i in range(repeat):  # interleaved, so that a busy moment weighs on each alike
            baselines.append(_run(_ZIP_BASELINE, str(path)))
            runs.append(_run(_IMPORT, str(path), str(Path(folder) / f"data{i}")))
            if old_lib is not None:
                old_runs.append(
                    _run(_IMPORT, str(path), str(Path(folder) / f"old{i}"), lib=old_lib)
                )
        same = None
        if old_runs:
            written = Path(folder) / "data0" / "seizure_cases.csv"
            same = written.read_bytes() == (Path(folder) / "old0" / "seizure_cases.csv").read_bytes()
    baseline = min(baselines, key=lambda run: run["seconds"])
    best = min(runs, key=lambda run: run["seconds"])
    rate = best["rows_read"] / best["seconds"]
    plain_rate = baseline["rows"] / baseline["seconds"]
    print(
        f"  baseline, pyarrow.csv.read_csv of the CSV inside the zip, plain: "
        f"{baseline['seconds']:.3f} s ({plain_rate:,.0f} rows/s); best of {repeat}: "
        f"{', '.join(format(r['seconds'], '.2f') for r in baselines)} s"
    )
    print(
        f"  bulletin import of the zip end to end: {best['seconds']:.3f} s for "
        f"{best['rows_read']:,} rows read, {best['written']:,} written; best of {repeat}: "
        f"{', '.join(format(r['seconds'], '.2f') for r in runs)} s"
    )
    old_words = ""
    if old_runs:
        old = min(old_runs, key=lambda run: run["seconds"])
        old_rate = old["rows_read"] / old["seconds"]
        print(
            f"  the import of {named}: {old['seconds']:.3f} s ({old_rate:,.0f} rows/s); best of "
            f"{repeat}: {', '.join(format(r['seconds'], '.2f') for r in old_runs)} s; "
            + ("the same seizure_cases.csv, byte for byte" if same else
               "a DIFFERENT seizure_cases.csv")
        )
        old_words = f"; the import of commit {before}: {old_rate:,.0f} rows/s"
    verdict = "met" if rate >= GOAL_ROWS_PER_SECOND else "NOT met on this run"
    print(
        f"IDS import rows/s (real zip, end to end): {rate:,.0f} (goal: >= "
        f"{GOAL_ROWS_PER_SECOND:,} rows/s, {verdict}; baseline in this run: pyarrow's plain read "
        f"of the same CSV {plain_rate:,.0f} rows/s{old_words})"
    )
    print(
        f"IDS import time / pyarrow's plain read time: {best['seconds'] / baseline['seconds']:.2f} "
        f"(goal: <= {baseline['rows'] / GOAL_ROWS_PER_SECOND / baseline['seconds']:.2f} on this "
        f"run, i.e. the million rows a second; baseline in this run: 1.00, pyarrow's plain read)"
    )


def workbooks(official: Path, repeat: int) -> None:
    """Time openpyxl against calamine on the official workbooks."""
    import openpyxl
    from python_calamine import CalamineWorkbook

    from bulletin.data.importers import xlsxio

    def with_openpyxl(path: Path) -> int:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return sum(
                1 for sheet in workbook.worksheets for _ in sheet.iter_rows(values_only=True)
            )
        finally:
            workbook.close()

    def with_calamine(path: Path) -> int:
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            return sum(
                len(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
                for name in workbook.sheet_names
            )
        finally:
            workbook.close()

    def with_importer(path: Path) -> int:
        return sum(len(rows) for rows in xlsxio._read(path).values())

    def best(read, path: Path) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            read(path)
            times.append(time.perf_counter() - start)
        return min(times)

    print("== reading the official workbooks (best of each; seconds)")
    print(f"  {'workbook':48} {'openpyxl':>9} {'calamine':>9} {'importer':>9} {'speed-up':>9}")
    totals = [0.0, 0.0, 0.0]
    for path in sorted(official.rglob("*.xlsx")):
        times = [best(read, path) for read in (with_openpyxl, with_calamine, with_importer)]
        totals = [a + b for a, b in zip(totals, times, strict=True)]
        name = str(path.relative_to(official))
        print(
            f"  {name:48} {times[0]:9.3f} {times[1]:9.3f} {times[2]:9.3f} "
            f"{times[0] / times[2]:8.1f}x"
        )
    print(
        f"  {'all':48} {totals[0]:9.3f} {totals[1]:9.3f} {totals[2]:9.3f} "
        f"{totals[0] / totals[2]:8.1f}x"
    )
    print("workbooks, openpyxl / importer (calamine within the limits): "
          f"{totals[0] / totals[2]:.1f}")


def main(argv: list[str] | None = None) -> int:
    from bulletin.core.paths import OFFICIAL_DIR

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="seizure cases to generate")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure (best kept)")
    parser.add_argument(
        "--official", type=Path, default=OFFICIAL_DIR,
        help="folder of the official publications (the real zip and workbooks are measured "
        "when it exists)",
    )
    parser.add_argument(
        "--zip-repeat", type=int, default=7,
        help="runs of each measure of the real zip (best kept; each under a second, and the best "
        "of a few misses the quiet moments of a busy machine)",
    )
    parser.add_argument(
        "--before", default=BEFORE_ISSUE_18,
        help="commit whose import of the real zip is measured too, in the same run ('' for none)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        path = Path(folder) / "ids_export.csv"
        start = time.perf_counter()
        generate(path, args.rows)
        size = path.stat().st_size
        print(
            f"generated {args.rows:,} IDS-style rows ({size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - start:.1f} s: {path.name}"
        )
        baseline = min(
            (_run(_BASELINE, str(path)) for _ in range(args.repeat)), key=lambda run: run["seconds"]
        )
        runs = []
        for attempt in range(args.repeat):
            data_dir = Path(folder) / f"data{attempt}"
            runs.append(_run(_IMPORT, str(path), str(data_dir)))
        best = min(runs, key=lambda run: run["seconds"])
        out_size = (Path(folder) / "data0" / "seizure_cases.csv").stat().st_size
    rate = best["rows_read"] / best["seconds"]
    peak = best["peak_rss_kb"] * 1024
    own = (best["peak_rss_kb"] - best["base_rss_kb"]) * 1024
    print(
        f"baseline, pyarrow.csv.read_csv alone: {baseline['seconds']:.3f} s "
        f"({baseline['rows'] / baseline['seconds']:,.0f} rows/s)"
    )
    print(
        f"bulletin import end to end: {best['seconds']:.3f} s for {best['rows_read']:,} rows "
        f"read, {best['written']:,} written ({out_size / 1e6:.1f} MB); "
        f"best of {args.repeat}: {', '.join(format(r['seconds'], '.2f') for r in runs)} s"
    )
    print(f"  kept apart: {best['kept_apart']}; skipped: {best['skipped']}")
    print(
        f"rows per second: {rate:,.0f} (goal {GOAL_ROWS_PER_SECOND:,}: "
        f"{'met' if rate >= GOAL_ROWS_PER_SECOND else 'NOT met on this run'})"
    )
    print(f"import time / pyarrow read time: {best['seconds'] / baseline['seconds']:.2f}")
    print(
        f"peak memory (resident set of the importing process): {peak / 1e6:.0f} MB = "
        f"{peak / size:.2f} x the file's size (goal under {GOAL_MEMORY_RATIO:g} x: "
        f"{'met' if peak / size < GOAL_MEMORY_RATIO else 'NOT met'}); of which the import "
        f"itself, above the loaded libraries: {own / 1e6:.0f} MB = {own / size:.2f} x"
    )
    if (args.official / IDS_ZIP).is_file():
        real_zip(args.official, args.zip_repeat, args.before)
        workbooks(args.official, args.repeat)
    else:
        print(f"(no official publications at {args.official}: the real zip and workbooks are "
              "not measured)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
