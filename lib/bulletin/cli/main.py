"""The ``bulletin`` command: render, import, check, and compare issues.

Commands: ``render`` (issues), ``import`` (publications and the quarter's submission),
``validate`` (the data folder), ``status`` (what an issue will show), ``template`` (the quarter's
submission workbook), ``diff`` (two rendered issues compared), ``new`` (a new analysis's notebook),
``preview`` (an issue served on localhost, rendered again when a file is saved), ``pdf`` (rendered
issues printed to one PDF each).

Exit status: 0 on success, 1 when a render or import fails (a notebook that fails, a disk that
cannot be written), 2 for a usage error or bad input (a malformed quarter, a refused file, a
broken reference file of the data folder), 130 / 143 when interrupted, as argparse and most Unix
tools do.

No traceback reaches the user for bad input or a failing disk: each ends in one sentence naming
the file. ``--debug`` shows the traceback (for a bug report).
"""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
import threading

from bulletin.cli.diff import add_diff_parser
from bulletin.cli.errors import describe_os_error
from bulletin.cli.imports import add_import_parser
from bulletin.cli.new import add_new_parser
from bulletin.cli.pdf import add_pdf_parser
from bulletin.cli.preview import add_preview_parser
from bulletin.cli.render import add_render_parser
from bulletin.cli.status import add_status_parser
from bulletin.cli.template import add_template_parser
from bulletin.cli.validate import add_validate_parser

log = logging.getLogger("bulletin")


def build_parser() -> argparse.ArgumentParser:
    """The command line: ``bulletin [-v] [--debug] COMMAND ...``."""
    parser = argparse.ArgumentParser(
        prog="bulletin",
        description="Reproducible edition of the UNODC Central Asia bulletin 'Milestones'.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error (for a bug report)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add_render_parser(commands)
    add_import_parser(commands)
    add_validate_parser(commands)
    add_status_parser(commands)
    add_template_parser(commands)
    add_diff_parser(commands)
    add_new_parser(commands)
    add_preview_parser(commands)
    add_pdf_parser(commands)
    for subparser in commands.choices.values():
        # Also after the command (``bulletin render --debug``), where users put it.
        subparser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                               help="show the traceback of an error (for a bug report)")
    return parser


def quiet_jsonschema() -> None:
    """Skip jsonschema's RFC 3987 grammar, which nbformat never uses.

    jsonschema builds it when first imported (nbformat imports jsonschema) if the optional
    ``rfc3987_syntax`` package is installed, as jupyterlab's dependencies install it: 0.8 s on a
    fast machine, 2.4 s on a slow one, in every command that reads or writes a notebook
    (``render``, ``new``, ``preview``). Called by :func:`main` before any command runs; without
    the grammar, jsonschema only skips its check of the ``iri`` formats, which no notebook
    schema uses.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; the exit status (see the module's docstring)."""
    quiet_jsonschema()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    prog = f"bulletin {args.command}"
    # SIGTERM (a scheduler's timeout, `kill`) ends a command as Ctrl-C does: what it was writing
    # is removed and it says so, where the signal's default action would kill it mid-write.
    # ``render`` and ``preview`` set their own handlers for both signals while they run.
    # A SIGTERM its parent ignores (SIG_IGN) stays ignored.
    handle_term = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    )
    if handle_term:
        signal.signal(signal.SIGTERM, _terminated)
    try:
        return args.handler(args)
    except KeyboardInterrupt as interrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 143 if isinstance(interrupt, Terminated) else 130
    except OSError as error:
        if args.debug:
            raise
        print(f"{prog}: error: {describe_os_error(error)}", file=sys.stderr)
        return 1
    except Exception as error:
        if args.debug:
            raise
        from bulletin.data.vocab import BrokenReferenceError

        if isinstance(error, BrokenReferenceError):  # a file the user mends, not a bug
            print(
                f"{prog}: error: {error}: mend the reference file, then run the command again",
                file=sys.stderr,
            )
            return 2
        print(
            f"{prog}: internal error: {type(error).__name__}: {error}\n"
            f"This is a bug of the project: run the same command with --debug and report what "
            "it prints.",
            file=sys.stderr,
        )
        return 1
    finally:
        if handle_term:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises :class:`KeyboardInterrupt`, so that both end alike."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated()


def run() -> None:
    """The ``bulletin`` command as a process (its console script): :func:`main`, then exit.

    Before exiting, the objects still alive are handed to the garbage collector's permanent
    generation (``gc.freeze``), after one last collection of the garbage there is: the
    interpreter's teardown then frees the modules without collecting them again and again.
    Without it, a render that ran notebooks spent 0.3-0.4 s of its time on this machine tearing
    down the objects of nbconvert, papermill and jupyter_client after its last line was printed.
    Objects that are garbage at that point are collected as always; only the teardown, whose
    memory the system takes back anyway, is left out. :func:`main` called in a process of its
    own (tests, notebooks) is untouched.
    """
    status = main()
    gc.collect()
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":
    run()
