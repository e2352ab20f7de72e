"""Formats 3 and 7: World Drug Report statistical annex table 10.1, drug-related crimes.

Two editions, read by one reader with a layout each (``bulletin.data.importers.wdr_crimes_layouts``):

- **WDR 2024** (sheets ``Sheet1`` and ``Formal contact``): offences with ``Country``, ``Year``
  (text), ``Calculated total`` and the three types; persons with ``Country``, ``campaign``,
  ``Year``, ``Type of offence``, ``Drug`` (``Any Illicit drugs``), ``Calculated total``,
  ``Reported total``, ``Males``, ``Females``, ``Adults``, ``Juveniles`` and the columns saying
  whether the country defines adults as 18 and older.
- **WDR 2022** (sheets ``Total drug related offences`` and ``Formal contact with the police``):
  offences with ``msName`` for the country and the types before ``Calculated total``; persons
  with ``Country/Territory``, ``Drugs`` (``All illicit drugs``), ``Total`` and the same sex and
  age columns, no campaign and no definition columns.

Rules, the same for both:

- **Offences**: each filled cell becomes a row of ``drug_offences`` under the offence type whose
  ``wdr_label`` in ``data/reference/offence_types.csv`` is the column's name (``trafficking``,
  ``use_possession``, ``other``, ``total`` for "Calculated total"). An empty cell is not
  reported, never zero. A ``Year`` of "Other" (a financial year, two years together: ``Specify
  year`` says which) is not a calendar year: left out and counted.
- **Persons** (``drug_arrests``): rows for all drugs only (breakdowns by drug are left out and
  counted: a person may be counted under several drugs). Each country-year gets the lines the
  annex publishes, summed over its offence types: all persons (the total), men and women
  (``age_group`` total), adults and juveniles (``sex`` total); sex and age are not crossed. A
  measure is written only when it is published for every offence type of the country-year
  (otherwise the sum would mix a part with a whole), and adults / juveniles only where the annex
  does not say the country defines them otherwise than "18 and older" / "under 18". When the
  annex has persons for only some of the three offence types, the ``source`` says which (for
  instance "... (offence types published: trafficking)").
- **Two rows for one key** (country and year, and for persons offence type): identical rows count
  once; rows that differ are left out, both, and counted: the importer does not choose between
  two published figures of one edition (between editions, see ``bulletin.data.importers.precedence``).
- **A count that is not a whole number** (the 2022 annex prints Chile's 2020 persons as 18.664,
  thousands written with a decimal point) cannot be a number of persons: the row is left out,
  counted and flagged, never rounded.
- **Implausible figures are kept as published** and flagged (the summary lists them, the
  provenance record of the table keeps them under ``flagged``, and
  ``bulletin.data.trust.flagged_rows`` gives them to the pages). A row is flagged when

  1. *parts far from the total*: men + women (+ unknown sex), or adults + juveniles, where both
     parts are published, differ from the row's total by more than :data:`~bulletin.data.importers.wdr_crimes_flags.PARTS_TOLERANCE` of
     it and by more than :data:`~bulletin.data.importers.wdr_crimes_flags.PARTS_MIN_DIFFERENCE` persons (Kyrgyzstan 2016 in the 2022
     annex: 816 adults and 34 juveniles for 8,853 persons);
  2. *a spike*: a count at least :data:`~bulletin.data.importers.wdr_crimes_flags.SPIKE_FLOOR` and more than :data:`~bulletin.data.importers.wdr_crimes_flags.SPIKE_RATIO` times the
     same country's count of the same offence type (persons) or column (offences) in both the
     nearest year published before it and the nearest after it (Kyrgyzstan 2016: 8,841 persons
     for trafficking against 1,259 in 2015 and 1,190 in 2017). A first or last year has one
     neighbour only, and a jump between two years does not say which of them is wrong: it is
     not flagged.

  Flags look at the rows kept (in the scope), and each edition on its own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bulletin.data.importers.base import FileReport, ImportedTable, examples_of, refuse
from bulletin.data.importers.mapping import map_countries
from bulletin.data.importers.textio import parse_numbers
from bulletin.data.importers.wdr_crimes_flags import (
    flag_row,
    note_flags,
    parts_far_from_total,
    spikes,
)
from bulletin.data.importers.wdr_crimes_layouts import (
    OFFENCE_COLUMNS,
    SEX_AND_AGE,
    UNKNOWN_SEX,
    WDR2024,
    Layout,
    header_of,
)
from bulletin.data.importers.xlsxio import cell_text, header_refusal, read_workbook, sheet_frame
from bulletin.data.vocab import load_reference

STANDARD_DEFINITION = ("", "yes")
SHORT_TYPES = {"trafficking": "trafficking", "use_possession": "use/possession", "other": "other"}
def offence_types_by_label() -> dict[str, str]:
    """The annex's column names (``wdr_label``) -> offence types, from offence_types.csv."""
    frame = load_reference("offence_types")
    labelled = frame[frame["wdr_label"].ne("")]
    return dict(zip(labelled["wdr_label"], labelled["offence_type"], strict=True))


