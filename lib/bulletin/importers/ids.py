"""Format 6: UNODC individual drug seizures (IDS), one row per seizure case -> seizure_cases.

The export is a delimited text file (``,``, ``;`` or tab) with a header; the importer uses
these columns (others are ignored):

- a case identifier: ``IDS_ID``, ``SEIZURE_ID``, ``CASE_ID``, ``CASE_NUMBER`` or ``ID`` (without
  one, the case id is ``<file stem>-<line>``); a repeated identifier refuses the file;
- ``SEIZURE_DATE`` (``YYYY-MM-DD``, with or without a time, ``DD/MM/YYYY``, ``DD.MM.YYYY``,
  ``YYYY-MM`` or ``YYYY``) and/or ``SEIZURE_YEAR`` (used where the date is empty);
- ``COUNTRY`` (the seizing country), ``DRUG_NAME``, ``AMOUNT``, ``DRUG_UNIT``;
- optionally ``PRODUCING_COUNTRY``, ``DEPARTURE_COUNTRY``, ``TRANSIT_COUNTRY`` (several countries
  separated by ``;``, in the order crossed) and ``DESTINATION_COUNTRY``.

Rules: countries are mapped like the annexes' (``country_names.csv``, then ISO names and codes;
an unknown name refuses the file; a route country left empty stays empty, never guessed); drug
names through ``data/reference/drug_names_ids.csv``; amounts in grams, kilograms, tons... are
converted to kilograms; a count (Unit, Tablet, ...) or a volume (Litre, ...) is kept apart: the
row is not written and the summary and provenance record count it by unit. Rows of seizing
countries outside the scope, or with an excluded drug (precursors) are left out and counted.

Speed: the file is parsed by pyarrow's multi-threaded CSV reader with the categorical columns
dictionary-encoded, so that mapping, conversion and validation work on the few distinct values
and on integer indices: no Python loop runs per row. When anything is wrong the file is read
again row by row (``bulletin.importers.textio``) to name the line and the column.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bulletin.importers import cases
from bulletin.importers.base import (
    FileReport,
    ImportedTable,
    ImportRefusedError,
    Problem,
    Publication,
    refuse,
)
from bulletin.importers.mapping import country_lookup, drug_mapping
from bulletin.importers.textio import (
    decode_utf8,
    parse_numbers,
    read_bytes,
    read_delimited,
    sniff_delimiter,
)
from bulletin.importers.units import unit_kind

ID_COLUMNS = ("IDS_ID", "SEIZURE_ID", "CASE_ID", "CASE_NUMBER", "ID")
REQUIRED = ("COUNTRY", "DRUG_NAME", "AMOUNT", "DRUG_UNIT")
ROUTE = {
    "PRODUCING_COUNTRY": "producing_country",
    "DEPARTURE_COUNTRY": "departure_country",
    "DESTINATION_COUNTRY": "destination_country",
}
TRANSIT = "TRANSIT_COUNTRY"
DATE_COLUMNS = ("SEIZURE_DATE", "SEIZURE_YEAR")
RELEASE = "ids"
PUBLISHER = "UNODC"
TABLE_TITLE = "Individual drug seizures (IDS) database export"
DICT = pa.dictionary(pa.int32(), pa.string())
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T][\d:.]+)?$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_YM = re.compile(r"^(\d{4})-(\d{2})$")
_Y = re.compile(r"^(\d{4})(?:\.0)?$")


def is_ids_header(first_line: str) -> bool:
    """Whether a header line names the IDS columns (``COUNTRY``, ``DRUG_NAME``, ``AMOUNT``...)."""
    names = {
        name.strip().strip('"').upper() for name in first_line.split(sniff_delimiter(first_line))
    }
    return set(REQUIRED) <= names and bool(names & set(DATE_COLUMNS))


def source_of(path: Path) -> str:
    """The ``source`` of a file's rows: the database and the export's file name."""
    return f"UNODC, individual drug seizures (IDS) database, export {path.name}"


@dataclass
class _Background:
    """sha256 and line count of the file, computed in a thread while pyarrow parses it."""

    path: Path
    sha256: str = ""
    newlines: int = 0
    ends_with_newline: bool = True
    thread: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> _Background:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        digest = hashlib.sha256()
        last = b"\n"
        with self.path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
                self.newlines += block.count(b"\n")
                last = block[-1:]
        self.sha256 = digest.hexdigest()
        self.ends_with_newline = last == b"\n"

    def join(self) -> _Background:
        if self.thread is not None:
            self.thread.join()
        return self


def read_ids(path: Path, scope: frozenset[str] | None, report: FileReport) -> ImportedTable:
    """Read an IDS export into ``seizure_cases`` rows (an Arrow table; see the module)."""
    background = _Background(path).start()
    with path.open("rb") as handle:
        first = handle.readline()
    header_text = first.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    delimiter = sniff_delimiter(header_text)
    header = [name.strip().strip('"') for name in header_text.split(delimiter)]
    upper = {name.upper(): name for name in header}
    missing = [name for name in REQUIRED if name not in upper]
    if missing or not set(upper) & set(DATE_COLUMNS):
        raise refuse(
            path.name,
            "the IDS columns " + ", ".join(REQUIRED) + " and SEIZURE_DATE or SEIZURE_YEAR",
            line=1,
            got=header_text[:200],
        )
    id_column = next((upper[name] for name in ID_COLUMNS if name in upper), None)
    used = [upper[n] for n in (*REQUIRED, *DATE_COLUMNS, *ROUTE, TRANSIT) if n in upper]
    if id_column:
        used.insert(0, id_column)
    types = {name: DICT for name in used}
    types[upper["AMOUNT"]] = pa.float64()
    if id_column:
        types[id_column] = pa.string()
    try:
        raw = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=True),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=used,
                null_values=[""],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        # A line with more or fewer fields, a byte that is not UTF-8, an amount that is not a
        # number: read the file again row by row to name the line and the column.
        background.join()
        _explain(path, delimiter, upper, error)
        raise
    background.join()
    report.rows_read = raw.num_rows
    report.publication = Publication(PUBLISHER, TABLE_TITLE, source_of(path))
    exact_lines = (
        background.newlines - (0 if background.ends_with_newline else -1) == raw.num_rows + 1
    )
    lines = _Lines(path, delimiter, raw.num_rows, exact_lines)
    table, selection = _convert(path, raw, upper, id_column, scope, report, lines)
    report.sha256 = background.sha256
    names = {target: upper[name] for name, target in ROUTE.items() if name in upper}
    if TRANSIT in upper:
        names["transit_countries"] = upper[TRANSIT]
    names.update(
        {"country": upper["COUNTRY"], "drug": upper["DRUG_NAME"], "kg": upper["AMOUNT"]}
    )
    if id_column:
        names["case_id"] = id_column
    return ImportedTable(
        "seizure_cases",
        table,
        frozenset({source_of(path)}),
        lines=_KeptLines(lines, selection, table.num_rows),
        columns=names,
    )


class _KeptLines(Sequence):
    """The input line of each kept row, found only when a message asks for one."""

    def __init__(self, lines: _Lines, selection: np.ndarray | None, rows: int):
        self.lines, self.selection, self.rows = lines, selection, rows

    def __len__(self) -> int:
        return self.rows

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.rows))]
        row = index if self.selection is None else self.selection[index]
        return int(self.lines.of(np.array([row]))[0])


class _Lines:
    """Line numbers of the parsed rows: row i is line i + 2 unless the file has blank or
    multi-line rows, in which case they are found by reading the file row by row (only for
    messages)."""

    def __init__(self, path: Path, delimiter: str, rows: int, exact: bool):
        self.path, self.delimiter, self.rows, self.exact = path, delimiter, rows, exact
        self._numbers: np.ndarray | None = None

    def of(self, rows: np.ndarray) -> np.ndarray:
        if self.exact:
            return np.asarray(rows) + 2
        if self._numbers is None:
            text = decode_utf8(self.path, read_bytes(self.path), self.delimiter)
            self._numbers = np.asarray(read_delimited(self.path, text, self.delimiter)[2])
        return self._numbers[np.asarray(rows)]


def _explain(path: Path, delimiter: str, upper: dict[str, str], error: Exception | None) -> None:
    """Re-read a file pyarrow refused, row by row, to name the line and column; raise."""
    text = decode_utf8(path, read_bytes(path), delimiter)
    header, rows, lines = read_delimited(path, text, delimiter)
    import pandas as pd

    frame = pd.DataFrame(rows, columns=header, dtype=object)
    amount = upper["AMOUNT"]
    parse_numbers(frame[amount], pd.Series(lines), path.name, amount)
    if error is not None:
        raise refuse(path.name, f"a file the CSV reader accepts ({error})")


def _first_rows(
    indices: pa.ChunkedArray, codes: list[int], lines: _Lines, limit: int = 1
) -> dict[int, list[int]]:
    """For some dictionary codes, the first line(s) where each occurs."""
    flat = (
        indices.to_numpy()
        if not isinstance(indices, pa.ChunkedArray)
        else np.concatenate([c.to_numpy(zero_copy_only=False) for c in indices.chunks])
        if indices.num_chunks
        else np.array([], dtype=np.int32)
    )
    out = {}
    for code in codes:
        where = np.flatnonzero(flat == code)[:limit]
        out[code] = [int(n) for n in lines.of(where)]
    return out


def _unified(column: pa.ChunkedArray) -> tuple[list[str], pa.Array]:
    """A dictionary column as (distinct values, one int32 index per row)."""
    combined = column.unify_dictionaries() if isinstance(column, pa.ChunkedArray) else column
    if isinstance(combined, pa.ChunkedArray):
        if combined.num_chunks == 0:
            return [], pa.array([], pa.int32())
        dictionary = combined.chunks[0].dictionary
        indices = pa.concat_arrays([chunk.indices for chunk in combined.chunks])
    else:
        dictionary, indices = combined.dictionary, combined.indices
    return dictionary.to_pylist(), indices


def _map_column(
    path: Path,
    name: str,
    values: list[str],
    indices: pa.Array,
    lines: _Lines,
    lookup,
    expected: str,
) -> list[str | None]:
    """Map each distinct value; refuse the values ``lookup`` cannot map (with a line each)."""
    mapped = [lookup(v) for v in values]
    failed = [i for i, m in enumerate(mapped) if m is None]
    if failed:
        first = _first_rows(pa.chunked_array([indices]), failed, lines)
        raise ImportRefusedError(
            [
                Problem(
                    path.name,
                    first[i][0] if first[i] else None,
                    name,
                    values[i],
                    expected.format(value=values[i]),
                )
                for i in failed[:50]
            ]
        )
    return mapped


def _convert(
    path: Path,
    raw: pa.Table,
    upper: dict[str, str],
    id_column: str | None,
    scope: frozenset[str] | None,
    report: FileReport,
    lines: _Lines,
) -> tuple[pa.Table, np.ndarray | None]:
    """Map, convert and filter the parsed columns, working on dictionaries and index arrays.

    Returns:
        The table, and the parsed rows it keeps (``None``: all of them).
    """
    n = raw.num_rows
    keep = np.ones(n, dtype=bool)
    countries = country_lookup()

    def country(value: str) -> str | None:
        return countries.get(" ".join(value.split()).casefold())

    unmapped_country = (
        "a country name known to the project: add '{value}' with its ISO3 code "
        "to data/reference/country_names.csv"
    )

    def dictionary(name: str) -> tuple[list[str], np.ndarray]:
        values, indices = _unified(raw.column(name))
        return values, indices.to_numpy(zero_copy_only=False)

    def mapped_column(name: str, lookup, expected: str) -> tuple[list, np.ndarray]:
        values, indices = dictionary(name)
        return _map_column(path, name, values, pa.array(indices), lines, lookup, expected), indices

    # Seizing country.
    seizing, country_idx = mapped_column(upper["COUNTRY"], country, unmapped_country)
    _drop(
        report,
        keep,
        _per_row([m == "" for m in seizing], country_idx),
        "seizing country without an ISO 3166 code",
        lines,
    )
    if scope is not None:
        _drop(
            report,
            keep,
            _per_row([m not in scope for m in seizing], country_idx),
            f"country outside the import's scope ({', '.join(sorted(scope))})",
            lines,
        )

    # Drug.
    mapping = drug_mapping(RELEASE)
    by_name = dict(
        zip(mapping["_name"], zip(mapping["drug"], mapping["role"], strict=True), strict=True)
    )
    drug_mapped, drug_idx = mapped_column(
        upper["DRUG_NAME"],
        lambda v: by_name.get(" ".join(v.split()).casefold()),
        "a drug name known to the project: add a line ',,{value},<drug>,component,' to "
        "data/reference/drug_names_ids.csv",
    )
    _drop(
        report,
        keep,
        _per_row([role != "component" for _, role in drug_mapped], drug_idx),
        "not a drug (precursor chemical)",
        lines,
    )

    # Units and amounts: masses to kilograms, counts and volumes kept apart.
    unit_names, _ = dictionary(upper["DRUG_UNIT"])
    kinds, unit_idx = mapped_column(
        upper["DRUG_UNIT"],
        unit_kind,
        "a unit of mass (Gram, Kilogram, Ton...), of count (Unit, Tablet...) or of volume "
        "(Litre...)",
    )
    amount = raw.column(upper["AMOUNT"]).to_numpy()
    missing_amount = np.isnan(amount)
    _drop(report, keep, missing_amount, "no amount (empty cell)", lines)
    bad_amount = (np.isinf(amount) | (amount < 0)) & ~missing_amount
    if bad_amount.any():
        rows = np.flatnonzero(bad_amount)[:20]
        raise ImportRefusedError(
            [
                Problem(
                    path.name,
                    int(line),
                    upper["AMOUNT"],
                    str(amount[row]),
                    "an amount, zero or more",
                )
                for row, line in zip(rows, lines.of(rows), strict=True)
            ]
        )
    for code, (kind, _) in enumerate(kinds):
        if kind == "mass":
            continue
        rows = (unit_idx == code) & keep
        if rows.any():
            where = np.flatnonzero(rows)[:3]
            report.keep_apart(
                f"{kind} in '{unit_names[code]}', not turned into kilograms",
                int(rows.sum()),
                [
                    f"line {line}: {amount[r]:g} {unit_names[code]}"
                    for r, line in zip(where, lines.of(where), strict=True)
                ],
            )
            keep &= ~rows
    factors = np.array([k[1] if k[0] == "mass" else np.nan for k in kinds], dtype=float)
    kg = amount * factors[unit_idx] if len(factors) else np.zeros(n)

    # Dates: the seizure date, or the year where the date is empty.
    date_values, date_idx = (
        dictionary(upper["SEIZURE_DATE"])
        if "SEIZURE_DATE" in upper
        else ([], np.zeros(n, np.int32))
    )
    dates = _normal_values(
        path,
        upper.get("SEIZURE_DATE"),
        date_values,
        date_idx,
        lines,
        _normal_date,
        "a date as YYYY-MM-DD, DD/MM/YYYY, DD.MM.YYYY, YYYY-MM or YYYY",
    )
    year_values, year_idx = (
        dictionary(upper["SEIZURE_YEAR"])
        if "SEIZURE_YEAR" in upper
        else ([], np.zeros(n, np.int32))
    )
    years = _normal_values(
        path,
        upper.get("SEIZURE_YEAR"),
        year_values,
        year_idx,
        lines,
        lambda v: _normal_date(v) if _Y.match(v.strip()) else None,
        "a year",
    )
    if not dates:
        dates, date_idx = [""], np.zeros(n, np.int32)
    if not years:
        years, year_idx = [""], np.zeros(n, np.int32)
    date_dictionary = dates + years
    no_date_code = np.array([d == "" for d in dates])
    combined_idx = np.where(no_date_code[date_idx], year_idx + len(dates), date_idx)
    _drop(
        report,
        keep,
        np.array([d == "" for d in date_dictionary])[combined_idx],
        "no date and no year",
        lines,
    )

    # Route.
    route: dict[str, tuple[list, np.ndarray]] = {}
    for column_name, target in ROUTE.items():
        if column_name in upper:
            route[target] = mapped_column(
                upper[column_name],
                lambda v: "" if not v.strip() else country(v),
                unmapped_country,
            )
        else:
            route[target] = ([""], np.zeros(n, np.int32))
    if TRANSIT in upper:

        def transit(value: str) -> str | None:
            codes = [country(part) for part in value.split(";") if part.strip()]
            if any(code is None for code in codes):
                return None
            return ";".join(code for code in codes if code)

        route["transit_countries"] = mapped_column(
            upper[TRANSIT],
            transit,
            "countries known to the project, separated by ';' (add a "
            "missing name to data/reference/country_names.csv)",
        )
    else:
        route["transit_countries"] = ([""], np.zeros(n, np.int32))

    # Case ids.
    if id_column:
        ids = pc.utf8_trim_whitespace(raw.column(id_column)).combine_chunks()
        blank = np.flatnonzero(pc.equal(ids, "").to_numpy(zero_copy_only=False))
        if len(blank):
            raise ImportRefusedError(
                [
                    Problem(path.name, int(line), id_column, "", "a case identifier")
                    for line in lines.of(blank[:20])
                ]
            )
        duplicates = cases.duplicate_problems(ids)
        if duplicates:
            rows = np.array([p.line - cases.FIRST_LINE for p in duplicates[:20]])
            raise ImportRefusedError(
                [
                    Problem(
                        path.name,
                        int(line),
                        id_column,
                        p.value,
                        "a case identifier no other line has (a duplicate case)",
                    )
                    for p, line in zip(duplicates[:20], lines.of(rows), strict=True)
                ]
            )
    else:
        ids = pa.array(np.char.add(f"{path.stem}-", lines.of(np.arange(n)).astype(str)))

    report.rows_kept = int(keep.sum())
    selection = None if keep.all() else np.flatnonzero(keep)

    def column(values: list, indices: np.ndarray) -> pa.DictionaryArray:
        chosen = indices if selection is None else indices[selection]
        return pa.DictionaryArray.from_arrays(
            pa.array(chosen.astype(np.int32, copy=False)),
            pa.array([v or "" for v in values], pa.string()),
        )

    constant = np.zeros(n, np.int32)
    drug_codes = [drug for drug, _ in drug_mapped]
    table = pa.table(
        {
            "case_id": ids if selection is None else ids.take(pa.array(selection)),
            "date": column(date_dictionary, combined_idx),
            "country": column(seizing, country_idx),
            "drug": column(drug_codes, drug_idx),
            "kg": pa.array(kg if selection is None else kg[selection], pa.float64()),
            "producing_country": column(*route["producing_country"]),
            "departure_country": column(*route["departure_country"]),
            "transit_countries": column(*route["transit_countries"]),
            "destination_country": column(*route["destination_country"]),
            "source": column([source_of(path)], constant),
            "status": column(["official"], constant),
        }
    )
    return table, selection


def _per_row(flags: list[bool], indices: np.ndarray) -> np.ndarray:
    """A per-value flag spread to the rows through their dictionary indices."""
    if not flags:
        return np.zeros(len(indices), dtype=bool)
    return np.asarray(flags, dtype=bool)[indices]


def _normal_values(
    path: Path,
    name: str | None,
    values: list[str],
    indices: np.ndarray,
    lines: _Lines,
    normalise,
    expected: str,
) -> list[str]:
    """Normalise each distinct value; refuse those that are not empty and do not normalise."""
    normal = [normalise(v) if v.strip() else "" for v in values]
    bad = [i for i, v in enumerate(normal) if v is None]
    if bad:
        first = _first_rows(pa.chunked_array([pa.array(indices)]), bad, lines)
        raise ImportRefusedError(
            [Problem(path.name, first[i][0], name, values[i], expected) for i in bad[:50]]
        )
    return normal


def _drop(
    report: FileReport, keep: np.ndarray, mask: np.ndarray, reason: str, lines: _Lines
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
