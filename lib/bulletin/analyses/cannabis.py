"""Analysis 3: cannabis ("Cannabis seizures in Central Asia").

Cannabis-type seizures of the five countries by country and year; their share of all drugs
seized; and which countries seize the region's cannabis herb. "Cannabis-type drugs" are cannabis
herb (marijuana) and resin (hashish), the bulletin's "mainly marijuana and hashish" (cannabis oil
weighs next to nothing in the five). What counts as "all drugs" changes the share, so the page
states its definition (:data:`ALL_DRUGS_DEFINITION`) and what the other common one would give.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from bulletin.analyses import annual
from bulletin.core.numbers import KG_PER_TON
from bulletin.core.sentences import describe_coverage, describe_leaders, describe_share_change
from bulletin.core.wording import describe_percent, describe_years
from bulletin.data.trust import claim_record, is_reconstructed, repeated_reconstructed
from bulletin.data.vocab import CENTRAL_ASIA, country_name

# Plotting is imported by the functions that draw (see bulletin.analyses).
if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from bulletin.core.periods import Quarter

CANNABIS = ("cannabis_herb", "cannabis_resin")
HERB = ("cannabis_herb",)
ALL_DRUGS = (*CANNABIS, "heroin", "opium")
ALL_DRUGS_WITH_POPPY = (*ALL_DRUGS, "poppy_straw")
ALL_DRUGS_DEFINITION = (
    'Here "all drugs" means cannabis herb and resin, heroin and opium: the four drugs the '
    "bulletin names, counted the same way in every year. Cannabis and poppy plants (mostly wild "
    "growth and eradicated crops, weighed whole) and the other drugs are left out."
)
SHARE_DEFINITION = (
    "cannabis herb and resin over herb, resin, heroin and opium, the five countries together"
)
FIRST_YEAR = 2001  # C4: "from 65% to 90% in 2001-2016"
WILD_CANNABIS_COUNTRIES = ("KAZ", "KGZ")  # C5: "wild cannabis growth in Kazakhstan and Kyrgyzstan"
HERB_YEARS = 5  # which countries seize the herb: over the last five years with figures
C4_STATEMENT = (
    "The share of cannabis-type drugs in the total amount of drugs seized increased from 65% to "
    "90% in 2001-2016"
)
C4_POINTS = {2001: 65.0, 2016: 90.0}
C4_TOLERANCE = 3.0  # percentage points
C5_STATEMENT = (
    "Predomination of cannabis among all drugs is obvious because of large areas of wild cannabis "
    "growth in Kazakhstan and Kyrgyzstan"
)
C5_YEARS = (2012, 2016)


def cannabis_by_country(seizures: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Tons of cannabis herb and resin seized, by year (rows) and country (columns, ISO3).

    A country with neither figure in a year is missing that year, not zero. ``countries`` counts
    the five that have a figure, ``status`` is the year's data status.
    """
    shown = annual.Selection(CANNABIS, first_year, last_year)
    rows = annual.select_rows(seizures, shown)
    years = pd.Index(shown.years, name="year")
    table = (
        rows.pivot_table(index="year", columns="country", values="kg", aggfunc="sum")
        .reindex(index=years, columns=list(CENTRAL_ASIA))
        / KG_PER_TON
    )
    table.columns.name = None
    coverage = annual.coverage_by_year(seizures, shown)
    table = table.join(coverage.set_index("year")[["countries", "of"]])
    table["status"] = annual.status_by_year(rows, years)
    return table.reset_index()


