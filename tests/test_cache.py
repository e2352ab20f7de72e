"""Deciding whether a notebook runs again or its last output is reused, and saying why."""

from __future__ import annotations

from pathlib import Path

from bulletin.render import cache


def _previous(tmp_path: Path, **entry) -> tuple[Path, dict]:
    folder = tmp_path / "2017-Q2"
    folder.mkdir(exist_ok=True)
    for suffix in (".html", ".ipynb"):
        (folder / f"01_a{suffix}").write_text("x")
    data = tmp_path / "data"
    record = {
        "library_sha256": cache.library_sha256(),
        "library_files": cache.library_files(),
        "packages": cache.package_versions(),
        "tables_present": sorted(p.name for p in data.glob("*.csv")),
        "notebooks": [{"name": "01_a", "status": "ok", "source_sha256": "s1",
                       "parameters": {"quarter": "2017-Q2"},
                       "data_read": {"t.csv": cache.file_sha256(data / "t.csv")},
                       "library": cache.full_library(), **entry}],
    }
    return folder, record


def _setup(tmp_path: Path) -> cache.DataFiles:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text("a\n1\n")
    (tmp_path / "data" / "u.csv").write_text("a\n2\n")
    return cache.DataFiles(tmp_path / "data")


def test_reused_when_nothing_it_depends_on_changed(tmp_path: Path):
    data = _setup(tmp_path)
    candidate = _previous(tmp_path)
    decision = cache.decide("01_a", "s1", {"quarter": "2017-Q2"}, data, [candidate])
    assert not decision.run and "reused from 2017-Q2/" in decision.reason and "t.csv" in decision.reason


def test_each_change_is_named(tmp_path: Path):
    data = _setup(tmp_path)
    candidate = _previous(tmp_path)
    params = {"quarter": "2017-Q2"}
    assert cache.decide("01_a", "s2", params, data, [candidate]).reason == "its source changed"
    assert cache.decide("01_a", "s1", {"quarter": "2017-Q1"}, data, [candidate]).reason == (
        "its parameters changed (quarter)")
    assert cache.decide("01_a", "s1", params, data, [candidate], force=True).reason == "--force"
    assert cache.decide("02_b", "s1", params, data, [candidate]).reason == "no previous output"
    # Another table changed: not read, so still reused; the table read changed: run.
    (tmp_path / "data" / "u.csv").write_text("a\n3\n")
    assert not cache.decide("01_a", "s1", params, cache.DataFiles(tmp_path / "data"), [candidate]).run
    (tmp_path / "data" / "t.csv").write_text("a\n4\n")
    decision = cache.decide("01_a", "s1", params, cache.DataFiles(tmp_path / "data"), [candidate])
    assert decision.run and decision.reason == "data it reads changed (t.csv)"


def test_library_changes_and_failures_are_named(tmp_path: Path):
    data = _setup(tmp_path)
    candidate = _previous(tmp_path)
    library = {"lib/bulletin/analyses/seizures.py": "new", "package pandas": "3.1"}
    candidate[1]["notebooks"][0]["library"] = {"lib/bulletin/analyses/seizures.py": "old", "package pandas": "3.0"}
    reason = cache.decide("01_a", "s1", {"quarter": "2017-Q2"}, data, [candidate], library=library).reason
    assert reason == "the library changed (lib/bulletin/analyses/seizures.py); package versions changed (pandas 3.0 -> 3.1)"
    failed = _previous(tmp_path, status="failed", error={"summary": "cell 3 failed with KeyError: 'x'"})
    assert cache.decide("01_a", "s1", {"quarter": "2017-Q2"}, data, [failed]).reason == (
        "it failed last time (cell 3 failed with KeyError: 'x')")


def test_a_new_table_in_the_data_folder_runs_it_again(tmp_path: Path):
    data = _setup(tmp_path)
    candidate = _previous(tmp_path)
    (tmp_path / "data" / "v.csv").write_text("a\n")
    decision = cache.decide("01_a", "s1", {"quarter": "2017-Q2"}, cache.DataFiles(tmp_path / "data"), [candidate])
    assert decision.reason == "new tables in the data folder (v.csv)"
    assert data.sha256("missing.csv") is None


def test_notebook_fingerprint_ignores_outputs_and_editor_metadata():
    a = {"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": []}]}
    b = {"cells": [{"cell_type": "code", "source": ["x = 1"], "metadata": {"collapsed": True},
                    "outputs": [{"output_type": "stream", "text": "1"}], "execution_count": 3}]}
    assert cache.notebook_sha256(a) == cache.notebook_sha256(b)
    b["cells"][0]["source"] = "x = 2"
    assert cache.notebook_sha256(a) != cache.notebook_sha256(b)


