"""The kernel server that outlives its render (bulletin.render.kernel_daemon)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from render_helpers import bulletin, small_data, write_notebook

from bulletin.render import kernel_daemon
from bulletin.render.kernel import KernelForkServer

# Each kernel prints the process id of the server that forked it (its parent).
PARENT = "import os; print('parent', os.getppid())"


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch):
    """A runtime folder of the test's own (short: the servers' sockets live in it)."""
    folder = Path(tempfile.mkdtemp(prefix="k"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    for sock in folder.glob("bulletin/*.sock"):  # end the servers this test started
        _end_server(sock)
    shutil.rmtree(folder, ignore_errors=True)


def _end_server(sock: Path) -> None:
    for process in psutil.process_iter(["cmdline"]):
        if str(sock) in (process.info["cmdline"] or []):
            process.terminate()
            process.wait(10)


def _servers(runtime: Path) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["cmdline"])
            if any(str(runtime) in part for part in (p.info["cmdline"] or []))
            and "bulletin.render.kernel_daemon" in (p.info["cmdline"] or [])]


def _parent_printed(issue: Path, name: str) -> int:
    nb = json.loads((issue / f"{name}.ipynb").read_text())
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    return int(text.split("parent")[1].split()[0])


def _wait(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_idle_time_comes_from_the_environment():
    assert kernel_daemon.idle_seconds({kernel_daemon.IDLE_ENV: "12.5"}) == 12.5
    assert kernel_daemon.idle_seconds({kernel_daemon.IDLE_ENV: "-3"}) == 0.0
    assert kernel_daemon.idle_seconds({kernel_daemon.IDLE_ENV: "soon"}) == kernel_daemon.DEFAULT_IDLE


def test_the_server_key_changes_with_the_library_and_the_environment(tmp_path: Path, monkeypatch):
    import bulletin

    env = {"MPLBACKEND": "agg"}
    key = kernel_daemon.server_key(env)
    assert key == kernel_daemon.server_key(dict(env))
    assert key != kernel_daemon.server_key({"MPLBACKEND": "agg", "PYTHONPATH": "/elsewhere"})
    # A library file edited (here: its modification time moved) is other code: another server.
    module = Path(bulletin.__file__).parent / "core" / "numbers.py"
    stat = module.stat()
    try:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert kernel_daemon.server_key(env) != key
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert kernel_daemon.server_key(env) == key
    # Data folders with the same vocabularies share a server; other vocabularies, another one.
    from bulletin.core.paths import REFERENCE_DIR, REFERENCE_DIR_ENV

    copy = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, copy)
    assert kernel_daemon.server_key({**env, REFERENCE_DIR_ENV: str(copy)}) == key
    countries = copy / "countries.csv"
    countries.write_text(countries.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert kernel_daemon.server_key({**env, REFERENCE_DIR_ENV: str(copy)}) != key


def test_the_socket_is_in_a_folder_only_the_user_can_enter(runtime: Path):
    path = kernel_daemon.socket_path("abc")
    assert path.parent == runtime / "bulletin"
    assert path.parent.stat().st_mode & 0o077 == 0
    (runtime / "bulletin").chmod(0o755)  # opened to others: not used
    assert kernel_daemon.socket_path("abc").parent != runtime / "bulletin"


@pytest.mark.slow
def test_the_next_render_forks_its_kernels_from_the_server_the_first_one_left(
        tmp_path: Path, runtime: Path):
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_parent", PARENT)
    args = ["render", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir",
            str(notebooks), "--out"]
    first = bulletin(*args, str(tmp_path / "one"), env={kernel_daemon.IDLE_ENV: "60"})
    assert first.returncode == 0, first.stderr
    [server] = _servers(runtime)
    assert _parent_printed(tmp_path / "one", "01_parent") == server.pid
    assert server.pid not in {p.pid for p in psutil.Process().children(recursive=True)}

    second = bulletin(*args, str(tmp_path / "two"), env={kernel_daemon.IDLE_ENV: "60"})
    assert second.returncode == 0, second.stderr
    assert _parent_printed(tmp_path / "two", "01_parent") == server.pid
    # The server's own kernels ended with each render: it has no child left.
    assert _wait(lambda: not [c for c in server.children() if c.status() != psutil.STATUS_ZOMBIE])


@pytest.mark.slow
def test_without_idle_time_a_render_keeps_no_server(tmp_path: Path, runtime: Path):
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_parent", PARENT)
    result = bulletin("render", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir",
                      str(notebooks), "--out", str(tmp_path / "one"),
                      env={kernel_daemon.IDLE_ENV: "0"})
    assert result.returncode == 0, result.stderr
    assert _servers(runtime) == []
    assert not list(runtime.glob("bulletin/*.sock"))


@pytest.mark.slow
def test_a_server_ends_when_idle_and_removes_its_socket(runtime: Path):
    server = KernelForkServer(keep_for=1.0)
    server.wait_ready()
    [sock] = runtime.glob("bulletin/*.sock")
    process = psutil.Process(server.pid)
    server.close()
    assert _wait(lambda: not process.is_running() or process.status() == psutil.STATUS_ZOMBIE)
    assert not sock.exists()


@pytest.mark.slow
def test_a_render_that_dies_takes_its_kernels_with_it(tmp_path: Path, runtime: Path):
    # The render's connection drops (SIGKILL: no goodbye): the server ends that render's kernels.
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
    code = (
        "import sys, time\n"
        "from bulletin.render.kernel import KernelForkServer\n"
        "server = KernelForkServer(keep_for=30)\n"
        "import os\npid = server.fork_kernel(['-f', sys.argv[1]], sys.argv[2], dict(os.environ))\n"
        "print(pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    work = tmp_path / "work"
    work.mkdir()
    render = subprocess.Popen([sys.executable, "-c", code, str(work / "kernel.json"), str(work)],
                              stdout=subprocess.PIPE, text=True, env=env)
    kernel = psutil.Process(int(render.stdout.readline()))
    assert kernel.is_running()
    render.send_signal(signal.SIGKILL)
    render.wait()
    assert _wait(lambda: not kernel.is_running() or kernel.status() == psutil.STATUS_ZOMBIE)
    assert len(_servers(runtime)) == 1  # the server itself stays for the next render


def test_a_socket_left_by_a_killed_server_is_replaced(runtime: Path):
    path = kernel_daemon.socket_path("deadbeef")
    import socket

    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))
    dead.close()  # the file stays; nobody listens
    assert kernel_daemon.connect(path) is None
    listener = kernel_daemon._listen(path)
    try:
        assert listener is not None
        client = kernel_daemon.connect(path)
        assert client is not None
        client.close()
    finally:
        listener.close()
        path.unlink()


@pytest.mark.slow
def test_a_client_that_hangs_up_at_once_harms_neither_the_server_nor_other_renders(
        tmp_path: Path, runtime: Path):
    # A second server for the same code checks whether the first one listens by connecting and
    # hanging up at once (kernel_daemon._listen); so may any client that gives up. The first
    # server's greeting to it then fails (EPIPE): that must end that connection only, never the
    # server and the kernels it runs for the renders connected to it (seen in CI: every kernel of
    # a render died, "Kernel died", and its next requests met "Broken pipe").
    server = KernelForkServer(keep_for=30)
    work = tmp_path / "work"
    work.mkdir()
    kernel = psutil.Process(server.fork_kernel(["-f", str(work / "kernel.json")], str(work),
                                               dict(os.environ)))
    daemon = psutil.Process(server.pid)
    [path] = runtime.glob("bulletin/*.sock")
    for _ in range(5):
        assert kernel_daemon._listen(path) is None  # what a second server does: it leaves
    time.sleep(1.0)
    assert daemon.is_running() and daemon.status() != psutil.STATUS_ZOMBIE
    assert kernel.is_running() and kernel.status() != psutil.STATUS_ZOMBIE
    # The render goes on: the server forks its next kernel.
    second = server.fork_kernel(["-f", str(work / "kernel2.json")], str(work), dict(os.environ))
    assert psutil.Process(second).ppid() == daemon.pid
    server.close()
    assert _wait(lambda: not kernel.is_running() or kernel.status() == psutil.STATUS_ZOMBIE)


@pytest.mark.slow
def test_a_render_whose_server_died_says_so(tmp_path: Path, runtime: Path):
    server = KernelForkServer(keep_for=30)
    server.wait_ready()
    daemon = psutil.Process(server.pid)
    daemon.kill()
    daemon.wait(10)
    with pytest.raises(RuntimeError, match=rf"kernel fork server \(process {daemon.pid}\) ended"):
        server.fork_kernel(["-f", str(tmp_path / "kernel.json")], str(tmp_path), dict(os.environ))
    server.close()


@pytest.mark.slow
def test_a_broken_request_ends_its_own_render_only_and_says_why(tmp_path: Path, runtime: Path):
    import socket

    server = KernelForkServer(keep_for=30)
    work = tmp_path / "work"
    work.mkdir()
    kernel = psutil.Process(server.fork_kernel(["-f", str(work / "kernel.json")], str(work),
                                               dict(os.environ)))
    [path] = runtime.glob("bulletin/*.sock")
    broken = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    broken.connect(str(path))
    lines = broken.makefile("rwb")
    assert json.loads(lines.readline())["ready"]
    lines.write(b"this is not a request\n")
    lines.flush()
    answer = json.loads(lines.readline())
    assert answer["error"].startswith("JSONDecodeError")
    assert lines.readline() == b""  # and that render's connection is closed
    broken.close()
    # The server and the other render's kernel go on; the other render still gets kernels.
    assert kernel.is_running() and kernel.status() != psutil.STATUS_ZOMBIE
    again = server.fork_kernel(["-f", str(work / "kernel2.json")], str(work), dict(os.environ))
    assert psutil.Process(again).ppid() == server.pid
    server.close()
