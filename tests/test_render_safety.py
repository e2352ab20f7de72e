"""Issue 12, the renderer's side: it never destroys what it did not make; time limits, bad input
and failing disks end in one sentence; a notebook's processes end with it; reuse counts every file
a notebook reads and the data folder's own reference vocabularies.

Cases whose failure would delete real folders (``/``, the project) are checked with
:func:`bulletin.render.plan.check_targets` alone, never with a render.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from render_helpers import bulletin, no_kernel, page_files, small_data, write_notebook

from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, REFERENCE_DIR, REPORTS_DIR
from bulletin.core.periods import Quarter
from bulletin.render import assemble, engine, plan
from bulletin.render import folders as publish
from bulletin.render.engine import render
from bulletin.render.plan import Edition, Options, RenderParameterError, check_targets

ISSUE = Quarter(2017, 2)


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_one", "print('one', quarter)")
    return notebooks, data


def _args(notebooks: Path, data: Path, *more: str) -> list[str]:
    return ["render", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir",
            str(notebooks), *more]


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder`` (hidden ones too), with the content of each file."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
        for p in sorted(folder.rglob("*"))
    }


def _ran(folder: Path) -> set[str]:
    record = json.loads((folder / "run.json").read_text())
    return {n["name"] for n in record["notebooks"] if not n["reused"]}


# --- --out and --reports replace only a folder the renderer made ---------------------------


@pytest.mark.parametrize("holder", ["scratch", "scratch.failed"])
def test_out_refuses_a_folder_the_renderer_did_not_make(tmp_path: Path, holder: str):
    """The tester's case: ``--out scratch`` deleted scratch's files and a sibling scratch.failed/."""
    notebooks, data = _setup(tmp_path)
    (tmp_path / holder / "sub").mkdir(parents=True)
    (tmp_path / holder / "t.txt").write_text("x\n")
    (tmp_path / ("scratch.failed" if holder == "scratch" else "scratch")).mkdir()
    before = _tree(tmp_path)
    result = bulletin(*_args(notebooks, data, "--out", str(tmp_path / "scratch")), timeout=60)
    assert result.returncode == 2, result.stderr
    assert (f"error: {tmp_path / holder} is not empty and was not made by bulletin render "
            f"(no .bulletin-issue.json; it holds sub/, t.txt): refused") in result.stderr
    assert "nothing was run; the published issues are unchanged" in result.stderr
    assert "Traceback" not in result.stderr
    assert _tree(tmp_path) == before  # nothing moved, deleted, or even a lock file made


def _refusal_cases():
    # (name, prepare(tmp_path) -> (extra arguments, environment, working folder), expected)
    def a_file(tmp):
        (tmp / "afile").write_text("mine\n")
        return ["--out", str(tmp / "afile")], {}, None

    def a_link(tmp):
        (tmp / "elsewhere").mkdir()
        (tmp / "link").symlink_to(tmp / "elsewhere")
        return ["--out", str(tmp / "link")], {}, None

    def under_a_file(tmp):
        (tmp / "afile").write_text("mine\n")
        return ["--out", str(tmp / "afile" / "below")], {}, None

    def here(tmp):
        return ["--out", "."], {}, tmp

    def home(tmp):
        (tmp / "home").mkdir()
        return ["--out", str(tmp / "home")], {"HOME": str(tmp / "home")}, None

    def above_home(tmp):
        (tmp / "users" / "me").mkdir(parents=True)
        return ["--out", str(tmp / "users")], {"HOME": str(tmp / "users" / "me")}, None

    def data(tmp):
        return ["--out", str(tmp / "data")], {}, None

    def in_data(tmp):
        return ["--out", str(tmp / "data" / "issue")], {}, None

    def notebooks(tmp):
        return ["--out", str(tmp / "nb")], {}, None

    def in_notebooks(tmp):
        return ["--out", str(tmp / "nb" / "issue")], {}, None

    def reports(tmp):
        (tmp / "reports").mkdir()
        return ["--reports", str(tmp / "reports"), "--out", str(tmp / "reports")], {}, None

    return [
        ("a file", a_file, "afile is a file, not a folder: refused"),
        ("a symbolic link", a_link, "link is a symbolic link: refused"),
        ("under a file", under_a_file, "cannot make {tmp}/afile/below: {tmp}/afile is a file, not a folder"),
        ("the working folder, holding the data", here, "{tmp} contains the data folder ({tmp}/data): refused"),
        ("the home folder", home, "{tmp}/home is your home folder: refused"),
        ("above the home folder", above_home, "{tmp}/users contains your home folder ({tmp}/users/me): refused"),
        ("the data folder", data, "{tmp}/data is the data folder: refused"),
        ("inside the data folder", in_data, "{tmp}/data/issue is inside the data folder ({tmp}/data): refused"),
        ("the notebooks folder", notebooks, "{tmp}/nb is the notebooks folder: refused"),
        ("inside the notebooks folder", in_notebooks, "{tmp}/nb/issue is inside the notebooks folder"),
        ("the reports folder", reports, "{tmp}/reports is the reports folder: refused"),
    ]


@pytest.mark.parametrize(("case", "prepare", "expected"), _refusal_cases(), ids=[c[0] for c in _refusal_cases()])
def test_out_refuses_what_must_never_be_replaced(tmp_path: Path, case, prepare, expected):
    notebooks, data = _setup(tmp_path)
    extra, env, cwd = prepare(tmp_path)
    before = _tree(tmp_path)
    result = bulletin(*_args(notebooks, data, *extra), env=env, cwd=cwd, timeout=60)
    assert result.returncode == 2, result.stderr
    assert expected.format(tmp=tmp_path) in result.stderr
    assert "nothing was run" in result.stderr and "Traceback" not in result.stderr
    assert _tree(tmp_path) == before


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        (Path("/"), "/ is the root folder: refused"),
        (PROJECT_ROOT, f"{PROJECT_ROOT} is the project's folder: refused"),
        (PROJECT_ROOT.parent, f"contains the project's folder ({PROJECT_ROOT})"),
        (REPORTS_DIR, f"{REPORTS_DIR} is the reports folder: refused"),
        (DATA_DIR, f"{DATA_DIR} is the data folder: refused"),
        (DATA_DIR / "reference", f"is inside the data folder ({DATA_DIR})"),
        (NOTEBOOKS_DIR, f"{NOTEBOOKS_DIR} is the notebooks folder: refused"),
        (Path.home(), "is your home folder: refused"),
    ],
)
def test_the_project_and_the_system_are_never_issue_folders(folder: Path, expected: str):
    # Checked without rendering: a regression here must not be able to delete these folders.
    options = Options(data_dir=DATA_DIR, notebooks_dir=NOTEBOOKS_DIR)
    [problem] = check_targets(plan.editions_for([ISSUE], [], folder, REPORTS_DIR), options)
    assert expected in problem


def test_an_issue_of_the_previous_version_is_refused_with_what_to_do(tmp_path: Path, monkeypatch):
    no_kernel(monkeypatch, tmp_path)
    notebooks, data = _setup(tmp_path)
    old = tmp_path / "reports" / "2017-Q2"
    old.mkdir(parents=True)
    for name in ("index.html", "01_one.html", "01_one.ipynb", "run.json"):
        (old / name).write_text("{}")
    with pytest.raises(RenderParameterError) as refused:
        render([Edition(ISSUE, old)], Options(data_dir=data, notebooks_dir=notebooks))
    assert str(refused.value) == (
        f"{old} holds an issue rendered by an earlier version of bulletin render (it has no "
        f".bulletin-issue.json); delete it once (rm -r '{old}') and render again")
    assert sorted(p.name for p in old.iterdir()) == ["01_one.html", "01_one.ipynb", "index.html", "run.json"]


@pytest.mark.slow
def test_an_issue_holding_a_file_the_renderer_did_not_write_is_not_replaced(tmp_path: Path):
    notebooks, data = _setup(tmp_path)
    reports = tmp_path / "reports"
    args = _args(notebooks, data, "--reports", str(reports))
    assert bulletin(*args).returncode == 0
    issue = reports / "2017-Q2"
    marker = json.loads((issue / ".bulletin-issue.json").read_text())
    assert marker == {"tool": "bulletin render", "edition": "2017-Q2",
                      "entries": sorted(p.name for p in issue.iterdir() if p.name != ".bulletin-issue.json")}

    # A previous issue of the renderer's is replaced ...
    result = bulletin(*args, "--force")
    assert result.returncode == 0, result.stderr
    # ... but not once a user put a file of their own in it, nor in its .failed sibling.
    write_notebook(notebooks, "02_broken", "1 / 0")
    assert bulletin(*args).returncode == 1
    failed = reports / "2017-Q2.failed"
    assert (failed / ".bulletin-issue.json").is_file()
    (notebooks / "02_broken.ipynb").unlink()
    for folder in (issue, failed):
        (folder / "my notes.txt").write_text("mine\n")
        before = _tree(reports)
        result = bulletin(*args, "--force", timeout=60)
        assert result.returncode == 2, result.stderr
        assert (f"{folder} holds my notes.txt, which bulletin render did not write: refused, so "
                "that they are not deleted") in result.stderr
        assert _tree(reports) == before
        (folder / "my notes.txt").unlink()

    # Without them, the issue is replaced and the .failed folder of the renderer's removed.
    assert bulletin(*args).returncode == 0
    assert sorted(p.name for p in reports.iterdir()) == [".2017-Q2.lock", "2017-Q2", "index.html"]


def test_the_folders_are_checked_again_under_the_lock(tmp_path: Path, monkeypatch):
    """A folder that changed while the render waited for another render's lock is refused too."""
    no_kernel(monkeypatch, tmp_path)
    notebooks, data = _setup(tmp_path)
    out = tmp_path / "out"
    taken = engine.edition_lock

    def lock_then_meddle(target: Path):
        context = taken(target)
        out.mkdir(exist_ok=True)
        (out / "arrived.txt").write_text("while waiting\n")
        return context

    monkeypatch.setattr(engine, "edition_lock", lock_then_meddle)
    with pytest.raises(RenderParameterError, match="arrived.txt"):
        render([Edition(ISSUE, out)], Options(data_dir=data, notebooks_dir=notebooks))
    assert (out / "arrived.txt").read_text() == "while waiting\n"


