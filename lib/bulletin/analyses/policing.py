"""Analysis 10: women in policing in Kyrgyzstan.

Women among certified police officers and ethnic-minority women among them (``indicators.csv``:
the bulletin's figures for 2016, citing the Ministry of Interior), and the training of female
police officers the issues report (``activities.csv``: its rounds, places and numbers).

The bulletin: "in 2016, 5.9 per cent of all certified police officers were women, 4.3 per cent of
whom belonged to an ethnic minority". "Of whom" refers to the women: 4.3 per cent of the women,
so minority women were 5.9% x 4.3% = about 0.25% of all certified officers (computed here, never
stored).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from bulletin.analyses.activities import activities_up_to_issue, split_list
from bulletin.analyses.activity_participants import participants_words
from bulletin.analyses.indicators import (
    FEMALE,
    MINORITY_AMONG_WOMEN_SHARE,
    WOMEN_SHARE,
    kyrgyz_rows,
)
from bulletin.core.periods import STATEMENTS_ISSUE, Quarter
from bulletin.core.sentences import describe_partial_date
from bulletin.core.wording import (
    describe_percent,
    describe_stated_count,
    join_words,
    number_in_words,
)
from bulletin.data.trust import (
    claim_record,
    describe_sources,
    describe_status,
    least_trusted,
    statuses,
)

# Plotting is imported by the functions that draw (see bulletin.analyses).
if TYPE_CHECKING:
    from matplotlib.figure import Figure

FEMALE_OFFICER_SERIES = "kgz-female-police-training-2017"
"""The ``series`` of activities.csv that the training of female police officers' rounds share."""

C17_YEAR = 2016
C17_STATEMENT = (
    "in 2016, 5.9 per cent of all certified police officers were women, 4.3 per cent of whom "
    "belonged to an ethnic minority"
)
C18_STATEMENT = (
    "200 female police officers from police departments in all regions of Kyrgyzstan received "
    "training (a first round in Osh in March 2017, a second in Issyk-Kul on 25-28 April 2017)"
)
C18_ISSUE = STATEMENTS_ISSUE


