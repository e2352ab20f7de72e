"""bulletin.publish.front_page: main points made from figures.json, and contents made from the analyses."""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from bulletin.core.periods import Quarter
from bulletin.publish import claim_boxes, front_page, main_points, pages, report

SEIZURE_FIGURES = {
    "seizures_quarter_cannabis_herb_resin_t": {
        "value": 3.75, "unit": "t", "period": "2017-Q1", "status": "official",
        "notebook": "01_quarterly_seizures",
    },
    "seizures_quarter_heroin_opium_t": {
        "value": 1.25, "unit": "t", "period": "2017-Q1", "status": "official",
        "notebook": "01_quarterly_seizures",
    },
    "seizures_quarter_countries_reporting": {
        "value": 5, "unit": "countries", "period": "2017-Q1", "status": "official",
        "notebook": "01_quarterly_seizures",
    },
}
C1_SENTENCE = (
    "Almost four tons of marijuana and hashish and over one ton of heroin and opium were seized "
    "in five countries of Central Asia in January-March 2017."
)
RECONSTRUCTED_SEIZURES = {
    name: {**record, "status": "reconstructed"} for name, record in SEIZURE_FIGURES.items()
}
C1_RECONSTRUCTED = (
    "No quarterly seizure figures are published for January-March 2017: the figures of this issue "
    "(almost four tons of marijuana and hashish, over one ton of heroin and opium) are "
    "reconstructed by this project from the bulletin's own statement and the official annual "
    "figures, not measured."
)


@dataclass
class Rendered:
    """What the renderer knows of a rendered analysis (bulletin.render.api.RenderedNotebook)."""

    name: str
    title: str
    html_name: str
    figures: list = field(default_factory=list)
    main_point: dict | None = None


def test_quarterly_seizures_point_words_the_figures():
    assert main_points.quarterly_seizures_point(SEIZURE_FIGURES).sentence == C1_SENTENCE
    figures = json.loads(json.dumps(SEIZURE_FIGURES))
    figures["seizures_quarter_cannabis_herb_resin_t"]["value"] = 4.02
    figures["seizures_quarter_countries_reporting"]["value"] = 1
    figures["seizures_quarter_cannabis_herb_resin_t"]["period"] = "2016-Q4"
    sentence = main_points.quarterly_seizures_point(figures).sentence
    assert sentence.startswith("Over four tons of marijuana")
    assert sentence.endswith("in one country of Central Asia in October-December 2016.")


def _record(point) -> dict:
    """A main point's record, as the notebook's ``report.main_point`` leaves it."""
    return report.main_point_record(point)


def test_a_reconstructed_quarter_is_never_worded_as_a_finding():
    point = main_points.quarterly_seizures_point(RECONSTRUCTED_SEIZURES)
    assert point.sentence == C1_RECONSTRUCTED
    assert main_points.checked_point("01_quarterly_seizures", _record(point)) == (
        C1_RECONSTRUCTED, ["reconstructed"])


def _with_statuses(period: str, status: str) -> dict:
    figures = json.loads(json.dumps(SEIZURE_FIGURES))
    for record in figures.values():
        record.update(period=period, status=status)
    return figures


def test_a_quarter_split_from_the_years_does_not_claim_the_statement():
    """Only the statement's own quarter (January-March 2017) rests on it; another reconstructed
    quarter is a split of the official years (found by a tester on 2017-Q4's front page)."""
    sentence = main_points.quarterly_seizures_point(_with_statuses("2017-Q3", "reconstructed")).sentence
    assert sentence.startswith("No quarterly seizure figures are published for July-September 2017")
    assert "by splitting the official annual figures into quarters" in sentence
    assert "statement" not in sentence


def test_a_quarter_partly_reported_says_which_part_is_which():
    """After a country's quarterly submission, the quarter is partly official: the front page must
    not say that no quarterly figure is published."""
    point = main_points.quarterly_seizures_point(_with_statuses("2017-Q3", "official+reconstructed"))
    sentence = point.sentence
    assert "No quarterly seizure figures are published" not in sentence
    assert sentence.startswith("In July-September 2017, almost four tons of marijuana and hashish")
    assert "partly quarterly figures the countries reported" in sentence
    assert "reconstructed" in sentence
    assert main_points.checked_point("01_quarterly_seizures", _record(point)) is not None  # it says so