def read_wdr_crimes(
    path: Path, scope: frozenset[str] | None, report: FileReport, layout: Layout = WDR2024
) -> list[ImportedTable]:
    """Read annex table 10.1 of one edition into ``drug_offences`` and ``drug_arrests`` rows."""
    sheets = read_workbook(path)
    for sheet, expected in (
        (layout.offences_sheet, layout.offences_header),
        (layout.contact_sheet, layout.contact_header),
    ):
        if sheet not in sheets:
            raise refuse(path.name, f"a sheet named '{sheet}'", got=", ".join(sheets))
        header = header_of(sheets[sheet])
        if header[: len(expected)] != expected:
            raise header_refusal(path, expected, header, 1, sheet)
    report.publication = layout.offences

    def rows_of(sheet: str) -> pd.DataFrame:
        return sheet_frame(sheets[sheet], 1, file=path.name, sheet=sheet)

    return [
        _offences(path, rows_of(layout.offences_sheet), scope, report, layout),
        _arrests(path, rows_of(layout.contact_sheet), scope, report, layout),
    ]


def _calendar_years(
    path: Path, frame: pd.DataFrame, report: FileReport, sheet: str, country: str
) -> pd.DataFrame:
    """Rows whose Year is a calendar year (the annex's "Other" left out and counted)."""
    other_year = frame["Year"].map(lambda v: cell_text(v).lower() == "other").astype(bool)
    specified = next(
        (frame[c] for c in ("Specify year", "Specify year if other") if c in frame),
        pd.Series("", frame.index),
    )
    report.skip(
        "year not a calendar year (the annex's 'Other', e.g. a financial year)",
        int(other_year.sum()),
        examples_of(
            frame.loc[other_year, "_row"],
            sheet
            + " "
            + frame.loc[other_year, country].map(cell_text)
            + ": "
            + specified[other_year].map(cell_text),
            "row",
        ),
    )
    frame = frame[~other_year].copy()
    frame["Year"] = parse_numbers(
        frame["Year"], frame["_row"], path.name, "Year", where="row", sheet=sheet, whole=True
    )
    return frame


def _whole_counts(
    path: Path,
    frame: pd.DataFrame,
    columns: list[str],
    report: FileReport,
    sheet: str,
    key: list[str],
    flags: list[dict],
) -> pd.DataFrame:
    """Parse count columns; rows with a count that is not whole are left out, counted, flagged."""
    for column in columns:
        frame[column] = parse_numbers(
            frame[column], frame["_row"], path.name, column, where="row", sheet=sheet
        )
    values = frame[columns]
    broken = (values.notna() & (values != values.round())).any(axis=1)
    if broken.any():
        rows = frame[broken]
        report.skip(
            "a count that is not a whole number (left out, never rounded; flagged)",
            int(broken.sum()),
            examples_of(rows["_row"], rows[key[0]].astype(str) + " " + rows["Year"].astype(str),
                        "row"),
        )
        for _, row in rows.iterrows():
            flags.append(
                flag_row(
                    sheet,
                    row,
                    key,
                    columns,
                    "a count that is not a whole number (perhaps thousands with a decimal "
                    "point): not written",
                )
            )
    return frame[~broken]


def _countries(
    path: Path,
    frame: pd.DataFrame,
    scope: frozenset[str] | None,
    report: FileReport,
    sheet: str,
    column: str,
) -> pd.DataFrame:
    names = frame[column].map(cell_text)
    frame = frame.assign(
        country=map_countries(names, frame["_row"], path.name, column, where="row", sheet=sheet)
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


def _without_repeats(
    frame: pd.DataFrame, keys: list[str], values: list[str], report: FileReport, label: pd.Series,
    what: str,
) -> pd.DataFrame:
    identical, differing = _conflicting(frame, keys, values)
    report.skip(
        "repeats an identical row of the annex (counted once)",
        int(identical.sum()),
        examples_of(frame.loc[identical, "_row"], label[identical], "row"),
    )
    # The three are filtered together: a mask made on the smaller frame cannot index the others
    # (the cause of an IndexingError with --countries all on the real annex).
    frame, label, differing = frame[~identical], label[~identical], differing[~identical]
    report.skip(
        f"the annex gives two different figures for the same {what} (neither is kept)",
        int(differing.sum()),
        examples_of(frame.loc[differing, "_row"], label[differing], "row"),
    )
    return frame[~differing]


def _offences(
    path: Path, frame: pd.DataFrame, scope: frozenset[str] | None, report: FileReport,
    layout: Layout,
) -> ImportedTable:
    sheet, country = layout.offences_sheet, layout.offences_country
    report.rows_read += len(frame)
    frame = _calendar_years(path, frame, report, sheet, country)
    flags: list[dict] = []
    frame = _countries(path, frame, scope, report, sheet, country)
    frame = _whole_counts(
        path, frame, list(OFFENCE_COLUMNS), report, sheet, ["country", "Year"], flags
    )
    label = sheet + " " + frame["country"] + " " + frame["Year"].astype("Int64").astype(str)
    frame = _without_repeats(
        frame, ["country", "Year"], list(OFFENCE_COLUMNS), report, label, "country and year"
    )
    report.rows_kept += len(frame)
    types = offence_types_by_label()
    for column in OFFENCE_COLUMNS:
        flags += spikes(
            frame, ["country"], column, sheet,
            lambda row, column=column: {"country": row["country"], "year": int(row["Year"]),
                                        "offence_type": types[column]},
        )
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
            "source": layout.offences.source,
            "status": "official",
        }
    ).reset_index(drop=True)
    note_flags(report, "drug_offences", flags)
    return ImportedTable(
        "drug_offences",
        table,
        frozenset({layout.offences.source}),
        lines=long["_row"].astype(int).tolist(),
        where="row",
        sheet=sheet,
        columns={"country": country, "year": "Year"},
    )