def test_publishing_itself_refuses_a_folder_it_did_not_make(tmp_path: Path):
    target = tmp_path / "2017-Q2"
    target.mkdir()
    (target / "mine.txt").write_text("mine\n")
    staging = publish.new_staging(target)
    (staging / "page.html").write_text("new")
    publish.write_marker(staging, "2017-Q2")
    with pytest.raises(publish.TargetRefusedError, match="was not made by bulletin render"):
        publish.swap_in(staging, target)
    with pytest.raises(publish.TargetRefusedError):
        publish.remove_tree(target)
    assert sorted(p.name for p in target.iterdir()) == ["mine.txt"]
    assert (staging / "page.html").read_text() == "new"
    # A file in place of the folder, or a link, is refused too.
    shutil.rmtree(target)
    target.write_text("a file\n")
    with pytest.raises(publish.TargetRefusedError, match="is a file"):
        publish.swap_in(staging, target)
    assert target.read_text() == "a file\n"


# --- time limits ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_notebook_past_its_notebook_timeout_says_it_timed_out(tmp_path: Path):
    notebooks, data = _setup(tmp_path)
    write_notebook(notebooks, "02_slow", "import time\nfor i in range(60):\n    time.sleep(1)")
    out = tmp_path / "out"
    result = bulletin(*_args(notebooks, data, "--out", str(out), "--notebook-timeout", "4"))
    assert result.returncode == 1
    summary = ("02_slow: the notebook timed out after 4 s (the limit per notebook, "
               "--notebook-timeout), in cell 2 of 2 (Show)")
    assert summary in result.stderr
    assert "DeadKernelError" not in result.stderr and "died" not in result.stderr
    page = (tmp_path / "out.failed" / "02_slow.html").read_text()
    assert "The notebook timed out after 4 s" in page and "DeadKernelError" not in page
    record = json.loads((tmp_path / "out.failed" / "run.json").read_text())
    assert {n["name"]: n["status"] for n in record["notebooks"]} == {"01_one": "ok", "02_slow": "timeout"}


