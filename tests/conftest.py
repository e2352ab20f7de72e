"""Shared fixtures: the shipped data, the official samples, and rendered issues.

Rendering an issue executes every notebook, so each issue is rendered once per test session and
shared by the notebook, claim and figure tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bulletin.core.paths import DATA_DIR, NOTEBOOKS_DIR, OFFICIAL_DIR
from bulletin.core.periods import Quarter
from bulletin.render.api import render_issue


@pytest.fixture(scope="session")
def official_dir() -> Path:
    """The official publications beside the repository; tests that need them skip without them."""
    if not OFFICIAL_DIR.is_dir():
        pytest.skip(f"official samples not found at {OFFICIAL_DIR} (../shared/data/official/)")
    return OFFICIAL_DIR


def _render(tmp_path_factory: pytest.TempPathFactory, quarter: str) -> Path:
    out = tmp_path_factory.mktemp("reports") / Quarter.parse(quarter).label
    return render_issue(Quarter.parse(quarter), DATA_DIR, out, NOTEBOOKS_DIR)


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
