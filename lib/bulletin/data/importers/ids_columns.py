"""The parsed IDS columns mapped, converted and filtered on their dictionaries, never row by row.

pyarrow parses the categorical columns of an IDS export (countries, drugs, units, dates) as
dictionaries: :func:`convert` maps each distinct value once (countries through
``country_names.csv``, drugs through ``drug_names_ids.csv``, units to kilograms or kept apart,
dates normalised) and spreads the result to the rows through their integer indices. The rules
are those of ``bulletin.data.importers.ids``; a value that cannot be mapped refuses the file,
naming the first line it is on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bulletin.core.problems import Problem
from bulletin.data import cases
from bulletin.data.importers.base import FileReport, ImportRefusedError
from bulletin.data.importers.dictionaries import Parsed, first_rows
from bulletin.data.importers.ids_lines import Lines
from bulletin.data.importers.mapping import country_lookup, drug_names
from bulletin.data.importers.units import unit_kind

ROUTE = {
    "PRODUCING_COUNTRY": "producing_country",
    "DEPARTURE_COUNTRY": "departure_country",
    "DESTINATION_COUNTRY": "destination_country",
}
"""The export's route columns naming one country, and the table's columns they fill."""
TRANSIT = "TRANSIT_COUNTRY"
"""The export's column of transit countries, separated by ``;`` in the order crossed."""
RELEASE = "ids"
"""The release whose drug names ``data/reference/drug_names_ids.csv`` maps."""
NO_COUNTRY = frozenset({"unknown", "other", "multiple countries", "various", "not known", "n/a"})
"""Route cells that name no country (case-folded): left empty, never guessed."""
UNMAPPED_COUNTRY = (
    "a country name known to the project: add '{value}' with its ISO3 code "
    "to data/reference/country_names.csv"
)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T][\d:.]+)?$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_YM = re.compile(r"^(\d{4})-(\d{2})$")
_Y = re.compile(r"^(\d{4})(?:\.0)?$")


def _map_column(
    path: Path,
    name: str,
    values: list[str],
    indices: pa.Array,
    lines: Lines,
    lookup,
    expected: str,
) -> list[str | None]:
    """Map each distinct value; refuse the values ``lookup`` cannot map (with a line each)."""
    mapped = [lookup(v) for v in values]
    failed = [i for i, m in enumerate(mapped) if m is None]
    if failed:
        first = first_rows(pa.chunked_array([indices]), failed, lines)
        raise ImportRefusedError(
            [
                Problem(
                    first[i][0] if first[i] else None,
                    name,
                    values[i],
                    # As the lookups read a name: its words joined by single spaces.
                    expected.format(value=" ".join(values[i].split())),
                    file=path.name,
                )
                for i in failed[:50]
            ]
        )
    return mapped


@dataclass
class _Conversion:
    """What every step of :func:`convert` shares: the file, its parsed rows, those still kept."""

    path: Path
    parsed: Parsed
    upper: dict[str, str]
    report: FileReport
    lines: Lines
    keep: np.ndarray

    @property
    def rows(self) -> int:
        """How many rows were parsed."""
        return self.parsed.raw.num_rows

    def mapped(self, column: str, lookup, expected: str) -> tuple[list, np.ndarray]:
        """A column's distinct values mapped by ``lookup`` (refusing any it cannot map)."""
        values, indices = self.parsed.values(column)
        return (
            _map_column(self.path, column, values, pa.array(indices), self.lines, lookup, expected),
            indices,
        )

    def drop(self, mask: np.ndarray, reason: str) -> None:
        """Leave out the rows of ``mask`` still kept, counted under ``reason``."""
        _drop(self.report, self.keep, mask, reason, self.lines)

    def flagged(self, flags: list[bool], indices: np.ndarray) -> np.ndarray:
        """A flag per distinct value spread to the rows still kept (False at the others).

        Once the scope has left most of a file out, only the kept rows are looked up: the later
        steps touch a fraction of its rows.
        """
        if not flags:
            return np.zeros(self.rows, dtype=bool)
        values = np.asarray(flags, dtype=bool)
        if 2 * np.count_nonzero(self.keep) > self.rows:
            return values.take(indices) & self.keep
        out = np.zeros(self.rows, dtype=bool)
        kept = np.flatnonzero(self.keep)
        out[kept] = values.take(indices.take(kept))
        return out


