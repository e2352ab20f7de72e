"""Read official publications into the project's tidy tables (``bulletin import``).

One module per format (``wdr_seizures``: WDR annex seizure tables; ...), with format detection
(``detect``), name mapping (``mapping``), unit conversion (``units``), provenance records
(``provenance``) and the import driver (``driver``). The command-line handler is ``command``.
"""

from bulletin.importers.base import FileReport, ImportRefusedError, Problem
from bulletin.importers.detect import ImportOptions
from bulletin.importers.driver import DEFAULT_SCOPE, ImportResult, format_summary, import_files

__all__ = [
    "DEFAULT_SCOPE",
    "FileReport",
    "ImportOptions",
    "ImportRefusedError",
    "ImportResult",
    "Problem",
    "format_summary",
    "import_files",
]
