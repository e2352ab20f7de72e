"""Analysis 4: heroin and the Northern route.

Analysis 4: heroin and the Northern route ("Heroin seizures in Central Asia and Russian
federation").

Heroin seized by the five Central Asian countries together against the Russian Federation over
the last seven years of an issue, the ratio between them, and what it says about the Northern
route, the way the bulletin reads it: if Central Asia remains a main route of the heroin smuggled
into the Russian Federation, more heroin seized at the end of the route than along it points to a
flow that has not dried up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bulletin.analyses import annual
from bulletin.core.numbers import KG_PER_TON
from bulletin.core.periods import Quarter
from bulletin.core.sentences import describe_coverage, describe_higher_years
from bulletin.core.wording import describe_change, describe_times, describe_years
from bulletin.data.trust import claim_record, repeated_reconstructed
from bulletin.data.vocab import CENTRAL_ASIA, REGION_NAME, country_name

# Plotting is imported by the functions that draw (see bulletin.analyses).
if TYPE_CHECKING:
    from matplotlib.figure import Figure

HEROIN = ("heroin",)
RUSSIA = "RUS"
COUNTRIES = (*CENTRAL_ASIA, RUSSIA)
WINDOW = 7  # "in the last seven years"
C6_STATEMENT = (
    "Quantity of heroin seizures in the Russian Federation in the last seven years is higher than "
    "the regional seizures made in the Central Asian countries at the same period"
)
C6_YEARS = (2010, 2016)
FIVE_TOGETHER = "the five Central Asian countries together"


def years_shown(issue: Quarter, years: int = WINDOW, last_year: int = 0) -> tuple[int, int]:
    """The years an issue compares: the last ``years`` to its last year of annual figures.

    >>> years_shown(Quarter(2017, 2))
    (2010, 2016)

    Raises:
        ValueError: for fewer than one year.
    """
    if years < 1:
        raise ValueError(f"expected one year or more to compare, got {years}")
    last = annual.last_data_year(issue, last_year)
    return last - years + 1, last


def comparison(seizures: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Heroin seized by the five together and by the Russian Federation, per year, in tons.

    Returns:
        ``year, central_asia_t, countries, of, russia_t, ratio, russia_higher, missing,
        central_asia_status, russia_status``: ``ratio`` is the Russian tons over Central Asia's,
        ``russia_higher`` is missing (not False) for a year without both figures, ``missing``
        names the Central Asian countries without a heroin figure.
    """
    shown = annual.Selection(HEROIN, first_year, last_year)
    region = annual.regional_totals(seizures, shown).set_index("year")
    russia = annual.regional_totals(seizures, shown.of((RUSSIA,))).set_index("year")
    frame = pd.DataFrame(
        {
            "central_asia_t": region["kg"] / KG_PER_TON,
            "countries": region["countries"],
            "of": region["of"],
            "russia_t": russia["kg"] / KG_PER_TON,
        }
    )
    frame["ratio"] = frame["russia_t"] / frame["central_asia_t"].where(frame["central_asia_t"] > 0)
    both = frame["russia_t"].notna() & frame["central_asia_t"].notna()
    frame["russia_higher"] = (frame["russia_t"] > frame["central_asia_t"]).astype("boolean")
    frame.loc[~both, "russia_higher"] = pd.NA
    coverage = annual.coverage_by_year(seizures, shown)
    frame["missing"] = coverage.set_index("year")["missing"]
    frame["central_asia_status"] = region["status"]
    frame["russia_status"] = russia["status"]
    return frame.reset_index()


def last_seven_years(seizures: pd.DataFrame, last_year: int, years: int = WINDOW) -> pd.DataFrame:
    """:func:`comparison` over the last ``years`` years to ``last_year``."""
    return comparison(seizures, last_year - years + 1, last_year)


