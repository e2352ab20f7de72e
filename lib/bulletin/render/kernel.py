"""The kernels a render runs in: this project's own Python environment, private to its user.

Papermill would look the notebook's kernel name up among the kernels the user has installed,
which may point at any Python on the machine. The renderer instead starts its kernels with
:class:`ProjectKernelManager`, whose kernel is always the interpreter running the renderer (the
project's ``.venv``), over IPC sockets in a folder only the user can enter (``mkdtemp`` makes it
``0700``), so that other local users cannot connect to it. A render makes that folder inside its
own temporary folder (``socket_parent``), which the next render deletes if the render was killed.
No kernel listens on TCP: see :func:`bulletin.render.kernelboot.private_output_pipe`.

:class:`ForkedKernelManager` is the same kernel, started faster: instead of spawning a new Python
that imports pandas, seaborn and the library all over again (a second or two each), it asks a
:class:`KernelForkServer` (see :mod:`bulletin.render.kernelboot`), which did those imports once, to fork
a fresh kernel process. Each notebook still gets its own kernel process, working folder and
sockets.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_client.provisioning import LocalProvisioner

log = logging.getLogger(__name__)

_END_POLL_SECONDS = 0.01
"""How often the end of a killed kernel is looked for (see :class:`AsyncProjectKernelManager`)."""


def project_kernel_spec() -> KernelSpec:
    """A kernel spec that runs ipykernel in the current interpreter (with the read trace)."""
    return KernelSpec(
        argv=[sys.executable, "-m", "bulletin.render.kernelboot", "-f", "{connection_file}"],
        display_name="Python (bulletin project)",
        language="python",
        metadata={"debugger": False},
    )


# A socket's path must fit in sun_path (108 bytes on Linux, 104 on macOS), with "-<port>" added.
_MAX_SOCKET_FOLDER = 90


def private_socket_address(parent: Path | str | None = None) -> tuple[str, str]:
    """A folder only this user can enter (0700) and the IPC address prefix inside it.

    Args:
        parent: where to make the folder (default: the temporary folder); a render gives its own
            temporary folder, so that a killed render's sockets are removed by the next one.
            Where that would make the sockets' paths too long for the system, the folder goes
            into ``/tmp`` instead, named after the render (which the next render also cleans).
    """
    prefix = "k" if parent else "bulletin-kernel-"
    if parent is not None and len(os.fsencode(str(parent))) + 12 > _MAX_SOCKET_FOLDER:
        parent, prefix = ("/tmp" if os.path.isdir("/tmp") else None), f"bulletin-render-{os.getpid()}-k"
    socket_dir = tempfile.mkdtemp(prefix=prefix, dir=parent)
    return socket_dir, str(Path(socket_dir) / "k")


def _private_ipc(manager: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    kwargs.setdefault("transport", "ipc")
    socket_parent = kwargs.pop("socket_parent", None)
    if kwargs["transport"] == "ipc" and "ip" not in kwargs:
        socket_dir, address = private_socket_address(socket_parent)
        kwargs["ip"] = address
        # The connection file (with the key that signs messages) goes in the same folder.
        kwargs.setdefault("connection_file", str(Path(socket_dir) / "kernel.json"))
        weakref.finalize(manager, shutil.rmtree, socket_dir, ignore_errors=True)
    return kwargs


class _ProjectKernel:
    """Mixin: the project's kernel spec, over IPC in a private folder.

    The folder is made in ``socket_parent`` when it is given.
    """

    def __init__(self, **kwargs):
        super().__init__(**_private_ipc(self, kwargs))

    @property
    def kernel_spec(self) -> KernelSpec:
        return project_kernel_spec()


class ProjectKernelManager(_ProjectKernel, KernelManager):
    """A kernel manager that ignores installed kernel specs and runs the project's Python."""


class AsyncProjectKernelManager(_ProjectKernel, AsyncKernelManager):
    """:class:`ProjectKernelManager` for asyncio callers (several notebooks at once)."""

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        """Wait until the kernel has ended, looking every 10 ms rather than jupyter_client's 100.

        A kernel killed at the end of its notebook is gone within milliseconds; the first look,
        made at once, mostly finds it still there, and the next came a tenth of a second later:
        the end of every notebook waited for it (issue 18).
        """
        await super()._async_wait(pollinterval=min(pollinterval, _END_POLL_SECONDS))


