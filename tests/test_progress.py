"""Progress lines: redrawn in place on a terminal, plain log lines elsewhere."""

from __future__ import annotations

import io

from bulletin.render import progress as progress_module
from bulletin.render.progress import Progress


def test_plain_lines_when_not_a_terminal(monkeypatch):
    stream = io.StringIO()
    shown = Progress(stream, live=False)
    shown.add("a", "2017-Q2 01_a")
    shown.add("b", "2017-Q2 02_b")
    shown.reused("b", 1.5)
    shown.started("a")
    monkeypatch.setattr(progress_module, "LONG", 0.0)
    shown.cell("a", "cell 3 of 5 (Compute)")
    shown.finished("a", "failed", 2.0, "cell 3 of 5 (Compute) failed with KeyError: 'x'")
    lines = stream.getvalue().splitlines()
    assert "\x1b" not in stream.getvalue()
    assert any("02_b" in line and "reused" in line for line in lines)
    assert any("01_a" in line and "running" in line for line in lines)
    assert any("01_a" in line and "still running" in line and "cell 3 of 5 (Compute)" in line for line in lines)
    assert any("01_a" in line and "failed" in line and "KeyError" in line for line in lines)


def test_one_line_per_notebook_redrawn_on_a_terminal(monkeypatch):
    stream = io.StringIO()
    shown = Progress(stream, live=True)
    shown.add("a", "2017-Q2 01_a")
    shown.add("b", "2017-Q2 02_b")
    shown.started("a")
    monkeypatch.setattr(progress_module, "LONG", 0.0)
    shown.cell("a", "cell 2 of 4 (Show)")
    shown.finished("b", "done", 0.5)
    text = stream.getvalue()
    assert "\x1b[2F\x1b[J" in text  # the two lines are redrawn in place
    last = text.rsplit("\x1b[J", 1)[1].splitlines()
    assert len(last) == 2
    assert "01_a" in last[0] and "running" in last[0] and "cell 2 of 4 (Show)" in last[0]
    assert "02_b" in last[1] and "done" in last[1]


def test_quiet_shows_nothing():
    stream = io.StringIO()
    shown = Progress(stream, quiet=True)
    shown.add("a", "01_a")
    shown.started("a")
    shown.finished("a", "done", 1.0)
    shown.note("published")
    assert stream.getvalue() == ""
