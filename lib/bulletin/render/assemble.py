"""Assembling and publishing an edition: pages, ``figures.json``, ``claims.json``, ``changes.json``, ``index.html``, ``run.json``.

Each edition is assembled in a staging folder and, when every notebook rendered, swapped in whole
(:mod:`bulletin.render.folders`). When one failed, nothing replaces the published issue: the
assembled result, failure pages included, is swapped in as ``<issue>.failed/`` for inspection and
for ``--resume``. A reused notebook's page and records are taken from the folder it was reused
from.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin.core.paths import reference_dir_of
from bulletin.core.periods import Quarter
from bulletin.publish.issue_diff import IssueRecords
from bulletin.render import cache
from bulletin.render.execute import Outcome, now
from bulletin.render.folders import (
    TargetRefusedError,
    link_or_copy,
    new_staging,
    remove_tree,
    signals_deferred,
    swap_in,
    write_marker,
)
from bulletin.render.neighbours import (
    CHANGES_FILE,
    issue_links,
    reports_folder_lock,
    since_last,
)
from bulletin.render.plan import RUN_RECORD, Edition, Options, Planned, RenderError, read_run_record

log = logging.getLogger(__name__)


@dataclass
class RenderedNotebook:
    """One analysis of the issue, as rendered (or reused): what the front page needs."""

    name: str
    title: str
    html_name: str
    figures: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    status: str = "ok"
    reused: bool = False


@dataclass
class EditionResult:
    """How one edition ended: published, or kept as ``.failed``."""

    edition: Edition
    ok: bool
    folder: Path
    notebooks: list[dict[str, Any]]
    problems: list[str]


def _claim_order(claim: dict[str, Any]) -> tuple[int, str]:
    digits = re.sub(r"\D", "", claim["id"])
    return (int(digits) if digits else 0, claim["id"])


def assemble_figures(issue: Quarter, rendered: list[RenderedNotebook]) -> dict[str, Any]:
    """``figures.json``: every key figure by name; a name recorded twice is an error."""
    figures: dict[str, Any] = {}
    for notebook in rendered:
        for original in notebook.figures:
            record = dict(original)
            name = record.pop("name")
            if name in figures:
                raise RenderError(
                    f"figure {name!r} is recorded by both {figures[name]['notebook']} and "
                    f"{record['notebook']}: each key figure must have one name"
                )
            figures[name] = record
    return {"issue": issue.label, "figures": figures}


def assemble_claims(issue: Quarter, rendered: list[RenderedNotebook]) -> dict[str, Any]:
    """``claims.json``: each claim checked, in claim order."""
    claims = sorted((c for n in rendered for c in n.claims), key=_claim_order)
    return {"issue": issue.label, "claims": claims}


def _previous_records(folder: Path) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    figures: dict[str, list[dict]] = {}
    claims: dict[str, list[dict]] = {}
    try:
        for name, record in json.loads((folder / "figures.json").read_text())["figures"].items():
            figures.setdefault(record.get("notebook", ""), []).append({"name": name, **record})
        for record in json.loads((folder / "claims.json").read_text())["claims"]:
            claims.setdefault(record.get("notebook", ""), []).append(dict(record))
    except (OSError, ValueError, KeyError):
        pass
    return figures, claims


def _write_json(path: Path, content: Any) -> None:
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def edition_footer(edition: Edition, data_dir: Path) -> str:
    """The footer of the edition's pages (:func:`bulletin.publish.pages.page_footer`)."""
    from bulletin.publish.pages import page_footer

    return page_footer(edition.issue, data_dir)


def _reused(item: Planned, staging: Path, previous_records: dict[Path, tuple], edition: Edition
            ) -> tuple[RenderedNotebook, dict[str, Any]]:
    """A reused notebook: its page and notebook linked from where it was reused, its records.

    A country's edition that reuses the region's output (an analysis without a country) publishes
    the region's page under its own masthead and title, as it does a run shared with the region.
    """
    from bulletin.publish.masthead import stamp_edition

    name, decision = item.notebook.name, item.decision
    assert decision.previous_dir is not None and decision.previous is not None
    folder = decision.previous_dir
    link_or_copy(folder / f"{name}.ipynb", staging / f"{name}.ipynb")
    if folder == edition.region_dir:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        (staging / f"{name}.html").write_text(stamp_edition(page, edition.country), encoding="utf-8")
    else:
        link_or_copy(folder / f"{name}.html", staging / f"{name}.html")
    _reuse_downloads(folder, staging, name)
    if folder not in previous_records:
        previous_records[folder] = _previous_records(folder)
    figures = [dict(r) for r in previous_records[folder][0].get(name, [])]
    claims = [dict(r) for r in previous_records[folder][1].get(name, [])]
    entry = dict(decision.previous)
    entry.update(reused=True, reused_from=folder.name, reason=decision.reason)
    rendered = RenderedNotebook(name, entry.get("title", name), f"{name}.html", figures, claims,
                                entry.get("seconds", 0.0), "ok", True)
    return rendered, entry


