"""One pandera schema per tidy table of ``data/`` (the data contract, described in data/README.md).

Each schema states the table's columns, their types, the values they may take and the key that
must be unique. ``bulletin.data.tables`` checks a table against its schema every time it is loaded or
written. Columns with units carry them in their name (``kg``, ``count``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from bulletin.data.vocab import country_codes, drugs, reference_file

if TYPE_CHECKING:
    import pandera.pandas


class _Recipe:
    """A pandera call written as usual (``pa.Column(str, pa.Check.isin(...))``), made later.

    Importing pandera takes a fifth of a second, and most processes that read a table never
    need it: a table read before comes from the checked-table cache
    (:mod:`bulletin.data.table_cache`) with no check to run. So the rules below are recorded as
    they are written, and made into pandera's objects (:meth:`made`) only when a table's schema
    is first asked for (:attr:`TableSpec.schema`).

    >>> rule = pa.Check.in_range(1, 4, error="a quarter from 1 to 4")
    >>> rule
    pa.Check.in_range(1, 4, error='a quarter from 1 to 4')
    >>> type(rule.made()).__name__
    'Check'
    """

    __slots__ = ("_path", "_args", "_kwargs")

    def __init__(self, path: tuple[str, ...], args: tuple | None = None,
                 kwargs: dict[str, Any] | None = None) -> None:
        self._path, self._args, self._kwargs = path, args, kwargs

    def __getattr__(self, name: str) -> _Recipe:
        if name.startswith("__") or self._args is not None:
            raise AttributeError(name)  # a made call has no attributes to record
        return _Recipe((*self._path, name))

    def __call__(self, *args: Any, **kwargs: Any) -> _Recipe:
        return _Recipe(self._path, args, kwargs)

    def __repr__(self) -> str:
        arguments = [repr(a) for a in self._args or ()]
        arguments += [f"{k}={v!r}" for k, v in (self._kwargs or {}).items()]
        return ".".join(("pa", *self._path)) + f"({', '.join(arguments)})"

    def made(self) -> Any:
        """The pandera object: ``pandera.pandas`` imported, the call made, its arguments made."""
        import pandera.pandas  # here, not at the top: see the class's docstring

        target: Any = pandera.pandas
        for name in self._path:
            target = getattr(target, name)
        return target(*(_made(a) for a in self._args or ()),
                      **{k: _made(v) for k, v in (self._kwargs or {}).items()})


def _made(value: Any) -> Any:
    """A recipe made into its pandera object, in a dict or list too; anything else as it is."""
    if isinstance(value, _Recipe):
        return value.made()
    if isinstance(value, dict):
        return {key: _made(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_made(item) for item in value]
    return value


pa = _Recipe(())
"""Where the rules below are written: ``pandera.pandas``, as recorded :class:`_Recipe` calls."""

STATUSES: tuple[str, ...] = ("official", "stated", "reconstructed", "estimate")
"""How far a row may be trusted, most trusted first: ``official`` (published by UNODC or a national
statistical office), ``stated`` (transcribed from the bulletin's own text: a figure the issue
prints, second-hand and rounded as it rounds, not an official publication), ``reconstructed``
(made by this project by a documented script from the official rows around it and, where nothing
else exists, the bulletin's statements) or ``estimate`` (a documented model)."""

OFFENCE_TYPES: tuple[str, ...] = (
    "smuggling",
    "selling",
    "trafficking",
    "possession_personal_use",
    "cultivation",
    "other",
    # The UNODC category of the World Drug Report annex (table 10.1) "Offences related to drug
    # use and/or drug possession": a country-year reported only in UNODC's categories has its
    # rows under "trafficking", "use_possession" and "other" (data/reference/offence_types.csv).
    "use_possession",
    "total",
)
SEXES: tuple[str, ...] = ("male", "female", "total")
AGE_GROUPS: tuple[str, ...] = ("adult", "juvenile", "total")
ACTIVITY_KINDS: tuple[str, ...] = (
    "meeting",
    "round table",
    "seminar",
    "workshop",
    "training",
    "training of trainers",
)
QUANTITY_QUALIFIERS: tuple[str, ...] = ("exact", "more than", "over", "about", "almost")


def country_route_rule() -> str:
    """What a route cell must be, naming the countries' file in use."""
    return f"ISO3 codes listed in {reference_file('countries')}, separated by ';'"


def is_country_route(value: str) -> bool:
    """Whether a cell is an ordered route of ISO3 codes separated by ';' (a country may recur).

    >>> is_country_route("KGZ;KAZ"), is_country_route("KGZ;QQQ"), is_country_route("KGZ,KAZ")
    (True, False, False)
    """
    codes = country_codes()
    return bool(value) and all(code in codes for code in value.split(";"))


def _country(nullable: bool = False) -> _Recipe:
    return pa.Column(
        str,
        pa.Check.isin(
            sorted(country_codes()), error=f"an ISO3 code listed in {reference_file('countries')}"
        ),
        nullable=nullable,
    )


def _drug() -> _Recipe:
    return pa.Column(
        str, pa.Check.isin(drugs(), error=f"a drug listed in {reference_file('drugs')}")
    )


def _year() -> _Recipe:
    return pa.Column("int64", pa.Check.in_range(1900, 2100, error="a four-digit year"))


def _kg() -> _Recipe:
    return pa.Column("float64", pa.Check.ge(0, error="a number of kilograms, zero or more"))


def _count() -> _Recipe:
    return pa.Column("int64", pa.Check.ge(0, error="a whole count, zero or more"))


def _one_of(values: tuple[str, ...], nullable: bool = False) -> _Recipe:
    """A text column taking one of ``values`` (the error lists them)."""
    return pa.Column(
        str, pa.Check.isin(values, error="one of " + ", ".join(values)), nullable=nullable
    )


def _text(nullable: bool = False) -> _Recipe:
    return pa.Column(str, nullable=nullable)


def _provenance() -> dict[str, _Recipe]:
    return {
        "source": pa.Column(
            str, pa.Check.str_length(min_value=1, error="the publication the row comes from")
        ),
        "status": _one_of(STATUSES),
    }


@dataclass(frozen=True)
class TableSpec:
    """A table of the data contract: its file, its schema and its unique key.

    The pandera schema is built when first asked for (building one copies every column and
    check, a noticeable part of an import that only needs the table's columns and key).
    """

    name: str
    key: tuple[str, ...]
    description: str
    column_rules: dict[str, _Recipe] = field(repr=False, compare=False)
    checks: tuple[_Recipe, ...] = field(default=(), repr=False, compare=False)

    @cached_property
    def schema(self) -> pandera.pandas.DataFrameSchema:
        """The table's pandera schema: its columns, their checks and the unique key."""
        return pa.DataFrameSchema(
            dict(self.column_rules),
            checks=list(self.checks) or None,
            strict=True,
            ordered=False,
            unique=list(self.key),
            name=self.name,
        ).made()

    @property
    def filename(self) -> str:
        """The table's file name in a data folder."""
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        """The table's columns, in the contract's order."""
        return list(self.column_rules)


def _spec(
    name: str,
    description: str,
    key: tuple[str, ...],
    columns: dict[str, _Recipe],
    checks: list[_Recipe] | None = None,
) -> TableSpec:
    return TableSpec(
        name=name,
        key=key,
        description=description,
        column_rules={**columns, **_provenance()},
        checks=tuple(checks or ()),
    )


def build_specs() -> dict[str, TableSpec]:
    """Build the spec of every table of the contract, keyed by table name."""
    specs = [
        _spec(
            "seizures_quarterly",
            "Drug seizures by country, quarter and drug, in kilograms.",
            ("country", "year", "quarter", "drug"),
            {
                "country": _country(),
                "year": _year(),
                "quarter": pa.Column(
                    "int64", pa.Check.in_range(1, 4, error="a quarter from 1 to 4")
                ),
                "drug": _drug(),
                "kg": _kg(),
            },
        ),
        _spec(
            "seizures_annual",
            "Drug seizures by country, year and drug, in kilograms.",
            ("country", "year", "drug"),
            {"country": _country(), "year": _year(), "drug": _drug(), "kg": _kg()},
        ),
        _spec(
            "seizure_cases",
            "Individual drug seizure cases, with the route the drug took.",
            ("case_id",),
            {
                "case_id": _text(),
                "date": pa.Column(
                    str,
                    pa.Check.str_matches(
                        r"^\d{4}(-\d{2}(-\d{2})?)?$", error="a date as YYYY-MM-DD, YYYY-MM or YYYY"
                    ),
                ),
                "country": _country(),
                "drug": _drug(),
                "kg": _kg(),
                "producing_country": _country(nullable=True),
                "departure_country": _country(nullable=True),
                "transit_countries": pa.Column(
                    str,
                    pa.Check(is_country_route, element_wise=True, error=country_route_rule()),
                    nullable=True,
                ),
                "destination_country": _country(nullable=True),
            },
        ),
        _spec(
            "drug_offences",
            "Reported drug-related offences by country, year and national offence type.",
            ("country", "year", "offence_type"),
            {
                "country": _country(),
                "year": _year(),
                "offence_type": _one_of(OFFENCE_TYPES),
                "count": _count(),
            },
        ),
        _spec(
            "drug_arrests",
            "Persons arrested (or brought into formal contact) for drug-related offences.",
            ("country", "year", "sex", "age_group"),
            {
                "country": _country(),
                "year": _year(),
                "sex": _one_of(SEXES),
                "age_group": _one_of(AGE_GROUPS),
                "count": _count(),
            },
        ),
        _spec(
            "indicators",
            "Crime, criminal-justice, gender and SDG indicators, one value per row.",
            ("country", "year", "indicator", "disaggregation"),
            {
                "country": _country(),
                "year": _year(),
                "indicator": _text(),
                "disaggregation": _text(),
                "value": pa.Column("float64"),
                "unit": _text(),
            },
        ),
        _activities_spec(),
    ]
    return {spec.name: spec for spec in specs}


# --- activities (data/activities.csv) -----------------------------------------------------------
# The activities an issue reports, transcribed from its text. Dates keep the precision the text
# gives ("June" is 2017-06); a loose figure ("more than 100") keeps its qualifier beside the number;
# a figure the text gives for a series of rounds ("200 female police officers", across two rounds)
# is written once, on one round, with participants_scope "series". Totals are computed, never
# stored.

ACTIVITY_THEMES: tuple[str, ...] = (
    "border control",
    "prisons",
    "corruption",
    "drug trafficking",
    "crime statistics",
    "policing",
    "drug treatment",
)
LOOSE_QUALIFIERS: tuple[str, ...] = tuple(q for q in QUANTITY_QUALIFIERS if q != "exact")
"""Qualifiers of a figure the text gives loosely; a figure stated plainly has none."""
PARTICIPANT_SCOPES: tuple[str, ...] = ("activity", "series")
"""Whom a participants figure counts: the row's own activity (the default when empty) or every
round of the row's ``series`` together."""

_PARTIAL_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
_ISO3_LIST = re.compile(r"^[A-Z]{3}(;[A-Z]{3})*$")


def partial_date_bounds(text: str) -> tuple[date, date]:
    """The first and last day a date given at some precision may be.

    >>> partial_date_bounds("2017-06")
    (datetime.date(2017, 6, 1), datetime.date(2017, 6, 30))
    >>> partial_date_bounds("2017-04-25")
    (datetime.date(2017, 4, 25), datetime.date(2017, 4, 25))

    Raises:
        ValueError: for anything but a real date as YYYY-MM-DD, YYYY-MM or YYYY.
    """
    match = _PARTIAL_DATE.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a date as YYYY-MM-DD, YYYY-MM or YYYY")
    year = int(match["year"])
    if match["month"] is None:
        return date(year, 1, 1), date(year, 12, 31)
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} has no month {month}")
    if match["day"] is None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    day = date(year, month, int(match["day"]))  # raises ValueError for 2017-02-30
    return day, day


