"""The issue's front page: its title and period, the main points, and the contents.

The front page is built from the rendered analyses, so a new notebook appears on it without any
edit here: its title (first heading), one-line summary (the first sentence under the title), the
status of its data (from the figures it recorded and the charts and tables it showed) and a link
to its page.

**Main points.** One short sentence per analysis, made from ``figures.json`` through
``bulletin.wording``, so the words follow the numbers. Each main point is registered below with
the names of the key figures it needs; an analysis gets the first main point whose figures it
recorded (every one of them), so a main point follows its figures, not a file name. An analysis
with no registered main point, or whose figures are missing, still appears in the contents with
its summary. To give a new analysis a main point, add a function taking the figures by name and
returning a sentence, and register it in ``MAIN_POINTS`` with the figure names it reads.
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

from bulletin.pages import (
    BULLETIN_TITLE,
    PAGE_FACTS_KEY,
    PUBLISHER,
    analysis_number,
    describe_statuses,
    order_statuses,
    prepare_for_readers,
    section_of,
    status_class,
    statuses_in,
    stylesheet,
)
from bulletin.periods import MONTHS, Quarter
from bulletin.wording import (
    describe_change,
    describe_count,
    describe_direction,
    describe_percent,
    describe_quantity,
    describe_shift,
    number_in_words,
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


def quarterly_seizures_point(figures: Figures) -> str:
    """Analysis 1, as the bulletin puts it (C1): "Almost four tons of marijuana and hashish and
    over one ton of heroin and opium were seized in five countries of Central Asia in
    January-March 2017."
    """
    cannabis = figures["seizures_quarter_cannabis_herb_resin_t"]
    opiates = figures["seizures_quarter_heroin_opium_t"]
    countries = figures["seizures_quarter_countries_reporting"]
    months = Quarter.parse(cannabis["period"]).months
    return _sentence(
        f"{describe_quantity(cannabis['value'], 'ton')} of marijuana and hashish and "
        f"{describe_quantity(opiates['value'], 'ton')} of heroin and opium were seized in "
        f"{_countries(int(countries['value']))} of Central Asia in {months}."
    )


def drug_market_point(figures: Figures) -> str:
    """Analysis 2 (C2, C3): the peaks of heroin and opium, and cannabis's share in the last year."""
    heroin = figures["market_heroin_peak_years"]["value"]
    opium = figures["market_opium_peak_years"]["value"]
    share = figures["market_cannabis_share_pct"]
    return (
        f"Heroin seizures in Central Asia peaked in {heroin} and opium seizures in {opium}; in "
        f"{share['period']}, cannabis-type drugs made up {describe_percent(share['value'])} of "
        "all drugs seized."
    )


def cannabis_point(figures: Figures) -> str:
    """Analysis 3 (C4): "The share of cannabis-type drugs ... increased from 65% to 90%"."""
    first = figures["cannabis_share_first_pct"]
    last = figures["cannabis_share_pct"]
    return (
        "The share of cannabis-type drugs in all drugs seized "
        f"{describe_direction(first['value'], last['value'])} "
        f"{describe_shift(first['value'], last['value'], first['period'], last['period'])}."
    )


def heroin_point(figures: Figures) -> str:
    """Analysis 4 (C6): in how many years Russia seized more heroin than Central Asia."""
    higher = int(figures["heroin_years_russia_higher"]["value"])
    compared = figures["heroin_years_compared"]
    years = int(compared["value"])
    when = (
        f"in every year of {compared['period']}"
        if higher == years
        else f"in {number_in_words(higher)} of the {number_in_words(years)} years of "
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
    """Analysis 5 (C7, C8): new route legs in the period, and Afghan cannabis in TJK and UZB."""
    new = figures["routes_new_legs"]
    count = int(new["value"])
    period = _months_interval(str(new["period"]))
    sentence = (
        f"No new trafficking route appeared in the seizure cases of {period}"
        if count == 0
        else f"{_sentence(number_in_words(count))} new trafficking route "
        f"leg{'s' if count > 1 else ''} appeared in the seizure cases of {period}"
    )
    shares = [figures.get(f"routes_afghan_cannabis_share_{code}_pct") for code in ("tjk", "uzb")]
    if all(share and share.get("value") is not None for share in shares):
        tajikistan, uzbekistan = (describe_percent(share["value"]) for share in shares)
        sentence += (
            f"; Afghanistan was the origin of {tajikistan} of the cannabis seized in Tajikistan "
            f"and {uzbekistan} in Uzbekistan"
        )
    return sentence + "."


def drug_crime_point(figures: Figures) -> str:
    """Analysis 6 (C9, C11): offences reported in the last year, and the share linked to selling."""
    total = figures["crime_offences_total"]
    sentence = (
        f"In {total['period']}, {describe_count(total['value'])} drug-related offences were "
        "reported in Central Asia"
    )
    selling = figures.get("crime_selling_share_pct")
    if selling and selling.get("value") is not None and selling.get("period") == total["period"]:
        sentence += f", {describe_percent(selling['value'])} of them linked to selling drugs"
    return sentence + "."


def arrests_point(figures: Figures) -> str:
    """Analysis 7 (C12, C13): persons arrested in the last year, and the average share of women."""
    total = figures["arrests_persons_total"]
    women = figures["arrests_women_mean_share_pct"]
    return (
        f"In {total['period']}, {describe_count(total['value'], 'people')} were arrested for "
        f"drug-related crime in Central Asia; women were {describe_percent(women['value'])} of "
        f"those arrested on average over {women['period']}."
    )


def crime_statistics_point(figures: Figures) -> str:
    """Analysis 8: how much of the crime indicators' country-years official figures fill."""
    official = figures["crimestats_official_cells_pct"]
    indicators = int(figures["crimestats_indicators"]["value"])
    without = int(figures["crimestats_countries_without_official_sdg16"]["value"])
    return (
        f"Official figures fill {describe_percent(official['value'])} of the country-years of "
        f"{number_in_words(indicators)} crime indicators over {official['period']}; "
        f"{number_in_words(without)} of the five countries have no official SDG 16 figures."
    )


def gender_based_violence_point(figures: Figures) -> str:
    """Analysis 9 (C15): people who turned to crisis centres, and the change since 2010."""
    clients = figures["gbv_crisis_centre_clients_2015"]
    change = figures["gbv_crisis_centre_clients_change_2010_2015_pct"]
    first_year = str(change["period"]).split("-")[0]
    return (
        f"In Kyrgyzstan, {number_in_words(int(clients['value']))} people turned to crisis centres "
        f"and other institutions for help in {clients['period']}, "
        f"{describe_change(100 + float(change['value']), 100)} from {first_year}."
    )


def women_in_policing_point(figures: Figures) -> str:
    """Analysis 10 (C17, C18): women among certified police officers, and officers trained."""
    share = figures["policing_women_share_pct"]
    trained = figures["policing_female_officers_trained"]
    floor = "at least " if "floor" in str(trained.get("unit", "")) else ""
    return (
        f"In {share['period']}, {describe_percent(share['value'], decimals=1)} of certified police "
        f"officers in Kyrgyzstan were women; {floor}{number_in_words(int(trained['value']))} "
        "female police officers received training."
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
        f"{_countries(countries)}."
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
    points = []
    sections: dict[str, list[dict[str, Any]]] = {}
    all_statuses: set[str] = set()
    for analysis in rendered:
        facts = _page_facts(analysis, issue_dir)
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
                "status": describe_statuses(statuses),
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
        sections=[{"title": title, "analyses": items} for title, items in sections.items()],
        css=stylesheet(),
        footer=issue_footer,
    )
