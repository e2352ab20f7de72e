"""What runs first in a render's kernel: the record of the data files it reads, then ipykernel.

A render needs to know which data tables each notebook read, so that it can run a notebook again
when one of them changes and reuse its last output otherwise. Searching the notebook's code for
table names would miss a table read inside the library, so the kernel itself records every file it
opens under the data folder, through a Python audit hook (``sys.addaudithook``: every ``open()``
raises an ``open`` event, whether the notebook or ``bulletin.tables.load_table`` calls it), into a
trace file the renderer reads afterwards.

Two ways in, both started by :mod:`bulletin.kernel`:

- ``python -m bulletin.kernelboot -f CONNECTION_FILE``: one kernel, as ``ipykernel_launcher``
  would start it, with the trace installed;
- ``python -m bulletin.kernelboot --fork-server``: a process that imports the heavy modules once
  (numpy, pandas, matplotlib, seaborn, IPython, ipykernel and the ``bulletin`` library) and then,
  for each JSON request on its standard input, forks a fresh kernel process that starts with all
  of them already imported. Each notebook still gets a kernel of its own (its own process, working
  folder, sockets and state); it just does not pay for the imports again. The server answers with
  the kernel's process id on its standard output, and when its standard input closes (the
  renderer ended, however it ended) it kills every kernel it forked and exits.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import signal
import sys

TRACE_FILE_ENV = "BULLETIN_TRACE_FILE"
"""File to which the kernel appends the path of each data file it opens for reading."""
TRACE_ROOT_ENV = "BULLETIN_TRACE_ROOT"
"""The data folder: only files under it are recorded, relative to it."""

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
# Library modules that are the renderer's, not the notebooks': never needed in a kernel.
NOT_PRELOADED = {"bulletin.render", "bulletin.engine", "bulletin.cli", "bulletin.kernel",
                 "bulletin.kernelboot", "bulletin.pages", "bulletin.cache", "bulletin.progress"}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def install_trace() -> None:
    """Record every file opened under ``$BULLETIN_TRACE_ROOT`` into ``$BULLETIN_TRACE_FILE``.

    Files opened for writing are not inputs and are not recorded. Nothing happens when the two
    variables are not set.
    """
    trace_file = os.environ.get(TRACE_FILE_ENV)
    root = os.environ.get(TRACE_ROOT_ENV)
    if not trace_file or not root:
        return
    roots = tuple({os.path.join(os.path.abspath(root), ""), os.path.join(os.path.realpath(root), "")})
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
        if mode is None and flags and flags & _WRITE_FLAGS:
            return
        path = os.path.abspath(os.fsdecode(target))
        for prefix in roots:
            if path.startswith(prefix):
                relative = path[len(prefix):]
                if relative not in seen:
                    seen.add(relative)
                    log.write(relative + "\n")
                return

    sys.addaudithook(record)


def launch_kernel(argv: list[str]) -> None:
    """Start ipykernel with ``argv`` (``-f CONNECTION_FILE`` ...), the trace installed first."""
    install_trace()
    from ipykernel import kernelapp

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
    import bulletin

    for module in pkgutil.iter_modules(bulletin.__path__, "bulletin."):
        if module.name in NOT_PRELOADED or module.ispkg:
            continue
        try:
            importlib.import_module(module.name)
        except Exception:  # noqa: BLE001 (another author's module being written: the notebook will say)
            pass


def warm_up() -> None:
    """Pay, once, the first-use costs every kernel would pay again: the tables' schemas, a
    schema check, a chart drawn to PNG with its text (fonts, glyph caches).

    Nothing of it is left behind for the notebooks: no open figure, no data read from the data
    folder (the reference vocabularies it reads are part of the library's fingerprint).
    """
    try:
        import io

        import pandas as pd
        import seaborn as sns
        from matplotlib.figure import Figure

        from bulletin import tables

        tables.table_specs()
        raw = pd.DataFrame({"country": ["KGZ"], "year": ["2017"], "quarter": ["1"],
                            "drug": ["heroin"], "kg": ["1.5"], "source": ["s"], "status": ["official"]})
        tables.check_table("seizures_quarterly", raw)
        # A Figure of its own, not pyplot's: pyplot must pick its backend in the kernel, once
        # IPython runs, or the inline backend would not show the notebooks' charts.
        figure = Figure(figsize=(6, 4))
        axes = figure.subplots()
        sns.barplot(x=["KAZ", "KGZ"], y=[1.0, 2.0], hue=["a", "b"], ax=axes)
        axes.set_title("Seizures (tons)")
        figure.text(0.01, 0.01, "Source: warm-up")
        figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    except Exception:  # noqa: BLE001 (an optimisation only: the notebooks will do it themselves)
        pass


def _reap(signum: int, frame: object) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _become_kernel(request: dict, server_pid: int) -> None:
    """In the forked child: detach, take the request's folder and environment, run ipykernel."""
    os.setsid()  # its own process group: the renderer can signal the kernel and its children
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    output = os.open(request.get("log") or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()  # a forked child would otherwise share its parent's random state
    launch_kernel([*request["argv"], f"--IPKernelApp.parent_handle={server_pid}"])


def serve_forks() -> None:
    """The fork server's loop: preload, say ready, then one kernel per request line."""
    if sys.path and os.path.abspath(sys.path[0] or ".") == os.getcwd():
        del sys.path[0]  # as ipykernel_launcher does: the kernel adds its own working folder
    preload()
    warm_up()
    server_pid = os.getpid()
    children: set[int] = set()
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the renderer decides; it closes our stdin
    answer = sys.stdout
    answer.write(json.dumps({"ready": True, "pid": server_pid}) + "\n")
    answer.flush()
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                _become_kernel(request, server_pid)
            except BaseException:  # noqa: BLE001 (the kernel's log says why; the child must end here)
                import traceback

                traceback.print_exc()
                status = 1
            finally:
                os._exit(status)
        children.add(pid)
        answer.write(json.dumps({"pid": pid}) + "\n")
        answer.flush()
    for pid in children:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--fork-server"]:
        serve_forks()
    else:
        launch_kernel(argv)


if __name__ == "__main__":
    main()
