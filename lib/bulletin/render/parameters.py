"""A notebook's parameters: what its ``parameters`` cell declares, and checking values against it.

Each notebook declares its parameters in the cell tagged ``parameters``, as typed, commented
literals (papermill's convention; ``papermill --help-notebook`` reads them the same way)::

    quarter: str = "2017Q2"  # bulletin issue, YYYYQn
    data_dir: str = ""  # folder of tidy tables; empty for the project's data/ ...

Every analysis has that cell and declares ``quarter`` in it (:func:`parameters_cell_problems`):
without the tag papermill injects nothing, and the notebook would show its default issue inside
another one.

The renderer reads these declarations with :mod:`ast` (no kernel, no import of the notebook's
code) and checks every value it is about to inject *before any kernel starts*: a name no notebook
declares, a value of the wrong type, or an impossible value (an issue with no data at all in the
data folder, a country outside the bulletin's five) stops the render with a :class:`ParameterError`
listing every problem, and the command exits with status 2.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulletin.core.periods import Quarter

PARAMETERS_TAG = "parameters"
# Parameters the renderer sets itself, from its own options; they cannot be given with --param.
RENDERER_PARAMETERS = {"quarter": "--quarter", "data_dir": "--data-dir", "country": "--country"}
_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool}


class ParameterError(ValueError):
    """Parameters that cannot be given to the notebooks; the message lists every problem."""

    def __init__(self, problems: list[str]):
        """An error listing ``problems``, one sentence each."""
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Parameter:
    """One parameter a notebook declares: name, type (``str``, ``int``, ...), default, comment."""

    name: str
    type_name: str
    default: Any
    comment: str = ""


def read_notebook_json(path: Path) -> dict[str, Any]:
    """A notebook file as plain JSON (fast: no nbformat, no validation)."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def cell_source(cell: dict[str, Any]) -> str:
    """A cell's text, as one string (a notebook file may hold it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def parameters_cell(nb: dict[str, Any]) -> dict[str, Any] | None:
    """The cell tagged ``parameters``, or None."""
    for cell in nb.get("cells", []):
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return cell
    return None


QUARTER_LINE = 'quarter: str = "2017Q2"  # bulletin issue, YYYYQn'
"""The declaration of ``quarter`` every analysis's parameters cell holds."""


def parameters_cell_problems(
    nb: dict[str, Any], declared: dict[str, Parameter], name: str
) -> list[str]:
    """Why a notebook cannot be rendered for an issue: no cell tagged ``parameters``, or no ``quarter``.

    Args:
        nb: the notebook as JSON.
        declared: what its parameters cell declares (:func:`declared_parameters`).
        name: the notebook, for the messages.

    >>> parameters_cell_problems({"cells": []}, {}, "12_new.ipynb")[0][:47]
    "12_new.ipynb: no cell is tagged 'parameters' (p"
    """
    if parameters_cell(nb) is None:
        return [
            f"{name}: no cell is tagged {PARAMETERS_TAG!r} (papermill would inject no parameter and "
            "the notebook would show its own default issue whatever the issue rendered); expected "
            f"the cell that declares `{QUARTER_LINE}` (and `data_dir`) to carry the tag "
            f"{PARAMETERS_TAG!r} (in JupyterLab: the property inspector, Cell Tags)"
        ]
    if "quarter" not in declared:
        return [
            f"{name}: its {PARAMETERS_TAG!r} cell does not declare `quarter` (the notebook would "
            f"show the same figures in every issue); expected a line `{QUARTER_LINE}` in it"
        ]
    return []


def declared_parameters(nb: dict[str, Any], name: str = "notebook") -> dict[str, Parameter]:
    r"""The parameters a notebook declares in its ``parameters`` cell, in order.

    Args:
        nb: the notebook as JSON.
        name: the notebook's name, for error messages.

    Raises:
        ParameterError: the cell is not valid Python, or holds something other than literal
            assignments.

    >>> nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]},
    ...        "source": 'quarter: str = "2017Q2"  # the issue\nyears: int = 3'}]}
    >>> declared_parameters(nb)["quarter"]
    Parameter(name='quarter', type_name='str', default='2017Q2', comment='the issue')
    """
    cell = parameters_cell(nb)
    if cell is None:
        return {}
    source = cell_source(cell)
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise ParameterError(
            [f"{name}: its parameters cell is not valid Python (line {error.lineno}, column "
             f"{error.offset}: {error.msg})"]
        ) from None
    lines = source.splitlines()
    declared: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, annotation, value = node.target.id, ast.unparse(node.annotation), node.value
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            target, annotation, value = node.targets[0].id, "", node.value
        else:
            raise ParameterError(
                [f"{name}: line {node.lineno} of its parameters cell is not a literal assignment "
                 "(the cell must hold `name: type = literal  # comment` lines only)"]
            )
        try:
            default = ast.literal_eval(value) if value is not None else None
        except ValueError:
            raise ParameterError(
                [f"{name}: parameter {target!r} has a default that is not a literal "
                 "(derive values in the next cell, or they keep their default when injected)"]
            ) from None
        type_name = annotation or type(default).__name__
        comment = lines[node.lineno - 1].partition("#")[2].strip() if "#" in lines[node.lineno - 1] else ""
        declared[target] = Parameter(target, type_name, default, comment)
    return declared


