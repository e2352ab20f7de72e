"""The analyses, one module per notebook of the bulletin, and the series helpers they and the reconstructions share.

Imports :mod:`bulletin.publish` (charts, tables and records to show), :mod:`bulletin.data` and :mod:`bulletin.core`.

A module that holds both an analysis and its chart imports plotting (matplotlib, seaborn and the
house style of :mod:`bulletin.publish.charts`) in the functions that draw, not at its top:
``bulletin status`` reads every analysis's period and rows, draws nothing, and took a second
longer when importing an analysis imported matplotlib (issue 18). The modules of charts alone
(``*_charts``, ``route_map``) import it at their top.
"""
