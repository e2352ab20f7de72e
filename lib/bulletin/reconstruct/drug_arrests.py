"""Reconstruct the missing rows of ``drug_arrests``: persons arrested for drug offences, 2010-2016.

UNODC publishes the persons brought into formal contact with the police for drug offences of the
five countries only in part (the World Drug Report annexes, table 10.1, imported by ``bulletin
import`` with status ``official``). A published figure always wins: this script fills **only the
country-years of 2010-2016 that no official row covers** (an official row of any line covers its
country-year), from the official rows around them first and the bulletin's regional statements
(claims C12-C14) only for what those leave. It never writes on the key of an official row and
works on any set of official rows. Its rows are ``reconstructed``; their ``source`` names the
script and the rule. A country-year's lines are those the annex publishes: all persons
(``total``/``total``), men and women (age ``total``), adults and juveniles (sex ``total``); an
official year without an all-persons line counts men + women (else adults + juveniles) as one.

1. **Between two official years of the same country**, each line both years publish takes the
   straight line between them, rounded half up; a line only one of them publishes is not made.
   Where both years' men and women add up to all persons, men are all persons less women (so
   they still do after rounding); the same for adults and juveniles. ``SOURCE_BETWEEN``.
2. **The regional total of 2016** (C12: "In 2016, the number of arrestees increased and is up to
   almost 12,400 people"; ``REGIONAL_TOTAL_2016`` = 12,375, the middle of [12,350, 12,400)) fills
   only what the official rows and rule 1 leave: the countries with no 2016 figure after rule 1
   share 12,375 less the others' 2016 figures, in proportion to their 2016 offences
   (``drug_offences``, official or reconstructed), by largest remainder. A country without 2016
   offences gets no share and stays missing. When the official rows and rule 1 already reach
   12,375, nothing is forced: the countries stay missing and the summary reports the
   disagreement with the figures. Women are 7% of each such country-year ("about 7%", C13) and
   juveniles 0.3% ("approximately 0.3% in 2016", C14), rounded half up; men and adults are the
   rest. ``SOURCE_STATEMENT``.
3. **Between an official year and a year of rule 2**, rule 1 again. ``SOURCE_BETWEEN_STATED``.
4. **Before the first, or after the last, known year of 2010-2016** of a country (official or
   rule 2), every line of the known year is carried by the change of the country's own offences
   between the two years (``drug_offences`` totals, official or reconstructed), rounded half up,
   men and adults again the rest as in rule 1. A year without the country's offences in either
   year stays missing. ``SOURCE_CARRIED`` (``SOURCE_CARRIED_STATED`` from a rule-2 year). The
   bulletin's "downward trend between 2010 and 2015" (C12) sets no figure.
5. A country with no known year in 2010-2016 after rules 1-3 stays missing, and so does a year
   between two known years that share no line; the summary says so.

Every row resting, wholly or partly, on the bulletin's statements names them in its ``source``
("claims C12-C14"); rows made from official rows alone name no claim (a row carried by the
offences rests on ``drug_offences``, whose own rows say what they rest on).

The summary reports, for each statement, how much of it the official rows already give and how
much the reconstruction had to invent: C12's 2016 total split into official, rule 1 and rule 2;
the women (C13) and juveniles (C14) taken from official lines (directly or by rules 1, 3 and 4)
and those invented from the statements' shares (rule 2 and what rule 4 carries from it).

Run ``python -m bulletin.reconstruct.drug_arrests`` after ``bulletin.reconstruct.drug_offences`` to
rewrite the reconstructed rows of ``data/drug_arrests.csv`` (rows of other sources are kept as
they are); ``--check`` only compares and names the rows that differ.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field

import pandas as pd

from bulletin.analyses.series import country_year_totals, rows_in_period
from bulletin.core.numbers import round_half_up
from bulletin.core.wording import describe_years
from bulletin.data.tables import check_table
from bulletin.data.vocab import CENTRAL_ASIA
from bulletin.reconstruct import (
    Reconstruction,
    reconstruction_main,
    regional_statement_note,
    rows_made_by,
    split_by_largest_remainder,
)
from bulletin.reconstruct import years as year_rules
from bulletin.reconstruct.years import FIRST_YEAR, LAST_YEAR, STATED_YEAR, Lines

log = logging.getLogger(__name__)

MODULE = "drug_arrests"
TABLE = "drug_arrests"
_STATED = (
    "the bulletin's 2016 regional total less the official figures, women and juveniles as its "
    "shares (Milestones 2017-Q2, claims C12-C14)"
)
_SHARED_AS = "shared as the countries' 2016 offences (drug_offences)"
_CARRIED = "carried by the change of its offences (drug_offences)"
_RULES = year_rules.RuleSources.of(MODULE, _STATED, _SHARED_AS, _CARRIED)
SOURCES = _RULES.every
SOURCE_BETWEEN, SOURCE_STATEMENT, SOURCE_BETWEEN_STATED, SOURCE_CARRIED, SOURCE_CARRIED_STATED = SOURCES
# The rows resting on the bulletin's statements name the claims (bulletin.data.trust reads them).
FROM_STATEMENT = _RULES.from_statement
REGIONAL_TOTAL_2016 = 12_375  # middle of [12,350, 12,400): "almost 12,400" (C12)
WOMEN_SHARE = 0.07  # "about 7%" (C13)
JUVENILES_SHARE = 0.003  # "approximately 0.3%" (C14)
ALL, MEN, WOMEN, ADULTS, JUVENILES = (
    "total:total", "male:total", "female:total", "total:adult", "total:juvenile",
)  # fmt: skip
# (the whole, the part computed, the part that is the rest): men = all - women, adults likewise.
IDENTITIES = ((ALL, WOMEN, MEN), (ALL, JUVENILES, ADULTS))
COLUMNS = ["country", "year", "sex", "age_group", "count", "source", "status"]

Key = tuple[str, int]


def lines_by_country_year(rows: pd.DataFrame) -> dict[Key, Lines]:
    """Each country-year's lines (``sex:age_group``), with an all-persons line where it lacks one.

    The all-persons line is made from men and women (else adults and juveniles) where both are.
    """
    found: dict[Key, Lines] = {}
    for (country, year), group in rows.groupby(["country", "year"]):
        lines = {
            f"{sex}:{age}": int(count)
            for sex, age, count in zip(group["sex"], group["age_group"], group["count"], strict=True)
        }
        if ALL not in lines:
            for _, part, other in IDENTITIES:
                if part in lines and other in lines:
                    lines[ALL] = lines[part] + lines[other]
                    break
        found[(str(country), int(year))] = lines
    return found


def holds_identities(lines: Lines) -> set[tuple[str, str, str]]:
    """The identities (all = women + men, all = juveniles + adults) a country-year's lines keep."""
    return {
        (whole, part, rest)
        for whole, part, rest in IDENTITIES
        if {whole, part, rest} <= set(lines) and lines[whole] == lines[part] + lines[rest]
    }


