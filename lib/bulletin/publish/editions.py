"""A country's edition in words: its title, a country's place among the five, what it reports.

A country edition (``bulletin render --country TJK``) puts the country first. Each analysis whose
data are by country records the country's figure with its standing among the five as one key
figure (:func:`bulletin.analyses.editions.country_view` makes it): the figure's usual fields
(``value``, ``unit``, ``period``, ``status``) and ``country``, ``what`` (what is counted),
``rank`` and ``of`` (its place among the countries with a figure for the period), ``share_pct``
and ``region_value`` (its share of the five's total, and that total), and how much of the period
shown it reports (``periods_shown``, ``periods_reported``, ``periods_official``,
``last_reported``), and ``flagged`` when the import flagged the figure as implausible (kept as
published). The notebook's page and the edition's front page word that one record with
the functions here, so the two never say it differently.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from bulletin.core.numbers import plain_number, round_half_up
from bulletin.core.periods import Quarter
from bulletin.core.wording import count_in_words, describe_percent, join_words, number_in_words

_ORDINALS = ("", "", "second", "third", "fourth", "fifth")
NO_CHART = "this page shows no chart for it"


def country_name(code: str) -> str:
    """A country's name (:func:`bulletin.data.vocab.country_name`), read when an edition names one.

    Imported here, not at the top: the masthead of every page imports this module, and a warm
    render, which names no country, need not load the vocabularies (nor pandas; issue 18).
    """
    from bulletin.data.vocab import country_name as name_of

    return name_of(code)


def edition_name(country: str | None) -> str:
    """``"Tajikistan edition"``, or ``""`` for the region's issue."""
    return f"{country_name(country)} edition" if country else ""


def edition_span(country: str | None) -> str:
    """The masthead's words naming a country's edition (an HTML span), or ``""``."""
    if not country:
        return ""
    return f'<span class="edition"> — {html.escape(edition_name(country))}</span>'


def describe_period(period: str) -> str:
    """A period as readers say it: ``2017-Q1`` as its months, a year or a span of years as given.

    >>> describe_period("2017-Q1"), describe_period("2016")
    ('January-March 2017', '2016')
    """
    try:
        return Quarter.parse(period).months
    except ValueError:
        return period


def describe_value(value: float, unit: str) -> str:
    """A figure with its unit: tons to two decimals, per cents to one, counts whole.

    Under a ton, kilograms: a few kilograms would otherwise read "0 t".

    >>> describe_value(1.9494, "t"), describe_value(0.0013, "t"), describe_value(7158, "offences")
    ('1.95 t', '1.3 kg', '7,158 offences')
    """
    if unit == "t" and 0 < value < 1:
        kg = value * 1000
        return f"{plain_number(round_half_up(kg, 1 if kg < 10 else 0), 1)} kg"
    if unit == "t":
        return f"{plain_number(round_half_up(value, 2), 2)} t"
    if unit == "%":
        return f"{plain_number(round_half_up(value, 1), 1)}%"
    return f"{plain_number(round_half_up(value, 0), 0)} {unit}".strip()


def describe_rank(rank: int, of: int) -> str:
    """A country's place among those with a figure.

    >>> describe_rank(1, 4), describe_rank(2, 5), describe_rank(1, 1)
    ('the largest of the four countries reporting', 'the second largest of the five countries reporting', 'the only one of the five countries reporting')
    """
    if of == 1:
        return "the only one of the five countries reporting"
    place = "the largest" if rank == 1 else f"the {_ORDINALS[rank]} largest"
    if rank == of:
        place = "the smallest"
    return f"{place} of the {number_in_words(of)} countries reporting"


def _status_words(status: str) -> str:
    if "reconstructed" in status or "estimate" in status:
        return " (reconstructed, not official)" if "official" not in status.split("+") else (
            " (partly reconstructed, not official)"
        )
    if status == "stated":
        return " (stated in the bulletin, not official)"
    return ""


