"""The bulletin's analyses: one module per analysis, plus the helpers they share.

Each page of the report has its analysis module (``seizures``, ``routes``, ``crime``, ``gbv``,
...), and the larger ones their ``_charts``, ``_claims`` (the checks of the bulletin's
statements) and page modules beside them. Shared by several analyses and by
``bulletin.reconstruct``: ``series`` (figures by country and year), ``indicators`` (the names of
``indicators.csv``) and ``notes`` (the one note under every table).
"""
