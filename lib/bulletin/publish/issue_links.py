"""An issue among the others: links to the previous and next issues, and "Since the last issue".

**Links.** The front page's masthead links to the previous and the next issue of the same edition
and to the list of every issue (``reports/index.html``), each only when it resolves. The links are
one block between two comments, ``<!-- issue-nav -->`` and ``<!-- /issue-nav -->``, made by
:func:`issue_nav_html` whether the page is being rendered or an issue published earlier gets its
"next" link once the next one is published (:func:`replace_issue_nav`): the same links give the
same block, byte for byte, either way.

**Since the last issue.** A short section made from the comparison of this issue with the previous
one (:mod:`bulletin.publish.issue_diff`): how many figures were revised, moved on, relabelled, new
and gone, the largest revisions with both values and their period, and the statements whose check
changed; or one sentence saying why there is nothing to compare with. Every word is made from the
numbers, in a fixed order, so that the same two issues give the same section.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bulletin.core.periods import Quarter
from bulletin.core.wording import count_in_words, join_words, number_in_words
from bulletin.publish.issue_diff import ClaimChange, Figure, FigureChange, IssueDiff, as_number

NAV_START, NAV_END = "<!-- issue-nav -->", "<!-- /issue-nav -->"
_NAV_BLOCK = re.compile(re.escape(NAV_START) + r".*?" + re.escape(NAV_END), re.DOTALL)
REVISIONS_SHOWN = 3
"""How many revisions the front page names (the largest; the rest are in ``changes.json``)."""


@dataclass(frozen=True)
class Neighbour:
    """Another issue of the same edition, published beside this one."""

    issue: str
    href: str

    @property
    def months(self) -> str:
        """``January-March 2017``."""
        return Quarter.parse(self.issue).months


@dataclass(frozen=True)
class IssueLinks:
    """The links of an issue's masthead; None where the page does not exist."""

    previous: Neighbour | None = None
    next: Neighbour | None = None
    all_issues: str | None = None


def issue_nav_html(links: IssueLinks) -> str:
    """The masthead's links to the previous and next issues and to every issue, as one block.

    >>> issue_nav_html(IssueLinks())
    '<!-- issue-nav --><!-- /issue-nav -->'
    >>> issue_nav_html(IssueLinks(None, Neighbour("2017-Q3", "../2017-Q3/index.html")))
    '<!-- issue-nav --><nav class="issue-nav" aria-label="Other issues"><a rel="next" href="../2017-Q3/index.html">Next issue: July-September 2017 →</a></nav><!-- /issue-nav -->'
    """
    parts = []
    if links.previous is not None:
        parts.append(f'<a rel="prev" href="{html.escape(links.previous.href)}">'
                     f"← Previous issue: {html.escape(links.previous.months)}</a>")
    if links.all_issues is not None:
        parts.append(f'<a href="{html.escape(links.all_issues)}">All issues</a>')
    if links.next is not None:
        parts.append(f'<a rel="next" href="{html.escape(links.next.href)}">'
                     f"Next issue: {html.escape(links.next.months)} →</a>")
    inner = ""
    if parts:
        inner = ('<nav class="issue-nav" aria-label="Other issues">'
                 + '<span class="sep"> · </span>'.join(parts) + "</nav>")
    return NAV_START + inner + NAV_END


def replace_issue_nav(page: str, links: IssueLinks) -> str | None:
    """``page`` (a front page) with its links block made again from ``links``.

    Returns:
        The new page, or None when the page has not exactly one links block (a page made by an
        earlier version, or not a front page): it is then left as it is.
    """
    if len(_NAV_BLOCK.findall(page)) != 1:
        return None
    nav = issue_nav_html(links)
    return _NAV_BLOCK.sub(lambda _: nav, page)


# --- Since the last issue ------------------------------------------------------------------------