def _reuse_downloads(folder: Path, staging: Path, name: str) -> None:
    """Link a reused page's downloads (``downloads/<name>/``) from where the page was reused."""
    from bulletin.publish.downloads import DOWNLOADS_DIR

    source = folder / DOWNLOADS_DIR / name
    if not source.is_dir():
        return
    target = staging / DOWNLOADS_DIR / name
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        if path.is_file():
            link_or_copy(path, target / path.name)


def _write_downloads(staging: Path, downloads: dict[str, bytes]) -> None:
    """Write a page's downloads into the edition's staging folder (paths relative to it)."""
    for relative, content in sorted(downloads.items()):
        path = staging / relative
        if staging.resolve() not in path.resolve().parents:
            raise RenderError(f"a page's download {relative!r} would be written outside {staging}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _executed(item: Planned, outcome: Outcome, staging: Path, footer: str = "",
              country: str | None = None) -> tuple[RenderedNotebook, dict[str, Any]]:
    """A notebook run in this render: its page and executed notebook written, its records.

    A run shared with another issue of the batch (the same data shown) gets this issue's masthead
    line and ``footer``; its executed notebook stays the one that ran (for the other issue). Every
    page gets the masthead and title of the edition (``country``): a notebook that declares no
    ``country`` runs once for the region and is published in each edition under its name.
    """
    from bulletin.publish.masthead import restamp_issue, stamp_edition

    name = item.notebook.name
    page = stamp_edition(outcome.html, country)
    if item.shared_from is not None:
        page = restamp_issue(page, str(item.parameters.get("quarter", "")), footer)
    (staging / f"{name}.html").write_text(page, encoding="utf-8")
    _write_downloads(staging, outcome.downloads)
    (staging / f"{name}.ipynb").write_text(
        json.dumps(outcome.executed, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    title = outcome.title if outcome.status == "ok" else f"{outcome.title} (did not render)"
    rendered = RenderedNotebook(
        name, title, f"{name}.html", [dict(r) for r in outcome.figures],
        [dict(r) for r in outcome.claims], outcome.seconds, outcome.status, False,
    )
    entry = {
        "name": name,
        "title": outcome.title,
        "html": f"{name}.html",
        "status": outcome.status,
        "reused": False,
        "reused_from": None,
        "shared_from": item.shared_from,
        "reason": item.decision.reason,
        "seconds": round(outcome.seconds, 3),
        "rendered_at": outcome.finished_at,
        "parameters": item.parameters,
        "source_sha256": item.notebook.source_sha,
        "data_read": outcome.data_read,
        "data": outcome.data,
        "error": outcome.error,
        "library": item.notebook.library,
    }
    return rendered, entry


def _write_index(edition: Edition, rendered: list[RenderedNotebook], ok: bool, options: Options,
                 staging: Path, around: dict[str, Any]) -> str:
    """Write the edition's front page (the published one, when nothing on it changed); its key.

    The key holds what the page is made of: the analyses and their records, the issue among the
    others (``around``: its ``links`` and ``changes``, so that a neighbour published or changed
    since makes the page again) and the library that makes it (a changed template or wording).
    """
    index_key = cache.text_sha256(json.dumps(
        [edition.issue.label, edition.country, ok,
         [(n.name, n.title, n.html_name, n.figures, n.claims) for n in rendered],
         repr(around["links"]), around["changes"],
         cache.library_sha256(reference_dir_of(options.data_dir))],
        sort_keys=True, default=str,
    ))
    previous = read_run_record(edition.out_dir)
    if ok and previous and previous.get("index_sha256") == index_key and (edition.out_dir / "index.html").is_file():
        link_or_copy(edition.out_dir / "index.html", staging / "index.html")
        return index_key
    from bulletin.publish.pages import index_page

    footer = edition_footer(edition, options.data_dir)
    if edition.country:
        from bulletin.data.vocab import country_name

        footer += (
            f" Edition for {country_name(edition.country)} ({edition.country}): the analyses "
            "whose data are by country show it first, then the region; the others are the "
            "region's pages."
        )
    (staging / "index.html").write_text(
        index_page(edition.issue, rendered, footer, issue_dir=staging, links=around["links"],
                   since=around["since"], country=edition.country),
        encoding="utf-8",
    )
    return index_key


def _around(edition: Edition, options: Options, rendered: list[RenderedNotebook],
            figures: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """The edition among the others: its links, and what changed since the previous issue."""
    current = IssueRecords(edition.issue.label, figures["figures"], claims["claims"])
    since, changes = since_last(edition, current, {n.name: n.html_name for n in rendered})
    return {"links": issue_links(edition, options), "since": since, "changes": changes}


def _run_record(edition: Edition, entries: list[dict[str, Any]], problems: list[str],
                options: Options, data: cache.DataFiles, started_at: str, started: float,
                index_key: str) -> dict[str, Any]:
    """The edition's ``run.json``: what ran, with what, from which data, and how it ended."""
    read_all: dict[str, str | None] = {}
    for entry in entries:
        read_all.update(entry.get("data_read") or {})
    elsewhere = {name for name in read_all if os.path.isabs(name)}
    return {
        "issue": edition.issue.label,
        "country": edition.country,
        "status": "failed" if problems else "ok",
        "problems": problems,
        "started_at": started_at,
        "finished_at": now(),
        "seconds": round(time.perf_counter() - started, 3),
        "project": {**cache.project_commit(), "version": cache.package_versions().get("bulletin")},
        "packages": cache.package_versions(),
        "library_sha256": cache.library_sha256(reference_dir_of(options.data_dir)),
        "library_files": cache.library_files(reference_dir_of(options.data_dir)),
        "data_dir": str(options.data_dir),
        "tables": {name: read_all[name] for name in sorted(read_all) if name not in elsewhere},
        "files_read_elsewhere": {name: read_all[name] for name in sorted(elsewhere)},
        "reference_dir": str(reference_dir_of(options.data_dir)),
        "tables_present": data.tables(),
        "parameters": {
            "quarter": edition.issue.label, "data_dir": str(options.data_dir),
            "country": edition.country, **options.extra,
        },
        "jobs": options.jobs,
        "scheduler": options.scheduler,
        "index_sha256": index_key,
        "notebooks": entries,
    }


def _publish(edition: Edition, staging: Path, ok: bool, published: list[Path] | None) -> Path:
    """Swap the staging folder in as the issue, or as its ``.failed`` sibling; the folder."""
    folder = edition.out_dir if ok else edition.failed_dir
    # An interrupt waits for the swap to finish: the edition is then published, and says so. The
    # swap takes turns with the other renders' linking of this folder (reports_folder_lock).
    with signals_deferred(), reports_folder_lock(folder):
        swap_in(staging, folder)
        if published is not None:
            published.append(folder)
        if ok:
            try:
                remove_tree(edition.failed_dir)
            except (TargetRefusedError, OSError) as refused:  # the issue is published all the same
                log.warning("%s was not removed: %s", edition.failed_dir, refused)
    return folder


def assemble_edition(
    edition: Edition,
    planned: list[Planned],
    outcomes: dict[str, Outcome],
    options: Options,
    data: cache.DataFiles,
    started_at: str,
    started: float,
    published: list[Path] | None = None,
) -> EditionResult:
    """Write one edition into a staging folder and publish it (or keep it as ``.failed``).

    ``published`` gets the edition's folder the moment it is published (so that an interrupt
    right after can say so).

    Raises:
        RenderError: the folder to publish to was changed during the render and is no longer the
            renderer's to replace (nothing was published).
        OSError: the staging folder could not be written (it is removed; nothing was published).
    """
    staging = new_staging(edition.out_dir)
    try:
        rendered: list[RenderedNotebook] = []
        entries: list[dict[str, Any]] = []
        problems: list[str] = []
        previous_records: dict[Path, tuple] = {}
        for item in planned:
            if not item.decision.run:
                notebook, entry = _reused(item, staging, previous_records, edition)
            else:
                outcome = outcomes[item.task_key]
                footer = edition_footer(edition, options.data_dir) if item.shared_from else ""
                notebook, entry = _executed(item, outcome, staging, footer, edition.country)
                if outcome.status != "ok":
                    problems.append(f"{notebook.name}: "
                                    f"{outcome.error['summary'] if outcome.error else outcome.status}")
            rendered.append(notebook)
            entries.append(entry)
        figures: dict[str, Any] = {"issue": edition.issue.label, "figures": {}}
        try:
            figures = assemble_figures(edition.issue, rendered)
            _write_json(staging / "figures.json", figures)
        except RenderError as error:
            problems.append(str(error))
        claims = assemble_claims(edition.issue, rendered)
        _write_json(staging / "claims.json", claims)
        ok = not problems
        around = _around(edition, options, rendered, figures, claims)
        _write_json(staging / CHANGES_FILE, around["changes"])
        index_key = _write_index(edition, rendered, ok, options, staging, around)
        _write_json(staging / RUN_RECORD,
                    _run_record(edition, entries, problems, options, data, started_at, started, index_key))
        write_marker(staging, edition.label)
        folder = _publish(edition, staging, ok, published)
    except TargetRefusedError as refused:
        shutil.rmtree(staging, ignore_errors=True)
        raise RenderError(f"{edition.label} was not published: {refused}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return EditionResult(edition, ok, folder, entries, problems)