def cannabis_share(
    seizures: pd.DataFrame, first_year: int, last_year: int, drugs: tuple[str, ...] = ALL_DRUGS
) -> pd.DataFrame:
    """Cannabis herb and resin as a share of ``drugs`` seized by the five together, per year.

    Returns:
        ``year, cannabis_t, all_drugs_t, share_pct, countries, of, status``; the share is
        missing for a year without figures.
    """
    shown = annual.Selection(drugs, first_year, last_year)
    totals = annual.regional_totals(seizures, shown)
    by_year = totals.groupby("year")
    cannabis = totals[totals["drug"].isin(CANNABIS)].groupby("year")["kg"].sum(min_count=1)
    frame = pd.DataFrame(
        {
            "cannabis_t": cannabis / KG_PER_TON,
            "all_drugs_t": by_year["kg"].sum(min_count=1) / KG_PER_TON,
        }
    )
    frame["share_pct"] = frame["cannabis_t"] / frame["all_drugs_t"] * 100
    coverage = annual.coverage_by_year(seizures, shown).set_index("year")
    frame = frame.join(coverage[["countries", "of"]])
    rows = annual.select_rows(seizures, shown)
    frame["status"] = annual.status_by_year(rows, frame.index)
    return frame.rename_axis("year").reset_index()


