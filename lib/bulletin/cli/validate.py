"""``bulletin validate``: check every table of the data folder before anything runs.

Each table is checked against its schema and the vocabularies (those of the data folder's own
``reference/`` when it has one), every table even when an earlier one fails, then the rules between tables
(:mod:`bulletin.data.cross_checks`): their errors count as problems, their warnings are printed and
kept. The command prints,
for each table with problems, its file and then each problem on a line of its own (line, column,
what was found, what was expected), and a summary line with the time the check took.

Exit status: 0 when every table is valid; 2 when a table has a problem (bad input: the user mends
a file) or the data folder is missing or cannot be read (one sentence, no traceback; ``--debug``
shows it).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bulletin.cli.arguments import add_data_dir_argument
from bulletin.cli.errors import describe_os_error

if TYPE_CHECKING:
    from bulletin.data.validate import ValidationReport


def add_validate_parser(commands: argparse._SubParsersAction) -> None:
    """Add the ``validate`` subparser to the ``bulletin`` command."""
    parser = commands.add_parser(
        "validate",
        help="check every table of the data folder against its schema and the vocabularies",
        description="Check every table of the data folder against its schema and the "
        "vocabularies of the folder's reference/ (or the project's) and list every problem at "
        "once: file, line, column, what was found and what was expected. Exit status 0 when "
        "every table is valid, 2 otherwise. Nothing is written.",
    )
    add_data_dir_argument(parser)
    parser.set_defaults(handler=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    """Handle ``bulletin validate``; returns the exit status."""
    from bulletin.data.validate import validate_data_dir

    try:
        report = validate_data_dir(args.data_dir)
    except OSError as error:
        if getattr(args, "debug", False):
            raise
        print(f"bulletin validate: error: {describe_os_error(error)}", file=sys.stderr)
        return 2
    print_report(report)
    return 0 if report.valid else 2


def print_report(report: ValidationReport, file=None) -> None:
    """Print every problem of a check (tables, then rules between tables, then warnings)."""
    out = file or sys.stdout
    for table in report.invalid:
        print(f"{table.path}:", file=out)
        for problem in table.problems:
            print(f"  - {problem}", file=out)
    if report.errors_across:
        print(f"between tables ({report.data_dir}):", file=out)
        for problem in report.errors_across:
            print(f"  - {problem}", file=out)
    if report.warnings:
        print(f"warnings (kept, not refused) ({report.data_dir}):", file=out)
        for problem in report.warnings:
            print(f"  - {problem}", file=out)
    print(format_summary(report), file=out)
    return 0 if report.valid else 2


def format_summary(report: ValidationReport) -> str:
    """The summary line of a check: tables, time, and the problems or the rows."""
    tables = len(report.tables)
    head = f"{tables} table{'s' if tables != 1 else ''} checked in {report.seconds:.1f} s"
    warned = len(report.warnings)
    warnings = f", {warned} warning{'s' if warned != 1 else ''}" if warned else ""
    if report.valid:
        return f"{head}: all valid ({report.rows:,} rows{warnings})"
    bad = len(report.invalid)
    count = report.problem_count
    where = [f"{bad} with problems"] if bad else []
    if report.errors_across:
        where.append(f"{len(report.errors_across)} between tables")
    return f"{head}: {', '.join(where)} ({count:,} problem{'s' if count != 1 else ''}{warnings})"
