"""An edition among the others: the previous and next issues, what changed, and ``reports/index.html``.

**Which issues are neighbours.** An edition's neighbours are the editions of the quarters before
and after it, of the same kind (the region's, or the same country's), published beside it in the
same folder under the names the renderer gives (``2017-Q1/`` beside ``2017-Q2/``, ``2017-Q1-KGZ/``
beside ``2017-Q2-KGZ/``), and carrying the renderer's marker for that edition with a front page
(:func:`published_edition`). An edition written with ``--out`` to a folder of another name has
none. A ``.failed`` folder is never a neighbour.

**What changed** (:func:`since_last`): when the edition is assembled, its figures and claims are
compared with those of the previous issue as published at that moment
(:mod:`bulletin.publish.issue_diff`); the comparison goes to ``changes.json`` and to the front
page's "Since the last issue". It is not made again when the previous issue is rendered again
later: render this issue again for that (only its front page changes; every notebook is reused).

**Links, including to an issue rendered later** (:func:`link_neighbours`). The front page links to
the previous and next issues that are published when it is made. Once an edition is published
(or its render failed, leaving the published one), the links block of its own front page and of
its two neighbours' is made again from what is published then, so that the issue before gets its
"next" link the moment the next one appears. Only that block of ``index.html`` changes, with the
same function that makes it at render time (:func:`bulletin.publish.issue_links.replace_issue_nav`),
so the block of an issue linked later and of one rendered with its neighbours present are the
same bytes. The
new page is written in a staging folder beside the issue (which the next render of that edition
removes, if left by a killed process) and renamed over ``index.html`` in one step; a neighbour is
touched only when it carries the marker. A lock on the reports folder itself (``flock`` on the
folder, so no file is added to it: :func:`reports_folder_lock`) makes these steps and every
publish (the swap of an edition's folder) take turns between renders: a neighbour being rendered
by another process is either still the published folder, or already its replacement, never half
of each, and the later of two renders finishing side by side links both (a neighbour whose render
was still running when it linked itself is linked by the other render's step, after it).

**The list of issues** (:func:`write_reports_index`): ``index.html`` in the reports folder lists
every published edition (by marker; never ``*.failed``), newest first, made again after every
render of an edition in that folder. An edition rendered elsewhere (``--out``) leaves it alone.
A ``reports/index.html`` the renderer did not write is never replaced.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bulletin.core.files import write_atomic
from bulletin.core.paths import REPORTS_DIR
from bulletin.core.periods import Quarter
from bulletin.publish.issue_diff import (
    IssueRecords,
    IssueRecordsError,
    compare_issues,
    diff_as_json,
    read_issue_records,
)
from bulletin.publish.issue_links import (
    IssueLinks,
    Neighbour,
    SinceLast,
    replace_issue_nav,
)
from bulletin.publish.reports_index import GENERATOR, KEY_NAME, IndexEntry, reports_index_html
from bulletin.render.cache import file_sha256, library_sha256, text_sha256
from bulletin.render.folders import new_staging, read_marker
from bulletin.render.plan import FAILED_SUFFIX, Edition, Options, read_run_record

log = logging.getLogger(__name__)

CHANGES_FILE = "changes.json"
FRONT_PAGE = "index.html"
REPORTS_INDEX = "index.html"


def folder_name(issue: Quarter, country: str | None) -> str:
    """The folder the renderer gives an edition in a reports folder: ``2017-Q2``, ``2017-Q2-KGZ``."""
    return issue.label + (f"-{country}" if country else "")


def neighbour_dir(edition: Edition, shift: int) -> Path | None:
    """Where the edition ``shift`` quarters away would be; None for a folder named otherwise."""
    if edition.out_dir.name != folder_name(edition.issue, edition.country):
        return None
    return edition.out_dir.parent / folder_name(edition.issue.shift(shift), edition.country)


def published_edition(folder: Path, label: str) -> bool:
    """Whether ``folder`` is the published edition ``label``, with its front page."""
    if folder.is_symlink() or folder.name.endswith(FAILED_SUFFIX):
        return False
    marker = read_marker(folder)
    return marker is not None and marker["edition"] == label and FRONT_PAGE in marker["entries"]


def _neighbour(edition: Edition, shift: int) -> tuple[Edition, Neighbour] | None:
    folder = neighbour_dir(edition, shift)
    if folder is None:
        return None
    other = Edition(edition.issue.shift(shift), folder, edition.country)
    if not published_edition(folder, other.label):
        return None
    return other, Neighbour(other.issue.label, f"../{folder.name}/{FRONT_PAGE}")


def reports_index_dir(edition: Edition, options: Options) -> Path | None:
    """The reports folder whose ``index.html`` lists the edition; None when it is elsewhere."""
    parent = edition.out_dir.parent
    if os.path.realpath(parent) != os.path.realpath(options.reports_dir):
        return None
    return parent


def _index_is_ours(path: Path) -> bool:
    """Whether ``path`` does not exist, or is a list of issues the renderer wrote."""
    if not os.path.lexists(path):
        return True
    if path.is_symlink() or not path.is_file():
        return False
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(2048)
    except OSError:
        return False
    return f'<meta name="generator" content="{GENERATOR}">' in head


def issue_links(edition: Edition, options: Options) -> IssueLinks:
    """The links of the edition's front page: to its published neighbours, and to every issue."""
    index_dir = reports_index_dir(edition, options)
    all_issues = None
    if index_dir is not None and _index_is_ours(index_dir / REPORTS_INDEX):
        all_issues = f"../{REPORTS_INDEX}"
    previous, following = _neighbour(edition, -1), _neighbour(edition, 1)
    return IssueLinks(previous[1] if previous else None, following[1] if following else None,
                      all_issues)


