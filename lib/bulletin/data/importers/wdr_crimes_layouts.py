"""How each edition of World Drug Report annex table 10.1 lays out its two sheets.

``bulletin.data.importers.wdr_crimes`` reads both editions with one reader; a :class:`Layout`
says, for one edition, the sheets' names, their headers, which column holds the country and
which the total, the name of the all-drugs rows, and the publications the rows come from.
Detection (``bulletin.data.importers.formats``) tells the editions apart with :func:`is_layout`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.data.importers.base import Publication
from bulletin.data.importers.xlsxio import cell_text

OFFENCE_COLUMNS = (
    "Calculated total",
    "Offences related to drug trafficking",
    "Offences related to drug use and/or drug possession",
    "Other drug-related offences",
)
SEX_AND_AGE = ("Males", "Females", "Adults", "Juveniles")
UNKNOWN_SEX = "Unknown/Other/ Third/Intersex"
PERSONS = "persons brought into formal contact with the police for drug-related offences"


def _publication(year: int, what: str) -> Publication:
    """The publication of one edition's table 10.1, for one of its two sheets."""
    return Publication(
        publisher="UNODC",
        table=f"World Drug Report {year}, statistical annex, table 10.1: drug-related crimes",
        source=f"UNODC, World Drug Report {year}, statistical annex, table 10.1: {what}",
        edition=year,
    )


@dataclass(frozen=True)
class Layout:
    """How one edition of annex table 10.1 lays out its two sheets."""

    edition: str
    offences_sheet: str
    offences_header: tuple[str, ...]
    offences_country: str
    contact_sheet: str
    contact_header: tuple[str, ...]
    contact_country: str
    drug_column: str
    all_drugs: str
    total_column: str

    @property
    def offences(self) -> Publication:
        """The publication of the offences sheet (its rows' ``source``, its rank)."""
        return _publication(int(self.edition), "drug-related offences by type")

    @property
    def arrests_source(self) -> str:
        """The ``source`` of the persons sheet's rows."""
        return _publication(int(self.edition), PERSONS).source

    @property
    def measures(self) -> dict[tuple[str, str], str]:
        """(sex, age_group) of drug_arrests -> the annex's column."""
        return {
            ("total", "total"): self.total_column,
            ("male", "total"): "Males",
            ("female", "total"): "Females",
            ("total", "adult"): "Adults",
            ("total", "juvenile"): "Juveniles",
        }


WDR2024 = Layout(
    edition="2024",
    offences_sheet="Sheet1",
    offences_header=("Region", "SubRegion", "Country", *OFFENCE_COLUMNS, "Year"),
    offences_country="Country",
    contact_sheet="Formal contact",
    contact_header=(
        "Region",
        "SubRegion",
        "Country",
        "campaign",
        "Year",
        "Type of offence",
        "Drug",
        "Calculated total",
        "Reported total",
        *SEX_AND_AGE,
    ),
    contact_country="Country",
    drug_column="Drug",
    all_drugs="Any Illicit drugs",
    total_column="Calculated total",
)
WDR2022 = Layout(
    edition="2022",
    offences_sheet="Total drug related offences",
    offences_header=(
        "Region",
        "SubRegion",
        "msName",
        "Year",
        "Offences related to drug use and/or drug possession",
        "Offences related to drug trafficking",
        "Other drug-related offences",
        "Calculated total",
    ),
    offences_country="msName",
    contact_sheet="Formal contact with the police",
    contact_header=(
        "Region",
        "SubRegion",
        "Country/Territory",
        "Type of offence",
        "Year",
        "Drugs",
        "Total",
        "Males",
        "Females",
        UNKNOWN_SEX,
        "Adults",
        "Juveniles",
    ),
    contact_country="Country/Territory",
    drug_column="Drugs",
    all_drugs="All illicit drugs",
    total_column="Total",
)
LAYOUTS = (WDR2024, WDR2022)

# The 2024 edition's names, kept for the tests that use them.
OFFENCES_HEADER = WDR2024.offences_header
CONTACT_HEADER = WDR2024.contact_header
OFFENCES = WDR2024.offences
ARRESTS_SOURCE = WDR2024.arrests_source


def header_of(rows: list[tuple], row: int = 1) -> tuple[str, ...]:
    """A sheet's header row as stripped names (trailing empty cells dropped; none if no row)."""
    if len(rows) < row:
        return ()
    names = [cell_text(value) for value in rows[row - 1]]
    while names and not names[-1]:
        names.pop()
    return tuple(names)


def is_layout(sheets: dict[str, list[tuple[str, ...]]], layout: Layout) -> bool:
    """Whether a workbook's first rows are those of ``layout`` (its persons sheet's header)."""
    rows = sheets.get(layout.contact_sheet)
    if not rows or layout.offences_sheet not in sheets:
        return False
    header = tuple(value for value in rows[0] if value)
    return header[: len(layout.contact_header)] == layout.contact_header