@pytest.mark.parametrize(
    "args", [["--timeout", "0"], ["--timeout", "-1"], ["--timeout", "1.5"], ["--notebook-timeout", "0"],
             ["--notebook-timeout", "-5"], ["--notebook-timeout", "nan"]],
)
def test_time_limits_must_be_positive(tmp_path: Path, args: list[str]):
    notebooks, data = _setup(tmp_path)
    result = bulletin(*_args(notebooks, data, "--out", str(tmp_path / "out"), *args), timeout=60)
    assert result.returncode == 2
    assert f"argument {args[0]}: '{args[1]}': " in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("cell", "notebook"), [(0, None), (-1, None), (600, 0.0), (600, -3.0)])
def test_time_limits_must_be_positive_for_library_callers(tmp_path: Path, monkeypatch, cell, notebook):
    no_kernel(monkeypatch, tmp_path)
    notebooks, data = _setup(tmp_path)
    options = Options(data_dir=data, notebooks_dir=notebooks, cell_timeout=cell, notebook_timeout=notebook)
    with pytest.raises(RenderParameterError, match="must be more than 0 seconds"):
        render([Edition(ISSUE, tmp_path / "out")], options)


# --- messages for bad input -------------------------------------------------------------------


def test_a_notebook_that_is_not_json_is_named_with_line_and_column(tmp_path: Path):
    notebooks, data = _setup(tmp_path)
    (notebooks / "02_bad.ipynb").write_text('{\n  "cells": [\n    {"cell_type": "code",,}\n  ]\n}\n')
    result = bulletin(*_args(notebooks, data, "--out", str(tmp_path / "out")), timeout=60)
    assert result.returncode == 2
    assert f"{notebooks / '02_bad.ipynb'}:3:26: not a notebook: invalid JSON" in result.stderr
    assert "line 3, column 26" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("content", ['[1, 2]', '{"cells": 3}', '{"cells": ["x"]}'])
