"""The note under a table: where its rows came from, how far to trust them, and what it marks.

Every page's tables carry the same note (``report.show_table``'s ``note``): the "Source:" line of
their rows, the "Data status:" line with the years each status covers
(:func:`bulletin.data.trust.describe_status`), the key to the marks of cells that are not official
when the table marks them (``*`` reconstructed, ``◆`` stated), then whatever a page adds (gaps
named, figures flagged on import). :func:`table_note` is that one note; an analysis passes only
what differs.
"""

from __future__ import annotations

import pandas as pd

from bulletin.data.trust import describe_sources, describe_status, least_trusted

STATUS_MARKS = {"reconstructed": "*", "estimate": "*", "stated": "◆"}
"""The mark a table cell carries when its figure is not official."""


def status_mark(status: str) -> str:
    """A cell's mark for its (joined) status: ``*`` reconstructed, ``◆`` stated, none official.

    >>> status_mark("official"), status_mark("official+reconstructed"), status_mark("stated")
    ('', '*', '◆')
    """
    return STATUS_MARKS.get(least_trusted(str(status)), "")


def marks_note(rows: pd.DataFrame) -> str:
    """The key to the marks a table of ``rows`` carries ("" when every figure is official)."""
    present = {least_trusted(s) for s in rows["status"].dropna().astype(str)}
    words = []
    if present & {"reconstructed", "estimate"}:
        words.append("* reconstructed, not official.")
    if "stated" in present:
        words.append("◆ stated in the bulletin's text, not official.")
    return " ".join(words)


def table_note(rows: pd.DataFrame, *details: str, marks: bool = False) -> str:
    """The note under a table of ``rows``: source, data status, key to the marks, details.

    Args:
        rows: the rows behind the table, with ``source`` and ``status`` (and ``year``, whose
            years the status line names for each status).
        *details: sentences the page adds after the status (gaps, flags); empty ones left out.
        marks: whether the table marks cells that are not official (:func:`status_mark`), so the
            note gives the key to the marks present.

    >>> rows = pd.DataFrame({"year": [2016, 2017], "status": ["official", "reconstructed"],
    ...                      "source": ["UNODC", "this project (C1)"]})
    >>> print(table_note(rows, marks=True))  # doctest: +NORMALIZE_WHITESPACE
    Source: UNODC; this project (C1). Data status: official figures (2016); reconstructed by this
    project where no figure is published, not official (2017). * reconstructed, not official.
    """
    parts = (describe_sources(rows), describe_status(rows), marks_note(rows) if marks else "", *details)
    return " ".join(part for part in parts if part)
