"""``bulletin render``: its options, and what the command prints and returns.

Exit status: 0 when every edition was published; 1 when a notebook failed (its edition was not
published; the others were) or a folder could not be written; 2 for a usage error, including
parameters and issue folders refused before any kernel started; 130 / 143 when interrupted by
SIGINT / SIGTERM (the kernels are stopped, nothing is published, the published issues are left as
they were).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from bulletin.cli.arguments import add_data_dir_argument
from bulletin.core.paths import NOTEBOOKS_DIR, REPORTS_DIR
from bulletin.core.periods import Quarter


def quarters_argument(text: str) -> list[Quarter]:
    """``--quarter``: one issue (``2017Q2``, ``2017-Q2``) or a range (``2016Q1..2017Q4``)."""
    try:
        if ".." in text:
            first_text, _, last_text = text.partition("..")
            first, last = Quarter.parse(first_text), Quarter.parse(last_text)
            if last < first:
                raise ValueError(f"{text!r}: the range ends before it starts")
            quarters = [first]
            while quarters[-1] < last:
                quarters.append(quarters[-1].shift(1))
            return quarters
        return [Quarter.parse(text)]
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{error} (a range is written 2016Q1..2017Q4)") from None


def seconds_argument(text: str) -> float:
    """``--notebook-timeout``: a number of seconds, more than 0."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number of seconds, e.g. 600") from None
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(
            f"{text!r}: a time limit must be more than 0 seconds (it cannot be turned off)"
        )
    return seconds


def whole_seconds_argument(text: str) -> int:
    """``--timeout``: a whole number of seconds, more than 0 (nbclient counts whole seconds)."""
    seconds = seconds_argument(text)
    if not seconds.is_integer():
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of seconds, e.g. 600")
    return int(seconds)


def parameter_argument(text: str) -> tuple[str, str]:
    """``-p NAME=VALUE``."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip().isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE, e.g. -p years=5")
    return name.strip(), value


def add_render_parser(commands: Any) -> argparse.ArgumentParser:
    """Add ``render`` to the ``bulletin`` command's subcommands."""
    render = commands.add_parser(
        "render",
        help="execute the notebooks and write an issue's HTML report",
        description="Check the data folder, then execute every notebook for one or more issues "
        "(in parallel, reusing what has not changed, and once for the issues of a batch that "
        "show the same data) and publish each to reports/<YYYY-Qn>/ (HTML pages, executed "
        "notebooks, figures.json, claims.json, changes.json, index.html, run.json), and list "
        "every issue in reports/index.html. A notebook that fails leaves the published issue as "
        "it was; this run's result is kept in reports/<YYYY-Qn>.failed/.",
    )
    render.add_argument(
        "--quarter", type=quarters_argument, required=True, metavar="QUARTER[..QUARTER]",
        help="the issue, as 2017Q2 or 2017-Q2, or a range of issues, as 2016Q1..2017Q4",
    )
    render.add_argument(
        "--country", action="append", default=[], metavar="ISO3",
        help="render the per-country edition of this country (repeat, or KGZ,TJK) into "
        "reports/<YYYY-Qn>-<ISO3>/; notebooks that declare no country parameter show the whole "
        "region (rendered once, shared by the editions); 'region' adds the regional issue to the "
        "batch (--country region,TJK)",
    )
    add_data_dir_argument(render)
    render.add_argument(
        "--out", type=Path, default=None,
        help="folder to write the issue to (one issue only; default: reports/<YYYY-Qn>/); it is "
        "replaced whole, so it must be new, empty, or an issue bulletin render wrote",
    )
    render.add_argument(
        "--reports", type=Path, default=REPORTS_DIR,
        help="folder that holds the issues' folders (default: reports/)",
    )
    render.add_argument(
        "--notebooks-dir", type=Path, default=NOTEBOOKS_DIR, help="folder of the analyses"
    )
    render.add_argument(
        "-p", "--param", type=parameter_argument, action="append", default=[], metavar="NAME=VALUE",
        help="give a notebook parameter (checked against the notebooks' parameters cells)",
    )
    render.add_argument(
        "-j", "--jobs", type=int, default=os.cpu_count() or 1,
        help="notebooks executed at once (default: the number of cores, %(default)s)",
    )
    render.add_argument(
        "--timeout", type=whole_seconds_argument, default=600,
        help="seconds a notebook cell may run, more than 0 (default: 600)",
    )
    render.add_argument(
        "--notebook-timeout", type=seconds_argument, default=None,
        help="seconds a whole notebook may run, more than 0 (default: no limit beyond --timeout "
        "per cell)",
    )
    render.add_argument(
        "--only", action="append", default=[], metavar="NOTEBOOK",
        help="run only this notebook (e.g. 03_cannabis; repeat, or 03_cannabis,06_drug_crime) and "
        "reuse the others' last output from the issue folder, even where something they depend "
        "on changed (run.json marks them stale); refused when one has no output there yet. The "
        "issue is still published whole (front page, figures.json, ... made again)",
    )
    render.add_argument("--force", action="store_true", help="execute every notebook, reuse nothing")
    render.add_argument(
        "--resume", action="store_true",
        help="also reuse what the last failed run rendered (reports/<YYYY-Qn>.failed/): re-run "
        "only what failed or changed",
    )
    render.add_argument(
        "--explain", action="store_true",
        help="say for each notebook why it runs or is reused",
    )
    render.add_argument(
        "--pdf", action="store_true",
        help="also print each edition published to one A4 PDF in its folder, "
        "milestones-<YYYY-Qn>.pdf (headless Chromium: make browser installs it)",
    )
    render.add_argument(
        "--scheduler", metavar="ADDRESS", default=None,
        help="run the notebooks on a Dask distributed cluster (e.g. tcp://host:8786), one task "
        "per notebook; workers need the project installed and the data folder at the same path",
    )
    render.set_defaults(handler=run_render)
    return render


