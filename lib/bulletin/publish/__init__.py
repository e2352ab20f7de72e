"""What readers see: charts, tables and the records notebooks display, the pages made from executed notebooks, the front page and their templates.

Imports only :mod:`bulletin.data` and :mod:`bulletin.core`; never an analysis.
"""
