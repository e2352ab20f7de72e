"""The issue's front page: its title and period, the main points, and the contents.

The front page is built from the rendered analyses, so a new notebook appears on it without any
edit here: its title (first heading), one-line summary (the first sentence under the title), the
status of its data (from the figures it recorded and the charts and tables it showed) and a link
to its page.

**Main points.** One short sentence per analysis, made from ``figures.json`` through
``bulletin.core.wording``, so the words follow the numbers. Each main point is registered below with
the names of the key figures it needs; an analysis gets the first main point whose figures it
recorded (every one of them), so a main point follows its figures, not a file name. An analysis
with no registered main point, or whose figures are missing, still appears in the contents with
its summary. To give a new analysis a main point, add a function taking the figures by name and
returning a sentence, and register it in ``MAIN_POINTS`` with the figure names it reads.

**Never a reconstructed figure as a finding** (issue 13). A main point whose figures rest on
reconstructed rows must say "reconstructed" in its sentence, or it is not stated at all
(:func:`main_point` drops it and logs why); each writer words its figures by their status.

**The bulletin's statements, checked.** Every claim of ``claims.json`` is listed with its basis
beside it, in three groups (:func:`claim_group`): checked against published figures (basis
``official`` or ``mixed``), resting on the bulletin's own figures (``stated``), and "what the
bulletin says, not checkable here" (basis ``reconstructed``, or not testable). A claim resting on
figures reconstructed from it is listed there rather than left out: a reader should see which of
the issue's statements stand unverified, and why; it is never among the findings.

**About the data.** For each analysis, per table it read, the shares of rows and of the quantity
(kilograms, counts) that are official, stated and reconstructed, with the years of each: the data
records the notebooks made with ``report.record_data`` (facts as data, never read from prose).
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import nbformat

from bulletin.core.periods import MONTHS, Quarter
from bulletin.core.wording import (
    describe_change,
    describe_count,
    describe_direction,
    describe_percent,
    describe_quantity,
    describe_shift,
    join_words,
    number_in_words,
)
from bulletin.data.trust import (
    STATUS_LABELS,
    least_trusted,
    order_of_trust,
)
from bulletin.data.vocab import country_name
from bulletin.publish.charts import is_reconstructed
from bulletin.publish.pages import (
    BULLETIN_TITLE,
    PAGE_FACTS_KEY,
    PUBLISHER,
    analysis_number,
    claim_badges,
    describe_statuses,
    order_statuses,
    prepare_for_readers,
    section_of,
    status_class,
    statuses_in,
    stylesheet,
)

log = logging.getLogger(__name__)

Figures = Mapping[str, Mapping[str, Any]]

TEMPLATE = "front_page.html.j2"
_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "bulletin"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class MainPoint:
    """A main point of the issue: the key figures it reads, and how it words them."""

    figures: tuple[str, ...]
    write: Callable[[Figures], str]


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def _countries(count: int) -> str:
    return f"{number_in_words(count)} {'country' if count == 1 else 'countries'}"


def _made(*records: Mapping[str, Any]) -> bool:
    """Whether any of some figures rests on rows the project made (reconstructed or estimated)."""
    return any(is_reconstructed(str(r.get("status", ""))) for r in records if r)


def _stated(record: Mapping[str, Any]) -> bool:
    """Whether a figure is the bulletin's own (stated in its text, not official)."""
    return least_trusted(str(record.get("status", ""))) == "stated"


def _country_list(codes: str) -> str:
    """ISO3 codes joined by ``;`` as country names in a sentence."""
    return join_words([country_name(c) for c in str(codes).split(";") if c])