def policing_rows(indicators: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """Kyrgyzstan's rows on women among certified police officers, up to ``last_year``."""
    rows = kyrgyz_rows(indicators, (WOMEN_SHARE, MINORITY_AMONG_WOMEN_SHARE), last_year)
    return rows.sort_values(["year", "indicator"]).reset_index(drop=True)


def composition(rows: pd.DataFrame) -> pd.DataFrame:
    """Certified officers by group, in per cent of all officers, for each year with both shares.

    Columns ``year``, ``women_pct``, ``men_pct``, ``minority_among_women_pct``,
    ``minority_women_pct`` (of all officers), ``status``. Men and minority women are computed from
    the two stored shares.
    """
    women = rows.loc[(rows["indicator"] == WOMEN_SHARE) & (rows["disaggregation"] == FEMALE)]
    minority = rows.loc[rows["indicator"] == MINORITY_AMONG_WOMEN_SHARE]
    table = women[["year", "value", "status"]].merge(
        minority[["year", "value", "status"]],
        on="year",
        how="left",
        suffixes=("_women", "_minority"),
    )
    result = pd.DataFrame(
        {
            "year": table["year"],
            "women_pct": table["value_women"],
            "men_pct": 100 - table["value_women"],
            "minority_among_women_pct": table["value_minority"],
            "minority_women_pct": table["value_women"] * table["value_minority"] / 100,
            "status": [
                "+".join(sorted({a, b} - {None})) if isinstance(b, str) else a
                for a, b in zip(table["status_women"], table["status_minority"], strict=True)
            ],
        }
    )
    return result.reset_index(drop=True)


def format_composition(table: pd.DataFrame) -> pd.DataFrame:
    """The composition as readers see it."""
    return table.rename(
        columns={
            "year": "Year",
            "women_pct": "Women (% of certified officers)",
            "men_pct": "Men (% of certified officers, computed)",
            "minority_among_women_pct": "Ethnic minority (% of the women)",
            "minority_women_pct": "Ethnic-minority women (% of all officers, computed)",
            "status": "Data status",
        }
    )


def composition_sentence(table: pd.DataFrame) -> str:
    """The latest year's composition in words."""
    latest = table.loc[table["year"] == table["year"].max()].iloc[0]
    sentence = (
        f"In {int(latest['year'])}, {describe_percent(latest['women_pct'], decimals=1)} of certified police "
        f"officers in Kyrgyzstan were women"
    )
    if pd.notna(latest["minority_among_women_pct"]):
        sentence += (
            f", and {describe_percent(latest['minority_among_women_pct'], decimals=1)} of these women "
            f"belonged to an ethnic minority: {describe_percent(latest['minority_women_pct'], decimals=2)} "
            "of all certified officers"
        )
    if least_trusted(str(latest["status"])) == "stated":
        sentence += " (the bulletin's own figures: no official series is published)"
    return sentence + "."


def training_rounds(activities: pd.DataFrame, issue: Quarter) -> pd.DataFrame:
    """The rounds of the training of female police officers reported up to ``issue``, in date order."""
    rows = activities_up_to_issue(activities, issue)
    return rows.loc[rows["series"] == FEMALE_OFFICER_SERIES].reset_index(drop=True)


def trained_officers(rounds: pd.DataFrame) -> tuple[int | None, str | None]:
    """The number of officers trained across the rounds, and its qualifier (None, None if not given)."""
    scoped = rounds.loc[rounds["participants_scope"].eq("series").fillna(False)]
    if scoped.empty:
        own = rounds["participants_on_site"].dropna()
        return (int(own.sum()), None) if not own.empty else (None, None)
    line = scoped.iloc[0]
    qualifier = line["participants_on_site_qualifier"]
    return int(line["participants_on_site"]), (None if pd.isna(qualifier) else str(qualifier))


def format_training_rounds(rounds: pd.DataFrame) -> pd.DataFrame:
    """The rounds as readers see them (titles are data: shown as text)."""
    series_figure = {}
    trained, qualifier = trained_officers(rounds)
    if trained is not None:
        series_figure[FEMALE_OFFICER_SERIES] = describe_stated_count(trained, qualifier)
    return pd.DataFrame(
        {
            "Round": range(1, len(rounds) + 1),
            "Dates": [
                describe_partial_date(s, e)
                for s, e in zip(rounds["start_date"], rounds["end_date"], strict=True)
            ],
            "Place": [
                ", ".join(p for p in (c, "Kyrgyzstan" if k == "KGZ" else k) if isinstance(p, str))
                for c, k in zip(rounds["city"], rounds["country"], strict=True)
            ],
            "Training": rounds["title"],
            "Female officers trained": [
                participants_words(r, series_figure) for r in rounds.itertuples()
            ],
            "Donors": [", ".join(split_list(d)) or "not given" for d in rounds["donors"]],
        }
    )


def training_sentence(rounds: pd.DataFrame) -> str:
    """The training in words: how many officers, in how many rounds, where and when."""
    if rounds.empty:
        return "No training of female police officers is reported in the issues up to this one."
    trained, qualifier = trained_officers(rounds)
    places = [
        f"{city} ({describe_partial_date(start, end)})"
        for city, start, end in zip(
            rounds["city"], rounds["start_date"], rounds["end_date"], strict=True
        )
    ]
    issues = sorted({str(issue) for issue in rounds["issue"].dropna()})
    reported_by = f"the {join_words(issues)} issue{'s' if len(issues) > 1 else ''}"
    who = (
        f"{describe_stated_count(trained, qualifier)} female police officers"
        if trained is not None
        else f"Female police officers ({reported_by} give{'' if len(issues) > 1 else 's'} no "
        "number)"
    )
    per_round = (
        f"; {reported_by} {'do' if len(issues) > 1 else 'does'} not give each round's number"
        if len(rounds) > 1 and rounds["participants_scope"].eq("series").fillna(False).any()
        else ""
    )
    rounds_words = f"{number_in_words(len(rounds))} round{'s' if len(rounds) != 1 else ''}"
    sentence = f"{who} from all regions of Kyrgyzstan were trained in {rounds_words}: {join_words(places)}{per_round}."
    return sentence[0].upper() + sentence[1:]


def check_claim_c17(indicators: pd.DataFrame) -> dict:
    """C17: in 2016, 5.9% of certified police officers were women, 4.3% of whom from a minority.

    The basis comes from the two rows' statuses: the bulletin's own figures (citing the Ministry
    of Interior) are all there is, unless a published series is imported.
    """
    rows = policing_rows(indicators, C17_YEAR)
    used = rows[rows["year"] == C17_YEAR]
    table = composition(rows)
    line = table.loc[table["year"] == C17_YEAR]
    if line.empty:
        return claim_record(
            "C17", C17_STATEMENT, {}, None, "", used,
            not_testable="indicators.csv has no 2016 share of women among certified police "
            "officers",
        )
    line = line.iloc[0]
    holds = (
        abs(line["women_pct"] - 5.9) < 0.05 and abs(line["minority_among_women_pct"] - 4.3) < 0.05
    )
    findings = (
        f"{describe_percent(line['women_pct'], decimals=1)} women and "
        f"{describe_percent(line['minority_among_women_pct'], decimals=1)} of them from an ethnic "
        f"minority, so ethnic-minority women were "
        f"{describe_percent(line['minority_women_pct'], decimals=2)} of all certified officers; "
        + ("as the statement says." if holds else "the statement does not hold.")
    )
    values = {
        "women_pct": float(line["women_pct"]),
        "minority_among_women_pct": float(line["minority_among_women_pct"]),
        "minority_women_of_all_pct": round(float(line["minority_women_pct"]), 4),
        "status": line["status"],
    }
    return claim_record("C17", C17_STATEMENT, values, bool(holds), findings, used)


def check_claim_c18(activities: pd.DataFrame) -> dict:
    """C18: 200 female police officers trained, in Osh (March 2017) and Issyk-Kul (25-28 April 2017)."""
    rounds = training_rounds(activities, C18_ISSUE)
    trained, qualifier = trained_officers(rounds)
    cities = list(rounds["city"])
    dates = [
        describe_partial_date(s, e)
        for s, e in zip(rounds["start_date"], rounds["end_date"], strict=True)
    ]
    values = {"officers_trained": trained, "rounds": len(rounds), "places": cities, "dates": dates}
    if rounds.empty:
        return claim_record(
            "C18", C18_STATEMENT, values, None, "", rounds,
            not_testable="activities.csv has no round of the training of female police officers",
        )
    holds = (
        trained == 200
        and qualifier is None
        and cities == ["Osh", "Issyk-Kul"]
        and dates == ["March 2017", "25-28 April 2017"]
    )
    findings = (
        f"{describe_stated_count(trained or 0, qualifier)} officers across "
        f"{number_in_words(len(rounds))} rounds "
        f"({'; '.join(f'{c}, {d}' for c, d in zip(cities, dates, strict=True))}); "
        + (
            f"as the {C18_ISSUE.label} issue states. It gives the 200 for the rounds together, not each round's "
            "number, and says 'during the past month' of rounds that span March to late April."
            if holds
            else "the statement does not hold on the table."
        )
    )
    return claim_record("C18", C18_STATEMENT, values, holds, findings, rounds)


def plot_composition(table: pd.DataFrame, rows: pd.DataFrame, *, title: str) -> Figure:
    """Certified police officers by group, in per cent of all officers (the latest year).

    Args:
        table: the composition by year (:func:`composition`).
        rows: the rows behind it.
        title: the chart's title, stated by the notebook (also its caption and alt text's);
            ``{year}`` in it is the year shown.
    """
    from bulletin.publish.charts import finish_chart, mark_stated, new_chart, status_handles

    latest = table.loc[table["year"] == table["year"].max()].iloc[0]
    groups = {
        "Men (computed)": latest["men_pct"],
        "Women": latest["women_pct"],
        "Ethnic-minority women (computed)": latest["minority_women_pct"],
    }
    fig, ax = new_chart(8, 4)
    labels, values = list(groups)[::-1], list(groups.values())[::-1]
    bars = ax.barh(labels, values)
    for bar, value in zip(bars, values, strict=True):
        text = f"{value:.2f}".rstrip("0").rstrip(".") + "%"
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f"  {text}", va="center")
    ax.set_xlim(0, 110)
    if least_trusted(str(latest["status"])) == "stated":
        mark_stated(ax, values, labels)
        ax.legend(handles=status_handles(["stated"], "#5b3a8c"), frameon=False, fontsize=9,
                  loc="lower right")
    finish_chart(
        fig,
        ax,
        title.format(year=int(latest["year"])),
        "",
        describe_sources(rows),
        describe_status(rows)
        + " Men (100% less the women's share) and ethnic-minority women (their share among the"
        " women times the women's share) are computed from the two published shares.",
        statuses=statuses(rows),
    )
    ax.set_xlabel("Per cent of all certified police officers (%)")
    return fig


