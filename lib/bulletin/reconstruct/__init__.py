"""Documented reconstructions: the rows of ``data/`` that no publication gives.

A published figure always wins. Each module here fills only what no official row covers, from
the official rows around it and, where nothing else exists, the bulletin's own statements, and
states every rule it applies in its docstring (data/README.md says the same in short). The rows
it makes carry ``status`` ``reconstructed`` and a ``source`` that names the module
(``... by bulletin.reconstruct.<module>``) and what the rows rest on.

Run one as ``python -m bulletin.reconstruct.<module>``: it replaces its own rows (and only them)
and prints a summary of what it made and what it had to invent; ``--check`` compares the shipped
rows with what it would make and names every row that differs, and by how much.

The helpers shared by the modules live here: whole-number splits that add up exactly
(:func:`split_by_largest_remainder`), rounding as people round (:func:`bulletin.core.numbers.round_half_up`), straight
lines between two known years (:func:`interpolate`), and the command line.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bulletin.core.paths import DATA_DIR
from bulletin.data.tables import check_table, load_table, table_path, table_spec, write_table

log = logging.getLogger(__name__)

Selector = Callable[[pd.DataFrame], pd.Series]
MAX_DIFFERENCES_SHOWN = 20  # --check names this many differing rows, then counts the rest
DISAGREEMENT = "DISAGREEMENT"  # the word that marks a statement the official rows contradict


@dataclass
class Reconstruction:
    """What a reconstruction makes: its rows, and the notes its summary prints.

    ``notes`` say, in sentences with the figures, what the rules had to invent, where a statement
    of the bulletin disagrees with the official rows (the official rows win), and what was left
    missing because nothing supports a figure.
    """

    rows: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Add a note to the summary and log it.

        A disagreement, marked ``DISAGREEMENT``, is logged as a warning: a statement of the
        bulletin that the official rows contradict.
        """
        log.log(logging.WARNING if DISAGREEMENT in text else logging.INFO, "%s", text)
        self.notes.append(text)