def quarterly_seizures_point(figures: Figures) -> str:
    """Analysis 1, as the bulletin puts it (C1): "Almost four tons of marijuana and hashish and
    over one ton of heroin and opium were seized in five countries of Central Asia in
    January-March 2017." Figures reconstructed from that very statement are said to be so."""
    cannabis = figures["seizures_quarter_cannabis_herb_resin_t"]
    opiates = figures["seizures_quarter_heroin_opium_t"]
    countries = figures["seizures_quarter_countries_reporting"]
    months = Quarter.parse(cannabis["period"]).months
    if _made(cannabis, opiates, countries):
        return (
            f"No quarterly seizure figures are published: the {months} figures of this issue "
            f"({describe_quantity(cannabis['value'], 'ton')} of marijuana and hashish, "
            f"{describe_quantity(opiates['value'], 'ton')} of heroin and opium) are reconstructed "
            "from the bulletin's own statement and the official annual figures, not measured."
        )
    return _sentence(
        f"{describe_quantity(cannabis['value'], 'ton')} of marijuana and hashish and "
        f"{describe_quantity(opiates['value'], 'ton')} of heroin and opium were seized in "
        f"{_countries(int(countries['value']))} of Central Asia in {months}."
    )


def drug_market_point(figures: Figures) -> str:
    """Analysis 2 (C2, C3): the peaks of heroin and opium, and cannabis's share in the last year;
    peaks that fall in reconstructed years are not stated."""
    heroin = figures["market_heroin_peak_years"]
    opium = figures["market_opium_peak_years"]
    share = figures["market_cannabis_share_pct"]
    said = (
        f"in {share['period']}, cannabis-type drugs made up {describe_percent(share['value'])} of "
        "the four drugs seized"
        + (" (reconstructed figures, not official)" if _made(share) else "")
    )
    if _made(heroin, opium):
        return _sentence(
            f"{said}; the peak years of heroin and opium are not stated here: they fall in years "
            "reconstructed by this project, not published figures."
        )
    return (
        f"Over {heroin['period']}, heroin seizures in Central Asia peaked in {heroin['value']} "
        f"and opium seizures in {opium['value']}; {said}."
    )


def cannabis_point(figures: Figures) -> str:
    """Analysis 3 (C4): "The share of cannabis-type drugs ... increased from 65% to 90%"; a share
    resting on reconstructed figures is not stated as a finding."""
    first = figures["cannabis_share_first_pct"]
    last = figures["cannabis_share_pct"]
    if _made(last):
        return (
            f"In {last['period']}, cannabis-type drugs made up {describe_percent(last['value'])} "
            "of the four drugs seized, on figures partly reconstructed from the bulletin's "
            "statements, not official."
        )
    if _made(first):
        return (
            f"In {last['period']}, cannabis-type drugs made up {describe_percent(last['value'])} "
            f"of the four drugs seized (official figures); the {first['period']} share is "
            "reconstructed from the bulletin's own statement, so the rise it reports is not "
            "stated here."
        )
    return (
        "The share of cannabis-type drugs in all drugs seized "
        f"{describe_direction(first['value'], last['value'])} "
        f"{describe_shift(first['value'], last['value'], first['period'], last['period'])}."
    )


def heroin_point(figures: Figures) -> str:
    """Analysis 4 (C6): in how many years Russia seized more heroin than Central Asia, over the
    years with official figures for both when some are reconstructed."""
    higher = figures["heroin_years_russia_higher"]
    compared = figures["heroin_years_compared"]
    not_official = figures.get("heroin_years_not_official")
    if _made(higher, compared) and not_official:
        official_higher = figures.get("heroin_official_years_russia_higher")
        official = figures.get("heroin_official_years_compared")
        if not official_higher or not official:
            return (
                "The heroin figures of the Russian Federation and Central Asia for "
                f"{compared['period']} are partly reconstructed by this project: no "
                "comparison is stated here."
            )
        count, years = int(official_higher["value"]), int(official["value"])
        when = (
            f"in every year with official figures for both ({official['period']})"
            if count == years
            else f"in {number_in_words(count)} of the {number_in_words(years)} years with "
            f"official figures for both ({official['period']})"
        )
        return (
            "The Russian Federation seized more heroin than the five countries of Central Asia "
            f"together {when}; {not_official['value']} are reconstructed and left out."
        )
    count, years = int(higher["value"]), int(compared["value"])
    when = (
        f"in every year of {compared['period']}"
        if count == years
        else f"in {number_in_words(count)} of the {number_in_words(years)} years of "
        f"{compared['period']} with figures for both"
    )
    return (
        "The Russian Federation seized more heroin than the five countries of Central Asia "
        f"together {when}."
    )


