"""Format 4: dataUNODC portal exports (long format) -> ``indicators`` (and ``drug_arrests``).

The portal's export (an ``.xlsx``, or the same as CSV) has ``UNODC`` in row 1, the export date in
row 2 and the header in row 3: ``Iso3_code, Country, Region, Subregion, Indicator, Dimension,
Category, Sex, Age, Year, Unit of measurement, VALUE, Source``; one value per row. No sample is
kept in the project (the tests build small ones); the rules:

1. ``Iso3_code`` is the country; ``Country`` must map (``country_names.csv`` or the ISO names) to
   the same code, and a name found nowhere refuses the file. Rows outside the scope are counted.
2. ``indicators`` rows: ``indicator`` is the portal's ``Indicator``, followed by the unit in
   brackets when it is not a count ("Victims of intentional homicide (Rate per 100,000
   population)"); ``unit`` is ``count`` for "Counts", else the portal's unit; ``disaggregation``
   is ``<dimension>=<Category>`` (the ``Dimension`` without its leading "by "), ``sex=<male|
   female>`` and ``age=<Age>``, joined by "; ", leaving out every "Total", or ``total``.
3. Rows of persons arrested or suspected for drug offences (``Indicator`` saying arrested or
   suspected, ``Indicator`` or ``Category`` saying drug, in counts) go to ``drug_arrests``
   instead: ``sex`` male / female / total, ``age_group`` adult / juvenile / total (another age
   band is left out and counted); several drug categories of one country, year, sex and age are
   added up and the ``source`` names them.
4. ``source`` is "UNODC, dataUNODC portal export (<Source>)"; an empty ``VALUE`` is not reported.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from bulletin.data.importers.base import FileReport, ImportedTable, Publication, examples_of, refuse
from bulletin.data.importers.mapping import map_countries
from bulletin.data.importers.textio import decode_utf8, parse_numbers, read_bytes, read_delimited
from bulletin.data.importers.xlsxio import cell_text, read_workbook, sheet_frame

HEADER = (
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "VALUE",
    "Source",
)
HEADER_ROW = 3
PUBLISHER = "UNODC"
ARRESTS = re.compile(r"arrest|suspect", re.I)
DRUG = re.compile(r"drug", re.I)
_TOTAL = {"total": "total", "": "total"}  # a cell saying total, or an empty one
SEXES = {"male": "male", "males": "male", "female": "female", "females": "female", **_TOTAL}
AGES = {
    **dict.fromkeys(("adult", "adults"), "adult"),
    **dict.fromkeys(("juvenile", "juveniles"), "juvenile"),
    **_TOTAL,
}


def is_dataunodc(first_rows: list[tuple[str, ...]]) -> bool:
    """Whether a file's first rows are a dataUNODC export's (``UNODC``, a date, the header)."""
    if len(first_rows) < HEADER_ROW:
        return False
    header = tuple(value for value in first_rows[HEADER_ROW - 1] if value)
    return first_rows[0][:1] == ("UNODC",) and header[: len(HEADER)] == HEADER


def read_dataunodc(
    path: Path, kind: str, scope: frozenset[str] | None, report: FileReport
) -> list[ImportedTable]:
    """Read a dataUNODC export (``kind`` "xlsx" or "text") into indicators / drug_arrests rows."""
    where = "row" if kind == "xlsx" else "line"
    if kind == "xlsx":
        sheet, rows = next(iter(read_workbook(path).items()))
        frame = sheet_frame(rows, HEADER_ROW, file=path.name, sheet=sheet)
        frame = frame.rename(columns={"_row": "_line"})
    else:
        sheet = None
        text = decode_utf8(path, read_bytes(path), ",")
        header, rows, lines = read_delimited(path, text, ",", skip_lines=HEADER_ROW - 1)
        if tuple(header[: len(HEADER)]) != HEADER:
            raise refuse(
                path.name, "the header " + ", ".join(HEADER), line=HEADER_ROW, got=", ".join(header)
            )
        frame = pd.DataFrame(rows, columns=header, dtype=object)
        frame["_line"] = lines
    report.rows_read = len(frame)
    for column in HEADER:
        if column not in ("Year", "VALUE"):
            frame[column] = frame[column].map(cell_text)
    lines = frame["_line"]
    frame["Year"] = parse_numbers(
        frame["Year"], lines, path.name, "Year", where=where, sheet=sheet, whole=True
    )
    frame["VALUE"] = parse_numbers(
        frame["VALUE"], lines, path.name, "VALUE", where=where, sheet=sheet
    )
    names = map_countries(frame["Country"], lines, path.name, "Country", where=where, sheet=sheet)
    code = frame["Iso3_code"].str.upper()
    disagree = names.ne("") & names.ne(code)
    if disagree.any():
        first = frame.index[disagree][0]
        raise refuse(
            path.name,
            f"the code of '{frame.at[first, 'Country']}', "
            f"{names[first]} (data/reference/country_names.csv)",
            line=int(lines[first]),
            column="Iso3_code",
            got=code[first],
            where=where,
            sheet=sheet,
        )
    frame["country"] = names
    label = (
        frame["Country"]
        + " "
        + frame["Year"].astype("Int64").astype(str)
        + " "
        + frame["Indicator"]
    )

    def drop(mask: pd.Series, reason: str) -> None:
        nonlocal frame, label
        if mask.any():
            report.skip(
                reason, int(mask.sum()), examples_of(frame.loc[mask, "_line"], label[mask], where)
            )
            frame, label = frame[~mask], label[~mask]

    drop(frame["country"].eq(""), "country without an ISO 3166 code (see country_names.csv)")
    if scope is not None:
        drop(
            ~frame["country"].isin(scope),
            f"country outside the import's scope ({', '.join(sorted(scope))})",
        )
    drop(frame["Year"].isna(), "no year")
    drop(frame["VALUE"].isna(), "no value (empty cell)")
    counts = frame["Unit of measurement"].str.casefold().isin(["counts", "count", "number"])
    arrests = (
        frame["Indicator"].str.contains(ARRESTS)
        & counts
        & (frame["Indicator"].str.contains(DRUG) | frame["Category"].str.contains(DRUG))
    )
    report.rows_kept = len(frame)
    report.publication = Publication(PUBLISHER, "dataUNODC portal export", _source(""))
    out = [_indicators(frame[~arrests], counts[~arrests])]
    arrest_rows = frame[arrests]
    if len(arrest_rows):
        out.append(_arrests(arrest_rows, report, where))
    for imported in out:
        imported.where, imported.sheet = where, sheet
        imported.columns = {
            "country": "Country",
            "year": "Year",
            "value": "VALUE",
            "count": "VALUE",
            "indicator": "Indicator",
            "unit": "Unit of measurement",
        }
    return out


def _source(origin: str) -> str:
    return (
        f"UNODC, dataUNODC portal export ({origin})" if origin else "UNODC, dataUNODC portal export"
    )


def _pairs(frame: pd.DataFrame) -> pd.Series:
    dimension = frame["Dimension"].str.replace(r"^by\s+", "", regex=True, flags=re.I)
    parts = [
        (dimension + "=" + frame["Category"]).where(
            ~frame["Dimension"].str.casefold().isin(["total", ""])
            & ~frame["Category"].str.casefold().isin(["total", ""]),
            "",
        ),
        ("sex=" + frame["Sex"].str.casefold()).where(
            ~frame["Sex"].str.casefold().isin(["total", ""]), ""
        ),
        ("age=" + frame["Age"]).where(~frame["Age"].str.casefold().isin(["total", ""]), ""),
    ]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.where(part.eq(""), joined.where(joined.eq(""), joined + "; ") + part)
    return joined.where(joined.ne(""), "total")


def _indicators(frame: pd.DataFrame, counts: pd.Series) -> ImportedTable:
    unit = frame["Unit of measurement"].where(~counts, "count")
    indicator = frame["Indicator"].where(
        counts, frame["Indicator"] + " (" + frame["Unit of measurement"] + ")"
    )
    sources = frame["Source"].map(_source)
    table = pd.DataFrame(
        {
            "country": frame["country"],
            "year": frame["Year"].astype("int64"),
            "indicator": indicator,
            "disaggregation": _pairs(frame),
            "value": frame["VALUE"],
            "unit": unit,
            "source": sources,
            "status": "official",
        }
    ).reset_index(drop=True)
    return ImportedTable(
        "indicators",
        table,
        frozenset(sources) | {_source("")},
        lines=frame["_line"].astype(int).tolist(),
    )


def _arrests(frame: pd.DataFrame, report: FileReport, where: str) -> ImportedTable:
    sex = frame["Sex"].str.casefold().map(SEXES)
    age = frame["Age"].str.casefold().map(AGES)
    other = sex.isna() | age.isna()
    if other.any():
        report.skip(
            "persons arrested in a sex or age band drug_arrests does not have",
            int(other.sum()),
            examples_of(frame.loc[other, "_line"], frame.loc[other, "Age"], where),
        )
    rows = frame[~other].assign(sex=sex[~other], age_group=age[~other])
    category = rows["Category"].where(
        ~rows["Category"].str.casefold().isin(["total", ""]), rows["Indicator"]
    )
    rows = rows.assign(_category=category)
    out = []
    for (country, year, sex_value, age_value), group in rows.groupby(
        ["country", "Year", "sex", "age_group"], sort=True
    ):
        categories = sorted(set(group["_category"]))
        origin = ", ".join(sorted(set(group["Source"]) - {""}))
        source = _source(origin) + ": " + "; ".join(categories)
        out.append(
            (
                country,
                int(year),
                sex_value,
                age_value,
                int(round(group["VALUE"].sum())),
                source,
                int(group["_line"].min()),
            )
        )
    table = pd.DataFrame(
        out, columns=["country", "year", "sex", "age_group", "count", "source", "_line"]
    )
    lines = table.pop("_line").tolist()
    table["status"] = "official"
    return ImportedTable(
        "drug_arrests", table, frozenset(table["source"]) | {_source("")}, lines=lines
    )
