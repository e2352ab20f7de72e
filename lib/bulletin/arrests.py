"""Analysis 7: persons arrested for drug-related crime, by country and year, sex and age.

``drug_arrests`` counts persons arrested (or, in UNODC's words, brought into formal contact with
the police) for drug-related offences. A country-year has a line for all persons (``sex`` and
``age_group`` both ``total``) and, where it was reported, lines for men and women (``age_group``
``total``) and for adults and juveniles (``sex`` ``total``); the World Drug Report's annex
publishes sex and age separately, never crossed.

The shares of women and of juveniles are computed here from the counts, over the countries that
report each breakdown; no share is stored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bulletin.charts import finish_chart, new_chart
from bulletin.crime import (
    countries_reporting,
    country_year_table,
    legend_with_status,
    rows_in_period,
    stack_by_country,
)
from bulletin.provenance import describe_sources, describe_status
from bulletin.vocab import CENTRAL_ASIA, country_name
from bulletin.wording import (
    describe_count,
    describe_percent,
    describe_trend,
    join_words,
)

TOTAL = "total"
CHART_TITLE_ARRESTS = "Persons arrested for drug-related crime in Central Asia, {first}-{last}"
CHART_TITLE_SHARES = "Women and juveniles among persons arrested for drug-related crime"

C12_STATEMENT = (
    "Number of people arrested for drug-related crime in Central Asia had a downward trend between "
    "2010 and 2015. In 2016, the number of arrestees increased and is up to almost 12,400 people"
)
C13_STATEMENT = "Average per cent of arrested women is about 7%"
C14_STATEMENT = "Share of the juveniles involved to drug crime is small, approximately 0.3% in 2016"
CLAIM_FIRST_YEAR, CLAIM_TURN_YEAR, CLAIM_LAST_YEAR = 2010, 2015, 2016
C12_RANGE = (12_000, 12_400)  # "almost 12,400" (ANALYSES.md)
C13_RANGE = (6.5, 7.5)  # "about 7%": the mean share of women over the years shown
C14_RANGE = (0.25, 0.35)  # "approximately 0.3%"


def _joined(values: pd.Series) -> str:
    return "+".join(sorted(set(values.dropna().astype(str))))


def persons_by_country_year(arrests: pd.DataFrame) -> pd.DataFrame:
    """All persons arrested, by country and year.

    The line for all persons where there is one; else men + women, else adults + juveniles (a
    country-year reporting only a breakdown still has a total).

    Returns:
        ``country, year, count, status, source``.
    """
    columns = ["country", "year", "count", "status", "source"]
    keys = ["country", "year"]
    found = []
    done: set[tuple] = set()
    for sex, age in ((TOTAL, TOTAL), (None, TOTAL), (TOTAL, None)):
        if sex is None:
            rows = arrests[(arrests["age_group"] == age) & arrests["sex"].isin(["male", "female"])]
            complete = rows.groupby(keys)["sex"].nunique() == 2
        elif age is None:
            rows = arrests[
                (arrests["sex"] == sex) & arrests["age_group"].isin(["adult", "juvenile"])
            ]
            complete = rows.groupby(keys)["age_group"].nunique() == 2
        else:
            rows = arrests[(arrests["sex"] == sex) & (arrests["age_group"] == age)]
            complete = rows.groupby(keys).size() > 0
        summed = rows.groupby(keys).agg(
            count=("count", "sum"), status=("status", _joined), source=("source", _joined)
        )
        summed = summed[complete.reindex(summed.index, fill_value=False)]
        summed = summed[[key not in done for key in summed.index]]
        done |= set(summed.index)
        found.append(summed.reset_index())
    found = [frame for frame in found if not frame.empty]
    if not found:
        return pd.DataFrame(columns=columns)
    result = pd.concat(found, ignore_index=True)
    return result[columns].sort_values(keys, ignore_index=True)


def regional_persons(arrests: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """The five countries' persons arrested by year, with how many countries reported.

    Returns:
        ``year, count, countries_reporting, status`` for every year ``first``..``last`` (missing
        count for a year without rows).
    """
    totals = persons_by_country_year(rows_in_period(arrests, first, last))
    by_year = totals.groupby("year").agg(
        count=("count", "sum"),
        countries_reporting=("country", "nunique"),
        status=("status", _joined),
    )
    by_year = by_year.reindex(range(first, last + 1))
    by_year["countries_reporting"] = by_year["countries_reporting"].fillna(0).astype(int)
    by_year.index.name = "year"
    return by_year.reset_index()


def shares_of_women_and_juveniles(arrests: pd.DataFrame) -> pd.DataFrame:
    """The shares of women and of juveniles among persons arrested, by year, from the counts.

    Each share is taken over the country-years that report that breakdown (their women, or
    juveniles, over their persons arrested).

    Returns:
        ``year, women_count, persons_with_sex, women_share_pct, juveniles_count,
        persons_with_age, juveniles_share_pct``.
    """
    persons = persons_by_country_year(arrests).set_index(["country", "year"])["count"]
    result = []
    for column, sex, age in (("women", "female", TOTAL), ("juveniles", TOTAL, "juvenile")):
        rows = arrests[(arrests["sex"] == sex) & (arrests["age_group"] == age)]
        counts = rows.groupby(["country", "year"])["count"].sum()
        behind = persons.reindex(counts.index)
        frame = pd.DataFrame({f"{column}_count": counts, "persons": behind}).dropna()
        by_year = frame.groupby(level="year").sum()
        by_year[f"{column}_share_pct"] = by_year[f"{column}_count"] / by_year["persons"] * 100
        persons_column = "persons_with_sex" if column == "women" else "persons_with_age"
        result.append(by_year.rename(columns={"persons": persons_column}))
    columns = [
        "year",
        "women_count",
        "persons_with_sex",
        "women_share_pct",
        "juveniles_count",
        "persons_with_age",
        "juveniles_share_pct",
    ]
    if not any(len(frame) for frame in result):
        return pd.DataFrame(columns=columns)
    table = pd.concat(result, axis=1).reset_index()
    return table.reindex(columns=columns).sort_values("year", ignore_index=True)


def turning_years(totals: pd.DataFrame) -> list[int]:
    """The years where the trend turns: the last year of a run up or down before it reverses.

    >>> turning_years(pd.DataFrame({"year": [2013, 2014, 2015, 2016], "count": [9, 8, 7, 9]}))
    [2015]
    """
    ordered = totals.dropna(subset=["count"]).sort_values("year")
    years = ordered["year"].to_numpy()
    signs = np.sign(np.diff(ordered["count"].to_numpy(dtype=float)))
    turns = []
    for i in range(1, len(signs)):
        if signs[i] != 0 and signs[i - 1] != 0 and signs[i] != signs[i - 1]:
            turns.append(int(years[i]))
    return turns


def _series(totals: pd.DataFrame) -> dict[int, float]:
    rows = totals.dropna(subset=["count"])
    return {int(y): float(c) for y, c in zip(rows["year"], rows["count"], strict=True)}


def _caveat(rows: pd.DataFrame) -> str:
    if (rows["status"] == "official").all():
        return "on official figures only."
    return (
        "but no official figures of persons arrested are published for these years: every one is "
        "reconstructed here from the bulletin's own statements, so this shows the reconstruction "
        "is consistent with the bulletin, not an independent confirmation."
    )


def check_claim_c12(arrests: pd.DataFrame) -> dict:
    """C12: persons arrested fell from 2010 to 2015 (each year below the one before), rose in
    2016, to almost 12,400 ([12,000, 12,400))."""
    rows = rows_in_period(arrests, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    totals = regional_persons(arrests, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    series = _series(totals)
    complete = len(series) == CLAIM_LAST_YEAR - CLAIM_FIRST_YEAR + 1
    values: dict = {"persons_by_year": {str(y): int(c) for y, c in series.items()}}
    if not complete:
        verdict = "Persons arrested are missing for some of 2010-2016: C12 cannot be checked."
        return {
            "claim_id": "C12",
            "statement": C12_STATEMENT,
            "values": values,
            "holds": False,
            "verdict": verdict,
        }
    falling = [series[y] < series[y - 1] for y in range(CLAIM_FIRST_YEAR + 1, CLAIM_TURN_YEAR + 1)]
    rose = series[CLAIM_LAST_YEAR] > series[CLAIM_TURN_YEAR]
    last = series[CLAIM_LAST_YEAR]
    in_range = C12_RANGE[0] <= last < C12_RANGE[1]
    holds = all(falling) and rose and in_range
    values.update(
        {
            "years_not_below_the_year_before_2011_2015": [
                y
                for y, f in zip(
                    range(CLAIM_FIRST_YEAR + 1, CLAIM_TURN_YEAR + 1), falling, strict=True
                )
                if not f
            ],
            "turning_years": turning_years(totals),
            "persons_2016": int(last),
        }
    )
    verdict = (
        f"Persons arrested in the five countries {describe_trend(series)}; {int(last):,} in 2016 "
        f"({describe_count(last)}), "
        + ("inside" if in_range else "outside")
        + f" [{C12_RANGE[0]:,}, {C12_RANGE[1]:,}); "
        + ("consistent with the statement, " if holds else "the statement does not hold, ")
        + _caveat(rows)
    )
    return {
        "claim_id": "C12",
        "statement": C12_STATEMENT,
        "values": values,
        "holds": holds,
        "verdict": verdict,
    }


def check_claim_c13(arrests: pd.DataFrame) -> dict:
    """C13: the mean of the yearly shares of women, 2010-2016, is about 7% ([6.5, 7.5))."""
    rows = rows_in_period(arrests, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    shares = shares_of_women_and_juveniles(rows).dropna(subset=["women_share_pct"])
    if shares.empty:
        verdict = "No arrests by sex for 2010-2016: C13 cannot be checked."
        return {
            "claim_id": "C13",
            "statement": C13_STATEMENT,
            "values": {},
            "holds": False,
            "verdict": verdict,
        }
    mean = float(shares["women_share_pct"].mean())
    holds = C13_RANGE[0] <= mean < C13_RANGE[1]
    values = {
        "women_share_pct_by_year": {
            str(int(y)): round(s, 3)
            for y, s in zip(shares["year"], shares["women_share_pct"], strict=True)
        },
        "mean_women_share_pct": round(mean, 3),
    }
    verdict = (
        f"Women were on average {describe_percent(mean)} ({mean:.2f}%) of persons arrested in "
        f"{int(shares['year'].min())}-{int(shares['year'].max())} (from "
        f"{shares['women_share_pct'].min():.2f}% to {shares['women_share_pct'].max():.2f}% a year); "
        + ("consistent with the statement, " if holds else "the statement does not hold, ")
        + _caveat(rows)
    )
    return {
        "claim_id": "C13",
        "statement": C13_STATEMENT,
        "values": values,
        "holds": holds,
        "verdict": verdict,
    }


def check_claim_c14(arrests: pd.DataFrame) -> dict:
    """C14: juveniles were approximately 0.3% of persons arrested in 2016 ([0.25, 0.35))."""
    rows = rows_in_period(arrests, CLAIM_LAST_YEAR, CLAIM_LAST_YEAR)
    shares = shares_of_women_and_juveniles(rows).dropna(subset=["juveniles_share_pct"])
    if shares.empty:
        verdict = "No arrests by age for 2016: C14 cannot be checked."
        return {
            "claim_id": "C14",
            "statement": C14_STATEMENT,
            "values": {},
            "holds": False,
            "verdict": verdict,
        }
    share = float(shares["juveniles_share_pct"].iloc[0])
    holds = C14_RANGE[0] <= share < C14_RANGE[1]
    values = {
        "juveniles_2016": int(shares["juveniles_count"].iloc[0]),
        "persons_with_age_2016": int(shares["persons_with_age"].iloc[0]),
        "juveniles_share_pct_2016": round(share, 3),
    }
    verdict = (
        f"Juveniles were {describe_percent(share)} ({share:.3f}%) of persons arrested in 2016 "
        f"({values['juveniles_2016']:,} of {values['persons_with_age_2016']:,}); "
        + ("consistent with the statement, " if holds else "the statement does not hold, ")
        + _caveat(rows)
    )
    return {
        "claim_id": "C14",
        "statement": C14_STATEMENT,
        "values": values,
        "holds": holds,
        "verdict": verdict,
    }


def headline(arrests: pd.DataFrame, first: int, last: int) -> str:
    """The page's opening sentences, worded from the figures."""
    totals = regional_persons(arrests, first, last).dropna(subset=["count"])
    if totals.empty:
        return f"No persons arrested for drug-related crime are reported for {first}-{last}."
    series = _series(totals)
    sentences = []
    if len(series) >= 2 and sorted(series) == list(range(min(series), max(series) + 1)):
        sentences.append(
            f"The number of persons arrested for drug-related crime in the five countries of "
            f"Central Asia {describe_trend(series)}."
        )
    final = totals.iloc[-1]
    sentences.append(
        f"In {int(final['year'])}, {describe_count(final['count'], 'people')} were arrested "
        f"({countries_reporting(int(final['countries_reporting']))})."
    )
    shares = shares_of_women_and_juveniles(rows_in_period(arrests, first, last))
    women = shares.dropna(subset=["women_share_pct"])
    if not women.empty:
        sentences.append(
            f"Women were on average {describe_percent(women['women_share_pct'].mean())} of "
            f"persons arrested in {int(women['year'].min())}-{int(women['year'].max())}."
        )
    young = shares.dropna(subset=["juveniles_share_pct"])
    if not young.empty:
        latest = young.iloc[-1]
        sentences.append(
            f"Juveniles were {describe_percent(latest['juveniles_share_pct'])} of them in "
            f"{int(latest['year'])}."
        )
    return " ".join(sentences)