def herb_by_country(seizures: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Each country's share of the cannabis herb the five seized over some years.

    Returns:
        ``country`` (ISO3), ``herb_t`` (tons over the years it has figures for), ``share_pct``
        (of the five's tons), ``years`` (how many years have a figure), largest first.
    """
    rows = annual.select_rows(seizures, annual.Selection(HERB, first_year, last_year))
    grouped = rows.groupby("country")
    table = pd.DataFrame(
        {"herb_t": grouped["kg"].sum() / KG_PER_TON, "years": grouped["year"].nunique()}
    ).reindex(list(CENTRAL_ASIA))
    table["share_pct"] = table["herb_t"] / table["herb_t"].sum() * 100
    table = table.dropna(subset=["herb_t"]).sort_values("herb_t", ascending=False)
    table["years"] = table["years"].astype(int)
    return table.rename_axis("country").reset_index()[["country", "herb_t", "share_pct", "years"]]


def wild_cannabis_share(seizures: pd.DataFrame, first_year: int, last_year: int) -> pd.Series:
    """Kazakhstan and Kyrgyzstan's share of the five's cannabis herb, per year, in per cent."""
    rows = annual.select_rows(seizures, annual.Selection(HERB, first_year, last_year))
    by_year = rows.groupby("year")["kg"].sum()
    wild = rows[rows["country"].isin(WILD_CANNABIS_COUNTRIES)].groupby("year")["kg"].sum()
    return (wild.reindex(by_year.index, fill_value=0.0) / by_year * 100).rename("share_pct")


def latest_official_year(seizures: pd.DataFrame, last_year: int) -> int | None:
    """The latest year up to ``last_year`` whose cannabis and opiate figures are all official."""
    rows = seizures[seizures["drug"].isin(ALL_DRUGS) & seizures["country"].isin(CENTRAL_ASIA)]
    rows = rows[rows["year"] <= last_year]
    statuses = rows.groupby("year")["status"].agg(set)
    official = [int(y) for y, s in statuses.items() if s == {"official"}]
    return max(official) if official else None


def definition_effect(seizures: pd.DataFrame, year: int) -> tuple[float, float]:
    """The cannabis share of ``year`` on the page's definition, and with poppy counted.

    The cannabis share of ``year`` on the page's definition, and with poppy plants and straw
    counted among the opiates.
    """
    narrow = cannabis_share(seizures, year, year)["share_pct"].iloc[0]
    wide = cannabis_share(seizures, year, year, ALL_DRUGS_WITH_POPPY)["share_pct"].iloc[0]
    return float(narrow), float(wide)


def definition_sentences(seizures: pd.DataFrame, last_year: int) -> str:
    """The definition of "all drugs", and what the other definition gives on official figures."""
    year = latest_official_year(seizures, last_year)
    if year is None:
        return ALL_DRUGS_DEFINITION
    narrow, wide = definition_effect(seizures, year)
    return (
        f"{ALL_DRUGS_DEFINITION} The choice moves the figure: on UNODC's official {year} "
        f"figures, herb and resin make {describe_percent(narrow, 1)} of herb, resin, heroin and "
        f"opium, and {describe_percent(wide, 1)} once poppy plants and straw count among the "
        "opiates."
    )


def check_claim_c4(seizures: pd.DataFrame) -> dict:
    """C4: the cannabis share is about 65% in 2001 and about 90% in 2016.

    C4: the cannabis share is about 65% in 2001 and about 90% in 2016 (each within three
    points), on the page's definition of all drugs (:data:`SHARE_DEFINITION`).

    The figures are never tuned to the statement: where the data give another share, the verdict
    says by how much, with the definition used.
    """
    first, last = min(C4_POINTS), max(C4_POINTS)
    shares = cannabis_share(seizures, first, last).set_index("year")
    found = {y: shares.loc[y, "share_pct"] for y in C4_POINTS}
    values: dict = {
        f"share_{y}_pct": None if pd.isna(v) else round(float(v), 2) for y, v in found.items()
    }
    values["definition"] = SHARE_DEFINITION
    values.update({f"status_{y}": shares.loc[y, "status"] for y in C4_POINTS})
    rows = annual.select_rows(seizures, annual.Selection(ALL_DRUGS, first, last))
    rows = rows[rows["year"].isin(list(C4_POINTS))]
    if not pd.isna(found[last]):
        values[f"share_{last}_with_poppy_pct"] = round(definition_effect(seizures, last)[1], 2)
    missing = [y for y, v in found.items() if pd.isna(v)]
    if missing:
        return claim_record(
            "C4", C4_STATEMENT, values, None, "", rows,
            not_testable=f"no figures for {describe_years(missing)}",
        )
    differences = {y: float(found[y]) - target for y, target in C4_POINTS.items()}
    values.update({f"difference_{y}_points": round(d, 2) for y, d in differences.items()})
    holds = all(abs(d) <= C4_TOLERANCE for d in differences.values())
    wide = values[f"share_{last}_with_poppy_pct"]
    apart = [
        f"{y}: {describe_percent(found[y], 1)} against the bulletin's {C4_POINTS[y]:.0f}%, "
        f"{abs(d):.1f} points {'below' if d < 0 else 'above'}"
        for y, d in differences.items()
        if abs(d) > C4_TOLERANCE
    ]
    findings = (
        f"On {SHARE_DEFINITION}: "
        + describe_share_change("cannabis herb and resin", found[first], found[last], first, last)
        + f" With poppy plants and straw among the opiates, {last} gives "
        f"{describe_percent(wide, 1)}. "
        + (
            f"Both within {C4_TOLERANCE:.0f} points of the statement."
            if holds
            else "The statement does not hold within "
            f"{C4_TOLERANCE:.0f} points: " + "; ".join(apart) + "."
        )
    )
    return claim_record("C4", C4_STATEMENT, values, holds, findings, rows)


def bulletin_comparison(seizures: pd.DataFrame) -> str:
    """The bulletin's 65% and 90% against what the data give, on the page's definition.

    Agreement within the tolerance, or the gap in points (never tuned).
    """
    first, last = min(C4_POINTS), max(C4_POINTS)
    shares = cannabis_share(seizures, first, last).set_index("year")
    found = {y: shares.loc[y, "share_pct"] for y in C4_POINTS}
    if any(pd.isna(v) for v in found.values()):
        return ""
    said = (
        f"The bulletin says the share rose from {C4_POINTS[first]:.0f}% to "
        f"{C4_POINTS[last]:.0f}% in {first}-{last}. On the figures here ({SHARE_DEFINITION}) it "
        f"was {describe_percent(found[first], 1)} in {first} "
        f"({_status_words(shares.loc[first, 'status'])}) and {describe_percent(found[last], 1)} "
        f"in {last} ({_status_words(shares.loc[last, 'status'])})"
    )
    apart = [
        f"{y} by {abs(found[y] - target):.1f} points"
        for y, target in C4_POINTS.items()
        if abs(found[y] - target) > C4_TOLERANCE
    ]
    if apart:
        return (
            f"{said}: the data differ from the bulletin's figures for "
            + " and ".join(apart)
            + f", more than the {C4_TOLERANCE:.0f} points a rounded figure allows. The bulletin "
            "does not say what it counts as all drugs; the figures here are not adjusted to it."
        )
    return f"{said}: within {C4_TOLERANCE:.0f} points of the bulletin's figures."


def _status_words(status: str) -> str:
    return {
        "official": "official figures",
        "stated": "the bulletin's own figure",
        "": "no figures",
    }.get(status, "reconstructed figures, not official" if is_reconstructed(status) else status)


def check_claim_c5(seizures: pd.DataFrame) -> dict:
    """C5: Kazakhstan and Kyrgyzstan seize most of the five's cannabis herb.

    C5: Kazakhstan and Kyrgyzstan seize most (over half) of the five's cannabis herb, in
    every year 2012-2016 and over the five years together.
    """
    first, last = C5_YEARS
    by_year = wild_cannabis_share(seizures, first, last)
    overall = herb_by_country(seizures, first, last).set_index("country")["share_pct"]
    together = float(overall.reindex(WILD_CANNABIS_COUNTRIES).sum())
    years = list(range(first, last + 1))
    rows = annual.select_rows(seizures, annual.Selection(HERB, first, last))
    values = {
        "kaz_kgz_herb_share_pct": round(together, 2),
        "kaz_kgz_herb_share_by_year_pct": {str(y): round(float(v), 2) for y, v in by_year.items()},
    }
    if by_year.empty:
        return claim_record("C5", C5_STATEMENT, values, None, "", rows,
                            not_testable=f"no cannabis herb figures for {first}-{last}")
    holds = all(y in by_year.index and by_year[y] > 50 for y in years) and together > 50
    names = [country_name(c) for c in WILD_CANNABIS_COUNTRIES]
    findings = (
        describe_leaders(names, together, "the region's cannabis herb", f"{first}-{last}")
        + f" Each year: from {describe_percent(by_year.min())} to "
        f"{describe_percent(by_year.max())}. "
        + ("Consistent with the statement." if holds else "The statement does not hold.")
    )
    return claim_record("C5", C5_STATEMENT, values, holds, findings, rows)


def years_shown(
    seizures: pd.DataFrame, issue: Quarter, first_year: int = FIRST_YEAR, last_year: int = 0
) -> tuple[int, int]:
    """The years an issue's page shows: from ``first_year`` to the issue's last year.

    Args:
        seizures: the annual seizures.
        issue: the issue's quarter (its last year: :func:`bulletin.analyses.annual.last_data_year`).
        first_year: the first year asked for; a year before the five's first figure for the page's
            drugs starts at that figure (:func:`bulletin.analyses.annual.first_year_shown`).
        last_year: a last year to use instead; 0 follows the issue.
    """
    first = annual.first_year_shown(seizures, ALL_DRUGS, first_year)
    return first_year if first is None else first, annual.last_data_year(issue, last_year)


def herb_years(seizures: pd.DataFrame, last_year: int) -> tuple[int, int]:
    """The years over which the page says who seizes the herb: the last five with figures.

    The window ends at the latest year up to ``last_year`` in which one of the five reports
    cannabis herb: an issue whose period runs past the data (2024-Q3's runs to 2023, the herb's
    figures to 2022) would otherwise name years nobody has figures for. Without any herb figure,
    it is the last five years to ``last_year``.
    """
    last = annual.last_year_with_figures(seizures, HERB, last_year) or last_year
    return last - HERB_YEARS + 1, last


def sentences(seizures: pd.DataFrame, shares: pd.DataFrame, last_year: int) -> list[str]:
    """What the page says, made from the numbers: the share's change, and who seizes the herb."""
    said = []
    known = shares.dropna(subset=["share_pct"])
    if len(known) >= 2:
        first, last = known.iloc[0], known.iloc[-1]
        said.append(
            describe_share_change(
                "cannabis-type drugs in all drugs seized",
                first["share_pct"],
                last["share_pct"],
                int(first["year"]),
                int(last["year"]),
            )
        )
        if last["countries"] < last["of"]:
            said.append(
                f"The {int(last['year'])} figure covers "
                f"{describe_coverage(int(last['countries']), int(last['of']))}."
            )
    first_year, last_year = herb_years(seizures, last_year)
    herb = herb_by_country(seizures, first_year, last_year)
    if not herb.empty:
        period = f"{first_year}-{last_year}"
        wild = herb[herb["country"].isin(WILD_CANNABIS_COUNTRIES)]
        rows = annual.select_rows(seizures, annual.Selection(HERB, first_year, last_year))
        years_with_figures = rows["year"].nunique()
        complete = len(herb) == len(CENTRAL_ASIA) and (herb["years"] == years_with_figures).all()
        what = (
            "the region's cannabis herb"
            if complete
            else "the cannabis herb seized by the countries with figures"
        )
        if not wild.empty:
            said.append(
                describe_leaders(
                    [country_name(c) for c in wild["country"]],
                    float(wild["share_pct"].sum()),
                    what,
                    period,
                )
            )
        said.append(
            "By country: "
            + ", ".join(
                f"{country_name(r.country)} {describe_percent(r.share_pct)}"
                for r in herb.itertuples()
            )
            + "."
        )
    return said


def table_for_page(by_country: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """The figures behind the charts, with the labels a reader sees."""
    table = by_country[["year", *CENTRAL_ASIA]].rename(
        columns={c: f"{country_name(c)} (t)" for c in CENTRAL_ASIA}
    )
    table = table.rename(columns={"year": "Year"})
    table["Central Asia (t)"] = by_country[list(CENTRAL_ASIA)].sum(axis=1, min_count=1)
    table["Share of all drugs (%)"] = shares["share_pct"].to_numpy()
    table["Countries with figures"] = annual.coverage_labels(by_country)
    table["Data status"] = annual.status_labels(by_country["status"])
    return table


def herb_table_for_page(herb: pd.DataFrame) -> pd.DataFrame:
    """Who seizes the region's cannabis herb, with the labels a reader sees."""
    return pd.DataFrame(
        {
            "Country": [country_name(c) for c in herb["country"]],
            "Cannabis herb (t)": herb["herb_t"],
            "Share of the herb seized (%)": herb["share_pct"],
            "Years with figures": herb["years"],
        }
    )


def plot_cannabis_by_country(
    seizures: pd.DataFrame, by_country: pd.DataFrame, *, title: str
) -> Figure:
    """Stacked bars of cannabis herb and resin by country and year (tons).

    Args:
        seizures: the table ``seizures_annual``.
        by_country: the years shown (:func:`cannabis_by_country`).
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    layers = {country: country_name(country) for country in CENTRAL_ASIA}
    first, last = int(by_country["year"].min()), int(by_country["year"].max())
    cells = annual.cell_statuses(seizures, annual.Selection(CANNABIS, first, last), by="country")
    return annual.plot_stacked_years(
        seizures, by_country, layers, CANNABIS, title,
        "Cannabis herb and resin seized (tons)", cells=cells,
    )


def plot_cannabis_share(seizures: pd.DataFrame, shares: pd.DataFrame, *, title: str) -> Figure:
    """The cannabis share per year, reconstructed points hollow.

    The cannabis share per year: filled points official, hollow where any figure behind them
    is reconstructed (none drawn where a reconstruction repeats its neighbour), gaps left open,
    and the bulletin's own two figures marked.

    Args:
        seizures: the table ``seizures_annual``.
        shares: the shares by year (:func:`cannabis_share`).
        title: the chart's title, stated by the notebook (also its caption and alt text's).
    """
    from matplotlib.lines import Line2D

    from bulletin.publish.charts import ONE_SERIES_COLOUR, STATED_MARKER, finish_chart, new_chart

    fig, ax = new_chart(10, 4)
    colour = ONE_SERIES_COLOUR
    hidden = pd.Series(
        repeated_reconstructed(shares["share_pct"].tolist(), shares["status"].tolist()),
        index=shares.index,
    )
    drawn = shares.assign(share_pct=shares["share_pct"].where(~hidden))
    ax.plot(drawn["year"], drawn["share_pct"], color=colour, linewidth=1.5, zorder=2)
    made = drawn["status"].map(is_reconstructed)
    official = drawn["status"] == "official"
    ax.scatter(drawn.loc[official, "year"], drawn.loc[official, "share_pct"], color=colour,
               zorder=3)
    ax.scatter(drawn.loc[made, "year"], drawn.loc[made, "share_pct"],
               facecolor="white", edgecolor=colour, zorder=3)
    stated = {y: v for y, v in C4_POINTS.items() if y in set(shares["year"])}
    ax.scatter(list(stated), list(stated.values()), marker=STATED_MARKER, color="#5b3a8c", s=42,
               zorder=4)
    annual.mark_coverage(ax, shares["year"].tolist(), drawn["share_pct"].tolist(),
                         shares["countries"].tolist(), annual.FIVE_COUNTRIES)
    annual.label_years(ax, shares["year"].tolist())
    ax.set_ylim(0, 105)
    handles = []
    if official.any():
        handles.append(Line2D([], [], color=colour, marker="o", label="official"))
    if made.any():
        handles.append(Line2D([], [], color=colour, marker="o", markerfacecolor="white",
                              label="reconstructed, not official"))
    if stated:
        handles.append(Line2D([], [], color="#5b3a8c", marker=STATED_MARKER, linestyle="",
                              label=f"the bulletin's figures ({', '.join(map(str, stated))}), "
                              "not official"))
    ax.legend(handles=handles, frameon=False, loc="lower left", fontsize=9)
    years = shares["year"]
    shown = annual.Selection(ALL_DRUGS, years.min(), years.max())
    source, status, statuses = annual.chart_note(seizures, shown)
    if hidden.any():
        status += (
            f" Not drawn: {describe_years(shares.loc[hidden, 'year'].astype(int).tolist())} "
            "(reconstructed by repeating a neighbouring year's figure)."
        )
    status += f" Share: {SHARE_DEFINITION}."
    finish_chart(fig, ax, title, "Share (%)", source, status, statuses=statuses)
    return fig


def key_figures(
    seizures: pd.DataFrame, by_country: pd.DataFrame, shares: pd.DataFrame, last_year: int
) -> list[dict]:
    """The key figures for ``figures.json``: the last year with figures, the first, the herb."""
    figures = []
    known = shares.dropna(subset=["share_pct"])
    if not known.empty:
        first, last = known.iloc[0], known.iloc[-1]
        for name, row in (("cannabis_share_pct", last), ("cannabis_share_first_pct", first)):
            figures.append({"name": name, "value": round(float(row["share_pct"]), 2),
                            "unit": "%", "period": str(int(row["year"])), "status": row["status"]})
        figures += [
            {"name": "cannabis_t", "value": round(float(last["cannabis_t"]), 3), "unit": "t",
             "period": str(int(last["year"])), "status": last["status"]},
            {"name": "cannabis_countries_covered", "value": int(last["countries"]),
             "unit": "countries", "period": str(int(last["year"])), "status": last["status"]},
        ]
    year = latest_official_year(seizures, last_year)
    if year is not None:
        _, wide = definition_effect(seizures, year)
        rows = annual.select_rows(seizures, annual.Selection(ALL_DRUGS_WITH_POPPY, year, year))
        figures.append({"name": "cannabis_share_with_poppy_pct", "value": round(wide, 2),
                        "unit": "%", "period": str(year),
                        "status": annual.status_by_year(rows, [year]).iloc[0]})
    first_year, last_herb_year = herb_years(seizures, last_year)
    herb = herb_by_country(seizures, first_year, last_herb_year)
    if not herb.empty:
        rows = annual.select_rows(seizures, annual.Selection(HERB, first_year, last_herb_year))
        wild = herb[herb["country"].isin(WILD_CANNABIS_COUNTRIES)]["share_pct"].sum()
        figures.append({"name": "cannabis_kaz_kgz_herb_share_pct", "value": round(float(wild), 2),
                        "unit": "%", "period": f"{first_year}-{last_herb_year}",
                        "status": "+".join(sorted(set(rows["status"])))})
    return figures
