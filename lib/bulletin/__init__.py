"""Helper library of the reproducible edition of the UNODC Central Asia bulletin "Milestones".

Notebooks in ``notebooks/`` import this package; it reads and validates the tidy tables in
``data/``, computes each analysis, words the numbers, draws the charts and renders the issue.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bulletin")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
