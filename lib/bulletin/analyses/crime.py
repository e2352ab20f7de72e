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

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch

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
    claim_record,
    describe_sources,
    describe_status,
    least_trusted,
)
from bulletin.data.vocab import CENTRAL_ASIA, REGION_NAME, country_name
from bulletin.publish.charts import (
    finish_chart,
    new_chart,
    repeated_reconstructed,
    status_handles,
    style_bar,
)

FIRST_YEAR = 2010  # "since 2010" (C9): the first year of the bulletin's crime charts
UNODC_CATEGORIES = ("trafficking", "use_possession", "other")
CHART_TITLE_OFFENCES = "Reported drug-related offences in Central Asia, {first}-{last}"
CHART_TITLE_SHARES = "Drug-related offences by type, {first}-{last}"
BULLETIN_NOTE_ON_SELLING = (
    "Note (the bulletin's): offences related to selling of illegal drugs can include illegal "
    "purchase, transportation, or possession with the purpose of selling narcotic drugs or "
    "psychotropic substances."
)
C9_STATEMENT = (
    "The number of reported drug-related offences in the Central Asian countries has decreased "
    "steadily since 2010. In 2016, there were almost 13,600 reported offences"
)
C10_STATEMENT = "Share of smuggling offences increased from 4% in 2010 to 9% in 2016"
C11_STATEMENT = (
    "Share of drug offences linked to the purpose of selling drugs constitutes for 46% of total "
    "amount of the offences reported in 2016"
)
CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR = 2010, 2016
C9_RANGE = (13_000, 13_600)  # "almost 13,600": [13,000, 13,600) (ANALYSES.md)
C10_RANGES = ((3.5, 4.5), (8.5, 9.5))  # "4%" and "9%", whole per cents
C11_RANGE = (45.5, 46.5)  # "46%"


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
    """The name of a country table's total line: the region when all five countries are in every
    column, else what it is (the total of the countries reporting)."""
    complete = len(table.index) == len(CENTRAL_ASIA) and not table.isna().any().any()
    return REGION_NAME if complete else "Total of the countries reporting"