def is_partial_date(text: str) -> bool:
    """Whether ``text`` is a real date as YYYY-MM-DD, YYYY-MM or YYYY."""
    try:
        partial_date_bounds(text)
    except ValueError:
        return False
    return True


def is_country_list(text: str) -> bool:
    """Whether ``text`` is ISO3 codes of data/reference/countries.csv, ';'-separated, none twice."""
    codes = str(text).split(";")
    return (
        bool(_ISO3_LIST.match(str(text)))
        and set(codes) <= country_codes()
        and len(set(codes)) == len(codes)
    )


def _dates_in_order(frame: pd.DataFrame) -> pd.Series:
    """Rows whose end date is missing or cannot come before their start date."""

    def in_order(start: object, end: object) -> bool:
        if not isinstance(end, str):
            return True
        if not isinstance(start, str):
            return False  # an end without a start
        try:
            return partial_date_bounds(end)[1] >= partial_date_bounds(start)[0]
        except ValueError:
            return True  # a malformed date is reported by its own column's check

    pairs = zip(frame["start_date"], frame["end_date"], strict=True)
    return pd.Series([in_order(s, e) for s, e in pairs], index=frame.index, dtype=bool)


def _qualifiers_beside_numbers(frame: pd.DataFrame) -> pd.Series:
    """Rows where every qualifier and scope stands beside a number (and a series for its scope)."""
    ok = pd.Series(True, index=frame.index)
    for where in ("on_site", "remote"):
        number = frame[f"participants_{where}"].notna()
        ok = ok & (number | frame[f"participants_{where}_qualifier"].isna())
    any_number = frame["participants_on_site"].notna() | frame["participants_remote"].notna()
    scope = frame["participants_scope"]
    ok = ok & (scope.isna() | any_number)
    ok = ok & ((scope != "series") | frame["series"].notna())
    return ok