def turn_sentence(arrests: pd.DataFrame, first: int, last: int) -> str:
    """Where the regional trend turns, in words (or that it does not)."""
    totals = regional_persons(arrests, first, last)
    turns = turning_years(totals)
    if not turns:
        return f"The regional trend does not turn between {first} and {last}."
    return (
        "The regional trend turns in "
        + join_words([str(y) for y in turns])
        + " (the last year before the direction reverses)."
    )


def later_shares_sentence(arrests: pd.DataFrame, first: int, last: int) -> str:
    """What the official figures of later years say of women and juveniles, in words."""
    rows = rows_in_period(arrests[arrests["status"] == "official"], first, last)
    shares = shares_of_women_and_juveniles(rows)
    women = shares.dropna(subset=["women_share_pct"])
    young = shares.dropna(subset=["juveniles_share_pct"])
    if women.empty and young.empty:
        return f"No official figures by sex or age for {first}-{last}."
    parts = []
    for label, shares_ in (
        ("women", women["women_share_pct"]),
        ("juveniles", young["juveniles_share_pct"]),
    ):
        if shares_.empty:
            continue
        low, high = describe_percent(shares_.min()), describe_percent(shares_.max())
        parts.append(f"{label} at {low}" if low == high else f"{label} from {low} to {high} a year")
    countries = join_words([country_name(c) for c in CENTRAL_ASIA if c in set(rows["country"])])
    years = str(first) if first == last else f"{first}-{last}"
    return (
        f"The official figures published since, for {years} (persons brought into formal "
        f"contact with the police; {countries}, each for the years and offence types it "
        f"reports), put {join_words(parts)}: a check on the reconstruction's assumptions, not on "
        "the bulletin's years."
    )


