"""The analyses, one module per notebook of the bulletin, and the series helpers they and the reconstructions share.

Imports :mod:`bulletin.publish` (charts, tables and records to show), :mod:`bulletin.data` and :mod:`bulletin.core`.
"""