# --- what changed since the previous issue -------------------------------------------------------


def _diff_command(edition: Edition) -> str:
    """The ``bulletin diff`` command that compares the edition with the previous one."""
    words = ["bulletin diff", edition.issue.previous().label, edition.issue.label]
    if edition.country:
        words.append(f"--country {edition.country}")
    if os.path.realpath(edition.out_dir.parent) != os.path.realpath(REPORTS_DIR):
        words.append(f"--reports {edition.out_dir.parent}")
    return " ".join(words)


def _edition_words(issue: Quarter, country: str | None) -> str:
    """``2017-Q1``, or ``2017-Q1, edition for Kyrgyzstan``."""
    if not country:
        return issue.label
    from bulletin.data.vocab import country_name

    return f"{issue.label}, edition for {country_name(country)}"


def since_last(edition: Edition, current: IssueRecords, pages: dict[str, str]
               ) -> tuple[SinceLast, dict[str, Any]]:
    """The comparison of the edition with the previous issue, for its front page and ``changes.json``.

    Args:
        edition: the edition being assembled.
        current: its figures and claims, as assembled.
        pages: its analyses' pages by notebook name.

    Returns:
        What the front page says, and the content of ``changes.json``: the previous issue it was
        compared with (its folder and the checksums of its ``figures.json`` and ``claims.json``)
        and the comparison, or ``previous: null`` and why there is none.
    """
    previous_issue = edition.issue.previous()
    changes: dict[str, Any] = {"issue": edition.issue.label, "edition": edition.label,
                               "previous": None}
    found = _neighbour(edition, -1)
    if found is None:
        if neighbour_dir(edition, -1) is None:
            missing = (f"This issue was rendered to a folder of its own ({edition.out_dir.name}), "
                       "not among the other issues: there is no previous issue to compare with.")
        else:
            missing = (f"No previous issue ({_edition_words(previous_issue, edition.country)}) "
                       "had been rendered in this folder of issues when this one was made: there "
                       "is nothing to compare with yet.")
        changes["missing"] = missing
        return SinceLast(previous_issue.label, missing=missing), changes
    other, neighbour = found
    try:
        records = read_issue_records(other.out_dir)
    except IssueRecordsError as error:
        log.warning("%s: not compared with the previous issue: %s", edition.label, error)
        missing = (f"The previous issue's records ({other.out_dir.name}/figures.json, "
                   "claims.json) could not be read: there is nothing to compare with.")
        changes["missing"] = missing
        return SinceLast(previous_issue.label, missing=missing, previous_href=neighbour.href), changes
    diff = compare_issues(records, current)
    changes["previous"] = {
        "issue": other.issue.label,
        "folder": other.out_dir.name,
        "figures_sha256": file_sha256(other.out_dir / "figures.json"),
        "claims_sha256": file_sha256(other.out_dir / "claims.json"),
    }
    changes["changes"] = diff_as_json(diff)
    since = SinceLast(previous_issue.label, diff, previous_href=neighbour.href,
                      pages=tuple(sorted(pages.items())), command=_diff_command(edition))
    return since, changes


# --- linking the neighbours once an edition is published ----------------------------------------


@contextmanager
def _lock(path: Path, wait: bool) -> Iterator[bool]:
    """Hold an exclusive lock on ``path``: True when held (False: busy and ``wait`` is False).

    A folder is locked as itself (``flock`` on its descriptor), so that no lock file is added to
    it; a file is created when missing.
    """
    if path.is_dir():
        descriptor = os.open(path, os.O_RDONLY)
    else:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)


