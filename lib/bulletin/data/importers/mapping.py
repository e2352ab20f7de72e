"""Map the names outside publications use onto the project's vocabularies.

Two kinds of mapping file sit in ``data/reference/`` (described in its README):

- ``country_names.csv`` (``name, iso3, note``): each spelling a publication uses that is not the
  ISO 3166 English short name of ``countries.csv`` ("Russia", "Kyrgyz Republic", "Iran (Islamic
  Republic of)"). An empty ``iso3`` marks a name with no ISO 3166 code (Kosovo under UNSCR 1244,
  England): its rows are left out and counted in the summary. A name found in neither file is an
  error naming the file to edit; it is never dropped.
- ``drug_names_<release>.csv`` (``group, subgroup, name, drug, role, note``): each drug name of
  one UNODC release, by the release's own group / subgroup / name, onto the drug vocabulary.
  ``role`` is ``component`` (counted under ``drug``), ``total`` (a published total of a group's
  rows; see ``bulletin.data.importers.wdr_seizures``) or ``excluded`` (not a drug, e.g. precursors).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from bulletin.core.paths import reference_dir as reference_in_use
from bulletin.core.problems import Problem
from bulletin.data.importers.base import ImportRefusedError
from bulletin.data.vocab import (
    BrokenReferenceError,
    country_names,
    drugs,
    load_reference,
    reference_rows,
)

COUNTRY_NAMES_FILE = "country_names.csv"
ROLES = ("component", "total", "excluded")
NO_ISO_CODE = ""


def _normalise(names: pd.Series) -> pd.Series:
    return names.astype("string").str.replace("\xa0", " ").str.strip().str.casefold()


def _normal_name(name: str) -> str:
    """One name as :func:`_normalise` makes a column of them."""
    return name.replace("\xa0", " ").strip().casefold()


def country_lookup(reference_dir: Path | None = None) -> dict[str, str]:
    """Every known spelling (case-folded) -> ISO3 code, or '' for a name with no ISO code.

    Args:
        reference_dir: the vocabularies' folder (default: the one in use).

    Raises:
        BrokenReferenceError: ``country_names.csv`` (or ``countries.csv``) cannot be read, or
            gives a code ``countries.csv`` does not list.
    """
    return _country_lookup(Path(reference_dir or reference_in_use()))


@cache
def _country_lookup(reference_dir: Path) -> dict[str, str]:
    lookup = {name.casefold(): iso3 for iso3, name in country_names().items()}
    lookup.update({iso3.casefold(): iso3 for iso3 in country_names()})
    extra = reference_rows(Path(COUNTRY_NAMES_FILE).stem, ("name", "iso3"), reference_dir)
    unknown = sorted({iso3 for _, iso3 in extra} - set(country_names()) - {NO_ISO_CODE})
    if unknown:
        raise BrokenReferenceError(
            f"{reference_dir / COUNTRY_NAMES_FILE}: codes not in countries.csv: {unknown}"
        )
    lookup.update((name.strip().casefold(), iso3) for name, iso3 in extra)
    return lookup


def map_countries(
    names: pd.Series,
    lines: pd.Series,
    file: str,
    column: str,
    *,
    where: str = "line",
    sheet: str | None = None,
) -> pd.Series:
    """Map country names to ISO3 codes ('' for a known name without a code).

    Raises:
        ImportRefusedError: one problem per name not found, at its first line, naming the mapping
            file to add it to.
    """
    lookup = country_lookup()
    keys = _normalise(names)
    codes = keys.map(lookup)
    missing = codes.isna()
    if missing.any():
        first = (
            pd.DataFrame({"name": names[missing], "line": lines[missing]})
            .groupby("name", sort=False)["line"]
            .agg(["first", "size"])
        )
        raise ImportRefusedError(
            [
                Problem(
                    int(row["first"]),
                    column,
                    str(name),
                    f"a country name known to the project: add '{name}' with its ISO3 code to "
                    f"{reference_in_use() / COUNTRY_NAMES_FILE} ({row['size']} rows have it)",
                    file=file,
                    where=where,
                    sheet=sheet,
                )
                for name, row in first.iterrows()
            ]
        )
    return codes.astype(object)


def drug_mapping(release: str, reference_dir: Path | None = None) -> pd.DataFrame:
    """The drug-name mapping of one release, checked against the drug vocabulary.

    Args:
        release: the release, e.g. ``"wdr2018"`` (``drug_names_<release>.csv``).
        reference_dir: the vocabularies' folder (default: the one in use).

    Raises:
        BrokenReferenceError: the file cannot be read, maps onto a drug or role outside the
            vocabulary, or lists a name twice.
    """
    return _drug_mapping(release, Path(reference_dir or reference_in_use()))


@cache
def _drug_mapping(release: str, reference_dir: Path) -> pd.DataFrame:
    drug_names(release, reference_dir)  # checked
    frame = load_reference(f"drug_names_{release}", reference_dir).copy()  # the cache stays as read
    for column in _DRUG_KEYS:
        frame[f"_{column}"] = _normalise(frame[column])
    return frame


_DRUG_KEYS = ("group", "subgroup", "name")


def drug_names(release: str, reference_dir: Path | None = None) -> dict[str, tuple[str, str, str]]:
    """The drug-name mapping of one release by name alone: ``(drug, role, note)`` by the name.

    Names are keyed as :func:`map_drugs` keys them (non-breaking spaces, surrounding blanks and
    case aside); where two groups list one name, the later line wins (the IDS export names a drug
    without its group). Read without pandas (see ``bulletin.data.vocab.reference_rows``).

    Raises:
        BrokenReferenceError: as :func:`drug_mapping`.
    """
    return _drug_names(release, Path(reference_dir or reference_in_use()))


@cache
def _drug_names(release: str, reference_dir: Path) -> dict[str, tuple[str, str, str]]:
    path = reference_dir / f"drug_names_{release}.csv"
    rows = reference_rows(path.stem, (*_DRUG_KEYS, "drug", "role", "note"), reference_dir)
    known = set(drugs())
    bad = [
        line
        for line, (*_, drug, role, _) in enumerate(rows, start=2)
        if (drug not in known and drug != "") or role not in ROLES
    ]
    if bad:
        raise BrokenReferenceError(f"{path}: drugs or roles outside the vocabulary on lines {bad}")
    by_name: dict[str, tuple[str, str, str]] = {}
    seen: set[tuple[str, ...]] = set()
    twice = []
    for line, (*names, drug, role, note) in enumerate(rows, start=2):
        key = tuple(_normal_name(part) for part in names)  # group, subgroup, name
        if key in seen:
            twice.append(line)
        seen.add(key)
        by_name[key[-1]] = (drug, role, note)
    if twice:
        raise BrokenReferenceError(f"{path}: names listed twice on lines {twice}")
    return by_name


def map_drugs(
    release: str,
    rows: pd.DataFrame,
    lines: pd.Series,
    file: str,
    columns: tuple[str, str, str],
    *,
    labels: tuple[str, str, str] | None = None,
    where: str = "line",
    sheet: str | None = None,
) -> pd.DataFrame:
    """Map each row's (group, subgroup, name) to the release's ``drug`` and ``role``.

    Args:
        release: the mapping file's release tag (``wdr2018`` for drug_names_wdr2018.csv).
        rows: the input rows.
        lines: each row's line (or spreadsheet row) number.
        file: the input's name, for messages.
        columns: the columns of ``rows`` holding group, subgroup and name.
        labels: the input file's names for those columns (for messages; default ``columns``).
        where: ``"line"`` (text file) or ``"row"`` (spreadsheet), for messages.
        sheet: the spreadsheet's sheet, for messages.

    Returns:
        A frame with ``drug``, ``role`` and ``note``, aligned with ``rows``.

    Raises:
        ImportRefusedError: one problem per unmapped name, naming the mapping file to add it to.
    """
    mapping = drug_mapping(release)
    keys = pd.DataFrame(
        {
            "_group": _normalise(rows[columns[0]].fillna("")),
            "_subgroup": _normalise(rows[columns[1]].fillna("")),
            "_name": _normalise(rows[columns[2]].fillna("")),
        },
        index=rows.index,
    )
    merged = keys.merge(
        mapping[["_group", "_subgroup", "_name", "drug", "role", "note"]],
        on=["_group", "_subgroup", "_name"],
        how="left",
    )
    merged.index = rows.index
    missing = merged["role"].isna()
    if missing.any():
        problems = []
        seen: set[tuple] = set()
        for index in merged.index[missing]:
            key = tuple(rows.loc[index, list(columns)].fillna(""))
            if key in seen:
                continue
            seen.add(key)
            problems.append(
                Problem(
                    int(lines[index]),
                    " / ".join(labels or columns),
                    " / ".join(str(part) for part in key),
                    f"a drug name of this release known to the project: add a line "
                    f"'{key[0]},{key[1]},{key[2]},<drug>,component,' to "
                    f"data/reference/drug_names_{release}.csv",
                    file=file,
                    where=where,
                    sheet=sheet,
                )
            )
        raise ImportRefusedError(problems)
    return merged[["drug", "role", "note"]]
