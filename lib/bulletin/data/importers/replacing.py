"""Imports that replace a period's rows whatever their source: the quarterly submission.

A quarterly submission (``bulletin.data.importers.submission``) gives the office's figures of one
period, and its rows replace every row of the table in that period
(:attr:`~bulletin.data.importers.base.ImportedTable.replaces`: the values of the columns that
select them, e.g. year 2017 and quarter 3 of ``seizures_quarterly``, or issue 2017-Q3 of
``activities``), whatever their source or status: a reconstructed row of the quarter on a key
the file gives steps aside, and so does every row of an earlier submission of it. The
reconstructed rows of the quarter on keys the file leaves blank stay: a reconstruction fills what
nobody published. Every other row is kept as it was. The
precedence of publications (``bulletin.data.importers.precedence``) is not asked: the office's
submission of a period is the figure of that period.

**Provenance.** One record per file, as for every import (``bulletin.data.importers.provenance``),
with the data quarter it holds (``data_quarter``). The record of another file for the same table
and quarter (an earlier workbook of the quarter, saved under another name) is dropped: its rows
are gone. A file imported again with the same rows keeps its record as it was, ``imported_at``
included, so that importing the same workbook twice changes no byte the second time.

**What is left to the caller.** A reconstruction whose rows stepped aside is not re-balanced
here (``bulletin.data`` does not import ``bulletin.reconstruct``): the quarters of a year left to
the reconstruction no longer add up to the official year until it runs again.
``ImportResult.changed`` (``bulletin.data.importers.driver``) names the tables whose file the
import changed, and ``bulletin import`` re-runs the reconstructions that read them
(:func:`bulletin.reconstruct.refresh_after_import`).
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from bulletin.core.problems import Problem
from bulletin.data.importers import provenance
from bulletin.data.importers.base import ImportRefusedError
from bulletin.data.importers.merging import Item, provenance_record
from bulletin.data.importers.origins import Origin, origins_of
from bulletin.data.tables import table_spec


def describe_period(replaces: dict[str, object]) -> str:
    """The rows an import replaces, in words.

    >>> describe_period({"year": 2017, "quarter": 3})
    'year 2017, quarter 3'
    """
    return ", ".join(f"{column} {value}" for column, value in replaces.items())


def refuse_same_period(name: str, items: list[Item]) -> None:
    """Refuse two files of one command that replace the same period of a table.

    Raises:
        ImportRefusedError: naming both files (the second would silently replace the first).
    """
    first: dict[tuple, str] = {}
    for path, _, imported in items:
        period = tuple(sorted((imported.replaces or {}).items()))
        if period in first:
            raise ImportRefusedError(
                [
                    Problem(
                        None,
                        None,
                        None,
                        f"one file per period of {name} in a command: {first[period]} gives "
                        f"{describe_period(imported.replaces or {})} too",
                        file=path.name,
                    )
                ]
            )
        first[period] = path.name


def merge_periods(
    name: str,
    current: pd.DataFrame,
    current_origins: list[Origin],
    records: list[dict],
    items: list[Item],
) -> tuple[pd.DataFrame, list[Origin], list[dict]]:
    """A table after the files of a command replaced their periods (see :func:`merge_replacing`).

    Raises:
        ImportRefusedError: two files replace the same period.
    """
    refuse_same_period(name, items)
    for item in items:
        current, current_origins, records = merge_replacing(
            name, current, current_origins, records, item
        )
    return current, current_origins, records


def reconstructed_elsewhere(name: str, current: pd.DataFrame, given: pd.DataFrame) -> pd.Series:
    """The reconstructed rows of ``current`` on keys the file leaves blank: they stay.

    A reconstruction fills what nobody published; the submission publishes some of a period's
    keys, and the reconstruction's rows on the others stay its own (it re-balances them when it
    runs again), so that importing the same workbook twice changes nothing.
    """
    key = list(table_spec(name).key)
    if "status" not in current or current.empty:
        return pd.Series(False, index=current.index)
    made = current["status"].eq("reconstructed")
    if given.empty:
        return made
    taken = pd.MultiIndex.from_frame(given[key].astype(current[key].dtypes.to_dict()))
    return made & ~pd.MultiIndex.from_frame(current[key]).isin(taken)


def merge_replacing(
    name: str,
    current: pd.DataFrame,
    current_origins: list[Origin],
    records: list[dict],
    item: Item,
) -> tuple[pd.DataFrame, list[Origin], list[dict]]:
    """A table after one file replaced its period's rows, with its provenance records.

    Args:
        name: the table.
        current: its rows so far.
        current_origins: where each of them comes from.
        records: its provenance records so far.
        item: the file, its report and its rows (with ``replaces`` set).

    Returns:
        The rows (the others first, in their order, then the file's), their origins and the
        table's records.
    """
    path, report, imported = item
    period = imported.replaces or {}
    selected = pd.Series(True, index=current.index)
    for column, value in period.items():
        selected &= current[column].eq(value)
    selected &= ~reconstructed_elsewhere(name, current, imported.frame)
    gone = current[selected]
    frame = pd.concat([current[~selected], imported.frame], ignore_index=True)
    origins = [o for o, gone_row in zip(current_origins, selected, strict=True) if not gone_row]
    origins += list(origins_of(imported, path))

    written = len(imported.frame)
    report.replaced[name] = report.replaced.get(name, 0) + len(gone)
    report.replacing[name] = (
        f"of {describe_period(period)}: every submitted one, and the reconstructed ones on its keys"
    )
    report.written[name] = report.written.get(name, 0) + written
    if len(gone):
        statuses = Counter(gone["status"])
        words = ", ".join(f"{count:,} {status}" for status, count in sorted(statuses.items()))
        report.notes.append(
            f"{name}: replaces the rows of {describe_period(period)} ({words}): every submitted "
            "one, and the reconstructed ones on the keys it gives (those on keys it leaves blank "
            "stay the reconstruction's); every other row is kept as it was"
        )

    record = provenance_record(path, report, imported, name, written)
    others = [
        r
        for r in records
        if r["file"] == record["file"]
        or r.get("format") != record["format"]
        or r.get("data_quarter") != record.get("data_quarter")
    ]
    return frame, origins, provenance.updated_records(others, record)
