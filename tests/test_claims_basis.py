"""Issue 13 on the rendered 2017-Q2 issue: every claim says how it was checked, no claim resting
on reconstructed figures is a finding, and each analysis says how much of its data is official,
stated or reconstructed. Whatever rows the shipped tables hold: the expectations are computed
from them."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from bulletin.analyses import annual
from bulletin.core.paths import DATA_DIR
from bulletin.data.tables import load_table
from bulletin.data.trust import BASES, BASIS_PHRASES, NOT_TESTABLE

pytestmark = pytest.mark.slow


def test_every_claim_has_a_basis_and_says_it(claims_2017q2):
    assert sorted(claims_2017q2, key=lambda c: int(c[1:])) == [f"C{n}" for n in range(1, 20)]
    for claim_id, claim in claims_2017q2.items():
        assert claim["basis"] in BASES, claim_id
        assert claim["holds"] in (True, False, None), claim_id
        verdict = claim["verdict"].lower()
        assert any(phrase in verdict for phrase in BASIS_PHRASES[claim["basis"]]), claim_id
        if claim["holds"] is None:
            assert claim["verdict"].startswith(NOT_TESTABLE), claim_id


def test_no_reconstructed_claim_is_a_finding_on_the_front_page(rendered_2017q2, claims_2017q2):
    page = (rendered_2017q2 / "index.html").read_text(encoding="utf-8")
    section = page.split('<section class="claims-checked"')[1].split("</section>")[0]
    parts = re.split(r"<h3>(.*?)</h3>", section)
    groups = {html.unescape(parts[i]): parts[i + 1] for i in range(1, len(parts), 2)}
    shown = {g: re.findall(r'data-claim="(C\d+)"', text) for g, text in groups.items()}
    assert sorted(sum(shown.values(), []), key=lambda c: int(c[1:])) == sorted(
        claims_2017q2, key=lambda c: int(c[1:]))  # each claim once
    for claim_id in shown.get("Checked against published figures", []):
        claim = claims_2017q2[claim_id]
        assert claim["basis"] in ("official", "mixed") and claim["holds"] is not None, claim_id
    for claim_id, claim in claims_2017q2.items():
        if claim["basis"] == "reconstructed" or claim["holds"] is None:
            assert claim_id in shown["What the bulletin says, not checkable here"], claim_id


def test_each_claims_page_shows_it_with_its_basis(rendered_2017q2, claims_2017q2):
    for claim_id, claim in claims_2017q2.items():
        page = (rendered_2017q2 / f"{claim['notebook']}.html").read_text(encoding="utf-8")
        box = page.split(f'id="claim-{claim_id}"')[1].split("</aside>")[0]
        assert f'class="basis basis-{claim["basis"]}"' in box, claim_id


def test_main_points_on_reconstructed_figures_say_so(rendered_2017q2):
    page = (rendered_2017q2 / "index.html").read_text(encoding="utf-8")
    points = re.findall(r'<li data-analysis="[^"]+"><span class="main-point">(.*?)</span>\s*'
                        r'<span class="point-source">.*?<span class="status status-\w+">(.*?)'
                        r"</span>", page, re.S)
    assert points
    for sentence, status in points:
        if "reconstructed" in status:
            assert "reconstructed" in html.unescape(sentence), sentence


def test_run_json_and_about_the_data_give_each_analysis_its_shares(rendered_2017q2):
    run = json.loads((rendered_2017q2 / "run.json").read_text())
    records = {n["name"]: n["data"] for n in run["notebooks"]}
    assert all(records.values()), [name for name, data in records.items() if not data]
    for name, data in records.items():
        for record in data:
            if record["rows"]:
                total = sum(s["rows_pct"] for s in record["statuses"].values())
                assert total == pytest.approx(100, abs=0.3), (name, record["table"])
                assert sum(s["rows"] for s in record["statuses"].values()) == record["rows"]
    page = (rendered_2017q2 / "index.html").read_text(encoding="utf-8")
    table = page.split('<table class="data-shares">')[1].split("</table>")[0]
    assert table.count("<tr><td>") == sum(len(d) for d in records.values())


def test_long_view_analyses_official_for_every_year_the_table_gives_officially(rendered_2017q2):
    """Analyses 02-04 read seizures_annual: their records say exactly what share is official."""
    table = load_table("seizures_annual", DATA_DIR)
    five = table[table["country"].isin(annual.CENTRAL_ASIA) & table["year"].between(1990, 2016)]
    run = json.loads((rendered_2017q2 / "run.json").read_text())
    records = {n["name"]: n["data"] for n in run["notebooks"]}
    for name in ("02_drug_market", "03_cannabis", "04_heroin_northern_route"):
        (record,) = records[name]
        assert record["table"] == "seizures_annual"
        if (five["status"] == "official").all():
            assert list(record["statuses"]) == ["official"], name
            assert record["statuses"]["official"]["rows_pct"] == 100.0
        else:
            assert set(record["statuses"]) - {"official"}, name


def test_flagged_rows_are_shown_on_the_arrests_page(rendered_2017q2):
    from bulletin.analyses.arrests import describe_flag
    from bulletin.data.trust import flagged_rows

    flags = [f for f in flagged_rows("drug_arrests", DATA_DIR)
             if not isinstance(f.get("key"), dict) or 2010 <= int(f["key"].get("year", 2010)) <= 2016]
    page = html.unescape((rendered_2017q2 / "07_arrests.html").read_text(encoding="utf-8"))
    for flag in flags:
        assert describe_flag(flag) in page


def test_the_data_folder_is_the_one_read(rendered_2017q2):
    assert Path(json.loads((rendered_2017q2 / "run.json").read_text())["data_dir"]) == DATA_DIR