def standing_sentence(record: Mapping[str, Any], page: bool = True) -> str:
    """The country's figure, its place among the five and the region's figure, in one sentence.

    A record without a value says that the country reports none for the period, and what the
    page shows instead (:data:`NO_CHART` unless the record's ``instead`` says otherwise).

    Args:
        record: a country's key figure (see the module's docstring).
        page: for the analysis's page (says what the page shows instead of a missing figure);
            False for the front page.
    """
    name = country_name(str(record["country"]))
    period = describe_period(str(record["period"]))
    what = str(record["what"])
    if record.get("value") is None:
        last = record.get("last_reported")
        since = f" (its latest are for {describe_period(str(last))})" if last else ""
        instead = f": {record.get('instead') or NO_CHART}" if page else ""
        return f"{name} reports no figures of {what} for {period}{since}{instead}."
    unit = str(record["unit"])
    value = describe_value(float(record["value"]), unit)
    words = f"{name}'s {what}, {period}: {value}{_status_words(str(record.get('status', '')))}"
    if record.get("flagged"):
        words += " (flagged as implausible when imported, kept as published)"
    if record.get("rank"):
        words += f", {describe_rank(int(record['rank']), int(record['of']))}"
    if record.get("share_pct") is not None and int(record.get("of") or 0) > 1:
        region = describe_value(float(record["region_value"]), unit)
        words += f", {describe_percent(float(record['share_pct']))} of the region's {region}"
    return words + "."


def coverage_sentence(record: Mapping[str, Any]) -> str:
    """How much of the period shown the country reports, and how much of it is official.

    >>> coverage_sentence({"country": "TKM", "periods_shown": 7, "periods_reported": 7,
    ...     "periods_official": 3, "period_span": "2010-2016", "period_word": "year"})
    'Turkmenistan has figures for seven of the seven years 2010-2016, three of them official.'
    """
    shown = int(record.get("periods_shown") or 0)
    if not shown:
        return ""
    reported = int(record.get("periods_reported") or 0)
    official = int(record.get("periods_official") or 0)
    word = str(record.get("period_word") or "period")
    name = country_name(str(record["country"]))
    if not reported:
        return f"{name} has no figures for the {count_in_words(shown, word)} {record.get('period_span', '')}.".replace(" .", ".")
    official_words = (
        "all of them official" if official == reported
        else "none of them official" if not official
        else f"{number_in_words(official)} of them official"
    )
    plural = word if shown == 1 else word + "s"
    return (
        f"{name} has figures for {number_in_words(reported)} of the {number_in_words(shown)} "
        f"{plural} {record.get('period_span', '')}, {official_words}."
    )


def country_records(figures: Mapping[str, Mapping[str, Any]], country: str) -> dict[str, dict[str, Any]]:
    """The country's standing records of ``figures.json``, by the analysis that recorded them."""
    found: dict[str, dict[str, Any]] = {}
    for name, record in figures.items():
        if record.get("country") == country and "what" in record:
            found.setdefault(str(record.get("notebook", "")), {**record, "name": name})
    return found


def reporting_summary(records: Mapping[str, Mapping[str, Any]], country: str) -> str:
    """How much the country reports across the edition's analyses, in one or two sentences.

    Args:
        records: the country's standing records by analysis (:func:`country_records`).
        country: the edition's country (ISO3).
    """
    name = country_name(country)
    if not records:
        return f"No analysis of this issue has figures for {name}."
    with_figures = [r for r in records.values() if r.get("value") is not None]
    none = [str(r["what"]) for r in records.values() if r.get("value") is None]
    shown = sum(int(r.get("periods_shown") or 0) for r in records.values())
    reported = sum(int(r.get("periods_reported") or 0) for r in records.values())
    official = sum(int(r.get("periods_official") or 0) for r in records.values())
    count, of = len(records), number_in_words(len(records))
    if not with_figures:
        scope = "the analysis" if count == 1 else f"any of the {of} analyses"
        text = f"{name} has no figure for the latest period of {scope} by country: {join_words(none)}."
    elif not none:
        scope = {1: "the analysis", 2: "both analyses"}.get(count, f"all {of} analyses")
        text = f"{name} has a figure for the latest period of {scope} by country."
    else:
        text = (
            f"{name} has a figure for the latest period of {number_in_words(len(with_figures))} of "
            f"the {of} analyses by country; none for the {join_words(none)}."
        )
    if shown:
        text += (
            f" Of the {plain_number(shown, 0)} years and quarters "
            f"{'that analysis shows' if count == 1 else 'those analyses show'}, {name} has "
            f"a figure for {plain_number(reported, 0)} ({describe_percent(100 * reported / shown)})"
            f" and an official one for {plain_number(official, 0)} "
            f"({describe_percent(100 * official / shown)}): the others are missing, or the "
            "project's reconstructions."
        )
    return text
