"""bulletin.data.vocab: the vocabularies come from the reference folder in use."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from bulletin.core import paths
from bulletin.core.paths import REFERENCE_DIR
from bulletin.data import vocab


@pytest.fixture(autouse=True)
def no_reference_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """``$BULLETIN_REFERENCE_DIR`` unset during the test and after it, whatever the test set.

    ``monkeypatch.delenv`` of a variable that is not set records nothing, so a variable that
    :func:`vocab.use_reference_for` set later would outlive the test; set first, it is recorded.
    """
    monkeypatch.setenv(vocab.REFERENCE_DIR_ENV, "")
    monkeypatch.delenv(vocab.REFERENCE_DIR_ENV)


@pytest.fixture
def own_reference(tmp_path: Path) -> Path:
    """A data folder with its own reference vocabularies: the project's plus a country 'XKX'."""
    data_dir = tmp_path / "data"
    shutil.copytree(REFERENCE_DIR, data_dir / "reference")
    with (data_dir / "reference" / "countries.csv").open("a", encoding="utf-8") as out:
        out.write("XKX,Kosovo\n")
    return data_dir


def test_the_project_reference_is_the_default():
    assert paths.reference_dir() == REFERENCE_DIR
    assert "XKX" not in vocab.country_codes()


def test_a_data_folder_brings_its_own_vocabularies(
    own_reference: Path, monkeypatch: pytest.MonkeyPatch
):
    # Issue 12: reference/ inside a --data-dir was ignored.
    assert vocab.use_reference_for(own_reference) == (own_reference / "reference").resolve()
    assert "XKX" in vocab.country_codes() and vocab.country_name("XKX") == "Kosovo"
    monkeypatch.delenv(vocab.REFERENCE_DIR_ENV)
    assert "XKX" not in vocab.country_codes()  # cached per folder, not once for all


def test_a_data_folder_without_reference_keeps_the_folder_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    assert vocab.use_reference_for(tmp_path) == REFERENCE_DIR
    assert vocab.REFERENCE_DIR_ENV not in os.environ
    monkeypatch.setenv(vocab.REFERENCE_DIR_ENV, "/chosen/by/the/user")
    assert vocab.use_reference_for(tmp_path) == Path("/chosen/by/the/user")
    assert paths.reference_dir_of(tmp_path) == Path("/chosen/by/the/user")


def test_a_missing_vocabulary_names_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(vocab.REFERENCE_DIR_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="countries.*missing from"):
        vocab.country_names()


def test_tables_of_a_data_folder_are_checked_with_its_own_vocabularies(own_reference: Path):
    # Issue 12: reference/ inside a --data-dir was ignored; a row of its own country was refused.
    import pandas as pd

    from bulletin.data.tables import TableError, load_table, write_table

    rows = pd.DataFrame({"country": ["XKX"], "year": [2016], "drug": ["heroin"], "kg": [1.0],
                         "source": ["s"], "status": ["official"]})
    write_table("seizures_annual", rows, own_reference)
    assert load_table("seizures_annual", own_reference)["country"].tolist() == ["XKX"]
    assert "XKX" not in vocab.country_codes()  # nothing changed outside the data folder's reads
    other = own_reference.parent / "other"
    other.mkdir()
    shutil.copy(own_reference / "seizures_annual.csv", other)
    with pytest.raises(TableError, match="XKX"):
        load_table("seizures_annual", other)


def test_an_import_maps_names_with_the_data_folder_s_own_vocabularies(
    own_reference: Path, tmp_path: Path,
):
    from bulletin.cli.main import main

    with (own_reference / "reference" / "country_names.csv").open("a", encoding="utf-8") as out:
        out.write("Republic of Kosovo,XKX,\n")
    annex = tmp_path / "annex.csv"
    annex.write_text(
        "Region;SubRegion;Country;CountryCode;Year;DrugGroup;Drug;SpecificDrugName;KgEquivalent;"
        "Comment\nEurope;Southeast Europe;Republic of Kosovo;XKX;2016;Opioids;Heroin;;12;\n",
        encoding="utf-8",
    )
    assert main(["import", str(annex), "--data-dir", str(own_reference), "--countries", "all"]) == 0
    assert (own_reference / "seizures_annual.csv").read_text().splitlines()[1].startswith("XKX,2016")


def test_every_indicator_of_the_shipped_data_has_a_reader_label():
    # Issue 17: page 08 showed `certified_police_officers_share`; labels come from the vocabulary.
    import re

    from bulletin.core.paths import DATA_DIR
    from bulletin.data.tables import load_table

    labels = vocab.load_reference("indicator_labels")
    assert labels["indicator"].is_unique and (labels["label"].str.strip() != "").all()
    shipped = set(load_table("indicators", DATA_DIR)["indicator"])
    assert shipped <= set(labels["indicator"]), shipped - set(labels["indicator"])
    for indicator in shipped:
        assert not re.search(r"\b[a-z0-9]+_[a-z0-9_]+\b", vocab.indicator_label(indicator))
    # The count of SDG 16.1.1 is given as "number"; what it counts is victims, not a rate.
    assert vocab.indicator_unit("SDG 16.1.1", "number") == "victims"
    assert vocab.indicator_unit("SDG 16.1.1 (per 100,000 population)", "x") == "per 100,000 population"


