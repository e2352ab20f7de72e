"""``bulletin status --quarter Q [--data-dir DIR] [--json]``: what each analysis will show, before a render.

For each notebook of ``notebooks/``, in reading order and with its title: the period of data it
will show for the issue, the rows of each table it reads for that period by status (official,
stated, reconstructed, estimate), and what is missing or has gaps. The facts come from
:mod:`bulletin.analyses.readiness`, which calls the functions the notebooks call to pick their
periods, with each notebook's own parameter values (the defaults of its ``parameters`` cell, as a
render without ``-p`` gives them). Nothing is written and no kernel starts.

Exit status:

- 0: every analysis has rows for its period (gaps, such as a country without a row, are listed
  but do not count);
- 1: some analysis has no row for its period, so its page would show its "no data" message
  instead of a chart or table (or a notebook is not registered in
  :data:`bulletin.analyses.readiness.ANALYSES`, so nothing can be said of it);
- 2: the quarter is not one, the render would refuse it (no table has a row from its year or the
  year before), the data folder does not exist, or a table it reads is missing or breaks its
  contract (``bulletin validate`` lists every problem).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bulletin.cli.arguments import add_data_dir_argument
from bulletin.cli.errors import describe_os_error
from bulletin.core.paths import NOTEBOOKS_DIR

if TYPE_CHECKING:
    from bulletin.analyses.readiness import Readiness
    from bulletin.core.periods import Quarter

PROG = "bulletin status"


def add_status_parser(commands: argparse._SubParsersAction) -> None:
    """Add the ``status`` subparser to the ``bulletin`` command."""
    parser = commands.add_parser(
        "status",
        help="say, before a render, what period each analysis will show and what data it lacks",
        description="For each analysis of the issue, in order: the period of data it will show, "
        "the rows of each table it reads for that period by status (official, stated, "
        "reconstructed, estimate), and what is missing. Exit status 0 when every analysis has "
        "data for its period, 1 when one has none, 2 for a bad quarter, a missing data folder or "
        "a table that cannot be read. Nothing is written.",
    )
    parser.add_argument("--quarter", required=True, help="the issue, as 2017Q3 or 2017-Q3")
    add_data_dir_argument(parser)
    parser.add_argument(
        "--notebooks-dir", type=Path, default=NOTEBOOKS_DIR,
        help="folder of the analyses, whose parameters cells give the values used (default: "
        "notebooks/)",
    )
    parser.add_argument("--json", action="store_true", help="print the facts as JSON")
    parser.set_defaults(handler=run_status)


def _refuse(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def run_status(args: argparse.Namespace) -> int:
    """Handle ``bulletin status``; returns the exit status (see the module's docstring)."""
    from bulletin.core.periods import Quarter
    from bulletin.render.parameters import check_issue

    try:
        issue = Quarter.parse(args.quarter)
    except ValueError as error:
        return _refuse(str(error))
    refused = check_issue(issue, args.data_dir)
    if refused:
        return _refuse(f"{refused[0]}; a render of it would be refused too")
    try:
        notebooks = read_notebooks(args.notebooks_dir)
    except ValueError as error:  # a notebook that is not one, or a parameters cell of another kind
        return _refuse(str(error))
    if not notebooks:
        return _refuse(f"no notebooks (NN_name.ipynb) in {args.notebooks_dir}")
    try:
        tables = load_tables([name for name, _, _ in notebooks], args.data_dir)
    except FileNotFoundError as error:
        return _refuse(f"{error}; every table of the data contract is needed (data/README.md)")
    except OSError as error:
        return _refuse(describe_os_error(error))
    except ValueError as error:  # a table that breaks its contract (TableError)
        return _refuse(f"{error}\nRun `bulletin validate --data-dir {args.data_dir}` to list the "
                       "problems of every table at once.")
    found = assess_all(issue, notebooks, tables)
    if args.json:
        print(json.dumps(status_record(issue, args.data_dir, found), indent=2, ensure_ascii=False))
    else:
        print(format_status(issue, args.data_dir, found))
    return 0 if all(result is not None and result.ready for _, _, result in found) else 1


def read_notebooks(folder: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """Each notebook of the folder in reading order: its name, title and parameter defaults.

    Raises:
        ValueError: a file that is not a notebook, or a parameters cell that is not typed
            literals (``ParameterError``), is not tagged or does not declare ``quarter``, naming
            the notebook.
    """
    from bulletin.publish.page_facts import notebook_title
    from bulletin.render.parameters import (
        cell_source,
        declared_parameters,
        parameters_cell_problems,
        read_notebook_json,
    )
    from bulletin.render.plan import find_notebooks

    found = []
    for path in find_notebooks(folder):
        try:
            content = read_notebook_json(path)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: not a notebook ({error})") from error
        for cell in content.get("cells", []):
            cell["source"] = cell_source(cell)
        declared = declared_parameters(content, path.name)
        refused = parameters_cell_problems(content, declared, str(path))
        if refused:
            raise ValueError(f"{refused[0]}; a render would refuse it too")
        title = notebook_title(content, path.stem)
        found.append((path.stem, title, {n: p.default for n, p in declared.items()}))
    return found


def load_tables(notebooks: list[str], data_dir: Path) -> dict[str, Any]:
    """The tables the notebooks read, each loaded (and checked) once."""
    from bulletin.analyses.readiness import tables_read
    from bulletin.data.tables import load_table

    return {name: load_table(name, data_dir) for name in tables_read(notebooks)}


def assess_all(
    issue: Quarter, notebooks: list[tuple[str, str, dict[str, Any]]], tables: dict[str, Any]
) -> list[tuple[str, str, Readiness | None]]:
    """Each notebook's name, title and :class:`~bulletin.analyses.readiness.Readiness` (or None)."""
    from bulletin.analyses.readiness import assess

    return [(name, title, assess(name, issue, tables, defaults))
            for name, title, defaults in notebooks]


def _counts(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return "no rows"
    return f"{total:,} row{'s' if total != 1 else ''}: " + ", ".join(
        f"{status} {count:,}" for status, count in counts.items())


def format_status(issue: Quarter, data_dir: Path,
                  found: list[tuple[str, str, Readiness | None]]) -> str:
    """What ``bulletin status`` prints: per analysis its period, rows by status, what it lacks."""
    lines = [f"Issue {issue.label} ({issue.months}), tables of {data_dir}: what each analysis "
             "will show", ""]
    for name, title, result in found:
        lines.append(f"{title} ({name})")
        if result is None:
            lines += ["  not known to bulletin status: its period and tables are not registered "
                      "in bulletin.analyses.readiness", ""]
            continue
        lines.append(f"  shows: {result.shows}")
        for part in result.tables:
            lines.append(f"  {part.table}, {part.period} ({part.what}): {_counts(part.counts())}")
        lines += [f"  MISSING: {text}" for text in result.missing]
        lines += [f"  gap: {text}" for text in result.gaps]
        lines.append("")
    lines.append(summary_line(found))
    return "\n".join(lines)


def summary_line(found: list[tuple[str, str, Readiness | None]]) -> str:
    """The last line: how many analyses have data for their period, and which do not."""
    lacking = [name for name, _, r in found if r is None or not r.ready]
    gaps = sum(len(r.gaps) for _, _, r in found if r is not None)
    head = f"{len(found) - len(lacking)} of {len(found)} analyses have data for their period"
    tail = f"; {gaps} gap{'s' if gaps != 1 else ''} listed" if gaps else ""
    if not lacking:
        return f"{head}{tail}: ready to render."
    return f"{head}{tail}; without data or not known: {', '.join(lacking)}."


def status_record(issue: Quarter, data_dir: Path,
                  found: list[tuple[str, str, Readiness | None]]) -> dict[str, Any]:
    """The same facts as :func:`format_status`, as data (``--json``)."""
    analyses = []
    for name, title, result in found:
        entry: dict[str, Any] = {"notebook": name, "title": title, "known": result is not None}
        if result is not None:
            entry.update({
                "shows": result.shows,
                "ready": result.ready,
                "tables": [{"table": p.table, "period": p.period, "what": p.what,
                            "rows": len(p.rows), "statuses": p.counts()} for p in result.tables],
                "missing": list(result.missing),
                "gaps": list(result.gaps),
            })
        analyses.append(entry)
    return {
        "issue": issue.label,
        "months": issue.months,
        "data_dir": str(data_dir),
        "ready": all(a.get("ready") for a in analyses),
        "analyses": analyses,
    }