def keep_identities(lines: Lines, identities: set[tuple[str, str, str]]) -> Lines:
    """The rest line of each identity recomputed (men = all - women), so rounding cannot break it."""
    kept = dict(lines)
    for whole, part, rest in identities:
        if {whole, part, rest} <= set(kept):
            kept[rest] = kept[whole] - kept[part]
    return kept


def stated_lines(total: int) -> Lines:
    """Rule 2: a country-year of the statement, women and juveniles as the bulletin's shares."""
    women = int(round_half_up(total * WOMEN_SHARE))
    juveniles = int(round_half_up(total * JUVENILES_SHARE))
    return {ALL: total, WOMEN: women, MEN: total - women, JUVENILES: juveniles, ADULTS: total - juveniles}


def offence_totals(offences: pd.DataFrame) -> dict[Key, int]:
    """The five countries' offences by country-year (official or reconstructed), 2010-2016."""
    rows = rows_in_period(offences, FIRST_YEAR, LAST_YEAR)
    if rows.empty:
        return {}
    totals = country_year_totals(rows)
    return {(r.country, int(r.year)): int(r.count) for r in totals.itertuples()}


def build_drug_arrests(arrests: pd.DataFrame, offences: pd.DataFrame) -> Reconstruction:
    """All reconstructed rows of ``drug_arrests``, with the summary's notes."""
    official = arrests[(arrests["status"] == "official") & arrests["country"].isin(CENTRAL_ASIA)]
    made = _Made(lines_by_country_year(official), offence_totals(offences))
    period = range(FIRST_YEAR, LAST_YEAR + 1)
    # Rule 1: between two official years.
    for country in CENTRAL_ASIA:
        for year in period:
            if (country, year) not in made.known:
                made.fill_between(country, year)
    # Rule 2: what the 2016 statement leaves.
    _share_the_statement(made)
    # Rule 3: between an official year and a year of rule 2.
    for country in sorted({c for c, _ in made.stated}):
        for year in period:
            if (country, year) not in made.known and (country, year) not in made.lines:
                made.fill_between(country, year)
    # Rule 4: before the first, or after the last, known year of the period.
    for country in CENTRAL_ASIA:
        _carry_by_offences(made, country)
    result = made.result
    result.notes += _share_notes(made.known, made.lines, made.on_statement)
    records = [
        (country, year, *line.split(":"), count, source, "reconstructed")
        for (country, year), (lines, source) in made.lines.items()
        for line, count in lines.items()
    ]
    rows = pd.DataFrame(records, columns=COLUMNS)
    if (rows["count"] < 0).any():
        raise ValueError("a reconstructed count came out negative: the rules do not fit the data")
    rows = rows.sort_values(["country", "year", "sex", "age_group"], ignore_index=True)
    result.rows = check_table(TABLE, rows)  # typed as load_table types the shipped file
    return result


