"""``bulletin preview``: a real server, real saves on disk, real HTTP requests.

The preview runs in a process of its own on a free port, with a small notebooks folder and a small
data folder; the tests save files and wait (bounded) for the served pages to change.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from render_helpers import kernels_of, small_data, write_notebook, write_quarterly

from bulletin.cli import preview as preview_command
from bulletin.cli.main import main
from bulletin.render.preview import changed_files, inject, scan

SAY = "from IPython.display import Markdown, display\ndisplay(Markdown({!r}))"
COUNT_ROWS = (
    "from IPython.display import Markdown, display\n"
    "from bulletin.data.tables import load_table\n"
    "display(Markdown(f'ROWS {len(load_table(\"seizures_quarterly\", data_dir))}'))"
)


def _wait_for(condition: Callable[[], object], seconds: float = 120, what: str = "") -> object:
    deadline = time.monotonic() + seconds
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _get(url: str, timeout: float = 30) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Preview:
    """A ``bulletin preview`` process and what it printed."""

    def __init__(self, tmp: Path, notebooks: Path, data: Path, sigint: Any = signal.SIG_DFL):
        """Start the preview; ``sigint``: how it inherits SIGINT (a shell's ``&`` ignores it)."""
        self.out = tmp / "preview.out"
        self.err = tmp / "preview.err"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bulletin.cli.main", "preview", "--quarter", "2017Q2",
                 "--data-dir", str(data), "--notebooks-dir", str(notebooks)],
                stdout=out, stderr=err, env={**os.environ, "TMPDIR": str(tmp)},
                preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
            )
        line = _wait_for(lambda: re.search(r"at (http://127\.0\.0\.1:\d+/) \(rendered into (\S+);",
                                           self.out.read_text()), 30, "the URL")
        self.url, self.folder = line[1], Path(line[2])

    def page(self, name: str) -> str:
        status, text = _get(self.url + name)
        assert status == 200, (name, status, text)
        return text

    def version(self, since: int | None = None) -> dict:
        query = "" if since is None else f"?since={since}"
        return json.loads(_get(self.url + "_preview/version" + query)[1])

    def next_version(self, since: int, seconds: float = 120) -> dict:
        """Long-poll the reload endpoint until the version moves on from ``since``."""
        return _wait_for(lambda: (lambda v: v if v["version"] != since else None)(self.version(since)),
                         seconds, f"a version after {since}")

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def stop(self, signum: int = signal.SIGINT) -> int:
        self.process.send_signal(signum)
        try:
            return self.process.wait(90)
        except subprocess.TimeoutExpired:  # say what was still running, and what it printed
            tree = [f"{p.pid} {p.status()} {' '.join(p.cmdline())[:160]}"
                    for p in self.descendants()]
            status = Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
            tree += [line for line in status if line.startswith(("SigBlk", "SigIgn", "SigCgt"))]
            raise AssertionError(
                "the preview did not stop within 90 s\nprocesses:\n" + "\n".join(tree)
                + f"\nout:\n{self.out.read_text()[-3000:]}\nerr:\n{self.err.read_text()[-3000:]}"
            ) from None


