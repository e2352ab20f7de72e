"""What a notebook's output depends on, and whether its last output can be reused.

A notebook is executed again only when something it depends on changed since the output that
would be reused:

- its source (the cells' text and tags; not outputs or editor metadata);
- its parameters (the values injected);
- the data files it read (recorded by the kernel while it ran, see :mod:`bulletin.kernelboot`),
  by SHA-256 of their content; and the set of tables in the data folder, since a notebook may
  behave differently when a table it looked for appears;
- the library's code (every file of ``lib/bulletin/``, and the reference vocabularies of
  ``data/reference/``) and the versions of the packages that shape the output.

The outputs reused are the ones recorded in a previous ``run.json`` (see :mod:`bulletin.engine`);
:func:`decide` says for one notebook whether to run it, and why, in words.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from bulletin.parameters import cell_source
from bulletin.paths import PROJECT_ROOT, REFERENCE_DIR

LIBRARY_DIR = Path(__file__).resolve().parent
# The packages whose versions shape what a page shows.
PACKAGES = (
    "bulletin",
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "pandera",
    "mistune",
    "nbconvert",
    "nbclient",
    "nbformat",
    "ipykernel",
    "ipython",
    "jupyter_client",
    "papermill",
)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def notebook_sha256(nb: dict[str, Any]) -> str:
    """Fingerprint of a notebook's source: each cell's type, text and tags."""
    cells = [
        [cell.get("cell_type"), cell_source(cell), sorted(cell.get("metadata", {}).get("tags", []))]
        for cell in nb.get("cells", [])
    ]
    return text_sha256(json.dumps(cells, ensure_ascii=False))


@cache
def library_files() -> dict[str, str]:
    """SHA-256 of every file of the library and of the reference vocabularies, by path."""
    files: dict[str, str] = {}
    for folder, prefix in ((LIBRARY_DIR, "lib/bulletin"), (REFERENCE_DIR, "data/reference")):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files[f"{prefix}/{path.relative_to(folder).as_posix()}"] = file_sha256(path)
    return files


@cache
def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape the output, and Python's."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def library_sha256() -> str:
    """One fingerprint of the library's files and the package versions."""
    return text_sha256(json.dumps([library_files(), package_versions()], sort_keys=True))


def project_commit() -> dict[str, Any]:
    """The project's git commit, and whether the work tree had uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), *args], capture_output=True, text=True, timeout=10
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": dirty if commit else None}


class DataFiles:
    """Checksums of the files of one data folder, each computed once per render."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._sums: dict[str, str | None] = {}

    def sha256(self, relative: str) -> str | None:
        """The file's checksum, or None when it does not exist."""
        if relative not in self._sums:
            path = self.data_dir / relative
            self._sums[relative] = file_sha256(path) if path.is_file() else None
        return self._sums[relative]

    def tables(self) -> list[str]:
        """The table files at the top of the data folder."""
        return sorted(p.name for p in self.data_dir.glob("*.csv"))


@dataclass
class Decision:
    """Whether one notebook runs, and why (the words ``--explain`` prints)."""

    run: bool
    reason: str
    previous: dict[str, Any] | None = None
    previous_dir: Path | None = None


def _changed_library(previous_run: dict[str, Any]) -> str:
    old_files = previous_run.get("library_files", {})
    changed = sorted(
        name for name in set(old_files) | set(library_files())
        if old_files.get(name) != library_files().get(name)
    )
    old_versions = previous_run.get("packages", {})
    bumped = [
        f"{name} {old_versions.get(name)} -> {version}"
        for name, version in package_versions().items()
        if old_versions.get(name) != version
    ]
    parts = []
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        parts.append(f"the library changed ({shown})")
    if bumped:
        parts.append(f"package versions changed ({', '.join(bumped[:3])})")
    return "; ".join(parts) or "the library changed"


def decide(
    name: str,
    source_sha: str,
    parameters: dict[str, Any],
    data: DataFiles,
    candidates: list[tuple[Path, dict[str, Any]]],
    force: bool = False,
) -> Decision:
    """Run ``name`` again, or reuse its output from one of ``candidates``?

    Args:
        name: the notebook's stem.
        source_sha: :func:`notebook_sha256` of its current source.
        parameters: the values it is about to get.
        data: the data folder it reads from.
        candidates: (folder, run record) of previous renders whose outputs may be reused, the
            preferred first.
        force: run whatever the record says.
    """
    if force:
        return Decision(True, "--force")
    reasons = []
    for folder, previous_run in candidates:
        entry = next((e for e in previous_run.get("notebooks", []) if e.get("name") == name), None)
        if entry is None:
            continue
        if entry.get("status") != "ok":
            reasons.append(f"it failed last time ({entry.get('error', {}).get('summary', entry.get('status'))})")
            continue
        if not ((folder / f"{name}.html").is_file() and (folder / f"{name}.ipynb").is_file()):
            reasons.append(f"its last output is missing from {folder.name}/")
            continue
        if entry.get("source_sha256") != source_sha:
            reasons.append("its source changed")
            continue
        if entry.get("parameters") != parameters:
            old = entry.get("parameters", {})
            changed = sorted(k for k in set(old) | set(parameters) if old.get(k) != parameters.get(k))
            reasons.append(f"its parameters changed ({', '.join(changed)})")
            continue
        if previous_run.get("library_sha256") != library_sha256():
            reasons.append(_changed_library(previous_run))
            continue
        read = entry.get("data_read", {})
        changed_tables = sorted(f for f, sha in read.items() if data.sha256(f) != sha)
        if changed_tables:
            reasons.append(f"data it reads changed ({', '.join(changed_tables)})")
            continue
        appeared = sorted(set(data.tables()) - set(previous_run.get("tables_present", [])))
        if appeared:
            reasons.append(f"new tables in the data folder ({', '.join(appeared)})")
            continue
        read_names = ", ".join(sorted(read)) or "no data files"
        return Decision(
            False,
            f"reused from {folder.name}/: source, parameters, library and the data it reads "
            f"({read_names}) unchanged",
            entry,
            folder,
        )
    if not reasons:
        return Decision(True, "no previous output")
    return Decision(True, reasons[0])
