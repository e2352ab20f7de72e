"""One run of a notebook for every issue of a batch that shows the same data.

Most analyses depend on the issue only through the period of data they show: the 2017-Q2 and
2017-Q3 issues both show annual seizures to 2016, offences to 2016, the routes' cases to their
last month. In a batch (``bulletin render --quarter 2012Q1..2017Q4``) such a notebook runs once for
all the issues whose period is the same, and each issue gets its page with its own masthead and
footer.

The period comes from :mod:`bulletin.analyses.readiness` (what ``bulletin status`` prints): for
each notebook, the tables it reads and the period of each, found by the same functions the
notebook calls. Two issues share a run of a notebook when its parameters other than ``quarter``
are the same and every one of those periods is the same. A notebook the registry does not know,
or whose period cannot be found (a table missing, an error), is never shared: it runs for each
issue. That the shipped notebooks' pages depend on nothing else of the issue is checked by
``tests/test_render_sharing.py``, which renders two issues apart and compares their pages.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from bulletin.render.plan import Edition, Notebook

log = logging.getLogger(__name__)


def _tables(names: list[str], data_dir: Path) -> dict[str, Any]:
    from bulletin.data.tables import load_table, table_path

    return {name: load_table(name, data_dir) for name in names if table_path(name, data_dir).is_file()}


def period_keys(
    editions: list[Edition],
    notebooks: list[Notebook],
    values: dict[tuple[Edition, str], dict[str, Any]],
    data_dir: Path,
) -> dict[tuple[Edition, str], str]:
    """The period each notebook shows in each edition, for a batch of more than one issue.

    Args:
        editions: the editions of the batch.
        notebooks: the notebooks.
        values: the parameters each notebook gets in each edition.
        data_dir: the data folder.

    Returns:
        By (edition, notebook name), a key naming the periods of data the notebook shows; only
        for the notebooks whose periods are known. Empty for a batch of one issue.
    """
    if len({edition.issue for edition in editions}) < 2:
        return {}
    from bulletin.analyses import readiness

    tables = _tables(readiness.tables_read([n.name for n in notebooks]), data_dir)
    keys: dict[tuple[Edition, str], str] = {}
    for edition in editions:
        for notebook in notebooks:
            given = values[edition, notebook.name]
            parameters = {name: p.default for name, p in notebook.declared.items()} | given
            try:
                shown = readiness.assess(notebook.name, edition.issue, tables, parameters)
            except Exception as error:  # noqa: BLE001  (any doubt: the notebook runs for its issue)
                log.debug("%s: no period for %s (%s): not shared", edition.label, notebook.name, error)
                continue
            if shown is None:
                continue
            periods = [[part.table, part.period, part.what] for part in shown.tables]
            others = {k: v for k, v in given.items() if k != "quarter"}
            keys[edition, notebook.name] = json.dumps([periods, others], sort_keys=True, default=str)
    return keys


def describe_periods(key: str) -> str:
    """A period key in words, for ``--explain`` and ``run.json``.

    >>> describe_periods('[[["seizures_annual", "1991-2016", "by year"]], {}]')
    'seizures_annual 1991-2016'
    """
    periods, _ = json.loads(key)
    return "; ".join(f"{table} {period}" for table, period, _what in periods) or "no table"
