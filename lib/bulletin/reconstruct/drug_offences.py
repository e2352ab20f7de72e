"""Reconstruct the missing rows of ``drug_offences``: drug-related offences, 2010-2016.

UNODC publishes the drug-related offences of the five countries only in part (the World Drug
Report annexes, table 10.1, imported by ``bulletin import`` with status ``official``). A published
figure always wins: this script fills **only the country-years of 2010-2016 that no official row
covers** (an official row on any type of a country-year covers it), from the official rows around
them first and the bulletin's regional statements (claims C9-C11) only for what those leave. It
never writes on the key of an official row, and works on any set of official rows. Its rows are
``reconstructed``; their ``source`` names the script and the rule. The rules, in order:

1. **Between two official years of the same country**, each UNODC category (trafficking,
   use/possession, other) that both years publish takes the straight line between them, rounded
   half up; a category only one of them publishes is not made. The two years may lie outside
   2010-2016 (2012 between 2011 and 2013, 2016 between 2015 and 2017). ``SOURCE_BETWEEN``.
2. **The regional total of 2016** (C9: "In 2016, there were almost 13,600 reported offences";
   ``REGIONAL_TOTAL_2016`` = 13,575, the middle of [13,550, 13,600), the values "almost 13,600"
   covers) fills only what the official rows and rule 1 leave: the countries with no 2016 figure
   after rule 1 share 13,575 less the 2016 figures of the others, in proportion to their own
   official offences in the official year nearest 2016 (the earlier of two as near), or, when
   one of them has no official offences at all, to their official persons in formal contact of
   the year nearest 2016 (``drug_arrests``), for all of them alike; by largest remainder, so the
   five add up to 13,575 exactly. When the official rows and rule 1 already reach 13,575, nothing
   is forced: the countries stay missing and the summary reports the disagreement with the
   figures. ``SOURCE_STATEMENT``.
3. **Types of the rows of rule 2** (national types, as the bulletin counts them): smuggling takes
   4% in 2010 rising in a straight line to 9% in 2016 (C10, ``SMUGGLING_SHARE_PCT``), selling 46%
   every year (C11 gives 2016; ``SELLING_SHARE_PCT``); the rest goes to trafficking (neither
   smuggling nor selling), possession for personal use and other offences in the proportions of
   UNODC's three categories in the same countries' official rows of any year (or, if they have
   none, in the five's official rows). No cultivation line is made (no figure anywhere).
4. **Between an official year and a year of rule 2**, rule 1 again, the rule-2 year counted by
   UNODC category (smuggling and selling are trafficking offences, ``reference/offence_types.csv``).
   ``SOURCE_BETWEEN_STATED``.
5. **Before the first, or after the last, known year of 2010-2016** of a country (official or
   rule 2), the known year's figures are carried by the change of the official totals of the
   countries reporting both years of each step (``bulletin.reconstruct.years.chain_index``; a
   step nobody reports both years of counts as no change), each line rounded half up: official
   categories keep their categories, a rule-2 figure is split by type as in rule 3 for its own
   year. ``SOURCE_CARRIED`` (``SOURCE_CARRIED_STATED`` from a rule-2 year). The bulletin's
   "decreased steadily since 2010" (C9) sets no figure.
6. A country with no known year in 2010-2016 after rules 1-4 stays missing, and so does a year
   between two known years that share no category; the summary says so. Rows carry no ``total``
   line (the types add up).

Every row resting, wholly or partly, on the bulletin's statements names them in its ``source``
("claims C9-C11"); rows made from official rows alone name no claim.

The summary reports, for each statement, how much of it the official rows already give and how
much the reconstruction had to invent: C9's 2016 total split into official, rule 1 and rule 2;
C10's and C11's smuggling and selling offences, all invented (UNODC's categories have no
smuggling or selling), so checking C10 and C11 on these rows is circular.

Run ``python -m bulletin.reconstruct.drug_offences`` to rewrite the reconstructed rows of
``data/drug_offences.csv`` (rows of other sources are kept as they are); ``--check`` only
compares and names the rows that differ. Re-run it after every import of official rows.
"""

from __future__ import annotations

import logging
import sys

import numpy as np
import pandas as pd