def country_year_table(totals: pd.DataFrame, regional: pd.Series) -> pd.DataFrame:
    """Counts by country (rows) and year (columns), with the regional total line, for a page.

    Args:
        totals: ``country, year, count, status`` per country and year.
        regional: the regional count by year (missing where it cannot be computed).

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
    table = table.reindex([c for c in CENTRAL_ASIA if c in table.index])
    table.index = [country_name(code) for code in table.index]
    table.loc[total_label(table)] = [
        "" if pd.isna(regional.get(year)) else f"{int(regional[year]):,}" for year in table.columns
    ]
    table.columns = [str(year) for year in table.columns]
    table.index.name = "Country"
    return table.fillna("–").reset_index()


def offences_by_country_table(offences: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Offences by country (rows) and year (columns), with the regional total, for the page."""
    return country_year_table(
        country_year_totals(rows_in_period(offences, first, last)),
        regional_totals(offences, first, last).set_index("year")["count"],
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
    """ "one country reporting", "five countries reporting".

    >>> countries_reporting(1), countries_reporting(5)
    ('one country reporting', 'five countries reporting')
    """
    return f"{number_in_words(count)} {'country' if count == 1 else 'countries'} reporting"


def _countries_in_words(codes: str | list[str]) -> str:
    if isinstance(codes, str):
        codes = [c for c in codes.split(";") if c]
    ordered = [c for c in CENTRAL_ASIA if c in codes] + sorted(set(codes) - set(CENTRAL_ASIA))
    return join_words([country_name(c) for c in ordered])


def country_coverage(rows: pd.DataFrame, year: int, offence_type: str | None = None) -> str:
    """Which of the five countries a year's rows cover, with what status and (with
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


def check_claim_c9(offences: pd.DataFrame) -> dict:
    """C9: a steady decrease 2010-2016 (each year below the one before) and almost 13,600 in 2016.

    A year that breaks the run is named in the verdict; the claim then does not hold, whatever
    the 2016 figure. The basis is that of the five countries' rows of those years.
    """
    rows = rows_in_period(offences, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    totals = regional_totals(offences, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    complete = totals["count"].notna().all()
    last = totals.set_index("year")["count"].get(CLAIM_LAST_YEAR)
    breaks = breaks_in_decrease(totals.dropna(subset=["count"])) if complete else []
    in_range = last is not None and pd.notna(last) and C9_RANGE[0] <= last < C9_RANGE[1]
    values = {
        "total_by_year": {
            str(int(y)): None if pd.isna(c) else int(c)
            for y, c in zip(totals["year"], totals["count"], strict=True)
        },
        "countries_reporting_by_year": {
            str(int(y)): int(n)
            for y, n in zip(totals["year"], totals["countries_reporting"], strict=True)
        },
        "years_breaking_the_decrease": breaks,
        "total_2016": None if last is None or pd.isna(last) else int(last),
    }
    if not complete:
        missing = [int(y) for y in totals.loc[totals["count"].isna(), "year"]]
        return claim_record(
            "C9", C9_STATEMENT, values, None, "", rows,
            not_testable=f"no offences for {join_words([str(y) for y in missing])}",
        )
    holds = bool(not breaks and in_range)
    moved = describe_trend(counts_by_year(totals))
    steady = (
        "the decrease is steady"
        if not breaks
        else f"the decrease is not steady: {join_words([str(y) for y in breaks])} "
        f"{'breaks' if len(breaks) == 1 else 'break'} the run"
    )
    findings = (
        f"The five countries' reported offences {moved} ({steady}); {int(last):,} in "
        f"{CLAIM_LAST_YEAR} ({describe_count(last)}), "
        + ("inside" if in_range else "outside")
        + f" [{C9_RANGE[0]:,}, {C9_RANGE[1]:,}); "
        + ("consistent with the statement." if holds else "the statement does not hold.")
        + f" Countries in {CLAIM_LAST_YEAR}: {country_coverage(rows, CLAIM_LAST_YEAR)}."
    )
    return claim_record("C9", C9_STATEMENT, values, holds, findings, rows)


def _check_share_claim(
    claim_id: str,
    statement: str,
    offences: pd.DataFrame,
    offence_type: str,
    ranges: dict[int, tuple[float, float]],
) -> dict:
    """A claim on one offence type's share of the five countries' offences in some years.

    The share is taken over the countries whose figures report the type (their offences of the
    type over all their offences); the verdict names them, says which of the five the year's
    figures cover and with what status, and gives the type's offences over all five countries'
    offences (a floor where some do not report the type apart).
    """
    rows = rows_in_period(offences, min(ranges), max(ranges))
    shares = shares_by_type(rows, NATIONAL)
    totals = regional_totals(rows, min(ranges), max(ranges)).set_index("year")["count"]
    values: dict = {}
    inside, said = [], []
    used = []
    for year, (low, high) in ranges.items():
        share = share_of(shares, year, offence_type)
        reporting = sorted(set(rows.loc[(rows["year"] == year)
                                        & (rows["offence_type"] == offence_type), "country"]))
        count = float(rows.loc[(rows["year"] == year) & (rows["offence_type"] == offence_type),
                               "count"].sum())
        of_all = count / totals[year] * 100 if reporting and pd.notna(totals.get(year)) else None
        values[f"{offence_type}_share_pct_{year}"] = None if share is None else round(share, 2)
        values[f"countries_{year}"] = ";".join(c for c in CENTRAL_ASIA if c in reporting)
        values[f"{offence_type}_share_of_all_five_pct_{year}"] = (
            None if of_all is None else round(of_all, 2)
        )
        values[f"coverage_{year}"] = country_coverage(rows, year, offence_type)
        inside.append(share is not None and low <= share < high)
        used.append(rows[(rows["year"] == year) & rows["country"].isin(reporting)])
        if share is None:
            said.append(f"{year}: no country reports {offence_type} offences apart")
            continue
        others = [country_name(c) for c in CENTRAL_ASIA if c not in reporting]
        words = (
            f"{year}: {describe_percent(share)} ({share:.2f}%) over "
            f"{_countries_in_words(reporting)}"
            + (" only" if others else ", all five countries")
        )
        if others and of_all is not None:
            words += (
                f" (over all five countries' offences, {of_all:.1f}%: a floor, as "
                f"{join_words(others)} report no {offence_type} line)"
            )
        said.append(words)
    evidence = pd.concat(used) if used else rows.iloc[0:0]
    if all(values[f"{offence_type}_share_pct_{y}"] is None for y in ranges):
        return claim_record(
            claim_id, statement, values, None, "", rows,
            not_testable=f"no country's figures report {offence_type} offences apart in "
            f"{join_words([str(y) for y in ranges])}",
        )
    holds = all(inside)
    coverage = " ".join(f"Countries in {y}: {values[f'coverage_{y}']}." for y in ranges)
    findings = (
        f"{offence_type.capitalize()} offences as a share of the offences of the countries that "
        f"report them: " + "; ".join(said) + ". "
        + ("Consistent with the statement." if holds else "The statement does not hold.")
        + f" {coverage}"
    )
    return claim_record(claim_id, statement, values, holds, findings, evidence)


def check_claim_c10(offences: pd.DataFrame) -> dict:
    """C10: smuggling's share of the five countries' offences, from 4% in 2010 to 9% in 2016
    (whole per cents), over the countries that report smuggling apart."""
    ranges = dict(zip((CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR), C10_RANGES, strict=True))
    return _check_share_claim("C10", C10_STATEMENT, offences, "smuggling", ranges)


def check_claim_c11(offences: pd.DataFrame) -> dict:
    """C11: offences linked to selling make up 46% of the five countries' offences of 2016 (whole
    per cent), over the countries that report selling apart."""
    return _check_share_claim("C11", C11_STATEMENT, offences, "selling",
                              {CLAIM_LAST_YEAR: C11_RANGE})


def made_words(rows: pd.DataFrame) -> str:
    """How far some rows are the project's own, for a sentence ("" when all are published)."""
    made = rows[rows["status"].map(lambda st: least_trusted(str(st)) in ("reconstructed", "estimate"))]
    if made.empty:
        return ""
    if len(made) == len(rows):
        return "reconstructed by this project, not official"
    return (
        "partly reconstructed by this project (the figures of "
        f"{_countries_in_words(sorted(set(made['country'])))}), not official"
    )


