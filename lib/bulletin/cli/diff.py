"""``bulletin diff``: what changed between two rendered issues.

Compares the ``figures.json`` and ``claims.json`` of two issue folders of the reports folder (rules
in :mod:`bulletin.publish.issue_diff`) and prints, for people, the revisions first (the same figure
for the same period given differently), then the figures changed otherwise, new and gone, then
the statements whose check changed; or, with ``--json``, the comparison as the front page's
``changes.json`` holds it. It reads only; nothing is written.

Exit status: 0 when both issues were compared; 2 for a usage error (a malformed quarter, an
unknown country, the issues in the wrong order), an issue that has not been rendered (the message
names the folder and the command that renders it) or records that cannot be read (the message
names the file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core.paths import REPORTS_DIR
from bulletin.core.periods import Quarter

if TYPE_CHECKING:
    from bulletin.publish.issue_diff import ClaimChange, FigureChange, IssueDiff

NAME_WIDTH = 44


def quarter_argument(text: str) -> Quarter:
    """An issue, as ``2017Q2`` or ``2017-Q2``."""
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_diff_parser(commands: argparse._SubParsersAction) -> None:
    """Add the ``diff`` subparser to the ``bulletin`` command."""
    parser = commands.add_parser(
        "diff",
        help="compare two rendered issues: figures revised, changed, new and gone, and claims",
        description="Compare the figures and claims of two rendered issues: revisions first (the "
        "same figure for the same period given differently), then figures that moved on to a "
        "new period or changed unit or status, new figures, figures gone, and the statements "
        "whose check changed. Reads reports/<YYYY-Qn>/figures.json and claims.json; writes "
        "nothing. Exit status 0, or 2 when an issue has not been rendered or its records cannot "
        "be read.",
    )
    parser.add_argument("earlier", type=quarter_argument, metavar="EARLIER",
                        help="the earlier issue, as 2017Q1 or 2017-Q1")
    parser.add_argument("later", type=quarter_argument, metavar="LATER",
                        help="the later issue, as 2017Q2 or 2017-Q2")
    parser.add_argument("--reports", type=Path, default=REPORTS_DIR,
                        help="folder that holds the issues' folders (default: reports/)")
    parser.add_argument("--country", metavar="ISO3", default=None,
                        help="compare the per-country editions of this country (reports/<YYYY-Qn>-<ISO3>/)")
    parser.add_argument("--json", action="store_true",
                        help="print the comparison as JSON (as changes.json holds it)")
    parser.set_defaults(handler=run_diff)


def _render_command(issue: Quarter, country: str | None, reports: Path) -> str:
    words = ["bulletin render", f"--quarter {issue.year}Q{issue.quarter}"]
    if country:
        words.append(f"--country {country}")
    if reports.resolve() != REPORTS_DIR.resolve():
        words.append(f"--reports {reports}")
    return " ".join(words)


def not_rendered(issue: Quarter, country: str | None, reports: Path) -> str | None:
    """Why an issue cannot be compared because it has not been rendered; None when it has."""
    from bulletin.publish.issue_diff import FIGURES_FILE
    from bulletin.render.neighbours import folder_name
    from bulletin.render.plan import FAILED_SUFFIX

    folder = reports / folder_name(issue, country)
    edition = issue.label + (f" for {country}" if country else "")
    if folder.is_dir() and (folder / FIGURES_FILE).exists():
        return None
    found = (f"{folder} has no {FIGURES_FILE}" if folder.is_dir() else f"{folder} does not exist")
    failed = folder.with_name(folder.name + FAILED_SUFFIX)
    if failed.is_dir():
        found += f" (its last render failed: see {failed})"
    return (f"issue {edition} has not been rendered: {found}; render it with "
            f"`{_render_command(issue, country, reports)}`")


def _check_arguments(args: argparse.Namespace) -> str | None:
    from bulletin.render.parameters import check_country

    if args.country:
        problems = check_country(args.country)
        if problems:
            return problems[0]
    if args.earlier == args.later:
        return f"both issues are {args.earlier.label}: name two different issues"
    if args.later < args.earlier:
        return (f"{args.earlier.label} comes after {args.later.label}: give the earlier issue "
                f"first (bulletin diff {args.later.label} {args.earlier.label})")
    return None


def run_diff(args: argparse.Namespace) -> int:
    """Handle ``bulletin diff``; returns the exit status (see the module's docstring)."""
    from bulletin.publish.issue_diff import (
        IssueRecordsError,
        compare_issues,
        diff_as_json,
        read_issue_records,
    )
    from bulletin.render.neighbours import folder_name

    args.country = args.country.strip().upper() if args.country else None
    problem = _check_arguments(args)
    for issue in (args.earlier, args.later):
        problem = problem or not_rendered(issue, args.country, args.reports)
    if problem:
        print(f"bulletin diff: error: {problem}", file=sys.stderr)
        return 2
    folders = [args.reports / folder_name(q, args.country) for q in (args.earlier, args.later)]
    try:
        earlier, later = (read_issue_records(folder) for folder in folders)
    except IssueRecordsError as error:
        print(f"bulletin diff: error: {error}", file=sys.stderr)
        return 2
    diff = compare_issues(earlier, later)
    if args.json:
        print(json.dumps(diff_as_json(diff), indent=2, ensure_ascii=False))
    else:
        print(format_diff(diff, folders[0], folders[1]))
    return 0


# --- the comparison for people -----------------------------------------------------------------


def _figure_lines(changes: tuple[FigureChange, ...] | list[FigureChange], with_size: bool = False
                  ) -> list[str]:
    from bulletin.publish.issue_links import relative_words, value_change

    lines = []
    for change in changes:
        size = relative_words(change) if with_size else ""
        lines.append(f"  {change.name:<{NAME_WIDTH}} {value_change(change)}"
                     + (f"  ({size})" if size else ""))
    return lines


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", f"{title}: none" if not lines else f"{title}:", *lines]


def _claim_line(change: ClaimChange) -> str:
    from bulletin.publish.issue_links import claim_words

    if not change.changed:  # new or gone
        holds = {True: "holds", False: "does not hold"}.get(change.holds_after
                                                            if change.holds_after is not None
                                                            else change.holds_before,
                                                            "cannot be tested")
        return f"  {change.id:<5} {holds}: “{change.statement}”"
    return f"  {claim_words(change)}: “{change.statement}”"


def format_diff(diff: IssueDiff, earlier_dir: Path, later_dir: Path) -> str:
    """The comparison as ``bulletin diff`` prints it: revisions first, then changed, new, gone, claims."""
    from bulletin.publish.issue_links import figures_sentence

    lines = [f"Issue {diff.later} compared with {diff.earlier} ({earlier_dir} -> {later_dir})",
             figures_sentence(diff)]
    lines += _section(f"Revisions: the same figure for the same period, given differently "
                      f"({len(diff.revised)})", _figure_lines(diff.biggest_revisions, True))
    changed = []
    if diff.moved_on:
        changed += [f" moved on to a new period ({len(diff.moved_on)}):", *_figure_lines(diff.moved_on)]
    if diff.relabelled:
        changed += [f" same period and value, another unit or data status ({len(diff.relabelled)}):",
                    *_figure_lines(diff.relabelled)]
    lines += _section(f"Changed ({len(diff.moved_on) + len(diff.relabelled)})", changed)
    lines += _section(f"New ({len(diff.new)})", _figure_lines(diff.new))
    lines += _section(f"Gone ({len(diff.gone)})", _figure_lines(diff.gone))
    claims = [_claim_line(c) for c in diff.claims_changed]
    claims += [" new:", *map(_claim_line, diff.claims_new)] if diff.claims_new else []
    claims += [" gone:", *map(_claim_line, diff.claims_gone)] if diff.claims_gone else []
    lines += _section(f"Claims whose check changed ({len(diff.claims_changed)}; "
                      f"{diff.claims_unchanged} unchanged, {len(diff.claims_new)} new, "
                      f"{len(diff.claims_gone)} gone)", claims)
    return "\n".join(lines)