def test_a_sentence_on_reconstructed_figures_that_does_not_say_so_is_dropped(caplog):
    heroin = {"name": "seizures_quarter_heroin_opium_t",
              **RECONSTRUCTED_SEIZURES["seizures_quarter_heroin_opium_t"]}
    said = report.main_point_record("Over one ton of heroin was seized.", [heroin])
    with caplog.at_level(logging.WARNING):
        assert main_points.checked_point("01_quarterly_seizures", said) is None
    assert ("no main point for 01_quarterly_seizures: its figures are reconstructed and the "
            "sentence does not say so") in caplog.text
    official = report.main_point_record("Over one ton of heroin was seized.",
                                        [{**heroin, "status": "official"}])
    assert main_points.checked_point("01_quarterly_seizures", official) == (
        "Over one ton of heroin was seized.", ["official"])


def test_a_point_stated_without_figures_rests_on_all_the_analysis_shows():
    said = report.main_point_record("Seizures of methamphetamine rose.")
    assert said == {"sentence": "Seizures of methamphetamine rose.", "figures": [], "statuses": []}
    assert main_points.checked_point("12_x", said, ["official"]) == (said["sentence"], ["official"])
    assert main_points.checked_point("12_x", said, ["official", "reconstructed"]) is None
    with pytest.raises(ValueError, match="needs a sentence"):
        report.main_point_record("  ")


def test_a_wording_helper_takes_the_records_the_notebook_made():
    records = [{"name": name, **record} for name, record in SEIZURE_FIGURES.items()]
    point = main_points.quarterly_seizures_point(records)
    assert point.sentence == C1_SENTENCE
    assert [f["name"] for f in point.figures] == list(main_points.quarterly_seizures_point.figures)
    assert _record(point)["statuses"] == ["official"]


def test_a_wording_helper_needs_every_figure_and_a_value(caplog):
    partial = dict(SEIZURE_FIGURES)
    partial.pop("seizures_quarter_heroin_opium_t")
    assert main_points.quarterly_seizures_point(partial) is None
    missing = json.loads(json.dumps(SEIZURE_FIGURES))
    missing["seizures_quarter_heroin_opium_t"]["value"] = None
    with caplog.at_level(logging.WARNING):
        assert main_points.quarterly_seizures_point(missing) is None
    assert "no main point from quarterly_seizures_point" in caplog.text


