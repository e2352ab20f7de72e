"""Documented reconstructions of tables for which no public figures exist.

Each module rebuilds one table's reconstructed rows from the bulletin's statements and the
official rows around them, and states every rule it applies in its docstring. Run one as
``python -m bulletin.reconstruct.<table>``; re-running it reproduces the shipped rows exactly.
"""
