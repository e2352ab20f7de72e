"""Issue 13: where official publications overlap, one documented rule picks the figure, whatever
the order of the imports; disagreements beyond rounding are listed and kept; reconstructed rows
step aside for official ones; other clashes are refused."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

from bulletin.cli.main import main
from bulletin.data.importers import precedence
from bulletin.data.importers.driver import import_files
from bulletin.data.importers.provenance import disagreements
from bulletin.data.importers.unodc_series import SERIES
from bulletin.data.importers.wdr_seizures import WDR2018, WDR2024
from bulletin.data.schemas import STATUSES
from bulletin.data.tables import load_table, write_table

SEIZURES = (
    "wdr2018-annex-drug-seizures-2012-2016.csv",
    "unodc-annual-drug-seizures-1990-2019.xlsx",
    "wdr2024-annex-7.1-drug-seizures-2018-2022.xlsx",
)
CRIMES = (
    "wdr2022-annex-10.1-drug-related-crimes.xlsx",
    "wdr2024-annex-10.1-drug-related-crimes.xlsx",
)


def _state(folder: Path) -> dict[str, object]:
    """The tables' bytes and the records without their import times."""
    out: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".csv":
            out[path.name] = path.read_bytes()
        elif path.suffix == ".json":
            content = json.loads(path.read_text())
            for record in content["records"]:
                record.pop("imported_at")
            out[path.name] = content
    return out


