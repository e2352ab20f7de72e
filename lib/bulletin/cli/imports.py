"""The ``bulletin import`` subcommand: its arguments and its handler.

Exit status: 0 when every file was imported (or checked, with ``--dry-run``); 2 when a file is
refused: an input, or a table or provenance record of the data folder that breaks its rules (bad
input: the message names the file, the line and the column, and nothing in the data folder
changed); 1 when a write fails (one sentence naming the file or folder; the import is all or
nothing, so nothing changed) or an interrupted import's journal cannot be followed. With
``--debug`` the traceback is shown instead.

After an import that changed tables, the reconstructions that read them are re-run, as ``make
data`` runs them (:func:`bulletin.reconstruct.refresh_after_import`): their rows step aside for
the new ones and what they still fill is re-balanced, so the folder passes ``bulletin validate``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bulletin.cli.arguments import add_data_dir_argument
from bulletin.cli.errors import describe_os_error

log = logging.getLogger("bulletin")


def countries_argument(text: str) -> frozenset[str] | None:
    """The type of ``--countries``: ``all`` or ISO3 codes separated by commas."""
    from bulletin.data.vocab import country_codes

    if text.strip().lower() == "all":
        return None
    codes = frozenset(code.strip().upper() for code in text.split(",") if code.strip())
    unknown = sorted(codes - country_codes())
    if not codes or unknown:
        raise argparse.ArgumentTypeError(
            f"expected 'all' or ISO3 codes separated by commas; unknown: {', '.join(unknown)}"
        )
    return codes


def add_import_parser(commands: argparse._SubParsersAction) -> None:
    """Add the ``import`` subparser to the ``bulletin`` command."""
    from bulletin.core.regions import DEFAULT_SCOPE

    parser = commands.add_parser(
        "import",
        help="read official publications (UNODC, national statistics) into the tidy tables",
        description="Detect each file's format, map its country and drug names, convert units "
        "and write its rows (status official, source the publication) into the matching table "
        "of the data folder, replacing the rows an earlier import of the same publication wrote. "
        "Bad input is refused with exit status 2 and nothing written.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files to import")
    add_data_dir_argument(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="read and check everything, write nothing"
    )
    parser.add_argument(
        "--countries",
        type=countries_argument,
        default=DEFAULT_SCOPE,
        help="countries kept: ISO3 codes separated by commas, or 'all' (default: "
        + ",".join(sorted(DEFAULT_SCOPE))
        + ")",
    )
    parser.add_argument(
        "--country",
        default=None,
        help="ISO3 code of the country of a national file that does not name it "
        "(Open SDG CSV files)",
    )
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    """Handle ``bulletin import``; returns the exit status."""
    from bulletin.core.files import JournalError
    from bulletin.data.importers.base import ImportRefusedError
    from bulletin.data.importers.detect import ImportOptions
    from bulletin.data.importers.driver import format_summary, import_files
    from bulletin.data.importers.provenance import ProvenanceError
    from bulletin.data.tables import TableError
    from bulletin.data.vocab import BrokenReferenceError

    options = ImportOptions(scope=args.countries, country=args.country)
    try:
        result = import_files(args.files, args.data_dir, dry_run=args.dry_run, options=options)
    except (
        ImportRefusedError, TableError, ProvenanceError, JournalError, BrokenReferenceError, OSError
    ) as error:
        if getattr(args, "debug", False):
            raise
        status, message = _failure(error)
        print(f"bulletin import: {message}", file=sys.stderr)
        return status
    print(format_summary(result))
    if not args.dry_run and result.changed:
        from bulletin.reconstruct import refresh_after_import

        rerun = refresh_after_import(result.changed, args.data_dir)
        if rerun:
            print(f"reconstructions re-run around the new rows (as `make data`): {', '.join(rerun)}")
    return 0


def _failure(error: Exception) -> tuple[int, str]:
    """The exit status and message of an import that failed, and whether anything was written.

    Bad input (a file named on the command line, a table of the data folder that breaks its
    rules, or a broken reference file: the user mends a file either way) ends with 2; a failing
    disk or an unfinished earlier import with 1. Only an interrupted commit may have written part
    of its tables (the next import completes or undoes it, :mod:`bulletin.core.files`).
    """
    from bulletin.core.files import InterruptedCommitError, JournalError
    from bulletin.data.vocab import BrokenReferenceError

    if isinstance(error, BrokenReferenceError):
        return 2, f"error: {error}: mend the reference file, then import again\nnothing was written."
    if isinstance(error, InterruptedCommitError):
        return 1, f"error: {describe_os_error(error)}"
    if isinstance(error, JournalError):
        return 1, f"{error}\nnothing was written."
    if isinstance(error, OSError):
        return 1, f"error: {describe_os_error(error)}\nnothing was written."
    return 2, f"{error}\nnothing was written."
