"""A kernel fork server that outlives its render, so that the next render's kernels start at once.

A render's notebooks run in kernels forked from a server that has imported pandas, matplotlib,
seaborn and the library, and warmed them up (:mod:`bulletin.render.kernelboot`): two to three
seconds before the first kernel can start. Rendering again after changing one table used to pay
them every time. Like Quarto's Jupyter daemon (``execute: daemon``), the server now stays for a
while after the render that started it, and the next render asks it for kernels:

- **Which server.** A server serves one set of code: this Python, the library's files, the
  reference vocabularies, the installed packages and the environment it imports with (see
  :func:`server_key`). A render whose code differs in any of these starts a server of its own; one
  it no longer matches ends by itself when idle.
- **Where.** A Unix socket in a folder only the user can enter (``0700``):
  ``$XDG_RUNTIME_DIR/bulletin`` or the user's cache (``~/.cache/bulletin/run``), named after the
  key. Nothing listens on TCP; nothing goes into the render's temporary folder.
- **Kernels end with their render.** Each render is one connection; when it says it is done, or
  its connection drops (the render was killed), the server kills every kernel it forked for it,
  and every process those started, as the render's own server did.
- **One render's trouble is its own.** A request the server cannot serve ends that render's
  connection and kernels, after an ``{"error": ...}`` line saying why; a client that hangs up
  before its greeting (another server checking that this one listens) ends nothing else. The
  server and the kernels of the other renders go on.
- **How long.** :data:`IDLE_ENV` (``BULLETIN_KERNEL_SERVER_IDLE``): seconds the server waits, with
  no render connected, before it exits; default :data:`DEFAULT_IDLE`. ``0`` keeps no server: each
  render starts its own and ends it, as before issue 18.

Run as ``python -m bulletin.render.kernel_daemon SOCKET IDLE_SECONDS`` (the renderer starts it,
detached, in a session of its own, its output to nowhere).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.core.paths import REFERENCE_DIR, REFERENCE_DIR_ENV
from bulletin.render.kernelboot import (
    collect_ended,
    end_kernels,
    fork_kernel,
    leave_working_folder_off_path,
    preload,
    warm_up,
)
from bulletin.render.processes import TOKEN_ENV

IDLE_ENV = "BULLETIN_KERNEL_SERVER_IDLE"
"""Seconds a kernel server waits with no render connected before it exits (0: no lasting server)."""
DEFAULT_IDLE = 300.0
"""Five minutes, as Quarto's daemon: long enough for an edit and a render again."""
START_SECONDS = 120.0
"""How long a render waits for a server it started to be ready."""
_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes on Linux, 104 on macOS


def idle_seconds(env: dict[str, str] | os._Environ | None = None) -> float:
    """The idle time :data:`IDLE_ENV` asks for (default :data:`DEFAULT_IDLE`; 0 when negative).

    >>> idle_seconds({IDLE_ENV: "0"}), idle_seconds({IDLE_ENV: "45"}), idle_seconds({})
    (0.0, 45.0, 300.0)
    """
    value = (os.environ if env is None else env).get(IDLE_ENV, "").strip()
    try:
        return max(0.0, float(value)) if value else DEFAULT_IDLE
    except ValueError:
        return DEFAULT_IDLE


