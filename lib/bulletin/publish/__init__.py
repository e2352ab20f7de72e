"""What readers see: the charts and tables notebooks show, with their facts as data, and the pages and front page made from them.

Imports only :mod:`bulletin.data` and :mod:`bulletin.core`; never an analysis.
"""
