"""Format 7: WDR 2022 annex table 10.1 (drug-related crimes), read from the real workbook; its
implausible figures kept as published and flagged (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bulletin.cli.main import main
from bulletin.data.importers.detect import detect
from bulletin.data.importers.driver import import_files
from bulletin.data.importers.wdr_crimes_layouts import WDR2022
from bulletin.data.tables import load_table
from bulletin.data.trust import flagged_rows

WDR2022_CRIMES = "wdr2022-annex-10.1-drug-related-crimes.xlsx"


@pytest.fixture(scope="module")
def data_dir(official_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wdr2022")
    import_files([official_dir / WDR2022_CRIMES], folder)
    return folder


@pytest.fixture(scope="module")
def offences(data_dir: Path) -> pd.DataFrame:
    return load_table("drug_offences", data_dir).set_index(["country", "year", "offence_type"])


@pytest.fixture(scope="module")
def arrests(data_dir: Path) -> pd.DataFrame:
    return load_table("drug_arrests", data_dir).set_index(["country", "year", "sex", "age_group"])


def test_told_from_the_2024_edition(official_dir: Path) -> None:
    assert detect(official_dir / WDR2022_CRIMES).name == "wdr2022-crimes"
    assert detect(official_dir / "wdr2024-annex-10.1-drug-related-crimes.xlsx").name == (
        "wdr2024-crimes"
    )


def test_offences_as_published(offences: pd.DataFrame) -> None:
    # The sheet's own columns, in this edition's order (use/possession first).
    assert offences.at[("KGZ", 2014, "total"), "count"] == 3183
    assert offences.at[("KGZ", 2014, "use_possession"), "count"] == 1228
    assert offences.at[("KGZ", 2018, "trafficking"), "count"] == 1424
    assert offences.at[("UZB", 2019, "trafficking"), "count"] == 2754
    assert ("UZB", 2019, "use_possession") not in offences.index  # an empty cell: no row
    assert offences.at[("KAZ", 2020, "total"), "count"] == 7829
    assert set(offences["source"]) == {WDR2022.offences.source}


def test_persons_as_published_summed_over_offence_types(arrests: pd.DataFrame) -> None:
    assert arrests.at[("TJK", 2015, "total", "total"), "count"] == 1004
    assert arrests.at[("TJK", 2015, "female", "total"), "count"] == 30
    assert arrests.at[("KAZ", 2020, "total", "total"), "count"] == 821 + 4133 + 389
    assert arrests.at[("UZB", 2016, "total", "total"), "source"].endswith(
        "(offence types published: trafficking)"
    )
    assert ("UZB", 2016, "total", "adult") not in arrests.index  # not published


def test_kyrgyzstan_2016_is_kept_as_published_and_flagged(
    data_dir: Path, arrests: pd.DataFrame
) -> None:
    # 8,841 persons for trafficking and 8,853 for use/possession (816 adults): implausible
    # against 1,259 in 2015 and 1,190 in 2017, but published; kept, and flagged.
    assert arrests.at[("KGZ", 2016, "total", "total"), "count"] == 8841 + 8853
    flags = flagged_rows("drug_arrests", data_dir)
    kgz = [f for f in flags if f["key"]["country"] == "KGZ" and f["key"]["year"] == 2016]
    assert {f["key"]["offence_type"] for f in kgz} == {"trafficking", "use_possession"}
    use = next(f for f in kgz if f["key"]["offence_type"] == "use_possession")
    assert use["values"]["Total"] == 8853 and use["values"]["Adults"] == 816
    assert "adults + juveniles (850) far from the total (8,853)" in use["reason"]
    trafficking = next(f for f in kgz if f["key"]["offence_type"] == "trafficking")
    assert "2015: 1,259" in trafficking["reason"] and "2017: 1,190" in trafficking["reason"]
    assert use["file"] == WDR2022_CRIMES and use["sheet"] == WDR2022.contact_sheet


def test_the_summary_lists_the_flags(
    official_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["import", "--dry-run", str(official_dir / WDR2022_CRIMES),
                   "--data-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    assert "flagged as implausible, kept as published (drug_arrests" in out
    assert "KGZ 2016 use_possession: adults + juveniles (850) far from the total" in out


def test_every_country_with_counts_that_are_not_whole(
    official_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Chile 2020: 18.664 persons (thousands with a decimal point): left out and flagged, and
    # the file is not refused for it.
    status = main(["import", "--dry-run", "--countries", "all",
                   str(official_dir / WDR2022_CRIMES), "--data-dir", str(tmp_path)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "a count that is not a whole number (left out, never rounded; flagged)" in captured.out
    assert "CHL 2020" in captured.out
    assert "year not a calendar year" in captured.out  # Timor-Leste's "2019 and 2020"
