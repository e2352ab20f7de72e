"""What runs first in a render's kernel: the record of the data files it reads, then ipykernel.

A render needs to know which files each notebook read, so that it can run a notebook again when
one of them changes and reuse its last output otherwise. Searching the notebook's code for table
names would miss a table read inside the library, so the kernel itself records every file it opens
for reading, through a Python audit hook (``sys.addaudithook``: every ``open()`` raises an ``open``
event, whether the notebook or ``bulletin.data.tables.load_table`` calls it), into a trace file the
renderer reads afterwards: files of the data folder relative to it, any other file by its absolute
path, except the files of Python, of the installed packages, of the library and of the reference
vocabularies (which the renderer fingerprints separately), the system's (``/usr``, ``/etc``,
``/proc``, ...), the configuration and caches of matplotlib, IPython and Jupyter, and the render's
own temporary folder.

The kernel is also made to leave nothing behind: it is a *child subreaper* (on Linux), so that a
process it starts stays its descendant even when it leaves the kernel's process group, and every
process it starts inherits a token in its environment (``BULLETIN_KERNEL_TOKEN``), by which
:func:`end_processes` finds and ends them when the notebook ends. IPython's output pipe for forked
subprocesses, which ipykernel opens on a TCP port of 127.0.0.1, is an IPC socket in the kernel's
private folder instead, so that a render's kernels listen on no TCP port at all.

Two ways in, both started by :mod:`bulletin.render.kernel`:

- ``python -m bulletin.render.kernelboot -f CONNECTION_FILE``: one kernel, as ``ipykernel_launcher``
  would start it, with the trace installed;
- ``python -m bulletin.render.kernelboot --fork-server``: imports the heavy modules once (numpy,
  pandas, matplotlib, seaborn, IPython, ipykernel, the library), then forks a kernel for each JSON
  request on its standard input: each notebook still gets a kernel of its own (process, folder,
  sockets, state), without paying for the imports. It answers with the kernel's process id on
  its standard output; when its standard input closes (the renderer ended, however it ended), it
  kills every kernel it forked and exits.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import pkgutil
import signal
import sys
from collections.abc import Iterable
from typing import Any

# The reference vocabularies a kernel reads: the data folder's own reference/ when it has one.
from bulletin.core.paths import REFERENCE_DIR_ENV
from bulletin.render.processes import TOKEN_ENV, descendants, end_processes

TRACE_FILE_ENV = "BULLETIN_TRACE_FILE"
"""File to which the kernel appends the path of each file it opens for reading."""
TRACE_ROOT_ENV = "BULLETIN_TRACE_ROOT"
"""The data folder: files under it are recorded relative to it, others by absolute path."""
TRACE_SKIP_ENV = "BULLETIN_TRACE_SKIP"
"""Folders (``os.pathsep``-separated) whose files are not recorded: the render's own."""

