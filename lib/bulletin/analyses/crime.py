"""Analysis 6: drug-related crime (the bulletin's "Drug-related crime").

Reported drug-related offences by country and year, the regional trend since 2010, and the shares
of the offence types. Countries report offences in one of two ways, and ``drug_offences`` keeps
both (``data/reference/offence_types.csv``):

- by **national type** (smuggling, selling, trafficking, possession for personal use,
  cultivation, other), as the countries submit them to UNODC and CARICC;
- by **UNODC category** only (trafficking, use/possession, other), as the World Drug Report's
  statistical annex (table 10.1) publishes them.

A country-year is in one classification or the other, never both. Every type maps to a UNODC
category, so the five countries can always be compared by UNODC category; shares of national
types (smuggling, selling) can only be taken over the country-years that report national types.

Shares are always computed here from counts; no share is stored in a table.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from bulletin.analyses.notes import status_mark
from bulletin.analyses.series import (
    NATIONAL,
    TOTAL,
    UNODC,
    classify_country_years,
    country_year_totals,
    counts_by_year,
    joined_values,
    offence_types,
    regional_by_year,
    rows_in_period,
    unodc_category,
)
from bulletin.core.periods import Quarter
from bulletin.core.sentences import describe_trend
from bulletin.core.wording import (
    describe_count,
    describe_percent,
    describe_shift,
    describe_years,
    join_words,
    number_in_words,
)
from bulletin.data.trust import (
    STATUS_LABELS,
    least_trusted,
)
from bulletin.data.vocab import CENTRAL_ASIA, REGION_NAME, country_name

FIRST_YEAR = 2010  # "since 2010" (C9): the first year of the bulletin's crime charts
UNODC_CATEGORIES = ("trafficking", "use_possession", "other")
BULLETIN_NOTE_ON_SELLING = (
    "Note (the bulletin's): offences related to selling of illegal drugs can include illegal "
    "purchase, transportation, or possession with the purpose of selling narcotic drugs or "
    "psychotropic substances."
)


def period_of_issue(issue: Quarter) -> tuple[int, int]:
    """The years an issue's crime pages cover: 2010 to the last full year before the issue.

    >>> period_of_issue(Quarter(2017, 2))
    (2010, 2016)
    """
    return FIRST_YEAR, issue.year - 1


def later_official_period(table: pd.DataFrame, after: int) -> tuple[int, int] | None:
    """The first and last year after ``after`` with official rows of the five countries, if any.

    >>> later_official_period(pd.DataFrame({"country": ["KGZ", "KGZ"], "year": [2018, 2022],
    ...                                     "status": ["official", "official"]}), 2016)
    (2018, 2022)
    """
    rows = table[
        (table["status"] == "official")
        & table["country"].isin(CENTRAL_ASIA)
        & (table["year"] > after)
    ]
    if rows.empty:
        return None
    return int(rows["year"].min()), int(rows["year"].max())


def regional_totals(offences: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """The five countries' offences by year, with how many reported and the statuses behind.

    Returns:
        ``year, count, countries_reporting, status`` for each year from ``first`` to ``last``
        (a year without any row has a missing count, never a zero).
    """
    totals = country_year_totals(rows_in_period(offences, first, last))
    return regional_by_year(totals, first, last)


def total_label(table: pd.DataFrame) -> str:
    """The name of a country table's total line.

    The region when all five countries are in every column, else what it is (the total of the
    countries reporting).
    """
    complete = len(table.index) == len(CENTRAL_ASIA) and not table.isna().any().any()
    return REGION_NAME if complete else "Total of the countries reporting"


def country_year_table(
    totals: pd.DataFrame, regional: pd.Series, years: Sequence[int]
) -> pd.DataFrame:
    """Counts by country (rows) and year (columns), with the regional total line, for a page.

    Args:
        totals: ``country, year, count, status`` per country and year.
        regional: the regional count by year (missing where it cannot be computed).
        years: the years of the page: each has its column, "–" in every row where no country
            has a figure for it (the title's period, never cut short without a word).

    Reconstructed figures are marked with an asterisk and the bulletin's own with a diamond, so
    the table says which are not official (:func:`status_mark`).
    """
    if totals.empty:
        return pd.DataFrame({"Country": []})
    marked = totals.assign(
        cell=[
            f"{int(count):,}{status_mark(status)}"
            for count, status in zip(totals["count"], totals["status"], strict=True)
        ]
    )
    table = marked.pivot(index="country", columns="year", values="cell")
    table = table.reindex(
        index=[c for c in CENTRAL_ASIA if c in table.index],
        columns=sorted({*table.columns, *years}),
    ).astype(object)  # a year without figures is all missing, not a column of numbers
    table.index = [country_name(code) for code in table.index]
    table.loc[total_label(table)] = [
        ("" if table[year].notna().any() else "–")
        if pd.isna(regional.get(year))
        else f"{int(regional[year]):,}"
        for year in table.columns
    ]
    table.columns = [str(year) for year in table.columns]
    table.index.name = "Country"
    return table.fillna("–").reset_index()


def offences_by_country_table(offences: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Offences by country (rows) and year (columns), with the regional total, for the page."""
    return country_year_table(
        country_year_totals(rows_in_period(offences, first, last)),
        regional_totals(offences, first, last).set_index("year")["count"],
        range(first, last + 1),
    )


def shares_by_type(
    offences: pd.DataFrame, classification: str = NATIONAL, by: str = "offence_type"
) -> pd.DataFrame:
    """Each type's share of the offences of the country-years reporting it, by year.

    Args:
        offences: rows of ``drug_offences``.
        classification: ``national`` for the national types (taken over the country-years that
            report national types only), or ``unodc`` for UNODC's categories (every country-year:
            national types are mapped to their category).
        by: ``offence_type`` or ``unodc_category``; with ``unodc``, always the category.

    Returns:
        ``year, <by>, count, total_count, share_pct, countries`` (share computed from the counts;
        ``countries`` lists the ISO3 codes behind the year's figures).
    """
    rows = offences[offences["offence_type"] != TOTAL]
    if classification == NATIONAL:
        kinds = classify_country_years(offences)
        national = kinds[kinds["classification"] == NATIONAL][["country", "year"]]
        rows = rows.merge(national, on=["country", "year"])
        key = by
    elif classification == UNODC:
        rows = rows.assign(unodc_category=rows["offence_type"].map(unodc_category))
        key = "unodc_category"
    else:
        raise ValueError(
            f"classification must be {NATIONAL!r} or {UNODC!r}, got {classification!r}"
        )
    columns = ["year", key, "count", "total_count", "share_pct", "countries"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    counts = rows.groupby(["year", key], as_index=False)["count"].sum()
    totals = rows.groupby("year").agg(
        total_count=("count", "sum"), countries=("country", lambda c: ";".join(sorted(set(c))))
    )
    shares = counts.merge(totals, on="year")
    shares["share_pct"] = shares["count"] / shares["total_count"] * 100
    return shares[columns].sort_values(["year", key], ignore_index=True)


def share_of(shares: pd.DataFrame, year: int, offence_type: str) -> float | None:
    """One type's share in one year from :func:`shares_by_type` (None when not reported)."""
    key = "offence_type" if "offence_type" in shares else "unodc_category"
    found = shares[(shares["year"] == year) & (shares[key] == offence_type)]
    return None if found.empty else float(found["share_pct"].iloc[0])


def breaks_in_decrease(totals: pd.DataFrame) -> list[int]:
    """The years whose total is not below the year before's (they break a steady decrease).

    >>> breaks_in_decrease(pd.DataFrame({"year": [2010, 2011, 2012], "count": [5, 6, 4]}))
    [2011]
    """
    ordered = totals.sort_values("year")
    counts = ordered["count"].to_numpy(dtype=float)
    years = ordered["year"].to_numpy()
    return [int(years[i]) for i in range(1, len(years)) if not counts[i] < counts[i - 1]]


def countries_reporting(count: int) -> str:
    """How many countries report, in words: "one country reporting", "five countries reporting".

    >>> countries_reporting(1), countries_reporting(5)
    ('one country reporting', 'five countries reporting')
    """
    return f"{number_in_words(count)} {'country' if count == 1 else 'countries'} reporting"


def countries_in_words(codes: str | list[str]) -> str:
    """Country codes (a list, or one ``;``-separated text) as names in a sentence, the five first.

    >>> countries_in_words("UZB;KAZ"), countries_in_words(["RUS", "TJK"])
    ('Kazakhstan and Uzbekistan', 'Tajikistan and Russian Federation')
    """
    if isinstance(codes, str):
        codes = [c for c in codes.split(";") if c]
    ordered = [c for c in CENTRAL_ASIA if c in codes] + sorted(set(codes) - set(CENTRAL_ASIA))
    return join_words([country_name(c) for c in ordered])


def country_coverage(rows: pd.DataFrame, year: int, offence_type: str | None = None) -> str:
    """Which of the five countries a year's rows cover, and with what status.

    Which of the five countries a year's rows cover, with what status and (with
    ``offence_type``) whether each reports that type apart, in words; countries alike grouped.

    >>> rows = pd.DataFrame({"country": ["KAZ", "KGZ", "UZB"], "year": [2016] * 3,
    ...     "offence_type": ["selling", "trafficking", "selling"], "count": [5, 7, 2],
    ...     "status": ["reconstructed", "official", "reconstructed"]})
    >>> print(country_coverage(rows, 2016, "selling"))
    Kazakhstan and Uzbekistan (reconstructed; selling reported); Kyrgyzstan (official; by UNODC category, no selling line); Tajikistan and Turkmenistan: no figures
    """
    mine = rows[rows["year"] == year]
    typed = not mine.empty and "offence_type" in mine
    kinds = classify_country_years(mine).set_index("country")["classification"] if typed \
        else pd.Series(dtype=object)
    groups: dict[str, list[str]] = {}
    absent = []
    for country in CENTRAL_ASIA:
        theirs = mine[mine["country"] == country]
        if theirs.empty:
            absent.append(country_name(country))
            continue
        how = [STATUS_LABELS.get(least_trusted(joined_values(theirs["status"])), "")]
        if offence_type is not None and typed:
            if (theirs["offence_type"] == offence_type).any():
                how.append(f"{offence_type} reported")
            elif kinds.get(country) == UNODC:
                how.append(f"by UNODC category, no {offence_type} line")
            else:
                how.append(f"no {offence_type} line")
        groups.setdefault("; ".join(how), []).append(country_name(country))
    parts = [f"{join_words(names)} ({how})" for how, names in groups.items()]
    if absent:
        parts.append(f"{join_words(absent)}: no figures")
    return "; ".join(parts)


def made_words(rows: pd.DataFrame) -> str:
    """How far some rows are the project's own, for a sentence ("" when all are published)."""
    made = rows[rows["status"].map(lambda st: least_trusted(str(st)) in ("reconstructed", "estimate"))]
    if made.empty:
        return ""
    if len(made) == len(rows):
        return "reconstructed by this project, not official"
    return (
        "partly reconstructed by this project (the figures of "
        f"{countries_in_words(sorted(set(made['country'])))}), not official"
    )


def headline(offences: pd.DataFrame, first: int, last: int) -> str:
    """The page's opening sentences, worded from the figures.

    The page's opening sentences, worded from the figures (never from the bulletin's words);
    each says when the figures behind it are reconstructed.
    """
    rows = rows_in_period(offences, first, last)
    totals = regional_totals(offences, first, last).dropna(subset=["count"])
    if totals.empty:
        return f"No drug-related offences reported for {first}-{last}."
    totals = totals[totals["year"] >= first]
    sentences = []
    made = made_words(rows)
    if made:
        sentences.append(f"The figures of this page are {made}.")
    if len(totals) >= 2 and totals["year"].tolist() == list(
        range(totals["year"].min(), totals["year"].max() + 1)
    ):
        sentences.append(
            f"On them, the number of reported drug-related offences in the five countries of "
            f"Central Asia {describe_trend(counts_by_year(totals))}." if made else
            f"The number of reported drug-related offences in the five countries of Central Asia "
            f"{describe_trend(counts_by_year(totals))}."
        )
        breaks = breaks_in_decrease(totals)
        if breaks and totals["count"].iloc[-1] < totals["count"].iloc[0]:
            sentences.append(
                f"The decrease was not steady: the total did not fall in "
                f"{join_words([str(y) for y in breaks])}."
            )
    final = totals.iloc[-1]
    year = int(final["year"])
    sentences.append(
        f"In {year}, there were {describe_count(final['count'])} reported offences "
        f"({countries_reporting(int(final['countries_reporting']))}"
        + (f"; {made_words(rows[rows['year'] == year])}" if made_words(rows[rows["year"] == year]) else "")
        + ")."
    )
    shares = shares_by_type(rows, NATIONAL)
    for offence_type in ("smuggling", "selling"):
        now, then = share_of(shares, year, offence_type), share_of(shares, first, offence_type)
        if now is None:
            continue
        behind = rows[rows["offence_type"] == offence_type]
        reporting = sorted(set(behind.loc[behind["year"] == year, "country"]))
        over = rows[rows["country"].isin(reporting) & rows["year"].isin([first, year])]
        status = made_words(over)
        what = (
            f"smuggling's share of offences went {describe_shift(then, now, str(first), str(year))}"
            if offence_type == "smuggling" and then is not None
            else f"offences linked to {offence_type} were {describe_percent(now)} of offences in "
            f"{year}"
        )
        sentence = (
            f"In the countries that report {offence_type} apart "
            f"({countries_in_words(reporting)}), {what}"
        )
        if status.startswith("reconstructed"):
            sentence += f": {status}, the bulletin's own figure given back."
        else:
            sentence += f" ({status})." if status else "."
        sentences.append(sentence)
    return " ".join(sentences)


def definitions_table(offences: pd.DataFrame | None = None) -> pd.DataFrame:
    """The offence types with their UNODC category, ICCS code and definition, for the page."""
    types = offence_types().reset_index()
    if offences is not None:
        present = set(offences["offence_type"])
        types = types[types["offence_type"].isin(present | {TOTAL})]
    labels = offence_types()["label"].to_dict()
    return pd.DataFrame(
        {
            "Offence type": types["label"],
            "Reported as": types["classification"],
            "UNODC category (WDR annex)": types["unodc_category"].map(lambda c: labels.get(c, c)),
            "ICCS code": types["iccs_code"],
            "ICCS category": types["iccs_label"],
            "Definition": types["definition"],
        }
    )


def shares_table(shares: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Shares by type (rows) and year (columns) for the page.

    Per cents to one decimal, and the count of offences they are shares of on the last line;
    each of ``years`` (the page's period) has its column, "–" where no country breaks its
    offences down so.
    """
    key = "offence_type" if "offence_type" in shares else "unodc_category"
    labels = offence_types()["label"].to_dict()
    table = shares.pivot(index=key, columns="year", values="share_pct")
    order = UNODC_CATEGORIES if key == "unodc_category" else tuple(offence_types().index)
    table = table.reindex(
        index=[t for t in order if t in table.index], columns=sorted({*table.columns, *years})
    )
    cells = table.map(lambda v: "–" if pd.isna(v) else f"{v:.1f}")
    cells.index = [f"{labels.get(t, t)} (%)" for t in table.index]
    counts = shares.groupby("year")["total_count"].first()
    cells.loc["All offences (number)"] = [
        f"{int(counts[y]):,}" if y in counts.index else "–" for y in cells.columns
    ]
    cells.columns = [str(c) for c in cells.columns]
    cells.index.name = "Offence type"
    return cells.reset_index()


def national_rows(offences: pd.DataFrame) -> pd.DataFrame:
    """The rows of the country-years whose offences are broken down by national type."""
    kinds = classify_country_years(offences)
    national = kinds[kinds["classification"] == NATIONAL][["country", "year"]]
    return offences.merge(national, on=["country", "year"])


def _country_years(rows: pd.DataFrame, status: str) -> list[str]:
    mine = rows[rows["status"] == status]
    return [
        f"{country_name(c)} {describe_years(mine.loc[mine['country'] == c, 'year'].astype(int).tolist())}"
        for c in CENTRAL_ASIA
        if c in set(mine["country"])
    ]


def provenance_note(rows: pd.DataFrame, table: str = "drug_offences") -> str:
    """Which country-years are official, stated or reconstructed, in words.

    Which country-years are official, which the bulletin states, and that every other one is
    reconstructed, in words.

    >>> rows = pd.DataFrame({"country": ["KGZ", "KGZ", "KAZ"], "year": [2015, 2016, 2016],
    ...                      "status": ["official", "official", "reconstructed"]})
    >>> print(provenance_note(rows))
    Official figures: Kyrgyzstan 2015-2016. Every other figure is reconstructed by this project where none is published (python -m bulletin.reconstruct.drug_offences; its rules are in data/README.md), not official.
    """
    official = _country_years(rows, "official")
    stated = _country_years(rows, "stated")
    how = (
        f"reconstructed by this project where none is published (python -m "
        f"bulletin.reconstruct.{table}; its rules are in data/README.md), not official."
    )
    said = []
    if official:
        said.append(f"Official figures: {'; '.join(official)}.")
    if stated:
        said.append(f"Figures stated in the bulletin's text, not official: {'; '.join(stated)}.")
    others = ~rows["status"].isin(["official", "stated"])
    if not said:
        return f"No official figures are published for these years: every figure is {how}"
    if others.any():
        said.append(f"Every other figure is {how}")
    return " ".join(said)


def key_figures(offences: pd.DataFrame, first: int, last: int) -> list[dict]:
    """The page's key figures for ``figures.json`` (none without data)."""
    rows = rows_in_period(offences, first, last)
    totals = regional_totals(offences, first, last).dropna(subset=["count"])
    if totals.empty:
        return []
    status = joined_values(rows["status"])
    final = totals.iloc[-1]
    year = int(final["year"])
    figures = [
        {
            "name": "crime_offences_total",
            "value": int(final["count"]),
            "unit": "offences",
            "period": str(year),
            "status": final["status"],
        },
        {
            "name": "crime_offences_countries_reporting",
            "value": int(final["countries_reporting"]),
            "unit": "countries",
            "period": str(year),
            "status": final["status"],
        },
        {
            "name": "crime_offences_years_breaking_decrease",
            "value": len(breaks_in_decrease(totals)),
            "unit": "years",
            "period": f"{first}-{last}",
            "status": status,
        },
    ]
    shares = shares_by_type(rows, NATIONAL)
    for offence_type in ("smuggling", "selling"):
        share = share_of(shares, year, offence_type)
        if share is not None:
            behind = rows[(rows["year"] == year) & (rows["offence_type"] == offence_type)]
            reporting = [c for c in CENTRAL_ASIA if c in set(behind["country"])]
            over = rows[(rows["year"] == year) & rows["country"].isin(reporting)]
            figures += [
                {
                    "name": f"crime_{offence_type}_share_pct",
                    "value": round(share, 2),
                    "unit": "% of the offences of the countries reporting it",
                    "period": str(year),
                    "status": joined_values(over["status"]),
                },
                {
                    "name": f"crime_{offence_type}_countries",
                    "value": ";".join(reporting),
                    "unit": "countries (ISO3)",
                    "period": str(year),
                    "status": joined_values(over["status"]),
                },
            ]
    official = country_year_totals(rows[(rows["year"] == year) & (rows["status"] == "official")])
    official = official[official["status"] == "official"]
    if not official.empty:
        figures += [
            {
                "name": "crime_offences_official",
                "value": int(official["count"].sum()),
                "unit": "offences",
                "period": str(year),
                "status": joined_values(official["status"]),
            },
            {
                "name": "crime_offences_official_countries",
                "value": ";".join(c for c in CENTRAL_ASIA if c in set(official["country"])),
                "unit": "countries (ISO3)",
                "period": str(year),
                "status": joined_values(official["status"]),
            },
        ]
    return figures
