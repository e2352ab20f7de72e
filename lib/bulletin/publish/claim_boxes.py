"""How a checked claim of the bulletin is shown: its two badges and its box on the page.

The badges (whether the statement holds, and what the check rests on) are made here from the
claim's record, for the analysis's page (``bulletin.publish.pages``) and the front page
(``bulletin.publish.front_page``) alike.
"""

from __future__ import annotations

import html
from typing import Any

from bulletin.data.trust import BASIS_LABELS

HOLDS_LABELS = {True: "holds", False: "does not hold", None: "not testable"}
"""A claim's ``holds`` in words, for its badge."""
EXAMINED_LABELS = {
    "official": "figures examined: official",
    "stated": "figures examined: the bulletin's own",
    "reconstructed": "figures examined: reconstructed",
    "mixed": "figures examined: partly official",
}
"""The basis badge of a claim the data cannot test: what the check looked at."""


def holds_label(holds: bool | None) -> str:
    """A claim's ``holds`` in words: "holds", "does not hold" or "not testable"."""
    return HOLDS_LABELS.get(holds, "not testable")


def claim_badges(claim: dict[str, Any]) -> tuple[tuple[str, str], tuple[str, str]]:
    """The two badges beside a statement, as (words, CSS class): whether it holds, and its basis.

    A claim that holds on figures reconstructed from it "holds by construction" (no green badge:
    it proves nothing); an untestable one says what figures the check examined, or that the data
    hold none.
    """
    holds = claim.get("holds")
    basis = str(claim.get("basis") or "")
    if holds is None:
        verdict = ("not testable", "untestable")
    elif basis == "reconstructed" and holds:
        verdict = ("holds by construction", "untestable")
    else:
        verdict = (holds_label(holds), "holds" if holds else "fails")
    rows = (claim.get("values") or {}).get("basis_rows")
    rows = rows if isinstance(rows, dict) else {}
    if holds is None:
        empty = "basis_rows" in (claim.get("values") or {}) and not sum(rows.values())
        label = "no figures in the data" if empty else EXAMINED_LABELS.get(basis, "basis not stated")
    elif basis == "mixed" and sum(rows.values()) and rows.get("official"):
        share = rows["official"] / sum(rows.values()) * 100
        label = f"partly official ({share:.0f}% of its figures)"
    else:
        label = BASIS_LABELS.get(basis, "basis not stated")
    return verdict, (label, basis or "unknown")


def quoted_from(claim: dict[str, Any]) -> str:
    """Whose words a claim's statement is: "the 2017-Q2 bulletin", or "the bulletin" if unknown.

    A statement keeps the period its issue gave it ("in January-March 2017"), so every issue
    rendered quotes it as the words of the issue that made it, never as its own text.

    >>> quoted_from({"issue": "2017-Q2"}), quoted_from({})
    ('the 2017-Q2 bulletin', 'the bulletin')
    """
    issue = str(claim.get("issue") or "")
    return f"the {issue} bulletin" if issue else "the bulletin"


def claim_html(claim: dict[str, Any]) -> str:
    """One claim as readers see it.

    The statement, quoted as the words of the issue that made it (``data-statement-of`` names
    that issue), whether it holds, its basis beside it, and the verdict (all escaped: the record
    is data).
    """
    (verdict, verdict_class), (basis, basis_class) = claim_badges(claim)
    claim_id = html.escape(str(claim.get("id", "")))
    untestable = " claim-untestable" if claim.get("holds") is None else ""
    whose = quoted_from(claim)
    return (
        f'<aside class="bulletin-claim basis-{html.escape(basis_class)}{untestable}" '
        f'id="claim-{claim_id}" data-statement-of="{html.escape(str(claim.get("issue") or ""))}" '
        f'aria-label="{html.escape(whose[0].upper() + whose[1:])}\'s statement {claim_id}, checked">'
        f'<p class="claim-statement"><span class="claim-id">{claim_id}</span> '
        f"{html.escape(whose[0].upper() + whose[1:])}: "
        f"“{html.escape(str(claim.get('statement', '')))}”</p>"
        f'<p class="claim-badges"><span class="verdict verdict-{verdict_class}">'
        f"{html.escape(verdict)}</span> "
        f'<span class="basis basis-{html.escape(basis_class)}">{html.escape(basis)}</span></p>'
        f'<div class="claim-verdict"><p>{html.escape(str(claim.get("verdict", "")))}</p></div>'
        "</aside>"
    )
