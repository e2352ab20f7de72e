"""Wording helpers for main points: one short sentence per analysis, worded from its key figures.

A notebook states its own main point (``bulletin.publish.report.main_point``); the front page takes
it from there. A point made from numbers is worded here through ``bulletin.core.wording``, so the
words follow the numbers: each helper takes the key figures the notebook recorded (a list of
records, or a mapping by name) and returns a :class:`~bulletin.publish.report.MainPoint` (the
sentence and the figures it states), or None when a figure it words is missing or has no value.
A new analysis needs no helper here: it can state its sentence with its figures in the notebook.

**Never a reconstructed figure as a finding** (issue 13). A main point whose figures rest on
reconstructed rows must say "reconstructed" in its sentence, or it is not stated at all
(:func:`checked_point` leaves it off the front page and logs why); each helper words its figures
by their status. How a helper is made, and the words the helpers share, are in
:mod:`bulletin.publish.point_words`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from bulletin.core.periods import MONTHS, STATEMENTS_ISSUE, Quarter, data_quarter
from bulletin.core.regions import CENTRAL_ASIA
from bulletin.core.wording import (
    count_in_words,
    describe_change,
    describe_count,
    describe_direction,
    describe_percent,
    describe_quantity,
    describe_shift,
    number_in_words,
)
from bulletin.publish.point_words import (
    Figures,
    Worded,
    capitalised,
    country_list,
    made,
    stated,
    words,
)
from bulletin.publish.report import order_statuses, split_statuses

log = logging.getLogger(__name__)


@words("seizures_quarter_cannabis_herb_resin_t", "seizures_quarter_heroin_opium_t", "seizures_quarter_countries_reporting")
def quarterly_seizures_point(figures: Figures) -> str:
    """Analysis 1 (C1), as the bulletin puts it, said as far as its figures are measured.

    "Almost four tons of marijuana and hashish and over one ton of heroin and opium were seized
    in five countries of Central Asia in January-March 2017." The sentence follows the statuses of
    the quarter's figures: official quarterly figures (a country's submission) are stated as
    seizures; figures reconstructed from the bulletin's statement (its own quarter) or split from
    the official years are said to be so; a mix says which part is which.
    """
    cannabis = figures["seizures_quarter_cannabis_herb_resin_t"]
    opiates = figures["seizures_quarter_heroin_opium_t"]
    countries = figures["seizures_quarter_countries_reporting"]
    quarter = Quarter.parse(cannabis["period"])
    amounts = (
        f"{describe_quantity(cannabis['value'], 'ton')} of marijuana and hashish, "
        f"{describe_quantity(opiates['value'], 'ton')} of heroin and opium"
    )
    statuses = set(split_statuses(cannabis.get("status", ""))) | set(
        split_statuses(opiates.get("status", ""))
    )
    if statuses and statuses <= {"reconstructed", "estimate"}:
        if quarter == data_quarter(STATEMENTS_ISSUE):
            basis = "from the bulletin's own statement and the official annual figures"
        else:
            basis = "by splitting the official annual figures into quarters"
        return (
            f"No quarterly seizure figures are published for {quarter.months}: the figures of "
            f"this issue ({amounts}) are reconstructed by this project {basis}, not measured."
        )
    if made(cannabis, opiates, countries):
        return (
            f"In {quarter.months}, {amounts} were seized in the five countries of Central Asia: "
            "partly quarterly figures the countries reported, partly figures this project "
            "reconstructed from the official annual figures where none was reported."
        )
    return capitalised(
        f"{describe_quantity(cannabis['value'], 'ton')} of marijuana and hashish and "
        f"{describe_quantity(opiates['value'], 'ton')} of heroin and opium were seized in "
        f"{count_in_words(int(countries['value']), 'country', 'countries')} of Central Asia in "
        f"{quarter.months}."
    )


@words("market_heroin_peak_years", "market_opium_peak_years", "market_cannabis_share_pct")
def drug_market_point(figures: Figures) -> str:
    """Analysis 2 (C2, C3): the peaks of heroin and opium, and cannabis's share in the last year.

    Peaks that fall in reconstructed years are not stated.
    """
    heroin = figures["market_heroin_peak_years"]
    opium = figures["market_opium_peak_years"]
    share = figures["market_cannabis_share_pct"]
    said = (
        f"in {share['period']}, cannabis-type drugs made up {describe_percent(share['value'])} of "
        "the four drugs seized"
        + (" (reconstructed figures, not official)" if made(share) else "")
    )
    if made(heroin, opium):
        return capitalised(
            f"{said}; the peak years of heroin and opium are not stated here: they fall in years "
            "reconstructed by this project, not published figures."
        )
    return (
        f"Over {heroin['period']}, heroin seizures in Central Asia peaked in {heroin['value']} "
        f"and opium seizures in {opium['value']}; {said}."
    )


@words("cannabis_share_first_pct", "cannabis_share_pct")
def cannabis_point(figures: Figures) -> str:
    """Analysis 3 (C4): "The share of cannabis-type drugs ... increased from 65% to 90%".

    A share resting on reconstructed figures is not stated as a finding.
    """
    first = figures["cannabis_share_first_pct"]
    last = figures["cannabis_share_pct"]
    if made(last):
        return (
            f"In {last['period']}, cannabis-type drugs made up {describe_percent(last['value'])} "
            "of the four drugs seized, on figures partly reconstructed from the bulletin's "
            "statements, not official."
        )
    if made(first):
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


def _how_often(count: dict, years: dict, every: str, some: str) -> str:
    """How often, in words: "in every year ..." or "in three of the five years ...".

    Args:
        count: the figure counting the years something happened.
        years: the figure counting the years compared.
        every: the years compared, after "in every" ("year of 2010-2016").
        some: the years compared, after "in three of the five" ("years of 2010-2016 ...").
    """
    happened, compared = int(count["value"]), int(years["value"])
    if happened == compared:
        return f"in every {every}"
    return f"in {number_in_words(happened)} of the {number_in_words(compared)} {some}"


@words("heroin_years_russia_higher", "heroin_years_compared")
def heroin_point(figures: Figures) -> str | Worded:
    """Analysis 4 (C6): in how many years Russia seized more heroin than Central Asia.

    Over the years with official figures for both, when some are reconstructed.
    """
    higher = figures["heroin_years_russia_higher"]
    compared = figures["heroin_years_compared"]
    not_official = figures.get("heroin_years_not_official")
    if made(higher, compared) and not_official:
        official_higher = figures.get("heroin_official_years_russia_higher")
        official = figures.get("heroin_official_years_compared")
        if not official_higher or not official:
            return (
                "The heroin figures of the Russian Federation and Central Asia for "
                f"{compared['period']} are partly reconstructed by this project: no "
                "comparison is stated here."
            )
        both = f"with official figures for both ({official['period']})"
        when = _how_often(official_higher, official, f"year {both}", f"years {both}")
        return Worded(
            "The Russian Federation seized more heroin than the five countries of Central Asia "
            f"together {when}; {not_official['value']} are reconstructed and left out.",
            ("heroin_official_years_russia_higher", "heroin_official_years_compared",
             "heroin_years_not_official"),
        )
    period = compared["period"]
    when = _how_often(
        higher, compared, f"year of {period}", f"years of {period} with figures for both"
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


@words("routes_new_legs")
def routes_point(figures: Figures) -> str | Worded:
    """Analysis 5 (C7, C8): new route legs against the baseline, and Afghan cannabis.

    The share of Afghan cannabis in TJK and UZB; cases reconstructed from the bulletin give no
    finding.
    """
    new = figures["routes_new_legs"]
    period_text = str(new["period"])
    period = _months_interval(period_text)
    if made(new):
        return (
            f"No public seizure cases of {period} are in the tables: the cases of this issue "
            "are reconstructed by this project, so the routes they show are no "
            "finding."
        )
    against = period_text.split(" against ")[1] if " against " in period_text else ""
    if new.get("value") is None:  # a baseline with no leg: nothing can be told new
        earlier = f"of {_months_interval(against)} " if against else "before it "
        return (
            f"No seizure case {earlier}in the tables has a known route through the five "
            f"countries, so no trafficking route leg of {period} can be told new."
        )
    count = int(new["value"])
    baseline = f" against {_months_interval(against)}" if against else ""
    sentence = (
        f"No new trafficking route leg appeared in the seizure cases of {period}{baseline}"
        if count == 0
        else f"{capitalised(number_in_words(count))} trafficking route "
        f"leg{'s' if count > 1 else ''} through the five countries appeared in the seizure cases "
        f"of {period} that the cases of {_months_interval(against) if against else 'the baseline'} "
        "do not show"
    )
    share_names = tuple(f"routes_afghan_cannabis_share_{code}_pct" for code in ("tjk", "uzb"))
    shares = [figures.get(name) for name in share_names]
    if all(share and share.get("value") is not None and not made(share) for share in shares):
        tajikistan, uzbekistan = (describe_percent(share["value"]) for share in shares)
        sentence += (
            f"; Afghanistan was the origin of {tajikistan} of the cannabis seized in Tajikistan "
            f"and {uzbekistan} in Uzbekistan"
        )
        return Worded(sentence + ".", ("routes_new_legs", *share_names))
    return sentence + "."


def _official_part(
    figures: Figures, total_name: str, official_name: str, noun: str, counted: str
) -> Worded:
    """A total that rests partly or wholly on reconstructed figures, said as such.

    The official part with its countries, and the rest reconstructed; or, with no official part,
    that the whole total is reconstructed.

    Args:
        figures: the issue's key figures.
        total_name: the name of the regional total's figure.
        official_name: the name of the figure of the total's official part (and, with
            ``_countries`` added, of its countries).
        noun: what is counted, after "No official count of".
        counted: what the countries with official figures did, ``{count}`` standing for the
            count in words ("reported {count} drug-related offences").
    """
    total = figures[total_name]
    official = figures.get(official_name)
    countries_name = f"{official_name}_countries"
    countries = figures.get(countries_name)
    if official and countries and official.get("period") == total["period"] and official["value"]:
        return Worded(
            f"In {total['period']}, the countries with official figures "
            f"({country_list(countries['value'])}) "
            f"{counted.format(count=describe_count(official['value']))}; the five countries' "
            f"total of {int(total['value']):,} rests partly on "
            "figures reconstructed by this project",
            (official_name, countries_name, total_name),
        )
    return Worded(
        f"No official count of {noun} in {total['period']} is published for the five countries: "
        f"the total of {int(total['value']):,} in this issue is reconstructed by this project, "
        "not published",
        (total_name,),
    )


def _total_sentence(
    figures: Figures, total_name: str, reporting_name: str, official: tuple[str, str, str],
    counted: str,
) -> Worded:
    """The opening of a crime page's point: the region's total, or its official part.

    Args:
        figures: the issue's key figures.
        total_name: the name of the regional total's figure.
        reporting_name: the name of the figure counting the countries behind it.
        official: the arguments of :func:`_official_part` after the total (the official part's
            figure, the noun, the official part in words), used when the total is partly
            reconstructed.
        counted: the total in words, with its verb ("12,400 offences were reported").
    """
    total = figures[total_name]
    if made(total):
        return _official_part(figures, total_name, *official)
    reporting = int(figures[reporting_name]["value"])
    covered = (
        "" if reporting >= len(CENTRAL_ASIA)
        else f", {number_in_words(reporting)} of the five countries reporting"
    )
    return Worded(
        f"In {total['period']}, {counted} in Central Asia{covered}", (total_name, reporting_name)
    )


@words("crime_offences_total", "crime_offences_countries_reporting")
def drug_crime_point(figures: Figures) -> Worded:
    """Analysis 6 (C9, C11): offences reported in the last year, and the share linked to selling.

    The share is over the countries that report selling apart; reconstructed figures are said to
    be so, and a reconstructed share is not stated.
    """
    total = figures["crime_offences_total"]
    selling = figures.get("crime_selling_share_pct")
    countries = figures.get("crime_selling_countries")
    sentence, names = _total_sentence(
        figures, "crime_offences_total", "crime_offences_countries_reporting",
        ("crime_offences_official", "drug-related offences",
         "reported {count} drug-related offences"),
        f"{describe_count(total['value'])} drug-related offences were reported",
    )
    if (
        selling and selling.get("value") is not None and not made(selling)
        and selling.get("period") == total["period"] and countries
    ):
        sentence += (
            f"; offences linked to selling drugs were {describe_percent(selling['value'])} of the "
            f"offences of the countries that report them apart ({country_list(countries['value'])})"
        )
        names += ("crime_selling_share_pct", "crime_selling_countries")
    return Worded(sentence + ".", names)


@words("arrests_persons_total", "arrests_persons_countries_reporting")
def arrests_point(figures: Figures) -> Worded:
    """Analysis 7 (C12, C13): persons arrested in the last year, and the average share of women.

    Reconstructed figures are said to be so, and a reconstructed share is not stated; figures of
    the year that the import flagged as implausible are named.
    """
    total = figures["arrests_persons_total"]
    women = figures.get("arrests_women_mean_share_pct")
    sentence, names = _total_sentence(
        figures, "arrests_persons_total", "arrests_persons_countries_reporting",
        ("arrests_persons_official", "persons arrested for drug-related crime",
         "arrested {count} people for drug-related crime"),
        f"{describe_count(total['value'], 'people')} were arrested for drug-related crime",
    )
    flagged = figures.get("arrests_persons_flagged_countries")
    if flagged and flagged.get("value") and flagged.get("period") == total["period"]:
        sentence += (
            f" ({total['period']} figures of {country_list(flagged['value'])} flagged as "
            "implausible when imported, kept as published)"
        )
        names += ("arrests_persons_flagged_countries",)
    if women and women.get("value") is not None and not made(women):
        sentence += (
            f"; women were {describe_percent(women['value'])} of those arrested on average over "
            f"{women['period']}"
        )
        names += ("arrests_women_mean_share_pct",)
    return Worded(sentence + ".", names)


@words("crimestats_official_cells_pct", "crimestats_indicators", "crimestats_countries_without_official_sdg16")
def crime_statistics_point(figures: Figures) -> str:
    """Analysis 8: how much of the crime indicators' indicator-years official figures fill.

    And how much only reconstructed or stated ones do.
    """
    official = figures["crimestats_official_cells_pct"]
    indicators = int(figures["crimestats_indicators"]["value"])
    without = int(figures["crimestats_countries_without_official_sdg16"]["value"])
    others = []
    for name, phrase in (
        ("crimestats_stated_cells_pct", "only a figure stated in the bulletin"),
        ("crimestats_reconstructed_cells_pct", "only a figure reconstructed from the bulletin"),
    ):
        record = figures.get(name)
        if record and record.get("value"):
            others.append(f"{describe_percent(record['value'])} {phrase}")
    return (
        f"Official figures fill {describe_percent(official['value'])} of the indicator-years of "
        f"{number_in_words(indicators)} crime indicators over {official['period']}"
        + (f" ({'; '.join(others)})" if others else "")
        + f"; {number_in_words(without)} of the five countries have no official SDG 16 figures."
    )


@words("gbv_crisis_centre_clients_2015", "gbv_crisis_centre_clients_change_2010_2015_pct")
def gender_based_violence_point(figures: Figures) -> str:
    """Analysis 9 (C15): people who turned to crisis centres, and the change since 2010.

    The change is not stated when the earlier figure is reconstructed from that very statement.
    """
    clients = figures["gbv_crisis_centre_clients_2015"]
    change = figures["gbv_crisis_centre_clients_change_2010_2015_pct"]
    first_year = str(change["period"]).split("-")[0]
    whose = " (the bulletin's own figure)" if stated(clients) else ""
    said = (
        f"In Kyrgyzstan, {number_in_words(int(clients['value']))} people turned to crisis centres "
        f"and other institutions for help in {clients['period']}{whose}"
    )
    if made(change):
        return (
            f"{said}; the {first_year} figure behind the bulletin's increase is reconstructed "
            "from that statement, not published, so the change is not stated here."
        )
    return f"{said}, {describe_change(100 + float(change['value']), 100)} from {first_year}."


@words("policing_women_share_pct", "policing_female_officers_trained")
def women_in_policing_point(figures: Figures) -> str:
    """Analysis 10 (C17, C18): women among certified police officers, and officers trained."""
    share = figures["policing_women_share_pct"]
    trained = figures["policing_female_officers_trained"]
    floor = "at least " if "floor" in str(trained.get("unit", "")) else ""
    as_stated = (
        " (the bulletin's figure: no official series is published)" if stated(share) else ""
    )
    return (
        f"In {share['period']}, {describe_percent(share['value'], decimals=1)} of certified police "
        f"officers in Kyrgyzstan were women{as_stated}; {floor}"
        f"{number_in_words(int(trained['value']))} female police officers received training."
    )


@words("milestones_activities", "milestones_participants_total", "milestones_countries_taking_part")
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
    return capitalised(
        f"{number_in_words(activities)} {'activity' if activities == 1 else 'activities'} of "
        f"the quarter brought together {people} participants from "
        f"{count_in_words(countries, 'country', 'countries')}" + (", as the issue reports them" if stated(participants) else "")
        + "."
    )


def checked_point(
    notebook: str, record: Mapping[str, Any], data_statuses: Iterable[str] = ()
) -> tuple[str, list[str]] | None:
    """A main point a notebook stated, and the statuses it rests on, or None if it may not stand.

    Args:
        notebook: the analysis (for the log).
        record: the point's record (``bulletin.publish.report.main_point_record``).
        data_statuses: the statuses of all the data the analysis shows: those of a point stated
            without figures.

    Returns:
        The sentence and its statuses (in order of trust); None, logged, when they are
        reconstructed (or estimated) and the sentence does not say so.
    """
    sentence = str(record.get("sentence", "")).strip()
    if not sentence:
        return None
    given = record.get("statuses") if record.get("figures") else None
    statuses = order_statuses(list(given if given is not None else data_statuses))
    if set(statuses) & {"reconstructed", "estimate"} and "reconstructed" not in sentence.lower():
        log.warning("no main point for %s: its figures are reconstructed and the sentence "
                    "does not say so", notebook)
        return None
    return sentence, statuses
