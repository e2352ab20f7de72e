"""``bulletin preview``'s machinery: what it watches, and the server that shows the last render.

The preview renders an edition into a folder of its own (never ``reports/``) with the renderer
(:mod:`bulletin.render.engine`, run by ``bulletin render`` in a process of its own for each
render) and serves that folder on ``127.0.0.1``:

- **What it watches** (:func:`scan`): the analyses (``notebooks/NN_*.ipynb``), every file of the
  library (``lib/bulletin/``: modules and the page templates) and every file of the data folder,
  by modification time and size. The standard library's polling, every half second, is enough
  for a few hundred files and adds no dependency (``watchfiles`` would, for no measurable gain).
- **What it serves** (:class:`PreviewServer`): the preview folder, which the renderer replaces
  whole and in one step when a render completes, so a request sees the last complete render,
  never a half-written one. Every HTML page gets a small script that long-polls
  ``/_preview/version?since=N`` and reloads the page when the version moves on (each finished
  render, published or failed, is a new version), as Quarto's preview does.
- **A failed render** leaves the preview folder as it was: the server keeps serving the last good
  render with a red banner at the top of every page saying the render failed, its problems, and
  a link to that run's own pages (``/_preview/failed/``: the ``.failed`` folder, with the failure
  page of the notebook that broke). When there is no good render yet, the failed run's pages are
  served instead, with the same banner.
"""

from __future__ import annotations

import html
import json
import logging
import mimetypes
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from bulletin.render.plan import FAILED_SUFFIX, NOTEBOOK_PATTERN

log = logging.getLogger(__name__)

VERSION_PATH = "/_preview/version"
FAILED_PREFIX = "/_preview/failed/"
LONG_POLL_SECONDS = 20.0
"""How long a request to :data:`VERSION_PATH` waits for a new version before answering anyway."""

Snapshot = dict[str, tuple[int, int]]


def _skipped(path: Path, root: Path) -> bool:
    """Whether a file under ``root`` is not worth watching: hidden, or Python's byte code."""
    parts = path.relative_to(root).parts
    return any(p.startswith(".") or p == "__pycache__" for p in parts) or path.suffix == ".pyc"


def scan(notebooks_dir: Path, library_dir: Path, data_dir: Path) -> Snapshot:
    """The watched files, each with its modification time (ns) and size.

    Args:
        notebooks_dir: the analyses (only ``NN_*.ipynb``: what an issue is made of).
        library_dir: the ``bulletin`` package (every file but hidden ones and byte code).
        data_dir: the data folder (every file but hidden ones: locks, journals).
    """
    found: Snapshot = {}
    paths = list(Path(notebooks_dir).glob(NOTEBOOK_PATTERN))
    for root in (Path(library_dir), Path(data_dir)):
        paths += [p for p in root.rglob("*") if not _skipped(p, root)]
    for path in paths:
        try:
            info = path.stat()
        except OSError:  # deleted between listing and looking: the next scan says so
            continue
        if not path.is_dir():
            found[str(path)] = (info.st_mtime_ns, info.st_size)
    return found


def changed_files(before: Snapshot, after: Snapshot) -> list[str]:
    """The files added, removed or changed between two scans, sorted.

    >>> changed_files({"a": (1, 1), "b": (1, 1)}, {"a": (2, 1), "c": (1, 1)})
    ['a', 'b', 'c']
    """
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@dataclass
class PreviewState:
    """What the server shows: the preview folder, its version, and how the last render ended.

    Attributes:
        folder: the edition's preview folder (the last complete render).
        version: moves on when a render ends (published or not); pages reload when it does.
        rendering: whether a render runs now.
        failure: what the last render said when it failed; None when it was published.
        failed_at: when it failed (local time, ``HH:MM:SS``).
        good_at: when the render being served was published.
    """

    folder: Path
    version: int = 0
    rendering: bool = False
    failure: str | None = None
    failed_at: str | None = None
    good_at: str | None = None
    closed: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def failed_folder(self) -> Path:
        """The last failed run's own folder (``<edition>.failed``)."""
        return self.folder.with_name(self.folder.name + FAILED_SUFFIX)

    def start(self) -> None:
        """A render starts."""
        with self.changed:
            self.rendering = True

    def finish(self, failure: str | None) -> None:
        """A render ended: published (``failure`` None) or not (what it said); pages reload."""
        with self.changed:
            self.rendering = False
            stamp = time.strftime("%H:%M:%S")
            if failure is None:
                self.failure, self.failed_at, self.good_at = None, None, stamp
            else:
                self.failure, self.failed_at = failure, stamp
            self.version += 1
            self.changed.notify_all()

    def close(self) -> None:
        """The preview stops: answer every waiting request now."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def wait_for(self, since: int, seconds: float) -> dict:
        """The state once the version differs from ``since`` (or after ``seconds``), as JSON data."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != since or self.closed, timeout=seconds)
            return {"version": self.version, "ok": self.failure is None,
                    "rendering": self.rendering, "failure": self.failure}


