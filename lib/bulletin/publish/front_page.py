"""The issue's front page: its title and period, the main points, and the contents.

The front page is built from the rendered analyses, so a new notebook appears on it without any
edit here: its title (first heading), one-line summary (the first sentence under the title), the
status of its data (from the figures it recorded and the charts and tables it showed, read as
data from its executed notebook by ``bulletin.publish.page_facts``) and a link to its page.

**Main points.** One short sentence per analysis, stated by its notebook (``report.main_point``,
read from its executed notebook by ``bulletin.publish.page_facts``; the library's wording helpers
are in ``bulletin.publish.main_points``). An analysis with no main point still appears in the
contents with its summary. A main point whose figures rest on reconstructed rows must say so, or
it is not stated at all (issue 13: :func:`bulletin.publish.main_points.checked_point`).

**The bulletin's statements, checked.** Every claim of ``claims.json`` is listed with its basis
beside it, in three groups (:func:`claim_group`): checked against published figures (basis
``official`` or ``mixed``), resting on the bulletin's own figures (``stated``), and "what the
bulletin says, not checkable here" (basis ``reconstructed``, or not testable). A claim resting on
figures reconstructed from it is listed there rather than left out: a reader should see which of
the issue's statements stand unverified, and why; it is never among the findings.

**About the data.** For each analysis, per table it read, the shares of rows and of the quantity
(kilograms, counts) that are official, stated and reconstructed, with the years of each: the data
records the notebooks made with ``report.record_data`` (facts as data, never read from prose).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat

from bulletin.core.periods import Quarter
from bulletin.core.wording import join_words, number_in_words
from bulletin.data.trust import STATUS_LABELS, order_of_trust
from bulletin.publish.claim_boxes import claim_badges
from bulletin.publish.editions import (
    country_records,
    edition_name,
    reporting_summary,
    standing_sentence,
)
from bulletin.publish.issue_links import IssueLinks, SinceLast, issue_nav_html, since_last_context
from bulletin.publish.main_points import checked_point
from bulletin.publish.masthead import BULLETIN_TITLE, PUBLISHER, stylesheet, templates
from bulletin.publish.page_facts import (
    analysis_number,
    describe_statuses,
    page_facts,
    section_of,
    status_class,
)
from bulletin.publish.report import order_statuses, split_statuses

TEMPLATE = "front_page.html.j2"


def _without_figure(record: Mapping[str, Any] | None) -> bool:
    """Whether a country's record says the country has no figure for the period."""
    return record is not None and record.get("value") is None


def _figures(rendered: list, issue_dir: Path | None) -> dict[str, dict[str, Any]]:
    """Every key figure of the issue by name: its figures.json, else what the analyses recorded."""
    if issue_dir is not None and (issue_dir / "figures.json").exists():
        return json.loads((issue_dir / "figures.json").read_text(encoding="utf-8"))["figures"]
    named = {}
    for analysis in rendered:
        for record in getattr(analysis, "figures", []):
            if "name" in record:
                named[record["name"]] = {**record, "notebook": analysis.name}
    return named


def _page_facts(analysis: Any, issue_dir: Path | None) -> dict[str, Any]:
    """Summary, statuses and counts of an analysis, from its executed notebook when there."""
    executed = issue_dir / f"{analysis.name}.ipynb" if issue_dir is not None else None
    if executed is not None and executed.exists():
        return page_facts(nbformat.read(executed, as_version=4), analysis.name)
    statuses: set[str] = set()
    for record in getattr(analysis, "figures", []):
        statuses |= split_statuses(str(record.get("status", "")))
    return {"summary": "", "statuses": order_statuses(statuses), "charts": [], "tables": [],
            "main_point": getattr(analysis, "main_point", None)}


def _claims(rendered: list, issue_dir: Path | None) -> list[dict[str, Any]]:
    """The issue's claims, from ``claims.json`` when written, else as the analyses recorded them."""
    if issue_dir is not None and (issue_dir / "claims.json").exists():
        return list(json.loads((issue_dir / "claims.json").read_text(encoding="utf-8"))["claims"])
    found = []
    for analysis in rendered:
        for claim in getattr(analysis, "claims", []) or []:
            found.append({**claim, "notebook": claim.get("notebook", analysis.name)})
    return found


CLAIM_GROUPS = (
    (
        "checked",
        "Checked against published figures",
        "Each statement was checked on figures the project did not derive from it (all official, "
        "or partly, as its basis says).",
    ),
    (
        "stated",
        "Resting on the bulletin's own figures",
        "No published figure exists for these: the check is against the bulletin's own text.",
    ),
    (
        "not_checkable",
        "What the bulletin says, not checkable here",
        "Not findings: the figures were reconstructed from these very statements (or from the "
        "bulletin's others), or no public figure tests them.",
    ),
)


