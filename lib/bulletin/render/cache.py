"""What a notebook's output depends on, and whether its last output can be reused.

A notebook is executed again only when something it depends on changed since the output that
would be reused:

- its source (the cells' text and tags; not outputs or editor metadata);
- its parameters (the values injected);
- the files it read (recorded by the kernel while it ran, see :mod:`bulletin.render.kernelboot`), by
  SHA-256 of their content: the data folder's by name, any other by absolute path; and the set of
  tables in the data folder, since a notebook may behave differently when a table it looked for
  appears;
- the library's code it uses: the modules of ``lib/bulletin/`` its cells import, and the modules
  those import, followed through the library's own ``import`` statements; the modules that make
  its page (:mod:`bulletin.publish.pages`, :mod:`bulletin.render.engine` and what they import, the templates);
  the reference vocabularies the kernels read (``data/reference/``, or the data folder's own
  ``reference/``); and the versions of the packages that shape
  the output. An edit to an analysis module re-runs the notebooks that use it, not every one.
  When a module of that set imports modules by computed name (``importlib``), every file of the
  library counts instead.

The outputs reused are the ones recorded in a previous ``run.json`` (see :mod:`bulletin.render.engine`);
:func:`decide` says for one notebook whether to run it, and why, in words.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bulletin.core.files import write_atomic
from bulletin.core.paths import PROJECT_ROOT, REFERENCE_DIR
from bulletin.render.parameters import cell_source

LIBRARY_DIR = Path(__file__).resolve().parents[1]
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
    """SHA-256 of ``text`` (UTF-8), in hexadecimal."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def notebook_sha256(nb: dict[str, Any]) -> str:
    """Fingerprint of a notebook's source: each cell's type, text and tags."""
    cells = [
        [cell.get("cell_type"), cell_source(cell), sorted(cell.get("metadata", {}).get("tags", []))]
        for cell in nb.get("cells", [])
    ]
    return text_sha256(json.dumps(cells, ensure_ascii=False))


def reference_prefix(reference_dir: Path | None = None) -> str:
    """How the files of a reference folder are named in a fingerprint.

    By their path in the project (``data/reference``), or by absolute path when the folder is
    elsewhere.

    >>> reference_prefix()
    'data/reference'
    """
    folder = Path(os.path.realpath(reference_dir or REFERENCE_DIR))
    try:
        return folder.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return folder.as_posix()


def library_files(reference_dir: Path | None = None) -> dict[str, str]:
    """SHA-256 of every file of the library and of the reference vocabularies, by path.

    Args:
        reference_dir: the reference folder the kernels read (default: the project's).
    """
    folder = Path(os.path.realpath(reference_dir or REFERENCE_DIR))
    # The vocabularies are data and may change while a process runs (a test, a library caller):
    # they are hashed again whenever a file's size or time changed.
    return {**_folder_files(LIBRARY_DIR, "lib/bulletin", ()),
            **_folder_files(folder, reference_prefix(folder), _signature(folder))}


