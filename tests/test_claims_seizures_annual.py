"""Claims C2-C6 on the shipped data, back-tests on the official years, and the long-view notebooks
(02-04) rendered for issues whose years reach the WDR 2024 annex, where Turkmenistan is missing.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bulletin.analyses import annual, cannabis, drug_market, heroin
from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR
from bulletin.core.periods import Quarter
from bulletin.core.wording import describe_years
from bulletin.data.tables import load_table
from bulletin.data.trust import claim_basis
from bulletin.render.api import render_issue

LONG_VIEW_NOTEBOOKS = ("02_drug_market", "03_cannabis", "04_heroin_northern_route")
OFFICIAL_YEARS = range(2012, 2017)
# UNODC's official figures (WDR 2018 annex): cannabis herb + resin as a share of herb + resin +
# heroin + opium seized in the five countries.
CANNABIS_SHARE_2012_2016 = {2012: 91.2, 2013: 90.9, 2014: 90.6, 2015: 91.9, 2016: 92.6}


# --- the claims of the 2017-Q2 issue, as rendered from the shipped data --------------------------
# Whatever rows the table holds: each check and its basis are recomputed here from the rows.


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_table("seizures_annual", DATA_DIR)


@pytest.mark.slow
def test_c2_peaks_on_the_years_the_figures_cover(claims_2017q2, shipped):
    claim = claims_2017q2["C2"]
    market = drug_market.market_by_year(shipped, drug_market.first_data_year(shipped), 2016)
    covered = set(market.dropna(subset=["total_t"])["year"].astype(int))
    if not covered & {2003, 2004} or not covered & set(range(1990, 2001)):
        assert claim["holds"] is None and claim["verdict"].startswith("Not testable on public data")
        return
    heroin_years, _ = drug_market.peak_years(market, "heroin")
    opium_years, _ = drug_market.peak_years(market, "opium")
    assert claim["values"]["heroin_peak_years"] == heroin_years
    assert claim["values"]["opium_peak_years"] == opium_years
    assert claim["holds"] is (set(heroin_years) <= {2003, 2004}
                              and all(1990 <= y <= 2000 for y in opium_years))
    peaks = shipped[shipped["country"].isin(annual.CENTRAL_ASIA) & (
        ((shipped["drug"] == "heroin") & shipped["year"].isin(heroin_years))
        | ((shipped["drug"] == "opium") & shipped["year"].isin(opium_years)))]
    assert claim["basis"] == claim_basis(peaks, "C2")


@pytest.mark.slow
def test_c3_cannabis_largest_every_year_2012_2016(claims_2017q2):
    claim = claims_2017q2["C3"]
    assert claim["holds"] is True
    assert claim["values"]["largest_group_by_year"] == {str(y): "cannabis" for y in OFFICIAL_YEARS}
    assert claim["values"]["cannabis_share_min_pct"] > 50
    assert claim["basis"] == "official"


@pytest.mark.slow
def test_c4_share_2001_and_2016_on_the_stated_definition(claims_2017q2, shipped):
    claim = claims_2017q2["C4"]
    assert claim["values"]["definition"] == cannabis.SHARE_DEFINITION
    # UNODC's official 2016 figures: 92.6% of herb, resin, heroin and opium; 90.6% with poppy
    assert claim["values"]["share_2016_pct"] == pytest.approx(92.6, abs=0.1)
    assert claim["values"]["share_2016_with_poppy_pct"] == pytest.approx(90.6, abs=0.1)
    assert claim["values"]["status_2016"] == "official"
    share_2001 = claim["values"]["share_2001_pct"]
    if share_2001 is None:
        assert claim["holds"] is None
        return
    expected = cannabis.cannabis_share(shipped, 2001, 2001)["share_pct"].iloc[0]
    assert share_2001 == pytest.approx(expected, abs=0.01)  # never tuned to the statement
    assert claim["holds"] is (abs(share_2001 - 65) <= 3 and abs(92.6 - 90) <= 3)
    if not claim["holds"]:
        assert f"2001: about {share_2001:.1f}% against the bulletin's 65%" in claim["verdict"]


@pytest.mark.slow
def test_c5_kazakhstan_and_kyrgyzstan_seize_most_herb(claims_2017q2):
    claim = claims_2017q2["C5"]
    assert claim["holds"] is True
    assert claim["values"]["kaz_kgz_herb_share_pct"] > 50
    assert all(v > 50 for v in claim["values"]["kaz_kgz_herb_share_by_year_pct"].values())
    assert claim["basis"] == "official"


@pytest.mark.slow
def test_c6_russia_against_central_asia_each_of_2010_2016(claims_2017q2):
    claim = claims_2017q2["C6"]
    assert all(y in range(2010, 2017) for y in claim["values"]["years_russia_higher"])
    assert set(claim["values"]["years_russia_higher"]) >= set(OFFICIAL_YEARS)  # the WDR's years
    assert all(r > 1 for r in claim["values"]["ratio_by_year"].values() if r is not None)
    if claim["values"]["years_without_both"]:
        assert claim["holds"] is None
    else:
        assert claim["holds"] is (not claim["values"]["years_russia_not_higher"])


@pytest.mark.slow
def test_key_figures_of_the_2017q2_issue(figures_2017q2, shipped):
    market = drug_market.market_by_year(shipped, 2016, 2016)
    expected = drug_market.composition(market)["cannabis_pct"].iloc[0]
    assert figures_2017q2["market_cannabis_share_pct"]["value"] == pytest.approx(expected, abs=0.01)
    assert figures_2017q2["market_cannabis_share_pct"]["period"] == "2016"
    # The WDR 2018 annex's whole kilograms add up to 562 kg; the series, which takes precedence,
    # gives the same seizures unrounded: 560.95 kg.
    assert figures_2017q2["heroin_central_asia_t"]["value"] == pytest.approx(0.561, abs=0.0015)
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
    coverage = annual.coverage_by_year(shipped, annual.Selection(("heroin",), 2018, 2022))
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
def test_2023q2_pages_show_turkmenistan_missing_not_zero(rendered_2023q2, shipped):
    # What the pages must say follows from the rows the table holds, not from typed years.
    five = shipped[shipped["country"].isin(annual.CENTRAL_ASIA)]
    turkmen_last = int(five.loc[five["country"] == "TKM", "year"].max())
    turkmen_missing = describe_years(list(range(turkmen_last + 1, 2023)))
    for name in LONG_VIEW_NOTEBOOKS:
        text = _page_text(rendered_2023q2 / f"{name}.html")
        assert "Missing, not counted as zero" in text, name
        assert "Turkmenistan" in text and turkmen_missing in text, name
        assert "4 of 5" in text, name
    row = _table_row(rendered_2023q2 / "03_cannabis.html", "2020")
    assert row[4] == "–"  # Turkmenistan's cell: missing, not 0.00
    assert row[1] != "–"  # Kazakhstan has its figure
    heroin_text = _page_text(rendered_2023q2 / "04_heroin_northern_route.html")
    assert "cover four of the five countries, without Turkmenistan" in heroin_text
    compared = heroin.comparison(shipped, 2016, 2022).dropna(subset=["central_asia_t", "russia_t"])
    lower = compared.loc[compared["russia_t"] <= compared["central_asia_t"], "year"].astype(int)
    if len(lower) == 1:
        assert f"all but {lower.iloc[0]}" in heroin_text
    reporting_2017 = five.loc[five["year"] == 2017, "country"].nunique()
    market_row = _table_row(rendered_2023q2 / "02_drug_market.html", "2017")
    assert market_row[-2] == f"{reporting_2017} of 5"
    assert market_row[-1] == ("no figures" if reporting_2017 == 0 else "official")


@pytest.mark.slow
def test_2017q1_shows_years_to_2015(rendered_long_view_2017q1):
    figures = json.loads((rendered_long_view_2017q1 / "figures.json").read_text())["figures"]
    assert figures["market_cannabis_t"]["period"] == "2015"
    compared = heroin.comparison(load_table("seizures_annual", DATA_DIR), 2009, 2015)
    both = compared.dropna(subset=["central_asia_t", "russia_t"])["year"].astype(int).tolist()
    assert figures["heroin_years_compared"]["period"] == describe_years(both)
    text = _page_text(rendered_long_view_2017q1 / "04_heroin_northern_route.html")
    missing = sorted(set(range(2009, 2016)) - set(both))
    if missing:  # a year without both figures is named, never compared
        assert f"No figures to compare for {describe_years(missing)}." in text
