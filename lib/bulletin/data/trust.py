"""Say where a set of rows came from and how far to trust them, in words for charts and tables.

Not to be confused with ``bulletin.data.importers.provenance``, which writes and reads the
provenance records of ``data/provenance/`` (which files a table's official rows came from);
this module reads those records only for the rows they flag (:func:`flagged_rows`).

Four statuses, in order of trust (data/README.md): ``official`` (published by UNODC or a national
statistical office), ``stated`` (transcribed from the bulletin's own text: not official, not made
by the project either), ``reconstructed`` (made by this project from the bulletin's statements and
the official rows around them) and ``estimate`` (a documented model).

Two things are computed here from the statuses of rows, never typed:

- **the basis of a claim** (:func:`claim_basis`, :func:`basis_of`): how a check of one of the
  bulletin's statements rests on the rows it used: ``official`` (checked against figures the
  project did not derive from the statement), ``stated`` (only the bulletin's own figures
  exist), ``reconstructed`` (the figures were made by the project, from this statement or others:
  not evidence) or ``mixed``. A reconstruction's ``source`` names the claims it rests on ("C2-C6");
  every reconstruction of ``bulletin.reconstruct`` names them, so a reconstructed row whose source
  names no claim rests on official figures alone (a year interpolated between two official years,
  or carried from one): not evidence either, but not circular;
- **the shares of a table's rows** (:func:`data_shares`): per status, the number of rows and,
  where the table has a quantity column (``kg``, ``count``), its sum, with their shares.

And which values of a series a reconstruction only carried or held flat
(:func:`repeated_reconstructed`): not a measure, never drawn.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bulletin.core.paths import data_folder
from bulletin.core.periods import STATEMENTS_ISSUE, Quarter
from bulletin.core.wording import describe_years, join_words
from bulletin.data.citations import source_line

if TYPE_CHECKING:  # pandas is imported where a function needs it: the pages import this module
    import pandas as pd

STATUS_WORDS = {
    "official": "official figures",
    "stated": "the bulletin's own figures, as its text states them, not official",
    "reconstructed": "reconstructed by this project where no figure is published, not official",
    "estimate": "estimates",
}
"""Each status in words, in order of trust (the order of the keys)."""

STATUS_LABELS = {
    "official": "official",
    "stated": "stated in the bulletin",
    "reconstructed": "reconstructed",
    "estimate": "estimate",
}
"""Each status as a short label (badges, table headers)."""

BASES = ("official", "stated", "reconstructed", "mixed")
"""The bases a claim's check can have (``claims.json``'s ``basis``)."""

BASIS_LABELS = {
    "official": "checked against official figures",
    "stated": "only the bulletin's own figures exist",
    "reconstructed": "reconstructed: not evidence",
    "mixed": "partly official",
}
"""Each basis as a short label, for badges beside a statement."""

BASIS_PHRASES = {
    "official": ("checked against official figures", "figures examined are official"),
    "stated": ("the bulletin's own figures",),
    "reconstructed": ("reconstructed",),
    "mixed": ("partly",),
}
"""Words one of which each basis's verdict contains (``report.record_claim`` checks them)."""

NOT_TESTABLE = "Not testable on public data"
"""How the verdict of a claim the data cannot test begins (its ``holds`` is null)."""

QUANTITY_COLUMNS = ("kg", "count")
"""Columns that hold a quantity whose sum means something (``value`` mixes units: left out)."""

_CLAIM = re.compile(r"\bC(\d+)(?:\s*[-–]\s*C?(\d+))?\b")


def describe_status(rows: pd.DataFrame, period_column: str | None = "year") -> str:
    """One sentence on the status of some rows, with the periods each status covers.

    >>> import pandas as pd
    >>> rows = pd.DataFrame({"year": [2015, 2016, 2017], "status": ["official", "official", "reconstructed"]})
    >>> print(describe_status(rows))
    Data status: official figures (2015-2016); reconstructed by this project where no figure is published, not official (2017).
    """
    if rows.empty:
        return "Data status: no data."
    parts = []
    for status in statuses(rows):
        words = STATUS_WORDS.get(status, status)
        if period_column and period_column in rows:
            periods = (
                rows.loc[rows["status"] == status, period_column].dropna().astype(int).tolist()
            )
            words += f" ({describe_years(periods)})"
        parts.append(words)
    return "Data status: " + "; ".join(parts) + "."


