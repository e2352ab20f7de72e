"""The route benchmark stays runnable: it draws its own cases (never data/) and times the fast and
the straightforward pandas versions on them, which must agree."""

from __future__ import annotations

import importlib.util

import pytest

from bulletin.core.paths import PROJECT_ROOT
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
    assert bench.main(["--sizes", "2000", "4000", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "2,000 cases" in out and "4,000 cases" in out
    assert out.count("same table from both") == 2
    assert "growth from 2,000 to 4,000 cases" in out


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
