"""What a notebook shows and records: sentences, tables, key figures and claims.

Key figures, claims and data records are displayed as outputs of private MIME types (with a
plain-text fallback for an analyst in JupyterLab). The renderer collects them from the executed
notebook into ``figures.json``, ``claims.json`` and ``run.json``; the page shows each claim where
it was recorded (statement, verdict and basis, made from the record by ``bulletin.publish.pages``) and
the data records in its footer, never the figures.

Facts travel as data: a table leaves the kernel as one output carrying both its HTML (for an
analyst in JupyterLab) and its facts under :data:`TABLE_MIMETYPE` (caption, note, data statuses,
the rendered grid and the CSV of its data); a chart does the same under :data:`CHART_MIMETYPE`
(``bulletin.publish.charts``). Pages, captions, downloads and the front page read those facts,
never the HTML or the sentences.

What readers see is made safe here, once: text is Markdown with any HTML in it escaped (a data
string such as ``<script>`` shows as text, never as markup, and links to ``javascript:`` are
disarmed), and tables escape every cell and header. Each table carries its data as a CSV link, whose cells a spreadsheet cannot run as formulas.
"""

from __future__ import annotations

import html
import math
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import mistune

from bulletin.core.files import neutralise_frame
from bulletin.core.numbers import (
    NO_FIGURE,
    NO_FIGURE_NOTE,
    SHARE_PLACES,
    round_half_up,
    source_precision,
    table_number,
)
from bulletin.core.periods import Quarter
from bulletin.data.trust import (
    BASES,
    BASIS_PHRASES,
    NOT_TESTABLE,
    STATUS_WORDS,
    data_shares,
    describe_shares,
    order_of_trust,
)

if TYPE_CHECKING:  # pandas is imported where a function needs it: the pages import this module
    import pandas as pd

FIGURE_MIMETYPE = "application/vnd.bulletin.figure+json"
CLAIM_MIMETYPE = "application/vnd.bulletin.claim+json"
DATA_MIMETYPE = "application/vnd.bulletin.data+json"
# The analysis's main point for the front page (main_point), stated by the notebook.
MAIN_POINT_MIMETYPE = "application/vnd.bulletin.main-point+json"
RECORD_MIMETYPES = (FIGURE_MIMETYPE, CLAIM_MIMETYPE, DATA_MIMETYPE, MAIN_POINT_MIMETYPE)
# A finished chart's facts (bulletin.publish.charts), beside its image/png in the same output.
CHART_MIMETYPE = "application/vnd.bulletin.chart+json"
# A table's facts, beside its text/html in the same output.
TABLE_MIMETYPE = "application/vnd.bulletin.table+json"
# Key of the project's own notebook metadata (the engine's parameters, a section of its own).
METADATA_KEY = "bulletin"
# Markdown to HTML with raw HTML escaped and harmful link protocols replaced.
_SAFE_MARKDOWN = mistune.create_markdown(escape=True)


def display(*objects: Any, **options: Any) -> None:
    """Show ``objects`` with IPython's ``display``, imported when first used.

    Kernels have IPython loaded; the pages, which import this module for its names, need none of it.
    """
    from IPython.display import display as ipython_display

    ipython_display(*objects, **options)


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
    name: str, value: float | int | str | None, unit: str, period: str, status: str,
    **details: Any,
) -> None:
    """Record a key figure of the analysis for ``figures.json``.

    Args:
        name: stable snake_case name, e.g. ``"seizures_cannabis_t"``.
        value: the figure.
        unit: its unit, e.g. ``"t"``, ``"kg"``, ``"%"``, ``"offences"``.
        period: the quarter or years it describes, e.g. ``"2017-Q1"`` or ``"2010-2016"``.
        status: the status of the data it comes from (``official``, ``reconstructed``, ...).
        **details: more about it, kept in its record: a country edition's figure carries its
            ``country``, rank and share (:mod:`bulletin.publish.editions`).
    """
    record = {
        "name": name,
        "value": _plain(value),
        "unit": unit,
        "period": period,
        "status": status,
        **{key: _plain(item) for key, item in details.items()},
    }
    text = f"figure {name} = {record['value']} {unit} ({period}, {status})"
    display({FIGURE_MIMETYPE: record, "text/plain": text}, raw=True)