class KernelForkServer:
    """A process that has imported what notebooks need, and forks a kernel per request.

    Start it early (its imports take a second or two, in parallel with whatever the renderer does
    meanwhile); :meth:`fork_kernel` waits until it is ready. :meth:`close` (or the renderer's end,
    however it ends) kills every kernel it forked.

    With ``keep_for`` seconds, the server is one that outlives the render
    (:mod:`bulletin.render.kernel_daemon`): the one already running for this code if there is one,
    else one started now, which waits ``keep_for`` seconds for the next render before it exits.
    Where no such server can be had, the render gets one of its own, as without ``keep_for``.
    """

    def __init__(self, env: dict[str, str] | None = None, keep_for: float = 0.0) -> None:
        """Start the server, or connect to a lasting one.

        Args:
            env: variables to add to its environment (the kernels get their own with each
                request, but what the server imports and warms up is read with these).
            keep_for: seconds a lasting server waits for the next render (0: the render's own).
        """
        self._env = {**os.environ, **(env or {})}
        self._env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        self._lock = threading.Lock()
        self._ready = False
        self._keep_for = keep_for
        self._socket: Any = None
        self._lines: Any = None
        self.process: subprocess.Popen | None = None
        self.pid = 0
        self._connecting: threading.Thread | None = None
        self._unreachable: Exception | None = None
        if keep_for <= 0:
            self._start_own()
        else:  # connect (or start the server) now, while the renderer goes on
            self._connecting = threading.Thread(target=self._connect, daemon=True)
            self._connecting.start()

    def _connect(self) -> None:
        from bulletin.render.kernel_daemon import connect_or_start

        try:
            self._socket, self.pid = connect_or_start(self._env, self._keep_for)
            self._lines = self._socket.makefile("rw", encoding="utf-8", newline="\n")
        except (OSError, RuntimeError) as error:
            self._unreachable = error

    def _start_own(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bulletin.render.kernelboot", "--fork-server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self._env,
            text=True,
            bufsize=1,
            start_new_session=True,  # a Ctrl-C at the terminal is the renderer's to handle
        )
        self.pid = self.process.pid

    def _read(self) -> dict[str, Any]:
        stream = self._lines if self._socket is not None else self.process and self.process.stdout
        assert stream is not None
        line = stream.readline()
        if not line:
            raise RuntimeError(f"the kernel fork server (process {self.pid}) ended before answering")
        answer = json.loads(line)
        if "error" in answer:  # a lasting server that could not serve this render's request
            raise RuntimeError(f"the kernel fork server (process {self.pid}) could not serve this "
                               f"render: {answer['error']}")
        return answer

    def _write(self, request: dict[str, Any]) -> None:
        stream = self._lines if self._socket is not None else self.process and self.process.stdin
        assert stream is not None
        stream.write(json.dumps(request) + "\n")
        stream.flush()

    def wait_ready(self) -> None:
        """Block until the server has done its imports."""
        with self._lock:
            if self._ready:
                return
            if self._connecting is not None:
                self._connecting.join()
                if self._socket is None:
                    log.warning("no lasting kernel server (%s): this render starts its own",
                                self._unreachable)
                    self._start_own()
            if self.process is not None:
                self._read()
            self._ready = True

    def fork_kernel(self, argv: list[str], cwd: str, env: dict[str, str], log: str = "") -> int:
        """Fork a kernel started with ``argv`` (``-f CONNECTION_FILE ...``) in ``cwd``; its pid."""
        return self._fork({"argv": argv, "cwd": cwd, "env": env, "log": log})

    def fork_data_check(self, data_dir: str, out: str, env: dict[str, str], log: str = ""
                        ) -> ForkedKernelProcess:
        """Fork the render's data check of ``data_dir`` (a process, not a kernel); its handle.

        The process writes its verdict to ``out`` (see
        :func:`bulletin.render.data_check.check_in_child`), its output to ``log``, and ends.
        """
        return ForkedKernelProcess(self._fork({"argv": [], "cwd": data_dir, "env": env, "log": log,
                                               "check_data": {"data_dir": data_dir, "out": out}}))

    def _fork(self, request: dict[str, Any]) -> int:
        self.wait_ready()
        with self._lock:
            try:
                self._write(request)
                return int(self._read()["pid"])
            except (OSError, ValueError) as error:  # its connection broke, or it answered nonsense
                raise RuntimeError(
                    f"the kernel fork server (process {self.pid}) ended during this render ({error})"
                ) from error

    def close(self) -> None:
        """End every kernel it forked; end the server too, unless it is a lasting one."""
        if self._connecting is not None:
            self._connecting.join()
        if self._socket is not None:
            with contextlib.suppress(OSError, RuntimeError, ValueError):
                self._write({"close": True})
                self._read()  # the server has ended this render's kernels
            with contextlib.suppress(OSError):
                self._lines.close()
                self._socket.close()
            self._socket = None
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                if self.process.stdin:
                    self.process.stdin.close()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


class ForkedKernelProcess:
    """The ``Popen``-like handle jupyter_client needs, for a kernel forked by the server.

    The kernel is the server's child, not ours, so its exit status is not ours to collect: it is
    alive while its process id is.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        """The handle of the forked kernel ``pid``."""
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """None while the kernel runs, else 0 (its real status is the server's)."""
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
                with open(f"/proc/{self.pid}/stat", encoding="ascii") as stat:
                    if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                        self.returncode = 0  # exited, not yet reaped by the server
            except (ProcessLookupError, FileNotFoundError):
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the kernel has ended, at most ``timeout`` seconds.

        Raises:
            subprocess.TimeoutExpired: it still runs after ``timeout`` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the kernel, if it still runs."""
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """End the kernel at once (SIGKILL)."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Ask the kernel to end (SIGTERM)."""
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Launches the kernel through the fork server instead of a new interpreter."""

    server: KernelForkServer | None = None
    log_file: str = ""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        """Have the server fork the kernel ``cmd`` would start; its connection information."""
        assert self.server is not None
        argv = cmd[cmd.index("-f"):]  # the connection file and any extra arguments
        env = {str(k): str(v) for k, v in kwargs.get("env", os.environ).items()}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        import asyncio

        pid = await asyncio.to_thread(
            self.server.fork_kernel, argv, cwd, env, self.log_file
        )
        self.process = ForkedKernelProcess(pid)
        self.pid = pid
        self.pgid = pid  # the kernel made itself a process group leader
        self.cwd = cwd
        return self.connection_info


class ForkedKernelManager(AsyncProjectKernelManager):
    """A project kernel forked from a :class:`KernelForkServer` (pass it as ``server``)."""

    def __init__(self, server: KernelForkServer, log_file: str = "", **kwargs):
        """A manager whose kernel ``server`` forks (its output to ``log_file``)."""
        super().__init__(**kwargs)
        self._server = server
        self._log_file = log_file

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or os.urandom(16).hex()
            provisioner = ForkProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
            provisioner.server = self._server
            provisioner.log_file = self._log_file
            self.provisioner = provisioner
        return await super()._async_pre_start_kernel(**kw)