def persons_by_country_table(arrests: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Persons arrested by country (rows) and year (columns), regional total last; * reconstructed."""
    return country_year_table(
        persons_by_country_year(rows_in_period(arrests, first, last)),
        regional_persons(arrests, first, last).set_index("year")["count"],
    )


def shares_table(arrests: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Women and juveniles by year: counts and shares (per cent) for the page."""
    shares = shares_of_women_and_juveniles(rows_in_period(arrests, first, last))
    return shares.rename(
        columns={
            "year": "Year",
            "women_count": "Women",
            "persons_with_sex": "Persons (by sex)",
            "women_share_pct": "Women (%)",
            "juveniles_count": "Juveniles",
            "persons_with_age": "Persons (by age)",
            "juveniles_share_pct": "Juveniles (%)",
        }
    ).astype({"Year": str})


def plot_persons_by_country(arrests: pd.DataFrame, first: int, last: int) -> Figure:
    """Stacked bars of persons arrested by year and country, hatched where reconstructed, with
    the regional trend's turning years marked."""
    rows = rows_in_period(arrests, first, last)
    years = list(range(first, last + 1))
    fig, ax = new_chart()
    bottom = stack_by_country(ax, persons_by_country_year(rows), years)
    for year in turning_years(regional_persons(arrests, first, last)):
        ax.annotate(
            "trend turns",
            xy=(year, bottom[years.index(year)]),
            xytext=(0, 14),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            arrowprops={"arrowstyle": "-|>", "color": "#333333"},
        )
    legend_with_status(ax, rows)
    finish_chart(
        fig,
        ax,
        CHART_TITLE_ARRESTS.format(first=first, last=last),
        "Persons arrested (number)",
        describe_sources(rows),
        describe_status(rows),
    )
    return fig


def plot_shares(arrests: pd.DataFrame, first: int, last: int) -> Figure | None:
    """Lines of the shares of women and juveniles by year; dashed and labelled where reconstructed."""
    rows = rows_in_period(arrests, first, last)
    shares = shares_of_women_and_juveniles(rows)
    if shares.empty:
        return None
    fig, ax = new_chart(height=4)
    reconstructed = (rows["status"] != "official").all()
    style = "--" if reconstructed else "-"
    suffix = " (reconstructed, not official)" if reconstructed else ""
    ax.plot(shares["year"], shares["women_share_pct"], style, marker="o", label="Women" + suffix)
    ax.plot(
        shares["year"], shares["juveniles_share_pct"], style, marker="s", label="Juveniles" + suffix
    )
    ax.set_xticks(shares["year"].astype(int).tolist())
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False)
    finish_chart(
        fig,
        ax,
        CHART_TITLE_SHARES,
        "Share of persons arrested (%)",
        describe_sources(rows),
        describe_status(rows),
    )
    return fig


