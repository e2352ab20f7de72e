"""Read official publications into the project's tidy tables (``bulletin import``).

One module per format (``wdr_seizures``: WDR annex seizure tables; ``unodc_series``: the annual
seizure series 1990-2019; ``wdr_crimes``: annex table 10.1 of the WDR 2022 and 2024; ``ids``:
individual drug seizures; ``dataunodc``; ``sdg``), registered with their detection in
``formats``, with format detection (``detect``), workbooks and zip archives (``xlsxio``), text
files (``textio``), name mapping (``mapping``), unit conversion (``units``), the rule where
publications overlap (``precedence``), provenance records (``provenance``) and the import driver
(``driver``). The command-line handler is ``command``.
"""

from bulletin.data.importers.base import FileReport, ImportRefusedError
from bulletin.data.importers.detect import ImportOptions
from bulletin.data.importers.driver import DEFAULT_SCOPE, ImportResult, format_summary, import_files

__all__ = [
    "DEFAULT_SCOPE",
    "FileReport",
    "ImportOptions",
    "ImportRefusedError",
    "ImportResult",
    "format_summary",
    "import_files",
]
