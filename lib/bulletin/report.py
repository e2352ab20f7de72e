"""What a notebook shows and records: sentences, tables, key figures and claims.

Key figures and claims are displayed as outputs of a private MIME type (with a plain-text
fallback for an analyst in JupyterLab). The renderer collects them from the executed notebook into
``figures.json`` and ``claims.json`` and leaves them out of the HTML page.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown, display

FIGURE_MIMETYPE = "application/vnd.bulletin.figure+json"
CLAIM_MIMETYPE = "application/vnd.bulletin.claim+json"
RECORD_MIMETYPES = (FIGURE_MIMETYPE, CLAIM_MIMETYPE)


def _plain(value: Any) -> Any:
    """Make numpy and pandas scalars JSON-friendly."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def record_figure(
    name: str, value: float | int | str | None, unit: str, period: str, status: str
) -> None:
    """Record a key figure of the analysis for ``figures.json``.

    Args:
        name: stable snake_case name, e.g. ``"seizures_cannabis_t"``.
        value: the figure.
        unit: its unit, e.g. ``"t"``, ``"kg"``, ``"%"``, ``"offences"``.
        period: the quarter or years it describes, e.g. ``"2017-Q1"`` or ``"2010-2016"``.
        status: the status of the data it comes from (``official``, ``reconstructed``, ...).
    """
    record = {
        "name": name,
        "value": _plain(value),
        "unit": unit,
        "period": period,
        "status": status,
    }
    text = f"figure {name} = {record['value']} {unit} ({period}, {status})"
    display({FIGURE_MIMETYPE: record, "text/plain": text}, raw=True)


def record_claim(
    claim_id: str, statement: str, values: dict[str, Any], holds: bool, verdict: str
) -> None:
    """Record the check of one of the bulletin's claims for ``claims.json``.

    Args:
        claim_id: the claim's id in ANALYSES.md, e.g. ``"C1"``.
        statement: the bulletin's words.
        values: the computed values the check used, by name.
        holds: whether the data support the statement.
        verdict: one sentence saying what the data show.
    """
    record = {
        "id": claim_id,
        "statement": statement,
        "values": _plain(values),
        "holds": bool(holds),
        "verdict": verdict,
    }
    text = f"claim {claim_id}: {'holds' if holds else 'DOES NOT HOLD'} - {verdict}"
    display({CLAIM_MIMETYPE: record, "text/plain": text}, raw=True)


def show_text(markdown: str) -> None:
    """Show a paragraph of Markdown on the page."""
    display(Markdown(markdown))


def format_table(frame: pd.DataFrame, caption: str, note: str = "", decimals: int = 1) -> str:
    """A table as HTML with a caption, header cells, and a note (source, data status) under it."""
    body = frame.to_html(
        index=False,
        border=0,
        classes="bulletin-table",
        float_format=lambda x: f"{x:,.{decimals}f}",
        na_rep="–",
        escape=True,
    )
    note_html = f'<p class="table-note">{html.escape(note)}</p>' if note else ""
    return (
        f'<figure class="bulletin-table"><figcaption>{html.escape(caption)}</figcaption>'
        f"{body}{note_html}</figure>"
    )


def show_table(frame: pd.DataFrame, caption: str, note: str = "", decimals: int = 1) -> None:
    """Show a table with its caption and note."""
    display(HTML(format_table(frame, caption, note, decimals)))
