"""Analysis 9: gender-based violence in Kyrgyzstan.

Analysis 9: gender-based violence in Kyrgyzstan ("Victims of gender-based violence may be more
comfortable talking to female officers").

The Kyrgyz series of ``indicators.csv``, over time: people who turned to crisis centres, cases of
gender-based violence the police registered, victims of domestic violence by sex, and women who
applied to health authorities for domestic violence; the growth between the years the bulletin
compares, and the gap between people seeking help and cases the police register.

Where the rows come from (data/README.md): the victims of domestic violence and the women who
applied to health authorities are the National Statistical Committee's workbooks, imported; the
crisis-centre and police figures are the bulletin's own (it cites the NSC), official, with a loose
figure's word ("over 3,500") carried in the disaggregation (:func:`split_qualifier`); the
crisis-centre figure for 2010 is reconstructed from the bulletin's "26 per cent increase"
(``bulletin.reconstruct.indicators_gbv``). Years between the figures are never filled in.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from bulletin.analyses.indicators import (
    CRISIS_CENTRE_CLIENTS,
    FEMALE,
    MALE,
    POLICE_GBV_CASES,
    kyrgyz_rows,
    split_qualifier,
)
from bulletin.analyses.series import TOTAL, joined_values
from bulletin.core.numbers import round_half_up
from bulletin.core.periods import Quarter
from bulletin.core.wording import (
    describe_percent,
    describe_stated_change,
    describe_stated_count,
)
from bulletin.data.trust import is_reconstructed, least_trusted

# The NSC's series, imported from its SDG 5.2.1 workbooks by ``bulletin import``: the indicator
# is the workbook's own code (the file published as 5.2.1.3 is titled 5.2.1.1b).
DV_VICTIMS = "SDG 5.2.1.1b"
DV_WOMEN_HEALTH = "SDG 5.2.1.1a"
HEALTH_CHANNELS = (
    "item=in forensic departments",
    "item=to feldsher-midwife points",
    "item=in healthcare organization, providing medical and preventive care for FMC",
    "item=in the station (department, hospital) ambulance",
)
"""The places women applied to for domestic violence, as the NSC lists them (5.2.1.1a). The NSC
gives no total; the page adds the four up (a woman who went to two of them counts twice). The
workbook's other row, women treated in hospital, is another measure and is left out."""
SERIES_LABELS = {
    CRISIS_CENTRE_CLIENTS: "People who turned to crisis centres",
    POLICE_GBV_CASES: "GBV cases registered by the police",
    DV_VICTIMS: "Victims of domestic violence (NSC)",
    DV_WOMEN_HEALTH: "Women who applied to health authorities (NSC)",
}
GBV_INDICATORS = tuple(SERIES_LABELS)
# The years the bulletin compares (C15, C16).
C15_YEARS = (2010, 2015)
C16_YEARS = (2010, 2014)


def last_data_year(issue: Quarter) -> int:
    """The last year of annual figures an issue can report: the year before its own.

    The April-June 2017 issue quotes figures for 2016 at the latest; a page for an issue shows
    nothing a reader of that issue could not have had.

    >>> last_data_year(Quarter(2017, 2))
    2016
    """
    return issue.year - 1