def convert(
    path: Path,
    parsed: Parsed,
    upper: dict[str, str],
    id_column: str | None,
    scope: frozenset[str] | None,
    report: FileReport,
    lines: Lines,
    source: str,
) -> tuple[pa.Table, np.ndarray | None]:
    """Map, convert and filter the parsed columns, working on dictionaries and index arrays.

    Args:
        path: the file, for messages.
        parsed: its parsed columns.
        upper: the file's column names by their upper-case spelling.
        id_column: the file's case identifier column, if it has one.
        scope: the countries a case must touch to be kept (``None``: every case).
        report: the file's report, told what is left out or kept apart.
        lines: the line each parsed row begins on.
        source: the ``source`` of every row.

    Returns:
        The table, and the parsed rows it keeps (``None``: all of them).

    Raises:
        ImportRefusedError: a name, unit, amount, date or case identifier that cannot be read.
    """
    step = _Conversion(path, parsed, upper, report, lines, np.ones(parsed.raw.num_rows, bool))
    seizing = _seizing_countries(step)
    route = _route_countries(step)
    if scope is not None:
        _keep_in_scope(step, scope, seizing, route)
    drugs = _drugs(step)
    kg = _kilograms(step)
    dates = _dates(step)
    ids = _case_ids(step, id_column) if id_column else None
    report.rows_kept = int(step.keep.sum())
    selection = None if step.keep.all() else np.flatnonzero(step.keep)
    if ids is not None:
        if selection is not None:
            ids = ids.take(pa.array(selection))
    else:
        # Made for the kept rows only: the line each begins on, after the file's stem.
        rows = np.arange(step.rows) if selection is None else selection
        numbers = pc.cast(pa.array(lines.of(rows)), pa.string())
        ids = pc.binary_join_element_wise(f"{path.stem}-", numbers, "")

    def column(values: list, indices: np.ndarray) -> pa.DictionaryArray:
        chosen = indices if selection is None else indices[selection]
        return pa.DictionaryArray.from_arrays(
            pa.array(chosen.astype(np.int32, copy=False)),
            pa.array([v or "" for v in values], pa.string()),
        )

    constant = np.zeros(step.rows, np.int32)
    table = pa.table(
        {
            "case_id": ids,
            "date": column(*dates),
            "country": column(*seizing),
            "drug": column(*drugs),
            "kg": pa.array(kg if selection is None else kg[selection], pa.float64()),
            "producing_country": column(*route["producing_country"]),
            "departure_country": column(*route["departure_country"]),
            "transit_countries": column(*route["transit_countries"]),
            "destination_country": column(*route["destination_country"]),
            "source": column([source], constant),
            "status": column(["official"], constant),
        }
    )
    return table, selection


def _country(value: str, names: dict[str, str] | None = None) -> str | None:
    """A country name's ISO3 code (``""``: a known name without one; None: unknown).

    ``names`` is :func:`country_lookup`'s mapping, looked up once by a caller mapping many values.
    """
    return (country_lookup() if names is None else names).get(" ".join(value.split()).casefold())


def _route_country(value: str, names: dict[str, str] | None = None) -> str | None:
    """A route cell's ISO3 code: a cell naming no country ("Unknown", "Other"...) stays empty."""
    if not value.strip() or " ".join(value.split()).casefold() in NO_COUNTRY:
        return ""
    return _country(value, names)


def _transit(value: str, names: dict[str, str] | None = None) -> str | None:
    """A transit cell's ISO3 codes, separated by ';' (None: a name that is not known)."""
    codes = [_route_country(part, names) for part in value.split(";") if part.strip()]
    if any(code is None for code in codes):
        return None
    return ";".join(code for code in codes if code)


def _seizing_countries(step: _Conversion) -> tuple[list, np.ndarray]:
    """The seizing countries' codes; rows of a country without an ISO code are left out."""
    names = country_lookup()
    seizing, indices = step.mapped(
        step.upper["COUNTRY"], lambda v: _country(v, names), UNMAPPED_COUNTRY
    )
    step.drop(
        step.flagged([m == "" for m in seizing], indices),
        "seizing country without an ISO 3166 code",
    )
    return seizing, indices


