"""Notebooks run in the project's own Python, whatever kernels are installed elsewhere."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from render_helpers import small_data

from bulletin.core.periods import Quarter
from bulletin.render.api import render_issue
from bulletin.render.kernel import (
    AsyncProjectKernelManager,
    ProjectKernelManager,
    project_kernel_spec,
)


def test_spec_runs_this_interpreter():
    assert project_kernel_spec().argv[0] == sys.executable


def test_ipc_sockets_in_a_private_folder():
    manager = ProjectKernelManager(kernel_name="python3")
    assert manager.transport == "ipc"
    folder = Path(manager.ip).parent
    assert folder.stat().st_mode & 0o077 == 0


def test_the_end_of_a_killed_kernel_is_looked_for_every_hundredth_of_a_second(monkeypatch):
    # Issue 18: jupyter_client looks every tenth of a second; a killed kernel is gone within
    # milliseconds, and the end of every notebook waited up to a tenth of a second for the look.
    import asyncio

    import jupyter_client.manager

    manager = AsyncProjectKernelManager()
    alive = iter([True, True, False])

    async def is_alive() -> bool:
        return next(alive)

    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(manager, "_async_is_alive", is_alive)
    monkeypatch.setattr(jupyter_client.manager.asyncio, "sleep", sleep)
    asyncio.run(manager._async_wait())
    assert slept == [0.01, 0.01]


@pytest.mark.slow
def test_a_broken_user_kernel_is_not_used(tmp_path, monkeypatch):
    # A kernel named python3 that points at no Python at all, found first on JUPYTER_PATH.
    kernels = tmp_path / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        json.dumps({"argv": ["/nonexistent/python", "-f", "{connection_file}"], "language": "python",
                    "display_name": "broken"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('quarter: str = "2017Q2"\ndata_dir: str = "."', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import sys; print(sys.executable)"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebooks / "01_which.ipynb")
    out = render_issue(Quarter(2017, 2), small_data(tmp_path / "data"), tmp_path / "out", notebooks)
    executed = nbformat.read(out / "01_which.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"].strip() == sys.executable


@pytest.mark.slow
def test_forked_kernels_are_private_and_separate(tmp_path):
    import asyncio
    import os
    import stat

    from bulletin.render.kernel import ForkedKernelManager, KernelForkServer

    async def start_two(server):
        managers = [ForkedKernelManager(server=server) for _ in range(2)]
        for index, manager in enumerate(managers):
            work = tmp_path / f"work{index}"
            work.mkdir()
            await manager.start_kernel(cwd=str(work))
        try:
            info = []
            for manager in managers:
                client = manager.client()
                client.start_channels()
                await client.wait_for_ready(timeout=60)
                reply = await client.execute_interactive("import os; print(os.getpid(), os.getcwd())", timeout=30,
                                                         output_hook=lambda msg, out=info: out.append(msg))
                assert reply["content"]["status"] == "ok"
                client.stop_channels()
            return managers, [m["content"]["text"] for m in info if m["msg_type"] == "stream"]
        finally:
            for manager in managers:
                connection = manager.get_connection_info()
                assert connection["transport"] == "ipc"
                folder = Path(connection["ip"]).parent
                # Sockets and connection file in a folder only the owner can enter; file 0600.
                assert folder.stat().st_mode & 0o077 == 0
                assert stat.S_IMODE(os.stat(manager.connection_file).st_mode) == 0o600
                assert Path(manager.connection_file).parent == folder
                await manager.shutdown_kernel(now=True)

    server = KernelForkServer()
    try:
        _, printed = asyncio.run(start_two(server))
    finally:
        server.close()
    pids = {line.split()[0] for line in printed}
    assert len(pids) == 2  # two kernel processes
    assert {line.split()[1] for line in printed} == {str(tmp_path / "work0"), str(tmp_path / "work1")}


@pytest.mark.slow
def test_charts_show_in_forked_kernels(tmp_path):
    """The fork server's imports and warm-up must leave pyplot's inline backend to the kernel."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('quarter: str = "2017Q2"\ndata_dir: str = "."', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nimport seaborn as sns\n"
                                  "fig, ax = plt.subplots()\nsns.barplot(x=['a', 'b'], y=[1, 2], ax=ax)"),
    ]
    nbformat.write(nb, notebooks / "01_chart.ipynb")
    out = render_issue(Quarter(2017, 2), small_data(tmp_path / "data"), tmp_path / "out", notebooks)
    executed = nbformat.read(out / "01_chart.ipynb", as_version=4)
    assert any("image/png" in o.get("data", {}) for o in executed.cells[-1].outputs)
    assert "data:image/png;base64" in (out / "01_chart.html").read_text()


def test_a_forked_kernel_has_its_own_process_group_before_its_fork_is_answered(tmp_path):
    # A render that closed at once after a fork (Ctrl-C, a failed notebook) had the server kill
    # the new kernel's process group before the kernel had made it: the kernel lived on. The
    # child here is slow to detach (it closes a handle that takes 0.3 s first) and then fails at
    # once (its folder does not exist): its process group must be its own when the fork returns.
    import os
    import time

    from bulletin.render.kernelboot import fork_kernel

    class SlowToClose:
        def close(self) -> None:
            time.sleep(0.3)

    request = {"argv": [], "cwd": str(tmp_path / "missing"), "env": {},
               "log": str(tmp_path / "kernel.log")}
    pid = fork_kernel(request, os.getpid(), close=[SlowToClose()])
    try:
        assert os.getpgid(pid) == pid
    finally:
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1  # it could not become a kernel
