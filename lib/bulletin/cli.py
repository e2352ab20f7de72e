"""The ``bulletin`` command: render an issue (and, in later commands, import publications).

Exit status: 0 on success, 1 when a render or import fails, 2 for a usage error (a malformed
quarter, a missing option), as argparse and most Unix tools do.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bulletin.importers.command import add_import_parser
from bulletin.paths import DATA_DIR, NOTEBOOKS_DIR
from bulletin.periods import Quarter

log = logging.getLogger("bulletin")


def quarter_argument(text: str) -> Quarter:
    """argparse type for ``--quarter``: a malformed value is a usage error (status 2)."""
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bulletin",
        description="Reproducible edition of the UNODC Central Asia bulletin 'Milestones'.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    render = commands.add_parser(
        "render",
        help="execute the notebooks and write an issue's HTML report",
        description="Execute every notebook for an issue with papermill and export the issue "
        "to reports/<YYYY-Qn>/ (HTML pages, figures.json, claims.json, index.html).",
    )
    render.add_argument(
        "--quarter", type=quarter_argument, required=True, help="the issue, as 2017Q2 or 2017-Q2"
    )
    render.add_argument(
        "--data-dir", type=Path, default=DATA_DIR, help="folder of tidy tables (default: data/)"
    )
    render.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder to write the issue to (default: reports/<YYYY-Qn>/)",
    )
    render.add_argument(
        "--notebooks-dir", type=Path, default=NOTEBOOKS_DIR, help="folder of the analyses"
    )
    render.add_argument(
        "--timeout", type=int, default=600, help="seconds a notebook cell may run (default: 600)"
    )
    render.set_defaults(handler=run_render)
    add_import_parser(commands)
    return parser


def run_render(args: argparse.Namespace) -> int:
    from bulletin.render import RenderError, render_issue

    try:
        out_dir = render_issue(
            args.quarter,
            data_dir=args.data_dir,
            out_dir=args.out,
            notebooks_dir=args.notebooks_dir,
            timeout=args.timeout,
        )
    except RenderError as error:
        log.error("render failed, previous report left untouched: %s", error)
        return 1
    print(f"issue {args.quarter.label} written to {out_dir}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