def describe_sources(rows: pd.DataFrame) -> str:
    """The publications some rows come from, as one 'Source:' line (:func:`~bulletin.data.citations.source_line`).

    >>> import pandas as pd
    >>> describe_sources(pd.DataFrame({"source": ["UNODC, World Drug Report 2024, statistical annex, table 7.1: x"]}))
    'Source: UNODC, World Drug Report 2024, annex table 7.1.'
    """
    return source_line(rows["source"].dropna())


def order_of_trust(status: str) -> int:
    """A status's place in the order of trust (unknown statuses last)."""
    order = list(STATUS_WORDS)
    return order.index(status) if status in order else len(order)


def statuses(rows: pd.DataFrame) -> list[str]:
    """The statuses present in some rows, in order of trust.

    >>> import pandas as pd
    >>> statuses(pd.DataFrame({"status": ["reconstructed", "stated", "official"]}))
    ['official', 'stated', 'reconstructed']
    """
    found = {str(s) for s in rows["status"].dropna().unique()}
    return sorted(found, key=lambda s: (order_of_trust(s), s))


def least_trusted(status: str) -> str:
    """The least trusted of the statuses a joined status names (``official+reconstructed``).

    >>> least_trusted("official+reconstructed"), least_trusted("stated"), least_trusted("")
    ('reconstructed', 'stated', '')
    """
    parts = [p for p in re.split(r"[^a-z]+", str(status)) if p]
    return max(parts, key=order_of_trust) if parts else ""


def is_reconstructed(status: str) -> bool:
    """Whether a (joined) status has any part made by the project: reconstructed or estimated.

    >>> is_reconstructed("official+reconstructed"), is_reconstructed("estimate"), is_reconstructed("stated")
    (True, True, False)
    """
    return least_trusted(status) in ("reconstructed", "estimate")


def repeated_reconstructed(values: Any, statuses: Any, rel_tol: float = 1e-9) -> list[bool]:
    """Which values of a series a reconstruction carried or held flat.

    The series is in order, one value per consecutive period. Carried or held flat: reconstructed
    values equal to the value before or after them, and runs of consecutive reconstructed values
    that stay within ``rel_tol`` of their mean (a share held flat moves a little when its counts
    are rounded to whole persons).

    Such values are not a measure: they are never drawn.

    >>> repeated_reconstructed([5.0, 5.0, 5.0, 7.0, 8.0],
    ...                        ["reconstructed"] * 3 + ["official", "reconstructed"])
    [True, True, True, False, False]
    >>> repeated_reconstructed([4.0, 4.0], ["reconstructed", "official"])
    [True, False]
    >>> repeated_reconstructed([0.300, 0.299, 0.301], ["reconstructed"] * 3, rel_tol=0.02)
    [True, True, True]
    """
    import pandas as pd  # the callers have it already; importing this module does not need it

    numbers = [float(v) if v is not None and not pd.isna(v) else math.nan for v in values]
    made = [is_reconstructed(str(s)) and not math.isnan(v)
            for s, v in zip(statuses, numbers, strict=True)]
    result = [False] * len(numbers)
    for i, value in enumerate(numbers):
        if made[i]:
            neighbours = [numbers[j] for j in (i - 1, i + 1) if 0 <= j < len(numbers)]
            result[i] = any(math.isclose(value, n, rel_tol=rel_tol, abs_tol=1e-9)
                            for n in neighbours if not math.isnan(n))
    start = 0
    while start < len(numbers):  # runs of reconstructed values held (nearly) flat
        end = start
        while end < len(numbers) and made[end]:
            end += 1
        run = numbers[start:end]
        if len(run) >= 2:
            mean = sum(run) / len(run)
            if max(run) - min(run) <= rel_tol * abs(mean) + 1e-9:
                result[start:end] = [True] * len(run)
        start = end + 1 if end == start else end
    return result


# --- the basis of a claim -----------------------------------------------------------------------


