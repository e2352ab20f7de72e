"""A render killed at any moment leaves the previous issue exactly as it was, and nothing behind:
no kernel, no process a notebook started, no temporary folder once the next render has run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from render_helpers import bulletin, kernels_of, page_files, small_data, write_notebook

from bulletin.render import folders as publish

# Starts a process of its own session (it leaves the kernel's process group), then waits.
SLOW = (
    "import subprocess, time\n"
    "helper = subprocess.Popen(['sleep', '{seconds}'], start_new_session=True)\n"
    "open({pid_file!r}, 'w').write(str(helper.pid))\n"
    "print('started', flush=True)\n"
    "time.sleep(120)"
)


def _wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


@pytest.fixture
def short_tmpdir():
    """A temporary folder of its own for the render (short: kernel sockets live in it)."""
    folder = Path(tempfile.mkdtemp(prefix="t"))
    yield folder
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_render_killed_midway_leaves_the_previous_issue_intact(tmp_path: Path, signum: int, short_tmpdir: Path):
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    reports = tmp_path / "reports"
    env = {"TMPDIR": str(short_tmpdir)}
    write_notebook(notebooks, "01_one", "print('first edition')")
    write_notebook(notebooks, "02_two", "print('first edition too')")
    args = ["render", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir",
            str(notebooks), "--reports", str(reports)]
    assert bulletin(*args, env=env).returncode == 0
    before = page_files(reports / "2017-Q2")
    assert list(short_tmpdir.iterdir()) == []  # a render that ends cleans up after itself

    write_notebook(notebooks, "02_two", "print(1)")
    pid_file = tmp_path / "helper.pid"
    write_notebook(notebooks, "02_killme", SLOW.format(seconds=3000 + signum, pid_file=str(pid_file)))
    write_notebook(notebooks, "03_three", "print('new')")
    process = subprocess.Popen([sys.executable, "-m", "bulletin.cli.main", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **env})
    # Kill it while its kernels run and its staging folder exists.
    _wait_for(lambda: len(kernels_of("02_killme")) >= 1 and pid_file.exists())
    time.sleep(1.0)
    helper = psutil.Process(int(pid_file.read_text()))
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == {signal.SIGKILL: -9, signal.SIGTERM: 143, signal.SIGINT: 130}[signum], err
    if signum != signal.SIGKILL:
        assert "bulletin render: interrupted; the published issues are unchanged" in err
        assert "fix the notebooks" not in err and "DeadKernelError" not in err
        # Nothing published, not even a .failed folder; no staging left behind.
        assert sorted(p.name for p in reports.iterdir()) == [".2017-Q2.lock", "2017-Q2", "index.html"]
        assert list(short_tmpdir.iterdir()) == []

    assert page_files(reports / "2017-Q2") == before
    _wait_for(lambda: not kernels_of("02_killme"), seconds=15)  # no kernel left running
    _wait_for(lambda: not helper.is_running() or helper.status() == psutil.STATUS_ZOMBIE, seconds=15)
    if signum == signal.SIGKILL:
        # What a killed render leaves in the temporary folder: its own folder, and nothing else.
        left = [p.name for p in short_tmpdir.iterdir()]
        assert len(left) == 1 and left[0].startswith(f"bulletin-render-{process.pid}-"), left

    # The next render cleans what the killed one left and publishes.
    write_notebook(notebooks, "02_killme", "print('second edition')")
    result = bulletin(*args, env=env)
    assert result.returncode == 0, result.stderr
    assert "second edition" in (reports / "2017-Q2" / "02_killme.ipynb").read_text()
    assert sorted(p.name for p in reports.iterdir()) == [".2017-Q2.lock", "2017-Q2", "index.html"]
    assert list(short_tmpdir.iterdir()) == []


def test_publish_swaps_whole_folders(tmp_path: Path):
    target = tmp_path / "2017-Q2"
    for version in ("one", "two"):
        staging = publish.new_staging(target)
        (staging / "page.html").write_text(version)
        publish.write_marker(staging, "2017-Q2")
        publish.swap_in(staging, target)
        assert (target / "page.html").read_text() == version
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2017-Q2"]


def test_without_an_atomic_exchange_an_interrupted_swap_is_undone(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    target = tmp_path / "2017-Q2"
    target.mkdir()
    (target / "page.html").write_text("old")
    publish.write_marker(target, "2017-Q2")
    staging = publish.new_staging(target)
    (staging / "page.html").write_text("new")
    publish.write_marker(staging, "2017-Q2")
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