REGION = "REGION"
"""Given with ``--country``, the region's issue too: ``--country region,TJK`` renders both."""


def _countries(values: list[str]) -> list[str | None]:
    out: list[str | None] = []
    for value in values:
        for code in value.split(","):
            code = code.strip().upper()
            found = None if code == REGION else code
            if code and found not in out:
                out.append(found)
    return out


def _notebook_names(values: list[str]) -> tuple[str, ...]:
    """``--only``: notebook names, as ``03_cannabis``, ``03_cannabis.ipynb`` or a path to it."""
    out: list[str] = []
    for value in values:
        for name in value.split(","):
            name = Path(name.strip()).name.removesuffix(".ipynb")
            if name and name not in out:
                out.append(name)
    return tuple(out)


def _interrupted(signum: int, frame: object) -> None:
    from bulletin.render.plan import RenderInterrupted

    raise RenderInterrupted(signum)


def _interrupted_message(error: KeyboardInterrupt) -> str:
    published = getattr(error, "published", [])
    if not published:
        return "bulletin render: interrupted; the published issues are unchanged"
    return (
        "bulletin render: interrupted; published before the interrupt: "
        f"{', '.join(str(p) for p in published)}; the other issues are unchanged"
    )


def _say_stale(notebooks: list[dict[str, Any]]) -> None:
    """Name the notebooks ``--only`` kept although something they depend on changed."""
    stale = [(n["name"], n["stale"]) for n in notebooks if n.get("reused") and n.get("stale")]
    for name, why in stale:
        print(f"  {name}: kept from the last render although {why} (--only); "
              "a render without --only runs it again")


