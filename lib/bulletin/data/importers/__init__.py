"""Read official publications into the project's tidy tables (``bulletin import``).

One module per format (``wdr_seizures``: WDR annex seizure tables; ``unodc_series``: the annual
seizure series 1990-2019; ``wdr_crimes``: annex table 10.1 of the WDR 2022 and 2024, with its
editions' layouts in ``wdr_crimes_layouts`` and the figures it flags in ``wdr_crimes_flags``;
``ids``: individual drug seizures, with the lines its rows begin on in ``ids_lines`` and its
columns' conversion in ``ids_columns``, on dictionary columns (``dictionaries``); ``dataunodc``;
``sdg``), registered with their detection in ``formats``. Shared by them: format detection
(``detect``), zip archives checked against zip bombs (``archives``), workbooks' parts and first
rows (``xlsx_parts``) and sheets (``xlsxio``), text files (``textio``), name mapping
(``mapping``), unit conversion (``units``), what every importer returns (``base``). The import
itself: the driver (``driver``) merges each table's rows (``merging``) under the rule where
publications overlap (``precedence``), names the input's lines in refusals (``origins``) and
writes the provenance records (``provenance``: which files a table's official rows came from;
not to be confused with ``bulletin.data.trust``, which words how far rows may be trusted).
"""
