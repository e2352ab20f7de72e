"""``bulletin preview``: serve an issue on localhost and render it again when a file is saved.

``bulletin preview --quarter 2017Q2`` renders the edition into a preview folder, serves it on
``http://127.0.0.1:<port>/`` and, whenever a notebook, a file of the library or a table of the data
folder is saved, renders again and reloads the open pages (see :mod:`bulletin.render.preview`).

Each render is ``bulletin render --out <preview folder> --resume`` in a process of its own, so:

- only what depends on the saved file runs again (the renderer's reuse; ``--resume`` also reuses
  what the last failed render finished);
- a saved library module or template takes effect in the pages too, not only in the kernels (a
  long-lived process would keep assembling pages with the code it imported at start);
- the issue is published into the preview folder whole or not at all (the renderer's staging
  and swap), and the published issue in ``reports/`` is never touched: the preview folder is
  ``<temp>/bulletin-preview-<uid>/<key>/<edition>/``, one per notebooks and data folder, kept
  between previews so that the next one starts from it. The first preview of the project's own
  notebooks and data starts from a hard-linked copy of the published issue, when there is one.

Saves are debounced: a render starts once two scans half a second apart find the same files. A
save during a render is rendered next. Ctrl-C (SIGINT) or SIGTERM stops the render under way (its
kernels are ended by the renderer), then the server; exit status 130 or 143. Exit status 2 when
the options are refused (a missing folder, a country that is not one of the five, a port taken).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import bulletin
from bulletin.cli.arguments import add_data_dir_argument
from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR, REPORTS_DIR
from bulletin.core.periods import Quarter

INTERVAL = 0.5
"""Seconds between two scans of the watched files."""
SETTLE_LIMIT = 5.0
"""Render anyway after this many seconds of files that keep changing."""
STOP_SECONDS = 60.0
"""How long a render may take to stop its kernels after Ctrl-C before it is killed."""


def quarter_argument(text: str) -> Quarter:
    """``--quarter``: one issue, ``2017Q2`` or ``2017-Q2``."""
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_preview_parser(commands: Any) -> argparse.ArgumentParser:
    """Add ``preview`` to the ``bulletin`` command's subcommands."""
    preview = commands.add_parser(
        "preview",
        help="serve an issue on localhost and render it again when a file is saved",
        description="Render an issue into a preview folder (never reports/), serve it on "
        "127.0.0.1 and, when a notebook, a library module or template, or a table of the data "
        "folder is saved, render again (only what changed runs) and reload the open pages. A "
        "failed render keeps the last complete one on show, under a red banner. Ctrl-C stops.",
    )
    preview.add_argument("--quarter", type=quarter_argument, required=True, metavar="QUARTER",
                         help="the issue, as 2017Q2 or 2017-Q2")
    preview.add_argument("--country", default=None, metavar="ISO3",
                         help="preview the per-country edition of this country")
    add_data_dir_argument(preview)
    preview.add_argument("--notebooks-dir", type=Path, default=NOTEBOOKS_DIR,
                         help="folder of the analyses")
    preview.add_argument("--port", type=int, default=0,
                         help="port on 127.0.0.1 (default: a free one)")
    preview.set_defaults(handler=run_preview)
    return preview


def preview_folder(notebooks_dir: Path, data_dir: Path, name: str) -> Path:
    """Where the preview of edition ``name`` (``2017-Q2``, ``2017-Q2-KGZ``) is rendered."""
    key = hashlib.sha256(f"{notebooks_dir.resolve()}\n{data_dir.resolve()}".encode()).hexdigest()
    root = Path(tempfile.gettempdir()) / f"bulletin-preview-{os.getuid()}" / key[:12]
    return root / name