@pytest.fixture(scope="module")
def seizures(official_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seizures")
    import_files([official_dir / name for name in SEIZURES], folder)
    return folder


@pytest.fixture
def each_file_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each publication parsed once for the test; every import that reads it again gets a copy.

    The orders differ only in how the files' rows are merged: the same file gives the same rows
    at every read (``test_importing_the_same_files_again_changes_nothing`` imports them afresh
    twice), and parsing them again was two-thirds of this test's time (issue 18). Deep copies, so
    that a merge that changed the rows it was given would still show.
    """
    from bulletin.data.importers import driver

    read, parsed = driver._read_file, {}

    def read_once(path: Path, options: object) -> object:
        key = (path.resolve(), path.stat().st_mtime_ns, repr(options))
        if key not in parsed:
            parsed[key] = read(path, options)
        return copy.deepcopy(parsed[key])

    monkeypatch.setattr(driver, "_read_file", read_once)


@pytest.mark.parametrize("files", [SEIZURES, CRIMES], ids=["seizures", "crimes"])
def test_the_same_tables_whatever_the_order(
    official_dir: Path, tmp_path: Path, files: tuple[str, ...], each_file_read_once: None
) -> None:
    states = []
    for number, order in enumerate(itertools.permutations(files)):
        one_by_one = tmp_path / f"one-by-one-{number}"
        for name in order:
            import_files([official_dir / name], one_by_one)
        together = tmp_path / f"together-{number}"
        import_files([official_dir / name for name in order], together)
        states += [_state(one_by_one), _state(together)]
    assert all(state == states[0] for state in states[1:])


def test_the_most_recent_edition_wins(seizures: Path) -> None:
    table = load_table("seizures_annual", seizures).set_index(["country", "year", "drug"])
    # 2012-2016: the series (2020) over the WDR 2018 annex; 2018-2019: the WDR 2024 annex.
    assert table.at[("KGZ", 2014, "heroin"), "source"] == SERIES.source
    assert table.at[("TJK", 2019, "heroin"), "source"] == WDR2024.source
    assert table.at[("TJK", 2019, "heroin"), "kg"] == 172
    # What only the older edition gives stays: the 2018 annex's ATS of 2012-2016.
    assert table.at[("KAZ", 2014, "ats"), "source"] == WDR2018.source
    # 2017 and 2019 come in from the series (2019 where the 2024 annex has no figure).
    assert table.at[("KGZ", 2017, "heroin"), "source"] == SERIES.source
    assert (table.reset_index().groupby(["country", "year", "drug"]).size() == 1).all()


def test_disagreements_are_listed_and_kept(seizures: Path) -> None:
    found = {
        (tuple(d["key"].values()), d["kept"]): d["figures"]
        for d in disagreements("seizures_annual", seizures)
    }
    # A revision: the series' 498.951 kg of heroin seized in Tajikistan in 2019, the WDR 2024
    # annex's 172 kg.
    assert found[(("TJK", 2019, "heroin"), WDR2024.source)] == {
        SERIES.source: 498.951,
        WDR2024.source: 172,
    }
    assert (("AFG", 2019, "cannabis_resin"), WDR2024.source) in found
    # Within rounding (the 2018 annex's whole kilograms), nothing is listed.
    assert not [k for k in found if k[0] == ("KGZ", 2014, "heroin")]
    for (_, kept), figures in found.items():
        (loser,) = set(figures) - {kept}
        assert precedence.disagree("seizures_annual", figures[loser], figures[kept])


def test_superseded_figures_are_kept_in_the_record_of_their_file(seizures: Path) -> None:
    records = json.loads((seizures / "provenance" / "seizures_annual.json").read_text())
    annex = next(r for r in records["records"] if r["file"].startswith("wdr2018"))
    entries = {tuple(e["key"].values()): e for e in annex["superseded"]}
    entry = entries[("KGZ", 2014, "heroin")]
    assert entry["by"] == SERIES.source and entry["source"] == WDR2018.source
    assert abs(entry["value"] - entry["winner_value"]) <= 0.5
    assert annex["rows"] == len(
        load_table("seizures_annual", seizures).query("source == @WDR2018.source")
    )


def test_the_tolerance() -> None:
    assert not precedence.disagree("seizures_annual", 1341, 1340.6)  # whole-kg rounding
    assert not precedence.disagree("seizures_annual", 100_000, 100_050)  # 0.05%
    assert precedence.disagree("seizures_annual", 400, 399.46)  # 0.54 kg and 0.135%
    assert precedence.disagree("drug_arrests", 800, 801)  # counts: any difference
    assert not precedence.disagree("drug_arrests", 801, None)


def test_the_2024_annex_wins_a_whole_country_year_of_persons(
    official_dir: Path, tmp_path: Path
) -> None:
    import_files([official_dir / name for name in CRIMES], tmp_path)
    arrests = load_table("drug_arrests", tmp_path).set_index(["country", "year", "sex", "age_group"])
    # Tajikistan 2020: the 2022 annex has 800 persons, the 2024 annex 801 (its calculated total
    # of trafficking is 620, the 2022 annex's 619): the country-year is the 2024 annex's.
    assert arrests.at[("TJK", 2020, "total", "total"), "count"] == 801
    sources = set(arrests.loc[("TJK", 2020)]["source"])
    assert all("World Drug Report 2024" in source for source in sources)
    found = disagreements("drug_arrests", tmp_path)
    assert any(d["key"] == {"country": "TJK", "year": 2020, "sex": "total",
                            "age_group": "total"} for d in found)
    # Kyrgyzstan 2016 is in the 2022 annex only.
    assert "World Drug Report 2022" in arrests.at[("KGZ", 2016, "total", "total"), "source"]


def _reconstructed(table: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["source"] = "reconstructed from the bulletin text"
    frame["status"] = "reconstructed"
    return frame


def test_reconstructed_rows_step_aside_for_official_ones(
    official_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_table(
        "seizures_annual",
        _reconstructed("seizures_annual", [
            {"country": "KGZ", "year": 2003, "drug": "heroin", "kg": 1.0},  # the series has it
            {"country": "TKM", "year": 2018, "drug": "heroin", "kg": 2.0},  # nobody has it
        ]),
        tmp_path,
    )
    write_table(
        "drug_arrests",
        _reconstructed("drug_arrests", [
            # Kyrgyzstan 2016: the 2022 annex has the country-year, juveniles included or not,
            # so every reconstructed line of it steps aside.
            {"country": "KGZ", "year": 2016, "sex": "total", "age_group": "total", "count": 9},
            {"country": "KGZ", "year": 2016, "sex": "male", "age_group": "total", "count": 8},
            {"country": "KGZ", "year": 2013, "sex": "total", "age_group": "total", "count": 7},
        ]),
        tmp_path,
    )
    status = main(["import", str(official_dir / SEIZURES[1]), str(official_dir / CRIMES[0]),
                   "--data-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    assert out.count("reconstructed rows stepped aside for official ones") == 2
    seizures = load_table("seizures_annual", tmp_path)
    assert seizures.query("status == 'reconstructed'")[["country", "year"]].values.tolist() == [
        ["TKM", 2018]
    ]
    arrests = load_table("drug_arrests", tmp_path)
    assert arrests.query("status == 'reconstructed'")["year"].tolist() == [2013]


@pytest.mark.skipif("stated" not in STATUSES, reason="the schema has no 'stated' status")
def test_a_figure_stated_in_the_bulletin_is_not_overwritten(
    official_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stated = "UNODC ROCA, Milestones 2017-Q2 (April-June 2017)"
    write_table(
        "seizures_annual",
        pd.DataFrame([{"country": "KGZ", "year": 2003, "drug": "heroin", "kg": 1.0,
                       "source": stated, "status": "stated"}]),
        tmp_path,
    )
    status = main(["import", str(official_dir / SEIZURES[1]), "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2
    assert "KGZ, 2003, heroin" in err and stated in err and "status stated" in err


def test_importing_the_same_files_again_changes_nothing(official_dir: Path, tmp_path: Path) -> None:
    # Records with superseded figures and disagreements keep their import time too.
    files = [official_dir / name for name in (*SEIZURES, *CRIMES)]
    import_files(files, tmp_path)
    before = {p.name: p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    import time

    time.sleep(1.1)  # a new import time, if a record were written anew
    import_files(list(reversed(files)), tmp_path)
    after = {p.name: p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    assert after == before