def _route_countries(step: _Conversion) -> dict[str, tuple[list, np.ndarray]]:
    """The route's countries by column of the table (empty where the file has no column)."""
    nothing = ([""], np.zeros(step.rows, np.int32))
    route: dict[str, tuple[list, np.ndarray]] = {}
    names = country_lookup()
    for column_name, target in ROUTE.items():
        if column_name in step.upper:
            route[target] = step.mapped(
                step.upper[column_name], lambda v: _route_country(v, names), UNMAPPED_COUNTRY
            )
        else:
            route[target] = nothing
    if TRANSIT in step.upper:
        route["transit_countries"] = step.mapped(
            step.upper[TRANSIT],
            lambda v: _transit(v, names),
            "countries known to the project, separated by ';' (add a "
            "missing name to data/reference/country_names.csv)",
        )
    else:
        route["transit_countries"] = nothing
    return route


def _keep_in_scope(
    step: _Conversion,
    scope: frozenset[str],
    seizing: tuple[list, np.ndarray],
    route: dict[str, tuple[list, np.ndarray]],
) -> None:
    """Leave out the cases none of whose countries is in the scope (see ``ids``)."""

    def touches(values: list, indices: np.ndarray) -> np.ndarray:
        flags = [any(code in scope for code in (v or "").split(";")) for v in values]
        return step.flagged(flags, indices)

    inside = touches(*seizing)
    for values, indices in route.values():
        inside |= touches(values, indices)
    step.drop(
        ~inside,
        "no country of the case (seizing, producing, departure, transit, destination) in "
        f"the import's scope ({', '.join(sorted(scope))})",
    )


def _drugs(step: _Conversion) -> tuple[list, np.ndarray]:
    """The drugs' names in the vocabulary; rows of a name excluded by the mapping left out."""
    by_name = drug_names(RELEASE)
    drug_mapped, indices = step.mapped(
        step.upper["DRUG_NAME"],
        lambda v: by_name.get(" ".join(v.split()).casefold()),
        "a drug name known to the project: add a line ',,{value},<drug>,component,' to "
        "data/reference/drug_names_ids.csv",
    )
    for note in sorted({note for _, role, note in drug_mapped if role != "component"}):
        step.drop(
            step.flagged([role != "component" and n == note for _, role, n in drug_mapped], indices),
            f"not a drug of the vocabulary: {note or 'excluded in drug_names_ids.csv'}",
        )
    return [drug for drug, _, _ in drug_mapped], indices


def _kilograms(step: _Conversion) -> np.ndarray:
    """Each row's amount in kilograms; counts and volumes kept apart, empty cells left out.

    Raises:
        ImportRefusedError: an amount below zero or infinite.
    """
    unit_column = step.upper["DRUG_UNIT"]
    unit_names, _ = step.parsed.values(unit_column)
    kinds, unit_idx = step.mapped(
        unit_column,
        lambda v: ("no unit", None) if not v.strip() else unit_kind(v),
        "a unit of mass (Gram, Kilogram, Ton...), of count (Unit, Tablet...), of volume "
        "(Litre...) or of area (Acres...)",
    )
    step.drop(step.flagged([kind == "no unit" for kind, _ in kinds], unit_idx), "no unit (empty cell)")
    amount = step.parsed.raw.column(step.upper["AMOUNT"]).to_numpy()
    missing_amount = np.isnan(amount)
    step.drop(missing_amount, "no amount (empty cell)")
    bad_amount = (np.isinf(amount) | (amount < 0)) & ~missing_amount
    if bad_amount.any():
        rows = np.flatnonzero(bad_amount)[:20]
        raise ImportRefusedError(
            [
                Problem(
                    int(line),
                    step.upper["AMOUNT"],
                    str(amount[row]),
                    "an amount, zero or more",
                    file=step.path.name,
                )
                for row, line in zip(rows, step.lines.of(rows), strict=True)
            ]
        )
    for code, (kind, _) in enumerate(kinds):
        if kind != "mass":
            _keep_apart(step, unit_idx == code, kind, unit_names[code], amount)
    factors = np.array([k[1] if k[0] == "mass" else np.nan for k in kinds], dtype=float)
    return amount * factors[unit_idx] if len(factors) else np.zeros(step.rows)


