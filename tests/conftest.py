"""Shared fixtures: the shipped data, the official samples, and rendered issues.

Rendering an issue executes every notebook, so each issue is rendered once per test session and
shared by the notebook, claim and figure tests: once for all of pytest-xdist's workers too (the
first to ask renders it under a lock, the others read its folder). Tests that change an issue
copy it first.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bulletin.cli.main import quiet_jsonschema

# As the renderer does: jsonschema's grammar of IRIs (a second to build when nbformat is first
# imported, in each of pytest-xdist's workers) checks nothing a notebook holds.
quiet_jsonschema()

from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR, OFFICIAL_DIR  # noqa: E402
from bulletin.core.periods import Quarter  # noqa: E402
from bulletin.render.api import render_issue  # noqa: E402
from bulletin.render.kernel_daemon import IDLE_ENV  # noqa: E402

# The renders of the tests share kernel servers (bulletin.render.kernel_daemon) as a user's renders
# do, but these end a minute after the last test, not five.
os.environ.setdefault(IDLE_ENV, "60")


@pytest.fixture(scope="session")
def official_dir() -> Path:
    """The official publications beside the repository; tests that need them skip without them."""
    if not OFFICIAL_DIR.is_dir():
        pytest.skip(f"official samples not found at {OFFICIAL_DIR} (../shared/data/official/)")
    return OFFICIAL_DIR


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every process of this test session sees: pytest-xdist's workers share it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def session_lock(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """Hold a lock of the whole session (all workers) named ``name``; yields the shared folder."""
    folder = shared_folder(tmp_path_factory)
    with open(folder / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _render(tmp_path_factory: pytest.TempPathFactory, quarter: str) -> Path:
    """The issue rendered from the shipped data, once per test session whatever the workers.

    The first worker that asks renders it; the others wait for it and read the same folder.
    """
    label = Quarter.parse(quarter).label
    with session_lock(tmp_path_factory, f"render-{label}") as shared:
        # A folder of its own: issues side by side would link each other (Next issue: ...).
        out = shared / f"shared-reports-{label}" / label
        if not (out / "run.json").is_file():  # published (an issue folder appears whole)
            render_issue(Quarter.parse(quarter), DATA_DIR, out, NOTEBOOKS_DIR)
    return out


@pytest.fixture(scope="session")
def rendered_2017q2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2017-Q2 issue rendered from the shipped data (its folder)."""
    return _render(tmp_path_factory, "2017Q2")


@pytest.fixture(scope="session")
def rendered_2017q1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2017-Q1 issue (data quarter 2016-Q4) rendered from the shipped data."""
    return _render(tmp_path_factory, "2017Q1")


@pytest.fixture(scope="session")
def rendered_2016q2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2016-Q2 issue (data quarter 2016-Q1) rendered from the shipped data."""
    return _render(tmp_path_factory, "2016Q2")


@pytest.fixture(scope="session")
def claims_2017q2(rendered_2017q2: Path) -> dict[str, dict]:
    """The claims of the 2017-Q2 issue, by id."""
    claims = json.loads((rendered_2017q2 / "claims.json").read_text())["claims"]
    return {claim["id"]: claim for claim in claims}


@pytest.fixture(scope="session")
def figures_2017q2(rendered_2017q2: Path) -> dict[str, dict]:
    """The key figures of the 2017-Q2 issue, by name."""
    return json.loads((rendered_2017q2 / "figures.json").read_text())["figures"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the modules with slow tests (renders, browsers) first, each module's tests in a row.

    Longest first: the workers that pytest-xdist's ``worksteal`` scheduling feeds (``make test``)
    then end with the short tests, which even out their last minutes, instead of one worker
    starting a long render while the other has nothing left. A module's tests stay in a row, so
    that a worker running them sets its module fixtures up once.
    """
    order: dict[str, int] = {}
    slow: set[str] = set()
    for item in items:
        order.setdefault(_module_of(item), len(order))
        if item.get_closest_marker("slow"):
            slow.add(_module_of(item))
    items.sort(key=lambda item: (_module_of(item) not in slow, order[_module_of(item)]))


def _module_of(item: pytest.Item) -> str:
    """The file a test item comes from, as its node id names it."""
    return item.nodeid.split("::", 1)[0]


@pytest.fixture(autouse=True)
def pyplot_figures_closed() -> Iterator[None]:
    """Close the figures a test opened in pyplot and left open (charts the analyses drew).

    pyplot keeps every figure until it is closed: a worker running hundreds of chart tests held
    them all, and warned past twenty. Figures of a module's fixtures, made before the test, stay
    open for the module's other tests.
    """
    pyplot = sys.modules.get("matplotlib.pyplot")
    before = set(pyplot.get_fignums()) if pyplot is not None else set()
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        for number in set(pyplot.get_fignums()) - before:
            pyplot.close(number)


@pytest.fixture(autouse=True)
def bulletin_variables_left_as_found() -> Iterator[None]:
    """Fail a test that leaves a ``BULLETIN_*`` environment variable changed.

    A leaked ``BULLETIN_REFERENCE_DIR`` made every later test of the same worker check tables
    against a test folder's vocabularies (one that knows a country 'XKX').
    """
    before = {k: v for k, v in os.environ.items() if k.startswith("BULLETIN_")}
    yield
    after = {k: v for k, v in os.environ.items() if k.startswith("BULLETIN_")}
    assert after == before, f"BULLETIN_* variables left changed: {before} -> {after}"


def _signal_state() -> tuple[object, ...]:
    """How this process takes SIGINT and SIGTERM: their handlers and whether they are blocked."""
    import signal

    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    return (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM),
            sorted(int(s) for s in blocked & {signal.SIGINT, signal.SIGTERM}))


@pytest.fixture(autouse=True)
def signals_left_as_found() -> Iterator[None]:
    """Fail a test that leaves SIGINT or SIGTERM handled or blocked otherwise than it found them.

    A process a later test starts inherits a blocked or ignored signal: a preview or a render
    started then would not stop on Ctrl-C.
    """
    before = _signal_state()
    yield
    after = _signal_state()
    assert after == before, f"SIGINT/SIGTERM left changed: {before} -> {after}"