def table_note(rows: pd.DataFrame) -> str:
    """The source and status line under the page's tables; * marks reconstructed figures."""
    return f"{describe_sources(rows)} {describe_status(rows)} * reconstructed, not official."


def key_figures(arrests: pd.DataFrame, first: int, last: int) -> list[dict]:
    """The page's key figures for ``figures.json`` (none without data)."""
    rows = rows_in_period(arrests, first, last)
    totals = regional_persons(arrests, first, last).dropna(subset=["count"])
    if totals.empty:
        return []
    final = totals.iloc[-1]
    status = _joined(rows["status"])
    figures = [
        {
            "name": "arrests_persons_total",
            "value": int(final["count"]),
            "unit": "persons",
            "period": str(int(final["year"])),
            "status": final["status"],
        }
    ]
    turns = turning_years(totals)
    figures.append(
        {
            "name": "arrests_trend_turning_year",
            "value": turns[-1] if turns else None,
            "unit": "year",
            "period": f"{first}-{last}",
            "status": status,
        }
    )
    shares = shares_of_women_and_juveniles(rows)
    women = shares.dropna(subset=["women_share_pct"])
    if not women.empty:
        figures.append(
            {
                "name": "arrests_women_mean_share_pct",
                "value": round(float(women["women_share_pct"].mean()), 2),
                "unit": "%",
                "period": f"{int(women['year'].min())}-{int(women['year'].max())}",
                "status": status,
            }
        )
    young = shares.dropna(subset=["juveniles_share_pct"])
    if not young.empty:
        figures.append(
            {
                "name": "arrests_juveniles_share_pct",
                "value": round(float(young["juveniles_share_pct"].iloc[-1]), 3),
                "unit": "%",
                "period": str(int(young["year"].iloc[-1])),
                "status": status,
            }
        )
    return figures
