"""Format 3: WDR 2024 statistical annex, table 10.1, drug-related crimes.

The workbook has two sheets:

- ``Sheet1``, offences by type: one row per country and year (``Year`` as text), with
  ``Calculated total``, ``Offences related to drug trafficking``, ``Offences related to drug use
  and/or drug possession`` and ``Other drug-related offences``. Each filled cell becomes a row of
  ``drug_offences`` under the offence type whose ``wdr_label`` in
  ``data/reference/offence_types.csv`` is the column's name (``trafficking``, ``use_possession``,
  ``other``, ``total``). An empty cell is not reported, never zero.
- ``Formal contact``, persons brought into formal contact with the police for drug offences, by
  offence type and drug, with ``Calculated total``, ``Males``, ``Females``, ``Adults``,
  ``Juveniles``. Rows for ``Any Illicit drugs`` become ``drug_arrests`` (breakdowns by drug are
  left out and counted: a person may be counted under several drugs). Each country-year gets the
  lines the annex publishes, summed over its offence types: all persons (``Calculated total``,
  UNODC's own total of the row), men and women (``age_group`` total), adults and juveniles
  (``sex`` total); sex and age are not crossed. A measure is written only when it is published
  for every offence type of the country-year (otherwise the sum would mix a part with a whole),
  and adults / juveniles only where the annex does not say the country defines them otherwise
  than "18 and older" / "under 18". When the annex has persons for only some of the three offence
  types, the ``source`` says which (for instance "... (offence types published: trafficking)").

Where the annex has two rows for the same country and year (and, for formal contact, offence
type), identical rows count once; rows that differ are left out, both, and counted: the importer
does not choose between two published figures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bulletin.importers.base import FileReport, ImportedTable, Publication, examples_of, refuse
from bulletin.importers.mapping import map_countries
from bulletin.importers.textio import parse_numbers
from bulletin.importers.xlsxio import read_workbook, sheet_frame
from bulletin.vocab import load_reference

OFFENCES_SHEET = "Sheet1"
CONTACT_SHEET = "Formal contact"
OFFENCE_COLUMNS = (
    "Calculated total",
    "Offences related to drug trafficking",
    "Offences related to drug use and/or drug possession",
    "Other drug-related offences",
)
OFFENCES_HEADER = ("Region", "SubRegion", "Country", *OFFENCE_COLUMNS, "Year")
CONTACT_HEADER = (
    "Region",
    "SubRegion",
    "Country",
    "campaign",
    "Year",
    "Type of offence",
    "Drug",
    "Calculated total",
    "Reported total",
    "Males",
    "Females",
    "Adults",
    "Juveniles",
)
ALL_DRUGS = "Any Illicit drugs"
STANDARD_DEFINITION = ("", "yes")
TITLE = "World Drug Report 2024, statistical annex, table 10.1: drug-related crimes"
OFFENCES = Publication(
    publisher="UNODC",
    table=TITLE,
    source="UNODC, World Drug Report 2024, statistical annex, table 10.1: drug-related offences "
    "by type",
)
ARRESTS_SOURCE = (
    "UNODC, World Drug Report 2024, statistical annex, table 10.1: persons brought into formal "
    "contact with the police for drug-related offences"
)
SHORT_TYPES = {"trafficking": "trafficking", "use_possession": "use/possession", "other": "other"}
MEASURES = {
    ("total", "total"): "Calculated total",
    ("male", "total"): "Males",
    ("female", "total"): "Females",
    ("total", "adult"): "Adults",
    ("total", "juvenile"): "Juveniles",
}


def offence_types_by_label() -> dict[str, str]:
    """The annex's column names (``wdr_label``) -> offence types, from offence_types.csv."""
    frame = load_reference("offence_types")
    labelled = frame[frame["wdr_label"].ne("")]
    return dict(zip(labelled["wdr_label"], labelled["offence_type"], strict=True))


def header_of(rows: list[tuple], row: int = 1) -> tuple[str, ...]:
    """A sheet's header row as stripped names (trailing empty cells dropped; none if no row)."""
    if len(rows) < row:
        return ()
    names = [("" if value is None else str(value)).strip() for value in rows[row - 1]]
    while names and not names[-1]:
        names.pop()
    return tuple(names)


def read_wdr_crimes(
    path: Path, scope: frozenset[str] | None, report: FileReport
) -> list[ImportedTable]:
    """Read annex table 10.1 into ``drug_offences`` and ``drug_arrests`` rows."""
    sheets = read_workbook(path)
    for sheet, expected in ((OFFENCES_SHEET, OFFENCES_HEADER), (CONTACT_SHEET, CONTACT_HEADER)):
        if sheet not in sheets:
            raise refuse(path.name, f"a sheet named '{sheet}'", got=", ".join(sheets))
        header = header_of(sheets[sheet])
        if header[: len(expected)] != expected:
            raise refuse(
                path.name,
                "the header " + ", ".join(expected),
                line=1,
                got=", ".join(header),
                where="row",
                sheet=sheet,
            )
    report.publication = OFFENCES
    offences = _offences(
        path,
        sheet_frame(sheets[OFFENCES_SHEET], 1, file=path.name, sheet=OFFENCES_SHEET),
        scope,
        report,
    )
    arrests = _arrests(
        path,
        sheet_frame(sheets[CONTACT_SHEET], 1, file=path.name, sheet=CONTACT_SHEET),
        scope,
        report,
    )
    return [offences, arrests]


