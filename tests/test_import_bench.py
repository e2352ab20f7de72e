"""The import benchmark stays runnable: a small run generates, imports and prints its figures."""

from __future__ import annotations

import importlib.util

import pytest

from bulletin.core.paths import PROJECT_ROOT


def test_benchmark_runs_on_a_small_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(PROJECT_ROOT / "bench"))  # as when the script runs
    spec = importlib.util.spec_from_file_location(
        "bench_import", PROJECT_ROOT / "bench" / "bench_import.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--rows", "3000", "--repeat", "1", "--zip-repeat", "1", "--before", ""]) == 0
    out = capsys.readouterr().out
    assert "rows per second:" in out
    assert "import time / pyarrow read time:" in out
    assert "peak memory" in out
    from bulletin.core.paths import OFFICIAL_DIR

    if (OFFICIAL_DIR / bench.IDS_ZIP).is_file():
        assert "IDS import rows/s (real zip, end to end): " in out
        assert "(goal: >= 1,000,000 rows/s, " in out
        assert "baseline in this run: pyarrow's plain read of the same CSV " in out
        assert "IDS import time / pyarrow's plain read time: " in out
        assert "workbooks, openpyxl / importer (calamine within the limits):" in out