@pytest.fixture
def preview_tmp() -> Iterator[Path]:
    """A short temporary folder (kernel sockets live in it), the preview's TMPDIR."""
    folder = Path(tempfile.mkdtemp(prefix="pv"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def preview(preview_tmp: Path) -> Iterator[Callable[..., Preview]]:
    started: list[Preview] = []

    def start(notebooks: Path, data: Path, **options: Any) -> Preview:
        started.append(Preview(preview_tmp, notebooks, data, **options))
        return started[-1]

    yield start
    for one in started:
        if one.process.poll() is None:
            one.process.kill()
            one.process.wait()


@pytest.mark.slow
def test_the_preview_renders_again_what_a_save_changed_and_signals_the_page(
        tmp_path: Path, preview_tmp: Path, preview: Callable[..., Preview]):
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_words", SAY.format("WORDS first"))
    write_notebook(notebooks, "02_rows", COUNT_ROWS)
    shown = preview(notebooks, data)
    assert shown.folder.is_relative_to(preview_tmp)  # never reports/
    first = _wait_for(lambda: shown.version()["version"] or None, 120, "the first render")
    assert "WORDS first" in shown.page("01_words.html")
    assert "ROWS 3" in shown.page("02_rows.html")
    front = shown.page("")
    assert "01_words.html" in front and 'id="bulletin-preview-reload"' in front
    assert "bulletin-preview-banner" not in front

    # A notebook saved: the reload endpoint moves on once the page shows the change, not before.
    write_notebook(notebooks, "01_words", SAY.format("WORDS second"))
    after_save = shown.next_version(first)
    assert after_save["ok"] and not after_save["rendering"]
    assert "WORDS second" in shown.page("01_words.html")
    assert f"var version = {after_save['version']};" in shown.page("01_words.html")
    assert "(1 run, 1 reused)" in shown.out.read_text()  # only what the save changed ran

    # A table saved: the notebook that reads it runs again.
    write_quarterly(data, ["KGZ,2016,4,heroin,12.5", "KGZ,2017,1,heroin,10.5",
                           "TJK,2017,1,opium,3.0", "UZB,2017,1,heroin,1.0"])
    shown.next_version(after_save["version"])
    assert "ROWS 4" in shown.page("02_rows.html")
    assert "WORDS second" in shown.page("01_words.html")

    # Ctrl-C during a render: the render stops its kernels, the preview its server; nothing is left.
    write_notebook(notebooks, "03_slow", "import time\ntime.sleep(300)")
    _wait_for(lambda: shown.descendants() and kernels_of("03_slow"), 60, "the render's kernel")
    running = shown.descendants() + [psutil.Process(pid) for pid in kernels_of("03_slow")]
    assert shown.stop() == 130
    gone, alive = psutil.wait_procs(running, timeout=30)
    assert alive == []
    assert "stopped" in shown.err.read_text()
    with pytest.raises(OSError):
        _get(shown.url, timeout=5)


@pytest.mark.slow
def test_sigint_stops_a_preview_started_with_sigint_ignored(
        tmp_path: Path, preview: Callable[..., Preview]):
    # Issue 18 (found running the suite in the background): a shell's "&" starts a command with
    # SIGINT ignored, and Python then leaves it ignored, so the preview never stopped on SIGINT.
    # It takes SIGINT itself, as `bulletin render` does.
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_words", SAY.format("WORDS"))
    shown = preview(notebooks, data, sigint=signal.SIG_IGN)
    _wait_for(lambda: shown.version()["version"] or None, 120, "the first render")
    assert shown.stop() == 130
    assert "stopped" in shown.err.read_text()


@pytest.mark.slow
def test_a_broken_save_keeps_the_last_good_page_on_show_under_a_banner(
        tmp_path: Path, preview: Callable[..., Preview]):
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_words", SAY.format("WORDS good"))
    shown = preview(notebooks, data)
    good = _wait_for(lambda: shown.version()["version"] or None, 120, "the first render")

    write_notebook(notebooks, "01_words", "raise ValueError('BROKEN on purpose')")
    failed = shown.next_version(good)
    assert not failed["ok"] and "01_words" in failed["failure"]
    page = shown.page("01_words.html")
    assert "WORDS good" in page  # the last complete render, still served
    assert "The last render failed" in page and "bulletin-preview-banner" in page
    assert "BROKEN on purpose" in shown.page("_preview/failed/01_words.html")  # the failure page

    write_notebook(notebooks, "01_words", SAY.format("WORDS fixed"))
    fixed = shown.next_version(failed["version"])
    assert fixed["ok"]
    page = shown.page("01_words.html")
    assert "WORDS fixed" in page and "bulletin-preview-banner" not in page
    assert shown.stop(signal.SIGTERM) == 143


def test_scan_sees_saves_of_notebooks_library_and_tables_but_not_hidden_files(tmp_path: Path):
    notebooks, library, data = tmp_path / "nb", tmp_path / "lib", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_one", "1")
    (library / "__pycache__").mkdir(parents=True)
    (library / "module.py").write_text("x = 1\n")
    (library / "page.html.j2").write_text("<p></p>\n")
    (notebooks / "scratch.ipynb").write_text("{}")  # not part of an issue
    before = scan(notebooks, library, data)
    assert {Path(p).name for p in before} == {"01_one.ipynb", "module.py", "page.html.j2",
                                               "seizures_quarterly.csv"}
    (library / "__pycache__" / "module.cpython-311.pyc").write_bytes(b"x")
    (data / ".seizures_quarterly.csv.lock").write_text("")
    assert changed_files(before, scan(notebooks, library, data)) == []
    (library / "module.py").write_text("x = 22\n")
    write_quarterly(data, ["KGZ,2017,1,heroin,1.0"])
    write_notebook(notebooks, "02_new", "2")
    changed = changed_files(before, scan(notebooks, library, data))
    assert sorted(Path(p).name for p in changed) == ["02_new.ipynb", "module.py", "seizures_quarterly.csv"]


def test_a_first_preview_of_the_project_starts_from_the_published_issue(tmp_path: Path, monkeypatch):
    from bulletin.render.folders import write_marker

    reports, notebooks, data = tmp_path / "reports", tmp_path / "nb", tmp_path / "data"
    for folder in (reports / "2017-Q2", notebooks, data):
        folder.mkdir(parents=True)
    (reports / "2017-Q2" / "index.html").write_text("<p>published</p>")
    write_marker(reports / "2017-Q2", "2017-Q2")
    monkeypatch.setattr(preview_command, "REPORTS_DIR", reports)
    monkeypatch.setattr(preview_command, "NOTEBOOKS_DIR", notebooks)
    monkeypatch.setattr(preview_command, "DATA_DIR", data)
    target = tmp_path / "preview" / "2017-Q2"
    target.parent.mkdir()
    assert not preview_command.seed_from_published(target, tmp_path / "other", data)  # other notebooks
    assert preview_command.seed_from_published(target, notebooks, data)
    assert (target / "index.html").stat().st_ino == (reports / "2017-Q2" / "index.html").stat().st_ino
    assert not preview_command.seed_from_published(target, notebooks, data)  # already there: kept
    assert sorted(p.name for p in target.parent.iterdir()) == ["2017-Q2"]  # no staging left


def test_the_reload_script_and_banner_go_inside_the_page():
    page = inject("<html><body class='x'><p>text</p></body></html>", 7, "<div>BANNER</div>")
    assert page.index("<body class='x'><div>BANNER</div>") < page.index("<p>text</p>")
    assert page.index("var version = 7;") < page.index("</body>")


def test_refused_options_exit_2_before_anything_starts(tmp_path: Path, capsys):
    data = small_data(tmp_path / "data")
    assert main(["preview", "--quarter", "2017Q2", "--data-dir", str(data),
                 "--notebooks-dir", str(tmp_path / "missing")]) == 2
    assert "--notebooks-dir" in capsys.readouterr().err
    (tmp_path / "nb").mkdir()
    assert main(["preview", "--quarter", "2017Q2", "--data-dir", str(data),
                 "--notebooks-dir", str(tmp_path / "nb"), "--country", "FRA"]) == 2
    assert "FRA" in capsys.readouterr().err


@pytest.mark.parametrize("status", [0, 1])
def test_the_terminal_says_how_a_render_ended_before_the_page_is_signalled(status: int, capsys):
    # Whoever sees the page's version move on (a reader's reload, a script polling it) finds the
    # terminal line already written: the full suite once read the log a moment too early.
    class Renderer:
        def run(self) -> tuple[int, str, str]:
            return status, "issue 2017-Q2 written to x (1 run, 1 reused)\n", "  - 01: it broke"

    class State:
        said_before_finish = ""

        def start(self) -> None:
            pass

        def finish(self, failure: str | None) -> None:
            captured = capsys.readouterr()
            self.said_before_finish = captured.out + captured.err

    state = State()
    preview_command.render_once(Renderer(), state)
    expected = "(1 run, 1 reused); the page reloads" if status == 0 else "the render failed in"
    assert expected in state.said_before_finish