def _arrests(
    path: Path, frame: pd.DataFrame, scope: frozenset[str] | None, report: FileReport,
    layout: Layout,
) -> ImportedTable:
    sheet, country, total = layout.contact_sheet, layout.contact_country, layout.total_column
    report.rows_read += len(frame)
    frame = _calendar_years(path, frame, report, sheet, country)
    frame = _countries(path, frame, scope, report, sheet, country)
    text = {
        column: frame[column].map(cell_text) for column in (layout.drug_column, "Type of offence")
    }
    label = (
        sheet + " " + frame["country"] + " " + frame["Year"].astype("Int64").astype(str) + " "
        + text["Type of offence"] + " / " + text[layout.drug_column]
    )
    by_drug = text[layout.drug_column].ne(layout.all_drugs)
    report.skip(
        f"breakdown by drug (persons are taken from '{layout.all_drugs}')",
        int(by_drug.sum()),
        examples_of(frame.loc[by_drug, "_row"], label[by_drug], "row"),
    )
    frame, label = frame[~by_drug].copy(), label[~by_drug]
    types = offence_types_by_label()
    frame["Type of offence"] = frame["Type of offence"].map(cell_text)
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
            sheet=sheet,
        )
    frame["offence_type"] = frame["Type of offence"].map(types)
    counts = [total, *SEX_AND_AGE] + ([UNKNOWN_SEX] if UNKNOWN_SEX in frame else [])
    flags: list[dict] = []
    frame = _whole_counts(
        path, frame, counts, report, sheet, ["country", "Year", "offence_type"], flags
    )
    label = label[frame.index]
    values = [total, *SEX_AND_AGE]
    frame = _without_repeats(
        frame, ["country", "Year", "offence_type"], values, report, label,
        "country, year and offence type",
    )
    report.rows_kept += len(frame)
    flags += parts_far_from_total(frame, total, sheet)
    flags += spikes(
        frame, ["country", "offence_type"], total, sheet,
        lambda row: {"country": row["country"], "year": int(row["Year"]),
                     "offence_type": row["offence_type"]},
        shown=[total, *SEX_AND_AGE],
    )

    def defined_otherwise(column: str) -> pd.Series:
        if column not in frame:  # the annex does not say: the standard definition
            return pd.Series(False, index=frame.index)
        return ~frame[column].map(lambda v: cell_text(v).lower()).isin(STANDARD_DEFINITION)

    other_age = defined_otherwise("Adults: 18 and older") | defined_otherwise(
        "Juveniles: under 18 years old"
    )
    frame.loc[other_age, ["Adults", "Juveniles"]] = float("nan")

    out = []
    unpublished = 0
    for (code, year), group in frame.groupby(["country", "Year"], sort=True):
        published = sorted(group["offence_type"], key=list(SHORT_TYPES).index)
        source = layout.arrests_source
        if len(published) < len(SHORT_TYPES):
            source += (
                " (offence types published: " + ", ".join(SHORT_TYPES[t] for t in published) + ")"
            )
        for (sex, age_group), column in layout.measures.items():
            if group[column].isna().any():
                unpublished += int(group[column].notna().any())
                continue
            out.append(
                (code, int(year), sex, age_group, int(group[column].sum()), source,
                 int(group["_row"].min()))
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
    note_flags(report, "drug_arrests", flags)
    return ImportedTable(
        "drug_arrests",
        table,
        frozenset(table["source"]) | {layout.arrests_source},
        lines=rows,
        where="row",
        sheet=sheet,
        columns={"country": country, "year": "Year"},
    )