def _files_of(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [
        path for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]


def _signature(folder: Path) -> tuple:
    out = []
    for path in _files_of(folder):
        info = path.stat()
        out.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(out)


@cache
def _folder_files(folder: Path, prefix: str, signature: tuple) -> dict[str, str]:
    return {f"{prefix}/{path.relative_to(folder).as_posix()}": file_sha256(path) for path in _files_of(folder)}


VERSIONS_CACHE = "versions"
"""The user's cache of :func:`package_versions`, one file per Python interpreter."""


@cache
def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape the output, and Python's.

    Asked of :mod:`importlib.metadata` (importing it and parsing each package's metadata was a
    tenth of a warm render, issue 18) only when the installed packages may have changed: the
    answer is remembered in the user's cache with :func:`_installed_signature`, which changes
    whenever a package is installed, upgraded or removed. A cache that cannot be read or written
    only means asking again.
    """
    signature = _installed_signature()
    remembered = user_cache_dir(VERSIONS_CACHE) / f"{text_sha256(sys.executable)[:16]}.json"
    try:
        record = json.loads(remembered.read_text(encoding="utf-8"))
        versions = record["versions"]
        if record["signature"] == signature and set(versions) == {"python", *PACKAGES}:
            return {name: str(versions[name]) for name in ("python", *PACKAGES)}
    except (OSError, ValueError, TypeError, KeyError):
        pass
    versions = _metadata_versions()
    try:
        remembered.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(remembered, json.dumps({"signature": signature, "versions": versions}))
    except OSError:
        pass
    return versions


def _metadata_versions() -> dict[str, str]:
    """:func:`package_versions`, asked of :mod:`importlib.metadata` and :mod:`platform`."""
    import platform
    from importlib import metadata

    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _installed_signature() -> str:
    """What the installed packages' versions depend on: the interpreter and its import path.

    Each folder of ``sys.path`` that holds installed packages' metadata (``*.dist-info``,
    ``*.egg-info``) counts with its modification time: installing, upgrading or removing a
    package adds or removes such an entry, which changes the folder's time.
    """
    folders = []
    for entry in sys.path:
        folder = os.path.abspath(entry or os.curdir)
        try:
            names = os.listdir(folder)
            changed = os.stat(folder).st_mtime_ns
        except OSError:  # a zip, or a folder that does not exist
            continue
        if any(name.endswith((".dist-info", ".egg-info")) for name in names):
            folders.append([folder, changed])
    return text_sha256(json.dumps([sys.executable, sys.version, list(PACKAGES), folders]))


def library_sha256(reference_dir: Path | None = None) -> str:
    """One fingerprint of the library's files, the reference vocabularies and package versions."""
    return text_sha256(json.dumps([library_files(reference_dir), package_versions()], sort_keys=True))


@cache
def _library_modules() -> dict[str, Path]:
    """Every module of the library, by dotted name, listed once per process.

    Once, as :func:`library_files` hashes the library's files once per process: a render's plan
    asks for a module's file some 1,700 times, and a look at the disk each time was a third of a
    warm render (issue 18). A module ``x.py`` wins over a package ``x/``, as it always did here.
    """
    modules: dict[str, Path] = {}
    for path in _files_of(LIBRARY_DIR):
        if path.suffix != ".py":
            continue
        parts = path.relative_to(LIBRARY_DIR).with_suffix("").parts
        if parts[-1] == "__init__":
            modules.setdefault(".".join(("bulletin", *parts[:-1])), path)
        else:
            modules[".".join(("bulletin", *parts))] = path
    return modules


def _module_file(module: str) -> Path | None:
    return _library_modules().get(module)


@cache
def _module_keys() -> dict[str, str]:
    """Each library module's file as :func:`library_files` names it (``lib/bulletin/...``)."""
    return {module: f"lib/bulletin/{path.relative_to(LIBRARY_DIR).as_posix()}"
            for module, path in _library_modules().items()}


def imported_modules(source: str, package: str = "bulletin") -> tuple[set[str], bool]:
    r"""The ``bulletin`` modules a piece of code imports, and whether it imports by computed name.

    >>> sorted(imported_modules("from bulletin.publish import report\nimport pandas")[0])
    ['bulletin', 'bulletin.publish', 'bulletin.publish.report']
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), True
    found: set[str] = set()
    dynamic = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: max(1, len(package.split(".")) - (node.level - 1))]
                base = ".".join(parent + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and (
            isinstance(node.func, ast.Name) and node.func.id in ("__import__", "import_module")
            or isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"
        ):
            dynamic = True
            continue
        else:
            continue
        for name in names:
            if name == "bulletin" or name.startswith("bulletin."):
                parts = name.split(".")
                for i in range(1, len(parts) + 1):  # a module's packages are imported too
                    if _module_file(".".join(parts[:i])) is not None or i == 1:
                        found.add(".".join(parts[:i]))
    return found, dynamic


def user_cache_dir(kind: str) -> Path:
    """A folder of the user's cache for the renderer: ``$XDG_CACHE_HOME/bulletin/<kind>``."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "bulletin" / kind


