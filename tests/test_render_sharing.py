"""A batch runs a notebook once for the issues that show the same data (issue 15, "A year of issues
at once"): each issue still gets the page a render of that issue alone would give it, with its
own masthead and footer, and its run record says whose run it shares.

The batch 2016Q4..2017Q2 shares every kind of analysis that can be shared on the shipped data
(annual seizures 2016-Q4 -> 2017-Q1; routes, offences, arrests, crime statistics and GBV 2017-Q1 ->
2017-Q2), and each shared page is compared with the same issue rendered on its own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from render_helpers import bulletin

pytestmark = pytest.mark.slow
# The footer's version and time differ between two renders; its issue must not.
STAMP = re.compile(r"( Made from the tables in the folder )[^<]*(</p>)")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reports = tmp_path_factory.mktemp("batch")
    result = bulletin("render", "--quarter", "2016Q4..2017Q2", "--reports", str(reports), timeout=900)
    assert result.returncode == 0, result.stderr
    assert "(7 run, 0 reused, 4 shared with another edition or issue (same data))" in result.stdout
    # The batch's summary (issue 18): time per edition, and the notebooks not run again, the sum
    # of what each issue's line says.
    counts = [tuple(int(n or 0) for n in m) for m in re.findall(
        r"\((\d+) run, (\d+) reused(?:, (\d+) shared)?", result.stdout)]
    assert len(counts) == 3
    ran, spared = sum(c[0] for c in counts), sum(c[1] + c[2] for c in counts)
    total = ran + spared
    assert re.search(rf"^3 editions: \d+\.\d s per edition; {spared} of {total} notebooks reused "
                     rf"or shared \({spared / total:.0%}\), {ran} run$", result.stdout, re.M), result.stdout
    return reports


def _shared(issue_dir: Path) -> dict[str, str]:
    record = json.loads((issue_dir / "run.json").read_text())
    return {n["name"]: n["shared_from"] for n in record["notebooks"] if n.get("shared_from")}


def test_the_batch_shares_runs_only_between_issues_that_show_the_same_data(batch: Path) -> None:
    assert _shared(batch / "2016-Q4") == {}
    q1, q2 = _shared(batch / "2017-Q1"), _shared(batch / "2017-Q2")
    assert set(q1) == {"02_drug_market", "03_cannabis", "04_heroin_northern_route", "08_crime_statistics"}
    assert set(q2) >= {"05_trafficking_routes", "06_drug_crime", "07_arrests", "09_gender_based_violence"}
    for issue in (q1, q2):  # the quarter reported and the activities are the issue's own
        assert not {"01_quarterly_seizures", "11_milestones"} & set(issue)


@pytest.mark.parametrize("issue", ["2017-Q1", "2017-Q2"])
def test_a_shared_page_is_the_page_its_issue_gets_alone(
    batch: Path, issue: str, rendered_2017q1: Path, rendered_2017q2: Path
) -> None:
    alone = {"2017-Q1": rendered_2017q1, "2017-Q2": rendered_2017q2}[issue]
    shared = _shared(batch / issue)
    assert shared
    for name, source in shared.items():
        page = STAMP.sub(r"\1\2", (batch / issue / f"{name}.html").read_text(encoding="utf-8"))
        expected = STAMP.sub(r"\1\2", (alone / f"{name}.html").read_text(encoding="utf-8"))
        assert page == expected, f"{issue} {name} (shared from {source}) differs from its own render"
        executed = json.loads((batch / issue / f"{name}.ipynb").read_text())
        assert executed["metadata"]["papermill"]["parameters"]["quarter"] == source  # what ran