def run_render(args: argparse.Namespace) -> int:
    """Render the editions the options name; the exit status (see the module's docstring)."""
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for signum in previous:
        signal.signal(signum, _interrupted)
    try:
        return _run_render(args)
    except KeyboardInterrupt as error:
        print(_interrupted_message(error), file=sys.stderr)
        return getattr(error, "status", 128 + signal.SIGINT)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _say_results(results: list) -> int:
    """Say what became of each edition (published, or not and why); the notebooks not run again."""
    spared = 0
    for result in results:
        shared = sum(1 for n in result.notebooks if n.get("shared_from") and not n.get("reused"))
        ran = sum(1 for n in result.notebooks if not n.get("reused")) - shared
        reused = len(result.notebooks) - ran - shared
        spared += reused + shared
        region = result.edition.region_dir
        from_region = sum(1 for n in result.notebooks
                          if n.get("reused") and region and n.get("reused_from") == region.name)
        if result.ok:
            taken = f", {from_region} of them from the region's issue" if from_region else ""
            also = f", {shared} shared with another edition or issue (same data)" if shared else ""
            print(
                f"issue {result.edition.label} written to {result.folder} "
                f"({ran} run, {reused} reused{taken}{also})"
            )
            _say_stale(result.notebooks)
        else:
            print(
                f"issue {result.edition.label} NOT published: {len(result.problems)} problem(s); "
                f"the previous issue is untouched; this run's pages are in {result.folder}",
                file=sys.stderr,
            )
            for problem in result.problems:
                print(f"  - {problem}", file=sys.stderr)
    return spared


def _run_render(args: argparse.Namespace) -> int:
    from bulletin.cli.pdf import pdf_problem, write_issue_pdfs
    from bulletin.render.engine import render
    from bulletin.render.plan import (
        Options,
        RenderError,
        RenderParameterError,
        check_targets,
        editions_for,
    )
    from bulletin.render.progress import Progress

    started = time.perf_counter()
    if args.jobs < 1:
        print("bulletin render: error: --jobs must be 1 or more", file=sys.stderr)
        return 2
    if args.pdf and (problem := pdf_problem()):
        print(f"bulletin render: error: --pdf: {problem}; nothing was run", file=sys.stderr)
        return 2
    try:
        editions = editions_for(args.quarter, _countries(args.country), args.out, args.reports)
        options = Options(
            data_dir=Path(args.data_dir).resolve(),
            notebooks_dir=args.notebooks_dir,
            jobs=args.jobs,
            force=args.force,
            resume=args.resume,
            cell_timeout=args.timeout,
            notebook_timeout=args.notebook_timeout,
            scheduler=args.scheduler,
            extra=dict(args.param),
            reports_dir=Path(args.reports),
            only=_notebook_names(args.only),
        )
        # Before anything is read or started: a folder that is not the renderer's to replace.
        problems = check_targets(editions, options)
        if problems:
            raise RenderParameterError(problems)
        explain = (lambda line: print(line, flush=True)) if args.explain else None
        results = render(editions, options, Progress(), explain)
    except RenderParameterError as error:
        for problem in error.problems:
            print(f"bulletin render: error: {problem}", file=sys.stderr)
        print("bulletin render: nothing was run; the published issues are unchanged", file=sys.stderr)
        return 2
    except RenderError as error:
        print(f"bulletin render: error: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    failed = [r for r in results if not r.ok]
    spared = _say_results(results)
    if failed:
        if args.pdf and len(failed) < len(results):
            write_issue_pdfs([r.folder for r in results if r.ok])
        timed_out = any("timed out after" in p for r in failed for p in r.problems)
        print(
            f"bulletin render: {len(failed)} of {len(results)} edition(s) failed in {seconds:.1f} s; "
            "fix the notebooks" + (" (or give them more time)" if timed_out else "")
            + " and run again with --resume to re-run only what failed or changed",
            file=sys.stderr,
        )
        return 1
    if len(results) > 1:  # a batch: what each issue cost, and how much was not run again
        total = sum(len(r.notebooks) for r in results)
        print(f"{len(results)} editions: {seconds / len(results):.1f} s per edition; {spared} of "
              f"{total} notebooks reused or shared ({spared / max(total, 1):.0%}), "
              f"{total - spared} run")
    print(f"rendered {len(results)} edition(s) in {seconds:.1f} s")
    return write_issue_pdfs([r.folder for r in results]) if args.pdf else 0
