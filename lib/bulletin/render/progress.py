"""What a render shows while it runs: one line per notebook, with its state and time.

On a terminal the lines are redrawn in place (waiting, running with the cell being run when it
takes long, done, reused, failed); elsewhere (a log, CI) each change of state is one plain line,
and a notebook still running after :data:`LONG` seconds gets a line naming the cell it is in, every
:data:`LONG` seconds. Progress goes to standard error; the summary at the end goes there too.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TextIO

LONG = 5.0
"""Seconds after which a running notebook's line names the cell being run."""


@dataclass
class Line:
    """One notebook's line: its label, state, running time, current cell and detail."""

    label: str
    state: str = "waiting"
    started: float | None = None
    seconds: float | None = None
    cell: str = ""
    cell_started: float | None = None
    detail: str = ""
    last_report: float = field(default=0.0)


class Progress:
    """Collects each notebook's state and shows it (live on a terminal, as log lines otherwise)."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None, quiet: bool = False):
        """Show progress on ``stream`` (default: standard error).

        Args:
            stream: where the lines go.
            live: redraw the lines in place (default: when ``stream`` is a terminal).
            quiet: show nothing.
        """
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.quiet = quiet
        self.lines: dict[str, Line] = {}
        self.order: list[str] = []
        self._drawn = 0
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    # -- events -----------------------------------------------------------------------------
    def add(self, key: str, label: str) -> None:
        """A notebook to show, waiting, under ``key``."""
        with self._lock:
            self.lines[key] = Line(label)
            self.order.append(key)

    def reused(self, key: str, seconds: float | None) -> None:
        """The notebook is reused (``seconds``: what its last run took)."""
        self._set(key, "reused", seconds=seconds, detail="")

    def started(self, key: str) -> None:
        """The notebook's first cell is about to run."""
        self._set(key, "running", started=time.monotonic())

    def cell(self, key: str, cell: str) -> None:
        """The notebook started the cell ``cell`` (``cell 5 of 9 (Compute)``)."""
        with self._lock:
            line = self.lines[key]
            line.cell, line.cell_started = cell, time.monotonic()
        self._refresh()

    def finished(self, key: str, state: str, seconds: float, detail: str = "") -> None:
        """The notebook ended in ``state`` (done, failed, timeout) after ``seconds``."""
        self._set(key, state, seconds=seconds, detail=detail, cell="")

    def note(self, text: str) -> None:
        """A message of the render as a whole (publishing, waiting for a lock, ...)."""
        if self.quiet:
            return
        with self._lock:
            self._erase()
            self.stream.write(text + "\n")
            self._draw()
            self.stream.flush()

    # -- display ----------------------------------------------------------------------------
    def _set(self, key: str, state: str, **changes) -> None:
        with self._lock:
            line = self.lines[key]
            line.state = state
            for name, value in changes.items():
                setattr(line, name, value)
            if not self.live and not self.quiet:
                self.stream.write(self._format(line, log=True) + "\n")
                self.stream.flush()
        self._refresh()

    def _format(self, line: Line, log: bool = False) -> str:
        now = time.monotonic()
        if line.state == "running":
            took = now - (line.started or now)
            text = f"running {took:5.1f} s"
            if line.cell and took >= LONG or log and line.cell:
                text += f"  {line.cell}"
        elif line.state in ("waiting",):
            text = "waiting"
        else:
            text = f"{line.state} {line.seconds or 0:5.1f} s" if line.seconds is not None else line.state
            if line.detail:
                text += f"  {line.detail}"
        prefix = f"[{now - self._start:6.1f} s] " if log else ""
        return f"{prefix}{line.label:<40} {text}"

    def _erase(self) -> None:
        if self.live and self._drawn:
            self.stream.write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0

    def _draw(self) -> None:
        if self.live and not self.quiet:
            for key in self.order:
                self.stream.write(self._format(self.lines[key])[:200] + "\n")
            self._drawn = len(self.order)

    def _refresh(self) -> None:
        if self.quiet:
            return
        with self._lock:
            if self.live:
                self._erase()
                self._draw()
                self.stream.flush()
                return
            now = time.monotonic()
            for key in self.order:
                line = self.lines[key]
                if (
                    line.state == "running"
                    and line.cell_started is not None
                    and now - line.cell_started >= LONG
                    and now - line.last_report >= LONG
                ):
                    line.last_report = now
                    self.stream.write(
                        f"[{now - self._start:6.1f} s] {line.label:<40} still running "
                        f"{now - (line.started or now):5.1f} s  {line.cell}\n"
                    )
                    self.stream.flush()

    def __enter__(self) -> Progress:
        """Start refreshing the lines every second."""
        def tick() -> None:
            while not self._stop.wait(1.0):
                self._refresh()

        self._ticker = threading.Thread(target=tick, daemon=True)
        self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop refreshing, and show the lines as they ended."""
        self._stop.set()
        if self._ticker:
            self._ticker.join()
        self._refresh()
