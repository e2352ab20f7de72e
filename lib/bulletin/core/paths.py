"""Where the project's folders are.

The package is installed in editable mode from the repository (see ``pyproject.toml``), so the
repository root is two levels above this file; every default path is derived from it.

A notebook's ``data_dir`` parameter is read with :func:`data_folder`: empty (its default) means
the project's ``data/`` wherever the notebook runs from, so that ``papermill`` and ``jupyter
nbconvert --execute`` work from any working directory.

The reference vocabularies in use are the project's ``data/reference/``, unless the environment
variable ``BULLETIN_REFERENCE_DIR`` names another folder: a data folder that has its own
``reference/`` brings its vocabularies that way (the renderer sets the variable for its kernels,
``bulletin import`` for itself; see :mod:`bulletin.data.vocab`).
"""

import contextvars
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
# The official publications kept byte for byte beside the repository (never copied into it).
OFFICIAL_DIR = PROJECT_ROOT.parent / "shared" / "data" / "official"

REFERENCE_DIR_ENV = "BULLETIN_REFERENCE_DIR"
"""Environment variable naming the reference folder in use (default: the project's)."""


_SCOPED_REFERENCE: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "bulletin_reference_dir", default=None
)


def data_folder(data_dir: Path | str = "") -> Path:
    """The folder of tidy tables a notebook's ``data_dir`` parameter names, as an absolute path.

    Empty (the notebooks' default) is the project's ``data/``, whatever the working directory; a
    relative path is taken from the working directory, as a path on a command line is (the
    kernel's: where ``papermill`` runs, or its ``--cwd``; in Jupyter, the notebook's folder);
    ``~`` is expanded. The renderer injects an absolute path, which is kept as it is.

    >>> data_folder("") == DATA_DIR
    True
    >>> str(data_folder("/srv/tables"))
    '/srv/tables'
    """
    text = str(data_dir).strip() if data_dir is not None else ""
    if not text:
        return DATA_DIR
    return Path(os.path.abspath(os.path.expanduser(text)))


def reference_dir() -> Path:
    """The reference folder in use.

    That is the one of :func:`reference_scope` around the call, else
    ``$BULLETIN_REFERENCE_DIR``, else the project's.
    """
    scoped = _SCOPED_REFERENCE.get()
    if scoped is not None:
        return scoped
    chosen = os.environ.get(REFERENCE_DIR_ENV)
    return Path(chosen) if chosen else REFERENCE_DIR


@contextmanager
def reference_scope(data_dir: Path | str) -> Iterator[Path]:
    """Within the block, use the reference folder that goes with ``data_dir``.

    That is its own, else the one in use: what reading a data folder's tables checks them
    against. Nothing outside the block (nor another thread) is affected.
    """
    token = _SCOPED_REFERENCE.set(reference_dir_of(data_dir))
    try:
        yield reference_dir()
    finally:
        _SCOPED_REFERENCE.reset(token)


def own_reference_dir(data_dir: Path | str) -> Path | None:
    """The reference folder a data folder brings (``<data_dir>/reference``), or None."""
    own = Path(data_dir) / "reference"
    return own if own.is_dir() else None


def reference_dir_of(data_dir: Path | str) -> Path:
    """The reference folder that goes with a data folder: its own, else the one in use."""
    return own_reference_dir(data_dir) or reference_dir()