def claim_group(claim: Mapping[str, Any]) -> str:
    """Where a claim goes on the front page.

    ``checked`` (official or mixed basis), ``stated`` (the bulletin's own figures only) or
    ``not_checkable`` (reconstructed basis, no basis, or not testable: never a finding).
    """
    basis = claim.get("basis")
    if claim.get("holds") is None or basis not in ("official", "mixed", "stated"):
        return "not_checkable"
    return "stated" if basis == "stated" else "checked"


def claims_for_front_page(
    claims: list[dict[str, Any]], pages_by_notebook: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The claims in their groups (:func:`claim_group`), each with its badges and page link."""
    groups = []
    for key, title, note in CLAIM_GROUPS:
        items = []
        for claim in claims:
            if claim_group(claim) != key:
                continue
            (holds, holds_class), (basis, basis_class) = claim_badges(claim)
            href = pages_by_notebook.get(str(claim.get("notebook", "")), "")
            items.append(
                {
                    "id": claim.get("id", ""),
                    "statement": claim.get("statement", ""),
                    "issue": claim.get("issue", ""),
                    "holds": holds,
                    "holds_class": holds_class,
                    "basis": basis,
                    "basis_class": basis_class,
                    "href": f"{href}#claim-{claim.get('id', '')}" if href else "",
                }
            )
        if items:
            groups.append({"key": key, "title": title, "note": note, "claims": items})
    return groups


def issues_quoted(claims: list[dict[str, Any]]) -> list[str]:
    """The issues whose statements the claims are (each claim's ``issue``), in order."""
    return sorted({str(c["issue"]) for c in claims if c.get("issue")})


def claims_heading(issue: Quarter, claims: list[dict[str, Any]]) -> tuple[str, str]:
    """The heading of the claims' section and the sentence under it, saying whose words they are.

    The statements are those of the issue that made them (each claim's ``issue``): in that issue
    they are "the issue's statements"; in any other they are quoted as its words, with their own
    periods, never presented as the text of the issue being read.

    >>> claims_heading(Quarter(2017, 3), [{"issue": "2017-Q2"}])[0]
    "The 2017-Q2 bulletin's statements, checked"
    """
    made_by = issues_quoted(claims)
    how = (
        "with what the data say of it and the basis of the check: whether it rests on official "
        "figures, on the bulletin's own figures, or on figures this project reconstructed from the "
        "statement itself (which prove nothing)."
    )
    if not made_by or made_by == [issue.label]:
        return "The bulletin's statements, checked", f"Each statement of the issue, {how}"
    issues = join_words(made_by)
    return (
        f"The {issues} bulletin's statements, checked",
        f"These are statements of the {issues} bulletin, not of this issue: quoted as it made them, "
        f"with the periods it named, and checked on the data of this issue's folder. Each is "
        f"listed {how}",
    )


SHARE_STATUSES = ("official", "stated", "reconstructed")
"""The statuses "About the data" always gives a column (others only when present)."""


def _share(value: float | None) -> str:
    """A share for "About the data": whole per cents, "<1%" for a small part that is not zero."""
    if value is None:
        return ""
    return "<1%" if 0 < value < 0.5 else f"{value:.0f}%"


def data_rows(analysis: Any, facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The "About the data" lines of one analysis.

    Per table it read, its rows, and per status the share of the rows, of the quantity (where the
    table has one) and the years it covers.

    Returns:
        One line per table: ``number, title, href, table, rows`` and ``cells``, a mapping of each
        status present to its lines of text (share of rows, share of the quantity, years).
    """
    lines = []
    for record in facts.get("data", []) or []:
        cells = {}
        for status, entry in (record.get("statuses", {}) or {}).items():
            words = [f"{_share(entry.get('rows_pct'))} of rows"]
            if record.get("quantity") and entry.get("quantity_pct") is not None:
                words.append(f"{_share(entry['quantity_pct'])} of {record['quantity']}")
            if entry.get("years"):
                words.append(str(entry["years"]))
            cells[status] = words
        lines.append(
            {
                "number": analysis_number(analysis.name) or "",
                "title": analysis.title,
                "href": analysis.html_name,
                "table": record.get("table", ""),
                "rows": f"{int(record.get('rows', 0)):,}",
                "cells": cells,
            }
        )
    return lines


def share_columns(lines: list[dict[str, Any]]) -> list[str]:
    """The statuses "About the data" gives a column.

    Official, stated and reconstructed always (the issue's question is how much of each), and any
    other status some table has.
    """
    present = {status for line in lines for status in line["cells"]}
    return sorted(set(SHARE_STATUSES) | present, key=order_of_trust)


def _read_nothing(facts: Mapping[str, Any]) -> bool:
    """Whether an analysis recorded what it read, and every table gave it no row."""
    records = facts.get("data", []) or []
    return bool(records) and all(not record.get("rows") for record in records)


def _counts(facts: Mapping[str, Any]) -> str:
    parts = []
    for key, word in (("charts", "chart"), ("tables", "table")):
        count = len(facts.get(key, []))
        if count:
            parts.append(f"{number_in_words(count)} {word}{'s' if count > 1 else ''}")
    return join_words(parts) if parts else ""


REGIONAL_CLAIMS = (
    "In a country's edition these are still the bulletin's regional statements, left as they are: "
    "the country's own figures are on each analysis's page and in the main points above."
)


def _edition_lead(rendered: list, own: Mapping[str, Mapping[str, Any]], country: str) -> str:
    """The paragraph under a country edition's title: what it reports, which pages are regional."""
    regional = [a.title for a in rendered if a.name not in own]
    text = reporting_summary(own, country)
    if regional:
        text += (f" The region's pages, the same in every edition: {'; '.join(regional)}.")
    return text


def front_page(
    issue: Quarter,
    rendered: list,
    footer: str,
    issue_dir: Path | str | None = None,
    links: IssueLinks | None = None,
    since: SinceLast | None = None,
    country: str | None = None,
) -> str:
    """The issue's front page as HTML.

    Args:
        issue: the issue's quarter.
        rendered: the rendered analyses, in reading order (each with ``name``, ``title``,
            ``html_name`` and the ``figures`` it recorded).
        footer: HTML of the issue-wide footer line (``pages.page_footer``).
        issue_dir: the folder being rendered, with each executed ``<name>.ipynb``; gives
            summaries, data statuses and the main points the notebooks stated (without it, an
            analysis's ``main_point`` record, if it has one).
        links: the previous and next issues and the list of every issue, where they exist
            (:mod:`bulletin.publish.issue_links`); none by default.
        since: what changed since the previous issue, for "Since the last issue" (left out when
            None).
        country: the edition's country (ISO3), or None for the region's issue: its name heads the
            page, its figures come first among the main points, and a paragraph says how much of
            the issue it reports.
    """
    issue_dir = Path(issue_dir) if issue_dir is not None else None
    all_figures = _figures(rendered, issue_dir)
    own = country_records(all_figures, country) if country else {}
    data_lines: list[dict[str, Any]] = []
    points = []
    sections: dict[str, list[dict[str, Any]]] = {}
    all_statuses: set[str] = set()
    for analysis in rendered:
        facts = _page_facts(analysis, issue_dir)
        data_lines += data_rows(analysis, facts)
        statuses = list(facts.get("statuses", []))
        all_statuses |= set(statuses)
        point = facts.get("main_point")
        found = checked_point(analysis.name, point, statuses) if point else None
        if analysis.name in own:
            record = own[analysis.name]
            found = (standing_sentence(record, page=False),
                     order_statuses(split_statuses(str(record.get("status", "")))))
        if found:
            sentence, point_statuses = found
            points.append(
                {
                    "analysis": analysis.name,
                    "sentence": sentence,
                    "href": analysis.html_name,
                    "title": analysis.title,
                    "status": describe_statuses(point_statuses) if point_statuses or not
                    _without_figure(own.get(analysis.name)) else "no figure",
                    "status_class": status_class(point_statuses),
                    "country": analysis.name in own,
                }
            )
        section = facts.get("section") or section_of(analysis.name)
        sections.setdefault(section, []).append(
            {
                "name": analysis.name,
                "number": analysis_number(analysis.name),
                "title": analysis.title,
                "href": analysis.html_name,
                "summary": facts.get("summary", ""),
                "status": describe_statuses(statuses) if statuses or not _read_nothing(facts)
                else "no data",
                "status_class": status_class(statuses),
                "counts": _counts(facts),
            }
        )
    statuses = order_statuses(all_statuses)
    issue_footer = (
        f'<p>Data of this issue: <span class="status status-{status_class(statuses)}">'
        f"{html.escape(describe_statuses(statuses))}</span>; "
        "each analysis names its sources.</p>"
        f'\n<p class="made-by">{footer}</p>'
    )
    claims = _claims(rendered, issue_dir)
    claims_title, claims_note = claims_heading(issue, claims)
    if country:
        points.sort(key=lambda point: not point["country"])  # the country's first, in order
        claims_note = (claims_note + " " + REGIONAL_CLAIMS).strip()
    return templates().get_template(TEMPLATE).render(
        bulletin=BULLETIN_TITLE,
        edition=edition_name(country),
        edition_lead=_edition_lead(rendered, own, country) if country else "",
        publisher=PUBLISHER,
        issue_label=issue.label,
        issue_months=issue.months,
        issue_nav=issue_nav_html(links or IssueLinks()),
        since=since_last_context(since) if since is not None else None,
        main_points=points,
        claim_groups=claims_for_front_page(claims, {a.name: a.html_name for a in rendered}),
        claims_title=claims_title,
        claims_note=claims_note,
        claims_of=" ".join(issues_quoted(claims)),
        data_lines=data_lines,
        share_columns=[
            {"key": key, "label": STATUS_LABELS.get(key, key)} for key in share_columns(data_lines)
        ],
        sections=[{"title": title, "analyses": items} for title, items in sections.items()],
        css=stylesheet(),
        footer=issue_footer,
    )
