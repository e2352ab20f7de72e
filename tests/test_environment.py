"""environment.yml (for conda users) and pyproject.toml name the same packages."""

from __future__ import annotations

import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10, which the README promises: tomli is the same parser (dev extra)
    import tomli as tomllib

from bulletin.core.paths import PROJECT_ROOT

# conda-forge names that differ from PyPI's.
CONDA_TO_PYPI = {"python-duckdb": "duckdb", "python-isal": "isal"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_and_pyproject_agree():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    pypi = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    conda = set()
    text = (PROJECT_ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        match = re.match(r"^  - ([A-Za-z0-9_.-]+[^:]*)$", line)
        if match and match.group(1) not in ("pip",):
            name = _name(match.group(1))
            conda.add(CONDA_TO_PYPI.get(name, name))
    conda.discard("python")
    # A package conda-forge does not have is installed by pip from environment.yml's pip list.
    pip_section = text.split("- pip:", 1)[1] if "- pip:" in text else ""
    for line in pip_section.splitlines():
        match = re.match(r"^\s+- ([A-Za-z0-9_.-]+)", line)
        if match and not line.strip().startswith("- -e"):
            conda.add(_name(match.group(1)))
    assert conda == pypi


def test_environment_installs_the_project_through_pip():
    text = (PROJECT_ROOT / "environment.yml").read_text()
    assert re.search(r"- pip:\n\s+- -e \.", text)
