"""``bulletin template``: write the workbook the office fills with a quarter's figures.

``bulletin template --quarter 2017Q3`` writes ``submission-2017-Q3.xlsx`` in the current folder
(``--out FILE`` elsewhere); ``bulletin import`` reads it back once filled
(``bulletin.data.submission`` and ``bulletin.data.importers.submission``). ``--quarter`` is the
quarter the figures cover (July-September 2017): its seizures appear in the next issue
(2017-Q4), its activities in its own (2017-Q3); the command says so.

Exit status: 0 when written; 2 for bad input (a malformed quarter, an existing file without
``--force``, a table of the data folder that breaks its schema: one sentence, nothing written);
1 when the file cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bulletin.cli.arguments import add_data_dir_argument
from bulletin.core.periods import Quarter


def quarter_argument(text: str) -> Quarter:
    """``--quarter``: one data quarter, ``2017Q3`` or ``2017-Q3``."""
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_template_parser(commands: argparse._SubParsersAction) -> None:
    """Add the ``template`` subparser to the ``bulletin`` command."""
    parser = commands.add_parser(
        "template",
        help="write the quarterly submission workbook (.xlsx) the office fills",
        description="Write the workbook the office fills with a quarter's figures: the "
        "seizures by country and drug (pre-filled rows, kg to fill) and the activities, with "
        "drop-down lists of the allowed values. Read it back with bulletin import. Its "
        "seizures appear in the next issue (they lag one quarter), its activities in the "
        "quarter's own.",
    )
    parser.add_argument(
        "--quarter",
        type=quarter_argument,
        required=True,
        metavar="QUARTER",
        help="the quarter the figures cover (data quarter), e.g. 2017Q3 for July-September 2017",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="the workbook to write (default: submission-<YYYY-Qn>.xlsx in the current folder)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace the file if it exists already"
    )
    add_data_dir_argument(parser)
    parser.set_defaults(handler=run_template)


def run_template(args: argparse.Namespace) -> int:
    """Handle ``bulletin template``; returns the exit status."""
    from bulletin.data.submission import layout
    from bulletin.data.submission.workbook import write_template
    from bulletin.data.tables import TableError

    quarter: Quarter = args.quarter
    path = args.out if args.out is not None else Path(layout.default_file_name(quarter))
    try:
        write_template(quarter, path, args.data_dir, replace=args.force)
    except FileExistsError:
        print(
            f"bulletin template: {path} exists already: pass --force to replace it, or --out "
            "to write another file; nothing was written.",
            file=sys.stderr,
        )
        return 2
    except TableError as error:
        if getattr(args, "debug", False):
            raise
        print(f"bulletin template: {error}\nnothing was written.", file=sys.stderr)
        return 2
    seizures, activities = layout.lag_sentences(quarter)
    print(f"wrote {path}: the submission of {quarter.months} (data quarter {quarter.label})")
    print(f"  {seizures}")
    print(f"  {activities}")
    print(f"fill it, then: bulletin import {path}")
    return 0
