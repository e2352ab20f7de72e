"""``bulletin render`` checks the data folder before any kernel starts (issue 15): a broken table
stops the render with status 2, every problem listed, nothing written; a passed check is
remembered until a table, a vocabulary or the checking code changes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from render_helpers import bulletin
from test_validate import _set_cell, data_dir  # noqa: F401  (the fixture)

from bulletin.data import validate
from bulletin.render import data_check
from bulletin.render.cache import DataFiles
from bulletin.render.plan import RenderParameterError


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


def test_a_broken_table_stops_the_render_before_any_kernel_with_every_problem(
    data_dir: Path, tmp_path: Path, own_cache: Path  # noqa: F811
) -> None:
    kg_line = _set_cell(data_dir / "seizures_annual.csv", 3, "kg", "-1")
    quarter_line = _set_cell(data_dir / "seizures_quarterly.csv", 0, "quarter", "5")
    out = tmp_path / "issue"
    started = time.perf_counter()
    result = bulletin("render", "--quarter", "2017Q2", "--data-dir", str(data_dir), "--out", str(out),
                      env={"XDG_CACHE_HOME": str(own_cache)})
    seconds = time.perf_counter() - started
    assert result.returncode == 2, result.stderr
    assert f"seizures_annual.csv: line {kg_line}, column 'kg': got '-1'" in result.stderr
    assert f"seizures_quarterly.csv: line {quarter_line}, column 'quarter': got '5'" in result.stderr
    assert "has 2 problem(s)" in result.stderr and "bulletin validate --data-dir" in result.stderr
    assert "nothing was run; the published issues are unchanged" in result.stderr
    assert not out.exists()
    assert "01_quarterly_seizures" not in result.stdout + result.stderr  # no notebook started
    assert seconds < 60  # a bound against hanging, not a benchmark (bench/bench_validate.py)


def test_a_rule_between_tables_stops_the_render(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    from test_cross_checks import _edit, _row_where

    path = data_dir / "activities.csv"
    _edit(path, _row_where(path, start_date="2017-04-25"), duration_days="9")
    with pytest.raises(RenderParameterError) as refused:
        data_check.refuse_bad_data(DataFiles(data_dir))
    assert any("an activity's duration fits its dates" in p for p in refused.value.problems)


def test_a_broken_vocabulary_stops_the_render_as_a_file_to_mend(data_dir: Path) -> None:  # noqa: F811
    # A verdict like any other (in the kernel server's fork too), not an error the fork cannot
    # report and the render ends in "internal error".
    vocabulary = data_dir / "reference" / "countries.csv"
    with vocabulary.open("a", encoding="utf-8") as out:
        out.write("XKX\n")
    line = len(vocabulary.read_text(encoding="utf-8").splitlines())
    with pytest.raises(RenderParameterError) as refused:
        data_check.refuse_bad_data(DataFiles(data_dir))
    assert refused.value.problems == [
        f"{vocabulary}, line {line}: 1 fields, expected 2 (iso3, name): mend the reference file"
    ]


def test_a_passed_check_is_remembered_until_a_table_changes(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    calls = []
    real = validate.validate_data_dir
    monkeypatch.setattr(validate, "validate_data_dir", lambda d: calls.append(d) or real(d))
    assert data_check.refuse_bad_data(DataFiles(data_dir)) == 3  # the shipped arrests' warnings
    assert data_check.refuse_bad_data(DataFiles(data_dir)) == 3
    assert len(calls) == 1  # remembered
    _set_cell(data_dir / "seizures_annual.csv", 0, "kg", "-1")
    with pytest.raises(RenderParameterError):
        data_check.refuse_bad_data(DataFiles(data_dir))
    assert len(calls) == 2  # the changed table is checked again


def test_a_missing_table_is_left_to_the_notebook_that_reads_it(data_dir: Path) -> None:  # noqa: F811
    (data_dir / "activities.csv").unlink()
    assert data_check.refuse_bad_data(DataFiles(data_dir)) == 3


def test_a_cache_that_cannot_be_written_only_means_checking_again(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path  # noqa: F811
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")  # even root cannot make a folder below a file
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert data_check.refuse_bad_data(DataFiles(data_dir)) == 3
    assert data_check.refuse_bad_data(DataFiles(data_dir)) == 3
    assert blocked.read_text() == "not a folder"


class _ServerThatChecks:
    """A kernel server's stand-in: forks the data check as the real one does, or fails to."""

    def __init__(self, how: str) -> None:
        self.how = how

    def fork_data_check(self, folder: str, out: str, env: dict, log: str = ""):
        if self.how == "unreachable":
            raise RuntimeError("the kernel fork server ended during this render")
        if self.how == "works":
            data_check.check_in_child(folder, out)
        else:  # the check's process died before writing its verdict
            Path(log).write_text("Traceback ...\nMemoryError\n")

        class Ended:
            def wait(self) -> int:
                return 0

        return Ended()


@pytest.mark.parametrize("how", ["works", "unreachable", "dies"])
def test_a_check_in_the_kernel_server_gives_the_same_verdict_or_is_made_here(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,  # noqa: F811
    how: str,
) -> None:
    calls, meanwhile = [], []
    real = validate.validate_data_dir
    monkeypatch.setattr(validate, "validate_data_dir", lambda d: calls.append(d) or real(d))
    kg_line = _set_cell(data_dir / "seizures_annual.csv", 3, "kg", "-1")
    with pytest.raises(RenderParameterError) as refused:
        data_check.refuse_bad_data(DataFiles(data_dir), _ServerThatChecks(how),
                                   meanwhile=lambda: meanwhile.append(1))
    assert f"seizures_annual.csv: line {kg_line}, column 'kg': got '-1'" in "\n".join(
        refused.value.problems)
    assert "has 1 problem(s)" in refused.value.problems[-1]
    assert len(calls) == 1  # in the (stand-in) server's process, or, when it gave none, here
    assert meanwhile == ([] if how == "unreachable" else [1])
    if how != "works":
        assert "runs in the render's process" in caplog.text
    if how == "dies":
        assert "MemoryError" in caplog.text
    _set_cell(data_dir / "seizures_annual.csv", 3, "kg", "1")
    assert data_check.refuse_bad_data(DataFiles(data_dir), _ServerThatChecks(how)) == 3
    assert data_check.remembered_warnings(DataFiles(data_dir)) == 3  # the verdict, remembered
