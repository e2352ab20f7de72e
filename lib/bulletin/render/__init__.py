"""Rendering an issue: the parameters checked before any kernel starts, reuse of unchanged notebooks, kernels, parallel execution through papermill, assembling and publishing the issue's folder.

Imports every stage below it; only :mod:`bulletin.cli` imports it.
"""
