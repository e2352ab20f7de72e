"""One row of a submission sheet, cell by cell: a row of its table, or its problems.

:func:`seizure_row` and :func:`activity_row` read one record of their sheet with the checks of
``bulletin.data.importers.submission_cells``, each broken rule recorded on the sheet's cells
(sheet, row, column, found, expected), and return the row in the table's columns, or None when
one of its cells broke a rule. Rules that span cells (one row per country and drug, each id
once, an end date after its start date, a qualifier beside its number) are checked here too,
and named on the cell that breaks them.
"""

from __future__ import annotations

import re

from bulletin.core.periods import Quarter
from bulletin.data.importers.submission_cells import SheetCells, is_empty
from bulletin.data.schemas import (
    ACTIVITY_KINDS,
    ACTIVITY_THEMES,
    LOOSE_QUALIFIERS,
    PARTICIPANT_SCOPES,
    partial_date_bounds,
)
from bulletin.data.submission import layout
from bulletin.data.vocab import CENTRAL_ASIA, country_codes, reference_file

NOT_REPORTED = "not reported"
"""What :func:`seizure_row` returns for a row whose kg is empty."""
KG_RULE = (
    "a number of kilograms, zero or more, e.g. 1250.5 (no thousands separator; leave the cell "
    "empty where no figure was reported)"
)
STATUS_RULE = (
    "official or stated: a submission gives figures reported to the office; reconstructed and "
    "estimate rows are the project's own"
)
WHOLE_PEOPLE = (
    "a whole number of people, zero or more, or empty (a word such as 'more than' goes in the "
    "qualifier column)"
)
_LIST_SEPARATOR = ";"


def _one_of(values: tuple[str, ...], what: str) -> str:
    return f"{what}: one of " + ", ".join(values)


def seizure_row(
    cells: SheetCells, record: dict, quarter: Quarter, seen: dict[tuple[str, str], int]
) -> dict | str | None:
    """One row of the seizures sheet as a row of ``seizures_quarterly``.

    Args:
        cells: the sheet's cells (problems are recorded there).
        record: the row's cells by header, and ``_row``.
        quarter: the workbook's data quarter.
        seen: the first row of each (country, drug) so far (updated).

    Returns:
        The row; :data:`NOT_REPORTED` when its kg is empty (and its identity is sound); None
        when a cell broke a rule.
    """
    before = len(cells.problems)
    line = record["_row"]
    five = ", ".join(CENTRAL_ASIA)
    country = cells.choice(
        record,
        "country",
        CENTRAL_ASIA,
        f"one of the bulletin's five countries, as its ISO3 code: {five}",
        required=True,
    )
    drugs = layout.submission_drugs()
    drug = cells.choice(
        record,
        "drug",
        drugs,
        _one_of(drugs, f"a drug of the quarterly table ({reference_file('drugs')})")
        + " (cannabis_plants is left out of the quarterly table)",
        required=True,
    )
    why = (
        f"as the workbook holds {quarter.label} ({quarter.months}; About sheet): one workbook, "
        "one quarter (make the template of another quarter for its figures)"
    )
    cells.exact(record, "year", quarter.year, why)
    cells.exact(record, "quarter", quarter.quarter, why)
    if country and drug:
        first = seen.setdefault((country, drug), line)
        if first != line:
            cells.add_key(
                line,
                ("country", "drug"),
                f"{country}, {drug}",
                f"one row per country and drug (row {first} has {country}, {drug} too)",
            )
    kg = cells.number(record, "kg", minimum=0, whole=False, rule=KG_RULE)
    if is_empty(record.get("kg")):
        return NOT_REPORTED if len(cells.problems) == before else None
    source = cells.text(record, "source", required=True)
    status = cells.choice(
        record, "status", layout.SUBMITTED_STATUSES, STATUS_RULE, required=True
    )
    if len(cells.problems) > before:
        return None
    return {
        "country": country,
        "year": quarter.year,
        "quarter": quarter.quarter,
        "drug": drug,
        "kg": kg,
        "source": source,
        "status": status,
    }


def activity_row(
    cells: SheetCells, record: dict, quarter: Quarter, seen: dict[str, int]
) -> dict | None:
    """One row of the activities sheet as a row of ``activities``; None if a cell broke a rule.

    ``seen`` holds the first row of each id so far (updated).
    """
    before = len(cells.problems)
    row = {
        **_identity(cells, record, quarter, seen),
        **_dates(cells, record),
        **_what(cells, record),
        **_participants(cells, record),
        **_lists(cells, record),
        "notes": cells.text(record, "notes"),
        "source": cells.text(record, "source", required=True),
        "status": cells.choice(
            record, "status", layout.SUBMITTED_STATUSES, STATUS_RULE, required=True
        ),
    }
    return row if len(cells.problems) == before else None