def _months_interval(interval: str) -> str:
    """``2012-01/2017-06`` as the bulletin writes it: "2012-June 2017"."""
    first, last = (part.split("-") for part in interval.split(" ")[0].split("/"))
    start = first[0] if first[1] == "01" else f"{MONTHS[int(first[1]) - 1]} {first[0]}"
    end = last[0] if last[1] == "12" else f"{MONTHS[int(last[1]) - 1]} {last[0]}"
    return start if start == end else f"{start}-{end}"


def routes_point(figures: Figures) -> str:
    """Analysis 5 (C7, C8): new route legs in the period against the baseline, and Afghan
    cannabis in TJK and UZB; cases reconstructed from the bulletin give no finding."""
    new = figures["routes_new_legs"]
    period_text = str(new["period"])
    period = _months_interval(period_text)
    if _made(new):
        return (
            f"No public seizure cases of {period} are in the tables: the cases of this issue "
            "are reconstructed by this project, so the routes they show are no "
            "finding."
        )
    count = int(new["value"])
    against = period_text.split(" against ")[1] if " against " in period_text else ""
    baseline = f" against {_months_interval(against)}" if against else ""
    sentence = (
        f"No new trafficking route leg appeared in the seizure cases of {period}{baseline}"
        if count == 0
        else f"{_sentence(number_in_words(count))} trafficking route "
        f"leg{'s' if count > 1 else ''} through the five countries appeared in the seizure cases "
        f"of {period} that the cases of {_months_interval(against) if against else 'the baseline'} "
        "do not show"
    )
    shares = [figures.get(f"routes_afghan_cannabis_share_{code}_pct") for code in ("tjk", "uzb")]
    if all(share and share.get("value") is not None for share in shares):
        tajikistan, uzbekistan = (describe_percent(share["value"]) for share in shares)
        sentence += (
            f"; Afghanistan was the origin of {tajikistan} of the cannabis seized in Tajikistan "
            f"and {uzbekistan} in Uzbekistan"
        )
    return sentence + "."


def _official_part(
    figures: Figures, total: Mapping[str, Any], official_name: str, noun: str, verb: str
) -> str:
    """A total that rests partly or wholly on reconstructed figures, said as such: the official
    part with its countries, and the rest reconstructed."""
    official = figures.get(official_name)
    countries = figures.get(f"{official_name}_countries")
    if official and countries and official.get("period") == total["period"] and official["value"]:
        return (
            f"In {total['period']}, the countries with official figures "
            f"({_country_list(countries['value'])}) {verb} {describe_count(official['value'])} "
            f"{noun}; the five countries' total of {int(total['value']):,} rests partly on "
            "figures reconstructed by this project"
        )
    return (
        f"No official count of {noun} in {total['period']} is published for the five countries: "
        f"the total of {int(total['value']):,} in this issue is reconstructed from the bulletin's "
        "statements"
    )


def drug_crime_point(figures: Figures) -> str:
    """Analysis 6 (C9, C11): offences reported in the last year, and the share linked to selling
    over the countries that report selling apart; reconstructed figures said to be so."""
    total = figures["crime_offences_total"]
    selling = figures.get("crime_selling_share_pct")
    countries = figures.get("crime_selling_countries")
    if _made(total):
        sentence = _official_part(figures, total, "crime_offences_official",
                                  "drug-related offences", "reported")
    else:
        sentence = (
            f"In {total['period']}, {describe_count(total['value'])} drug-related offences were "
            "reported in Central Asia"
        )
    if (
        selling and selling.get("value") is not None and not _made(selling)
        and selling.get("period") == total["period"] and countries
    ):
        sentence += (
            f"; offences linked to selling drugs were {describe_percent(selling['value'])} of the "
            f"offences of the countries that report them apart ({_country_list(countries['value'])})"
        )
    return sentence + "."


