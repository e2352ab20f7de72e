"""The ``bulletin`` command: render an issue (and, in later commands, import publications).

Exit status: 0 on success, 1 when a render or import fails, 2 for a usage error (a malformed
quarter, a missing option), as argparse and most Unix tools do.
"""

from __future__ import annotations

import argparse
import logging
import sys

from bulletin.importers.command import add_import_parser
from bulletin.periods import Quarter
from bulletin.render_command import add_render_parser

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

    add_render_parser(commands)
    add_import_parser(commands)
    return parser


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