def _identity(cells: SheetCells, record: dict, quarter: Quarter, seen: dict[str, int]) -> dict:
    """The activity's id (of the workbook's issue, each once) and its issue (the workbook's)."""
    issue = layout.activities_issue(quarter).label
    line = record["_row"]
    identifier = cells.text(record, "id", required=True)
    if identifier is not None:
        if not re.fullmatch(rf"{re.escape(issue)}-\d{{2,}}", identifier):
            cells.add(
                line,
                "id",
                identifier,
                f"an id of the {issue} issue, {issue}-NN: the issue, then the activity's place "
                "in it (01, 02, ...)",
            )
        else:
            first = seen.setdefault(identifier, line)
            if first != line:
                cells.add(line, "id", identifier, f"an id no other row has (row {first} has it)")
    given = cells.text(record, "issue", required=True)
    if given is not None and given != issue:
        cells.add(
            line,
            "issue",
            given,
            f"{issue}, the issue of the workbook's activities ({quarter.months}; About sheet): "
            "a workbook holds one quarter",
        )
    return {"id": identifier, "issue": given}


def _dates(cells: SheetCells, record: dict) -> dict:
    """Start and end dates: real, at their precision; an end needs a start and follows it."""
    start = cells.date(record, "start_date")
    end = cells.date(record, "end_date")
    if end is not None and is_empty(record.get("start_date")):
        cells.add(
            record["_row"],
            "end_date",
            end,
            f"an end date only with a start date ({cells.place('start_date')} is empty)",
        )
    elif start is not None and end is not None:
        if partial_date_bounds(end)[1] < partial_date_bounds(start)[0]:
            cells.add(
                record["_row"],
                "end_date",
                end,
                f"an end date no earlier than the start date, {start} "
                f"({cells.place('start_date')})",
            )
    days = cells.number(
        record,
        "duration_days",
        minimum=1,
        whole=True,
        rule="a whole number of days, 1 or more, or empty",
    )
    return {"start_date": start, "end_date": end, "duration_days": days}


def _what(cells: SheetCells, record: dict) -> dict:
    """Title, kind, theme and place (city, country)."""
    return {
        "title": cells.text(record, "title", required=True),
        "kind": cells.choice(
            record, "kind", ACTIVITY_KINDS, _one_of(ACTIVITY_KINDS, "a kind"), required=True
        ),
        "theme": cells.choice(
            record, "theme", ACTIVITY_THEMES, _one_of(ACTIVITY_THEMES, "a theme"), required=True
        ),
        "city": cells.text(record, "city"),
        "country": cells.choice(
            record,
            "country",
            sorted(country_codes()),
            f"an ISO3 code listed in {reference_file('countries')} (e.g. KGZ), or empty",
            required=False,
        ),
    }


def _participants(cells: SheetCells, record: dict) -> dict:
    """The figures of participants, their qualifiers (beside a number) and their scope."""
    row: dict = {}
    line = record["_row"]
    for where in ("on_site", "remote"):
        number_column = f"participants_{where}"
        qualifier_column = f"{number_column}_qualifier"
        number = cells.number(record, number_column, minimum=0, whole=True, rule=WHOLE_PEOPLE)
        qualifier = cells.choice(
            record,
            qualifier_column,
            LOOSE_QUALIFIERS,
            _one_of(LOOSE_QUALIFIERS, "the word before a loose figure") + ", or empty",
            required=False,
        )
        if qualifier is not None and is_empty(record.get(number_column)):
            cells.add(
                line,
                qualifier_column,
                qualifier,
                f"a qualifier only beside a number ({cells.place(number_column)} is empty)",
            )
        row[number_column] = None if number is None else int(number)
        row[qualifier_column] = qualifier
    scope = cells.choice(
        record,
        "participants_scope",
        PARTICIPANT_SCOPES,
        _one_of(PARTICIPANT_SCOPES, "whom the figures count") + ", or empty",
        required=False,
    )
    series = cells.text(record, "series")
    numbers = [record.get(f"participants_{where}") for where in ("on_site", "remote")]
    if scope is not None and all(is_empty(value) for value in numbers):
        cells.add(line, "participants_scope", scope, "a scope only beside a number of participants")
    elif scope == "series" and series is None:
        cells.add(
            line,
            "participants_scope",
            scope,
            f"scope 'series' only with a series ({cells.place('series')} is empty)",
        )
    row["participants_scope"] = scope
    row["series"] = series
    return row


def _lists(cells: SheetCells, record: dict) -> dict:
    """Participating countries (known ISO3 codes, each once) and the names of those involved."""
    row = {}
    countries = cells.text(record, "participating_countries")
    if countries is not None:
        codes = [code.strip().upper() for code in countries.split(_LIST_SEPARATOR) if code.strip()]
        unknown = [code for code in codes if code not in country_codes()]
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if unknown or twice or not codes:
            found = "; ".join(
                part
                for part in (
                    f"unknown: {', '.join(unknown)}" if unknown else "",
                    f"twice: {', '.join(twice)}" if twice else "",
                )
                if part
            )
            cells.add(
                record["_row"],
                "participating_countries",
                countries,
                f"ISO3 codes of {reference_file('countries')} separated by ';' (e.g. KAZ;KGZ), "
                "each once" + (f" ({found})" if found else ""),
            )
        countries = _LIST_SEPARATOR.join(codes)
    row["participating_countries"] = countries
    for column in ("organisers", "partners", "donors"):
        names = cells.text(record, column)
        if names is not None:
            parts = [part.strip() for part in names.split(_LIST_SEPARATOR) if part.strip()]
            names = _LIST_SEPARATOR.join(parts) or None
        row[column] = names
    return row