def claims_named(source: str) -> set[str]:
    """The claim ids a row's ``source`` names, ranges spelled out.

    >>> sorted(claims_named("reconstructed from the bulletin text (claims C2-C4, C9)"))
    ['C2', 'C3', 'C4', 'C9']
    >>> claims_named("UNODC, World Drug Report 2024, table 10.1")
    set()
    """
    named: set[str] = set()
    for match in _CLAIM.finditer(str(source)):
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        named |= {f"C{n}" for n in range(first, max(first, last) + 1)}
    return named


def _kind(status: str, source: str, claim_id: str) -> str:
    """What one row is to a claim's check (see :class:`Basis`)."""
    if status == "reconstructed":
        named = claims_named(source)
        if not named:
            return "reconstructed_from_official"
        return "reconstructed_from_claim" if claim_id in named else "reconstructed_other"
    return status if status in ("official", "stated", "estimate") else "estimate"


@dataclass(frozen=True)
class Basis:
    """How a check of a claim rests on the rows it used.

    ``rows`` counts them by kind: ``official``, ``stated``, ``reconstructed_from_claim`` (a
    reconstruction that names this claim), ``reconstructed_other`` (one that names only other
    claims), ``reconstructed_from_official`` (one that names no claim: made from official figures
    of other years alone) and ``estimate``.
    """

    claim_id: str
    basis: str
    rows: dict[str, int] = field(default_factory=dict)
    other_claims: tuple[str, ...] = ()

    @property
    def from_this_statement(self) -> bool:
        """Whether some of the rows were reconstructed from this very statement."""
        return self.rows.get("reconstructed_from_claim", 0) > 0

    def words(self, holds: bool | None = True) -> str:
        """The basis as one sentence, for the verdict."""
        total = sum(self.rows.values())
        if self.basis == "official":
            return "Checked against official figures."
        if self.basis == "stated" and not total:
            return "Only the bulletin's own figures exist: the data hold none for this statement."
        if self.basis == "stated":
            return (
                "Only the bulletin's own figures exist: the check is against the bulletin itself, "
                "not an independent source."
            )
        if self.basis == "reconstructed":
            if self.from_this_statement:
                return (
                    "Holds by construction: the figures were reconstructed from this statement."
                    if holds
                    else "The figures were reconstructed from this statement, and still do not "
                    "bear it out."
                )
            if self.other_claims:
                return (
                    "Not evidence: the figures were reconstructed by this project from other "
                    f"statements of the bulletin ({join_words(list(self.other_claims))}), not "
                    "published."
                )
            if self.rows.get("reconstructed_from_official"):
                return (
                    "Not evidence: the figures were reconstructed by this project from official "
                    "figures of other years (interpolated or carried), not published."
                )
            return "Not evidence: the figures are estimates or reconstructions, not published."
        parts = []
        for kind, words in (
            ("official", "official"),
            ("stated", "the bulletin's own figures"),
            ("reconstructed_from_claim", "reconstructed from this statement"),
            ("reconstructed_other", "reconstructed from other statements of the bulletin"),
            ("reconstructed_from_official", "reconstructed from official figures of other years"),
            ("estimate", "estimates"),
        ):
            count = self.rows.get(kind, 0)
            if count:
                parts.append(f"{words} ({count:,} of {total:,} figures)")
        return "Partly " + ", partly ".join(parts) + "."

    def examined_words(self) -> str:
        """The basis of a claim the data cannot test, as one sentence on the figures examined."""
        if self.basis == "official":
            return "The figures examined are official."
        if self.basis == "stated":
            if not sum(self.rows.values()):
                return "The data hold no figure for it: the bulletin's own figures are all there is."
            return "The figures examined are the bulletin's own figures, not official."
        if self.basis == "reconstructed":
            return "The figures examined are reconstructed by this project, not official."
        return "The figures examined are " + self.words()[0].lower() + self.words()[1:]


