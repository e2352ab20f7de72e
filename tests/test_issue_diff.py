"""bulletin.publish.issue_diff: the rules that compare two issues, on small hand-made records,
and on the 2017-Q1 and 2017-Q2 issues rendered from the shipped data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bulletin.core.periods import Quarter, data_quarter
from bulletin.publish.issue_diff import (
    IssueRecords,
    IssueRecordsError,
    compare_claims,
    compare_figures,
    compare_issues,
    diff_as_json,
    read_issue_records,
    same_period,
    same_value,
)


def figure(value, period="2016", unit="t", status="official", notebook="02_drug_market") -> dict:
    """A record as figures.json holds it."""
    return {"value": value, "unit": unit, "period": period, "status": status, "notebook": notebook}


def claim(claim_id: str, holds, verdict="The data say so.", basis="official") -> dict:
    """A record as claims.json holds it."""
    return {"id": claim_id, "statement": f"statement {claim_id}", "values": {}, "holds": holds,
            "basis": basis, "verdict": verdict, "notebook": "03_cannabis"}


def names(changes) -> list[str]:
    return [change.name for change in changes]


@pytest.mark.parametrize(("a", "b", "same"), [
    (11.9, 11.908, True),        # at the one decimal given, 11.908 is 11.9
    (11.9, 11.96, False),
    (3.8, 3.75, True),           # 3.75 rounds (half up) to 3.8 at the one decimal given
    (3.8, 3.74, False),
    (1, 1.5, False),             # 1.5 rounds to 2
    (2, 1.5, True),
    (-3.8, -3.75, True),
    (14467.0, 14467, True),
    (24269, 24270, False),       # whole numbers: any difference
    (0.2537, 0.2537, True),
    (0.2537, 0.2538, False),
    ("KGZ;TJK", "KGZ;TJK", True),
    ("KGZ;TJK", " KGZ;TJK ", True),
    ("KGZ;TJK", "KGZ;TJK;UZB", False),
    ("5", 5, False),             # text is not a number
    (True, 1, False),
    (1e300, 1e300, True),
    (1.5e-20, 1.6e-20, False),
    (None, None, True),
    (None, float("nan"), True),
    (None, 0, False),
    (0.0, None, False),
])
def test_values_are_compared_at_the_precision_given(a, b, same):
    assert same_value(a, b) is same
    assert same_value(b, a) is same


def test_quarters_are_the_same_period_in_either_spelling():
    assert same_period("2017Q1", "2017-Q1")
    assert same_period(" 2010-2016", "2010 - 2016")
    assert not same_period("2016-Q4", "2017-Q1")
    assert not same_period(None, "2016")


def test_the_same_period_given_differently_is_a_revision_and_a_new_period_is_not():
    earlier = {
        "cases_2014": figure(3500, "2014", "cases"),          # fixed period, value changed
        "market_total_t": figure(45.573, "2015"),              # moved on, value changed
        "peak_t": figure(6.825, "1991-2015"),                  # window extended, same value
        "share_pct": figure(91.87, "2016", "%"),               # unchanged
        "quarter_t": figure(11.908, "2017Q1"),                 # same quarter, other spelling
    }
    later = {
        "cases_2014": figure(3600, "2014", "cases"),
        "market_total_t": figure(39.497, "2016"),
        "peak_t": figure(6.825, "1991-2016"),
        "share_pct": figure(91.87, "2016", "%"),
        "quarter_t": figure(12.3, "2017-Q1"),
    }
    groups = compare_figures(earlier, later)
    assert names(groups["revised"]) == ["cases_2014", "quarter_t"]
    assert names(groups["moved_on"]) == ["market_total_t", "peak_t"]
    assert groups["unchanged"] == 1
    [cases, _] = groups["revised"]
    assert (cases.before.value, cases.after.value, cases.after.period) == (3500, 3600, "2014")
    assert cases.changed == ("value",)
    assert groups["moved_on"][1].changed == ("period",)


def test_a_value_given_for_a_period_that_had_none_is_a_revision():
    groups = compare_figures({"share_pct": figure(None, "2012-2016")},
                             {"share_pct": figure(43.5, "2012-2016")})
    assert names(groups["revised"]) == ["share_pct"]


def test_a_changed_unit_or_status_alone_is_relabelled_and_a_value_within_precision_is_not_revised():
    groups = compare_figures(
        {"a_t": figure(3.75, status="reconstructed"), "b_t": figure(2.0, unit="t"), "c_t": figure(11.908)},
        {"a_t": figure(3.75, status="official"), "b_t": figure(2.0, unit="tons"), "c_t": figure(11.9)},
    )
    assert names(groups["relabelled"]) == ["a_t", "b_t"]
    assert [c.changed for c in groups["relabelled"]] == [("status",), ("unit",)]
    assert groups["revised"] == [] and groups["unchanged"] == 1


def test_new_and_gone_figures_are_listed_by_name():
    groups = compare_figures({"b": figure(1), "a": figure(2), "kept": figure(3)},
                             {"kept": figure(3), "d": figure(4), "c": figure(5)})
    assert names(groups["new"]) == ["c", "d"]
    assert names(groups["gone"]) == ["a", "b"]
    assert groups["new"][0].before is None and groups["gone"][0].after is None


def test_claims_whose_check_changed_new_and_gone_in_claim_order():
    earlier = [claim("C10", True), claim("C2", True), claim("C3", False), claim("C4", True),
               claim("C5", True, basis="reconstructed"), claim("C9", None)]
    later = [claim("C2", False), claim("C3", False, verdict="Worded with 2016."), claim("C4", True),
             claim("C5", True, basis="official"), claim("C10", True), claim("C11", True)]
    groups = compare_claims(earlier, later)
    assert [c.id for c in groups["changed"]] == ["C2", "C3", "C5"]
    assert [c.changed for c in groups["changed"]] == [("holds",), ("verdict",), ("basis",)]
    assert (groups["changed"][0].holds_before, groups["changed"][0].holds_after) == (True, False)
    assert [c.id for c in groups["new"]] == ["C11"]
    assert [c.id for c in groups["gone"]] == ["C9"]
    assert groups["unchanged"] == 2


def test_the_biggest_revisions_come_first():
    earlier = IssueRecords("2017-Q1", {"small": figure(100), "big": figure(10), "text": figure("a"),
                                       "zero": figure(0)}, [])
    later = IssueRecords("2017-Q2", {"small": figure(101), "big": figure(15), "text": figure("b"),
                                     "zero": figure(2)}, [])
    diff = compare_issues(earlier, later)
    assert names(diff.biggest_revisions) == ["big", "small", "text", "zero"]
    assert diff.biggest_revisions[0].relative_change == pytest.approx(0.5)


def test_the_comparison_as_json_does_not_depend_on_the_order_of_the_records():
    earlier = {"a": figure(1), "b": figure(2, "2015"), "c": figure(3)}
    later = {"b": figure(2.5, "2016"), "a": figure(1.5), "d": figure(4)}
    first = compare_issues(IssueRecords("2017-Q1", earlier, [claim("C1", True)]),
                           IssueRecords("2017-Q2", later, [claim("C1", False)]))
    second = compare_issues(
        IssueRecords("2017-Q1", dict(reversed(earlier.items())), [claim("C1", True)]),
        IssueRecords("2017-Q2", dict(reversed(later.items())), [claim("C1", False)]),
    )
    text = json.dumps(diff_as_json(first), sort_keys=False)
    assert text == json.dumps(diff_as_json(second), sort_keys=False)
    content = json.loads(text)
    assert content["counts"] == {
        "revised": 1, "moved_on": 1, "relabelled": 0, "new": 1, "gone": 1, "unchanged": 0,
        "claims_changed": 1, "claims_new": 0, "claims_gone": 0, "claims_unchanged": 0,
    }
    assert content["figures"]["revised"][0]["before"]["value"] == 1
    assert content["claims"]["changed"][0]["changed"] == ["holds"]


def _issue_folder(folder: Path, figures=None, claims=None) -> Path:
    folder.mkdir(parents=True)
    (folder / "figures.json").write_text(json.dumps(
        figures if figures is not None else {"issue": folder.name, "figures": {"a": figure(1)}}))
    (folder / "claims.json").write_text(json.dumps(
        claims if claims is not None else {"issue": folder.name, "claims": [claim("C1", True)]}))
    return folder


def test_an_issue_folder_is_read_with_its_label(tmp_path: Path):
    records = read_issue_records(_issue_folder(tmp_path / "2017-Q2"))
    assert records.issue == "2017-Q2"
    assert records.figures == {"a": figure(1)}
    assert [c["id"] for c in records.claims] == ["C1"]


@pytest.mark.parametrize(("file", "text", "message"), [
    ("figures.json", "{not json", "is not valid JSON (Expecting property name enclosed in double quotes, line 1, column 2)"),
    ("figures.json", '{"issue": "2017-Q2", "figures": []}', "is not an issue's figures: expected an object"),
    ("figures.json", '{"issue": "2017-Q2", "figures": {"a": {"unit": "t"}}}', "figure 'a': expected an object with its value"),
    ("figures.json", '{"issue": "2017-Q2", "figures": {"a": {"value": [1], "period": "2016"}}}', "figure 'a': expected a number, a text or null"),
    ("claims.json", '{"issue": "2017-Q2", "claims": [{"statement": "x"}]}', "claim 1: expected an object with an id"),
    ("claims.json", '{"issue": "2017-Q2", "claims": [{"id": "C1", "holds": "yes"}]}', "claim C1: expected true, false or null"),
    ("claims.json", None, "is missing"),
])
def test_unreadable_records_are_refused_naming_the_file(tmp_path: Path, file, text, message):
    folder = _issue_folder(tmp_path / "2017-Q2")
    if text is None:
        (folder / file).unlink()
    else:
        (folder / file).write_text(text)
    with pytest.raises(IssueRecordsError) as error:
        read_issue_records(folder)
    assert str(error.value).startswith(str(folder / file))
    assert message in str(error.value)


@pytest.mark.slow
def test_two_real_issues_compare_by_the_rules(rendered_2017q1: Path, rendered_2017q2: Path):
    earlier, later = read_issue_records(rendered_2017q1), read_issue_records(rendered_2017q2)
    diff = compare_issues(earlier, later)
    assert (diff.earlier, diff.later) == ("2017-Q1", "2017-Q2")
    # Every figure of either issue is in exactly one group.
    grouped = [c.name for key in ("revised", "moved_on", "relabelled", "new", "gone")
               for c in getattr(diff, key)]
    assert len(grouped) == len(set(grouped))
    assert len(grouped) + diff.unchanged == len(set(earlier.figures) | set(later.figures))
    for change in diff.moved_on:
        assert not same_period(change.before.period, change.after.period)
    for change in diff.revised:
        assert same_period(change.before.period, change.after.period)
        assert not same_value(change.before.value, change.after.value)
    # The quarterly seizures move on with the issue: each issue reports the quarter before its own.
    moved = {c.name: c for c in diff.moved_on}
    seizures = moved["seizures_quarter_all_drugs_t"]
    assert seizures.before.period == data_quarter(Quarter(2017, 1)).label
    assert seizures.after.period == data_quarter(Quarter(2017, 2)).label
    assert set(later.figures) - set(earlier.figures) == {c.name for c in diff.new}
    assert diff.claims_unchanged + len(diff.claims_changed) + len(diff.claims_new) == len(later.claims)