def test_json_that_is_not_a_notebook_is_refused_in_a_sentence(tmp_path: Path, content: str):
    notebooks, data = _setup(tmp_path)
    (notebooks / "02_odd.ipynb").write_text(content)
    result = bulletin(*_args(notebooks, data, "--out", str(tmp_path / "out")), timeout=60)
    assert result.returncode == 2
    assert (f"{notebooks / '02_odd.ipynb'}: not a notebook: expected a JSON object with a list of "
            "cells") in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_parameters_cell_that_is_not_python_is_named_with_line_and_column(tmp_path: Path):
    notebooks, data = _setup(tmp_path)
    write_notebook(notebooks, "02_bad", "print(1)", parameters='quarter: str = "2017Q2"\ndata_dir: str = )')
    result = bulletin(*_args(notebooks, data, "--out", str(tmp_path / "out")), timeout=60)
    assert result.returncode == 2
    assert "02_bad.ipynb: its parameters cell is not valid Python (line 2, column 17: " in result.stderr


# --- a failing disk ---------------------------------------------------------------------------


def _immutable(path: Path) -> bool:
    """Make ``path`` immutable (even root cannot write it); False where that is impossible."""
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def _mutable(path: Path) -> None:
    subprocess.run(["chattr", "-i", str(path)], capture_output=True)