@dataclass
class _Made:
    """The rows made so far, and what the rules that follow read: known, stated, offences."""

    known: dict[Key, Lines]
    crimes: dict[Key, int]
    lines: dict[Key, tuple[Lines, str]] = field(default_factory=dict)  # with their source
    stated: dict[Key, Lines] = field(default_factory=dict)
    on_statement: set[Key] = field(default_factory=set)  # resting, wholly or partly, on rule 2
    result: Reconstruction = field(default_factory=lambda: Reconstruction(pd.DataFrame(columns=COLUMNS)))

    def fill_between(self, country: str, year: int) -> None:
        """Rules 1 and 3: a year between two known years of the country, on a straight line."""
        mine = {y: lines for (c, y), lines in {**self.known, **self.stated}.items() if c == country}
        filled = year_rules.between(mine, year)
        if filled:
            lines, before, after = filled
            same = holds_identities(mine[before]) & holds_identities(mine[after])
            if (country, before) in self.stated or (country, after) in self.stated:
                self.on_statement.add((country, year))
            on_statement = (country, year) in self.on_statement
            source = SOURCE_BETWEEN_STATED if on_statement else SOURCE_BETWEEN
            self.lines[(country, year)] = (keep_identities(lines, same), source)


def _share_the_statement(made: _Made) -> None:
    """Rule 2: the 2016 regional total less what is known, shared as the 2016 offences."""
    known, result = made.known, made.result
    official_2016 = {
        c: known[(c, STATED_YEAR)][ALL]
        for c in CENTRAL_ASIA
        if ALL in known.get((c, STATED_YEAR), {})
    }
    uncounted = [c for c in CENTRAL_ASIA if (c, STATED_YEAR) in known and c not in official_2016]
    if uncounted:
        result.note(
            f"C12: {', '.join(uncounted)} {STATED_YEAR} official lines give no count of all "
            "persons: covered (nothing is made for them), but not counted in the total."
        )
    between_2016 = {
        c: lines[ALL]
        for (c, y), (lines, _) in made.lines.items()
        if y == STATED_YEAR and ALL in lines
    }
    missing = [
        c
        for c in CENTRAL_ASIA
        if (c, STATED_YEAR) not in known and (c, STATED_YEAR) not in made.lines
    ]
    left = REGIONAL_TOTAL_2016 - sum(official_2016.values()) - sum(between_2016.values())
    result.note(regional_statement_note(
        "C12 ('almost 12,400'", REGIONAL_TOTAL_2016, STATED_YEAR, official_2016, between_2016, missing
    ))
    if not missing or left <= 0:
        return
    weighed = [c for c in missing if (c, STATED_YEAR) in made.crimes]
    if len(weighed) < len(missing):
        lacking = [c for c in missing if c not in weighed]
        result.note(
            f"C12: {', '.join(lacking)} {'has' if len(lacking) == 1 else 'have'} no "
            f"{STATED_YEAR} offences to share by: missing; the {left:,} goes to "
            f"{', '.join(weighed) or 'nobody'}."
        )
    if weighed:
        shares = split_by_largest_remainder(left, [made.crimes[(c, STATED_YEAR)] for c in weighed])
        for country, share in zip(weighed, shares, strict=True):
            made.stated[(country, STATED_YEAR)] = stated_lines(int(share))
            made.lines[(country, STATED_YEAR)] = (made.stated[(country, STATED_YEAR)], SOURCE_STATEMENT)
            made.on_statement.add((country, STATED_YEAR))