def seed_from_published(folder: Path, notebooks_dir: Path, data_dir: Path) -> bool:
    """Start a new preview of the project's notebooks and data from the published issue.

    A hard-linked copy (the renderer never writes into a published file: it replaces files
    whole), so that the first render reuses every notebook that has not changed since.
    """
    from bulletin.render.folders import read_marker

    published = REPORTS_DIR / folder.name
    if (folder.exists() or read_marker(published) is None
            or notebooks_dir.resolve() != NOTEBOOKS_DIR.resolve()
            or data_dir.resolve() != DATA_DIR.resolve()):
        return False
    staging = folder.with_name(f".{folder.name}.seed-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        shutil.copytree(published, staging, copy_function=_link_or_copy)
        staging.rename(folder)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return False
    return True


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _refused(args: argparse.Namespace) -> list[str]:
    """Why the options cannot be previewed (checked before anything starts)."""
    from bulletin.render.parameters import check_country

    problems = []
    for option, folder in (("--data-dir", args.data_dir), ("--notebooks-dir", args.notebooks_dir)):
        if not Path(folder).is_dir():
            problems.append(f"{option} {folder}: no such folder")
    if args.country:
        args.country = args.country.strip().upper()
        problems += check_country(args.country)
    return problems


class Renderer:
    """Runs ``bulletin render`` into the preview folder, one render at a time."""

    def __init__(self, args: argparse.Namespace, folder: Path):
        """Render the edition the options name into ``folder``."""
        self.command = [
            sys.executable, "-m", "bulletin.cli.main", "render", "--quarter", args.quarter.label,
            "--out", str(folder), "--resume", "--data-dir", str(Path(args.data_dir).resolve()),
            "--notebooks-dir", str(Path(args.notebooks_dir).resolve()),
        ] + (["--country", args.country] if args.country else [])
        self.child: subprocess.Popen | None = None

    def run(self) -> tuple[int, str, str]:
        """Render once: the exit status, what it printed, and what it said was wrong."""
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            # A session of its own: Ctrl-C on the terminal reaches the preview, which stops the
            # render with one SIGINT (a second one would interrupt the kernels' clean-up).
            self.child = subprocess.Popen(self.command, stdout=out, stderr=err,
                                          start_new_session=True)
            status = self.child.wait()
            self.child = None
            out.seek(0)
            err.seek(0)
            said = [line.rstrip() for line in err if line.startswith(("  - ", "bulletin render:", "issue "))]
            return status, out.read(), "\n".join(said)

    def stop(self) -> None:
        """Stop the render under way, if any: SIGINT, so that it ends its kernels."""
        child = self.child
        if child is None:
            return
        child.send_signal(signal.SIGINT)
        try:
            child.wait(STOP_SECONDS)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):  # too slow, or a second Ctrl-C
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def _settle(snapshot: dict, scan: Any) -> dict:
    """Scan until two scans agree (the saves are over), for at most :data:`SETTLE_LIMIT` seconds."""
    deadline = time.monotonic() + SETTLE_LIMIT
    while time.monotonic() < deadline:
        time.sleep(INTERVAL)
        again = scan()
        if again == snapshot:
            break
        snapshot = again
    return snapshot


def _describe(paths: list[str]) -> str:
    names = [Path(p).name for p in paths]
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def render_once(renderer: Renderer, state: Any) -> None:
    """Render, say on the terminal how it ended, then tell the server (the pages reload).

    In that order: whoever sees the page's version move on finds the terminal line written.
    """
    state.start()
    started = time.perf_counter()
    status, out, said = renderer.run()
    seconds = time.perf_counter() - started
    if status == 0:
        counts = re.search(r"\((\d+ run, [^)]*)\)", out)
        print(f"bulletin preview: rendered in {seconds:.1f} s"
              + (f" ({counts[1]})" if counts else "") + "; the page reloads", flush=True)
        state.finish(None)
    else:
        print(f"bulletin preview: the render failed in {seconds:.1f} s; still showing the last "
              f"complete render:\n{said}", file=sys.stderr, flush=True)
        state.finish(said or f"bulletin render ended with status {status}")


def watch(renderer: Renderer, state: Any, scan: Any) -> None:
    """Render now, then each time the watched files change; until interrupted."""
    snapshot = scan()
    render_once(renderer, state)
    from bulletin.render.preview import changed_files

    while True:
        time.sleep(INTERVAL)
        now = scan()
        if now == snapshot:
            continue
        now = _settle(now, scan)
        changed = changed_files(snapshot, now)
        snapshot = now  # taken before the render: a save during it is rendered next
        if changed:
            print(f"bulletin preview: {_describe(changed)} changed; rendering", flush=True)
            render_once(renderer, state)


def _terminated(signum: int, frame: object) -> None:
    """SIGINT or SIGTERM: stop, as Ctrl-C does (the exit status says which)."""
    raise KeyboardInterrupt(signum)


def run_preview(args: argparse.Namespace) -> int:
    """Serve the edition and render it on every save, until interrupted; the exit status."""
    from bulletin.render.preview import PreviewServer, PreviewState, scan

    problems = _refused(args)
    if problems:
        for problem in problems:
            print(f"bulletin preview: error: {problem}", file=sys.stderr)
        return 2
    name = args.quarter.label + (f"-{args.country}" if args.country else "")
    folder = preview_folder(Path(args.notebooks_dir), Path(args.data_dir), name)
    folder.parent.mkdir(parents=True, exist_ok=True)
    seed_from_published(folder, Path(args.notebooks_dir), Path(args.data_dir))
    state = PreviewState(folder)
    try:
        server = PreviewServer(state, args.port)
    except OSError as error:
        print(f"bulletin preview: error: cannot serve on 127.0.0.1:{args.port}: {error.strerror}",
              file=sys.stderr)
        return 2
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    print(f"bulletin preview: {name} at {server.url} (rendered into {folder}; Ctrl-C to stop)",
          flush=True)
    renderer = Renderer(args, folder)
    library = Path(bulletin.__file__).parent
    # SIGINT too, not left to Python: a process started with it ignored (a shell's "&") keeps it
    # ignored, and would never stop on Ctrl-C or `kill -INT` (bulletin render takes it the same way).
    previous = {signum: signal.signal(signum, _terminated)
                for signum in (signal.SIGINT, signal.SIGTERM)}
    status = 130
    try:
        watch(renderer, state, lambda: scan(Path(args.notebooks_dir), library, Path(args.data_dir)))
    except KeyboardInterrupt as interrupt:
        status = 143 if interrupt.args == (signal.SIGTERM,) else 130
        renderer.stop()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        state.close()
        server.shutdown()
        server.server_close()
    print("bulletin preview: stopped", file=sys.stderr, flush=True)
    return status