def arrests_point(figures: Figures) -> str:
    """Analysis 7 (C12, C13): persons arrested in the last year, and the average share of women;
    reconstructed figures said to be so, and a reconstructed share not stated."""
    total = figures["arrests_persons_total"]
    women = figures["arrests_women_mean_share_pct"]
    if _made(total):
        sentence = _official_part(figures, total, "arrests_persons_official",
                                  "persons arrested for drug-related crime", "arrested")
    else:
        sentence = (
            f"In {total['period']}, {describe_count(total['value'], 'people')} were arrested for "
            "drug-related crime in Central Asia"
        )
    if not _made(women):
        sentence += (
            f"; women were {describe_percent(women['value'])} of those arrested on average over "
            f"{women['period']}"
        )
    return sentence + "."


def crime_statistics_point(figures: Figures) -> str:
    """Analysis 8: how much of the crime indicators' country-years official figures fill, and how
    much only reconstructed or stated ones."""
    official = figures["crimestats_official_cells_pct"]
    indicators = int(figures["crimestats_indicators"]["value"])
    without = int(figures["crimestats_countries_without_official_sdg16"]["value"])
    others = []
    for name, words in (
        ("crimestats_stated_cells_pct", "only a figure stated in the bulletin"),
        ("crimestats_reconstructed_cells_pct", "only a figure reconstructed from the bulletin"),
    ):
        record = figures.get(name)
        if record and record.get("value"):
            others.append(f"{describe_percent(record['value'])} {words}")
    return (
        f"Official figures fill {describe_percent(official['value'])} of the country-years of "
        f"{number_in_words(indicators)} crime indicators over {official['period']}"
        + (f" ({'; '.join(others)})" if others else "")
        + f"; {number_in_words(without)} of the five countries have no official SDG 16 figures."
    )


def gender_based_violence_point(figures: Figures) -> str:
    """Analysis 9 (C15): people who turned to crisis centres, and the change since 2010 unless
    the earlier figure is reconstructed from that very statement."""
    clients = figures["gbv_crisis_centre_clients_2015"]
    change = figures["gbv_crisis_centre_clients_change_2010_2015_pct"]
    first_year = str(change["period"]).split("-")[0]
    whose = " (the bulletin's own figure)" if _stated(clients) else ""
    said = (
        f"In Kyrgyzstan, {number_in_words(int(clients['value']))} people turned to crisis centres "
        f"and other institutions for help in {clients['period']}{whose}"
    )
    if _made(change):
        return (
            f"{said}; the {first_year} figure behind the bulletin's increase is reconstructed "
            "from that statement, not published, so the change is not stated here."
        )
    return f"{said}, {describe_change(100 + float(change['value']), 100)} from {first_year}."


def women_in_policing_point(figures: Figures) -> str:
    """Analysis 10 (C17, C18): women among certified police officers, and officers trained."""
    share = figures["policing_women_share_pct"]
    trained = figures["policing_female_officers_trained"]
    floor = "at least " if "floor" in str(trained.get("unit", "")) else ""
    as_stated = (
        " (the bulletin's figure: no official series is published)" if _stated(share) else ""
    )
    return (
        f"In {share['period']}, {describe_percent(share['value'], decimals=1)} of certified police "
        f"officers in Kyrgyzstan were women{as_stated}; {floor}"
        f"{number_in_words(int(trained['value']))} female police officers received training."
    )


def activities_point(figures: Figures) -> str:
    """Analysis 11 (C19): the quarter's activities, their participants and countries."""
    activities = int(figures["milestones_activities"]["value"])
    participants = figures["milestones_participants_total"]
    countries = int(figures["milestones_countries_taking_part"]["value"])
    floor = "floor" in str(participants.get("unit", ""))
    people = (
        f"at least {number_in_words(int(participants['value']))}"
        if floor
        else describe_count(participants["value"])
    )
    return _sentence(
        f"{number_in_words(activities)} {'activity' if activities == 1 else 'activities'} of "
        f"the quarter brought together {people} participants from "
        f"{_countries(countries)}" + (", as the issue reports them" if _stated(participants) else "")
        + "."
    )


