"""``bulletin new``: write a new analysis's notebook, ready to render and to edit.

``bulletin new 12_methamphetamine "Methamphetamine seizures"`` writes
``notebooks/12_methamphetamine.ipynb`` (``--notebooks-dir DIR`` elsewhere) in the house anatomy:
the title and one paragraph, the tagged ``parameters`` cell (``quarter``, ``data_dir``,
``country``), then Load, Compute, Check and Show. As written it works on the shipped data: the
seizures of amphetamine-type stimulants by country and year from ``seizures_annual``
(:mod:`bulletin.analyses.by_country`), one chart and one table, the last year's total as a key
figure and a main point made from it. The notebook states its own words: the chart's title
(passed to the chart helper, whence its caption and text alternative) and the main point
(``report.main_point``, whence the front page's sentence). ``bulletin render`` renders it with
the others, and the front page links it at once, with its main point.

Exit status: 0 when written; 2, in one sentence and nothing written, for a name that is not
``NN_snake_case``, a notebook of that name or number already there, an empty title, or a
notebooks folder that does not exist.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core.files import write_atomic
from bulletin.core.paths import NOTEBOOKS_DIR

if TYPE_CHECKING:  # nbformat (and jsonschema with it) is imported when a notebook is written,
    import nbformat  # not by every command that builds the parser (start-up, issue 18)

NAME_PATTERN = re.compile(r"^(\d{2})_[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
"""A notebook's name: two digits (its place in the issue), then words in snake_case."""

PARAMETERS = (
    'quarter: str = "2017Q2"  # bulletin issue, YYYYQn\n'
    'data_dir: str = ""  # folder of tidy tables; empty: the project\'s data/\n'
    'country: str = ""  # ISO3 code of a country edition; empty: the region'
)

SETUP = """from bulletin.analyses import annual, by_country
from bulletin.core.periods import Quarter
from bulletin.core.wording import describe_quantity
from bulletin.data.tables import load_table
from bulletin.publish import report

issue = Quarter.parse(quarter)
drugs = ["ats"]  # amphetamine-type stimulants (methamphetamine, amphetamine, ecstasy): data/reference/drugs.csv
countries = by_country.countries_shown(country)  # the five, or the country of an edition"""

LOAD = """seizures = load_table("seizures_annual", data_dir)
first, last = by_country.years_with_figures(seizures, drugs, annual.last_data_year(issue), countries)
shown = annual.Selection(drugs, first, last, countries)  # the rows the page shows"""

COMPUTE = """table = by_country.kg_by_country(seizures, shown)
latest = by_country.latest_total(table, "ats_seized_kg")  # the last year with a figure"""

CHECK = """report.record_data(annual.select_rows(seizures, shown), "seizures_annual")
figures = [latest] if latest else []
for figure in figures:
    report.record_figure(**figure)"""

SHOW_POINT = """if latest:  # the front page's sentence, stated here with the figure it rests on
    report.main_point(f"In {latest['period']}, {describe_quantity(latest['value'], 'kilogram')} of amphetamine-type stimulants were seized in {by_country.countries_with_figures(table, latest['period'])}.", figures)
else:
    report.show_text(f"No seizures of amphetamine-type stimulants are in the tables up to {last}.")"""

SHOW_CHART = """if latest:
    by_country.plot_by_country(seizures, table, shown, title=f"Seizures of amphetamine-type stimulants, {first}-{last} (kg)")"""

SHOW_TABLE = """note, statuses = annual.table_note(seizures, shown)
report.show_table(by_country.table_for_page(table, countries), f"Amphetamine-type stimulants seized by country, {first}-{last} (kg)", note, decimals=1, statuses=statuses)"""


class ScaffoldError(ValueError):
    """A name, title or folder ``bulletin new`` refuses (one sentence)."""


