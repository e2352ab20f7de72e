"""Nothing hard-coded to 2017-Q2: every period a page names follows the issue (issue 15).

Two issues are rendered from the shipped data, 2016-Q2 and 2017-Q1, three quarters apart, so that
neither shows a quarter that names the other (an issue shows its own quarter, its data quarter and
the two quarters it compares that with). Neither page text may name a period of the other issue,
nor of the 2017-Q2 issue (the one issue whose text the project holds, and the one the project
could have hard-coded), in any of the forms the wording helpers write: the label ``2017-Q2``, the
parameter form ``2017Q2``, the months ``April-June 2017`` and the quarter's last month ``June
2017`` (the end of a period: "2012-June 2017", "the June 2017 workshop").

**The one exception, defined narrowly: the 2017-Q2 bulletin quoted as itself.** Its statements
keep the periods they named ("in January-March 2017"), so they may name 2017-Q2's periods, but
only

1. inside an element marked ``data-statement-of="2017-Q2"`` (a claim box on an analysis page; the
   claims section of the front page, with each claim in it) whose visible text names "the 2017-Q2
   bulletin" (the outermost such element: a box's label, the section's heading), so the reader
   sees whose words they are; and
2. in a "Source:" note (or the "Sources:" a page's footer cites each publication in, once), in the part (between ``;`` and sentence ends) that cites the publication
   the rows come from, "Milestones 2017-Q2" (rows transcribed from, or reconstructed from a
   statement of, that issue).

Visible text is the text of the HTML pages with scripts, styles and templates left out; embedded
data (images, CSV downloads) are attributes, never text. A chart's ``alt`` description counts as
text: a reader of a screen reader hears it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bulletin.analyses.seizures import compared_quarters
from bulletin.core.periods import MONTHS, STATEMENTS_ISSUE, Quarter, data_quarter

pytestmark = pytest.mark.slow

QUOTED = STATEMENTS_ISSUE.label
CITATION = f"Milestones {QUOTED}"
_HIDDEN = {"script", "style", "template"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


class _VisibleText(HTMLParser):
    """Text nodes of a page, each with the issue of the quotation it is inside (or "")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []  # (tag, data-statement-of or None)
        self.hidden = 0
        self.nodes: list[tuple[str, str]] = []
        self.quotations: dict[int, list[str]] = {}  # id of an open quotation -> its text
        self._open: list[int] = []

    def _quoted(self) -> str:
        marks = [mark for _, mark in self.stack if mark]
        return marks[-1] if marks else ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "img" and named.get("alt"):
            self.handle_data(str(named["alt"]))
        if tag in _VOID:
            return
        if tag in _HIDDEN:
            self.hidden += 1
        mark = named.get("data-statement-of")
        outermost = bool(mark) and not self._quoted()
        self.stack.append((tag, mark))
        if outermost:  # a claim inside the front page's claims section is part of its quotation
            self._open.append(len(self.quotations))
            self.quotations[len(self.quotations)] = [str(mark)]

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        while self.stack:
            opened, mark = self.stack.pop()
            if opened in _HIDDEN:
                self.hidden -= 1
            if mark and not self._quoted():
                self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.hidden or not data.strip():
            return
        self.nodes.append((" ".join(data.split()), self._quoted()))
        for index in self._open:
            self.quotations[index].append(data)


