"""A render killed at any moment leaves the previous issue exactly as it was, and no kernel behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from render_helpers import bulletin, page_files, small_data, write_notebook

from bulletin import publish

SLOW = "import time\nprint('started', flush=True)\ntime.sleep(120)"


def _kernels_of(notebook: str) -> list[int]:
    """Processes working in a render's working folder of ``notebook``: its kernels."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"/bulletin-{notebook}-" in os.readlink(entry / "cwd"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_render_killed_midway_leaves_the_previous_issue_intact(tmp_path: Path, signum: int):
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    reports = tmp_path / "reports"
    write_notebook(notebooks, "01_one", "print('first edition')")
    write_notebook(notebooks, "02_two", "print('first edition too')")
    args = ["render", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir",
            str(notebooks), "--reports", str(reports)]
    assert bulletin(*args).returncode == 0
    before = page_files(reports / "2017-Q2")

    write_notebook(notebooks, "02_two", "print(1)")
    write_notebook(notebooks, "02_killme", SLOW)
    write_notebook(notebooks, "03_three", "print('new')")
    process = subprocess.Popen([sys.executable, "-m", "bulletin.cli", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Kill it while its kernels run and its staging folder exists.
    _wait_for(lambda: len(_kernels_of("02_killme")) >= 1)
    time.sleep(1.0)
    process.send_signal(signum)
    process.communicate(timeout=60)
    assert process.returncode != 0

    assert page_files(reports / "2017-Q2") == before
    _wait_for(lambda: not _kernels_of("02_killme"), seconds=15)  # no kernel left running

    # The next render cleans what the killed one left and publishes.
    write_notebook(notebooks, "02_killme", "print('second edition')")
    result = bulletin(*args)
    assert result.returncode == 0, result.stderr
    assert "second edition" in (reports / "2017-Q2" / "02_killme.ipynb").read_text()
    assert sorted(p.name for p in reports.iterdir()) == [".2017-Q2.lock", "2017-Q2"]


def test_publish_swaps_whole_folders(tmp_path: Path):
    target = tmp_path / "2017-Q2"
    for version in ("one", "two"):
        staging = publish.new_staging(target)
        (staging / "page.html").write_text(version)
        publish.swap_in(staging, target)
        assert (target / "page.html").read_text() == version
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2017-Q2"]


def test_without_an_atomic_exchange_an_interrupted_swap_is_undone(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    target = tmp_path / "2017-Q2"
    target.mkdir()
    (target / "page.html").write_text("old")
    staging = publish.new_staging(target)
    (staging / "page.html").write_text("new")
    publish.swap_in(staging, target)
    assert (target / "page.html").read_text() == "new"

    # A render killed between the two renames of the fallback: its old issue is aside, no target.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    os.rename(target, tmp_path / f".2017-Q2.previous-{dead}")
    (tmp_path / f".2017-Q2.staging-{dead}-abc").mkdir()
    done = publish.recover(target)
    assert (target / "page.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2017-Q2"]
    assert len(done) == 2