def split_years(compared: pd.DataFrame) -> tuple[list[int], list[int], list[int]]:
    """Years the Russian Federation seized more, years it did not, years without both figures."""
    higher = compared["russia_higher"]
    years = compared["year"].astype(int)
    return (
        years[higher.fillna(False).astype(bool)].tolist(),
        years[(~higher.fillna(True)).astype(bool)].tolist(),
        years[higher.isna()].tolist(),
    )


def check_claim_c6(seizures: pd.DataFrame) -> dict:
    """C6: the Russian Federation seized more heroin than the five together in 2010-2016.

    C6: the Russian Federation seized more heroin than the five together in each of
    2010-2016; the basis from the heroin rows of both sides in those years.
    """
    first, last = C6_YEARS
    compared = comparison(seizures, first, last)
    higher, lower, missing = split_years(compared)
    rows = annual.select_rows(seizures, annual.Selection(HEROIN, first, last, COUNTRIES))
    reconstructed = sorted({int(y) for y in rows.loc[rows["status"] != "official", "year"]})
    values = {
        "years_russia_higher": higher,
        "years_russia_not_higher": lower,
        "years_without_both": missing,
        "ratio_by_year": {
            str(int(r.year)): None if pd.isna(r.ratio) else round(float(r.ratio), 3)
            for r in compared.itertuples()
        },
        "years_not_official": reconstructed,
    }
    if not higher and not lower:
        return claim_record("C6", C6_STATEMENT, values, None, "", rows,
                            not_testable=f"no year of {first}-{last} has heroin figures for both")
    if missing and not lower:
        return claim_record(
            "C6", C6_STATEMENT, values, None,
            describe_higher_years(
                "The Russian Federation", FIVE_TOGETHER, "heroin", higher, lower, missing
            ),
            rows,
            not_testable=f"no figures for both sides in {describe_years(missing)}, so not every "
            f"year of {first}-{last} can be checked",
        )
    holds = not lower and not missing
    findings = (
        describe_higher_years(
            "The Russian Federation", FIVE_TOGETHER, "heroin", higher, lower, missing
        )
        + (" Consistent with the statement." if holds else " The statement does not hold.")
    )
    if reconstructed:
        official = [y for y in higher + lower if y not in reconstructed]
        official_higher = [y for y in higher if y not in reconstructed]
        findings += (
            f" On the official years alone ({describe_years(official) if official else 'none'}),"
            f" the Russian Federation seized more in {len(official_higher)} of {len(official)}."
        )
    return claim_record("C6", C6_STATEMENT, values, holds, findings, rows)


def sentences(compared: pd.DataFrame) -> list[str]:
    """What the page says, made from the numbers.

    Which side seized more and by how much, the change over the years, the coverage, and the
    reading for the Northern route.
    """
    higher, lower, missing = split_years(compared)
    said = [
        describe_higher_years(
            "The Russian Federation", FIVE_TOGETHER, "heroin", higher, lower, missing
        )
    ]
    ratios = compared["ratio"].dropna()
    if not ratios.empty:
        said.append(
            f"On average over the years with figures, the Russian Federation seized "
            f"{describe_times(float(ratios.mean()))} heroin as {FIVE_TOGETHER}."
        )
    both = compared.dropna(subset=["central_asia_t", "russia_t"])
    if len(both) >= 2 and (both.iloc[0][["central_asia_t", "russia_t"]] > 0).all():
        first, last = both.iloc[0], both.iloc[-1]
        said.append(
            f"From {int(first['year'])} to {int(last['year'])}: "
            f"{describe_change(last['russia_t'], first['russia_t'])} in the Russian Federation, "
            f"{describe_change(last['central_asia_t'], first['central_asia_t'])} in Central Asia."
        )
    partial = compared[(compared["countries"] > 0) & (compared["countries"] < compared["of"])]
    for (covered, missing_names), years in partial.groupby(["countries", "missing"])["year"]:
        said.append(
            f"Central Asia's figures for {describe_years(years.tolist())} cover "
            f"{describe_coverage(int(covered), len(CENTRAL_ASIA))}, without {missing_names} "
            "(missing, not zero): the region's heroin is understated in those years."
        )
    said.append(northern_route_reading(higher, lower))
    return said


