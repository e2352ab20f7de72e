"""The library's layout: packages by stage whose imports go one way, and modules of a readable size.

The contracts are in ``pyproject.toml`` (``[tool.importlinter]``) and the README's "Layout" section
draws them; ``make lint`` runs the same check (``lint-imports``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bulletin.core.paths import PROJECT_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli is the same parser (dev extra)
    import tomli as tomllib

LIBRARY = PROJECT_ROOT / "lib" / "bulletin"
STAGES = ["cli", "render", "reconstruct", "analyses", "publish", "data", "core"]
# "No module over about 500 lines" (issue 14): the check allows the "about".
MOST_LINES = 550


# In a process of its own: import-linter configures logging as it starts, which would disable the
# loggers of the modules already imported here (and the tests that read their messages).
_LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))"
)


def _check(config: Path) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", _LINT, str(config)], capture_output=True, text=True, timeout=300
    )
    return done.returncode, done.stdout + done.stderr


def test_the_import_contracts_hold():
    status, report = _check(PROJECT_ROOT / "pyproject.toml")
    assert status == 0, report
    assert "2 kept, 0 broken" in report


def test_the_contracts_name_every_package_of_the_library():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [layers] = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    packages = sorted(p.name for p in LIBRARY.iterdir() if (p / "__init__.py").is_file())
    assert layers == [f"bulletin.{stage}" for stage in STAGES]
    assert sorted(STAGES) == packages


def test_the_checker_finds_an_import_against_the_direction(tmp_path):
    # The same contract upside down: every real import now goes the wrong way, and must be found.
    reversed_layers = ",\n".join(f'    "bulletin.{stage}"' for stage in reversed(STAGES))
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "bulletin"\n\n[[tool.importlinter.contracts]]\n'
        f'name = "upside down"\ntype = "layers"\nlayers = [\n{reversed_layers},\n]\n'
    )
    status, report = _check(config)
    assert status != 0
    assert "bulletin.analyses" in report and "BROKEN" in report


def test_no_module_is_over_about_500_lines():
    sizes = {
        path.relative_to(LIBRARY).as_posix(): len(path.read_text().splitlines())
        for path in LIBRARY.rglob("*.py")
    }
    assert sizes, "no module found"
    assert {name: n for name, n in sizes.items() if n > MOST_LINES} == {}