def test_a_reports_folder_that_cannot_be_written_is_refused_before_any_work(tmp_path: Path):
    notebooks, data = _setup(tmp_path)
    reports = tmp_path / "reports"
    reports.mkdir()
    if os.geteuid() != 0:
        reports.chmod(0o555)
    elif not _immutable(reports):
        pytest.skip("running as root, and chattr cannot make a folder read-only here")
    try:
        result = bulletin(*_args(notebooks, data, "--reports", str(reports)), timeout=60)
    finally:
        _mutable(reports)
        reports.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert f"cannot make {reports}/2017-Q2: the folder {reports} is not writable by you" in result.stderr
    assert "Traceback" not in result.stderr and list(reports.iterdir()) == []


@pytest.mark.slow
def test_an_issue_that_cannot_be_replaced_ends_in_one_sentence(tmp_path: Path):
    notebooks, data = _setup(tmp_path)
    reports = tmp_path / "reports"
    args = _args(notebooks, data, "--reports", str(reports))
    assert bulletin(*args).returncode == 0
    issue = reports / "2017-Q2"
    before = page_files(issue)
    if not _immutable(issue):
        pytest.skip("needs root and chattr to make a folder that cannot be renamed")
    try:
        result = bulletin(*args, "--force")
    finally:
        _mutable(issue)
    assert result.returncode == 1
    assert f"bulletin render: error: cannot use {issue}: Operation not permitted" in result.stderr
    assert "Traceback" not in result.stderr
    assert page_files(issue) == before
    assert sorted(p.name for p in reports.iterdir()) == [".2017-Q2.lock", "2017-Q2", "index.html"]  # no staging


@pytest.mark.slow
def test_a_full_disk_while_staging_publishes_nothing_and_leaves_nothing(tmp_path: Path, monkeypatch):
    notebooks, data = _setup(tmp_path)
    out = tmp_path / "reports" / "2017-Q2"
    options = Options(data_dir=data, notebooks_dir=notebooks, jobs=1)
    render([Edition(ISSUE, out)], options)
    before = page_files(out)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    written = assemble._write_json

    def full(path: Path, content) -> None:
        if path.name == "run.json":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written(path, content)

    monkeypatch.setattr(assemble, "_write_json", full)
    options.force = True
    with pytest.raises(OSError) as error:
        render([Edition(ISSUE, out)], options)
    assert error.value.errno == errno.ENOSPC
    assert page_files(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == [".2017-Q2.lock", "2017-Q2"]
    assert list(temp.iterdir()) == []


# --- a notebook's processes end with it; no TCP port ----------------------------------------

# Three ways to outlive the kernel: a child in its process group, a child in a session of its own,
# and a grandchild that left with setsid and never exec'd (no token in its environment).
STARTS_PROCESSES = """\
import os, subprocess, time
mine = []
mine.append(subprocess.Popen(['sleep', '{seconds}']).pid)
mine.append(subprocess.Popen(['sleep', '{seconds}'], start_new_session=True).pid)
child = os.fork()
if child == 0:
    os.setsid()
    if os.fork() == 0:
        with open({pids!r}, 'a') as out:
            out.write(f'{{os.getpid()}}\\n')
        time.sleep({seconds})
    os._exit(0)
os.waitpid(child, 0)
with open({pids!r}, 'a') as out:
    out.write(''.join(f'{{pid}}\\n' for pid in mine))
time.sleep(1)
"""


@pytest.mark.slow
@pytest.mark.parametrize("ending", ["ok", "timeout"])
def test_the_processes_a_notebook_starts_end_with_it(tmp_path: Path, ending: str):
    notebooks, data = _setup(tmp_path)
    pids = tmp_path / "pids.txt"
    seconds = 3000 + os.getpid() % 500
    source = STARTS_PROCESSES.format(seconds=seconds, pids=str(pids))
    if ending == "timeout":
        source += "time.sleep(120)\n"
    write_notebook(notebooks, "02_starts", source)
    extra = ["--notebook-timeout", "8"] if ending == "timeout" else []
    result = bulletin(*_args(notebooks, data, "--out", str(tmp_path / "out"), *extra))
    assert result.returncode == (0 if ending == "ok" else 1), result.stderr
    started = [int(line) for line in pids.read_text().split()]
    assert len(started) == 3
    alive = []
    for pid in started:
        try:
            process = psutil.Process(pid)
            if process.status() != psutil.STATUS_ZOMBIE:
                alive.append((pid, process.cmdline()))
                process.kill()
        except psutil.NoSuchProcess:
            continue
    assert alive == []


@pytest.mark.slow
def test_no_kernel_listens_on_tcp_and_forked_output_still_arrives(tmp_path: Path):
    import asyncio

    from bulletin.render.kernel import ForkedKernelManager, KernelForkServer

    async def run(server):
        manager = ForkedKernelManager(server=server, socket_parent=tmp_path)
        await manager.start_kernel(cwd=str(tmp_path))
        client = manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            kernel = psutil.Process(manager.provisioner.pid)
            listening = [c for c in kernel.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
            printed: list[str] = []
            code = ("import os\npid = os.fork()\nif pid == 0:\n    print('from a forked child', flush=True)\n"
                    "    os._exit(0)\nos.waitpid(pid, 0)\nimport time; time.sleep(0.5)")
            await client.execute_interactive(
                code, timeout=30,
                output_hook=lambda m: printed.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
            return listening, "".join(printed)
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)

    server = KernelForkServer()
    try:
        listening, printed = asyncio.run(run(server))
    finally:
        server.close()
    assert listening == []
    assert "from a forked child" in printed  # ipykernel's pipe for forked output, over IPC


# --- temporary folders ------------------------------------------------------------------------


def test_the_next_render_removes_only_the_folders_of_dead_renders(tmp_path: Path):
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True).stdout)
    stale = tmp_path / f"bulletin-render-{dead}-abc"
    (stale / "01_one-xyz" / "work").mkdir(parents=True)
    running = tmp_path / f"bulletin-render-{os.getppid()}-abc"
    running.mkdir()
    other = tmp_path / "bulletin-renderer-notes"
    other.mkdir()
    foreign = tmp_path / f"bulletin-render-{dead}-foreign"
    foreign.mkdir()
    if os.geteuid() == 0:
        os.chown(foreign, 4242, 4242)  # another user's: not ours to delete
    else:
        foreign.rmdir()
    assert publish.remove_stale_temp(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [running.name, other.name] + ([foreign.name] if foreign.exists() else []))


