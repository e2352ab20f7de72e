"""What changed between two issues: figures revised, moved on, new and gone; claims whose check changed.

Two rendered issues are compared through what they wrote as data, ``figures.json`` and
``claims.json`` (never their pages). A figure is known by its name; its ``period`` says what time
it describes. The rules, as an analyst reads two issues side by side:

- **Revised**: both issues give the figure *for the same period* and the values differ at the
  precision given (or one of them gives no value for it). The same figure for the same time, said
  differently: the rows behind it were revised (official rows replacing reconstructed ones, a new
  edition of a publication), or the way it is computed changed. A figure whose name fixes its
  period (``gbv_police_cases_2014``) or whose window did not move (``2010-2016``) can only change
  this way. Periods are compared as written, quarters in either spelling (``2017Q1`` is
  ``2017-Q1``) and spaces aside.
- **Moved on**: the period differs (the quarter moved on, a window of years was extended). Its
  values are not a revision, whatever they are: the later issue does not restate the earlier
  period, so nothing is known of a revision of it (``figures.json`` holds one period per name).
- **Relabelled**: the same period and value, but the unit or the status of the data changed
  (rows that were reconstructed are now official).
- **New** / **gone**: a name in the later issue only / in the earlier only.

Numbers are compared at the precision given: two values are the same when the more precise,
rounded half up to the decimals of the less precise, equals it (11.908 and 3.75 are 11.9 and 3.8
at one decimal; 11.96 is not 11.9; ``14467.0`` is ``14467``; 1.5 is not 1). Text is compared as written,
spaces at the ends aside; a missing value (null, NaN) equals only another missing value.

A claim is known by its id: it is **changed** when whether it holds, its basis or its verdict in
words changed; **new** and **gone** as figures.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

from bulletin.core.periods import Quarter

FIGURES_FILE = "figures.json"
CLAIMS_FILE = "claims.json"
_QUARTER_TEXT = re.compile(r"^\d{4}-?Q[1-4]$", re.IGNORECASE)


class IssueRecordsError(ValueError):
    """An issue's ``figures.json`` or ``claims.json`` that cannot be read (the message names it)."""


@dataclass(frozen=True)
class Figure:
    """One key figure as an issue gives it."""

    value: Any
    unit: str
    period: str | None
    status: str
    notebook: str


@dataclass(frozen=True)
class FigureChange:
    """A figure of either issue, as the comparison found it.

    Attributes:
        name: the figure's name.
        before: as the earlier issue gives it (None: new).
        after: as the later issue gives it (None: gone).
        changed: what differs, in order: ``value``, ``period``, ``unit``, ``status``.
    """

    name: str
    before: Figure | None
    after: Figure | None
    changed: tuple[str, ...] = ()

    @property
    def relative_change(self) -> float | None:
        """The change of a numeric value as a share of the earlier one (None if not numeric)."""
        old = as_number(self.before.value) if self.before else None
        new = as_number(self.after.value) if self.after else None
        if old is None or new is None or old == 0:
            return None
        return float(abs(new - old) / abs(old))


@dataclass(frozen=True)
class ClaimChange:
    """A claim of either issue whose check changed (or which is new, or gone)."""

    id: str
    statement: str
    notebook: str
    holds_before: bool | None = None
    holds_after: bool | None = None
    basis_before: str | None = None
    basis_after: str | None = None
    verdict_before: str | None = None
    verdict_after: str | None = None
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssueDiff:
    """Two issues compared: the earlier's label, the later's, and what changed, each list by name."""

    earlier: str
    later: str
    revised: tuple[FigureChange, ...]
    moved_on: tuple[FigureChange, ...]
    relabelled: tuple[FigureChange, ...]
    new: tuple[FigureChange, ...]
    gone: tuple[FigureChange, ...]
    unchanged: int
    claims_changed: tuple[ClaimChange, ...]
    claims_new: tuple[ClaimChange, ...]
    claims_gone: tuple[ClaimChange, ...]
    claims_unchanged: int

    @property
    def biggest_revisions(self) -> list[FigureChange]:
        """The revisions, the largest relative change first (then the others, by name)."""
        return sorted(self.revised, key=lambda c: (-(c.relative_change or 0.0),
                                                   c.relative_change is None, c.name))

    def counts(self) -> dict[str, int]:
        """How many figures and claims fall in each group."""
        return {
            "revised": len(self.revised), "moved_on": len(self.moved_on),
            "relabelled": len(self.relabelled), "new": len(self.new), "gone": len(self.gone),
            "unchanged": self.unchanged, "claims_changed": len(self.claims_changed),
            "claims_new": len(self.claims_new), "claims_gone": len(self.claims_gone),
            "claims_unchanged": self.claims_unchanged,
        }


