"""Analysis 1: drug seizures of a quarter ("Seizures in Central Asia (January-March 2017)").

The issue of quarter Q reports the seizures of the quarter before (ANALYSES.md): by country and
drug in tons, totals by drug group, and the change against the previous quarter and the same
quarter a year before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from bulletin.core.numbers import KG_PER_TON
from bulletin.core.periods import Quarter, data_quarter
from bulletin.core.wording import describe_quantity, number_in_words
from bulletin.data.trust import (
    claim_record,
    claims_named,
    describe_sources,
    describe_status,
    is_reconstructed,
    statuses,
)
from bulletin.data.vocab import CENTRAL_ASIA, country_name, drug_groups, drug_labels

# Plotting is imported by the functions that draw (see bulletin.analyses).
if TYPE_CHECKING:
    from matplotlib.figure import Figure

# The drugs the bulletin's quarterly chart names, in its order; every other drug is "Other drugs".
CHART_CATEGORIES = {
    "cannabis_herb": "Marijuana (cannabis herb)",
    "cannabis_resin": "Hashish (cannabis resin)",
    "heroin": "Heroin",
    "opium": "Opium",
}
OTHER_CATEGORY = "Other drugs"

# C1 counts "marijuana and hashish" and "heroin and opium", not whole drug groups.
CANNABIS_HERB_AND_RESIN = ("cannabis_herb", "cannabis_resin")
HEROIN_AND_OPIUM = ("heroin", "opium")
C1_STATEMENT = (
    "almost four tons of marijuana and hashish and over one ton of heroin and opium were seized "
    "in five countries of Central Asia in January-March 2017"
)
C1_QUARTER = Quarter(2017, 1)


COMPARED = {
    "quarter": "the quarter reported",
    "previous_quarter": "the quarter before",
    "year_before": "the same quarter a year before",
}
"""The quarters the page shows (the columns of :func:`group_totals_with_changes`), in words."""


def compared_quarters(reported: Quarter) -> dict[str, Quarter]:
    """The quarters the page shows: the quarter reported, the quarter before and a year before.

    >>> {name: q.label for name, q in compared_quarters(Quarter(2017, 2)).items()}
    {'quarter': '2017-Q2', 'previous_quarter': '2017-Q1', 'year_before': '2016-Q2'}
    """
    return {
        "quarter": reported,
        "previous_quarter": reported.previous(),
        "year_before": reported.year_before(),
    }


def period_sentence(issue: Quarter) -> str:
    """Which quarter an issue's page reports and compares, made from the issue (never typed).

    >>> period_sentence(Quarter(2017, 3))
    'This issue (July-September 2017) reports the seizures of April-June 2017, the quarter before its own, and compares them with January-March 2017 and April-June 2016.'
    """
    quarters = compared_quarters(data_quarter(issue))
    return (
        f"This issue ({issue.months}) reports the seizures of {quarters['quarter'].months}, the "
        f"quarter before its own, and compares them with {quarters['previous_quarter'].months} "
        f"and {quarters['year_before'].months}."
    )


def rows_of_quarter(seizures: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    """The rows of ``seizures_quarterly`` for one quarter and the five Central Asian countries."""
    selected = (
        (seizures["year"] == quarter.year)
        & (seizures["quarter"] == quarter.quarter)
        & seizures["country"].isin(CENTRAL_ASIA)
    )
    return seizures.loc[selected].reset_index(drop=True)


def chart_category(drug: str) -> str:
    """The bulletin chart's category of a drug (cannabis herb, resin, heroin, opium or other)."""
    return CHART_CATEGORIES.get(drug, OTHER_CATEGORY)


def tons_by_country_and_category(rows: pd.DataFrame) -> pd.DataFrame:
    """Tons seized by country (rows) and chart category (columns), with a regional total line.

    A category a country reported no row for is missing (shown as "–"), never 0: a zero is a
    reported zero. Countries absent from ``rows`` (not reporting) are left out; the regional line
    adds what was reported, and is missing only where no country reported the category.
    """
    categories = list(CHART_CATEGORIES.values()) + [OTHER_CATEGORY]
    table = (
        rows.assign(category=rows["drug"].map(chart_category), tons=rows["kg"] / KG_PER_TON)
        .pivot_table(
            index="country", columns="category", values="tons", aggfunc="sum"
        )
        .reindex(columns=categories)
    )
    order = [c for c in CENTRAL_ASIA if c in table.index]
    table = table.loc[order]
    table.index = [country_name(code) for code in table.index]
    table.loc["Central Asia"] = table.sum(min_count=1)
    table.index.name = "Country"
    table.columns.name = None
    return table.reset_index()