MAIN_POINTS: list[MainPoint] = [
    MainPoint(
        (
            "seizures_quarter_cannabis_herb_resin_t",
            "seizures_quarter_heroin_opium_t",
            "seizures_quarter_countries_reporting",
        ),
        quarterly_seizures_point,
    ),
    MainPoint(
        ("market_heroin_peak_years", "market_opium_peak_years", "market_cannabis_share_pct"),
        drug_market_point,
    ),
    MainPoint(("cannabis_share_first_pct", "cannabis_share_pct"), cannabis_point),
    MainPoint(("heroin_years_russia_higher", "heroin_years_compared"), heroin_point),
    MainPoint(("routes_new_legs",), routes_point),
    MainPoint(("crime_offences_total",), drug_crime_point),
    MainPoint(("arrests_persons_total", "arrests_women_mean_share_pct"), arrests_point),
    MainPoint(
        (
            "crimestats_official_cells_pct",
            "crimestats_indicators",
            "crimestats_countries_without_official_sdg16",
        ),
        crime_statistics_point,
    ),
    MainPoint(
        ("gbv_crisis_centre_clients_2015", "gbv_crisis_centre_clients_change_2010_2015_pct"),
        gender_based_violence_point,
    ),
    MainPoint(
        ("policing_women_share_pct", "policing_female_officers_trained"),
        women_in_policing_point,
    ),
    MainPoint(
        (
            "milestones_activities",
            "milestones_participants_total",
            "milestones_countries_taking_part",
        ),
        activities_point,
    ),
]


def main_point(notebook: str, figures: Figures) -> tuple[str, list[str]] | None:
    """The main point of one analysis and the statuses of the figures it used, or None.

    Args:
        notebook: the analysis (its notebook's name, as in each figure's ``notebook``).
        figures: ``figures.json``'s figures by name.
    """
    recorded = {
        name for name, record in figures.items() if record.get("notebook", notebook) == notebook
    }
    for point in MAIN_POINTS:
        if not set(point.figures) <= recorded:
            continue
        try:
            sentence = point.write(figures)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("no main point for %s: %s", notebook, error)
            return None
        statuses: set[str] = set()
        for name in point.figures:
            statuses |= statuses_in(str(figures[name].get("status", "")))
        if statuses & {"reconstructed", "estimate"} and "reconstructed" not in sentence.lower():
            log.warning("no main point for %s: its figures are reconstructed and the sentence "
                        "does not say so", notebook)
            return None
        return sentence, order_statuses(statuses)
    return None


def main_points(figures: Figures, notebooks: list[str]) -> list[tuple[str, str]]:
    """The issue's main points, in the analyses' order: (notebook, sentence)."""
    points = []
    for notebook in notebooks:
        found = main_point(notebook, figures)
        if found:
            points.append((notebook, found[0]))
    return points


def _figures(
    rendered: list, issue_dir: Path | None, figures: Figures | None
) -> dict[str, dict[str, Any]]:
    if figures is not None:
        return {name: dict(record) for name, record in figures.items()}
    if issue_dir is not None and (issue_dir / "figures.json").exists():
        return json.loads((issue_dir / "figures.json").read_text(encoding="utf-8"))["figures"]
    named = {}
    for analysis in rendered:
        for record in getattr(analysis, "figures", []):
            if "name" in record:
                named[record["name"]] = {**record, "notebook": analysis.name}
    return named


def _page_facts(analysis: Any, issue_dir: Path | None) -> dict[str, Any]:
    """Summary, statuses and counts of an analysis, from its executed notebook when there."""
    executed = issue_dir / f"{analysis.name}.ipynb" if issue_dir is not None else None
    if executed is not None and executed.exists():
        nb = nbformat.read(executed, as_version=4)
        return dict(prepare_for_readers(nb, analysis.name).metadata[PAGE_FACTS_KEY])
    statuses: set[str] = set()
    for record in getattr(analysis, "figures", []):
        statuses |= statuses_in(str(record.get("status", "")))
    return {"summary": "", "statuses": order_statuses(statuses), "charts": [], "tables": []}


