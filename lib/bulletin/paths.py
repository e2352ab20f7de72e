"""Where the project's folders are.

The package is installed in editable mode from the repository (see ``pyproject.toml``), so the
repository root is two levels above this file; every default path is derived from it.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
# The official publications kept byte for byte beside the repository (never copied into it).
OFFICIAL_DIR = PROJECT_ROOT.parent / "shared" / "data" / "official"