# Imported once by the fork server, so that no kernel pays for them. Matplotlib's backend is set
# through the environment before it is imported; the inline backend module itself is loaded by
# the kernel on its first figure, once IPython is running, as in any kernel.
PRELOAD = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "pandera.pandas",
    "mistune",
    "IPython",
    "IPython.display",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    # What a kernel's start-up imports (ipykernel's debugger, IPython's history and magics).
    "ipykernel.debugger",
    "debugpy",
    "sqlite3",
    "pdb",
    "http.server",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.logger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "tornado.platform.asyncio",
    "tornado.queues",
    "encodings.latin_1",
)
# The packages whose modules notebooks import: preloaded, each module but those named below. The
# renderer's own packages (bulletin.render, bulletin.cli) and the reconstructions are not.
PRELOADED_PACKAGES = ("bulletin.core", "bulletin.data", "bulletin.analyses", "bulletin.publish")
NOT_PRELOADED = {
    # What makes the pages, in the renderer's process: never needed in a kernel, and with
    # nbformat, jsonschema and jinja2 behind them a tenth of a second of every server's start.
    f"bulletin.publish.{name}" for name in (
        "pages", "front_page", "page_facts", "masthead", "claim_boxes", "print_issue",
        "reports_index", "issue_links", "issue_diff",
    )
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _folder_prefixes(folders) -> tuple[str, ...]:
    """Each folder as a prefix to compare paths with (absolute and resolved forms)."""
    prefixes = set()
    for folder in folders:
        if folder:
            folder = os.path.expanduser(str(folder))
            for form in (os.path.abspath(folder), os.path.realpath(folder)):
                prefixes.add(os.path.join(form, ""))
    return tuple(sorted(prefixes))


def untracked_folders() -> list[str]:
    """Folders whose files a notebook's record leaves out.

    Python's and the packages' own files, the library and the reference vocabularies (both
    fingerprinted separately), the system's, tool configuration and caches, and the render's own
    temporary folder (``$BULLETIN_TRACE_SKIP``).
    """
    import site

    from bulletin.core.paths import REFERENCE_DIR

    home = os.path.expanduser("~")
    folders = [
        sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
        *site.getsitepackages(), site.getusersitepackages(),
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),  # the library (lib/bulletin)
        str(REFERENCE_DIR), os.environ.get(REFERENCE_DIR_ENV, ""),
        "/proc", "/sys", "/dev", "/etc", "/usr", "/run",
        os.environ.get("MPLCONFIGDIR") or os.path.join(home, ".config", "matplotlib"),
        os.path.join(home, ".cache", "matplotlib"),
        os.environ.get("IPYTHONDIR") or os.path.join(home, ".ipython"),
        os.path.join(home, ".jupyter"),
        os.path.join(home, ".local", "share", "jupyter"),
        os.path.join(home, ".cache", "fontconfig"),
        # The library's own cache (checked tables, bulletin.data.table_cache): their CSVs count.
        os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "bulletin"),
        *os.environ.get(TRACE_SKIP_ENV, "").split(os.pathsep),
    ]
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is not None:  # its own answer, where it differs from the defaults above
        folders += [matplotlib.get_configdir(), matplotlib.get_cachedir()]
    try:
        from jupyter_core import paths

        folders += [paths.jupyter_config_dir(), paths.jupyter_data_dir(), paths.jupyter_runtime_dir(),
                    *paths.jupyter_path(), *paths.jupyter_config_path()]
    except ImportError:
        pass
    return [f for f in folders if f]


