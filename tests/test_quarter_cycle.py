"""The quarter's cycle end to end (issue 15, "Done when"): the office fills the 2017-Q3 template,
it is imported into a copy of the shipped data, the folder passes ``bulletin validate``, 2017Q3 and
2017Q4 are rendered, and the submitted figures are found where a reader and an analyst look for
them: in the 2017-Q4 issue (seizures lag one quarter), on its page, in its key figures, in
``bulletin diff`` and in the front page's "Since the last issue".

Every expected number is computed from the imported table, not typed in.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from submission_helpers import fill, make_template, row_of, shipped_copy

from bulletin.cli.main import main
from bulletin.data.tables import load_table
from bulletin.data.vocab import CENTRAL_ASIA

pytestmark = pytest.mark.slow

SUBMITTED = {  # (country, drug): kg of July-September 2017, as an office would type them
    ("KAZ", "cannabis_herb"): 8765.4,
    ("KGZ", "heroin"): 23.4,
    ("TJK", "heroin"): 45.6,
    ("UZB", "opium"): 98.7,
    ("TKM", "heroin"): 55.5,  # Turkmenistan reports a quarter no annual series has
}


def visible_text(page: Path) -> str:
    """A page's text as a reader sees it (no scripts, styles or embedded data)."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"data:[^\"']+", "", text)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The cycle run once for the module's tests: its folders and each command's exit status."""
    tmp = tmp_path_factory.mktemp("cycle")
    data = shipped_copy(tmp)
    template = make_template(tmp, data)
    cells = {f"G{row_of(template, c, d)}": kg for (c, d), kg in SUBMITTED.items()}
    filled = fill(template, {"seizures_quarterly": cells})
    reports = tmp / "reports"
    statuses = {
        "import": main(["import", str(filled), "--data-dir", str(data)]),
        "validate": main(["validate", "--data-dir", str(data)]),
        "render": main(["render", "--quarter", "2017Q3..2017Q4", "--data-dir", str(data),
                        "--reports", str(reports)]),
    }
    return {"data": data, "reports": reports, "statuses": statuses, "filled": filled}


def test_the_submission_imports_and_the_folder_passes_the_check(cycle: dict) -> None:
    assert cycle["statuses"] == {"import": 0, "validate": 0, "render": 0}
    table = load_table("seizures_quarterly", cycle["data"])
    q3 = table[(table["year"] == 2017) & (table["quarter"] == 3) & (table["status"] == "official")]
    assert dict(zip(zip(q3["country"], q3["drug"], strict=True), q3["kg"], strict=True)) == SUBMITTED


def _quarter_total_t(data: Path) -> float:
    table = load_table("seizures_quarterly", data)
    rows = table[(table["year"] == 2017) & (table["quarter"] == 3) & table["country"].isin(CENTRAL_ASIA)]
    return round(float(rows["kg"].sum()) / 1000, 3)


def test_the_new_figures_are_in_the_next_issue_not_in_their_own_quarters(cycle: dict) -> None:
    reports = cycle["reports"]
    q4 = json.loads((reports / "2017-Q4" / "figures.json").read_text())["figures"]
    q3 = json.loads((reports / "2017-Q3" / "figures.json").read_text())["figures"]
    total = q4["seizures_quarter_all_drugs_t"]
    assert total["period"] == "2017-Q3" and "official" in total["status"]
    assert total["value"] == pytest.approx(_quarter_total_t(cycle["data"]), abs=0.0005)
    assert q4["seizures_quarter_countries_reporting"]["value"] == 5  # Turkmenistan's quarter too
    assert q3["seizures_quarter_all_drugs_t"]["period"] == "2017-Q2"  # the lag: not in 2017-Q3

    page = visible_text(reports / "2017-Q4" / "01_quarterly_seizures.html")
    assert "July-September 2017" in page
    shown = [f"{total['value']:.2f}", f"{total['value']:.1f}"]
    assert any(f"All drugs {value}" in page for value in shown), page[:2000]
    kaz = SUBMITTED[("KAZ", "cannabis_herb")] / 1000
    assert re.search(rf"Kazakhstan {kaz:.2f}\b|Kazakhstan {kaz:.1f}\b", page)
    assert "National authorities of Kazakhstan" in page  # the submitted rows' source, on the page


def test_the_diff_and_the_front_page_show_the_new_figures(
    cycle: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = cycle["reports"]
    status, out = run(capsys, "diff", "2017Q3", "2017Q4", "--reports", str(reports), "--json")
    assert status == 0, out
    changes = json.loads(out)
    moved = {item["name"]: item for item in changes["figures"]["moved_on"]}
    total = moved["seizures_quarter_all_drugs_t"]
    assert total["after"]["period"] == "2017-Q3"
    assert total["after"]["value"] == pytest.approx(_quarter_total_t(cycle["data"]), abs=0.0005)
    assert moved["seizures_quarter_countries_reporting"]["after"]["value"] == 5

    status, out = run(capsys, "diff", "2017Q3", "2017Q4", "--reports", str(reports))
    assert status == 0 and "seizures_quarter_all_drugs_t" in out and "2017-Q3" in out
    assert json.loads((reports / "2017-Q4" / "changes.json").read_text())["changes"]["counts"] == (
        changes["counts"]
    )
    front = visible_text(reports / "2017-Q4" / "index.html")
    assert "Since the last issue" in front
    assert "moved on to a new period" in front
    index = (reports / "2017-Q4" / "index.html").read_text()
    assert 'href="../2017-Q3/index.html"' in index  # the previous issue, linked
    assert 'href="../2017-Q4/index.html"' in (reports / "2017-Q3" / "index.html").read_text()
    listing = visible_text(reports / "index.html")
    assert listing.index("2017-Q4") < listing.index("2017-Q3")  # newest first