def test_an_indicator_without_a_label_is_shown_in_words(caplog: pytest.LogCaptureFixture):
    assert vocab.indicator_label("police_personnel_rate") == "Police personnel rate"
    assert "indicator_labels.csv" in caplog.text
    assert vocab.indicator_label("Drug-related offences") == "Drug-related offences"


@pytest.mark.parametrize("name", sorted(p.stem for p in REFERENCE_DIR.glob("*.csv")))
def test_a_vocabulary_is_the_frame_pandas_reads(name: str):
    # Issue 18: the vocabularies are read with the csv module (the pages name countries without
    # importing pandas); as a frame they must be what pandas' own reader makes of the file.
    import pandas as pd

    expected = pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(vocab.load_reference(name), expected)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("iso3,name\nKGZ,Kyrgyzstan\nTJK\n", "countries.csv, line 3: 1 fields, expected 2 (iso3, name)"),
        ("iso3,name\nKGZ,Kyrgyzstan,Asia\n", "countries.csv, line 2: 3 fields, expected 2 (iso3, name)"),
        ("", "the reference vocabulary 'countries' has no header line"),
        ("code,label\nKGZ,Kyrgyzstan\n", "the reference vocabulary 'countries' has no column 'iso3'"),
    ],
    ids=["short row", "long row", "empty file", "no such column"],
)
def test_a_broken_vocabulary_is_refused_naming_its_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str
):
    (tmp_path / "countries.csv").write_text(text, encoding="utf-8")
    monkeypatch.setenv(vocab.REFERENCE_DIR_ENV, str(tmp_path))
    with pytest.raises(ValueError, match=re.escape(problem)):
        vocab.country_names()


def test_a_vocabulary_with_a_byte_order_mark_and_blank_lines_reads_as_pandas_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import pandas as pd

    path = tmp_path / "countries.csv"
    path.write_bytes('\ufeffiso3,name\r\nKGZ,"Kyrgyz Republic, the"\r\n\r\nTJK,\r\n'.encode())
    monkeypatch.setenv(vocab.REFERENCE_DIR_ENV, str(tmp_path))
    assert vocab.country_names() == {"KGZ": "Kyrgyz Republic, the", "TJK": ""}
    expected = pd.read_csv(path, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(vocab.load_reference("countries"), expected)


def test_the_importers_mapping_files_are_read_as_the_vocabularies_are(tmp_path: Path):
    # country_names.csv and drug_names_<release>.csv are read by the vocabularies' reader (issue
    # 18: pandas' first read_csv took 15 ms of an import's time): a broken line is named, and
    # the columns the importer adds stay out of the frame every later import reads.
    from bulletin.data.importers import mapping

    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    names = folder / "country_names.csv"
    line = len(names.read_text(encoding="utf-8").splitlines()) + 1
    with names.open("a", encoding="utf-8") as out:
        out.write("Narnia\n")
    problem = f"country_names.csv, line {line}: 1 fields, expected 3 (name, iso3, note)"
    with pytest.raises(ValueError, match=re.escape(problem)):
        mapping.country_lookup(folder)
    frame = mapping.drug_mapping("ids", folder)
    assert "_name" in frame.columns
    assert "_name" not in vocab.load_reference("drug_names_ids", folder).columns
    assert mapping.drug_mapping("ids", folder) is frame  # made once per folder


@pytest.mark.parametrize(
    ("name", "expected"),
    [("countries", "expected 2 (iso3, name)"),
     ("indicator_labels", "expected 3 (indicator, label, unit_label)")],
    ids=["read by the tables' checks", "read only by pages and notebooks"],
)
def test_a_command_meeting_a_broken_vocabulary_names_it_as_a_file_to_mend(
    tmp_path: Path, capsys, name: str, expected: str
):
    # Not "internal error ... a bug of the project": the user mends the file (exit status 2);
    # and found by `bulletin validate` (so by a render's data check, before any kernel) even when
    # no table's check reads that vocabulary.
    from bulletin.cli.main import main
    from bulletin.core.paths import DATA_DIR

    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)  # the shipped tables, and the vocabularies to break
    vocabulary = data_dir / "reference" / f"{name}.csv"
    with vocabulary.open("a", encoding="utf-8") as out:
        out.write("XKX\n")
    line = len(vocabulary.read_text(encoding="utf-8").splitlines())
    assert main(["validate", "--data-dir", str(data_dir)]) == 2
    message = capsys.readouterr().err
    assert f"{name}.csv, line {line}: 1 fields, {expected}" in message, message
    assert "mend the reference file" in message and "internal error" not in message, message