def basis_of(rows: pd.DataFrame, claim_id: str) -> Basis:
    """The basis of a claim's check, from the statuses (and sources) of the rows it used.

    Official rows alone: ``official``. The bulletin's own rows alone: ``stated``. No official row
    and some reconstructed ones: ``reconstructed`` (from this statement, or from others when every
    reconstruction names only other claims). Official rows beside any others, or the bulletin's
    own rows beside reconstructions of other statements: ``mixed``.

    Args:
        rows: the rows the check used (``status``; ``source`` to tell which statements a
            reconstruction rests on).
        claim_id: the claim, e.g. ``"C4"``.

    With no rows at all, the bulletin's own words are the only figures there are: ``stated``.
    """
    import pandas as pd

    if rows.empty:
        return Basis(claim_id, "stated", {})
    sources = rows["source"] if "source" in rows else pd.Series("", index=rows.index)
    kinds = [
        _kind(str(status), str(source), claim_id)
        for status, source in zip(rows["status"], sources.fillna(""), strict=True)
    ]
    counts = pd.Series(kinds).value_counts().to_dict()
    present = set(counts)
    others: set[str] = set()
    for status, source in zip(rows["status"], sources.fillna(""), strict=True):
        if status == "reconstructed":
            others |= claims_named(str(source)) - {claim_id}
    if present == {"official"}:
        basis = "official"
    elif present == {"stated"}:
        basis = "stated"
    elif "official" in present:
        basis = "mixed"
    elif "reconstructed_from_claim" in present or present <= {
        "reconstructed_other", "reconstructed_from_official", "estimate"
    }:
        basis = "reconstructed"
    else:
        basis = "mixed"
    ordered = sorted(others, key=lambda c: int(c[1:]))
    return Basis(claim_id, basis, {k: int(v) for k, v in counts.items()}, tuple(ordered))


def claim_basis(rows: pd.DataFrame, claim_id: str) -> str:
    """The basis of a claim's check: ``official``, ``stated``, ``reconstructed`` or ``mixed``.

    >>> import pandas as pd
    >>> rows = pd.DataFrame({"status": ["official", "reconstructed"],
    ...                      "source": ["WDR", "reconstructed from the bulletin (C6)"]})
    >>> claim_basis(rows, "C6"), claim_basis(rows.iloc[:1], "C6"), claim_basis(rows.iloc[1:], "C6")
    ('mixed', 'official', 'reconstructed')
    """
    return basis_of(rows, claim_id).basis


def claim_record(
    claim_id: str,
    statement: str,
    values: dict[str, Any],
    holds: bool | None,
    findings: str,
    rows: pd.DataFrame,
    not_testable: str = "",
    issue: Quarter = STATEMENTS_ISSUE,
) -> dict[str, Any]:
    """A claim check as ``report.record_claim`` takes it: basis computed, verdict in words.

    The verdict is the findings, then the basis in a sentence; a claim the data cannot test
    (``holds`` None) begins "Not testable on public data: <why>".

    Args:
        claim_id: the claim's id, e.g. ``"C4"``.
        statement: the bulletin's words.
        values: the values the check computed.
        holds: whether the data bear the statement out; None when they cannot test it.
        findings: what the data show, in one or two sentences.
        rows: the rows the check used (or, for an untestable claim, the rows it examined).
        not_testable: why the data cannot test it (with ``holds`` None).
        issue: the issue whose statement it is (pages quote it as that issue's words).
    """
    basis = basis_of(rows, claim_id)
    if holds is None:
        verdict = f"{NOT_TESTABLE}: {not_testable or 'the data hold nothing to test it on'}."
        verdict += f" {findings}" if findings else ""
        verdict += f" {basis.examined_words()}"
    else:
        verdict = f"{findings} {basis.words(holds)}".strip()
    return {
        "claim_id": claim_id,
        "statement": statement,
        "values": {**values, "basis_rows": dict(basis.rows)},
        "holds": None if holds is None else bool(holds),
        "verdict": verdict,
        "basis": basis.basis,
        "issue": issue.label,
    }


# --- shares of a table's rows by status ---------------------------------------------------------


def quantity_column(frame: pd.DataFrame) -> str | None:
    """The column of a table whose sum is a quantity (``kg``, ``count``), if any."""
    return next((c for c in QUANTITY_COLUMNS if c in frame), None)