IMPORTS_CACHE = "imports"
"""The user's cache of what each library module imports, by the SHA-256 of its text."""


@cache
def _module_imports(module: str) -> tuple[frozenset[str], bool]:
    """What a library module imports: parsed once per text, remembered across runs.

    Parsing the ~70 modules a notebook's page depends on was most of a warm render (issue 18).
    """
    path = _module_file(module)
    if path is None:
        return frozenset(), False
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return _remembered_imports(path.read_text(encoding="utf-8"), package, module)


def _remembered_imports(text: str, package: str, name: str) -> tuple[frozenset[str], bool]:
    """:func:`imported_modules` of ``text``, remembered in the user's cache.

    The answer depends on the text, its name and package, and on which modules the library has
    (an import names a module only if its file exists): all four make the key, so a module added
    since is seen at once. A cache that cannot be read or written only means parsing again.
    """
    key = text_sha256(json.dumps([name, package, text, sorted(_library_modules())]))
    remembered = user_cache_dir(IMPORTS_CACHE) / f"{key}.json"
    try:
        found, dynamic = json.loads(remembered.read_text(encoding="utf-8"))
        return frozenset(found), bool(dynamic)
    except (OSError, ValueError, TypeError):
        pass
    parsed, dynamic = imported_modules(text, package)
    try:
        remembered.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(remembered, json.dumps([sorted(parsed), dynamic]))
    except OSError:
        pass
    return frozenset(parsed), dynamic


def library_closure(modules: set[str]) -> tuple[set[str], bool]:
    """``modules`` and every library module they import, directly or not.

    Returns:
        The modules, and whether any of them imports by computed name.
    """
    seen: set[str] = set()
    dynamic = False
    todo = list(modules)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        imports, computed = _module_imports(module)
        dynamic = dynamic or computed
        todo.extend(imports - seen)
    return seen, dynamic


def full_library(reference_dir: Path | None = None) -> dict[str, str]:
    """Every file of the library and every package version, as :func:`notebook_library` gives."""
    return {**library_files(reference_dir), **{f"package {k}": v for k, v in package_versions().items()}}


PAGE_MODULES = {"bulletin", "bulletin.publish.pages", "bulletin.publish.report"}
"""What makes every page, whatever the notebook (with :data:`RENDER_MODULES`)."""
RENDER_MODULES = {"bulletin.render.execute", "bulletin.render.papermill_engine"}
"""The renderer's modules a notebook's output depends on: they inject its parameters, run its
kernel and write its failure page."""


def notebook_library(code: str, reference_dir: Path | None = None) -> dict[str, str]:
    """The library files (path -> SHA-256) a notebook's output depends on, and the packages.

    Args:
        code: the notebook's code cells, joined.
        reference_dir: the reference vocabularies its kernel reads (default: the project's).
    """
    modules, dynamic = _remembered_imports(code, "bulletin", "notebook")
    closure, computed = library_closure(modules | PAGE_MODULES)
    closure |= RENDER_MODULES
    if dynamic or computed:
        return full_library(reference_dir)
    keys = _module_keys()
    paths = {keys[module] for module in closure if module in keys}
    reference = reference_prefix(reference_dir) + "/"
    chosen = {
        name: sha for name, sha in library_files(reference_dir).items()
        if name in paths or name.startswith(("lib/bulletin/publish/templates/", reference))
    }
    chosen.update({f"package {k}": v for k, v in package_versions().items()})
    return chosen


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
        """Checksums of the files of ``data_dir``, none computed yet."""
        self.data_dir = Path(data_dir)
        self._sums: dict[str, str | None] = {}

    def sha256(self, relative: str) -> str | None:
        """The file's checksum, or None when it does not exist (or cannot be read).

        ``relative`` names a file of the data folder, or any file by its absolute path.
        """
        if relative not in self._sums:
            path = self.data_dir / relative  # an absolute path stays itself
            try:
                self._sums[relative] = file_sha256(path) if path.is_file() else None
            except OSError:
                self._sums[relative] = None
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