def _files_state(root: Path, digest: hashlib._Hash) -> None:
    """Add each file under ``root`` (name, size, modification time) to ``digest``."""
    if not root.is_dir():
        digest.update(f"{root}: none\0".encode())
        return
    for folder, dirs, files in sorted(os.walk(root)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\0".encode())


def _files_content(root: Path, digest: hashlib._Hash) -> None:
    """Add the name and content of each file directly in ``root`` to ``digest``."""
    if not root.is_dir():
        digest.update(b"none\0")
        return
    for path in sorted(p for p in root.iterdir() if p.is_file()):
        with contextlib.suppress(OSError):
            content = path.read_bytes()
            digest.update(f"{path.name}:{len(content)}\0".encode() + content)


def server_key(env: dict[str, str]) -> str:
    """What a server's kernels are made of, as a short digest: two renders share a server if equal.

    The interpreter and its version, the environment variables the server imports with
    (``MPLBACKEND``, ``PYTHONPATH``), every file of the library (by size and modification time),
    the reference vocabularies in use (by content: data folders holding the same vocabularies
    share a server), and the installed packages (by the modification time of the folders they are
    installed in).
    """
    import bulletin

    digest = hashlib.sha256()
    for part in (sys.executable, sys.version, env.get("MPLBACKEND", ""), env.get("PYTHONPATH", "")):
        digest.update(part.encode() + b"\0")
    _files_state(Path(bulletin.__file__).parent, digest)
    _files_content(Path(env.get(REFERENCE_DIR_ENV) or REFERENCE_DIR), digest)
    for name in ("purelib", "platlib"):
        folder = sysconfig.get_paths().get(name, "")
        with contextlib.suppress(OSError):
            digest.update(f"{folder}:{os.stat(folder).st_mtime_ns}\0".encode())
    return digest.hexdigest()[:20]


def _private_folder(folder: Path) -> Path | None:
    """``folder``, made if missing, if it is this user's alone (0700); else ``None``."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stat = folder.stat()
    except OSError:
        return None
    if stat.st_uid != os.getuid() or stat.st_mode & 0o077:
        return None
    return folder


def socket_path(key: str) -> Path:
    """The socket of the server for ``key``, in a folder only this user can enter."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    xdg_cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    candidates = [Path(runtime) / "bulletin"] if runtime else []
    candidates += [Path(xdg_cache) / "bulletin" / "run", Path("/tmp") / f"bulletin-{os.getuid()}"]
    name = f"kernels-{key}.sock"
    for folder in candidates:
        if len(str(folder / name)) <= _MAX_SOCKET_PATH and _private_folder(folder) is not None:
            return folder / name
    raise OSError(f"no private folder for the kernel server's socket among {candidates}")


def connect(path: Path) -> socket.socket | None:
    """A connection to the server listening at ``path``; ``None`` if none listens there."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        return None
    return sock


def start_server(path: Path, idle: float, env: dict[str, str]) -> subprocess.Popen:
    """Start a server for ``path``, detached: a session of its own, its output to nowhere."""
    env = {k: v for k, v in env.items() if k != "TMPDIR"}  # a render's TMPDIR goes with it
    return subprocess.Popen(
        [sys.executable, "-m", "bulletin.render.kernel_daemon", str(path), str(idle)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=env, cwd="/", start_new_session=True,
    )


def _ready_line(sock: socket.socket) -> str:
    """The line a server sends first on a connection ("" if it closed it instead)."""
    sock.settimeout(30)
    line = b""
    try:
        while not line.endswith(b"\n"):
            data = sock.recv(4096)
            if not data:
                return ""
            line += data
    except OSError:
        return ""
    finally:
        sock.settimeout(None)
    return line.decode("utf-8")


def connect_or_start(env: dict[str, str], idle: float) -> tuple[socket.socket, int]:
    """A connection to the server for this code, started if none runs; and the server's pid.

    Raises:
        RuntimeError: the server it started failed, or was not ready in :data:`START_SECONDS`.
    """
    path = socket_path(server_key(env))
    deadline = time.monotonic() + START_SECONDS
    started: subprocess.Popen | None = None
    while True:
        sock = connect(path)
        if sock is not None:
            line = _ready_line(sock)
            if line:
                return sock, int(json.loads(line)["pid"])
            sock.close()  # a server that was ending as we came: start another
        if started is not None and started.poll() not in (None, 0):
            raise RuntimeError(f"the kernel server for {path} failed (status {started.returncode})")
        if time.monotonic() > deadline:
            if started is not None:
                started.kill()
            raise RuntimeError(f"the kernel server at {path} was not ready in {START_SECONDS:.0f} s")
        if started is None or started.poll() == 0:  # none yet, or it left the place to another
            started = start_server(path, idle, env)
        time.sleep(0.05)


@dataclass
class _Render:
    """One connected render: what it has sent so far, and the kernels forked for it."""

    buffer: bytes = b""
    kernels: dict[int, str | None] = field(default_factory=dict)


def _listen(path: Path) -> socket.socket | None:
    """Listen at ``path``; ``None`` when another server already does."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(path))
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        other = connect(path)
        if other is not None:  # a live server: this one is not needed
            other.close()
            listener.close()
            return None
        path.unlink(missing_ok=True)  # left by a server that was killed
        listener.bind(str(path))
    os.chmod(path, 0o600)
    listener.listen(64)
    return listener


class _Server:
    """The server's loop: accept renders, fork kernels for them, end them with their render."""

    def __init__(self, listener: socket.socket, idle: float) -> None:
        self.listener = listener
        self.idle = idle
        self.renders: dict[socket.socket, _Render] = {}
        self.pid = os.getpid()

    def _fork(self, request: dict, render: _Render) -> int:
        pid = fork_kernel(request, self.pid, close=[self.listener, *self.renders])
        render.kernels[pid] = request["env"].get(TOKEN_ENV)
        return pid

    def _answer(self, sock: socket.socket, render: _Render) -> bool:
        """Answer the requests the render has sent in full; ``False`` once it is done."""
        data = sock.recv(65536)
        if not data:
            return False
        render.buffer += data
        while b"\n" in render.buffer:
            line, render.buffer = render.buffer.split(b"\n", 1)
            request = json.loads(line)
            if request.get("close"):
                end_kernels(render.kernels)
                sock.sendall(b'{"closed": true}\n')
                return False
            pid = self._fork(request, render)
            sock.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        return True

    def _accept(self) -> None:
        """Greet a new connection and take it as a render's.

        A client may hang up before it is greeted: a second server checking whether this one
        listens does so at once (:func:`_listen`), as does a render that gave up waiting. Its
        greeting then fails; that ends this connection, never the server and the kernels it runs
        for the renders connected to it.
        """
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        try:
            client.sendall(json.dumps({"ready": True, "pid": self.pid}).encode() + b"\n")
        except OSError:
            client.close()
            return
        self.renders[client] = _Render()

    def serve(self) -> None:
        """Serve until no render has been connected for ``idle`` seconds."""
        quiet_since = time.monotonic()
        while True:
            wait = None if self.renders else self.idle - (time.monotonic() - quiet_since)
            if wait is not None and wait <= 0:
                return
            ready, _, _ = select.select([self.listener, *self.renders], [], [], wait)
            for sock in ready:
                if sock is self.listener:
                    self._accept()
                    continue
                render = self.renders[sock]
                try:
                    going_on = self._answer(sock, render)
                except Exception as error:  # noqa: BLE001 (it ends that render only, saying why)
                    with contextlib.suppress(OSError):
                        reply = {"error": f"{type(error).__name__}: {error}"}
                        sock.sendall(json.dumps(reply).encode() + b"\n")
                    going_on = False
                if not going_on:
                    end_kernels(render.kernels)
                    del self.renders[sock]
                    sock.close()
                    quiet_since = time.monotonic()

    def end(self) -> None:
        """End every render's kernels."""
        for render in self.renders.values():
            end_kernels(render.kernels)


def serve(path: Path, idle: float) -> None:
    """Import and warm up, listen at ``path``, and serve until idle for ``idle`` seconds."""
    preload()
    warm_up()
    listener = _listen(path)
    if listener is None:
        return
    identity = os.stat(path).st_ino
    server = _Server(listener, idle)
    signal.signal(signal.SIGCHLD, collect_ended)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve()
    finally:
        server.end()
        with contextlib.suppress(OSError):
            if os.stat(path).st_ino == identity:  # ours, not a newer server's
                path.unlink()
        listener.close()


def main(argv: list[str] | None = None) -> None:
    """``python -m bulletin.render.kernel_daemon SOCKET IDLE_SECONDS``."""
    path, idle = (sys.argv[1:] if argv is None else argv)[:2]
    leave_working_folder_off_path()
    serve(Path(path), float(idle))


if __name__ == "__main__":
    main()