from bulletin.analyses.series import (
    TOTAL,
    country_year_totals,
    persons_by_country_year,
    unodc_category,
)
from bulletin.core.numbers import round_half_up
from bulletin.data.tables import check_table
from bulletin.data.vocab import CENTRAL_ASIA
from bulletin.reconstruct import (
    Reconstruction,
    interpolate,
    reconstruction_main,
    regional_statement_note,
    rows_made_by,
    split_by_largest_remainder,
)
from bulletin.reconstruct.years import (
    FIRST_YEAR,
    LAST_YEAR,
    STATED_YEAR,
    Lines,
    RuleSources,
    between,
    chain_index,
    neighbours,
    scale,
    years_to_carry,
)

log = logging.getLogger(__name__)

MODULE = "drug_offences"
TABLE = "drug_offences"
_STATED = "the bulletin's 2016 regional total less the official figures (Milestones 2017-Q2, claims C9-C11)"
_RULES = RuleSources.of(
    MODULE,
    _STATED,
    "shared as the countries' official figures of the nearest year, by type as the bulletin's "
    "shares",
    "carried by the change of the official figures of the countries reporting both years",
)
SOURCES = _RULES.every
(SOURCE_BETWEEN, SOURCE_STATEMENT, SOURCE_BETWEEN_STATED, SOURCE_CARRIED, SOURCE_CARRIED_STATED) = (
    SOURCES
)
# The rows resting on the bulletin's statements name the claims (bulletin.data.trust reads them).
FROM_STATEMENT = _RULES.from_statement
REGIONAL_TOTAL_2016 = 13_575  # middle of [13,550, 13,600): "almost 13,600" (C9)
SMUGGLING_SHARE_PCT = {2010: 4.0, 2016: 9.0}  # C10
SELLING_SHARE_PCT = 46.0  # C11
# The national type each UNODC category's share goes to, for the rest after smuggling and
# selling (rule 3).
REST_BY_CATEGORY = {
    "trafficking": "trafficking",
    "use_possession": "possession_personal_use",
    "other": "other",
}
COLUMNS = ["country", "year", "offence_type", "count", "source", "status"]

Key = tuple[str, int]


def official_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The official rows of the five countries: what every rule starts from."""
    return table[(table["status"] == "official") & table["country"].isin(CENTRAL_ASIA)]


def lines_by_country_year(rows: pd.DataFrame) -> dict[Key, Lines]:
    """Each country-year's counts by type, leaving out the total when the types are there."""
    found: dict[Key, Lines] = {}
    for (country, year), group in rows.groupby(["country", "year"]):
        parts = group[group["offence_type"] != TOTAL]
        chosen = parts if not parts.empty else group
        found[(str(country), int(year))] = dict(
            zip(chosen["offence_type"], chosen["count"].astype(int), strict=True)
        )
    return found


def by_category(lines: Lines) -> Lines:
    """National types counted in their UNODC category (categories and totals kept as they are)."""
    counted: Lines = {}
    for offence_type, count in lines.items():
        category = offence_type if offence_type == TOTAL else unodc_category(offence_type)
        counted[category] = counted.get(category, 0) + count
    return counted


def smuggling_share(year: int) -> float:
    """Rule 3: smuggling's share in per cent, on the straight line from 2010's to 2016's.

    >>> smuggling_share(2010), smuggling_share(2013), smuggling_share(2016)
    (4.0, 6.5, 9.0)
    """
    (first, low), (last, high) = sorted(SMUGGLING_SHARE_PCT.items())
    return interpolate(year, first, low, last, high)


def type_weights(year: int, rest: dict[str, float]) -> dict[str, float]:
    """Rule 3: the per cent of a country's offences each national type takes in ``year``."""
    smuggling = smuggling_share(year)
    left = 100.0 - smuggling - SELLING_SHARE_PCT
    weights = {"smuggling": smuggling, "selling": SELLING_SHARE_PCT}
    for category, offence_type in REST_BY_CATEGORY.items():
        weights[offence_type] = weights.get(offence_type, 0.0) + left * rest[category]
    return weights


def national_lines(total: int, year: int, rest: dict[str, float]) -> Lines:
    """Rule 3: a country-year's offences split by national type, adding up to ``total``."""
    weights = type_weights(year, rest)
    types = list(weights)
    counts = split_by_largest_remainder(total, np.array([weights[t] for t in types]))
    return {t: int(n) for t, n in zip(types, counts, strict=True)}


