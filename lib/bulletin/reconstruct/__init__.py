"""Documented reconstructions of tables for which no public figures exist.

Each module rebuilds one table's reconstructed rows from the bulletin's statements and the
official rows around them, and states every rule it applies in its docstring. Run one as
``python -m bulletin.reconstruct.<table>``; re-running it reproduces the shipped rows exactly.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from bulletin.paths import DATA_DIR
from bulletin.tables import check_table, load_table, table_path, table_spec, write_table

Selector = Callable[[pd.DataFrame], pd.Series]


def rows_of_source(*sources: str) -> Selector:
    """A selector of the rows a reconstruction owns: those whose ``source`` is one of its own."""
    return lambda table: table["source"].isin(sources)


def replace_own_rows(
    table: pd.DataFrame, rows: pd.DataFrame, owns: Selector, key: list[str]
) -> pd.DataFrame:
    """``table`` with the rows ``owns`` selects replaced by ``rows``; every other row kept as is.

    Raises:
        ValueError: a new row falls on the key of a row the reconstruction does not own (an
            official row is never replaced by a reconstructed one).
    """
    kept = table.loc[~owns(table)]
    clash = rows[key].merge(kept[key], on=key)
    if not clash.empty:
        first = ", ".join(str(v) for v in clash.iloc[0])
        raise ValueError(
            f"{len(clash)} reconstructed rows fall on rows of other sources, e.g. ({first}): "
            "rows of other sources are never replaced"
        )
    return pd.concat([kept, rows[table.columns]], ignore_index=True)


def run_reconstruction(
    argv: list[str] | None,
    description: str,
    table: str,
    build: Callable[[Path], pd.DataFrame],
    owns: Selector,
) -> int:
    """The command line every reconstruction shares: rebuild its rows, or ``--check`` them.

    Args:
        argv: the arguments (``--data-dir DIR``, ``--check``).
        description: the script's one-line description.
        table: the table it writes.
        build: makes the reconstruction's rows from the tables in a data folder.
        owns: selects, in the table, the rows the reconstruction made (and will replace).

    Returns:
        The exit status: 1 when ``--check`` finds the shipped rows differ, else 0.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder of tidy tables")
    parser.add_argument("--check", action="store_true", help="compare with the shipped rows only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    path = table_path(table, args.data_dir)
    rows = check_table(table, build(args.data_dir))
    existing = load_table(table, args.data_dir) if path.exists() else rows.iloc[0:0]
    key = list(table_spec(table).key)
    if args.check:
        shipped = existing.loc[owns(existing)].sort_values(key, ignore_index=True)
        same = shipped.equals(rows[shipped.columns].sort_values(key, ignore_index=True))
        print(f"{path}: reconstructed rows " + ("up to date" if same else "DIFFER"))
        return 0 if same else 1
    write_table(table, replace_own_rows(existing, rows, owns, key), args.data_dir)
    print(f"wrote {len(rows)} reconstructed rows to {path}")
    return 0
