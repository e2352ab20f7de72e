"""Checked tables remembered by their bytes (bulletin.data.table_cache)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from bulletin.core.paths import DATA_DIR, REFERENCE_DIR
from bulletin.data import table_cache, tables


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(table_cache.CACHE_ENV, raising=False)
    return tmp_path / "cache" / "bulletin" / "tables"


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


@pytest.mark.parametrize("name", sorted(tables.table_specs()))
def test_a_remembered_table_is_the_table_read_and_checked(name: str, cache_home: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    if not tables.table_path(name, DATA_DIR).is_file():
        pytest.skip(f"{name} is not shipped")
    checked, lines = tables.read_table(name, DATA_DIR)
    assert len(_entries(cache_home)) == 1

    def not_again(*args, **kwargs):
        raise AssertionError("checked again")

    monkeypatch.setattr(tables, "check_table", not_again)
    remembered, remembered_lines = tables.read_table(name, DATA_DIR)
    pd.testing.assert_frame_equal(remembered, checked, check_dtype=True, check_exact=True)
    assert list(remembered.dtypes.astype(str)) == list(checked.dtypes.astype(str))
    assert remembered_lines == lines


def test_other_bytes_are_checked_again_and_a_broken_table_is_never_remembered(
        tmp_path: Path, cache_home: Path):
    data = tmp_path / "data"
    data.mkdir()
    source = tables.table_path("seizures_quarterly", DATA_DIR)
    shutil.copy(source, data / source.name)
    tables.load_table("seizures_quarterly", data)
    text = (data / source.name).read_text(encoding="utf-8")
    header, first, *rest = text.splitlines()
    broken = first.split(",")
    broken[1] = "twenty"  # the year column
    (data / source.name).write_text("\n".join([header, ",".join(broken), *rest]) + "\n",
                                    encoding="utf-8")
    with pytest.raises(tables.TableError, match="line 2"):
        tables.load_table("seizures_quarterly", data)
    assert len(_entries(cache_home)) == 1  # the good table only
    with pytest.raises(tables.TableError):
        tables.load_table("seizures_quarterly", data)  # still refused: nothing remembered


def test_other_vocabularies_are_another_key(tmp_path: Path):
    content = b"country,year\n"
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    key = table_cache.table_key("drug_offences", content, reference)
    assert key == table_cache.table_key("drug_offences", content, reference)
    assert key != table_cache.table_key("drug_arrests", content, reference)
    assert key != table_cache.table_key("drug_offences", content + b"KGZ,2017\n", reference)
    countries = next(reference.glob("countr*.csv"))
    countries.write_text(countries.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    table_cache.checking_code.cache_clear()
    assert key != table_cache.table_key("drug_offences", content, reference)


def test_a_damaged_entry_means_reading_the_csv(cache_home: Path):
    checked = tables.load_table("drug_offences", DATA_DIR)
    [entry] = _entries(cache_home)
    entry.write_bytes(b"not a table")
    pd.testing.assert_frame_equal(tables.load_table("drug_offences", DATA_DIR), checked)
    assert entry.read_bytes() != b"not a table"  # written again, whole


def test_the_cache_can_be_turned_off(cache_home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(table_cache.CACHE_ENV, "0")
    tables.load_table("drug_offences", DATA_DIR)
    assert _entries(cache_home) == []


def test_the_least_recently_used_tables_go_first(cache_home: Path,
                                                 monkeypatch: pytest.MonkeyPatch):
    import os
    import time

    monkeypatch.setattr(table_cache, "MAX_ENTRIES", 2)
    tables.load_table("drug_offences", DATA_DIR)
    [first] = _entries(cache_home)
    os.utime(first, (time.time() - 100, time.time() - 100))
    tables.load_table("drug_arrests", DATA_DIR)
    tables.load_table("drug_offences", DATA_DIR)  # used again: the newest now
    tables.load_table("activities", DATA_DIR)
    kept = _entries(cache_home)
    assert len(kept) == 2 and first in kept


def test_a_folder_others_can_write_in_is_never_read(cache_home: Path,
                                                    monkeypatch: pytest.MonkeyPatch):
    tables.load_table("drug_offences", DATA_DIR)
    cache_home.chmod(0o777)  # anyone could have put a file there: nothing is taken from it

    def load_again(*args, **kwargs):
        raise AssertionError("read from an open folder")

    monkeypatch.setattr(table_cache.pickle, "loads", load_again)
    assert len(tables.load_table("drug_offences", DATA_DIR))


def test_a_remembered_table_is_read_without_importing_pandera(cache_home: Path):
    # Issue 18: pandera took a fifth of a second to import in every process that read a table,
    # though a remembered table has no check to run. It is imported when a table is checked.
    import json
    import subprocess
    import sys

    probe = ("import json, sys; from bulletin.data.tables import load_table; "
             "frame = load_table('drug_arrests'); "
             "print(json.dumps([len(frame), 'pandera' in sys.modules]))")
    runs = [json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True,
                                      text=True, check=True, timeout=600).stdout)
            for _ in range(2)]
    assert runs[0][1] is True, runs  # read from its CSV and checked
    assert runs[1] == [runs[0][0], False], runs  # remembered: no check, no pandera
    assert len(_entries(cache_home)) == 1