def rest_proportions(official: pd.DataFrame, countries: list[str]) -> dict[str, float]:
    """Rule 3: UNODC's three categories' shares in the countries' official rows, pooled.

    Raises:
        ValueError: no official row of the five gives any category.
    """
    parts = official[official["offence_type"] != TOTAL]
    rows = parts[parts["country"].isin(countries)]
    if rows.empty:
        rows = parts  # the countries have no official breakdown: the five's, pooled
    if rows.empty:
        raise ValueError(
            "drug_offences has no official offences by category for any of the five countries: "
            "import the WDR annex table 10.1 first (make import-official, see data/README.md)"
        )
    counts = rows.groupby(rows["offence_type"].map(unodc_category))["count"].sum()
    counts = counts.reindex(list(REST_BY_CATEGORY), fill_value=0)
    return (counts / counts.sum()).to_dict()


def nearest_figures(figures: dict[Key, int], countries: list[str], year: int) -> dict[str, int]:
    """Each country's figure in its year nearest ``year`` (the earlier of two as near)."""
    found = {}
    for country in countries:
        years = [y for c, y in figures if c == country]
        if years:
            nearest = min(years, key=lambda y: (abs(y - year), y))
            found[country] = figures[(country, nearest)]
    return found


def statement_weights(
    official: pd.DataFrame, arrests: pd.DataFrame, countries: list[str]
) -> tuple[dict[str, int], str]:
    """Rule 2: the weights the countries share the statement's remainder by, and their measure.

    Raises:
        ValueError: a country has neither official offences nor official persons.
    """
    totals = _totals(official)
    offences = nearest_figures(totals, countries, STATED_YEAR)
    if len(offences) == len(countries):
        return offences, "official offences"
    persons_rows = persons_by_country_year(arrests[arrests["status"] == "official"])
    persons = nearest_figures(
        {(r.country, int(r.year)): int(r.count) for r in persons_rows.itertuples()},
        countries,
        STATED_YEAR,
    )
    if len(persons) == len(countries):
        return persons, "official persons in formal contact"
    lacking = sorted(set(countries) - set(persons))
    raise ValueError(
        f"no official offences or persons in formal contact for {lacking}: the 2016 regional "
        "total cannot be shared (import the WDR annex table 10.1 first, see data/README.md)"
    )


def _totals(rows: pd.DataFrame) -> dict[Key, int]:
    if rows.empty:
        return {}
    totals = country_year_totals(rows)
    return {(r.country, int(r.year)): int(r.count) for r in totals.itertuples()}


def _total(lines: Lines) -> int:
    return lines[TOTAL] if set(lines) == {TOTAL} else sum(v for k, v in lines.items() if k != TOTAL)


def build_drug_offences(offences: pd.DataFrame, arrests: pd.DataFrame) -> Reconstruction:
    """All reconstructed rows of ``drug_offences``, with the summary's notes."""
    official = official_rows(offences)
    known = lines_by_country_year(official)  # official country-years, any year
    totals = _totals(official)
    result = Reconstruction(pd.DataFrame(columns=COLUMNS))
    made: dict[Key, tuple[Lines, str]] = {}
    # Rule 1: between two official years.
    for country in CENTRAL_ASIA:
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if (country, year) in known:
                continue
            filled = between(_years_of(known, country, {}), year)
            if filled:
                made[(country, year)] = (filled[0], SOURCE_BETWEEN)
    # Rule 2: what the 2016 statement leaves, for the countries without a 2016 figure.
    stated, rest = _share_the_statement(official, arrests, totals, made, result)
    # Rule 4: between an official year and a year of rule 2.
    _fill_towards_the_statement(known, stated, made)
    # Rule 5: before the first, or after the last, known year of the period.
    for country in CENTRAL_ASIA:
        _carry_by_change(country, known, stated, totals, rest, made, result)
    result.notes += _type_notes(made)
    records = [
        (country, year, offence_type, count, source, "reconstructed")
        for (country, year), (lines, source) in made.items()
        for offence_type, count in lines.items()
    ]
    rows = pd.DataFrame(records, columns=COLUMNS)
    rows = rows.sort_values(["country", "year", "offence_type"], ignore_index=True)
    result.rows = check_table(TABLE, rows)  # typed as load_table types the shipped file
    return result


def _years_of(known: dict[Key, Lines], country: str, extra: dict[Key, Lines]) -> dict[int, Lines]:
    """A country's known years (official, and ``extra`` ones made by rule 2 by category)."""
    mine = {y: lines for (c, y), lines in {**known, **extra}.items() if c == country}
    return {y: by_category(lines) if (country, y) in extra else lines for y, lines in mine.items()}