def northern_route_reading(higher: list[int], lower: list[int]) -> str:
    """The bulletin's reading of the comparison for the Northern route.

    The bulletin's reading of the comparison for the Northern route, as far as the figures
    carry it.
    """
    if not higher and not lower:
        return "Without figures for both sides, the comparison says nothing about the Northern route."
    if not lower:
        return (
            "Assuming that Central Asia continues to be a major route of the heroin smuggled into "
            "the Russian Federation, more heroin seized at the end of the route than along it may "
            "indicate an existing supply, and a live issue of drug trafficking along the Northern "
            "route. The figures cannot tell whether the flow itself has diminished."
        )
    return (
        f"In {describe_years(lower)} the Central Asian countries with figures seized at least as "
        "much heroin as the Russian Federation: on these figures the end of the Northern route no longer outweighs "
        "the interceptions along it every year, and they cannot tell whether the flow itself has "
        "diminished or its interception improved."
    )


def table_for_page(compared: pd.DataFrame) -> pd.DataFrame:
    """The figures behind the chart, with the labels a reader sees."""
    status = [
        "+".join(sorted({s for s in (a, b) if s} or {"no figures"}))
        for a, b in zip(compared["central_asia_status"], compared["russia_status"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Year": compared["year"],
            f"{REGION_NAME} (t)": compared["central_asia_t"],
            "Countries with figures": annual.coverage_labels(compared),
            f"{country_name(RUSSIA)} (t)": compared["russia_t"],
            f"{country_name(RUSSIA)} / {REGION_NAME}": compared["ratio"],
            "Data status": status,
        }
    )


def plot_heroin(seizures: pd.DataFrame, compared: pd.DataFrame, *, title: str) -> Figure:
    """Paired bars per year, Central Asia and the Russian Federation, with the ratio above.

    Args:
        seizures: the table ``seizures_annual``.
        compared: the years compared (:func:`comparison`).
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    import seaborn as sns
    from matplotlib.patches import Patch

    from bulletin.publish.charts import PALETTE, finish_chart, new_chart

    fig, ax = new_chart(10, 5.5)
    colours = sns.color_palette(PALETTE, 4)[2:4]
    years = compared["year"].to_numpy(dtype=float)
    width = 0.38
    sides = (
        (REGION_NAME, "central_asia_t", "central_asia_status", -width / 2, colours[0]),
        (country_name(RUSSIA), "russia_t", "russia_status", width / 2, colours[1]),
    )
    hidden_years: list[int] = []
    for label, column, status, shift, colour in sides:
        hidden = repeated_reconstructed(compared[column].tolist(), compared[status].tolist())
        hidden_years += [int(y) for y, h in zip(compared["year"], hidden, strict=True) if h]
        values = compared[column].where(~pd.Series(hidden, index=compared.index))
        bars = ax.bar(years + shift, values.fillna(0.0).to_numpy(dtype=float), width=width,
                      color=colour, label=label)
        annual.hatch_reconstructed(bars, compared[status].tolist())
    annual.mark_coverage(ax, years - width / 2, compared["central_asia_t"].tolist(),
                         compared["countries"].tolist(), annual.FIVE_COUNTRIES)
    annual.mark_coverage(ax, years + width / 2, compared["russia_t"].tolist(),
                         compared["russia_t"].notna().astype(int).tolist(), 1)
    top = np.nanmax(compared[["central_asia_t", "russia_t"]].to_numpy(dtype=float), initial=0.0)
    for row in compared.dropna(subset=["ratio"]).itertuples():
        ax.text(row.year, max(row.central_asia_t, row.russia_t) + top * 0.06,
                f"×{row.ratio:.1f}", ha="center", va="bottom", fontsize=8.5, color="#333333")
    annual.label_years(ax, compared["year"].tolist())
    ax.set_ylim(0, top * 1.35 or 1.0)
    handles = [Patch(facecolor=c, label=label) for label, _, _, _, c in sides]
    present = [s for s in (*compared["central_asia_status"], *compared["russia_status"])
               if s and s != "official"]
    ax.legend(
        handles=handles + (annual.status_legend_handles(["official", *present]) if present else []),
        title=f"×: {country_name(RUSSIA)} / {REGION_NAME}",
        title_fontsize=8.5,
        frameon=False,
        loc="upper right",
        fontsize=9,
        ncols=2,
    )
    first, last = compared["year"].min(), compared["year"].max()
    shown = annual.Selection(HEROIN, first, last, COUNTRIES)
    source, status, statuses = annual.chart_note(seizures, shown)
    if hidden_years:
        status += (
            f" Not drawn: the bars of {describe_years(hidden_years)} that repeat a neighbouring "
            "year (reconstructed, not a measure)."
        )
    finish_chart(fig, ax, title, "Heroin seized (tons)", source, status, statuses=statuses)
    return fig


def key_figures(compared: pd.DataFrame) -> list[dict]:
    """The key figures for ``figures.json``: the last year with both figures, and the window."""
    both = compared.dropna(subset=["central_asia_t", "russia_t"])
    if both.empty:
        return []
    last = both.iloc[-1]
    year = str(int(last["year"]))
    status = "+".join(sorted({last["central_asia_status"], last["russia_status"]}))
    span = describe_years(both["year"].astype(int).tolist())  # the years with both figures
    statuses = set(both["central_asia_status"]) | set(both["russia_status"])
    span_status = "+".join(sorted(statuses))
    higher, lower, _ = split_years(compared)
    figures = [
        {"name": "heroin_central_asia_t", "value": round(float(last["central_asia_t"]), 3),
         "unit": "t", "period": year, "status": status},
        {"name": "heroin_russia_t", "value": round(float(last["russia_t"]), 3), "unit": "t",
         "period": year, "status": status},
        {"name": "heroin_central_asia_countries_covered", "value": int(last["countries"]),
         "unit": "countries", "period": year, "status": status},
        {"name": "heroin_years_russia_higher", "value": len(higher), "unit": "years",
         "period": span, "status": span_status},
        {"name": "heroin_years_compared", "value": len(higher) + len(lower), "unit": "years",
         "period": span, "status": span_status},
    ]
    if not pd.isna(last["ratio"]):
        figures.append({"name": "heroin_ratio_russia_to_central_asia",
                        "value": round(float(last["ratio"]), 3), "unit": "ratio",
                        "period": year, "status": status})
    official = both[(both["central_asia_status"] == "official") & (both["russia_status"] == "official")]
    if not official.empty:
        official_higher = int(official["russia_higher"].fillna(False).astype(bool).sum())
        official_years = describe_years(official["year"].astype(int).tolist())
        figures += [
            {"name": "heroin_official_years_russia_higher", "value": official_higher,
             "unit": "years", "period": official_years,
             "status": "+".join(sorted(set(official["central_asia_status"])))},
            {"name": "heroin_official_years_compared", "value": len(official), "unit": "years",
             "period": official_years,
             "status": "+".join(sorted(set(official["central_asia_status"])))},
        ]
    not_official = both[~both.index.isin(official.index)]
    if not not_official.empty:
        figures.append({"name": "heroin_years_not_official",
                        "value": describe_years(not_official["year"].astype(int).tolist()),
                        "unit": "years", "period": span,
                        "status": "+".join(sorted(
                            {p for s in (*not_official["central_asia_status"],
                                         *not_official["russia_status"])
                             for p in str(s).split("+") if p} - {"official"}
                        ))})
    ratios = both["ratio"].dropna()
    if not ratios.empty:
        figures.append({"name": "heroin_ratio_mean", "value": round(float(ratios.mean()), 3),
                        "unit": "ratio", "period": span, "status": span_status})
    return figures