def install_trace() -> None:
    """Record every file the kernel opens for reading into ``$BULLETIN_TRACE_FILE``.

    Files under ``$BULLETIN_TRACE_ROOT`` (the data folder) are recorded relative to it, other
    files by absolute path, except those under :func:`untracked_folders`. Files opened for
    writing are not inputs and are not recorded. Nothing happens when the two variables are not
    set.
    """
    trace_file = os.environ.get(TRACE_FILE_ENV)
    root = os.environ.get(TRACE_ROOT_ENV)
    if not trace_file or not root:
        return
    roots = _folder_prefixes([root])
    skipped = _folder_prefixes(untracked_folders())
    log = open(trace_file, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (open for the kernel's life)
    seen: set[str] = set()

    def record(event: str, args: tuple) -> None:
        if event != "open":
            return
        target, mode, flags = args
        if isinstance(target, int) or target is None:
            return
        if mode is not None and any(c in mode for c in "wax+"):
            return
        if mode is None and flags and flags & (_WRITE_FLAGS | getattr(os, "O_DIRECTORY", 0)):
            return
        path = os.path.abspath(os.fsdecode(target))
        if "\n" in path:
            return
        name = next((path[len(p):] for p in roots if path.startswith(p)), None)
        if name is None:
            if path.startswith(skipped):
                return
            name = path
        if name not in seen:
            seen.add(name)
            log.write(name + "\n")

    sys.addaudithook(record)


def become_subreaper() -> None:
    """Adopt this process's orphaned descendants (Linux).

    A process the notebook starts and that leaves the kernel's process group (``setsid``, a
    double fork) stays the kernel's descendant, so that the renderer can end it with the kernel.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def private_output_pipe(kernelapp) -> None:
    """Make ipykernel's pipe for output of forked subprocesses an IPC socket beside the kernel's.

    ipykernel binds that pipe to a random TCP port of 127.0.0.1 whatever the kernel's transport,
    and has no option for it. With the kernel on IPC, the pipe goes into the kernel's private
    folder (``<ip>-iopub-pipe``), where only the user can reach it, and no TCP port is opened.
    Left as ipykernel makes it when the kernel uses TCP or ipykernel's internals differ.
    """
    from ipykernel import iostream

    base = kernelapp.IOPubThread
    if not all(hasattr(base, name) for name in ("_setup_pipe_in", "_setup_pipe_out", "_handle_pipe_msg")):
        return

    class IPCPipeIOPubThread(base):
        def _setup_pipe_in(self) -> None:
            app = kernelapp.IPKernelApp.instance()
            if app.transport != "ipc":
                return super()._setup_pipe_in()
            import zmq

            self._pipe_uuid = os.urandom(16)
            self._pipe_address = f"ipc://{app.ip}-iopub-pipe"
            pipe_in = self.socket.context.socket(zmq.PULL)
            pipe_in.linger = 0
            pipe_in.bind(self._pipe_address)
            self._pipe_in = iostream.ZMQStream(pipe_in, self.io_loop)
            self._pipe_in.on_recv(self._handle_pipe_msg)

        def _setup_pipe_out(self):
            if not hasattr(self, "_pipe_address"):
                return super()._setup_pipe_out()
            import zmq

            ctx = zmq.Context()  # a forked child needs a context of its own
            pipe_out = ctx.socket(zmq.PUSH)
            pipe_out.linger = 3000
            pipe_out.connect(self._pipe_address)
            return ctx, pipe_out

    kernelapp.IOPubThread = IPCPipeIOPubThread


def launch_kernel(argv: list[str]) -> None:
    """Start ipykernel with ``argv`` (``-f CONNECTION_FILE`` ...), the trace installed first."""
    install_trace()
    become_subreaper()
    from ipykernel import kernelapp

    private_output_pipe(kernelapp)
    app = kernelapp.IPKernelApp.instance()
    app.initialize(argv)
    app.start()


def preload() -> None:
    """Import the heavy modules a notebook needs, and every module of the library."""
    # jsonschema builds an RFC 3987 (IRI) grammar when imported (nbformat imports it), which takes
    # most of a second; nothing a notebook does checks IRIs, so render kernels go without it.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (a module that fails here fails again in the notebook, visibly)
            pass
    for package_name in PRELOADED_PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.iter_modules(package.__path__, package_name + "."):
            if module.name in NOT_PRELOADED or module.ispkg:
                continue
            try:
                importlib.import_module(module.name)
            except Exception:  # noqa: BLE001 (a module being written: the notebook will say)
                pass


def warm_up() -> None:
    """Pay, once, the first-use costs every kernel would pay again.

    The tables' schemas (built on first use since issue 18: built here, before any notebook), the
    digest that keys checked tables (:mod:`bulletin.data.table_cache`), a schema check, a chart
    drawn to SVG and to PNG with its text (fonts, glyph caches) by
    ``bulletin.publish.charts.chart_images``, which draws every finished chart, and the route map's
    country outlines (read from an installed package and projected, 0.3 s).

    Nothing of it is left behind for the notebooks: no open figure, no data read from the data
    folder (the reference vocabularies it reads are part of the library's fingerprint).
    """
    try:
        import pandas as pd
        import seaborn as sns
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from bulletin.analyses.route_map_ground import country_boxes
        from bulletin.core.paths import reference_dir
        from bulletin.data import table_cache, tables
        from bulletin.publish.charts import chart_images

        for spec in tables.table_specs().values():
            _ = spec.schema  # built once, in the warm kernel, not in the notebook that asks first
        # The digest of the checking code and vocabularies that keys the checked tables: read
        # here, so that a notebook's record of the files it read lists the tables it read only.
        table_cache.checking_code(reference_dir())
        raw = pd.DataFrame({"country": ["KGZ"], "year": ["2017"], "quarter": ["1"],
                            "drug": ["heroin"], "kg": ["1.5"], "source": ["s"], "status": ["official"]})
        tables.check_table("seizures_quarterly", raw)
        # A Figure of its own, not pyplot's: pyplot must pick its backend in the kernel, once
        # IPython runs, or the inline backend would not show the notebooks' charts.
        figure = Figure(figsize=(6, 4))
        FigureCanvasAgg(figure)  # the canvas the inline backend gives the notebooks' figures
        axes = figure.subplots()
        sns.barplot(x=["KAZ", "KGZ"], y=[1.0, 2.0], hue=["a", "b"], ax=axes)
        axes.set_title("Seizures (tons)")
        figure.text(0.01, 0.01, "Source: warm-up")
        chart_images(figure)
        country_boxes()  # the route map's ground, from an installed package: read once, here
    except Exception:  # noqa: BLE001 (an optimisation only: the notebooks will do it themselves)
        pass


ENDED: set[int] = set()
"""Kernels a server forked that have ended and been collected: their ids may be another's now."""


def collect_ended(signum: int, frame: object) -> None:
    """SIGCHLD in a fork server: collect every kernel that has ended, and remember that it has."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        ENDED.add(pid)


def fork_kernel(request: dict, server_pid: int, close: Iterable[Any] = ()) -> int:
    """Fork a kernel for ``request``; its process id. The child first closes ``close``.

    The child never returns: it runs the kernel, then ends (status 1, the traceback in the
    kernel's log, if it could not become one). It returns once the child has its own process
    group (or has ended): a render closed at once then kills that group, not one not made yet.
    """
    detach_read, detach_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.close(detach_read)
            for handle in close:  # the server's sockets are not the kernel's
                handle.close()
            become_kernel(request, server_pid, detach_write)
        except BaseException:  # noqa: BLE001 (the kernel's log says why; the child must end here)
            import traceback

            traceback.print_exc()
            status = 1
        finally:
            os._exit(status)
    os.close(detach_write)
    os.read(detach_read, 1)  # a byte once the child is detached; nothing if it ended before
    os.close(detach_read)
    return pid


def end_kernels(kernels: dict[int, str | None]) -> None:
    """End the kernels a server forked (pid: token), and every process they started.

    Each kernel's process group is killed, then every process carrying its token. A kernel that
    has ended already (:data:`ENDED`) is not signalled: its process id may now be another
    process's; the processes it started are still found by token.
    """
    left = {pid: descendants(pid) for pid in kernels if pid not in ENDED}
    for pid in left:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
    for pid, token in kernels.items():
        with contextlib.suppress(Exception):  # psutil missing or failing: the groups are ended
            end_processes(token, left.get(pid, []))
        ENDED.discard(pid)
    kernels.clear()


def leave_working_folder_off_path() -> None:
    """Drop the working folder from ``sys.path``, as ipykernel_launcher does.

    A server runs ``python -m``, which puts its working folder first; a kernel adds its own.
    """
    if sys.path and os.path.abspath(sys.path[0] or ".") == os.getcwd():
        del sys.path[0]


def become_kernel(request: dict, server_pid: int, tell_detached: int | None = None) -> None:
    """Forked child: detach (tell ``tell_detached``), take the request's cwd and env, run ipykernel."""
    os.setsid()  # its own process group: the renderer can signal the kernel and its children
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if tell_detached is not None:  # a pipe's end: fork_kernel waits for this byte
        os.write(tell_detached, b"1")
        os.close(tell_detached)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    output = os.open(request.get("log") or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    import tempfile

    tempfile.tempdir = None  # the kernel's own $TMPDIR (in the render's folder), not the server's
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()  # a forked child would otherwise share its parent's random state
    if "check_data" in request:  # not a kernel: the render's data check (bulletin.render.data_check)
        from bulletin.render.data_check import check_in_child

        return check_in_child(**request["check_data"])
    launch_kernel([*request["argv"], f"--IPKernelApp.parent_handle={server_pid}"])


def serve_forks() -> None:
    """The fork server's loop: preload, say ready, then one kernel per request line."""
    leave_working_folder_off_path()
    preload()
    warm_up()
    server_pid = os.getpid()
    children: dict[int, str | None] = {}
    signal.signal(signal.SIGCHLD, collect_ended)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the renderer decides; it closes our stdin
    answer = sys.stdout
    answer.write(json.dumps({"ready": True, "pid": server_pid}) + "\n")
    answer.flush()
    for line in sys.stdin:
        request = json.loads(line)
        pid = fork_kernel(request, server_pid)
        children[pid] = request["env"].get(TOKEN_ENV)
        answer.write(json.dumps({"pid": pid}) + "\n")
        answer.flush()
    # The renderer ended (however it ended): end every kernel and every process a kernel started.
    end_kernels(children)


def main(argv: list[str] | None = None) -> None:
    """Start one kernel (``-f CONNECTION_FILE``) or the fork server (``--fork-server``)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--fork-server"]:
        serve_forks()
    else:
        launch_kernel(argv)


if __name__ == "__main__":
    main()
