"""The data stage: vocabularies, the tables' schemas, loading and checking tables, the statuses of rows, and the importers of official publications.

Imports only :mod:`bulletin.core`.
"""