def _changed_library(old: dict[str, str], new: dict[str, str]) -> str:
    names = sorted(n for n in set(old) | set(new) if old.get(n) != new.get(n))
    changed = [n for n in names if n.startswith("lib/")]
    vocabularies = [n for n in names if not n.startswith(("lib/", "package "))]
    bumped = [f"{n[8:]} {old.get(n)} -> {new.get(n)}" for n in names if n.startswith("package ")]
    parts = []
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        parts.append(f"the library changed ({shown})")
    if vocabularies:
        shown = ", ".join(vocabularies[:3]) + (f" and {len(vocabularies) - 3} more" if len(vocabularies) > 3 else "")
        parts.append(f"the reference vocabularies changed ({shown})")
    if bumped:
        parts.append(f"package versions changed ({', '.join(bumped[:3])})")
    return "; ".join(parts) or "the library changed"


def _why_not_reused(
    name: str,
    folder: Path,
    entry: dict[str, Any],
    source_sha: str,
    parameters: dict[str, Any],
    library: dict[str, str],
) -> str | None:
    """Why a notebook's last output in ``folder`` cannot be reused, as far as the notebook goes.

    ``entry`` is its record in the folder's run record; None when nothing of the notebook changed.
    """
    if entry.get("status") != "ok":
        return f"it failed last time ({entry.get('error', {}).get('summary', entry.get('status'))})"
    if not ((folder / f"{name}.html").is_file() and (folder / f"{name}.ipynb").is_file()):
        return f"its last output is missing from {folder.name}/"
    if entry.get("source_sha256") != source_sha:
        return "its source changed"
    if entry.get("parameters") != parameters:
        old = entry.get("parameters", {})
        changed = sorted(k for k in set(old) | set(parameters) if old.get(k) != parameters.get(k))
        return f"its parameters changed ({', '.join(changed)})"
    if entry.get("library") != library:
        return _changed_library(entry.get("library") or {}, library)
    return None


def _data_changed(entry: dict[str, Any], data: DataFiles, previous_run: dict[str, Any]) -> str | None:
    """Which files a notebook read changed since its last run, or which tables appeared."""
    read = entry.get("data_read", {})
    changed = sorted(f for f, sha in read.items() if data.sha256(f) != sha)
    changed_tables = [f for f in changed if not os.path.isabs(f)]
    changed_elsewhere = [f for f in changed if os.path.isabs(f)]
    if changed_tables:
        return f"data it reads changed ({', '.join(changed_tables)})"
    if changed_elsewhere:
        return f"files it reads outside the data folder changed ({', '.join(changed_elsewhere)})"
    appeared = sorted(set(data.tables()) - set(previous_run.get("tables_present", [])))
    if appeared:
        return f"new tables in the data folder ({', '.join(appeared)})"
    return None


def decide(
    name: str,
    source_sha: str,
    parameters: dict[str, Any],
    data: DataFiles,
    candidates: list[tuple[Path, dict[str, Any]]],
    force: bool = False,
    library: dict[str, str] | None = None,
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
        library: the library files and package versions it depends on
            (:func:`notebook_library`; by default, every file of the library).
    """
    if library is None:
        library = full_library()
    if force:
        return Decision(True, "--force")
    reasons = []
    for folder, previous_run in candidates:
        entry = next((e for e in previous_run.get("notebooks", []) if e.get("name") == name), None)
        if entry is None:
            continue
        reason = _why_not_reused(name, folder, entry, source_sha, parameters, library)
        if reason is None:
            reason = _data_changed(entry, data, previous_run)
        if reason is not None:
            reasons.append(reason)
            continue
        read = entry.get("data_read", {})
        read_names = ", ".join(sorted(read)) or "no data files"  # data files by name, others by path
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
