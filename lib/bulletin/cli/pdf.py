"""``bulletin pdf`` and ``bulletin render --pdf``: a published issue as one PDF.

``bulletin pdf --quarter 2017Q2 [--country KGZ] [--reports DIR]`` or ``bulletin pdf FOLDER ...``
prints issues already rendered to ``<issue folder>/milestones-<issue>.pdf``
(:mod:`bulletin.render.pdf`); ``bulletin render --pdf`` does the same for every edition it
published.

Exit status: 0 when every PDF was written; 1 when one could not be (a folder that cannot be
written, Chromium failing while printing); 2 for a usage error, a folder that is not a published
issue, or a machine without Chromium, Playwright or pypdf (the message says how to install it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bulletin.cli.diff import quarter_argument
from bulletin.core.paths import REPORTS_DIR


def add_pdf_parser(commands: Any) -> argparse.ArgumentParser:
    """Add ``pdf`` to the ``bulletin`` command's subcommands."""
    parser = commands.add_parser(
        "pdf",
        help="print rendered issues to one PDF each (milestones-<issue>.pdf in the issue's folder)",
        description="Print issues already rendered, each to one A4 PDF in its folder "
        "(milestones-<issue>.pdf): the front page, a contents list with page numbers, then every "
        "analysis, with a running header, selectable text and vector charts, by headless "
        "Chromium (make browser installs it). bulletin render --pdf renders and prints at once.",
    )
    parser.add_argument(
        "folders", nargs="*", type=Path, metavar="FOLDER",
        help="issue folders bulletin render published (e.g. reports/2017-Q2)",
    )
    parser.add_argument(
        "--quarter", type=quarter_argument, action="append", default=[], metavar="QUARTER",
        help="an issue in the reports folder, as 2017Q2 or 2017-Q2 (repeat for more)",
    )
    parser.add_argument(
        "--country", action="append", default=[], metavar="ISO3",
        help="the per-country edition(s) of --quarter (repeat, or KGZ,TJK; 'region' for the "
        "regional issue too)",
    )
    parser.add_argument(
        "--reports", type=Path, default=REPORTS_DIR,
        help="folder that holds the issues' folders (default: reports/)",
    )
    parser.set_defaults(handler=run_pdf)
    return parser


def _edition_folders(args: argparse.Namespace) -> list[Path]:
    from bulletin.render.neighbours import folder_name

    countries: list[str | None] = []
    for value in args.country or ["region"]:
        for code in value.split(","):
            code = code.strip().upper()
            found = None if code == "REGION" else code
            if code and found not in countries:
                countries.append(found)
    return [
        Path(args.reports) / folder_name(quarter, country)
        for quarter in args.quarter
        for country in countries
    ]


def run_pdf(args: argparse.Namespace) -> int:
    """Print the folders the options name; the exit status (see the module's docstring)."""
    folders = list(args.folders) + _edition_folders(args)
    if not folders:
        print("bulletin pdf: error: name issue folders or --quarter", file=sys.stderr)
        return 2
    return write_issue_pdfs(folders, prog="bulletin pdf")


def pdf_problem() -> str | None:
    """Why no PDF can be made on this machine (no Chromium, Playwright or pypdf), or None."""
    from bulletin.render.pdf import PdfUnavailableError, find_chromium

    try:
        find_chromium()
    except PdfUnavailableError as error:
        return str(error)
    return None


def write_issue_pdfs(folders: list[Path], prog: str = "bulletin render") -> int:
    """Print each folder to its PDF and say so; the exit status (0, 1 or 2)."""
    from bulletin.render.pdf import PdfError, PdfUnavailableError, write_pdfs

    try:
        results = write_pdfs(folders)
    except (PdfUnavailableError, PdfError) as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    for result in results:
        print(
            f"PDF written to {result.path} ({result.pages} A4 pages, "
            f"{result.path.stat().st_size / 1e6:.1f} MB, in {result.seconds:.1f} s)"
        )
    return 0
