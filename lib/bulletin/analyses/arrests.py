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

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bulletin.analyses import notes
from bulletin.analyses.crime import (
    countries_reporting,
    country_coverage,
    country_year_table,
    made_words,
)
from bulletin.analyses.crime_charts import legend_with_status, not_drawn_note, stack_by_country
from bulletin.analyses.series import (
    TOTAL,
    counts_by_year,
    joined_values,
    offence_types,
    persons_by_country_year,
    regional_by_year,
    rows_in_period,
)
from bulletin.core.sentences import describe_trend
from bulletin.core.wording import describe_count, describe_percent, describe_years, join_words
from bulletin.data.trust import claim_record, describe_sources, describe_status
from bulletin.data.vocab import CENTRAL_ASIA, country_name
from bulletin.publish.charts import (
    finish_chart,
    is_reconstructed,
    new_chart,
    repeated_reconstructed,
)

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
FLAT_SHARE = 0.02
"""Reconstructed shares within 2% of their neighbour, or of their run's mean, are one figure held
flat (their counts are rounded to whole persons): they are not drawn."""


def regional_persons(arrests: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """The five countries' persons arrested by year, with how many countries reported.

    Returns:
        ``year, count, countries_reporting, status`` for every year ``first``..``last`` (missing
        count for a year without rows).
    """
    totals = persons_by_country_year(rows_in_period(arrests, first, last))
    return regional_by_year(totals, first, last)


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


def _rows_with(arrests: pd.DataFrame, sex: str, age: str) -> pd.DataFrame:
    """The rows of one breakdown, and the all-persons rows of the same country-years."""
    part = arrests[(arrests["sex"] == sex) & (arrests["age_group"] == age)]
    keys = part[["country", "year"]].drop_duplicates()
    whole = arrests[(arrests["sex"] == TOTAL) & (arrests["age_group"] == TOTAL)]
    return pd.concat([part, whole.merge(keys, on=["country", "year"])], ignore_index=True)


def check_claim_c12(arrests: pd.DataFrame, flags: list[dict[str, Any]] | None = None) -> dict:
    """C12: persons arrested fell from 2010 to 2015 (each year below the one before), rose in
    2016, to almost 12,400 ([12,000, 12,400)); the five countries' rows of those years.

    Figures the import flagged as implausible (``flags``, :func:`bulletin.data.trust.flagged_rows`)
    are counted as published; the verdict names those of the claim's years, since a reader must
    know that the check rests on them."""
    rows = rows_in_period(arrests, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    totals = regional_persons(arrests, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    series = counts_by_year(totals)
    values: dict = {
        "persons_by_year": {str(y): int(c) for y, c in series.items()},
        "countries_reporting_by_year": {
            str(int(y)): int(n)
            for y, n in zip(totals["year"], totals["countries_reporting"], strict=True)
        },
    }
    missing = [y for y in range(CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR + 1) if y not in series]
    if missing:
        return claim_record(
            "C12", C12_STATEMENT, values, None, "", rows,
            not_testable=f"no persons arrested for {join_words([str(y) for y in missing])}",
        )
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
    findings = (
        f"Persons arrested in the five countries {describe_trend(series)}; {int(last):,} in 2016 "
        f"({describe_count(last)}), "
        + ("inside" if in_range else "outside")
        + f" [{C12_RANGE[0]:,}, {C12_RANGE[1]:,}); "
        + ("consistent with the statement." if holds else "the statement does not hold.")
        + f" Countries in {CLAIM_LAST_YEAR}: {country_coverage(rows, CLAIM_LAST_YEAR)}."
    )
    flagged = flagged_note(flags or [], CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    if flagged:
        findings += f" {flagged}"
        values["flagged_rows"] = [
            f["key"] for f in flags or []
            if _flag_year(f) is not None and CLAIM_FIRST_YEAR <= _flag_year(f) <= CLAIM_LAST_YEAR
        ]
    return claim_record("C12", C12_STATEMENT, values, holds, findings, rows)


def check_claim_c13(arrests: pd.DataFrame) -> dict:
    """C13: the mean of the yearly shares of women, 2010-2016, is about 7% ([6.5, 7.5)), over
    the countries that report arrests by sex."""
    rows = rows_in_period(arrests, CLAIM_FIRST_YEAR, CLAIM_LAST_YEAR)
    shares = shares_of_women_and_juveniles(rows).dropna(subset=["women_share_pct"])
    used = _rows_with(rows, "female", TOTAL)
    if shares.empty:
        return claim_record("C13", C13_STATEMENT, {}, None, "", rows,
                            not_testable="no arrests by sex for 2010-2016")
    mean = float(shares["women_share_pct"].mean())
    holds = C13_RANGE[0] <= mean < C13_RANGE[1]
    values = {
        "women_share_pct_by_year": {
            str(int(y)): round(s, 3)
            for y, s in zip(shares["year"], shares["women_share_pct"], strict=True)
        },
        "mean_women_share_pct": round(mean, 3),
    }
    findings = (
        f"Women were on average {describe_percent(mean)} ({mean:.2f}%) of persons arrested in "
        f"{int(shares['year'].min())}-{int(shares['year'].max())} (from "
        f"{shares['women_share_pct'].min():.2f}% to {shares['women_share_pct'].max():.2f}% a "
        "year, over the countries that report arrests by sex); "
        + ("consistent with the statement." if holds else "the statement does not hold.")
    )
    return claim_record("C13", C13_STATEMENT, values, holds, findings, used)


def check_claim_c14(arrests: pd.DataFrame) -> dict:
    """C14: juveniles were approximately 0.3% of persons arrested in 2016 ([0.25, 0.35))."""
    rows = rows_in_period(arrests, CLAIM_LAST_YEAR, CLAIM_LAST_YEAR)
    shares = shares_of_women_and_juveniles(rows).dropna(subset=["juveniles_share_pct"])
    used = _rows_with(rows, TOTAL, "juvenile")
    if shares.empty:
        return claim_record("C14", C14_STATEMENT, {}, None, "", rows,
                            not_testable="no arrests by age for 2016")
    share = float(shares["juveniles_share_pct"].iloc[0])
    holds = C14_RANGE[0] <= share < C14_RANGE[1]
    values = {
        "juveniles_2016": int(shares["juveniles_count"].iloc[0]),
        "persons_with_age_2016": int(shares["persons_with_age"].iloc[0]),
        "juveniles_share_pct_2016": round(share, 3),
    }
    findings = (
        f"Juveniles were {describe_percent(share)} ({share:.3f}%) of persons arrested in 2016 "
        f"({values['juveniles_2016']:,} of {values['persons_with_age_2016']:,}, in the countries "
        "that report arrests by age); "
        + ("consistent with the statement." if holds else "the statement does not hold.")
    )
    return claim_record("C14", C14_STATEMENT, values, holds, findings, used)


def headline(arrests: pd.DataFrame, first: int, last: int) -> str:
    """The page's opening sentences, worded from the figures."""
    totals = regional_persons(arrests, first, last).dropna(subset=["count"])
    if totals.empty:
        return f"No persons arrested for drug-related crime are reported for {first}-{last}."
    series = counts_by_year(totals)
    sentences = []
    made = made_words(rows_in_period(arrests, first, last))
    if made:
        sentences.append(f"The figures of this page are {made}.")
    if len(series) >= 2 and sorted(series) == list(range(min(series), max(series) + 1)):
        sentences.append(
            f"{'On them, the' if made else 'The'} number of persons arrested for drug-related "
            f"crime in the five countries of Central Asia {describe_trend(series)}."
        )
    final = totals.iloc[-1]
    sentences.append(
        f"In {int(final['year'])}, {describe_count(final['count'], 'people')} were arrested "
        f"({countries_reporting(int(final['countries_reporting']))})."
    )
    period_rows = rows_in_period(arrests, first, last)
    shares = shares_of_women_and_juveniles(period_rows)
    women = shares.dropna(subset=["women_share_pct"])
    if not women.empty:
        sentences.append(
            f"Women were on average {describe_percent(women['women_share_pct'].mean())} of "
            f"persons arrested in {int(women['year'].min())}-{int(women['year'].max())}"
            + _status_clause(_rows_with(period_rows, "female", TOTAL))
        )
    young = shares.dropna(subset=["juveniles_share_pct"])
    if not young.empty:
        latest = young.iloc[-1]
        year = int(latest["year"])
        sentences.append(
            f"Juveniles were {describe_percent(latest['juveniles_share_pct'])} of them in {year}"
            + _status_clause(_rows_with(period_rows[period_rows["year"] == year], TOTAL, "juvenile"))
        )
    return " ".join(sentences)


def _status_clause(rows: pd.DataFrame) -> str:
    """The end of a sentence on a share: its status when not official, then the full stop."""
    made = made_words(rows)
    if made.startswith("reconstructed"):
        return f": {made}, the bulletin's own figure given back."
    return f" ({made})." if made else "."


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


def plot_persons_by_country(
    arrests: pd.DataFrame, first: int, last: int, flags: list[dict[str, Any]] | None = None
) -> Figure:
    """Stacked bars of persons arrested by year and country, reconstructed parts drawn apart,
    with the regional trend's turning years marked; figures flagged as implausible on import
    (``flags``, :func:`bulletin.data.trust.flagged_rows`) are named under the chart."""
    rows = rows_in_period(arrests, first, last)
    years = list(range(first, last + 1))
    fig, ax = new_chart()
    totals = persons_by_country_year(rows)
    bottom = stack_by_country(ax, totals, years)
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
    ax.set_ylim(0, max(float(bottom.max()), 1.0) * 1.25)
    legend_with_status(ax, rows, loc="upper left", ncols=3)
    finish_chart(
        fig,
        ax,
        CHART_TITLE_ARRESTS.format(first=first, last=last),
        "Persons arrested (number)",
        describe_sources(rows),
        " ".join(p for p in (describe_status(rows) + not_drawn_note(totals, years),
                             flagged_note(flags or [], first, last)) if p),
    )
    return fig


def share_statuses(arrests: pd.DataFrame) -> pd.DataFrame:
    """The status behind each year's share of women and of juveniles (the joined statuses of
    the breakdown rows and the all-persons rows of the country-years reporting it).

    Returns:
        ``year, women_status, juveniles_status``.
    """
    result = pd.DataFrame({"year": sorted(set(arrests["year"]))})
    for column, sex, age in (("women", "female", TOTAL), ("juveniles", TOTAL, "juvenile")):
        rows = _rows_with(arrests, sex, age)
        joined = rows.groupby("year")["status"].agg(lambda s: "+".join(sorted(set(s))))
        result[f"{column}_status"] = result["year"].map(joined).fillna("")
    return result


def plot_shares(arrests: pd.DataFrame, first: int, last: int) -> Figure | None:
    """Lines of the shares of women and juveniles by year: filled points official, hollow where
    reconstructed; a reconstructed share that repeats its neighbouring year (a figure held flat by
    the reconstruction) is not drawn. None when nothing is left to draw."""
    rows = rows_in_period(arrests, first, last)
    shares = shares_of_women_and_juveniles(rows)
    if shares.empty:
        return None
    statuses = share_statuses(rows).set_index("year").reindex(shares["year"]).fillna("")
    fig, ax = new_chart(height=4)
    drawn_any, hidden_words = False, []
    for column, marker, label in (("women", "o", "Women"), ("juveniles", "s", "Juveniles")):
        values = shares[f"{column}_share_pct"]
        status = statuses[f"{column}_status"].tolist()
        hidden = repeated_reconstructed(values.tolist(), status, rel_tol=FLAT_SHARE)
        shown = values.where(~pd.Series(hidden, index=values.index))
        if hidden and any(hidden):
            years = [int(y) for y, h in zip(shares["year"], hidden, strict=True) if h]
            hidden_words.append(f"{label.lower()} {describe_years(years)}")
        if shown.notna().any():
            drawn_any = True
            (line,) = ax.plot(shares["year"], shown, "-", marker=marker, label=label)
            made = [is_reconstructed(s) for s in status]
            hollow = shown.where(pd.Series(made, index=shown.index))
            ax.plot(shares["year"], hollow, linestyle="none", marker=marker, markersize=9,
                    markerfacecolor="white", markeredgecolor=line.get_color())
    if not drawn_any:
        plt.close(fig)
        return None
    ax.set_xticks(shares["year"].astype(int).tolist())
    ax.set_ylim(bottom=0)
    handles, labels = ax.get_legend_handles_labels()
    if any(is_reconstructed(s) for s in statuses.to_numpy().ravel()):
        handles.append(Line2D([], [], color="grey", marker="o", markerfacecolor="white",
                              linestyle="none"))
        labels.append("hollow: reconstructed, not official")
    ax.legend(handles, labels, frameon=False)
    note = describe_status(rows)
    if hidden_words:
        note += (
            " Not drawn: " + "; ".join(hidden_words) + " (reconstructed by holding the "
            "bulletin's figure flat: not a measure)."
        )
    finish_chart(
        fig,
        ax,
        CHART_TITLE_SHARES,
        "Share of persons arrested (%)",
        describe_sources(rows),
        note,
    )
    return fig


def shares_not_drawn(arrests: pd.DataFrame, first: int, last: int) -> str:
    """What the page says when the shares of women and juveniles are not drawn at all: every
    one is reconstructed by holding the bulletin's figure flat ("" when some are drawn)."""
    rows = rows_in_period(arrests, first, last)
    shares = shares_of_women_and_juveniles(rows)
    if shares.empty:
        return ""
    statuses = share_statuses(rows).set_index("year").reindex(shares["year"]).fillna("")
    for column in ("women", "juveniles"):
        hidden = repeated_reconstructed(shares[f"{column}_share_pct"].tolist(),
                                        statuses[f"{column}_status"].tolist(), rel_tol=FLAT_SHARE)
        shown = [not h and pd.notna(v) for h, v in zip(hidden, shares[f"{column}_share_pct"],
                                                        strict=True)]
        if any(shown):
            return ""
    return (
        f"No chart of the shares of women and juveniles for {first}-{last}: no official figures "
        "by sex or age are published for these years, and the reconstruction holds the "
        "bulletin's own shares flat in every year, which is no measure to draw. The table below "
        "gives them, with their status under it."
    )


def table_note(rows: pd.DataFrame, flags: list[dict[str, Any]] | None = None) -> str:
    """The source and status line under the page's tables, with the key to their marks and the
    figures of their years flagged as implausible on import (``flags``)."""
    years = rows["year"].dropna().astype(int) if not rows.empty else pd.Series(dtype=int)
    flagged = flagged_note(flags or [], int(years.min()), int(years.max())) if len(years) else ""
    return notes.table_note(rows, flagged, marks=True)


def describe_flag(flag: dict[str, Any]) -> str:
    """One row the import flagged as implausible, in words: what it is, its figures, why.

    >>> describe_flag({"key": {"country": "KGZ", "year": 2016}, "values": {"adults": 816},
    ...                "reason": "adults far below persons"})
    'Kyrgyzstan 2016: adults 816 (adults far below persons)'
    """
    key = flag.get("key")
    if isinstance(key, dict):
        labels = offence_types()["label"].to_dict()
        parts = [country_name(str(key["country"])) if "country" in key else ""]
        parts += [str(key["year"])] if "year" in key else []
        what = " ".join(p for p in parts if p)
        others = [labels.get(str(v), str(v).replace("_", " ")).lower() for k, v in key.items()
                  if k not in ("country", "year")]
        what += "".join(f", {o}" for o in others)
    elif isinstance(key, (list, tuple)):
        what = " ".join(str(k) for k in key)
    else:
        what = str(key or "")
    values = flag.get("values")
    if isinstance(values, dict):
        figures = ", ".join(f"{k} {_number(v)}" for k, v in values.items())
    elif isinstance(values, (list, tuple)):
        figures = ", ".join(_number(v) for v in values)
    else:
        figures = "" if values is None else _number(values)
    reason = str(flag.get("reason") or "").strip()
    where = str(flag.get("publication") or "").strip()
    text = what + (f": {figures}" if figures else "")
    details = "; ".join(p for p in (reason, where) if p)
    return text + (f" ({details})" if details else "")


def _number(value: object) -> str:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return str(value)


def _flag_year(flag: dict[str, Any]) -> int | None:
    key = flag.get("key")
    if isinstance(key, dict) and "year" in key:
        try:
            return int(key["year"])
        except (TypeError, ValueError):
            return None
    return None


def flagged_note(flags: list[dict[str, Any]], first: int, last: int) -> str:
    """The note under a table or chart of ``first``..``last`` on the rows the import flagged as
    implausible (those of other years left out); "" when none.

    The figures are shown as published: a flag says they look wrong, not what is right.
    """
    mine = [f for f in flags if _flag_year(f) is None or first <= _flag_year(f) <= last]
    if not mine:
        return ""
    return (
        "Figures flagged as implausible when they were imported, kept as published: "
        + "; ".join(describe_flag(f) for f in mine)
        + "."
    )


def key_figures(arrests: pd.DataFrame, first: int, last: int) -> list[dict]:
    """The page's key figures for ``figures.json`` (none without data)."""
    rows = rows_in_period(arrests, first, last)
    totals = regional_persons(arrests, first, last).dropna(subset=["count"])
    if totals.empty:
        return []
    final = totals.iloc[-1]
    status = joined_values(rows["status"])
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
    year = int(final["year"])
    official = persons_by_country_year(rows[(rows["year"] == year) & (rows["status"] == "official")])
    official = official[official["status"] == "official"]
    if not official.empty:
        figures += [
            {"name": "arrests_persons_official", "value": int(official["count"].sum()),
             "unit": "persons", "period": str(year), "status": joined_values(official["status"])},
            {"name": "arrests_persons_official_countries",
             "value": ";".join(c for c in CENTRAL_ASIA if c in set(official["country"])),
             "unit": "countries (ISO3)", "period": str(year),
             "status": joined_values(official["status"])},
        ]
    return figures
