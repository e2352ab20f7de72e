"""``bulletin status --quarter Q`` (issue 15): what each analysis will show, before anyone renders.

Through the command (``bulletin.cli.main.main``): per notebook, in order and with its title, the
data period it will show, the rows of each table it reads for that period by status, and what is
missing; exit 0, 1 or 2 as the command's docstring says. Expected figures are counted here from
the tables themselves, never typed. The registry behind the command
(:data:`bulletin.analyses.readiness.ANALYSES`) is checked against the notebooks: each calls the
functions its entry names and loads exactly its entry's tables, and (on a rendered issue) the rows
each page recorded are the rows the command counts.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bulletin.analyses.readiness import ANALYSES, STATUSES
from bulletin.cli.main import main
from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR
from bulletin.core.periods import Quarter
from bulletin.data.tables import load_table
from bulletin.data.vocab import CENTRAL_ASIA
from bulletin.render.parameters import cell_source, declared_parameters, read_notebook_json
from bulletin.render.plan import find_notebooks


def _status(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["status", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code, out, _ = _status(capsys, *args, "--json")
    return code, json.loads(out)


def _block(out: str, notebook: str) -> str:
    """The lines the text output gives one notebook."""
    start = out.index(f"({notebook})\n")
    return out[start:out.index("\n\n", start)]


def _titles(folder: Path = NOTEBOOKS_DIR) -> list[tuple[str, str]]:
    """Each notebook's name and first heading, read here from the files."""
    found = []
    for path in find_notebooks(folder):
        cells = read_notebook_json(path)["cells"]
        text = "".join(cell_source(c) for c in cells if c["cell_type"] == "markdown")
        found.append((path.stem, re.search(r"^#\s+(.+)$", text, re.MULTILINE)[1].strip()))
    return found


def _counts(rows: pd.DataFrame) -> str:
    """The count line the command should print for some rows."""
    found = rows["status"].value_counts()
    return f"{len(rows):,} rows: " + ", ".join(f"{s} {int(found.get(s, 0)):,}" for s in STATUSES)


def _quarter_rows(table: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    return table[(table["year"] == quarter.year) & (table["quarter"] == quarter.quarter)
                 & table["country"].isin(CENTRAL_ASIA)]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped data folder (tables and vocabularies)."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def _rewrite(path: Path, keep=lambda row: True, change=lambda row: row) -> int:
    """Keep the rows of a table for which ``keep`` holds, changed by ``change``; rows removed."""
    with path.open(newline="", encoding="utf-8") as file:
        header, *rows = list(csv.reader(file))
    kept = [change(dict(zip(header, row, strict=True))) for row in rows
            if keep(dict(zip(header, row, strict=True)))]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[row[column] for column in header] for row in kept])
    return len(rows) - len(kept)


# --- the registry follows the notebooks ----------------------------------------------------------


def test_every_notebook_picks_its_period_with_the_functions_its_entry_names():
    for path in find_notebooks(NOTEBOOKS_DIR):
        assert path.stem in ANALYSES, f"{path.name} is not registered in readiness.ANALYSES"
        entry = ANALYSES[path.stem]
        content = read_notebook_json(path)
        code = "\n".join(cell_source(c) for c in content["cells"] if c["cell_type"] == "code")
        for function in entry.period_functions:
            assert re.search(rf"\b{function.__name__}\(", code), (path.name, function.__name__)
        loaded = set(re.findall(r"load_table\(\"(\w+)\"", code))
        assert loaded == set(entry.tables), path.name
        declared = declared_parameters(content, path.name)
        assert set(entry.parameters) <= set(declared), path.name


# --- on the shipped data ---------------------------------------------------------------------------


def test_the_shipped_2017q2_issue_has_data_for_every_analysis(capsys):
    code, out, err = _status(capsys, "--quarter", "2017Q2")
    assert code == 0, out + err
    assert out.startswith("Issue 2017-Q2 (April-June 2017), tables of ")
    titles = _titles()
    assert [line for line in out.splitlines() if line and not line.startswith(("  ", "Issue "))][
        :-1] == [f"{title} ({name})" for name, title in titles]
    assert "MISSING" not in out
    assert out.rstrip().endswith("ready to render.")
    assert f"{len(titles)} of {len(titles)} analyses have data for their period" in out
    quarterly = load_table("seizures_quarterly")
    seizures = _block(out, "01_quarterly_seizures")
    assert ("shows: the seizures of January-March 2017 (2017-Q1), the quarter before the issue's, "
            "against October-December 2016 (2016-Q4) and January-March 2016 (2016-Q1)") in seizures
    for quarter, what in ((Quarter(2017, 1), "the quarter reported"),
                          (Quarter(2016, 4), "the quarter before"),
                          (Quarter(2016, 1), "the same quarter a year before")):
        rows = _quarter_rows(quarterly, quarter)
        assert f"seizures_quarterly, {quarter.label} ({what}): {_counts(rows)}" in seizures
    absent = sorted(set(CENTRAL_ASIA) - set(_quarter_rows(quarterly, Quarter(2017, 1))["country"]))
    for country in absent:  # a country without a row is a gap, not a missing page
        assert f"({country}) has no row of seizures_quarterly for 2017-Q1" in seizures
    offences = load_table("drug_offences")
    crime = _block(out, "06_drug_crime")
    rows = offences[offences["year"].between(2010, 2016) & offences["country"].isin(CENTRAL_ASIA)]
    assert f"drug_offences, 2010-2016 (drug-related offences by country and year): {_counts(rows)}" \
        in crime