def _carry_by_offences(made: _Made, country: str) -> None:
    """Rule 4: a year before the first, or after the last, known year, carried by offences."""
    period = range(FIRST_YEAR, LAST_YEAR + 1)
    known, stated, crimes, result = made.known, made.stated, made.crimes, made.result
    anchors = [y for y in period if (country, y) in known or (country, y) in stated]
    gaps = [y for y in period if (country, y) not in known and (country, y) not in made.lines]
    unlinked = []
    for year in year_rules.years_to_carry(
        country, period, anchors, gaps, result.note, shared=("line", "lines"), missing_rule=5
    ):
        before, after = year_rules.neighbours(anchors, year)
        anchor = after if before is None else before
        if (country, year) not in crimes or not crimes.get((country, anchor)):
            unlinked.append(year)
            continue
        lines = known.get((country, anchor)) or stated[(country, anchor)]
        factor = crimes[(country, year)] / crimes[(country, anchor)]
        carried = keep_identities(year_rules.scale(lines, factor), holds_identities(lines))
        if (country, anchor) in stated:
            made.on_statement.add((country, year))
        source = SOURCE_CARRIED_STATED if (country, year) in made.on_statement else SOURCE_CARRIED
        made.lines[(country, year)] = (carried, source)
    if unlinked:
        result.note(
            f"{country}: no offences to carry a known year to {describe_years(unlinked)}: "
            "missing (rule 4)."
        )


def _share_notes(
    known: dict[Key, Lines], made: dict[Key, tuple[Lines, str]], on_statement: set[Key]
) -> list[str]:
    """The summary's account of C13 and C14: women and juveniles, official and invented."""
    notes = []
    for claim, label, line, years in (
        ("C13", "women", WOMEN, range(FIRST_YEAR, LAST_YEAR + 1)),
        ("C14", "juveniles", JUVENILES, range(STATED_YEAR, STATED_YEAR + 1)),
    ):
        published = [lines for (_, y), lines in known.items() if y in years and line in lines]
        part = sum(lines[line] for lines in published)
        whole = sum(lines[ALL] for lines in published if ALL in lines)
        share = f" ({part / whole * 100:.1f}% of their persons)" if whole else ""
        derived = invented = 0
        for key, (lines, _) in made.items():
            if key[1] in years and line in lines:
                if key in on_statement:
                    invented += lines[line]
                else:
                    derived += lines[line]
        notes.append(
            f"{claim} ({label}, {describe_years(list(years))}): official rows give {part:,}"
            f"{share}, rows derived from them alone {derived:,}, rows resting on the "
            f"statements' shares {invented:,}."
        )
    return notes


main = reconstruction_main(
    __doc__.splitlines()[0], TABLE, build_drug_arrests, (TABLE, "drug_offences"), rows_made_by(MODULE)
)


if __name__ == "__main__":
    sys.exit(main())