def _executed(
    folder: Path, name: str, title: str, summary: str, status: str, point: dict | None = None
) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("...")
    said = [nbformat.v4.new_output("display_data", data={
        report.MAIN_POINT_MIMETYPE: point, "text/plain": "main point"})] if point else []
    cell.outputs = said + [
        nbformat.v4.new_output("display_data", data={
            report.FIGURE_MIMETYPE: {"name": f"{name}_x", "value": 1, "unit": "t",
                                     "period": "2016", "status": status},
            "text/plain": "figure",
        }),
        nbformat.v4.new_output("display_data", data={
            "text/html": report.table_figure_html(report.table_facts(pd.DataFrame({"a": [1]}), "T")),
            report.TABLE_MIMETYPE: report.table_facts(pd.DataFrame({"a": [1]}), "T"),
            "text/plain": "T",
        }),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\n{summary} Second sentence."), cell]
    nbformat.write(nb, folder / f"{name}.ipynb")


@pytest.fixture
def issue_dir(tmp_path: Path) -> Path:
    _executed(tmp_path, "01_quarterly_seizures", "Seizures in Central Asia",
              "How much was seized?", "reconstructed",
              _record(main_points.quarterly_seizures_point(SEIZURE_FIGURES)))
    _executed(tmp_path, "02_drug_market", "The drug market <script>alert(1)</script>",
              "Which drugs, over time?", "official")
    _executed(tmp_path, "12_new_analysis", "A new analysis", "Something new.", "estimate")
    return tmp_path


RENDERED = [
    Rendered("01_quarterly_seizures", "Seizures in Central Asia", "01_quarterly_seizures.html"),
    Rendered("02_drug_market", "The drug market <script>alert(1)</script>", "02_drug_market.html"),
    Rendered("12_new_analysis", "A new analysis", "12_new_analysis.html"),
]


def test_front_page_from_the_rendered_analyses(issue_dir: Path):
    html_text = pages.index_page(Quarter(2017, 2), RENDERED, "made by test", issue_dir=issue_dir)
    assert "<title>Milestones — April-June 2017</title>" in html_text
    assert "(issue 2017-Q2)" in html_text
    points = re.findall(r'<span class="main-point">(.*?)</span>', html_text)
    assert points == [C1_SENTENCE]
    for analysis in RENDERED:
        assert f'href="{analysis.html_name}"' in html_text
    assert "How much was seized?</p>" in html_text and "Second sentence" not in html_text
    assert "Something new." in html_text  # an analysis with no main point still appears
    assert "<h3>Further analyses</h3>" in html_text  # ... in a section even without a number
    statuses = re.findall(r'Data: <span class="status status-(\w+)">([^<]+)</span>', html_text)
    assert statuses == [("reconstructed", "reconstructed"), ("official", "official"),
                        ("estimate", "estimate")]
    assert "one table" in html_text
    assert "made by test" in html_text
    assert "<script" not in html_text and "The drug market &lt;script&gt;" in html_text
    assert '<li value="12" data-analysis="12_new_analysis">' in html_text


def test_front_page_without_the_issue_folder_still_lists_every_analysis():
    rendered = [Rendered(r.name, r.title, r.html_name, [{"status": "official", "value": 1}])
                for r in RENDERED]
    html_text = pages.index_page(Quarter(2017, 2), rendered, "footer")
    assert all(f'href="{r.html_name}"' in html_text for r in RENDERED)
    assert "Main points" not in html_text  # no figure names: no main points, and no guess
    assert html_text.count('Data: <span class="status status-official">official') == 3


def test_front_page_takes_the_point_an_analysis_stated():
    point = _record(main_points.quarterly_seizures_point(SEIZURE_FIGURES))
    rendered = [Rendered(RENDERED[0].name, RENDERED[0].title, RENDERED[0].html_name, [], point)]
    html_text = pages.index_page(Quarter(2017, 2), rendered, "")
    assert C1_SENTENCE in html_text
    # figures of the same names alone give no point: the notebook states it, or there is none
    unsaid = [Rendered(RENDERED[0].name, RENDERED[0].title, RENDERED[0].html_name,
                       [{"name": k, **v} for k, v in SEIZURE_FIGURES.items()])]
    assert C1_SENTENCE not in pages.index_page(Quarter(2017, 2), unsaid, "")


def _f(value, period, status="official", unit=""):
    return {"value": value, "period": period, "status": status, "unit": unit}


# (main point, its figures, the sentence): each analysis's point in the bulletin's words, and,
# where figures are reconstructed or stated, what it says instead.
POINT_CASES = [
    (
        main_points.drug_market_point,
        {"market_heroin_peak_years": _f("2003-2004", "1990-2016"),
         "market_opium_peak_years": _f("1990-2000", "1990-2016"),
         "market_cannabis_share_pct": _f(92.49, "2016")},
        "Over 1990-2016, heroin seizures in Central Asia peaked in 2003-2004 and opium seizures in "
        "1990-2000; in 2016, cannabis-type drugs made up about 92% of the four drugs seized.",
    ),
    (
        main_points.drug_market_point,
        {"market_heroin_peak_years": _f("2003-2004", "1990-2016", "reconstructed"),
         "market_opium_peak_years": _f("1990-2000", "1990-2016", "reconstructed"),
         "market_cannabis_share_pct": _f(92.49, "2016")},
        "In 2016, cannabis-type drugs made up about 92% of the four drugs seized; the peak years "
        "of heroin and opium are not stated here: they fall in years reconstructed by this "
        "project, not published figures.",
    ),
    (
        main_points.cannabis_point,
        {"cannabis_share_first_pct": _f(64.6, "2001"), "cannabis_share_pct": _f(90.5, "2016")},
        "The share of cannabis-type drugs in all drugs seized increased from 65% in 2001 to 91% in "
        "2016.",
    ),
    (
        main_points.cannabis_point,
        {"cannabis_share_first_pct": _f(65.0, "2001", "reconstructed"),
         "cannabis_share_pct": _f(92.6, "2016")},
        "In 2016, cannabis-type drugs made up about 93% of the four drugs seized (official "
        "figures); the 2001 share is reconstructed from the bulletin's own statement, so the rise "
        "it reports is not stated here.",
    ),
    (
        main_points.heroin_point,
        {"heroin_years_russia_higher": _f(7, "2010-2016"),
         "heroin_years_compared": _f(7, "2010-2016")},
        "The Russian Federation seized more heroin than the five countries of Central Asia "
        "together in every year of 2010-2016.",
    ),
    (
        main_points.heroin_point,
        {"heroin_years_russia_higher": _f(5, "2010-2016"),
         "heroin_years_compared": _f(6, "2010-2016")},
        "The Russian Federation seized more heroin than the five countries of Central Asia "
        "together in five of the six years of 2010-2016 with figures for both.",
    ),
    (
        main_points.heroin_point,
        {"heroin_years_russia_higher": _f(7, "2010-2016", "official+reconstructed"),
         "heroin_years_compared": _f(7, "2010-2016", "official+reconstructed"),
         "heroin_official_years_russia_higher": _f(4, "2012-2016"),
         "heroin_official_years_compared": _f(5, "2012-2016"),
         "heroin_years_not_official": _f("2010-2011", "2010-2016", "reconstructed")},
        "The Russian Federation seized more heroin than the five countries of Central Asia "
        "together in four of the five years with official figures for both (2012-2016); "
        "2010-2011 are reconstructed and left out.",
    ),
    (
        main_points.routes_point,
        {"routes_new_legs": _f(0, "2012-01/2017-06 against 2006-01/2011-12"),
         "routes_afghan_cannabis_share_tjk_pct": _f(81.2, "2012-01/2017-06"),
         "routes_afghan_cannabis_share_uzb_pct": _f(66.0, "2012-01/2017-06")},
        "No new trafficking route leg appeared in the seizure cases of 2012-June 2017 against "
        "2006-2011; Afghanistan was the origin of about 81% of the cannabis seized in Tajikistan "
        "and 66% in Uzbekistan.",
    ),
    (
        main_points.routes_point,
        {"routes_new_legs": _f(2, "2016-04/2017-03 against 2012-01/2015-12"),
         "routes_afghan_cannabis_share_tjk_pct": _f(None, "2016-04/2017-03")},
        "Two trafficking route legs through the five countries appeared in the seizure cases of "
        "April 2016-March 2017 that the cases of 2012-2015 do not show.",
    ),
    (
        main_points.routes_point,
        {"routes_new_legs": _f(0, "2012-01/2017-06 against 2006-01/2011-12", "reconstructed")},
        "No public seizure cases of 2012-June 2017 are in the tables: the cases of this issue are "
        "reconstructed by this project, so the routes they show are no finding.",
    ),
    (
        main_points.drug_crime_point,
        {"crime_offences_total": _f(13588, "2016"),
         "crime_offences_countries_reporting": _f(5, "2016"), "crime_selling_share_pct": _f(46.2, "2016"),
         "crime_selling_countries": _f("KAZ;TJK;UZB", "2016")},
        "In 2016, almost 13,600 drug-related offences were reported in Central Asia; offences "
        "linked to selling drugs were about 46% of the offences of the countries that report them "
        "apart (Kazakhstan, Tajikistan and Uzbekistan).",
    ),
    (
        main_points.drug_crime_point,
        {"crime_offences_total": _f(13600, "2016"),
         "crime_offences_countries_reporting": _f(5, "2016")},
        "In 2016, 13,600 drug-related offences were reported in Central Asia.",
    ),
    (
        # issue 13: "46% of 13,600" was 46% of three reconstructed countries; never said so again
        main_points.drug_crime_point,
        {"crime_offences_total": _f(13575, "2016", "official+reconstructed"),
         "crime_offences_countries_reporting": _f(5, "2016", "official+reconstructed"),
         "crime_offences_official": _f(2293, "2016"),
         "crime_offences_official_countries": _f("KGZ;TKM", "2016"),
         "crime_selling_share_pct": _f(46.0, "2016", "reconstructed"),
         "crime_selling_countries": _f("KAZ;TJK;UZB", "2016", "reconstructed")},
        "In 2016, the countries with official figures (Kyrgyzstan and Turkmenistan) reported over "
        "2,290 drug-related offences; the five countries' total of 13,575 rests partly on figures "
        "reconstructed by this project.",
    ),
    (
        main_points.arrests_point,
        {"arrests_persons_total": _f(12391, "2016"),
         "arrests_persons_countries_reporting": _f(5, "2016"),
         "arrests_women_mean_share_pct": _f(6.98, "2010-2016")},
        "In 2016, almost 12,400 people were arrested for drug-related crime in Central Asia; women "
        "were about 7% of those arrested on average over 2010-2016.",
    ),
    (
        main_points.arrests_point,
        {"arrests_persons_total": _f(12375, "2016", "reconstructed"),
         "arrests_persons_countries_reporting": _f(5, "2016", "reconstructed"),
         "arrests_women_mean_share_pct": _f(7.0, "2010-2016", "reconstructed")},
        "No official count of persons arrested for drug-related crime in 2016 is published for the "
        "five countries: the total of 12,375 in this issue is reconstructed by this project, not "
        "published.",
    ),
    (
        # "arrested over 5,100 persons arrested for drug-related crime", said twice
        main_points.arrests_point,
        {"arrests_persons_total": _f(6540, "2015", "official+reconstructed"),
         "arrests_persons_countries_reporting": _f(5, "2015", "official+reconstructed"),
         "arrests_persons_official": _f(5120, "2015"),
         "arrests_persons_official_countries": _f("KGZ;TJK;UZB", "2015")},
        "In 2015, the countries with official figures (Kyrgyzstan, Tajikistan and Uzbekistan) "
        "arrested 5,120 people for drug-related crime; the five countries' total of 6,540 "
        "rests partly on figures reconstructed by this project.",
    ),
    (
        main_points.crime_statistics_point,
        {"crimestats_official_cells_pct": _f(12.3, "2010-2023"),
         "crimestats_indicators": _f(18, "2010-2023"),
         "crimestats_countries_without_official_sdg16": _f(4, "2010-2023")},
        "Official figures fill about 12% of the indicator-years of 18 crime indicators over "
        "2010-2023; four of the five countries have no official SDG 16 figures.",
    ),
    (
        main_points.crime_statistics_point,
        {"crimestats_official_cells_pct": _f(12.3, "2010-2023", "official+stated+reconstructed"),
         "crimestats_stated_cells_pct": _f(0.5, "2010-2023"),
         "crimestats_reconstructed_cells_pct": _f(11.9, "2010-2023"),
         "crimestats_indicators": _f(18, "2010-2023"),
         "crimestats_countries_without_official_sdg16": _f(4, "2010-2023")},
        "Official figures fill about 12% of the indicator-years of 18 crime indicators over "
        "2010-2023 (about 1% only a figure stated in the bulletin; about 12% only a "
        "figure reconstructed from the bulletin); four of the five countries have no official "
        "SDG 16 figures.",
    ),
    (
        main_points.gender_based_violence_point,
        {"gbv_crisis_centre_clients_2015": _f(14467, "2015"),
         "gbv_crisis_centre_clients_change_2010_2015_pct": _f(26.1, "2010-2015")},
        "In Kyrgyzstan, 14,467 people turned to crisis centres and other institutions for help in "
        "2015, a 26 per cent increase from 2010.",
    ),
    (
        main_points.gender_based_violence_point,
        {"gbv_crisis_centre_clients_2015": _f(14467, "2015", "stated"),
         "gbv_crisis_centre_clients_change_2010_2015_pct": _f(26.0, "2010-2015",
                                                              "reconstructed+stated")},
        "In Kyrgyzstan, 14,467 people turned to crisis centres and other institutions for help in "
        "2015 (the bulletin's own figure); the 2010 figure behind the bulletin's increase is "
        "reconstructed from that statement, not published, so the change is not stated here.",
    ),
    (
        main_points.women_in_policing_point,
        {"policing_women_share_pct": _f(5.9, "2016"),
         "policing_female_officers_trained": _f(200, "2017", unit="officers")},
        "In 2016, 5.9% of certified police officers in Kyrgyzstan were women; 200 female police "
        "officers received training.",
    ),
    (
        main_points.women_in_policing_point,
        {"policing_women_share_pct": _f(5.9, "2016", "stated"),
         "policing_female_officers_trained": _f(200, "2017", "stated", unit="officers")},
        "In 2016, 5.9% of certified police officers in Kyrgyzstan were women (the bulletin's "
        "figure: no official series is published); 200 female police officers received training.",
    ),
    (
        main_points.activities_point,
        {"milestones_activities": _f(7, "2017-Q2"),
         "milestones_participants_total": _f(499, "2017-Q2", unit="participants (>=: a floor)"),
         "milestones_countries_taking_part": _f(14, "2017-Q2")},
        "Seven activities of the quarter brought together at least 499 participants from 14 "
        "countries.",
    ),
    (
        main_points.activities_point,
        {"milestones_activities": _f(8, "2017-Q2", "stated"),
         "milestones_participants_total": _f(499, "2017-Q2", "stated",
                                             unit="participants (>=: a floor)"),
         "milestones_countries_taking_part": _f(15, "2017-Q2", "stated")},
        "Eight activities of the quarter brought together at least 499 participants from 15 "
        "countries, as the issue reports them.",
    ),
]


@pytest.mark.parametrize(
    ("write", "figures", "expected"), POINT_CASES, ids=[c[0].__name__ for c in POINT_CASES]
)
def test_each_main_point_in_the_bulletins_words(write, figures, expected):
    assert write(figures).sentence == expected


def test_no_main_point_states_a_reconstructed_figure_without_saying_so():
    for write, figures, expected in POINT_CASES:
        made = any("reconstructed" in str(f.get("status")) for f in figures.values())
        assert not made or "reconstructed" in expected, write.__name__


def test_each_wording_helper_rests_on_the_figures_its_sentence_states():
    for write, figures, expected in POINT_CASES:
        point = write(figures)
        assert set(write.figures) <= set(figures), write.__name__
        stated = [name for name, record in figures.items() if record in point.figures]
        assert len(stated) == len(point.figures), write.__name__  # only figures it was given
        made = [n for n in stated if "reconstructed" in str(figures[n].get("status"))]
        assert not made or "reconstructed" in expected, (write.__name__, made)


def test_a_point_leaving_out_a_reconstructed_figure_reaches_the_front_page(caplog):
    """Found rendering the shipped data: 07_arrests states only the official 2016 total (it
    leaves out the women's share, partly reconstructed), yet the point rested on the share too,
    so every render warned and the front page lost an official sentence."""
    figures = {"arrests_persons_total": _f(24269, "2016"),
               "arrests_persons_countries_reporting": _f(5, "2016"),
               "arrests_women_mean_share_pct": _f(6.51, "2010-2016", "official+reconstructed")}
    point = main_points.arrests_point(figures)
    assert "women" not in point.sentence
    assert point.figures == (figures["arrests_persons_total"],
                             figures["arrests_persons_countries_reporting"])
    with caplog.at_level(logging.WARNING):
        assert main_points.checked_point("07_arrests", _record(point)) == (
            point.sentence, ["official"])
    assert "no main point" not in caplog.text
    official_share = _f(6.98, "2010-2016")
    with_share = main_points.arrests_point({**figures, "arrests_women_mean_share_pct": official_share})
    assert with_share.sentence.endswith("women were about 7% of those arrested on average over "
                                        "2010-2016.")
    assert with_share.figures[-1] is official_share  # the share it states, it rests on


@pytest.mark.parametrize("status", ["official", "reconstructed"])
def test_the_afghan_shares_of_the_routes_point_are_stated_only_when_measured(status):
    """They were read with ``figures.get``: a reconstructed share was stated without saying so
    and its status never reached the front page."""
    figures = {"routes_new_legs": _f(0, "2012-01/2017-06 against 2006-01/2011-12"),
               "routes_afghan_cannabis_share_tjk_pct": _f(81.2, "2012-01/2017-06", status),
               "routes_afghan_cannabis_share_uzb_pct": _f(66.0, "2012-01/2017-06", status)}
    point = main_points.routes_point(figures)
    assert ("Afghanistan was the origin" in point.sentence) == (status == "official")
    stated = ("routes_new_legs",) + (
        ("routes_afghan_cannabis_share_tjk_pct", "routes_afghan_cannabis_share_uzb_pct")
        if status == "official" else ())
    assert point.figures == tuple(figures[name] for name in stated)


@pytest.mark.parametrize(
    ("write", "names"),
    [(main_points.arrests_point,
      ("arrests_persons_total", "arrests_persons_countries_reporting")),
     (main_points.drug_crime_point,
      ("crime_offences_total", "crime_offences_countries_reporting"))],
)
def test_a_regional_total_says_how_many_countries_it_covers(write, names):
    """Found rendering the shipped data: 24,269 persons arrested in 2016 "in Central Asia" were
    the four countries that report; Kazakhstan has no figure."""
    total, reporting = names
    four = write({total: _f(24269, "2016"), reporting: _f(4, "2016")}).sentence
    assert four.endswith("in Central Asia, four of the five countries reporting.")
    five = write({total: _f(24269, "2016"), reporting: _f(5, "2016")}).sentence
    assert five.endswith("in Central Asia.")


def test_a_reconstructed_total_says_who_made_it_and_no_more():
    """The 2011 arrests are carried from official years by the offences (rule 4 of
    data/README.md), not taken from the bulletin's statements, as the sentence said."""
    point = main_points.arrests_point(
        {"arrests_persons_total": _f(6961, "2011", "reconstructed"),
         "arrests_persons_countries_reporting": _f(5, "2011", "reconstructed")})
    assert point.sentence == (
        "No official count of persons arrested for drug-related crime in 2011 is published for "
        "the five countries: the total of 6,961 in this issue is reconstructed by this project, "
        "not published.")


CLAIMS = [
    {"id": "C1", "statement": "almost four tons", "holds": True, "basis": "reconstructed",
     "verdict": "Holds by construction.", "notebook": "01_quarterly_seizures",
     "values": {"basis_rows": {"reconstructed_from_claim": 27}}},
    {"id": "C3", "statement": "cannabis largest", "holds": True, "basis": "official",
     "verdict": "Checked against official figures.", "notebook": "02_drug_market",
     "values": {"basis_rows": {"official": 99}}},
    {"id": "C8", "statement": "Afghan cannabis", "holds": None, "basis": "official",
     "verdict": "Not testable on public data.", "notebook": "02_drug_market",
     "values": {"basis_rows": {"official": 40}}},
    {"id": "C9", "statement": "decreased <b>steadily</b>", "holds": True, "basis": "mixed",
     "verdict": "Partly official.", "notebook": "02_drug_market",
     "values": {"basis_rows": {"official": 29, "reconstructed_from_claim": 112}}},
    {"id": "C17", "statement": "5.9 per cent", "holds": False, "basis": "stated",
     "verdict": "the bulletin's own figures.", "notebook": "12_new_analysis",
     "values": {"basis_rows": {"stated": 2}}},
]


@pytest.mark.parametrize(
    ("claim", "group"),
    [(CLAIMS[0], "not_checkable"), (CLAIMS[1], "checked"), (CLAIMS[2], "not_checkable"),
     (CLAIMS[3], "checked"), (CLAIMS[4], "stated"), ({"holds": True}, "not_checkable")],
)
def test_claim_group_never_makes_a_finding_of_a_reconstructed_or_untestable_claim(claim, group):
    assert front_page.claim_group(claim) == group


def test_front_page_lists_each_claim_with_its_basis_beside_it(issue_dir: Path):
    (issue_dir / "claims.json").write_text(json.dumps({"issue": "2017-Q2", "claims": CLAIMS}))
    html_text = pages.index_page(Quarter(2017, 2), RENDERED, "", issue_dir=issue_dir)
    section = html_text.split('<section class="claims-checked"')[1].split("</section>")[0]
    groups = [html.unescape(g) for g in re.findall(r"<h3>(.*?)</h3>", section)]
    assert groups == ["Checked against published figures", "Resting on the bulletin's own figures",
                      "What the bulletin says, not checkable here"]
    by_group = dict(zip(groups, re.split(r"<h3>.*?</h3>", section)[1:], strict=True))
    ids = {g: re.findall(r'data-claim="(C\d+)"', text) for g, text in by_group.items()}
    assert ids == {
        "Checked against published figures": ["C3", "C9"],
        "Resting on the bulletin's own figures": ["C17"],
        "What the bulletin says, not checkable here": ["C1", "C8"],
    }
    c1 = by_group["What the bulletin says, not checkable here"].split('data-claim="C8"')[0]
    assert "holds by construction" in c1 and "reconstructed: not evidence" in c1
    assert 'class="verdict verdict-holds"' not in c1  # never a green "holds" for a reconstruction
    assert 'href="01_quarterly_seizures.html#claim-C1"' in c1
    assert "partly official (21% of its figures)" in section
    assert "decreased &lt;b&gt;steadily&lt;/b&gt;" in section  # statements are data


def test_another_issue_quotes_the_statements_as_the_words_of_the_issue_that_made_them(
    issue_dir: Path,
):
    quoted = [{**claim, "issue": "2017-Q2"} for claim in CLAIMS]
    (issue_dir / "claims.json").write_text(json.dumps({"issue": "2017-Q3", "claims": quoted}))
    html_text = pages.index_page(Quarter(2017, 3), RENDERED, "", issue_dir=issue_dir)
    section = html_text.split('<section class="claims-checked"')[1].split("</section>")[0]
    assert section.startswith(' aria-labelledby="claims-heading" data-statement-of="2017-Q2">')
    assert "The 2017-Q2 bulletin&#39;s statements, checked</h2>" in section
    assert "These are statements of the 2017-Q2 bulletin, not of this issue" in section
    assert "Each statement of the issue" not in section
    assert section.count('data-statement-of="2017-Q2"') == 1 + len(CLAIMS)
    # In the issue that made them, they are the issue's own statements.
    own = pages.index_page(Quarter(2017, 2), RENDERED, "", issue_dir=issue_dir)
    assert "The bulletin&#39;s statements, checked</h2>" in own
    assert "Each statement of the issue, with what the data say" in own


def test_a_claim_box_names_the_issue_whose_statement_it_quotes():
    box = claim_boxes.claim_html({**CLAIMS[0], "issue": "2017-Q2"})
    assert 'data-statement-of="2017-Q2"' in box
    assert '<span class="claim-id">C1</span> The 2017-Q2 bulletin: “almost four tons”' in box
    assert "The bulletin: “" in claim_boxes.claim_html(CLAIMS[0])  # an issue not known


def _with_data(folder: Path, name: str, record: dict) -> None:
    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    nb.cells[1].outputs.append(nbformat.v4.new_output("display_data", data={
        report.DATA_MIMETYPE: record, "text/plain": "data"}))
    nbformat.write(nb, folder / f"{name}.ipynb")


def test_about_the_data_gives_each_analysis_its_shares_by_status(issue_dir: Path):
    frame = pd.DataFrame({"year": [2016, 2016, 2017, 2017], "kg": [1.0, 1.0, 6.0, 2.0],
                          "status": ["official", "official", "reconstructed", "stated"]})
    _with_data(issue_dir, "01_quarterly_seizures", report.data_record(frame, "seizures_quarterly"))
    _with_data(issue_dir, "02_drug_market", report.data_record(
        frame.assign(status="official").head(2), "seizures_annual"))
    html_text = pages.index_page(Quarter(2017, 2), RENDERED, "", issue_dir=issue_dir)
    table = html_text.split('<table class="data-shares">')[1].split("</table>")[0]
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
    assert headers == ["Analysis (table read)", "Rows", "official", "stated in the bulletin",
                       "reconstructed"]
    rows = re.findall(r"<tr><td>(.*?)</tr>", table, re.DOTALL)
    assert len(rows) == 2
    cells = [re.findall(r'<td class="(?:num|share)"[^>]*>(.*?)</td>', row) for row in rows]
    assert cells[0] == ["4", "50% of rows<br>20% of kg<br>2016", "25% of rows<br>20% of kg<br>2017",
                        "25% of rows<br>60% of kg<br>2017"]
    assert cells[1] == ["2", "100% of rows<br>100% of kg<br>2016", "–", "–"]


def test_share_columns_add_a_status_only_when_some_table_has_it():
    line = {"cells": {"estimate": ["1% of rows"]}}
    assert front_page.share_columns([]) == ["official", "stated", "reconstructed"]
    assert front_page.share_columns([line]) == ["official", "stated", "reconstructed", "estimate"]


def test_an_analysis_that_read_no_row_says_no_data(tmp_path: Path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("...")
    empty = report.data_record(pd.DataFrame({"kg": [], "status": []}), "seizure_cases")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        report.DATA_MIMETYPE: empty, "text/plain": "data"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Routes\n\nWhich routes? More."), cell]
    nbformat.write(nb, tmp_path / "05_trafficking_routes.ipynb")
    rendered = [Rendered("05_trafficking_routes", "Routes", "05_trafficking_routes.html")]
    html_text = pages.index_page(Quarter(2017, 2), rendered, "", issue_dir=tmp_path)
    assert 'Data: <span class="status status-unknown">no data</span>' in html_text
    assert '<code>seizure_cases</code></td><td class="num" data-label="Rows">0</td>' in html_text