def _countries(
    path: Path, frame: pd.DataFrame, scope: frozenset[str] | None, report: FileReport, sheet: str
) -> pd.DataFrame:
    names = frame["Country"].map(lambda v: "" if v is None else str(v).strip())
    frame = frame.assign(
        country=map_countries(names, frame["_row"], path.name, "Country", where="row", sheet=sheet)
    )
    label = sheet + " " + names + " " + frame["Year"].astype("Int64").astype(str)
    no_code = frame["country"].eq("")
    report.skip(
        "country without an ISO 3166 code (see country_names.csv)",
        int(no_code.sum()),
        examples_of(frame.loc[no_code, "_row"], label[no_code], "row"),
    )
    # The label is filtered with the frame: a mask made on the smaller frame cannot index it.
    frame, label = frame[~no_code], label[~no_code]
    if scope is not None:
        out = ~frame["country"].isin(scope)
        report.skip(
            f"country outside the import's scope ({', '.join(sorted(scope))})",
            int(out.sum()),
            examples_of(frame.loc[out, "_row"], label[out], "row"),
        )
        frame = frame[~out]
    return frame


def _conflicting(
    frame: pd.DataFrame, keys: list[str], values: list[str]
) -> tuple[pd.Series, pd.Series]:
    """Rows that repeat an identical row (to drop) and rows whose key has differing values."""
    filled = frame[keys + values].astype(str)
    identical = filled.duplicated(keep="first")
    distinct = filled[~identical]
    differing_keys = distinct[distinct.duplicated(keys, keep=False)][keys].drop_duplicates()
    differing = filled[keys].merge(differing_keys, on=keys, how="left", indicator=True)["_merge"]
    return identical, pd.Series(differing.eq("both").to_numpy(), index=frame.index)


def _offences(
    path: Path, frame: pd.DataFrame, scope: frozenset[str] | None, report: FileReport
) -> ImportedTable:
    report.rows_read += len(frame)
    other_year = frame["Year"].map(lambda v: str(v).strip().lower() == "other")
    specified = frame["Specify year"] if "Specify year" in frame else pd.Series("", frame.index)
    report.skip(
        "year not a calendar year (the annex's 'Other', e.g. a financial year)",
        int(other_year.sum()),
        examples_of(
            frame.loc[other_year, "_row"],
            frame.loc[other_year, "Country"].astype(str)
            + ": "
            + specified[other_year].astype(str),
            "row",
        ),
    )
    frame = frame[~other_year].copy()
    rows = frame["_row"]
    frame = frame.assign(
        Year=parse_numbers(
            frame["Year"], rows, path.name, "Year", where="row", sheet=OFFENCES_SHEET, whole=True
        )
    )
    for column in OFFENCE_COLUMNS:
        frame[column] = parse_numbers(
            frame[column], rows, path.name, column, where="row", sheet=OFFENCES_SHEET, whole=True
        )
    frame = _countries(path, frame, scope, report, OFFENCES_SHEET)
    identical, differing = _conflicting(frame, ["country", "Year"], list(OFFENCE_COLUMNS))
    label = (
        OFFENCES_SHEET + " " + frame["country"] + " " + frame["Year"].astype("Int64").astype(str)
    )
    report.skip(
        "repeats an identical row of the annex (counted once)",
        int(identical.sum()),
        examples_of(frame.loc[identical, "_row"], label[identical], "row"),
    )
    # The three are filtered together: a mask made on the smaller frame cannot index the others
    # (the cause of an IndexingError with --countries all on the real annex).
    frame, label, differing = frame[~identical], label[~identical], differing[~identical]
    report.skip(
        "the annex gives two different figures for the same country and year (neither is kept)",
        int(differing.sum()),
        examples_of(frame.loc[differing, "_row"], label[differing], "row"),
    )
    frame = frame[~differing]
    report.rows_kept += len(frame)
    types = offence_types_by_label()
    long = frame.melt(
        id_vars=["country", "Year", "_row"],
        value_vars=list(OFFENCE_COLUMNS),
        var_name="column",
        value_name="count",
    ).dropna(subset=["count"])
    table = pd.DataFrame(
        {
            "country": long["country"],
            "year": long["Year"].astype("int64"),
            "offence_type": long["column"].map(types),
            "count": long["count"].astype("int64"),
            "source": OFFENCES.source,
            "status": "official",
        }
    ).reset_index(drop=True)
    return ImportedTable(
        "drug_offences",
        table,
        frozenset({OFFENCES.source}),
        lines=long["_row"].astype(int).tolist(),
        where="row",
        sheet=OFFENCES_SHEET,
        columns={"country": "Country", "year": "Year"},
    )