def _activities_spec() -> TableSpec:
    date_check = pa.Check(
        is_partial_date, element_wise=True, error="a real date as YYYY-MM-DD, YYYY-MM or YYYY"
    )
    count_check = pa.Check.ge(0, error="a whole number of participants, zero or more")
    qualifier_check = pa.Check.isin(
        LOOSE_QUALIFIERS,
        error="one of " + ", ".join(LOOSE_QUALIFIERS) + " (or empty for a figure stated plainly)",
    )
    return _spec(
        "activities",
        "The activities (meetings, trainings, seminars, ...) each issue reports.",
        ("id",),
        {
            "id": pa.Column(
                str,
                pa.Check.str_matches(r"^\d{4}-Q[1-4]-\d{2,}$", error="an id as YYYY-Qn-NN"),
            ),
            "start_date": pa.Column(str, date_check, nullable=True),
            "end_date": pa.Column(str, date_check, nullable=True),
            "duration_days": pa.Column(
                "Int64", pa.Check.ge(1, error="a whole number of days, one or more"), nullable=True
            ),
            "title": _text(),
            "kind": _one_of(ACTIVITY_KINDS),
            "theme": _one_of(ACTIVITY_THEMES),
            "city": _text(nullable=True),
            "country": _country(nullable=True),
            "participants_on_site": pa.Column("Int64", count_check, nullable=True),
            "participants_on_site_qualifier": pa.Column(str, qualifier_check, nullable=True),
            "participants_remote": pa.Column("Int64", count_check, nullable=True),
            "participants_remote_qualifier": pa.Column(str, qualifier_check, nullable=True),
            "participants_scope": _one_of(PARTICIPANT_SCOPES, nullable=True),
            "series": _text(nullable=True),
            "participating_countries": pa.Column(
                str,
                pa.Check(
                    is_country_list,
                    element_wise=True,
                    error=f"ISO3 codes of {reference_file('countries')} separated by ';', none "
                    "twice",
                ),
                nullable=True,
            ),
            "organisers": _text(nullable=True),
            "partners": _text(nullable=True),
            "donors": _text(nullable=True),
            "issue": pa.Column(
                str, pa.Check.str_matches(r"^\d{4}-Q[1-4]$", error="an issue as YYYY-Qn")
            ),
            "notes": _text(nullable=True),
        },
        checks=[
            pa.Check(
                _dates_in_order,
                error="an end_date (with a start_date) no earlier than the start_date",
            ),
            pa.Check(
                _qualifiers_beside_numbers,
                error="participant qualifiers and scope only beside a number, "
                "and scope 'series' only with a series",
            ),
        ],
    )