def record_claim(
    claim_id: str,
    statement: str,
    values: dict[str, Any],
    holds: bool | None,
    verdict: str,
    basis: str,
    issue: str = "",
) -> None:
    """Record the check of one of the bulletin's claims for ``claims.json`` and its page.

    Args:
        claim_id: the claim's id in ANALYSES.md, e.g. ``"C1"``.
        statement: the bulletin's words.
        values: the computed values the check used, by name.
        holds: whether the data support the statement; None when the data cannot test it.
        verdict: what the data show, in words that say the basis
            (``bulletin.data.trust.claim_record`` writes it).
        basis: how the check rests on the rows it used: ``official``, ``stated``,
            ``reconstructed`` or ``mixed`` (``bulletin.data.trust.claim_basis``).
        issue: the issue whose statement it is, e.g. ``"2017-Q2"`` (pages quote the statement as
            that issue's words); empty when not known.

    Raises:
        ValueError: for an unknown basis, or a verdict that does not say its basis (or, for an
            untestable claim, that it is not testable).
    """
    if basis not in BASES:
        raise ValueError(f"{claim_id}: basis must be one of {', '.join(BASES)}, got {basis!r}")
    if holds is None and NOT_TESTABLE.lower() not in verdict.lower():
        raise ValueError(f"{claim_id}: an untestable claim's verdict must say {NOT_TESTABLE!r}")
    if not any(phrase in verdict.lower() for phrase in BASIS_PHRASES[basis]):
        raise ValueError(
            f"{claim_id}: the verdict must say its basis ({' or '.join(BASIS_PHRASES[basis])!r}): "
            f"{verdict!r}"
        )
    record = {
        "id": claim_id,
        "statement": statement,
        "values": _plain(values),
        "holds": None if holds is None else bool(holds),
        "basis": basis,
        "verdict": verdict,
    }
    if issue:
        record["issue"] = str(Quarter.parse(issue))
    said = {True: "holds", False: "DOES NOT HOLD", None: "NOT TESTABLE"}[record["holds"]]
    text = f"claim {claim_id} ({basis}): {said} - {verdict}"
    display({CLAIM_MIMETYPE: record, "text/plain": text}, raw=True)


class MainPoint(NamedTuple):
    """A main point: its sentence and the key figures (records) it rests on.

    The wording helpers of ``bulletin.publish.main_points`` return one; :func:`main_point` takes it.
    """

    sentence: str
    figures: tuple[Mapping[str, Any], ...] = ()