def _claims(rendered: list, issue_dir: Path | None) -> list[dict[str, Any]]:
    """The issue's claims, from ``claims.json`` when written, else as the analyses recorded them."""
    if issue_dir is not None and (issue_dir / "claims.json").exists():
        return list(json.loads((issue_dir / "claims.json").read_text(encoding="utf-8"))["claims"])
    found = []
    for analysis in rendered:
        for claim in getattr(analysis, "claims", []) or []:
            found.append({**claim, "notebook": claim.get("notebook", analysis.name)})
    return found


CLAIM_GROUPS = (
    (
        "checked",
        "Checked against published figures",
        "Each statement was checked on figures the project did not derive from it (all official, "
        "or partly, as its basis says).",
    ),
    (
        "stated",
        "Resting on the bulletin's own figures",
        "No published figure exists for these: the check is against the bulletin's own text.",
    ),
    (
        "not_checkable",
        "What the bulletin says, not checkable here",
        "Not findings: the figures were reconstructed from these very statements (or from the "
        "bulletin's others), or no public figure tests them.",
    ),
)


def claim_group(claim: Mapping[str, Any]) -> str:
    """Where a claim goes on the front page: ``checked`` (official or mixed basis),
    ``stated`` (the bulletin's own figures only) or ``not_checkable`` (reconstructed basis, no
    basis, or not testable: never a finding)."""
    basis = claim.get("basis")
    if claim.get("holds") is None or basis not in ("official", "mixed", "stated"):
        return "not_checkable"
    return "stated" if basis == "stated" else "checked"