def test_the_2017q3_issue_lacks_its_activities_and_says_so(capsys):
    code, out, _ = _status(capsys, "--quarter", "2017-Q3")
    assert code == 1
    assert "shows: the seizures of April-June 2017 (2017-Q2)" in _block(out, "01_quarterly_seizures")
    milestones = _block(out, "11_milestones")
    assert "activities, 2017-Q3 (the activities the issue reports): no rows" in milestones
    assert ("MISSING: no row of activities for the issue 2017-Q3: the page says “No activities "
            "of the July-September 2017 issue (2017-Q3) are in activities.csv") in milestones
    assert out.rstrip().endswith("without data or not known: 11_milestones.")
    # The training rounds reported by earlier issues still count for 2017-Q3.
    activities = load_table("activities")
    rounds = activities[activities["series"] == "kgz-female-police-training-2017"]
    assert (f"activities, issues to 2017-Q3 (the training rounds): {_counts(rounds)}"
            in _block(out, "10_women_in_policing"))


def test_the_routes_period_starts_with_the_cases_when_none_is_older(capsys):
    """2015-Q1 examined "2010-March 2015", though no seizure case is older than 2011, against
    2004-2009, which left 2010 in neither window."""
    first = load_table("seizure_cases")["date"].astype(str).str[:4].min()
    _code, out, _ = _status(capsys, "--quarter", "2015Q1")
    routes = _block(out, "05_trafficking_routes")
    before = f"{int(first) - 6}-{int(first) - 1}"  # the six years before the first case
    assert f"shows: seizure cases of {first}-March 2015 against {before}:" in routes
    assert f"no row of seizure_cases for {before}: no leg can be found new" in routes
    assert (f"the seizure cases start in January {first}: the period starts there, not in "
            "January 2010") in routes


def test_json_gives_the_same_facts(capsys):
    code, record = _json(capsys, "--quarter", "2017Q3")
    assert code == 1 and record["issue"] == "2017-Q3" and record["ready"] is False
    assert [a["notebook"] for a in record["analyses"]] == [name for name, _ in _titles()]
    by_name = {a["notebook"]: a for a in record["analyses"]}
    assert [n for n, a in by_name.items() if not a["ready"]] == ["11_milestones"]
    first = by_name["01_quarterly_seizures"]["tables"][0]
    rows = _quarter_rows(load_table("seizures_quarterly"), Quarter(2017, 2))
    assert first["table"] == "seizures_quarterly" and first["period"] == "2017-Q2"
    assert first["rows"] == len(rows) == sum(first["statuses"].values())
    assert list(first["statuses"])[:4] == list(STATUSES)


# --- a data folder with rows removed, or other statuses --------------------------------------------


def test_a_quarter_with_rows_removed_is_missing_and_its_neighbours_have_gaps(data_dir, capsys):
    removed = _rewrite(data_dir / "seizures_quarterly.csv",
                       keep=lambda r: (r["year"], r["quarter"]) != ("2017", "2"))
    assert removed
    _rewrite(data_dir / "drug_offences.csv",
             keep=lambda r: (r["country"], r["year"]) != ("KAZ", "2016"))
    code, out, _ = _status(capsys, "--quarter", "2017Q3", "--data-dir", str(data_dir))
    assert code == 1
    seizures = _block(out, "01_quarterly_seizures")
    assert "seizures_quarterly, 2017-Q2 (the quarter reported): no rows" in seizures
    assert ("MISSING: no row of seizures_quarterly for 2017-Q2: the page says “No seizure data "
            "for April-June 2017 (2017-Q2) in the quarterly table") in seizures
    assert ("gap: Kazakhstan (KAZ) has no row of drug_offences for 2016"
            in _block(out, "06_drug_crime"))
    assert "01_quarterly_seizures" in out.splitlines()[-1]
    # The next issue reports 2017-Q3, which is there: the removed quarter is only its comparison.
    code, out, _ = _status(capsys, "--quarter", "2017Q4", "--data-dir", str(data_dir))
    seizures = _block(out, "01_quarterly_seizures")
    assert "MISSING" not in seizures
    assert ("gap: no row of seizures_quarterly for 2017-Q2: the quarter before: its column and "
            "the change on it are empty") in seizures