def _keep_apart(
    step: _Conversion, unit_rows: np.ndarray, kind: str, unit: str, amount: np.ndarray
) -> None:
    """Keep apart the rows still kept of a unit that is not a mass (counted by unit)."""
    rows = unit_rows & step.keep
    if not rows.any():
        return
    where = np.flatnonzero(rows)[:3]
    step.report.keep_apart(
        f"{kind} in '{unit}', not turned into kilograms",
        int(rows.sum()),
        [
            f"line {line}: {amount[r]:g} {unit}"
            for r, line in zip(where, step.lines.of(where), strict=True)
        ],
    )
    step.keep &= ~rows


def _dates(step: _Conversion) -> tuple[list[str], np.ndarray]:
    """Each row's date: the seizure date, or the year where the date is empty.

    Rows with neither are left out.
    """
    dates, date_idx = _normal_column(
        step,
        "SEIZURE_DATE",
        _normal_date,
        "a date as YYYY-MM-DD, DD/MM/YYYY, DD.MM.YYYY, YYYY-MM or YYYY",
    )
    years, year_idx = _normal_column(
        step, "SEIZURE_YEAR", lambda v: _normal_date(v) if _Y.match(v.strip()) else None, "a year"
    )
    date_dictionary = dates + years
    no_date_code = np.array([d == "" for d in dates])
    combined_idx = np.where(no_date_code[date_idx], year_idx + len(dates), date_idx)
    step.drop(step.flagged([d == "" for d in date_dictionary], combined_idx), "no date and no year")
    return date_dictionary, combined_idx


def _normal_column(
    step: _Conversion, name: str, normalise, expected: str
) -> tuple[list[str], np.ndarray]:
    """A date column's normalised distinct values and row indices (one empty value if none)."""
    values, indices = (
        step.parsed.values(step.upper[name])
        if name in step.upper
        else ([], np.zeros(step.rows, np.int32))
    )
    normal = _normal_values(
        step.path, step.upper.get(name), values, indices, step.lines, normalise, expected
    )
    if not normal:
        return [""], np.zeros(step.rows, np.int32)
    return normal, indices


def _case_ids(step: _Conversion, id_column: str) -> pa.Array:
    """The case identifiers of every parsed row, stripped of blanks.

    Raises:
        ImportRefusedError: naming the lines (20 at the most).
    """
    path, lines = step.path, step.lines
    ids = pc.utf8_trim_whitespace(step.parsed.raw.column(id_column)).combine_chunks()
    blank = np.flatnonzero(pc.equal(ids, "").to_numpy(zero_copy_only=False))
    if len(blank):
        raise ImportRefusedError(
            [
                Problem(int(line), id_column, "", "a case identifier", file=path.name)
                for line in lines.of(blank[:20])
            ]
        )
    duplicates = cases.duplicate_problems(ids)
    if duplicates:
        rows = np.array([p.line - cases.FIRST_LINE for p in duplicates[:20]])
        raise ImportRefusedError(
            [
                Problem(
                    int(line),
                    id_column,
                    p.got,
                    "a case identifier no other line has (a duplicate case)",
                    file=path.name,
                )
                for p, line in zip(duplicates[:20], lines.of(rows), strict=True)
            ]
        )
    return ids


def _normal_values(
    path: Path,
    name: str | None,
    values: list[str],
    indices: np.ndarray,
    lines: Lines,
    normalise,
    expected: str,
) -> list[str]:
    """Normalise each distinct value; refuse those that are not empty and do not normalise."""
    normal = [normalise(v) if v.strip() else "" for v in values]
    bad = [i for i, v in enumerate(normal) if v is None]
    if bad:
        first = first_rows(pa.chunked_array([pa.array(indices)]), bad, lines)
        raise ImportRefusedError(
            [Problem(first[i][0], name, values[i], expected, file=path.name) for i in bad[:50]]
        )
    return normal


def _drop(
    report: FileReport, keep: np.ndarray, mask: np.ndarray, reason: str, lines: Lines
) -> None:
    mask = mask & keep
    if mask.any():
        where = np.flatnonzero(mask)[:3]
        report.skip(reason, int(mask.sum()), [f"line {line}" for line in lines.of(where)])
        keep &= ~mask


def _normal_date(text: str) -> str | None:
    """A published date as YYYY-MM-DD / YYYY-MM / YYYY, or None when it is not a real date."""
    text = text.strip()
    if not text:
        return None
    for pattern, order in ((_ISO, "ymd"), (_DMY, "dmy")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"]).isoformat()
            except ValueError:
                return None
    match = _YM.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return text
    match = _Y.match(text)
    if match:
        return match.group(1)
    return None