def split_by_largest_remainder(total: int, weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """Split a whole number by weights into whole parts that add up to it exactly.

    Each part is the floor of its exact share; the units left go to the largest remainders (the
    first of equal remainders first).

    >>> split_by_largest_remainder(10, np.array([0.5, 0.25, 0.25])).tolist()
    [5, 3, 2]
    >>> split_by_largest_remainder(7, [0.0, 0.0]).tolist()
    [0, 0]
    """
    weights = np.asarray(weights, dtype=float)
    if total == 0 or weights.sum() == 0:
        return np.zeros(len(weights), dtype=int)
    exact = total * weights / weights.sum()
    parts = np.floor(exact).astype(int)
    remainder = int(total - parts.sum())
    order = np.argsort(-(exact - parts), kind="stable")
    parts[order[:remainder]] += 1
    return parts


def interpolate(year: int, before: int, old: float, after: int, new: float) -> float:
    """The straight line between two known years, read at ``year``.

    >>> interpolate(2012, 2011, 200, 2013, 100)
    150.0
    """
    return old + (new - old) * (year - before) / (after - before)


def rows_made_by(module: str) -> Selector:
    """A selector of the rows a reconstruction module made: reconstructed, and naming it.

    The module's name ends every ``source`` it writes (``... by bulletin.reconstruct.<module>``),
    so its rows are found even after the rest of the wording changes.
    """
    tag = f"by bulletin.reconstruct.{module}"
    return lambda table: (table["status"] == "reconstructed") & table["source"].str.contains(
        tag, regex=False
    )


def step_aside(rows: pd.DataFrame, others: pd.DataFrame, key: list[str]) -> tuple[pd.DataFrame, int]:
    """``rows`` without those that fall on the key of a row of another source, and how many.

    A published figure always wins: a reconstructed row never stands where an official (or
    stated, or another script's) row gives the same key, whatever the order the rows came in.
    The reconstruction that re-balances what it still fills around such rows does so itself
    (e.g. :mod:`bulletin.reconstruct.seizures_quarterly`); this is the last guard for all.

    >>> made = pd.DataFrame({"k": [1, 2, 3], "v": [1.0, 2.0, 3.0]})
    >>> kept, dropped = step_aside(made, pd.DataFrame({"k": [2]}), ["k"])
    >>> kept["k"].tolist(), dropped
    ([1, 3], 1)
    """
    if others.empty or rows.empty:
        return rows, 0
    taken = pd.MultiIndex.from_frame(others[key].drop_duplicates())
    clash = pd.MultiIndex.from_frame(rows[key]).isin(taken)
    return rows.loc[~clash].reset_index(drop=True), int(clash.sum())


def replace_own_rows(
    table: pd.DataFrame, rows: pd.DataFrame, owns: Selector, key: list[str]
) -> pd.DataFrame:
    """``table`` with the rows ``owns`` selects replaced by ``rows``; every other row kept as is.

    A new row on the key of a row the reconstruction does not own steps aside for it
    (:func:`step_aside`): an official row is never replaced by a reconstructed one.
    """
    kept = table.loc[~owns(table)]
    rows, _ = step_aside(rows, kept, key)
    return pd.concat([kept, rows[table.columns]], ignore_index=True)


def _cell(value: object, width: int = 0) -> str:
    """A value as the summary shows it; long texts cut to ``width`` characters."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "(empty)"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a count read beside a missing row comes out as a float
    text = str(value)
    return text[: width - 3] + "..." if width and len(text) > width else text


def _from_first_difference(old: str, new: str, before: int = 12, width: int = 80) -> tuple[str, str]:
    """Two texts cut to where they first differ, with a little before it.

    A long ``source`` that changed at its end shows the change.

    >>> _from_first_difference("split into quarters", "split into quarters, around others")
    ('...o quarters', '...o quarters, around others')
    """
    start = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new))
    )
    start = max(start - before, 0)

    def cut(text: str) -> str:
        part = text[start:]
        part = part if len(part) <= width else part[: width - 3] + "..."
        return ("..." if start else "") + part

    return cut(old), cut(new)


def differences(shipped: pd.DataFrame, rebuilt: pd.DataFrame, key: list[str]) -> list[str]:
    """The rows that differ between the shipped rows and the rebuilt ones, one sentence each.

    A row only one side has is named with its values; a row both have is named with each column
    that differs, the shipped and the rebuilt value, and for numbers the difference.

    >>> a = pd.DataFrame({"k": [1, 2], "kg": [1.0, 2.0], "source": ["s", "s"]})
    >>> b = pd.DataFrame({"k": [2, 3], "kg": [2.5, 3.0], "source": ["t", "s"]})
    >>> for line in differences(a, b, ["k"]): print(line)
    k=1: shipped, not rebuilt (kg=1, source=s)
    k=2: kg 2 shipped, 2.5 rebuilt (+0.5); source 's' shipped, 't' rebuilt
    k=3: rebuilt, not shipped (kg=3, source=s)
    """
    columns = [c for c in shipped.columns if c not in key]
    merged = shipped.merge(
        rebuilt[shipped.columns], on=key, how="outer", suffixes=("_shipped", "_rebuilt"),
        indicator=True,
    ).sort_values(key, kind="stable")
    lines: list[str] = []
    for row in merged.to_dict("records"):
        name = ", ".join(f"{k}={row[k]}" for k in key)
        if row["_merge"] != "both":
            side = "_shipped" if row["_merge"] == "left_only" else "_rebuilt"
            where = "shipped, not rebuilt" if side == "_shipped" else "rebuilt, not shipped"
            values = ", ".join(f"{c}={_cell(row[c + side], 60)}" for c in columns)
            lines.append(f"{name}: {where} ({values})")
            continue
        changes = []
        for column in columns:
            old, new = row[column + "_shipped"], row[column + "_rebuilt"]
            if _cell(old) == _cell(new):
                continue
            if isinstance(old, int | float) and isinstance(new, int | float):
                changes.append(
                    f"{column} {_cell(old)} shipped, {_cell(new)} rebuilt ({new - old:+.10g})"
                )
            else:
                old_text, new_text = _from_first_difference(_cell(old), _cell(new))
                changes.append(f"{column} '{old_text}' shipped, '{new_text}' rebuilt")
        if changes:
            lines.append(f"{name}: " + "; ".join(changes))
    return lines


def run_reconstruction(
    argv: list[str] | None,
    description: str,
    table: str,
    build: Callable[[Path], Reconstruction | pd.DataFrame],
    owns: Selector,
) -> int:
    """The command line every reconstruction shares: rebuild its rows, or ``--check`` them.

    Args:
        argv: the arguments (``--data-dir DIR``, ``--check``).
        description: the script's one-line description.
        table: the table it writes.
        build: makes the reconstruction's rows (and its notes) from the tables in a data folder.
        owns: selects, in the table, the rows the reconstruction made (and will replace).

    Returns:
        The exit status: 1 when ``--check`` finds the shipped rows differ, else 0.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder of tidy tables")
    parser.add_argument("--check", action="store_true", help="compare with the shipped rows only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    path = table_path(table, args.data_dir)
    made = build(args.data_dir)
    result = made if isinstance(made, Reconstruction) else Reconstruction(made)
    existing = load_table(table, args.data_dir) if path.exists() else None
    key = list(table_spec(table).key)
    if existing is None:
        existing = check_table(table, result.rows).iloc[0:0]
    rows, stepped = step_aside(result.rows, existing.loc[~owns(existing)], key)
    rows = check_table(table, rows)
    if stepped:
        result.note(
            f"{stepped} row{'s' if stepped != 1 else ''} made by the rules stepped aside for rows "
            "of other sources on the same key (a published figure always wins)."
        )
    if args.check:
        shipped = existing.loc[owns(existing)].sort_values(key, ignore_index=True)
        rebuilt = rows[shipped.columns].sort_values(key, ignore_index=True)
        if shipped.equals(rebuilt):
            print(f"{path}: the {len(shipped)} rows this script makes are up to date")
            return 0
        found = differences(shipped, rebuilt, key) or [
            f"the same values, in other column types: shipped {dict(shipped.dtypes.astype(str))}, "
            f"rebuilt {dict(rebuilt.dtypes.astype(str))}"
        ]
        print(f"{path}: the rows this script makes DIFFER ({len(found)} rows)")
        for line in found[:MAX_DIFFERENCES_SHOWN]:
            print(f"  {line}")
        if len(found) > MAX_DIFFERENCES_SHOWN:
            print(f"  ... and {len(found) - MAX_DIFFERENCES_SHOWN} more")
        return 1
    write_table(table, replace_own_rows(existing, rows, owns, key), args.data_dir)
    print(f"wrote {len(rows)} rows to {path}")
    for note in result.notes:
        print(f"  {note}")
    return 0


def load_input(name: str, data_dir: Path, table: str) -> pd.DataFrame:
    """A table a reconstruction reads; its own table, before it was ever written, is empty.

    A reconstruction that re-balances around the rows of other sources in its own table (such as
    official quarters among reconstructed ones) reads that table too.
    """
    if name == table and not table_path(name, data_dir).exists():
        return check_table(name, pd.DataFrame(columns=list(table_spec(name).columns)))
    return load_table(name, data_dir)


def reconstruction_main(
    description: str,
    table: str,
    build: Callable[..., Reconstruction | pd.DataFrame],
    inputs: Sequence[str],
    owns: Selector,
) -> Callable[[list[str] | None], int]:
    """The ``main`` of a reconstruction module: its command line (:func:`run_reconstruction`).

    Args:
        description: the module's one-line description (the first line of its docstring).
        table: the table it writes.
        build: makes its rows (and notes) from the tables ``inputs`` names, in that order.
        inputs: the tables it reads from the data folder.
        owns: selects, in the table, the rows the reconstruction made (and will replace).

    Returns:
        A function of the command's arguments (``None``: ``sys.argv``) giving the exit status.
    """

    def main(argv: list[str] | None = None) -> int:
        return run_reconstruction(
            argv,
            description,
            table,
            lambda data_dir: build(*(load_input(name, data_dir, table) for name in inputs)),
            owns,
        )

    main.table = table  # type: ignore[attr-defined]  (what refresh_after_import follows)
    main.reads = frozenset((table, *inputs))  # type: ignore[attr-defined]
    main.owns = owns  # type: ignore[attr-defined]
    return main


def _in_use(main: Callable, data_dir: Path) -> bool:
    """Whether the folder holds rows the reconstruction made."""
    if not table_path(main.table, data_dir).is_file():
        return False
    return bool(main.owns(load_table(main.table, data_dir)).any())


RECONSTRUCTIONS = ("seizures_quarterly", "drug_offences", "drug_arrests", "indicators_gbv")
"""Every reconstruction module, in the order ``make data`` runs them (each after what it reads)."""


def refresh_after_import(changed: Sequence[str], data_dir: Path | str) -> list[str]:
    """Re-run, in order, each reconstruction of the folder that reads a table an import changed.

    An import of official (or submitted) rows makes the reconstructions around them out of date:
    rows to step aside, years to re-balance. This does what ``make data`` does for those, and
    only those, printing each one's summary as its command does. A reconstruction the folder does
    not use (its table holds none of its rows) is not started: an import into a new folder brings
    only what was imported.

    Args:
        changed: the tables the import changed.
        data_dir: the data folder.

    Returns:
        The reconstructions re-run (a module that cannot run, e.g. with no official year to split
        yet, is skipped and named with the reason).
    """
    import importlib

    done: list[str] = []
    touched = set(changed)
    for name in RECONSTRUCTIONS:
        module = importlib.import_module(f"bulletin.reconstruct.{name}")
        if not touched & module.main.reads or not _in_use(module.main, Path(data_dir)):
            continue
        quiet = logging.getLogger("bulletin")
        level, quiet.level = quiet.level, logging.ERROR  # its notes are printed: not twice
        try:
            status = module.main(["--data-dir", str(data_dir)])
        except ValueError as error:
            done.append(f"{name} (not re-run: {error})")
            continue
        finally:
            quiet.setLevel(level)
        if status == 0:
            done.append(name)
            touched.add(module.main.table)  # what it wrote may move the next one
    return done


def regional_statement_note(
    statement: str,
    total: int,
    year: int,
    official: dict[str, int],
    between: dict[str, int],
    missing: list[str],
) -> str:
    """How much of a regional statement's total a reconstruction had to invent, in one line.

    Args:
        statement: the claim and its words, e.g. ``"C9 ('almost 13,600' in 2016"``.
        total: the figure taken for the statement (``13,575``).
        year: the year it speaks of.
        official: each country's official figure of that year.
        between: each country's figure made from its own official years (rule 1).
        missing: the countries with neither, among which the rest is shared.

    >>> regional_statement_note("C9 ('almost 13,600'", 13575, 2016, {"KGZ": 1608}, {}, ["KAZ"])
    "C9 ('almost 13,600' in 2016, taken as 13,575): official rows give 1,608 (KGZ 1,608), rule 1 0 (none); the statement leaves 11,967 (88% of it), invented for KAZ."
    """
    def named(figures: dict[str, int]) -> str:
        return ", ".join(f"{c} {n:,}" for c, n in figures.items()) or "none"

    left = total - sum(official.values()) - sum(between.values())
    if missing and left > 0:
        outcome = f"the statement leaves {left:,} ({left / total:.0%} of it), invented for {', '.join(missing)}."
    elif not missing:
        outcome = (
            "no country is left without a figure: the statement fills nothing "
            f"(the five add up to {total - left:,})."
        )
    else:
        outcome = (
            f"DISAGREEMENT: they already reach {total - left:,}, so nothing is left for "
            f"{', '.join(missing)}: missing (not forced)."
        )
    return (
        f"{statement} in {year}, taken as {total:,}): official rows give "
        f"{sum(official.values()):,} ({named(official)}), rule 1 {sum(between.values()):,} "
        f"({named(between)}); {outcome}"
    )

