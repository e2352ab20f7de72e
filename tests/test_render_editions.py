"""Country editions (issue 16): rendered with the region in one batch, an edition's pages differ
from the region's in the country's own figures, the analyses that are the region's only are the
region's output in every edition, and Turkmenistan's edition says how little it reports.

The reports folder starts with the region's issue as the session rendered it (as a user's does
after ``make report``): the analyses without a country are taken from it, not run again (issue
18). That a batch runs such an analysis once and shares it between the editions when the region's
output is not up to date is ``test_render_engine``'s.

The expected figures are computed here from the shipped tables with pandas, not typed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from render_helpers import bulletin

from bulletin.core.paths import DATA_DIR

pytestmark = pytest.mark.slow
REGIONAL_ONLY = ("05_trafficking_routes", "08_crime_statistics", "11_milestones")
TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, rendered_2017q2: Path) -> Path:
    folder = tmp_path_factory.mktemp("editions")
    shutil.copytree(rendered_2017q2, folder / "2017-Q2")
    result = bulletin("render", "--quarter", "2017Q2", "--country", "region,TJK,TKM",
                      "--reports", str(folder), timeout=1200)
    assert result.returncode == 0, result.stderr
    assert f"issue 2017-Q2 written to {folder / '2017-Q2'} (0 run, 11 reused)" in result.stdout
    for edition in ("2017-Q2 TJK", "2017-Q2 TKM"):
        written = f"{edition} written to {folder / edition.replace(' ', '-')}"
        assert f"{written} (8 run, 3 reused, 3 of them from the region's issue)" in result.stdout
    return folder


def _text(page: Path) -> str:
    return html.unescape(TAG.sub(" ", page.read_text(encoding="utf-8"))).replace("  ", " ")


def _figures(folder: Path) -> dict[str, dict]:
    return json.loads((folder / "figures.json").read_text())["figures"]


def _quarter_tons(country: str) -> float:
    table = pd.read_csv(DATA_DIR / "seizures_quarterly.csv")
    rows = table[(table["country"] == country) & (table["year"] == 2017) & (table["quarter"] == 1)]
    return rows["kg"].sum() / 1000


def test_an_edition_shows_the_country_figures_the_region_does_not(reports: Path) -> None:
    tjk, region = _figures(reports / "2017-Q2-TJK"), _figures(reports / "2017-Q2")
    expected = _quarter_tons("TJK")
    assert expected > 0
    record = tjk["tjk_seizures_quarter_all_drugs_t"]
    assert record["value"] == pytest.approx(expected)
    assert record["share_pct"] == pytest.approx(100 * expected / region["seizures_quarter_all_drugs_t"]["value"], abs=0.01)
    five = pd.read_csv(DATA_DIR / "seizures_quarterly.csv").query("year == 2017 and quarter == 1")
    by_country = five.groupby("country")["kg"].sum().sort_values(ascending=False)
    assert record["rank"] == list(by_country.index).index("TJK") + 1
    assert not any(name.startswith("tjk_") for name in region)
    # the regional figures are in the edition too, unchanged, for context
    assert {n: r for n, r in tjk.items() if not n.startswith("tjk_")} == region
    page, regional = _text(reports / "2017-Q2-TJK/01_quarterly_seizures.html"), _text(reports / "2017-Q2/01_quarterly_seizures.html")
    kg = f"{round(expected * 1000):,} kg"
    assert f"Tajikistan's drug seizures, January-March 2017: {kg}" in page
    assert "Tajikistan's drug seizures" not in regional
    assert "Tajikistan edition" in page
    assert " edition" not in (reports / "2017-Q2/01_quarterly_seizures.html").read_text().split("</style>")[1]
    offences = pd.read_csv(DATA_DIR / "drug_offences.csv").query("country == 'TJK' and year == 2016")
    total = offences.loc[offences["offence_type"] == "total", "count"].sum() or offences["count"].sum()
    assert tjk["tjk_crime_offences_total"]["value"] == total
    assert f"Tajikistan's drug-related offences, 2016: {total:,} offences" in _text(reports / "2017-Q2-TJK/06_drug_crime.html")
    front = _text(reports / "2017-Q2-TJK/index.html")
    assert "Milestones — Tajikistan edition" in front
    assert front.index("Tajikistan's drug seizures") < front.index("trafficking route legs")


def test_a_regional_only_notebook_is_the_regions_output_in_every_edition(reports: Path) -> None:
    records = {e: json.loads((reports / e / "run.json").read_text())
               for e in ("2017-Q2", "2017-Q2-TJK", "2017-Q2-TKM")}
    for edition in ("2017-Q2-TJK", "2017-Q2-TKM"):
        entries = {n["name"]: n for n in records[edition]["notebooks"]}
        for name in REGIONAL_ONLY:
            assert entries[name]["reused"] and entries[name]["reused_from"] == "2017-Q2"
            assert "the region's issue" in entries[name]["reason"]
            assert "country" not in entries[name]["parameters"]
            executed = (reports / edition / f"{name}.ipynb").read_bytes()
            assert executed == (reports / "2017-Q2" / f"{name}.ipynb").read_bytes()
            page = (reports / edition / f"{name}.html").read_text(encoding="utf-8")
            assert "— " + ("Tajikistan" if edition.endswith("TJK") else "Turkmenistan") + " edition" in page
        for name, entry in entries.items():
            if name not in REGIONAL_ONLY:
                assert entry["parameters"]["country"] == edition[-3:]
                assert entry["reused"] is False and "shared" not in entry["reason"]


def test_turkmenistan_edition_says_how_little_it_reports(reports: Path) -> None:
    assert _quarter_tons("TKM") == 0  # no row for January-March 2017 in the table
    tkm = reports / "2017-Q2-TKM"
    page = _text(tkm / "01_quarterly_seizures.html")
    assert ("Turkmenistan reports no figures of drug seizures for January-March 2017 "
            "(its latest are for October-December 2016): this page shows no chart for it.") in page
    count = len(re.findall(r'class="bulletin-chart"', (tkm / "01_quarterly_seizures.html").read_text()))
    regional = len(re.findall(r'class="bulletin-chart"', (reports / "2017-Q2/01_quarterly_seizures.html").read_text()))
    assert count == regional  # no chart of its own, the region's as before
    assert _figures(tkm)["tkm_seizures_quarter_all_drugs_t"]["value"] is None
    front = _text(tkm / "index.html")
    assert "Turkmenistan has a figure for the latest period of five of the eight analyses by country; " \
           "none for the drug seizures, victims of domestic violence and women among certified police officers." in front
    assert "still the bulletin's regional statements, left as they are" in front


def test_an_edition_s_pages_keep_one_meaning_per_colour_and_their_downloads(reports: Path) -> None:
    # Issue 17 for the editions too: the country's chart names its two colours (the country, the
    # other countries) in its legend, and each edition's pages have their files to take away.
    from bulletin.publish.chart_colours import colour_problems
    from bulletin.publish.report import CHART_MIMETYPE

    for edition in ("2017-Q2-TJK", "2017-Q2-TKM"):
        folder = reports / edition
        for notebook in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
            cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            charts = [o["data"][CHART_MIMETYPE] for c in cells for o in c.get("outputs", [])
                      if CHART_MIMETYPE in o.get("data", {})]
            assert not colour_problems(charts), (edition, notebook.name, colour_problems(charts))
            page = notebook.with_suffix(".html").read_text(encoding="utf-8")
            for href in re.findall(r'href="(downloads/[^"]+)"', page):
                assert (folder / href).is_file(), (edition, href)