def headline(offences: pd.DataFrame, first: int, last: int) -> str:
    """The page's opening sentences, worded from the figures (never from the bulletin's words);
    each says when the figures behind it are reconstructed."""
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
            f"({_countries_in_words(reporting)}), {what}"
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


def shares_table(shares: pd.DataFrame) -> pd.DataFrame:
    """Shares by type (rows) and year (columns) for the page: per cents to one decimal, and the
    count of offences they are shares of on the last line."""
    key = "offence_type" if "offence_type" in shares else "unodc_category"
    labels = offence_types()["label"].to_dict()
    table = shares.pivot(index=key, columns="year", values="share_pct")
    order = UNODC_CATEGORIES if key == "unodc_category" else tuple(offence_types().index)
    table = table.reindex([t for t in order if t in table.index])
    cells = table.map(lambda v: "–" if pd.isna(v) else f"{v:.1f}")
    cells.index = [f"{labels.get(t, t)} (%)" for t in table.index]
    counts = shares.groupby("year")["total_count"].first()
    cells.loc["All offences (number)"] = [f"{int(counts[y]):,}" for y in cells.columns]
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
    """Which country-years are official, which the bulletin states, and that every other one is
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


def stack_by_country(ax: Axes, totals: pd.DataFrame, years: list[int]) -> np.ndarray:
    """Draw yearly bars stacked by country: official parts solid, reconstructed parts lighter,
    hatched and outlined, and a reconstructed part that repeats the country's neighbouring year
    not drawn at all (:func:`not_drawn`).

    Args:
        ax: the chart's axes.
        totals: ``country, year, count, status``, one row per country-year.
        years: the years of the bars.

    Returns:
        The height of each year's stack.
    """
    colours = plt.get_cmap("tab10").colors
    bottom = np.zeros(len(years))
    hidden = not_drawn(totals, years)
    for index, country in enumerate(c for c in CENTRAL_ASIA if c in set(totals["country"])):
        mine = totals[totals["country"] == country].set_index("year").reindex(years)
        skip = hidden.get(country, [False] * len(years))
        heights = mine["count"].where(~pd.Series(skip, index=mine.index)).fillna(0)
        heights = heights.to_numpy(dtype=float)
        bars = ax.bar(
            years, heights, bottom=bottom, color=colours[index], label=country_name(country)
        )
        for bar, status in zip(bars.patches, mine["status"], strict=True):
            if isinstance(status, str):
                style_bar(bar, status, colours[index])
        bottom += heights
    ax.set_xticks(years)
    return bottom


def not_drawn(totals: pd.DataFrame, years: list[int]) -> dict[str, list[bool]]:
    """For each country, which of the years' figures are reconstructed copies of a neighbouring
    year (:func:`bulletin.publish.charts.repeated_reconstructed`): they are never drawn."""
    hidden = {}
    for country in sorted(set(totals["country"])):
        mine = totals[totals["country"] == country].set_index("year").reindex(years)
        hidden[country] = repeated_reconstructed(
            mine["count"].tolist(), mine["status"].fillna("").tolist()
        )
    return hidden


def not_drawn_note(totals: pd.DataFrame, years: list[int]) -> str:
    """The note under a chart naming the figures left undrawn ("" when none)."""
    parts = [
        f"{country_name(country)} {describe_years([y for y, h in zip(years, flags, strict=True) if h])}"
        for country, flags in not_drawn(totals, years).items()
        if any(flags)
    ]
    if not parts:
        return ""
    return (
        " Not drawn: " + "; ".join(parts) + " (reconstructed by repeating a neighbouring year's "
        "figure: not a measure)."
    )


def plot_offences_by_country(offences: pd.DataFrame, first: int, last: int) -> Figure:
    """Stacked bars of offences by year and country; reconstructed parts drawn apart."""
    rows = rows_in_period(offences, first, last)
    fig, ax = new_chart()
    years = list(range(first, last + 1))
    totals = country_year_totals(rows)
    stack_by_country(ax, totals, years)
    legend_with_status(ax, rows, loc="upper left", bbox_to_anchor=(1, 1))
    finish_chart(
        fig,
        ax,
        CHART_TITLE_OFFENCES.format(first=first, last=last),
        "Reported offences (number)",
        describe_sources(rows),
        describe_status(rows) + not_drawn_note(totals, years),
    )
    return fig


def _solid(handle: object) -> object:
    """A legend entry of bars as a plain patch of their colour (the bars themselves may be drawn
    lighter and hatched where reconstructed)."""
    patches = getattr(handle, "patches", None)
    if not patches:
        return handle
    colour = to_rgba(patches[0].get_edgecolor() if patches[0].get_hatch() else
                     patches[0].get_facecolor())
    return Patch(facecolor=(*colour[:3], 1.0), edgecolor="white")


def legend_with_status(ax: Axes, rows: pd.DataFrame, **where: object) -> None:
    """The legend, with an entry for each status the chart draws apart (stated, reconstructed).

    Args:
        ax: the chart's axes.
        rows: the rows behind the chart (their ``status`` column).
        where: where to put the legend (matplotlib's ``loc``, ``bbox_to_anchor``).
    """
    handles, labels = ax.get_legend_handles_labels()
    handles = [_solid(handle) for handle in handles]  # a layer's colour, whatever its status
    for handle in status_handles([s for s in rows["status"].unique() if s != "official"]):
        handles.append(handle)
        labels.append(handle.get_label())
    ax.legend(handles, labels, frameon=False, fontsize=9, **({"loc": "upper right"} | where))


def plot_shares_by_type(offences: pd.DataFrame, first: int, last: int) -> Figure | None:
    """100% stacked bars of national offence types by year; hatched where reconstructed."""
    rows = rows_in_period(offences, first, last)
    shares = shares_by_type(rows, NATIONAL)
    if shares.empty:
        return None
    national = national_rows(rows)
    labels = offence_types()["label"].to_dict()
    years = sorted(shares["year"].unique())
    fig, ax = new_chart()
    colours = plt.get_cmap("tab10").colors
    bottom = np.zeros(len(years))
    types = [t for t in offence_types().index if t in set(shares["offence_type"])]
    for index, offence_type in enumerate(types):
        mine = shares[shares["offence_type"] == offence_type].set_index("year").reindex(years)
        heights = mine["share_pct"].fillna(0).to_numpy(dtype=float)
        bars = ax.bar(
            years, heights, bottom=bottom, color=colours[index], label=labels[offence_type]
        )
        for bar, year in zip(bars.patches, years, strict=True):
            behind = national[
                (national["year"] == year) & (national["offence_type"] == offence_type)
            ]
            if not behind.empty:
                style_bar(bar, joined_values(behind["status"]), colours[index])
        bottom += heights
    legend_with_status(ax, national, loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_xticks(years)
    ax.set_ylim(0, 100)
    countries = _countries_in_words(sorted(set(national["country"])))
    finish_chart(
        fig,
        ax,
        CHART_TITLE_SHARES.format(first=first, last=last),
        "Share of offences (%)",
        describe_sources(national)
        + f" Countries whose offences are broken down by national type: {countries}.",
        describe_status(national),
    )
    return fig


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
