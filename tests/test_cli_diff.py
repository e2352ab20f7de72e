"""``bulletin diff``: two rendered issues compared for people or as JSON, and its refusals (status 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from render_helpers import bulletin

from bulletin.cli.main import main


def figure(value, period="2016", unit="t", status="official") -> dict:
    """A record as figures.json holds it."""
    return {"value": value, "unit": unit, "period": period, "status": status,
            "notebook": "02_drug_market"}


def claim(claim_id: str, holds) -> dict:
    """A record as claims.json holds it."""
    return {"id": claim_id, "statement": f"statement {claim_id}", "holds": holds,
            "basis": "official", "verdict": "The data say so.", "notebook": "03_cannabis"}


def issue(reports: Path, name: str, figures: dict, claims: list) -> Path:
    folder = reports / name
    folder.mkdir(parents=True)
    label = name[:7]
    (folder / "figures.json").write_text(json.dumps({"issue": label, "figures": figures}))
    (folder / "claims.json").write_text(json.dumps({"issue": label, "claims": claims}))
    return folder


@pytest.fixture()
def reports(tmp_path: Path) -> Path:
    """Two issues: one figure revised, one moved on, one new, one gone; one claim that no longer holds."""
    reports = tmp_path / "reports"
    issue(reports, "2017-Q1", {"revised_t": figure(10.0), "moved_t": figure(2.0, "2015"),
                               "gone_t": figure(1.0)}, [claim("C1", True), claim("C2", True)])
    issue(reports, "2017-Q2", {"revised_t": figure(12.5), "moved_t": figure(3.0, "2016"),
                               "new_t": figure(4.0, "2017-Q1")}, [claim("C1", False), claim("C2", True)])
    return reports


def test_the_comparison_for_people_lists_revisions_first(reports: Path, capsys):
    assert main(["diff", "2017Q1", "2017-Q2", "--reports", str(reports)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "One figure revised, one moved on to a new period, one new and one gone."
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert [h.split(" ")[0] for h in headings[2:]] == ["Revisions:", "Changed", "New", "Gone", "Claims"]
    assert "revised_t" in out.split("Changed")[0]
    assert "10.0 t (2016, official) → 12.5 t (2016, official)  (+25.0%)" in out
    assert "2.0 t (2015, official) → 3.0 t (2016, official)" in out
    assert "C1 no longer holds (it held in the previous issue): “statement C1”" in out


def test_the_comparison_as_json(reports: Path, capsys):
    assert main(["diff", "2017Q1", "2017Q2", "--reports", str(reports), "--json"]) == 0
    content = json.loads(capsys.readouterr().out)
    assert (content["earlier"], content["later"]) == ("2017-Q1", "2017-Q2")
    assert [c["name"] for c in content["figures"]["revised"]] == ["revised_t"]
    assert [c["name"] for c in content["figures"]["new"]] == ["new_t"]
    assert [c["id"] for c in content["claims"]["changed"]] == ["C1"]


def test_country_editions_are_compared_from_their_folders(tmp_path: Path, capsys):
    reports = tmp_path / "reports"
    issue(reports, "2017-Q1-KGZ", {"a": figure(1)}, [])
    issue(reports, "2017-Q2-KGZ", {"a": figure(2)}, [])
    assert main(["diff", "2017Q1", "2017Q2", "--reports", str(reports), "--country", "kgz"]) == 0
    assert "One figure revised" in capsys.readouterr().out


def _refused(args: list[str], capsys) -> str:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("bulletin diff: error: ")
    assert captured.err.count("\n") == 1  # one sentence
    return captured.err


def test_an_issue_not_rendered_is_refused_naming_its_folder_and_the_command(reports: Path, capsys):
    err = _refused(["diff", "2017Q2", "2017Q3", "--reports", str(reports)], capsys)
    assert f"issue 2017-Q3 has not been rendered: {reports / '2017-Q3'} does not exist" in err
    assert f"`bulletin render --quarter 2017Q3 --reports {reports}`" in err
    (reports / "2017-Q3").mkdir()
    (reports / "2017-Q3.failed").mkdir()
    err = _refused(["diff", "2017Q2", "2017Q3", "--reports", str(reports)], capsys)
    assert f"{reports / '2017-Q3'} has no figures.json (its last render failed" in err
    err = _refused(["diff", "2017Q2", "2017Q3", "--reports", str(reports), "--country", "TJK"], capsys)
    assert "issue 2017-Q2 for TJK has not been rendered" in err  # the first one missing
    assert "--quarter 2017Q2 --country TJK" in err


@pytest.mark.parametrize(("file", "text", "expected"), [
    ("figures.json", "[1, 2", "figures.json is not valid JSON"),
    ("figures.json", '{"issue": "2017-Q2"}', "figures.json is not an issue's figures"),
    ("claims.json", '{"claims": [{"id": "C1", "holds": 3}]}', "claims.json is not an issue's claims: claim C1"),
])
def test_unreadable_records_are_refused_naming_the_file(reports: Path, capsys, file, text, expected):
    (reports / "2017-Q2" / file).write_text(text)
    err = _refused(["diff", "2017Q1", "2017Q2", "--reports", str(reports)], capsys)
    assert f"{reports / '2017-Q2' / file}" in err and expected in err


@pytest.mark.parametrize(("args", "expected"), [
    (["2017Q2", "2017Q1"], "2017-Q2 comes after 2017-Q1: give the earlier issue first"),
    (["2017Q2", "2017-Q2"], "both issues are 2017-Q2"),
    (["2017Q1", "2017Q2", "--country", "RUS"], "country 'RUS' is not one of the bulletin's countries"),
])
def test_arguments_that_name_no_comparison_are_refused(reports: Path, capsys, args, expected):
    err = _refused(["diff", *args, "--reports", str(reports)], capsys)
    assert expected in err


def test_a_malformed_quarter_is_a_usage_error(reports: Path):
    result = bulletin("diff", "2017Q5", "2017Q2", "--reports", str(reports))
    assert result.returncode == 2
    assert "'2017Q5' is not a quarter: expected YYYYQn or YYYY-Qn" in result.stderr


def test_the_command_runs_as_a_program(reports: Path):
    result = bulletin("diff", "2017Q1", "2017Q2", "--reports", str(reports))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Issue 2017-Q2 compared with 2017-Q1")


@pytest.mark.slow
def test_two_real_issues(rendered_2017q1: Path, rendered_2017q2: Path, tmp_path: Path, capsys):
    reports = tmp_path / "reports"
    for folder in (rendered_2017q1, rendered_2017q2):
        (reports / folder.name).mkdir(parents=True)
        for name in ("figures.json", "claims.json"):
            shutil.copy(folder / name, reports / folder.name / name)
    assert main(["diff", "2017Q1", "2017Q2", "--reports", str(reports), "--json"]) == 0
    content = json.loads(capsys.readouterr().out)
    moved = {c["name"]: c for c in content["figures"]["moved_on"]}
    assert moved["seizures_quarter_all_drugs_t"]["before"]["period"] == "2016-Q4"
    assert moved["seizures_quarter_all_drugs_t"]["after"]["period"] == "2017-Q1"
    later = json.loads((rendered_2017q2 / "figures.json").read_text())["figures"]
    counts = content["counts"]
    assert (counts["revised"] + counts["moved_on"] + counts["relabelled"] + counts["new"]
            + counts["unchanged"]) == len(later)