def _relink(edition: Edition, options: Options) -> bool:
    """Make the links block of a published edition's front page again; whether it changed."""
    page_path = edition.out_dir / FRONT_PAGE
    try:
        page = page_path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        log.warning("%s is not UTF-8 text: its links were left as they are", page_path)
        return False
    new = replace_issue_nav(page, issue_links(edition, options))
    if new is None or new == page:
        return False
    staging = new_staging(edition.out_dir)
    try:
        write_atomic(staging / FRONT_PAGE, new)
        os.replace(staging / FRONT_PAGE, page_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("%s: links to the other issues updated", edition.label)
    return True


@contextmanager
def reports_folder_lock(folder: Path) -> Iterator[None]:
    """Take turns with the other renders on the reports folder that holds ``folder`` (waits)."""
    with _lock(folder.parent, wait=True):
        yield


def link_neighbours(edition: Edition, options: Options) -> list[Path]:
    """Once ``edition`` is published: its links and its neighbours' made again, and the list of issues.

    Args:
        edition: the edition just published (or whose render failed).
        options: the render's options.

    Returns:
        The front pages that changed.
    """
    changed = []
    parent = edition.out_dir.parent
    with _lock(parent, wait=True):
        for shift in (-1, 0, 1):
            folder = edition.out_dir if shift == 0 else neighbour_dir(edition, shift)
            if folder is None:
                continue
            other = Edition(edition.issue.shift(shift), folder, edition.country)
            if not published_edition(folder, other.label):
                continue
            # Safe even while another render holds that edition: its publish waits for this lock.
            if _relink(other, options):
                changed.append(folder / FRONT_PAGE)
        index_dir = reports_index_dir(edition, options)
        if index_dir is not None:
            write_reports_index(index_dir)
    return changed


# --- the list of every issue ---------------------------------------------------------------------


def _count_records(folder: Path) -> tuple[int | None, int | None, int | None]:
    """Key figures, claims the data could test, and those that hold (None where unreadable)."""
    try:
        records = read_issue_records(folder)
    except IssueRecordsError:
        return None, None, None
    tested = [c for c in records.claims if c.get("holds") is not None]
    return len(records.figures), len(tested), sum(1 for c in tested if c["holds"])


def _rendered_at(folder: Path) -> str:
    finished = (read_run_record(folder) or {}).get("finished_at")
    if not isinstance(finished, str) or len(finished) < 16:
        return ""
    return f"{finished[:10]} {finished[11:16]} UTC" if finished.endswith("+00:00") else finished


def _country_name(code: str) -> str:
    """The country's name (the vocabularies, and pandas with them, are read only for an edition)."""
    from bulletin.data.vocab import country_name

    return country_name(code)


def index_entries(reports_dir: Path) -> list[IndexEntry]:
    """Every published edition in ``reports_dir`` (by marker; not ``*.failed``, not hidden)."""
    entries = []
    for folder in sorted(reports_dir.iterdir()):
        if (folder.name.startswith(".") or folder.name.endswith(FAILED_SUFFIX)
                or folder.is_symlink() or not folder.is_dir()):
            continue
        marker = read_marker(folder)
        if marker is None or FRONT_PAGE not in marker["entries"]:
            continue
        issue, _, country = marker["edition"].partition(" ")
        try:
            Quarter.parse(issue)
        except ValueError:
            continue
        figures, tested, holding = _count_records(folder)
        entries.append(IndexEntry(
            folder.name, issue, country or None, _country_name(country) if country else "",
            _rendered_at(folder), figures, tested, holding,
        ))
    return entries


def write_reports_index(reports_dir: Path) -> Path | None:
    """Write ``reports_dir/index.html``; None (and a warning) when a file not ours is there.

    The page carries a key of what it is made from: the entries it lists and the library that
    lays them out (its code, templates and packages). When the page there carries the same key
    it is up to date and is not made again (making it imports jinja2: a tenth of a warm render,
    issue 18).
    """
    path = reports_dir / REPORTS_INDEX
    if not _index_is_ours(path):
        log.warning("%s was not written by bulletin render: left as it is (the list of issues "
                    "is not made)", path)
        return None
    entries = sorted(index_entries(reports_dir), key=IndexEntry.order)
    key = text_sha256(json.dumps([[list(vars(entry).values()) for entry in entries],
                                  library_sha256()]))
    try:
        with open(path, encoding="utf-8") as handle:
            if f'<meta name="{KEY_NAME}" content="{key}">' in handle.read(4096):
                return path
    except (OSError, UnicodeDecodeError):
        pass
    html_text = reports_index_html(entries, key)
    try:
        if path.read_text(encoding="utf-8") == html_text:
            return path
    except (OSError, UnicodeDecodeError):
        pass
    return write_atomic(path, html_text)


def changes_json_text(changes: dict[str, Any]) -> str:
    """``changes.json`` as written: indented, keys in the comparison's order."""
    return json.dumps(changes, indent=2, ensure_ascii=False) + "\n"
