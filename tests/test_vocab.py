"""bulletin.vocab: the vocabularies come from the reference folder in use."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bulletin import vocab
from bulletin.paths import REFERENCE_DIR


@pytest.fixture
def own_reference(tmp_path: Path) -> Path:
    """A data folder with its own reference vocabularies: the project's plus a country 'XKX'."""
    data_dir = tmp_path / "data"
    shutil.copytree(REFERENCE_DIR, data_dir / "reference")
    with (data_dir / "reference" / "countries.csv").open("a", encoding="utf-8") as out:
        out.write("XKX,Kosovo\n")
    return data_dir


def test_the_project_reference_is_the_default(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(vocab.REFERENCE_DIR_ENV, raising=False)
    assert vocab.reference_dir() == REFERENCE_DIR
    assert "XKX" not in vocab.country_codes()


def test_a_data_folder_brings_its_own_vocabularies(
    own_reference: Path, monkeypatch: pytest.MonkeyPatch
):
    # Issue 12: reference/ inside a --data-dir was ignored.
    monkeypatch.delenv(vocab.REFERENCE_DIR_ENV, raising=False)
    assert vocab.use_reference_for(own_reference) == (own_reference / "reference").resolve()
    assert "XKX" in vocab.country_codes() and vocab.country_name("XKX") == "Kosovo"
    monkeypatch.delenv(vocab.REFERENCE_DIR_ENV)
    assert "XKX" not in vocab.country_codes()  # cached per folder, not once for all


def test_a_data_folder_without_reference_uses_the_project_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(vocab.REFERENCE_DIR_ENV, "/somewhere/else")
    assert vocab.use_reference_for(tmp_path) == REFERENCE_DIR.resolve()
    assert vocab.REFERENCE_DIR_ENV not in os.environ


def test_a_missing_vocabulary_names_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(vocab.REFERENCE_DIR_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="countries.*missing from"):
        vocab.country_names()
