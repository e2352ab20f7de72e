"""The quarterly submission: the workbook the office fills each quarter, and what it holds.

``layout`` describes the workbook once (its sheets, columns, rules, allowed values and the issues
its figures appear in), for the writer and the reader alike; ``workbook`` writes the template
(``bulletin template``). The import that reads a filled workbook back is
``bulletin.data.importers.submission`` (``bulletin import``).
"""