def test_rows_are_counted_by_status(data_dir, capsys):
    official = {"KAZ", "KGZ"}
    _rewrite(data_dir / "seizures_quarterly.csv", change=lambda r: {
        **r, "status": "official" if (r["year"], r["quarter"], r["country"]) in
        {("2017", "2", c) for c in official} else "estimate" if (
            r["year"], r["quarter"], r["country"]) == ("2017", "2", "TJK") else r["status"]})
    code, record = _json(capsys, "--quarter", "2017Q3", "--data-dir", str(data_dir))
    first = record["analyses"][0]["tables"][0]
    rows = _quarter_rows(load_table("seizures_quarterly", data_dir), Quarter(2017, 2))
    expected = rows["status"].value_counts().to_dict()
    assert expected["official"] and expected["estimate"] and expected["reconstructed"]
    assert first["statuses"] == {s: expected.get(s, 0) for s in STATUSES}


def test_the_period_follows_the_notebooks_parameters(tmp_path, capsys):
    notebooks = Path(shutil.copytree(NOTEBOOKS_DIR, tmp_path / "notebooks"))
    path = notebooks / "04_heroin_northern_route.ipynb"
    path.write_text(path.read_text().replace("years: int = 7", "years: int = 3"))
    code, out, _ = _status(capsys, "--quarter", "2017Q2", "--notebooks-dir", str(notebooks))
    heroin = _block(out, "04_heroin_northern_route")
    assert "2014-2016: the last 3 years" in heroin and "seizures_annual, 2014-2016" in heroin


def test_a_notebook_not_registered_is_said_so(tmp_path, capsys):
    notebooks = Path(shutil.copytree(NOTEBOOKS_DIR, tmp_path / "notebooks"))
    shutil.copy(notebooks / "11_milestones.ipynb", notebooks / "12_new_analysis.ipynb")
    code, out, _ = _status(capsys, "--quarter", "2017Q2", "--notebooks-dir", str(notebooks))
    assert code == 1
    assert "(12_new_analysis)\n  not known to bulletin status" in out


# --- refusals: exit 2, one sentence, nothing else ------------------------------------------------


@pytest.mark.parametrize("quarter", ["2017Q5", "17Q3", "2016Q1..2017Q4", "July 2017"])
def test_a_bad_quarter_is_refused(capsys, quarter):
    code, out, err = _status(capsys, "--quarter", quarter)
    assert code == 2 and out == ""
    assert err.startswith("bulletin status: error: ") and "expected YYYYQn" in err
    assert len(err.strip().splitlines()) == 1


def test_a_missing_data_folder_is_refused(tmp_path, capsys):
    code, out, err = _status(capsys, "--quarter", "2017Q3", "--data-dir", str(tmp_path / "none"))
    assert code == 2 and out == ""
    assert f"data folder {tmp_path / 'none'} does not exist" in err
    assert len(err.strip().splitlines()) == 1


def test_a_quarter_the_render_would_refuse_is_refused(capsys):
    code, _, err = _status(capsys, "--quarter", "2031Q1")
    assert code == 2
    assert "no table in" in err and "2030 or 2031" in err and "render of it would be refused" in err


def test_a_table_that_breaks_its_contract_is_refused_with_its_place(data_dir, capsys):
    _rewrite(data_dir / "seizures_quarterly.csv",
             change=lambda r: {**r, "kg": "-1"} if (r["country"], r["year"], r["quarter"],
                                                    r["drug"]) == ("KAZ", "2015", "1", "ats") else r)
    code, out, err = _status(capsys, "--quarter", "2017Q3", "--data-dir", str(data_dir))
    assert code == 2 and out == ""
    assert "seizures_quarterly.csv" in err and "line 2" in err and "'kg'" in err
    assert f"bulletin validate --data-dir {data_dir}" in err


def test_a_missing_table_is_refused(data_dir, capsys):
    (data_dir / "activities.csv").unlink()
    code, _, err = _status(capsys, "--quarter", "2017Q3", "--data-dir", str(data_dir))
    assert code == 2
    assert "activities.csv" in err and "not found" in err


# --- what the pages recorded is what the command counts --------------------------------------------


@pytest.mark.slow
def test_the_rows_each_page_recorded_are_the_rows_status_counts(rendered_2017q1: Path, capsys):
    run = json.loads((rendered_2017q1 / "run.json").read_text())
    code, record = _json(capsys, "--quarter", "2017Q1")
    by_name = {a["notebook"]: a for a in record["analyses"]}
    for notebook in run["notebooks"]:
        name = notebook["name"]
        opened = {Path(f).stem for f in notebook["data_read"] if re.fullmatch(r"\w+\.csv", f)}
        assert opened == set(ANALYSES[name].tables), name  # the tables it really opened
        for data in notebook["data"]:
            parts = [t for t in by_name[name]["tables"] if t["table"] == data["table"]]
            recorded = {s: e["rows"] for s, e in data["statuses"].items()}
            first = {s: n for s, n in parts[0]["statuses"].items() if n}
            together = {s: sum(p["statuses"].get(s, 0) for p in parts) for s in STATUSES}
            together = {s: n for s, n in together.items() if n}
            assert recorded in (first, together), (name, data["table"], recorded, parts)