def test_kernel_sockets_stay_within_the_length_a_socket_path_may_have(tmp_path: Path):
    from bulletin.render.kernel import private_socket_address

    folder, address = private_socket_address(tmp_path)
    assert Path(folder).parent == tmp_path and Path(folder).stat().st_mode & 0o077 == 0
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    folder, address = private_socket_address(deep)
    try:
        # Too deep for a socket path: in /tmp, named so that the next render cleans it if need be.
        assert Path(folder).name.startswith(f"bulletin-render-{os.getpid()}-k")
        assert len(address + "-iopub-pipe") < 104
    finally:
        shutil.rmtree(folder)


# --- reuse counts what a notebook reads outside the data folder, and the reference in use -----


@pytest.mark.slow
def test_a_file_read_outside_the_data_folder_counts_for_reuse(tmp_path: Path):
    notebooks, data = _setup(tmp_path)
    outside = tmp_path / "elsewhere" / "weights.txt"
    outside.parent.mkdir()
    outside.write_text("1.0\n")
    write_notebook(notebooks, "02_outside", f"print(open({str(outside)!r}).read())\n"
                   "import tempfile, matplotlib.pyplot as plt\nplt.plot([1, 2])\n"
                   "open(tempfile.mkstemp()[1]).read()")
    out = tmp_path / "out"
    options = Options(data_dir=data, notebooks_dir=notebooks, jobs=2)
    render([Edition(ISSUE, out)], options)
    record = json.loads((out / "run.json").read_text())
    read = {n["name"]: n["data_read"] for n in record["notebooks"]}
    # The file outside, by absolute path; nothing of Python, the packages or the render's own.
    assert read["02_outside"] == {str(outside): _sha256(outside)}
    assert record["files_read_elsewhere"] == {str(outside): _sha256(outside)}

    lines: list[str] = []
    render([Edition(ISSUE, out)], options, explain=lines.append)
    assert _ran(out) == set()
    outside.write_text("2.0\n")
    lines.clear()
    render([Edition(ISSUE, out)], options, explain=lines.append)
    assert _ran(out) == {"02_outside"}
    assert (f"2017-Q2 02_outside: run: files it reads outside the data folder changed ({outside})"
            in lines)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_data_folder_brings_its_own_reference_vocabularies(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("BULLETIN_REFERENCE_DIR", raising=False)
    notebooks, data = _setup(tmp_path)
    write_notebook(notebooks, "01_one", "import os\nprint('REFERENCE', os.environ.get('BULLETIN_REFERENCE_DIR'))\n"
                   "from bulletin.data.vocab import country_name\nprint('NAME', country_name('KGZ'))")
    out = tmp_path / "out"
    options = Options(data_dir=data, notebooks_dir=notebooks)
    render([Edition(ISSUE, out)], options)
    assert "REFERENCE None" in (out / "01_one.ipynb").read_text()  # no reference/: the project's

    shutil.copytree(REFERENCE_DIR, data / "reference")
    countries = data / "reference" / "countries.csv"
    countries.write_text(countries.read_text().replace("Kyrgyzstan", "Kyrgyz Republic"))
    lines: list[str] = []
    render([Edition(ISSUE, out)], options, explain=lines.append)
    executed = (out / "01_one.ipynb").read_text()
    assert f"REFERENCE {data.resolve() / 'reference'}" in executed
    assert "NAME Kyrgyz Republic" in executed
    record = json.loads((out / "run.json").read_text())
    assert record["reference_dir"] == str(data.resolve() / "reference")
    [entry] = record["notebooks"]
    assert f"{data.resolve()}/reference/countries.csv" in entry["library"]
    assert not any(name.startswith("data/reference/") for name in entry["library"])

    render([Edition(ISSUE, out)], options)
    assert _ran(out) == set()
    countries.write_text(countries.read_text().replace("Kyrgyz Republic", "Kirghizia"))
    lines.clear()
    render([Edition(ISSUE, out)], options, explain=lines.append)
    assert _ran(out) == {"01_one"}
    assert any(f"{data.resolve()}/reference/countries.csv" in line for line in lines), lines


def test_the_reference_variable_is_the_one_vocab_reads():
    from bulletin.data import vocab
    from bulletin.render import kernelboot

    assert kernelboot.REFERENCE_DIR_ENV == vocab.REFERENCE_DIR_ENV


def test_an_interrupt_is_an_exit_status_of_its_signal():
    assert plan.RenderInterrupted(signal.SIGTERM).status == 143
    assert plan.RenderInterrupted(signal.SIGINT).status == 130
    assert isinstance(plan.RenderInterrupted(signal.SIGINT), KeyboardInterrupt)


def test_a_render_finishes_an_import_interrupted_while_renaming(tmp_path: Path):
    """An import killed between its renames leaves a journal; the render finishes it first, so
    that the notebooks never read some tables new and others old."""
    from bulletin.core import files

    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    write_notebook(notebooks, "01_one", "print(open(data_dir + '/seizures_quarterly.csv').read())")
    new = (data / "seizures_quarterly.csv").read_text() + "UZB,2017,1,heroin,1.0,test,reconstructed\n"
    temp = data / f".seizures_quarterly.csv.x{files.TEMP_SUFFIX}"
    temp.write_text(new)
    (data / files.JOURNAL_NAME).write_text(
        json.dumps({"renames": [[temp.name, "seizures_quarterly.csv"]]})
    )
    result = bulletin(*_args(notebooks, data, "--out", str(tmp_path / "issue")), timeout=120)
    assert result.returncode == 0, result.stderr
    assert (data / "seizures_quarterly.csv").read_text() == new
    assert not (data / files.JOURNAL_NAME).exists() and not temp.exists()
    assert "UZB,2017,1,heroin" in (tmp_path / "issue" / "01_one.ipynb").read_text()