def _arrests(
    path: Path, frame: pd.DataFrame, scope: frozenset[str] | None, report: FileReport
) -> ImportedTable:
    rows = frame["_row"]
    report.rows_read += len(frame)
    numbers = ["Year", "Calculated total", "Males", "Females", "Adults", "Juveniles"]
    for column in numbers:
        frame[column] = parse_numbers(
            frame[column], rows, path.name, column, where="row", sheet=CONTACT_SHEET, whole=True
        )
    frame = _countries(path, frame, scope, report, CONTACT_SHEET)
    text = {
        column: frame[column].map(lambda v: "" if v is None else str(v).strip())
        for column in ("Drug", "Type of offence")
    }
    label = (
        CONTACT_SHEET
        + " "
        + frame["country"]
        + " "
        + frame["Year"].astype("Int64").astype(str)
        + " "
        + text["Type of offence"]
        + " / "
        + text["Drug"]
    )
    by_drug = text["Drug"].ne(ALL_DRUGS)
    report.skip(
        f"breakdown by drug (persons are taken from '{ALL_DRUGS}')",
        int(by_drug.sum()),
        examples_of(frame.loc[by_drug, "_row"], label[by_drug], "row"),
    )
    frame = frame[~by_drug]
    types = offence_types_by_label()
    unknown = ~frame["Type of offence"].isin(types)
    if unknown.any():
        first = frame.index[unknown][0]
        raise refuse(
            path.name,
            "an offence type listed (wdr_label) in data/reference/offence_types.csv",
            line=int(frame.at[first, "_row"]),
            column="Type of offence",
            got=str(frame.at[first, "Type of offence"]),
            where="row",
            sheet=CONTACT_SHEET,
        )
    frame["offence_type"] = frame["Type of offence"].map(types)
    values = ["Calculated total", "Males", "Females", "Adults", "Juveniles"]
    identical, differing = _conflicting(frame, ["country", "Year", "offence_type"], values)
    label = label[frame.index]
    report.skip(
        "repeats an identical row of the annex (counted once)",
        int(identical.sum()),
        examples_of(frame.loc[identical, "_row"], label[identical], "row"),
    )
    frame, label, differing = frame[~identical], label[~identical], differing[~identical]
    report.skip(
        "the annex gives two different figures for the same country, year and offence "
        "type (neither is kept)",
        int(differing.sum()),
        examples_of(frame.loc[differing, "_row"], label[differing], "row"),
    )
    frame = frame[~differing]
    report.rows_kept += len(frame)

    def defined_otherwise(column: str) -> pd.Series:
        if column not in frame:  # the annex does not say: the standard definition
            return pd.Series(False, index=frame.index)
        return ~frame[column].map(lambda v: "" if v is None else str(v).strip().lower()).isin(
            STANDARD_DEFINITION
        )

    other_age = defined_otherwise("Adults: 18 and older") | defined_otherwise(
        "Juveniles: under 18 years old"
    )
    frame.loc[other_age, ["Adults", "Juveniles"]] = float("nan")

    out = []
    unpublished = 0
    for (country, year), group in frame.groupby(["country", "Year"], sort=True):
        published = sorted(group["offence_type"], key=list(SHORT_TYPES).index)
        source = ARRESTS_SOURCE
        if len(published) < len(SHORT_TYPES):
            source += (
                " (offence types published: " + ", ".join(SHORT_TYPES[t] for t in published) + ")"
            )
        for (sex, age_group), column in MEASURES.items():
            if group[column].isna().any():
                unpublished += int(group[column].notna().any())
                continue
            out.append(
                (
                    country,
                    int(year),
                    sex,
                    age_group,
                    int(group[column].sum()),
                    source,
                    int(group["_row"].min()),
                )
            )
    table = pd.DataFrame(
        out, columns=["country", "year", "sex", "age_group", "count", "source", "_row"]
    )
    rows = table.pop("_row").tolist()
    table["status"] = "official"
    if unpublished:
        report.notes.append(
            f"drug_arrests: {unpublished} country-year measures (men, women, adults or "
            "juveniles) not written: published for some of the country-year's offence types only"
        )
    if other_age.any():
        report.notes.append(
            f"drug_arrests: adults and juveniles of {int(other_age.sum())} rows not used: the "
            "country defines them otherwise than 18 and older / under 18"
        )
    return ImportedTable(
        "drug_arrests",
        table,
        frozenset(table["source"]) | {ARRESTS_SOURCE},
        lines=rows,
        where="row",
        sheet=CONTACT_SHEET,
        columns={"country": "Country", "year": "Year"},
    )