def claims_for_front_page(
    claims: list[dict[str, Any]], pages_by_notebook: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The claims in their groups (:func:`claim_group`), each with its badges and page link."""
    groups = []
    for key, title, note in CLAIM_GROUPS:
        items = []
        for claim in claims:
            if claim_group(claim) != key:
                continue
            (holds, holds_class), (basis, basis_class) = claim_badges(claim)
            href = pages_by_notebook.get(str(claim.get("notebook", "")), "")
            items.append(
                {
                    "id": claim.get("id", ""),
                    "statement": claim.get("statement", ""),
                    "holds": holds,
                    "holds_class": holds_class,
                    "basis": basis,
                    "basis_class": basis_class,
                    "href": f"{href}#claim-{claim.get('id', '')}" if href else "",
                }
            )
        if items:
            groups.append({"key": key, "title": title, "note": note, "claims": items})
    return groups


SHARE_STATUSES = ("official", "stated", "reconstructed")
"""The statuses "About the data" always gives a column (others only when present)."""


def _share(value: float | None) -> str:
    """A share for "About the data": whole per cents, "<1%" for a small part that is not zero."""
    if value is None:
        return ""
    return "<1%" if 0 < value < 0.5 else f"{value:.0f}%"


def data_rows(analysis: Any, facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The "About the data" lines of one analysis: per table it read, its rows, and per status
    the share of the rows, of the quantity (where the table has one) and the years it covers.

    Returns:
        One line per table: ``number, title, href, table, rows`` and ``cells``, a mapping of each
        status present to its lines of text (share of rows, share of the quantity, years).
    """
    lines = []
    for record in facts.get("data", []) or []:
        cells = {}
        for status, entry in (record.get("statuses", {}) or {}).items():
            words = [f"{_share(entry.get('rows_pct'))} of rows"]
            if record.get("quantity") and entry.get("quantity_pct") is not None:
                words.append(f"{_share(entry['quantity_pct'])} of {record['quantity']}")
            if entry.get("years"):
                words.append(str(entry["years"]))
            cells[status] = words
        lines.append(
            {
                "number": analysis_number(analysis.name) or "",
                "title": analysis.title,
                "href": analysis.html_name,
                "table": record.get("table", ""),
                "rows": f"{int(record.get('rows', 0)):,}",
                "cells": cells,
            }
        )
    return lines


def share_columns(lines: list[dict[str, Any]]) -> list[str]:
    """The statuses "About the data" gives a column: official, stated and reconstructed always
    (the issue's question is how much of each), and any other status some table has."""
    present = {status for line in lines for status in line["cells"]}
    return sorted(set(SHARE_STATUSES) | present, key=order_of_trust)


def _read_nothing(facts: Mapping[str, Any]) -> bool:
    """Whether an analysis recorded what it read, and every table gave it no row."""
    records = facts.get("data", []) or []
    return bool(records) and all(not record.get("rows") for record in records)


def _counts(facts: Mapping[str, Any]) -> str:
    parts = []
    for key, word in (("charts", "chart"), ("tables", "table")):
        count = len(facts.get(key, []))
        if count:
            parts.append(f"{number_in_words(count)} {word}{'s' if count > 1 else ''}")
    return " and ".join(parts)


def front_page(
    issue: Quarter,
    rendered: list,
    footer: str,
    issue_dir: Path | str | None = None,
    figures: Figures | None = None,
) -> str:
    """The issue's front page as HTML.

    Args:
        issue: the issue's quarter.
        rendered: the rendered analyses, in reading order (each with ``name``, ``title``,
            ``html_name`` and the ``figures`` it recorded).
        footer: HTML of the issue-wide footer line (``pages.page_footer``).
        issue_dir: the folder being rendered, with each executed ``<name>.ipynb`` and
            ``figures.json``; gives summaries, data statuses and main points.
        figures: the key figures by name, instead of ``issue_dir/figures.json``.
    """
    issue_dir = Path(issue_dir) if issue_dir is not None else None
    all_figures = _figures(rendered, issue_dir, figures)
    data_lines: list[dict[str, Any]] = []
    points = []
    sections: dict[str, list[dict[str, Any]]] = {}
    all_statuses: set[str] = set()
    for analysis in rendered:
        facts = _page_facts(analysis, issue_dir)
        data_lines += data_rows(analysis, facts)
        statuses = list(facts.get("statuses", []))
        all_statuses |= set(statuses)
        found = main_point(analysis.name, all_figures)
        if found:
            sentence, point_statuses = found
            points.append(
                {
                    "analysis": analysis.name,
                    "sentence": sentence,
                    "href": analysis.html_name,
                    "title": analysis.title,
                    "status": describe_statuses(point_statuses),
                    "status_class": status_class(point_statuses),
                }
            )
        section = facts.get("section") or section_of(analysis.name)
        sections.setdefault(section, []).append(
            {
                "name": analysis.name,
                "number": analysis_number(analysis.name),
                "title": analysis.title,
                "href": analysis.html_name,
                "summary": facts.get("summary", ""),
                "status": describe_statuses(statuses) if statuses or not _read_nothing(facts)
                else "no data",
                "status_class": status_class(statuses),
                "counts": _counts(facts),
            }
        )
    statuses = order_statuses(all_statuses)
    issue_footer = (
        f'<p>Data of this issue: <span class="status status-{status_class(statuses)}">'
        f"{html.escape(describe_statuses(statuses))}</span>; "
        "each analysis names its sources.</p>"
        f'\n<p class="made-by">{footer}</p>'
    )
    return _ENVIRONMENT.get_template(TEMPLATE).render(
        bulletin=BULLETIN_TITLE,
        publisher=PUBLISHER,
        issue_label=issue.label,
        issue_months=issue.months,
        main_points=points,
        claim_groups=claims_for_front_page(
            _claims(rendered, issue_dir), {a.name: a.html_name for a in rendered}
        ),
        data_lines=data_lines,
        share_columns=[
            {"key": key, "label": STATUS_LABELS.get(key, key)} for key in share_columns(data_lines)
        ],
        sections=[{"title": title, "analyses": items} for title, items in sections.items()],
        css=stylesheet(),
        footer=issue_footer,
    )
