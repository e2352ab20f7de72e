"""Foundations every stage uses: the project's folders, quarters and years, safe file writing, and numbers in words.

Imports nothing else of the library.
"""
