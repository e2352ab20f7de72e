"""``make lab``: headless-safe (no browser without a display, ``--allow-root`` as root), URL printed."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bulletin.core.paths import PROJECT_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _lab_command(env: dict[str, str], *variables: str) -> list[str]:
    """The ``jupyter lab`` command line ``make lab`` would run (``make -n``: nothing is run)."""
    result = subprocess.run(["make", "-n", "lab", *variables], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if " lab " in f"{line} " and "jupyter" in line]
    return shlex.split(line)


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(values)
    return env


def test_no_browser_without_a_display_and_allow_root_only_as_root():
    headless = _lab_command(_env())
    assert "--no-browser" in headless
    assert "--ServerApp.ip=127.0.0.1" in headless
    assert ("--allow-root" in headless) == (os.geteuid() == 0)
    for display in ({"DISPLAY": ":0"}, {"WAYLAND_DISPLAY": "wayland-0"}):
        assert "--no-browser" not in _lab_command(_env(**display))
    assert headless[-1] == "notebooks/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_lab_starts_without_a_display_and_prints_its_url(tmp_path: Path):
    """The command ``make lab`` runs, with this interpreter's jupyter; stopped once the URL is out."""
    port = _free_port()
    command = _lab_command(_env(), f"LAB_PORT={port}")
    jupyter = Path(sys.executable).with_name("jupyter")
    assert command[0].startswith("JUPYTER_PATH=") and command[1].endswith("/jupyter")
    env = _env(JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_PATH=command[0].partition("=")[2])
    process = subprocess.Popen([str(jupyter), *command[2:]], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    seen = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if f"http://127.0.0.1:{port}/lab?token=" in line:
                break
        else:
            pytest.fail("no URL within 120 s:\n" + "".join(seen))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    output = "".join(seen)
    assert f"http://127.0.0.1:{port}/lab?token=" in output, output
    assert "Running as root is not recommended" not in output  # started, not refused