def tons_of(rows: pd.DataFrame, drugs: tuple[str, ...]) -> float:
    """Tons of the given drugs in ``rows``."""
    return float(rows.loc[rows["drug"].isin(drugs), "kg"].sum()) / KG_PER_TON


def percent_change(new: float, old: float) -> float | None:
    """Change from ``old`` to ``new`` in per cent; ``None`` when there is no base to compare with."""
    if old == 0 or pd.isna(old) or pd.isna(new):
        return None
    return (new - old) / old * 100


def group_totals_with_changes(seizures: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    """Tons by drug group in ``quarter``, the previous quarter and a year before, with changes.

    A comparison quarter with no rows at all gives missing values, never zeros.
    """
    totals = {}
    for label, period in compared_quarters(quarter).items():
        rows = rows_of_quarter(seizures, period)
        by_group = rows.groupby(rows["drug"].map(drug_groups()))["kg"].sum() / KG_PER_TON
        totals[label] = by_group if not rows.empty else pd.Series(dtype=float)
    table = pd.DataFrame(totals)
    table = table.reindex(
        sorted(table.index, key=list(dict.fromkeys(drug_groups().values())).index)
    )
    table.loc["all drugs"] = table.sum(min_count=1)
    table["change_vs_previous_pct"] = [
        percent_change(n, o)
        for n, o in zip(table["quarter"], table["previous_quarter"], strict=True)
    ]
    table["change_vs_year_before_pct"] = [
        percent_change(n, o) for n, o in zip(table["quarter"], table["year_before"], strict=True)
    ]
    table.index.name = "drug_group"
    return table.reset_index()


def headline(rows: pd.DataFrame, quarter: Quarter) -> str:
    """The bulletin's headline sentence for a quarter, worded from the figures.

    >>> rows = pd.DataFrame({"country": ["KAZ", "KGZ"], "drug": ["cannabis_herb", "heroin"],
    ...                      "kg": [3750.0, 1250.0]})
    >>> headline(rows, Quarter(2017, 1))
    'Almost four tons of marijuana and hashish and over one ton of heroin and opium were seized in two countries of Central Asia in January-March 2017.'

    Figures the project reconstructed are never worded as a finding: the sentence says so.
    """
    cannabis = describe_quantity(tons_of(rows, CANNABIS_HERB_AND_RESIN), "ton")
    opiates = describe_quantity(tons_of(rows, HEROIN_AND_OPIUM), "ton")
    reporting = number_in_words(rows["country"].nunique())
    if "status" in rows and rows["status"].map(is_reconstructed).all() and not rows.empty:
        made_from, given_back = _reconstructed_from(rows, quarter)
        return (
            f"No seizure figures are published by quarter. The {quarter.months} figures here are "
            f"reconstructed from {made_from}, not measured: they give {cannabis} of marijuana and "
            f"hashish and {opiates} of heroin and opium for {reporting} countries{given_back}."
        )
    sentence = (
        f"{cannabis} of marijuana and hashish and {opiates} of heroin and opium were seized in "
        f"{reporting} countries of Central Asia in {quarter.months}."
    )
    if "status" in rows and rows["status"].map(is_reconstructed).any():
        sentence += " Some of these figures are reconstructed by this project, not official."
    return sentence[0].upper() + sentence[1:]


def _reconstructed_from(rows: pd.DataFrame, quarter: Quarter) -> tuple[str, str]:
    """What a quarter's reconstructed rows rest on, in words, and whether they give a statement back.

    Only the quarter of claim C1 is set by the bulletin's statement; the other quarters of its year
    share what the official year leaves (their sources name C1), and the quarters of other years
    split the official year alone (``bulletin.reconstruct.seizures_quarterly``).
    """
    if quarter == C1_QUARTER:
        return ("the bulletin's own statements and the official annual figures",
                ", the bulletin's statement given back")
    sources = rows["source"].dropna().astype(str) if "source" in rows else pd.Series(dtype=str)
    if any("C1" in claims_named(source) for source in sources):
        return ("the official annual figures, less what the bulletin's statement on another "
                "quarter of the year takes (claim C1)", "")
    return "the official annual figures, split across the quarters by an assumed seasonal profile", ""


def no_data_message(quarter: Quarter) -> str:
    """What the page says for a quarter without any seizure data."""
    return (
        f"No seizure data for {quarter.months} ({quarter.label}) in the quarterly table: "
        "no chart or totals can be shown for this quarter."
    )


def check_claim_c1(seizures: pd.DataFrame) -> dict:
    """Claim C1 on January-March 2017: cannabis and opiates seized, five countries reporting.

    Claim C1 on January-March 2017: cannabis herb + resin in [3.5, 4.0) t, heroin + opium in
    (1.0, 1.5) t, five countries reporting (ANALYSES.md); its basis from the rows it adds up.
    """
    rows = rows_of_quarter(seizures, C1_QUARTER)
    used = rows  # the drugs it adds up, and every country's rows for "five countries"
    cannabis = tons_of(rows, CANNABIS_HERB_AND_RESIN)
    opiates = tons_of(rows, HEROIN_AND_OPIUM)
    reporting = int(used["country"].nunique())
    values = {
        "cannabis_herb_resin_t": round(cannabis, 3),
        "heroin_opium_t": round(opiates, 3),
        "countries_reporting": reporting,
    }
    if used.empty:
        return claim_record(
            "C1", C1_STATEMENT, values, None, "", used,
            not_testable=f"the quarterly table has no figures for {C1_QUARTER.months}",
        )
    holds = 3.5 <= cannabis < 4.0 and 1.0 < opiates < 1.5 and reporting == len(CENTRAL_ASIA)
    findings = (
        f"In {C1_QUARTER.months}: {cannabis:.2f} t of cannabis herb and resin, {opiates:.2f} t of "
        f"heroin and opium, {reporting} countries reporting; "
        + ("consistent with the statement." if holds else "the statement does not hold.")
    )
    return claim_record("C1", C1_STATEMENT, values, holds, findings, used)


def plot_seizures_by_country(rows: pd.DataFrame, *, title: str) -> Figure:
    """Bar chart of the quarter's seizures in tons, by country and drug (the bulletin's chart).

    Args:
        rows: the quarter's rows (:func:`rows_of_quarter`).
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    import seaborn as sns

    from bulletin.publish.charts import finish_chart, mark_reconstructed, new_chart, status_handles

    table = tons_by_country_and_category(rows)
    long = table[table["Country"] != "Central Asia"].melt(
        id_vars="Country", var_name="Drug", value_name="Tons"
    )
    fig, ax = new_chart()
    sns.barplot(data=long, x="Country", y="Tons", hue="Drug", ax=ax)
    ax.set_xlabel("")
    if rows["status"].map(is_reconstructed).all():
        mark_reconstructed(ax)
    handles, labels = ax.get_legend_handles_labels()
    extra = status_handles([s for s in rows["status"].unique() if s != "official"])
    ax.legend(handles + extra, labels + [h.get_label() for h in extra], title=None,
              frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    finish_chart(
        fig,
        ax,
        title,
        "Seizures (tons)",
        describe_sources(rows),
        describe_status(rows, period_column="year"),
        statuses=statuses(rows),
    )
    return fig


def format_group_totals(groups: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    """The group totals with the labels a reader sees (drug group names, quarters in months)."""
    labels = drug_labels()
    quarters = compared_quarters(quarter)
    return groups.assign(
        drug_group=groups["drug_group"].map(lambda g: labels.get(g, g).capitalize())
    ).rename(
        columns={
            "drug_group": "Drug group",
            **{name: f"{shown.months} (t)" for name, shown in quarters.items()},
            "change_vs_previous_pct": "Change on previous quarter (%)",
            "change_vs_year_before_pct": "Change on a year before (%)",
        }
    )


def key_figures(rows: pd.DataFrame, quarter: Quarter) -> list[dict]:
    """The quarter's key figures for ``figures.json`` (none for a quarter without data)."""
    if rows.empty:
        return []
    status = "+".join(sorted(rows["status"].unique()))
    period = quarter.label
    return [
        {
            "name": "seizures_quarter_cannabis_herb_resin_t",
            "value": round(tons_of(rows, CANNABIS_HERB_AND_RESIN), 3),
            "unit": "t",
            "period": period,
            "status": status,
        },
        {
            "name": "seizures_quarter_heroin_opium_t",
            "value": round(tons_of(rows, HEROIN_AND_OPIUM), 3),
            "unit": "t",
            "period": period,
            "status": status,
        },
        {
            "name": "seizures_quarter_all_drugs_t",
            "value": round(float(rows["kg"].sum()) / KG_PER_TON, 3),
            "unit": "t",
            "period": period,
            "status": status,
        },
        {
            "name": "seizures_quarter_countries_reporting",
            "value": int(rows["country"].nunique()),
            "unit": "countries",
            "period": period,
            "status": status,
        },
    ]