@dataclass(frozen=True)
class SinceLast:
    """What the front page says of the previous issue.

    Attributes:
        previous: the previous issue's label (``2017-Q1``).
        diff: the comparison with it, or None when there is none.
        missing: why there is no comparison, in words (when ``diff`` is None).
        previous_href: the previous issue's front page, relative to this one.
        pages: the pages of this issue's analyses by notebook name (links for the figures named).
        command: the ``bulletin diff`` command that gives the comparison in full.
    """

    previous: str
    diff: IssueDiff | None = None
    missing: str = ""
    previous_href: str | None = None
    pages: tuple[tuple[str, str], ...] = ()
    command: str = ""


# Years as a figure's value: 2015, 2003-2004, "1990-2000, 2003" (not a count of years, 7).
_CALENDAR_YEARS = re.compile(r"[12]\d{3}(?:\s*(?:-|–|,|and)\s*[12]\d{3})*")


def format_value(figure: Figure) -> str:
    """A figure's value with its unit, as given (no rounding beyond what the issue recorded).

    >>> format_value(Figure(13575, "offences", "2016", "official", "")), format_value(Figure(91.87, "%", "2016", "official", ""))
    ('13,575 offences', '91.87%')
    >>> format_value(Figure(None, "%", "2016", "official", "")), format_value(Figure(7, "years", "2010-2016", "official", ""))
    ('no value', '7 years')

    A figure whose value is a year, or years, is written without its unit ("2015", never
    "2015 year"; "2003-2004", never "2003-2004 years"):

    >>> format_value(Figure(2015, "year", "2010-2016", "official", "")), format_value(Figure("2003-2004", "years", "1990-2016", "official", ""))
    ('2015', '2003-2004')
    """
    if figure.value is None or (isinstance(figure.value, float) and figure.value != figure.value):
        return "no value"
    number = as_number(figure.value)
    unit = figure.unit.strip()
    if number is None:
        shown = str(figure.value).strip()
    else:  # a year is written 2015, not 2,015
        shown = f"{number}" if unit.startswith("year") and abs(number) < 10000 else f"{number:,}"
    if not unit or (unit.startswith("year") and _CALENDAR_YEARS.fullmatch(shown)):
        return shown
    return f"{shown}{unit}" if unit.startswith("%") and len(unit) == 1 else f"{shown} {unit}"


def _counted(count: int, singular: str, plural: str) -> str:
    return count_in_words(count, singular, plural) if count else f"no {plural}"


def figures_sentence(diff: IssueDiff) -> str:
    """The figures in one sentence: revised, moved on, relabelled, new, gone, unchanged.

    Groups with nothing in them are left out, except revisions, which are always said.
    """
    parts = [_counted(len(diff.revised), "figure revised", "figures revised")]
    if diff.moved_on:
        parts.append(f"{number_in_words(len(diff.moved_on))} moved on to a new period")
    if diff.relabelled:
        parts.append(f"{number_in_words(len(diff.relabelled))} with another unit or data status")
    if diff.new:
        parts.append(f"{number_in_words(len(diff.new))} new")
    if diff.gone:
        parts.append(f"{number_in_words(len(diff.gone))} gone")
    if diff.unchanged:
        parts.append(f"{number_in_words(diff.unchanged)} unchanged")
    sentence = join_words(parts)
    return sentence[0].upper() + sentence[1:] + "."


def revision_words(change: FigureChange) -> dict[str, str]:
    """A revision named with its period and both values: what the front page lists."""
    assert change.before is not None and change.after is not None
    period = change.after.period or "the same period"
    notes = [relative_words(change)]
    if change.before.status != change.after.status:
        notes.append(f"{change.before.status}, now {change.after.status}")
    shown = "; ".join(note for note in notes if note)
    return {
        "name": change.name,
        "notebook": change.after.notebook,
        "words": f"for {period}: {format_value(change.before)} in the previous issue, "
                 f"now {format_value(change.after)}" + (f" ({shown})" if shown else ""),
    }


_HOLDS_NOW = {True: "now holds", False: "no longer holds", None: "can no longer be tested"}
_HOLDS_BEFORE = {True: "it held", False: "it did not hold", None: "it could not be tested"}


