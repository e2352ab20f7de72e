"""An issue among the others: "Since the last issue", the links to the previous and next issues
(bulletin.publish.issue_links), and how the renderer finds, links and lists published issues
(bulletin.render.neighbours), on issue folders made by hand (no kernel)."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from bulletin.core.periods import Quarter
from bulletin.publish.front_page import front_page
from bulletin.publish.issue_diff import IssueRecords, compare_issues
from bulletin.publish.issue_links import (
    IssueLinks,
    Neighbour,
    SinceLast,
    claims_sentence,
    figures_sentence,
    issue_nav_html,
    replace_issue_nav,
    since_last_context,
)
from bulletin.publish.reports_index import GENERATOR
from bulletin.render import assemble, neighbours
from bulletin.render.folders import write_marker
from bulletin.render.plan import Edition, Options

NAV = re.compile(r"<!-- issue-nav -->.*?<!-- /issue-nav -->", re.DOTALL)


def figure(value, period="2016", unit="t", status="official", notebook="02_drug_market") -> dict:
    """A record as figures.json holds it."""
    return {"value": value, "unit": unit, "period": period, "status": status, "notebook": notebook}


def claim(claim_id: str, holds, basis="official") -> dict:
    """A record as claims.json holds it."""
    return {"id": claim_id, "statement": f"statement {claim_id}", "holds": holds, "basis": basis,
            "verdict": "The data say so.", "notebook": "03_cannabis"}


EARLIER = {
    "a_t": figure(10.0), "b_t": figure(100), "c_t": figure(5.5), "d_t": figure(1.0),
    "moved_t": figure(7.0, "2015"), "kept_t": figure(3.0), "gone_t": figure(1.0),
}
LATER = {
    "a_t": figure(12.5), "b_t": figure(101), "c_t": figure(5.0), "d_t": figure(1.5),
    "moved_t": figure(8.0, "2016"), "kept_t": figure(3.0), "new_t": figure(2.0),
}


def diff_of(earlier=EARLIER, later=LATER, claims_before=(), claims_after=()):
    return compare_issues(IssueRecords("2017-Q1", earlier, list(claims_before)),
                          IssueRecords("2017-Q2", later, list(claims_after)))


# --- the words of "Since the last issue" ---------------------------------------------------------


def test_the_figures_sentence_counts_each_group_in_words():
    assert figures_sentence(diff_of()) == (
        "Four figures revised, one moved on to a new period, one new, one gone and one unchanged."
    )
    assert figures_sentence(diff_of(EARLIER, EARLIER)) == "No figures revised and seven unchanged."


def test_the_largest_revisions_are_named_with_both_values_and_their_period():
    context = since_last_context(SinceLast("2017-Q1", diff_of(), previous_href="../2017-Q1/index.html",
                                           pages=(("02_drug_market", "02_drug_market.html"),)))
    assert [r["name"] for r in context["revisions"]] == ["d_t", "a_t", "c_t"]  # +50%, +25%, -9%
    assert context["revisions"][0]["words"] == "for 2016: 1.0 t in the previous issue, now 1.5 t (+50.0%)"
    assert context["revisions"][0]["href"] == "02_drug_market.html"
    assert context["more_revisions"] == "And one more."
    assert context["previous_months"] == "January-March 2017"


def test_the_claims_sentence_says_whose_check_changed():
    diff = diff_of(claims_before=[claim("C1", True), claim("C2", False), claim("C3", True),
                                  claim("C9", True)],
                   claims_after=[claim("C1", False), claim("C2", True), claim("C3", True, "mixed"),
                                 claim("C4", None)])
    assert claims_sentence(diff) == (
        "The bulletin's statements: C1 no longer holds (it held in the previous issue); C2 now "
        "holds (it did not hold in the previous issue); C3 is now checked on mixed figures (on "
        "official figures in the previous issue), with the same outcome; new: C4; no longer "
        "checked: C9."
    )
    same = diff_of(claims_before=[claim("C1", True)], claims_after=[claim("C1", True)])
    assert claims_sentence(same) == "The checks of the bulletin's one statement came out as in the previous issue."


def _page(since: SinceLast | None = None, links: IssueLinks | None = None) -> str:
    return front_page(Quarter(2017, 2), [], "made by a test", links=links, since=since)


def test_the_front_page_section_is_made_from_the_comparison_and_is_the_same_bytes_each_time():
    since = SinceLast("2017-Q1", diff_of(), previous_href="../2017-Q1/index.html",
                      command="bulletin diff 2017-Q1 2017-Q2")
    page = _page(since)
    section = page[page.index('<section class="since-last"'):page.index("</section>", page.index("since-last-heading"))]
    assert "Since the last issue" in section
    assert '<a href="../2017-Q1/index.html">January-March 2017 issue</a>' in section
    assert "Four figures revised, one moved on to a new period" in section
    assert "<code>d_t</code> for 2016: 1.0 t in the previous issue, now 1.5 t (+50.0%)" in section
    assert '<a href="changes.json">changes.json</a>' in section
    # Same comparison, records given in another order: the same bytes.
    shuffled = diff_of(dict(reversed(EARLIER.items())), dict(reversed(LATER.items())))
    assert _page(SinceLast("2017-Q1", shuffled, previous_href="../2017-Q1/index.html",
                           command="bulletin diff 2017-Q1 2017-Q2")) == page


def test_without_a_previous_issue_the_section_says_so_in_one_sentence():
    page = _page(SinceLast("2017-Q1", missing="No previous issue (2017-Q1) had been rendered."))
    assert "<p>No previous issue (2017-Q1) had been rendered.</p>" in page
    assert "changes.json" not in page
    assert 'class="since-last"' not in _page(None)


# --- the links block ----------------------------------------------------------------------------


def test_the_links_block_links_only_what_it_is_given():
    assert issue_nav_html(IssueLinks()) == "<!-- issue-nav --><!-- /issue-nav -->"
    both = issue_nav_html(IssueLinks(Neighbour("2017-Q1", "../2017-Q1/index.html"),
                                     Neighbour("2017-Q3", "../2017-Q3/index.html"), "../index.html"))
    assert re.findall(r'href="([^"]+)"', both) == ["../2017-Q1/index.html", "../index.html",
                                                   "../2017-Q3/index.html"]
    assert 'rel="prev"' in both and 'rel="next"' in both


def test_a_page_linked_later_is_the_page_made_with_the_link():
    links = IssueLinks(Neighbour("2017-Q1", "../2017-Q1/index.html"), None, "../index.html")
    later = IssueLinks(links.previous, Neighbour("2017-Q3", "../2017-Q3/index.html"), "../index.html")
    assert replace_issue_nav(_page(links=links), later) == _page(links=later)
    assert replace_issue_nav("<html>no block</html>", later) is None
    twice = _page(links=links).replace("</main>", issue_nav_html(links) + "</main>")
    assert replace_issue_nav(twice, later) is None


# --- finding, linking and listing published issues ------------------------------------------------


def publish(reports: Path, name: str, label: str, *, figures=None, claims=None,
            links: IssueLinks | None = None, finished="2017-07-03T09:12:00+00:00") -> Path:
    """An issue folder as the renderer publishes it (with its marker, written last)."""
    folder = reports / name
    folder.mkdir(parents=True)
    issue = Quarter.parse(label.split()[0])
    (folder / "figures.json").write_text(json.dumps(
        {"issue": issue.label, "figures": figures if figures is not None else {"a_t": figure(1.0)}}))
    (folder / "claims.json").write_text(json.dumps(
        {"issue": issue.label, "claims": claims if claims is not None else [claim("C1", True)]}))
    (folder / "run.json").write_text(json.dumps({"issue": issue.label, "finished_at": finished}))
    (folder / "index.html").write_text(
        front_page(issue, [], "footer", links=links or IssueLinks()), encoding="utf-8")
    write_marker(folder, label)
    return folder


def options_for(reports: Path) -> Options:
    return Options(data_dir=reports.parent / "data", notebooks_dir=reports.parent / "nb",
                   reports_dir=reports)


def nav_of(folder: Path) -> str:
    return NAV.search((folder / "index.html").read_text(encoding="utf-8")).group(0)


def test_neighbours_are_published_editions_of_the_same_kind(tmp_path: Path):
    reports = tmp_path / "reports"
    publish(reports, "2017-Q1", "2017-Q1")
    publish(reports, "2017-Q3-KGZ", "2017-Q3 KGZ")
    publish(reports, "2017-Q1-KGZ", "2017-Q1 TJK")  # a marker naming another edition
    (reports / "2017-Q3").mkdir()  # no marker
    (reports / "2017-Q3" / "index.html").write_text("<html></html>")
    region = Edition(Quarter(2017, 2), reports / "2017-Q2")
    links = neighbours.issue_links(region, options_for(reports))
    assert links == IssueLinks(Neighbour("2017-Q1", "../2017-Q1/index.html"), None, "../index.html")
    kgz = Edition(Quarter(2017, 2), reports / "2017-Q2-KGZ", "KGZ")
    links = neighbours.issue_links(kgz, options_for(reports))
    assert links == IssueLinks(None, Neighbour("2017-Q3", "../2017-Q3-KGZ/index.html"), "../index.html")
    elsewhere = Edition(Quarter(2017, 2), reports / "try")  # bulletin render --out reports/try
    assert neighbours.issue_links(elsewhere, options_for(reports)).previous is None
    outside = Edition(Quarter(2017, 2), tmp_path / "other" / "2017-Q2")
    publish(tmp_path / "other", "2017-Q1", "2017-Q1")
    links = neighbours.issue_links(outside, options_for(reports))
    assert links.previous is not None and links.all_issues is None  # no list of issues there


def test_the_comparison_is_made_with_the_published_previous_issue(tmp_path: Path, caplog):
    reports = tmp_path / "reports"
    previous = publish(reports, "2017-Q1", "2017-Q1", figures=EARLIER)
    edition = Edition(Quarter(2017, 2), reports / "2017-Q2")
    since, changes = neighbours.since_last(edition, IssueRecords("2017-Q2", LATER, []), {})
    assert since.diff is not None and [c.name for c in since.diff.revised] == ["a_t", "b_t", "c_t", "d_t"]
    assert changes["previous"]["folder"] == "2017-Q1"
    assert changes["changes"]["counts"]["revised"] == 4
    assert since.command.startswith("bulletin diff 2017-Q1 2017-Q2 --reports ")
    (previous / "figures.json").write_text("{broken")
    with caplog.at_level(logging.WARNING):
        since, changes = neighbours.since_last(edition, IssueRecords("2017-Q2", LATER, []), {})
    assert since.diff is None and changes["previous"] is None
    assert "2017-Q1/figures.json" in since.missing and "figures.json" in caplog.text
    first = Edition(Quarter(2017, 1), reports / "2017-Q1")
    since, changes = neighbours.since_last(first, IssueRecords("2017-Q1", EARLIER, []), {})
    assert changes["missing"] == since.missing
    assert since.missing.startswith("No previous issue (2016-Q4) had been rendered")
    kgz = Edition(Quarter(2017, 2), reports / "2017-Q2-KGZ", "KGZ")  # 2017-Q1 is the region's
    since, _ = neighbours.since_last(kgz, IssueRecords("2017-Q2", LATER, []), {})
    assert since.missing.startswith("No previous issue (2017-Q1, edition for Kyrgyzstan) had been")


def test_an_issue_published_earlier_gets_its_next_link(tmp_path: Path):
    reports = tmp_path / "reports"
    first = publish(reports, "2017-Q1", "2017-Q1", links=IssueLinks(None, None, "../index.html"))
    second = publish(reports, "2017-Q2", "2017-Q2")
    before = (first / "index.html").read_text(encoding="utf-8")
    marker = (first / ".bulletin-issue.json").read_bytes()
    edition = Edition(Quarter(2017, 2), second)
    changed = neighbours.link_neighbours(edition, options_for(reports))
    assert changed == [first / "index.html", second / "index.html"]
    assert 'rel="next" href="../2017-Q2/index.html"' in nav_of(first)
    assert 'rel="prev" href="../2017-Q1/index.html"' in nav_of(second)
    after = (first / "index.html").read_text(encoding="utf-8")
    assert NAV.sub("", after) == NAV.sub("", before)  # only the links block changed
    assert (first / ".bulletin-issue.json").read_bytes() == marker
    assert sorted(p.name for p in reports.iterdir() if p.name.startswith(".2017")) == []  # no lock file made
    # Nothing more to change: nothing is written again.
    assert neighbours.link_neighbours(edition, options_for(reports)) == []


def test_a_neighbour_being_rendered_is_linked_and_its_publish_waits_for_the_linking(tmp_path: Path):
    # Two renders side by side (found flaky under load): the one that links last must link both,
    # even while the other still holds its edition's lock after having linked itself too early.
    reports = tmp_path / "reports"
    first = publish(reports, "2017-Q1", "2017-Q1")
    second = publish(reports, "2017-Q2", "2017-Q2")
    with open(reports / ".2017-Q1.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another render of 2017-Q1 holds it
        neighbours.link_neighbours(Edition(Quarter(2017, 2), second), options_for(reports))
    assert 'rel="next" href="../2017-Q2/index.html"' in nav_of(first)
    assert 'rel="prev"' in nav_of(second)
    # That is safe because a publish (the swap of a folder) takes turns with the linking.
    staging = tmp_path / "staging"
    shutil.copytree(first, staging)
    held = os.open(reports, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)  # a linking in progress
    swapped = threading.Event()
    thread = threading.Thread(target=lambda: (assemble._publish(
        Edition(Quarter(2017, 1), first), staging, True, None), swapped.set()))
    thread.start()
    try:
        assert not swapped.wait(0.5), "the folder was swapped in while another render was linking"
    finally:
        os.close(held)  # the linking ends
    thread.join(10)
    assert swapped.is_set() and not staging.exists()


def test_a_page_without_a_links_block_is_left_as_it_is(tmp_path: Path):
    reports = tmp_path / "reports"
    first = publish(reports, "2017-Q1", "2017-Q1")
    (first / "index.html").write_text("<html>made by an earlier version</html>")
    write_marker(first, "2017-Q1")
    second = publish(reports, "2017-Q2", "2017-Q2")
    neighbours.link_neighbours(Edition(Quarter(2017, 2), second), options_for(reports))
    assert (first / "index.html").read_text() == "<html>made by an earlier version</html>"
    (first / "index.html").write_bytes(b"<html>\xff</html>")  # not even text
    neighbours.link_neighbours(Edition(Quarter(2017, 2), second), options_for(reports))
    assert (first / "index.html").read_bytes() == b"<html>\xff</html>"


def test_the_list_of_issues_is_newest_first_and_only_published_editions(tmp_path: Path):
    reports = tmp_path / "reports"
    publish(reports, "2016-Q4", "2016-Q4")
    publish(reports, "2017-Q2-KGZ", "2017-Q2 KGZ")
    publish(reports, "2017-Q2", "2017-Q2", claims=[claim("C1", True), claim("C2", False),
                                                   claim("C8", None)])
    publish(reports, "2017-Q1", "2017-Q1")
    publish(reports, "2017-Q3.failed", "2017-Q3")
    (reports / "notes").mkdir()
    (reports / "notes" / "index.html").write_text("mine")
    path = neighbours.write_reports_index(reports)
    page = path.read_text(encoding="utf-8")
    assert re.findall(r'<tr data-folder="([^"]+)"', page) == ["2017-Q2", "2017-Q2-KGZ", "2017-Q1", "2016-Q4"]
    row = re.search(r'<tr data-folder="2017-Q2">.*?</tr>', page).group(0)
    assert 'href="2017-Q2/index.html"' in row and "April-June 2017" in row
    assert "2017-07-03 09:12 UTC" in row and ">1 of 2<" in row
    assert "Kyrgyzstan (KGZ)" in page
    assert f'<meta name="generator" content="{GENERATOR}">' in page
    assert neighbours.write_reports_index(reports) == path
    assert path.read_text(encoding="utf-8") == page  # the same folders, the same bytes


def test_a_list_of_issues_made_from_the_same_entries_and_library_is_not_made_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    reports = tmp_path / "reports"
    publish(reports, "2017-Q1", "2017-Q1")
    path = neighbours.write_reports_index(reports)
    page = path.read_text(encoding="utf-8")
    made = []
    make = neighbours.reports_index_html
    monkeypatch.setattr(neighbours, "reports_index_html",
                        lambda *args: made.append(args) or make(*args))
    assert neighbours.write_reports_index(reports) == path
    assert made == [] and path.read_text(encoding="utf-8") == page  # up to date: not made
    publish(reports, "2017-Q2", "2017-Q2")  # a new entry
    neighbours.write_reports_index(reports)
    assert len(made) == 1 and 'data-folder="2017-Q2"' in path.read_text(encoding="utf-8")
    assert neighbours.write_reports_index(reports) == path and len(made) == 1
    monkeypatch.setattr(neighbours, "library_sha256", lambda: "another library")  # code changed
    neighbours.write_reports_index(reports)
    assert len(made) == 2
    page = path.read_text(encoding="utf-8")
    (reports / "2017-Q1" / "run.json").write_text(  # an entry rendered again, at another time
        json.dumps({"issue": "2017-Q1", "finished_at": "2017-07-04T10:00:00+00:00"}))
    neighbours.write_reports_index(reports)
    assert len(made) == 3 and "2017-07-04 10:00 UTC" in path.read_text(encoding="utf-8")


def test_a_list_of_issues_the_renderer_did_not_write_is_never_replaced(tmp_path: Path, caplog):
    reports = tmp_path / "reports"
    publish(reports, "2017-Q2", "2017-Q2")
    (reports / "index.html").write_text("<html>my own index</html>")
    with caplog.at_level(logging.WARNING):
        assert neighbours.write_reports_index(reports) is None
    assert (reports / "index.html").read_text() == "<html>my own index</html>"
    assert "was not written by bulletin render" in caplog.text
    edition = Edition(Quarter(2017, 2), reports / "2017-Q2")
    assert neighbours.issue_links(edition, options_for(reports)).all_issues is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_folder_that_cannot_be_written_is_an_error_of_its_own(tmp_path: Path):
    reports = tmp_path / "reports"
    publish(reports, "2017-Q1", "2017-Q1")
    second = publish(reports, "2017-Q2", "2017-Q2")
    os.chmod(reports, 0o555)
    try:
        with pytest.raises(OSError):
            neighbours.link_neighbours(Edition(Quarter(2017, 2), second), options_for(reports))
    finally:
        os.chmod(reports, 0o755)
