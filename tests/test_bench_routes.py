"""The route benchmark stays runnable: it draws its own cases (never data/) and times the fast and
the straightforward pandas versions on them, which must agree."""

from __future__ import annotations

import importlib.util

import pytest

from bulletin.core.paths import DATA_DIR, PROJECT_ROOT
from bulletin.data.tables import check_table

BENCH = PROJECT_ROOT / "bench"


@pytest.fixture()
def bench(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(BENCH))  # as when the script runs: its folder on the path
    spec = importlib.util.spec_from_file_location("bench_routes", BENCH / "bench_routes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_runs_on_small_sizes(bench, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--sizes", "2000", "4000", "--repeat", "1", "--no-real"]) == 0
    out = capsys.readouterr().out
    assert "2,000 cases" in out and "4,000 cases" in out
    assert out.count("same table from both") == 2
    assert "growth from 2,000 to 4,000 cases" in out
    assert "the real cases" not in out


def test_real_cases_are_timed_beside_the_goal_and_a_baseline(
    bench, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    """Over the shipped cases, without a commit to compare (that needs git): the figure's line."""
    assert bench.real_cases(DATA_DIR, 1, before="") == 0
    out = capsys.readouterr().out
    assert "routes analysis over the real cases: " in out
    assert "(goal: < 1 s, " in out and "baseline in this run: pyarrow's plain read" in out
    assert bench.real_cases(tmp_path, 1, before="") == 0  # no cases there: said, not measured
    assert "is not measured" in capsys.readouterr().out


def test_a_commit_is_exported_or_the_reason_said(tmp_path) -> None:
    import commit_lib

    lib, words = commit_lib.export_lib("no-such-commit-0000", tmp_path / "x")
    assert lib is None and "no-such-commit-0000" in words and "not exported" in words
    lib, words = commit_lib.export_lib("HEAD", tmp_path / "head")
    if lib is None:  # a checkout without git (an unpacked archive): nothing to export
        pytest.skip(words)
    assert (lib / "bulletin" / "analyses" / "routes.py").is_file()
    assert (lib.parent / "data" / "reference" / "countries.csv").is_file()


def test_generated_cases_are_repeatable_synthetic_and_pass_the_schema(bench) -> None:
    import route_cases

    first = route_cases.draw_cases(2000, seed=3)
    again = route_cases.draw_cases(2000, seed=3)
    assert first.equals(again) and not route_cases.draw_cases(2000, seed=4).equals(first)
    assert len(first) == 2000 and first["case_id"].is_unique
    assert (first["source"] == route_cases.SOURCE).all() and "not data" in route_cases.SOURCE
    assert len(check_table("seizure_cases", first)) == 2000
    crossed = first["transit_countries"].dropna().str.count(";") + 1
    assert crossed.max() == 3
    for column in route_cases.ROUTE_FIELDS:
        assert first[column].isna().any(), column


def test_route_variants_of_each_country_and_drug_add_up_to_one(bench) -> None:
    import route_cases

    variants = route_cases.route_variants()
    totals = variants.groupby(["country", "drug"])["probability"].sum()
    assert totals.to_numpy() == pytest.approx(1.0)
    assert len(totals) == len(route_cases.CASES_PER_YEAR)