def data_shares(frame: pd.DataFrame, quantity: str | None = None) -> dict[str, Any]:
    """What rows an analysis read, by status: how many, and how much of the quantity.

    Args:
        frame: the rows (with ``status``; ``year``, else ``date`` or ``start_date``, gives each
            status its years).
        quantity: the column to add up; default the table's ``kg`` or ``count`` if it has one.

    Returns:
        ``{"rows": n, "quantity": column or None, "quantity_total": sum or None, "statuses":
        {status: {"rows", "rows_pct", "quantity", "quantity_pct", "years"}}}``, statuses in order
        of trust; shares in per cent, rounded to 0.1.

    >>> import pandas as pd
    >>> shares = data_shares(pd.DataFrame({"kg": [3.0, 1.0], "status": ["official", "stated"]}))
    >>> shares["statuses"]["official"]["rows_pct"], shares["statuses"]["official"]["quantity_pct"]
    (50.0, 75.0)
    """
    import pandas as pd

    quantity = quantity if quantity is not None else quantity_column(frame)
    total_rows = len(frame)
    total = float(frame[quantity].sum()) if quantity and total_rows else None
    result: dict[str, Any] = {
        "rows": total_rows,
        "quantity": quantity,
        "quantity_total": None if total is None else round(total, 3),
        "statuses": {},
    }
    for status in statuses(frame) if total_rows else []:
        mine = frame[frame["status"] == status]
        entry: dict[str, Any] = {
            "rows": len(mine),
            "rows_pct": round(len(mine) / total_rows * 100, 1),
            "quantity": None,
            "quantity_pct": None,
            "years": "",
        }
        if quantity:
            part = float(mine[quantity].sum())
            entry["quantity"] = round(part, 3)
            entry["quantity_pct"] = round(part / total * 100, 1) if total else None
        when = next((c for c in ("year", "date", "start_date") if c in mine), None)
        if when is not None:
            text = mine[when].astype("string").str[:4]
            years = pd.to_numeric(text, errors="coerce").dropna().astype(int)
            entry["years"] = describe_years(sorted(set(years.tolist()))) if len(years) else ""
        result["statuses"][status] = entry
    return result


def describe_shares(record: dict[str, Any]) -> str:
    """A data record's shares in words: "official 60% of rows (75% of kg), reconstructed ...".

    >>> describe_shares({"rows": 2, "quantity": "kg", "statuses": {
    ...     "official": {"rows_pct": 50.0, "quantity_pct": 75.0},
    ...     "stated": {"rows_pct": 50.0, "quantity_pct": 25.0}}})
    'official 50% of rows (75% of kg); stated in the bulletin 50% of rows (25% of kg)'
    """
    parts = []
    for status, entry in record.get("statuses", {}).items():
        words = f"{STATUS_LABELS.get(status, status)} {_percent(entry['rows_pct'])} of rows"
        if record.get("quantity") and entry.get("quantity_pct") is not None:
            words += f" ({_percent(entry['quantity_pct'])} of {record['quantity']})"
        parts.append(words)
    return "; ".join(parts) if parts else "no rows"


def _percent(value: float) -> str:
    return f"{value:.0f}%" if math.isclose(value, round(value)) else f"{value:.1f}%"


# --- rows a publication flags as implausible ---------------------------------------------------


def flagged_rows(table: str, data_dir: Path | str) -> list[dict[str, Any]]:
    """The rows imports flagged as implausible in a table, kept as published, for the pages.

    Each is the flag of the table's provenance record (``key`` as the table's columns,
    ``values`` as the publication prints them, ``reason``, ``sheet`` and ``row`` of the file; see
    ``bulletin.data.importers.wdr_crimes_flags``) with the file's name and the publication's
    ``table`` added (``file``, ``publication``). A table without a record, or without flags,
    gives an empty list. ``data_dir`` is read as :func:`bulletin.data.tables.load_table` reads it
    (empty: the project's ``data/``).

    Raises:
        bulletin.data.importers.provenance.ProvenanceError: the record file is broken.
    """
    # Imported here: the importers bring the whole import machinery, which a notebook reading
    # tables does not need.
    from bulletin.data.importers.provenance import load_records

    return [
        {**flag, "file": record["file"], "publication": record.get("table", "")}
        for record in load_records(table, data_folder(data_dir))
        for flag in record.get("flagged", [])
    ]