def key_figures(table: pd.DataFrame, rounds: pd.DataFrame) -> list[dict]:
    """The page's key figures for ``figures.json``."""
    figures = []
    if not table.empty:
        latest = table.loc[table["year"] == table["year"].max()].iloc[0]
        year, status = str(int(latest["year"])), latest["status"]
        figures += [
            {
                "name": "policing_women_share_pct",
                "value": float(latest["women_pct"]),
                "unit": "% of certified police officers",
                "period": year,
                "status": status,
            },
            {
                "name": "policing_minority_among_women_pct",
                "value": float(latest["minority_among_women_pct"]),
                "unit": "% of women certified police officers",
                "period": year,
                "status": status,
            },
            {
                "name": "policing_minority_women_share_pct",
                "value": round(float(latest["minority_women_pct"]), 4),
                "unit": "% of certified police officers",
                "period": year,
                "status": status,
            },
        ]
    trained, qualifier = trained_officers(rounds)
    if trained is not None:
        period = f"{rounds['start_date'].dropna().min()}/{rounds['end_date'].dropna().max()}"
        status = "+".join(sorted(rounds["status"].unique()))
        figures += [
            {
                "name": "policing_female_officers_trained",
                "value": trained,
                "unit": "officers" if qualifier is None else f"officers ({qualifier}: a floor)",
                "period": period,
                "status": status,
            },
            {
                "name": "policing_training_rounds",
                "value": len(rounds),
                "unit": "rounds",
                "period": period,
                "status": status,
            },
        ]
    return figures


def no_data_message(last_year: int) -> str:
    """What the page says when indicators.csv has no share of women among police officers."""
    return (
        f"indicators.csv has no share of women among certified police officers in Kyrgyzstan up "
        f"to {last_year}: no chart or table can be shown."
    )
