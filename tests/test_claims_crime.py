"""Claims C9-C14 (drug-related crime and arrests) on the rendered 2017-Q2 issue, and the official
rows behind them equal to the publication (read through ``bulletin import``)."""

from __future__ import annotations

import pandas as pd
import pytest

from bulletin.crime import country_year_totals
from bulletin.paths import DATA_DIR
from bulletin.tables import load_table

WDR_10_1 = "wdr2024-annex-10.1-drug-related-crimes.xlsx"


@pytest.mark.slow
def test_c9_offences_fell_to_almost_13600_and_the_verdict_names_any_break(claims_2017q2):
    claim = claims_2017q2["C9"]
    total = claim["values"]["total_2016"]
    assert 13_000 <= total < 13_600
    by_year = {int(y): c for y, c in claim["values"]["total_by_year"].items()}
    assert sorted(by_year) == list(range(2010, 2017))
    breaks = [y for y in range(2011, 2017) if not by_year[y] < by_year[y - 1]]
    assert claim["values"]["years_breaking_the_decrease"] == breaks
    if breaks:
        assert not claim["holds"]
        assert "not steady" in claim["verdict"]
    else:
        assert claim["holds"]
        assert "decreased every year from 2010 to 2016" in claim["verdict"]


@pytest.mark.slow
def test_c10_smuggling_share_from_4_to_9_per_cent(claims_2017q2):
    claim = claims_2017q2["C10"]
    assert claim["values"]["smuggling_share_pct_2010"] == pytest.approx(4.0, abs=0.5)
    assert claim["values"]["smuggling_share_pct_2016"] == pytest.approx(9.0, abs=0.5)
    assert claim["holds"]


@pytest.mark.slow
def test_c11_selling_46_per_cent_in_2016(claims_2017q2):
    claim = claims_2017q2["C11"]
    assert claim["values"]["selling_share_pct_2016"] == pytest.approx(46.0, abs=0.5)
    assert claim["holds"]


@pytest.mark.slow
def test_c12_arrests_fell_to_2015_then_rose_to_almost_12400(claims_2017q2):
    claim = claims_2017q2["C12"]
    persons = {int(y): c for y, c in claim["values"]["persons_by_year"].items()}
    assert all(persons[y] < persons[y - 1] for y in range(2011, 2016))
    assert persons[2016] > persons[2015]
    assert 12_000 <= persons[2016] < 12_400
    assert claim["values"]["turning_years"] == [2015]
    assert claim["holds"]


@pytest.mark.slow
def test_c13_women_about_7_per_cent_on_average(claims_2017q2):
    claim = claims_2017q2["C13"]
    assert claim["values"]["mean_women_share_pct"] == pytest.approx(7.0, abs=0.5)
    assert claim["holds"]


@pytest.mark.slow
def test_c14_juveniles_approximately_03_per_cent_in_2016(claims_2017q2):
    claim = claims_2017q2["C14"]
    assert claim["values"]["juveniles_share_pct_2016"] == pytest.approx(0.3, abs=0.05)
    assert claim["holds"]


@pytest.mark.slow
def test_key_figures_agree_with_the_claims(claims_2017q2, figures_2017q2):
    assert figures_2017q2["crime_offences_total"]["value"] == claims_2017q2["C9"]["values"]["total_2016"]
    assert figures_2017q2["arrests_persons_total"]["value"] == claims_2017q2["C12"]["values"]["persons_2016"]
    assert figures_2017q2["arrests_trend_turning_year"]["value"] == 2015
    assert 0 < figures_2017q2["crimestats_official_cells_pct"]["value"] < 100


def test_shipped_offences_keep_the_publications_figures():
    totals = country_year_totals(load_table("drug_offences", DATA_DIR)).set_index(["country", "year"])
    assert totals.at[("KGZ", 2016), "count"] == 1_608
    assert totals.at[("TKM", 2016), "count"] == 685
    assert totals.at[("KGZ", 2016), "status"] == "official"
    assert totals.at[("TKM", 2016), "status"] == "official"


def test_official_rows_equal_the_publication_read_by_the_importer(official_dir, tmp_path):
    from bulletin.importers import import_files

    result = import_files([official_dir / WDR_10_1], tmp_path, dry_run=True)
    imported = result.tables["drug_offences"]
    totals = country_year_totals(imported).set_index(["country", "year"])["count"]
    assert totals[("KGZ", 2016)] == 1_608
    assert totals[("TKM", 2016)] == 685
    assert totals[("KGZ", 2011)] == 3_079
    # the shipped table holds exactly these official rows, untouched by any reconstruction
    shipped = load_table("drug_offences", DATA_DIR)
    sources = set(imported["source"])
    shipped_official = shipped[shipped["source"].isin(sources)]
    key = ["country", "year", "offence_type"]
    pd.testing.assert_frame_equal(
        shipped_official.sort_values(key, ignore_index=True),
        imported[shipped.columns].sort_values(key, ignore_index=True),
        check_dtype=False,
    )