# --- values and periods -------------------------------------------------------------------------


def as_number(value: Any) -> Decimal | None:
    """A number as written (its decimals kept), or None for text, booleans and missing values."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def same_value(a: Any, b: Any) -> bool:
    """Whether two values of a figure are the same at the precision given (see the module).

    >>> same_value(11.9, 11.908), same_value(11.9, 11.96), same_value(14467.0, 14467), same_value(1, 1.5)
    (True, False, True, False)
    >>> same_value("KGZ;TJK", "KGZ;TJK "), same_value(None, float("nan")), same_value(None, 0)
    (True, True, False)
    """
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    first, second = as_number(a), as_number(b)
    if first is not None and second is not None:
        step = Decimal(1).scaleb(-min(_places(first), _places(second)))
        with localcontext() as context:
            context.prec = 400  # every digit a float can have (1e308)
            return first.quantize(step, ROUND_HALF_UP) == second.quantize(step, ROUND_HALF_UP)
    if first is not None or second is not None:
        return False
    return str(a).strip() == str(b).strip()


def same_period(a: str | None, b: str | None) -> bool:
    """Whether two periods are the same: quarters in either spelling, spaces aside.

    >>> same_period("2017Q1", "2017-Q1"), same_period("2010 - 2016", "2010-2016"), same_period("2016", "2017")
    (True, True, False)
    """
    return _normal_period(a) == _normal_period(b)


def _normal_period(period: str | None) -> str | None:
    if period is None:
        return None
    text = re.sub(r"\s+", "", str(period))
    return Quarter.parse(text).label if _QUARTER_TEXT.match(text) else text


# --- comparing ---------------------------------------------------------------------------------


def _figure(record: dict[str, Any]) -> Figure:
    period = record.get("period")
    return Figure(record.get("value"), str(record.get("unit", "")),
                  None if period is None else str(period), str(record.get("status", "")),
                  str(record.get("notebook", "")))


def _differences(before: Figure, after: Figure) -> tuple[str, ...]:
    checks = (
        ("value", not same_value(before.value, after.value)),
        ("period", not same_period(before.period, after.period)),
        ("unit", before.unit.strip() != after.unit.strip()),
        ("status", before.status != after.status),
    )
    return tuple(what for what, differs in checks if differs)


def compare_figures(earlier: dict[str, dict[str, Any]], later: dict[str, dict[str, Any]]
                    ) -> dict[str, Any]:
    """Two issues' figures (``figures.json``'s ``figures``) compared, each group sorted by name.

    Returns:
        ``revised``, ``moved_on``, ``relabelled``, ``new``, ``gone`` (lists of
        :class:`FigureChange`) and ``unchanged`` (a count).
    """
    groups: dict[str, Any] = {key: [] for key in ("revised", "moved_on", "relabelled", "new", "gone")}
    groups["unchanged"] = 0
    for name in sorted(set(earlier) | set(later)):
        if name not in earlier:
            groups["new"].append(FigureChange(name, None, _figure(later[name])))
            continue
        if name not in later:
            groups["gone"].append(FigureChange(name, _figure(earlier[name]), None))
            continue
        before, after = _figure(earlier[name]), _figure(later[name])
        changed = _differences(before, after)
        change = FigureChange(name, before, after, changed)
        if not changed:
            groups["unchanged"] += 1
        elif "period" in changed:
            groups["moved_on"].append(change)
        elif "value" in changed:
            groups["revised"].append(change)
        else:
            groups["relabelled"].append(change)
    return groups


def _claim_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> ClaimChange:
    either = after if after is not None else before
    assert either is not None
    old, new = before or {}, after or {}
    changed = tuple(
        what for what in ("holds", "basis", "verdict")
        if before is not None and after is not None and old.get(what) != new.get(what)
    )
    return ClaimChange(
        str(either["id"]), str(either.get("statement", "")), str(either.get("notebook", "")),
        old.get("holds"), new.get("holds"), old.get("basis"), new.get("basis"),
        old.get("verdict"), new.get("verdict"), changed,
    )


def _claim_order(claim_id: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", claim_id)
    return (int(digits) if digits else 0, claim_id)


def compare_claims(earlier: list[dict[str, Any]], later: list[dict[str, Any]]) -> dict[str, Any]:
    """Two issues' claims (``claims.json``'s ``claims``) compared, in claim order (C1, C2, ... C10).

    Returns:
        ``changed``, ``new``, ``gone`` (lists of :class:`ClaimChange`) and ``unchanged`` (a count).
    """
    before = {str(c["id"]): c for c in earlier}
    after = {str(c["id"]): c for c in later}
    groups: dict[str, Any] = {"changed": [], "new": [], "gone": [], "unchanged": 0}
    for claim_id in sorted(set(before) | set(after), key=_claim_order):
        change = _claim_change(before.get(claim_id), after.get(claim_id))
        if claim_id not in before:
            groups["new"].append(change)
        elif claim_id not in after:
            groups["gone"].append(change)
        elif change.changed:
            groups["changed"].append(change)
        else:
            groups["unchanged"] += 1
    return groups


def compare_issues(earlier: IssueRecords, later: IssueRecords) -> IssueDiff:
    """What changed from the earlier issue to the later (see the module for the rules)."""
    figures = compare_figures(earlier.figures, later.figures)
    claims = compare_claims(earlier.claims, later.claims)
    return IssueDiff(
        earlier.issue, later.issue,
        tuple(figures["revised"]), tuple(figures["moved_on"]), tuple(figures["relabelled"]),
        tuple(figures["new"]), tuple(figures["gone"]), figures["unchanged"],
        tuple(claims["changed"]), tuple(claims["new"]), tuple(claims["gone"]), claims["unchanged"],
    )


def diff_as_json(diff: IssueDiff) -> dict[str, Any]:
    """The comparison as plain JSON data (what ``changes.json`` and ``bulletin diff --json`` give)."""
    def changes(items: tuple) -> list[dict[str, Any]]:
        out = []
        for item in items:
            record = asdict(item)
            record["changed"] = list(record["changed"])
            out.append(record)
        return out

    return {
        "earlier": diff.earlier,
        "later": diff.later,
        "counts": diff.counts(),
        "figures": {key: changes(getattr(diff, key))
                    for key in ("revised", "moved_on", "relabelled", "new", "gone")},
        "claims": {key: changes(getattr(diff, f"claims_{key}")) for key in ("changed", "new", "gone")},
    }


# --- reading an issue's records ----------------------------------------------------------------


@dataclass(frozen=True)
class IssueRecords:
    """What an issue wrote as data: its label, figures by name and claims in order."""

    issue: str
    figures: dict[str, dict[str, Any]]
    claims: list[dict[str, Any]]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IssueRecordsError(f"{path} is missing") from None
    except UnicodeDecodeError as error:
        raise IssueRecordsError(f"{path} is not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise IssueRecordsError(
            f"{path} is not valid JSON ({error.msg}, line {error.lineno}, column {error.colno})"
        ) from None
    except OSError as error:
        raise IssueRecordsError(f"{path} cannot be read ({error.strerror})") from None


def _figures_problem(content: Any) -> str | None:
    if not isinstance(content, dict) or not isinstance(content.get("figures"), dict):
        return 'expected an object {"issue": ..., "figures": {name: {value, unit, period, status}}}'
    for name, record in content["figures"].items():
        if not isinstance(record, dict) or "value" not in record or "period" not in record:
            return f"figure {name!r}: expected an object with its value, unit, period and status"
        if not isinstance(record["value"], (str, int, float, type(None))):
            return f"figure {name!r}: expected a number, a text or null as its value"
    return None


def _claims_problem(content: Any) -> str | None:
    if not isinstance(content, dict) or not isinstance(content.get("claims"), list):
        return 'expected an object {"issue": ..., "claims": [{id, statement, holds, verdict, ...}]}'
    for number, claim in enumerate(content["claims"], start=1):
        if not isinstance(claim, dict) or not isinstance(claim.get("id"), str):
            return f"claim {number}: expected an object with an id"
        if claim.get("holds") not in (True, False, None):
            return f"claim {claim['id']}: expected true, false or null as holds"
    return None


def read_issue_records(folder: Path | str) -> IssueRecords:
    """The figures and claims a rendered issue folder wrote.

    Raises:
        IssueRecordsError: ``figures.json`` or ``claims.json`` is missing, unreadable or not what a
            render writes (the message names the file and what is wrong).
    """
    folder = Path(folder)
    figures_path, claims_path = folder / FIGURES_FILE, folder / CLAIMS_FILE
    figures = _read_json(figures_path)
    problem = _figures_problem(figures)
    if problem:
        raise IssueRecordsError(f"{figures_path} is not an issue's figures: {problem}")
    claims = _read_json(claims_path)
    problem = _claims_problem(claims)
    if problem:
        raise IssueRecordsError(f"{claims_path} is not an issue's claims: {problem}")
    issue = figures.get("issue")
    return IssueRecords(str(issue) if issue else folder.name, figures["figures"], claims["claims"])
