"""The data stage: the tidy tables of ``data/``, described once and checked at the door.

``vocab`` (the reference vocabularies), ``schemas`` (one schema per table), ``tables`` (read,
check and write a table), ``cases`` and ``cases_csv`` (the columnar path of ``seizure_cases``),
``trust`` (how far rows may be trusted, in words for charts and claims) and ``importers`` (the
official publications read into the tables, with their provenance records). Imports only
:mod:`bulletin.core`.
"""