RELOAD_SCRIPT = """<script id="bulletin-preview-reload">
(function () {
  var version = %d;
  function poll() {
    fetch("%s?since=" + version, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (d) { if (d.version !== version) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
</script>
"""

BANNER = (
    '<div id="bulletin-preview-banner" style="position:sticky;top:0;z-index:1000;'
    "background:#b00020;color:#fff;padding:0.8em 1.2em;font:15px/1.4 sans-serif\">"
    "<strong>The last render failed ({failed_at}).</strong> {showing} "
    '<a style="color:#fff" href="{failed_href}">This run\'s pages, with the failure pages</a>.'
    '<pre style="white-space:pre-wrap;margin:0.5em 0 0">{failure}</pre></div>'
)


def banner(state: PreviewState, serving_failed: bool) -> str:
    """The red banner of a failed render; empty when the last render was published."""
    if state.failure is None:
        return ""
    if serving_failed:
        showing = "There is no complete render yet: these are the failed run's pages."
    elif state.good_at:
        showing = f"Showing the last complete render ({state.good_at})."
    else:
        showing = "Showing the last complete render, from before this preview started."
    return BANNER.format(failed_at=state.failed_at, showing=showing, failed_href=FAILED_PREFIX,
                         failure=html.escape(state.failure))


def inject(page: str, version: int, top: str = "") -> str:
    """``page`` with ``top`` at the start of its body and the reload script at its end.

    >>> inject("<html><body><p>x</p></body></html>", 3, "<b>!</b>").count("var version = 3")
    1
    """
    script = RELOAD_SCRIPT % (version, VERSION_PATH)
    if top:
        page, found = re.subn(r"(<body[^>]*>)", lambda m: m[1] + top, page, count=1)
        if not found:
            page = top + page
    at = page.rfind("</body>")
    return page[:at] + script + page[at:] if at >= 0 else page + script


WAITING_PAGE = (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>bulletin preview</title></head>"
    "<body style=\"font:16px/1.5 sans-serif;margin:2em\"><h1>bulletin preview</h1><p>{}</p>"
    "</body></html>"
)


class PreviewHandler(BaseHTTPRequestHandler):
    """Serves the preview folder (and ``/_preview/...``); every HTML page gets the reload script."""

    server: PreviewServer

    def log_message(self, format: str, *args: object) -> None:
        """Requests go to the debug log, not to the terminal."""
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:  # noqa: N802 (the base class's name)
        """Answer one request."""
        url = urlsplit(self.path)
        state = self.server.state
        if url.path == VERSION_PATH:
            since = parse_qs(url.query).get("since", [""])[0]
            wait = LONG_POLL_SECONDS if since.lstrip("-").isdigit() else 0.0
            answer = state.wait_for(int(since) if wait else state.version, wait)
            self._send(200, "application/json", json.dumps(answer).encode())
            return
        path = unquote(url.path)
        serving_failed = path.startswith(FAILED_PREFIX)
        root = state.failed_folder if serving_failed else state.folder
        if serving_failed:
            path = path[len(FAILED_PREFIX) - 1:]
        elif not (root / "index.html").is_file() and (state.failed_folder / "index.html").is_file():
            root, serving_failed = state.failed_folder, True  # nothing complete yet
        self._send_file(root, path, serving_failed)

    def _send_file(self, root: Path, path: str, serving_failed: bool) -> None:
        state = self.server.state
        relative = path.lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        if any(part in ("..", "") for part in relative.split("/")):
            self._send(404, "text/plain", b"not found")
            return
        target = root / relative
        try:
            content = target.read_bytes()
        except OSError:
            if relative == "index.html":  # nothing rendered yet: a page that reloads when it is
                words = ("The first render is running; this page reloads when it ends."
                         if state.failure is None else "Nothing could be rendered yet.")
                page = inject(WAITING_PAGE.format(words), state.version, banner(state, False))
                self._send(200, "text/html; charset=utf-8", page.encode())
            else:
                self._send(404, "text/plain", f"not found: {relative}".encode())
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            page = content.decode("utf-8", errors="replace")
            content = inject(page, state.version, banner(state, serving_failed)).encode()
            kind = "text/html; charset=utf-8"
        self._send(200, kind, content)

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the browser went away: nothing to do
            pass


class PreviewServer(ThreadingHTTPServer):
    """The preview's HTTP server, on ``127.0.0.1`` only; each request in a thread of its own."""

    daemon_threads = True

    def __init__(self, state: PreviewState, port: int = 0):
        """Listen on ``127.0.0.1:port`` (0: a free port the system picks).

        Raises:
            OSError: the port is taken (or not allowed).
        """
        self.state = state
        super().__init__(("127.0.0.1", port), PreviewHandler)

    @property
    def url(self) -> str:
        """Where the issue is served: ``http://127.0.0.1:<port>/``."""
        return f"http://127.0.0.1:{self.server_address[1]}/"