def visible_text(page: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """A page's visible text nodes (text, quoted issue or ""), and each quotation's whole text."""
    parser = _VisibleText()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    quotations = [" ".join(" ".join(parts[1:]).split()) for parts in parser.quotations.values()
                  if parts[0] == QUOTED]
    return parser.nodes, quotations


def without_citations(text: str) -> str:
    """A text node with the parts of a "Source:" (or "Sources:") note that cite the 2017-Q2 bulletin taken out."""
    if not re.search(r"\bSources?:", text) or CITATION not in text:
        return text
    return " | ".join(part for part in re.split(r";\s|\.\s", text) if CITATION not in part)


def forms(quarter: Quarter) -> list[str]:
    """How the wording helpers write a quarter: label, parameter form, months, its last month."""
    last_month = f"{MONTHS[quarter.quarter * 3 - 1]} {quarter.year}"
    return [quarter.label, f"{quarter.year}Q{quarter.quarter}", quarter.months, last_month]


def quarters_shown(issue: Quarter) -> set[Quarter]:
    """The quarters an issue may name as its own: itself, its data quarter and those compared."""
    return {issue, *compared_quarters(data_quarter(issue)).values()}


def forbidden(issue: Quarter, other: Quarter) -> dict[str, Quarter]:
    """The period texts ``issue`` must not show: the other issue's and 2017-Q2's periods."""
    theirs = {other, data_quarter(other), STATEMENTS_ISSUE, data_quarter(STATEMENTS_ISSUE)}
    return {form: q for q in sorted(theirs - quarters_shown(issue)) for form in forms(q)}


def found_periods(folder: Path, texts: dict[str, Quarter]) -> list[str]:
    """Where the issue's pages name any of ``texts`` outside the exception, with some context."""
    found = []
    for page in sorted(folder.glob("*.html")):
        nodes, _ = visible_text(page)
        for text, quoted in nodes:
            if quoted == QUOTED:
                continue
            shown = without_citations(text)
            for form in texts:
                for match in re.finditer(re.escape(form) + r"(?!\d)", shown):
                    start = max(match.start() - 60, 0)
                    found.append(f"{page.name}: {form!r} in …{shown[start:match.end() + 40]}…")
    return found


@pytest.fixture(scope="module")
def issues(rendered_2016q2: Path, rendered_2017q1: Path) -> dict[Quarter, Path]:
    return {Quarter(2016, 2): rendered_2016q2, Quarter(2017, 1): rendered_2017q1}


def test_the_two_issues_show_no_common_quarter():
    # The premise of the test: three quarters apart, neither issue shows the other's periods.
    first, second = Quarter(2016, 2), Quarter(2017, 1)
    assert not quarters_shown(first) & {second, data_quarter(second)}
    assert not quarters_shown(second) & {first, data_quarter(first)}
    assert STATEMENTS_ISSUE not in quarters_shown(first) | quarters_shown(second)


def test_neither_issue_names_a_period_of_the_other_or_of_2017q2(issues):
    (first, first_dir), (second, second_dir) = issues.items()
    problems = found_periods(first_dir, forbidden(first, second))
    problems += found_periods(second_dir, forbidden(second, first))
    assert not problems, "\n".join(problems)


def test_each_issue_names_its_own_periods(issues):
    # The check above reads the pages it should: each names its own quarters, in the same forms.
    for issue, folder in issues.items():
        reported = data_quarter(issue)
        own = {issue.label: issue, issue.months: issue, reported.months: reported}
        assert len(found_periods(folder, own)) >= 3, issue
        seizures_page = " ".join(t for t, _ in visible_text(folder / "01_quarterly_seizures.html")[0])
        assert f"This issue ({issue.months}) reports the seizures of {reported.months}" in seizures_page


def test_the_quotations_of_2017q2_say_whose_words_they_are(issues):
    # The exception is used, and only where a reader sees it is the 2017-Q2 bulletin speaking.
    for issue, folder in issues.items():
        quoted_periods = 0
        for page in sorted(folder.glob("*.html")):
            _, quotations = visible_text(page)
            for quotation in quotations:
                assert f"The {QUOTED} bulletin" in quotation, (issue, page.name, quotation[:200])
                quoted_periods += any(form in quotation for form in forms(STATEMENTS_ISSUE)
                                      + forms(data_quarter(STATEMENTS_ISSUE)))
        assert quoted_periods >= 2, issue  # e.g. C1 ("January-March 2017"), C7 ("June 2017")
        index = " ".join(t for t, _ in visible_text(folder / "index.html")[0])
        assert f"The {QUOTED} bulletin's statements, checked" in index
        assert "not of this issue" in index


def test_the_exception_takes_out_only_the_citation_of_the_bulletin():
    note = ("Source: NSC, SDG indicator 5.2.1.1b; UNODC ROCA, Milestones 2017-Q2 (April-June "
            "2017), citing the NSC. Data status: official figures (April-June 2017).")
    kept = without_citations(note)
    assert "Milestones" not in kept and "NSC, SDG indicator" in kept
    assert "Data status: official figures (April-June 2017)" in kept  # not a citation: checked
    assert without_citations("In April-June 2017 (Milestones 2017-Q2)") == (
        "In April-June 2017 (Milestones 2017-Q2)")  # not a source note: checked whole
