"""The command line every reconstruction shares: it replaces only its own rows, refuses to write on
another source's key, and ``--check`` names every row that differs and by how much."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from bulletin.core.paths import DATA_DIR
from bulletin.data.tables import load_table, write_table
from bulletin.reconstruct import seizures_quarterly


def annual() -> pd.DataFrame:
    rows = [
        (country, year, drug, kg)
        for year in (2015, 2016, 2017)
        for country in ("KAZ", "KGZ", "TJK", "TKM", "UZB")
        for drug, kg in (("cannabis_herb", 9000.0), ("heroin", 400.0), ("opium", 300.0))
    ]
    frame = pd.DataFrame(rows, columns=["country", "year", "drug", "kg"])
    return frame.assign(source="UNODC annual series (test)", status="official")


@pytest.fixture()
def folder(tmp_path):
    shutil.copytree(DATA_DIR / "reference", tmp_path / "reference")
    write_table("seizures_annual", annual(), tmp_path)
    return tmp_path


def run(folder, *args) -> int:
    return seizures_quarterly.main(["--data-dir", str(folder), *args])


def test_write_then_check_is_up_to_date(folder, capsys):
    assert run(folder) == 0
    out = capsys.readouterr().out
    assert "wrote 180 rows" in out and "anchors cannabis herb and resin" in out
    assert run(folder, "--check") == 0
    assert "180 rows this script makes are up to date" in capsys.readouterr().out


def test_check_names_the_rows_that_differ_and_by_how_much(folder, capsys):
    run(folder)
    table = load_table("seizures_quarterly", folder)
    changed = (table["country"] == "UZB") & (table["year"] == 2016) & (table["quarter"] == 3)
    changed &= table["drug"] == "heroin"
    table.loc[changed, "kg"] += 2.5
    gone = (table["country"] == "KGZ") & (table["year"] == 2015) & (table["quarter"] == 1)
    gone &= table["drug"] == "opium"
    write_table("seizures_quarterly", table[~gone], folder)
    capsys.readouterr()
    assert run(folder, "--check") == 1
    out = capsys.readouterr().out
    assert "DIFFER (2 rows)" in out
    assert "country=UZB, year=2016, quarter=3, drug=heroin: kg 114.5 shipped, 112 rebuilt (-2.5)" in out
    assert "country=KGZ, year=2015, quarter=1, drug=opium: rebuilt, not shipped (kg=66" in out


def official_quarter(country="KAZ", year=2016, quarter=1, drug="heroin", kg=5.0) -> pd.DataFrame:
    return pd.DataFrame(
        {"country": [country], "year": [year], "quarter": [quarter], "drug": [drug], "kg": [kg],
         "source": ["a national publication (test)"], "status": ["official"]}
    )


def test_rows_of_other_sources_are_kept_and_never_overwritten(folder, capsys):
    write_table("seizures_quarterly", official_quarter(country="RUS"), folder)
    assert run(folder) == 0
    table = load_table("seizures_quarterly", folder)
    assert len(table) == 181 and "a national publication (test)" in set(table["source"])


def test_an_official_quarter_arriving_on_a_reconstructed_one_wins_and_make_data_keeps_working(
    folder, capsys
):
    """Official rows arrive for a quarter the script had made (e.g. a quarterly submission): the
    script steps aside for them, re-balances the year's other quarters, and --check says which rows
    differ until it is re-run."""
    assert run(folder) == 0
    table = load_table("seizures_quarterly", folder)
    on_key = (table["country"] == "KAZ") & (table["year"] == 2016) & (table["quarter"] == 1)
    on_key &= table["drug"] == "heroin"
    write_table("seizures_quarterly", pd.concat([table[~on_key], official_quarter()]), folder)
    capsys.readouterr()

    assert run(folder, "--check") == 1
    out = capsys.readouterr().out
    assert "DIFFER (3 rows)" in out  # the three other quarters of the year are re-balanced
    assert "country=KAZ, year=2016, quarter=2, drug=heroin: kg 104 shipped, 131.667 rebuilt (+27.667)" in out
    assert "around the quarters other sources give (rule 6)' rebuilt" in out

    assert run(folder) == 0
    assert "1 country-drug-year has quarters of other sources" in capsys.readouterr().out
    table = load_table("seizures_quarterly", folder)
    year = table[(table["country"] == "KAZ") & (table["year"] == 2016) & (table["drug"] == "heroin")]
    assert year.set_index("quarter")["status"].to_dict() == {
        1: "official", 2: "reconstructed", 3: "reconstructed", 4: "reconstructed"
    }
    assert year["kg"].sum() == pytest.approx(400.0, abs=1e-9)  # the official year still holds
    assert len(table) == 180
    assert run(folder, "--check") == 0
    before = (folder / "seizures_quarterly.csv").read_bytes()
    assert run(folder) == 0
    assert (folder / "seizures_quarterly.csv").read_bytes() == before  # make data twice: no change
