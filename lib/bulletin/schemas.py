"""One pandera schema per tidy table of ``data/`` (the data contract, described in data/README.md).

Each schema states the table's columns, their types, the values they may take and the key that
must be unique. ``bulletin.tables`` checks a table against its schema every time it is loaded or
written. Columns with units carry them in their name (``kg``, ``count``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.pandas as pa

from bulletin.vocab import country_codes, drugs

STATUSES: tuple[str, ...] = ("official", "reconstructed", "estimate")
"""How far a row may be trusted: published by an official body, reconstructed by this project
from the bulletin's own statements, or estimated by a documented model."""

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


def _country(nullable: bool = False) -> pa.Column:
    return pa.Column(
        str,
        pa.Check.isin(
            sorted(country_codes()), error="an ISO3 code listed in data/reference/countries.csv"
        ),
        nullable=nullable,
    )


def _drug() -> pa.Column:
    return pa.Column(str, pa.Check.isin(drugs(), error="a drug listed in data/reference/drugs.csv"))


def _year() -> pa.Column:
    return pa.Column("int64", pa.Check.in_range(1900, 2100, error="a four-digit year"))


def _kg() -> pa.Column:
    return pa.Column("float64", pa.Check.ge(0, error="a number of kilograms, zero or more"))


def _count() -> pa.Column:
    return pa.Column("int64", pa.Check.ge(0, error="a whole count, zero or more"))


def _text(nullable: bool = False) -> pa.Column:
    return pa.Column(str, nullable=nullable)


def _provenance() -> dict[str, pa.Column]:
    return {
        "source": pa.Column(
            str, pa.Check.str_length(min_value=1, error="the publication the row comes from")
        ),
        "status": pa.Column(str, pa.Check.isin(STATUSES, error="one of " + ", ".join(STATUSES))),
    }


@dataclass(frozen=True)
class TableSpec:
    """A table of the data contract: its file, its schema and its unique key."""

    name: str
    schema: pa.DataFrameSchema
    key: tuple[str, ...]
    description: str

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        return list(self.schema.columns)


def _spec(
    name: str, description: str, key: tuple[str, ...], columns: dict[str, pa.Column]
) -> TableSpec:
    schema = pa.DataFrameSchema(
        {**columns, **_provenance()},
        strict=True,
        ordered=False,
        unique=list(key),
        name=name,
    )
    return TableSpec(name=name, schema=schema, key=key, description=description)


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
                    pa.Check.str_matches(
                        r"^[A-Z]{3}(;[A-Z]{3})*$", error="ISO3 codes separated by ';'"
                    ),
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
                "offence_type": pa.Column(
                    str, pa.Check.isin(OFFENCE_TYPES, error="one of " + ", ".join(OFFENCE_TYPES))
                ),
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
                "sex": pa.Column(str, pa.Check.isin(SEXES, error="one of " + ", ".join(SEXES))),
                "age_group": pa.Column(
                    str, pa.Check.isin(AGE_GROUPS, error="one of " + ", ".join(AGE_GROUPS))
                ),
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
        _spec(
            "activities",
            "The activities (meetings, trainings, seminars, ...) each issue reports.",
            ("id",),
            {
                "id": _text(),
                "start_date": pa.Column(
                    str,
                    pa.Check.str_matches(
                        r"^\d{4}(-\d{2}(-\d{2})?)?$", error="a date as YYYY-MM-DD, YYYY-MM or YYYY"
                    ),
                ),
                "end_date": pa.Column(
                    str,
                    pa.Check.str_matches(
                        r"^\d{4}(-\d{2}(-\d{2})?)?$", error="a date as YYYY-MM-DD, YYYY-MM or YYYY"
                    ),
                ),
                "title": _text(),
                "kind": pa.Column(
                    str, pa.Check.isin(ACTIVITY_KINDS, error="one of " + ", ".join(ACTIVITY_KINDS))
                ),
                "theme": _text(),
                "city": _text(nullable=True),
                "country": _country(nullable=True),
                "participants_on_site": pa.Column("Int64", pa.Check.ge(0), nullable=True),
                "participants_on_site_qualifier": pa.Column(
                    str, pa.Check.isin(QUANTITY_QUALIFIERS), nullable=True
                ),
                "participants_remote": pa.Column("Int64", pa.Check.ge(0), nullable=True),
                "participants_remote_qualifier": pa.Column(
                    str, pa.Check.isin(QUANTITY_QUALIFIERS), nullable=True
                ),
                "participating_countries": pa.Column(
                    str,
                    pa.Check.str_matches(
                        r"^[A-Z]{3}(;[A-Z]{3})*$", error="ISO3 codes separated by ';'"
                    ),
                    nullable=True,
                ),
                "organisers": _text(nullable=True),
                "partners": _text(nullable=True),
                "donors": _text(nullable=True),
                "issue": pa.Column(
                    str, pa.Check.str_matches(r"^\d{4}-Q[1-4]$", error="an issue as YYYY-Qn")
                ),
            },
        ),
    ]
    return {spec.name: spec for spec in specs}