def _share_the_statement(
    official: pd.DataFrame,
    arrests: pd.DataFrame,
    totals: dict[Key, int],
    made: dict[Key, tuple[Lines, str]],
    result: Reconstruction,
) -> tuple[dict[Key, Lines], dict]:
    """Rule 2: the 2016 regional total less what is known, for the countries without 2016.

    Returns:
        The country-years made from the statement, and the proportions of the rest after
        smuggling and selling (rule 3) they were split by.
    """
    stated: dict[Key, Lines] = {}
    official_2016 = {c: totals[(c, STATED_YEAR)] for c in CENTRAL_ASIA if (c, STATED_YEAR) in totals}
    between_2016 = {
        c: _total(lines) for (c, y), (lines, _) in made.items() if y == STATED_YEAR
    }
    missing = [c for c in CENTRAL_ASIA if c not in official_2016 and c not in between_2016]
    left = REGIONAL_TOTAL_2016 - sum(official_2016.values()) - sum(between_2016.values())
    rest = rest_proportions(official, missing) if missing and left > 0 else {}
    result.note(regional_statement_note(
        "C9 ('almost 13,600'", REGIONAL_TOTAL_2016, STATED_YEAR, official_2016, between_2016, missing
    ))
    if missing and left > 0:
        weights, measure = statement_weights(official, arrests, missing)
        shares = split_by_largest_remainder(left, [weights[c] for c in missing])
        for country, share in zip(missing, shares, strict=True):
            stated[(country, STATED_YEAR)] = national_lines(int(share), STATED_YEAR, rest)
            made[(country, STATED_YEAR)] = (stated[(country, STATED_YEAR)], SOURCE_STATEMENT)
        result.note(f"C9: the {left:,} shared as the countries' {measure} of the nearest year.")
    return stated, rest


def _fill_towards_the_statement(
    known: dict[Key, Lines], stated: dict[Key, Lines], made: dict[Key, tuple[Lines, str]]
) -> None:
    """Rule 4: the years between a country's official year and its year of rule 2."""
    for country in sorted({c for c, _ in stated}):
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if (country, year) in known or (country, year) in made:
                continue
            filled = between(_years_of(known, country, stated), year)
            if filled:
                lines, before, after = filled
                on_statement = (country, before) in stated or (country, after) in stated
                made[(country, year)] = (
                    lines, SOURCE_BETWEEN_STATED if on_statement else SOURCE_BETWEEN
                )


def _carry_by_change(
    country: str,
    known: dict[Key, Lines],
    stated: dict[Key, Lines],
    totals: dict[Key, int],
    rest: dict,
    made: dict[Key, tuple[Lines, str]],
    result: Reconstruction,
) -> None:
    """Rule 5: a year before the first, or after the last, known year of the country, carried."""
    period = range(FIRST_YEAR, LAST_YEAR + 1)
    anchors = [y for y in period if (country, y) in known or (country, y) in stated]
    gaps = [y for y in period if (country, y) not in known and (country, y) not in made]
    for year in years_to_carry(
        country,
        period,
        anchors,
        gaps,
        result.note,
        shared=("category", "categories"),
        missing_rule=6,
    ):
        before, after = neighbours(anchors, year)
        anchor = after if before is None else before
        factor = chain_index(totals, anchor, year)
        if (country, anchor) in stated:
            total = int(round_half_up(_total(stated[(country, anchor)]) * factor))
            made[(country, year)] = (national_lines(total, year, rest), SOURCE_CARRIED_STATED)
        else:
            made[(country, year)] = (scale(known[(country, anchor)], factor), SOURCE_CARRIED)


def _type_notes(made: dict[Key, tuple[Lines, str]]) -> list[str]:
    """The summary's account of C10 and C11: every smuggling and selling offence is invented."""
    def count(offence_type: str, year: int) -> int:
        return sum(lines.get(offence_type, 0) for (_, y), (lines, _) in made.items() if y == year)

    return [
        f"C10, C11: no official row gives smuggling or selling (UNODC's categories have neither): "
        f"all {count('smuggling', FIRST_YEAR):,} smuggling offences of {FIRST_YEAR}, "
        f"{count('smuggling', STATED_YEAR):,} of {STATED_YEAR} and "
        f"{count('selling', STATED_YEAR):,} selling offences of {STATED_YEAR} are invented from "
        "the statements' shares, so checking C10 and C11 on them is circular."
    ]


main = reconstruction_main(
    __doc__.splitlines()[0], TABLE, build_drug_offences, (TABLE, "drug_arrests"), rows_made_by(MODULE)
)


if __name__ == "__main__":
    sys.exit(main())
