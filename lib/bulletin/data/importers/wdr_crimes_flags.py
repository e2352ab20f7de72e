"""Implausible figures of annex table 10.1: kept as published, flagged for the pages.

The rules (``bulletin.data.importers.wdr_crimes`` describes them with their examples): a row is
flagged when its sex or age parts are far from its total (:func:`parts_far_from_total`), or when
a count is many times the same country's count in both the nearest years published before and
after it (:func:`spikes`). Each flag is ``{"key", "values", "reason", "sheet", "row"}``, kept in
the table's provenance record (``bulletin.data.trust.flagged_rows`` gives them to the pages).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bulletin.data.importers.base import FileReport
from bulletin.data.importers.wdr_crimes_layouts import SEX_AND_AGE, UNKNOWN_SEX

PARTS_TOLERANCE = 0.10
"""Parts (sex, age) further from the total than this share of it flag the row."""
PARTS_MIN_DIFFERENCE = 5
"""... and further than this many persons (small counts are left alone)."""
SPIKE_RATIO = 5.0
"""A count more than this many times its neighbours' flags the row."""
SPIKE_FLOOR = 100
"""Counts under this are never flagged as spikes."""


def _number(value: object) -> int | float | None:
    """A figure as JSON has it: missing as None, whole numbers as int."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def flag_row(sheet: str, row: pd.Series, key: list[str], columns: list[str], reason: str) -> dict:
    """The flag of one row: its key, its published ``columns``, the reason and its place."""
    names = {"Year": "year"}
    return {
        "key": {
            names.get(k, k): (int(row[k]) if k == "Year" else row[k]) for k in key
        },
        "values": {c: _number(row[c]) for c in columns if c in row and _number(row[c]) is not None},
        "reason": reason,
        "sheet": sheet,
        "row": int(row["_row"]),
    }


def parts_far_from_total(frame: pd.DataFrame, total: str, sheet: str) -> list[dict]:
    """Rows whose sex or age parts are far from their total (rule 1 of the module)."""
    flags = []
    unknown = frame[UNKNOWN_SEX].fillna(0) if UNKNOWN_SEX in frame else 0
    checks = (
        ("men + women", frame["Males"] + frame["Females"] + unknown,
         frame["Males"].notna() & frame["Females"].notna()),
        ("adults + juveniles", frame["Adults"] + frame["Juveniles"],
         frame["Adults"].notna() & frame["Juveniles"].notna()),
    )
    columns = [total, *SEX_AND_AGE] + ([UNKNOWN_SEX] if UNKNOWN_SEX in frame else [])
    for what, parts, published in checks:
        difference = (parts - frame[total]).abs()
        far = (
            published
            & frame[total].notna()
            & (difference > PARTS_TOLERANCE * frame[total])
            & (difference > PARTS_MIN_DIFFERENCE)
        )
        for index in frame.index[far]:
            row = frame.loc[index]
            flags.append(
                flag_row(
                    sheet, row, ["country", "Year", "offence_type"], columns,
                    f"{what} ({_number(parts[index]):,}) far from the total "
                    f"({_number(row[total]):,}): more than {PARTS_TOLERANCE:.0%} apart",
                )
            )
    return flags


def spikes(
    frame: pd.DataFrame, by: list[str], column: str, sheet: str, key_of,
    shown: list[str] | None = None,
) -> list[dict]:
    """Counts many times their neighbours' (rule 2 of the module), as flags.

    Each flag's values are the row's ``shown`` columns (default: ``column``); ``key_of`` makes
    its key from the row.
    """
    flags = []
    rows = frame[frame[column].notna()].sort_values([*by, "Year"])
    for _, group in rows.groupby(by, sort=False):
        values = group[column].to_numpy(dtype=float)
        for i in range(len(group)):
            if i == 0 or i == len(group) - 1 or values[i] < SPIKE_FLOOR:
                continue
            neighbours = [values[i - 1], values[i + 1]]
            if values[i] > SPIKE_RATIO * max(neighbours):
                row = group.iloc[i]
                years = [int(group["Year"].iloc[j]) for j in (i - 1, i + 1)]
                flag = {
                    "key": key_of(row),
                    "values": {
                        c: _number(row[c]) for c in (shown or [column])
                        if _number(row[c]) is not None
                    },
                    "reason": (
                        f"{column}: {_number(values[i]):,} is more than {SPIKE_RATIO:g} times "
                        "the figure of the nearest published years before and after it ("
                        + ", ".join(f"{y}: {_number(v):,}" for y, v in zip(years, neighbours,
                                                                            strict=True))
                        + ")"
                    ),
                    "sheet": sheet,
                    "row": int(row["_row"]),
                }
                flags.append(flag)
    return flags


def note_flags(report: FileReport, table: str, flags: list[dict]) -> None:
    """Give a table's flags to the file's report, in the order of the sheet's rows."""
    if flags:
        flags = sorted(flags, key=lambda f: (f["sheet"], f["row"], f["reason"]))
        report.flag(table, flags)
