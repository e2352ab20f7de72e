"""Helper library of the reproducible edition of the UNODC Central Asia bulletin "Milestones".

Notebooks in ``notebooks/`` import this package; it reads and validates the tidy tables in
``data/``, computes each analysis, words the numbers, draws the charts and renders the issue.
"""

from __future__ import annotations

import functools


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed package's metadata when first asked for.

    Reading it (``importlib.metadata``, which scans the installed distributions) took a tenth of
    a second of every ``import bulletin``: every notebook's, every command's.
    """
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _installed_version() -> str:
    """The version pip installed, or ``0+unknown`` in a source tree that was never installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bulletin")
    except PackageNotFoundError:
        return "0+unknown"