def gbv_rows(indicators: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """Kyrgyzstan's GBV rows up to ``last_year``, with loose figures' words in ``qualifier``."""
    rows = split_qualifier(kyrgyz_rows(indicators, GBV_INDICATORS, last_year))
    return rows.sort_values(["indicator", "disaggregation", "year"]).reset_index(drop=True)


def series_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """One line per series and year: its total, with qualifier and status.

    Women who applied to health authorities have no total in the NSC's workbook: theirs is the
    sum of the four places they applied to (``HEALTH_CHANNELS``), for the years all four have a
    figure; a year with one missing has none (a partial sum would look like a fall).
    """
    totals = rows.loc[(rows["disaggregation"] == TOTAL) & (rows["indicator"] != DV_WOMEN_HEALTH)]
    health = rows.loc[
        (rows["indicator"] == DV_WOMEN_HEALTH) & rows["disaggregation"].isin(HEALTH_CHANNELS)
    ]
    if not health.empty:
        summed = (
            health.groupby("year")
            .agg(
                value=("value", "sum"),
                channels=("disaggregation", "nunique"),
                status=("status", joined_values),
                source=("source", "first"),
            )
            .reset_index()
        )
        summed = summed.loc[summed["channels"] == len(HEALTH_CHANNELS)].drop(columns="channels")
        summed = summed.assign(indicator=DV_WOMEN_HEALTH, qualifier=None, unit="persons")
        totals = pd.concat([totals, summed], ignore_index=True)
    columns = ["indicator", "year", "value", "qualifier", "unit", "status", "source"]
    return totals[columns].sort_values(["indicator", "year"]).reset_index(drop=True)


def _cell(value: float, qualifier: object, status: str) -> str:
    words = describe_stated_count(value, None if pd.isna(qualifier) else qualifier)
    kind = least_trusted(status)
    if is_reconstructed(kind):
        return f"{words} (reconstructed)"
    return f"{words} (stated)" if kind == "stated" else words


def series_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The series by year as readers see them, figures in words.

    The series by year as readers see them: figures in words, loose ones with their word,
    reconstructed ones marked; a year a series has no figure for shows "–".
    """
    totals = series_totals(rows)
    if totals.empty:
        return pd.DataFrame(columns=["Year"])
    totals = totals.assign(
        cell=[
            _cell(v, q, s)
            for v, q, s in zip(totals["value"], totals["qualifier"], totals["status"], strict=True)
        ],
        label=totals["indicator"].map(SERIES_LABELS),
    )
    table = totals.pivot(index="year", columns="label", values="cell")
    order = [SERIES_LABELS[i] for i in GBV_INDICATORS if SERIES_LABELS[i] in table.columns]
    table = table[order].fillna("–").reset_index().rename(columns={"year": "Year"})
    table.columns.name = None
    return table


def _point(totals: pd.DataFrame, indicator: str, year: int) -> pd.Series | None:
    line = totals.loc[(totals["indicator"] == indicator) & (totals["year"] == year)]
    return None if line.empty else line.iloc[0]


def growth(rows: pd.DataFrame, indicator: str, start: int, end: int) -> dict | None:
    """The change of one series between two years, qualifiers carried.

    Returns None when either year has no figure. ``percent`` is computed from the figures as
    stated; ``words`` says it with the bound a loose figure puts on it ("an increase of over 94
    per cent").
    """
    totals = series_totals(rows)
    old, new = _point(totals, indicator, start), _point(totals, indicator, end)
    if old is None or new is None:
        return None
    old_q = None if pd.isna(old["qualifier"]) else old["qualifier"]
    new_q = None if pd.isna(new["qualifier"]) else new["qualifier"]
    return {
        "indicator": indicator,
        "from_year": start,
        "to_year": end,
        "old": float(old["value"]),
        "old_qualifier": old_q,
        "new": float(new["value"]),
        "new_qualifier": new_q,
        "percent": (new["value"] - old["value"]) / old["value"] * 100,
        "words": describe_stated_change(new["value"], old["value"], new_q, old_q),
        "status": joined_values(pd.Series([old["status"], new["status"]])),
    }


def growth_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The change of every series between the years the bulletin compares.

    The change of every series between the years the bulletin compares (2010-2015 for crisis
    centres, 2010-2014 for police cases), and of the NSC series over the same spans.
    """
    lines = []
    for start, end in (C16_YEARS, C15_YEARS):
        for indicator in GBV_INDICATORS:
            change = growth(rows, indicator, start, end)
            if change is None:
                continue
            lines.append(
                {
                    "Series": SERIES_LABELS[indicator],
                    "Years": f"{start}-{end}",
                    "From": describe_stated_count(change["old"], change["old_qualifier"]),
                    "To": describe_stated_count(change["new"], change["new_qualifier"]),
                    "Change": change["words"],
                    "Data status": change["status"],
                }
            )
    return pd.DataFrame(lines, columns=["Series", "Years", "From", "To", "Change", "Data status"])


def victims_by_sex(rows: pd.DataFrame) -> pd.DataFrame:
    """Victims of domestic violence by year: women, men, total, and women's share (computed)."""
    victims = rows.loc[rows["indicator"] == DV_VICTIMS]
    if victims.empty:
        return pd.DataFrame(
            columns=["year", "female", "male", "total", "female_share_pct", "status"]
        )
    wide = victims.pivot_table(
        index="year", columns="disaggregation", values="value", aggfunc="sum"
    )
    wide = wide.reindex(columns=[FEMALE, MALE, TOTAL])
    wide["female_share_pct"] = wide[FEMALE] / wide[TOTAL] * 100
    wide["status"] = victims.groupby("year")["status"].agg(joined_values)
    wide.columns.name = None
    return wide.reset_index()


def format_victims_by_sex(table: pd.DataFrame) -> pd.DataFrame:
    """Victims by sex as readers see them (counts whole, women's share to one decimal)."""
    counts = {column: table[column].round().astype("Int64") for column in (FEMALE, MALE, TOTAL)}
    return table.assign(**counts).rename(
        columns={
            "year": "Year",
            FEMALE: "Women",
            MALE: "Men",
            TOTAL: "Total",
            "female_share_pct": "Women (% of victims)",
            "status": "Data status",
        }
    )


def help_seeking_gap(rows: pd.DataFrame) -> pd.DataFrame:
    """People who sought help against cases registered, in the years both are known.

    For each year with a crisis-centre figure: the police-registered GBV cases and the NSC's
    victims of domestic violence that year (when there are any), how many people turned to
    crisis centres for each of them, and the women who applied to health authorities (another
    place people seek help). A ratio keeps the word of a loose figure under it (see
    :func:`ratio_words`); the table and sentence say when the crisis-centre figure is
    reconstructed.
    """
    totals = series_totals(rows)
    lines = []
    for year in sorted(totals.loc[totals["indicator"] == CRISIS_CENTRE_CLIENTS, "year"]):
        sought = _point(totals, CRISIS_CENTRE_CLIENTS, year)
        line = {
            "year": int(year),
            "sought_help": float(sought["value"]),
            "sought_help_status": sought["status"],
        }
        for key, indicator in (("police_cases", POLICE_GBV_CASES), ("dv_victims", DV_VICTIMS)):
            point = _point(totals, indicator, year)
            line[key] = None if point is None else float(point["value"])
            line[f"{key}_qualifier"] = (
                None if point is None or pd.isna(point["qualifier"]) else point["qualifier"]
            )
            line[f"per_{key}"] = None if point is None else sought["value"] / point["value"]
        health = _point(totals, DV_WOMEN_HEALTH, year)
        line["health_applied"] = None if health is None else float(health["value"])
        lines.append(line)
    return pd.DataFrame(lines)


def _words(gap: pd.DataFrame, column: str, series: str, words: Callable) -> list[str]:
    """A column of the gap table in words, each value with the qualifier of its series."""
    return [words(v, q) for v, q in zip(gap[column], gap[f"{series}_qualifier"], strict=True)]


def format_help_seeking_gap(gap: pd.DataFrame) -> pd.DataFrame:
    """The gap table as readers see it."""
    if gap.empty:
        return gap

    def count(value: object, qualifier: object = None) -> str:
        if value is None or pd.isna(value):
            return "–"
        return describe_stated_count(
            value, None if qualifier is None or pd.isna(qualifier) else qualifier
        )

    return pd.DataFrame(
        {
            "Year": gap["year"],
            "Turned to crisis centres": [
                count(v) + (" (reconstructed)" if is_reconstructed(str(s)) else "")
                for v, s in zip(gap["sought_help"], gap["sought_help_status"], strict=True)
            ],
            "GBV cases registered by the police": _words(gap, "police_cases", "police_cases", count),
            "Victims of domestic violence (NSC)": _words(gap, "dv_victims", "dv_victims", count),
            "Women who applied to health authorities (NSC)": [
                count(v) for v in gap["health_applied"]
            ],
            "People at crisis centres per police-registered case": _words(
                gap, "per_police_cases", "police_cases", ratio_words
            ),
            "People at crisis centres per NSC victim": _words(
                gap, "per_dv_victims", "dv_victims", ratio_words
            ),
        }
    )


def ratio_words(ratio: object, denominator_qualifier: object = None) -> str:
    """A ratio to one decimal, with the bound a loose denominator puts on it ("–" if none).

    >>> ratio_words(4.13), ratio_words(4.13, "over"), ratio_words(None)
    ('4.1', 'under 4.1', '–')
    """
    if ratio is None or pd.isna(ratio):
        return "–"
    shown = f"{round_half_up(float(ratio), 1):.1f}"
    if denominator_qualifier in ("over", "more than"):
        return f"under {shown}"
    if denominator_qualifier == "almost":
        return f"over {shown}"
    if denominator_qualifier == "about":
        return f"about {shown}"
    return shown


def gap_sentence(gap: pd.DataFrame) -> str:
    """What the gap table says, in words from its figures, year by year."""
    said = []
    for line in gap.itertuples():
        against = []
        for key, what in (
            ("police_cases", "GBV case the police registered"),
            ("dv_victims", "victim of domestic violence in the NSC's statistics"),
        ):
            ratio = getattr(line, f"per_{key}")
            if ratio is not None and not pd.isna(ratio):
                words = ratio_words(ratio, getattr(line, f"{key}_qualifier"))
                against.append(f"{words} for every {what}")
        if not against:
            continue
        note = (
            " (the crisis-centre figure is reconstructed)"
            if is_reconstructed(str(line.sought_help_status))
            else ""
        )
        said.append(
            f"in {line.year}, {describe_stated_count(line.sought_help)} people turned to crisis "
            f"centres, {' and '.join(against)}{note}"
        )
    if not said:
        return (
            "No year has both a crisis-centre figure and a figure of registered cases or victims: "
            "the gap cannot be measured."
        )
    sentence = "; ".join(said) + "."
    return sentence[0].upper() + sentence[1:]


def series_rows(rows: pd.DataFrame, indicator: str, years: tuple[int, ...]) -> pd.DataFrame:
    """The total rows of one series in some years (the rows a claim's check uses)."""
    chosen = rows[(rows["indicator"] == indicator) & rows["year"].isin(years)]
    if indicator != DV_WOMEN_HEALTH:
        chosen = chosen[chosen["disaggregation"] == TOTAL]
    return chosen


def key_figures(rows: pd.DataFrame, last_year: int) -> list[dict]:
    """The page's key figures for ``figures.json``."""
    figures = []
    crisis = growth(rows, CRISIS_CENTRE_CLIENTS, *C15_YEARS)
    if crisis is not None:
        figures.append(
            ("gbv_crisis_centre_clients_2015", crisis["new"], "persons", "2015",
             _status_of(rows, CRISIS_CENTRE_CLIENTS, C15_YEARS[1]))
        )
        figures.append(
            (
                "gbv_crisis_centre_clients_change_2010_2015_pct",
                round(crisis["percent"], 1),
                "%",
                "2010-2015",
                crisis["status"],
            )
        )
    police = growth(rows, POLICE_GBV_CASES, *C16_YEARS)
    if police is not None:
        figures.append(
            (
                "gbv_police_cases_2014",
                police["new"],
                f"cases ({police['new_qualifier']}: a floor)"
                if police["new_qualifier"]
                else "cases",
                "2014",
                _status_of(rows, POLICE_GBV_CASES, C16_YEARS[1]),
            )
        )
        figures.append(
            (
                "gbv_police_cases_change_2010_2014_pct",
                round(police["percent"], 1),
                f"% ({police['new_qualifier']}: a floor)" if police["new_qualifier"] else "%",
                "2010-2014",
                police["status"],
            )
        )
    victims = victims_by_sex(rows)
    if not victims.empty:
        latest = victims.loc[victims["year"] == victims["year"].max()].iloc[0]
        year = str(int(latest["year"]))
        figures.append(
            ("gbv_dv_victims_total", int(latest[TOTAL]), "persons", year, latest["status"])
        )
        figures.append(
            ("gbv_dv_victims_women", int(latest[FEMALE]), "persons", year, latest["status"])
        )
        figures.append(
            (
                "gbv_dv_victims_women_share_pct",
                round(float(latest["female_share_pct"]), 1),
                "%",
                year,
                latest["status"],
            )
        )
    return [
        {"name": n, "value": v, "unit": u, "period": p, "status": s} for n, v, u, p, s in figures
    ]


def _status_of(rows: pd.DataFrame, indicator: str, year: int) -> str:
    """The status of one series' figure of one year (joined, "" without one)."""
    return joined_values(series_rows(rows, indicator, (year,))["status"])


def victims_sentence(table: pd.DataFrame) -> str:
    """Victims of domestic violence in the latest year, by sex, in words.

    Victims of domestic violence in the latest year, by sex, against the year before and the
    first year, in words.
    """
    if table.empty:
        return "indicators.csv has no victims of domestic violence by sex for Kyrgyzstan."
    table = table.sort_values("year")
    latest, first = table.iloc[-1], table.iloc[0]
    sentence = (
        f"In {int(latest['year'])}, {describe_stated_count(latest[TOTAL])} people were recorded as "
        f"victims of domestic violence in Kyrgyzstan, {describe_stated_count(latest[FEMALE])} of "
        f"them women ({describe_percent(latest['female_share_pct'])})"
    )
    if len(table) > 1:
        before = table.iloc[-2]
        sentence += (
            f", against {describe_stated_count(before[TOTAL])} in {int(before['year'])} "
            f"({describe_stated_change(latest[TOTAL], before[TOTAL])})"
        )
    if len(table) > 2:
        sentence += f" and {describe_stated_count(first[TOTAL])} in {int(first['year'])}"
    return sentence + "."


def no_data_message(last_year: int) -> str:
    """What the page says when indicators.csv has none of the Kyrgyz GBV series."""
    return (
        f"indicators.csv has no gender-based violence series for Kyrgyzstan up to {last_year}: "
        "no chart or table can be shown."
    )
