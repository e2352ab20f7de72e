"""The rules that tie tables together, checked after each table passed its own schema.

A table can be valid on its own and still contradict another: quarters that no longer add up to
their year, a reconstruction left behind by new official rows, provenance that no longer matches
its table. Each rule here reads the tables as :func:`bulletin.data.tables.read_table` gives them
(with the line each row begins on) and says, for each row that breaks it, the file, line and
column, what was found and what was expected.

Two severities:

- ``error``: the data folder is not fit to render (``bulletin validate`` exits 2 and ``bulletin
  render`` refuses): a reconstruction out of date with the official rows it rests on, an official
  row that no provenance record names, an activity whose dates contradict its duration;
- ``warning``: two published figures that disagree (both are kept, as published; the pages say
  so), or a row worth a second look (an activity dated outside its issue's quarter). Printed, never
  refused: nothing is tuned to make published figures agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from bulletin.core.periods import Quarter
from bulletin.core.problems import Problem
from bulletin.data.schemas import partial_date_bounds
from bulletin.data.tables import table_spec

Tables = dict[str, tuple[pd.DataFrame, list[int]]]  # name -> (rows, line of each row)
KG_TOLERANCE = 0.001  # quarters are kept to the gram; a year's float artefacts below it
COUNT_TOLERANCE = 0.5
REBUILD = "the reconstruction is out of date: run `make data` (see data/README.md)"


def made_by_script(table: pd.DataFrame, module: str) -> pd.Series:
    """The rows a reconstruction script made: reconstructed, their ``source`` naming it.

    (The words every script of ``bulletin.reconstruct`` writes; the promise checked here, such as
    quarters adding up to their year, is that script's, not every reconstructed row's.)
    """
    tag = f"by bulletin.reconstruct.{module}"
    return (table["status"] == "reconstructed") & table["source"].str.contains(tag, regex=False)


@dataclass(frozen=True)
class CrossProblem:
    """A broken rule between tables.

    Attributes:
        rule: the rule, in a few words.
        problem: where (file, line, column), what was found and what was expected.
        severity: ``"error"`` (refused) or ``"warning"`` (printed, kept).
    """

    rule: str
    problem: Problem
    severity: str = "error"

    def __str__(self) -> str:
        """The problem in one line, with its severity and rule."""
        return f"{self.severity}: {self.rule}: {self.problem}"


def _line(lines: list[int], position: int) -> int | None:
    return lines[position] if position < len(lines) else None


def _filename(name: str) -> str:
    return table_spec(name).filename


def check_quarters_add_up(tables: Tables) -> list[CrossProblem]:
    """Quarterly seizures against the official years they belong to.

    A year whose quarters include some that ``bulletin.reconstruct.seizures_quarterly`` made must
    add up to its official figure (the script's promise; else it is out of date), and a quarter
    it made needs an official year. Quarters of other sources only that disagree with the year
    are a warning.
    """
    if "seizures_quarterly" not in tables or "seizures_annual" not in tables:
        return []
    quarterly, lines = tables["seizures_quarterly"]
    annual, _ = tables["seizures_annual"]
    official = annual[annual["status"] == "official"].set_index(["country", "year", "drug"])["kg"]
    official = official[~official.index.duplicated()]
    rule = "the quarters of a year add up to its official annual figure"
    found: list[CrossProblem] = []
    rows = quarterly.assign(_position=range(len(quarterly)))
    for (country, year, drug), group in rows.groupby(["country", "year", "drug"], sort=True):
        made = made_by_script(group, "seizures_quarterly")
        first = int(group["_position"].iloc[0])
        where = f"{country} {drug} {year}"
        total = float(group["kg"].sum())
        year_kg = official.get((country, year, drug))
        if year_kg is None:
            if made.any():
                at = int(group.loc[made, "_position"].iloc[0])
                found.append(CrossProblem(rule, Problem(
                    _line(lines, at), "kg", f"{where}: reconstructed quarters",
                    f"an official annual figure of {where} in seizures_annual.csv to split; {REBUILD}",
                    file=_filename("seizures_quarterly"),
                )))  # fmt: skip
            continue
        complete = len(group) == 4
        off = total - float(year_kg)
        if made.any() and (not complete or abs(off) > KG_TOLERANCE):
            got = f"{where}: {len(group)} quarters adding up to {total:,.3f} kg"
            found.append(CrossProblem(rule, Problem(
                _line(lines, first), "kg", got,
                f"four quarters adding up to the official year, {float(year_kg):,.3f} kg "
                f"({off:+,.3f} kg apart); {REBUILD}",
                file=_filename("seizures_quarterly"),
            )))  # fmt: skip
        elif not made.any() and ((complete and abs(off) > KG_TOLERANCE) or off > KG_TOLERANCE):
            got = f"{where}: quarters of other sources adding up to {total:,.3f} kg"
            found.append(CrossProblem(rule, Problem(
                _line(lines, first), "kg", got,
                f"{'at most ' if not complete else ''}the official year, {float(year_kg):,.3f} kg: "
                "two published figures disagree (both kept, as published)",
                file=_filename("seizures_quarterly"),
            ), "warning"))  # fmt: skip
    return found


def check_sexes_add_up(tables: Tables) -> list[CrossProblem]:
    """Persons arrested: men and women against the total of the same country, year and age.

    Official figures that disagree are a warning; a count ``bulletin.reconstruct.drug_arrests`` made
    among them is an error (the script is out of date).
    """
    if "drug_arrests" not in tables:
        return []
    arrests, lines = tables["drug_arrests"]
    rule = "men and women add up to the total"
    rows = arrests.assign(_position=range(len(arrests)))
    found: list[CrossProblem] = []
    for (country, year, age), group in rows.groupby(["country", "year", "age_group"], sort=True):
        counts = group.set_index("sex")["count"]
        if not {"male", "female", "total"} <= set(counts.index):
            continue
        parts, total = float(counts["male"] + counts["female"]), float(counts["total"])
        if abs(parts - total) <= COUNT_TOLERANCE:
            continue
        made = made_by_script(group, "drug_arrests").any()
        at = int(group.loc[group["sex"] == "total", "_position"].iloc[0])
        found.append(CrossProblem(rule, Problem(
            _line(lines, at), "count", f"{country} {year} ({age}): {parts:,.0f} men and women",
            f"the total, {total:,.0f}" + (
                f"; {REBUILD}" if made else ": the publication's figures disagree (kept as published)"
            ),
            file=_filename("drug_arrests"),
        ), "error" if made else "warning"))  # fmt: skip
    return found


def _activity_problems(row: pd.Series, line: int | None) -> list[CrossProblem]:
    found: list[CrossProblem] = []
    file = _filename("activities")
    start_text, end_text = row["start_date"], row["end_date"]
    if pd.isna(start_text):
        return found
    start = partial_date_bounds(start_text)
    end = partial_date_bounds(end_text) if not pd.isna(end_text) else start
    days = row["duration_days"]
    if not pd.isna(days):
        shortest = max((end[0] - start[1]).days + 1, 1)
        longest = (end[1] - start[0]).days + 1
        if not shortest <= int(days) <= longest:
            span = f"{shortest}" if shortest == longest else f"from {shortest} to {longest}"
            found.append(CrossProblem("an activity's duration fits its dates", Problem(
                line, "duration_days", str(int(days)),
                f"{span} days, as from {start_text} to {end_text if not pd.isna(end_text) else start_text}",
                file=file,
            )))  # fmt: skip
    try:
        issue = Quarter.parse(row["issue"])
    except ValueError:
        return found
    first = date(issue.year, 3 * issue.quarter - 2, 1)
    last = date(issue.shift(1).year, 3 * issue.shift(1).quarter - 2, 1)
    explained = not pd.isna(row.get("notes")) and str(row.get("notes")).strip()
    if (start[1] < first or start[0] >= last) and not explained:
        found.append(CrossProblem("an activity falls in its issue's quarter", Problem(
            line, "start_date", str(start_text),
            f"a date in {issue.months}, the quarter of issue {issue.label}, or a note "
            "saying why the issue reports it",
            file=file,
        ), "warning"))  # fmt: skip
    return found


def check_activity_dates(tables: Tables) -> list[CrossProblem]:
    """Activities: the duration fits the dates (error); the dates fall in the issue's quarter.

    An activity dated outside its issue's quarter without a note saying why is a warning: the
    bulletin itself reports some activities after their quarter (and says so).
    """
    if "activities" not in tables:
        return []
    activities, lines = tables["activities"]
    found: list[CrossProblem] = []
    for position, (_, row) in enumerate(activities.iterrows()):
        found += _activity_problems(row, _line(lines, position))
    return found


def check_provenance(tables: Tables, data_dir: Path) -> list[CrossProblem]:
    """Each table's provenance record (``provenance/<table>.json``) against the table.

    Every official row's ``source`` is one an import recorded, and each record's row count is the
    number of rows with its sources: a row typed in or deleted by hand after an import is found.
    """
    found: list[CrossProblem] = []
    for name, (frame, lines) in tables.items():
        path = Path(data_dir) / "provenance" / f"{name}.json"
        if not path.is_file():
            continue
        where = f"provenance/{name}.json"
        try:
            records = json.loads(path.read_text(encoding="utf-8"))["records"]
            known = {source for record in records for source in record["sources"]}
        except (ValueError, KeyError, TypeError) as error:
            found.append(CrossProblem("provenance matches its table", Problem(
                None, None, None, f"a provenance record as bulletin import writes it ({error})",
                file=where,
            )))  # fmt: skip
            continue
        rule = "provenance matches its table"
        unknown = frame.index[(frame["status"] == "official") & ~frame["source"].isin(known)]
        for position in [frame.index.get_loc(i) for i in unknown[:20]]:
            found.append(CrossProblem(rule, Problem(
                _line(lines, position), "source", str(frame["source"].iloc[position])[:80],
                f"the source of an import recorded in {where} (an official row comes from a "
                "publication, through bulletin import)",
                file=_filename(name),
            )))  # fmt: skip
        for record in records:
            rows = int(frame["source"].isin(record["sources"]).sum())
            if rows != record.get("rows", rows):
                found.append(CrossProblem(rule, Problem(
                    None, None, f"{rows:,} rows from {record.get('file', '?')}",
                    f"the {record['rows']:,} rows its import wrote ({where}): the table was edited "
                    "after the import; import the publication again",
                    file=_filename(name),
                )))  # fmt: skip
    return found


RULES: tuple[Callable[[Tables], list[CrossProblem]], ...] = (
    check_quarters_add_up,
    check_sexes_add_up,
    check_activity_dates,
)


def check_across_tables(tables: Tables, data_dir: Path | str) -> list[CrossProblem]:
    """Every rule between tables, over the tables that passed their own schema.

    Args:
        tables: each valid table's rows and the line each begins on, by name.
        data_dir: the data folder (its ``provenance/`` records are checked too).

    Returns:
        Every broken rule, errors and warnings, in the order of :data:`RULES` then provenance.
    """
    found: list[CrossProblem] = []
    for rule in RULES:
        found += rule(tables)
    return found + check_provenance(tables, Path(data_dir))
