"""Claims C2-C6 on the shipped data, back-tests on the official years, and the long-view notebooks
(02-04) rendered for issues whose years reach the WDR 2024 annex, where Turkmenistan is missing.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from bulletin import annual, cannabis, heroin
from bulletin.paths import DATA_DIR, NOTEBOOKS_DIR
from bulletin.periods import Quarter
from bulletin.render import render_issue
from bulletin.tables import load_table

LONG_VIEW_NOTEBOOKS = ("02_drug_market", "03_cannabis", "04_heroin_northern_route")
OFFICIAL_YEARS = range(2012, 2017)
# UNODC's official figures (WDR 2018 annex): cannabis herb + resin as a share of herb + resin +
# heroin + opium seized in the five countries.
CANNABIS_SHARE_2012_2016 = {2012: 91.2, 2013: 90.9, 2014: 90.6, 2015: 91.9, 2016: 92.6}


# --- the claims of the 2017-Q2 issue, as rendered from the shipped data --------------------------


@pytest.mark.slow
def test_c2_heroin_peaks_2003_2004_and_opium_within_1990_2000(claims_2017q2):
    claim = claims_2017q2["C2"]
    assert claim["holds"] is True
    assert set(claim["values"]["heroin_peak_years"]) <= {2003, 2004}
    assert claim["values"]["opium_peak_years"]
    assert all(1990 <= y <= 2000 for y in claim["values"]["opium_peak_years"])
    # the peaks stand well above every official year (at most 1.6 t of heroin, 2.4 t of opium)
    assert claim["values"]["heroin_peak_t"] > 1.7 and claim["values"]["opium_peak_t"] > 2.4
    assert claim["values"]["peak_years_reconstructed"] is True


@pytest.mark.slow
def test_c3_cannabis_largest_every_year_2012_2016(claims_2017q2):
    claim = claims_2017q2["C3"]
    assert claim["holds"] is True
    assert claim["values"]["largest_group_by_year"] == {str(y): "cannabis" for y in OFFICIAL_YEARS}
    assert claim["values"]["cannabis_share_min_pct"] > 50


@pytest.mark.slow
def test_c4_share_about_65_in_2001_and_90_in_2016(claims_2017q2):
    claim = claims_2017q2["C4"]
    assert claim["holds"] is True
    assert claim["values"]["share_2001_pct"] == pytest.approx(65, abs=3)
    assert claim["values"]["share_2016_pct"] == pytest.approx(90, abs=3)
    assert claim["values"]["share_2016_pct"] == pytest.approx(92.6, abs=0.1)
    assert claim["values"]["share_2016_with_poppy_pct"] == pytest.approx(90.6, abs=0.1)
    assert claim["values"]["status_2016"] == "official"


@pytest.mark.slow
def test_c5_kazakhstan_and_kyrgyzstan_seize_most_herb(claims_2017q2):
    claim = claims_2017q2["C5"]
    assert claim["holds"] is True
    assert claim["values"]["kaz_kgz_herb_share_pct"] > 50
    assert all(v > 50 for v in claim["values"]["kaz_kgz_herb_share_by_year_pct"].values())


@pytest.mark.slow
def test_c6_russia_above_central_asia_each_of_2010_2016(claims_2017q2):
    claim = claims_2017q2["C6"]
    assert claim["holds"] is True
    assert claim["values"]["years_russia_higher"] == list(range(2010, 2017))
    assert claim["values"]["years_without_both"] == []
    assert all(r > 1 for r in claim["values"]["ratio_by_year"].values())


@pytest.mark.slow
def test_key_figures_of_the_2017q2_issue(figures_2017q2):
    assert figures_2017q2["market_cannabis_share_pct"]["value"] == pytest.approx(92.55, abs=0.01)
    assert figures_2017q2["market_cannabis_share_pct"]["period"] == "2016"
    assert figures_2017q2["market_heroin_peak_years"]["value"] == "2003-2004"
    assert figures_2017q2["cannabis_share_first_pct"]["period"] == "2001"
    assert figures_2017q2["heroin_years_russia_higher"]["value"] == 7
    assert figures_2017q2["heroin_central_asia_t"]["value"] == pytest.approx(0.562)
    assert figures_2017q2["heroin_russia_t"]["value"] == pytest.approx(0.966)


# --- back-tests: the analyses on the official years alone ----------------------------------------

@pytest.fixture(scope="module")
def official_rows():
    table = load_table("seizures_annual", DATA_DIR)
    return table[table["status"] == "official"]


@pytest.mark.parametrize(("year", "expected"), CANNABIS_SHARE_2012_2016.items())
def test_backtest_cannabis_share_on_official_figures(official_rows, year, expected):
    share = cannabis.cannabis_share(official_rows, year, year).iloc[0]
    assert share["countries"] == 5
    assert share["share_pct"] == pytest.approx(expected, abs=0.1)


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_backtest_central_asia_heroin_below_russia(official_rows, year):
    row = heroin.comparison(official_rows, year, year).iloc[0]
    assert row["countries"] == 5
    assert row["central_asia_t"] < row["russia_t"]


def test_official_2018_2022_lack_turkmenistan_and_nothing_fills_it(official_rows):
    shipped = load_table("seizures_annual", DATA_DIR)
    assert shipped[(shipped["country"] == "TKM") & shipped["year"].between(2017, 2022)].empty
    coverage = annual.coverage_by_year(shipped, ("heroin",), 2018, 2022)
    assert (coverage["countries"] == 4).all() and (coverage["missing"] == "Turkmenistan").all()


# --- the notebooks rendered for other issues -----------------------------------------------------

def _render_long_view(tmp_path_factory: pytest.TempPathFactory, quarter: str) -> Path:
    notebooks = tmp_path_factory.mktemp("notebooks")
    for name in LONG_VIEW_NOTEBOOKS:
        shutil.copy(NOTEBOOKS_DIR / f"{name}.ipynb", notebooks / f"{name}.ipynb")
    out = tmp_path_factory.mktemp("reports") / Quarter.parse(quarter).label
    return render_issue(Quarter.parse(quarter), DATA_DIR, out, notebooks)


@pytest.fixture(scope="module")
def rendered_2023q2(tmp_path_factory) -> Path:
    """Notebooks 02-04 rendered for 2023-Q2: years to 2022, the WDR 2024 annex."""
    return _render_long_view(tmp_path_factory, "2023Q2")


@pytest.fixture(scope="module")
def rendered_long_view_2017q1(tmp_path_factory) -> Path:
    """Notebooks 02-04 rendered for 2017-Q1: years to 2015."""
    return _render_long_view(tmp_path_factory, "2017Q1")


def _page_text(page: Path) -> str:
    text = re.sub(r"<img[^>]*>", " ", page.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def _table_row(page: Path, first_cell: str) -> list[str]:
    """The cells of the first table row of a page whose first cell is ``first_cell``."""
    for row in re.findall(r"<tr>(.*?)</tr>", page.read_text(encoding="utf-8"), flags=re.S):
        cells = [html.unescape(c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row,
                                                            flags=re.S)]
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row starting with {first_cell!r} in {page.name}")


@pytest.mark.slow
def test_2023q2_figures_cover_four_countries_not_five(rendered_2023q2):
    figures = json.loads((rendered_2023q2 / "figures.json").read_text())["figures"]
    assert figures["market_countries_covered"]["value"] == 4
    assert figures["market_countries_covered"]["period"] == "2022"
    assert figures["heroin_central_asia_countries_covered"]["value"] == 4
    assert figures["cannabis_countries_covered"]["value"] == 4
    # the four countries' own heroin, Turkmenistan neither guessed nor counted as zero
    assert figures["heroin_central_asia_t"]["value"] == pytest.approx(
        (102.1 + 100.9 + 243.6 + 276.9) / 1000, abs=0.002
    )
    claims = json.loads((rendered_2023q2 / "claims.json").read_text())["claims"]
    assert {c["id"] for c in claims} == {"C2", "C3", "C4", "C5", "C6"}


@pytest.mark.slow
def test_2023q2_pages_show_turkmenistan_missing_not_zero(rendered_2023q2):
    for name in LONG_VIEW_NOTEBOOKS:
        text = _page_text(rendered_2023q2 / f"{name}.html")
        assert "Missing, not counted as zero" in text, name
        assert "Turkmenistan" in text and "2018-2022" in text, name
        assert "No figures at all for 2017." in text, name
        assert "4 of 5" in text, name
    row = _table_row(rendered_2023q2 / "03_cannabis.html", "2020")
    assert row[4] == "–"  # Turkmenistan's cell: missing, not 0.00
    assert row[1] != "–"  # Kazakhstan has its figure
    heroin_text = _page_text(rendered_2023q2 / "04_heroin_northern_route.html")
    assert "cover four of the five countries, without Turkmenistan" in heroin_text
    assert "all but 2019" in heroin_text
    market_row = _table_row(rendered_2023q2 / "02_drug_market.html", "2017")
    assert market_row[-1] == "no figures" and market_row[-2] == "0 of 5"


@pytest.mark.slow
def test_2017q1_shows_years_to_2015(rendered_long_view_2017q1):
    figures = json.loads((rendered_long_view_2017q1 / "figures.json").read_text())["figures"]
    assert figures["market_cannabis_t"]["period"] == "2015"
    assert figures["heroin_years_compared"]["period"] == "2009-2015"
    text = _page_text(rendered_long_view_2017q1 / "04_heroin_northern_route.html")
    assert "No figures to compare for 2009." in text  # no Russian figure is made before 2010