def main_point_record(
    point: str | MainPoint, figures: Iterable[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The record of a main point: its sentence, the figures it rests on and their statuses.

    Args:
        point: the sentence, or a :class:`MainPoint` (its own figures then).
        figures: the key figure records (as :func:`record_figure` takes them) the sentence rests on.

    Raises:
        ValueError: for an empty sentence.

    >>> main_point_record("Two tons.", [{"name": "t", "status": "official+reconstructed"}])
    {'sentence': 'Two tons.', 'figures': ['t'], 'statuses': ['official', 'reconstructed']}
    """
    if isinstance(point, MainPoint):
        point, figures = point.sentence, point.figures
    sentence = " ".join(str(point).split())
    if not sentence:
        raise ValueError("a main point needs a sentence")
    figures = list(figures)
    statuses: set[str] = set()
    for figure in figures:
        statuses |= split_statuses(str(figure.get("status", "")))
    return {
        "sentence": sentence,
        "figures": [str(figure.get("name", "")) for figure in figures],
        "statuses": order_statuses(statuses),
    }


def main_point(
    point: str | MainPoint | None, figures: Iterable[Mapping[str, Any]] = ()
) -> None:
    """State the analysis's main point: the one sentence the front page gives it.

    The front page takes it from here, with a link to the page and the status of the figures it
    rests on; a sentence resting on reconstructed (or estimated) figures must say "reconstructed"
    or it is left off the front page. Without figures, it rests on all the data the analysis
    shows. The page itself does not show it.

    Args:
        point: the sentence; or a :class:`MainPoint` made by a wording helper of
            ``bulletin.publish.main_points`` (which returns None when the figures it words are
            missing: then no point is stated).
        figures: the key figure records the sentence rests on (those given to
            :func:`record_figure`).
    """
    if point is None:
        return
    record = main_point_record(point, figures)
    made = set(record["statuses"]) & {"reconstructed", "estimate"}
    if made and "reconstructed" not in record["sentence"].lower():
        text = f"main point (left off the front page: reconstructed figures, not said): {record['sentence']}"
    else:
        text = f"main point: {record['sentence']}"
    display({MAIN_POINT_MIMETYPE: record, "text/plain": text}, raw=True)


def data_record(frame: pd.DataFrame, table: str, quantity: str | None = None) -> dict[str, Any]:
    """What an analysis read from one table, by status, as ``run.json`` keeps it.

    Args:
        frame: the rows the analysis used.
        table: the table they come from, e.g. ``"seizures_annual"``.
        quantity: the column to add up (default: the table's ``kg`` or ``count``, if any).
    """
    return _plain({"table": table, **data_shares(frame, quantity)})


def record_data(frame: pd.DataFrame, table: str, quantity: str | None = None) -> None:
    """Record which rows of a table the analysis used, and their shares by status.

    The renderer keeps the record in ``run.json`` (per notebook) and the front page's "About the
    data" shows its shares of rows (and of the quantity) that are official, stated and
    reconstructed.
    """
    record = data_record(frame, table, quantity)
    text = f"data {table}: {record['rows']} rows; {describe_shares(record)}"
    display({DATA_MIMETYPE: record, "text/plain": text}, raw=True)


def markdown_to_html(markdown: str) -> str:
    r"""Markdown as HTML, with any HTML in it escaped and ``javascript:`` links disarmed.

    >>> markdown_to_html("**5** <script>alert(1)</script>")
    '<p><strong>5</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n'
    """
    return _SAFE_MARKDOWN(markdown)


def show_text(markdown: str) -> None:
    """Show a paragraph of Markdown on the page; an empty one shows nothing.

    HTML in it is shown as text, never as markup.
    """
    if not markdown.strip():
        return
    display({"text/html": markdown_to_html(markdown), "text/plain": markdown}, raw=True)


def slug(text: str, fallback: str = "data") -> str:
    """A file-name-safe slug: ``slug("Seizures (tons), 2017")`` is ``"seizures-tons-2017"``."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:60].rstrip("-") or fallback


def csv_text(frame: pd.DataFrame) -> str:
    r"""A frame as the CSV text of a download, safe to open in a spreadsheet.

    Text cells a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
    return) are neutralised; numbers are written at the precision of their source, without the
    float artefacts of arithmetic (:func:`~bulletin.core.numbers.source_precision`).

    >>> import pandas as pd
    >>> csv_text(pd.DataFrame({"title": ["=1+1"], "t": [3.0071999999999997]}))
    "title,t\n'=1+1,3.0072\n"
    """
    import pandas as pd

    frame = frame.copy()
    for column in frame.columns:  # computed shares: two decimals, one more than the page shows
        if _is_percent(column) and pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].map(
                lambda v: v if pd.isna(v) else round_half_up(v, SHARE_PLACES + 1)
            )
    return neutralise_frame(frame).to_csv(index=False, float_format=source_precision)


def _is_percent(column: Any) -> bool:
    """Whether a column holds per cents: its header says "%" or its name ends in ``_pct``."""
    return "%" in str(column) or str(column).endswith("_pct")


def csv_link(csv: str, filename: str, label: str = "Download the data (CSV)") -> str:
    """A self-contained download link for some CSV text (a ``data:`` URI: no server needed)."""
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(csv, safe="")
    return (
        f'<p class="bulletin-download"><a href="{href}" download="{html.escape(filename)}">'
        f"{html.escape(label)}</a></p>"
    )


def _is_number_column(values: pd.Series) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _cell(value: Any, places: int, grouped: bool) -> str:
    """One cell as readers see it: numbers rounded and grouped, a missing value as the one mark."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return NO_FIGURE
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (float, np.floating)):
        return table_number(float(value), places, grouped)
    if isinstance(value, (int, np.integer)):
        return f"{value:,}" if grouped else str(value)
    return str(value)


def _column_places(column: Any, decimals: int) -> int:
    """Decimals of a column: shares and changes in per cent get one, others the table's."""
    return min(decimals, SHARE_PLACES) if _is_percent(column) else decimals


def _is_year_column(column: Any, values: pd.Series) -> bool:
    """Whether a column holds years (never given a thousands separator): whole numbers headed "year"."""
    import pandas as pd

    return "year" in str(column).lower() and pd.api.types.is_integer_dtype(values)


def table_html(frame: pd.DataFrame, decimals: int = 1, label: str = "") -> str:
    """A frame as an HTML table, every value escaped.

    Header cells with ``scope="col"``, numbers right-aligned (``class="num"``) and text
    left-aligned. Numbers are grouped by thousands (years never), shares and changes in per cent
    (a header with "%") have one decimal, and a missing value shows as
    :data:`~bulletin.core.numbers.NO_FIGURE`, never as zero. The table sits in a scrolling
    container (``table-scroll``) whose first column stays in view, so no column is ever cut off;
    the container can be scrolled from the keyboard (it takes the focus, named by ``label``).
    """
    numeric = [_is_number_column(frame[c]) for c in frame.columns]
    grouped = [not _is_year_column(c, frame[c]) for c in frame.columns]
    places = [_column_places(c, decimals) for c in frame.columns]
    number_class = ' class="num"'
    header = "".join(
        f'<th scope="col"{number_class if number else ""}>{html.escape(str(column))}</th>'
        for column, number in zip(frame.columns, numeric, strict=True)
    )
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = "".join(
            f"<td{number_class if number else ''}>"
            f"{html.escape(_cell(value, shown, group))}</td>"
            for value, number, group, shown in zip(values, numeric, grouped, places, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="table-scroll" tabindex="0" role="region" '
        f'aria-label="{html.escape(label or "Table", quote=True)}">'
        f'<table class="bulletin-table">\n<thead>\n<tr>{header}</tr>\n'
        f"</thead>\n<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table></div>"
    )


def split_statuses(field: str) -> set[str]:
    """The data statuses a record's status field names, joined or alone (``official+reconstructed``).

    Figure and claim records keep their statuses as one field; charts and tables carry theirs as a
    list (``statuses``). No sentence is read: a status sentence is written from the statuses,
    never the other way round.

    Raises:
        ValueError: when given words that are not a status field (a sentence, for one).

    >>> sorted(split_statuses("official+reconstructed"))
    ['official', 'reconstructed']
    >>> split_statuses("")
    set()
    """
    if not re.fullmatch(r"([a-z]+(\s*[+,/;&]\s*[a-z]+)*)?", field.strip()):
        raise ValueError(f"not a status field (statuses joined with '+'): {field!r}")
    return {s for s in re.split(r"[^a-z]+", field) if s in STATUS_WORDS}


def order_statuses(statuses: set[str] | list[str]) -> list[str]:
    """Statuses in order of trust: official, stated, reconstructed, estimate."""
    return sorted(set(statuses), key=lambda s: (order_of_trust(s), s))


def table_facts(
    frame: pd.DataFrame,
    caption: str,
    note: str = "",
    decimals: int = 1,
    statuses: list[str] | None = None,
) -> dict[str, Any]:
    """What a table's page needs, as data: caption, note, statuses, its grid and CSV.

    Args:
        frame: the table.
        caption: its caption.
        note: the sentence under it (source, data status).
        decimals: decimals of its numbers.
        statuses: the data statuses behind it (default: none; the note is never read for them).

    Returns:
        ``caption``, ``note``, ``statuses`` (in order of trust), ``html`` (the grid, every cell
        escaped), ``csv`` (its data; the note is said beside it, not on every row) and ``filename`` (of the download).
    """
    return {
        "caption": caption,
        "note": note,
        "statuses": order_statuses(statuses or []),
        "html": table_html(frame, decimals, caption),
        "csv": csv_text(frame),
        "filename": f"{slug(caption, 'table')}.csv",
    }


def table_figure_html(
    facts: dict[str, Any], number: int | None = None, download: str | None = None
) -> str:
    """A table as readers see it, from its facts (:func:`table_facts`).

    Its caption (numbered when ``number`` is given), grid, note and its data as a CSV download:
    ``download``'s HTML when given (a link to a file beside the page), else a link holding the CSV.
    """
    caption = html.escape(str(facts.get("caption", "")))
    note = str(facts.get("note", ""))
    if f">{NO_FIGURE}</td>" in str(facts.get("html", "")):
        note = f"{note} {NO_FIGURE_NOTE}".strip()
    note_html = f'<p class="table-note">{html.escape(note)}</p>' if note else ""
    where = ""
    if number is not None:
        where = f' id="table-{number}"'
        caption = f'<span class="bulletin-number">Table {number}.</span> {caption}'
    if download is None:
        download = csv_link(str(facts.get("csv", "")), str(facts.get("filename", "table.csv")))
    return (
        f'<figure class="bulletin-table"{where}><figcaption>{caption}</figcaption>'
        f"{facts.get('html', '')}{note_html}{download}</figure>"
    )


def show_table(
    frame: pd.DataFrame,
    caption: str,
    note: str = "",
    decimals: int = 1,
    statuses: list[str] | None = None,
) -> None:
    """Show a table with its caption and note, and its data as a CSV download.

    One output carries the table's HTML and its facts (:data:`TABLE_MIMETYPE`,
    :func:`table_facts`); the page numbers and places it from the facts.

    Args:
        frame: the table.
        caption: its caption.
        note: the sentence under it (source, data status).
        decimals: decimals of its numbers.
        statuses: the data statuses behind it, e.g. ``bulletin.data.trust.statuses(rows)`` of the
            rows behind it (default: none; the note is never read for them).
    """
    facts = table_facts(frame, caption, note, decimals, statuses)
    display(
        {"text/html": table_figure_html(facts), TABLE_MIMETYPE: facts, "text/plain": caption},
        raw=True,
    )