def claim_words(change: ClaimChange) -> str:
    """How the check of one statement changed, in a few words.

    >>> claim_words(ClaimChange("C4", "", "", False, True, changed=("holds", "verdict")))
    'C4 now holds (it did not hold in the previous issue)'
    """
    if "holds" in change.changed:
        now = _HOLDS_NOW.get(change.holds_after, "")
        if change.holds_after is False and change.holds_before is None:
            now = "can now be tested, and does not hold"
        return f"{change.id} {now} ({_HOLDS_BEFORE.get(change.holds_before, '')} in the previous issue)"
    if "basis" in change.changed:
        return (f"{change.id} is now checked on {change.basis_after} figures "
                f"(on {change.basis_before} figures in the previous issue), with the same outcome")
    return f"{change.id}: same outcome, worded with the new figures"


def claims_sentence(diff: IssueDiff) -> str:
    """The bulletin's statements in one sentence: whose check changed, new and gone ones."""
    outcome = [c for c in diff.claims_changed if "holds" in c.changed or "basis" in c.changed]
    reworded = len(diff.claims_changed) - len(outcome)
    parts = [claim_words(c) for c in outcome]
    if reworded:
        parts.append(f"{count_in_words(reworded, 'other', 'others')} with the same outcome, "
                     "worded with the new figures")
    if diff.claims_new:
        parts.append(f"new: {join_words([c.id for c in diff.claims_new])}")
    if diff.claims_gone:
        parts.append(f"no longer checked: {join_words([c.id for c in diff.claims_gone])}")
    if not parts:
        total = diff.claims_unchanged
        return (f"The checks of the bulletin's {count_in_words(total, 'statement', 'statements')} "
                "came out as in the previous issue." if total else "")
    return "The bulletin's statements: " + "; ".join(parts) + "."


def _more(count: int) -> str:
    return f"And {number_in_words(count)} more." if count > 0 else ""


def since_last_context(since: SinceLast) -> dict[str, Any]:
    """What the front page's template needs for "Since the last issue"."""
    previous = Quarter.parse(since.previous)
    context: dict[str, Any] = {
        "previous": since.previous,
        "previous_months": previous.months,
        "previous_href": since.previous_href,
        "missing": since.missing,
        "command": since.command,
        "figures": "",
        "revisions": [],
        "more_revisions": "",
        "claims": "",
    }
    if since.diff is None:
        return context
    pages = dict(since.pages)
    revisions = []
    for change in since.diff.biggest_revisions[:REVISIONS_SHOWN]:
        words = revision_words(change)
        words["href"] = pages.get(words["notebook"], "")
        revisions.append(words)
    context.update(
        figures=figures_sentence(since.diff),
        revisions=revisions,
        more_revisions=_more(len(since.diff.revised) - REVISIONS_SHOWN),
        claims=claims_sentence(since.diff),
    )
    return context


def value_change(change: FigureChange) -> str:
    """A figure's two states, for lists of changes.

    >>> before = Figure(41.865, "t", "2015", "official", "03_cannabis")
    >>> value_change(FigureChange("cannabis_t", before, Figure(36.557, "t", "2016", "official", "")))
    '41.865 t (2015, official) → 36.557 t (2016, official)'
    """
    def state(figure: Figure) -> str:
        return f"{format_value(figure)} ({figure.period or 'no period'}, {figure.status or 'no status'})"

    if change.before is None or change.after is None:  # new, or gone: one state
        return state(change.after or change.before)  # type: ignore[arg-type]
    return f"{state(change.before)} → {state(change.after)}"


def relative_words(change: FigureChange) -> str:
    """The size of a numeric change as a per cent of the earlier value (``+4.2%``), or ``""``."""
    assert change.before is not None and change.after is not None
    old, new = as_number(change.before.value), as_number(change.after.value)
    if old is None or new is None or old == 0:
        return ""
    percent = ((new - old) / abs(old) * 100).quantize(Decimal("0.1"))
    return f"{'+' if percent > 0 else ''}{percent}%"