def convert(value: Any, parameter: Parameter, notebook: str) -> Any:
    """``value`` as the parameter's declared type (text from the command line is converted).

    Raises:
        ParameterError: the value is not of that type and cannot be read as it.

    >>> convert("3", Parameter("years", "int", 5), "nb")
    3
    """
    expected = _TYPES.get(parameter.type_name)
    if expected is None:  # a type the renderer does not know (list, dict, ...): literal only
        if isinstance(value, str):
            try:
                return ast.literal_eval(value)
            except (ValueError, SyntaxError):
                pass
        return value
    if isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
        return value
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            if expected is bool:
                if text.lower() in ("true", "yes", "1"):
                    return True
                if text.lower() in ("false", "no", "0"):
                    return False
                raise ValueError(text)
            return expected(text)
        except ValueError:
            pass
    raise ParameterError(
        [f"parameter {parameter.name!r} of {notebook} is declared as {parameter.type_name}"
         f"{' (' + parameter.comment + ')' if parameter.comment else ''}; got {value!r}"]
    )


def first_table_with_data(data_dir: Path, years: Iterable[int]) -> str | None:
    """The first table of ``data_dir`` (by name) with a row dated in one of ``years``, if any.

    A row's date is its ``year`` column, or the year that starts a ``date`` or ``start_date``
    column. Reading stops at the first such row: a warm render asks this of the 8 MB of seizure
    cases too (issue 18).
    """
    wanted = {str(y) for y in years}
    for path in sorted(Path(data_dir).glob("*.csv")):
        try:
            with open(path, newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                header = next(reader, [])
                columns = [i for i, c in enumerate(header) if c in ("year", "date", "start_date")]
                if not columns:
                    continue
                for row in reader:
                    if any(len(row) > i and row[i][:4] in wanted for i in columns):
                        return path.stem
        except (OSError, UnicodeDecodeError, csv.Error):
            continue  # the notebook that loads it reports the problem, with its line
    return None


def check_issue(issue: Quarter, data_dir: Path) -> list[str]:
    """Problems with rendering ``issue`` from ``data_dir``: none, or why it is impossible.

    An issue reports the quarter before its own and the years before it; it is impossible when
    no table of the data folder has a row from the issue's year or the year before.
    """
    if not Path(data_dir).is_dir():
        return [f"data folder {data_dir} does not exist"]
    years = (issue.year - 1, issue.year)
    if first_table_with_data(Path(data_dir), years) is None:
        return [
            f"quarter {issue.label}: no table in {data_dir} has any row from {years[0]} or "
            f"{years[1]}, so there is nothing to report for this issue"
        ]
    return []


def check_country(country: str) -> list[str]:
    """Problems with a per-country edition of ``country``: none, or why it is impossible."""
    from bulletin.data.vocab import edition_country

    try:
        edition_country(country)
    except ValueError as error:
        return [str(error)]
    return []


def notebook_parameters(
    declared: dict[str, Parameter],
    notebook: str,
    issue: Quarter,
    data_dir: Path,
    country: str | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """The values to inject into one notebook: only what it declares, each of its type.

    ``quarter``, ``data_dir`` and ``country`` are set by the renderer when the notebook declares
    them; a notebook that does not declare ``country`` is rendered for the whole region, whatever
    the edition. ``extra`` values (``--param``) go to the notebooks that declare them.

    Raises:
        ParameterError: a value of the wrong type.
    """
    values: dict[str, Any] = {}
    given = {"quarter": issue.label, "data_dir": str(data_dir)}
    if country:
        given["country"] = country
    given.update(extra)
    problems = []
    for name, value in given.items():
        if name in declared:
            try:
                values[name] = convert(value, declared[name], notebook)
            except ParameterError as error:
                problems += error.problems
    if problems:
        raise ParameterError(problems)
    return values


def check_extra_names(extra: dict[str, Any], declared_by: dict[str, set[str]]) -> list[str]:
    """Problems with ``--param`` names: the renderer's own, or declared by no notebook."""
    problems = []
    for name in extra:
        if name in RENDERER_PARAMETERS:
            problems.append(f"parameter {name!r} is set with {RENDERER_PARAMETERS[name]}, not --param")
        elif name not in declared_by:
            known = sorted(set(declared_by) - set(RENDERER_PARAMETERS))
            problems.append(
                f"unknown parameter {name!r}: no notebook declares it"
                + (f" (the notebooks declare: {', '.join(known)})" if known else "")
            )
    return problems
