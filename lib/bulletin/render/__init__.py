"""Rendering an issue: every notebook through papermill, in parallel kernels, into published pages.

The stages of a render are modules of their own, run by :mod:`bulletin.render.engine`: ``plan``
(parameters and reuse, before any kernel), ``runners`` and ``execute`` (the notebooks, through
papermill with the ``bulletin`` engine of ``papermill_engine``), ``assemble`` (pages, records,
publishing). ``api`` holds the one-issue entry point, ``cli`` is one level up.
"""
