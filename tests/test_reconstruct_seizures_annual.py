"""The reconstruction of seizures_annual (1990-2011): its rules, that it keeps the official rows,
and that re-running it reproduces the shipped rows exactly."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from bulletin import drug_market
from bulletin.paths import DATA_DIR
from bulletin.reconstruct import seizures_annual as recon
from bulletin.tables import load_table, table_path, write_table
from bulletin.vocab import CENTRAL_ASIA

DRUGS = ("cannabis_herb", "cannabis_resin", "heroin", "opium")
# Each country's official kilograms in 2012-2016 (small, round numbers; heroin varies by year so
# that the Russian ratio is not constant).
BASE = {"cannabis_herb": 700.0, "cannabis_resin": 100.0, "heroin": 20.0, "opium": 30.0}


def official() -> pd.DataFrame:
    rows = []
    for year in range(2012, 2017):
        for i, country in enumerate(CENTRAL_ASIA):
            for drug, kg in BASE.items():
                rows.append((country, year, drug, kg * (i + 1) + (year - 2012) * (drug == "heroin")))
            rows.append((country, year, "cannabis_plants", 5000.0))
        region_heroin = sum(BASE["heroin"] * (i + 1) + (year - 2012) for i in range(5))
        rows.append(("RUS", year, "heroin", region_heroin * (1.5 + (year - 2012) / 10)))
    table = pd.DataFrame(rows, columns=["country", "year", "drug", "kg"])
    return table.assign(source="WDR test annex", status="official")


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return recon.reconstruct_seizures_annual(official())


def regional(rows: pd.DataFrame, drug: str) -> pd.Series:
    five = rows[rows["country"].isin(CENTRAL_ASIA) & (rows["drug"] == drug)]
    return five.groupby("year")["kg"].sum()


def test_only_the_years_without_official_figures(rows):
    assert sorted(rows["year"].unique()) == list(range(1990, 2012))
    assert set(rows["status"]) == {"reconstructed"}
    assert set(rows["source"]) == {recon.SOURCE}
    assert set(rows["drug"]) == set(DRUGS)
    assert 2017 not in set(rows["year"])  # rule 7: no figure is invented for 2017


def test_rule_1_cannabis_carried_back_from_2012(rows):
    kaz = rows[(rows["country"] == "KAZ") & (rows["drug"] == "cannabis_herb")]
    assert set(kaz["kg"]) == {700.0}
    uzb = rows[(rows["country"] == "UZB") & (rows["drug"] == "cannabis_resin")]
    assert set(uzb["kg"]) == {500.0}


def test_rules_2_to_4_peaks_where_the_bulletin_puts_them(rows):
    heroin, opium = regional(rows, "heroin"), regional(rows, "opium")
    assert heroin[2003] == heroin[2004] == heroin.max()
    assert heroin[2002] < heroin[2003] and heroin[2005] < heroin[2004]
    assert heroin[1990] == 300.0  # the 2012 official level
    assert (opium.loc[1990:2000] == opium.max()).all()
    assert opium[2001] < opium[2000]
    assert heroin.max() == opium.max()  # one level L for both waves


def test_rule_4_cannabis_is_65_percent_of_the_four_drugs_in_2001(rows):
    with_official = pd.concat([official(), rows], ignore_index=True)
    market = drug_market.market_by_year(with_official, 2001, 2001)
    share = drug_market.composition(market)["cannabis_pct"].iloc[0]
    assert share == pytest.approx(65.0, abs=0.05)


def test_rule_4_level_solved_exactly():
    level = recon.solve_peak(cannabis=6500.0, heroin_base=100.0, opium_base=200.0)
    year = np.array([2001])
    opiates = recon.heroin_series(year, 100.0, level) + recon.opium_series(year, 200.0, level)
    assert 6500.0 / (6500.0 + opiates[0]) == pytest.approx(0.65, abs=1e-12)


def test_rule_5_countries_add_up_and_tied_years_are_identical(rows):
    heroin = rows[rows["drug"] == "heroin"]
    assert (heroin["kg"] == heroin["kg"].round()).all()
    by_country = heroin[heroin["year"].isin([2003, 2004])].pivot(
        index="country", columns="year", values="kg"
    )
    assert (by_country[2003] == by_country[2004]).all()
    # shared as in 2012: Uzbekistan seized five times Kazakhstan's heroin then
    assert by_country.loc["UZB", 2003] == pytest.approx(5 * by_country.loc["KAZ", 2003], abs=2)


def test_rule_6_russia_above_central_asia_by_the_official_ratio(rows):
    russia = rows[rows["country"] == "RUS"].set_index("year")["kg"]
    assert list(russia.index) == [2010, 2011]
    region = regional(rows, "heroin")
    ratio = np.mean([1.5 + k / 10 for k in range(5)])
    for year in (2010, 2011):
        assert russia[year] > region[year]
        assert russia[year] == pytest.approx(region[year] * ratio, abs=0.5)


def test_rule_9_official_rows_kept_and_old_reconstruction_replaced():
    table = official()
    stale = pd.DataFrame(
        [("KAZ", 1995, "heroin", 1.0, "an older reconstruction", "reconstructed"),
         ("KAZ", 2008, "ats", 1.0, "an older reconstruction", "reconstructed")],
        columns=table.columns,
    )
    rebuilt = recon.rebuild_table(pd.concat([table, stale], ignore_index=True))
    kept = rebuilt[rebuilt["status"] == "official"].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, table, check_dtype=False)
    assert "an older reconstruction" not in set(rebuilt["source"])
    assert len(rebuilt) == len(table) + len(recon.reconstruct_seizures_annual(table))


def test_rule_9_never_replaces_an_official_row():
    table = official()
    clash = pd.DataFrame(
        [("KAZ", 2005, "heroin", 1.0, "some publication", "official")], columns=table.columns
    )
    with pytest.raises(ValueError, match=r"\(KAZ, 2005, heroin\): rows of other sources are never replaced"):
        recon.rebuild_table(pd.concat([table, clash], ignore_index=True))


def test_refuses_without_the_base_year():
    table = official()
    without = table[~((table["country"] == "TKM") & (table["year"] == 2012))]
    with pytest.raises(ValueError, match="no official 2012 figure for TKM cannabis_herb"):
        recon.reconstruct_seizures_annual(without)


def test_refuses_without_russian_figures():
    table = official()
    with pytest.raises(ValueError, match="no official 2014 heroin figure for RUS"):
        recon.reconstruct_seizures_annual(
            table[~((table["country"] == "RUS") & (table["year"] == 2014))]
        )


def test_refuses_when_the_statements_and_official_rows_disagree():
    table = official()
    huge = (table["year"] == 2015) & (table["drug"] == "opium")
    table.loc[huge, "kg"] = 1e6
    with pytest.raises(ValueError, match="statements C2 and C4 and the official rows disagree"):
        recon.reconstruct_seizures_annual(table)


def test_main_writes_checks_and_keeps_official_rows(tmp_path, capsys):
    write_table("seizures_annual", official(), tmp_path)
    assert recon.main(["--data-dir", str(tmp_path)]) == 0
    written = load_table("seizures_annual", tmp_path)
    expected = official().sort_values(["country", "year", "drug"], ignore_index=True)
    pd.testing.assert_frame_equal(
        written[written["status"] == "official"].reset_index(drop=True),
        expected,
        check_dtype=False,
    )
    assert (written["status"] == "reconstructed").sum() == len(
        recon.reconstruct_seizures_annual(official())
    )
    assert recon.main(["--data-dir", str(tmp_path), "--check"]) == 0
    assert "up to date" in capsys.readouterr().out
    tampered = written.copy()
    tampered.loc[tampered["status"] == "reconstructed", "kg"] += 1
    write_table("seizures_annual", tampered, tmp_path)
    assert recon.main(["--data-dir", str(tmp_path), "--check"]) == 1
    assert "DIFFER" in capsys.readouterr().out


def test_rerun_reproduces_the_shipped_rows(tmp_path):
    """The shipped reconstructed rows are exactly what the script makes from the shipped
    official rows, and re-running it leaves the whole table byte for byte as shipped."""
    if not table_path("seizures_annual", DATA_DIR).exists():
        pytest.fail("data/seizures_annual.csv is missing")
    shipped = load_table("seizures_annual")
    rebuilt = recon.reconstruct_seizures_annual(shipped)
    pd.testing.assert_frame_equal(
        shipped[shipped["status"] == "reconstructed"].reset_index(drop=True), rebuilt
    )
    shutil.copy(table_path("seizures_annual"), tmp_path / "seizures_annual.csv")
    assert recon.main(["--data-dir", str(tmp_path)]) == 0
    assert (tmp_path / "seizures_annual.csv").read_bytes() == table_path(
        "seizures_annual"
    ).read_bytes()
