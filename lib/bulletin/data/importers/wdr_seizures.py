"""Formats 1 and 2: the World Drug Report statistical annexes on drug seizures -> seizures_annual.

1. **WDR 2018, "Drug seizures 2012-2016"** (`;`-separated CSV, UTF-8 with BOM): columns
   ``Region;SubRegion;Country;CountryCode;Year;DrugGroup;Drug;SpecificDrugName;KgEquivalent;
   Comment``, quantities in kilograms rounded to whole kilograms.
2. **WDR 2024, table 7.1 "Drug seizures, 2018-2022"** (xlsx, sheet ``Export``, row 1 a title,
   row 2 the header ``Region, SubRegion, Country, DrugGroup, DrugSubGroup, DrugName, Reference
   year, Kilograms, msCode``).

Rules, in order:

1. Every country name is mapped (``data/reference/country_names.csv``, then the ISO names of
   ``countries.csv``); a name found nowhere refuses the file. The code the annex gives
   (``CountryCode``, ``msCode``) must agree with the mapped code.
2. Rows outside the import's scope (by default the five Central Asian countries, the Russian
   Federation and Afghanistan: ``DEFAULT_SCOPE``) are left out and counted.
3. Every drug name (group / subgroup / name) is mapped through ``drug_names_<release>.csv``;
   an unmapped name refuses the file. Precursors (``role`` excluded) are left out and counted.
4. A row without a quantity (an empty cell) is left out and counted: a missing value is not zero.
5. Several published names mapping to one project drug are added up (the annex's rows for one
   country, year and name, when there are several, are added up too: UNODC lists the reports of
   different agencies or forms separately).
6. A published total (``role`` total: "Total ATS (including the above ...)") counts instead of
   the rows it totals: for each country, year, published group and project drug, the kilograms
   are the larger of the total and the sum of the group's other rows (the total includes them
   and any unspecified quantities; where it is smaller than its own parts, the parts are kept).
   A total over several project drugs ("Cannabis-type") cannot be shared out and is left out.
7. Kilograms are kept as published, rounded to 1e-9 kg against floating-point noise.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bulletin.data.importers.base import (
    MAX_EXAMPLES,
    FileReport,
    ImportedTable,
    Publication,
    examples_of,
    refuse,
)
from bulletin.data.importers.mapping import map_countries, map_drugs
from bulletin.data.importers.textio import decode_utf8, parse_numbers, read_bytes, read_delimited
from bulletin.data.importers.xlsxio import cell_text, header_refusal, read_workbook, sheet_frame

HEADER_2018 = (
    "Region",
    "SubRegion",
    "Country",
    "CountryCode",
    "Year",
    "DrugGroup",
    "Drug",
    "SpecificDrugName",
    "KgEquivalent",
    "Comment",
)
HEADER_2024 = (
    "Region",
    "SubRegion",
    "Country",
    "DrugGroup",
    "DrugSubGroup",
    "DrugName",
    "Reference year",
    "Kilograms",
    "msCode",
)
SHEET_2024 = "Export"
WDR2018 = Publication(
    publisher="UNODC",
    table="World Drug Report 2018, statistical annex: drug seizures 2012-2016",
    source="UNODC, World Drug Report 2018, statistical annex: drug seizures 2012-2016",
    edition=2018,
)
WDR2024 = Publication(
    publisher="UNODC",
    table="World Drug Report 2024, statistical annex, table 7.1: drug seizures 2018-2022",
    source="UNODC, World Drug Report 2024, statistical annex, table 7.1: drug seizures 2018-2022",
    edition=2024,
)
KG_DECIMALS = 9


def read_wdr2018(path: Path, scope: frozenset[str] | None, report: FileReport) -> ImportedTable:
    """Read the WDR 2018 annex CSV (format 1) into ``seizures_annual`` rows."""
    data = read_bytes(path)
    text = decode_utf8(path, data, ";")
    header, rows, lines = read_delimited(path, text, ";")
    if tuple(header) != HEADER_2018:
        raise refuse(path.name, "the header " + ";".join(HEADER_2018), line=1, got=";".join(header))
    frame = pd.DataFrame(rows, columns=header, dtype=object).apply(lambda c: c.str.strip())
    frame["_line"] = lines
    report.publication = WDR2018
    long = pd.DataFrame(
        {
            "line": frame["_line"],
            "country_name": frame["Country"],
            "code": frame["CountryCode"],
            "year": frame["Year"],
            "group": frame["DrugGroup"],
            "subgroup": frame["Drug"],
            "name": frame["SpecificDrugName"],
            "kg": frame["KgEquivalent"],
        }
    )
    columns = {
        "country": "Country",
        "code": "CountryCode",
        "year": "Year",
        "kg": "KgEquivalent",
        "group": "DrugGroup",
        "subgroup": "Drug",
        "name": "SpecificDrugName",
    }
    return to_seizures(path, long, columns, "wdr2018", WDR2018, scope, report, "line", None)


def read_wdr2024(path: Path, scope: frozenset[str] | None, report: FileReport) -> ImportedTable:
    """Read WDR 2024 annex table 7.1 (format 2) into ``seizures_annual`` rows."""
    sheets = read_workbook(path)
    rows = sheets[SHEET_2024]
    frame = sheet_frame(rows, header_row=2, file=path.name, sheet=SHEET_2024)
    header = tuple(column for column in frame.columns if column != "_row")
    if header != HEADER_2024:
        raise header_refusal(path, HEADER_2024, header, 2, SHEET_2024)
    report.publication = WDR2024
    text = {
        column: frame[column].map(cell_text)
        for column in ("Country", "msCode", "DrugGroup", "DrugSubGroup", "DrugName")
    }
    long = pd.DataFrame(
        {
            "line": frame["_row"],
            "country_name": text["Country"],
            "code": text["msCode"],
            "year": frame["Reference year"],
            "group": text["DrugGroup"],
            "subgroup": text["DrugSubGroup"],
            "name": text["DrugName"],
            "kg": frame["Kilograms"],
        }
    )
    columns = {
        "country": "Country",
        "code": "msCode",
        "year": "Reference year",
        "kg": "Kilograms",
        "group": "DrugGroup",
        "subgroup": "DrugSubGroup",
        "name": "DrugName",
    }
    return to_seizures(path, long, columns, "wdr2024", WDR2024, scope, report, "row", SHEET_2024)


def to_seizures(
    path: Path,
    long: pd.DataFrame,
    columns: dict[str, str],
    release: str,
    publication: Publication,
    scope: frozenset[str] | None,
    report: FileReport,
    where: str,
    sheet: str | None,
    partial: dict[str, str] | None = None,
) -> ImportedTable:
    """Map, filter and aggregate a publication's long rows to (country, year, drug, kg).

    Args:
        path: the file, for messages.
        long: one row per published figure: ``line``, ``country_name``, ``code`` (the ISO3 code
            the publication gives, or ''), ``year``, ``group``, ``subgroup``, ``name``, ``kg``.
        columns: the publication's names of those columns, for messages.
        release: the drug-name mapping's release (``drug_names_<release>.csv``).
        publication: the publication the rows come from (their ``source``).
        scope: the countries kept (``None``: every country).
        report: the file's report, told what is left out.
        where: ``"line"`` (text file) or ``"row"`` (spreadsheet), for messages.
        sheet: the spreadsheet's sheet, for messages.
        partial: drugs of the vocabulary whose rows are left out, with the reason counted.
    """
    file = path.name
    report.rows_read = len(long)
    long = long.reset_index(drop=True)
    lines = long["line"]
    long["year"] = parse_numbers(
        long["year"], lines, file, columns["year"], where=where, sheet=sheet, whole=True
    )

    def refuse_first(bad: pd.Series, expected: str, column: str) -> None:
        """Refuse the file at the first row of ``bad``, naming what it holds in ``column``."""
        if bad.any():
            first = long.index[bad][0]
            got = "" if pd.isna(long.at[first, column]) else str(long.at[first, column])
            raise refuse(
                file,
                expected,
                line=int(lines[first]),
                column=columns[column],
                got=got,
                where=where,
                sheet=sheet,
            )

    refuse_first(long["year"].isna(), "a year", "year")
    long["kg"] = parse_numbers(long["kg"], lines, file, columns["kg"], where=where, sheet=sheet)
    refuse_first(long["kg"] < 0, "a quantity of zero or more kilograms", "kg")

    long["country"] = map_countries(
        long["country_name"], lines, file, columns["country"], where=where, sheet=sheet
    )
    disagree = long["code"].ne("") & long["country"].ne("") & long["code"].ne(long["country"])
    if disagree.any():
        first = long.index[disagree][0]
        raise refuse(
            file,
            f"the code of '{long.at[first, 'country_name']}', {long.at[first, 'country']} "
            f"(data/reference/country_names.csv), in column '{columns['code']}'",
            line=int(lines[first]),
            column=columns["code"],
            got=long.at[first, "code"],
            where=where,
            sheet=sheet,
        )
    mapped = map_drugs(
        release,
        long,
        lines,
        file,
        ("group", "subgroup", "name"),
        labels=(columns["group"], columns["subgroup"], columns["name"]),
        where=where,
        sheet=sheet,
    )
    long = long.join(mapped)

    def label(rows: pd.DataFrame) -> pd.Series:
        return (
            rows["country_name"]
            + " "
            + rows["year"].astype("Int64").astype(str)
            + " "
            + rows["subgroup"]
            + (" / " + rows["name"]).where(rows["name"].ne(""), "")
        )

    def drop(mask: pd.Series, reason: str) -> None:
        nonlocal long
        if mask.any():
            first = long[mask].head(MAX_EXAMPLES)  # labelled: the rows the report shows
            report.skip(reason, int(mask.sum()), examples_of(first["line"], label(first), where))
            long = long[~mask]

    drop(long["country"].eq(""), "country without an ISO 3166 code (see country_names.csv)")
    if scope is not None:
        drop(
            ~long["country"].isin(scope),
            f"country outside the import's scope ({', '.join(sorted(scope))})",
        )
    drop(long["role"].eq("excluded"), "not a drug (precursor chemical)")
    drop(long["kg"].isna(), "no quantity published (empty cell)")
    for drug, reason in (partial or {}).items():
        drop(long["drug"].eq(drug) & long["role"].ne("excluded"), reason)
    drop(
        long["role"].eq("total") & long["drug"].eq(""),
        "published total over several drugs of the vocabulary (its parts are counted)",
    )
    report.rows_kept = len(long)

    keys = ["country", "year", "group", "drug"]
    # Each output row keeps the first input line it adds up, for messages.
    sums = {"kg": ("kg", "sum"), "line": ("line", "min")}
    parts = long[long["role"].eq("component")].groupby(keys, as_index=False).agg(**sums)
    totals = long[long["role"].eq("total")].groupby(keys, as_index=False).agg(**sums)
    by_group = parts.merge(totals, on=keys, how="outer", suffixes=("_parts", "_total"))
    by_group["line"] = by_group[["line_parts", "line_total"]].min(axis=1)
    overridden = by_group["kg_total"].notna() & (
        by_group["kg_total"] > by_group["kg_parts"].fillna(0)
    )
    if overridden.any():
        report.notes.append(
            f"{int(overridden.sum())} country-year-group totals larger than their listed parts "
            "were counted instead of the parts (the total includes unspecified quantities)"
        )
    by_group["kg"] = by_group[["kg_parts", "kg_total"]].max(axis=1)
    table = by_group.groupby(["country", "year", "drug"], as_index=False).agg(
        kg=("kg", "sum"), line=("line", "min")
    )
    lines = table.pop("line").astype(int).tolist()
    table["year"] = table["year"].astype("int64")
    table["kg"] = table["kg"].round(KG_DECIMALS)
    table["source"] = publication.source
    table["status"] = "official"
    return ImportedTable(
        "seizures_annual",
        table,
        frozenset({publication.source}),
        lines=lines,
        where=where,
        sheet=sheet,
        columns={
            "country": columns["country"],
            "year": columns["year"],
            "kg": columns["kg"],
            "drug": f"{columns['group']} / {columns['subgroup']} / {columns['name']}",
        },
    )