def test_a_notebook_depends_on_the_library_modules_it_imports_and_what_they_import():
    library = cache.notebook_library("from bulletin.analyses import seizures\nfrom bulletin.data.tables import load_table")
    assert "lib/bulletin/analyses/seizures.py" in library and "lib/bulletin/data/tables.py" in library
    assert "lib/bulletin/data/schemas.py" in library  # imported by tables
    assert "lib/bulletin/publish/pages.py" in library and "lib/bulletin/render/execute.py" in library  # make the page
    assert "lib/bulletin/render/papermill_engine.py" in library  # runs the kernel
    assert "lib/bulletin/cli/main.py" not in library
    assert any(name.startswith("data/reference/") for name in library)
    assert library["package pandas"] == cache.package_versions()["pandas"]
    # A computed import: every file counts.
    assert cache.notebook_library("import importlib\nimportlib.import_module('bulletin.x')") == cache.full_library()


def test_the_reference_vocabularies_in_use_are_fingerprinted(tmp_path: Path):
    """A data folder's own reference/ counts (by absolute path), and a change is seen at once."""
    reference = tmp_path / "data" / "reference"
    reference.mkdir(parents=True)
    (reference / "countries.csv").write_text("iso3,name\nKGZ,Kyrgyzstan\n")
    library = cache.notebook_library("from bulletin.publish import report", reference)
    name = f"{reference.resolve()}/countries.csv"
    assert library[name] == cache.file_sha256(reference / "countries.csv")
    assert not any(n.startswith("data/reference/") for n in library)
    assert "data/reference/countries.csv" in cache.notebook_library("from bulletin.publish import report")

    (reference / "countries.csv").write_text("iso3,name\nKGZ,Kyrgyz Republic\n")
    changed = cache.notebook_library("from bulletin.publish import report", reference)
    assert changed[name] != library[name]
    assert cache._changed_library(library, changed) == f"the reference vocabularies changed ({name})"


def test_a_file_read_outside_the_data_folder_is_named_when_it_changes(tmp_path: Path):
    data = _setup(tmp_path)
    outside = tmp_path / "weights.txt"
    outside.write_text("1\n")
    folder, record = _previous(tmp_path)
    record["notebooks"][0]["data_read"][str(outside)] = cache.file_sha256(outside)
    params = {"quarter": "2017-Q2"}
    assert not cache.decide("01_a", "s1", params, data, [(folder, record)]).run
    outside.write_text("2\n")
    decision = cache.decide("01_a", "s1", params, cache.DataFiles(tmp_path / "data"), [(folder, record)])
    assert decision.reason == f"files it reads outside the data folder changed ({outside})"


def test_package_versions_are_asked_again_only_when_the_installed_packages_change(
        tmp_path: Path, monkeypatch):
    import sys
    from importlib import metadata

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site = tmp_path / "site-packages"
    (site / "somepackage-1.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    asked = []
    ask = cache._metadata_versions
    monkeypatch.setattr(cache, "_metadata_versions", lambda: asked.append(1) or ask())

    def versions() -> dict[str, str]:
        cache.package_versions.cache_clear()
        return cache.package_versions()

    first = versions()
    assert first["pandas"] == metadata.version("pandas") and len(asked) == 1
    assert versions() == first and len(asked) == 1  # remembered
    (site / "somepackage-1.0.dist-info").rename(site / "somepackage-1.1.dist-info")  # an upgrade
    assert versions() == first and len(asked) == 2
    assert versions() == first and len(asked) == 2
    [remembered] = (tmp_path / "cache" / "bulletin" / cache.VERSIONS_CACHE).glob("*.json")
    remembered.write_text('{"signature": "not json')  # a damaged cache: asked again
    assert versions() == first and len(asked) == 3
    monkeypatch.setenv("XDG_CACHE_HOME", str(remembered))  # a cache that cannot be made
    assert versions() == first and len(asked) == 4
    cache.package_versions.cache_clear()


def test_a_module_added_to_the_library_is_seen_by_the_remembered_imports(
        tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    code = "from bulletin.analyses import not_yet_written\n"
    assert "bulletin.analyses.not_yet_written" not in cache._remembered_imports(code, "bulletin", "nb")[0]
    modules = {**cache._library_modules(), "bulletin.analyses.not_yet_written": Path("x.py")}
    monkeypatch.setattr(cache, "_library_modules", lambda: modules)  # the file appears
    assert "bulletin.analyses.not_yet_written" in cache._remembered_imports(code, "bulletin", "nb")[0]