def check_name(name: str, notebooks_dir: Path) -> None:
    """Refuse a bad name, or one whose notebook (or number) is already in ``notebooks_dir``.

    Raises:
        ScaffoldError: with one sentence saying why.
    """
    match = NAME_PATTERN.match(name)
    if match is None:
        raise ScaffoldError(
            f"{name!r} is not a notebook name: expected two digits, an underscore and words in "
            "snake_case, e.g. 12_methamphetamine"
        )
    if not notebooks_dir.is_dir():
        raise ScaffoldError(f"the notebooks folder {notebooks_dir} does not exist")
    existing = notebooks_dir / f"{name}.ipynb"
    if existing.exists():
        raise ScaffoldError(f"{existing} exists already: choose another name")
    same_number = sorted(notebooks_dir.glob(f"{match.group(1)}_*.ipynb"))
    if same_number:
        raise ScaffoldError(
            f"{same_number[0]} has the number {match.group(1)} already: an issue places its "
            "analyses by number, choose another"
        )


def scaffold_notebook(title: str) -> nbformat.NotebookNode:
    """The new analysis's notebook: its title and paragraph, parameters, Load, Compute, Check, Show.

    Raises:
        ScaffoldError: for an empty title, or one of more than one line.
    """
    title = title.strip()
    if not title or "\n" in title:
        raise ScaffoldError("the title must be one line of words, e.g. \"Methamphetamine seizures\"")
    paragraph = (
        "How much of the drugs this analysis is about did the five countries of Central Asia "
        "seize, year by year? As written by `bulletin new`, the page shows the seizures of "
        "amphetamine-type stimulants (methamphetamine among them) from the table "
        "`seizures_annual`: replace this question, the data and the words with the analysis's "
        "own. The first sentence of this paragraph is its summary on the front page; "
        "`report.main_point` states its main point there, and the title given to the chart "
        "helper is the chart's caption."
    )
    import nbformat

    code, markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        markdown(f"# {title}\n\n{paragraph}"),
        code(PARAMETERS, metadata={"tags": ["parameters"]}),
        code(SETUP),
        markdown("## Load"),
        code(LOAD),
        markdown("## Compute"),
        code(COMPUTE),
        markdown("## Check"),
        code(CHECK),
        markdown("## Show"),
        code(SHOW_POINT),
        code(SHOW_CHART),
        code(SHOW_TABLE),
    ]
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3", "language": "python", "name": "python3"
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write_scaffold(name: str, title: str, notebooks_dir: Path = NOTEBOOKS_DIR) -> Path:
    """Write the new analysis's notebook; its path.

    Raises:
        ScaffoldError: for a bad name or title, or a name or number already taken (nothing
            written).
    """
    import nbformat

    check_name(name, notebooks_dir)
    nb = scaffold_notebook(title)
    return write_atomic(notebooks_dir / f"{name}.ipynb", nbformat.writes(nb) + "\n")


def add_new_parser(commands: argparse._SubParsersAction) -> None:
    """Add the ``new`` subparser to the ``bulletin`` command."""
    parser = commands.add_parser(
        "new",
        help="write a new analysis's notebook, ready to render and to edit",
        description="Write notebooks/NAME.ipynb: the title, the tagged parameters cell "
        "(quarter, data_dir, country), Load, Compute, Check and Show, with a working chart and "
        "table on the shipped data, its chart title and main point stated in the notebook. "
        "bulletin render renders it and the front page links it.",
    )
    parser.add_argument("name", help="the notebook's name: NN_snake_case, e.g. 12_methamphetamine")
    parser.add_argument("title", help='the analysis\'s title, e.g. "Methamphetamine seizures"')
    parser.add_argument(
        "--notebooks-dir", type=Path, default=NOTEBOOKS_DIR, help="folder of the analyses"
    )
    parser.set_defaults(handler=run_new)


def run_new(args: argparse.Namespace) -> int:
    """Run ``bulletin new``; the exit status."""
    try:
        path = write_scaffold(args.name, args.title, args.notebooks_dir)
    except ScaffoldError as error:
        print(f"bulletin new: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path}: edit it, then bulletin render --quarter 2017Q2 renders it with the others")
    return 0
